"""The doctrine meta-game: values against direct evaluations and closed forms, its equilibria, the consistency
of the PPE check with best replies, the replicator dynamics, and the ``metagame`` command."""

from __future__ import annotations

import json
import math
from fractions import Fraction as F

import pytest
from click.testing import CliRunner

from models.errors import ModelError
from models.loader import load_scenario
from models.scenario import Entry, Scenario, parse_entry
from solver.cli.app import DetenteGroup
from solver.cli.meta import metagame
from solver.meta import metagame as meta_module
from solver.meta.metagame import default_doctrines, doctrine_metagame, scenario_metagame
from solver.repeated.evaluation import evaluate

#: The default scenario without the costs that the full model adds to every period (audits) and every blame
#: (the channel): its matches between one-state doctrines then earn exactly the stage payoffs.
BARE = Scenario(values=(("audit", 0), ("channel_cost", 0)))
# the stage game of the defaults, from gain 2, cost 1, damage 3: T = gain - cost, S = -damage, P = T + S, R = 0
T, R, P, S = F(1), F(0), F(-2), F(-3)
DELTA = F(9, 10)


@pytest.fixture(scope="module")
def cyber():
    return load_scenario("catalog:cyber-scenario")


@pytest.fixture(scope="module")
def cyber_meta(cyber):
    return doctrine_metagame(cyber, ["grim", "tit-for-tat", "wsls", "contrite", "forgiving-trigger:1/2"])


@pytest.fixture(scope="module")
def bare_meta():
    return doctrine_metagame(BARE, ["always-attack", "always-restrain", "grim"], times=(0, 1, 2, 5, 10))


def test_one_state_doctrines_earn_the_stage_payoffs(bare_meta):
    A, B = bare_meta.payoffs
    assert bare_meta.exact and bare_meta.delta == DELTA
    assert [A[0][0], A[0][1], A[1][0], A[1][1]] == [P, T, S, R]
    assert [B[0][0], B[0][1], B[1][0], B[1][1]] == [P, S, T, R]


def test_grim_against_always_attack_by_hand(bare_meta):
    # grim restrains in peace, the other attacks; grim goes to war after any blame, cleared or not: the other is
    # blamed with the detection rate 4/5, grim itself with the false-flag rate 1/20, so peace ends with
    # q = 1 - (1/5)(19/20) = 81/100 each period; war is (attack, attack) forever, P.
    # V = (1 - d) u + d (q P + (1 - q) V)  =>  V = ((1 - d) u + d q P) / (1 - d (1 - q))
    q = 1 - F(1, 5) * F(19, 20)

    def value(u):
        return ((1 - DELTA) * u + DELTA * q * P) / (1 - DELTA * (1 - q))

    A, B = bare_meta.payoffs
    grim, attack = 2, 0
    assert A[grim][attack] == value(S) == F(-1758, 829)
    assert B[grim][attack] == value(T) == F(-1358, 829)
    # the game is symmetric: the other seat's values are the same numbers transposed
    assert A[attack][grim] == value(T) and B[attack][grim] == value(S)
    assert bare_meta.symmetric


def test_entries_are_the_values_of_direct_evaluations_in_the_full_model():
    # an asymmetric scenario (State B's losses are larger), so that swapped seats would show
    sc = Scenario(overrides=(("State B.damage", 5),))
    names = ["grim", "wsls", "always-attack"]
    meta = doctrine_metagame(sc, names, delta=F(4, 5))
    model = sc.full_model()
    assert model.monitoring.clarification is not None and model.monitoring.audit == F(1, 10)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            direct = evaluate(model, [a, b], F(4, 5))
            assert (meta.payoffs[0][i][j], meta.payoffs[1][i][j]) == direct.values
    assert not meta.symmetric and meta.populations == ("State A", "State B")
    assert any("not symmetric" in n for n in meta.notes)


def test_third_parties_keep_always_attack():
    sc = Scenario(states=("A", "B", "Proxy"), third_parties=("Proxy",), values=(("audit", 0),))
    meta = doctrine_metagame(sc, ["grim", "always-restrain"], times=(0, 1))
    direct = evaluate(sc.full_model(), ["always-restrain", "grim", "always-attack"], DELTA)
    assert meta.players == ("A", "B")
    assert (meta.payoffs[0][1][0], meta.payoffs[1][1][0]) == direct.values[:2]


def test_a_ppe_against_itself_is_a_best_reply_to_itself(cyber_meta):
    A, B = cyber_meta.payoffs
    n = len(cyber_meta.doctrines)
    assert cyber_meta.exact and all(isinstance(v, F) for m in (A, B) for row in m for v in row)
    assert any(cyber_meta.ppe_against_self), "the check would be vacuous"
    assert not all(cyber_meta.ppe_against_self)  # tit-for-tat is a PPE only on a knife-edge under noise
    for d in range(n):
        mine = all(A[e][d] <= A[d][d] and B[d][e] <= B[d][d] for e in range(n))
        assert cyber_meta.best_reply_to_self[d] == mine
        if cyber_meta.ppe_against_self[d]:
            assert mine, cyber_meta.doctrines[d]
    # and then (d, d) is a pure equilibrium of the meta-game
    pure = {tuple(mix.index(F(1)) for mix in e.profile) for e in cyber_meta.equilibria if e.is_pure}
    assert {(d, d) for d in range(n) if cyber_meta.best_reply_to_self[d]} <= pure


def test_equilibria_have_zero_regret_and_list_every_pure_one(cyber_meta):
    A, B = cyber_meta.payoffs
    n = len(cyber_meta.doctrines)
    assert cyber_meta.equilibria
    for e in cyber_meta.equilibria:
        x, y = e.profile
        assert sum(x) == 1 == sum(y) and min(x) >= 0 and min(y) >= 0
        row = [sum(A[i][j] * y[j] for j in range(n)) for i in range(n)]
        col = [sum(x[i] * B[i][j] for i in range(n)) for j in range(n)]
        u = sum(x[i] * row[i] for i in range(n))
        v = sum(y[j] * col[j] for j in range(n))
        assert (u, v) == e.payoffs
        assert max(row) == u and max(col) == v  # exactly zero regret
    brute = {(i, j) for i in range(n) for j in range(n)
             if A[i][j] == max(A[k][j] for k in range(n)) and B[i][j] == max(B[i][k] for k in range(n))}
    pure = {tuple(mix.index(F(1)) for mix in e.profile) for e in cyber_meta.equilibria if e.is_pure}
    assert pure == brute


def test_replicator_shares_sum_to_one(cyber_meta):
    rows = cyber_meta.replicator
    assert [r.time for r in rows] == [0, 1, 2, 5, 10, 20, 50, 100]
    n = len(cyber_meta.doctrines)
    assert rows[0].shares == ((1 / n,) * n,)
    for r in rows:
        assert len(r.shares) == 1 and math.isclose(sum(r.shares[0]), 1, abs_tol=1e-6) and min(r.shares[0]) >= 0


def test_replicator_with_two_populations_stays_on_the_simplex():
    # negative payoffs (costly conflict): integrated as given, the sum of the shares drifts away from 1
    sc = Scenario(overrides=(("State B.damage", 5),))
    meta = doctrine_metagame(sc, ["grim", "wsls", "always-attack"], times=(0, 10, 100, 1000))
    for r in meta.replicator:
        assert len(r.shares) == 2
        for shares in r.shares:
            assert math.isclose(sum(shares), 1, abs_tol=1e-6) and min(shares) >= 0


def test_a_strictly_dominated_doctrine_dies_out_logistically():
    # always-restrain is strictly dominated by always-attack (the stage game is a prisoner's dilemma). With x the
    # share of always-attack against those two, f_attack - f_restrain = x (P - S) + (1 - x) (T - R) = 1, so
    # x' = x (1 - x): x(t) = 1 / (1 + exp(-t)) from x(0) = 1/2.
    meta = doctrine_metagame(BARE, ["always-attack", "always-restrain"], times=(0, 1, 2, 5, 10))
    for r in meta.replicator:
        assert math.isclose(r.shares[0][0], 1 / (1 + math.exp(-r.time)), abs_tol=1e-6)
    assert all(b < a for a, b in zip([r.shares[0][1] for r in meta.replicator],
                                     [r.shares[0][1] for r in meta.replicator][1:]))


def test_a_strictly_dominated_doctrine_loses_ground_to_its_dominator():
    # with an operation worth 10 and free to mount, attacking earns at least P = 10 - 3 = 7 in every period and
    # restraining at most R = 0 whatever the other does: always-attack strictly dominates always-restrain against
    # every doctrine, and under the replicator dynamics d/dt log(x_restrain / x_attack) = f_restrain - f_attack < 0
    sc = Scenario(values=(("gain", 10), ("cost", 0), ("audit", 0), ("channel_cost", 0)))
    meta = doctrine_metagame(sc, ["always-attack", "always-restrain", "grim"], times=(0, 0.1, 0.2, 0.5, 1))
    A = meta.payoffs[0]
    assert all(A[0][j] >= 7 > 0 >= A[1][j] for j in range(3))
    shares = [r.shares[0] for r in meta.replicator]
    ratios = [x[1] / x[0] for x in shares]
    assert all(b < a for a, b in zip(ratios, ratios[1:]))
    assert all(b[1] < a[1] for a, b in zip(shares, shares[1:]))


def test_names_with_levers_or_best_and_bad_scenarios_are_refused(cyber):
    with pytest.raises(ModelError, match="without levers"):
        doctrine_metagame(cyber, ["grim", "consult+channel"])
    with pytest.raises(ModelError, match="':best' must be resolved"):
        doctrine_metagame(cyber, ["generous:best"])
    with pytest.raises(ModelError, match="given twice"):
        doctrine_metagame(cyber, ["grim", "grim"])
    with pytest.raises(ModelError, match="unknown strategy 'nope'"):
        doctrine_metagame(cyber, ["grim", "nope"])
    with pytest.raises(ModelError, match="increase strictly"):
        doctrine_metagame(cyber, ["grim"], times=(5, 1))
    with pytest.raises(ModelError, match="exactly two states that are not third parties; this scenario has 3"):
        doctrine_metagame(Scenario(states=("A", "B", "C")), ["grim"])


def test_default_doctrines_drop_levers_and_duplicates():
    sc = Scenario(deterrence=(Entry("grim"), Entry("tit-for-tat")),
                  norms=(parse_entry("consult+channel"), parse_entry("consult+channel+audit"), Entry("grim")))
    assert default_doctrines(sc) == (("grim", "tit-for-tat", "consult"), ())


class _Tuned:
    """What resolve_best returns, as far as the meta-game reads it."""

    def __init__(self, doctrine):
        self.doctrine, self.note = doctrine, "stub note"


@pytest.fixture
def fake_best(monkeypatch):
    """resolve_best replaced by a stub that records its entries and plays generosity 1/2 (or phi 1/2)."""
    calls = []

    def fake(scenario, entry):
        calls.append(entry)
        return _Tuned(entry.with_parameter(F(1, 2)))

    monkeypatch.setattr(meta_module, "resolve_best", fake)
    return calls


@pytest.fixture
def no_tuning(monkeypatch):
    def fail(scenario, entry):
        pytest.fail(f"{entry.label} was tuned before the meta-game was refused")

    monkeypatch.setattr(meta_module, "resolve_best", fail)


def test_best_is_tuned_once_with_every_lever_and_noted_first(fake_best):
    sc = Scenario(deterrence=(Entry("grim"),),
                  norms=(Entry("generous:best"), parse_entry("generous:best+channel"), parse_entry("wsls+audit")))
    assert sc.levers == ("channel", "audit")
    meta = scenario_metagame(sc, times=(0, 1))
    # one tuning for the two entries, in the game every match is played in: every lever the scenario has
    assert fake_best == [Entry("generous:best", ("channel", "audit"))]
    assert meta.doctrines == ("grim", "generous:1/2", "wsls")
    where = "played as generous:1/2 (tuned with channel and audit, as every match is played): stub note"
    assert meta.notes[:2] == (f"generous:best {where}", f"generous:best+channel {where}")
    # the rest is the meta-game of the resolved names
    assert meta.payoffs == doctrine_metagame(sc, ["grim", "generous:1/2", "wsls"], times=(0, 1)).payoffs


def test_given_names_keep_their_order_and_without_best_nothing_is_tuned(fake_best):
    # without audits the scenario has one lever, the channel, and :best is tuned with it alone
    sc = Scenario(values=(("audit", 0),))
    meta = scenario_metagame(sc, ["forgiving-trigger:best", Entry("always-attack")], times=(0,))
    assert fake_best == [Entry("forgiving-trigger:best", ("channel",))]
    assert meta.doctrines == ("forgiving-trigger:1/2", "always-attack")
    assert meta.notes[0] == ("forgiving-trigger:best played as forgiving-trigger:1/2 (tuned with channel, as every "
                             "match is played): stub note")
    plain = scenario_metagame(BARE, ["always-attack", "always-restrain"], times=(0,))
    assert len(fake_best) == 1 and plain.notes == ()
    assert [[str(v) for v in row] for row in plain.payoffs[0]] == [[str(P), str(T)], [str(S), str(R)]]


@pytest.mark.parametrize("scenario, entries, message", [
    (Scenario(states=("A", "B", "C")), None, "exactly two states that are not third parties; this scenario has 3"),
    (Scenario(states=("A", "B", "C")), ["generous:best"], "exactly two states"),
    (Scenario(), ["generous:best", "nope"], "unknown strategy 'nope'"),
    (Scenario(), ["generous:best", "consult+channel"], "give the doctrine without levers"),
    (Scenario(), ["generous:best+channel"], "give the doctrine without levers"),
    (Scenario(), [parse_entry("generous:best+channel")], "give the doctrine without levers"),
    (Scenario(), ["generous:best", "generous:best"], "given twice"),
    (Scenario(), ["grim:best"], "have a parameter that ':best' can tune"),
    (Scenario(), [], "at least one doctrine"),
])
def test_limits_and_names_are_checked_before_any_tuning(no_tuning, scenario, entries, message):
    with pytest.raises(ModelError, match=message):
        scenario_metagame(scenario, entries)


def test_bad_times_are_refused_before_any_tuning(no_tuning):
    with pytest.raises(ModelError, match="increase strictly"):
        scenario_metagame(Scenario(), times=(5, 1))


def test_to_dict_is_json_with_exact_strings(bare_meta):
    doc = json.loads(json.dumps(bare_meta.to_dict()))
    assert doc["schema_version"] == 1 and doc["exact"] is True and doc["delta"] == "9/10"
    assert doc["doctrines"] == ["always-attack", "always-restrain", "grim"]
    assert doc["payoffs"][0][0][:2] == ["-2", "1"] and doc["payoffs"][1][2][0] == "-1358/829"
    assert doc["equilibria"][0]["mixtures"] == [{"always-attack": "1"}, {"always-attack": "1"}]
    assert doc["replicator"]["populations"] == ["both states"]


# -- the command ---------------------------------------------------------------------------------------------


def run(*args, input=None):
    group = DetenteGroup(name="detente", commands={"metagame": metagame})
    result = CliRunner().invoke(group, ["metagame", *args], input=input)
    assert "Traceback" not in result.output + result.stderr
    return result


def test_cli_json_and_text():
    res = run("catalog:cyber-scenario", "-d", "grim", "-d", "wsls", "--times", "0,10", "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["model"] == "catalog:cyber-scenario" and doc["doctrines"] == ["grim", "wsls"]
    assert doc["ppe_against_self"] == {"grim": True, "wsls": True}
    assert [r["time"] for r in doc["replicator"]["rows"]] == [0, 10]
    text = run("catalog:cyber-scenario", "-d", "grim", "-d", "wsls", "--float", "--digits", "3")
    assert text.exit_code == 0, text.stderr
    out = text.stdout
    assert out.startswith("Two rival states, murky attribution: doctrine meta-game, delta = 0.9\n(floating point")
    assert "Equilibria of the meta-game" in out and "Replicator dynamics, one population" in out
    assert "-0.971" in out and "~" not in out


def test_cli_default_scenario_is_noted():
    res = run("-d", "grim")
    assert res.exit_code == 0, res.stderr
    assert res.stderr.splitlines()[0] == "detente: note: no SCENARIO given, using catalog:cyber-scenario"


@pytest.mark.parametrize("args, message", [
    (["-d", "nope"], "detente: error: unknown strategy 'nope'"),
    (["-d", "consult+channel"], "detente: error: 'consult+channel': give the doctrine without levers"),
])
def test_cli_bad_doctrine_is_one_line_exit_1(args, message):
    res = run("catalog:cyber-scenario", *args)
    assert res.exit_code == 1 and res.stdout == ""
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)


def test_cli_refuses_three_states_before_tuning_best(no_tuning):
    # the catalog's three-player scenario has generous:best and forgiving-trigger:best among its norms
    assert any(e.tuned for e in load_scenario("catalog:volunteers-dilemma").norms)
    res = run("catalog:volunteers-dilemma")
    assert res.exit_code == 1 and res.stdout == ""
    assert res.stderr.splitlines() == ["detente: error: the meta-game needs exactly two states that are not third "
                                       "parties; this scenario has 3 (Ann, Bob, Cem)"]


def test_cli_refuses_three_states_and_bad_times(tmp_path):
    path = tmp_path / "three.toml"
    path.write_text('[scenario]\nstates = 3\n', encoding="utf-8")
    res = run(str(path), "-d", "grim")
    assert res.exit_code == 1
    assert res.stderr.splitlines() == ["detente: error: the meta-game needs exactly two states that are not third "
                                       "parties; this scenario has 3 (State A, State B, State C)"]
    bad = run("catalog:cyber-scenario", "-d", "grim", "--times", "5,1")
    assert bad.exit_code == 2 and "--times" in bad.stderr


def test_cli_sets_scenario_values_and_resolves_best():
    res = run("--set", "audit=0", "--set", "channel_cost=0", "-d", "always-attack", "-d", "always-restrain",
              "--delta", "1/2", "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["delta"] == "1/2" and doc["payoffs"][0] == [["-2", "1"], ["-3", "0"]]
    tuned = run("catalog:cyber-scenario", "-d", "generous:best", "-d", "grim", "--times", "0", "--json")
    assert tuned.exit_code == 0, tuned.stderr
    name = json.loads(tuned.stdout)["doctrines"][0]
    assert name.startswith("generous:") and name != "generous:best"
    # the note is in the JSON document as well as on stderr, and every note of the document reaches stderr
    notes = json.loads(tuned.stdout)["notes"]
    assert notes and notes[0].startswith(f"generous:best played as {name} (tuned with channel and audit, ")
    assert tuned.stderr.splitlines() == [f"detente: note: {text}" for text in notes]
    # tuned in the game the meta-game plays (every lever): generous is a PPE there at that generosity, only there
    sc = load_scenario("catalog:cyber-scenario")
    g = F(name.partition(":")[2])
    full = sc.model(sc.levers)
    assert evaluate(full, sc.seats(name), sc.value("delta"), exact=True).equilibrium.ppe
    assert not evaluate(full, sc.seats(f"generous:{g + F(1, 10**6)}"), sc.value("delta"), exact=True).equilibrium.ppe
    assert not evaluate(sc.model(()), sc.seats(name), sc.value("delta"), exact=True).equilibrium.ppe
