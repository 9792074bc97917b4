"""Repeated games: closed forms from the literature, and properties checked against independent truth."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from models.monitoring import AttributionMonitoring, PerfectMonitoring
from models.repeated import RepeatedModel
from models.stage import StageGame
from solver.repeated.binding import bind_profile
from solver.repeated.evaluation import evaluate
from solver.repeated.simulation import simulate_values
from strategies import distribution, examples, pd, pd_payoffs, probability, random_profiles

# -- closed forms ------------------------------------------------------------------------------------------


@settings(max_examples=examples(20))
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


# -- properties ---------------------------------------------------------------------------------------------


@settings(max_examples=examples(25), deadline=None)
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


@settings(max_examples=examples(20), deadline=None)
@given(random_profiles(max_states=2))
def test_values_approach_the_long_run_average_as_delta_goes_to_one(model):
    near = evaluate(model, ["a", "b"], 1 - F(1, 10**4), exact=True)
    nearer = evaluate(model, ["a", "b"], 1 - F(1, 10**6), exact=True)
    assert near.average == nearer.average
    for v1, v2, g in zip(near.values, nearer.values, near.average):
        # V(delta) = g + (1 - delta) h + O((1 - delta)^2): the error shrinks a hundredfold
        assert abs(v2 - g) <= abs(v1 - g) / 50 + F(1, 10**9)


@settings(max_examples=examples(20), deadline=None)
@given(random_profiles(), st.sampled_from([F(1, 2), F(9, 10)]))
def test_relabelling_players_changes_nothing(model, delta):
    res = evaluate(model, ["a", "b"], delta, exact=True)
    swapped = RepeatedModel(model.game.permuted([1, 0]), model.monitoring, model.strategies)
    res2 = evaluate(swapped, ["b", "a"], delta, exact=True)
    assert res2.values == res.values[::-1] and res2.average == res.average[::-1]
    assert res2.equilibrium.ppe == res.equilibrium.ppe and res2.equilibrium.nash == res.equilibrium.nash
    assert [c.ppe_gain for c in res2.equilibrium.players] == [c.ppe_gain for c in res.equilibrium.players][::-1]
    assert res2.metrics == res.metrics


