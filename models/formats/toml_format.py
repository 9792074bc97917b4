"""TOML model files: read with the standard library, written by a small emitter.

The emitter writes what the readers of this project produce: strings,
integers, floats, booleans, arrays and tables.  Top-level tables become
``[section]`` headers; tables nested deeper than ``inline_depth`` are
written inline (``{ a = 1 }``) so automata stay readable.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from typing import Any

from ..errors import ParseError

__all__ = ["parse_toml", "dump_toml"]

_LOCATION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def parse_toml(text: str, *, source: str | None = None) -> dict[str, Any]:
    """Parse TOML text; syntax errors become :class:`ParseError` with the line.

    A leading UTF-8 byte-order mark is ignored.
    """
    text = text.removeprefix("\ufeff")
    try:
        return tomllib.loads(text)
    except RecursionError:
        # the standard library's reader recurses once per nesting level
        raise ParseError("invalid TOML: arrays or tables nested too deeply", source=source) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        line = None
        m = _LOCATION.search(msg)
        if m:
            line = int(m.group(1))
            msg = msg[: m.start()] + f" (column {m.group(2)})"
        elif msg.endswith("(at end of document)"):
            line = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
            msg = msg[: -len("(at end of document)")].rstrip() + " (at the end of the file)"
        raise ParseError(f"invalid TOML: {msg}", source=source, line=line) from None


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"cannot write {v} to TOML")
        text = repr(v)
        return text if any(ch in text for ch in ".e") else text + ".0"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, Mapping):
        inner = ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def dump_toml(data: Mapping[str, Any], *, inline_depth: int = 2) -> str:
    """TOML text for ``data``.

    Parameters
    ----------
    data:
        Nested mappings, lists, strings and numbers.
    inline_depth:
        Tables at this nesting depth or deeper are written inline.

    Examples
    --------
    >>> print(dump_toml({"title": "PD", "payoffs": {"Row": [[3, 0], [5, 1]]}}), end="")
    title = "PD"
    <BLANKLINE>
    [payoffs]
    Row = [[3, 0], [5, 1]]
    """
    out: list[str] = []

    def table(prefix: list[str], mapping: Mapping[str, Any]) -> None:
        depth = len(prefix)
        subtables = []
        body: list[str] = []
        for k, v in mapping.items():
            if isinstance(v, Mapping) and depth < inline_depth:
                subtables.append((k, v))
            elif isinstance(v, Mapping) and v and all(isinstance(x, Mapping) for x in v.values()):
                # a table of tables (automaton states): one dotted key per line
                body.extend(f"{_key(k)}.{_key(sub)} = {_value(x)}" for sub, x in v.items())
            else:
                body.append(f"{_key(k)} = {_value(v)}")
        if prefix and (body or not subtables):
            if out:
                out.append("")
            out.append("[" + ".".join(_key(p) for p in prefix) + "]")
        out.extend(body)
        for k, v in subtables:
            table(prefix + [k], v)

    table([], data)
    return "\n".join(out) + "\n"
