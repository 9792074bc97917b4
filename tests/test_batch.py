"""Vectorised evaluation over parameter points agrees with one-point evaluation; finite horizons."""

from __future__ import annotations

import re
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import catalog
from models.errors import ModelError
from models.monitoring import AttributionMonitoring, Clarification, PerfectMonitoring
from models.repeated import RepeatedModel
from solver.repeated.batch import evaluate_batch
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
