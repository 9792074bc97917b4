"""Regimes of a sweep: the best equilibrium doctrine at a point, and where along one axis it changes.

The *regime* at a point is what ``compare``'s verdict reads from its table (:func:`regime_of`): the best
equilibrium (PPE) doctrine of each family, the best of the two, the welfare gap between them, and whether
any cooperative norm is an equilibrium at all.  A doctrine that is not a PPE never counts, whatever it
would earn.  Ties follow ``compare``: within a family the doctrine listed first wins among those of the
largest welfare (``max`` keeps the first); between the families a norm is the best only when its welfare
is strictly larger (a gap of 0 is a tie, which ``compare`` reports as such and which goes to deterrence
here).  Exact welfares are compared exactly.  Float welfares closer than
:data:`~solver.numeric.tolerance.VALUE_ROUNDING` times the payoff scale are tied: without that, rounding
noise of 1e-16 decides between doctrines whose exact welfares are equal (with no false flags every
doctrine earns 0), where ``compare --float`` compares the bare floats.

:func:`cell_regimes` reads the regime of every point of a sweep from its tidy rows.

:func:`exact_pieces` finds where the regime changes along one axis, every other parameter fixed, exactly.
The regime can change for two reasons only:

1. a doctrine's PPE set over the axis starts or ends: the ends of
   :func:`~solver.compare.thresholds.parameter_intervals` (``nash=False``), exact when the model is rational;
2. two equilibrium doctrines' welfare curves cross.  Along the axis (mapped to ``t`` in [0, 1]) each
   doctrine's joint welfare is a ratio ``N(t) / D(t)`` of polynomials with ``D = det(I - delta P) > 0``
   (as in :mod:`solver.compare.best`, and interpolated by the same
   :meth:`~solver.compare.thresholds._Family.polynomials`), so two curves cross at the real roots of
   ``N1 D2 - N2 D1``, which :func:`~solver.numeric.polynomials.real_roots` isolates (Sturm sequences) inside
   the stretches where both are PPE.

Those points cut the range into open cells on which every doctrine's verdict and the order of the welfares
are constant; the regime is evaluated exactly at a rational point inside each cell and at each cut point,
and cells of the same regime (labels, not the gap, which varies continuously) are merged.  A cut point
whose regime differs from both its neighbours (a knife-edge: tit-for-tat is a PPE at a single detection
rate) is a piece of width zero.  Cut points that are irrational (a root, an irrational end of a PPE set)
are given as floats, to about 1e-16; cut points closer together than :data:`MERGE_WIDTH` of the range are
taken as one.

Where the exact method is not available (late attribution, float parameters, large chains, or
``exact=False``), :func:`~solver.compare.thresholds.parameter_intervals` uses its grid, and so does this
module: welfare crossings are located by sign changes of the welfare differences on the same grid of
:data:`~solver.compare.thresholds.GRID` values, bisected to
:data:`~solver.compare.thresholds.GRID_WIDTH` of the range, and every piece says ``exact=False``.

>>> from models.scenario import Entry, Scenario
>>> [p.regime.best for p in exact_pieces(Scenario(), [("grim", "deterrence", Entry("grim"))], "detection", 0, 1)]
[None, 'grim']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from models.errors import ModelError, SolverError
from models.numbers import Number, is_exact, json_number, parse_number, to_exact
from models.scenario import Entry, Scenario
from solver.compare.thresholds import GRID, GRID_WIDTH, _builder, _Family, _NotPolynomial, parameter_intervals
from solver.numeric.blas import blas_threads
from solver.numeric.polynomials import Poly, multiply, real_roots, subtract
from solver.numeric.polynomials import evaluate as poly_at
from solver.numeric.rational import simplest_in
from solver.numeric.tolerance import VALUE_ROUNDING
from solver.repeated.delta_sets.intervals import Interval, intersect
from solver.repeated.evaluation import evaluate

__all__ = ["Regime", "Piece", "Figure", "regime_of", "cell_regimes", "exact_pieces", "pieces_at", "MERGE_WIDTH",
           "FAMILIES"]

SCHEMA_VERSION = 1
FAMILIES = ("deterrence", "norm")
#: Cut points of the exact method closer together than this fraction of the range are one point.
MERGE_WIDTH = Fraction(1, 2**40)

#: One doctrine's figures at a point: (label, family, welfare, ppe).
Figure = tuple[str, str, Number, bool]


@dataclass(frozen=True)
class Regime:
    """The best equilibrium doctrines at a point (see the module docstring for the ties)."""

    best: str | None  # the best equilibrium doctrine of either family, None when no doctrine is a PPE
    family: str | None  # its family
    best_norm: str | None
    best_deterrence: str | None
    gap: Number | None  # welfare(best norm) - welfare(best deterrence); None when either is missing
    no_norm: bool  # no cooperative norm is an equilibrium
    missing: tuple[str, ...] = ()  # doctrines left out because their figures failed (a sweep's error rows)

    @property
    def key(self) -> tuple[str | None, str | None, str | None, bool]:
        """What makes two regimes the same: the labels, not the gap (which varies continuously)."""
        return self.best, self.best_norm, self.best_deterrence, self.no_norm

    def to_dict(self) -> dict[str, Any]:
        return {
            "best": self.best,
            "family": self.family,
            "best_norm": self.best_norm,
            "best_deterrence": self.best_deterrence,
            "gap": None if self.gap is None else json_number(self.gap),
            "no_norm": self.no_norm,
            "missing": list(self.missing),
        }


def _larger(a: Number, b: Number, scale: float) -> bool:
    """``a > b``: exactly for exact numbers, by more than the rounding allowance for floats."""
    if is_exact(a) and is_exact(b):
        return a > b
    fa, fb = float(a), float(b)
    return fa - fb > VALUE_ROUNDING * max(scale, abs(fa), abs(fb))


def regime_of(figures: Iterable[Figure], *, missing: Sequence[str] = (), scale: float = 1.0) -> Regime:
    """The regime of one point from its doctrines' figures, in the scenario's order.

    Parameters
    ----------
    figures:
        ``(label, family, welfare, ppe)`` per doctrine, family ``"deterrence"`` or ``"norm"``.
    missing:
        Labels of doctrines whose figures are unknown at this point (recorded, not used).
    scale:
        The largest payoff magnitude, the scale of float rounding (see the module docstring).

    Raises
    ------
    ModelError
        A family other than ``deterrence`` and ``norm``.

    Examples
    --------
    >>> r = regime_of([("grim", "deterrence", -2, True), ("wsls", "norm", -1, True), ("contrite", "norm", 0, False)])
    >>> r.best, r.family, r.gap, r.no_norm
    ('wsls', 'norm', 1, False)
    """
    best: dict[str, tuple[str, Number] | None] = {f: None for f in FAMILIES}
    for label, family, welfare, ppe in figures:
        if family not in FAMILIES:
            raise ModelError(f"{label}: unknown family {family!r}; families are {', '.join(FAMILIES)}")
        if not ppe:
            continue
        top = best[family]
        # only a strictly larger welfare replaces: the first listed wins a tie, as max() does in compare
        if top is None or _larger(welfare, top[1], scale):
            best[family] = (label, welfare)
    det, norm = best["deterrence"], best["norm"]
    gap = None if det is None or norm is None else norm[1] - det[1]
    if norm is not None and (det is None or _larger(norm[1], det[1], scale)):
        top, family_of = norm, "norm"
    elif det is not None:
        top, family_of = det, "deterrence"
    else:
        top, family_of = None, None
    return Regime(None if top is None else top[0], family_of, None if norm is None else norm[0],
                  None if det is None else det[0], gap, norm is None, tuple(missing))


def _flag(value: object, column: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise ModelError(f"expected true or false, got {value!r}", field=column)


def _coordinate(value: object, axis: str) -> Number:
    if isinstance(value, (int, float, Fraction)) and not isinstance(value, bool):
        return value
    return parse_number(str(value).strip(), field=axis)


def cell_regimes(rows: Iterable[Mapping[str, Any]], axes: Sequence[str], *,
                 scale: float = 1.0) -> dict[tuple[Number, ...], Regime]:
    """The regime at every point of a sweep, from its tidy rows (one per point and doctrine).

    Each row maps the axis names, ``doctrine``, ``family``, ``welfare``, ``ppe`` and ``error`` to values,
    as the sweep writes them or as a CSV reader returns them (strings are parsed).  Rows are grouped by
    their axis values, in the order the points first appear; within a point the doctrines keep the rows'
    order, which decides ties.  A row with an error is left out of its point's regime, and its doctrine
    is listed in the regime's ``missing``.  ``scale`` is that of :func:`regime_of`.

    Raises
    ------
    ModelError
        A row without one of those columns, or with a value that cannot be read.

    Examples
    --------
    >>> rows = [{"detection": 0.5, "doctrine": "grim", "family": "deterrence", "welfare": -2, "ppe": True,
    ...          "error": ""}, {"detection": 0.5, "doctrine": "wsls", "family": "norm", "welfare": "",
    ...          "ppe": "", "error": "singular"}]
    >>> r = cell_regimes(rows, ["detection"])[(0.5,)]
    >>> r.best, r.no_norm, r.missing
    ('grim', True, ('wsls',))
    """
    figures: dict[tuple[Number, ...], list[Figure]] = {}
    missing: dict[tuple[Number, ...], list[str]] = {}
    for row in rows:
        try:
            point = tuple(_coordinate(row[a], a) for a in axes)
            label, family, error = str(row["doctrine"]), str(row["family"]), row.get("error")
        except KeyError as exc:
            raise ModelError(f"a sweep row has no column {exc.args[0]!r}") from None
        figures.setdefault(point, [])
        missing.setdefault(point, [])
        if error is not None and str(error).strip() and not (isinstance(error, float) and math.isnan(error)):
            missing[point].append(label)
            continue
        welfare = row.get("welfare")
        welfare = welfare if isinstance(welfare, (int, float, Fraction)) else parse_number(
            str(welfare).strip(), field="welfare")
        figures[point].append((label, family, welfare, _flag(row.get("ppe"), "ppe")))
    return {p: regime_of(figs, missing=missing[p], scale=scale) for p, figs in figures.items()}


@dataclass(frozen=True)
class Piece:
    """A stretch ``[lo, hi]`` of the axis with one regime (a piece of width zero is a single point).

    ``regime`` is evaluated at ``at``, a rational point inside the piece (the simplest fraction near its
    middle); its labels hold on the whole open stretch, its gap only at ``at``.  Which piece a cut point
    itself belongs to is not recorded, except for a cut point whose regime differs from both sides, which is
    its own piece.  ``why`` says what changes at ``hi`` (empty at the end of the range).
    """

    lo: Number
    hi: Number
    regime: Regime
    exact: bool
    at: Number
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "lo": json_number(self.lo), "hi": json_number(self.hi),
                "regime": self.regime.to_dict(), "exact": self.exact, "at": json_number(self.at), "why": self.why}


def pieces_at(pieces: Sequence[Piece], x: Number) -> tuple[Piece, ...]:
    """The pieces at ``x``: a piece of width zero there, else those whose closed stretch holds ``x``.

    Two pieces at a cut point (its regime is that of one of them), one inside a piece, none outside.
    """
    point = tuple(p for p in pieces if p.lo == p.hi == x)
    return point or tuple(p for p in pieces if p.lo <= x <= p.hi)


# -- exact pieces ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Doctrine:
    label: str
    family: str
    ppe: tuple[Interval, ...]  # over the axis (x)
    exact: bool
    welfare_t: Callable[[Fraction], Number | None]  # joint welfare at t (None where it is undefined)
    polys: tuple[Poly, Poly] | None  # (N, D) in t, exact method only


@dataclass
class _Cut:
    """A cut point: a bracket [lo, hi] in t (lo == hi when exact), its x value and what happens there."""

    lo: Fraction
    hi: Fraction
    x: Number
    why: list[str]


def _inside(ivs: Sequence[Interval], x: Number) -> bool:
    for iv in ivs:
        if (iv.lo < x or (iv.lo == x and iv.lo_closed)) and (x < iv.hi or (x == iv.hi and iv.hi_closed)):
            return True
    return False


def exact_pieces(scenario: Scenario, entries: Sequence[tuple[str, str, Entry]], axis: str, lo: Number, hi: Number,
                 *, exact: bool | None = None) -> tuple[Piece, ...]:
    """The range ``[lo, hi]`` of ``axis`` cut where the regime changes, every other parameter as in ``scenario``.

    Parameters
    ----------
    scenario:
        The scenario with every other axis at its value (``scenario.with_values({...})``).
    entries:
        ``(label, family, entry)`` per doctrine, in the scenario's order (it decides ties): the label the
        regime reports (``generous:best``), ``"deterrence"`` or ``"norm"``, and the entry played, its
        ``:best`` parameter already resolved (``Entry("generous:41/81")``).
    axis:
        Any parameter :func:`~solver.compare.thresholds.parameter_intervals` accepts.
    lo, hi:
        The range.
    exact:
        None: exact where the models allow (see the module docstring); False: the grid.

    Returns
    -------
    tuple of Piece
        Consecutive pieces from ``lo`` to ``hi``; neighbours have different regimes.

    Raises
    ------
    ModelError
        An unresolved ``:best`` entry, an unknown family or axis, a bad range.
    """
    for label, family, entry in entries:
        if entry.tuned is not None:
            raise ModelError(f"{label}: resolve its ':best' parameter before asking for exact pieces "
                             f"(got {entry.doctrine!r})")
        if family not in FAMILIES:
            raise ModelError(f"{label}: unknown family {family!r}; families are {', '.join(FAMILIES)}")
    a, b = to_exact(parse_number(lo, field=axis)), to_exact(parse_number(hi, field=axis))
    if not a < b:
        raise ModelError(f"expected LO < HI, got {lo}:{hi}")
    with blas_threads(1):
        doctrines = [_doctrine(scenario, label, family, entry, axis, a, b, exact) for label, family, entry in entries]
        if not all(d.exact for d in doctrines):
            doctrines = [_grid_welfare(scenario, d, entry, axis, a, b) for d, (_, _, entry) in zip(doctrines, entries)]
        # delta = 1 is not a discount factor: the range stays open there
        return _pieces(doctrines, a, b, open_hi=axis == "delta" and b == 1)


def _doctrine(scenario: Scenario, label: str, family: str, entry: Entry, axis: str, lo: Fraction, hi: Fraction,
              exact: bool | None) -> _Doctrine:
    seats = scenario.seats(entry.doctrine)
    sets = parameter_intervals(scenario, seats, axis, levers=entry.levers, domain=(lo, hi), exact=exact, nash=False)
    if sets.exact:
        strategic = list(scenario.strategic)
        try:
            # the same family of exact chains as NAME:best's optimiser (solver.compare.best)
            fam = _Family(_builder(scenario, seats, axis, entry.levers), lo, hi)

            def sample(t: Fraction) -> np.ndarray:
                chain, _, V, D = fam.at(t)  # type: ignore[misc]
                return np.array([sum((chain.init @ V)[strategic]) * D, D], dtype=object)

            num, den = fam.polynomials(sample)
        except _NotPolynomial:
            pass
        else:
            def welfare(t: Fraction) -> Number | None:
                d = poly_at(den, t)
                return None if d == 0 else poly_at(num, t) / d

            return _Doctrine(label, family, sets.ppe, True, welfare, (num, den))
    return _Doctrine(label, family, sets.ppe, False, lambda t: None, None)


def _grid_welfare(scenario: Scenario, d: _Doctrine, entry: Entry, axis: str, lo: Fraction,
                  hi: Fraction) -> _Doctrine:
    """The doctrine with its welfare from floating-point evaluations (the grid method)."""
    build = _builder(scenario, scenario.seats(entry.doctrine), axis, entry.levers)
    strategic = list(scenario.strategic)
    memo: dict[Fraction, float] = {}

    def welfare(t: Fraction) -> Number | None:
        if t not in memo:
            model, seats, delta = build(float(lo + (hi - lo) * t))
            if float(delta) >= 1:
                return None
            r = evaluate(model, seats, delta, exact=False)
            memo[t] = float(sum(r.values[i] for i in strategic))
        return memo[t]

    return _Doctrine(d.label, d.family, d.ppe, False, welfare, None)


def _pieces(doctrines: Sequence[_Doctrine], lo: Fraction, hi: Fraction, *, open_hi: bool) -> tuple[Piece, ...]:
    exact = all(d.exact for d in doctrines)
    width = hi - lo

    def x_of(t: Fraction) -> Fraction:
        return lo + width * t

    def t_of(x: Number) -> Fraction:
        return (Fraction(x) - lo) / width

    slack = MERGE_WIDTH if exact else GRID_WIDTH
    cuts = [_Cut(Fraction(0), Fraction(0), lo, []), _Cut(Fraction(1), Fraction(1), hi, [])]
    for d in doctrines:
        for iv in d.ppe:
            if iv.lo == iv.hi:
                events = [(iv.lo, f"{d.label} is an equilibrium at this point only")]
            else:
                events = [(iv.lo, f"{d.label} becomes an equilibrium"), (iv.hi, f"{d.label} stops being one")]
            for x, why in events:
                t = t_of(x)
                if is_exact(x):
                    cuts.append(_Cut(t, t, x, [why]))
                else:
                    cuts.append(_Cut(max(t - slack, Fraction(0)), min(t + slack, Fraction(1)), x, [why]))
    cuts += _crossings(doctrines, t_of, x_of, slack)
    cuts = _merge(cuts)

    def regime_at(t: Fraction, x: Number) -> Regime | None:
        figures: list[Figure] = []
        for d in doctrines:
            ppe = _inside(d.ppe, x)
            w = d.welfare_t(t) if ppe else 0
            if w is None:
                return None
            figures.append((d.label, d.family, w, ppe))
        return regime_of(figures)

    def inner(a: Fraction, b: Fraction) -> Fraction:
        return simplest_in(a + (b - a) / 4, b - (b - a) / 4)

    # cells[k] lies between cuts[k] and cuts[k + 1]; points[k] is the regime at cuts[k] (exact method only)
    cells: list[Regime] = []
    for c0, c1 in zip(cuts, cuts[1:]):
        t = inner(c0.hi, c1.lo)
        r = regime_at(t, x_of(t))
        if r is None:  # only where D vanishes (delta = 1), which is never inside a cell
            raise SolverError("the welfare is undefined inside the range")
        cells.append(r)
    points: list[Regime | None] = []
    for c in cuts:
        t = c.lo if c.lo == c.hi else (c.lo + c.hi) / 2
        points.append(regime_at(t, c.x) if exact else None)
    if open_hi:
        points[-1] = None

    def isolated(k: int) -> bool:
        r = points[k]
        near = [cells[j].key for j in (k - 1, k) if 0 <= j < len(cells)]
        return r is not None and all(r.key != n for n in near)

    # spans: (first cut, last cut) of each piece; a point piece has first == last
    spans: list[tuple[int, int]] = []
    if isolated(0):
        spans.append((0, 0))
    start = 0
    for k in range(1, len(cuts)):
        last = k == len(cuts) - 1
        if last or isolated(k) or cells[k].key != cells[k - 1].key:
            spans.append((start, k))
            if isolated(k):
                spans.append((k, k))
            start = k
    pieces = []
    for n, (i, j) in enumerate(spans):
        if i == j:
            c = cuts[i]
            at = c.x
            regime = points[i]
        else:
            mid = (cuts[i].hi + cuts[j].lo) / 2
            spread = (cuts[j].lo - cuts[i].hi) / 4
            # the cell that holds the middle (the next one when the middle falls on a cut point)
            k = next((k for k in range(i, j) if mid < cuts[k + 1].lo), j - 1)
            a, b = cuts[k].hi, cuts[k + 1].lo
            u, v = max(a + (b - a) / 4, mid - spread), min(b - (b - a) / 4, mid + spread)
            t = simplest_in(u, v) if u <= v else inner(a, b)
            at = x_of(t)
            regime = regime_at(t, at)
        assert regime is not None  # cells always have a regime; a point piece is isolated only with one
        why = "; ".join(cuts[j].why) if n < len(spans) - 1 else ""
        pieces.append(Piece(cuts[i].x, cuts[j].x, regime, exact, at, why))
    return tuple(pieces)


def _crossings(doctrines: Sequence[_Doctrine], t_of: Callable[[Number], Fraction], x_of: Callable[[Fraction], Fraction],
               slack: Fraction) -> list[_Cut]:
    """Where two doctrines' welfares cross while both are PPE."""
    out: list[_Cut] = []
    for i, d1 in enumerate(doctrines):
        for d2 in doctrines[i + 1:]:
            for iv in intersect(d1.ppe, d2.ppe):
                if iv.lo == iv.hi:
                    continue
                a, b = t_of(iv.lo), t_of(iv.hi)
                why = f"{d1.label} and {d2.label} give the same welfare"
                if d1.polys is not None and d2.polys is not None:
                    (n1, e1), (n2, e2) = d1.polys, d2.polys
                    diff = subtract(multiply(n1, e2), multiply(n2, e1))
                    if not diff:
                        continue  # the same welfare everywhere: the order of the entries decides
                    for r in real_roots(diff, a, b):
                        x: Number = x_of(r.exact) if r.exact is not None else float(x_of((r.lo + r.hi) / 2))
                        out.append(_Cut(r.lo, r.hi, x, [why]))
                else:
                    out += [_Cut(max(t - slack, Fraction(0)), min(t + slack, Fraction(1)), float(x_of(t)), [why])
                            for t in _grid_crossings(d1, d2, a, b)]
    return out


def _grid_crossings(d1: _Doctrine, d2: _Doctrine, a: Fraction, b: Fraction) -> list[Fraction]:
    """Sign changes of the welfare difference on the grid inside (a, b), each bisected."""

    def diff(t: Fraction) -> float:
        w1, w2 = d1.welfare_t(t), d2.welfare_t(t)
        return math.nan if w1 is None or w2 is None else float(w1) - float(w2)

    inset = (b - a) / 2**20
    ts = [a + inset] + [Fraction(k, GRID - 1) for k in range(GRID) if a + inset < Fraction(k, GRID - 1) < b - inset]
    ts.append(b - inset)
    found = []
    for u, v in zip(ts, ts[1:]):
        fu, fv = diff(u), diff(v)
        if math.isnan(fu) or math.isnan(fv) or (fu > 0) == (fv > 0):
            continue
        while v - u > GRID_WIDTH:
            m = (u + v) / 2
            if (diff(m) > 0) == (fu > 0):
                u = m
            else:
                v = m
        found.append((u + v) / 2)
    return found


def _merge(cuts: list[_Cut]) -> list[_Cut]:
    """Sorted cut points, those whose brackets overlap taken as one (an exact one keeps its value)."""
    out: list[_Cut] = []
    for c in sorted(cuts, key=lambda c: (c.lo, c.hi)):
        if out and c.lo <= out[-1].hi:
            last = out[-1]
            if last.lo == last.hi:
                keep = last
            elif c.lo == c.hi:
                keep = c
            else:
                keep = _Cut(min(last.lo, c.lo), max(last.hi, c.hi), last.x, [])
            out[-1] = _Cut(keep.lo, keep.hi, keep.x, last.why + [w for w in c.why if w not in last.why])
        else:
            out.append(_Cut(c.lo, c.hi, c.x, list(c.why)))
    return out

