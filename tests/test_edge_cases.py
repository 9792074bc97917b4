"""Edge cases found in review: roots at interval ends, exact decimals, patience near 1, resources."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from models import catalog
from models.automata import Automaton, Pattern
from models.errors import ModelError
from models.monitoring import AttributionMonitoring, PerfectMonitoring
from models.repeated import RepeatedModel
from solver.cli.app import main
from solver.numeric.polynomials import evaluate as peval
from solver.numeric.polynomials import real_roots
from solver.repeated.batch import evaluate_batch
from solver.repeated.evaluation import evaluate

PD = catalog.load("prisoners-dilemma")


@given(st.lists(st.fractions(min_value=F(1, 100), max_value=F(99, 100), max_denominator=100), max_size=4),
       st.integers(1, 3))
def test_roots_are_found_when_zero_is_a_root_too(roots, zero_multiplicity):
    # p(x) = x^m * prod (x - r): the root at the open end 0 must neither be reported nor hide the others
    p = [F(0)] * zero_multiplicity + [F(1)]
    for r in roots:
        p = [F(0)] + p
        for k in range(len(p) - 1):
            p[k] -= r * p[k + 1]
    found = real_roots(p, F(0), F(1))
    assert [r.exact for r in found] == sorted(set(roots))
    assert all(peval(p, r.exact) == 0 for r in found)


def test_an_irrational_root_next_to_a_root_at_zero():
    (root,) = real_roots([F(0), F(3), F(0), F(-10)], F(0), F(1))  # x (3 - 10 x^2): root sqrt(3/10)
    assert root.exact is None and abs(root.approx - 0.3**0.5) < 1e-13


def test_exact_arithmetic_on_decimal_inputs_means_the_decimals_they_spell():
    decimals = RepeatedModel(PD, AttributionMonitoring(detection=0.8, false_flag=0.05, tremble=0.1))
    fractions = RepeatedModel(PD, AttributionMonitoring(detection=F(4, 5), false_flag=F(1, 20), tremble=F(1, 10)))
    for strategies in (["tit-for-tat"], ["generous:0.07"], ["grim", "wsls"]):
        a = evaluate(decimals, strategies, F(4, 9), exact=True)
        b = evaluate(fractions, strategies, F(4, 9))
        assert a.exact and b.exact
        assert a.values == b.values and a.average == b.average and a.equilibrium == b.equilibrium
    # a doctrine's parameter is part of its name: 0.07 is exactly 7/100
    # generous tit-for-tat written out by hand, forgiving each blame on the other with probability 7/100
    hit = (("punish", F(93, 100)), ("peace", F(7, 100)))
    g7 = Automaton("g7", ("peace", "punish"), (("peace", F(1)),), ((("C", F(1)),), (("D", F(1)),)),
                   (((Pattern("other-blamed"), hit),),
                    ((Pattern("other-blamed"), hit), (Pattern("always"), (("peace", F(1)),)))))
    noisy = RepeatedModel(PD, PerfectMonitoring(tremble=F(1, 10)), (("g7", g7),))
    g = evaluate(noisy, ["generous:0.07"], F(1, 2))
    assert g.exact and g.values == evaluate(noisy, ["g7"], F(1, 2)).values


@pytest.mark.parametrize("delta", [0.3, 0.5, 0.9, 0.99, 0.999999])
def test_ppe_implies_nash_even_close_to_one(delta):
    for strategies in (["tit-for-tat"], ["grim"], ["contrite"], ["generous:1/3"]):
        res = evaluate(catalog_cyber(), strategies, delta)
        assert not res.equilibrium.ppe or res.equilibrium.nash
        exact = evaluate(catalog_cyber(exact=True), strategies, F(delta).limit_denominator(10**7))
        assert res.equilibrium.ppe == exact.equilibrium.ppe and res.equilibrium.nash == exact.equilibrium.nash
    # grim reacts to any blame, so attribution is a good/bad signal for it: P(no blame | both restrain) = p =
    # (19/20)^2, P(no blame | one attacks) = q = (1/5)(19/20); with T - R = 1 and R - P = 2 (catalog:cyber)
    # grim is a PPE iff delta >= (T - R) / (p (T - R) + (p - q)(R - P)) = 400/931 (Green and Porter 1984)
    p, q = F(19, 20) ** 2, F(1, 5) * F(19, 20)
    assert 1 / (p + 2 * (p - q)) == F(400, 931)
    assert evaluate(catalog_cyber(), ["grim"], delta).equilibrium.ppe is (delta >= 400 / 931)


def catalog_cyber(exact: bool = False) -> RepeatedModel:
    mon = AttributionMonitoring(detection=F(4, 5), false_flag=F(1, 20)) if exact else \
        AttributionMonitoring(detection=0.8, false_flag=0.05)
    return RepeatedModel(catalog.load("cyber"), mon)


def test_float_arithmetic_refuses_a_delta_too_close_to_one():
    with pytest.raises(ModelError, match="too close to 1 for floating point"):
        evaluate(catalog_cyber(), ["grim"], 1 - 1e-12)
    # exact arithmetic has no such limit: grim's value at peace is V = delta (1 - q) (-2) / (1 - delta q), with
    # q = (19/20)^2 the chance of a period without a blame and -2 the payoff of the war that follows one
    delta, q = 1 - F(1, 10**12), F(19, 20) ** 2
    res = evaluate(catalog_cyber(exact=True), ["grim"], delta)
    assert res.exact and res.values == (delta * (1 - q) * -2 / (1 - delta * q),) * 2
    with pytest.raises(ModelError, match="rounds to 1 in floating point"):
        evaluate(catalog_cyber(), ["grim"], "0.99999999999999999")


def test_batch_with_only_delta_varying_and_many_points():
    model = RepeatedModel(PD, AttributionMonitoring())
    res = evaluate_batch(model, ["grim"], delta=np.linspace(0.3, 0.7, 600))
    assert res.ppe.tolist() == [d >= 0.5 - 1e-12 for d in np.linspace(0.3, 0.7, 600)]


def test_delayed_results_use_one_arithmetic():
    res = evaluate(RepeatedModel(PD, PerfectMonitoring(delay=2)), ["grim"], F(9, 10))
    # without noise grim cooperates forever, whatever the delay: R = 3 each, no attack ever
    assert res.values == (3, 3) and res.metrics.attack_share_long_run == 0 and res.metrics.p_never_attack == 1
    numbers = [res.metrics.attack_share_long_run, res.values[0]]
    assert all(isinstance(x, F) for x in numbers) if res.exact else all(isinstance(x, float) for x in numbers)
    # the verdicts say they are over public information; grim is not sequential under delay: a player that
    # defected knows war is coming before anybody sees it, and defects at once (D earns 5 > 3 meanwhile)
    check = res.equilibrium
    assert check.delay == 2 and "public state" in check.notions["ppe"]
    assert check.ppe and check.nash and not check.sequential
    assert "pending: Row chose D" in check.players[0].sequential_deviation.state


@pytest.mark.parametrize("args,message", [
    (["repeated", "catalog:cyber", "-s", "grim", "--delay", "1000"], "or a shorter delay"),
    (["repeated", "catalog:cyber", "-s", "punish:²"], "punish:K needs a whole number of periods"),
    (["repeated", "catalog:cyber", "-s", "punish:1000000"], "punish:K needs a whole number of periods"),
    (["repeated", "catalog:cyber", "-s", "grim:"], "doctrine grim takes no parameter"),
    (["repeated", "catalog:cyber", "-s", "punish:300", "--float"], "more than 5000 states"),
])
def test_resource_limits_are_one_line_errors(args, message):
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1 and message in res.stderr and res.stderr.count("\n") == 1
    assert "Traceback" not in res.output


def test_negative_clarification_cost_and_negative_seed(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('actions = [["C", "D"], ["C", "D"]]\n[payoffs]\nP1 = [[3, 0], [5, 1]]\nP2 = [[3, 5], [0, 1]]\n'
                    '[monitoring]\nkind = "attribution"\n[monitoring.clarification]\ncost = -1\n')
    res = CliRunner().invoke(main, ["repeated", str(path), "-s", "grim", "--delta", "1/2"])
    assert res.exit_code == 1 and "monitoring.clarification.cost: a cost must be >= 0, got -1" in res.stderr
    assert CliRunner().invoke(main, ["simulate", "-s", "grim", "--seed", "-5"]).exit_code == 2




def test_a_huge_automaton_is_refused_before_its_table_is_built():
    # a 4,000-state cycle under perfect monitoring (4 signals): 64 million table entries; the old code
    # allocated and converted them all (minutes, gigabytes) before the joint-chain limit said no
    from fractions import Fraction

    from models.automata import MAX_TABLE_ENTRIES, Automaton
    from models.errors import ModelError
    from models.repeated import RepeatedModel
    from solver.repeated.binding import bind_profile

    n = 4000
    states = tuple(f"s{k}" for k in range(n))
    big = Automaton(
        "big", states, ((states[0], Fraction(1)),),
        tuple((("@restrain" if k % 2 == 0 else "@attack", Fraction(1)),) for k in range(n)),
        tuple(() for _ in range(n)),
    )
    assert n * 4 * n > MAX_TABLE_ENTRIES
    with pytest.raises(ModelError, match="4000 states: its transition table"):
        bind_profile(RepeatedModel(PD, strategies=(("big", big),)), ["big"])


def test_a_huge_delay_is_refused_at_once():
    # the old check computed possible_signals ** delay: a number with billions of digits (minutes, gigabytes)
    from click.testing import CliRunner

    from models.errors import ModelError
    from models.monitoring import MAX_DELAY, AttributionMonitoring
    from solver.cli import main

    with pytest.raises(ModelError, match="from 0 to 1000"):
        AttributionMonitoring(delay=10**9)
    out = CliRunner().invoke(main, ["repeated", "catalog:cyber", "-s", "grim", "--delay", str(10**20)])
    assert out.exit_code == 2 and "--delay" in out.stderr and "Traceback" not in out.stderr
    # the largest allowed delay: the deviator's private histories are counted (by logarithms), not built
    out = CliRunner().invoke(main, ["repeated", "catalog:cyber", "-s", "grim", "--delay", str(MAX_DELAY)])
    assert out.exit_code == 1 and out.stderr.count("\n") == 1 and "more than 200,000 public states" in out.stderr
