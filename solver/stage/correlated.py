"""Correlated equilibria: the welfare-maximising one, by linear programming.

A distribution ``p`` over pure profiles is a correlated equilibrium when no
player, told to play ``s``, gains by playing ``t`` instead:

    sum_{a_-i} p(s, a_-i) [u_i(s, a_-i) - u_i(t, a_-i)] >= 0   for all i, s != t.

These constraints and ``sum p = 1, p >= 0`` describe a polytope; we
maximise total payoff ``sum_a p(a) sum_i u_i(a)`` over it (Aumann 1974;
Papadimitriou and Roughgarden 2008 for the LP view).  Exact for rational
games.  In floats, each player's obedience rows are divided by that
player's payoff range and the objective by the largest range (positive
scalings that change neither the feasible set nor the optimum), so HiGHS's
absolute tolerances meet numbers of order 1 whatever the game's scale, and
the distribution is cleaned of rounding noise.

The exact LP is slow on large games (a 40x40 game: 1,600 variables and
3,120 constraints, minutes); with a ``progress`` callback a warning
suggesting ``--float`` comes first.

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
from solver.numeric.rational import as_number
from solver.numeric.tolerance import payoff_span, snap_distribution
from solver.stage.limits import EXACT_LP_WARN_CELLS, Progress, report
from solver.stage.payoffs import payoff_arrays, resolve_exact

__all__ = ["CorrelatedResult", "max_welfare_correlated", "MAX_VARIABLES"]

#: Pure profiles (LP variables) beyond which the correlated-equilibrium LP is refused.
MAX_VARIABLES = 20_000


@dataclass(frozen=True)
class CorrelatedResult:
    """The welfare-maximising correlated equilibrium: its distribution, payoffs and welfare."""

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


def max_welfare_correlated(game: StageGame, *, exact: bool | None = None,
                           progress: Progress | None = None) -> CorrelatedResult:
    """The correlated equilibrium that maximises the sum of payoffs.

    ``progress`` (optional) receives a warning before a large exact LP.

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
    if size > MAX_VARIABLES:
        raise SolverError(f"the correlated-equilibrium LP has {size:,} variables; at most {MAX_VARIABLES:,} are "
                          "supported (analyze --only dominance,pure,minmax skips it)")
    n_rows = sum(k * (k - 1) for k in shape)
    if ex and size * n_rows > EXACT_LP_WARN_CELLS:
        report(progress, f"correlated equilibrium: the exact LP has {size:,} variables and {n_rows:,} constraints "
               "and may take minutes; --float solves it in seconds")
    flat = [arr.reshape(-1) for arr in arrays]
    row_scale: list[float | int]
    objective: list[Any]
    if ex:
        row_scale = [1] * len(arrays)
        objective = [sum(f[k] for f in flat) for k in range(size)]
    else:
        # obedience rows of player i divided by i's payoff range, the objective by the largest range
        spans = [payoff_span([arr])[0] or 1.0 for arr in arrays]
        row_scale = [1.0 / sp for sp in spans]
        top = max(spans)
        objective = [sum(float(f[k]) for f in flat) / top for k in range(size)]
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
                    row[cell] = (flat[i][other] - flat[i][cell]) * row_scale[i]
                A_ub.append(row)
    res = linprog(objective, A_ub=A_ub or None, b_ub=[0] * len(A_ub) or None, A_eq=[[1] * size], b_eq=[1],
                  maximize=True, exact=ex)
    if res.status != "optimal":
        raise SolverError(f"the correlated-equilibrium LP is {res.status} (this should not happen)")
    probs: list[Number] = [as_number(p, ex) for p in res.x]
    if not ex:
        probs = list(snap_distribution(probs))  # type: ignore[arg-type]
    dist = tuple(
        (tuple(int(v) for v in np.unravel_index(k, shape)), p) for k, p in enumerate(probs) if p != 0
    )
    payoffs = tuple(as_number(sum(p * f[k] for k, p in enumerate(probs)), ex) for f in flat)
    return CorrelatedResult(ex, game.players, game.actions, dist, payoffs, as_number(sum(payoffs), ex))
