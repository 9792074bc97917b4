"""Float tolerances follow the payoff scale: a game scaled by 1e-10 or 1e10 gets the unscaled game's answers.

Issue 6: a prisoner's dilemma scaled by 1e-10 had nothing dominated, every profile a pure equilibrium,
"zero-sum", and a regret of 2e-10 next to "every regret is 0", because the float comparisons used an
absolute 1e-9.  Equilibria, dominance, best responses and the zero-sum property are invariant under
u -> a u (a > 0), so the expected answers below are those of the exact integer game.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.stage import StageGame
from solver.stage.dominance import iterated_dominance
from solver.stage.equilibria import nash_equilibria
from solver.stage.minmax import minmax_levels
from solver.stage.verify import verify_profile
from strategies import examples

SCALES = [1e-10, 1e10]

# Axelrod's prisoner's dilemma: T=5, R=3, P=1, S=0; action 0 = C, 1 = D.
PD_A = [[3, 0], [5, 1]]
PD_B = [[3, 5], [0, 1]]


def scaled(A, B, factor):
    return StageGame.bimatrix(np.array(A, dtype=float) * factor, np.array(B, dtype=float) * factor)


@pytest.mark.parametrize("factor", SCALES)
def test_scaled_prisoners_dilemma_is_still_a_prisoners_dilemma(factor):
    game = scaled(PD_A, PD_B, factor)
    # D strictly dominates C for both players (by 2 or 1 payoff units, times the factor)
    dom = iterated_dominance(game)
    assert sorted((e.player, e.action) for e in dom.eliminated) == [(0, 0), (1, 0)]
    assert dom.surviving == ((1,), (1,))
    # the only pure equilibrium is (D, D)
    pure = nash_equilibria(game, "pure")
    assert [e.profile for e in pure.equilibria] == [((0.0, 1.0), (0.0, 1.0))]
    # u1 + u2 is 6, 5, 5, 2 units: not constant, so not zero-sum
    assert minmax_levels(game).zero_sum is False
    # (C, C): each player gains T - R = 2 units by defecting
    v = verify_profile(game, ((1.0, 0.0), (1.0, 0.0)))
    assert not v.is_equilibrium
    assert all(not c.ok and c.best_responses == (1,) for c in v.checks)
    assert math.isclose(v.max_regret, 2 * factor, rel_tol=1e-9)
    # (D, D) is an equilibrium, and its regret is reported as 0
    v = verify_profile(game, ((0.0, 1.0), (0.0, 1.0)))
    assert v.is_equilibrium and v.max_regret == 0


@pytest.mark.parametrize("factor", SCALES)
def test_scaled_zero_sum_game_is_zero_sum_with_the_scaled_value(factor):
    # matching pennies with payoffs 2 / -2 shifted: u1 + u2 = 4 everywhere, value of Row's game 2
    A = [[4, 0], [0, 4]]
    B = [[0, 4], [4, 0]]
    res = minmax_levels(scaled(A, B, factor))
    assert res.zero_sum
    assert math.isclose(res.value, 2 * factor, rel_tol=1e-9)
    assert res.levels[0].maxmin_strategy == (0.5, 0.5)


@st.composite
def small_integer_bimatrix(draw):
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    cells = st.lists(st.lists(st.integers(0, 4), min_size=n, max_size=n), min_size=m, max_size=m)
    return draw(cells), draw(cells)


def close_profiles(a, b):
    return len(a) == len(b) and all(
        math.isclose(float(p), float(q), abs_tol=1e-9) for s, t in zip(a, b) for p, q in zip(s, t)
    )


@settings(max_examples=examples(40), deadline=None)
@given(small_integer_bimatrix(), st.sampled_from(SCALES), st.data())
def test_scaled_float_games_give_the_exact_games_answers(payoffs, factor, data):
    A, B = payoffs
    exact = StageGame.bimatrix(A, B)
    game = scaled(A, B, factor)
    # pure equilibria: the same profiles
    assert [e.profile for e in nash_equilibria(game, "pure").equilibria] == [
        tuple(tuple(float(p) for p in s) for s in e.profile) for e in nash_equilibria(exact, "pure").equilibria
    ]
    # extreme equilibria: the same ones, in the same canonical order, same degeneracy
    ours, truth = nash_equilibria(game, "enummixed"), nash_equilibria(exact, "enummixed")
    assert ours.degenerate == truth.degenerate and ours.n_components == truth.n_components
    assert len(ours.equilibria) == len(truth.equilibria)
    assert all(close_profiles(e.profile, t.profile) for e, t in zip(ours.equilibria, truth.equilibria))
    # dominance: the same eliminations, strict and weak
    for kind in ("strict", "weak"):
        got = iterated_dominance(game, kind=kind)
        want = iterated_dominance(exact, kind=kind)
        assert [(e.round, e.player, e.action) for e in got.eliminated] == [
            (e.round, e.player, e.action) for e in want.eliminated
        ]
    # zero-sum verdict
    assert minmax_levels(game).zero_sum == minmax_levels(exact).zero_sum
    # verification of a pure profile: same verdicts, best responses, regret scaled
    prof = tuple(data.draw(st.integers(0, k - 1)) for k in exact.shape)
    unit = tuple(tuple(F(int(a == b)) for b in range(k)) for a, k in zip(prof, exact.shape))
    got, want = verify_profile(game, unit, exact=False), verify_profile(exact, unit)
    assert got.is_equilibrium == want.is_equilibrium
    assert [c.best_responses for c in got.checks] == [c.best_responses for c in want.checks]
    assert [c.ok for c in got.checks] == [c.ok for c in want.checks]
    assert math.isclose(got.max_regret, float(want.max_regret) * factor, rel_tol=1e-9)


@pytest.mark.parametrize("offset", [1e8, 1e10])
def test_shifted_prisoners_dilemma_gets_the_same_answers(offset):
    # u -> u + b leaves every answer unchanged too; a tolerance that followed max |u| instead of the payoff
    # range would call (C, C) an equilibrium here (regret 2 against payoffs near 1e10)
    game = scaled(np.array(PD_A) + offset, np.array(PD_B) + offset, 1.0)
    dom = iterated_dominance(game)
    assert dom.surviving == ((1,), (1,))
    assert [e.profile for e in nash_equilibria(game, "pure").equilibria] == [((0.0, 1.0), (0.0, 1.0))]
    v = verify_profile(game, ((1.0, 0.0), (1.0, 0.0)))
    assert not v.is_equilibrium and math.isclose(v.max_regret, 2, rel_tol=1e-6)
    assert verify_profile(game, ((0.0, 1.0), (0.0, 1.0))).is_equilibrium
