"""The joint chain and the equilibrium checks' building blocks: frozen results, best replies that converge or
say so, and the signed advantage of a policy without rounding."""

from __future__ import annotations

import dataclasses
from fractions import Fraction as F

import numpy as np
import pytest

from models import catalog
from models.errors import SolverError
from models.monitoring import AttributionMonitoring, Clarification, PerfectMonitoring, monitoring_to_mapping
from models.repeated import RepeatedModel
from solver.repeated import checks
from solver.repeated.batch import evaluate_batch
from solver.repeated.binding import bind_profile, profile_chain
from solver.repeated.evaluation import evaluate
from solver.repeated.markov import discounted

PD = catalog.load("prisoners-dilemma")  # T, R, P, S = 5, 3, 1, 0


def chain_of(names, monitoring=None, exact=True):
    model = RepeatedModel(PD, monitoring or PerfectMonitoring())
    return profile_chain(bind_profile(model, names), exact)[0]


def test_chain_arrays_are_read_only_and_the_memo_is_not_part_of_its_value():
    chain = chain_of(["grim"])
    for arr in (chain.init, chain.event_given_intended, chain.stage, chain.edge_p, *chain.action_probabilities):
        with pytest.raises(ValueError):
            arr.flat[0] = 0
    W, pe = chain.weights_and_events(0, 1)
    assert not W.flags.writeable and not pe.flags.writeable
    assert chain.weights_and_events(0, 1)[0] is W  # memoised
    assert "_weights_memo" not in repr(chain) and chain == chain and hash(chain) == hash(chain)
    # W[s, a] = prod_i sigma_i(a_i | s) with player 0 forced to action 1
    for s in range(chain.n_states):
        for k, (a0, a1) in enumerate(chain.profiles):
            assert W[s, k] == (a0 == 1) * chain.action_probabilities[1][s, a1]
    # the old, unclear names are gone
    for old in ("sig", "G", "weights", "deviation", "expect"):
        assert not hasattr(chain, old), old


def test_repeated_result_monitoring_is_read_only_and_its_json_unchanged():
    # the result held a plain, writable dict before; now it holds the model's frozen monitoring itself
    mon = AttributionMonitoring(detection=F(9, 10), false_flag=F(1, 20), clarification=Clarification(F(1, 2), 0, 0))
    res = evaluate(RepeatedModel(PD, mon), ["grim"], F(1, 2))
    assert res.monitoring == mon
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.monitoring.detection = F(1)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.monitoring.clarification.cost = F(5)  # type: ignore[misc, union-attr]
    assert res.to_dict()["monitoring"] == monitoring_to_mapping(mon)


def test_batch_result_arrays_are_read_only():
    res = evaluate_batch(RepeatedModel(PD, AttributionMonitoring()), ["grim"], delta=[0.4, 0.6])
    for arr in (res.delta, res.values, res.max_gain, res.ppe, res.detection):
        with pytest.raises(ValueError):
            arr[0] = 0  # type: ignore[index]


def test_policy_advantage_is_exact_and_signed_without_rounding():
    # Against grim, defecting for ever earns (1 - delta) T + delta P instead of R: advantage 2 - 4 delta, which
    # changes sign at grim's threshold 1/2 (Friedman 1971).
    exact = chain_of(["grim"])
    d = F(1, 3)
    V = discounted(exact.transition(), exact.reward(), d, True)
    assert checks.policy_advantage(exact, V, d, 0, [1] * exact.n_states) == 2 - 4 * d
    floats = chain_of(["grim"], exact=False)
    for delta in (0.5 - 1e-11, 0.5 + 1e-11):
        V = discounted(floats.transition(), floats.reward(), delta, False)
        adv = checks.policy_advantage(floats, V, delta, 0, [1] * floats.n_states)
        # 4e-11 either side, far below the checks' tolerance (about 2.5e-9), yet resolved to rounding
        assert abs(adv - (2 - 4 * delta)) <= 1e-14
        # best_reply with a zero threshold finds the deviation just below the threshold
        advantage, policy = checks.best_reply(floats, V, delta, 0, tol=0.0)
        assert (floats.init @ advantage > 0) == (delta < 0.5)


def test_best_reply_that_does_not_converge_raises(monkeypatch):
    # Against punish:3 at delta = 1/2 the best reply needs more than one improvement step.
    chain = chain_of(["punish:3"])
    d = F(1, 2)
    V = discounted(chain.transition(), chain.reward(), d, True)
    advantage, policy = checks.best_reply(chain, V, d, 0)
    assert chain.init @ advantage > 0
    monkeypatch.setattr(checks, "MAX_POLICY_ITERATIONS", 1)
    with pytest.raises(SolverError, match="did not converge"):
        checks.best_reply(chain, V, d, 0)


def test_first_departure_says_when_the_reply_follows_the_strategy_everywhere():
    chain = chain_of(["grim"])
    own = np.array([int(np.argmax([float(p) for p in chain.action_probabilities[0][s]]))
                    for s in range(chain.n_states)])
    assert checks.first_departure(chain, own, 0) is None
    defect = np.ones(chain.n_states, dtype=int)
    assert chain.state_name(checks.first_departure(chain, defect, 0)) == "peace / peace"
    # under noisy attribution war is reached from peace; a reply that departs only there (restrains at war)
    # departs first at war, not at the start
    noisy = chain_of(["grim"], AttributionMonitoring(detection=F(4, 5), false_flag=F(1, 10)))
    mine = np.array([int(np.argmax([float(p) for p in noisy.action_probabilities[0][s]]))
                     for s in range(noisy.n_states)])
    war = [s for s in range(noisy.n_states) if noisy.state_name(s) == "war / war"]
    assert len(war) == 1 and mine[war[0]] == 1  # grim attacks at war
    late = mine.copy()
    late[war[0]] = 0
    assert checks.first_departure(noisy, late, 0) == war[0]
