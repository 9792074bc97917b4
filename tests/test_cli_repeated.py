"""The repeated-game commands through CliRunner: output, JSON shape, errors, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from models.automata import automaton_from_mapping
from models.doctrines import doctrine
from models.formats import read_mapping
from solver.cli.app import main


def run(*args):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result


def test_repeated_json_has_the_documented_keys():
    res = run("repeated", "catalog:public-signal-pd", "--strategy", "grim", "--delta", "9/10", "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["exact"] is True and doc["delta"] == "9/10"
    # by hand: V = 3 + d (9/10 V + 1/10 * 1/(1 - d)) at d = 9/10 gives V = 390/19, i.e. 39/19 per period; grim ends
    # in war, (D, D) forever, with probability one, so the long-run average is P = 1
    assert doc["values"] == ["39/19", "39/19"] and doc["average"] == ["1", "1"]
    eq = doc["equilibrium"]
    assert eq["ppe"] is True and eq["nash"] is True and eq["max_gain"] == ["0", "0"] and eq["deviation"] is None
    # by hand: a bad signal comes under (C, C) with probability 1/10, and both attack from the next period on.
    # First attack: geometric with mean 10, plus one. Discounted share: (1 - d) sum_t d^t (1 - (9/10)^t)
    # = 1 - (1 - d) / (1 - 9d/10) = 1 - 10/19. War is absorbing and attacks in every period: endless (no episode
    # length), and nobody is punished while innocent in the long run.
    assert doc["metrics"] == {
        "attack_share_long_run": "1", "attack_share_discounted": "9/19", "periods_to_first_attack": "11",
        "p_never_attack": "0", "mean_conflict_length": None, "p_permanent_conflict": "1",
        "innocent_punishments_per_100": "0", "p_episodic_conflict": "0", "p_endless_conflict": "1"}


def test_repeated_reports_the_profitable_deviation():
    res = run("repeated", "catalog:prisoners-dilemma", "-s", "grim", "--delta", "2/5", "--json")
    dev = json.loads(res.stdout)["equilibrium"]["deviation"]
    assert dev == {"player": "Row", "state": "peace / peace", "action": "D", "gain": "2/5"}
    table = run("repeated", "catalog:prisoners-dilemma", "-s", "grim", "--delta", "2/5")
    assert "Not a PPE: Row gains 2/5 by playing D in joint state peace / peace." in table.stdout


def test_repeated_default_model_and_overrides():
    res = run("repeated", "-s", "tit-for-tat", "--false-flag", "0", "--detection", "1", "--json")
    assert res.exit_code == 0 and "using catalog:cyber" in res.stderr
    doc = json.loads(res.stdout)
    assert doc["monitoring"]["false_flag"] == 0 and doc["metrics"]["attack_share_long_run"] == 0.0
    two = run("repeated", "catalog:prisoners-dilemma", "-s", "grim", "-s", "always-attack", "--delta", "1/2",
              "--tremble", "1/10", "--delay", "1", "--json")
    doc = json.loads(two.stdout)
    assert doc["strategies"] == ["grim", "always-attack"] and doc["monitoring"]["delay"] == 1


def test_deltas_json_and_table():
    doc = json.loads(run("deltas", "catalog:prisoners-dilemma", "-s", "grim", "--json").stdout)
    assert doc["ppe"] == [["1/2", "1"]] and doc["nash"] == [["1/2", "1"]]
    out = run("deltas", "catalog:prisoners-dilemma", "-s", "tit-for-tat").stdout
    assert "Perfect public equilibrium for delta in: none" in out and "Nash equilibrium for delta in: [2/3, 1)" in out


def test_simulate_is_reproducible():
    a = run("simulate", "-s", "tit-for-tat", "--periods", "30", "--seed", "5", "--tremble", "0.1")
    b = run("simulate", "-s", "tit-for-tat", "--periods", "30", "--seed", "5", "--tremble", "0.1")
    assert a.exit_code == 0 and a.stdout == b.stdout
    doc = json.loads(run("simulate", "-s", "grim", "--periods", "3", "--json").stdout)
    assert [p["period"] for p in doc["periods"]] == [1, 2, 3] and doc["seed"] == 1
    timelines = {}
    for seed in ("1", "2"):
        doc = json.loads(run("simulate", "catalog:cyber", "-s", "grim", "--periods", "40", "--seed", seed,
                             "--json").stdout)
        periods = doc["periods"]
        timelines[seed] = [(p["actual"], p["signal"]) for p in periods]
        # grim's definition: restrain until some signal blames anyone (delay 0), then attack forever
        assert periods[0]["intended"] == ["Restrain", "Restrain"]
        for t, period in enumerate(periods):
            blamed = any(p["signal"] != "clear,clear" for p in periods[:t])
            assert period["intended"] == (["Attack", "Attack"] if blamed else ["Restrain", "Restrain"]), t
        assert any(p["intended"] == ["Attack", "Attack"] for p in periods)  # a blame occurred: the check bit
    assert timelines["1"] != timelines["2"]  # the seed is used


def test_doctrines_listing_and_automaton():
    listing = run("doctrines").stdout
    assert "forgiving-trigger:PHI" in listing and "consult" in listing
    shown = run("doctrines", "punish:2").stdout
    table = read_mapping(shown, "toml")["strategies"]["punish:2"]
    assert automaton_from_mapping("punish:2", table) == doctrine("punish:2")
    # and the definition itself: peace -> punish1 on a blame on the other, then punish2, then back to peace
    assert table["initial"] == "peace"
    assert table["states"] == {"peace": {"play": "@restrain", "on": {"other-blamed": "punish1"}},
                               "punish1": {"play": "@attack", "on": {"always": "punish2"}},
                               "punish2": {"play": "@attack", "on": {"always": "peace"}}}


@pytest.mark.parametrize("args,stderr", [
    (["repeated", "catalog:prisoners-dilemma", "-s", "grim"],
     "detente: error: give --delta: the model sets no [repeated] delta\n"),
    (["repeated", "catalog:cyber", "-s", "gentle"], "detente: error: unknown strategy 'gentle'; library doctrines: "),
    (["deltas", "catalog:cyber", "-s", "grim", "-s", "grim", "-s", "grim"],
     "detente: error: expected one --strategy for every player or 2"),
    (["simulate", "catalog:volunteers-dilemma", "-s", "punish:0"],
     "detente: error: punish:K needs a whole number of periods 1 <= K <= 1000, got '0'\n"),
])
def test_errors_are_one_line_exit_1(args, stderr):
    res = run(*args)
    assert res.exit_code == 1 and res.stderr.startswith(stderr) and res.stderr.count("\n") == 1


def test_bad_strategy_in_a_file_names_file_and_line(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('actions = [["C", "D"], ["C", "D"]]\n[payoffs]\nP1 = [[3, 0], [5, 1]]\nP2 = [[3, 5], [0, 1]]\n'
                    '[strategies.s]\ninitial = "a"\nstates.a = { play = "C", on = { clear = "b" } }\n')
    res = run("repeated", str(path), "-s", "s", "--delta", "1/2")
    assert res.exit_code == 1
    assert res.stderr == f"detente: error: {path}: line 7: strategies.s.states.a.on.clear: unknown state 'b'; " \
                         "states are a\n"


@pytest.mark.parametrize("args,error", [
    (["repeated", "catalog:cyber", "-s", "grim", "--delta", "1"],
     "detente: error: --delta: the discount factor must be in [0, 1), got 1\n"),
    (["repeated", "catalog:cyber", "-s", "grim", "--detection", "1.5"],
     "detente: error: --detection: expected a probability in [0, 1], got 1.5\n"),
])
def test_option_values_wrong_on_their_own_are_usage_errors(args, error):
    res = run(*args)
    assert res.exit_code == 2 and res.stderr == error and res.stdout == ""


def test_strategy_is_required():
    assert run("repeated", "catalog:cyber").exit_code == 2


def test_deltas_decimals_prints_exact_endpoints_as_marked_decimals():
    # grim on catalog:cyber is a PPE from 400/931 on; --decimals was accepted and ignored before
    plain = CliRunner().invoke(main, ["deltas", "catalog:cyber", "-s", "grim"])
    assert "Perfect public equilibrium for delta in: [400/931, 1)" in plain.stdout
    dec = CliRunner().invoke(main, ["deltas", "catalog:cyber", "-s", "grim", "--decimals"])
    assert dec.exit_code == 0
    assert f"Perfect public equilibrium for delta in: [~{400 / 931:.10g}, 1)" in dec.stdout
