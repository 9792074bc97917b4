"""The catalogue of built-in model files, shipped as package data.

Each entry is a TOML model in ``models/games/NAME.toml`` and is addressed
on the command line as ``catalog:NAME``.

>>> "prisoners-dilemma" in names()
True
>>> load("matching-pennies").shape
(2, 2)
"""

from __future__ import annotations

from importlib import resources

from .errors import ModelError
from .formats import game_from_data, read_mapping
from .stage import StageGame

__all__ = ["PREFIX", "DEFAULT", "names", "text", "load", "entries"]

PREFIX = "catalog:"
DEFAULT = "cyber"


def _folder():
    return resources.files("models").joinpath("games")


def names() -> tuple[str, ...]:
    """Names of the built-in models, sorted."""
    return tuple(sorted(p.name[: -len(".toml")] for p in _folder().iterdir() if p.name.endswith(".toml")))


def text(name: str) -> str:
    """TOML text of the built-in model ``name``."""
    if name not in names():
        raise ModelError(f"unknown catalogue name {name!r}; known names: {', '.join(names())}")
    return _folder().joinpath(f"{name}.toml").read_text(encoding="utf-8")


def load(name: str) -> StageGame:
    """The stage game of the built-in model ``name``."""
    source = PREFIX + name
    body = text(name)
    data = read_mapping(body, "toml", source=source)
    if "scenario" in data:  # a scenario generates its game
        from .scenario import scenario_from_mapping

        return scenario_from_mapping(data).stage_game()
    return game_from_data(data, text=body, source=source)


def entries() -> list[dict[str, object]]:
    """One record per built-in model: its ``catalog:`` name, number of players, shape and title."""
    out: list[dict[str, object]] = []
    for n in names():
        game = load(n)
        out.append({"name": PREFIX + n, "players": len(game.players), "shape": "x".join(map(str, game.shape)),
                    "title": game.title})
    return out
