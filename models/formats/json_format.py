"""JSON model files.

The document is the mapping form of :mod:`models.formats.mapping` plus a
header: ``{"format": "detente-model", "schema_version": 1, ...}``.
Exact numbers are written as integers or ``"p/q"`` strings, floats as JSON
numbers; on reading, JSON integers are exact and JSON decimals are floats.
NaN and Infinity are rejected.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import ParseError

__all__ = ["parse_json", "dump_json", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
FORMAT_NAME = "detente-model"


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number this format accepts")


def parse_json(text: str, *, source: str | None = None) -> dict[str, Any]:
    """Parse a JSON model document into its mapping form (header keys removed).

    A leading UTF-8 byte-order mark is ignored.
    """
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ParseError("invalid JSON: arrays or objects nested too deeply", source=source) from None
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg} (column {exc.colno})", source=source, line=exc.lineno) from None
    except ValueError as exc:
        raise ParseError(f"invalid JSON: {exc}", source=source) from None
    if not isinstance(data, dict):
        raise ParseError("a JSON model must be an object", source=source, line=1)
    fmt = data.pop("format", FORMAT_NAME)
    if fmt != FORMAT_NAME:
        raise ParseError(f"expected format {FORMAT_NAME!r}, got {fmt!r}", source=source, field="format")
    version = data.pop("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ParseError(
            f"unsupported schema_version {version!r} (this version reads {SCHEMA_VERSION})",
            source=source,
            field="schema_version",
        )
    return data


def dump_json(mapping: Mapping[str, Any]) -> str:
    """JSON text of a model mapping, with the format header."""
    doc = {"format": FORMAT_NAME, "schema_version": SCHEMA_VERSION, **mapping}
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
