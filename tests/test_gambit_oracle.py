"""detente against Gambit, the independent oracle: enummixed equilibria and the .nfg format.

Two layers.  The reference tests always run: they compare detente with Gambit's answers committed in
tests/gambit/ (made by tests/gambit/make_references.py, which records the pygambit version and the
command; see tests/gambit/README.md).  The live tests run only when pygambit is installed
(``pip install ".[gambit]"``): the same comparisons against pygambit itself, on hypothesis-drawn games
beyond the fixed set, and a check that the committed references are what the installed Gambit computes.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from fractions import Fraction as F
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.formats import read_game, write_game
from models.stage import StageGame
from solver.stage.equilibria import nash_equilibria
from strategies import examples, integer_bimatrix, integer_games, rational_bimatrix

GAMBIT_DIR = Path(__file__).resolve().parent / "gambit"
REGENERATE = "python tests/gambit/make_references.py (with pygambit installed: pip install '.[gambit]')"


def _references_module() -> ModuleType:
    """tests/gambit/make_references.py, which builds the games without pygambit."""
    spec = importlib.util.spec_from_file_location("detente_gambit_references", GAMBIT_DIR / "make_references.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


refs = _references_module()


def load(name: str) -> dict[str, Any]:
    return json.loads((GAMBIT_DIR / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


ENUMMIXED = load("enummixed.json")
WRITTEN = load("nfg_written.json")
SAMPLES = load("samples.json")


def profiles(result) -> set:
    """Equilibria as a set of exact profile tuples."""
    return {tuple(tuple(p) for p in e.profile) for e in result.equilibria}


def as_profiles(stored: list) -> set:
    """Profiles stored as fraction strings, as a set of exact profile tuples."""
    return {tuple(tuple(F(x) for x in strategy) for strategy in profile) for profile in stored}


def exact(nested: Any) -> Any:
    """Nested lists of fraction strings as nested lists of Fractions."""
    return [exact(x) for x in nested] if isinstance(nested, list) else F(nested)


def reading(game: StageGame) -> dict[str, Any]:
    """A game in the shape of Gambit's recorded reading of a file, payoffs as Fractions."""
    return {"title": game.title, "players": list(game.players), "strategies": [list(a) for a in game.actions],
            "payoffs": [a.tolist() for a in game.exact_payoffs()]}


def gambit_read(entry: dict[str, Any]) -> dict[str, Any]:
    """Gambit's recorded reading of a file, payoffs as Fractions."""
    return {"title": entry["title"], "players": entry["players"], "strategies": entry["strategies"],
            "payoffs": exact(entry["payoffs"])}


def stored_game(entry: dict[str, Any]) -> StageGame:
    return StageGame.from_payoffs([refs.decode_payoffs(a) for a in entry["payoffs"]], players=entry["players"],
                                  actions=entry["actions"], title=entry["title"],
                                  description=entry["description"])


# -- against the committed references (no pygambit needed) ---------------------------------------------


def test_references_record_their_origin():
    for doc in (ENUMMIXED, WRITTEN, SAMPLES):
        assert doc["made_by"] == refs.COMMAND
        assert tuple(int(x) for x in doc["pygambit"].split(".")[:2]) >= (16, 1)
    assert ENUMMIXED["gambit_call"] == "pygambit.nash.enummixed_solve(game, rational=True)"


@pytest.mark.parametrize("entry", ENUMMIXED["games"], ids=[g["name"] for g in ENUMMIXED["games"]])
def test_same_equilibria_as_gambit_enummixed(entry):
    game = StageGame.bimatrix(exact(entry["A"]), exact(entry["B"]))
    result = nash_equilibria(game, "enummixed")
    assert result.exact
    assert profiles(result) == as_profiles(entry["equilibria"])


def test_reference_games_are_the_ones_the_script_builds():
    # the file holds what the committed script makes, not hand-edited games
    built = {name: [a.tolist() for a in game.exact_payoffs()] for name, game in refs.enummixed_games()}
    samples = {f"sample:{Path(s['file']).name}": exact(s["payoffs"]) for s in SAMPLES["games"]
               if len(s["players"]) == 2}
    stored = {g["name"]: [exact(g["A"]), exact(g["B"])] for g in ENUMMIXED["games"]}
    assert stored == built | samples
    assert len(stored) >= 150 and sum(len(g["equilibria"]) for g in ENUMMIXED["games"]) >= 400


@pytest.mark.parametrize("entry", WRITTEN["games"], ids=[g["name"] for g in WRITTEN["games"]])
def test_gambit_reads_what_detente_writes(entry):
    game = stored_game(entry)
    assert write_game(game, "nfg") == entry["nfg"], f"detente's .nfg writer changed; Gambit has not read " \
                                                     f"the new text: rerun {REGENERATE}"
    assert gambit_read(entry["gambit"]) == reading(game.to_exact())
    # and detente reads that text as Gambit did
    assert reading(read_game(entry["nfg"], "nfg")) == gambit_read(entry["gambit"])


def test_written_games_are_the_ones_the_script_builds():
    assert [stored_game(g) for g in WRITTEN["games"]] == [game for _, game in refs.written_games()]
    assert {len(g["players"]) for g in WRITTEN["games"]} >= {2, 3, 4}


@pytest.mark.parametrize("entry", SAMPLES["games"], ids=[Path(g["file"]).name for g in SAMPLES["games"]])
def test_reads_gambit_sample_files_as_gambit_does(entry):
    path = GAMBIT_DIR / entry["file"]
    ours = read_game(path.read_text(encoding="utf-8"), "nfg", source=str(path))
    assert reading(ours) == gambit_read(entry)


def test_every_sample_file_has_a_reference():
    files = sorted(p.relative_to(GAMBIT_DIR).as_posix() for p in (GAMBIT_DIR / "samples").glob("*.nfg"))
    assert files == sorted(g["file"] for g in SAMPLES["games"])
    assert len(files) >= 4 and {len(g["players"]) for g in SAMPLES["games"]} == {2, 3}


# -- against pygambit itself (only when it is installed: pip install ".[gambit]") -------------------------


@pytest.fixture(scope="module")
def gbt() -> ModuleType:
    return pytest.importorskip("pygambit", reason="the live Gambit cross-check needs pip install '.[gambit]'")


@settings(max_examples=examples(60))
@given(game=integer_bimatrix(max_actions=4))
def test_live_same_equilibria_as_gambit_on_small_integer_games(gbt, game):
    assert profiles(nash_equilibria(game, "enummixed")) == as_profiles(refs.gambit_enummixed(game))


@settings(max_examples=examples(25))
@given(game=rational_bimatrix(max_actions=3))
def test_live_same_equilibria_as_gambit_on_fraction_games(gbt, game):
    assert profiles(nash_equilibria(game, "enummixed")) == as_profiles(refs.gambit_enummixed(game))


@given(game=st.one_of(integer_games(max_players=3), rational_bimatrix()))
def test_live_gambit_reads_our_nfg_files(gbt, game, tmp_path_factory):
    path = tmp_path_factory.mktemp("nfg") / "game.nfg"
    path.write_text(write_game(game, "nfg"), encoding="utf-8")
    theirs = gambit_read(refs.gambit_reading(path))
    assert theirs == reading(game)


def test_live_reads_the_installed_gambit_sample_files_as_gambit_does(gbt):
    paths = refs.catalogue_samples()
    assert len(paths) >= 4
    for path in paths:
        ours = read_game(path.read_text(encoding="utf-8"), "nfg", source=str(path))
        assert reading(ours) == gambit_read(refs.gambit_reading(path)), path


def test_live_committed_references_are_what_the_installed_gambit_computes(gbt, tmp_path):
    for path, text in refs.build(tmp_path).items():
        committed = path.read_text(encoding="utf-8") if path.exists() else None
        if path.suffix == ".json" and committed is not None:
            # a newer pygambit that gives the same answers is not a difference
            text, committed = (json.loads(t) | {"pygambit": ""} for t in (text, committed))
        assert text == committed, f"{path.relative_to(GAMBIT_DIR)} differs from Gambit's answer: rerun {REGENERATE}"
