"""Welfare-maximising correlated equilibrium."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

from hypothesis import given
from scipy.optimize import linprog as scipy_linprog

from models.stage import StageGame
from solver.stage.correlated import max_welfare_correlated
from solver.stage.equilibria import nash_equilibria
from strategies import integer_bimatrix, integer_games


def test_aumann_chicken():
    # Chicken with (6,6), (2,7), (7,2), (0,0): the best correlated equilibrium puts 1/2 on
    # (Chicken, Chicken) and 1/4 on each asymmetric outcome, 21/4 each (Aumann 1974; the standard
    # textbook illustration, e.g. Roughgarden, Twenty Lectures on Algorithmic Game Theory, 13.1).
    game = StageGame.bimatrix([[6, 2], [7, 0]], [[6, 7], [2, 0]], actions=[["C", "D"], ["C", "D"]])
    res = max_welfare_correlated(game)
    assert res.exact
    assert dict(res.distribution) == {(0, 0): F(1, 2), (0, 1): F(1, 4), (1, 0): F(1, 4)}
    assert res.payoffs == (F(21, 4), F(21, 4)) and res.welfare == F(21, 2)


def incentive_gaps(game, dist):
    """Every obedience constraint's slack (must be >= 0)."""
    p = dict(dist)
    arrays = game.exact_payoffs()
    gaps = []
    for i, arr in enumerate(arrays):
        for s in range(game.shape[i]):
            for t in range(game.shape[i]):
                total = F(0)
                for prof, q in p.items():
                    if prof[i] == s:
                        alt = list(prof)
                        alt[i] = t
                        total += q * (arr[prof] - arr[tuple(alt)])
                gaps.append(total)
    return gaps


@given(integer_games(max_players=3))
def test_result_satisfies_every_obedience_constraint(game):
    res = max_welfare_correlated(game)
    assert sum(p for _, p in res.distribution) == 1 and all(p > 0 for _, p in res.distribution)
    assert all(g >= 0 for g in incentive_gaps(game, res.distribution))


@given(integer_bimatrix(max_actions=4))
def test_welfare_at_least_every_nash_equilibrium(game):
    # every Nash equilibrium induces a correlated equilibrium, so the maximum is at least as good
    res = max_welfare_correlated(game)
    for e in nash_equilibria(game).equilibria:
        assert res.welfare >= sum(e.payoffs)


def best_welfare_by_scipy(game):
    """The maximal welfare over correlated equilibria, by an LP built here and solved by SciPy (HiGHS).

    One variable p(a) >= 0 per pure profile a, sum 1; maximise sum_a p(a) sum_i u_i(a) subject to obedience:
    for each player i and recommendation s, deviation t: sum_{a: a_i = s} p(a) (u_i(a) - u_i(t, a_-i)) >= 0.
    """
    arrays = game.exact_payoffs()
    cells = list(itertools.product(*(range(k) for k in game.shape)))
    welfare = [-float(sum(arr[c] for arr in arrays)) for c in cells]  # linprog minimises
    rows = []
    for i, arr in enumerate(arrays):
        for s, t in itertools.permutations(range(game.shape[i]), 2):
            row = []
            for c in cells:
                alt = c[:i] + (t,) + c[i + 1:]
                row.append(-float(arr[c] - arr[alt]) if c[i] == s else 0.0)
            rows.append(row)
    res = scipy_linprog(welfare, A_ub=rows or None, b_ub=[0.0] * len(rows) or None,
                        A_eq=[[1.0] * len(cells)], b_eq=[1.0], bounds=[(0, None)] * len(cells), method="highs")
    assert res.status == 0
    return -res.fun


@given(integer_games(max_players=3))
def test_welfare_is_the_lp_optimum(game):
    # optimality, which the two tests above leave open: SciPy is the oracle for our value here
    res = max_welfare_correlated(game)
    assert res.exact
    assert abs(float(res.welfare) - best_welfare_by_scipy(game)) <= 1e-7
    arrays = game.exact_payoffs()
    assert res.payoffs == tuple(sum(q * arr[prof] for prof, q in res.distribution) for arr in arrays)
    assert res.welfare == sum(res.payoffs)
