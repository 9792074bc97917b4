"""Small linear programs, solved exactly (rational simplex) or in floats (HiGHS).

Conventions
-----------
* The problem is ``minimise c @ x`` (or maximise with ``maximize=True``)
  subject to ``A_ub @ x <= b_ub``, ``A_eq @ x == b_eq`` and
  ``lo[j] <= x[j] <= hi[j]``.  Bounds default to ``(0, None)``, i.e.
  ``x >= 0``; ``None`` (or an infinity) means no bound, as in
  :func:`scipy.optimize.linprog`.
* Input numbers are ints, :class:`~fractions.Fraction` or floats, in lists,
  tuples or numpy arrays (object arrays included).
* ``exact=None`` picks the exact path when no input number is a float.
  With ``exact=True`` a float becomes the decimal its ``repr`` spells
  (``0.1`` is ``1/10``).  The exact path returns Fractions, the float path
  floats.
* The result's ``status`` is ``"optimal"``, ``"infeasible"`` or
  ``"unbounded"``; ``x`` is empty and ``value`` is None unless optimal.
  When the problem is both infeasible and unbounded in direction, it is
  reported as ``"infeasible"``.
* Bad input (wrong shapes, NaN, infinities in the data, empty ``c``)
  raises :class:`~models.errors.SolverError`.

The exact path is a two-phase primal simplex on a dense tableau kept in
integers by fraction-free (Bareiss / Edmonds) pivoting: every entry is an
integer and the true tableau is ``T / d`` with ``d > 0`` the last pivot.
Pricing is Dantzig's most-negative reduced cost; ties in the ratio test
are broken by the lexicographic rule of Dantzig, Orden and Wolfe, which
provably never cycles on degenerate problems (Bland's smallest-index rule
would too, but takes several times more pivots on degenerate game LPs).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from models.errors import SolverError
from models.numbers import Number
from solver.numeric.rational import fraction_free_row, primitive, scale_to_integers

__all__ = ["LPResult", "Number", "linprog"]

_Scalar = int | Fraction | float
_Bound = tuple[_Scalar | None, _Scalar | None]


@dataclass(frozen=True)
class LPResult:
    """Outcome of :func:`linprog`.

    Attributes
    ----------
    status : str
        ``"optimal"``, ``"infeasible"`` or ``"unbounded"``.
    x : tuple of Fraction or float
        Optimal point, one entry per variable; empty unless optimal.
    value : Fraction or float or None
        Objective value ``c @ x``; None unless optimal.
    exact : bool
        True when computed with exact rational arithmetic.
    method : str
        ``"simplex-exact"`` or ``"highs"``.
    """

    status: str
    x: tuple[Number, ...]
    value: Number | None
    exact: bool
    method: str


# ---------------------------------------------------------------- input


def _scalar(v: Any, what: str) -> _Scalar:
    """One input number as int, Fraction or finite float."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise SolverError(f"{what} must be a number, got {type(v).__name__} {v!r}.")
    if isinstance(v, Fraction):
        return v
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Rational):
        return Fraction(int(v.numerator), int(v.denominator))
    f = float(v)
    if not math.isfinite(f):
        raise SolverError(f"{what} must be finite, got {f}.")
    return f


def _vector(v: Any, what: str) -> list[_Scalar]:
    try:
        items = list(v)
    except TypeError:
        raise SolverError(f"{what} must be a sequence of numbers.") from None
    return [_scalar(e, f"{what}[{i}]") for i, e in enumerate(items)]


def _constraints(
    A: Any, b: Any, n: int, name: str
) -> tuple[list[list[_Scalar]], list[_Scalar]]:
    if A is None and b is None:
        return [], []
    if A is None or b is None:
        raise SolverError(f"A_{name} and b_{name} must be given together.")
    try:
        rows = list(A)
    except TypeError:
        raise SolverError(f"A_{name} must be a sequence of rows.") from None
    mat = [_vector(r, f"A_{name}[{i}]") for i, r in enumerate(rows)]
    rhs = _vector(b, f"b_{name}")
    if len(rhs) != len(mat):
        raise SolverError(
            f"A_{name} has {len(mat)} rows but b_{name} has {len(rhs)} entries."
        )
    for i, r in enumerate(mat):
        if len(r) != n:
            raise SolverError(
                f"row {i} of A_{name} has {len(r)} entries but c has {n}."
            )
    return mat, rhs


def _bound_value(v: Any, what: str, lower: bool) -> _Scalar | None:
    if v is None:
        return None
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        f = float(v)
        if math.isnan(f):
            raise SolverError(f"{what} must not be NaN.")
        if math.isinf(f):
            if (f < 0) == lower:
                return None
            raise SolverError(f"{what} must not be {f}.")
    return _scalar(v, what)


def _bounds(bounds: Any, n: int) -> list[_Bound]:
    if bounds is None:
        return [(0, None)] * n

    def is_pair_of_scalars(b: Any) -> bool:
        try:
            return len(b) == 2 and all(
                e is None or isinstance(e, numbers.Real) for e in b
            )
        except TypeError:
            return False

    if is_pair_of_scalars(bounds):
        pairs = [tuple(bounds)] * n
    else:
        pairs = list(bounds)
        if len(pairs) != n:
            raise SolverError(f"bounds has {len(pairs)} pairs but c has {n} entries.")
    out: list[_Bound] = []
    for j, p in enumerate(pairs):
        try:
            lo, hi = p
        except (TypeError, ValueError):
            raise SolverError(f"bounds[{j}] must be a (lo, hi) pair.") from None
        out.append(
            (
                _bound_value(lo, f"lower bound of x[{j}]", True),
                _bound_value(hi, f"upper bound of x[{j}]", False),
            )
        )
    return out


def _exact(v: _Scalar) -> Fraction:
    if isinstance(v, float):
        return Fraction(repr(float(v)))
    return Fraction(v)


# ---------------------------------------------------------------- API


def linprog(
    c: Sequence[Any],
    *,
    A_ub: Sequence[Sequence[Any]] | None = None,
    b_ub: Sequence[Any] | None = None,
    A_eq: Sequence[Sequence[Any]] | None = None,
    b_eq: Sequence[Any] | None = None,
    bounds: Any = None,
    maximize: bool = False,
    exact: bool | None = None,
) -> LPResult:
    """Solve a linear program exactly or in floating point.

    Minimise (or maximise) ``c @ x`` subject to ``A_ub @ x <= b_ub``,
    ``A_eq @ x == b_eq`` and the variable bounds.

    Parameters
    ----------
    c : sequence of int, Fraction or float
        Objective coefficients, one per variable; must not be empty.
    A_ub, b_ub : sequence of rows, sequence, optional
        Inequality constraints ``A_ub @ x <= b_ub``; give both or neither.
    A_eq, b_eq : sequence of rows, sequence, optional
        Equality constraints ``A_eq @ x == b_eq``; give both or neither.
    bounds : sequence of (lo, hi) pairs, or one pair, optional
        Bounds per variable; ``None`` (or an infinity) means unbounded on
        that side.  A single pair applies to every variable.  The default
        ``None`` means ``x >= 0``.
    maximize : bool, default False
        Maximise instead of minimise.
    exact : bool or None, default None
        True forces exact rational arithmetic (floats are read as the
        decimal their ``repr`` spells), False forces HiGHS in floating
        point, None is exact exactly when no input number is a float.

    Returns
    -------
    LPResult
        Status, optimal point and value (Fractions on the exact path,
        floats on the float path), and which method was used.

    Raises
    ------
    SolverError
        If shapes disagree, a number is NaN or infinite, ``c`` is empty,
        or HiGHS fails for numerical reasons.

    See Also
    --------
    scipy.optimize.linprog : the float path.

    Notes
    -----
    The exact path brings the problem to standard form (lower bounds
    shifted to 0, variables with only an upper bound reflected, free
    variables split as ``x = x+ - x-``, finite upper bounds added as rows,
    rows with a negative right-hand side negated), then runs a two-phase
    primal simplex [1]_ on a dense integer tableau with fraction-free
    pivots [3]_ [4]_ and lexicographic anti-cycling [2]_.  Artificial
    variables left in the basis after phase 1 are pivoted out; a row on
    which that is impossible is a redundant equality and is kept inert.
    The returned value is recomputed as ``c @ x`` from the original data,
    so it matches ``x`` exactly.

    References
    ----------
    .. [1] G. B. Dantzig, *Linear Programming and Extensions*, Princeton
       University Press, 1963.
    .. [2] G. B. Dantzig, A. Orden and P. Wolfe, "The generalized simplex
       method for minimizing a linear form under linear inequality
       restraints", *Pacific J. Math.* 5(2):183-195, 1955 (lexicographic
       anti-cycling rule).  R. G. Bland, "New finite pivoting rules for the
       simplex method", *Math. Oper. Res.* 2(2):103-107, 1977, gives the
       simpler alternative.
    .. [3] E. H. Bareiss, "Sylvester's identity and multistep
       integer-preserving Gaussian elimination", *Mathematics of
       Computation* 22(103):565-578, 1968.
    .. [4] J. Edmonds, "Systems of distinct representatives and linear
       algebra", *J. Res. Nat. Bur. Standards* 71B:241-245, 1967.

    Examples
    --------
    Maximise ``3x + 2y`` subject to ``x + y <= 4`` and ``x + 3y <= 6``:

    >>> r = linprog([3, 2], A_ub=[[1, 1], [1, 3]], b_ub=[4, 6], maximize=True)
    >>> r.status, r.value, r.x, r.method
    ('optimal', Fraction(12, 1), (Fraction(4, 1), Fraction(0, 1)), 'simplex-exact')

    A free variable and an equality:

    >>> linprog([1, 1], A_eq=[[1, -1]], b_eq=[Fraction(1, 3)],
    ...         bounds=[(None, None), (0, None)]).x
    (Fraction(1, 3), Fraction(0, 1))

    Floats select HiGHS unless ``exact=True``:

    >>> linprog([1.0], bounds=[(0.5, 2)]).value
    0.5
    >>> linprog([1.0], bounds=[(0.1, 2)], exact=True).value
    Fraction(1, 10)
    >>> linprog([-1], A_ub=[[-1]], b_ub=[-1]).status
    'unbounded'
    """
    cv = _vector(c, "c")
    n = len(cv)
    if n == 0:
        raise SolverError("c must have at least one entry.")
    Au, bu = _constraints(A_ub, b_ub, n, "ub")
    Ae, be = _constraints(A_eq, b_eq, n, "eq")
    bnds = _bounds(bounds, n)

    if exact is None:
        everything: list[Any] = [*cv, *bu, *be, *(v for lh in bnds for v in lh)]
        everything += [v for row in Au + Ae for v in row]
        exact = not any(isinstance(v, float) for v in everything)
    method = "simplex-exact" if exact else "highs"

    for lo, hi in bnds:
        if lo is not None and hi is not None and lo > hi:
            return LPResult("infeasible", (), None, bool(exact), method)

    if exact:
        return _solve_exact(cv, Au, bu, Ae, be, bnds, maximize)
    return _solve_highs(cv, Au, bu, Ae, be, bnds, maximize)


# ---------------------------------------------------------------- float path


def _solve_highs(
    c: list[_Scalar],
    Au: list[list[_Scalar]],
    bu: list[_Scalar],
    Ae: list[list[_Scalar]],
    be: list[_Scalar],
    bnds: list[_Bound],
    maximize: bool,
) -> LPResult:
    import numpy as np
    from scipy.optimize import linprog as sp_linprog

    def fl(v: _Scalar | None) -> float | None:
        return None if v is None else float(v)

    n = len(c)
    sign = -1.0 if maximize else 1.0
    cost = np.array([sign * float(v) for v in c], dtype=float)
    kw: dict[str, Any] = {
        "bounds": [(fl(lo), fl(hi)) for lo, hi in bnds],
        "method": "highs",
    }
    if Au:
        kw["A_ub"] = np.array(Au, dtype=float).reshape(len(Au), n)
        kw["b_ub"] = np.array(bu, dtype=float)
    if Ae:
        kw["A_eq"] = np.array(Ae, dtype=float).reshape(len(Ae), n)
        kw["b_eq"] = np.array(be, dtype=float)

    res = sp_linprog(cost, **kw)
    if res.status == 0:
        x = tuple(float(v) for v in res.x)
        value = float(sum(float(cj) * xj for cj, xj in zip(c, x, strict=True)))
        return LPResult("optimal", x, value, False, "highs")
    if res.status == 2:
        return LPResult("infeasible", (), None, False, "highs")
    if res.status == 3:
        return LPResult("unbounded", (), None, False, "highs")
    if res.status == 4 and "unbounded" in str(res.message).lower():
        # HiGHS may answer "unbounded or infeasible": settle it with a
        # feasibility problem (zero objective).
        feas = sp_linprog(np.zeros(n), **kw)
        if feas.status == 2:
            return LPResult("infeasible", (), None, False, "highs")
        if feas.status == 0:
            return LPResult("unbounded", (), None, False, "highs")
    raise SolverError(f"HiGHS could not solve the problem: {res.message.strip()}")


# ---------------------------------------------------------------- exact path


def _integer_row(values: Sequence[Fraction]) -> list[int]:
    """Scale a row of Fractions by a positive factor to coprime integers."""
    return primitive(scale_to_integers(values)[0])


def _pivot(T: list[list[int]], basis: list[int], r: int, col: int, d: int) -> int:
    """Fraction-free pivot on ``T[r][col]``; return the new denominator.

    Row ``r`` is kept; every other row becomes
    ``(T[i] * p - T[i][col] * T[r]) // d`` (an exact division by Sylvester's
    identity).  If the pivot is negative the whole tableau is negated so the
    common denominator stays positive.
    """
    prow = T[r]
    p = prow[col]
    for i, row in enumerate(T):
        if i != r and (row[col] or p != d):
            T[i] = fraction_free_row(row, prow, row[col], p, d)
    basis[r] = col
    if p < 0:
        for i, row in enumerate(T):
            T[i] = [-a for a in row]
        p = -p
    return p


def _simplex(
    T: list[list[int]], basis: list[int], d: int, m: int, zrow: int, ncols: int
) -> tuple[bool, int]:
    """Run primal simplex pivots until optimal or unbounded.

    Rows ``0..m-1`` of ``T`` are constraints, row ``zrow`` holds the reduced
    costs (minimisation); only columns ``0..ncols-1`` may enter.  Returns
    ``(bounded, d)``.

    The entering column is the most negative reduced cost (Dantzig).  Ties
    in the ratio test are broken lexicographically on the tableau columns
    that were basic when this call started (they form ``d`` times the
    identity then): the rows of ``[x_B | B^-1 B_0]`` stay lexicographically
    positive, the perturbed objective strictly decreases, and no basis can
    repeat.
    """
    ref = list(basis)
    while True:
        z = T[zrow]
        col, best = -1, 0
        for j in range(ncols):
            if z[j] < best:
                best, col = z[j], j
        if col < 0:
            return True, d
        r = -1
        for i in range(m):
            a = T[i][col]
            if a <= 0:
                continue
            if r < 0:
                r = i
                continue
            row, prow, pa = T[i], T[r], T[r][col]
            lhs, rhs = row[-1] * pa, prow[-1] * a
            k = 0
            while lhs == rhs:  # ends: rows of B^-1 B_0 are independent
                lhs, rhs = row[ref[k]] * pa, prow[ref[k]] * a
                k += 1
            if lhs < rhs:
                r = i
        if r < 0:
            return False, d
        d = _pivot(T, basis, r, col, d)


def _solve_exact(
    c: list[_Scalar],
    Au: list[list[_Scalar]],
    bu: list[_Scalar],
    Ae: list[list[_Scalar]],
    be: list[_Scalar],
    bnds: list[_Bound],
    maximize: bool,
) -> LPResult:
    n = len(c)
    cF = [_exact(v) for v in c]
    blo = [
        (None if lo is None else _exact(lo), None if hi is None else _exact(hi))
        for lo, hi in bnds
    ]

    # Substitute x_k = offset_k + sum(sign * y_j) with y >= 0.
    offset = [Fraction(0)] * n
    cols: list[tuple[int, int]] = []          # (original variable, sign)
    bound_rows: list[tuple[int, Fraction]] = []  # y_col <= value
    for k, (lo, hi) in enumerate(blo):
        if lo is not None:
            offset[k] = lo
            cols.append((k, 1))
            if hi is not None:
                bound_rows.append((len(cols) - 1, hi - lo))
        elif hi is not None:
            offset[k] = hi
            cols.append((k, -1))
        else:
            cols.append((k, 1))
            cols.append((k, -1))
    ny = len(cols)

    def transform(
        arow: list[_Scalar], rhs: _Scalar
    ) -> tuple[list[Fraction], Fraction]:
        a = [_exact(v) for v in arow]
        shift = sum((a[k] * offset[k] for k in range(n)), Fraction(0))
        return [s * a[k] for k, s in cols], _exact(rhs) - shift

    # Constraint rows: (coefficients over y, rhs, is_inequality).
    rows: list[tuple[list[Fraction], Fraction, bool]] = []
    for arow, rhs in zip(Au, bu, strict=True):
        rows.append((*transform(arow, rhs), True))
    for j, ub in bound_rows:
        unit = [Fraction(0)] * ny
        unit[j] = Fraction(1)
        rows.append((unit, ub, True))
    for arow, rhs in zip(Ae, be, strict=True):
        rows.append((*transform(arow, rhs), False))
    m = len(rows)
    n_slack = sum(1 for r in rows if r[2])

    # Integer tableau: [y | slacks | artificials | rhs], then cost, phase-1 rows.
    ints: list[list[int]] = []
    needs_art: list[bool] = []
    for coef, rhs, ineq in rows:
        row = _integer_row([*coef, rhs])
        flip = row[-1] < 0
        if flip:
            row = [-v for v in row]
        ints.append(row)
        needs_art.append(flip or not ineq)
    n_art = sum(needs_art)
    width = ny + n_slack + n_art + 1
    T: list[list[int]] = []
    basis: list[int] = []
    s_col, a_col = ny, ny + n_slack
    for (_, _, ineq), row, art in zip(rows, ints, needs_art, strict=True):
        full = row[:-1] + [0] * (n_slack + n_art) + [row[-1]]
        if ineq:
            full[s_col] = -1 if art else 1  # flipped rows negate the slack
            s_col += 1
        if art:
            full[a_col] = 1
            basis.append(a_col)
            a_col += 1
        else:
            basis.append(s_col - 1)
        T.append(full)

    sign = -1 if maximize else 1
    cost = _integer_row([sign * cF[k] * s for k, s in cols])
    T.append(cost + [0] * (n_slack + n_art + 1))
    n_real = ny + n_slack
    d = 1

    if n_art:
        w = [0] * width
        for row, art in zip(T[:m], needs_art, strict=True):
            if art:
                for j in range(n_real):
                    w[j] -= row[j]
                w[-1] -= row[-1]
        T.append(w)
        _, d = _simplex(T, basis, d, m, m + 1, n_real)
        if T[m + 1][-1] != 0:
            return LPResult("infeasible", (), None, True, "simplex-exact")
        # Drive remaining (zero-valued) artificials out of the basis.
        for i in range(m):
            if basis[i] >= n_real:
                j = next((j for j in range(n_real) if T[i][j] != 0), -1)
                if j >= 0:
                    d = _pivot(T, basis, i, j, d)
                # else: a redundant row, zero on every real column; its
                # artificial stays basic at 0 and never leaves.
        T.pop()
        # Drop the nonbasic artificial columns (keeping a column's entries
        # intact keeps the fraction-free invariant).
        keep = list(range(n_real)) + sorted(b for b in basis if b >= n_real)
        where = {old: new for new, old in enumerate(keep)}
        basis = [where[b] for b in basis]
        keep.append(width - 1)
        T = [[row[j] for j in keep] for row in T]

    bounded, d = _simplex(T, basis, d, m, m, n_real)
    if not bounded:
        return LPResult("unbounded", (), None, True, "simplex-exact")

    y = [Fraction(0)] * n_real
    for i, bv in enumerate(basis):
        if bv < n_real:
            y[bv] = Fraction(T[i][-1], d)
    x = list(offset)
    for j, (k, s) in enumerate(cols):
        x[k] += s * y[j]
    value = sum((cj * xj for cj, xj in zip(cF, x, strict=True)), Fraction(0))
    return LPResult("optimal", tuple(x), value, True, "simplex-exact")
