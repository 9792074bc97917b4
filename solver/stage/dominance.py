"""Iterated elimination of dominated strategies, by pure and by mixed strategies.

Definitions (player ``i``, the others' remaining profiles ``a_-i``)
-------------------------------------------------------------------
* ``s`` is *strictly dominated* by a (mixed) strategy ``sigma`` when
  ``u_i(sigma, a_-i) > u_i(s, a_-i)`` for every ``a_-i``.
* ``s`` is *weakly dominated* by ``sigma`` when ``u_i(sigma, a_-i) >=
  u_i(s, a_-i)`` for every ``a_-i``, with strict inequality for some.

Pure dominators are checked first.  A mixed dominator is found by linear
programming: maximise ``e`` subject to ``sum_t sigma_t u_i(t, a_-i) -
u_i(s, a_-i) >= e`` for all ``a_-i`` over mixtures ``sigma`` of the other
remaining strategies; ``s`` is strictly dominated iff the optimum is
positive (Myerson 1991, Theorem 1.6; Fudenberg and Tirole 1991, 2.1).  For
weak dominance the LP maximises the sum of the gaps with every gap
``>= 0``.

Order of elimination
--------------------
Each round removes, for every player at once, every strategy dominated in
the game that remains after the previous round.  Strict dominance is
order-independent, so any order gives the same survivors; weak dominance
is not, and the rounds reported are the order that was used.

References
----------
R. B. Myerson, Game Theory: Analysis of Conflict (1991), sec. 1.8 and 2.5.

D. Fudenberg and J. Tirole, Game Theory (1991), sec. 2.1.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.numbers import Number, json_number
from models.stage import StageGame
from solver.numeric.lp import linprog
from solver.numeric.rational import as_number
from solver.numeric.tolerance import snap_distribution
from solver.stage.limits import EXACT_DOMINANCE_WARN_CELLS, Progress, report
from solver.stage.payoffs import normalised_payoffs, payoff_arrays, resolve_exact

__all__ = ["Elimination", "DominanceResult", "iterated_dominance"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Elimination:
    """One strategy removed, and what dominated it."""

    round: int
    player: int
    action: int
    dominator: tuple[Number, ...]  # mixture over the player's actions (a unit vector when pure)

    @property
    def by_pure(self) -> bool:
        return sum(1 for p in self.dominator if p != 0) == 1


@dataclass(frozen=True)
class DominanceResult:
    """Rounds of elimination and the surviving actions."""

    kind: str  # "strict" or "weak"
    mixed: bool  # were mixed dominators allowed
    exact: bool
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    eliminated: tuple[Elimination, ...]
    surviving: tuple[tuple[int, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "mixed": self.mixed,
            "exact": self.exact,
            "order": "simultaneous per round: every dominated strategy of every player is removed, "
            "then the reduced game is checked again",
            "eliminated": [
                {
                    "round": e.round,
                    "player": self.players[e.player],
                    "action": self.actions[e.player][e.action],
                    "dominated_by": {
                        self.actions[e.player][a]: json_number(p) for a, p in enumerate(e.dominator) if p != 0
                    },
                }
                for e in self.eliminated
            ],
            "surviving": {
                p: [self.actions[i][a] for a in s] for i, (p, s) in enumerate(zip(self.players, self.surviving))
            },
        }


def _own_first(arr: np.ndarray, player: int, remaining: list[list[int]]) -> np.ndarray:
    """Payoffs of ``player`` restricted to the remaining game, own actions on axis 0, others flattened."""
    sub = arr[np.ix_(*remaining)]
    sub = np.moveaxis(sub, player, 0)
    return sub.reshape(sub.shape[0], -1)


def _greater(a: Any, b: Any, exact: bool, tol: float) -> bool:
    """``a > b`` exactly, or by more than ``tol`` for floats."""
    return bool(a > b) if exact else float(a) > float(b) + tol


def _pure_dominator(rows: np.ndarray, s: int, kind: str, exact: bool, tol: float) -> int | None:
    for t in range(rows.shape[0]):
        if t == s:
            continue
        diffs = list(rows[t] - rows[s])
        if kind == "strict":
            if all(_greater(d, 0, exact, tol) for d in diffs):
                return t
        elif all(not _greater(0, d, exact, tol) for d in diffs) and any(_greater(d, 0, exact, tol) for d in diffs):
            return t
    return None


def _mixed_dominator(rows: np.ndarray, s: int, kind: str, exact: bool, tol: float) -> tuple[Number, ...] | None:
    others = [t for t in range(rows.shape[0]) if t != s]
    if len(others) < 2:
        return None  # a mixture of one strategy is the pure strategy, already checked
    cols = rows.shape[1]
    k = len(others)
    if kind == "strict":
        # variables sigma_1..sigma_k, e (free); maximise e
        c = [0] * k + [1]
        A_ub = [[-rows[t, j] for t in others] + [1] for j in range(cols)]
        b_ub = [-rows[s, j] for j in range(cols)]
        bounds = [(0, None)] * k + [(None, None)]
    else:
        # maximise the total gap subject to every gap >= 0
        c = [sum(rows[t, j] for j in range(cols)) for t in others]
        A_ub = [[-rows[t, j] for t in others] for j in range(cols)]
        b_ub = [-rows[s, j] for j in range(cols)]
        bounds = [(0, None)] * k
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=[[1] * k + ([0] if kind == "strict" else [])], b_eq=[1],
                  bounds=bounds, maximize=True, exact=exact)
    if res.status != "optimal":
        return None
    if kind == "strict":
        gain = res.x[-1]
    else:
        gain = res.value - sum(rows[s, j] for j in range(cols))
    if not _greater(gain, 0, exact, tol):
        return None
    mix: list[Number] = [as_number(0, exact)] * rows.shape[0]
    for t, p in zip(others, res.x[:k]):
        mix[t] = as_number(p, exact)
    return tuple(mix) if exact else snap_distribution([float(p) for p in mix])


def iterated_dominance(
    game: StageGame, *, kind: str = "strict", mixed: bool = True, exact: bool | None = None,
    progress: Progress | None = None,
) -> DominanceResult:
    """Iteratively remove dominated strategies (see the module docstring).

    Parameters
    ----------
    game:
        Any N-player game.
    kind:
        ``"strict"`` or ``"weak"``.
    mixed:
        Also look for dominating mixtures (by LP), not only pure strategies.
    exact:
        ``None`` means exact when the payoffs are rational.
    progress:
        Optional callback (:mod:`solver.stage.limits`); it gets a warning before exact LPs that may take
        a minute or more.

    Examples
    --------
    >>> from models import catalog
    >>> res = iterated_dominance(catalog.load("prisoners-dilemma"))
    >>> [(e.round, res.players[e.player], res.actions[e.player][e.action]) for e in res.eliminated]
    [(1, 'Row', 'C'), (1, 'Column', 'C')]
    """
    if kind not in ("strict", "weak"):
        raise ValueError(f"kind must be 'strict' or 'weak', got {kind!r}")
    ex = resolve_exact(game, exact)
    cells = sum(k * int(np.prod(game.shape)) for k in game.shape)
    if ex and mixed and cells > EXACT_DOMINANCE_WARN_CELLS:
        report(progress, f"dominance by mixed strategies: exact LPs over {cells:,} cells a round may take a minute "
               "or more; --float is much faster")
    # floats: each player's payoffs mapped to [0, 1], so the tolerances and the LPs see the same
    # numbers whatever the game's scale (dominance is invariant under positive affine maps)
    arrays, tols = normalised_payoffs(payoff_arrays(game, ex), ex)
    remaining = [list(range(k)) for k in game.shape]
    eliminated: list[Elimination] = []
    for rnd in itertools.count(1):
        found: list[Elimination] = []
        for i, arr in enumerate(arrays):
            rows = _own_first(arr, i, remaining)
            for local, s in enumerate(remaining[i]):
                t = _pure_dominator(rows, local, kind, ex, tols[i])
                dom: tuple[Number, ...] | None = None
                if t is not None:
                    dom = tuple(as_number(int(a == remaining[i][t]), ex) for a in range(game.shape[i]))
                elif mixed:
                    local_mix = _mixed_dominator(rows, local, kind, ex, tols[i])
                    if local_mix is not None:
                        full: list[Number] = [as_number(0, ex)] * game.shape[i]
                        for pos, a in enumerate(remaining[i]):
                            full[a] = local_mix[pos]
                        dom = tuple(full)
                if dom is not None:
                    found.append(Elimination(rnd, i, s, dom))
        if not found:
            break
        for e in found:
            remaining[e.player].remove(e.action)
        eliminated.extend(found)
    return DominanceResult(kind, mixed, ex, game.players, game.actions, tuple(eliminated),
                           tuple(tuple(r) for r in remaining))
