"""Escalation metrics: closed forms, and agreement with counts on long simulated paths."""

from __future__ import annotations

import statistics
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from models import catalog
from models.monitoring import AttributionMonitoring, PerfectMonitoring
from models.repeated import RepeatedModel
from solver.repeated.binding import bind_profile
from solver.repeated.evaluation import evaluate
from solver.repeated.simulation import simulate_path
from strategies import automata, monitorings

PD = catalog.load("prisoners-dilemma")


def metrics(monitoring, strategies, delta=F(9, 10)):
    return evaluate(RepeatedModel(PD, monitoring), strategies, delta).metrics


def test_peace_forever():
    m = metrics(PerfectMonitoring(), ["always-restrain"])
    assert m.attack_share_long_run == 0 and m.attack_share_discounted == 0
    assert m.periods_to_first_attack is None and m.p_never_attack == 1
    assert m.mean_conflict_length is None and m.p_permanent_conflict == 0
    assert m.innocent_punishments_per_100 == 0


def test_war_forever():
    m = metrics(PerfectMonitoring(), ["always-attack"])
    assert m.attack_share_long_run == 1 and m.periods_to_first_attack == 1
    assert m.mean_conflict_length is None and m.p_permanent_conflict == 1
    # attacking regardless of the signal is not a punishment
    assert m.innocent_punishments_per_100 == 0


@given(st.integers(1, 9))
def test_grim_with_trembles(k):
    # At peace both intend to restrain; an attack happens unless neither trembles, probability
    # 1 - (1 - e)^2 per period (geometric).  After it, war: an attack every period but when both tremble.
    e = F(k, 20)
    m = metrics(PerfectMonitoring(tremble=e), ["grim"])
    assert m.periods_to_first_attack == 1 / (1 - (1 - e) ** 2)
    assert m.attack_share_long_run == 1 - e**2
    assert m.p_permanent_conflict == 1
    assert m.mean_conflict_length == 1 / e**2  # an episode ends only when both tremble


@given(st.integers(1, 19))
def test_one_period_punishment_of_false_flags(k):
    # Row plays punish:1, Column always restrains; detection is perfect, Column is falsely blamed with
    # probability b.  Row's chain: peace -> punish with probability b (an innocent punishment), and
    # punish -> peace surely.  Stationary: peace 1/(1 + b), punish b/(1 + b).  So attacks happen in a
    # share b/(1 + b) of periods, always one at a time, and innocent punishments at rate b/(1 + b).
    b = F(k, 20)
    m = metrics(AttributionMonitoring(detection=F(1), false_flag=b), ["punish:1", "always-restrain"])
    assert m.attack_share_long_run == b / (1 + b)
    assert m.innocent_punishments_per_100 == 100 * b / (1 + b)
    assert m.mean_conflict_length == 1
    assert m.periods_to_first_attack == 1 + 1 / b  # the first false flag, then the attack a period later
    assert m.p_permanent_conflict == 0


def test_tit_for_tat_locks_into_mutual_punishment_under_perfect_detection():
    # With perfect detection both punishers are blamed, so public tit-for-tat never leaves mutual
    # punishment once in it (the echo effect); any false flag eventually leads there.
    m = metrics(AttributionMonitoring(detection=F(1), false_flag=F(1, 10)), ["tit-for-tat"])
    assert m.attack_share_long_run == 1 and m.innocent_punishments_per_100 == 0
    assert m.p_permanent_conflict == 1


# -- against simulation ------------------------------------------------------------------------------------


def counts(model, names, periods, seed):
    """Attack share, innocent punishments per 100 and episode statistics, counted on one sample path."""
    profile = bind_profile(model, names)
    tl = simulate_path(profile, periods, seed)
    s = profile.signals
    hostile_labels = [{model.game.actions[i][a] for a in s.hostile[i]} for i in range(2)]
    hostility = []
    for b in profile.automata:
        hostility.append({b.states[q]: float(sum(b.sigma[q, a] for a in s.hostile[b.player]))
                          for q in range(len(b.states))})
    attacks = innocent = starts = 0
    prev_attack = False
    ps = tl.periods
    for t, p in enumerate(ps):
        attack = any(p.actual[i] in hostile_labels[i] for i in range(2))
        attacks += attack
        starts += attack and not prev_attack and t > 0
        prev_attack = attack
        if t + 1 < len(ps) and p.revealed is not None:
            reported = ps[t - s.delay]
            y = s.labels.index(p.revealed)
            for j in s.blamed[y]:
                if reported.actual[j] in hostile_labels[j]:
                    continue
                i = 1 - j
                rise = hostility[i][ps[t + 1].states[i]] - hostility[i][p.states[i]]
                innocent += max(0.0, rise)
    return attacks / periods, 100 * innocent / periods, starts


@settings(max_examples=12, deadline=None)
@given(st.data())
def test_long_run_metrics_agree_with_counts_on_sample_paths(data):
    a = data.draw(automata(["C", "D"], 3, name="a"))
    b = data.draw(automata(["C", "D"], 3, name="b"))
    model = RepeatedModel(PD, data.draw(monitorings()), (("a", a), ("b", b)))
    exact = evaluate(model, ["a", "b"], F(1, 2)).metrics
    runs = [counts(model, ["a", "b"], 4000, seed) for seed in range(10)]
    # both metrics as rates per period (innocent punishments are reported per 100 periods)
    for k, value, scale in ((0, exact.attack_share_long_run, 1), (1, exact.innocent_punishments_per_100, 100)):
        sample = [r[k] / scale for r in runs]
        mean = statistics.mean(sample)
        se = statistics.stdev(sample) / len(sample) ** 0.5
        # the path average converges to the long-run value; 6 standard errors of the batch means, plus the
        # start-up bias of a path of 4000 periods (events before the chain settles: up to 80 of them)
        assert abs(float(value) / scale - mean) <= 6 * se + 0.02 * (1 + abs(float(value) / scale))
