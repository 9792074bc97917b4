"""Maxmin, minmax and zero-sum values: closed forms and the inequalities that tie them."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from models import catalog
from models.stage import StageGame
from solver.stage.equilibria import nash_equilibria
from solver.stage.minmax import others_profiles, security_levels
from solver.stage.payoffs import action_payoffs
from strategies import integer_bimatrix, integer_games, mixed_strategy, no_saddle_2x2


@given(no_saddle_2x2())
def test_2x2_zero_sum_closed_form(entries):
    a, b, c, d = entries
    # no saddle point: the row minima's max is below the column maxima's min
    assert max(min(a, b), min(c, d)) < min(max(a, c), max(b, d))
    game = StageGame.bimatrix([[a, b], [c, d]], [[-a, -b], [-c, -d]])
    res = security_levels(game)
    den = a + d - b - c
    assert res.zero_sum and res.value == F(a * d - b * c, den)
    assert res.levels[0].maxmin_strategy == (F(d - c, den), F(a - b, den))


@given(integer_bimatrix(max_actions=4))
def test_two_player_inequalities_and_individual_rationality(game):
    res = security_levels(game)
    eqs = nash_equilibria(game).equilibria
    for i, lvl in enumerate(res.levels):
        assert lvl.pure_maxmin <= lvl.maxmin <= lvl.minmax <= lvl.pure_minmax
        assert lvl.minmax_exact
        # every Nash equilibrium pays at least the minmax (Mailath and Samuelson 2006, Lemma 2.1.1)
        assert all(e.payoffs[i] >= lvl.minmax for e in eqs)
        # the punishment achieves the minmax exactly
        other = 1 - i
        punish = [None, None]
        punish[other] = lvl.minmax_punishment[0]
        punish[i] = (F(1),) * game.shape[i]
        vals = action_payoffs(game.exact_payoffs()[i], punish, i, exact=True)
        assert max(vals) == lvl.minmax


@given(integer_bimatrix(max_actions=4))
def test_zero_sum_value_equals_every_equilibrium_payoff(game):
    A, _ = game.exact_payoffs()
    zs = StageGame.bimatrix(A, -A)
    res = security_levels(zs)
    assert res.zero_sum
    for e in nash_equilibria(zs).equilibria:
        assert e.payoffs[0] == res.value


@given(integer_games(min_players=3, max_players=3), st.data())
def test_n_player_minmax_bounds(game, data):
    res = security_levels(game)
    arrays = game.exact_payoffs()
    for i, lvl in enumerate(res.levels):
        assert not lvl.minmax_exact
        assert lvl.pure_maxmin <= lvl.maxmin <= lvl.minmax <= lvl.pure_minmax
        # any independent punishment leaves player i at least the correlated minmax
        profile = [data.draw(mixed_strategy(k)) for k in game.shape]
        assert max(action_payoffs(arrays[i], profile, i, exact=True)) >= lvl.minmax
        joint = lvl.minmax_punishment[0]
        assert len(joint) == len(others_profiles(game, i)) and sum(joint) == 1


def test_matching_pennies_value_and_strategies():
    res = security_levels(catalog.load("matching-pennies"))
    assert res.zero_sum and res.value == 0
    assert res.levels[0].maxmin_strategy == (F(1, 2), F(1, 2))
    assert res.levels[1].maxmin_strategy == (F(1, 2), F(1, 2))


def test_float_game_is_float():
    game = StageGame.bimatrix(np.array([[1.5, -1.0], [-1.0, 1.0]]), np.array([[-1.5, 1.0], [1.0, -1.0]]))
    res = security_levels(game)
    assert not res.exact and res.zero_sum
    assert abs(res.value - 0.5 / 4.5) < 1e-9  # (ad - bc)/(a + d - b - c) = (1.5 - 1)/4.5
    assert isinstance(res.value, float)
    assert all(isinstance(p, float) for lvl in res.levels for p in lvl.maxmin_strategy)
