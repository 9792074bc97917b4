"""The named tolerances of the float paths, and the payoff-relative tolerance of a game.

Exact (Fraction) work compares exactly and uses none of these.  Float work
compares with a tolerance, and the tolerance that matters is relative to
the numbers compared: a prisoner's dilemma scaled by ``1e-10`` has payoff
differences of ``1e-10``, far below any absolute tolerance, and the same
game scaled by ``1e10`` has rounding errors far above one.  So comparisons
of payoffs use :func:`payoff_tolerance`, which scales :data:`TOL` by the
range of the payoffs, and every algorithm that is invariant under positive
affine maps of a player's payoffs (equilibria, dominance, best responses)
gives the same answer for the game scaled by any positive factor.

Constants
---------
:data:`TOL`
    Relative tolerance of float comparisons: two payoffs (or pivot ratios,
    or probabilities) closer than ``TOL`` times their scale are equal.
:data:`ROUNDING`
    Relative rounding error allowed on top of :data:`TOL` in
    :func:`payoff_tolerance`: about 64 ulps of the largest magnitude, the
    error of an expectation summed over a few dozen products.  It matters
    only when the payoff range is tiny next to the payoffs themselves.
:data:`PROBABILITY_TOL`
    A float probability at most this far from 0 is 0, and a float
    distribution whose sum is this close to 1 sums to 1 (see
    :func:`snap_distribution`).  Probabilities have the fixed scale 1.  It is
    :data:`models.numbers.PROBABILITY_SUM_TOL`, the tolerance with which the
    models accept a float distribution, imported rather than copied.
:data:`VALUE_ROUNDING`
    Rounding allowance on float one-shot and best-reply gains of repeated
    games, relative to the largest payoff magnitude: a discounted value is
    a solve of ``I - delta P``, whose rounding does not shrink with
    ``1 - delta`` as the gains themselves do.
:data:`TIE`
    Relative margin under which two float gains count as tied when a
    report picks the largest (the first of the tied is reported).
:data:`RATIO_TIE`
    Relative margin under which two float ratios of the exact pivoting
    prefilter count as tied and the exact test decides
    (:meth:`solver.numeric.pivoting.IntTableau.leaving_rows`).
:data:`CUT_TOL`
    Float cut points of a public lottery closer than this are one cut
    (probabilities: scale 1; :func:`solver.repeated.chain.joint_draws`).
:data:`ROOT_SLACK`
    How far an irrational root reported as a float may be from the true
    root: roots are isolated to 1e-18, and the float rounds to about 1e-16
    (:mod:`solver.compare.best` keeps this far inside such an end).

Examples
--------
>>> import numpy as np
>>> pd = np.array([[3.0, 0.0], [5.0, 1.0]])
>>> payoff_tolerance([pd * 1e-10]) / payoff_tolerance([pd])
1e-10
>>> snap_distribution([0.9999999999999992, 7.8e-16, -1e-17])
(1.0, 0.0, 0.0)
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from fractions import Fraction

import numpy as np

from models.numbers import PROBABILITY_SUM_TOL

__all__ = ["TOL", "ROUNDING", "PROBABILITY_TOL", "RATIO_TIE", "VALUE_ROUNDING", "TIE", "CUT_TOL", "ROOT_SLACK",
           "payoff_span",
           "payoff_tolerance", "snap_distribution"]

#: Relative tolerance of every float comparison in the solver.
TOL = 1e-9

#: Relative rounding allowance (64 ulps of float64) added to payoff tolerances.
ROUNDING = 64 * sys.float_info.epsilon

#: Probabilities within this of 0 are 0; sums within this of 1 are 1 (the models' own sum tolerance).
PROBABILITY_TOL = PROBABILITY_SUM_TOL

#: Rounding allowance on float repeated-game gains, relative to the largest payoff magnitude.
VALUE_ROUNDING = 1e-13

#: Relative margin under which two float gains are tied when the largest is reported.
TIE = 1e-12

#: Relative margin under which two float pivot ratios are treated as tied.
RATIO_TIE = 1e-9
#: Float cut points of a public lottery closer than this are one cut.
CUT_TOL = 1e-12
#: How far a float irrational root may be from the true root (isolated to 1e-18, rounded to a float).
ROOT_SLACK = Fraction(1, 10**12)


def payoff_span(arrays: Iterable[object]) -> tuple[float, float]:
    """``(max - min, max |u|)`` over every entry of the given float arrays (``(0, 0)`` when empty)."""
    lo, hi, big = math.inf, -math.inf, 0.0
    for arr in arrays:
        a = np.asarray(arr, dtype=float)
        if a.size == 0:
            continue
        lo, hi = min(lo, float(a.min())), max(hi, float(a.max()))
        big = max(big, float(np.abs(a).max()))
    if hi < lo:
        return 0.0, 0.0
    return hi - lo, big


def payoff_tolerance(arrays: Iterable[object]) -> float:
    """Tolerance for comparing payoffs (and payoff differences) drawn from ``arrays``.

    ``TOL * (max - min) + ROUNDING * max |u|``: relative to the payoff range, so a
    game and its image under ``u -> a u + b`` (``a > 0``) make the same comparisons;
    with a rounding allowance so a range that is tiny next to the payoffs does not
    ask for more precision than float64 has.  A game whose payoffs are all equal gets
    ``TOL * max |u|`` (every comparison is then a tie), an all-zero game ``TOL``.
    """
    span, big = payoff_span(arrays)
    if span > 0:
        return TOL * span + ROUNDING * big
    return TOL * big if big > 0 else TOL


def snap_distribution(p: Sequence[float], tol: float = PROBABILITY_TOL) -> tuple[float, ...]:
    """A float probability vector without its rounding noise.

    Entries at most ``tol`` (or negative) become exactly 0, the rest are
    renormalised (when their sum is more than ``tol`` away from 1), and the
    largest entry takes the remainder so that the entries sum to 1 up to the
    rounding of that one subtraction.  A vector that sums to
    (nearly) 0 is returned as given, with its negative entries set to 0.
    """
    vals = [float(v) for v in p]
    kept = [v if v > tol else 0.0 for v in vals]
    total = math.fsum(kept)
    if total <= 0:
        return tuple(max(v, 0.0) for v in vals)
    # a sum already within the tolerance of 1 is not rescaled (that would move every entry by an ulp)
    out = kept if abs(total - 1) <= tol else [v / total for v in kept]
    top = max(range(len(out)), key=lambda i: out[i])
    out[top] = 0.0
    out[top] = 1.0 - math.fsum(out)
    return tuple(out)
