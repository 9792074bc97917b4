"""Model file formats: TOML, Gambit ``.nfg`` and JSON.

:func:`read_game` and :func:`write_game` dispatch on a format name;
:func:`format_for` picks the name from a file suffix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ModelError, ParseError
from ..stage import StageGame
from .json_format import dump_json, parse_json
from .mapping import game_from_mapping, game_to_mapping, line_of
from .nfg import dump_nfg, parse_nfg
from .toml_format import dump_toml, parse_toml

__all__ = ["FORMATS", "EMPTY_FILE", "format_for", "read_mapping", "read_game", "write_game", "game_from_data",
           "sniff_format"]

EMPTY_FILE = "the file is empty; a model needs at least 'actions' and 'payoffs'"

FORMATS = ("toml", "nfg", "json")
_SUFFIXES = {".toml": "toml", ".nfg": "nfg", ".json": "json"}


def format_for(name: str) -> str | None:
    """Format name for a file name by its suffix, or None."""
    lower = name.lower()
    for suffix, fmt in _SUFFIXES.items():
        if lower.endswith(suffix):
            return fmt
    return None


def sniff_format(text: str) -> str:
    """The format of model text without a file name: ``NFG`` starts nfg, ``{`` starts json, else toml.

    >>> sniff_format('NFG 1 R "t"'), sniff_format('\ufeff {"actions": []}'), sniff_format("actions = []")
    ('nfg', 'json', 'toml')
    """
    head = text.removeprefix("\ufeff").lstrip()
    if head.startswith("NFG"):
        return "nfg"
    if head.startswith("{"):
        return "json"
    return "toml"


def read_mapping(text: str, fmt: str, *, source: str | None = None) -> dict[str, Any]:
    """Parse TOML or JSON text into the mapping form of a model.

    Raises
    ------
    ParseError
        Bad syntax, or an empty file (nothing but blanks and comments).
    """
    if fmt == "toml":
        data = parse_toml(text, source=source)
    elif fmt == "json":
        if not text.removeprefix("\ufeff").strip():
            raise ParseError(EMPTY_FILE, source=source)
        data = parse_json(text, source=source)
    else:
        raise ModelError(f"format {fmt!r} has no mapping form")
    if not data:
        raise ParseError(EMPTY_FILE, source=source)
    return data


def read_game(text: str, fmt: str, *, source: str | None = None) -> StageGame:
    """Read a stage game from text in format ``fmt`` (``toml``, ``nfg`` or ``json``).

    Errors name ``source``, the line when it can be found, and the field.
    """
    if fmt not in FORMATS:
        raise ModelError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "nfg":
        return parse_nfg(text, source=source)
    data = read_mapping(text, fmt, source=source)
    return game_from_data(data, text=text, source=source)


def game_from_data(data: Mapping[str, Any], *, text: str = "", source: str | None = None) -> StageGame:
    """Stage game from a parsed mapping, locating errors in ``text``."""
    try:
        return game_from_mapping(data)
    except ParseError:
        raise
    except ModelError as exc:
        raise exc.located(source=source, line=line_of(text, exc.field)) from None



def write_game(game: StageGame, fmt: str) -> str:
    """Text of ``game`` in format ``fmt``."""
    if fmt == "nfg":
        return dump_nfg(game)
    if fmt == "toml":
        return dump_toml(game_to_mapping(game))
    if fmt == "json":
        return dump_json(game_to_mapping(game))
    raise ModelError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
