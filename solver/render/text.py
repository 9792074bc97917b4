"""Plain-text building blocks: numbers for humans, aligned tables, mixed strategies, JSON layout.

Renderers take a result object and return a string; they never compute.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from models.numbers import Number, format_number

__all__ = ["num", "short", "percent", "table", "strategy_text", "json_text"]


def num(x: Number | None, digits: int = 6) -> str:
    """A number for humans: ``2/3`` when exact, ``digits`` significant digits otherwise."""
    return "-" if x is None else format_number(x, digits)


def _is_numeric(text: str) -> bool:
    t = text.replace("/", "").replace(".", "").replace("-", "").replace("e", "").replace("+", "")
    return t.isdigit()


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> str:
    """Columns padded to a common width; numeric columns right-aligned."""
    cols = len(headers)
    widths = [len(h) for h in headers]
    for row in rows:
        for c in range(cols):
            widths[c] = max(widths[c], len(row[c]))
    numeric = [bool(rows) and all(_is_numeric(r[c]) or r[c] == "-" for r in rows) for c in range(cols)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for c, cell in enumerate(cells):
            out.append(cell.rjust(widths[c]) if numeric[c] else cell.ljust(widths[c]))
        return (indent + "  ".join(out)).rstrip()

    return "\n".join([line(headers)] + [line(r) for r in rows])


def strategy_text(probs: Sequence[Number], labels: Sequence[str], digits: int = 6) -> str:
    """``Bach`` for a pure strategy, ``2/3 Bach + 1/3 Stravinsky`` for a mixed one."""
    support = [(p, a) for p, a in zip(probs, labels) if p != 0 and abs(float(p)) > 1e-15]
    if len(support) == 1:
        return support[0][1]
    return " + ".join(f"{num(p, digits)} {a}" for p, a in support)


def json_text(doc: object, indent: int = 2) -> str:
    """JSON with objects spread over lines but short lists of numbers kept on one line."""
    pad = " " * indent

    def flat(value: object) -> bool:
        if isinstance(value, list):
            return all(not isinstance(v, (dict, list)) or (isinstance(v, list) and flat(v)) for v in value)
        return not isinstance(value, dict)

    def emit(value: object, depth: int) -> str:
        if isinstance(value, dict):
            if not value:
                return "{}"
            inner = ",\n".join(f"{pad * (depth + 1)}{json.dumps(k)}: {emit(v, depth + 1)}" for k, v in value.items())
            return "{\n" + inner + "\n" + pad * depth + "}"
        if isinstance(value, list):
            one_line = json.dumps(value, ensure_ascii=False, allow_nan=False)
            if not value or (flat(value) and len(one_line) <= 100):
                return one_line
            inner = ",\n".join(pad * (depth + 1) + emit(v, depth + 1) for v in value)
            return "[\n" + inner + "\n" + pad * depth + "]"
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    return emit(doc, 0)


def short(x: Number | None, digits: int = 6) -> str:
    """Like :func:`num`, but long exact fractions are shown as decimals (``--json`` keeps them exact)."""
    if x is None:
        return "-"
    text = format_number(x, digits)
    if "/" in text and len(text) > 11:
        return format_number(float(x), digits)
    return text


def percent(x: Number | None, digits: int) -> str:
    return "-" if x is None else f"{format_number(float(x) * 100, min(digits, 4))}%"
