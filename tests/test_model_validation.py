"""Models are validated on construction, frozen for real, and read and written safely.

Covers the Python API (not only files): discount factors, clarification costs,
monitoring tables, mixed profiles; read-only arrays in compiled structures;
the one probability tolerance of :mod:`models`; byte-order marks, standard
input, Gambit's empty and repeated labels; and how output files are written
(permissions, symbolic links, folders, devices, a full disk).
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import sys
from fractions import Fraction as F
from pathlib import Path

import pytest

import models
from models import catalog
from models.automata import Automaton, bind
from models.doctrines import doctrine
from models.errors import ModelError, ParseError
from models.formats import read_game
from models.loader import load_game, load_repeated, write_text
from models.mixed_profile import check_profile, parse_profile
from models.monitoring import (
    AttributionMonitoring,
    Clarification,
    PerfectMonitoring,
    TableMonitoring,
    signal_structure,
)
from models.numbers import PROBABILITY_SUM_TOL, sums_to_one
from models.repeated import RepeatedModel

PD = catalog.load("prisoners-dilemma")
HEAD = 'actions = [["C", "D"], ["C", "D"]]\n[payoffs]\nP1 = [[3, 0], [5, 1]]\nP2 = [[3, 5], [0, 1]]\n'


def raises_on(field: str, fragment: str):
    """Context manager: a ModelError whose field is ``field`` and whose message holds ``fragment``."""
    return pytest.raises(ModelError, match=re.escape(f"{field}: ") + ".*" + re.escape(fragment))


# -- validated on construction ------------------------------------------------------------------------------

@pytest.mark.parametrize("delta", [5, -1, 1, F(3, 2), float("nan"), "x", True])
def test_repeated_model_refuses_a_discount_factor_outside_0_1(delta):
    with pytest.raises(ModelError) as info:
        RepeatedModel(PD, delta=delta)
    assert info.value.field == "repeated.delta"


def test_repeated_model_reads_a_discount_factor_like_a_file_does():
    assert RepeatedModel(PD, delta="1/2").delta == F(1, 2)
    assert RepeatedModel(PD, delta=0).delta == 0 and RepeatedModel(PD, delta=0.9).delta == 0.9


@pytest.mark.parametrize("kwargs,field,fragment", [
    ({"effectiveness": F(1, 2), "deception": 0, "cost": -1}, "monitoring.clarification.cost", "must be >= 0"),
    ({"effectiveness": F(3, 2), "deception": 0}, "monitoring.clarification.effectiveness", "probability"),
    ({"effectiveness": 0, "deception": float("nan")}, "monitoring.clarification.deception", "finite"),
    ({"effectiveness": 0, "deception": 0, "cost": float("inf")}, "monitoring.clarification.cost", "finite"),
])
def test_clarification_is_validated(kwargs, field, fragment):
    with raises_on(field, fragment):
        Clarification(**kwargs)


@pytest.mark.parametrize("kwargs,field,fragment", [
    ({"detection": float("nan")}, "monitoring.detection", "finite"),  # NaN compares false with everything
    ({"false_flag": -0.1}, "monitoring.false_flag", "probability"),
    ({"tremble": "2"}, "monitoring.tremble", "probability"),
    ({"delay": -1}, "monitoring.delay", "whole number"),
    ({"hostile": "D"}, "monitoring.hostile", "list of action labels"),
])
def test_attribution_monitoring_is_validated(kwargs, field, fragment):
    with raises_on(field, fragment):
        AttributionMonitoring(**kwargs)


def test_monitoring_numbers_are_read_like_file_numbers():
    m = AttributionMonitoring(detection="9/10", false_flag=0)
    assert m.detection == F(9, 10) and isinstance(m.false_flag, F)
    assert m == AttributionMonitoring(detection=F(9, 10))


ROWS = (("C,C", (1, 0)), ("C,D", (0, 1)), ("D,C", (0, 1)))


@pytest.mark.parametrize("kwargs,field,fragment", [
    ({"signals": ("g", "b"), "rows": ROWS + (("D,D", (F(1, 2), F(1, 3))),)}, "monitoring.table.D,D",
     "probabilities sum to 5/6, not 1"),
    ({"signals": ("g", "b"), "rows": ROWS + (("D,D", (0.5, 0.4)),)}, "monitoring.table.D,D",
     "probabilities sum to 0.9, not 1"),
    ({"signals": ("g", "b"), "rows": ROWS + (("D,D", (1,)),)}, "monitoring.table.D,D", "expected 2 probabilities"),
    ({"signals": ("g", "b"), "rows": ROWS + (("D,D", (2, -1)),)}, "monitoring.table.D,D", "probability in [0, 1]"),
    ({"signals": ("g", "g"), "rows": ROWS}, "monitoring.signals", "duplicate signal label 'g'"),
    ({"signals": (), "rows": ROWS}, "monitoring.signals", "non-empty list"),
    ({"signals": ("g", "b"), "rows": ROWS, "blames": (("x", ("P1",)),)}, "monitoring.blames.x", "unknown signal"),
])
def test_table_monitoring_is_validated_without_a_game(kwargs, field, fragment):
    with raises_on(field, fragment):
        TableMonitoring(**kwargs)


def test_repeated_model_checks_its_monitoring_against_the_game():
    with raises_on("monitoring.hostile", "unknown action 'Attack'"):
        RepeatedModel(PD, AttributionMonitoring(hostile=("Attack",)))
    table = TableMonitoring(signals=("g", "b"), rows=ROWS)
    with raises_on("monitoring.table", "no row for profile 'D,D'"):
        RepeatedModel(PD, table)
    full = TableMonitoring(signals=("g", "b"), rows=ROWS + (("D,D", (0, 1)),), blames=(("b", ("Eve",)),))
    with raises_on("monitoring.blames.b", "unknown player 'Eve'"):
        RepeatedModel(PD, full)
    with raises_on("game", "expected a StageGame"):
        RepeatedModel("prisoners-dilemma")  # type: ignore[arg-type]


def test_repeated_model_strategies_are_distinct_and_do_not_shadow_the_library():
    mine = Automaton("calm", ("a",), (("a", F(1)),), ((("C", F(1)),),), ((),))
    with raises_on("strategies.calm", "two strategies named 'calm'"):
        RepeatedModel(PD, strategies=(("calm", mine), ("calm", mine)))
    for name in ("grim", "punish:3", "generous:1/2", "consult"):
        with raises_on(f"strategies.{name}", "shadows the library doctrine of that name; rename it"):
            RepeatedModel(PD, strategies=((name, mine),))
    assert RepeatedModel(PD, strategies={"calm": mine}).strategy("calm") is mine


def test_a_file_strategy_named_like_a_doctrine_is_refused_with_file_and_line(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(HEAD + '[strategies.grim]\ninitial = "a"\nstates.a = { play = "C" }\n')
    with pytest.raises(ModelError) as info:
        load_repeated(str(path))
    assert str(info.value) == (f"{path}: line 5: strategies.grim: strategy 'grim' shadows the library doctrine "
                               "of that name; rename it")


@pytest.mark.parametrize("profile,fragment", [
    ([[1, 0]], "expected 2 strategies (one per player), got 1"),
    ([[1, 0], [1, 0], [1, 0]], "expected 2 strategies"),
    ([[1, 0, 0], [1, 0]], "expected 2 probabilities (one per action: C, D), got 3"),
    ([[F(1, 2), F(1, 3)], [1, 0]], "probabilities sum to 5/6, not 1"),
    ([[0.5, 0.4], [1, 0]], "probabilities sum to 0.9, not 1"),
    ([[2, -1], [1, 0]], "probability -1 is negative"),
    ([[1, 0], ["x", 1]], "expected a number"),
    ("1,0;0,1", "expected one probability list per player"),
])
def test_a_python_profile_is_validated(profile, fragment):
    with pytest.raises(ModelError, match=re.escape(fragment)):
        check_profile(profile, PD)


def test_check_profile_agrees_with_parse_profile():
    assert check_profile([["1/3", "2/3"], [0, 1]], PD) == parse_profile("1/3,2/3;D", PD)


# -- frozen for real ------------------------------------------------------------------------------------------

def test_signal_structures_are_read_only():
    for monitoring in (PerfectMonitoring(), AttributionMonitoring(detection=F(9, 10))):
        s = signal_structure(PD, monitoring)
        with pytest.raises(ValueError, match="read-only"):
            s.prob[0, 0, 0] = F(1, 2)
        assert s.prob[0, 0, 0] != F(1, 2)


def test_bound_automata_are_read_only():
    s = signal_structure(PD, AttributionMonitoring(detection=F(9, 10)))
    b = bind(doctrine("grim"), PD, s, 0)
    for arr in (b.sigma, b.tau, b.init):
        with pytest.raises(ValueError, match="read-only"):
            arr[(0,) * arr.ndim] = F(1, 3)
    assert b.init.tolist() == [1, 0] and b.sigma.tolist() == [[1, 0], [0, 1]]


# -- one tolerance ---------------------------------------------------------------------------------------------

def test_models_has_one_probability_tolerance():
    folder = Path(models.__file__).parent
    literal = re.compile(r"(?<![\w.])\d*\.?\d+e-\d+")
    offenders = []
    for path in sorted(folder.rglob("*.py")):
        if path.name == "numbers.py":
            continue
        for k, line in enumerate(path.read_text().splitlines(), 1):
            if literal.search(line.split("#")[0]) or re.search(r"_TOL\s*=", line):
                offenders.append(f"{path.name}:{k}: {line.strip()}")
    assert offenders == []
    assert PROBABILITY_SUM_TOL == 1e-9


@pytest.mark.parametrize("slack,accepted", [(PROBABILITY_SUM_TOL / 2, True), (PROBABILITY_SUM_TOL * 4, False)])
def test_every_distribution_check_uses_the_tolerance(slack, accepted):
    probs = (0.5 + slack, 0.5)
    assert sums_to_one(probs) is accepted
    checks = [
        lambda: check_profile([list(probs), [1, 0]], PD),
        lambda: TableMonitoring(signals=("g", "b"), rows=(("C,C", probs),)),
        lambda: Automaton("m", ("a",), (("a", F(1)),), ((("C", probs[0]), ("D", probs[1])),), ((),)),
    ]
    for check in checks:
        if accepted:
            check()
        else:
            with pytest.raises(ModelError, match="probabilities sum to"):
                check()


# -- reading --------------------------------------------------------------------------------------------------

BOM = "\ufeff"
NFG_TEXT = 'NFG 1 R "PD" { "Row" "Col" } { 2 2 }\n3 3 5 0 0 5 1 1\n'
JSON_TEXT = ('{"actions": [["C", "D"], ["C", "D"]], "payoffs": {"P1": [[3, 0], [5, 1]], '
             '"P2": [[3, 5], [0, 1]]}}')


@pytest.mark.parametrize("suffix,text", [("toml", HEAD), ("json", JSON_TEXT), ("nfg", NFG_TEXT)])
def test_a_byte_order_mark_is_accepted_in_every_format(tmp_path, suffix, text):
    path = tmp_path / f"bom.{suffix}"
    path.write_text(BOM + text, encoding="utf-8")
    game = load_game(str(path))
    assert game.payoffs[0].tolist() == [[3, 0], [5, 1]]
    assert load_game("-", stdin=io.StringIO(BOM + text)) == game  # sniffed through the mark


@pytest.mark.parametrize("text", [HEAD, JSON_TEXT, NFG_TEXT, "\n  " + JSON_TEXT, "# a comment\n" + HEAD])
def test_standard_input_is_sniffed(text, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    game = load_game("-", None)
    assert game.shape == (2, 2) and game.payoffs[1].tolist() == [[3, 5], [0, 1]]


@pytest.mark.parametrize("suffix,text", [("toml", ""), ("toml", "# only a comment\n\n"), ("json", " \n"),
                                         ("json", "{}"), ("nfg", "")])
def test_an_empty_file_says_so(tmp_path, suffix, text):
    path = tmp_path / f"empty.{suffix}"
    path.write_text(text)
    with pytest.raises(ParseError, match="the file is empty") as info:
        load_game(str(path))
    assert str(info.value).startswith(str(path))
    assert ("'NFG 1 R'" if suffix == "nfg" else "'actions' and 'payoffs'") in str(info.value)


def test_players_must_be_strings(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('players = [1, 2]\n' + HEAD.replace("P1 =", '"1" =').replace("P2 =", '"2" ='))
    with pytest.raises(ModelError) as info:
        load_game(str(path))
    assert str(info.value).startswith(f"{path}: line 1: players: player label 1 must be a string, got int 1")


@pytest.mark.parametrize("suffix,text", [("toml", "a = " + "[" * 3000 + "]" * 3000 + "\n"),
                                         ("json", "[" * 200_000 + "]" * 200_000)])
def test_deep_nesting_is_a_parse_error(tmp_path, suffix, text):
    path = tmp_path / f"deep.{suffix}"
    path.write_text(text)
    with pytest.raises(ParseError, match="nested too deeply"):
        load_game(str(path))


def test_load_game_validates_the_whole_file(tmp_path):
    for extra, field in (("[repeated]\ndelta = 5\n", "repeated.delta"),
                         ('[strategies.s]\ninitial = "a"\n', "strategies.s.states"),
                         ("[monitoring]\nkind = \"fuzzy\"\n", "monitoring.kind")):
        path = tmp_path / "m.toml"
        path.write_text(HEAD + extra)
        with pytest.raises(ModelError) as game_error:
            load_game(str(path))
        with pytest.raises(ModelError) as repeated_error:
            load_repeated(str(path))
        assert str(game_error.value) == str(repeated_error.value)
        assert f": {field}: " in str(game_error.value)


# -- Gambit files ------------------------------------------------------------------------------------------------

def test_nfg_zero_denominator_is_a_parse_error_with_the_line():
    with pytest.raises(ParseError) as info:
        read_game('NFG 1 R "t" { "1" "2" } { 1 2 }\n1 2\n3 1/0\n', "nfg", source="z.nfg")
    assert str(info.value) == "z.nfg: line 3: zero denominator in a payoff (profile 2 of 2): '1/0'"


def test_nfg_empty_player_and_strategy_labels_are_numbered():
    # as in the Schotter-Weigelt-Wilson file of Gambit's catalogue: players { "" "" }
    game = read_game('NFG 1 R "SWW" { "" "" }\n{ { "U" "" } { "" "" "R" } }\n""\n' + "0 0 " * 6, "nfg")
    assert game.players == ("1", "2")
    assert game.actions == (("U", "2"), ("1", "2", "R"))
    assert parse_profile("U;1/2,1/2,0", game)[1] == (F(1, 2), F(1, 2), 0)


def test_nfg_repeated_labels_are_kept_and_made_distinct():
    game = read_game('NFG 1 R "d" { "A" "A" }\n{ { "x" "x" "x (2)" } { "y" } }\n""\n1 2 3 4 5 6\n', "nfg")
    assert game.players == ("A", "A (2)")
    assert game.actions[0] == ("x", "x (3)", "x (2)")
    # each label addresses its own strategy: the first player's strategies pay 1, 3, 5
    assert [game.payoff(0, (k, 0)) for k in range(3)] == [1, 3, 5]
    assert parse_profile("x (3);y", game)[0] == (0, 1, 0)


# -- writing -----------------------------------------------------------------------------------------------------

@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_gets_the_umask_permissions(tmp_path, umask_027):
    path = tmp_path / "new.toml"
    write_text(str(path), "x")
    assert mode(path) == 0o640 and path.read_text() == "x"


def test_a_replaced_file_keeps_its_permissions(tmp_path, umask_027):
    path = tmp_path / "old.toml"
    path.write_text("old")
    os.chmod(path, 0o604)
    write_text(str(path), "new", overwrite=True)
    assert mode(path) == 0o604 and path.read_text() == "new"


def test_a_symbolic_link_is_followed_and_kept(tmp_path):
    target = tmp_path / "real.toml"
    target.write_text("old")
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    with pytest.raises(ModelError, match="already exists"):
        write_text(str(link), "new")
    write_text(str(link), "new", overwrite=True)
    assert link.is_symlink() and target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.toml", "real.toml"]


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_is_refused(tmp_path, force):
    with pytest.raises(ModelError, match="is a folder"):
        write_text(str(tmp_path), "x", overwrite=force)


def test_a_device_or_pipe_is_never_replaced(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(ModelError, match="is not a regular file"):
        write_text(str(fifo), "x", overwrite=True)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    with pytest.raises(ModelError, match="is not a regular file"):
        write_text(os.devnull, "x", overwrite=True)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_full_disk_is_one_clean_error_and_leaves_nothing(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    path = tmp_path / "out.toml"
    with pytest.raises(ModelError, match="no space left on the device"):
        write_text(str(path), "x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_standard_output_on_a_full_disk(monkeypatch):
    full = open("/dev/full", "w")
    try:
        monkeypatch.setattr(sys, "stdout", full)
        with pytest.raises(ModelError, match="cannot write the output: No space left on device"):
            write_text("-", "x" * 10)
    finally:
        monkeypatch.undo()
        try:
            full.close()
        except OSError:  # the unwritten buffer fails again on close
            pass


def test_float_payoffs_that_would_overflow_are_refused():
    # 1e308 - (-1e308) is inf: the old code reported a false equilibrium and printed numpy overflow warnings
    from models.stage import MAX_FLOAT_PAYOFF, StageGame

    with pytest.raises(ModelError, match="beyond") as err:
        StageGame.bimatrix([[1e308, 2.0], [3.0, -1e308]], [[1.0, 2.0], [3.0, 4.0]])
    assert err.value.field == "payoffs.P1"
    # exact payoffs may be as large as they like, but cannot be turned into floats
    exact = StageGame.bimatrix([[10**400, 2], [3, 0]], [[1, 2], [3, 4]])
    with pytest.raises(ModelError, match="drop --float"):
        exact.float_payoffs()
    assert StageGame.bimatrix([[MAX_FLOAT_PAYOFF, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]).shape == (2, 2)
