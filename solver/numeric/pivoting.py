"""Pivoting tableaux for polytopes ``{z >= 0 : M z <= q}`` with ``q > 0``.

Conventions
-----------
The system ``M z + s = q`` has ``d`` structural variables ``z`` (indices
``0..d-1``) and ``k`` slacks ``s`` (indices ``d..d+k-1``).  A *basis* is
the set of ``k`` variables solved for; the others are zero.  Tableau rows
hold the current dictionary; the last column is the right-hand side.

Two arithmetics share one interface:

* :class:`IntTableau` is exact.  It keeps integer entries and the current
  determinant ``det`` (the real tableau is ``T / det``) and pivots
  fraction-free, so entries stay integers that are minors of the original
  system (Bareiss 1968; "integer pivoting" in von Stengel 2002, section 2.5).
* :class:`FloatTableau` uses float64 and the tolerance
  :data:`solver.numeric.tolerance.TOL` (entries of order 1: callers scale
  the payoffs to [1, 2] first).

Both use the *lexicographic* minimum-ratio test, which pivots as if the
right-hand side were perturbed to ``q + (eps, eps^2, ...)``.  The perturbed
polytope is simple, so the rule never stalls or cycles on degenerate
(tied) ratios, and every vertex of the original polytope is reached
through at least one lexicographically feasible basis.

References
----------
E. H. Bareiss, "Sylvester's identity and multistep integer-preserving
Gaussian elimination", Mathematics of Computation 22 (1968).

B. von Stengel, "Computing equilibria for two-person games", Handbook of
Game Theory vol. 3, ch. 45 (2002).

D. Avis and K. Fukuda, "A pivoting algorithm for convex hulls and vertex
enumeration of arrangements and polyhedra", Discrete & Computational
Geometry 8 (1992).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from solver.numeric.rational import fraction_free_pivot
from solver.numeric.tolerance import RATIO_TIE, TOL

__all__ = ["TOL", "IntTableau", "FloatTableau"]


class IntTableau:
    """Exact tableau with fraction-free integer pivoting."""

    __slots__ = ("T", "det", "basis", "n_vars", "k", "d")

    def __init__(self, T: np.ndarray, det: int, basis: list[int], d: int) -> None:
        self.T = T
        self.det = det
        self.basis = basis
        self.k = T.shape[0]
        self.d = d
        self.n_vars = T.shape[1] - 1

    @classmethod
    def start(cls, M: np.ndarray, q: np.ndarray) -> IntTableau:
        """Slack basis of ``M z + s = q`` for integer ``M`` (k x d) and positive integer ``q``."""
        k, d = M.shape
        T = np.zeros((k, d + k + 1), dtype=object)
        T[:, :d] = M
        T[:, d:d + k] = np.eye(k, dtype=int).astype(object)
        T[:, -1] = q
        T = T.astype(object)
        # make every entry a Python int (np.int64 would overflow)
        T = np.vectorize(int, otypes=[object])(T)
        return cls(T, 1, list(range(d, d + k)), d)

    def leaving_row(self, col: int) -> int | None:
        """Row leaving when variable ``col`` enters (lexicographic ratio test)."""
        column = self.T[:, col]
        rows = [r for r in range(self.k) if column[r] > 0]
        if not rows:
            return None
        # lexicographic order of (rhs, slack columns...) / T[r, col]
        for j in [self.n_vars] + list(range(self.d, self.d + self.k)):
            if len(rows) == 1:
                break
            best = [rows[0]]
            bn, bd = self.T[rows[0], j], column[rows[0]]
            for r in rows[1:]:
                lhs = self.T[r, j] * bd
                rhs = bn * column[r]
                if lhs < rhs:
                    best = [r]
                    bn, bd = self.T[r, j], column[r]
                elif lhs == rhs:
                    best.append(r)
            rows = best
        return rows[0]

    def leaving_rows(self, cols: list[int]) -> list[int | None]:
        """:meth:`leaving_row` for several entering columns, with a float prefilter.

        Ratios are compared in float64 first; only columns whose two best
        ratios are within a relative :data:`~solver.numeric.tolerance.RATIO_TIE` (ties, near-ties) fall back to the
        exact lexicographic test.  Integer-to-float rounding is far below
        that margin, so the answer is the exact one.
        """
        try:
            F = self.T[:, cols].astype(float)
            rhs = self.T[:, -1].astype(float)
        except OverflowError:
            return [self.leaving_row(c) for c in cols]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(F > 0, rhs[:, None] / F, np.inf)
        best = ratios.min(axis=0)
        arg = ratios.argmin(axis=0)
        near = ratios <= best * (1 + RATIO_TIE) + np.finfo(float).tiny
        ties = near.sum(axis=0)
        out: list[int | None] = []
        for j, c in enumerate(cols):
            if not np.isfinite(best[j]):
                out.append(None)
            elif ties[j] == 1:
                out.append(int(arg[j]))
            else:
                out.append(self.leaving_row(c))
        return out

    def pivot(self, row: int, col: int) -> IntTableau:
        """New tableau with ``col`` entering the basis in place of row ``row``."""
        new = fraction_free_pivot(self.T, row, col, self.det)
        basis = list(self.basis)
        basis[row] = col
        return IntTableau(new, self.T[row, col], basis, self.d)

    def zero_rows(self) -> list[int]:
        rhs = self.T[:, -1]
        return [r for r in range(self.k) if rhs[r] == 0]

    def value(self, row: int) -> Fraction:
        return Fraction(self.T[row, -1], self.det)


class FloatTableau:
    """Float64 tableau (values are ``T[:, -1]``), tolerance :data:`TOL`."""

    __slots__ = ("T", "basis", "n_vars", "k", "d")

    def __init__(self, T: np.ndarray, basis: list[int], d: int) -> None:
        self.T = T
        self.basis = basis
        self.k = T.shape[0]
        self.d = d
        self.n_vars = T.shape[1] - 1

    @classmethod
    def start(cls, M: np.ndarray, q: np.ndarray) -> FloatTableau:
        k, d = M.shape
        T = np.zeros((k, d + k + 1))
        T[:, :d] = M
        T[:, d:d + k] = np.eye(k)
        T[:, -1] = q
        return cls(T, list(range(d, d + k)), d)

    def leaving_row(self, col: int) -> int | None:
        column = self.T[:, col]
        rows = np.flatnonzero(column > TOL)
        if rows.size == 0:
            return None
        for j in [self.n_vars] + list(range(self.d, self.d + self.k)):
            if rows.size == 1:
                break
            ratios = self.T[rows, j] / column[rows]
            m = ratios.min()
            rows = rows[ratios <= m + TOL * max(1.0, abs(m))]
        return int(rows[0])

    def leaving_rows(self, cols: list[int]) -> list[int | None]:
        return [self.leaving_row(c) for c in cols]

    def pivot(self, row: int, col: int) -> FloatTableau:
        T = self.T
        prow = T[row] / T[row, col]
        new = T - np.outer(T[:, col], prow)
        new[row] = prow
        basis = list(self.basis)
        basis[row] = col
        return FloatTableau(new, basis, self.d)

    def zero_rows(self) -> list[int]:
        return [int(r) for r in np.flatnonzero(np.abs(self.T[:, -1]) <= TOL)]

    def value(self, row: int) -> float:
        return float(self.T[row, -1])
