"""Exact univariate polynomials over the rationals: interpolation and real-root isolation.

Polynomials are lists of Fraction coefficients, lowest degree first.  Real
roots in an interval are counted with a Sturm sequence of the square-free
part and isolated by bisection with exact sign evaluation, so no root is
missed and none is counted twice (Sturm 1829; see e.g. Basu, Pollack and
Roy, Algorithms in Real Algebraic Geometry, 2006, ch. 2).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from solver.numeric.rational import primitive, scale_to_integers

__all__ = ["Poly", "interpolate", "interpolate_uniform", "evaluate", "real_roots", "Root", "derivative", "multiply",
           "subtract"]

Poly = list[Fraction]


T = TypeVar("T", Fraction, int)


def trim(p: Sequence[T]) -> list[T]:
    """``p`` without its zero leading coefficients."""
    p = list(p)
    while p and p[-1] == 0:
        p.pop()
    return p


def derivative(p: Sequence[Fraction]) -> Poly:
    """``p'`` (coefficients from the constant term up)."""
    return [k * c for k, c in enumerate(p)][1:]


def multiply(p: Sequence[Fraction], q: Sequence[Fraction]) -> Poly:
    """``p q``.

    >>> [str(c) for c in multiply([Fraction(1), Fraction(1)], [Fraction(-1), Fraction(1)])]
    ['-1', '0', '1']
    """
    out = [Fraction(0)] * max(len(p) + len(q) - 1, 0)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return out


def subtract(p: Sequence[Fraction], q: Sequence[Fraction]) -> Poly:
    """``p - q``, trailing zero coefficients dropped."""
    n = max(len(p), len(q))
    return trim([Fraction((p[k] if k < len(p) else 0) - (q[k] if k < len(q) else 0)) for k in range(n)])


def evaluate(p: Sequence[Fraction], x: Fraction) -> Fraction:
    """Horner evaluation."""
    acc = Fraction(0)
    for c in reversed(p):
        acc = acc * x + c
    return acc


def interpolate(xs: Sequence[Fraction], ys: Sequence[Fraction]) -> Poly:
    """The polynomial of degree < len(xs) through the points (Newton's divided differences).

    >>> [str(c) for c in interpolate([Fraction(0), Fraction(1), Fraction(2)], [Fraction(1), Fraction(3), Fraction(7)])]
    ['1', '1', '1']
    """
    n = len(xs)
    coef = list(ys)
    for j in range(1, n):
        for i in range(n - 1, j - 1, -1):
            coef[i] = (coef[i] - coef[i - 1]) / (xs[i] - xs[i - j])
    # expand the Newton form into monomials
    poly: Poly = [Fraction(0)]
    for i in range(n - 1, -1, -1):
        # poly = poly * (x - xs[i]) + coef[i]
        shifted = [Fraction(0)] + poly
        for k in range(len(poly)):
            shifted[k] -= xs[i] * poly[k]
        shifted[0] += coef[i]
        poly = shifted
    return trim(poly)


@functools.lru_cache(maxsize=16)
def _lagrange_numerators(n: int) -> tuple[tuple[tuple[int, ...], ...], tuple[int, ...]]:
    """Integer Lagrange data for the nodes u = 0, 1, ..., n - 1.

    The coefficients of prod_{k != j} (u - k) for each j, and c_j = prod_{k != j} (j - k).
    """
    full = [1]  # prod_k (u - k), lowest degree first
    for k in range(n):
        full = [(-k) * a + b for a, b in zip(full + [0], [0] + full)]
    numerators = []
    for j in range(n):
        # synthetic division of the full product by (u - j)
        q = [0] * n
        carry = 0
        for d in range(n, 0, -1):
            carry = full[d] + carry * j if d < n else full[d]
            q[d - 1] = carry
        numerators.append(tuple(q))
    scales = tuple(math.prod(j - k for k in range(n) if k != j) for j in range(n))
    return tuple(numerators), scales


def interpolate_uniform(m: int, ys: Sequence[Fraction]) -> Poly:
    """The polynomial of degree < len(ys) through the points (k/m, ys[k]), k = 0, 1, ...

    Lagrange's formula on the integer nodes u = m x, summed in integers: much
    faster than :func:`interpolate` when many polynomials share the nodes.

    >>> [str(c) for c in interpolate_uniform(2, [Fraction(1), Fraction(7, 4), Fraction(3)])]
    ['1', '1', '1']
    """
    n = len(ys)
    if n == 0:
        return []
    numerators, scales = _lagrange_numerators(n)
    Z, den = scale_to_integers(Fraction(y) / c for y, c in zip(ys, scales))
    coef = []
    mpow = 1
    for d in range(n):
        total = sum(Zj * Nj[d] for Zj, Nj in zip(Z, numerators) if Zj)
        coef.append(Fraction(total * mpow, den))
        mpow *= m
    return trim(coef)


# -- integer polynomials: root isolation runs on these ---------------------------------------------------------
#
# Sturm sequences over the rationals spend almost all their time in the gcds that keep every Fraction in
# lowest terms.  Root isolation only ever needs *signs*, so it works with integer coefficients instead:
# remainders are scaled by positive constants (which keeps a Sturm sequence's sign changes) and divided by
# their content, and a polynomial's sign at n/d (d > 0) is the sign of the integer sum c_k n^k d^(m-k).

IPoly = list[int]


def _to_integers(p: Poly) -> IPoly:
    """A positive multiple of ``p`` with coprime integer coefficients."""
    return primitive(trim(scale_to_integers(p)[0]))


def _positive_rem(a: IPoly, b: IPoly) -> IPoly:
    """``c * rem(a, b)`` for some constant ``c > 0``, made primitive."""
    r = trim(a)
    lead = b[-1]
    scale, sign = abs(lead), 1 if lead > 0 else -1
    while len(r) >= len(b):
        shift = len(r) - len(b)
        f = sign * r[-1]
        r = [scale * c for c in r]
        for k, c in enumerate(b):
            r[k + shift] -= f * c
        r = trim(r)
    return primitive(r)


def _positive_quotient(a: IPoly, b: IPoly) -> IPoly:
    """``c * (a / b)`` for some ``c > 0`` when ``b`` divides ``a`` exactly, made primitive."""
    r = trim(a)
    lead = b[-1]
    scale, sign = abs(lead), 1 if lead > 0 else -1
    q = [0] * (len(r) - len(b) + 1)
    while len(r) >= len(b):
        shift = len(r) - len(b)
        f = sign * r[-1]
        q = [scale * c for c in q]
        q[shift] += f
        r = [scale * c for c in r]
        for k, c in enumerate(b):
            r[k + shift] -= f * c
        r = trim(r)
    return primitive(trim(q))


def _iderivative(p: IPoly) -> IPoly:
    return primitive(trim([k * c for k, c in enumerate(p)][1:]))


def _igcd(a: IPoly, b: IPoly) -> IPoly:
    a, b = trim(a), trim(b)
    while b:
        a, b = b, _positive_rem(a, b)
    return a


def _sign_at(p: IPoly, x: Fraction) -> int:
    """Sign of ``p(x)``: the sign of ``d^m p(n/d)``, summed by Horner's rule in integers."""
    n, d = x.numerator, x.denominator
    acc, dk = 0, 1
    for c in reversed(p):
        acc = acc * n + c * dk
        dk *= d
    return (acc > 0) - (acc < 0)


def _sign_changes(seq: Sequence[IPoly], x: Fraction) -> int:
    signs = [v for v in (_sign_at(p, x) for p in seq) if v != 0]
    return sum(1 for u, v in zip(signs, signs[1:]) if u != v)


def _sturm(p: IPoly) -> list[IPoly]:
    seq = [p, _iderivative(p)]
    while True:
        r = _positive_rem(seq[-2], seq[-1])
        if not r:
            break
        seq.append([-c for c in r])
    return seq


@dataclass(frozen=True)
class Root:
    """A real root known to lie in ``[lo, hi]`` (``lo == hi`` when it is the exact rational ``lo``)."""

    lo: Fraction
    hi: Fraction

    @property
    def exact(self) -> Fraction | None:
        return self.lo if self.lo == self.hi else None

    @property
    def approx(self) -> float:
        return float((self.lo + self.hi) / 2)


def real_roots(p: Poly, lo: Fraction, hi: Fraction, *, width: Fraction = Fraction(1, 10**18)) -> list[Root]:
    """Every distinct real root of ``p`` in the open interval ``(lo, hi)``, sorted.

    Each root is isolated to an interval narrower than ``width``; a root that
    is a rational with a small denominator is recognised and returned exactly.

    >>> [r.exact for r in real_roots([Fraction(-1), Fraction(0), Fraction(2)], Fraction(0), Fraction(1))]
    [None]
    >>> [str(r.exact) for r in real_roots([Fraction(-1), Fraction(2)], Fraction(0), Fraction(1))]
    ['1/2']
    """
    ip = _to_integers(trim(p))
    if len(ip) <= 1:
        return []
    g = _igcd(ip, _iderivative(ip))
    sq = _positive_quotient(ip, g) if len(g) > 1 else ip
    seq = _sturm(sq)

    def count(a: Fraction, b: Fraction) -> int:
        # roots in (a, b]
        return _sign_changes(seq, a) - _sign_changes(seq, b)

    roots: list[Root] = []
    stack = [(lo, hi)]
    while stack:
        a, b = stack.pop()
        n = count(a, b)
        if n == 0:
            continue
        if n == 1:
            roots.append(_bisect(sq, a, b, width))
            continue
        # split where sq does not vanish (it has finitely many roots), so every root stays inside a part
        m, k = (a + b) / 2, 2
        while _sign_at(sq, m) == 0:
            m = a + (b - a) * Fraction(2**k + 1, 2 ** (k + 1))
            k += 1
        stack.append((a, m))
        stack.append((m, b))
    # the right end is excluded
    roots = [r for r in roots if not (r.exact is not None and r.exact == hi)]
    roots.sort(key=lambda r: (r.lo, r.hi))
    return roots


def _bisect(p: IPoly, a: Fraction, b: Fraction, width: Fraction) -> Root:
    """Narrow the single simple root of ``p`` in ``(a, b]`` to ``width``, then recognise it (:func:`_refine`)."""
    a, b, hit = _narrow(p, a, b, width)
    return Root(hit, hit) if hit is not None else _refine(p, a, b)


def _narrow(p: IPoly, a: Fraction, b: Fraction, width: Fraction) -> tuple[Fraction, Fraction, Fraction | None]:
    """Bisect the single simple root of ``p`` in ``(a, b]`` until the bracket is narrower than ``width``.

    The sign at ``b`` steers the search (``a`` may itself be a root, outside the half-open interval, so its
    sign says nothing): with exactly one root in ``(a, b]``, the root lies in ``(a, m]`` iff ``p(m)`` has
    the sign of ``p(b)``.  Returns the bracket, and the root itself when a midpoint (or ``b``) hits it.
    """
    fb = _sign_at(p, b)
    if fb == 0:
        return b, b, b
    while b - a >= width:
        m = (a + b) / 2
        fm = _sign_at(p, m)
        if fm == 0:
            return m, m, m
        if fm == fb:
            b = m
        else:
            a = m
    return a, b, None


#: Largest leading coefficient for which :func:`_refine` narrows a root until a rational root must show.
RATIONAL_ROOT_MAX_LEAD = 10**30


def _refine(p: IPoly, a: Fraction, b: Fraction) -> Root:
    """Recognise a rational root inside ``(a, b]``, the bracket of the single root of ``p`` there.

    Small denominators are tried first.  Then the rational root theorem: a rational root ``u/v`` of the
    integer polynomial has ``v`` dividing the leading coefficient ``L``, and two fractions with denominators
    up to ``L`` are at least ``1/L^2`` apart; so once the bracket is narrower than ``1/(2 L^2)`` the only
    candidate is the fraction nearest its middle with denominator up to ``L`` (for ``L`` up to
    :data:`RATIONAL_ROOT_MAX_LEAD`; a linear polynomial's root is taken directly).
    """
    mid = (a + b) / 2
    for bound in (10, 100, 1000, 10**4, 10**5, 10**6):
        cand = mid.limit_denominator(bound)
        if a < cand <= b and _sign_at(p, cand) == 0:  # the root is in (a, b]: a itself may be another root
            return Root(cand, cand)
    if len(p) == 2:
        root = Fraction(-p[0], p[1])
        return Root(root, root) if a < root <= b else Root(a, b)
    lead = abs(p[-1])
    if 10**6 < lead <= RATIONAL_ROOT_MAX_LEAD:
        lo, hi, hit = _narrow(p, a, b, Fraction(1, 2 * lead * lead))
        if hit is not None:
            return Root(hit, hit)
        cand = ((lo + hi) / 2).limit_denominator(lead)
        if lo < cand <= hi and _sign_at(p, cand) == 0:
            return Root(cand, cand)
        return Root(lo, hi)
    return Root(a, b)
