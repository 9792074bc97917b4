"""Maxmin, minmax and zero-sum values: closed forms and the inequalities that tie them."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog as scipy_linprog

from models import catalog
from models.stage import StageGame
from solver.stage.equilibria import nash_equilibria
from solver.stage.minmax import security_levels
from strategies import deviation_payoff, integer_bimatrix, integer_games, mixed_strategy, no_saddle_2x2


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
        # the punishment holds player i to the minmax exactly: i's best reply to it earns lvl.minmax
        own = np.array(game.exact_payoffs()[i], dtype=object)
        own = own if i == 0 else own.T  # i's actions on the rows, the punisher's on the columns
        y = lvl.minmax_punishment[0]
        earn = [sum(own[a, b] * y[b] for b in range(len(y))) for a in range(own.shape[0])]
        assert max(earn) == lvl.minmax
        # and the maxmin strategy guarantees the maxmin against every pure reply
        x = lvl.maxmin_strategy
        assert min(sum(x[a] * own[a, b] for a in range(len(x))) for b in range(own.shape[1])) == lvl.maxmin


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
        best = max(deviation_payoff(arrays[i], profile, i, a) for a in range(game.shape[i]))
        assert best >= lvl.minmax
        # the joint punishment is a distribution over the others' pure profiles, in the documented order:
        # itertools.product over the others' actions in seat order (the last seat varies fastest)
        joint = lvl.minmax_punishment[0]
        others = list(itertools.product(*(range(k) for j, k in enumerate(game.shape) if j != i)))
        assert len(joint) == len(others) and sum(joint) == 1 and all(q >= 0 for q in joint)
        # it holds player i to the minmax: i's best reply to it earns exactly lvl.minmax ...
        def earn(a, i=i, joint=joint, others=others):
            return sum(q * arrays[i][o[:i] + (a,) + o[i:]] for q, o in zip(joint, others))

        assert max(earn(a) for a in range(game.shape[i])) == lvl.minmax
        # ... and no correlated punishment does better (an LP built here, solved by SciPy, as the oracle)
        assert abs(float(lvl.minmax) - correlated_minmax_by_scipy(arrays[i], i, others)) <= 1e-7


def correlated_minmax_by_scipy(arr, i, others):
    """min over joint distributions q of the others of max_a sum_k q_k u_i(a, o_k): variables (q, v), minimise v."""
    n = len(others)
    rows = [[float(arr[o[:i] + (a,) + o[i:]]) for o in others] + [-1.0] for a in range(arr.shape[i])]
    res = scipy_linprog([0.0] * n + [1.0], A_ub=rows, b_ub=[0.0] * len(rows), A_eq=[[1.0] * n + [0.0]],
                        b_eq=[1.0], bounds=[(0, None)] * n + [(None, None)], method="highs")
    assert res.status == 0
    return res.fun


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
