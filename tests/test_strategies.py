"""The hypothesis generators produce what they promise."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from strategies import integer_bimatrix, integer_games, mixed_strategy, normal_bimatrix, rational_bimatrix


@given(integer_bimatrix())
def test_integer_bimatrix_is_exact_two_player(game):
    assert game.n_players == 2 and game.is_exact
    assert all(0 <= v <= 9 for arr in game.payoffs for v in arr.flat)


@given(rational_bimatrix())
def test_rational_bimatrix_is_exact(game):
    assert game.is_exact and game.n_players == 2


@given(normal_bimatrix())
def test_normal_bimatrix_is_float(game):
    assert not game.is_exact and min(game.shape) >= 2


@given(integer_games())
def test_integer_games_shapes(game):
    assert 2 <= game.n_players <= 4
    assert all(arr.shape == game.shape for arr in game.payoffs)


@given(st.integers(1, 6).flatmap(mixed_strategy))
def test_mixed_strategy_is_a_distribution(p):
    assert sum(p) == 1 and all(isinstance(x, Fraction) and x >= 0 for x in p)
