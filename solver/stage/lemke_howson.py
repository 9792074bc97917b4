"""One Nash equilibrium of a bimatrix game by the Lemke-Howson algorithm.

Algorithm (Lemke and Howson 1964; von Stengel 2002, Algorithm 3.5)
-------------------------------------------------------------------
With the best-response polytopes ``P`` and ``Q`` and the labels of
:mod:`solver.stage.enummixed`, start at the artificial equilibrium ``(0, 0)``,
which carries every label once.  *Drop* the chosen label ``k``: the
variable with label ``k`` enters the basis of its polytope.  The variable
that leaves has a label ``L`` that is now *duplicate*; enter the variable
with label ``L`` in the other polytope, and so on, alternating, until the
label that leaves is ``k`` itself.  The pair of vertices reached is
completely labelled: a Nash equilibrium.

Float equilibria are cleaned of rounding noise
(:func:`solver.numeric.tolerance.snap_distribution`).  Pivoting is exact (integer) for rational games and uses the
lexicographic ratio test, so degenerate games neither stall nor cycle.
Different starting labels may reach different equilibria, and some
equilibria are reached from no label (Shapley 1974).

References
----------
C. E. Lemke and J. T. Howson, "Equilibrium points of bimatrix games",
SIAM Journal on Applied Mathematics 12 (1964).

L. S. Shapley, "A note on the Lemke-Howson algorithm", Mathematical
Programming Study 1 (1974).

B. von Stengel, "Computing equilibria for two-person games", Handbook of
Game Theory vol. 3, ch. 45 (2002).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from models.errors import SolverError
from models.numbers import Number
from solver.numeric.pivoting import FloatTableau, IntTableau
from solver.numeric.rational import positive_float_matrix, positive_integer_matrix
from solver.numeric.tolerance import snap_distribution

__all__ = ["lemke_howson"]

MAX_PIVOTS = 1_000_000


def lemke_howson(
    A: np.ndarray, B: np.ndarray, label: int, exact: bool
) -> tuple[tuple[Number, ...], tuple[Number, ...]]:
    """The equilibrium reached from the artificial equilibrium by dropping ``label``.

    Parameters
    ----------
    A, B:
        ``m x n`` payoff matrices (Fractions when ``exact``, floats otherwise).
    label:
        0-based label to drop: ``0..m-1`` are Row's actions, ``m..m+n-1``
        Column's.
    exact:
        Integer pivoting (exact) or float64.

    Returns
    -------
    (x, y)
        Mixed strategies of Row and Column.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> import numpy as np
    >>> A = np.array([[F(1), F(-1)], [F(-1), F(1)]], dtype=object)
    >>> lemke_howson(A, -A, 0, exact=True)
    ((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))
    """
    m, n = A.shape
    if not 0 <= label < m + n:
        raise SolverError(f"label must be between 1 and {m + n}, got {label + 1}")
    prep = positive_integer_matrix if exact else positive_float_matrix
    Ap, Bp = prep(A), prep(B)
    make = IntTableau.start if exact else FloatTableau.start
    ones_m = np.ones(m, dtype=object if exact else float)
    ones_n = np.ones(n, dtype=object if exact else float)
    # tableau 0 is P (variables x_i with label i, slacks with label m+j),
    # tableau 1 is Q (variables y_j with label m+j, slacks with label i)
    tabs = [make(Bp.T, ones_n), make(Ap, ones_m)]

    def var_of(side: int, lab: int) -> int:
        if side == 0:
            return lab
        return lab - m if lab >= m else n + lab

    def label_of(side: int, var: int) -> int:
        if side == 0:
            return var
        return m + var if var < n else var - n

    side = 0 if label < m else 1
    entering = label
    for _ in range(MAX_PIVOTS):
        t = tabs[side]
        col = var_of(side, entering)
        row = t.leaving_row(col)
        if row is None:
            raise SolverError("Lemke-Howson met an unbounded ray (this is a bug for positive payoffs)")
        leaving = t.basis[row]
        tabs[side] = t.pivot(row, col)
        out = label_of(side, leaving)
        if out == label:
            break
        entering = out
        side = 1 - side
    else:
        raise SolverError(f"Lemke-Howson did not finish within {MAX_PIVOTS} pivots")

    def point(side: int, dim: int) -> tuple[Number, ...]:
        t = tabs[side]
        coords: list[Number] = [Fraction(0) if exact else 0.0] * dim
        for r, v in enumerate(t.basis):
            if v < dim:
                coords[v] = t.value(r)
        total = sum(coords)
        out = tuple(c / total for c in coords)
        return out if exact else snap_distribution(out)  # type: ignore[arg-type]

    return point(0, m), point(1, n)
