"""Tests for :mod:`solver.numeric.lp`: exact rational simplex and the HiGHS path."""

from __future__ import annotations

import math
import random
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog as scipy_linprog

from models.errors import SolverError
from solver.numeric.lp import LPResult, linprog
from strategies import examples, no_saddle_2x2

BOTH = pytest.mark.parametrize("exact", [True, False], ids=["exact", "highs"])


def _dot(row, x):
    return sum((F(a) * xi for a, xi in zip(row, x, strict=True)), F(0))


def _game_value(A, *, exact=True):
    """Value of the zero-sum game A (row player maximises) via an LP.

    Variables p_1..p_m (mixed strategy) and v (free): maximise v subject to
    sum_i p_i A[i][j] >= v for every column j and sum_i p_i = 1.
    """
    m, n = len(A), len(A[0])
    c = [0] * m + [1]
    A_ub = [[-A[i][j] for i in range(m)] + [1] for j in range(n)]
    res = linprog(
        c,
        A_ub=A_ub,
        b_ub=[0] * n,
        A_eq=[[1] * m + [0]],
        b_eq=[1],
        bounds=[(0, None)] * m + [(None, None)],
        maximize=True,
        exact=exact,
    )
    assert res.status == "optimal"
    return res


# ------------------------------------------------------------ textbook LPs


def test_chvatal_chapter2_example():
    # Chvatal, "Linear Programming" (1983), ch. 2: max 5x1+4x2+3x3 with
    # optimum z = 13 at (2, 0, 1).  Dual certificate y = (1, 0, 1).
    r = linprog(
        [5, 4, 3],
        A_ub=[[2, 3, 1], [4, 1, 2], [3, 4, 2]],
        b_ub=[5, 11, 8],
        maximize=True,
    )
    assert r == LPResult("optimal", (F(2), F(0), F(1)), F(13), True, "simplex-exact")
    assert all(isinstance(v, F) for v in r.x)


def test_wyndor_glass():
    # Hillier & Lieberman, "Introduction to Operations Research", ch. 3:
    # max 3x1 + 5x2, optimum 36 at (2, 6).
    r = linprog([3, 5], A_ub=[[1, 0], [0, 2], [3, 2]], b_ub=[4, 12, 18], maximize=True)
    assert (r.status, r.x, r.value) == ("optimal", (2, 6), 36)


def test_fractional_optimum():
    # By hand: max x + y, 3x + 2y <= 7, x + 3y <= 5.  Both constraints are
    # tight at (11/7, 8/7); duals (2/7, 1/7) >= 0 certify the value 19/7.
    r = linprog([1, 1], A_ub=[[3, 2], [1, 3]], b_ub=[7, 5], maximize=True)
    assert r.x == (F(11, 7), F(8, 7))
    assert r.value == F(19, 7)


def test_diet_minimisation_with_ge_rows():
    # By hand: min 2x + 3y, x + y >= 4, x + 3y >= 6 (negative rhs after
    # writing as <=, so phase 1 is needed).  Vertices (0,4)->12, (3,1)->9,
    # (6,0)->12; duals (3/2, 1/2) certify 9.
    r = linprog([2, 3], A_ub=[[-1, -1], [-1, -3]], b_ub=[-4, -6])
    assert (r.status, r.x, r.value) == ("optimal", (3, 1), 9)


@BOTH
def test_infeasible(exact):
    # x + y <= 1 and x + y >= 3 cannot both hold.
    r = linprog([1, 1], A_ub=[[1, 1], [-1, -1]], b_ub=[1, -3], exact=exact)
    assert r.status == "infeasible"
    assert r.x == () and r.value is None
    assert r.exact is exact


@BOTH
def test_infeasible_equalities(exact):
    r = linprog([0, 0], A_eq=[[1, 1], [2, 2]], b_eq=[3, 5], exact=exact)
    assert r.status == "infeasible"


@BOTH
def test_unbounded(exact):
    # max x + y with only x - y <= 1: go along (1, 1) forever.
    r = linprog([1, 1], A_ub=[[1, -1]], b_ub=[1], maximize=True, exact=exact)
    assert r.status == "unbounded"
    assert r.x == () and r.value is None
    assert r.method == ("simplex-exact" if exact else "highs")


@BOTH
def test_unbounded_free_variable(exact):
    r = linprog([1], bounds=[(None, 5)], exact=exact)
    assert r.status == "unbounded"


@BOTH
def test_infeasible_and_unbounded_direction_is_infeasible(exact):
    # Infeasible constraints together with an unbounded direction.
    r = linprog(
        [-1, 0],
        A_eq=[[0, 1], [0, 1]],
        b_eq=[1, 2],
        bounds=[(0, None), (None, None)],
        exact=exact,
    )
    assert r.status == "infeasible"


# ------------------------------------------------------------ degeneracy


def test_beale_cycling_example():
    # Beale (1955), "Cycling in the dual simplex algorithm", Naval Res.
    # Logist. Q. 2:269-275; the standard example on which Dantzig's rule with
    # smallest-index ratio ties cycles.  Optimum -5/4 at (1, 0, 1, 0);
    # multipliers u = (0, 3/2, 5/4) >= 0 give c + A^T u = (0, 2, 0, 21/2) >= 0
    # and -b @ u = -5/4, certifying optimality.
    c = [F(-3, 4), 20, F(-1, 2), 6]
    A = [[F(1, 4), -8, -1, 9], [F(1, 2), -12, F(-1, 2), 3], [0, 0, 1, 0]]
    b = [0, 0, 1]
    r = linprog(c, A_ub=A, b_ub=b)
    assert (r.status, r.x, r.value) == ("optimal", (1, 0, 1, 0), F(-5, 4))
    # the float path reaches the same optimum
    fl = linprog(c, A_ub=A, b_ub=b, exact=False)
    assert fl.status == "optimal" and math.isclose(fl.value, -1.25, abs_tol=1e-9)


def test_chvatal_cycling_example():
    # Chvatal, "Linear Programming", ch. 3: cycles under the textbook rule.
    # Optimum 1 at (1, 0, 1, 0); dual y = (0, 18, 1) certifies it.
    A = [[F(1, 2), F(-11, 2), F(-5, 2), 9], [F(1, 2), F(-3, 2), F(-1, 2), 1], [1, 0, 0, 0]]
    r = linprog([10, -57, -9, -24], A_ub=A, b_ub=[0, 0, 1], maximize=True)
    assert (r.status, r.x, r.value) == ("optimal", (1, 0, 1, 0), 1)


def test_highly_degenerate_game_matches_highs():
    # Rock-paper-scissors-like cyclic games: all constraint rhs are zero.
    rng = random.Random(7)
    for _ in range(5):
        A = [[rng.randint(-3, 3) for _ in range(6)] for _ in range(7)]
        ex = _game_value(A)
        fl = _game_value(A, exact=False)
        assert math.isclose(float(ex.value), fl.value, abs_tol=1e-7)


# ------------------------------------------------------------ features


def test_redundant_equalities():
    # The same equality three times (once scaled): the redundant rows keep an
    # artificial basic at zero and must not break phase 2.
    r = linprog(
        [1, 2, 3],
        A_eq=[[1, 1, 1], [1, 1, 1], [2, 2, 2], [1, 0, 0]],
        b_eq=[3, 3, 6, 1],
        maximize=True,
    )
    assert (r.status, r.x, r.value) == ("optimal", (1, 0, 2), 7)


def test_redundant_equality_only():
    r = linprog([1, 2], A_eq=[[1, 1], [1, 1]], b_eq=[3, 3])
    assert (r.x, r.value) == ((3, 0), 3)


def test_free_variables():
    # min |x - 3| + |y + 2| as an LP with free x, y and epigraph t, s.
    # Optimum 0 at x = 3, y = -2.
    c = [0, 0, 1, 1]
    A = [[1, 0, -1, 0], [-1, 0, -1, 0], [0, 1, 0, -1], [0, -1, 0, -1]]
    b = [3, -3, -2, 2]
    r = linprog(c, A_ub=A, b_ub=b, bounds=[(None, None), (None, None), (0, None), (0, None)])
    assert r.value == 0
    assert r.x[:2] == (3, -2)


def test_negative_lower_and_upper_bounds():
    r = linprog([1, -1], bounds=[(-3, None), (None, 4)])
    assert (r.x, r.value) == ((-3, 4), -7)
    r = linprog([1, 1], bounds=[(F(-5, 2), 7), (-1, -1)], maximize=True)
    assert (r.x, r.value) == ((7, -1), 6)


def test_upper_bounds_bind():
    # max x + 2y, x + y <= 10, x <= 4, y <= 3 (bounds): optimum (4, 3) = 10.
    r = linprog([1, 2], A_ub=[[1, 1]], b_ub=[10], bounds=[(0, 4), (0, 3)], maximize=True)
    assert (r.x, r.value) == ((4, 3), 10)


def test_single_bound_pair_applies_to_all():
    r = linprog([1, 1, 1], A_ub=[[-1, -1, -1]], b_ub=[-1], bounds=(F(1, 2), 2))
    assert r.x == (F(1, 2),) * 3
    r = linprog([1, 1], bounds=(None, None), A_eq=[[1, -1], [1, 1]], b_eq=[1, 3])
    assert r.x == (2, 1)


def test_infinite_bounds_mean_none():
    r = linprog([1], bounds=[(-math.inf, math.inf)], A_ub=[[-1]], b_ub=[5])
    assert r.exact and r.x == (-5,)


def test_crossed_bounds_are_infeasible():
    assert linprog([1], bounds=[(2, 1)]).status == "infeasible"
    assert linprog([1.0], bounds=[(2, 1)]).status == "infeasible"


def test_equal_bounds_fix_a_variable():
    r = linprog([1, 1], A_ub=[[-1, -1]], b_ub=[-5], bounds=[(2, 2), (0, None)])
    assert r.x == (2, 3)


def test_no_constraints():
    assert linprog([2, 3]).x == (0, 0)
    assert linprog([2, -3]).status == "unbounded"


def test_empty_constraint_lists():
    r = linprog([1], A_ub=[], b_ub=[], A_eq=np.zeros((0, 1)), b_eq=np.zeros(0, dtype=int))
    assert r.x == (0,) and r.exact


def test_float_path_values():
    r = linprog([3, 2], A_ub=[[1, 1], [1, 3]], b_ub=[4, 6], maximize=True, exact=False)
    assert r.status == "optimal" and not r.exact and r.method == "highs"
    assert all(isinstance(v, float) for v in r.x)
    assert isinstance(r.value, float) and math.isclose(r.value, 12.0)


# ------------------------------------------------------------ number handling


def test_exact_is_chosen_from_inputs():
    assert linprog([1, 2], A_ub=[[1, 1]], b_ub=[4]).method == "simplex-exact"
    assert linprog([1, 2.0], A_ub=[[1, 1]], b_ub=[4]).method == "highs"
    assert linprog([1, 2], A_ub=[[1, 1.5]], b_ub=[4]).method == "highs"
    assert linprog([1], bounds=[(0.5, None)]).method == "highs"


def test_exact_true_reads_floats_as_decimals():
    r = linprog([1.0], bounds=[(0.1, 1)], exact=True)
    assert r.value == F(1, 10) and r.exact
    r = linprog([-1], A_ub=[[0.3]], b_ub=[0.1], exact=True)
    assert r.x == (F(1, 3),)


def test_exact_false_with_exact_inputs():
    r = linprog([-1], A_ub=[[3]], b_ub=[1], exact=False)
    assert r.method == "highs" and math.isclose(r.x[0], 1 / 3)


def test_numpy_inputs():
    # max x + y, x/2 + y <= 1, x + y/4 <= 1: both tight at (6/7, 4/7).
    c = np.array([-1, -1], dtype=np.int64)
    A = np.array([[F(1, 2), 1], [1, F(1, 4)]], dtype=object)
    r = linprog(c, A_ub=A, b_ub=np.array([1, 1], dtype=object))
    assert r.exact and r.x == (F(6, 7), F(4, 7)) and r.value == F(-10, 7)
    r = linprog(c.astype(float), A_ub=A.astype(float), b_ub=np.ones(2))
    assert not r.exact and math.isclose(r.value, -10 / 7)
    r = linprog(c.astype(float), A_ub=A.astype(float), b_ub=np.ones(2), exact=True)
    assert r.exact and r.value == F(-10, 7)  # np.float64 0.25 read as 1/4


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "kwargs",
    [
        {"c": []},
        {"c": [1, 2], "A_ub": [[1, 2]], "b_ub": [1, 2]},
        {"c": [1, 2], "A_ub": [[1, 2, 3]], "b_ub": [1]},
        {"c": [1, 2], "A_eq": [[1, 2]], "b_eq": []},
        {"c": [1, 2], "A_eq": [[1, 2]]},
        {"c": [1, 2], "b_ub": [1]},
        {"c": [1, float("nan")]},
        {"c": [1, 2], "A_ub": [[1, math.inf]], "b_ub": [1]},
        {"c": [1, 2], "A_ub": [[1, 2]], "b_ub": [-math.inf]},
        {"c": [1, 2], "bounds": [(0, 1)] * 3},
        {"c": [1, 2], "bounds": [(math.nan, 1), (0, 1)]},
        {"c": [1], "bounds": [(math.inf, None)]},
        {"c": [1], "bounds": [(0, 1, 2)]},
        {"c": [[1, 2]]},
        {"c": ["1"]},
        {"c": [True]},
        {"c": 5},
        {"c": [1], "A_ub": [1], "b_ub": [1]},
    ],
)
def test_bad_input_raises_solver_error(kwargs):
    c = kwargs.pop("c")
    with pytest.raises(SolverError) as info:
        linprog(c, **kwargs)
    assert not isinstance(info.value, ValueError)
    assert str(info.value).endswith(".")


# ------------------------------------------------------------ properties


small = st.integers(-6, 6)


@st.composite
def bounded_lps(draw):
    n = draw(st.integers(1, 5))
    m_ub = draw(st.integers(0, 4))
    m_eq = draw(st.integers(0, 2))
    row = st.lists(small, min_size=n, max_size=n)
    A_ub = draw(st.lists(row, min_size=m_ub, max_size=m_ub))
    b_ub = draw(st.lists(st.integers(-10, 20), min_size=m_ub, max_size=m_ub))
    A_eq = draw(st.lists(row, min_size=m_eq, max_size=m_eq))
    b_eq = draw(st.lists(st.integers(-5, 5), min_size=m_eq, max_size=m_eq))
    bound = st.sampled_from([(0, 10), (-10, 10), (-3, 4), (F(1, 2), 10), (0, 0)])
    bounds = draw(st.lists(bound, min_size=n, max_size=n))
    c = draw(st.lists(small, min_size=n, max_size=n))
    maximize = draw(st.booleans())
    return c, A_ub, b_ub, A_eq, b_eq, bounds, maximize


def _check_exact_solution(res, c, A_ub, b_ub, A_eq, b_eq, bounds):
    x = res.x
    assert len(x) == len(c) and all(isinstance(v, F) for v in x)
    for row, b in zip(A_ub, b_ub, strict=True):
        assert _dot(row, x) <= b
    for row, b in zip(A_eq, b_eq, strict=True):
        assert _dot(row, x) == b
    for v, (lo, hi) in zip(x, bounds, strict=True):
        assert (lo is None or v >= lo) and (hi is None or v <= hi)
    assert _dot(c, x) == res.value


def _kwargs(A_ub, b_ub, A_eq, b_eq, bounds, maximize):
    """linprog keyword arguments, empty constraint lists as None."""
    return {"A_ub": A_ub or None, "b_ub": b_ub or None, "A_eq": A_eq or None, "b_eq": b_eq or None,
            "bounds": bounds, "maximize": maximize}


@settings(max_examples=examples(150), deadline=None)
@given(bounded_lps())
def test_exact_matches_highs_on_bounded_lps(lp):
    c, A_ub, b_ub, A_eq, b_eq, bounds, maximize = lp
    kw = _kwargs(A_ub, b_ub, A_eq, b_eq, bounds, maximize)
    ex = linprog(c, **kw)
    assert ex.exact and ex.status in ("optimal", "infeasible")
    ref = scipy_linprog(
        [(-v if maximize else v) for v in c],
        A_ub=np.array(A_ub, dtype=float).reshape(len(A_ub), len(c)) if A_ub else None,
        b_ub=b_ub or None,
        A_eq=np.array(A_eq, dtype=float).reshape(len(A_eq), len(c)) if A_eq else None,
        b_eq=b_eq or None,
        bounds=[(float(lo), float(hi)) for lo, hi in bounds],
        method="highs",
    )
    assert ref.status in (0, 2)
    assert ex.status == ("optimal" if ref.status == 0 else "infeasible")
    assert linprog(c, exact=False, **kw).status == ex.status
    if ex.status == "optimal":
        expected = -ref.fun if maximize else ref.fun
        assert abs(float(ex.value) - expected) <= 1e-7
        _check_exact_solution(ex, c, A_ub, b_ub, A_eq, b_eq, bounds)


@settings(max_examples=examples(150), deadline=None)
@given(
    bounded_lps(),
    st.lists(st.sampled_from([(0, None), (None, None), (-2, None), (None, 3)]), min_size=5),
)
def test_status_agrees_with_highs_on_general_bounds(lp, general):
    # Same data but with unbounded variables: all three statuses occur.
    c, A_ub, b_ub, A_eq, b_eq, _, maximize = lp
    bounds = general[: len(c)]
    kw = _kwargs(A_ub, b_ub, A_eq, b_eq, bounds, maximize)
    ex = linprog(c, **kw)
    fl = linprog(c, exact=False, **kw)
    assert ex.status == fl.status
    if ex.status == "optimal":
        assert abs(float(ex.value) - fl.value) <= 1e-7
        _check_exact_solution(ex, c, A_ub, b_ub, A_eq, b_eq, bounds)


@settings(max_examples=examples(100), deadline=None)
@given(no_saddle_2x2(bound=6))
def test_2x2_game_value_closed_form(entries):
    # Without a saddle point v = (ad - bc) / (a + d - b - c).
    a, b, c, d = entries
    res = _game_value([[a, b], [c, d]])
    assert res.value == F(a * d - b * c, a + d - b - c)
    p = res.x[0]
    assert res.x[:2] == (p, 1 - p) and 0 < p < 1
    assert p == F(d - c, a + d - b - c)
    assert math.isclose(_game_value([[a, b], [c, d]], exact=False).value,
                        float(res.value), abs_tol=1e-9)


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.lists(small, min_size=3, max_size=3), min_size=2, max_size=4))
def test_minimax_theorem(A):
    # Row player's maximin equals column player's minimax (von Neumann).
    AT = [[-A[i][j] for i in range(len(A))] for j in range(len(A[0]))]
    assert _game_value(A).value == -_game_value(AT).value


# ------------------------------------------------------------ misc


def test_dense_64_by_40_agrees_with_highs():
    rng = random.Random(2024)
    n, m = 64, 40
    A = [[rng.randint(-9, 9) for _ in range(m)] for _ in range(n)]
    ex = _game_value(A)
    fl = _game_value(A, exact=False)
    assert math.isclose(float(ex.value), fl.value, abs_tol=1e-7)
    assert sum(ex.x[:n]) == 1 and min(ex.x[:n]) >= 0
    for j in range(m):
        assert sum(ex.x[i] * A[i][j] for i in range(n)) >= ex.value

