"""Security levels: maxmin, minmax and the value of zero-sum games.

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
from solver.stage.payoffs import TOL, as_number, payoff_arrays, resolve_exact

__all__ = ["PlayerSecurity", "SecurityResult", "security_levels"]


@dataclass(frozen=True)
class PlayerSecurity:
    """Security levels of one player."""

    player: int
    maxmin: Number
    maxmin_strategy: tuple[Number, ...]
    minmax: Number  # exact minmax for two players; correlated lower bound otherwise
    minmax_punishment: tuple[tuple[Number, ...], ...]  # the others' mixed strategies (2 players) or a joint one
    pure_maxmin: Number
    pure_minmax: Number
    minmax_exact: bool  # True when ``minmax`` is the independent-mixing minmax (two players)


@dataclass(frozen=True)
class SecurityResult:
    exact: bool
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    levels: tuple[PlayerSecurity, ...]
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
    return as_number(res.x[-1], exact), tuple(_clean(p, exact) for p in res.x[:k])


def _minmax(rows: np.ndarray, exact: bool) -> tuple[Number, tuple[Number, ...]]:
    """min over mixtures of columns of the max over rows."""
    k, cols = rows.shape
    c = [0] * cols + [1]
    A_ub = [[rows[a, j] for j in range(cols)] + [-1] for a in range(k)]
    res = linprog(c, A_ub=A_ub, b_ub=[0] * k, A_eq=[[1] * cols + [0]], b_eq=[1],
                  bounds=[(0, None)] * cols + [(None, None)], exact=exact)
    _check(res.status)
    return as_number(res.x[-1], exact), tuple(_clean(p, exact) for p in res.x[:cols])


def _check(status: str) -> None:
    if status != "optimal":  # a finite matrix game always has a value
        raise SolverError(f"the security-level LP is {status}; this is a bug, please report it")


def _clean(p: Number, exact: bool) -> Number:
    if exact:
        return as_number(p, True)
    return 0.0 if abs(float(p)) <= TOL else float(p)


def security_levels(game: StageGame, *, exact: bool | None = None) -> SecurityResult:
    """Maxmin and minmax of every player, and the value of a zero-sum game.

    Examples
    --------
    >>> from models import catalog
    >>> res = security_levels(catalog.load("matching-pennies"))
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
        mm, mm_strategy = _maxmin(rows, ex)
        mx, joint = _minmax(rows, ex)
        pure_maxmin = as_number(max(min(r) for r in rows), ex)
        pure_minmax = as_number(min(max(rows[:, j]) for j in range(rows.shape[1])), ex)
        # for two players ``joint`` is the punisher's mixed strategy; for more it is a joint
        # distribution over the others' profiles in the order of :func:`others_profiles`
        levels.append(PlayerSecurity(i, mm, mm_strategy, mx, (joint,), pure_maxmin, pure_minmax, n == 2))
    zero_sum = False
    value = None
    if n == 2:
        total = arrays[0] + arrays[1]
        first = total.flat[0]
        if ex:
            zero_sum = all(v == first for v in total.flat)
        else:
            zero_sum = bool(np.all(np.abs(total - first) <= TOL * max(1.0, float(np.max(np.abs(total))))))
        if zero_sum:
            value = levels[0].maxmin
    return SecurityResult(ex, game.players, game.actions, tuple(levels), zero_sum, value)


def others_profiles(game: StageGame, player: int) -> list[tuple[int, ...]]:
    """The others' pure profiles in the order used by ``minmax_punishment`` for N > 2."""
    return list(itertools.product(*(range(k) for j, k in enumerate(game.shape) if j != player)))
