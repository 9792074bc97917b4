"""Where models come from and where output goes.

A *model spec* is a file path (``.toml``, ``.nfg``, ``.json``), a built-in
name ``catalog:NAME``, or ``-`` for standard input.  The format comes from
the suffix, or from ``fmt``; standard input without a format is sniffed
(``NFG`` -> nfg, ``{`` -> json, otherwise toml).

Output files are written atomically (a temporary file in the same folder,
then a rename), and an existing file is never overwritten unless asked.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from typing import Any, TextIO

from . import catalog
from .errors import ModelError, ParseError
from .formats import FORMATS, format_for, game_from_data, line_of, read_game, read_mapping
from .repeated import RepeatedModel, repeated_from_mapping
from .stage import StageGame

__all__ = ["ModelSource", "open_model", "load_game", "load_mapping", "load_repeated", "write_text"]


@dataclass(frozen=True)
class ModelSource:
    """The text of a model and where it came from."""

    name: str  # path, catalog:NAME or <stdin>, used in error messages
    format: str
    text: str


def _sniff(text: str) -> str:
    head = text.lstrip()
    if head.startswith("NFG"):
        return "nfg"
    if head.startswith("{"):
        return "json"
    return "toml"


def open_model(spec: str, fmt: str | None = None, *, stdin: TextIO | None = None) -> ModelSource:
    """Read the text behind a model spec.

    Raises
    ------
    ModelError
        Unknown catalogue name, missing or unreadable file, unknown format.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ModelError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if spec.startswith(catalog.PREFIX):
        name = spec[len(catalog.PREFIX):]
        return ModelSource(spec, fmt or "toml", catalog.text(name))
    if spec == "-":
        stream = stdin if stdin is not None else sys.stdin
        text = stream.read()
        return ModelSource("<stdin>", fmt or _sniff(text), text)
    fmt = fmt or format_for(spec)
    if fmt is None:
        raise ModelError(
            f"{spec}: cannot tell the format from the file name; use a .toml, .nfg or .json "
            "suffix or give --format"
        )
    try:
        with open(spec, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise ModelError(f"{spec}: no such file") from None
    except IsADirectoryError:
        raise ModelError(f"{spec}: is a directory, not a model file") from None
    except PermissionError:
        raise ModelError(f"{spec}: permission denied") from None
    except UnicodeDecodeError:
        raise ParseError("not a UTF-8 text file", source=spec) from None
    return ModelSource(spec, fmt, text)


def load_mapping(source: ModelSource) -> dict[str, Any]:
    """The parsed table of a TOML or JSON model."""
    if source.format == "nfg":
        raise ModelError(f"{source.name}: a Gambit .nfg file holds only a stage game")
    return read_mapping(source.text, source.format, source=source.name)


def load_game(spec: str, fmt: str | None = None, *, stdin: TextIO | None = None) -> StageGame:
    """The stage game behind a model spec (see module docstring)."""
    source = open_model(spec, fmt, stdin=stdin)
    if source.format == "nfg":
        return read_game(source.text, "nfg", source=source.name)
    return game_from_data(load_mapping(source), text=source.text, source=source.name)


def load_repeated(spec: str, fmt: str | None = None, *, stdin: TextIO | None = None) -> RepeatedModel:
    """The repeated game behind a model spec: stage game, monitoring, strategies, delta.

    A Gambit ``.nfg`` file gives a stage game under perfect monitoring.
    """
    source = open_model(spec, fmt, stdin=stdin)
    if source.format == "nfg":
        return RepeatedModel(read_game(source.text, "nfg", source=source.name))
    data = load_mapping(source)
    game = game_from_data(data, text=source.text, source=source.name)
    try:
        return repeated_from_mapping(data, game)
    except ParseError:
        raise
    except ModelError as exc:
        raise exc.located(source=source.name, line=line_of(source.text, exc.field)) from None


def write_text(path: str, text: str, *, overwrite: bool = False) -> None:
    """Write ``text`` to ``path`` atomically; refuse to replace a file unless ``overwrite``.

    ``-`` writes to standard output.
    """
    if path == "-":
        sys.stdout.write(text)
        return
    if os.path.exists(path) and not overwrite:
        raise ModelError(f"{path}: already exists; use --force to replace it")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ModelError(f"{path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".detente-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
