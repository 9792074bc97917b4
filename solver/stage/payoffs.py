"""Arithmetic shared by the solvers: exact-or-float payoffs, expectations.

``exact=None`` everywhere means "exact when every input is rational".
Exact values are :class:`~fractions.Fraction`; float values are ``float``
compared with the single tolerance :data:`solver.numeric.pivoting.TOL`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from models.numbers import Number, to_exact
from models.stage import StageGame
from solver.numeric.pivoting import TOL

__all__ = [
    "TOL",
    "resolve_exact",
    "payoff_arrays",
    "positive_integer_matrix",
    "positive_float_matrix",
    "expected_payoff",
    "action_payoffs",
    "as_number",
    "leq",
    "is_zero",
]


def resolve_exact(game: StageGame, exact: bool | None) -> bool:
    """Decide the arithmetic: ``None`` means exact iff the game is exact."""
    return game.is_exact if exact is None else bool(exact)


def payoff_arrays(game: StageGame, exact: bool) -> tuple[np.ndarray, ...]:
    """Object arrays of Fractions (exact) or float64 arrays."""
    return game.exact_payoffs() if exact else game.float_payoffs()


def positive_integer_matrix(M: np.ndarray) -> np.ndarray:
    """A positive affine image of a Fraction matrix with integer entries >= 1.

    ``(M - min(M) + 1) * L`` where ``L`` is the lcm of the denominators.
    Equilibria are invariant under positive affine maps of one player's
    payoffs, so this changes nothing but the arithmetic.
    """
    shifted = M - min(M.flat) + 1
    lcm = 1
    for v in shifted.flat:
        lcm = math.lcm(lcm, Fraction(v).denominator)
    return np.vectorize(lambda v: int(Fraction(v) * lcm), otypes=[object])(shifted)


def positive_float_matrix(M: np.ndarray) -> np.ndarray:
    """``(M - min) / range + 1``: entries in [1, 2], well scaled for float pivoting."""
    M = np.asarray(M, dtype=float)
    lo, hi = M.min(), M.max()
    span = hi - lo if hi > lo else 1.0
    return (M - lo) / span + 1.0


def _vector(p: Sequence[Number], exact: bool) -> np.ndarray:
    if exact:
        out = np.empty(len(p), dtype=object)
        out[:] = [to_exact(v) for v in p]
        return out
    return np.asarray([float(v) for v in p], dtype=float)


def action_payoffs(
    arr: np.ndarray, profile: Sequence[Sequence[Number]], player: int, exact: bool
) -> np.ndarray:
    """Payoff (from ``arr``) of each pure action of ``player`` against the others' mixed strategies."""
    out = arr
    # contract the other players' axes, last axis first so indices stay valid
    for j in reversed(range(len(profile))):
        if j == player:
            continue
        out = np.tensordot(out, _vector(profile[j], exact), axes=([j], [0]))
    return out


def expected_payoff(arr: np.ndarray, profile: Sequence[Sequence[Number]], exact: bool) -> Number:
    """Expected value of ``arr`` under the mixed profile."""
    vals = action_payoffs(arr, profile, 0, exact)
    total = np.dot(vals, _vector(profile[0], exact))
    return as_number(total, exact)


def as_number(x: object, exact: bool) -> Number:
    """A plain Fraction or float (not a numpy scalar)."""
    if exact:
        return to_exact(x)  # type: ignore[arg-type]
    return float(x)  # type: ignore[arg-type]


def leq(a: Number, b: Number, exact: bool) -> bool:
    """``a <= b`` exactly, or within :data:`TOL` (relative to the magnitudes) for floats."""
    if exact:
        return a <= b
    return float(a) <= float(b) + TOL * max(1.0, abs(float(a)), abs(float(b)))


def is_zero(a: Number, exact: bool) -> bool:
    return a == 0 if exact else abs(float(a)) <= TOL
