"""Stage-game payoffs: the arithmetic chosen for a game, payoff arrays, expectations.

``exact=None`` everywhere means "exact when every input is rational".
Exact values are :class:`~fractions.Fraction`; float values are ``float``
compared within :func:`payoff_tolerances`, which is relative to each
player's payoff range (see :mod:`solver.numeric.tolerance`).  The generic
exact-or-float helpers live in :mod:`solver.numeric.rational`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from models.numbers import Number, to_exact
from models.stage import StageGame
from solver.numeric.rational import as_number
from solver.numeric.tolerance import payoff_tolerance

__all__ = [
    "resolve_exact",
    "payoff_arrays",
    "payoff_tolerances",
    "normalised_payoffs",
    "expected_payoff",
    "action_payoffs",
]

def resolve_exact(game: StageGame, exact: bool | None) -> bool:
    """Decide the arithmetic: ``None`` means exact iff the game is exact."""
    return game.is_exact if exact is None else bool(exact)


def payoff_arrays(game: StageGame, exact: bool) -> tuple[np.ndarray, ...]:
    """Object arrays of Fractions (exact) or float64 arrays."""
    return game.exact_payoffs() if exact else game.float_payoffs()


def payoff_tolerances(arrays: Sequence[np.ndarray], exact: bool) -> tuple[float, ...]:
    """Per player, the absolute tolerance for comparing that player's payoffs (0 when exact).

    Relative to the player's own payoff range, so that the comparisons, like the
    equilibria, do not change under a positive affine map of one player's payoffs.
    """
    if exact:
        return tuple(0.0 for _ in arrays)
    return tuple(payoff_tolerance([arr]) for arr in arrays)


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


def normalised_payoffs(
    arrays: Sequence[np.ndarray], exact: bool
) -> tuple[tuple[np.ndarray, ...], tuple[float, ...]]:
    """Float payoffs mapped to ``[0, 1]`` per player, and the matching tolerances.

    ``(u_i - min u_i) / (max u_i - min u_i)``: a positive affine map of each
    player's payoffs, under which dominance, best responses and equilibria do
    not change, and after which linear programs (HiGHS works with absolute
    tolerances around 1e-7) see numbers of order 1 whatever the game's scale.
    The tolerances are :func:`payoff_tolerances` in the new units.  Exact
    arrays are returned as they are, with tolerances 0.
    """
    if exact:
        return tuple(arrays), tuple(0.0 for _ in arrays)
    out, tols = [], []
    for arr, tol in zip(arrays, payoff_tolerances(arrays, exact)):
        a = np.asarray(arr, dtype=float)
        lo, hi = float(a.min()), float(a.max())
        span = hi - lo if hi > lo else 1.0
        out.append((a - lo) / span)
        tols.append(tol / span if hi > lo else tol)
    return tuple(out), tuple(tols)
