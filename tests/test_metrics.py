"""Escalation metrics: closed forms, and agreement with counts on long simulated paths."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from models import catalog
from models.automata import ATTACK, RESTRAIN, Automaton, Pattern
from models.monitoring import AttributionMonitoring, PerfectMonitoring
from models.repeated import RepeatedModel
from solver.repeated.binding import bind_profile
from solver.repeated.evaluation import evaluate
from solver.repeated.simulation import simulate_paths
from strategies import automata, examples, monitorings

PD = catalog.load("prisoners-dilemma")


def metrics(monitoring, strategies, delta=F(9, 10)):
    return evaluate(RepeatedModel(PD, monitoring), strategies, delta).metrics


def test_peace_forever():
    m = metrics(PerfectMonitoring(), ["always-restrain"])
    assert m.attack_share_long_run == 0 and m.attack_share_discounted == 0
    assert m.periods_to_first_attack is None and m.p_never_attack == 1
    assert m.mean_conflict_length is None and m.p_permanent_conflict == 0
    assert m.innocent_punishments_per_100 == 0
    # the JSON says *why* the length is null: no conflict, not endless conflict
    assert m.to_dict()["mean_conflict_length"] is None and m.to_dict()["p_endless_conflict"] == "0"
    assert m.p_episodic_conflict == 0


def test_war_forever():
    m = metrics(PerfectMonitoring(), ["always-attack"])
    assert m.attack_share_long_run == 1 and m.periods_to_first_attack == 1
    assert m.mean_conflict_length is None and m.p_permanent_conflict == 1
    assert m.to_dict()["mean_conflict_length"] is None and m.to_dict()["p_endless_conflict"] == "1"
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


# -- several recurrent classes -------------------------------------------------------------------------------


def _split_doctrine() -> Automaton:
    """Starts, with probability 1/3 each, as punish:1, as punish:2 or at war (three recurrent classes)."""
    one = F(1)
    blame = Pattern("other-blamed")
    always = Pattern("always")
    states = ("peace1", "hit1", "peace2", "hit2a", "hit2b", "war")
    plays = tuple((((ATTACK if s.startswith(("hit", "war")) else RESTRAIN), one),) for s in states)
    rules = (((blame, (("hit1", one),)),), ((always, (("peace1", one),)),),
             ((blame, (("hit2a", one),)),), ((always, (("hit2b", one),)),), ((always, (("peace2", one),)),), ())
    third = F(1, 3)
    return Automaton("split", states, (("peace1", third), ("peace2", third), ("war", third)), plays, rules)


def _split_model(b):
    return RepeatedModel(PD, AttributionMonitoring(detection=F(1), false_flag=b), (("split", _split_doctrine()),))


@given(st.integers(1, 19))
def test_mean_conflict_length_with_several_recurrent_classes(k):
    # Row plays `split` against a restraining Column that is falsely blamed with probability b.  Closed form:
    # in the punish:1 class episodes last 1 period, in the punish:2 class 2 periods (a new blame during a
    # punishment changes nothing), and the war class never ends.  So the mean over the classes with episodes,
    # each with weight 1/3, is (1 + 2)/2, and conflict is endless with probability 1/3.  (The old formula,
    # all attack periods over all episode starts, counted the war's periods as part of the episodes.)
    b = F(k, 20)
    m = evaluate(_split_model(b), ["split", "always-restrain"], F(1, 2)).metrics
    assert m.mean_conflict_length == F(3, 2)
    assert m.p_endless_conflict == F(1, 3) and m.p_episodic_conflict == F(2, 3)
    assert m.p_permanent_conflict == F(1, 3)
    # long run: 1/3 of b/(1 + b) (punish:1), 1/3 of 2b/(1 + 2b) (punish:2), 1/3 of 1 (war)
    assert m.attack_share_long_run == (b / (1 + b) + 2 * b / (1 + 2 * b) + 1) / 3


def test_mean_conflict_length_with_several_recurrent_classes_agrees_with_simulation():
    b = F(1, 10)
    model = _split_model(b)
    m = evaluate(model, ["split", "always-restrain"], F(1, 2)).metrics
    est = path_estimates(model, ["split", "always-restrain"], periods=3000, paths=300, seed=11)
    value, mean, se = float(m.mean_conflict_length), *est["mean_conflict_length"]
    assert abs(value - mean) <= 6 * se + 0.02 * (1 + value)
    for name in ("p_endless_conflict", "p_episodic_conflict"):
        p, (phat, _) = float(getattr(m, name)), est[name]
        assert abs(p - phat) <= 6 * (p * (1 - p) / 300) ** 0.5 + 0.02


# -- every metric against simulation ---------------------------------------------------------------------------


def _mean_se(x):
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else 0.0


def path_estimates(model, names, *, periods, paths, seed, delta=0.5):
    """Every escalation metric estimated from independent simulated paths: ``{metric: (mean, stderr)}``.

    Computed from what the paths show (actions, automaton states, revealed signals), not from the chain.
    A path's recurrent class is judged on its second half: conflict is endless when somebody attacks in
    every one of those periods, permanent when somebody intends to in every one, and episodic when there
    are attack and attack-free periods.  Proportions carry their binomial standard error.
    """
    profile = bind_profile(model, names)
    s = profile.signals
    n = model.game.n_players
    sample = simulate_paths(profile, periods, paths, seed)
    hostile_action = [np.array([a in s.hostile[i] for a in range(model.game.shape[i])]) for i in range(n)]
    attacked = np.stack([hostile_action[i][sample.actual[:, :, i]] for i in range(n)], axis=2)  # (paths, T, N)
    intended = np.stack([hostile_action[i][sample.intended[:, :, i]] for i in range(n)], axis=2)
    attack = attacked.any(axis=2)  # (paths, T)
    out = {}
    out["attack_share_long_run"] = _mean_se(attack.mean(axis=1))
    out["attack_share_discounted"] = _mean_se(attack @ ((1 - delta) * delta ** np.arange(periods)))
    # innocent punishments: the revealed signal blames j for the period it reports, j did not attack then,
    # and the other player's automaton moves to a state where it attacks with higher probability
    hostility = [np.array([float(sum(b.sigma[q, a] for a in s.hostile[i])) for q in range(len(b.states))])
                 for i, b in enumerate(profile.automata)]
    innocent = np.zeros(paths)
    T = periods
    L = s.delay
    shown = sample.revealed[:, L:T - 1]  # periods t = L .. T - 2, each reporting period t - L
    for j in range(n):
        blamed = np.array([j in s.blamed[v] for v in range(s.n_signals)])[shown] & ~attacked[:, :T - 1 - L, j]
        for i in range(n):
            if i != j:
                h = hostility[i]
                rise = h[sample.states[:, L + 1:T, i]] - h[sample.states[:, L:T - 1, i]]
                innocent += np.where(blamed, np.maximum(rise, 0.0), 0.0).sum(axis=1)
    out["innocent_punishments_per_100"] = _mean_se(100 * innocent / T)
    # first attack: its period (paths without one within the horizon say "never")
    anyone = attack.any(axis=1)
    out["p_never_attack"] = (float(np.mean(~anyone)), None)
    out["periods_to_first_attack"] = _mean_se(np.argmax(attack, axis=1)[anyone] + 1) if anyone.any() else None
    tail = attack[:, T // 2:]
    endless = tail.all(axis=1)
    episodic = tail.any(axis=1) & ~endless
    out["p_endless_conflict"] = (float(endless.mean()), None)
    out["p_episodic_conflict"] = (float(episodic.mean()), None)
    out["p_permanent_conflict"] = (float(intended[:, T // 2:].any(axis=2).all(axis=1).mean()), None)
    # mean episode length of each episodic path: attack periods over episode starts, from its first start on
    lengths = []
    for p in np.flatnonzero(episodic):
        row = tail[p]
        starts = np.flatnonzero(row[1:] & ~row[:-1]) + 1
        if starts.size:
            lengths.append(row[starts[0]:].sum() / starts.size)
    # (with fewer than 10 such paths the spread of the per-path means says too little)
    out["mean_conflict_length"] = _mean_se(lengths) if len(lengths) >= 10 else None
    return out


@settings(max_examples=examples(10), deadline=None)
@given(st.data())
def test_every_metric_agrees_with_simulation(data):
    a = data.draw(automata(["C", "D"], 3, name="a"))
    b = data.draw(automata(["C", "D"], 3, name="b"))
    model = RepeatedModel(PD, data.draw(monitorings()), (("a", a), ("b", b)))
    m = evaluate(model, ["a", "b"], F(1, 2)).metrics
    paths, periods = 200, 2000
    est = path_estimates(model, ["a", "b"], periods=periods, paths=paths, seed=data.draw(st.integers(0, 2**31)))
    # Long-run rates: 6 standard errors over the independent paths, plus the start-up bias of a path of a few
    # thousand periods (events before the chain settles), as 2% of the value.
    for name in ("attack_share_long_run", "innocent_punishments_per_100"):
        value, (mean, se) = float(getattr(m, name)), est[name]
        scale = 100 if name.startswith("innocent") else 1  # compare rates per period
        assert abs(value - mean) / scale <= 6 * se / scale + 0.02 * (1 + value / scale), name
    # A finite-horizon expectation: only the truncation after `periods` periods, delta^periods, adds.
    value, (mean, se) = float(m.attack_share_discounted), est["attack_share_discounted"]
    assert abs(value - mean) <= 6 * se + 0.5**periods
    # Probabilities: 6 binomial standard errors (at the exact value), plus one misjudged path in a hundred
    # for the ones judged on a path's second half.
    for name in ("p_never_attack", "p_endless_conflict", "p_episodic_conflict", "p_permanent_conflict"):
        p, phat = float(getattr(m, name)), est[name][0]
        assert abs(p - phat) <= 6 * (p * (1 - p) / paths) ** 0.5 + (0 if name == "p_never_attack" else 0.01), name
    if m.periods_to_first_attack is not None:
        value, (mean, se) = float(m.periods_to_first_attack), est["periods_to_first_attack"]
        assert abs(value - mean) <= 6 * se + 1e-9
    if est["mean_conflict_length"] is not None:
        # the ratio of a path's attack periods to its episodes, averaged over the episodic paths
        assert m.mean_conflict_length is not None
        value, (mean, se) = float(m.mean_conflict_length), est["mean_conflict_length"]
        assert abs(value - mean) <= 6 * se + 0.02 * (1 + value)
    else:
        # fewer than 10 episodic paths in 200: rare or no episodes (p_episodic_conflict is checked above)
        assert m.mean_conflict_length is None or float(m.p_episodic_conflict) < 0.1
