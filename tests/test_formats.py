"""Model files: TOML, JSON and Gambit .nfg; round trips, bad input (Gambit itself: test_gambit_oracle.py)."""

from __future__ import annotations

import io
import tomllib
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import catalog
from models.errors import ModelError, ParseError
from models.formats import read_game, write_game
from models.loader import load_game, write_text
from models.stage import StageGame
from strategies import integer_games, normal_bimatrix, rational_bimatrix

ISSUE_EXAMPLE = """\
title = "Prisoner's dilemma"
players = ["Row", "Column"]            # optional: P1, P2, ...
actions = [["C", "D"], ["C", "D"]]     # one list per player
[payoffs]                              # one array per player, indexed (a_1, ..., a_N)
Row    = [[3, 0], [5, 1]]
Column = [[3, 5], [0, 1]]
"""


def test_issue_schema_example():
    game = read_game(ISSUE_EXAMPLE, "toml")
    assert game.players == ("Row", "Column") and game.actions == (("C", "D"), ("C", "D"))
    assert game.payoffs[0].tolist() == [[3, 0], [5, 1]]
    assert game.payoffs[1][0, 1] == F(5) and game.is_exact


def test_number_kinds_in_toml():
    text = 'actions = [["a"], ["b", "c"]]\n[payoffs]\nP1 = [["1/3", 0.25]]\nP2 = [[-2, "7"]]\n'
    game = read_game(text, "toml")
    assert game.players == ("P1", "P2")
    assert game.payoffs[0][0, 0] == F(1, 3) and isinstance(game.payoffs[0][0, 1], float)
    assert not game.is_exact and game.to_exact().payoffs[0][0, 1] == F(1, 4)


def test_three_player_toml_nesting():
    game = catalog.load("volunteers-dilemma")
    assert game.shape == (2, 2, 2)
    # Ann ignores, Bob ignores, Cem volunteers: Ann gets the benefit 2 for free
    assert game.payoff(0, (1, 1, 0)) == 2 and game.payoff(2, (1, 1, 0)) == 1


# -- round trips -------------------------------------------------------------------------------------------

any_game = st.one_of(integer_games(), rational_bimatrix(), normal_bimatrix())


@given(any_game, st.sampled_from(["toml", "json"]))
def test_toml_and_json_round_trip_exactly(game, fmt):
    again = read_game(write_game(game, fmt), fmt)
    assert again == game


@given(any_game)
def test_nfg_round_trip_is_exact(game):
    # every number in an .nfg file is exact, as in Gambit: floats come back as their decimal
    assert read_game(write_game(game, "nfg"), "nfg") == game.to_exact()


# -- Gambit's format (Gambit reading our files, and Gambit's sample files: tests/test_gambit_oracle.py) ------

# Gambit documentation's payoff-version sample (e02.nfg, Selten 1975, Figure 2).  Its prose says the
# fourth payoff pair belongs to (strategy 2, strategy 1); the file and Gambit's reader put it at
# (strategy 1, strategy 2): the first player's strategy changes fastest.
E02 = 'NFG 1 R "Selten (IJGT, 75), Figure 2, normal form"\n{ "Player 1" "Player 2" } { 3 2 }\n\n' \
      '1 1 0 2 0 2 1 1 0 3 2 0\n'


def test_payoff_version_sample_e02_order():
    game = read_game(E02, "nfg")
    assert game.shape == (3, 2)
    assert game.payoffs[0].tolist() == [[1, 1], [0, 0], [0, 2]]
    assert game.payoffs[1].tolist() == [[1, 1], [2, 3], [2, 0]]
    assert game.actions == (("1", "2", "3"), ("1", "2"))


def test_outcome_version_with_null_outcome_and_commas():
    text = 'NFG 1 R "t" { "A" "B" }\n{ { "x" "y" } { "z" } }\n""\n{ { "o1" 1, 2 } { "o2" 3 4 } }\n2 0\n'
    game = read_game(text, "nfg")
    assert game.payoffs[0].tolist() == [[3], [0]] and game.payoffs[1].tolist() == [[4], [0]]


def test_nfg_decimals_are_exact():
    game = read_game('NFG 1 R "d" { "1" "2" } { 1 1 } .80 1.5e1', "nfg")
    assert game.payoffs[0][0, 0] == F(4, 5) and game.payoffs[1][0, 0] == F(15)


# -- bad input ---------------------------------------------------------------------------------------------

GOOD_HEAD = 'actions = [["C", "D"], ["C", "D"]]\n[payoffs]\n'

BAD_FILES = [
    ("broken.toml", 'actions = [["C", "D"]\n', "line 1: invalid TOML: Unclosed array"),
    ("shape.toml", GOOD_HEAD + "P1 = [[1, 2], [3]]\nP2 = [[1, 2], [3, 4]]\n",
     "line 3: payoffs.P1[1]: expected 2 entries (one per action of player 2), got 1"),
    ("deep.toml", GOOD_HEAD + "P1 = [[1, [2]], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n",
     "payoffs.P1[0][1]: expected a number, got a list"),
    ("word.toml", GOOD_HEAD + 'P1 = [[1, "two"], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n',
     "line 3: payoffs.P1[0][1]: expected a number such as 3, -1/2 or 0.75, got 'two'"),
    ("nan.toml", GOOD_HEAD + "P1 = [[1, nan], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n",
     "payoffs.P1[0][1]: expected a finite number, got nan"),
    ("inf.toml", GOOD_HEAD + "P1 = [[1, 2], [3, 4]]\nP2 = [[1, -inf], [3, 4]]\n",
     "line 4: payoffs.P2[0][1]: expected a finite number, got -inf"),
    ("bool.toml", GOOD_HEAD + "P1 = [[1, true], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n",
     "payoffs.P1[0][1]: expected a number, got true"),
    ("zeroden.toml", GOOD_HEAD + 'P1 = [[1, "1/0"], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n', "zero denominator"),
    ("empty.toml", 'actions = [["C", "D"], []]\n[payoffs]\nP1 = [[1, 2]]\nP2 = [[1, 2]]\n',
     "line 1: actions[1] (P2): the list of actions is empty"),
    ("dup.toml", 'actions = [["C", "C"], ["C", "D"]]\n[payoffs]\nP1 = [[1, 2], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n',
     "duplicate action label 'C'"),
    ("oneplayer.toml", 'actions = [["C", "D"]]\n[payoffs]\nP1 = [1, 2]\n', "at least 2 players"),
    ("missing.toml", GOOD_HEAD + "P1 = [[1, 2], [3, 4]]\n", "payoffs.P2: missing payoff array for player 'P2'"),
    ("stranger.toml", GOOD_HEAD + "P1 = [[1, 2], [3, 4]]\nP2 = [[1, 2], [3, 4]]\nP3 = [[0]]\n",
     "line 5: payoffs.P3: unknown player 'P3'"),
    ("typo.toml", 'payofs = 1\n' + GOOD_HEAD + "P1 = [[1, 2], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n",
     "line 1: payofs: unknown key 'payofs'"),
    ("noactions.toml", "[payoffs]\nP1 = [1]\n", "missing key 'actions'"),
    ("truncated.nfg", 'NFG 1 R "t" { "1" "2" } { 2 2 }\n1 2 3 4\n5 6\n', "line 3: expected a payoff (profile 4 of 4), "
     "but the file ends (truncated?)"),
    ("notnfg.nfg", 'EFG 2 R "t" { "1" "2" }\n', "line 1: not a Gambit .nfg file"),
    ("badnum.nfg", 'NFG 1 R "t" { "1" "2" } { 1 1 }\n1 x\n', "line 2: expected a payoff (profile 1 of 1), got 'x'"),
    ("badjson.json", '{"actions": [["C"], ["D"]],\n "payoffs": }', "line 2: invalid JSON"),
    ("nanjson.json", '{"actions": [["C"], ["D"]], "payoffs": {"P1": [[NaN]], "P2": [[1]]}}',
     "NaN is not a number"),
    ("version.json", '{"schema_version": 9, "actions": [["C"], ["D"]]}', "unsupported schema_version 9"),
]


@pytest.mark.parametrize("name,text,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_name_file_line_and_field(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ModelError) as info:
        load_game(str(path))
    assert str(info.value).startswith(str(path) + ": ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_binary_file(tmp_path):
    path = tmp_path / "bin.toml"
    path.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ParseError, match="not a UTF-8 text file"):
        load_game(str(path))


def test_unknown_catalogue_name_lists_the_known_ones():
    with pytest.raises(ModelError, match="unknown catalogue name 'nope'; known names: battle-of-the-sexes"):
        load_game("catalog:nope")


def test_suffix_decides_the_format_and_stdin_is_sniffed(tmp_path):
    assert load_game("-", stdin=io.StringIO('NFG 1 R "t" { "1" "2" } { 1 1 } 1 2')).shape == (1, 1)
    assert load_game("-", stdin=io.StringIO(ISSUE_EXAMPLE)).players == ("Row", "Column")
    txt = tmp_path / "game.txt"
    txt.write_text(ISSUE_EXAMPLE)
    with pytest.raises(ModelError, match="cannot tell the format"):
        load_game(str(txt))
    # a file that is not there is reported as missing, whatever its name looks like
    with pytest.raises(ModelError, match="no-such-game: no such file"):
        load_game(str(tmp_path / "no-such-game"))


# -- writing -----------------------------------------------------------------------------------------------

def test_write_text_never_overwrites_without_force(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("precious")
    with pytest.raises(ModelError, match="already exists"):
        write_text(str(path), "new")
    assert path.read_text() == "precious"
    write_text(str(path), "new", overwrite=True)
    assert path.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.toml"]  # no temporary left behind


def test_write_text_to_a_missing_folder(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        write_text(str(tmp_path / "no" / "such.toml"), "x")


def test_every_catalogue_model_loads_and_round_trips():
    for name in catalog.names():
        game = catalog.load(name)
        written = tomllib.loads(catalog.text(name))
        assert (game.title, game.description) == (written["title"], written["description"]) and game.title
        for fmt in ("toml", "json"):
            assert read_game(write_game(game, fmt), fmt) == game


def test_stage_game_is_immutable():
    game = catalog.load("prisoners-dilemma")
    with pytest.raises(ValueError):
        game.payoffs[0][0, 0] = 7
    with pytest.raises(AttributeError):
        game.title = "x"  # type: ignore[misc]
    assert StageGame.from_payoffs(list(game.payoffs)).payoffs[0][0, 0] == 3


def test_nfg_writes_large_floats_as_gambit_reads_them() -> None:
    # Gambit 16.7 rejects "2.5e+20" ("Invalid value") and reads "2.5e20"
    from models.formats import read_game, write_game
    from models.stage import StageGame

    game = StageGame.bimatrix([[2.5e20, 1.0], [0.0, 1e16]], [[1.0, 0.0], [0.0, 1.0]])
    text = write_game(game, "nfg")
    assert "e+" not in text and "2.5e20" in text and "1e16" in text
    back = read_game(text, "nfg")
    assert [a.tolist() for a in back.float_payoffs()] == [a.tolist() for a in game.float_payoffs()]
