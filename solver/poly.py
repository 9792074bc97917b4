"""Exact univariate polynomials over the rationals: interpolation and real-root isolation.

Polynomials are lists of Fraction coefficients, lowest degree first.  Real
roots in an interval are counted with a Sturm sequence of the square-free
part and isolated by bisection with exact sign evaluation, so no root is
missed and none is counted twice (Sturm 1829; see e.g. Basu, Pollack and
Roy, Algorithms in Real Algebraic Geometry, 2006, ch. 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Poly", "interpolate", "evaluate", "real_roots", "Root"]

Poly = list[Fraction]


def trim(p: Poly) -> Poly:
    p = list(p)
    while p and p[-1] == 0:
        p.pop()
    return p


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


def _divmod(a: Poly, b: Poly) -> tuple[Poly, Poly]:
    a = trim(a)
    b = trim(b)
    q = [Fraction(0)] * max(len(a) - len(b) + 1, 1)
    r = list(a)
    while len(trim(r)) >= len(b):
        r = trim(r)
        shift = len(r) - len(b)
        f = r[-1] / b[-1]
        q[shift] = f
        for k, c in enumerate(b):
            r[k + shift] -= f * c
        r = trim(r)
        if not r:
            break
    return trim(q), trim(r)


def _derivative(p: Poly) -> Poly:
    return trim([k * c for k, c in enumerate(p)][1:])


def _monic(p: Poly) -> Poly:
    return [c / p[-1] for c in p]


def _gcd(a: Poly, b: Poly) -> Poly:
    a, b = trim(a), trim(b)
    while b:
        a, b = b, _divmod(a, b)[1]
    return _monic(a) if a else a


def _sign_changes(seq: Sequence[Poly], x: Fraction) -> int:
    signs = [v for v in (evaluate(p, x) for p in seq) if v != 0]
    return sum(1 for u, v in zip(signs, signs[1:]) if (u > 0) != (v > 0))


def _sturm(p: Poly) -> list[Poly]:
    seq = [p, _derivative(p)]
    while trim(seq[-1]):
        r = _divmod(seq[-2], seq[-1])[1]
        if not r:
            break
        seq.append([-c for c in r])
    return [s for s in seq if s]


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


def real_roots(p: Poly, lo: Fraction, hi: Fraction, *, width: Fraction = Fraction(1, 10**14)) -> list[Root]:
    """Every distinct real root of ``p`` in the open interval ``(lo, hi)``, sorted.

    Each root is isolated to an interval narrower than ``width``; a root that
    is a rational with a small denominator is recognised and returned exactly.

    >>> [r.exact for r in real_roots([Fraction(-1), Fraction(0), Fraction(2)], Fraction(0), Fraction(1))]
    [None]
    >>> [str(r.exact) for r in real_roots([Fraction(-1), Fraction(2)], Fraction(0), Fraction(1))]
    ['1/2']
    """
    p = trim(p)
    if len(p) <= 1:
        return []
    g = _gcd(p, _derivative(p))
    sq = trim(_divmod(p, g)[0]) if len(g) > 1 else p
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
        while evaluate(sq, m) == 0:
            m = a + (b - a) * Fraction(2**k + 1, 2 ** (k + 1))
            k += 1
        stack.append((a, m))
        stack.append((m, b))
    # the right end is excluded
    roots = [r for r in roots if not (r.exact is not None and r.exact == hi)]
    roots.sort(key=lambda r: (r.lo, r.hi))
    return roots


def _bisect(p: Poly, a: Fraction, b: Fraction, width: Fraction) -> Root:
    """Narrow the single simple root of ``p`` in ``(a, b]``.

    The sign at ``b`` steers the search (``a`` may itself be a root, outside
    the half-open interval, so its sign says nothing): with exactly one root
    in ``(a, b]``, the root lies in ``(a, m]`` iff ``p(m)`` has the sign of ``p(b)``.
    """
    fb = evaluate(p, b)
    if fb == 0:
        return Root(b, b)
    while b - a >= width:
        m = (a + b) / 2
        fm = evaluate(p, m)
        if fm == 0:
            return Root(m, m)
        if (fm > 0) == (fb > 0):
            b, fb = m, fm
        else:
            a = m
    return _refine(p, a, b)


def _refine(p: Poly, a: Fraction, b: Fraction) -> Root:
    """Recognise a rational root with a small denominator inside ``[a, b]``."""
    mid = (a + b) / 2
    for bound in (10, 100, 1000, 10**4, 10**5, 10**6):
        cand = mid.limit_denominator(bound)
        if a <= cand <= b and evaluate(p, cand) == 0:
            return Root(cand, cand)
    return Root(a, b)
