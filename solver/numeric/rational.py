"""Exact-or-float numbers and the integer arithmetic under the exact algorithms.

``exact=True`` means :class:`~fractions.Fraction` values compared exactly;
``exact=False`` means ``float`` values compared within an explicit
tolerance (see :mod:`solver.numeric.tolerance`).

The exact algorithms (linear solves, pivoting tableaux, the simplex,
Sturm sequences) work on integers: a row of rationals is scaled by the lcm
of its denominators (:func:`scale_to_integers`), and elimination is
fraction-free (:func:`fraction_free_row`, :func:`fraction_free_pivot`): the
update ``(row * p - f * pivot_row) / d`` divides exactly, by Sylvester's
identity, when ``d`` is the previous pivot (Bareiss 1968; Edmonds 1967).

References
----------
E. H. Bareiss, "Sylvester's identity and multistep integer-preserving
Gaussian elimination", Mathematics of Computation 22 (1968).

J. Edmonds, "Systems of distinct representatives and linear algebra",
J. Res. Nat. Bur. Standards 71B (1967).

Examples
--------
>>> scale_to_integers([Fraction(1, 2), Fraction(2, 3), 1])
([3, 4, 6], 6)
>>> primitive([4, -6, 8])
[2, -3, 4]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

import numpy as np

from models.numbers import Number, to_exact

__all__ = ["scale_to_integers", "primitive", "fraction_free_row", "fraction_free_pivot", "positive_integer_matrix",
           "positive_float_matrix", "as_number", "leq", "is_zero", "simplest_in"]


def scale_to_integers(values: Iterable[int | Fraction]) -> tuple[list[int], int]:
    """Integers ``n_k`` and the lcm ``L`` of the denominators, with ``values[k] = n_k / L``."""
    vals = [v if isinstance(v, Fraction) else Fraction(v) for v in values]
    lcm = 1
    for v in vals:
        if lcm % v.denominator:
            lcm = lcm * v.denominator // math.gcd(lcm, v.denominator)
    return [v.numerator * (lcm // v.denominator) for v in vals], lcm


def primitive(ints: list[int]) -> list[int]:
    """``ints`` divided by the (positive) gcd of its entries (unchanged when that is 0 or 1)."""
    g = 0
    for c in ints:
        g = math.gcd(g, c)
        if g == 1:
            return ints
    return [c // g for c in ints] if g > 1 else ints


def fraction_free_row(row: Sequence[int], pivot_row: Sequence[int], f: int, p: int, d: int) -> list[int]:
    """``(row * p - f * pivot_row) // d``: one fraction-free elimination step on a row.

    ``p`` is the pivot, ``f`` the row's entry in the pivot column and ``d`` the
    previous pivot, which divides exactly.
    """
    if f == 0:
        return list(row) if p == d else [a * p // d for a in row]
    return [(a * p - f * b) // d for a, b in zip(row, pivot_row)]


def fraction_free_pivot(T: np.ndarray, row: int, col: int, d: int) -> np.ndarray:
    """A new object tableau: :func:`fraction_free_row` on every row but ``row``, which is kept."""
    p = T[row, col]
    new = (T * p - np.outer(T[:, col], T[row])) // d
    new[row] = T[row]
    return new


def positive_integer_matrix(M: np.ndarray) -> np.ndarray:
    """A positive affine image of a Fraction matrix with integer entries >= 1.

    ``(M - min(M) + 1) * L`` where ``L`` is the lcm of the denominators.
    Equilibria are invariant under positive affine maps of one player's
    payoffs, so this changes nothing but the arithmetic.
    """
    shifted = M - min(M.flat) + 1
    ints, _ = scale_to_integers(shifted.flat)
    out = np.empty(M.shape, dtype=object)
    out.flat[:] = ints
    return out


def positive_float_matrix(M: np.ndarray) -> np.ndarray:
    """``(M - min) / range + 1``: entries in [1, 2], well scaled for float pivoting."""
    M = np.asarray(M, dtype=float)
    lo, hi = M.min(), M.max()
    span = hi - lo if hi > lo else 1.0
    return (M - lo) / span + 1.0


def as_number(x: object, exact: bool) -> Number:
    """A plain Fraction or float (not a numpy scalar)."""
    if exact:
        return to_exact(x)  # type: ignore[arg-type]
    return float(x)  # type: ignore[arg-type]


def leq(a: Number, b: Number, exact: bool, tol: float) -> bool:
    """``a <= b`` exactly, or ``a <= b + tol`` for floats (``tol`` absolute: scale it to the data)."""
    if exact:
        return a <= b
    return float(a) <= float(b) + tol


def is_zero(a: Number, exact: bool, tol: float) -> bool:
    """``a == 0`` exactly, or ``|a| <= tol`` for floats."""
    return a == 0 if exact else abs(float(a)) <= tol


def simplest_in(lo: Fraction, hi: Fraction) -> Fraction:
    """The fraction with the smallest denominator in ``[lo, hi]`` (the smallest numerator among those).

    From the continued fractions of the two ends: while both have the same integer part ``n``, the answer is
    ``n + 1 / simplest_in(1 / (hi - n), 1 / (lo - n))``; once an integer lies between them, it is the answer.

    >>> simplest_in(Fraction(3, 10), Fraction(2, 5))
    Fraction(1, 3)
    >>> simplest_in(Fraction(-7, 4), Fraction(-8, 5))
    Fraction(-5, 3)
    """
    if lo > hi:
        raise ValueError(f"empty interval [{lo}, {hi}]")
    if lo <= 0 <= hi:
        return Fraction(0)
    if hi < 0:
        return -simplest_in(-hi, -lo)
    terms: list[int] = []
    a, b = lo, hi
    while True:
        n = math.floor(a)
        if n == a or n + 1 <= b:  # an integer in [a, b]: the smallest one
            terms.append(n if n == a else n + 1)
            break
        terms.append(n)
        a, b = 1 / (b - n), 1 / (a - n)
    x = Fraction(terms[-1])
    for n in reversed(terms[:-1]):
        x = n + 1 / x
    return x
