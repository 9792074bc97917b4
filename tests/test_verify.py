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
from strategies import deviation_payoff, integer_games, mixed_strategy


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
    # by hand: against a uniform opponent each action of matching pennies earns (1 - 1)/2 = 0, so every payoff
    # is 0 and no deviation gains anything (dyadic halves: these floats are exact, == is safe here)
    assert v.max_regret == 0.0 and isinstance(v.max_regret, float)
    assert [c.payoff for c in v.checks] == [0.0, 0.0]


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


@pytest.mark.parametrize("profile,field,message", [
    (((F(1, 2), F(1, 2)),), "profile", "expected 2 strategies"),  # one player's strategy for two players
    (((F(1, 2), F(1, 2)), (1, 0), (1, 0)), "profile", "expected 2 strategies"),
    (((1, 0, 0), (1, 0)), "profile (player Row)", "expected 2 probabilities"),
    (((1, 0), (0, 1, 0)), "profile (player Column)", "expected 2 probabilities"),
    (((0.5, 0.4), (0.5, 0.5)), "profile (player Row)", "sum to 0.9"),
    (((1, 0), (F(1, 2), F(2, 5))), "profile (player Column)", "sum to 9/10"),
    (((F(-1), F(2)), (1, 0)), "profile (player Row)", "negative"),
])
def test_python_profiles_are_validated(profile, field, message):
    # the Python API checks what the CLI parser checks: before, a wrong length gave a bare numpy
    # TypeError/ValueError, and a sum of 0.9 or a negative entry was silently verified (-1, 2 even "passed")
    game = catalog.load("prisoners-dilemma")
    with pytest.raises(ModelError, match=message) as err:
        verify_profile(game, profile)
    assert err.value.field == field


def game_deviation_payoff(game, profile, i, a):
    """u_i(a, sigma_-i) of ``game``, by brute force over the others' pure profiles."""
    return deviation_payoff(game.exact_payoffs()[i], profile, i, a)


@given(integer_games(max_players=3), st.data())
def test_regret_is_the_best_deviation_gain(game, data):
    # the definition (e.g. Nisan et al. 2007, sec. 1.3): regret_i = max_a u_i(a, sigma_-i) - u_i(sigma),
    # computed here by summing over pure profiles, independently of the implementation's tensor contraction
    profile = tuple(data.draw(mixed_strategy(k)) for k in game.shape)
    v = verify_profile(game, profile)
    for i, c in enumerate(v.checks):
        dev = [game_deviation_payoff(game, profile, i, a) for a in range(game.shape[i])]
        mine = sum(p * u for p, u in zip(profile[i], dev))
        assert c.action_payoffs == tuple(dev)
        assert c.payoff == mine
        assert c.best_payoff == max(dev)
        assert c.regret == max(dev) - mine
        assert c.best_responses == tuple(a for a, u in enumerate(dev) if u == max(dev))
        assert c.support == tuple(a for a, p in enumerate(profile[i]) if p > 0)
        assert c.ok == (max(dev) == mine)
    assert v.is_equilibrium == all(max(game_deviation_payoff(game, profile, i, a) for a in range(k)) ==
                                   sum(p * game_deviation_payoff(game, profile, i, a) for a, p in enumerate(profile[i]))
                                   for i, k in enumerate(game.shape))


def test_rock_paper_scissors_regret_by_hand():
    # RPS (win 1, lose -1, tie 0), Row plays (1/2 Rock, 1/2 Paper), Column uniform.  By hand: every Row
    # action earns 0 against uniform, so Row's regret is 0.  Against Row's mix, Column's Rock earns
    # (0 - 1)/2 = -1/2, Paper (1 + 0)/2 = 1/2, Scissors (-1 + 1)/2 = 0; uniform earns 0: regret 1/2 (Paper).
    game = catalog.load("rock-paper-scissors")
    v = verify_profile(game, ((F(1, 2), F(1, 2), F(0)), (F(1, 3), F(1, 3), F(1, 3))))
    assert v.checks[0].regret == 0 and v.checks[0].ok
    assert v.checks[1].action_payoffs == (F(-1, 2), F(1, 2), F(0))
    assert v.checks[1].regret == F(1, 2) and v.checks[1].best_responses == (1,)
    assert not v.is_equilibrium and v.max_regret == F(1, 2)


def test_float_rounding_noise_below_zero_counts_as_zero() -> None:
    # a float solver's -1e-17 is rounding, not a negative probability; -0.1 is an error
    game = catalog.load("matching-pennies")
    pure = verify_profile(game, [[1.0, -1e-17], [0.5, 0.5]])
    assert pure.profile[0] == (1.0, 0.0)
    with pytest.raises(ModelError, match="negative"):
        verify_profile(game, [[1.1, -0.1], [0.5, 0.5]])
