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
from models.stage import StageGame
from solver.cli.app import main
from solver.numeric.polynomials import evaluate as peval
from solver.numeric.polynomials import real_roots
from solver.repeated.batch import evaluate_batch
from solver.repeated.delta_sets import critical_deltas
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


def test_payoff_ties_give_the_right_ppe_set():
    # The stage payoff does not depend on one's own action, so every one-shot gain vanishes at delta = 0 (a
    # root at the left end of (0, 1)); the profile below is an equilibrium exactly where evaluate says so.
    game = StageGame.bimatrix([[0, 1, 2], [0, 1, 2], [0, 1, 2]], [[0, 0, 0], [1, 1, 1], [2, 2, 2]],
                              actions=[["a", "b", "c"], ["a", "b", "c"]])
    s = Automaton("s", ("x", "y"), (("x", F(1)),), ((("a", F(1)),), (("c", F(1)),)),
                  (((Pattern("any-blamed"), (("y", F(1)),)),), ((Pattern("always"), (("x", F(1)),)),)))
    model = RepeatedModel(game, AttributionMonitoring(detection=F(1, 2), false_flag=F(1, 4)), (("s", s),))
    res = critical_deltas(model, ["s"])
    for k in range(1, 20):
        d = F(k, 20)
        inside = any((iv.lo < d or (iv.lo_closed and iv.lo == d)) and (d < iv.hi or (iv.hi_closed and iv.hi == d))
                     for iv in res.ppe)
        assert inside == evaluate(model, ["s"], d).equilibrium.ppe
    assert all(iv.lo < iv.hi or (iv.lo_closed and iv.hi_closed) for iv in res.ppe)


def test_exact_arithmetic_on_decimal_inputs_means_the_decimals_they_spell():
    decimals = RepeatedModel(PD, AttributionMonitoring(detection=0.8, false_flag=0.05, tremble=0.1))
    fractions = RepeatedModel(PD, AttributionMonitoring(detection=F(4, 5), false_flag=F(1, 20), tremble=F(1, 10)))
    for strategies in (["tit-for-tat"], ["generous:0.07"], ["grim", "wsls"]):
        a = evaluate(decimals, strategies, F(4, 9), exact=True)
        b = evaluate(fractions, strategies, F(4, 9))
        assert a.exact and b.exact
        assert a.values == b.values and a.average == b.average and a.equilibrium == b.equilibrium
    # a doctrine's parameter is part of its name: 0.07 is exactly 7/100
    g = evaluate(RepeatedModel(PD, PerfectMonitoring(tremble=F(1, 10))), ["generous:0.07"], F(1, 2))
    assert g.exact


def test_distributions_that_sum_to_one_only_within_tolerance_are_renormalised():
    s = Automaton("s", ("a", "b"), (("a", 0.3333333333), ("b", 0.6666666666)), ((("C", F(1)),), (("D", F(1)),)),
                  ((), ()))
    model = RepeatedModel(PD, PerfectMonitoring(), (("s", s),))
    res = critical_deltas(model, ["s"])  # reads the decimals exactly; must not reject the sum 0.9999999999
    assert res.exact


@pytest.mark.parametrize("delta", [0.9, 0.99, 0.999999])
def test_ppe_implies_nash_even_close_to_one(delta):
    for strategies in (["tit-for-tat"], ["grim"], ["contrite"], ["generous:1/3"]):
        res = evaluate(catalog_cyber(), strategies, delta)
        assert not res.equilibrium.ppe or res.equilibrium.nash
        exact = evaluate(catalog_cyber(exact=True), strategies, F(delta).limit_denominator(10**7))
        assert res.equilibrium.ppe == exact.equilibrium.ppe and res.equilibrium.nash == exact.equilibrium.nash


def catalog_cyber(exact: bool = False) -> RepeatedModel:
    mon = AttributionMonitoring(detection=F(4, 5), false_flag=F(1, 20)) if exact else \
        AttributionMonitoring(detection=0.8, false_flag=0.05)
    return RepeatedModel(catalog.load("cyber"), mon)


def test_float_arithmetic_refuses_a_delta_too_close_to_one():
    with pytest.raises(ModelError, match="too close to 1 for floating point"):
        evaluate(catalog_cyber(), ["grim"], 1 - 1e-12)
    assert evaluate(catalog_cyber(exact=True), ["grim"], 1 - F(1, 10**12)).exact
    with pytest.raises(ModelError, match="rounds to 1 in floating point"):
        evaluate(catalog_cyber(), ["grim"], "0.99999999999999999")


def test_batch_with_only_delta_varying_and_many_points():
    model = RepeatedModel(PD, AttributionMonitoring())
    res = evaluate_batch(model, ["grim"], delta=np.linspace(0.3, 0.7, 600))
    assert res.ppe.tolist() == [d >= 0.5 - 1e-12 for d in np.linspace(0.3, 0.7, 600)]


def test_nash_intervals_are_open_at_zero():
    res = critical_deltas(RepeatedModel(PD), ["always-attack"])
    assert res.nash and not res.nash[0].lo_closed and not res.ppe[0].lo_closed


def test_delayed_results_use_one_arithmetic():
    res = evaluate(RepeatedModel(PD, PerfectMonitoring(delay=2)), ["grim"], F(9, 10))
    numbers = [res.metrics.attack_share_long_run, res.values[0]]
    assert all(isinstance(x, F) for x in numbers) if res.exact else all(isinstance(x, float) for x in numbers)
    assert any("pending signals" in note for note in res.notes)


@pytest.mark.parametrize("args,message", [
    (["repeated", "catalog:cyber", "-s", "grim", "--delay", "100000"], "use a shorter delay"),
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


def test_nash_point_where_the_gain_touches_zero_at_an_irrational_breakpoint():
    # Found by a reviewer's random search: the PPE set is one irrational point R where each player's best
    # reply changes, and the best deviation's gain touches zero there without changing sign.  Every PPE
    # is a Nash equilibrium, so the exact Nash set must contain R.
    game = StageGame.bimatrix([[-1, 3], [-3, 3]], [[-1, -3], [3, 3]], actions=[["C", "D"], ["C", "D"]])
    model = RepeatedModel(game, AttributionMonitoring(detection=F(1, 2), false_flag=F(1, 10)))
    res = critical_deltas(model, ["punish:2"], exact=True)
    assert res.nash_method.startswith("exact")
    (ppe,) = res.ppe
    assert ppe.lo == ppe.hi and not isinstance(ppe.lo, F)  # one irrational point
    (nash,) = res.nash
    assert nash.lo == nash.hi and abs(nash.lo - ppe.lo) < 1e-15
