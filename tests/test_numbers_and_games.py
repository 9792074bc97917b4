"""Numbers and the StageGame value type."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given

from models.errors import ModelError
from models.numbers import format_number, json_number, parse_number, to_exact
from models.stage import StageGame
from strategies import integer_games, permutations_of


@pytest.mark.parametrize("raw,expected", [
    (3, F(3)), ("3", F(3)), ("-1/2", F(-1, 2)), (" 4 / 6 ", F(2, 3)), (F(5, 7), F(5, 7)),
    (0.25, 0.25), ("2.5", 2.5), ("1e-3", 0.001), (-0.0, -0.0),
])
def test_parse_number(raw, expected):
    value = parse_number(raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("raw,message", [
    (float("nan"), "finite"), (float("inf"), "finite"), ("inf", "expected a number"), (True, "got true"),
    ("1/0", "zero denominator"), ("three", "expected a number"), ([1], "expected a number"), (None, "NoneType"),
])
def test_parse_number_rejects(raw, message):
    with pytest.raises(ModelError, match=message):
        parse_number(raw, field="x")


def test_exact_conversion_uses_the_decimal_spelled():
    assert to_exact(0.1) == F(1, 10) and to_exact(1e-20) == F(1, 10**20)
    assert format_number(F(-6, 4)) == "-3/2" and format_number(2 / 3, 3) == "0.667"
    assert json_number(F(1, 3)) == "1/3" and json_number(0.5) == 0.5


def test_game_validation_messages():
    with pytest.raises(ModelError, match="players: duplicate player label 'A'"):
        StageGame(("A", "A"), (("x",), ("y",)), ([[1]], [[1]]))
    with pytest.raises(ModelError, match="expected 2 payoff arrays"):
        StageGame(("A", "B"), (("x",), ("y",)), ([[1]],))
    with pytest.raises(ModelError, match=r"payoffs.B: expected a 1x1 array, got 2x1"):
        StageGame(("A", "B"), (("x",), ("y",)), (np.array([[1]]), np.array([[1], [2]])))


@given(integer_games().flatmap(lambda g: permutations_of(g).map(lambda p: (g, p))))
def test_permuting_twice_with_the_inverse_gives_the_game_back(args):
    game, (order, action_orders) = args
    moved = game.permuted(order, action_orders)
    inverse = [order.index(k) for k in range(len(order))]
    new_action_orders = [action_orders[old] for old in order]
    inv_actions = [[o.index(k) for k in range(len(o))] for o in new_action_orders]
    assert moved.permuted(inverse, inv_actions) == game
    for prof in game.profiles():
        new = tuple(action_orders[old].index(prof[old]) for old in order)
        for k, old in enumerate(order):
            assert moved.payoffs[k][new] == game.payoffs[old][prof]
