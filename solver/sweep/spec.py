"""What a sweep computes: the scenario, its axes (a grid or a quasi-random design), the doctrines, and the points.

Axes.  ``--grid NAME=LO:HI:STEP`` is the grid ``LO, LO + STEP, ...`` up to ``HI`` (``HI`` itself when it
falls on the grid), computed in exact fractions from the decimals as written, so ``0:1:0.1`` has eleven
points and its seventh is exactly ``3/5``, never ``0.6000000000000001``.  ``--grid NAME=V1,V2,...`` is a
list.  With ``--design sobol:N`` or ``--design lhs:N`` every axis is given as bounds ``NAME=LO:HI`` and N
points are drawn in the box by :mod:`scipy.stats.qmc` (scrambled Sobol' or Latin hypercube), from a seed.

Points.  A grid's point ``i`` is found from ``i`` alone (mixed radix, the last axis varying fastest), so a
million-point grid is never held in memory: chunk ``k`` covers the indices ``k * chunk_size`` up to the
next chunk, and :meth:`Spec.points` generates just those.  A Sobol' design is generated the same way (the
engine is fast-forwarded to the chunk's first point); a Latin hypercube is a joint permutation of all N
points, so its N x d unit sample is drawn once per process and sliced.

Identity.  :attr:`Spec.hash` is a SHA-256 of the canonical form of everything that decides the rows: the
scenario's parameters and doctrines, the axes, the design and its seed, ``--tune-best``, and the scipy
version when there is a design (the quasi-random points are scipy's).  Each point's id is a short hash
of the spec's hash, the point's index and its coordinates.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np

from models.errors import ModelError
from models.monitoring import MAX_DELAY
from models.numbers import Number, parse_number
from models.repeated import dump_repeated
from models.scenario import LEVER_PARAMETERS, Entry, Scenario
from solver.compare.best import resolve_best

__all__ = ["Axis", "Design", "Doctrine", "Point", "Spec", "parse_grid", "parse_design", "build_spec",
           "resolve_doctrines", "default_chunk_size", "canonical_number", "SPEC_SCHEMA"]

#: The version of the canonical spec (a change makes every stored sweep a different one).
SPEC_SCHEMA = 1
#: Most points a sweep may have (its chunks are listed to resume it).
MAX_POINTS = 10**9
#: Fewest points per chunk by default (a sweep with fewer is one chunk).
MIN_CHUNK = 200
#: The largest default chunk (points per task), and how many chunks a sweep is split into at least (between
#: the two bounds).
MAX_CHUNK = 1000
MIN_CHUNKS = 64
#: An axis with at most this many values keeps them in a table (the product of the axes is never kept).
MAX_TABLE = 100_000
DESIGNS = ("sobol", "lhs")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def canonical_number(x: Number | int) -> str:
    """The exact text of a number in a spec: ``1/20`` for a fraction, the float's repr for a float.

    >>> canonical_number(Fraction(1, 20)), canonical_number(0.1), canonical_number(3)
    ('1/20', '0.1', '3')
    """
    if isinstance(x, float):
        return repr(x)
    f = Fraction(x)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _exact(text: str, where: str) -> Fraction:
    """A number as written, exactly: ``0.05`` is 1/20 (not the float nearest to it), ``1/3`` is 1/3."""
    x = parse_number(text, field=where)
    if isinstance(x, float):
        return Fraction(text.strip())  # every decimal literal is an exact fraction; no float on the way
    return x


@dataclass(frozen=True)
class Axis:
    """One swept parameter: a grid ``lo + k * step`` (``kind="range"``), a list, or design bounds."""

    name: str
    kind: str  # "range", "list" or "bounds"
    lo: Fraction = Fraction(0)
    hi: Fraction = Fraction(0)
    step: Fraction = Fraction(0)
    values: tuple[Fraction, ...] = ()

    @property
    def integer(self) -> bool:
        """Whether the parameter takes whole numbers (``delay``)."""
        return self.name == "delay"

    def __len__(self) -> int:
        return self.count()

    def count(self) -> int:
        """The number of values (any size: ``len`` is limited to machine integers)."""
        if self.kind == "range":
            return int((self.hi - self.lo) // self.step) + 1
        if self.kind == "list":
            return len(self.values)
        raise TypeError("design bounds have no length")

    def value(self, k: int) -> Fraction:
        """The ``k``-th grid value (exact)."""
        if self.kind == "range":
            return self.lo + k * self.step
        return self.values[k]

    @property
    def last(self) -> Fraction:
        """The largest value the axis reaches (for a range, perhaps below ``hi``)."""
        if self.kind == "range":
            return self.value(len(self) - 1)
        if self.kind == "list":
            return max(self.values)
        return self.hi

    @property
    def first(self) -> Fraction:
        return min(self.values) if self.kind == "list" else self.lo

    def canonical(self) -> dict[str, Any]:
        if self.kind == "list":
            return {"name": self.name, "kind": "list", "values": [canonical_number(v) for v in self.values]}
        out = {"name": self.name, "kind": self.kind, "lo": canonical_number(self.lo), "hi": canonical_number(self.hi)}
        if self.kind == "range":
            out["step"] = canonical_number(self.step)
        return out

    def text(self) -> str:
        """The axis as ``--grid`` writes it (exact)."""
        c = self.canonical()
        if self.kind == "list":
            return f"{self.name}={','.join(c['values'])}"
        return f"{self.name}={c['lo']}:{c['hi']}" + (f":{c['step']}" if self.kind == "range" else "")


def parse_grid(text: str, *, design: bool = False) -> Axis:
    """Read one ``--grid`` value: ``NAME=LO:HI:STEP`` or ``NAME=V1,V2,...``; with a design, ``NAME=LO:HI``.

    Only the syntax and the axis on its own are checked here (a positive step, ``LO <= HI``); whether
    NAME is a parameter of the scenario and the values are in its range is :func:`build_spec`'s job.

    Raises
    ------
    ModelError
        With ``field="--grid"``, for anything malformed.

    Examples
    --------
    >>> a = parse_grid("detection=0.5:1:0.05")
    >>> len(a), a.value(3)
    (11, Fraction(13, 20))
    >>> parse_grid("delta=0.9,0.95,99/100").values
    (Fraction(9, 10), Fraction(19, 20), Fraction(99, 100))
    """
    name, sep, spec = text.partition("=")
    name, spec = name.strip(), spec.strip()
    if not sep or not name or not spec:
        shape = "NAME=LO:HI" if design else "NAME=LO:HI:STEP or NAME=V1,V2,..."
        raise ModelError(f"expected {shape}, got {text!r}", field="--grid")
    where = f"--grid {name}"
    if design:
        parts = [p.strip() for p in spec.split(":")]
        if len(parts) != 2 or not all(parts):
            raise ModelError(f"with --design, an axis is bounds LO:HI, got {spec!r}", field=where)
        lo, hi = (_exact(p, where) for p in parts)
        if lo > hi:
            raise ModelError(f"LO must not exceed HI, got {spec!r}", field=where)
        if name == "delay":
            raise ModelError("delay takes whole numbers; sweep it on a grid, not in a --design", field=where)
        return Axis(name, "bounds", lo, hi)
    if ":" in spec:
        parts = [p.strip() for p in spec.split(":")]
        if len(parts) != 3 or not all(parts):
            hint = " (LO:HI bounds need --design)" if len(parts) == 2 else ""
            raise ModelError(f"expected LO:HI:STEP, got {spec!r}{hint}", field=where)
        lo, hi, step = (_exact(p, where) for p in parts)
        if step <= 0:
            raise ModelError(f"STEP must be > 0, got {parts[2]}", field=where)
        if lo > hi:
            raise ModelError(f"LO must not exceed HI, got {parts[0]} > {parts[1]}", field=where)
        axis = Axis(name, "range", lo, hi, step)
    else:
        items = [p.strip() for p in spec.split(",")]
        if not all(items):
            raise ModelError(f"expected a list V1,V2,..., got {spec!r}", field=where)
        axis = Axis(name, "list", values=tuple(_exact(p, where) for p in items))
    if axis.integer:
        bad = [v for v in (axis.values or (axis.lo, axis.step)) if v.denominator != 1]
        if bad:
            raise ModelError(f"delay takes whole numbers of periods, got {canonical_number(bad[0])}", field=where)
    return axis


@dataclass(frozen=True)
class Design:
    """A quasi-random design: ``kind`` ``sobol`` or ``lhs``, ``n`` points, from ``seed``."""

    kind: str
    n: int
    seed: int = 0

    def canonical(self) -> dict[str, Any]:
        return {"kind": self.kind, "n": self.n, "seed": self.seed}


def parse_design(text: str, seed: int | None) -> Design:
    """``sobol:N`` or ``lhs:N`` (N >= 1).

    >>> parse_design("sobol:256", None)
    Design(kind='sobol', n=256, seed=0)
    """
    kind, sep, count = (s.strip() for s in text.partition(":"))
    if kind not in DESIGNS or not sep or not count.isdigit() or int(count) < 1:
        raise ModelError(f"expected sobol:N or lhs:N with N >= 1, got {text!r}", field="--design")
    return Design(kind, int(count), 0 if seed is None else seed)


@dataclass(frozen=True)
class Doctrine:
    """One doctrine of the sweep: the scenario's entry, its family and what is played.

    ``played`` is the doctrine with any ``:best`` parameter resolved (once, at the scenario's values);
    None when ``--tune-best`` resolves it again at every point.
    """

    entry: Entry
    family: str  # "deterrence" or "norm"
    played: str | None
    note: str = ""

    @property
    def label(self) -> str:
        return self.entry.label


@dataclass(frozen=True)
class Point:
    """One point of a sweep: its index, its id, and its value on every axis (in the axes' order)."""

    index: int
    id: str
    values: tuple[Number | int, ...]


def default_chunk_size(n_points: int) -> int:
    """Points per task: :data:`MIN_CHUNK` at least (the batched evaluation pays a fixed cost per chunk: a chain
    per doctrine and structure), then enough for :data:`MIN_CHUNKS` chunks, at most :data:`MAX_CHUNK`.

    It depends on the number of points only (not on ``--jobs``), so the same sweep has the same chunks on
    any machine and a run can resume another's.

    >>> default_chunk_size(20), default_chunk_size(10_000), default_chunk_size(30_000), default_chunk_size(10**6)
    (20, 200, 469, 1000)
    """
    size = min(MAX_CHUNK, max(MIN_CHUNK, math.ceil(n_points / MIN_CHUNKS)))
    return max(1, min(size, n_points))


@dataclass(frozen=True)
class Spec:
    """Everything that decides a sweep's rows (see the module docstring)."""

    scenario: Scenario
    axes: tuple[Axis, ...]
    doctrines: tuple[Doctrine, ...]
    design: Design | None = None
    tune_best: bool = False
    chunk_size: int = 0  # 0: default_chunk_size(n_points)
    versions: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.chunk_size == 0:
            object.__setattr__(self, "chunk_size", default_chunk_size(self.n_points))

    # -- identity ---------------------------------------------------------------------------------------

    def canonical(self) -> dict[str, Any]:
        """The JSON form of what decides the rows (the chunk size does not: it only cuts them)."""
        out: dict[str, Any] = {
            "schema": SPEC_SCHEMA,
            "scenario": scenario_canonical(self.scenario),
            "axes": [a.canonical() for a in self.axes],
            "design": None if self.design is None else self.design.canonical(),
            "doctrines": [{"doctrine": d.label, "family": d.family} for d in self.doctrines],
            "tune_best": self.tune_best,
        }
        if self.design is not None:
            out["scipy"] = dict(self.versions).get("scipy", "")
        return out

    @functools.cached_property
    def hash(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(text.encode("ascii")).hexdigest()

    # -- points -----------------------------------------------------------------------------------------

    @functools.cached_property
    def n_points(self) -> int:
        if self.design is not None:
            return self.design.n
        return math.prod(a.count() for a in self.axes)

    @property
    def n_chunks(self) -> int:
        return -(-self.n_points // self.chunk_size)

    def chunk(self, k: int) -> range:
        """The point indices of chunk ``k``."""
        if not 0 <= k < self.n_chunks:
            raise IndexError(f"chunk {k} of a sweep of {self.n_chunks}")
        return range(k * self.chunk_size, min((k + 1) * self.chunk_size, self.n_points))

    def points(self, indices: range) -> Iterator[Point]:
        """The points with these indices, generated one by one (see the module docstring)."""
        if self.design is None:
            sizes = [len(a) for a in self.axes]
            tables = self._tables
            for i in indices:
                coords: list[int] = []
                rest = i
                for size in reversed(sizes):
                    rest, k = divmod(rest, size)
                    coords.append(k)
                coords.reverse()
                cells = [t[k] if t is not None else _cell(a, k) for a, t, k in zip(self.axes, tables, coords)]
                values = tuple(v for v, _ in cells)
                yield Point(i, self._id(i, ",".join(text for _, text in cells)), values)
            return
        unit = _unit_sample(self.design, len(self.axes), indices)
        lo = np.array([float(a.lo) for a in self.axes])
        hi = np.array([float(a.hi) for a in self.axes])
        for row, i in zip(unit, indices):
            drawn: tuple[Number | int, ...] = tuple(float(x) for x in lo + row * (hi - lo))
            yield Point(i, self.point_id(i, drawn), drawn)

    def point_id(self, index: int, values: Sequence[Number | int]) -> str:
        """The id of point ``index``: a short hash of the spec's hash, the index and the coordinates."""
        return self._id(index, ",".join(canonical_number(v) for v in values))

    def _id(self, index: int, coordinates: str) -> str:
        return hashlib.blake2b(f"{self.hash}/{index}/{coordinates}".encode("ascii"), digest_size=6).hexdigest()

    @functools.cached_property
    def _tables(self) -> list[tuple[tuple[Number | int, str], ...] | None]:
        """Each grid axis's values with their canonical text, when the axis is short enough to keep them."""
        return [tuple(_cell(a, k) for k in range(len(a))) if len(a) <= MAX_TABLE else None for a in self.axes]

    def changes(self, point: Point) -> dict[str, object]:
        """The ``with_values`` changes of a point: flat parameters first, so that a dotted axis
        (``Attack.detection``) is not undone by a flat one (``detection``) that replaces per-operation values."""
        pairs = list(zip((a.name for a in self.axes), point.values))
        return dict(sorted(pairs, key=lambda p: "." in p[0]))

    def at(self, point: Point) -> Scenario:
        """The scenario at a point."""
        return self.scenario.with_values(self.changes(point))


def _cell(axis: Axis, k: int) -> tuple[Number | int, str]:
    v = axis.value(k)
    return (int(v) if axis.integer else v), canonical_number(v)


def _unit_sample(design: Design, d: int, indices: range) -> np.ndarray:
    """The design's points ``indices`` in the unit cube, shape (len(indices), d)."""
    if design.kind == "sobol":
        engine = _engine("Sobol", d, design.seed)
        if indices.start:  # scipy's fast_forward(0) raises OverflowError (scipy 1.17)
            engine.fast_forward(indices.start)
        with warnings.catch_warnings():  # the balance warning for N not a power of 2: the CLI says it once
            warnings.simplefilter("ignore", UserWarning)
            return np.asarray(engine.random(len(indices)))
    return _lhs(design.n, d, design.seed)[indices.start:indices.stop]


def _engine(kind: str, d: int, seed: int) -> Any:
    from scipy.stats import qmc

    cls = getattr(qmc, kind)
    try:
        return cls(d, rng=seed)
    except TypeError:  # scipy < 1.15 names it seed
        return cls(d, seed=seed)


@functools.lru_cache(maxsize=1)
def _lhs(n: int, d: int, seed: int) -> np.ndarray:
    sample = np.asarray(_engine("LatinHypercube", d, seed).random(n))
    sample.setflags(write=False)
    return sample


def scenario_canonical(s: Scenario) -> dict[str, Any]:
    """The parts of a scenario that decide its figures (not its title or description)."""
    out: dict[str, Any] = {
        "values": {k: canonical_number(v) for k, v in s.values},
        "deterrence": [e.label for e in s.deterrence],
        "norms": [e.label for e in s.norms],
    }
    if s.base is not None:
        out["model"] = dump_repeated(s.base, "json")[0]
    else:
        out.update(states=list(s.states), third_parties=list(s.third_parties), operations=list(s.operations),
                   overrides=sorted([k, canonical_number(v)] for k, v in s.overrides))
    return out


def _check_axis(scenario: Scenario, axis: Axis) -> None:
    """NAME is the scenario's parameter and every value the axis takes is in its range (one line otherwise)."""
    where = f"--grid {axis.name}"
    try:
        scenario.check_parameter(axis.name)
    except ModelError as exc:
        raise ModelError(exc.message, field=where) from None
    ends = (axis.first, axis.last)
    for v in ends:
        value: object = v
        if axis.integer:
            if not 0 <= v <= MAX_DELAY:
                raise ModelError(f"expected a whole number of periods from 0 to {MAX_DELAY}, got "
                                 f"{canonical_number(v)}", field=where)
            value = int(v)
        try:
            scenario.with_values({axis.name: value})
        except ModelError as exc:  # the scenario's own check: probability, discount factor, cost >= 0
            raise ModelError(exc.message, field=where) from None


def build_spec(scenario: Scenario, axes: Sequence[Axis], *, design: Design | None = None, tune_best: bool = False,
               chunk_size: int | None = None, versions: Mapping[str, str] | None = None) -> Spec:
    """The sweep of ``scenario`` over ``axes``, its doctrines not yet tuned (see :func:`resolve_doctrines`).

    Raises
    ------
    ModelError
        An axis names no parameter of the scenario, is given twice, or leaves the parameter's range.
    """
    if not axes:
        raise ModelError("give at least one axis", field="--grid")
    seen: set[str] = set()
    for axis in axes:
        if axis.name in seen:
            raise ModelError("the axis is given twice", field=f"--grid {axis.name}")
        seen.add(axis.name)
        if design is None and axis.kind == "bounds":
            raise ModelError("LO:HI bounds need --design", field=f"--grid {axis.name}")
        if design is not None and axis.kind != "bounds":
            raise ModelError("with --design, give every axis as bounds LO:HI", field=f"--grid {axis.name}")
        if design is None and axis.count() > MAX_POINTS:  # before the axis is read point by point
            raise ModelError(f"{_many(axis.count())} values: a sweep has at most {MAX_POINTS:,} points; use a "
                             "coarser step", field=f"--grid {axis.name}")
        _check_axis(scenario, axis)
    count = design.n if design is not None else math.prod(a.count() for a in axes)
    if count > MAX_POINTS:
        raise ModelError(f"{_many(count)} points: a sweep has at most {MAX_POINTS:,} points (split it, or use a "
                         "coarser grid)", field="--design" if design is not None else "--grid")
    # a doctrine that needs a lever the scenario lacks is left out, as compare leaves it out, unless an axis
    # sweeps one of that lever's parameters (audit from 0 up, say)
    swept = {LEVER_PARAMETERS[a.name] for a in axes if a.name in LEVER_PARAMETERS}  # levers an axis moves

    def kept(e: Entry) -> bool:
        return all(lv in scenario.levers or lv in swept for lv in e.levers)

    doctrines = tuple(Doctrine(e, "deterrence", None) for e in scenario.deterrence if kept(e)) + tuple(
        Doctrine(e, "norm", None) for e in scenario.norms if kept(e))
    if not doctrines:
        raise ModelError("the scenario lists no doctrine (deterrence and norms are empty)")
    doctrines = tuple(replace(d, played=d.entry.doctrine) if d.entry.tuned is None else d for d in doctrines)
    return Spec(scenario, tuple(axes), doctrines, design, tune_best, chunk_size or 0,
                tuple(sorted((versions or {}).items())))


def _many(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"about 10^{len(str(n)) - 1}"


def resolve_doctrines(spec: Spec) -> Spec:
    """The spec with every ``NAME:best`` parameter tuned once, at the scenario's values (unless ``--tune-best``).

    Each tuned doctrine's ``note`` says what was chosen (see :func:`solver.compare.best.resolve_best`).
    """
    if spec.tune_best:
        return spec
    out = []
    for d in spec.doctrines:
        if d.played is None:
            best = resolve_best(spec.scenario, d.entry)
            d = replace(d, played=best.doctrine, note=best.note)
        out.append(d)
    return replace(spec, doctrines=tuple(out))
