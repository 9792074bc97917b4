"""Regenerate the Gambit reference data that tests/test_gambit_oracle.py checks detente against.

Gambit (The Gambit Project, https://www.gambit-project.org) is the independent oracle for detente's
exact two-player solver and for its ``.nfg`` reader and writer.  pygambit has no wheel on some platforms
and then compiles from source for 8 to 14 minutes, so the test extra does not install it: the tests read
Gambit's answers from the files this script writes, and repeat the same comparisons against pygambit
itself when it is installed (``pip install ".[gambit]"``).

Run from the repository root, with pygambit installed::

    python tests/gambit/make_references.py          # rewrite the files below
    python tests/gambit/make_references.py --check  # compare only; exit 1 if a file would change

It writes, next to itself:

``enummixed.json``
    a fixed, seeded set of two-player games (and the two-player sample files) with every extreme
    equilibrium that Gambit's rational ``enummixed`` lists, as exact fraction strings;
``nfg_written.json``
    the ``.nfg`` text detente writes for a fixed set of games, and what Gambit reads from that text;
``samples.json`` and ``samples/*.nfg``
    verbatim copies of the ``.nfg`` sample files of pygambit's catalogue (GPL-2.0-or-later, see
    ``README.md`` here) and what Gambit reads from each.

Every game comes from a numpy generator with a fixed seed or from a fixed file, so the output depends only
on the pygambit and detente versions.  Nothing here imports pygambit at module level: the tests import the
game generators without it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:  # run as a script from a source tree: import detente from it
    sys.path.insert(0, str(ROOT))

from models.formats import write_game  # noqa: E402
from models.stage import StageGame  # noqa: E402

COMMAND = "python tests/gambit/make_references.py"
SAMPLES = HERE / "samples"
ENUMMIXED_CALL = "pygambit.nash.enummixed_solve(game, rational=True)"

Profile = list[list[str]]


# -- the games (no pygambit needed) ---------------------------------------------------------------------


def _fractions(rng: np.random.Generator, shape: tuple[int, ...], bound: int = 5, max_den: int = 7) -> list[Any]:
    """Nested lists of fractions p/q with 1 <= q <= max_den and |p/q| <= bound."""
    flat = []
    for _ in range(int(np.prod(shape))):
        q = int(rng.integers(1, max_den + 1))
        flat.append(Fraction(int(rng.integers(-bound * q, bound * q + 1)), q))
    return np.array(flat, dtype=object).reshape(shape).tolist()  # type: ignore[no-any-return]


def enummixed_games() -> list[tuple[str, StageGame]]:
    """The seeded two-player games whose equilibria are compared with Gambit's enummixed."""
    games: list[tuple[str, StageGame]] = []
    rng = np.random.default_rng(1)
    for k in range(80):  # 1..4 actions, payoffs 0..9: ties are frequent, so many games are degenerate
        m, n = (int(x) for x in rng.integers(1, 5, 2))
        games.append((f"integer-{k:02d}", StageGame.bimatrix(rng.integers(0, 10, (m, n)).tolist(),
                                                             rng.integers(0, 10, (m, n)).tolist())))
    rng = np.random.default_rng(2)
    for k in range(30):  # 3..4 actions, payoffs 0..2: nearly every game is degenerate
        m, n = (int(x) for x in rng.integers(3, 5, 2))
        games.append((f"ties-{k:02d}", StageGame.bimatrix(rng.integers(0, 3, (m, n)).tolist(),
                                                          rng.integers(0, 3, (m, n)).tolist())))
    rng = np.random.default_rng(3)
    for k in range(30):
        m, n = (int(x) for x in rng.integers(1, 4, 2))
        games.append((f"fraction-{k:02d}", StageGame.bimatrix(_fractions(rng, (m, n)), _fractions(rng, (m, n)))))
    for seed in range(12):  # payoffs 0..9 as in benchmarks/bench_nash.py: mostly degenerate
        rng = np.random.default_rng(seed)
        games.append((f"digits-6x6-seed{seed}", StageGame.bimatrix(rng.integers(0, 10, (6, 6)).tolist(),
                                                                   rng.integers(0, 10, (6, 6)).tolist())))
    for seed in range(100, 104):
        rng = np.random.default_rng(seed)
        games.append((f"digits-8x8-seed{seed}", StageGame.bimatrix(rng.integers(0, 10, (8, 8)).tolist(),
                                                                   rng.integers(0, 10, (8, 8)).tolist())))
    return games


def written_games() -> list[tuple[str, StageGame]]:
    """The games whose ``.nfg`` text Gambit reads back: seeded N-player and fraction games, labelled games."""
    games: list[tuple[str, StageGame]] = []
    rng = np.random.default_rng(4)
    for k in range(20):
        n = int(rng.integers(2, 5))
        shape = tuple(int(x) for x in rng.integers(1, 4, n))
        games.append((f"integer-{k:02d}", StageGame.from_payoffs([rng.integers(-3, 4, shape).tolist()
                                                                  for _ in range(n)])))
    rng = np.random.default_rng(5)
    for k in range(10):
        m, n = (int(x) for x in rng.integers(1, 5, 2))
        games.append((f"fraction-{k:02d}", StageGame.bimatrix(_fractions(rng, (m, n)), _fractions(rng, (m, n)))))
    games.append(("labels", StageGame.bimatrix(
        [[3, 0], [5, 1]], [[3, 5], [0, 1]], players=["State A", 'The "other" state'],
        actions=[["Restrain", "Attack {cyber}"], ["Don't", "Strike, then talk"]],
        title='A "quoted" title, with commas', description="A comment: braces { }, commas, and \"quotes\".")))
    games.append(("floats", StageGame.bimatrix(
        [[0.1, 1e-05], [2.5, -0.125]], [[1234.5678, -3.0], [1e-07, 0.3333333333333333]])))
    return games


# -- Gambit's answers (pygambit imported here only) ------------------------------------------------------


def pygambit_version() -> str:
    import pygambit

    return str(pygambit.__version__)


def gambit_game(game: StageGame) -> Any:
    """The game as a pygambit game with exact rational payoffs."""
    import pygambit as gbt

    arrays = [np.vectorize(lambda v: gbt.Rational(v.numerator, v.denominator), otypes=[object])(a)
              for a in game.exact_payoffs()]
    return gbt.Game.from_arrays(*arrays)


def gambit_enummixed(game: StageGame) -> list[Profile]:
    """Every extreme equilibrium Gambit's rational enummixed lists, as fraction strings, sorted."""
    import pygambit as gbt

    g = gambit_game(game)
    result = gbt.nash.enummixed_solve(g, rational=True)
    found = {tuple(tuple(Fraction(str(eq[s])) for s in p.strategies) for p in g.players) for eq in result.equilibria}
    return [[[str(x) for x in strategy] for strategy in profile] for profile in sorted(found)]


def gambit_reading(path: Path) -> dict[str, Any]:
    """What Gambit reads from an ``.nfg`` file: title, labels and payoffs (as fraction strings)."""
    import pygambit as gbt

    g = gbt.read_nfg(str(path))
    return {
        "title": g.title,
        "players": [p.label for p in g.players],
        "strategies": [[s.label for s in p.strategies] for p in g.players],
        "payoffs": [np.vectorize(lambda r: str(Fraction(str(r))), otypes=[object])(a).tolist()
                    for a in g.to_arrays()],
    }


# -- the files -------------------------------------------------------------------------------------------


def encode_payoffs(game: StageGame) -> list[Any]:
    """Payoff arrays as nested lists: exact numbers as strings ("3", "-1/2"), floats as JSON numbers."""
    return [np.vectorize(lambda v: v if isinstance(v, float) else str(v), otypes=[object])(a).tolist()
            for a in game.payoffs]


def decode_payoffs(nested: Any) -> Any:
    """Inverse of :func:`encode_payoffs` for one array."""
    if isinstance(nested, list):
        return [decode_payoffs(x) for x in nested]
    return nested if isinstance(nested, float) else Fraction(nested)


def _header(about: str) -> dict[str, Any]:
    return {"about": about, "made_by": COMMAND, "pygambit": pygambit_version()}


def make_enummixed(sample_files: Iterable[Path]) -> dict[str, Any]:
    entries = []
    for name, game in enummixed_games():
        entries.append({"name": name, "A": encode_payoffs(game)[0], "B": encode_payoffs(game)[1],
                        "equilibria": gambit_enummixed(game)})
    for path in sample_files:
        read = gambit_reading(path)
        if len(read["players"]) == 2:
            game = StageGame.bimatrix(*(decode_payoffs(a) for a in read["payoffs"]))
            entries.append({"name": f"sample:{path.name}", "A": read["payoffs"][0], "B": read["payoffs"][1],
                            "equilibria": gambit_enummixed(game)})
    doc = _header("Two-player games and every extreme equilibrium that Gambit's rational enummixed lists "
                  "for them (profiles as exact fractions, one list per player), sorted. Games 'sample:*' are "
                  "the two-player files of samples/, as Gambit reads them.")
    doc["gambit_call"] = ENUMMIXED_CALL
    doc["games"] = entries
    return doc


def make_written(tmp: Path) -> dict[str, Any]:
    entries = []
    for name, game in written_games():
        text = write_game(game, "nfg")
        path = tmp / f"{name}.nfg"
        path.write_text(text, encoding="utf-8")
        entries.append({"name": name, "title": game.title, "description": game.description,
                        "players": list(game.players), "actions": [list(a) for a in game.actions],
                        "payoffs": encode_payoffs(game), "nfg": text, "gambit": gambit_reading(path)})
    doc = _header("Games, the .nfg text detente's writer (models.formats.write_game) gave for each, and what "
                  "Gambit (pygambit.read_nfg) read from that text: payoffs as exact fractions.")
    doc["games"] = entries
    return doc


def catalogue_folder() -> Path:
    """The installed pygambit's catalogue of games."""
    import pygambit

    return Path(pygambit.__file__).parent / "catalog_data"


def catalogue_samples() -> list[Path]:
    """The ``.nfg`` files of the installed pygambit's catalogue, sorted by path."""
    return sorted(catalogue_folder().rglob("*.nfg"))


def sample_name(path: Path) -> str:
    """journals/other/shapley1974/fig3.nfg -> shapley1974-fig3.nfg (the study's folder and the file)."""
    return f"{path.parent.name}-{path.name}"


def make_samples() -> tuple[dict[str, Any], dict[str, str]]:
    """samples.json and the copies of the catalogue's files, by name."""
    entries, copies = [], {}
    for path in catalogue_samples():
        name = sample_name(path)
        copies[name] = path.read_text(encoding="utf-8")
        entry = {"file": f"samples/{name}", "catalog_path": path.relative_to(catalogue_folder()).as_posix()}
        entry.update(gambit_reading(path))
        entries.append(entry)
    doc = _header("What Gambit (pygambit.read_nfg) reads from each sample .nfg file of pygambit's catalogue "
                  "(pygambit/catalog_data/CATALOG_PATH, copied verbatim to FILE): title, labels, payoffs.")
    doc["games"] = entries
    return doc, copies


def dumps(doc: dict[str, Any]) -> str:
    """JSON with one line per header field and one line per game, so a diff shows which games changed."""
    lines = [f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}," for key, value in doc.items()
             if key != "games"]
    games = [f"  {json.dumps(entry, ensure_ascii=False)}" for entry in doc["games"]]
    return "{\n" + "\n".join(lines) + '\n "games": [\n' + ",\n".join(games) + "\n ]\n}\n"


def build(tmp: Path) -> dict[Path, str]:
    """Every reference file's path and text."""
    samples_doc, copies = make_samples()
    out = {SAMPLES / name: text for name, text in copies.items()}
    for name, text in copies.items():
        (tmp / name).write_text(text, encoding="utf-8")
    out[HERE / "samples.json"] = dumps(samples_doc)
    out[HERE / "enummixed.json"] = dumps(make_enummixed(sorted(tmp / name for name in copies)))
    out[HERE / "nfg_written.json"] = dumps(make_written(tmp))
    return out


def main(argv: list[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files; write nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        files = build(Path(tmp))
    stale = sorted(p for p in SAMPLES.glob("*.nfg") if p not in files)
    changed = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in changed + stale:
            print(f"differs: {p.relative_to(ROOT)}")
        return 1 if changed or stale else 0
    SAMPLES.mkdir(exist_ok=True)
    for p in stale:
        p.unlink()
    for p, text in files.items():
        p.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files under {HERE.relative_to(ROOT)} with pygambit {pygambit_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
