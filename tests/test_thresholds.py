"""Sets of one parameter where a doctrine is an equilibrium, against closed forms and pointwise verdicts.

**Grim under attribution** (no trembles, no delay).  Grim has two public states: peace (both restrain) and
war (both attack forever; any blame, on either state, starts it).  Write T = u(attack, restrain),
R = u(restrain, restrain), P = u(attack, attack), S = u(restrain, attack); d the detection rate, f the
false-flag rate, a the audit rate.  At peace with both restraining nobody is blamed with probability
``p0 = (1 - a)(1 - f)^2 + a``; if one state attacks, with ``p1 = (1 - a)(1 - d)(1 - f)``.  War is absorbing
and attack is a best reply there (P > S, and nothing one does changes the state), so V_war = P and the only
check is the one-shot deviation at peace.  With normalised values

    V = (1 - delta) R + delta (p0 V + (1 - p0) P)  =>  W := V - P = (1 - delta)(R - P) / (1 - delta p0)
    deviation - P = (1 - delta)(T - P) + delta p1 W

and V >= deviation  <=>  delta (p0 - p1) W >= (1 - delta)(T - R)
                    <=>  delta [p0 (T - R) + (p0 - p1)(R - P)] >= T - R.

Without audits p0 - p1 = (1 - f)[(1 - f) - (1 - d)] = (1 - f)(d - f) and p0 = (1 - f)^2, so grim is a PPE iff

    delta >= (T - R) / (p0 (T - R) + (1 - f)(d - f)(R - P)).

In d this is linear: d >= f + (T - R)(1 - delta (1 - f)^2) / (delta (1 - f)(R - P)).  In f, with u = 1 - f,
it reads delta (T - P) u^2 - delta (1 - d)(R - P) u - (T - R) >= 0: u >= the positive root u*, f <= 1 - u*.
(An audit cost a * audit_cost is paid in every state whatever anyone does, so it changes no incentive.)

**Tit-for-tat** plays attack iff the other was blamed last period.  In a game with P - S = T - R (every
scenario game: payoffs are additive) attacking rather than restraining gains T - R now whatever the other
does, and the only later effect is that the other attacks next period with probability d instead of f,
which costs (R - S)(d - f) then.  So the one-shot gain is (T - R) - delta (R - S)(d - f) in every state; tit-
for-tat needs it <= 0 (peace) and >= 0 (punishment): delta = (T - R) / ((R - S)(d - f)) exactly.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import pytest

from models.scenario import Scenario, parse_entry
from solver.compare.table import compare
from solver.compare.thresholds import parameter_intervals
from solver.repeated.evaluation import evaluate

SCENARIOS = [  # (gain, damage, cost, delta, detection, false_flag)
    (2, 3, 1, F(9, 10), F(4, 5), F(1, 20)),
    (3, 5, 1, F(4, 5), F(7, 10), F(1, 10)),
    (2, 4, 0, F(7, 10), F(9, 10), F(1, 50)),
    (5, 7, 2, F(19, 20), F(3, 5), F(1, 8)),
]


def scenario(g, dm, c, delta, d, f, **more) -> Scenario:
    vals = {"gain": g, "damage": dm, "cost": c, "delta": delta, "detection": d, "false_flag": f}
    vals.update(more)
    return Scenario(values=tuple(vals.items()))


def trp(g, dm, c):
    """T, R, P, S of the scenario game (additive: author g - c, target -dm)."""
    return F(g - c), F(0), F(g - c - dm), F(-dm)


def grim_delta(T, R, P, d, f, a=F(0)):
    p0 = (1 - a) * (1 - f) ** 2 + a
    p1 = (1 - a) * (1 - d) * (1 - f)
    return (T - R) / (p0 * (T - R) + (p0 - p1) * (R - P))


def grim_detection(T, R, P, delta, f):
    return f + (T - R) * (1 - delta * (1 - f) ** 2) / (delta * (1 - f) * (R - P))


def grim_false_flag(T, R, P, delta, d) -> float:
    a, b, c = float(delta * (T - P)), -float(delta * (1 - d) * (R - P)), -float(T - R)
    u = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    return 1 - u


def contains(intervals, x) -> bool:
    for iv in intervals:
        above = x > iv.lo or (iv.lo_closed and x == iv.lo)
        below = x < iv.hi or (iv.hi_closed and x == iv.hi)
        if above and below:
            return True
    return False


def ppe_at(sc: Scenario, doctrine: str, levers=(), **changes) -> tuple[bool, bool]:
    s = sc.with_values(changes) if changes else sc
    r = evaluate(s.model(levers), s.seats(doctrine), s.value("delta"), exact=True)
    return r.equilibrium.ppe, r.equilibrium.nash


# -- 3. grim under attribution -----------------------------------------------------------------------------


@pytest.mark.parametrize("params", SCENARIOS)
def test_grim_closed_forms(params):
    g, dm, c, delta, d, f = params
    T, R, P, S = trp(g, dm, c)
    assert P > S and T > R > P
    sc = scenario(*params)
    seats = sc.seats("grim")
    eps = F(1, 10**4)

    dstar = grim_delta(T, R, P, d, f)
    res = parameter_intervals(sc, seats, "delta")
    assert len(res.ppe) == 1 and res.ppe[0].lo == dstar and res.ppe[0].lo_closed and res.ppe[0].hi == 1
    assert res.nash is not None and contains(res.nash, dstar) and not contains(res.nash, dstar - eps)
    assert ppe_at(sc, "grim", delta=dstar)[0]
    assert not ppe_at(sc, "grim", delta=dstar - eps)[0]
    assert ppe_at(sc, "grim", delta=dstar + eps)[0]

    dd = grim_detection(T, R, P, delta, f)
    res = parameter_intervals(sc, seats, "detection")
    if 0 < dd < 1:
        assert res.threshold() == dd
        assert ppe_at(sc, "grim", detection=dd)[0]
        assert not ppe_at(sc, "grim", detection=dd - eps)[0]
        assert ppe_at(sc, "grim", detection=min(dd + eps, F(1)))[0]
    else:
        assert res.threshold() == 0 and contains(res.ppe, F(0))

    ff = grim_false_flag(T, R, P, delta, d)
    res = parameter_intervals(sc, seats, "false_flag")
    assert len(res.ppe) == 1 and res.ppe[0].lo == 0 and res.ppe[0].hi_closed
    assert abs(float(res.ppe[0].hi) - ff) < 1e-9
    below, above = F(ff).limit_denominator(10**6) - eps, F(ff).limit_denominator(10**6) + eps
    assert ppe_at(sc, "grim", false_flag=below)[0]
    assert not ppe_at(sc, "grim", false_flag=above)[0]


def test_grim_false_flag_threshold_rational_case():
    # The default root is irrational (checked above as a float).  With d = 1 the linear term vanishes:
    # delta (T - P) u^2 = T - R -> u^2 = (T - R) / (delta (T - P)) = 1 / (3 * 3/4) = 4/9, u = 2/3, f* = 1/3.
    sc = scenario(2, 3, 1, F(3, 4), F(1), F(1, 20))
    res = parameter_intervals(sc, sc.seats("grim"), "false_flag")
    assert len(res.ppe) == 1 and res.ppe[0].lo == 0 and res.ppe[0].hi == F(1, 3) and res.ppe[0].hi_closed
    assert ppe_at(sc, "grim", false_flag=F(1, 3))[0]
    assert not ppe_at(sc, "grim", false_flag=F(1, 3) + F(1, 10**6))[0]


# -- 4. tit-for-tat knife-edge -----------------------------------------------------------------------------


@pytest.mark.parametrize("params", SCENARIOS[:3])
def test_tit_for_tat_knife_edge(params):
    g, dm, c, delta, d, f = params
    T, R, P, S = trp(g, dm, c)
    assert P - S - T + R == 0
    point = (T - R) / ((R - S) * (d - f))
    sc = scenario(*params)
    res = parameter_intervals(sc, sc.seats("tit-for-tat"), "delta")
    if point < 1:
        assert len(res.ppe) == 1
        iv = res.ppe[0]
        assert iv.lo == iv.hi == point and iv.lo_closed and iv.hi_closed
        assert ppe_at(sc, "tit-for-tat", delta=point)[0]
        for eps in (F(1, 100), F(1, 10**5)):
            assert not ppe_at(sc, "tit-for-tat", delta=point - eps)[0]
            if point + eps < 1:
                assert not ppe_at(sc, "tit-for-tat", delta=point + eps)[0]
    else:
        assert res.ppe == ()


def test_tit_for_tat_default_point_is_four_ninths():
    # T - R = 1, R - S = 3, d - f = 4/5 - 1/20 = 3/4: delta = 1 / (9/4) = 4/9.
    sc = Scenario()
    res = parameter_intervals(sc, sc.seats("tit-for-tat"), "delta")
    assert [(iv.lo, iv.hi) for iv in res.ppe] == [(F(4, 9), F(4, 9))]


# -- 5. audits ---------------------------------------------------------------------------------------------


def test_audits_never_raise_grims_delta_threshold():
    sc = Scenario()
    T, R, P, _ = trp(2, 3, 1)
    previous = None
    for a in (F(0), F(1, 20), F(1, 10), F(1, 4), F(1, 2), F(9, 10)):
        s = sc.with_values({"audit": a})
        res = parameter_intervals(s, s.seats("grim"), "delta", levers=("audit",))
        assert len(res.ppe) == 1 and res.ppe[0].lo_closed
        thr = res.ppe[0].lo
        assert thr == grim_delta(T, R, P, F(4, 5), F(1, 20), a)
        if previous is not None:
            assert thr <= previous
        previous = thr


def test_ppe_set_over_audit_matches_pointwise():
    # delta 2/5 is below grim's bare threshold 400/931, so only enough audits make it an equilibrium.
    sc = Scenario().with_values({"delta": F(2, 5)})
    res = parameter_intervals(sc, sc.seats("grim"), "audit", levers=("audit",))
    T, R, P, _ = trp(2, 3, 1)
    for k in range(9):
        a = F(k, 8)
        closed = F(2, 5) >= grim_delta(T, R, P, F(4, 5), F(1, 20), a)
        ppe, nash = ppe_at(sc, "grim", ("audit",), audit=a)
        assert ppe == closed == contains(res.ppe, a), a
        assert nash == contains(res.nash, a), a
    assert not contains(res.ppe, F(0)) and contains(res.ppe, F(1))


# -- 6. directional properties -----------------------------------------------------------------------------


def test_fewer_false_flags_never_lower_grims_value():
    sc = Scenario()
    delta = F(9, 10)
    values = []
    for f in (F(1, 5), F(1, 10), F(1, 20), F(1, 40), F(0)):
        r = evaluate(sc.with_values({"false_flag": f}).model(), sc.seats("grim"), delta, exact=True)
        # V_peace = ((1 - delta) R + delta (1 - p0) P) / (1 - delta p0), R = 0, P = -2
        p0 = (1 - f) ** 2
        assert r.values[0] == r.values[1] == delta * (1 - p0) * -2 / (1 - delta * p0)
        values.append(r.values[0])
    assert values == sorted(values)


def test_a_more_effective_channel_never_lowers_consults_value():
    sc = Scenario()
    values = []
    for e in (F(0), F(1, 4), F(1, 2), F(7, 10), F(1)):
        s = sc.with_values({"effectiveness": e})
        r = evaluate(s.model(("channel",)), s.seats("consult"), s.value("delta"), exact=True)
        values.append(r.values[0])
    assert values == sorted(values)


def test_grims_detection_threshold_falls_with_false_flags():
    sc = Scenario()
    T, R, P, _ = trp(2, 3, 1)
    thresholds = []
    for f in (F(1, 5), F(1, 10), F(1, 20), F(0)):
        s = sc.with_values({"false_flag": f})
        thr = parameter_intervals(s, s.seats("grim"), "detection", nash=False).threshold()
        assert thr == grim_detection(T, R, P, F(9, 10), f)
        thresholds.append(thr)
    assert thresholds == sorted(thresholds, reverse=True) and len(set(thresholds)) == 4


def test_perfect_attribution_grim_is_peace():
    sc = Scenario().with_values({"detection": 1, "false_flag": 0, "delta": F(9, 10)})
    sc = Scenario(values=sc.values, deterrence=sc.deterrence[:1], norms=())
    r = evaluate(sc.model(), sc.seats("grim"), F(9, 10), exact=True)
    assert r.equilibrium.ppe and r.values == (0, 0)
    comp = compare(sc)
    row = comp.rows[0]
    assert row.doctrine == "grim" and row.ppe and row.welfare == 0
    # delta threshold with d = 1, f = 0: (T - R) / (T - R + R - P) = 1/3
    assert row.deltas[0].lo == F(1, 3)


def test_compare_rows_agree_with_evaluate():
    sc = Scenario()
    comp = compare(sc)
    assert [r.label for r in comp.rows] == ["grim", "tit-for-tat", "punish:2", "generous:best",
                                            "forgiving-trigger:best", "wsls", "contrite", "consult+channel",
                                            "consult+channel+audit"]
    for row in comp.rows:
        r = evaluate(sc.model(row.levers), sc.seats(row.doctrine), sc.value("delta"), exact=True)
        assert row.result.values == r.values, row.label
        assert row.ppe == r.equilibrium.ppe, row.label
        assert row.welfare == sum(r.values), row.label
        assert contains(row.deltas, F(9, 10)) == r.equilibrium.ppe, row.label
        if row.detection is not None:
            assert contains(row.detection.ppe, sc.value("detection")) == r.equilibrium.ppe, row.label
    grim = comp.rows[0]
    assert grim.result.values[0] == F(-702, 751)  # V_peace from the closed form at f = 1/20
    assert grim.detection.threshold() == grim_detection(*trp(2, 3, 1)[:3], F(9, 10), F(1, 20))


# -- 7. sets against pointwise verdicts ---------------------------------------------------------------------

CASES = [
    ("grim", "detection", (), F(9, 10)),
    ("contrite", "detection", (), F(9, 10)),
    ("wsls", "false_flag", (), F(9, 10)),
    ("forgiving-trigger:1/2", "phi", (), F(9, 10)),
    ("generous:1/2", "generosity", (), F(9, 10)),
    ("grim", "damage", (), F(9, 10)),
    ("consult", "effectiveness", ("channel",), F(9, 10)),
]


def with_param(doctrine: str, parameter: str, x) -> str:
    if parameter in ("phi", "generosity"):
        return f"{doctrine.partition(':')[0]}:{x}"
    return doctrine


@pytest.mark.parametrize("doctrine,parameter,levers,delta", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_sets_match_pointwise_verdicts(doctrine, parameter, levers, delta):
    sc = Scenario().with_values({"delta": delta})
    res = parameter_intervals(sc, sc.seats(doctrine), parameter, levers=levers)
    lo, hi = res.domain
    ends = [e for iv in res.ppe + res.nash for e in (iv.lo, iv.hi) if isinstance(e, float)]
    checked = 0
    for k in range(9):
        x = lo + (hi - lo) * F(2 * k + 1, 18) if k < 8 else hi
        if any(abs(float(x) - e) < 1e-9 for e in ends):
            continue
        if parameter in ("phi", "generosity"):
            r = evaluate(sc.model(levers), sc.seats(with_param(doctrine, parameter, x)), delta, exact=True)
        else:
            s = sc.with_values({parameter: x})
            r = evaluate(s.model(levers), s.seats(doctrine), s.value("delta"), exact=True)
        assert contains(res.ppe, x) == r.equilibrium.ppe, (parameter, x)
        assert contains(res.nash, x) == r.equilibrium.nash, (parameter, x)
        checked += 1
    assert checked >= 7


# -- 8. NAME:best ------------------------------------------------------------------------------------------
# Generous tit-for-tat forgives a blame with probability g.  As for tit-for-tat above, attacking rather than
# restraining gains T - R now whatever the other does, and the only later effect is that the other attacks next
# period with probability (1 - g) d instead of (1 - g) f: the one-shot gain is (T - R) - delta (R - S)(d - f)(1 - g)
# in every state, so generous is a PPE only at g* = 1 - (T - R) / (delta (R - S)(d - f)), when that is in [0, 1].


def welfare_at(sc: Scenario, doctrine: str):
    r = evaluate(sc.model(()), sc.seats(doctrine), sc.value("delta"), exact=True)
    return sum(r.values), r.equilibrium.ppe


@pytest.mark.parametrize("params", SCENARIOS)
def test_generous_best_is_the_closed_form_knife_edge(params):
    from solver.compare.best import resolve_best

    g, dm, c, delta, d, f = params
    T, R, P, S = trp(g, dm, c)
    star = 1 - (T - R) / (delta * (R - S) * (d - f))
    sc = scenario(g, dm, c, delta, d, f)
    best = resolve_best(sc, parse_entry("generous:best"))
    if 0 <= star <= 1:
        assert best.value == star and best.knife_edge and best.optimum is None
        assert "knife-edge" in best.note
        assert welfare_at(sc, f"generous:{star}")[1]
        assert not welfare_at(sc, f"generous:{star + F(1, 10**6)}")[1]
    else:
        assert not best.ppe_set.ppe and "for no generosity" in best.note


@pytest.mark.parametrize("params", SCENARIOS[:3])
def test_forgiving_trigger_best_beats_every_ppe_point_on_a_grid(params):
    from solver.compare.best import resolve_best

    sc = scenario(*params)
    best = resolve_best(sc, parse_entry("forgiving-trigger:best"))
    top, ok = welfare_at(sc, best.doctrine)
    assert ok
    if best.value > 0:  # the best is the edge of the PPE set: just below it the doctrine is no equilibrium
        assert not welfare_at(sc, f"forgiving-trigger:{best.value - F(1, 10**6)}")[1]
    found = 0
    for k in range(21):
        w, ppe = welfare_at(sc, f"forgiving-trigger:{F(k, 20)}")
        if ppe:
            found += 1
            assert w <= top, k
    assert found > 0


def test_an_irrational_optimum_is_played_as_a_nearby_fraction_inside_the_ppe_set(monkeypatch):
    # pretend the PPE set over generosity is [1/10, sqrt(2)/4]: welfare rises with generosity (fewer spirals),
    # so the optimum is the irrational upper end, and the fraction played must lie just inside it
    import solver.compare.best as best_module
    from solver.compare.thresholds import ParameterSets
    from solver.repeated.delta_sets.intervals import Interval

    end = math.sqrt(2) / 4
    sc = Scenario()
    real = parameter_intervals(sc, sc.seats("generous:1/2"), "generosity", nash=False)
    fake = ParameterSets(real.parameter, real.domain, real.value, real.players, real.strategies,
                         (Interval(F(1, 10), end, True, True),), None, real.ppe_method, "", True, ())
    monkeypatch.setattr(best_module, "parameter_intervals", lambda *a, **k: fake)
    best = best_module.resolve_best(sc, parse_entry("generous:best"))
    assert isinstance(best.value, F) and best.optimum == end
    assert F(end) - best_module.RATIONAL_RADIUS <= best.value < F(end)
    assert "irrational" in best.note
    # the simplest fraction there: nothing with a smaller denominator lies in the window
    q = best.value.denominator
    lo, hi = F(end) - best_module.RATIONAL_RADIUS, F(end) - F(1, 10**12)
    assert all(math.floor(hi * k) < lo * k for k in range(1, min(q, 2000)))


@pytest.mark.parametrize("params", SCENARIOS[:2])
def test_the_grid_method_finds_grims_detection_threshold_to_the_bisection_width(params):
    # the grid bisects on the sign of the gains (as deltas' grid does), not on a verdict rounded by the tolerance,
    # which put the ends 4e-10 (PPE) and 1e-9 (Nash) below the closed form
    g, dm, c, delta, d, f = params
    T, R, P, _ = trp(g, dm, c)
    truth = grim_detection(T, R, P, delta, f)
    sc = scenario(g, dm, c, delta, d, f)
    res = parameter_intervals(sc, sc.seats("grim"), "detection", exact=False)
    assert not res.exact and "grid" in res.ppe_method
    assert len(res.ppe) == 1 and len(res.nash) == 1
    assert abs(float(res.ppe[0].lo) - float(truth)) < 1e-11
    assert abs(float(res.nash[0].lo) - float(truth)) < 1e-11
    assert res.ppe[0].hi == 1 and res.ppe[0].hi_closed


# -- 9. compare's rows, verdict and output against what was given -------------------------------------------


def test_compare_leaves_out_rows_whose_levers_the_model_lacks():
    from models.loader import load_scenario

    comp = compare(load_scenario("catalog:cyber"))  # no clarification channel, no audits
    labels = [r.label for r in comp.rows]
    assert "consult+channel" not in labels and "consult+channel+audit" not in labels
    assert "grim" in labels and "contrite" in labels
    assert any(n.startswith("consult+channel left out") and "no clarification channel" in n for n in comp.notes)
    assert all(not r.levers for r in comp.rows)


def test_a_family_that_was_not_given_is_not_called_out_of_equilibrium():
    from models.errors import ModelError

    sc = Scenario(deterrence=())
    comp = compare(sc)
    assert {r.family for r in comp.rows} == {"norm"} and comp.best_deterrence is None
    assert "no deterrence doctrine was given" in comp.verdict[0]
    assert not any("no deterrence doctrine is an equilibrium" in v for v in comp.verdict)
    with pytest.raises(ModelError, match="no doctrine"):
        compare(Scenario(deterrence=(), norms=()))


def test_over_a_lever_parameter_needs_the_lever():
    from models.errors import ModelError

    sc = Scenario()
    with pytest.raises(ModelError, match="without the audits"):
        parameter_intervals(sc, sc.seats("grim"), "audit")
    with pytest.raises(ModelError, match="without the clarification channel"):
        parameter_intervals(sc, sc.seats("consult"), "effectiveness", levers=("audit",))
    # with the lever the audit rate matters: grim at detection 1/10 needs audits (closed form: a >= 409/7209)
    low = sc.with_values({"detection": F(1, 10)})
    res = parameter_intervals(low, low.seats("grim"), "audit", levers=("audit",), nash=False)
    assert res.threshold() == F(409, 7209)


def test_compare_json_keeps_closed_ends_and_the_table_marks_irrational_ends():
    from solver.render.compare import render_compare

    comp = compare(Scenario())
    contrite = next(r for r in comp.rows if r.label == "contrite")
    d = contrite.to_dict()
    (iv,) = d["ppe_delta_intervals"]
    assert iv["hi"] == "1" and iv["closed"] == [True, False]  # delta = 1 is never included
    assert isinstance(iv["lo"], float)  # an irrational root
    text = render_compare(comp, 4)
    line = next(ln for ln in text.splitlines() if ln.startswith("contrite"))
    assert f"[~{iv['lo']:.4g}, 1)" in line
    assert f"{float(comp.rows[0].welfare):.6g}" in render_compare(comp, 6)


def test_a_range_end_the_parameter_cannot_take_is_named_as_the_range():
    from models.errors import ModelError

    sc = Scenario()
    with pytest.raises(ModelError, match=r"^--range: gain = -5: expected a number >= 0"):
        parameter_intervals(sc, sc.seats("grim"), "gain", domain=(F(-5), F(5)))


def test_intervals_reports_progress():
    heard = []
    sc = Scenario()
    parameter_intervals(sc, sc.seats("grim"), "detection", progress=lambda m, t: heard.append((m, t)))
    assert heard and all(t for _, t in heard) and "exact chains in detection" in heard[-1][0]
    heard.clear()
    parameter_intervals(sc, sc.seats("grim"), "detection", exact=False, progress=lambda m, t: heard.append(m))
    assert len(heard) >= 100 and "grid over detection" in heard[-1]


def test_a_parameter_that_changes_nothing_is_refused_by_name():
    from models.errors import ModelError
    from models.loader import load_scenario

    sc = Scenario()
    with pytest.raises(ModelError, match="no third parties"):
        parameter_intervals(sc, sc.seats("grim"), "proxy_flag")
    cyber = load_scenario("catalog:cyber")  # no channel: the lever's parameter is unknown there, not a --range fault
    with pytest.raises(ModelError) as why:
        parameter_intervals(cyber, cyber.seats("consult"), "effectiveness", levers=("channel",))
    assert not str(why.value).startswith("--range")


def test_a_family_left_out_for_a_missing_lever_is_said_to_be_left_out():
    sc = Scenario(values=(("audit", F(0)),), deterrence=(parse_entry("grim"),), norms=(parse_entry("consult+audit"),))
    comp = compare(sc)
    assert [r.label for r in comp.rows] == ["grim"]
    assert "no cooperative norm is left to compare" in comp.verdict[0]


def test_the_audit_rate_can_be_swept_from_a_scenario_without_audits():
    sc = Scenario(values=(("audit", F(0)), ("detection", F(1, 10))))
    res = parameter_intervals(sc, sc.seats("grim"), "audit", levers=("audit",), nash=False)
    assert res.threshold() == F(409, 7209)  # as with audits on: the rate is the variable
