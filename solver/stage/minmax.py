"""Maxmin, minmax and the value of zero-sum games (a player's *security levels*).

For player ``i`` with payoff ``u_i``:

* **maxmin** ``max_{sigma_i} min_{a_-i} u_i(sigma_i, a_-i)``: what ``i`` can
  guarantee.  The inner minimum of a multilinear function over the
  others' mixed strategies is attained at a pure profile, so one LP
  solves it for any number of players.
* **minmax** ``min_{sigma_-i} max_{a_i} u_i(a_i, sigma_-i)``: the harshest
  punishment the others can inflict.  For two players it is one LP and
  equals the maxmin of the zero-sum game ``u_i`` (von Neumann).  For more
  players the punishers mix independently and the problem is not an LP;
  we report two bounds: the *correlated* minmax (punishers correlate,
  an LP, a lower bound) and the *pure* minmax (an upper bound).
* **zero-sum value**: when ``u_1 + u_2`` is constant, the value is Row's
  maxmin (= Row's minmax) and the maxmin strategies are optimal.

References
----------
J. von Neumann, "Zur Theorie der Gesellschaftsspiele", Math. Annalen 100
(1928).  G. J. Mailath and L. Samuelson, Repeated Games and Reputations
(2006), sec. 2.1 (minmax payoffs).

Names: :class:`MinmaxResult`, :class:`PlayerMinmax` and :func:`minmax_levels`;
the older names ``SecurityResult``, ``PlayerSecurity`` and ``security_levels``
are kept as aliases of the same objects.

Float games are solved on each player's payoffs mapped to ``[0, 1]`` (see
:func:`solver.stage.payoffs.normalised_payoffs`) and the values mapped back,
so the answers do not depend on the scale of the payoffs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.errors import SolverError
from models.numbers import Number, json_number
from models.stage import StageGame
from solver.numeric.lp import linprog
from solver.numeric.rational import as_number
from solver.numeric.tolerance import payoff_tolerance, snap_distribution
from solver.stage.payoffs import payoff_arrays, resolve_exact

__all__ = ["PlayerMinmax", "MinmaxResult", "minmax_levels", "others_profiles",
           "PlayerSecurity", "SecurityResult", "security_levels"]


@dataclass(frozen=True)
class PlayerMinmax:
    """Maxmin and minmax of one player, with the strategies that achieve them."""

    player: int
    maxmin: Number
    maxmin_strategy: tuple[Number, ...]
    minmax: Number  # exact minmax for two players; correlated lower bound otherwise
    minmax_punishment: tuple[tuple[Number, ...], ...]  # the others' mixed strategies (2 players) or a joint one
    pure_maxmin: Number
    pure_minmax: Number
    minmax_exact: bool  # True when ``minmax`` is the independent-mixing minmax (two players)


@dataclass(frozen=True)
class MinmaxResult:
    """What :func:`minmax_levels` found: one :class:`PlayerMinmax` per player, and the zero-sum value."""

    exact: bool
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    levels: tuple[PlayerMinmax, ...]
    zero_sum: bool  # constant-sum two-player game
    value: Number | None  # Row's value when zero-sum

    def to_dict(self) -> dict[str, Any]:
        out = []
        for s in self.levels:
            out.append(
                {
                    "player": self.players[s.player],
                    "maxmin": json_number(s.maxmin),
                    "maxmin_strategy": [json_number(p) for p in s.maxmin_strategy],
                    "minmax": json_number(s.minmax),
                    "minmax_kind": "mixed" if s.minmax_exact else "correlated punishers (lower bound)",
                    "minmax_punishment": [[json_number(p) for p in q] for q in s.minmax_punishment],
                    "pure_maxmin": json_number(s.pure_maxmin),
                    "pure_minmax": json_number(s.pure_minmax),
                }
            )
        return {
            "exact": self.exact,
            "players": out,
            "zero_sum": self.zero_sum,
            "value": None if self.value is None else json_number(self.value),
        }


def _maxmin(rows: np.ndarray, exact: bool) -> tuple[Number, tuple[Number, ...]]:
    """max over mixtures of rows of the min over columns (rows: own actions x others' profiles)."""
    k, cols = rows.shape
    c = [0] * k + [1]
    A_ub = [[-rows[a, j] for a in range(k)] + [1] for j in range(cols)]
    res = linprog(c, A_ub=A_ub, b_ub=[0] * cols, A_eq=[[1] * k + [0]], b_eq=[1],
                  bounds=[(0, None)] * k + [(None, None)], maximize=True, exact=exact)
    _check(res.status)
    return as_number(res.x[-1], exact), _clean(res.x[:k], exact)


def _minmax(rows: np.ndarray, exact: bool) -> tuple[Number, tuple[Number, ...]]:
    """min over mixtures of columns of the max over rows."""
    k, cols = rows.shape
    c = [0] * cols + [1]
    A_ub = [[rows[a, j] for j in range(cols)] + [-1] for a in range(k)]
    res = linprog(c, A_ub=A_ub, b_ub=[0] * k, A_eq=[[1] * cols + [0]], b_eq=[1],
                  bounds=[(0, None)] * cols + [(None, None)], exact=exact)
    _check(res.status)
    return as_number(res.x[-1], exact), _clean(res.x[:cols], exact)


def _check(status: str) -> None:
    if status != "optimal":  # a finite matrix game always has a value
        raise SolverError(f"the minmax LP is {status}; this is a bug, please report it")


def _clean(p: tuple[Number, ...], exact: bool) -> tuple[Number, ...]:
    if exact:
        return tuple(as_number(v, True) for v in p)
    return snap_distribution(p)  # type: ignore[arg-type]


def minmax_levels(game: StageGame, *, exact: bool | None = None) -> MinmaxResult:
    """Maxmin and minmax of every player, and the value of a zero-sum game.

    Examples
    --------
    >>> from models import catalog
    >>> res = minmax_levels(catalog.load("matching-pennies"))
    >>> res.zero_sum, str(res.value), [str(p) for p in res.levels[0].maxmin_strategy]
    (True, '0', ['1/2', '1/2'])
    """
    ex = resolve_exact(game, exact)
    arrays = payoff_arrays(game, ex)
    n = game.n_players
    levels = []
    for i, arr in enumerate(arrays):
        own = np.moveaxis(arr, i, 0)
        rows = own.reshape(own.shape[0], -1)  # own actions x others' profiles
        if ex:
            mm, mm_strategy = _maxmin(rows, ex)
            mx, joint = _minmax(rows, ex)
        else:
            # LPs on payoffs mapped to [0, 1]; maxmin and minmax commute with positive affine maps
            lo, hi = float(rows.min()), float(rows.max())
            span = hi - lo if hi > lo else 1.0
            unit = (rows - lo) / span
            mm, mm_strategy = _maxmin(unit, ex)
            mx, joint = _minmax(unit, ex)
            # clamp to the payoff range: the LP's own rounding may step just outside it
            mm = min(max(lo + span * float(mm), lo), hi)
            mx = min(max(lo + span * float(mx), lo), hi)
        pure_maxmin = as_number(max(min(r) for r in rows), ex)
        pure_minmax = as_number(min(max(rows[:, j]) for j in range(rows.shape[1])), ex)
        # for two players ``joint`` is the punisher's mixed strategy; for more it is a joint
        # distribution over the others' profiles in the order of :func:`others_profiles`
        levels.append(PlayerMinmax(i, mm, mm_strategy, mx, (joint,), pure_maxmin, pure_minmax, n == 2))
    zero_sum = False
    value = None
    if n == 2:
        total = arrays[0] + arrays[1]
        first = total.flat[0]
        if ex:
            zero_sum = all(v == first for v in total.flat)
        else:
            # the tolerance follows the payoffs' range, not an absolute 1e-9 (issue 6: a game scaled by
            # 1e-10 was "zero-sum" because every sum was within 1e-9 of the first)
            zero_sum = bool(np.all(np.abs(total - first) <= payoff_tolerance(arrays)))
        if zero_sum:
            value = levels[0].maxmin
    return MinmaxResult(ex, game.players, game.actions, tuple(levels), zero_sum, value)


def others_profiles(game: StageGame, player: int) -> list[tuple[int, ...]]:
    """The others' pure profiles in the order used by ``minmax_punishment`` for N > 2."""
    return list(itertools.product(*(range(k) for j, k in enumerate(game.shape) if j != player)))


#: Older names of :class:`MinmaxResult`, :class:`PlayerMinmax` and :func:`minmax_levels`.
SecurityResult = MinmaxResult
PlayerSecurity = PlayerMinmax
security_levels = minmax_levels
