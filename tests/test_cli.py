"""The command line through click's CliRunner: output, JSON, exit codes, errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import models
from models import catalog
from models.formats import read_game
from solver.cli.app import main

README = Path(__file__).resolve().parent.parent / "README.md"


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert "Traceback" not in result.output + result.stderr
    return result


def test_every_command_has_help_and_appears_in_the_readme():
    readme = README.read_text()
    for name, command in main.commands.items():
        assert command.help, name
        res = run(name, "--help")
        assert res.exit_code == 0 and "Usage:" in res.output and name in res.output
        assert f"detente {name}" in readme, f"README lacks a tour of `detente {name}`"


def test_version():
    res = run("--version")
    assert res.exit_code == 0 and re.match(r"detente, version \d+\.\d+", res.output)


def test_solve_without_model_uses_the_cyber_game():
    res = run("solve")
    assert res.exit_code == 0
    assert "detente: note: no MODEL given, solving catalog:cyber" in res.stderr
    assert "Attack   Attack" in res.stdout and "Note" not in res.stderr


def test_solve_json_has_the_documented_shape():
    res = run("solve", "catalog:battle-of-the-sexes", "--json")
    assert res.exit_code == 0 and res.stderr == ""
    doc = json.loads(res.stdout)
    assert doc["schema_version"] == 1 and doc["exact"] is True and doc["degenerate"] is False
    assert doc["method"] == "enummixed"
    assert doc["players"] == ["Row", "Column"] and doc["actions"] == [["Bach", "Stravinsky"]] * 2
    assert {"profile": [["2/3", "1/3"], ["1/3", "2/3"]], "payoffs": ["2/3", "2/3"], "component": 1} \
        in doc["equilibria"]


def test_solve_float_json_uses_numbers():
    doc = json.loads(run("solve", "catalog:matching-pennies", "--float", "--json").stdout)
    assert doc["exact"] is False
    assert all(isinstance(p, float) for s in doc["equilibria"][0]["profile"] for p in s)
    assert doc["equilibria"][0]["profile"] == [[pytest.approx(0.5), pytest.approx(0.5)]] * 2


def test_solve_table_for_a_degenerate_game():
    res = run("solve", "catalog:degenerate")
    assert res.exit_code == 0
    assert "3 equilibria in 2 components; the game is degenerate." in res.stdout
    assert re.search(r"2\s+T\s+2/3 l \+ 1/3 r\s+3\s+3\s+0", res.stdout)


def test_solve_lemke_howson_and_pure():
    # Stag hunt, Row [[4, 0], [3, 3]] (symmetric). Dropping label 2 (Row's Hare) first makes Column's best reply
    # Hare (3 > 0 against Hare), and Row's best reply to Hare is Hare (3 > 0): the path ends at (Hare, Hare).
    res = run("solve", "catalog:stag-hunt", "--method", "lemke-howson", "--label", "2", "--json")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["equilibria"] == [{"profile": [["0", "1"], ["0", "1"]], "payoffs": ["3", "3"],
                                                     "component": None}]
    res = run("solve", "catalog:volunteers-dilemma")
    assert res.exit_code == 0 and "mixed equilibria of games with 3 players are not computed yet" in res.stderr
    assert "not computed" not in res.stdout


def test_verify_exit_codes():
    ok = run("verify", "catalog:battle-of-the-sexes", "--profile", "2/3,1/3;1/3,2/3")
    assert ok.exit_code == 0 and "Verdict: a Nash equilibrium" in ok.stdout
    bad = run("verify", "catalog:prisoners-dilemma", "--profile", "C;C")
    assert bad.exit_code == 3
    assert "Verdict: not a Nash equilibrium: Row can gain 2 by deviating." in bad.stdout
    doc = json.loads(run("verify", "catalog:prisoners-dilemma", "--profile", "C;C", "--json").stdout)
    assert doc["equilibrium"] is False and doc["max_regret"] == "2"


def test_analyze_json_sections():
    doc = json.loads(run("analyze", "catalog:prisoners-dilemma", "--json", "--weak").stdout)
    assert set(doc) == {"schema_version", "model", "exact", "players", "actions", "dominance", "pure_equilibria",
                        "minmax", "correlated"}
    assert [e["action"] for e in doc["dominance"]["strict"]["eliminated"]] == ["C", "C"]
    # by hand: D strictly dominates C, so each player's minmax (and maxmin) is P = 1, reached by D against D,
    # and (D, D) is the only pure equilibrium
    assert [(p["minmax"], p["maxmin"]) for p in doc["minmax"]["players"]] == [("1", "1"), ("1", "1")]
    assert [p["minmax_punishment"] for p in doc["minmax"]["players"]] == [[["0", "1"]], [["0", "1"]]]
    assert doc["pure_equilibria"] == [{"profile": [["0", "1"], ["0", "1"]], "payoffs": ["1", "1"], "component": None}]
    only = json.loads(run("analyze", "catalog:matching-pennies", "--only", "minmax", "--json").stdout)
    assert "dominance" not in only and only["minmax"]["value"] == "0"


def test_analyze_table():
    res = run("analyze", "catalog:rock-paper-scissors")
    assert res.exit_code == 0
    assert "Zero-sum (constant-sum) game: value 0 to Row" in res.stdout


def test_convert_and_catalog(tmp_path):
    out = tmp_path / "pd.nfg"
    res = run("convert", "catalog:prisoners-dilemma", str(out))
    assert res.exit_code == 0 and out.read_text().startswith('NFG 1 R "Prisoner\'s dilemma"')
    again = run("convert", "catalog:prisoners-dilemma", str(out))
    assert again.exit_code == 1
    assert again.stderr == f"detente: error: {out}: already exists; use --force to replace it\n"
    back = read_game(run("convert", str(out), "-", "--to", "json").stdout, "json")
    assert back == catalog.load("prisoners-dilemma").to_exact()  # through .nfg and back, nothing lost
    assert [a.tolist() for a in back.payoffs] == [[[3, 0], [5, 1]], [[3, 5], [0, 1]]]
    assert run("convert", str(out), "-").exit_code == 2
    listing = run("catalog")
    assert "catalog:prisoners-dilemma" in listing.stdout and "2x2x2" in listing.stdout
    shown = run("catalog", "stag-hunt")
    assert shown.stdout.startswith('title = "Stag hunt"')
    files = {p.stem for p in Path(models.__file__).parent.joinpath("games").glob("*.toml")}
    assert [m["name"] for m in json.loads(run("catalog", "--json").stdout)["models"]] == \
        [f"catalog:{stem}" for stem in sorted(files)]


def test_model_from_stdin():
    res = run("solve", "-", input='NFG 1 R "x" { "A" "B" } { 2 2 } 1 1 0 0 0 0 1 1')
    assert res.exit_code == 0 and "3 equilibria" in res.stdout
    piped = run("solve", "--json", input='NFG 1 R "x" { "A" "B" } { 2 2 } 1 1 0 0 0 0 1 1')
    assert piped.exit_code == 0 and piped.stderr == ""
    doc = json.loads(piped.stdout)
    # by hand: u(1, 1) = u(2, 2) = (1, 1), 0 elsewhere: the two pure matches and the uniform mix (payoff 1/2)
    assert doc["model"] == "-"
    assert sorted((e["profile"], e["payoffs"]) for e in doc["equilibria"]) == [
        ([["0", "1"], ["0", "1"]], ["1", "1"]), ([["1", "0"], ["1", "0"]], ["1", "1"]),
        ([["1/2", "1/2"], ["1/2", "1/2"]], ["1/2", "1/2"])]


@pytest.mark.parametrize("args,text,stderr", [
    (["solve", "{f}"], 'actions = [["C", "D"], ["C", "D"]]\n[payoffs]\nP1 = [[1, 2], [3]]\nP2 = [[1, 2], [3, 4]]\n',
     "detente: error: {f}: line 3: payoffs.P1[1]: expected 2 entries (one per action of player 2), got 1\n"),
    (["solve", "{f}"], 'NFG 1 R "t" { "1" "2" } { 2 2 }\n1 2 3\n',
     "detente: error: {f}: line 2: expected a payoff (profile 2 of 4), but the file ends (truncated?)\n"),
    (["verify", "{f}", "--profile", "1/2,1/3;1,0"],
     'actions = [["C", "D"], ["C", "D"]]\n[payoffs]\nP1 = [[1, 2], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n',
     "detente: error: --profile (player P1): probabilities sum to 5/6, not 1\n"),
])
def test_bad_input_is_one_line_and_exit_1(tmp_path, args, text, stderr):
    suffix = ".nfg" if text.startswith("NFG") else ".toml"
    path = tmp_path / f"model{suffix}"
    path.write_text(text)
    res = run(*[a.format(f=path) for a in args])
    assert res.exit_code == 1
    assert res.stderr == stderr.format(f=path)
    assert res.stdout == ""


@pytest.mark.parametrize("args,stderr", [
    (["solve", "catalog:nope"], "detente: error: unknown catalogue name 'nope'; known names: "),
    (["solve", "missing.toml"], "detente: error: missing.toml: no such file\n"),
    (["solve", "catalog:volunteers-dilemma", "--method", "enummixed"],
     "detente: error: method 'enummixed' needs a two-player game, this one has 3 players; use --method pure\n"),
    (["solve", "catalog:degenerate", "--method", "lemke-howson", "--label", "6"],
     "detente: error: label must be between 1 and 5 for a 3x2 game, got 6\n"),
    (["catalog", "nope"], "detente: error: unknown catalogue name 'nope'"),
])
def test_errors_exit_1(args, stderr):
    res = run(*args)
    assert res.exit_code == 1 and res.stderr.startswith(stderr) and res.stderr.count("\n") == 1


@pytest.mark.parametrize("args", [["solve", "--bogus"], ["verify", "catalog:cyber"], ["nope"],
                                  ["solve", "--method", "magic"], ["convert", "catalog:cyber"],
                                  ["solve", "--exact", "--float"], ["solve", "--csv", "--json"]])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_python_dash_m_solver():
    out = subprocess.run([sys.executable, "-m", "solver", "solve", "catalog:prisoners-dilemma", "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["equilibria"][0]["profile"] == [["0", "1"], ["0", "1"]]
