"""Exact real-root isolation against roots known by construction."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from solver.numeric.polynomials import evaluate, interpolate, interpolate_uniform, real_roots
from strategies import examples


def times(p, q):
    out = [F(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return out


rationals = st.fractions(min_value=F(-1, 2), max_value=F(3, 2), max_denominator=40)


NON_SQUARES = [2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 17, 30]


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(rationals, st.integers(1, 3)), min_size=1, max_size=5),
       st.lists(st.sampled_from(NON_SQUARES), max_size=2), st.fractions(min_value=F(-5), max_value=F(5)).filter(bool))
def test_roots_of_a_product_of_known_factors(linear, quadratics, scale):
    # p = scale * prod (x - r)^m * prod (k x^2 - 1): rational roots r (some repeated), irrational roots 1/sqrt(k)
    p = [scale]
    for r, m in linear:
        for _ in range(m):
            p = times(p, [-r, F(1)])
    for k in quadratics:
        p = times(p, [F(-1), F(0), F(k)])
    found = real_roots(p, F(0), F(1))
    assert [r.exact for r in found if r.exact is not None] == sorted({r for r, _ in linear if 0 < r < 1})
    inexact = [r for r in found if r.exact is None]
    squares = sorted({F(1, k) for k in quadratics})
    assert len(inexact) == len(squares)
    for root, square in zip(inexact, squares):
        # the isolating interval brackets 1/sqrt(k), and is narrower than the default width
        assert root.lo * root.lo < square < root.hi * root.hi and root.hi - root.lo < F(1, 10**14)


@settings(max_examples=examples(30), deadline=None)
@given(st.lists(rationals, min_size=2, max_size=8, unique=True))
def test_interpolation_through_values_of_a_known_polynomial(xs):
    p = [F(3), F(-1, 2), F(0), F(7, 3)][: len(xs)]
    while not p[-1]:
        p.pop()
    assert interpolate(xs, [evaluate(p, x) for x in xs]) == p


def test_no_roots_and_constant_polynomials():
    assert real_roots([F(1), F(0), F(1)], F(0), F(1)) == []  # x^2 + 1
    assert real_roots([F(5)], F(0), F(1)) == []
    assert real_roots([], F(0), F(1)) == []
    # the ends of the interval are excluded
    assert real_roots([F(0), F(-1), F(1)], F(0), F(1)) == []  # x (x - 1)


@settings(max_examples=examples(40), deadline=None)
@given(st.integers(1, 30), st.integers(0, 5), st.data())
def test_uniform_interpolation_agrees_with_newton(n, extra, data):
    # nodes k/m, k < n, as the gain polynomials use them; Newton's divided differences are the reference
    m = n + extra if n + extra > 0 else 1
    ys = data.draw(st.lists(st.fractions(min_value=-50, max_value=50, max_denominator=1000), min_size=n, max_size=n))
    assert interpolate_uniform(m, ys) == interpolate([F(k, m) for k in range(n)], ys)


def test_a_root_just_inside_the_interval_is_not_reported_as_the_excluded_end():
    # x (x - 1e-19): the end 0 is a root too, closer to the other root than the isolation width
    e = F(1, 10**19)
    (root,) = real_roots([F(0), -e, F(1)], F(0), F(1))
    assert root.exact != 0 and root.lo <= e <= root.hi


@settings(max_examples=examples(200), deadline=None)
@given(st.fractions(min_value=F(-3), max_value=F(3), max_denominator=500),
       st.fractions(min_value=F(0), max_value=F(1, 4), max_denominator=500))
def test_simplest_in_has_the_smallest_denominator(lo, width):
    # brute force: the first denominator q with an integer multiple of 1/q in [lo, hi]
    from solver.numeric.rational import simplest_in

    hi = lo + width
    q = 1
    while (-(-lo.numerator * q // lo.denominator)) > hi * q:  # ceil(lo q) > hi q: no p with lo <= p/q <= hi
        q += 1
    got = simplest_in(lo, hi)
    assert lo <= got <= hi
    assert got.denominator == q


@settings(max_examples=examples(60), deadline=None)
@given(st.integers(10**6 + 1, 10**12), st.integers(1, 10**12), st.sampled_from(NON_SQUARES))
def test_rational_roots_with_large_denominators_are_exact(v, u, k):
    # (v x - u)(x^2 - k) with u/v in lowest terms: the rational root must come back exactly, whatever its
    # denominator (the rational root theorem bounds it by the leading coefficient), and sqrt(k) stays irrational
    import math as _math

    g = _math.gcd(u, v)
    u, v = u // g, v // g
    r = F(u, v)
    p = times([F(-u), F(v)], [F(-k), F(0), F(1)])
    roots = real_roots(p, F(-10**13), F(10**13))
    exact = [x.exact for x in roots if x.exact is not None]
    assert r in exact
    assert len(roots) == 3 if r * r != k else 2
    if r.denominator > 1:
        assert sum(1 for x in roots if x.exact is None) == 2


def test_a_linear_root_is_exact():
    roots = real_roots([F(-920959), F(9876960)], F(0), F(1))
    assert [x.exact for x in roots] == [F(920959, 9876960)]
