"""``NAME:best``: the doctrine parameter that maximises joint welfare among those at which it is a PPE.

For ``generous:best`` the parameter is the generosity, for ``forgiving-trigger:best`` PHI.  The PPE set over
the parameter comes from :func:`~solver.compare.thresholds.parameter_intervals` (exact when the model is).
On each interval of it the joint welfare ``W(t)`` (the states' values summed; third parties left out) is a
ratio ``N(t) / D(t)`` of polynomials, ``D = det(I - delta P)`` > 0, so its maxima are at the interval's ends
or at roots of ``N' D - N D'`` inside, which Sturm sequences isolate.  The best of those candidates wins
(the smallest parameter on a tie).  When the set is empty, the parameter that maximises welfare over the
whole range is used and the result says the doctrine is an equilibrium for none.

An optimum that is irrational (a root of ``N' D - N D'``, or an irrational end of the PPE set) cannot be
played in exact arithmetic: the simplest fraction within :data:`RATIONAL_RADIUS` of it that stays inside
the PPE set is played instead, so the row stays exact and remains an equilibrium, and the note gives the
irrational optimum.  At an interior maximum the welfare lost is of the order of the radius squared.  An
irrational knife-edge (a PPE set that is a single irrational point) is played in floating point, and the
note says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from models.numbers import Number, format_number
from models.scenario import Entry, Scenario
from solver.compare.thresholds import GRID_WIDTH, ParameterSets, _builder, _Family, parameter_intervals
from solver.numeric.polynomials import derivative, evaluate, multiply, real_roots, subtract
from solver.numeric.rational import simplest_in
from solver.numeric.tolerance import ROOT_SLACK
from solver.repeated.delta_sets.intervals import Interval
from solver.repeated.evaluation import evaluate as evaluate_profile

__all__ = ["BestParameter", "resolve_best", "RATIONAL_RADIUS"]

#: How far from an irrational optimum the fraction that is played may lie.
RATIONAL_RADIUS = Fraction(1, 10**9)


@dataclass(frozen=True)
class BestParameter:
    entry: Entry
    parameter: str  # generosity, phi
    value: Number  # the chosen parameter
    doctrine: str  # the doctrine with the chosen parameter: "generous:41/81"
    ppe_set: ParameterSets
    knife_edge: bool  # the PPE set is a finite set of points
    note: str
    optimum: float | None = None  # the irrational optimum that ``value`` stands for, if any


def _rational_near(x: float, iv: Interval, slack: Fraction) -> Fraction | None:
    """The simplest fraction near ``x`` inside ``iv``, or None when ``iv`` leaves no room.

    ``slack`` is how far a float end of ``iv`` may be from the true end (an isolated root is known to about
    1e-16, a grid end to its bisection width): the fraction keeps that far from such an end, and from an
    open end, so it lies inside the PPE set for certain.
    """
    c = Fraction(x)
    radius = max(RATIONAL_RADIUS, 4 * slack)
    inset = max(RATIONAL_RADIUS / 1000, slack)
    lo = Fraction(iv.lo) if isinstance(iv.lo, Fraction) and iv.lo_closed else Fraction(iv.lo) + inset
    hi = Fraction(iv.hi) if isinstance(iv.hi, Fraction) and iv.hi_closed else Fraction(iv.hi) - inset
    a, b = max(c - radius, lo), min(c + radius, hi)
    return simplest_in(a, b) if a <= b else None


def resolve_best(scenario: Scenario, entry: Entry) -> BestParameter:
    """The parameter of a ``NAME:best`` entry for this scenario (see the module docstring)."""
    parameter = entry.tuned
    if parameter is None:
        raise ValueError(f"{entry.label} has no ':best' parameter")
    seats = scenario.seats(entry.with_parameter(Fraction(1, 2)))
    sets = parameter_intervals(scenario, seats, parameter, levers=entry.levers, nash=False)
    strategic = list(scenario.strategic)
    candidates: list[tuple[Number, Interval]] = []
    pieces: Sequence[Interval] = sets.ppe or (Interval(Fraction(0), Fraction(1), True, True),)
    fam: _Family | None = None
    if sets.exact:
        fam = _Family(_builder(scenario, seats, parameter, entry.levers), Fraction(0), Fraction(1))

        def sample(t: Fraction) -> np.ndarray:
            chain, _, V, D = fam.at(t)  # type: ignore[misc]
            return np.array([sum((chain.init @ V)[strategic]) * D, D], dtype=object)

        num, den = fam.polynomials(sample)
        slope = subtract(multiply(derivative(num), den), multiply(num, derivative(den)))
    for iv in pieces:
        candidates += [(iv.lo, iv), (iv.hi, iv)]
        if fam is not None and slope and iv.lo != iv.hi:
            for r in real_roots(slope, Fraction(iv.lo), Fraction(iv.hi)):
                candidates.append((r.exact if r.exact is not None else r.approx, iv))
        elif fam is None and iv.lo != iv.hi:
            candidates += [(iv.lo + (iv.hi - iv.lo) * k / 16, iv) for k in range(1, 16)]
    # an irrational candidate is played as the simplest fraction next to it (see the module docstring)
    slack = ROOT_SLACK if sets.exact else GRID_WIDTH * 2
    played: dict[Number, float | None] = {}
    for x, iv in candidates:
        near = _rational_near(x, iv, slack) if isinstance(x, float) and (iv.lo != iv.hi) else None
        if near is not None:
            played.setdefault(near, float(x))
        else:
            played.setdefault(x, None)

    def welfare(x: Number) -> float:
        if fam is not None and isinstance(x, Fraction):
            return float(evaluate(num, x) / evaluate(den, x))
        r = evaluate_profile(scenario.model(entry.levers), scenario.seats(entry.with_parameter(x)),
                             scenario.value("delta"), exact=False)
        return float(sum(r.values[i] for i in strategic))

    scored = sorted(((welfare(x), -float(x), x) for x in played), key=lambda s: s[:2], reverse=True)
    best = scored[0][2]
    optimum = played[best]
    knife = bool(sets.ppe) and all(iv.lo == iv.hi for iv in sets.ppe)
    shown = format_number(best, 6)
    if optimum is not None:
        radius = float(RATIONAL_RADIUS)
        known = "is irrational" if sets.exact else "is known only as a float (grid)"
        shown += f" (the optimum, {optimum:.12g}, {known}: the simplest fraction within {radius:g})"
    elif isinstance(best, float):
        shown += " (an irrational value, so the row is in floating point)"
    if not sets.ppe:
        note = (f"{entry.doctrine.partition(':')[0]} is a PPE for no {parameter} in [0, 1]; shown at the "
                f"{parameter} that maximises welfare, {shown}")
    elif knife:
        note = (f"a PPE only on a knife-edge: {parameter} = {shown}"
                + (" (the only value)" if len(sets.ppe) == 1 else f" (best of {len(sets.ppe)} single values)"))
    else:
        note = f"{parameter} = {shown}, the best among those at which it is a PPE"
    return BestParameter(entry, parameter, best, entry.with_parameter(best), sets, knife, note, optimum)
