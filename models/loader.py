"""Where models come from and where output goes.

A *model spec* is a file path (``.toml``, ``.nfg``, ``.json``), a built-in
name ``catalog:NAME``, or ``-`` for standard input.  The format comes from
the suffix, or from ``fmt``; standard input without a format is sniffed
(``NFG`` -> nfg, ``{`` -> json, otherwise toml).  A UTF-8 byte-order mark
at the start is ignored in every format.

A model file is valid or not as a whole: :func:`load_game` checks the
repeated-game tables (``[monitoring]``, ``[strategies]``, ``[repeated]``)
exactly as :func:`load_repeated` does, and returns the stage game.

:func:`dump_model` writes a model in another format; a scenario file stays a
scenario file (TOML, JSON), or becomes its stage game (``.nfg``).

Output files (:func:`write_text`) are written atomically: a temporary file
in the same folder, then a rename.  An existing file is never replaced
unless asked; only a regular file is replaced (not a folder, a device or a
pipe), and a symbolic link is followed, so its target is replaced and the
link stays.  A new file gets the permissions ``0666 & ~umask``, as any
program's output does; a replaced file keeps its permissions.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from typing import Any, TextIO

from . import catalog
from .errors import ModelError, ParseError
from .formats import FORMATS, format_for, game_from_data, read_game, read_mapping, sniff_format, write_game
from .formats.json_format import dump_json
from .formats.mapping import Origin
from .formats.toml_format import dump_toml
from .repeated import RepeatedModel, dump_repeated, repeated_from_mapping
from .scenario import Scenario, scenario_from_mapping, scenario_from_model, scenario_to_mapping
from .stage import StageGame

__all__ = ["ModelSource", "open_model", "load_game", "load_mapping", "load_repeated", "load_scenario", "dump_model",
           "write_text"]


@dataclass(frozen=True)
class ModelSource:
    """The text of a model and where it came from."""

    name: str  # path, catalog:NAME or <stdin>, used in error messages
    format: str
    text: str

    @property
    def origin(self) -> Origin:
        return Origin(self.name, self.text)


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
        try:
            text = stream.read()
        except UnicodeDecodeError:
            raise ParseError("not a UTF-8 text file", source="<stdin>") from None
        return ModelSource("<stdin>", fmt or sniff_format(text), text)
    if not spec:
        raise ModelError("the MODEL argument is empty: give a file, catalog:NAME or -")
    fmt = fmt or format_for(spec)
    if fmt is None:
        if not os.path.lexists(spec):  # a mistyped name: say so, not that the suffix is missing
            raise ModelError(f"{spec}: no such file")
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
    except OSError as exc:
        raise ModelError(f"{spec}: cannot read: {exc.strerror or exc}") from None
    return ModelSource(spec, fmt, text)


def load_mapping(source: ModelSource) -> dict[str, Any]:
    """The parsed table of a TOML or JSON model."""
    if source.format == "nfg":
        raise ModelError(f"{source.name}: a Gambit .nfg file holds only a stage game")
    return read_mapping(source.text, source.format, source=source.name)


def load_game(spec: str, fmt: str | None = None, *, stdin: TextIO | None = None) -> StageGame:
    """The stage game behind a model spec (see module docstring).

    The repeated-game tables of a TOML or JSON file are validated too, so a file that
    :func:`load_repeated` refuses is refused here as well.
    """
    return load_repeated(spec, fmt, stdin=stdin).game


def load_repeated(spec: str, fmt: str | None = None, *, stdin: TextIO | None = None) -> RepeatedModel:
    """The repeated game behind a model spec: stage game, monitoring, strategies, delta.

    A Gambit ``.nfg`` file gives a stage game under perfect monitoring.
    """
    source = open_model(spec, fmt, stdin=stdin)
    if source.format == "nfg":
        return RepeatedModel(read_game(source.text, "nfg", source=source.name), origin=source.origin)
    data = load_mapping(source)
    if "scenario" in data:
        return _scenario(source, data).full_model()
    game = game_from_data(data, text=source.text, source=source.name)
    try:
        return repeated_from_mapping(data, game, source.origin)
    except ParseError:
        raise
    except ModelError as exc:
        raise source.origin.locate(exc) from None


def load_scenario(spec: str, fmt: str | None = None, *, stdin: TextIO | None = None) -> Scenario:
    """A scenario file (``[scenario]``), or any repeated-game model wrapped as a scenario.

    A Gambit ``.nfg`` file or a model without ``[scenario]`` becomes :func:`~models.scenario.scenario_from_model`
    of its repeated game.
    """
    source = open_model(spec, fmt, stdin=stdin)
    if source.format != "nfg":
        data = load_mapping(source)
        if "scenario" in data:
            return _scenario(source, data)
    return scenario_from_model(load_repeated(spec, source.format, stdin=io.StringIO(source.text)))


def dump_model(spec: str, to_fmt: str, fmt: str | None = None, *,
               stdin: TextIO | None = None) -> tuple[str, tuple[str, ...]]:
    """The model behind ``spec`` as text in format ``to_fmt``, and the tables that format cannot hold.

    A scenario file stays a scenario file in TOML and JSON (its ``[scenario]`` table, every value written
    out), so that ``compare`` and ``--set`` still work on the copy; a Gambit ``.nfg`` file holds its
    generated stage game only, and ``scenario`` is named as dropped.  Any other model is
    :func:`~models.repeated.dump_repeated` of its repeated game.
    """
    if to_fmt not in FORMATS:
        raise ModelError(f"unknown format {to_fmt!r}; choose one of {', '.join(FORMATS)}")
    source = open_model(spec, fmt, stdin=stdin)
    if source.format != "nfg":
        data = load_mapping(source)
        if "scenario" in data:
            scenario = _scenario(source, data)
            if to_fmt == "nfg":
                return write_game(scenario.stage_game(), "nfg"), ("scenario",)
            mapping = scenario_to_mapping(scenario)
            return (dump_toml(mapping, inline_depth=3) if to_fmt == "toml" else dump_json(mapping)), ()
    return dump_repeated(load_repeated(spec, source.format, stdin=io.StringIO(source.text)), to_fmt)


def _scenario(source: ModelSource, data: dict[str, Any]) -> Scenario:
    try:
        return scenario_from_mapping(data)
    except ParseError:
        raise
    except ModelError as exc:
        raise source.origin.locate(exc) from None


def _umask() -> int:
    """The process umask, read without changing it where the system allows (Linux), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(path: str, text: str, *, overwrite: bool = False) -> None:
    """Write ``text`` to ``path`` atomically (see the module docstring); ``-`` writes to standard output.

    Raises
    ------
    ModelError
        ``path`` exists and ``overwrite`` is false; it is a folder or not a regular file; its folder
        is missing; or the write fails (disk full, permission denied...).  Nothing is left behind.
    """
    if path == "-":
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise ModelError(f"cannot write the output: {exc.strerror or exc}") from None
        return
    target = os.path.realpath(path)  # through symbolic links: replace the target, keep the link
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise ModelError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise ModelError(f"{path}: is a folder; give a file name")
        if not stat.S_ISREG(st.st_mode):
            raise ModelError(f"{path}: is not a regular file (a device, pipe or socket); detente replaces "
                             "regular files only")
        if not overwrite:
            raise ModelError(f"{path}: already exists; use --force to replace it")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise ModelError(f"{path}: folder {os.path.dirname(os.path.abspath(path))} does not exist")
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=".detente-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ModelError(f"{path}: cannot write in {folder}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        _discard(tmp)
        if exc.errno == errno.ENOSPC:
            raise ModelError(f"{path}: cannot write: no space left on the device") from None
        raise ModelError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
