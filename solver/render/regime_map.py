"""The regime map of a sweep: the best equilibrium doctrine at every cell, and the welfare gap, as a PNG.

Left panel: the best equilibrium doctrine of either family at each cell (one colour per doctrine,
deterrence doctrines first, then norms, each in the order they first appear; grey where no doctrine is an
equilibrium), hatched where no cooperative norm is an equilibrium.  Where exact pieces along the first axis
are given for a value of the second (:func:`solver.sweep.regime.exact_pieces`), that row is painted from the
pieces rather than from its cells, and the exact boundary points are drawn as markers joined, from row to
row, by a line for each kind of boundary (the same regimes on its two sides).  Right panel: the welfare
gap, best norm minus best deterrence doctrine, on a diverging scale centred at 0 (blue: norms do better;
red: deterrence does); grey where either family has no equilibrium.

matplotlib is an optional dependency (the ``plot`` extra) and is imported only here, when a map is drawn,
without pyplot (no global state, no display needed).  The PNG is written to a temporary file beside the
target and renamed over it, so a reader never sees half a file; an existing file is replaced only with
``force=True``.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import ModelError
from models.numbers import Number
from solver.sweep.regime import Piece, Regime

__all__ = ["draw_regime_map", "NONE_COLOUR", "check_plot_target"]

#: The colour of cells where no doctrine is an equilibrium.
NONE_COLOUR = "#d9d9d9"
_HATCH = "///"
_HATCH_COLOUR = (0.0, 0.0, 0.0, 0.45)


def _edges(values: Sequence[float]) -> np.ndarray:
    """Cell edges around sorted centres: halfway between neighbours, half a step beyond the ends."""
    v = np.asarray(values, dtype=float)
    if len(v) == 1:
        half = 0.5 if v[0] == 0 else abs(v[0]) * 0.05
        return np.array([v[0] - half, v[0] + half])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (v[1] - v[0]) / 2], mid, [v[-1] + (v[-1] - v[-2]) / 2]])


def _index(values: Sequence[float], x: float) -> int | None:
    for k, v in enumerate(values):
        if math.isclose(v, x, rel_tol=1e-12, abs_tol=1e-15):
            return k
    return None


def _labels(regimes: Sequence[Regime]) -> list[str]:
    seen: dict[str, str] = {}
    for r in regimes:
        if r.best is not None and r.best not in seen:
            seen[r.best] = r.family or ""
    return [k for k, f in seen.items() if f == "deterrence"] + [k for k, f in seen.items() if f != "deterrence"]


def _matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ModelError("drawing a regime map needs matplotlib: install the plot extra: "
                         "pip install 'detente[plot]'") from None


def check_plot_target(path: str | os.PathLike[str], force: bool) -> Path:
    """Refuse before any work: matplotlib missing, an existing file without ``force``, a missing directory."""
    _matplotlib()
    return _check_target(path, force)


def _check_target(path: str | os.PathLike[str], force: bool) -> Path:
    target = Path(path)
    if target.is_dir():
        raise ModelError(f"{target}: is a directory; give the PNG file to write")
    if target.suffix.lower() != ".png":
        raise ModelError(f"{target}: the map is written as PNG; give a file ending in .png")
    if target.exists() and not force:
        raise ModelError(f"{target}: the file exists; pass --force to overwrite it")
    if not target.parent.is_dir():
        raise ModelError(f"{target}: no such directory {str(target.parent)!r}")
    return target


def draw_regime_map(cells: Mapping[tuple[Number, ...], Regime], axes: Sequence[str], path: str | os.PathLike[str],
                    *, pieces_by_row: Mapping[Number, Sequence[Piece]] | None = None, title: str = "",
                    force: bool = False) -> Path:
    """Draw the regime map of a sweep and write it as a PNG (see the module docstring).

    Parameters
    ----------
    cells:
        The regime at each point, keyed by its coordinates in the order of ``axes``
        (:func:`solver.sweep.regime.cell_regimes`).
    axes:
        One or two axis names: the first is horizontal, the second vertical.
    path:
        The PNG to write.
    pieces_by_row:
        Exact pieces along the first axis for some values of the second (with one axis: under any key).
    title:
        The figure's title.
    force:
        Replace an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ModelError
        matplotlib missing, an existing file without ``force``, a missing directory, no cells, or cells
        whose coordinates do not match ``axes``.
    """
    if len(axes) not in (1, 2):
        raise ModelError(f"a regime map has one or two axes, got {len(axes)}: fix the others with --set")
    if not cells:
        raise ModelError("a regime map needs at least one point")
    for key in cells:
        if len(key) != len(axes):
            raise ModelError(f"a point has {len(key)} coordinates, the map has {len(axes)} axes")
    target = _check_target(path, force)
    _matplotlib()
    from matplotlib.colors import ListedColormap, Normalize
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    two = len(axes) == 2
    points = {(float(k[0]), float(k[1]) if two else 0.0): r for k, r in cells.items()}
    rows = dict(pieces_by_row or {})
    if not two and len(rows) > 1:
        raise ModelError("a map with one axis has one row of pieces")
    row_pieces = {(float(y) if two else 0.0): list(ps) for y, ps in rows.items()}
    xs = sorted({x for x, _ in points})
    ys = sorted({y for _, y in points} | set(row_pieces))
    xe, ye = _edges(xs), _edges(ys)
    every = list(points.values()) + [p.regime for ps in row_pieces.values() for p in ps]
    labels = _labels(every)
    palette = _palette(len(labels))
    colour = {label: palette[k] for k, label in enumerate(labels)}

    def colour_of(r: Regime) -> Any:
        return NONE_COLOUR if r.best is None else colour[r.best]

    codes = np.full((len(ys), len(xs)), np.nan)
    gaps = np.full((len(ys), len(xs)), np.nan)
    for (x, y), r in points.items():
        i, j = xs.index(x), ys.index(y)
        codes[j, i] = 0 if r.best is None else 1 + labels.index(r.best)
        gaps[j, i] = np.nan if r.gap is None else float(r.gap)

    fig = Figure(figsize=(13, 5.6), layout="constrained")
    left, right = fig.subplots(1, 2)
    cmap = ListedColormap([NONE_COLOUR] + [colour[k] for k in labels])
    left.pcolormesh(xe, ye, np.ma.masked_invalid(codes), cmap=cmap, vmin=-0.5, vmax=len(labels) + 0.5)

    def hatch(x0: float, x1: float, y0: float, y1: float) -> None:
        left.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, hatch=_HATCH, edgecolor=_HATCH_COLOUR,
                                 linewidth=0))

    for j, y in enumerate(ys):
        y0, y1 = ye[j], ye[j + 1]
        ps = row_pieces.get(y)
        if ps:
            lo, hi = float(ps[0].lo), float(ps[-1].hi)
            for p in ps:
                if p.lo != p.hi:
                    left.add_patch(Rectangle((float(p.lo), y0), float(p.hi) - float(p.lo), y1 - y0,
                                             facecolor=colour_of(p.regime), edgecolor="none"))
                    if p.regime.no_norm:
                        hatch(float(p.lo), float(p.hi), y0, y1)
            for p in ps:
                if p.lo == p.hi:  # a regime at one point only: a thin bar of its colour
                    left.plot([float(p.lo)] * 2, [y0, y1], color=colour_of(p.regime), linewidth=2.5,
                              solid_capstyle="butt")
            # the half cells beyond the range of the pieces keep the cells' hatching
            for i, x in enumerate(xs):
                cell = points.get((x, y))
                if cell is not None and cell.no_norm:
                    if xe[i] < lo:
                        hatch(xe[i], min(xe[i + 1], lo), y0, y1)
                    if xe[i + 1] > hi:
                        hatch(max(xe[i], hi), xe[i + 1], y0, y1)
            continue
        run: int | None = None
        for i, x in enumerate(xs + [math.nan]):
            cell = points.get((x, y))
            on = cell is not None and cell.no_norm
            if on and run is None:
                run = i
            elif not on and run is not None:
                hatch(xe[run], xe[i], y0, y1)
                run = None

    drawn = _boundaries(left, row_pieces, ys, ye, two)
    handles: list[Any] = [Patch(facecolor=colour[k], label=k) for k in labels]
    if any(r.best is None for r in every):
        handles.append(Patch(facecolor=NONE_COLOUR, label="no equilibrium"))
    if any(r.no_norm for r in every):
        handles.append(Patch(facecolor="white", edgecolor=_HATCH_COLOUR, hatch=_HATCH,
                             label="no norm is an equilibrium"))
    if drawn:
        handles.append(Line2D([], [], color="black", marker="o", markersize=3, linewidth=1, label="exact boundary"))
    left.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize="small",
                frameon=False)
    left.set_title("best equilibrium doctrine")

    finite = gaps[np.isfinite(gaps)]
    scale = float(np.max(np.abs(finite))) if finite.size and np.max(np.abs(finite)) > 0 else 1.0
    mesh = right.pcolormesh(xe, ye, np.ma.masked_invalid(gaps), cmap="RdBu", norm=Normalize(-scale, scale))
    right.set_facecolor(NONE_COLOUR)
    fig.colorbar(mesh, ax=right, label="welfare gap: best norm - best deterrence")
    right.set_title("welfare gap (grey: a family has no equilibrium)")
    for ax in (left, right):
        ax.set_xlim(xe[0], xe[-1])
        ax.set_ylim(ye[0], ye[-1])
        ax.set_xlabel(axes[0])
        if two:
            ax.set_ylabel(axes[1])
        else:
            ax.set_yticks([])
    if title:
        fig.suptitle(title)
    _write(fig, target)
    return target


def _palette(n: int) -> list[Any]:
    from matplotlib import colormaps

    if n <= 10:
        return [colormaps["tab10"](k) for k in range(n)]
    cmap = colormaps["tab20"]
    return [cmap(k % 20) for k in range(n)]


def _boundaries(ax: Any, row_pieces: Mapping[float, Sequence[Piece]], ys: Sequence[float], ye: np.ndarray,
                two: bool) -> bool:
    """Markers at the exact boundaries of what the panel shows; a line joins those of one kind in adjacent rows."""
    tracks: dict[tuple[Any, ...], list[list[tuple[float, float]]]] = {}
    last_row: dict[tuple[Any, ...], int] = {}
    drawn = False
    for y in sorted(row_pieces):
        j = ys.index(y)
        ps = row_pieces[y]
        seen: dict[tuple[Any, ...], int] = {}
        for p, q in zip(ps, ps[1:]):
            # only what this panel shows: a change of best doctrine or of the hatching
            kind = (p.regime.best, p.regime.no_norm, q.regime.best, q.regime.no_norm)
            if kind[:2] == kind[2:]:
                continue
            n = seen.get(kind, 0)
            seen[kind] = n + 1
            key = kind + (n,)
            x = float(p.hi)
            drawn = True
            if not two:
                ax.plot([x, x], [ye[j], ye[j + 1]], color="black", linewidth=1)
            if key in tracks and last_row.get(key) == j - 1:
                tracks[key][-1].append((x, y))
            else:
                tracks.setdefault(key, []).append([(x, y)])
            last_row[key] = j
    for runs in tracks.values():
        for run in runs:
            ax.plot([p[0] for p in run], [p[1] for p in run], color="black", linewidth=1, marker="o", markersize=2.5)
    return drawn


def _write(fig: Any, target: Path) -> None:
    """Save to a temporary file in the same directory, then rename it over the target."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        fig.savefig(tmp, format="png", dpi=120)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
