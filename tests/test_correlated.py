"""Welfare-maximising correlated equilibrium."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given

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
