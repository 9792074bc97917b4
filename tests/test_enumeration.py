"""All extreme equilibria of two-player games: textbook tables, nashpy, properties.

The comparison with Gambit's enummixed, the independent oracle, is in test_gambit_oracle.py.
"""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import catalog
from models.stage import StageGame
from solver.stage.equilibria import nash_equilibria
from solver.stage.verify import verify_profile
from strategies import examples, integer_bimatrix, normal_bimatrix, permutations_of


def profiles(result):
    """Equilibria as a set of exact profile tuples."""
    return {tuple(tuple(p) for p in e.profile) for e in result.equilibria}


def P(*strategies):
    """A profile from strategies written as strings like "1/3,2/3"."""
    return tuple(tuple(F(x) for x in s.split(",")) for s in strategies)


# (name, A, B, expected extreme equilibria, expected components, degenerate, source)
TEXTBOOK = [
    ("prisoners-dilemma", [[3, 0], [5, 1]], [[3, 5], [0, 1]], {P("0,1", "0,1")}, 1, False,
     "Axelrod (1984) payoffs; D strictly dominant"),
    ("matching-pennies", [[1, -1], [-1, 1]], [[-1, 1], [1, -1]], {P("1/2,1/2", "1/2,1/2")}, 1, False,
     "Osborne and Rubinstein (1994), Example 17.1"),
    ("battle-of-the-sexes", [[2, 0], [0, 1]], [[1, 0], [0, 2]],
     {P("1,0", "1,0"), P("0,1", "0,1"), P("2/3,1/3", "1/3,2/3")}, 3, False,
     "Osborne and Rubinstein (1994), Example 15.3"),
    ("rock-paper-scissors", [[0, -1, 1], [1, 0, -1], [-1, 1, 0]], [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
     {P("1/3,1/3,1/3", "1/3,1/3,1/3")}, 1, False, "uniform mixing is the unique equilibrium"),
    ("von-stengel-3x2", [[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]],
     {P("1,0,0", "1,0"), P("4/5,1/5,0", "2/3,1/3"), P("0,1/3,2/3", "1/3,2/3")}, 3, False,
     "von Stengel (2002), Handbook of Game Theory ch. 45, the 3x2 example of sec. 2"),
    ("von-stengel-3x2-degenerate", [[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]],
     {P("1,0,0", "1,0"), P("1,0,0", "2/3,1/3"), P("0,1/3,2/3", "1/3,2/3")}, 2, True,
     "degenerate variant (von Stengel 2002, sec. 2.6): T has two best replies; derived by hand"),
    ("row-indifferent", [[1, 1], [1, 1]], [[2, 0], [0, 1]],
     {P("1,0", "1,0"), P("1/3,2/3", "1,0"), P("1/3,2/3", "0,1"), P("0,1", "0,1")}, 1, True,
     "Row is indifferent everywhere, so every best reply of Column to any x is an equilibrium; "
     "Column is indifferent at x = (1/3, 2/3)"),
    ("duplicated-strategy", [[1, -1], [1, -1], [-1, 1]], [[-1, 1], [-1, 1], [1, -1]],
     {P("1/2,0,1/2", "1/2,1/2"), P("0,1/2,1/2", "1/2,1/2")}, 1, True,
     "matching pennies with Row's Heads duplicated: the Heads mass splits freely between the copies"),
    ("all-zero", [[0, 0], [0, 0]], [[0, 0], [0, 0]],
     {P("1,0", "1,0"), P("1,0", "0,1"), P("0,1", "1,0"), P("0,1", "0,1")}, 1, True,
     "every profile is an equilibrium; the extreme ones are the pure profiles"),
    ("one-row", [[1, 2, 3]], [[5, 5, 1]], {P("1", "1,0,0"), P("1", "0,1,0")}, 1, True,
     "Row has one action; Column's best replies are l and m"),
]


@pytest.mark.parametrize("name,A,B,expected,components,degenerate,source", TEXTBOOK,
                         ids=[t[0] for t in TEXTBOOK])
def test_textbook_equilibria(name, A, B, expected, components, degenerate, source):
    res = nash_equilibria(StageGame.bimatrix(A, B), "enummixed")
    assert res.exact
    assert len(res.equilibria) == len(expected)
    assert profiles(res) == expected
    assert res.n_components == components
    assert res.degenerate is degenerate


def test_components_group_the_degenerate_segment():
    res = nash_equilibria(catalog.load("degenerate"))
    comps = {tuple(tuple(p) for p in e.profile): e.component for e in res.equilibria}
    assert comps[P("1,0,0", "1,0")] == comps[P("1,0,0", "2/3,1/3")]
    assert comps[P("0,1/3,2/3", "1/3,2/3")] != comps[P("1,0,0", "1,0")]


def test_payoffs_are_exact_expectations():
    res = nash_equilibria(StageGame.bimatrix([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]]))
    pays = {tuple(tuple(p) for p in e.profile): e.payoffs for e in res.equilibria}
    assert pays[P("4/5,1/5,0", "2/3,1/3")] == (F(3), F(14, 5))
    assert pays[P("0,1/3,2/3", "1/3,2/3")] == (F(4), F(8, 3))


# von Stengel (1999), "New maximal numbers of equilibria in bimatrix games", DCG 21; this small-payoff
# version is from Savani and von Stengel (2006), "Hard-to-solve bimatrix games", Econometrica 74.
VS75_A = [[-81, 36, -126, 126, -36, 90], [-180, 72, -333, 297, -153, 270], [20, -3, 42, -33, 17, -30],
          [-30, 17, -33, 42, -3, 20], [270, -153, 297, -333, 72, -180], [90, -36, 126, -126, 36, -81]]
VS75_B = [[72, 36, 17, -3, -36, -153], [-180, -81, -30, 20, 90, 270], [297, 126, 42, -33, -126, -333],
          [-333, -126, -33, 42, 126, 297], [270, 90, 20, -30, -81, -180], [-153, -36, -3, 17, 36, 72]]


def test_von_stengel_6x6_has_75_equilibria():
    res = nash_equilibria(StageGame.bimatrix(VS75_A, VS75_B))
    assert len(res.equilibria) == 75 and len(profiles(res)) == 75  # 75 distinct profiles, not repeats
    assert res.degenerate is False and res.n_components == 75
    for e in res.equilibria:
        assert verify_profile(StageGame.bimatrix(VS75_A, VS75_B), e.profile).max_regret == 0


# -- against nashpy on nondegenerate games ----------------------------------------------------------------


def close_sets(ours, theirs, tol=1e-6):
    def key(profile):
        return np.concatenate([np.asarray(s, dtype=float) for s in profile])

    def order(v):
        return tuple(np.round(v, 6) + 0.0)

    a = sorted((key(p) for p in ours), key=order)
    b = sorted((key(p) for p in theirs), key=order)
    return len(a) == len(b) and all(np.allclose(x, y, atol=tol) for x, y in zip(a, b))


@settings(max_examples=examples(40))
@given(normal_bimatrix(max_actions=5))
def test_float_path_matches_nashpy_vertex_enumeration(game):
    # (nashpy's support_enumeration is not used: it misses equilibria of some nondegenerate games,
    # e.g. a 2x4 normal game found while writing this test, where vertex_enumeration and we agree.)
    res = nash_equilibria(game, "enummixed")
    assert not res.exact and res.degenerate is False
    A, B = game.float_payoffs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = [tuple(map(tuple, eq)) for eq in nashpy.Game(A, B).vertex_enumeration()]
    assert close_sets(profiles(res), theirs)


# -- properties --------------------------------------------------------------------------------------------


@given(integer_bimatrix(max_actions=4))
def test_every_reported_equilibrium_has_zero_regret(game):
    for e in nash_equilibria(game).equilibria:
        check = verify_profile(game, e.profile)
        assert check.is_equilibrium and check.max_regret == 0
        assert all(c.payoff == v for c, v in zip(check.checks, e.payoffs))


@given(integer_bimatrix(max_actions=4), st.integers(1, 5), st.integers(-7, 7), st.integers(1, 5),
       st.integers(-7, 7))
def test_invariant_under_positive_affine_maps(game, a, b, c, d):
    A, B = game.exact_payoffs()
    moved = StageGame.bimatrix(A * a + b, B * F(c, 3) + d)
    assert profiles(nash_equilibria(moved)) == profiles(nash_equilibria(game))


@given(integer_bimatrix(max_actions=4).flatmap(lambda g: st.tuples(st.just(g), permutations_of(g))))
def test_invariant_under_relabelling(args):
    game, (order, action_orders) = args
    relabelled = game.permuted(order, action_orders)
    expected = set()
    for prof in profiles(nash_equilibria(game)):
        moved = [tuple(prof[i][k] for k in action_orders[i]) for i in range(2)]
        expected.add(tuple(moved[old] for old in order))
    assert profiles(nash_equilibria(relabelled)) == expected


@given(normal_bimatrix(max_actions=4))
def test_exact_and_float_paths_agree(game):
    floats = nash_equilibria(game, exact=False)
    exact = nash_equilibria(game, exact=True)
    assert exact.exact and not floats.exact
    assert close_sets(profiles(floats), profiles(exact))


def pure_strategy_with_two_best_replies(game: StageGame) -> bool:
    """Some pure strategy of one player has two or more pure best replies of the other."""
    A, B = game.exact_payoffs()
    rows_tie = any(sum(1 for v in row if v == max(row)) > 1 for row in B.tolist())
    cols_tie = any(sum(1 for v in col if v == max(col)) > 1 for col in A.T.tolist())
    return rows_tie or cols_tie


@given(integer_bimatrix(min_actions=2, max_actions=2, hi=3))
def test_degenerate_flag_on_2x2_games_is_the_tie_condition(game):
    # In a 2x2 game only a pure strategy can have more best replies than its support size
    # (a mixed one has support 2 and at most 2 replies), so degeneracy is exactly a tie.
    assert nash_equilibria(game).degenerate is pure_strategy_with_two_best_replies(game)


@st.composite
def game_with_a_tie(draw, max_actions: int = 4, hi: int = 3) -> StageGame:
    """A bimatrix game in which some pure strategy has two pure best replies, built in rather than filtered."""
    m, n = draw(st.integers(1, max_actions)), draw(st.integers(1, max_actions))
    vals = st.integers(0, hi)
    A = [[draw(vals) for _ in range(n)] for _ in range(m)]
    B = [[draw(vals) for _ in range(n)] for _ in range(m)]
    replier = draw(st.sampled_from([p for p, k in ((0, m), (1, n)) if k >= 2] or [None]))
    if replier == 0:  # Row ties against Column's pure strategy j: copy column j's maximum into a second row
        j = draw(st.integers(0, n - 1))
        best = max(range(m), key=lambda i: A[i][j])
        other = draw(st.sampled_from([i for i in range(m) if i != best]))
        A[other][j] = A[best][j]
    elif replier == 1:  # Column ties against Row's pure strategy i
        i = draw(st.integers(0, m - 1))
        best = max(range(n), key=lambda j: B[i][j])
        other = draw(st.sampled_from([j for j in range(n) if j != best]))
        B[i][other] = B[i][best]
    else:  # 1x1: no tie is possible; grow Column to two equal actions
        A, B = [[A[0][0]] * 2], [[B[0][0]] * 2]
    return StageGame.bimatrix(A, B)


@given(game_with_a_tie())
def test_ties_in_best_replies_make_a_game_degenerate(game):
    assert pure_strategy_with_two_best_replies(game)  # the generator's promise
    assert nash_equilibria(game).degenerate is True
