"""Vectorised evaluation over parameter points agrees with one-point evaluation; finite horizons."""

from __future__ import annotations

import re
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import catalog
from models.errors import DetenteError, ModelError
from models.monitoring import AttributionMonitoring, Clarification, PerfectMonitoring
from models.repeated import RepeatedModel
from models.scenario import Scenario
from models.stage import StageGame
from solver.repeated import batch as batch_module
from solver.repeated import checks
from solver.repeated.batch import FIGURES, batch_figures, evaluate_batch
from solver.repeated.binding import bind_profile
from solver.repeated.evaluation import evaluate, horizon_average
from solver.repeated.simulation import simulate_path
from strategies import automata, examples

PD = catalog.load("prisoners-dilemma")
# parameter values that include the edges 0 and 1, where transitions disappear
PROBS = st.sampled_from([0.0, 0.05, 0.5, 0.9, 1.0])


@settings(max_examples=examples(20), deadline=None)
@given(st.data())
def test_batch_agrees_with_one_point_evaluation(data):
    a = data.draw(automata(["C", "D"], 3, name="a"))
    b = data.draw(automata(["C", "D"], 3, name="b"))
    delay = data.draw(st.integers(0, 1))
    model = RepeatedModel(PD, AttributionMonitoring(delay=delay, detection=F(9, 10), false_flag=F(1, 20)),
                          (("a", a), ("b", b)))
    k = 6
    delta = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.3, 0.75, 0.95]), min_size=k, max_size=k)))
    det = np.array(data.draw(st.lists(PROBS, min_size=k, max_size=k)))
    ff = np.array(data.draw(st.lists(PROBS, min_size=k, max_size=k)))
    eps = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.1, 1.0]), min_size=k, max_size=k)))
    res = evaluate_batch(model, ["a", "b"], delta=delta, detection=det, false_flag=ff, tremble=eps)
    for j in range(k):
        one = evaluate(model.with_monitoring(AttributionMonitoring(tremble=eps[j], delay=delay, detection=det[j],
                                                                   false_flag=ff[j])), ["a", "b"], delta[j],
                       exact=False)
        assert np.allclose(one.values, res.values[j], atol=1e-9)
        assert one.equilibrium.ppe == res.ppe[j]
        assert np.allclose([float(c.ppe_gain) for c in one.equilibrium.players], res.max_gain[j], atol=1e-9)


def test_batch_answer_is_the_same_on_any_number_of_threads():
    # 700 points make three chunks; every chunk is checked against the one-point evaluation
    rng = np.random.default_rng(3)
    delta, det, ff, eps = rng.uniform(0.2, 0.98, 700), rng.uniform(0.5, 1, 700), rng.uniform(0, 0.2, 700), \
        rng.uniform(0, 0.05, 700)
    model = RepeatedModel(PD, AttributionMonitoring())
    runs = [evaluate_batch(model, ["contrite", "punish:3"], delta=delta, detection=det, false_flag=ff, tremble=eps,
                           workers=w) for w in (1, 2, 5)]
    for other in runs[1:]:
        assert np.array_equal(runs[0].values, other.values) and np.array_equal(runs[0].max_gain, other.max_gain)
        assert np.array_equal(runs[0].ppe, other.ppe)
    for j in (0, 255, 256, 511, 512, 699):
        one = evaluate(model.with_monitoring(AttributionMonitoring(tremble=eps[j], detection=det[j],
                                                                   false_flag=ff[j])),
                       ["contrite", "punish:3"], delta[j], exact=False)
        assert np.allclose(one.values, runs[0].values[j], atol=1e-9) and one.equilibrium.ppe == runs[0].ppe[j]


def test_batch_with_a_clarification_channel_agrees_with_one_point_evaluation():
    # the batch takes its signal probabilities from the one derivation (models.monitoring.signal_structure),
    # interpolated in the two rates: at rates off the interpolation nodes it must still agree exactly
    clar = Clarification(F(2, 3), F(1, 5), F(1, 10))
    model = RepeatedModel(PD, AttributionMonitoring(clarification=clar))
    det, ff, delta = np.array([0.93, 0.41, 1.0]), np.array([0.07, 0.0, 0.33]), np.array([0.8, 0.6, 0.95])
    res = evaluate_batch(model, ["consult", "grim"], delta=delta, detection=det, false_flag=ff)
    for j in range(3):
        one = evaluate(model.with_monitoring(AttributionMonitoring(detection=det[j], false_flag=ff[j],
                                                                   clarification=clar)),
                       ["consult", "grim"], delta[j], exact=False)
        assert np.allclose(one.values, res.values[j], atol=1e-12)
        assert np.allclose([float(c.ppe_gain) for c in one.equilibrium.players], res.max_gain[j], atol=1e-12)
        assert one.equilibrium.ppe == res.ppe[j]


def test_batch_on_perfect_monitoring_varies_delta_and_tremble():
    model = RepeatedModel(PD, PerfectMonitoring())
    res = evaluate_batch(model, ["grim"], delta=[0.4, 0.5, 0.6], tremble=0.0)
    assert res.ppe.tolist() == [False, True, True]  # grim's threshold (T - R)/(T - P) = 1/2


@pytest.mark.parametrize("kwargs,message", [
    ({"delta": [1.0]}, "delta: every discount factor must be in [0, 1)"),
    ({"delta": []}, "delta: give at least one discount factor"),
    ({"delta": [0.5, 0.6], "detection": [0.1, 0.2, 0.3]}, "detection: expected 2 values"),
    ({"delta": [0.5], "false_flag": [1.5]}, "false_flag: every value must be a probability"),
    ({"delta": [0.5], "tremble": [float("nan")]}, "tremble: every value must be a finite number"),
    ({"delta": [0.5], "workers": 0}, "workers: give a positive number of threads"),
])
def test_batch_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ModelError, match=re.escape(message)):
        evaluate_batch(RepeatedModel(PD, AttributionMonitoring()), ["grim"], **kwargs)


def test_horizon_average_of_one_period_is_the_first_stage_payoff():
    model = RepeatedModel(PD, PerfectMonitoring(tremble=F(1, 10)))
    # both intend C; each flips with 1/10: Row gets 3(81/100) + 0(9/100) + 5(9/100) + 1(1/100)
    assert horizon_average(model, ["tit-for-tat"], 1) == (F(289, 100), F(289, 100))


@settings(max_examples=examples(10), deadline=None)
@given(automata(["C", "D"], 3, name="a"), st.integers(0, 2**31))
def test_horizon_average_agrees_with_simulation(a, seed):
    model = RepeatedModel(PD, AttributionMonitoring(tremble=F(1, 10), detection=F(4, 5), false_flag=F(1, 10)),
                          (("a", a),))
    exact = horizon_average(model, ["a"], 30)
    profile = bind_profile(model, ["a"])
    sums = []
    for k in range(400):
        tl = simulate_path(profile, 30, seed + k)
        sums.append(tl.averages[0])
    mean = float(np.mean(sums))
    se = float(np.std(sums, ddof=1) / np.sqrt(len(sums)))
    assert abs(float(exact[0]) - mean) <= 5 * se + 1e-9


# -- batch_figures: every figure of a sweep row, against the one-point evaluation ---------------------------------

EDGES = st.sampled_from([0.0, 0.05, 0.3, 0.8, 1.0])  # probabilities, with the edges where transitions vanish
DOCTRINE = st.one_of(
    st.sampled_from(["grim", "tit-for-tat", "wsls", "contrite", "consult"]),
    st.integers(1, 3).map(lambda k: f"punish:{k}"),
    EDGES.map(lambda g: f"generous:{g}"),
    EDGES.map(lambda p: f"forgiving-trigger:{p}"),
)
LEVERS = st.sampled_from([(), ("channel",), ("audit",), ("channel", "audit")])


def one_point_figures(model, seats, delta):
    """What evaluate(exact=False) reports at one point, in the batch's field names (NaN for None)."""
    res = evaluate(model, seats, delta, exact=False)
    eq, m = res.equilibrium, res.metrics
    out = {"values": [float(v) for v in res.values], "max_gain": [float(p.ppe_gain) for p in eq.players],
           "ppe_player": [p.ppe for p in eq.players], "ppe": eq.ppe,
           "nash_gain": [float(p.nash_gain) for p in eq.players], "nash_player": [p.nash for p in eq.players],
           "nash": eq.nash, "n_states": res.n_states}
    for f in ("attack_share_long_run", "mean_conflict_length", "p_permanent_conflict", "p_episodic_conflict",
              "p_endless_conflict", "innocent_punishments_per_100"):
        x = getattr(m, f)
        out[f] = float("nan") if x is None else float(x)
    return out


def assert_point_matches(fig, b, expected):
    assert fig.errors[b] == ""
    for f, want in expected.items():
        got = np.asarray(getattr(fig, f)[b])
        want = np.asarray(want)
        if want.dtype == bool or f == "n_states":
            assert np.array_equal(got, want), (f, b, got, want)
        else:
            assert np.array_equal(np.isnan(got), np.isnan(want)), (f, b, got, want)
            ok = np.isnan(want) | (np.abs(got - want) <= 1e-9 * np.maximum(1.0, np.abs(want)))
            assert ok.all(), (f, b, got, want)


@st.composite
def scenario_points(draw, k_min=3, k_max=6):
    """A scenario (two states, or three with a third party), a doctrine and its levers, and points of it."""
    third = draw(st.booleans())
    base = Scenario(states=("A", "B", "C"), third_parties=("C",)) if third else Scenario()
    doctrine = draw(DOCTRINE)
    levers = draw(LEVERS)
    k = draw(st.integers(k_min, k_max))
    points, deltas = [], []
    for _ in range(k):
        values = {name: draw(EDGES) for name in ("detection", "false_flag", "tremble", "audit", "effectiveness",
                                                 "deception")}
        values["gain"] = draw(st.sampled_from([0.0, 1.0, 2.0, 3.5]))
        values["damage"] = draw(st.sampled_from([0.5, 1.0, 3.0]))  # never all payoffs zero: a tolerance of 0
        values["cost"] = draw(st.sampled_from([0.0, 1.0, 1.5]))
        values["channel_cost"] = draw(st.sampled_from([0.0, 0.05]))
        if third:
            values["proxy_flag"] = draw(EDGES)
        points.append(base.with_values(values).model(levers))
        deltas.append(draw(st.sampled_from([0.0, 0.3, 0.75, 0.95])))
    return base.seats(doctrine), points, deltas


@settings(max_examples=examples(25), deadline=None)
@given(scenario_points())
def test_batch_figures_agree_with_one_point_evaluation(case):
    seats, models, deltas = case
    fig = batch_figures(models, seats, deltas)
    for b, model in enumerate(models):
        assert_point_matches(fig, b, one_point_figures(model, seats, deltas[b]))
    assert not fig.per_point.any()


@settings(max_examples=examples(10), deadline=None)
@given(st.data())
def test_batch_figures_interpolate_the_signal_law_and_still_agree(data):
    # many points of one group, in which two or three numbers of the monitoring vary inside (0, 1): the law is
    # derived on a grid of nodes and interpolated (fewer derivations than points), and must still be each
    # point's own law
    third = data.draw(st.booleans())
    base = Scenario(states=("A", "B", "C"), third_parties=("C",)) if third else Scenario()
    doctrine = data.draw(DOCTRINE)
    levers = data.draw(LEVERS)
    names = data.draw(st.lists(st.sampled_from(["detection", "false_flag", "audit", "effectiveness", "deception",
                                                "channel_cost", "audit_cost"] + (["proxy_flag"] if third else [])),
                               min_size=1, max_size=2, unique=True))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    k = 30
    models = [base.with_values({x: float(rng.uniform(0.01, 0.99)) for x in names}).model(levers) for _ in range(k)]
    deltas = rng.uniform(0.0, 0.97, k)
    calls = []
    real = batch_module.signal_structure

    def counting(game, monitoring):
        calls.append(monitoring)
        return real(game, monitoring)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(batch_module, "signal_structure", counting)
        fig = batch_figures(models, base.seats(doctrine), deltas)
    assert fig.chains == 1 and len(calls) < k
    for b in range(0, k, 3):
        assert_point_matches(fig, b, one_point_figures(models[b], base.seats(doctrine), deltas[b]))


def test_batch_figures_group_points_by_the_structure_of_their_chains():
    sc = Scenario()
    models = [sc.with_values({"detection": x, "false_flag": 0.1 * x}).model() for x in np.linspace(0.5, 0.9, 20)]
    assert batch_figures(models, sc.seats("grim"), [0.9] * 20).chains == 1
    # a detection of 1 (a blame is certain after an attack) and no trembles change which events can happen
    models += [sc.with_values({"detection": 1.0}).model(), sc.with_values({"tremble": 0.01}).model()]
    fig = batch_figures(models, sc.seats("grim"), [0.9] * 22)
    assert fig.chains == 3
    for b in (0, 19, 20, 21):
        assert_point_matches(fig, b, one_point_figures(models[b], sc.seats("grim"), 0.9))


def test_batch_figures_of_delayed_points_come_from_the_one_point_evaluation():
    sc = Scenario()
    models = [sc.with_values({"delay": d, "detection": x}).model() for d, x in ((0, 0.7), (1, 0.7), (0, 0.9), (1, 1.0))]
    fig = batch_figures(models, sc.seats("tit-for-tat"), [0.8, 0.8, 0.6, 0.9])
    assert fig.per_point.tolist() == [False, True, False, True]
    for b, model in enumerate(models):
        assert_point_matches(fig, b, one_point_figures(model, sc.seats("tit-for-tat"), fig.delta[b]))


def test_batch_figures_are_the_same_on_any_number_of_threads():
    rng = np.random.default_rng(7)
    sc = Scenario()
    models = [sc.with_values({"detection": float(rng.uniform(0.5, 1)), "false_flag": float(rng.uniform(0, 0.2)),
                              "tremble": float(rng.uniform(0.001, 0.05))}).model(("channel",)) for _ in range(600)]
    deltas = rng.uniform(0.3, 0.98, 600)
    runs = [batch_figures(models, sc.seats("contrite"), deltas, workers=w) for w in (1, 3)]
    for f in FIGURES:
        assert np.array_equal(getattr(runs[0], f), getattr(runs[1], f), equal_nan=True), f
    for b in (0, 255, 256, 599):  # in the first, second and last chunks
        assert_point_matches(runs[0], b, one_point_figures(models[b], sc.seats("contrite"), deltas[b]))


def _message(model, seats, delta):
    try:
        evaluate(model, seats, delta, exact=False)
    except DetenteError as exc:
        return str(exc)
    raise AssertionError("the one-point evaluation did not fail")


def _assert_failed(fig, b, message):
    assert fig.errors[b] == message and not fig.ok[b]
    assert not fig.ppe[b] and not fig.nash[b] and fig.n_states[b] == 0
    for f in ("values", "max_gain", "nash_gain", "attack_share_long_run", "p_permanent_conflict",
              "innocent_punishments_per_100"):
        assert np.isnan(getattr(fig, f)[b]).all()


def test_a_failing_point_is_an_error_entry_and_the_others_are_evaluated():
    sc = Scenario()
    good = sc.model()
    # a payoff beyond the float range: evaluate(exact=False) refuses it
    huge = RepeatedModel(StageGame.bimatrix([[3, 0], [10**151, 1]], [[3, 5], [0, 1]]), AttributionMonitoring())
    models = [good, good, huge, good, good, sc.with_values({"delay": 1}).model()]
    deltas = [0.9, 1.0, 0.9, float("nan"), 0.5, 1.5]
    fig = batch_figures(models, sc.seats("grim"), deltas)
    for b in (1, 2, 3, 5):
        _assert_failed(fig, b, _message(models[b], sc.seats("grim"), deltas[b]))
    assert "discount factor must be in [0, 1)" in fig.errors[1] and "beyond" in fig.errors[2]
    for b in (0, 4):
        assert_point_matches(fig, b, one_point_figures(models[b], sc.seats("grim"), deltas[b]))
    doc = fig.to_dict()
    assert doc["errors"][1] == fig.errors[1] and doc["values"][1] == [None, None] and doc["ppe"][1] is False


def test_a_point_whose_batched_step_fails_is_reported_as_the_one_point_evaluation_fails(monkeypatch):
    # a best reply that does not settle (here: no policy improvement allowed at all) fails inside the kernel;
    # the point is handed to the one-point evaluation, whose error it records
    sc = Scenario()
    models = [sc.with_values({"detection": x}).model() for x in (0.6, 0.7)]
    monkeypatch.setattr(checks, "MAX_POLICY_ITERATIONS", 0)
    fig = batch_figures(models, sc.seats("wsls"), [0.9, 0.9])
    for b in range(2):
        _assert_failed(fig, b, _message(models[b], sc.seats("wsls"), 0.9))
    assert "did not converge" in fig.errors[0] and fig.per_point.all()


def test_batch_figures_reject_a_batch_that_is_not_one():
    model = Scenario().model()
    with pytest.raises(ModelError, match="give at least one point"):
        batch_figures([], ["grim"], [])
    with pytest.raises(ModelError, match=re.escape("deltas: expected 2 discount factors (one per model), got 1")):
        batch_figures([model, model], ["grim"], [0.5])
    with pytest.raises(ModelError, match="workers: give a positive number of threads"):
        batch_figures([model], ["grim"], [0.5], workers=0)
