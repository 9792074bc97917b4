"""Equilibrium verdicts under signal delay, against the independent brute-force oracle in ``delay_oracle.py``.

First the oracle itself is checked against independent truth: the ordinary one-shot thresholds without delay
(grim on the prisoner's dilemma under perfect monitoring: delta >= 1/2; on the public-signal PD: 10/13),
closed forms for grim under delay, the raw decision tree of world histories, and seeded simulation.  Then
the product's three verdicts (``ppe``, ``sequential``, ``nash``) are compared with the oracle's.

Closed forms (grim on ``catalog:public-signal-pd``: R = 3, T = 5, P = 1, p = P(good | C, C) = 9/10,
q = P(good | one D) = 1/2; ``L`` the delay).  In peace every period is worth ``R - P`` over war, and a
period's signal decides, ``L`` periods later, whether peace goes on.

* Notion 1 (PPE): the binding deviation, from peace with every pending action prescribed (C), is to play
  D for ever: the others keep cooperating until the first of the deviator's bad signals arrives.  Grim is
  a PPE iff ``(R - P) / (1 - delta p) >= (T - P) (sum_{k < L} (delta p)^k + (delta p)^L / (1 - delta q))``:
  ``L = 0``: delta >= 10/13; ``L = 1``: ``36 delta^2 + 25 delta - 50 >= 0``, delta >= (5 sqrt(313) - 25) / 72
  = 0.881375...; ``L = 2``: ``162 delta^3 + 125 delta - 250 >= 0``, delta >= 0.936283....
* Sequential: the binding state is peace with all ``L`` pending actions D; one D more gains
  ``(1 - delta)(T - R)`` now and loses ``delta^(L+1) q^L (p - q) (R - P) / (1 - delta p)`` (times ``1 - delta``)
  of continuation: ``delta^(L+1) q^L (p - q) (R - P) >= (T - R)(1 - delta p)``.  ``L = 1``:
  ``2 delta^2 + 9 delta - 10 >= 0``, delta >= (sqrt(161) - 9) / 4 = 0.922144...; ``L = 2``:
  ``delta^3 + 9 delta - 10 = (delta - 1)(delta^2 + delta + 10) >= 0``: never for delta < 1.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction as F

import pytest
from delay_oracle import DecisionProblem, oracle, tree_values
from hypothesis import given, settings
from hypothesis import strategies as st

from models import catalog
from models.automata import Automaton, Pattern
from models.loader import load_repeated
from models.monitoring import AttributionMonitoring, Clarification, PerfectMonitoring
from models.repeated import RepeatedModel
from solver.repeated.binding import bind_profile
from solver.repeated.evaluation import evaluate
from solver.repeated.simulation import simulate_values
from strategies import distribution, examples

PSPD = load_repeated("catalog:public-signal-pd")
PD = catalog.load("prisoners-dilemma")
R, T, P = 3, 5, 1
p, q = F(9, 10), F(1, 2)
NOTIONS = ("nash", "ppe", "sequential")
DOCTRINES = ["grim", "tit-for-tat", "wsls", "punish:1", "always-restrain"]


def delayed(model: RepeatedModel, L: int) -> RepeatedModel:
    return dataclasses.replace(model, monitoring=dataclasses.replace(model.monitoring, delay=L))


def grim_ppe(L: int, d: F) -> bool:
    """Closed form of notion 1 (and of Nash) for grim on the public-signal PD (module docstring)."""
    stay = sum(((d * p) ** k for k in range(L)), F(0)) + (d * p) ** L / (1 - d * q)
    return (R - P) / (1 - d * p) >= (T - P) * stay


def grim_sequential(L: int, d: F) -> bool:
    return d ** (L + 1) * q**L * (p - q) * (R - P) >= (T - R) * (1 - d * p)


def product_verdicts(model: RepeatedModel, strategies: list[str], delta: F) -> dict[str, object]:
    eq = evaluate(model, strategies, delta).equilibrium
    out: dict[str, object] = {name: getattr(eq, name) for name in NOTIONS}
    for k, pl in enumerate(eq.players):
        out.update({f"{name}[{k}]": getattr(pl, name) for name in NOTIONS})
    return out


def assert_product_agrees(model: RepeatedModel, strategies: list[str], delta: F) -> int:
    """Every verdict the oracle decides equals the product's; returns how many were compared."""
    o = oracle(model, strategies, delta)
    got = product_verdicts(model, strategies, delta)
    compared = 0
    for name in NOTIONS:
        for k, pl in enumerate(o.players):
            want = getattr(pl, name).holds
            if want is not None:
                assert got[f"{name}[{k}]"] == want, (name, k, getattr(pl, name))
                compared += 1
        if getattr(o, name) is not None:
            assert got[name] == getattr(o, name), name
    return compared


# -- the oracle against independent truth -----------------------------------------------------------------


@pytest.mark.parametrize(("model", "strategy", "threshold"), [
    (RepeatedModel(PD), "grim", F(1, 2)), (PSPD, "grim", F(10, 13)), (PSPD, "forgiving-trigger:1/2", F(20, 23))])
def test_without_delay_the_oracle_is_the_ordinary_one_shot_check(model, strategy, threshold):
    # Perfect monitoring: cooperating is worth R = 3, defecting once then war (1 - d) T + d P: d >= 1/2.
    # The public-signal PD: d >= (T - R) / (p (T - R) + (p - q)(R - P)) = 10/13 (Mailath-Samuelson 7.2).
    # The forgiving trigger (war together with probability phi = 1/2 after a bad signal, read from the public
    # lottery): (1 - d)(T - R) <= d (p - q) phi (R - P)(1 - d) / (1 - d + d (1 - p) phi), d >= 20/23.
    # Without delay there is no private information: the three notions coincide.
    for d, holds in [(threshold - F(1, 1000), False), (threshold, True), (threshold + F(1, 1000), True)]:
        o = oracle(model, [strategy], d)
        assert (o.nash, o.ppe, o.sequential) == (holds, holds, holds), d


@pytest.mark.parametrize("L", [0, 1, 2])
def test_following_value_is_the_closed_form(L):
    # Nothing arrives in the first L periods (peace, R each); then each arrival is good with probability
    # p, as without delay: V = P + (R - P) ((1 - d^L) + d^L (1 - d) / (1 - d p)).
    d = F(9, 10)
    dp = DecisionProblem(delayed(PSPD, L), ["grim"], 0, d)
    (x0, _), = dp.start
    assert dp.V[dp.index[x0]] == P + (R - P) * ((1 - d**L) + d**L * (1 - d) / (1 - d * p))


@pytest.mark.parametrize("L", [1, 2])
def test_grim_thresholds_under_delay(L):
    # the closed forms of the module docstring, on both sides of each threshold
    deltas = [F(k, 1000) for k in (700, 830, 870, 881, 882, 900, 922, 923, 936, 937, 960, 990)]
    model = delayed(PSPD, L)
    for d in deltas:
        o = oracle(model, ["grim"], d)
        assert o.ppe == grim_ppe(L, d) and o.nash == grim_ppe(L, d), d
        assert o.sequential == grim_sequential(L, d), d
    assert grim_ppe(1, F(881, 1000)) is False and grim_ppe(1, F(882, 1000)) is True
    assert grim_sequential(1, F(922, 1000)) is False and grim_sequential(1, F(923, 1000)) is True
    assert grim_ppe(2, F(936, 1000)) is False and grim_ppe(2, F(937, 1000)) is True
    assert not grim_sequential(2, F(999, 1000))


def test_sequential_gain_at_nine_tenths_is_the_closed_form():
    # After its own pending D, a player in peace gains most by defecting for ever:
    # (1 - d)(T - P) / (1 - d q) over war, against following's (1 - d)(R - P)(1 + d q / (1 - d p)).
    d = F(9, 10)
    dp = DecisionProblem(delayed(PSPD, 1), ["grim"], 0, d)
    want = (1 - d) * (T - P) / (1 - d * q) - (1 - d) * (R - P) * (1 + d * q / (1 - d * p))
    assert want == F(56, 1045)
    W = dp.horizon_value(300, terminal=lambda k: dp.V[k])
    lo = max(W[k] - dp.V[k] for k in range(len(dp.states)))
    assert lo <= want <= lo + d**300 * (T - 0)


@st.composite
def small_models(draw, delays=(1,), clarification: bool = True) -> RepeatedModel:
    game = draw(st.sampled_from([PD, catalog.load("cyber")]))
    frac = st.sampled_from([F(0), F(1, 20), F(1, 10), F(1, 4), F(1, 2), F(3, 4), F(9, 10), F(1)])
    clar = None
    if clarification and draw(st.booleans()):
        clar = Clarification(draw(frac), draw(frac), draw(st.sampled_from([F(0), F(1, 10)])))
    mon = AttributionMonitoring(tremble=draw(st.sampled_from([F(0), F(1, 20), F(1, 10)])),
                                delay=draw(st.sampled_from(delays)), detection=draw(frac),
                                false_flag=draw(frac), clarification=clar)
    return RepeatedModel(game, mon)


@settings(max_examples=examples(8))
@given(small_models(delays=(0, 1, 2), clarification=False), st.sampled_from(DOCTRINES),
       st.sampled_from(DOCTRINES), st.integers(1, 3), st.integers(0, 1))
def test_information_states_agree_with_the_raw_decision_tree(model, a, b, horizon, player):
    # The oracle's MDP on information states against the tree of world histories grouped by what the
    # player saw (tree_values): same best and following values of the first periods, exactly.
    d = F(4, 5)
    dp = DecisionProblem(model, [a, b], player, d)
    (x0, _), = dp.start
    best, follow = tree_values(model, [a, b], player, d, horizon)
    assert dp.horizon_value(horizon)[dp.index[x0]] == best
    assert dp.horizon_value(horizon, follow_only=True)[dp.index[x0]] == follow


@pytest.mark.parametrize(("strategies", "L"), [(["grim", "tit-for-tat"], 1), (["wsls", "punish:1"], 2),
                                               (["forgiving-trigger:1/2", "forgiving-trigger-independent:1/2"], 1)])
def test_following_value_agrees_with_seeded_simulation(strategies, L):
    # simulation.py's timing (queue, trembles, costs) against the oracle's exact following value
    mon = AttributionMonitoring(tremble=F(1, 10), delay=L, detection=F(3, 4), false_flag=F(1, 10),
                                clarification=Clarification(F(1, 2), F(1, 4), F(1, 10)))
    model, d = RepeatedModel(PD, mon), F(4, 5)
    est = simulate_values(bind_profile(model, strategies), d, paths=20000, seed=7)
    for i in range(2):
        dp = DecisionProblem(model, strategies, i, d)
        (x0, _), = dp.start
        assert abs(float(dp.V[dp.index[x0]]) - est.mean[i]) <= 5 * est.stderr[i] + est.truncation


def test_old_check_lets_the_deviator_see_pending_signals():
    # The old check: pending signals known to the deviator.  In peace with a bad signal pending, war starts
    # next period whatever it does, so defecting now gains (1 - d)(T - R) = 1/5 and the old check says no.
    d = F(9, 10)
    model = delayed(PSPD, 1)
    old = oracle(model, ["grim"], d, see_pending=True)
    assert old.sequential is False
    for pl in old.players:
        assert pl.sequential.lo == (1 - d) * (T - R)
        (q_now, (pending,)), action = pl.sequential.witness
        assert PSPD.monitoring.signals[pending] == "bad" and action == 1
    new = oracle(model, ["grim"], d)
    assert (new.nash, new.ppe, new.sequential) == (True, True, False)


# -- the product against the oracle ----------------------------------------------------------------------


@pytest.mark.parametrize("L", [1, 2])
def test_product_on_public_signal_pd_with_grim(L):
    # Test 1: both sides of each threshold (L = 1: notion 1 from 0.881375, sequential from 0.922144;
    # L = 2: notion 1 from 0.936283, sequential never).
    ks = (870, 881, 882, 900, 921, 923, 950) if L == 1 else (930, 936, 937, 950)
    model = delayed(PSPD, L)
    for d in (F(k, 1000) for k in ks):
        o = oracle(model, ["grim"], d)
        assert (o.ppe, o.nash, o.sequential) == (grim_ppe(L, d), grim_ppe(L, d), grim_sequential(L, d)), d
        assert assert_product_agrees(model, ["grim"], d) == 6


def test_product_on_the_forgiving_trigger_with_delay():
    # The public lottery under delay.  The oracle, bisected, puts notion 1 (and Nash) from 0.91195653809...
    # and sequential from 0.91921689069...; its verdicts are checked here at both sides of each.
    model = delayed(PSPD, 1)
    want = {F(911, 1000): (False, False), F(912, 1000): (True, False), F(919, 1000): (True, False),
            F(920, 1000): (True, True)}
    for d, (ppe, seq) in want.items():
        o = oracle(model, ["forgiving-trigger:1/2"], d)
        assert (o.ppe, o.nash, o.sequential) == (ppe, ppe, seq), d
        assert assert_product_agrees(model, ["forgiving-trigger:1/2"], d) == 6


def test_product_accepts_an_equilibrium_the_old_check_rejected():
    # Test 3: grim with delay 1 at 9/10 is a PPE (notion 1) and a Nash equilibrium, though not sequential;
    # the old check, letting the deviator condition on the pending bad signal, called it no equilibrium.
    d, model = F(9, 10), delayed(PSPD, 1)
    assert oracle(model, ["grim"], d, see_pending=True).ppe is False
    got = product_verdicts(model, ["grim"], d)
    assert (got["ppe"], got["nash"], got["sequential"]) == (True, True, False)


@settings(max_examples=examples(25))
@given(small_models(), st.sampled_from(DOCTRINES), st.sampled_from(DOCTRINES),
       st.sampled_from([F(1, 3), F(1, 2), F(2, 3), F(3, 4), F(4, 5), F(9, 10), F(19, 20)]))
def test_product_agrees_with_oracle_on_small_models(model, a, b, delta):
    # Test 2: library doctrines under attribution monitoring with delay 1.  The oracle always decides
    # 'sequential' (one exact step); 'ppe' and 'nash' are compared wherever it decides them.
    assert assert_product_agrees(model, [a, b], delta) >= 2


@settings(max_examples=examples(20))
@given(st.sampled_from([PD, catalog.load("cyber")]),
       st.sampled_from([["grim", "grim"], ["grim", "punish:1"], ["punish:1", "punish:1"], ["grim", "wsls"]]),
       st.sampled_from([F(3, 4), F(9, 10), F(1)]), st.sampled_from([F(0), F(1, 20), F(1, 10)]),
       st.sampled_from([F(0), F(1, 20)]), st.sampled_from([F(k, 50) for k in range(30, 50)]))
def test_product_agrees_with_oracle_where_the_notions_differ(game, strategies, detection, false_flag, tremble,
                                                             delta):
    # Low noise and patient players: grim-grim is often a PPE but not sequential (a player who deviated
    # expects blame to come), and with no false flags or trembles some profiles are Nash equilibria only.
    mon = AttributionMonitoring(tremble=tremble, delay=1, detection=detection, false_flag=false_flag)
    assert assert_product_agrees(RepeatedModel(game, mon), strategies, delta) >= 2


@st.composite
def pure_automata(draw, name: str) -> Automaton:
    """Automata with pure play, random (independent) transitions and a random initial state."""
    k = draw(st.integers(1, 3))
    states = [f"s{j}" for j in range(k)]
    plays = tuple(((draw(st.sampled_from(["C", "D"])), F(1)),) for _ in states)
    pats = ["clear", "other-blamed", "self-blamed", "all-blamed", "any-blamed", "always"]
    rules = tuple(tuple((Pattern(x), draw(distribution(states)))
                        for x in draw(st.lists(st.sampled_from(pats), unique=True, max_size=2))) for _ in states)
    return Automaton(name, tuple(states), draw(distribution(states)), plays, rules)


@settings(max_examples=examples(15))
@given(pure_automata("a"), pure_automata("b"), st.booleans(),
       st.sampled_from([F(0), F(1, 10)]), st.sampled_from([F(1, 2), F(4, 5), F(9, 10)]))
def test_product_agrees_with_oracle_on_random_automata(a, b, perfect, tremble, delta):
    mon = PerfectMonitoring(tremble=tremble, delay=1) if perfect else AttributionMonitoring(
        tremble=tremble, delay=1, detection=F(3, 4), false_flag=F(1, 10))
    model = RepeatedModel(PD, mon, (("a", a), ("b", b)))
    assert assert_product_agrees(model, ["a", "b"], delta) >= 2
