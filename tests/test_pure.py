"""Pure equilibria of N-player games against the definition, checked profile by profile."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given

from models import catalog
from models.errors import SolverError
from solver.stage.equilibria import nash_equilibria
from strategies import integer_games


def by_definition(game):
    out = []
    for prof in itertools.product(*(range(k) for k in game.shape)):
        stable = True
        for i in range(game.n_players):
            for b in range(game.shape[i]):
                dev = list(prof)
                dev[i] = b
                if game.payoffs[i][tuple(dev)] > game.payoffs[i][prof]:
                    stable = False
        if stable:
            out.append(prof)
    return out


@given(integer_games())
def test_pure_equilibria_match_the_definition(game):
    res = nash_equilibria(game, "pure")
    found = [tuple(int(np.argmax(s)) for s in e.profile) for e in res.equilibria]
    assert found == by_definition(game)
    for e, prof in zip(res.equilibria, found):
        assert e.payoffs == tuple(arr[prof] for arr in game.payoffs)


def test_volunteers_dilemma_has_exactly_one_volunteer_in_each_pure_equilibrium():
    # Diekmann (1985): the pure equilibria are the profiles with exactly one volunteer.
    res = nash_equilibria(catalog.load("volunteers-dilemma"))
    assert res.method == "pure" and len(res.equilibria) == 3
    for e in res.equilibria:
        assert sum(s[0] for s in e.profile) == 1
    assert any("not computed yet" in note for note in res.notes)


def test_mixed_methods_refuse_n_player_games():
    with pytest.raises(SolverError, match="two-player"):
        nash_equilibria(catalog.load("volunteers-dilemma"), "enummixed")
