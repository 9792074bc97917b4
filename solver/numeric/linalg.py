"""Exact rational linear algebra: solve ``A X = B`` and ``det A`` over the rationals.

Rows are scaled to integers and eliminated fraction-free (Bareiss 1968):
every intermediate entry is an integer minor of the scaled system, so the
cost stays polynomial and no gcd is taken until the final back
substitution.

References
----------
E. H. Bareiss, "Sylvester's identity and multistep integer-preserving
Gaussian elimination", Mathematics of Computation 22 (1968).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from models.errors import SolverError
from solver.numeric.rational import fraction_free_row, scale_to_integers

__all__ = ["solve", "solve_with_det", "det"]


def _integer_rows(M: Sequence[Sequence[Fraction]]) -> tuple[list[list[int]], list[int]]:
    rows, scales = [], []
    for row in M:
        ints, lcm = scale_to_integers(row)
        rows.append(ints)
        scales.append(lcm)
    return rows, scales


def solve_with_det(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, Fraction]:
    """Solve ``A X = B`` exactly; also return ``det A``.

    Parameters
    ----------
    A:
        ``n x n`` array of Fractions (object dtype) or ints.
    B:
        ``n`` vector or ``n x k`` matrix of Fractions.

    Returns
    -------
    X, det
        Object arrays of Fractions shaped like ``B``, and the determinant.

    Raises
    ------
    SolverError
        When ``A`` is singular.

    Examples
    --------
    >>> A = np.array([[Fraction(2), Fraction(1)], [Fraction(1), Fraction(3)]], dtype=object)
    >>> X, d = solve_with_det(A, np.array([Fraction(1), Fraction(2)], dtype=object))
    >>> [str(x) for x in X], str(d)
    (['1/5', '3/5'], '5')
    """
    n = A.shape[0]
    vector = B.ndim == 1
    Bm = B.reshape(n, -1)
    k = Bm.shape[1]
    aug = [[A[i, j] for j in range(n)] + [Bm[i, j] for j in range(k)] for i in range(n)]
    T, scales = _integer_rows(aug)
    sign = 1
    prev = 1
    for c in range(n):
        pivot = next((r for r in range(c, n) if T[r][c] != 0), None)
        if pivot is None:
            raise SolverError("the linear system is singular")
        if pivot != c:
            T[c], T[pivot] = T[pivot], T[c]
            scales[c], scales[pivot] = scales[pivot], scales[c]
            sign = -sign
        p = T[c][c]
        row_c = T[c]
        for r in range(c + 1, n):
            T[r] = fraction_free_row(T[r], row_c, T[r][c], p, prev)
        prev = p
    # det of the scaled matrix is the last pivot (times the sign of the row swaps)
    scale_product = 1
    for s in scales:
        scale_product *= s
    determinant = Fraction(sign * T[n - 1][n - 1], scale_product)
    X = np.empty((n, k), dtype=object)
    for j in range(k):
        for i in range(n - 1, -1, -1):
            acc = Fraction(T[i][n + j])
            row = T[i]
            for m in range(i + 1, n):
                if row[m]:
                    acc -= row[m] * X[m, j]
            X[i, j] = acc / row[i]
    return (X[:, 0] if vector else X), determinant


def solve(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Solve ``A X = B`` exactly (see :func:`solve_with_det`)."""
    return solve_with_det(A, B)[0]


def det(A: np.ndarray) -> Fraction:
    """Exact determinant of a square Fraction matrix (0 for a singular one)."""
    try:
        return solve_with_det(A, np.zeros(A.shape[0], dtype=object) + Fraction(0))[1]
    except SolverError:
        return Fraction(0)
