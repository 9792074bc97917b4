"""Repeated games: closed forms from the literature, and properties checked against independent truth."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from models.monitoring import AttributionMonitoring, PerfectMonitoring, TableMonitoring
from models.repeated import RepeatedModel
from models.stage import StageGame
from solver.repeated.binding import bind_profile
from solver.repeated.delta_sets import Interval, critical_deltas
from solver.repeated.evaluation import evaluate
from solver.repeated.simulation import simulate_values
from strategies import automata, distribution, monitorings, probability


@st.composite
def pd_payoffs(draw):
    """Prisoner's dilemma payoffs T > R > P > S (integers)."""
    S = draw(st.integers(-5, 3))
    P = S + draw(st.integers(1, 4))
    R = P + draw(st.integers(1, 4))
    T = R + draw(st.integers(1, 4))
    return T, R, P, S


def pd(T, R, P, S):
    return StageGame.bimatrix([[R, S], [T, P]], [[R, T], [S, P]], actions=[["C", "D"], ["C", "D"]])


def threshold(x):
    """The PPE set [x, 1), or empty when x >= 1."""
    return (Interval(x, F(1), True, False),) if x < 1 else ()


# -- closed forms ------------------------------------------------------------------------------------------


@settings(max_examples=25)
@given(pd_payoffs())
def test_grim_trigger_perfect_monitoring(payoffs):
    # Grim is a subgame-perfect equilibrium iff delta >= (T - R)/(T - P): the gain T - R from defecting
    # once must not exceed the discounted loss delta (R - P) / (1 - delta) ... normalised:
    # (1 - delta) T + delta P <= R (Friedman 1971; Mailath and Samuelson 2006, sec. 2.4.2).
    T, R, P, S = payoffs
    res = critical_deltas(RepeatedModel(pd(T, R, P, S)), ["grim"])
    assert res.exact
    assert res.ppe == threshold(F(T - R, T - P))
    assert res.nash == threshold(F(T - R, T - P))


@settings(max_examples=25)
@given(pd_payoffs())
def test_tit_for_tat_is_nash_iff_patient_enough(payoffs):
    # Against tit-for-tat the best reply is to cooperate forever (R), defect forever ((1 - delta) T + delta P)
    # or alternate D, C ((T + delta S) / (1 + delta)); so tit-for-tat is a Nash equilibrium against itself iff
    # delta >= max((T - R)/(T - P), (T - R)/(R - S)) (Axelrod 1984, ch. 3, Proposition 2, "collectively
    # stable").  A Nash set, not a PPE set: the exact Nash method must find it.
    T, R, P, S = payoffs
    res = critical_deltas(RepeatedModel(pd(T, R, P, S)), ["tit-for-tat"])
    assert res.nash_method.startswith("exact")
    assert res.nash == threshold(max(F(T - R, T - P), F(T - R, R - S)))


@settings(max_examples=25)
@given(pd_payoffs())
def test_win_stay_lose_shift_perfect_monitoring(payoffs):
    # WSLS is a subgame-perfect equilibrium iff delta >= (T - R)/(R - P): deviating at (C, C) earns T now,
    # P after the joint switch to (D, D), then R again; at (D, D) deviating only delays the return to R
    # (Mailath and Samuelson 2006, sec. 2.6.5).
    T, R, P, S = payoffs
    res = critical_deltas(RepeatedModel(pd(T, R, P, S)), ["wsls"])
    assert res.ppe == threshold(F(T - R, R - P))


@settings(max_examples=20)
@given(pd_payoffs(), probability(max_denominator=12, allow_zero=False).filter(lambda e: e < 1))
def test_tit_for_tat_with_errors_averages_all_four_outcomes(payoffs, e):
    # Each player copies the other's last *actual* action and errs with probability e: the actual
    # profile is a symmetric doubly stochastic chain, uniform in the long run, so the long-run average is
    # (R + S + T + P)/4 for every e in (0, 1) (Molander 1985; Axelrod's noisy tournaments).
    T, R, P, S = payoffs
    model = RepeatedModel(pd(T, R, P, S), PerfectMonitoring(tremble=e))
    res = evaluate(model, ["tit-for-tat"], F(1, 2))
    assert res.exact
    assert res.average == (F(R + S + T + P, 4),) * 2


@settings(max_examples=25)
@given(pd_payoffs(), st.integers(1, 19).flatmap(lambda p20: st.tuples(st.just(p20), st.integers(0, p20 - 1))))
def test_grim_with_a_public_good_bad_signal(payoffs, pq):
    # P(good | C, C) = p, P(good | one defects) = q < p; a bad signal blames both.  Grim is a PPE iff
    # delta >= (T - R) / (p (T - R) + (p - q)(R - P)): with V = ((1 - delta) R + delta (1 - p) P) / (1 - delta p),
    # the one-shot condition delta (p - q)(V - P) >= (1 - delta)(T - R) rearranges to it
    # (Mailath and Samuelson 2006, sec. 7.2; Green and Porter 1984).
    p20, q20 = pq
    T, R, P, S = payoffs
    p, q = F(p20, 20), F(q20, 20)
    table = (("C,C", (p, 1 - p)), ("C,D", (q, 1 - q)), ("D,C", (q, 1 - q)), ("D,D", (F(1, 3), F(2, 3))))
    monitoring = TableMonitoring(signals=("good", "bad"), rows=table, blames=(("bad", ("P1", "P2")),))
    game = StageGame.bimatrix([[R, S], [T, P]], [[R, T], [S, P]], actions=[["C", "D"], ["C", "D"]])
    res = critical_deltas(RepeatedModel(game, monitoring), ["grim"])
    assert res.ppe == threshold(F(T - R) / (p * (T - R) + (p - q) * (R - P)))


def test_grim_under_attribution_matches_the_signal_formula():
    # Attribution with detection a and false flag b is a good/bad signal for grim (which reacts to any
    # blame): p = (1 - b)^2 and q = (1 - a)(1 - b).
    a, b = F(9, 10), F(1, 20)
    T, R, P, S = 5, 3, 1, 0
    res = critical_deltas(RepeatedModel(pd(T, R, P, S), AttributionMonitoring(detection=a, false_flag=b)),
                          ["grim"])
    p, q = (1 - b) ** 2, (1 - a) * (1 - b)
    assert res.ppe == threshold(F(T - R) / (p * (T - R) + (p - q) * (R - P)))


def test_public_tit_for_tat_is_an_equilibrium_for_a_single_discount_factor():
    # Under noisy attribution the one-shot conditions of public tit-for-tat pull in opposite directions:
    # at peace deviating must not pay (delta high enough), while punishing must be worth its cost
    # (delta low enough).  Here they meet in one point, a degenerate window rather than a threshold.
    model = RepeatedModel(pd(5, 4, 1, 0), AttributionMonitoring(detection=F(3, 4), false_flag=F(1, 20)))
    res = critical_deltas(model, ["tit-for-tat"])
    assert res.ppe == (Interval(F(5, 14), F(5, 14), True, True),)
    # independent check, pointwise with the direct evaluation
    assert evaluate(model, ["tit-for-tat"], F(5, 14)).equilibrium.ppe
    assert not evaluate(model, ["tit-for-tat"], F(5, 14) - F(1, 100)).equilibrium.ppe
    assert not evaluate(model, ["tit-for-tat"], F(5, 14) + F(1, 100)).equilibrium.ppe


def inside(intervals, x):
    return any((i.lo < x or (i.lo_closed and i.lo == x)) and (x < i.hi or (i.hi_closed and i.hi == x))
               for i in intervals)


# -- properties ---------------------------------------------------------------------------------------------


@st.composite
def random_profiles(draw, max_states: int = 3):
    A = [[draw(st.integers(-3, 4)) for _ in range(2)] for _ in range(2)]
    B = [[draw(st.integers(-3, 4)) for _ in range(2)] for _ in range(2)]
    game = StageGame.bimatrix(A, B, actions=[["C", "D"], ["C", "D"]])
    a = draw(automata(["C", "D"], max_states, name="a"))
    b = draw(automata(["C", "D"], max_states, name="b"))
    return RepeatedModel(game, draw(monitorings()), (("a", a), ("b", b)))


@settings(max_examples=25, deadline=None)
@given(random_profiles(), st.sampled_from([F(1, 2), F(4, 5)]), st.integers(0, 2**31))
def test_exact_values_agree_with_seeded_simulation(model, delta, seed):
    res = evaluate(model, ["a", "b"], delta, exact=True)
    est = simulate_values(bind_profile(model, ["a", "b"]), float(delta), paths=3000, seed=seed)
    for exact_value, mean, se in zip(res.values, est.mean, est.stderr):
        # 5 standard errors: a false alarm has probability below 1e-6 per comparison
        assert abs(float(exact_value) - mean) <= 5 * se + est.truncation + 1e-9


@given(st.data())
def test_a_one_state_automaton_earns_the_stage_payoff(data):
    game = StageGame.bimatrix([[data.draw(st.integers(-4, 4)) for _ in range(3)] for _ in range(2)],
                              [[data.draw(st.integers(-4, 4)) for _ in range(3)] for _ in range(2)],
                              actions=[["a", "b"], ["x", "y", "z"]])
    mixes = [data.draw(distribution(list(acts))) for acts in game.actions]
    from models.automata import Automaton

    autos = tuple((f"m{i}", Automaton(f"m{i}", ("only",), (("only", F(1)),), (mixes[i],), ((),)))
                  for i in range(2))
    eps = data.draw(st.sampled_from([F(0), F(1, 7)]))
    model = RepeatedModel(game, data.draw(st.sampled_from([PerfectMonitoring(tremble=eps),
                                                            AttributionMonitoring(tremble=eps, detection=F(1, 2))])),
                          autos)
    delta = data.draw(st.sampled_from([F(0), F(1, 3), F(9, 10)]))
    res = evaluate(model, ["m0", "m1"], delta)
    # independent computation: expected stage payoff with trembles, by brute force over profiles
    probs = []
    for i, acts in enumerate(game.actions):
        intended = {a: p for a, p in mixes[i]}
        k = len(acts)
        probs.append([sum(intended.get(b, 0) * ((1 - eps) if a == b else eps / (k - 1)) for b in acts)
                      for a in acts])
    expected = [sum(probs[0][r] * probs[1][c] * game.payoffs[i][r, c] for r in range(2) for c in range(3))
                for i in range(2)]
    assert list(res.values) == expected and list(res.average) == expected


@settings(max_examples=20, deadline=None)
@given(random_profiles(max_states=2))
def test_values_approach_the_long_run_average_as_delta_goes_to_one(model):
    near = evaluate(model, ["a", "b"], 1 - F(1, 10**4), exact=True)
    nearer = evaluate(model, ["a", "b"], 1 - F(1, 10**6), exact=True)
    assert near.average == nearer.average
    for v1, v2, g in zip(near.values, nearer.values, near.average):
        # V(delta) = g + (1 - delta) h + O((1 - delta)^2): the error shrinks a hundredfold
        assert abs(v2 - g) <= abs(v1 - g) / 50 + F(1, 10**9)


@settings(max_examples=20, deadline=None)
@given(random_profiles(), st.sampled_from([F(1, 2), F(9, 10)]))
def test_relabelling_players_changes_nothing(model, delta):
    res = evaluate(model, ["a", "b"], delta, exact=True)
    swapped = RepeatedModel(model.game.permuted([1, 0]), model.monitoring, model.strategies)
    res2 = evaluate(swapped, ["b", "a"], delta, exact=True)
    assert res2.values == res.values[::-1] and res2.average == res.average[::-1]
    assert res2.equilibrium.ppe == res.equilibrium.ppe and res2.equilibrium.nash == res.equilibrium.nash
    assert [c.ppe_gain for c in res2.equilibrium.players] == [c.ppe_gain for c in res.equilibrium.players][::-1]
    assert res2.metrics == res.metrics


@settings(max_examples=15, deadline=None)
@given(random_profiles(max_states=2), st.sampled_from([F(1, 3), F(3, 4)]))
def test_exact_and_float_paths_agree(model, delta):
    exact = evaluate(model, ["a", "b"], delta, exact=True)
    floats = evaluate(model, ["a", "b"], delta, exact=False)
    assert not floats.exact
    assert np.allclose([float(v) for v in exact.values], floats.values, atol=1e-9)
    assert np.allclose([float(v) for v in exact.average], floats.average, atol=1e-9)
    assert exact.equilibrium.ppe == floats.equilibrium.ppe or min(
        abs(float(c.ppe_gain)) for c in exact.equilibrium.players) < 1e-6


@settings(max_examples=15, deadline=None)
@given(random_profiles(max_states=2), st.lists(st.integers(1, 99), min_size=3, max_size=3))
def test_intervals_agree_with_pointwise_verdicts(model, points):
    # both sets are exact: rational edges are exact and irrational ones are never a rational k/100
    res = critical_deltas(model, ["a", "b"], exact=True)
    assert res.nash_method.startswith("exact")
    for k in points:
        delta = F(k, 100)
        verdict = evaluate(model, ["a", "b"], delta, exact=True).equilibrium
        assert verdict.ppe == inside(res.ppe, delta)
        assert verdict.nash == inside(res.nash, delta)
    for kind, intervals in (("ppe", res.ppe), ("nash", res.nash)):
        for iv in intervals:
            for end in (iv.lo, iv.hi):
                if isinstance(end, F) and 0 < end < 1:
                    # both sets are closed in (0, 1): rational endpoints are equilibria themselves
                    assert getattr(evaluate(model, ["a", "b"], end, exact=True).equilibrium, kind)


@settings(max_examples=15, deadline=None)
@given(random_profiles(max_states=2))
def test_exact_nash_set_contains_the_ppe_set_and_agrees_with_the_grid_scan(model):
    exact = critical_deltas(model, ["a", "b"], exact=True)
    grid = critical_deltas(model, ["a", "b"], exact=False)
    assert grid.nash_method.startswith("grid") and exact.nash_method.startswith("exact")
    # every PPE is a Nash equilibrium
    for iv in exact.ppe:
        for x in (iv.lo, iv.hi, (iv.lo + iv.hi) / 2):
            if 0 < x < 1:
                assert inside(exact.nash, x)
    # wherever the grid scan sees the verdict change, the exact set says what the exact pointwise check says
    # (the grid's float tolerance can blur an edge, for instance where a deviation gains only delta^2 times
    # a small number, so the pointwise check is the judge)
    for g in grid.nash:
        for x in (g.lo, g.hi):
            for side in (-1, 1):
                d = F(float(x)).limit_denominator(10**9) + side * F(1, 10**7)
                if 0 < d < 1:
                    assert inside(exact.nash, d) == evaluate(model, ["a", "b"], d, exact=True).equilibrium.nash
    # and the grid sees every exact interval wider than its spacing
    for e in exact.nash:
        if e.hi - e.lo > 0.01:
            assert any(g.lo < e.hi and e.lo < g.hi for g in grid.nash)
