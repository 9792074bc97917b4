"""Verification of user profiles: payoffs, best replies, regret, verdict."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import catalog
from models.errors import ModelError
from models.mixed_profile import parse_profile
from solver.stage.verify import verify_profile
from strategies import integer_games, mixed_strategy


def test_battle_of_the_sexes_mixed_equilibrium():
    game = catalog.load("battle-of-the-sexes")
    v = verify_profile(game, parse_profile("2/3,1/3;1/3,2/3", game))
    assert v.is_equilibrium and v.exact and v.max_regret == 0
    assert [c.payoff for c in v.checks] == [F(2, 3), F(2, 3)]
    assert all(c.best_responses == (0, 1) for c in v.checks)


def test_not_an_equilibrium_names_the_gain():
    game = catalog.load("prisoners-dilemma")
    v = verify_profile(game, parse_profile("C;C", game))
    assert not v.is_equilibrium
    assert [c.regret for c in v.checks] == [F(2), F(2)]
    assert all(c.bad_support == (0,) and c.best_responses == (1,) for c in v.checks)


def test_decimal_profile_is_checked_in_floats():
    game = catalog.load("matching-pennies")
    v = verify_profile(game, parse_profile("0.5,0.5;0.5,0.5", game))
    assert v.is_equilibrium and not v.exact


@pytest.mark.parametrize("text,message", [
    ("1/2,1/2", "expected 2 strategies"),
    ("1/2,1/3;C", "sum to 5/6"),
    ("-1,2;C", "negative"),
    ("1,0,0;C", "expected 2 probabilities"),
    ("x,y;C", "expected a number"),
    ("Z;C", "expected 2 probabilities"),
    ("nan,1;C", "expected a number"),
])
def test_bad_profiles(text, message):
    game = catalog.load("prisoners-dilemma")
    with pytest.raises(ModelError, match=message):
        parse_profile(text, game)


@given(integer_games(max_players=3), st.data())
def test_regret_is_the_best_deviation_gain(game, data):
    profile = tuple(data.draw(mixed_strategy(k)) for k in game.shape)
    v = verify_profile(game, profile)
    for i, c in enumerate(v.checks):
        assert c.payoff == sum(p * u for p, u in zip(profile[i], c.action_payoffs))
        assert c.regret == max(c.action_payoffs) - c.payoff >= 0
        assert c.ok == (c.regret == 0) == all(a in c.best_responses for a in c.support)
    assert v.is_equilibrium == all(c.ok for c in v.checks)
