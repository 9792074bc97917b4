"""How the command line behaves as a Unix tool: streams, standard input, exit codes, number display.

Issue 6: notes on stderr, a piped model is read, no tracebacks for a missing MODEL, a full disk or
Ctrl-C, bad option values of one kind exit the same way, exact values shown readably.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from solver.cli.app import main

README = Path(__file__).resolve().parent.parent / "README.md"
COORDINATION = 'NFG 1 R "x" { "A" "B" } { 2 2 } 1 1 0 0 0 0 1 1'


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert "Traceback" not in result.output + result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def run_process(*args: str, stdin: str | None = None, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "solver", *args], input=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120)


# --- notes on stderr, results on stdout ------------------------------------------------------------

NOTE_CASES = [
    (["solve", "catalog:volunteers-dilemma"], True),  # N > 2: mixed equilibria not computed
    (["solve", "catalog:degenerate"], True),
    (["solve", "catalog:stag-hunt", "--method", "lemke-howson", "--label", "3"], True),
    (["solve", "catalog:volunteers-dilemma", "--csv"], True),
    (["solve", "catalog:volunteers-dilemma", "--json"], True),
    (["analyze", "catalog:prisoners-dilemma"], False),
    (["verify", "catalog:prisoners-dilemma", "--profile", "D;D"], False),
    (["repeated", "catalog:prisoners-dilemma", "-s", "grim", "--delta", "1/2", "--delay", "1"], False),
    (["deltas", "catalog:prisoners-dilemma", "-s", "grim", "--delay", "1"], False),
    (["simulate", "catalog:prisoners-dilemma", "-s", "grim", "--detection", "9/10", "--periods", "3"], True),
    (["convert", "catalog:cyber", "-", "--to", "nfg"], True),
    (["catalog"], False),
    (["doctrines"], False),
    (["compare"], True),  # the default scenario is named on stderr
    (["intervals", "-s", "grim", "--over", "detection"], True),
    (["metagame", "-d", "grim", "-d", "always-attack"], True),
    (["sweep", "--grid", "detection=0.5,1", "--out", "sweep.csv", "-j", "1"], True),  # writes its file only
]
#: Commands whose result is a file: stdout stays empty.
FILE_RESULTS = {"sweep"}


def test_the_note_cases_cover_every_command():
    assert {args[0] for args, _ in NOTE_CASES} == set(main.commands)


@pytest.mark.parametrize("args,has_notes", NOTE_CASES, ids=[" ".join(a) for a, _ in NOTE_CASES])
def test_notes_go_to_stderr_and_results_to_stdout(args, has_notes, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run(*args)
    assert res.exit_code == 0, res.stderr
    if args[0] in FILE_RESULTS:
        assert res.stdout == "" and (tmp_path / args[args.index("--out") + 1]).stat().st_size > 0
    else:
        assert res.stdout.strip(), "a result on stdout"
    assert not re.search(r"\bnote\b", res.stdout, re.IGNORECASE), res.stdout
    assert ("detente: note: " in res.stderr) == has_notes
    assert all(line.startswith("detente: ") for line in res.stderr.splitlines())


def test_the_same_note_reaches_stderr_once():
    res = run("solve", "catalog:stag-hunt", "--method", "lemke-howson", "--label", "3")
    assert res.stderr == "detente: note: one equilibrium, reached by dropping label 3\n"


# --- standard input ------------------------------------------------------------------------------


def test_a_piped_model_is_solved_not_the_default():
    # a real pipe, as in `cat game.nfg | detente solve --json`
    out = run_process("solve", "--json", stdin=COORDINATION)
    assert out.returncode == 0 and out.stderr == ""
    doc = json.loads(out.stdout)
    assert doc["model"] == "-"
    # the coordination game has exactly two pure equilibria and one mixed (1/2, 1/2)
    assert [e["profile"] for e in doc["equilibria"]] == [[["1", "0"], ["1", "0"]], [["1/2", "1/2"]] * 2,
                                                         [["0", "1"], ["0", "1"]]]


def test_the_json_names_the_model(tmp_path):
    path = tmp_path / "g.nfg"
    path.write_text(COORDINATION)
    assert json.loads(run("solve", str(path), "--json").stdout)["model"] == str(path)
    assert json.loads(run("solve", "catalog:stag-hunt", "--json").stdout)["model"] == "catalog:stag-hunt"
    default = run("solve", "--json")  # empty standard input: the built-in default, said on stderr
    assert json.loads(default.stdout)["model"] == "catalog:cyber"
    assert default.stderr == "detente: note: no MODEL given, solving catalog:cyber\n"
    doc = json.loads(run("repeated", "-s", "grim", "--delta", "1/2", "--json", input="").stdout)
    assert list(doc)[:2] == ["schema_version", "model"] and doc["model"] == "catalog:cyber"


def test_a_piped_repeated_model_is_read():
    text = ('actions = [["C", "D"], ["C", "D"]]\n[payoffs]\nP1 = [[3, 0], [5, 1]]\nP2 = [[3, 5], [0, 1]]\n'
            '[repeated]\ndelta = "1/2"\n')
    res = run("repeated", "-s", "grim", "--json", input=text)
    doc = json.loads(res.stdout)
    # grim in this prisoner's dilemma: cooperation forever is worth 3 to each
    assert res.exit_code == 0 and doc["model"] == "-" and doc["values"] == ["3", "3"]


# --- no tracebacks ------------------------------------------------------------------------------


def test_analyze_without_model_uses_the_default():
    res = run("analyze", "--only", "pure", "--json")
    assert res.exit_code == 0 and res.stderr == "detente: note: no MODEL given, analysing catalog:cyber\n"
    # in the one-shot cyber game attack strictly dominates restraint: (Attack, Attack) is the one pure equilibrium
    assert [e["profile"] for e in json.loads(res.stdout)["pure_equilibria"]] == [[["0", "1"], ["0", "1"]]]


def test_verify_without_model_checks_the_default():
    ok = run("verify", "--profile", "Attack;Attack")
    assert ok.exit_code == 0 and "Verdict: a Nash equilibrium" in ok.stdout
    bad = run("verify", "--profile", "a;b")
    assert bad.exit_code == 1 and bad.stdout == ""
    assert bad.stderr.splitlines()[-1].startswith("detente: error: --profile (player State A): ")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["solve", "catalog:cyber"], ["convert", "catalog:cyber", "-", "--to", "json"],
                                  ["--help"], ["--version"], ["solve", "--help"]])
def test_a_full_disk_is_one_line_and_exit_1(args):
    with open("/dev/full", "w") as full:
        out = run_process(*args, stdout=full)
    assert out.returncode == 1
    assert out.stderr == "detente: error: cannot write the output: No space left on device\n"


def test_bare_detente_prints_the_help_and_a_mistyped_name_says_no_such_file():
    bare = run()
    assert bare.exit_code == 2 and "Usage: " in bare.stderr and "[OPTIONS] COMMAND [ARGS]" in bare.stderr
    assert "Commands:" in bare.stderr and "\n  solve " in bare.stderr  # the help as click lays it out
    missing = run("solve", "no-such-game")
    assert missing.exit_code == 1 and missing.stderr == "detente: error: no-such-game: no such file\n"
    empty = run("solve", "")
    assert empty.exit_code == 1 and "MODEL argument is empty" in empty.stderr


def test_ctrl_c_exits_130_with_one_line(monkeypatch):
    import solver.cli.stage

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(solver.cli.stage, "nash_equilibria", interrupted)
    res = run("solve", "catalog:cyber")
    assert res.exit_code == 130 and res.stdout == "" and res.stderr == "\ndetente: interrupted\n"


# --- exit codes of bad option values ---------------------------------------------------------------

REPEATED = ["repeated", "catalog:prisoners-dilemma", "-s", "grim"]


@pytest.mark.parametrize("args,option", [
    (REPEATED + ["--delta", "-1"], "--delta"),
    (REPEATED + ["--delta", "1"], "--delta"),
    (REPEATED + ["--delta", "half"], "--delta"),
    (REPEATED + ["--delta", "1/2", "--delay", "-1"], "--delay"),
    (REPEATED + ["--delta", "1/2", "--detection", "1.5"], "--detection"),
    (REPEATED + ["--delta", "1/2", "--false-flag", "-1/10"], "--false-flag"),
    (REPEATED + ["--delta", "1/2", "--tremble", "lots"], "--tremble"),
    (["simulate", "-s", "grim", "--periods", "0"], "--periods"),
    (["simulate", "-s", "grim", "--seed", "-1"], "--seed"),
    (["solve", "--digits", "0"], "--digits"),
    (["solve", "--label", "0"], "--label"),
])
def test_bad_option_values_are_usage_errors(args, option):
    res = run(*args)
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.startswith(f"detente: error: {option}: ") and res.stderr.count("\n") == 1, res.stderr


@pytest.mark.parametrize("args,stderr", [
    (["--bogus"], "detente: error: No such option '--bogus' (see `detente --help`)\n"),
    (["nope"], "detente: error: No such command 'nope' (see `detente --help`)\n"),
    (["repeated", "catalog:cyber"],
     "detente: error: Missing option '--strategy' / '-s' (see `detente repeated --help`)\n"),
    (["solve", "--method", "magic"],
     "detente: error: --method: 'magic' is not one of 'auto', 'enummixed', 'lemke-howson', 'pure'\n"),
])
def test_usage_errors_are_one_line(args, stderr):
    res = run(*args)
    assert res.exit_code == 2 and res.stderr == stderr and res.stdout == ""


def test_values_that_do_not_fit_the_model_are_bad_input():
    res = run("solve", "catalog:degenerate", "--method", "lemke-howson", "--label", "6")
    assert res.exit_code == 1
    res = run("repeated", "catalog:prisoners-dilemma", "-s", "grim")
    assert res.exit_code == 1 and res.stderr == "detente: error: give --delta: the model sets no [repeated] delta\n"


def test_exact_and_float_exclude_each_other():
    res = run("solve", "catalog:cyber", "--exact", "--float")
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr == ("detente: error: --exact and --float exclude each other; give one of them "
                          "(see `detente solve --help`)\n")
    assert json.loads(run("solve", "catalog:cyber", "--float", "--json").stdout)["exact"] is False
    assert json.loads(run("solve", "catalog:cyber", "--exact", "--json").stdout)["exact"] is True


def test_catalog_name_json_is_a_json_model_that_solves_the_same(tmp_path):
    res = run("catalog", "battle-of-the-sexes", "--json")
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc["format"] == "detente-model"
    path = tmp_path / "bos.json"
    path.write_text(res.stdout)
    mine = json.loads(run("solve", str(path), "--json").stdout)
    theirs = json.loads(run("solve", "catalog:battle-of-the-sexes", "--json").stdout)
    assert mine.pop("model") == str(path) and theirs.pop("model") == "catalog:battle-of-the-sexes"
    assert mine == theirs


# --- numbers and labels in tables ---------------------------------------------------------------

# T/B against L/R with (T, L) worth (a, c) and (B, R) worth (b, d), zero elsewhere: the mixed equilibrium
# has Row playing T with probability d/(c+d) and Column playing L with b/(a+b) (indifference conditions).
A, B, C, D = 1000003, 999983, 999979, 1000033
BIG = (f'NFG 1 R "Primes" {{ "Row" "Column" }} {{ {{ "T" "B" }} {{ "L" "R" }} }}\n'
       f"{A} {C} 0 0 0 0 {B} {D}\n")


def test_long_exact_fractions_are_rounded_and_marked(tmp_path):
    path = tmp_path / "primes.nfg"
    path.write_text(BIG)
    p, q = Fraction(D, C + D), Fraction(B, A + B)
    res = run("solve", str(path))
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0] == "Primes (2x2, exact arithmetic; ~ marks values rounded to 6 significant digits)"
    mixed = f"~{float(p):.6g} T + ~{float(1 - p):.6g} B  ~{float(q):.6g} L + ~{float(1 - q):.6g} R"
    assert mixed in res.stdout
    assert max(map(len, lines)) < 120
    # --json keeps the exact fractions
    doc = json.loads(run("solve", str(path), "--json").stdout)
    assert [[str(p), str(1 - p)], [str(q), str(1 - q)]] in [e["profile"] for e in doc["equilibria"]]
    # more digits on request
    assert f"~{float(p):.12g} T" in run("solve", str(path), "--digits", "12").stdout


def test_decimals_show_every_exact_value_as_a_decimal():
    res = run("solve", "catalog:battle-of-the-sexes", "--decimals")
    assert res.exit_code == 0
    assert res.stdout.splitlines()[0].endswith("(2x2, exact arithmetic; ~ marks values rounded to 6 significant "
                                                "digits)")
    assert "~0.666667 Bach + ~0.333333 Stravinsky" in res.stdout
    assert "2/3" not in res.stdout
    short = run("solve", "catalog:battle-of-the-sexes", "--decimals", "--digits", "3").stdout
    assert "~0.667 Bach + ~0.333 Stravinsky" in short
    # without --decimals short fractions stay fractions and the heading says nothing is rounded
    plain = run("solve", "catalog:battle-of-the-sexes").stdout
    assert plain.splitlines()[0].endswith(") (2x2, exact arithmetic)") and "~" not in plain


def test_numeric_labels_are_bracketed():
    # Gambit's count form labels the actions 1 and 2
    res = run("solve", "-", input=COORDINATION)
    assert res.exit_code == 0
    assert "1/2 [1] + 1/2 [2]  1/2 [1] + 1/2 [2]" in res.stdout


def test_csv_is_gambits_format():
    res = run("solve", "catalog:battle-of-the-sexes", "--csv")
    # Battle of the sexes: (Bach, Bach), (Stravinsky, Stravinsky) and the mix (2/3, 1/3; 1/3, 2/3)
    assert res.exit_code == 0 and res.stderr == ""
    assert res.stdout == "NE,1,0,1,0\nNE,2/3,1/3,1/3,2/3\nNE,0,1,0,1\n"
    assert run("solve", "catalog:battle-of-the-sexes", "--csv", "--decimals", "--digits", "4").stdout \
        == "NE,1,0,1,0\nNE,0.6667,0.3333,0.3333,0.6667\nNE,0,1,0,1\n"


def test_csv_keeps_long_fractions_exact(tmp_path):
    path = tmp_path / "primes.nfg"
    path.write_text(BIG)
    p, q = Fraction(D, C + D), Fraction(B, A + B)
    assert f"NE,{p},{1 - p},{q},{1 - q}\n" in run("solve", str(path), "--csv").stdout


@pytest.mark.parametrize("strategies,text", [
    # grim against a player who always attacks: grim punishes forever, an attack in every period
    (["grim", "always-attack"], "endless (conflict never stops once it starts)"),
    # grim against grim under perfect monitoring: nobody ever attacks
    (["grim"], "no conflict in the long run"),
])
def test_a_missing_conflict_length_says_why(strategies, text):
    args = ["repeated", "catalog:prisoners-dilemma", "--delta", "1/2"] + [a for s in strategies for a in ("-s", s)]
    res = run(*args)
    assert res.exit_code == 0
    assert re.search(rf"mean length of a conflict episode +{re.escape(text)}$", res.stdout, re.M)
    doc = json.loads(run(*args, "--json").stdout)["metrics"]
    assert doc["mean_conflict_length"] is None


# --- help and README ------------------------------------------------------------------------------


def test_every_command_and_option_has_help_and_a_place_in_the_readme():
    readme = README.read_text()
    for name, command in main.commands.items():
        assert command.help and command.short_help != "", name
        assert re.search(rf"^### `detente {name}`", readme, re.M), f"README has no section for `detente {name}`"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts[0]} has no help text"
                assert any(opt in readme for opt in param.opts), f"README never mentions {name} {param.opts[0]}"


@pytest.mark.parametrize("bad,option", [
    (("--set", "detection=2"), "--set detection"), (("--detection", "2"), "--detection"),
    (("--set", "delta=1"), "--set delta"), (("--delta", "1"), "--delta"),
    (("--set", "tremble=2"), "--set tremble"), (("--tremble", "2"), "--tremble"),
    (("--set", "gain=1/0"), "--set gain"), (("--set", "delay=x"), "--set delay"),
    (("--set", "nosuch=1"), "--set nosuch"),
])
def test_a_bad_scenario_value_is_a_usage_error_naming_the_option_typed(bad, option):
    # the same bad value gets the same exit code whether it comes through --set or a shortcut
    res = run("compare", *bad)
    assert res.exit_code == 2, res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("detente: error:")]
    assert len(errors) == 1 and option in errors[0] and "scenario." not in errors[0]


@pytest.mark.parametrize("span", ["1:0", "a:b", "-5:5"])
def test_a_bad_range_is_a_usage_error_however_it_is_bad(span):
    res = run("intervals", "-s", "grim", "--over", "gain", "--range", span)
    assert res.exit_code == 2, res.stderr
    assert "'--range'" in res.stderr.strip().splitlines()[-1]
