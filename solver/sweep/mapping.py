"""The regime map of a finished sweep: its cells from the sweep's rows, its boundaries exactly.

:func:`regime_map` reads the sweep's output (CSV), takes the regime of every point
(:func:`solver.sweep.regime.cell_regimes`), computes the exact pieces along the first axis
(:func:`solver.sweep.regime.exact_pieces`) at some values of the second, and draws both
(:func:`solver.render.regime_map.draw_regime_map`).  The exact pieces are what the map's boundary lines
join: at each of those rows the boundary is where the regime really changes, not the edge of a cell.

The map needs one or two ``--grid`` axes (a design has no cells), doctrines tuned once (``--tune-best``
moves a doctrine's parameter from point to point, and the exact pieces hold it fixed), and a CSV output.
The exact rows are at most :data:`BOUNDARY_ROWS` values of the second axis, spread evenly from its first
to its last (every value when there are fewer): each costs a few seconds with the default doctrines.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

from models.errors import ModelError
from models.numbers import format_number
from models.scenario import Entry
from solver.numeric.tolerance import payoff_span
from solver.sweep.regime import Piece, cell_regimes, exact_pieces
from solver.sweep.spec import Spec

__all__ = ["BOUNDARY_ROWS", "regime_map", "boundary_rows", "check_map"]

#: Rows of the second axis at which the exact boundaries are computed by default.
BOUNDARY_ROWS = 25


def check_map(spec: Spec, out: str, plot: str, force: bool) -> None:
    """Refuse a map that cannot be drawn before the sweep runs (see the module docstring)."""
    from solver.render.regime_map import check_plot_target

    _check(spec, out)
    if Path(plot).resolve() == Path(out).resolve():
        raise ModelError(f"--plot: {plot} is the sweep's output (--out); give the map another file")
    check_plot_target(plot, force)


def _check(spec: Spec, out: str) -> None:
    if spec.design is not None:
        raise ModelError("--plot: a design's points are scattered, so there are no cells to map; use --grid axes")
    if len(spec.axes) not in (1, 2):
        raise ModelError(f"--plot: a regime map has one or two --grid axes, this sweep has {len(spec.axes)}; "
                         "fix the others with --set")
    if spec.tune_best:
        raise ModelError("--plot: with --tune-best a doctrine's parameter moves from point to point, so its exact "
                         "boundaries are not defined; plot a sweep tuned once")
    if out.endswith(".parquet"):
        raise ModelError("--plot: the map is read from a CSV output; write the sweep to a .csv file")


def boundary_rows(values: Sequence[Fraction], most: int) -> list[Fraction]:
    """At most ``most`` of ``values`` (sorted), evenly spread, the first and the last included.

    >>> [str(v) for v in boundary_rows([Fraction(k, 10) for k in range(11)], 3)]
    ['0', '1/2', '1']
    """
    if most <= 0 or not values:
        return []
    if len(values) <= most:
        return list(values)
    if most == 1:
        return [values[0]]
    picks = sorted({round(k * (len(values) - 1) / (most - 1)) for k in range(most)})
    return [values[k] for k in picks]


def _pieces(args: tuple[Spec, Fraction | None]) -> tuple[Fraction | None, tuple[Piece, ...]]:
    spec, y = args
    x = spec.axes[0]
    scenario = spec.scenario if y is None else spec.scenario.with_values({spec.axes[1].name: y})
    entries = [(d.label, d.family, Entry(d.played or d.entry.doctrine, d.entry.levers)) for d in spec.doctrines]
    xs = [x.value(k) for k in range(len(x))]
    return y, exact_pieces(scenario, entries, x.name, min(xs), max(xs))


def regime_map(spec: Spec, out: str, plot: str, *, rows: int = BOUNDARY_ROWS, jobs: int = 1, force: bool = False,
               progress: Callable[[str, bool], None] | None = None) -> Path:
    """Draw the regime map of the finished sweep ``spec`` written to ``out`` into the PNG ``plot``.

    ``rows`` is how many values of the second axis get exact boundaries (0: none; with one axis, any value
    above 0 computes the one row), computed on ``jobs`` processes.

    Raises
    ------
    ModelError
        A sweep that cannot be mapped (see the module docstring), matplotlib missing, a PNG that exists
        without ``force``.
    """
    _check(spec, out)
    names = [a.name for a in spec.axes]
    with open(out, newline="", encoding="utf-8") as handle:
        _, scale = payoff_span(spec.scenario.stage_game().float_payoffs())  # the rounding scale of the welfares
        cells = cell_regimes(csv.DictReader(handle), names, scale=scale or 1.0)
    if len(names) == 2:
        ys = [spec.axes[1].value(k) for k in range(len(spec.axes[1]))]
        wanted: list[Fraction | None] = list(boundary_rows(sorted(set(ys)), rows))
    else:
        wanted = [None] if rows > 0 else []
    pieces: dict[Any, tuple[Piece, ...]] = {}
    tasks = [(spec, y) for y in wanted]
    if jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(min(jobs, len(tasks))) as pool:
            found = pool.map(_pieces, tasks)
            for k, (y, p) in enumerate(found):
                pieces[0.0 if y is None else float(y)] = p
                if progress is not None:
                    progress(f"map: exact boundaries at {k + 1} of {len(tasks)} rows", True)
    else:
        for k, task in enumerate(tasks):
            y, p = _pieces(task)
            pieces[0.0 if y is None else float(y)] = p
            if progress is not None:
                progress(f"map: exact boundaries at {k + 1} of {len(tasks)} rows", True)
    where = ", ".join(f"{n} {format_number(a.value(0))}..{format_number(a.last)}" for n, a in zip(names, spec.axes))
    title = f"{spec.scenario.title or 'Scenario'}: {where}"
    from solver.render.regime_map import draw_regime_map  # matplotlib is imported only when a map is drawn

    return draw_regime_map(cells, names, plot, pieces_by_row=pieces or None, title=title, force=force)
