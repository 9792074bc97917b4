"""Numbers in models: exact fractions and floats.

Conventions
-----------
* An integer, or a string ``"p/q"`` / ``"n"``, is exact and becomes a
  :class:`fractions.Fraction`.
* A decimal literal (``0.1``, ``"2.5"``, ``1e-3``) is a float and stays a
  float.  When exact work is asked for, :func:`to_exact` turns it into the
  decimal it spells (``0.1`` becomes ``1/10``, not the nearest binary
  fraction).
* NaN, infinities, booleans and anything else are rejected with a
  :class:`~models.errors.ModelError` naming the field.

>>> parse_number("1/3")
Fraction(1, 3)
>>> parse_number(2)
Fraction(2, 1)
>>> parse_number(0.25)
0.25
>>> to_exact(0.1)
Fraction(1, 10)
>>> format_number(Fraction(-2, 4))
'-1/2'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from fractions import Fraction

from .errors import ModelError

__all__ = [
    "PROBABILITY_SUM_TOL",
    "Number",
    "parse_number",
    "parse_probability",
    "to_exact",
    "to_float",
    "is_exact",
    "all_exact",
    "format_number",
    "json_number",
    "plain_number",
    "sums_to_one",
]

Number = Fraction | float

#: The one tolerance of :mod:`models`: how far from 1 a sum of *float* probabilities may be (a
#: distribution of exact fractions must sum to exactly 1).  Every check of a distribution in the
#: models (mixed profiles, automaton distributions, monitoring table rows) uses it.
PROBABILITY_SUM_TOL = 1e-9

_EXACT_RE = re.compile(r"^\s*[+-]?\d+\s*(/\s*\d+\s*)?$")
_DECIMAL_RE = re.compile(
    r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$"
)


def parse_number(value: object, *, field: str | None = None) -> Number:
    """Read one payoff or parameter value.

    Parameters
    ----------
    value:
        An ``int``, a ``float``, a :class:`~fractions.Fraction`, or a string
        such as ``"3"``, ``"-1/2"`` or ``"0.75"``.
    field:
        Where the value sits in the model, for the error message.

    Returns
    -------
    Fraction or float
        A Fraction for integers and ``p/q``; a float for decimals.

    Raises
    ------
    ModelError
        For NaN, infinity, booleans, zero denominators and non-numbers.
    """
    if isinstance(value, bool):
        raise ModelError(f"expected a number, got {str(value).lower()}", field=field)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ModelError(f"expected a finite number, got {value}", field=field)
        return value
    if isinstance(value, str):
        text = value.strip()
        if _EXACT_RE.match(text):
            num, _, den = text.partition("/")
            if den and int(den) == 0:
                raise ModelError(f"zero denominator in {value!r}", field=field)
            return Fraction(int(num), int(den) if den else 1)
        if _DECIMAL_RE.match(text):
            return parse_number(float(text), field=field)
        raise ModelError(
            f"expected a number such as 3, -1/2 or 0.75, got {value!r}", field=field
        )
    raise ModelError(
        f"expected a number, got {type(value).__name__} {value!r}", field=field
    )


def parse_probability(value: object, *, field: str | None = None) -> Number:
    """Read a number in [0, 1]."""
    x = parse_number(value, field=field)
    if x < 0 or x > 1:
        raise ModelError(f"expected a probability in [0, 1], got {format_number(x)}", field=field)
    return x


def sums_to_one(values: Iterable[Number]) -> bool:
    """True when ``values`` sum to one: exactly for fractions, within :data:`PROBABILITY_SUM_TOL` otherwise.

    >>> sums_to_one([Fraction(1, 3), Fraction(2, 3)]), sums_to_one([0.1, 0.2, 0.7]), sums_to_one([0.5, 0.4])
    (True, True, False)
    """
    vals = list(values)
    total = sum(vals)
    if all(is_exact(v) for v in vals):
        return bool(total == 1)
    return abs(float(total) - 1.0) <= PROBABILITY_SUM_TOL


def to_exact(x: Number) -> Fraction:
    """Exact value of ``x``: floats become the decimal their repr spells."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(repr(float(x)))


def to_float(x: Number) -> float:
    """``x`` as a float."""
    return float(x)


def is_exact(x: object) -> bool:
    """True for Fractions and ints (not bools)."""
    return isinstance(x, (Fraction, int)) and not isinstance(x, bool)


def all_exact(values: Iterable[object]) -> bool:
    """True when every value is exact."""
    return all(is_exact(v) for v in values)


def format_number(x: Number, digits: int = 6) -> str:
    """Human form: ``1/3`` for fractions, ``digits`` significant digits for floats.

    >>> format_number(Fraction(7, 1))
    '7'
    >>> format_number(2 / 3, digits=4)
    '0.6667'
    >>> format_number(-0.0)
    '0'
    """
    if isinstance(x, Fraction) or (isinstance(x, int) and not isinstance(x, bool)):
        f = Fraction(x)
        return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"
    v = float(x)
    if v == 0.0:  # also folds -0.0
        return "0"
    return f"{v:.{digits}g}"


def plain_number(x: Number) -> int | str | float:
    """File form (TOML, JSON models): an int when integral and exact, ``"p/q"`` when exact, else a float.

    >>> plain_number(Fraction(3)), plain_number(Fraction(1, 3)), plain_number(0.5)
    (3, '1/3', 0.5)
    """
    if is_exact(x):
        text = format_number(x)
        return int(text) if "/" not in text else text
    return float(x)


def json_number(x: Number) -> str | float | int:
    """JSON form: ``"p/q"`` strings for exact values, JSON numbers for floats."""
    if isinstance(x, Fraction) or (isinstance(x, int) and not isinstance(x, bool)):
        return format_number(x)
    return float(x)
