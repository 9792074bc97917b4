"""All extreme Nash equilibria of a bimatrix game, degenerate games included.

Algorithm (the one behind Gambit's ``enummixed``; von Stengel 2002, sec. 3.3)
------------------------------------------------------------------------------
1. Make both payoff matrices positive by a positive affine map (equilibria
   do not change) and, for exact work, integer.
2. Build the best-response polytopes of an ``m x n`` game ``(A, B)``::

       P = {x in R^m : x >= 0, B^T x <= 1}     Q = {y in R^n : A y <= 1, y >= 0}

   Labels ``0..m-1`` are Row's actions and ``m..m+n-1`` Column's.  A point
   ``x`` of P has label ``i`` when ``x_i = 0`` and label ``m + j`` when
   ``(B^T x)_j = 1`` (column ``j`` is a best response); likewise for ``y``.
3. Enumerate every vertex of P and of Q by a depth-first search over the
   lexicographically feasible bases (see :mod:`solver.numeric.pivoting`), exact
   with integer pivoting.  A vertex is identified by its set of labels.
4. A pair of vertices ``(x, y) != (0, 0)`` whose labels together cover all
   ``m + n`` labels is an extreme equilibrium after normalising ``x`` and
   ``y`` to probability vectors.  In a degenerate game a vertex carries
   more labels than its dimension and may pair with several partners; the
   set of all equilibria is a union of convex sets spanned by such pairs.
5. Two extreme equilibria lie in the same connected component of the
   equilibrium set when they are linked by a chain of shared vertices
   (the bipartite "compatibility" graph of Avis et al. 2010).

The game is *degenerate* when some vertex has more labels than the
dimension of its polytope, i.e. some mixed strategy with support size
``k`` has more than ``k`` pure best responses (von Stengel 2002, Thm 2.10).

References
----------
B. von Stengel, "Computing equilibria for two-person games", Handbook of
Game Theory vol. 3, ch. 45 (2002).

D. Avis, G. Rosenberg, R. Savani and B. von Stengel, "Enumeration of Nash
equilibria for two-player games", Economic Theory 42 (2010).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from models.errors import SolverError
from models.numbers import Number
from solver.numeric.pivoting import FloatTableau, IntTableau
from solver.stage.payoffs import positive_float_matrix, positive_integer_matrix

__all__ = ["Vertex", "polytope_vertices", "ExtremeEquilibria", "extreme_equilibria"]

#: Bases visited before the search gives up (a guard against pathological games).
MAX_BASES = 2_000_000


@dataclass(frozen=True)
class Vertex:
    """A vertex of ``{z >= 0 : M z <= 1}``: its tight set and coordinates."""

    tight: int  # bitmask over variables: bit v set when variable v (z_v or slack) is 0
    coords: tuple[Number, ...]


def polytope_vertices(M: np.ndarray, exact: bool) -> list[Vertex]:
    """Every vertex of ``{z >= 0 : M z <= 1}`` for a positive matrix ``M`` (k x d).

    Variables ``0..d-1`` are the coordinates ``z`` and ``d..d+k-1`` the
    slacks of the ``k`` inequalities.  Vertices are returned in the order the
    search meets them, the origin first.

    Examples
    --------
    >>> import numpy as np
    >>> vs = polytope_vertices(np.array([[1, 2]], dtype=object), exact=True)
    >>> sorted(v.coords for v in vs)
    [(Fraction(0, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 2)), (Fraction(1, 1), Fraction(0, 1))]
    """
    k, d = M.shape
    ones = np.ones(k, dtype=object if exact else float)
    start = IntTableau.start(M, ones) if exact else FloatTableau.start(M, ones)
    stack = [start]
    visited = {sum(1 << v for v in start.basis)}
    seen: dict[int, Vertex] = {}
    while stack:
        t = stack.pop()
        in_basis = 0
        for v in t.basis:
            in_basis |= 1 << v
        tight = ((1 << t.n_vars) - 1) & ~in_basis
        for r in t.zero_rows():
            tight |= 1 << t.basis[r]
        if tight not in seen:
            coords: list[Number] = [Fraction(0) if exact else 0.0] * d
            for r, v in enumerate(t.basis):
                if v < d:
                    coords[v] = t.value(r)
            seen[tight] = Vertex(tight, tuple(coords))
        entering = [c for c in range(t.n_vars) if not in_basis >> c & 1]
        for c, leave in zip(entering, t.leaving_rows(entering)):
            if leave is None:
                raise SolverError("the polytope is unbounded (payoffs must be shifted positive)")
            nb = in_basis ^ (1 << t.basis[leave]) ^ (1 << c)
            if nb in visited:
                continue
            visited.add(nb)
            if len(visited) > MAX_BASES:
                raise SolverError(
                    f"more than {MAX_BASES} bases in one best-response polytope: the game is too "
                    "degenerate or too large for vertex enumeration"
                )
            stack.append(t.pivot(leave, c))
    return list(seen.values())


@dataclass(frozen=True)
class ExtremeEquilibria:
    """Raw output of :func:`extreme_equilibria` (probabilities not yet labelled)."""

    pairs: tuple[tuple[tuple[Number, ...], tuple[Number, ...], int], ...]  # (x, y, component)
    degenerate: bool
    n_components: int


def _normalise(coords: tuple[Number, ...]) -> tuple[Number, ...]:
    total = sum(coords)
    return tuple(c / total for c in coords)


def extreme_equilibria(A: np.ndarray, B: np.ndarray, exact: bool) -> ExtremeEquilibria:
    """Every extreme equilibrium of the bimatrix game ``(A, B)``.

    Parameters
    ----------
    A, B:
        ``m x n`` payoff matrices of the row and column player (object arrays
        of Fractions when ``exact``, float arrays otherwise).
    exact:
        Integer pivoting (exact) or float64 with tolerance.

    Returns
    -------
    ExtremeEquilibria
        Pairs ``(x, y, component)`` sorted canonically, the degeneracy flag
        and the number of connected components.
    """
    m, n = A.shape
    prep: Callable[[np.ndarray], np.ndarray] = positive_integer_matrix if exact else positive_float_matrix
    Ap, Bp = prep(A), prep(B)
    P = polytope_vertices(Bp.T, exact)  # variables: x_0..x_{m-1}, then slacks of columns
    Q = polytope_vertices(Ap, exact)  # variables: y_0..y_{n-1}, then slacks of rows
    full = (1 << (m + n)) - 1
    low_n = (1 << n) - 1
    # labels of P's vertices are their tight sets as they stand; Q's need relabelling
    p_labels = [v.tight for v in P]
    q_labels = [((v.tight & low_n) << m) | (v.tight >> n) for v in Q]
    degenerate = any(bin(t).count("1") > m for t in p_labels) or any(
        bin(t).count("1") > n for t in q_labels
    )
    p_idx = [i for i, v in enumerate(P) if any(c != 0 for c in v.coords)]
    q_idx = [j for j, v in enumerate(Q) if any(c != 0 for c in v.coords)]
    matches: list[tuple[int, int]] = []
    if m + n <= 62:
        pl = np.array([p_labels[i] for i in p_idx], dtype=np.int64)
        ql = np.array([q_labels[j] for j in q_idx], dtype=np.int64)
        if pl.size and ql.size:
            ii, jj = np.nonzero((pl[:, None] | ql[None, :]) == full)
            matches = [(p_idx[a], q_idx[b]) for a, b in zip(ii.tolist(), jj.tolist())]
    else:
        matches = [(i, j) for i in p_idx for j in q_idx if p_labels[i] | q_labels[j] == full]

    # connected components of the bipartite graph of matched vertices (union-find)
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(u: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(u, u) != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for i, j in matches:
        ri, rj = find(("x", i)), find(("y", j))
        if ri != rj:
            parent[ri] = rj

    found = []
    for i, j in matches:
        x = _normalise(P[i].coords)
        y = _normalise(Q[j].coords)
        found.append((x, y, find(("x", i))))
    found.sort(key=lambda e: tuple(-c for c in e[0] + e[1]))
    numbering: dict[tuple[str, int], int] = {}
    pairs = []
    for x, y, root in found:
        comp = numbering.setdefault(root, len(numbering))
        pairs.append((x, y, comp))
    return ExtremeEquilibria(tuple(pairs), degenerate, len(numbering))
