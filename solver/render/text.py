"""Plain-text building blocks: numbers for humans, aligned tables, mixed strategies, JSON layout.

Renderers take a result object and return a string; they never compute.

Numbers.  Floats print with ``digits`` significant digits.  Exact values
print as fractions (``2/3``) while the fraction is short; a longer one,
and every exact value when ``decimals`` is asked for, prints as a decimal
of ``digits`` significant digits, marked ``~`` when that decimal is
rounded (``~0.333333``) and unmarked when it is the exact value (``0.5``).
``--json`` always keeps the exact fractions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

from models.numbers import Number, format_number, is_exact
from solver.numeric.tolerance import PROBABILITY_TOL

__all__ = ["ROUNDED", "MAX_FRACTION", "num", "short", "percent", "table", "strategy_text", "label_text",
           "arithmetic_text", "json_text", "csv_line"]

#: Prefix of an exact value shown rounded.  ASCII, so every terminal and code page can print it.
ROUNDED = "~"
#: Longest fraction printed as a fraction when decimals are not asked for (``12345/67891`` fits).
MAX_FRACTION = 11


def _like_float(text: str) -> str:
    """A Decimal's ``g`` form written as a float's: no trailing zeros, two-digit exponents."""
    mantissa, e, exponent = text.partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    if e:
        exponent = re.sub(r"^([+-])(\d)$", r"\g<1>0\g<2>", exponent)
    return mantissa + e + exponent


def decimal_text(x: Fraction, digits: int) -> str:
    """``x`` with ``digits`` significant digits, prefixed by :data:`ROUNDED` unless it is exact.

    >>> decimal_text(Fraction(1, 3), 4), decimal_text(Fraction(1, 8), 4), decimal_text(Fraction(10**20, 3), 3)
    ('~0.3333', '0.125', '~3.33e+19')
    >>> decimal_text(Fraction(1000033, 2000012), 6), decimal_text(Fraction(100), 6)
    ('~0.500013', '100')
    >>> decimal_text(Fraction(3 * 10**7), 6)
    '3e+07'
    """
    with localcontext() as ctx:
        ctx.prec = digits
        d = Decimal(x.numerator) / Decimal(x.denominator)
    text = _like_float(format(d, f".{digits}g"))
    if text in ("-0", "0"):
        text = "0"
    return text if Fraction(d) == x else ROUNDED + text


def num(x: Number | None, digits: int = 6, decimals: bool = False) -> str:
    """A number for humans: ``2/3`` when exact and short, ``digits`` significant digits otherwise.

    >>> num(Fraction(2, 3)), num(Fraction(2, 3), 3, decimals=True), num(Fraction(1, 2), decimals=True), num(2 / 3, 3)
    ('2/3', '~0.667', '0.5', '0.667')
    >>> num(Fraction(1, 3 * 10**12))
    '~3.33333e-13'
    """
    if x is None:
        return "-"
    if not is_exact(x):
        return format_number(x, digits)
    f = Fraction(x)
    if decimals:
        return decimal_text(f, digits)
    text = format_number(f)
    if "/" in text and len(text) > MAX_FRACTION:
        return decimal_text(f, digits)
    return text


def short(x: Number | None, digits: int = 6, decimals: bool = False) -> str:
    """The same as :func:`num` (kept for callers that used to abbreviate only here)."""
    return num(x, digits, decimals)


def percent(x: Number | None, digits: int, decimals: bool = True) -> str:
    """``x`` as a percentage with at most 4 significant digits; an exact value rounded is marked ``~``."""
    if x is None:
        return "-"
    if is_exact(x):
        return f"{num(Fraction(x) * 100, min(digits, 4), decimals=True)}%"
    return f"{format_number(float(x) * 100, min(digits, 4))}%"


def arithmetic_text(exact: bool, text: str, digits: int) -> str:
    """How the numbers of ``text`` were computed and shown, for a heading."""
    if not exact:
        return "floating point"
    if ROUNDED in text:
        return f"exact arithmetic; {ROUNDED} marks values rounded to {digits} significant digits"
    return "exact arithmetic"


def _is_numeric(text: str) -> bool:
    t = text.removeprefix(ROUNDED).removesuffix("%")
    t = t.replace("/", "").replace(".", "").replace("-", "").replace("e", "").replace("+", "")
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


def label_text(label: str) -> str:
    """An action label where it could be misread: ``[1]`` for a label that looks like a number.

    >>> label_text("Bach"), label_text("2"), label_text("a b"), label_text("")
    ('Bach', '[2]', '[a b]', '[]')
    """
    if not label or label[0] in "0123456789+-.~" or any(c.isspace() or c in "+*[]" for c in label):
        return f"[{label}]"
    return label


def strategy_text(probs: Sequence[Number], labels: Sequence[str], digits: int = 6, decimals: bool = False) -> str:
    """``Bach`` for a pure strategy, ``2/3 Bach + 1/3 Stravinsky`` for a mixed one.

    Labels that look like numbers are bracketed, so Gambit's numeric labels stay readable:
    ``1/2 [1] + 1/2 [2]``.
    """
    support = [(p, a) for p, a in zip(probs, labels) if p != 0 and abs(float(p)) > PROBABILITY_TOL]
    if len(support) == 1:
        return label_text(support[0][1])
    return " + ".join(f"{num(p, digits, decimals)} {label_text(a)}" for p, a in support)


def csv_line(tag: str, values: Sequence[Number], digits: int = 6, decimals: bool = False) -> str:
    """One line of Gambit's command-line output: ``NE,1/2,1/2,1/3,2/3``.

    Exact values are fractions (however long), or decimals without the ``~`` mark when ``decimals``.
    """
    cells = [tag]
    for v in values:
        if is_exact(v) and not decimals:
            cells.append(format_number(v))
        else:
            cells.append(num(v, digits, decimals).removeprefix(ROUNDED))
    return ",".join(cells)


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
