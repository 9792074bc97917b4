"""Scenarios: the stage game and monitoring they generate, and bad scenario files.

Every expected number is derived by hand from the scenario's definition (models/scenario.py docstring)
or by brute-force enumeration of the random events that make up a signal, never read from the code.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import pytest

from models.errors import ModelError
from models.loader import load_scenario
from models.monitoring import AttributionMonitoring, signal_structure
from models.scenario import Scenario, parse_entry, scenario_from_mapping
from solver.repeated.evaluation import evaluate

# -- 1. the stage game ------------------------------------------------------------------------------------


def payoff(game, player: int, profile: tuple[str, ...]):
    idx = tuple(game.actions[i].index(a) for i, a in enumerate(profile))
    return game.payoffs[player][idx]


def test_default_scenario_is_the_cyber_prisoners_dilemma():
    # gain 2, damage 3, cost 1: T = 2 - 1 = 1, R = 0, P = 1 - 3 = -2, S = -3.
    game = Scenario().stage_game()
    assert game.actions == (("Restrain", "Attack"), ("Restrain", "Attack"))
    expected = {("Restrain", "Restrain"): (0, 0), ("Attack", "Restrain"): (1, -3),
                ("Restrain", "Attack"): (-3, 1), ("Attack", "Attack"): (-2, -2)}
    for prof, (u0, u1) in expected.items():
        assert payoff(game, 0, prof) == u0 and payoff(game, 1, prof) == u1
    # the default scenario file is the same scenario
    loaded = load_scenario("catalog:cyber-scenario")
    lg = loaded.stage_game()
    for prof, (u0, u1) in expected.items():
        assert payoff(lg, 0, prof) == u0 and payoff(lg, 1, prof) == u1
    assert loaded.value("delta") == F(9, 10) and loaded.value("detection") == F(4, 5)


def test_three_states_with_a_third_party_every_entry():
    # States A, B and a proxy X.  gain 5, damage 4, cost 1; B has its own damage 7.
    # Author earns gain - cost = 4 per operation (X too); A and B lose their damage for each
    # operation of another state; X is never a target, so it never loses anything.
    sc = Scenario(states=("A", "B", "X"), third_parties=("X",),
                  values=(("gain", 5), ("damage", 4), ("cost", 1)), overrides=(("B.damage", 7),))
    game = sc.stage_game()
    dmg = {"A": 4, "B": 7}
    names = ("A", "B", "X")
    for prof in itertools.product(("Restrain", "Attack"), repeat=3):
        for i, me in enumerate(names):
            u = 4 if prof[i] == "Attack" else 0
            if me != "X":
                u -= dmg[me] * sum(1 for j in range(3) if j != i and prof[j] == "Attack")
            assert payoff(game, i, prof) == u, (me, prof)
    # spot checks written out: X attacks alone -> A -4, B -7, X +4
    assert [payoff(game, i, ("Restrain", "Restrain", "Attack")) for i in range(3)] == [-4, -7, 4]
    # everyone attacks -> A 4 - 8 = -4, B 4 - 14 = -10, X 4
    assert [payoff(game, i, ("Attack", "Attack", "Attack")) for i in range(3)] == [-4, -10, 4]
    assert sc.seats("grim") == ["grim", "grim", "always-attack"]


def test_two_operations_and_override_precedence():
    # Flat: gain 2, damage 3, cost 1.  Probe: gain 1, damage 1, cost 0 (per operation).
    # Strike: damage 6.  State B: gain 9 (per state beats per operation), so B's Probe earns 9 - 0 and its
    # Strike 9 - 1; A's Probe earns 1 - 0, A's Strike 2 - 1.  State A: damage 10 beats both operations'
    # damages for A's own losses; B has no damage of its own, so it loses Probe 1, Strike 6.
    data = {"scenario": {"states": ["A", "B"], "operations": ["Probe", "Strike"], "gain": 2, "damage": 3,
                         "cost": 1,
                         "operation": {"Probe": {"gain": 1, "damage": 1, "cost": 0}, "Strike": {"damage": 6}},
                         "state": {"B": {"gain": 9}, "A": {"damage": 10}}}}
    sc = scenario_from_mapping(data)
    game = sc.stage_game()
    assert game.actions[0] == ("Restrain", "Probe", "Strike")
    earn = {"A": {"Restrain": 0, "Probe": 1, "Strike": 1}, "B": {"Restrain": 0, "Probe": 9, "Strike": 8}}
    lose = {"A": {"Restrain": 0, "Probe": 10, "Strike": 10}, "B": {"Restrain": 0, "Probe": 1, "Strike": 6}}
    for a, b in itertools.product(game.actions[0], repeat=2):
        assert payoff(game, 0, (a, b)) == earn["A"][a] - lose["A"][b], (a, b)
        assert payoff(game, 1, (a, b)) == earn["B"][b] - lose["B"][a], (a, b)
    assert sc.value("Probe.gain") == 1 and sc.value("B.gain") == 9 and sc.value("gain") == 2
    changed = sc.with_values({"Strike.damage": 2, "cost": 3})
    g2 = changed.stage_game()
    # Flat cost 3 (Probe keeps its own cost 0), Strike damage 2; A's own damage 10 still wins for A.
    # A's Strike earns 2 - 3 = -1; B's Strike earns 9 - 3 = 6; B loses 2 to A's Strike.
    assert payoff(g2, 0, ("Strike", "Strike")) == -1 - 10
    assert payoff(g2, 1, ("Restrain", "Strike")) == 9 - 3 - 0
    assert payoff(g2, 1, ("Strike", "Restrain")) == -2


def test_parse_entry():
    e = parse_entry("consult+audit+channel")
    assert e.doctrine == "consult" and e.levers == ("channel", "audit")
    assert parse_entry("generous:best").tuned == "generosity"
    assert parse_entry("punish:2").tuned is None


# -- 2. monitoring -----------------------------------------------------------------------------------------


def brute_force(actions: tuple[int, ...], proxies: set[int], det: list, f, pf, audit, channel=None):
    """P(status vector) by enumerating every elementary random event.

    Events: an audit (prob ``audit``) reveals the truth; otherwise each non-proxy state i is blamed by its
    own event (prob det[i] if it attacked, f if not) and, independently, by each attacking proxy's flag
    (prob pf each); with a channel, each blame is then cleared with prob effectiveness (innocent) or
    deception (guilty).
    """
    n = len(actions)
    states = [i for i in range(n) if i not in proxies]
    attacking_proxies = [j for j in proxies if actions[j]]
    out: dict[tuple[str, ...], F] = {}

    def add(key, p):
        out[key] = out.get(key, F(0)) + p

    truth = tuple(("confirmed" if channel else "blamed") if actions[i] and i not in proxies else "clear"
                  for i in range(n))
    add(truth, audit)
    # own events and proxy flags: 1 + len(attacking_proxies) Bernoullis per state
    events = [(i, k) for i in states for k in range(1 + len(attacking_proxies))]
    for outcome in itertools.product((0, 1), repeat=len(events)):
        p = 1 - audit
        blamed = set()
        for (i, k), hit in zip(events, outcome):
            q = (det[i] if actions[i] else f) if k == 0 else pf
            p *= q if hit else 1 - q
            if hit:
                blamed.add(i)
        if channel is None:
            add(tuple("blamed" if i in blamed else "clear" for i in range(n)), p)
            continue
        eff, dec = channel
        bl = sorted(blamed)
        for clears in itertools.product((0, 1), repeat=len(bl)):
            pp = p
            status = ["clear"] * n
            for i, c in zip(bl, clears):
                rate = dec if actions[i] else eff
                pp *= rate if c else 1 - rate
                status[i] = "cleared" if c else "confirmed"
            add(tuple(status), pp)
    return out


def check_structure(sc: Scenario, levers=()):
    model = sc.model(levers)
    mon = model.monitoring
    game = model.game
    s = signal_structure(game, mon)
    proxies = {game.players.index(p) for p in sc.third_parties}
    channel = (mon.clarification.effectiveness, mon.clarification.deception) if mon.clarification else None
    for a in itertools.product(*(range(len(x)) for x in game.actions)):
        det = [mon.detection_of(game.actions[i][a[i]]) if a[i] else None for i in range(len(a))]
        expected = brute_force(a, proxies, det, mon.false_flag, mon.proxy_flag, mon.audit, channel)
        for y, label in enumerate(s.labels):
            key = tuple(label.split(","))
            assert s.prob[a + (y,)] == expected.get(key, F(0)), (a, label)
        assert sum(expected.values()) == 1
        labels = {tuple(label.split(",")) for label in s.labels}
        assert all(k in labels for k, p in expected.items() if p != 0), a
    return s


def test_audit_mixture_entry_by_entry():
    # Default scenario with audits: audit 1/10, detection 4/5, false flag 1/20.
    # Attack vs Restrain: P(blamed, clear) = 9/10 * 4/5 * 19/20 + 1/10 = 684/1000 + 100/1000 = 392/500.
    sc = Scenario()
    s = check_structure(sc, ("audit",))
    y = s.labels.index("blamed,clear")
    assert s.prob[1, 0, y] == F(9, 10) * F(4, 5) * F(19, 20) + F(1, 10) == F(196, 250)
    # both restrain, nobody blamed: 9/10 * (19/20)^2 + 1/10
    assert s.prob[0, 0, s.labels.index("clear,clear")] == F(9, 10) * F(361, 400) + F(1, 10)
    # both restrain, both blamed: only through noise, 9/10 * (1/20)^2
    assert s.prob[0, 0, s.labels.index("blamed,blamed")] == F(9, 10) * F(1, 400)
    # with channel and audits together
    check_structure(sc, ("channel", "audit"))
    check_structure(sc.with_values({"audit": F(1, 3), "effectiveness": F(1, 2)}), ("channel", "audit"))


def test_audit_cost_charged_in_expected_payoff():
    sc = Scenario()
    s = signal_structure(sc.stage_game(), sc.monitoring(("audit",)))
    # every signal costs audit * audit_cost = 1/10 * 1/2 = 1/20 (no channel)
    assert all(c == F(1, 20) for c in s.cost)
    # always-restrain with audits: value = R - audit*audit_cost = -1/20 per period
    r = evaluate(sc.model(("audit",)), sc.seats("always-restrain"), F(9, 10), exact=True)
    assert r.values == (F(-1, 20), F(-1, 20))
    # without the lever there is no audit and no cost
    r0 = evaluate(sc.model(), sc.seats("always-restrain"), F(9, 10), exact=True)
    assert r0.values == (0, 0)
    # channel + audit: expected blames on each restraining state = (1 - 1/10) * 1/20 = 9/200 each, two states:
    # channel cost 1/20 * 2 * 9/200 = 9/2000, audit 1/20 = 100/2000 -> value -109/2000
    r2 = evaluate(sc.model(("channel", "audit")), sc.seats("always-restrain"), F(1, 2), exact=True)
    assert r2.values == (F(-109, 2000), F(-109, 2000))


def test_detection_by_action():
    # Probe detected with 1/2, Strike with the flat rate 4/5; false flag 1/20.
    sc = Scenario(operations=("Probe", "Strike"), overrides=(("Probe.detection", F(1, 2)),))
    mon = sc.monitoring()
    assert isinstance(mon, AttributionMonitoring)
    assert mon.detection_of("Probe") == F(1, 2) and mon.detection_of("Strike") == F(4, 5)
    s = check_structure(sc)
    y = s.labels.index("blamed,clear")
    assert s.prob[1, 0, y] == F(1, 2) * F(19, 20)  # Probe by A, B restrains
    assert s.prob[2, 0, y] == F(4, 5) * F(19, 20)  # Strike by A
    assert s.prob[1, 2, s.labels.index("clear,blamed")] == F(1, 2) * F(4, 5)  # A probe undetected, B strike seen


def test_proxies_false_flags():
    # A, B, C states, X and Z proxies; proxy_flag 1/5, false flag 1/20, detection 4/5.
    sc = Scenario(states=("A", "B", "X", "C", "Z"), third_parties=("X", "Z"))
    s = check_structure(sc)
    game = sc.stage_game()
    # a proxy is never blamed: every label has "clear" in the proxies' seats
    for label in s.labels:
        parts = label.split(",")
        assert parts[2] == "clear" and parts[4] == "clear"
    # closed form: a state's blame prob is 1 - (1 - base)(1 - proxy_flag)^k, k attacking proxies.
    # A restrains, B attacks, both proxies attack: A blamed w.p. 1 - 19/20 * (4/5)^2 = 1 - 304/500 = 49/125
    a = tuple(game.actions[i].index(x) for i, x in enumerate(("Restrain", "Attack", "Attack", "Restrain",
                                                               "Attack")))
    pa = F(49, 125)
    pb = 1 - F(1, 5) * F(16, 25)
    pc = pa
    y = s.labels.index("blamed,blamed,clear,clear,clear")
    assert s.prob[a + (y,)] == pa * pb * (1 - pc)
    three = Scenario(states=("A", "B", "X"), third_parties=("X",), values=(("proxy_flag", F(1, 3)),))
    check_structure(three)
    check_structure(three, ("channel", "audit"))


# -- 8. bad scenario files ---------------------------------------------------------------------------------


BAD = [
    ("unknown-key", "[scenario]\ngains = 2\n", "scenario.gains"),
    ("probability", "[scenario]\ndetection = 1.5\n", "scenario.detection"),
    ("operation-probability", '[scenario]\n[scenario.operation.Attack]\ndetection = -0.1\n',
     "scenario.operation.Attack.detection"),
    ("lever", '[scenario]\ndeterrence = ["grim+hotline"]\n', "scenario.deterrence[0]"),
    ("best", '[scenario]\nnorms = ["wsls", "grim:best"]\n', "scenario.norms[1]"),
    ("third-party", '[scenario]\nstates = ["A", "B"]\nthird_parties = ["C"]\n', "scenario.third_parties"),
    ("one-state", '[scenario]\nstates = ["A", "B"]\nthird_parties = ["B"]\n', "scenario.third_parties"),
    ("state-key", '[scenario]\nstates = ["A", "B"]\n[scenario.state.A]\ndetection = 0.5\n',
     "scenario.state.A.detection"),
]


@pytest.mark.parametrize("text,field", [(t, f) for _, t, f in BAD], ids=[i for i, _, _ in BAD])
def test_bad_scenario_file(tmp_path, text, field):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ModelError) as info:
        load_scenario(str(path))
    assert info.value.field == field
    assert field in str(info.value) and "bad.toml" in str(info.value)
    assert "\n" not in str(info.value)


def test_good_scenario_file(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text('[scenario]\nstates = 3\nthird_parties = ["State C"]\ngain = 3\ndelta = "1/2"\n'
                    'norms = ["consult+channel", "generous:best"]\n')
    sc = load_scenario(str(path))
    assert sc.states == ("State A", "State B", "State C") and sc.third_parties == ("State C",)
    assert sc.value("gain") == 3 and sc.value("delta") == F(1, 2)
    assert [e.label for e in sc.norms] == ["consult+channel", "generous:best"]


def test_a_flat_value_set_later_replaces_the_per_operation_values():
    # Probe and Strike have their own detection rates; --detection (with_values) must move both, or a
    # sweep over detection would change nothing in this scenario
    from models.scenario import Scenario

    sc = Scenario(operations=("Probe", "Strike"),
                  overrides=(("Probe.detection", F(2, 5)), ("Strike.detection", F(9, 10)),
                             ("Strike.gain", 3)))
    moved = sc.with_values({"detection": F(3, 5)})
    assert moved.value("Probe.detection") == moved.value("Strike.detection") == F(3, 5)
    assert moved.value("Strike.gain") == 3  # other keys keep their per-operation values
    assert sc.value("Probe.detection") == F(2, 5)


def test_repeated_states_the_audits_and_proxies_of_a_scenario():
    from models.monitoring import monitoring_to_mapping
    from solver.render.repeated import monitoring_text

    sc = Scenario(values=(("audit", F(1, 10)), ("audit_cost", F(1, 2)), ("proxy_flag", F(1, 5))),
                  states=("A", "B", "Gang"), third_parties=("Gang",))
    line = monitoring_text(monitoring_to_mapping(sc.full_model().monitoring))
    assert "audits 1/10 a period (cost 1/2 each)" in line
    assert "proxies Gang" in line and "probability 1/5" in line
    plain = monitoring_text(monitoring_to_mapping(Scenario().model(()).monitoring))
    assert "audit" not in plain and "prox" not in plain


# -- 9. review fixes: per-action detection in a model file, table kinds, limits, writers ---------------------

HACK_AND_LEAK = '''title = "hack and leak"
players = ["A", "B"]
actions = [["Restrain", "Hack", "Leak"], ["Restrain", "Hack", "Leak"]]
[payoffs]
"A" = [[0, -3, -3], [1, -2, -2], ["1/2", "-5/2", "-5/2"]]
"B" = [[0, 1, "1/2"], [-3, -2, "-5/2"], [-3, -2, "-5/2"]]
[monitoring]
kind = "attribution"
detection = { Hack = "4/5", Leak = "1/2" }
false_flag = "1/20"
[repeated]
delta = "9/10"
'''


def grim_closed_form(detection, false_flag=F(1, 20), delta=F(9, 10), temptation=1, punishment=-2):
    """Grim in a two-state PD under attribution: the peace value and the one-shot gain of attacking in peace.

    Peace lasts while nobody is blamed (probability (1-f)^2 a period); war pays P forever.  So
    V = delta ((1-f)^2 V + (1 - (1-f)^2) P), and an attack with detection d pays
    (1-delta) T + delta ((1-d)(1-f) V + (1 - (1-d)(1-f)) P).
    """
    f, d, q = false_flag, detection, (1 - false_flag) ** 2
    peace = punishment * delta * (1 - q) / (1 - delta * q)
    stay = (1 - d) * (1 - f)
    attack = (1 - delta) * temptation + delta * (stay * peace + (1 - stay) * punishment)
    return peace, attack - peace


def test_a_flat_detection_replaces_a_model_files_per_action_rates(tmp_path):
    # F1: compare/intervals kept the file's {Hack = 4/5, Leak = 1/2} whatever detection was set
    from solver.compare.thresholds import parameter_intervals

    path = tmp_path / "hl.toml"
    path.write_text(HACK_AND_LEAK)
    sc = load_scenario(str(path))
    assert sc.value("Hack.detection") == F(4, 5) and sc.value("Leak.detection") == F(1, 2)
    assert {"Hack.detection", "Leak.detection"} <= set(sc.parameters())
    assert sc.value("detection") in (F(4, 5), F(1, 2))  # not the file's placeholder 1: no action has rate 1
    shown = dict(sc.shown_parameters())
    assert "detection" not in shown and shown["Hack.detection"] == F(4, 5) and shown["Leak.detection"] == F(1, 2)
    # the unchanged model keeps the file's rates
    assert sc.full_model().monitoring.detection_by_action == (("Hack", F(4, 5)), ("Leak", F(1, 2)))
    moved = sc.with_values({"detection": F(1, 10)})
    mon = moved.full_model().monitoring
    assert mon.detection_by_action == () and mon.detection_of("Hack") == mon.detection_of("Leak") == F(1, 10)
    # grim is then no PPE: attacking (Hack) in peace gains exactly the closed form's 409/7510
    peace, gain = grim_closed_form(F(1, 10))
    assert gain == F(409, 7510)
    r = evaluate(moved.model(), ["grim", "grim"], F(9, 10), exact=True)
    assert r.values[0] == peace == F(-702, 751)
    assert not r.equilibrium.ppe and max(p.ppe_gain for p in r.equilibrium.players) == gain
    # one rate alone: only Leak moves
    leak = sc.with_values({"Leak.detection": F(1, 10)}).full_model().monitoring
    assert leak.detection_of("Hack") == F(4, 5) and leak.detection_of("Leak") == F(1, 10)
    # the sweep moves both rates: grim is a PPE exactly when detection >= the closed form's 1093/6840
    # (Hack binds: Leak pays 1/2 < 1 for the same blame risk)
    sets = parameter_intervals(sc, sc.seats("grim"), "detection", nash=False)
    assert [(iv.lo, iv.hi, iv.lo_closed, iv.hi_closed) for iv in sets.ppe] == [(F(1093, 6840), 1, True, True)]
    assert grim_closed_form(F(1093, 6840))[1] == 0


def test_a_model_without_a_table_gains_one_from_an_action_rate():
    from models.repeated import RepeatedModel
    from models.scenario import scenario_from_model

    game = Scenario().stage_game()
    sc = scenario_from_model(RepeatedModel(game, AttributionMonitoring(detection=F(3, 5)), (), F(9, 10)))
    assert sc.value("Attack.detection") == F(3, 5) and sc.overrides == ()
    one = sc.with_values({"Attack.detection": F(1, 5)}).full_model().monitoring
    assert one.detection_of("Attack") == F(1, 5) and one.detection == F(3, 5)
    with pytest.raises(ModelError, match="unknown parameter 'Probe.detection'"):
        sc.with_values({"Probe.detection": F(1, 5)})


def test_empty_doctrine_lists(tmp_path):
    # F3: both empty is an error naming the file; one empty is allowed and kept empty
    path = tmp_path / "e.toml"
    path.write_text("[scenario]\ndeterrence = []\nnorms = []\n")
    with pytest.raises(ModelError) as info:
        load_scenario(str(path))
    assert info.value.field == "scenario.deterrence/norms" and "e.toml" in str(info.value)
    assert "no doctrines to compare" in str(info.value)
    path.write_text("[scenario]\ndeterrence = []\n")
    sc = load_scenario(str(path))
    assert sc.deterrence == () and len(sc.norms) > 0
    assert sc.with_values({"gain": 3}).deterrence == ()


TABLE_KINDS = [
    ("operation-under-state", "[scenario]\n[scenario.state.Attack]\ngain = 10\n", "scenario.state.Attack", 2,
     "'Attack' is an operation, not a state: write [scenario.operation.Attack]"),
    ("state-under-operation", '[scenario]\n[scenario.operation."State B"]\ngain = 10\n',
     "scenario.operation.State B", 2, "'State B' is a state, not an operation: write [scenario.state.\"State B\"]"),
    ("state-key-under-operation", '[scenario]\n[scenario.operation."State B"]\ndetection = 0.4\n',
     "scenario.operation.State B", 2, "is a state, not an operation"),
    ("unknown-operation", "[scenario]\n[scenario.operation.Strike]\ngain = 4\n", "scenario.operation.Strike", 2,
     "unknown operation 'Strike'; operations are Attack"),
    ("unknown-state", '[scenario]\ngain = 1\n[scenario.state."State C"]\ngain = 4\n', "scenario.state.State C", 3,
     "unknown state 'State C'; states are State A, State B"),
    ("name-clash", '[scenario]\nstates = ["Attack", "B"]\n[scenario.state.Attack]\ngain = 10\n', "scenario.states", 2,
     "'Attack' names both a state and an operation"),
    ("five-states", "[scenario]\nstates = 5\n", "scenario.states", 2, "expected 2 to 4 states, got 5"),
    ("seven-names", '[scenario]\nstates = ["a", "b", "c", "d", "e", "f", "g"]\n', "scenario.states", 2,
     "expected 2 to 4 states, got 7"),
    ("huge-gain", "[scenario]\ngain = 1e200\n", "scenario.gain", 2, "too large"),
    ("huge-sum", "[scenario]\nstates = 3\ndamage = 1e150\n", "scenario.damage", 3, "too large"),
    ("huge-state-damage", '[scenario]\n[scenario.state."State B"]\ndamage = "10**200"\n',
     "scenario.state.State B.damage", 3, ""),
]


@pytest.mark.parametrize("text,field,line,fragment", [c[1:] for c in TABLE_KINDS], ids=[c[0] for c in TABLE_KINDS])
def test_a_value_under_the_wrong_table_is_refused_with_its_line(tmp_path, text, field, line, fragment):
    # F4, F5, D4: a per-state value was applied to an operation of the same name (and the reverse), silently
    path = tmp_path / "t.toml"
    path.write_text(text.replace('"10**200"', '"1' + "0" * 200 + '"'))
    with pytest.raises(ModelError) as info:
        load_scenario(str(path))
    err = info.value
    assert (err.field, err.line) == (field, line), str(err)
    assert fragment in err.message and str(err).startswith(f"{path}: line {line}: {field}: ")


def test_payoff_limit_matches_the_generated_payoffs():
    # the largest stage payoff magnitude is |gain - cost| + (N - 1) damage (every other state attacks)
    from models.stage import MAX_FLOAT_PAYOFF

    top = F(MAX_FLOAT_PAYOFF)
    ok = Scenario(values=(("gain", top), ("cost", F(0)), ("damage", F(0))))
    assert max(abs(v) for arr in ok.stage_game().payoffs for v in arr.flat) == top
    ok.stage_game().float_payoffs()  # float work accepts it
    with pytest.raises(ModelError) as info:
        Scenario(values=(("gain", top + 1), ("cost", F(0)), ("damage", F(0))))
    assert info.value.field == "scenario.gain"
    with pytest.raises(ModelError) as info:  # 3 states: top/2 damage from two attackers plus a net gain of 1
        Scenario(states=("A", "B", "C"), values=(("damage", top / 2),))
    assert info.value.field == "scenario.damage"
    # a third party is never a target: the worst payoff is a state's, hit by two attackers: 2 (top/2 - 1) < top
    Scenario(states=("A", "B", "X"), third_parties=("X",), values=(("damage", top / 2 - 1), ("gain", 1)))
    with pytest.raises(ModelError) as info:
        Scenario().with_values({"gain": 1e200})
    assert info.value.field == "scenario.gain"


SCENARIOS = [
    Scenario(),
    Scenario(title="t", description="d", states=("A", "B", "Gang"), third_parties=("Gang",),
             operations=("Probe", "Strike"), values=(("gain", 0.25), ("delta", F(1, 2)), ("delay", 1)),
             overrides=(("B.damage", 7), ("Probe.detection", F(2, 5)), ("Strike.gain", 3)),
             deterrence=(), norms=(parse_entry("consult+channel+audit"), parse_entry("generous:best"))),
    Scenario(states=("x.y", "z"), operations=("op.1",), overrides=(("x.y.gain", 5), ("op.1.cost", F(1, 3)))),
]


@pytest.mark.parametrize("k", range(len(SCENARIOS)))
@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_a_scenario_survives_its_file_form(tmp_path, k, fmt):
    # D6: catalog --json and convert dropped [scenario]; the file form reads back to an equal scenario
    from models.formats.json_format import dump_json
    from models.formats.toml_format import dump_toml
    from models.scenario import scenario_to_mapping

    sc = SCENARIOS[k]
    mapping = scenario_to_mapping(sc)
    assert scenario_from_mapping(mapping) == sc
    path = tmp_path / f"s.{fmt}"
    path.write_text(dump_toml(mapping, inline_depth=3) if fmt == "toml" else dump_json(mapping))
    back = load_scenario(str(path))
    assert back == sc and back.stage_game() == sc.stage_game()


def test_convert_and_catalog_keep_the_scenario(tmp_path):
    from click.testing import CliRunner

    from models.formats import read_game
    from models.loader import dump_model
    from solver.cli import main

    default = load_scenario("catalog:cyber-scenario")
    for fmt in ("toml", "json"):
        text, dropped = dump_model("catalog:cyber-scenario", fmt)
        path = tmp_path / f"cs.{fmt}"
        path.write_text(text)
        assert dropped == () and load_scenario(str(path)) == default
        assert load_scenario(str(path)).with_values({"gain": 5}).value("gain") == 5
    text, dropped = dump_model("catalog:cyber-scenario", "nfg")
    assert dropped == ("scenario",) and read_game(text, "nfg") == default.stage_game().to_exact()
    shown = CliRunner().invoke(main, ["catalog", "cyber-scenario", "--json"])
    assert shown.exit_code == 0 and '"scenario": {' in shown.stdout
    out = tmp_path / "out.nfg"
    res = CliRunner().invoke(main, ["convert", "catalog:cyber-scenario", str(out)])
    assert res.exit_code == 0 and "scenario is not written" in res.stderr
    # an ordinary model converts as before
    text, dropped = dump_model("catalog:cyber", "toml")
    assert "[scenario]" not in text and "[monitoring]" in text and dropped == ()


def test_four_states_are_allowed_in_both_forms_with_a_warning(tmp_path):
    # F5: states = 5 never finished and a list of 7 names got past the count's limit of 6
    from models.scenario import MAX_STATES

    assert MAX_STATES == 4
    path = tmp_path / "four.toml"
    for spec in ("4", '["a", "b", "c", "d"]'):
        path.write_text(f"[scenario]\nstates = {spec}\n")
        sc = load_scenario(str(path))
        assert len(sc.states) == 4 and sc.slow_note is not None and "4 states" in sc.slow_note
    assert Scenario().slow_note is None and Scenario(states=("a", "b", "c")).slow_note is None
