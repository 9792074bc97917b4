"""Iterated dominance: textbook examples and the defining inequalities."""

from __future__ import annotations

import itertools

from hypothesis import given
from scipy.optimize import linprog as scipy_linprog

from models.stage import StageGame
from solver.stage.dominance import iterated_dominance
from strategies import integer_games


def names(res):
    return [(e.round, res.players[e.player], res.actions[e.player][e.action]) for e in res.eliminated]


def test_mixed_dominance_needs_an_lp():
    # M pays (1, 1); the mixture 1/2 T + 1/2 B pays (3/2, 3/2): M is strictly dominated by a mixture
    # but by neither pure strategy (Myerson 1991, sec. 1.8 style example).
    game = StageGame.bimatrix([[3, 0], [1, 1], [0, 3]], [[0, 0], [0, 0], [0, 0]],
                              actions=[["T", "M", "B"], ["l", "r"]])
    res = iterated_dominance(game)
    assert names(res) == [(1, "P1", "M")]
    dom = res.eliminated[0].dominator
    assert dom[1] == 0 and sum(dom) == 1
    assert all(dom[0] * a + dom[2] * b > c for a, b, c in ((3, 0, 1), (0, 3, 1)))
    assert iterated_dominance(game, mixed=False).eliminated == ()


def test_iterated_strict_dominance_solves_a_game_in_rounds():
    # Derived by hand.  Row payoffs U=(4,3,0), C=(2,5,1), D=(3,1,6); Column payoffs L=(3,3,0),
    # M=(2,2,2), R=(1,1,1) (by row U, C, D).  Round 1: only R is dominated (by M; D survives because
    # of R, and no mixture dominates anything: each strategy is the unique best in some column/row).
    # Round 2, columns {L, M}: U=(4,3) beats D=(3,1).  Round 3, rows {U, C}: L=(3,3) beats M=(2,2).
    # Round 4, column {L}: U=4 beats C=2.  Survivor: (U, L).
    A = [[4, 3, 0], [2, 5, 1], [3, 1, 6]]
    B = [[3, 2, 1], [3, 2, 1], [0, 2, 1]]
    game = StageGame.bimatrix(A, B, actions=[["U", "C", "D"], ["L", "M", "R"]])
    res = iterated_dominance(game)
    assert names(res) == [(1, "P2", "R"), (2, "P1", "D"), (3, "P2", "M"), (4, "P1", "C")]
    assert res.surviving == ((0,), (0,))


def test_weak_dominance_states_the_order():
    # Row's B is weakly (not strictly) dominated by T.
    game = StageGame.bimatrix([[1, 1], [1, 0]], [[1, 1], [1, 1]], actions=[["T", "B"], ["l", "r"]])
    assert iterated_dominance(game).eliminated == ()
    weak = iterated_dominance(game, kind="weak")
    assert names(weak) == [(1, "P1", "B")]
    assert "simultaneous" in weak.to_dict()["order"]


@given(integer_games(max_players=3))
def test_every_elimination_satisfies_the_definition(game):
    for kind in ("strict", "weak"):
        res = iterated_dominance(game, kind=kind)
        remaining = [list(range(k)) for k in game.shape]
        for rnd in sorted({e.round for e in res.eliminated}):
            batch = [e for e in res.eliminated if e.round == rnd]
            for e in batch:
                arr = game.exact_payoffs()[e.player]
                others = [remaining[j] for j in range(game.n_players) if j != e.player]

                gaps = []
                for rest in itertools.product(*others):
                    def pay(a, rest=rest, player=e.player, arr=arr):
                        prof = list(rest)
                        prof.insert(player, a)
                        return arr[tuple(prof)]

                    gaps.append(sum(p * pay(a) for a, p in enumerate(e.dominator)) - pay(e.action))
                assert sum(e.dominator) == 1 and all(p >= 0 for p in e.dominator)
                assert e.dominator[e.action] == 0
                if kind == "strict":
                    assert all(g > 0 for g in gaps)
                else:
                    assert all(g >= 0 for g in gaps) and any(g > 0 for g in gaps)
            for e in batch:
                remaining[e.player].remove(e.action)
        assert tuple(tuple(r) for r in remaining) == res.surviving


def survivor_payoffs(game, surviving, i):
    """u_i on the surviving sub-game, as rows[a][r]: i's surviving action a against the others' surviving profile r."""
    arr = game.exact_payoffs()[i]
    others = [surviving[j] for j in range(game.n_players) if j != i]
    rows = []
    for a in surviving[i]:
        row = []
        for rest in itertools.product(*others):
            cell = list(rest)
            cell.insert(i, a)
            row.append(arr[tuple(cell)])
        rows.append(row)
    return rows


def best_dominating_margin(rows, a):
    """max eps such that some mixture p of the rows pays at least rows[a] + eps against every column (SciPy LP).

    Variables (p_1..p_m, eps): minimise -eps subject to eps - sum_k p_k rows[k][r] <= -rows[a][r], sum p = 1.
    The pure strategy a itself gives eps = 0, so the optimum is >= 0, and > 0 iff a is strictly dominated.
    """
    m, n = len(rows), len(rows[0])
    cost = [0.0] * m + [-1.0]
    a_ub = [[-float(rows[k][r]) for k in range(m)] + [1.0] for r in range(n)]
    b_ub = [-float(rows[a][r]) for r in range(n)]
    res = scipy_linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=[[1.0] * m + [0.0]], b_eq=[1.0],
                        bounds=[(0, None)] * m + [(None, None)], method="highs")
    assert res.status == 0
    return -res.fun


@given(integer_games(max_players=3))
def test_elimination_is_complete(game):
    # the other direction of the definition test above: once the procedure stops, no survivor is dominated
    # on the surviving sub-game, by a surviving pure action (brute force) or, with mixed=True, by a mixture
    for mixed in (True, False):
        strict = iterated_dominance(game, mixed=mixed).surviving
        weak = iterated_dominance(game, kind="weak", mixed=mixed).surviving
        for i in range(game.n_players):
            rows = survivor_payoffs(game, strict, i)
            for a, b in itertools.permutations(range(len(rows)), 2):
                assert not all(x > y for x, y in zip(rows[b], rows[a]))
            if mixed:
                # payoffs are integers in [-3, 3] on at most 3x3x3 cells: a positive optimum is a vertex of
                # small denominator, far above 1e-9
                assert all(best_dominating_margin(rows, a) <= 1e-9 for a in range(len(rows)))
            rows = survivor_payoffs(game, weak, i)
            for a, b in itertools.permutations(range(len(rows)), 2):
                assert not (all(x >= y for x, y in zip(rows[b], rows[a])) and rows[b] != rows[a])


def test_float_games_use_float_dominators():
    game = StageGame.bimatrix([[3.0, 0.0], [1.0, 1.0], [0.0, 3.0]], [[0, 0], [0, 0], [0, 0]])
    res = iterated_dominance(game)
    assert not res.exact and names(res) == [(1, "P1", "2")]
    dom = res.eliminated[0].dominator
    assert abs(sum(dom) - 1) < 1e-9
    assert all(isinstance(p, float) for p in dom)
    # the mixture dominates M = (1, 1): against l it pays 3 dom[T], against r 3 dom[B]; M itself is not in it
    assert 3 * dom[0] > 1 and 3 * dom[2] > 1
    assert dom[1] == 0
