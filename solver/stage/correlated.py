"""Correlated equilibria: the welfare-maximising one, by linear programming.

A distribution ``p`` over pure profiles is a correlated equilibrium when no
player, told to play ``s``, gains by playing ``t`` instead:

    sum_{a_-i} p(s, a_-i) [u_i(s, a_-i) - u_i(t, a_-i)] >= 0   for all i, s != t.

These constraints and ``sum p = 1, p >= 0`` describe a polytope; we
maximise total payoff ``sum_a p(a) sum_i u_i(a)`` over it (Aumann 1974;
Papadimitriou and Roughgarden 2008 for the LP view).  Exact for rational
games.

References
----------
R. J. Aumann, "Subjectivity and correlation in randomized strategies",
Journal of Mathematical Economics 1 (1974).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from models.errors import SolverError
from models.numbers import Number, json_number
from models.stage import StageGame
from solver.numeric.lp import linprog
from solver.stage.payoffs import TOL, as_number, payoff_arrays, resolve_exact

__all__ = ["CorrelatedResult", "max_welfare_correlated"]


@dataclass(frozen=True)
class CorrelatedResult:
    exact: bool
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    distribution: tuple[tuple[tuple[int, ...], Number], ...]  # (profile, probability), nonzero only
    payoffs: tuple[Number, ...]
    welfare: Number

    def to_dict(self) -> dict[str, Any]:
        return {
            "exact": self.exact,
            "objective": "maximise the sum of payoffs",
            "distribution": [
                {"profile": [self.actions[i][a] for i, a in enumerate(prof)], "probability": json_number(p)}
                for prof, p in self.distribution
            ],
            "payoffs": [json_number(v) for v in self.payoffs],
            "welfare": json_number(self.welfare),
        }


def max_welfare_correlated(game: StageGame, *, exact: bool | None = None) -> CorrelatedResult:
    """The correlated equilibrium that maximises the sum of payoffs.

    Examples
    --------
    >>> from models import catalog
    >>> res = max_welfare_correlated(catalog.load("chicken"))
    >>> str(res.welfare)
    '0'
    """
    ex = resolve_exact(game, exact)
    arrays = payoff_arrays(game, ex)
    shape = game.shape
    size = int(np.prod(shape))
    if size > 20_000:
        raise SolverError(f"the correlated-equilibrium LP has {size} variables; at most 20000 are supported")
    flat = [arr.reshape(-1) for arr in arrays]
    index = np.arange(size).reshape(shape)
    A_ub = []
    for i in range(len(arrays)):
        for s in range(shape[i]):
            for t in range(shape[i]):
                if s == t:
                    continue
                row = [0] * size
                cells = np.take(index, s, axis=i).reshape(-1)
                alt = np.take(index, t, axis=i).reshape(-1)
                for cell, other in zip(cells, alt):
                    # u_i(t, a_-i) - u_i(s, a_-i) <= 0, weighted by p(s, a_-i)
                    row[cell] = flat[i][other] - flat[i][cell]
                A_ub.append(row)
    welfare = [sum(f[k] for f in flat) for k in range(size)]
    res = linprog(welfare, A_ub=A_ub or None, b_ub=[0] * len(A_ub) or None, A_eq=[[1] * size], b_eq=[1],
                  maximize=True, exact=ex)
    if res.status != "optimal":
        raise SolverError(f"the correlated-equilibrium LP is {res.status} (this should not happen)")
    probs: list[Number] = [as_number(p, ex) for p in res.x]
    if not ex:
        probs = [0.0 if abs(float(p)) <= TOL else p for p in probs]
    dist = tuple(
        (tuple(int(v) for v in np.unravel_index(k, shape)), p) for k, p in enumerate(probs) if p != 0
    )
    payoffs = tuple(as_number(sum(p * f[k] for k, p in enumerate(probs)), ex) for f in flat)
    return CorrelatedResult(ex, game.players, game.actions, dist, payoffs, as_number(sum(payoffs), ex))
