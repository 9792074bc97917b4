"""Late attribution: the three verdicts over public information, their sets of discount factors, and the
deviator's chain they are read from.

Closed form (derived here).  Grim trigger in the prisoner's dilemma [[R, S], [T, P]] under perfect
monitoring with the signal delayed by L periods.  On the path both cooperate and earn R.  A player who
defects at t is seen at t + L, so the others cooperate in periods t .. t + L and defect from t + L + 1
on; its best continuation is to defect throughout (war is coming anyway), earning
(1 - delta^(L+1)) T + delta^(L+1) P.  So grim is a PPE over public information, and Nash, iff
delta^(L+1) >= (T - R) / (T - P).  It is never sequential: after its own defection, which nobody has seen
yet, a player knows that war comes, and cooperating in the meantime earns R < T.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import catalog
from models.loader import load_repeated
from models.monitoring import PerfectMonitoring
from models.repeated import RepeatedModel
from solver.repeated.binding import bind_profile, profile_chain
from solver.repeated.delta_sets import delta_intervals
from solver.repeated.evaluation import evaluate
from solver.repeated.markov import discounted
from solver.repeated.private import private_chain
from strategies import examples, random_profiles

PD = catalog.load("prisoners-dilemma")  # T = 5, R = 3, P = 1, S = 0


def inside(intervals, x):
    return any((i.lo < x or (i.lo_closed and i.lo == x)) and (x < i.hi or (i.hi_closed and i.hi == x))
               for i in intervals)


def with_delay(model, L):
    return dataclasses.replace(model, monitoring=dataclasses.replace(model.monitoring, delay=L))


@pytest.mark.parametrize("L", [1, 2, 3])
def test_grim_under_delayed_perfect_monitoring_matches_the_closed_form(L):
    model = RepeatedModel(PD, PerfectMonitoring(delay=L))
    edge = ((5 - 3) / (5 - 1)) ** (1 / (L + 1))
    for exact in (None, False):
        res = delta_intervals(model, ["grim"], exact=exact)
        for sets in (res.ppe, res.nash):
            assert len(sets) == 1 and sets[0].hi == 1 and sets[0].lo_closed
            assert abs(float(sets[0].lo) - edge) < 1e-11
        assert res.sequential_set == ()
    for d in (F(edge).limit_denominator(10**6) - F(1, 10**5), F(edge).limit_denominator(10**6) + F(1, 10**5)):
        check = evaluate(model, ["grim"], d).equilibrium
        assert check.ppe == check.nash == (d > edge) and not check.sequential


def test_public_signal_pd_grim_with_delay_one():
    # the thresholds an independent check found (issue 7): about 0.8814 (PPE) and 0.9221 (sequential);
    # today's chain with pending signals treated as public said "never"
    model = with_delay(load_repeated("catalog:public-signal-pd"), 1)
    exact = delta_intervals(model, ["grim"])
    grid = delta_intervals(model, ["grim"], exact=False)
    assert exact.ppe_method.startswith("exact") and exact.sequential_method.startswith("exact")
    for res in (exact, grid):
        (ppe,), (seq,), (nash,) = res.ppe, res.sequential_set, res.nash
        assert round(float(ppe.lo), 4) == 0.8814 and round(float(seq.lo), 4) == 0.9221
        # closed forms (tests/test_delay_oracle.py derives them): the roots of 36 d^2 + 25 d - 50 (the
        # always-defect deviation from peace) and of 2 d^2 + 9 d - 10 (one more defection after one's own)
        assert abs(float(ppe.lo) - (5 * math.sqrt(313) - 25) / 72) < 1e-10
        assert abs(float(seq.lo) - (math.sqrt(161) - 9) / 4) < 1e-10
        assert nash == ppe and ppe.hi == seq.hi == 1
    for a, b in zip((exact.ppe[0].lo, exact.sequential_set[0].lo), (grid.ppe[0].lo, grid.sequential_set[0].lo)):
        assert abs(float(a) - float(b)) < 1e-10
    for d, verdicts in ((F(88, 100), (False, False)), (F(89, 100), (True, False)), (F(93, 100), (True, True))):
        check = evaluate(model, ["grim"], d).equilibrium
        assert (check.ppe, check.sequential) == verdicts and check.nash == check.ppe


def test_late_attribution_turns_the_comparison_of_grim_and_a_forgiving_trigger():
    # At delta = 9/10 with prompt attribution both are equilibria and forgiving pays more; one period of
    # delay makes the forgiving trigger fail (each bad signal costs less, so the incentive weakens) while
    # grim holds.  Each verdict is checked against its exact set of discount factors.
    base = load_repeated("catalog:public-signal-pd")
    d = F(9, 10)
    rows = {}
    for L in (0, 1):
        model = with_delay(base, L)
        for s in ("grim", "forgiving-trigger:1/2"):
            res = evaluate(model, [s], d)
            assert res.equilibrium.ppe == inside(delta_intervals(model, [s]).ppe, d)
            rows[s, L] = (res.equilibrium.ppe, res.values[0])
    assert rows["grim", 0][0] and rows["forgiving-trigger:1/2", 0][0]
    assert rows["forgiving-trigger:1/2", 0][1] > rows["grim", 0][1]
    assert rows["grim", 1][0] and not rows["forgiving-trigger:1/2", 1][0]


@settings(max_examples=examples(15))
@given(random_profiles(max_states=2), st.integers(1, 2), st.sampled_from([F(1, 3), F(3, 4), F(9, 10)]))
def test_the_deviators_chain_values_the_profile_as_the_public_chain_does(model, L, d):
    # Two constructions of the same process: the public-history chain and each player's chain of public
    # state and own pending actions.  Following the strategy, both give the same values, at the start and
    # at every public state with the pending actions as prescribed (pure automata: one such state each).
    model = with_delay(model, L)
    chain, _ = profile_chain(bind_profile(model, ["a", "b"]), True)
    V = discounted(chain.transition(), chain.reward(), d, True)
    for i in range(2):
        pc = private_chain(chain, i)
        D = pc.chain
        W = discounted(D.transition(), D.reward(), d, True)
        assert chain.init @ V[:, i] == D.init @ W[:, i]
        pure = all(b.sigma[q].tolist().count(1) == 1 for b in chain.automata for q in range(len(b.states)))
        if not pure:
            continue
        for s, (_, hist) in enumerate(chain.states):
            acts = [-1 if h is None else int(np.flatnonzero(chain.automata[i].sigma[h[i]] == 1)[0]) for h in hist]
            x = pc.state_of(s, acts)
            assert pc.on_path[x] and W[x, i] == V[s, i], (chain.state_name(s), D.state_name(x))


@settings(max_examples=examples(15))
@given(random_profiles(max_states=2), st.integers(1, 2), st.sampled_from([F(1, 4), F(2, 3), F(9, 10)]))
def test_sequential_implies_ppe_implies_nash(model, L, d):
    check = evaluate(with_delay(model, L), ["a", "b"], d, exact=True).equilibrium
    assert check.delay == L
    for p in check.players:
        assert (not p.sequential or p.ppe) and (not p.ppe or p.nash)
        # a verdict's gain is zero exactly when it holds, and its deviation is named otherwise
        for ok, gain, dev in ((p.ppe, p.ppe_gain, p.ppe_deviation), (p.sequential, p.sequential_gain,
                                                                     p.sequential_deviation),
                              (p.nash, p.nash_gain, p.nash_deviation)):
            assert ok == (gain == 0) == (dev is None)
            assert dev is None or dev.gain == gain > 0


@settings(max_examples=examples(15))
@given(random_profiles(max_states=2), st.sampled_from([F(1, 3), F(3, 4)]))
def test_without_delay_the_sequential_verdict_is_the_ppe_verdict(model, d):
    model = with_delay(model, 0)
    check = evaluate(model, ["a", "b"], d).equilibrium
    assert check.delay == 0 and check.sequential == check.ppe
    for p in check.players:
        assert (p.sequential, p.sequential_gain, p.sequential_deviation) == (p.ppe, p.ppe_gain, p.ppe_deviation)
    res = delta_intervals(model, ["a", "b"])
    assert res.sequential_set == res.ppe and res.to_dict()["sequential"] == res.to_dict()["ppe"]


def test_long_delays_of_small_doctrines_work_and_too_long_ones_are_refused_at_once():
    model = load_repeated("catalog:cyber")
    res = evaluate(with_delay(model, 6), ["grim"], 0.9)
    assert res.n_states == 2 * 6 + 2  # peace and war for L + 1 periods, plus the first L start-up states
    from models.errors import SolverError
    with pytest.raises(SolverError, match="shorter delay"):
        evaluate(with_delay(model, 40), ["grim"], 0.9)
    assert math.isfinite(float(res.values[0]))


def test_the_three_sets_nest_even_when_they_come_from_different_methods():
    # found in review: the exact sequential set was a single point that the PPE and Nash grids missed;
    # every sequential equilibrium is a PPE and every PPE is Nash, whatever method found each set
    model = with_delay(load_repeated("catalog:cyber"), 1)
    from models.monitoring import AttributionMonitoring
    model = model.with_monitoring(AttributionMonitoring(delay=1, detection=F(3, 4), false_flag=F(1, 20)))
    res = delta_intervals(model, ["tit-for-tat"])
    exact = delta_intervals(model, ["tit-for-tat"], exact=True)
    assert res.sequential_method.startswith("exact")
    for sets in (res, exact):
        for iv in sets.sequential_set:
            for x in (iv.lo, iv.hi):
                assert inside(sets.ppe, x) and inside(sets.nash, x)
        for iv in sets.ppe:
            assert inside(sets.nash, iv.lo) and inside(sets.nash, iv.hi)
    # a single, irrational point (public tit-for-tat's knife-edge): on either side of it nothing holds
    (point,) = exact.sequential_set
    assert point.lo == point.hi and not isinstance(point.lo, F)
    for side in (-1, 1):
        check = evaluate(model, ["tit-for-tat"], F(point.lo).limit_denominator(10**8) + side * F(1, 10**6),
                         exact=True).equilibrium
        assert not (check.sequential or check.ppe or check.nash)


def test_a_deviators_state_is_named_by_a_history_on_the_path_when_it_has_one():
    # found in review: the name came from whichever history reached the state first, a past deviation
    model = with_delay(load_repeated("catalog:cyber-hotline"), 2)
    chain, _ = profile_chain(bind_profile(model, ["consult"]), False)
    for i in range(2):
        pc = private_chain(chain, i)
        for x in np.flatnonzero(pc.on_path):
            name = pc.chain.state_name(int(x))
            # parse "... [pending: P chose A in S; B in T]" and check each action against the automaton
            if "[pending:" not in name:
                continue
            pending = name.split("[pending: ", 1)[1].rstrip("]").split(" chose ", 1)[1].split("; ")
            for item in pending:
                action, where = item.split(" in ", 1)
                state = where.split(" / ")[i]
                a = chain.automata[i]
                q = a.states.index(state)
                c = chain.game.actions[i].index(action)
                assert a.sigma[q, c] > 0, name


def test_a_deviators_chain_is_frozen():
    model = load_repeated("catalog:cyber")
    model = dataclasses.replace(model, monitoring=dataclasses.replace(model.monitoring, delay=1))
    chain, _ = profile_chain(bind_profile(model, ["grim"]), False)
    pc = private_chain(chain, 0)
    with pytest.raises(ValueError):
        pc.on_path[0] = not pc.on_path[0]
    with pytest.raises(TypeError):
        pc.seeds[0, (0,)] = 1  # type: ignore[index]
    assert pc.state_of(0, (-1,)) in range(pc.chain.n_states)
