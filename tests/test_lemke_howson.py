"""Lemke-Howson: one equilibrium from each dropped label."""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import nashpy
import numpy as np
import pytest
from hypothesis import given

from models.errors import SolverError
from models.formats import read_game
from models.stage import StageGame
from solver.stage.equilibria import nash_equilibria
from solver.stage.verify import verify_profile
from strategies import integer_bimatrix, normal_bimatrix


@given(integer_bimatrix(max_actions=4))
def test_every_label_reaches_an_exact_equilibrium_even_in_degenerate_games(game):
    m, n = game.shape
    extreme = {tuple(map(tuple, e.profile)) for e in nash_equilibria(game).equilibria}
    for label in range(1, m + n + 1):
        res = nash_equilibria(game, "lemke-howson", label=label)
        (eq,) = res.equilibria
        assert res.exact and verify_profile(game, eq.profile).max_regret == 0
        # Lemke-Howson ends at a vertex pair, so the equilibrium is an extreme one
        assert tuple(map(tuple, eq.profile)) in extreme


@given(normal_bimatrix(max_actions=5))
def test_matches_nashpy_lemke_howson_where_nashpy_is_right(game):
    # nashpy 0.0.43's lemke_howson sometimes returns a profile that is not an equilibrium (Column's
    # probabilities land in shifted columns; seen on 5x4 normal games).  Ours must always be an
    # equilibrium, and must equal nashpy's whenever nashpy's answer is one.
    A, B = game.float_payoffs()
    m, n = game.shape
    for label in range(m + n):
        ours = nash_equilibria(game, "lemke-howson", label=label + 1).equilibria[0].profile
        assert verify_profile(game, ours).max_regret <= 1e-9
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = nashpy.Game(A, B).lemke_howson(initial_dropped_label=label)
        if verify_profile(game, tuple(map(tuple, theirs))).max_regret <= 1e-9:
            assert np.allclose(np.concatenate(ours), np.concatenate(theirs), atol=1e-8)


# Shapley (1974), "A note on the Lemke-Howson algorithm", Fig. 3 (as shipped in Gambit's catalogue):
# two of the game's equilibria are reached from no dropped label.
SHAPLEY_FIG3 = """NFG 1 R "Shapley 1974 fig 3" { "1" "2" } { 3 3 }
0 0  3 2  0 3
2 3  2 2  0 0
3 0  0 0  1 1
"""


def test_shapley_inaccessible_equilibria():
    game = read_game(SHAPLEY_FIG3, "nfg")
    everything = {tuple(map(tuple, e.profile)) for e in nash_equilibria(game).equilibria}
    reached = {tuple(map(tuple, nash_equilibria(game, "lemke-howson", label=k).equilibria[0].profile))
               for k in range(1, 7)}
    assert reached < everything
    assert len(everything - reached) == 2


def test_label_out_of_range_is_an_error():
    game = StageGame.bimatrix([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    with pytest.raises(SolverError, match="between 1 and 4"):
        nash_equilibria(game, "lemke-howson", label=5)


def test_matching_pennies_exact():
    game = StageGame.bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    (eq,) = nash_equilibria(game, "lemke-howson").equilibria
    assert eq.profile == ((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))
