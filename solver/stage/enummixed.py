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
   ``y`` to probability vectors.  The pairs are found by a hash join: a
   vertex with exactly as many labels as its dimension can only pair with
   the vertex whose label set is its exact complement (one dictionary
   look-up), and only the vertices with extra labels are compared with
   every vertex of the other polytope, in chunks, so memory grows with
   ``|P| + |Q|`` rather than ``|P| x |Q|`` (:func:`complementary_pairs`).  In a degenerate game a vertex carries
   more labels than its dimension and may pair with several partners; the
   set of all equilibria is a union of convex sets spanned by such pairs.
5. Two extreme equilibria lie in the same connected component of the
   equilibrium set when they are linked by a chain of shared vertices
   (the bipartite "compatibility" graph of Avis et al. 2010).

Limits (:mod:`solver.stage.limits`) stop the search with a clear
:class:`~models.errors.SolverError` when a polytope has too many vertices
or bases, or the search would hold too many tableaux; the enumeration
reports its progress through the optional ``progress`` callback.  Float
equilibria are cleaned of rounding noise (entries within
:data:`~solver.numeric.tolerance.PROBABILITY_TOL` of 0 become 0, the rest
sum to 1).

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

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from models.errors import SolverError
from models.numbers import Number
from solver.numeric.pivoting import FloatTableau, IntTableau
from solver.numeric.rational import positive_float_matrix, positive_integer_matrix
from solver.numeric.tolerance import snap_distribution
from solver.stage.limits import (
    ENUMMIXED_WARN_ACTIONS,
    MAX_BASES,
    MAX_PENDING_TABLEAU_ENTRIES,
    MAX_VERTICES,
    Progress,
    report,
    too_large,
)

__all__ = ["Vertex", "polytope_vertices", "complementary_pairs", "max_vertices", "ExtremeEquilibria",
           "extreme_equilibria"]

#: Bases between two progress reports of the vertex search.
REPORT_EVERY = 20_000

#: Cells of one chunk of the label comparison (int64): about 32 MB.
CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class Vertex:
    """A vertex of ``{z >= 0 : M z <= 1}``: its tight set and coordinates."""

    tight: int  # bitmask over variables: bit v set when variable v (z_v or slack) is 0
    coords: tuple[Number, ...]


def max_vertices(d: int, facets: int) -> int:
    """The most vertices a ``d``-polytope with ``facets`` facets can have (McMullen's upper bound theorem).

    ``C(f - ceil(d/2), floor(d/2)) + C(f - floor(d/2) - 1, ceil(d/2) - 1)``, attained by the
    duals of cyclic polytopes (Ziegler, Lectures on Polytopes, 1995, Thm 8.23).

    >>> max_vertices(2, 5), max_vertices(3, 6)
    (5, 8)
    """
    if d <= 0:
        return 1
    lo, hi = d // 2, (d + 1) // 2
    return math.comb(facets - hi, lo) + math.comb(facets - lo - 1, hi - 1)


def polytope_vertices(M: np.ndarray, exact: bool, *, progress: Progress | None = None,
                      name: str = "the polytope") -> list[Vertex]:
    """Every vertex of ``{z >= 0 : M z <= 1}`` for a positive matrix ``M`` (k x d).

    Variables ``0..d-1`` are the coordinates ``z`` and ``d..d+k-1`` the
    slacks of the ``k`` inequalities.  Vertices are returned in the order the
    search meets them, the origin first.

    The depth-first search keeps one tableau per level on its stack and
    pivots to a neighbour only when it visits it, so the tableaux held at once
    are the ones on the current path, not one per discovered neighbour.

    Raises
    ------
    SolverError
        When the polytope has more than :data:`~solver.stage.limits.MAX_VERTICES`
        vertices or :data:`~solver.stage.limits.MAX_BASES` bases, or the stack
        would hold more than :data:`~solver.stage.limits.MAX_PENDING_TABLEAU_ENTRIES`
        tableau entries.

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
    cells = k * (d + k + 1)
    visited = {sum(1 << v for v in start.basis)}
    seen: dict[int, Vertex] = {}
    # each stack entry: a tableau and the (leaving row, entering column) pivots to neighbours not yet visited
    stack: list[tuple[IntTableau | FloatTableau, list[tuple[int, int]]]] = []

    def visit(t: IntTableau | FloatTableau) -> None:
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
            if len(seen) > MAX_VERTICES:
                raise SolverError(too_large(f"{name} has more than {MAX_VERTICES:,} vertices", exact=exact))
        entering = [c for c in range(t.n_vars) if not in_basis >> c & 1]
        todo = []
        for c, leave in zip(entering, t.leaving_rows(entering)):
            if leave is None:
                raise SolverError("the polytope is unbounded (payoffs must be shifted positive)")
            nb = in_basis ^ (1 << t.basis[leave]) ^ (1 << c)
            if nb in visited:
                continue
            visited.add(nb)
            todo.append((leave, c))
        if len(visited) > MAX_BASES:
            raise SolverError(too_large(f"{name} has more than {MAX_BASES:,} bases: the game is too degenerate "
                                        "or too large for vertex enumeration", exact=exact))
        if len(visited) // REPORT_EVERY != (len(visited) - len(todo)) // REPORT_EVERY:
            report(progress, f"enummixed: {name}: {len(visited):,} bases, {len(seen):,} vertices so far", True)
        if todo:
            stack.append((t, todo))
            if len(stack) * cells > MAX_PENDING_TABLEAU_ENTRIES:
                raise SolverError(too_large(f"the vertex search of {name} needs more than "
                                            f"{MAX_PENDING_TABLEAU_ENTRIES:,} tableau entries", exact=exact))

    visit(start)
    while stack:
        t, todo = stack[-1]
        leave, c = todo.pop()
        if not todo:
            stack.pop()
        visit(t.pivot(leave, c))
    return list(seen.values())


def _popcount(x: int) -> int:
    return bin(x).count("1")


def _label_words(masks: Sequence[int], bits: int) -> np.ndarray:
    """Masks as an (N, W) int64 array of 62-bit words (W = ceil(bits / 62))."""
    words = max(1, -(-bits // 62))
    out = np.zeros((len(masks), words), dtype=np.int64)
    low = (1 << 62) - 1
    for w in range(words):
        out[:, w] = [(mk >> (62 * w)) & low for mk in masks]
    return out


def _broadcast_pairs(rows: Sequence[int], cols: Sequence[int], bits: int) -> list[tuple[int, int]]:
    """Positions ``(a, b)`` with ``rows[a] | cols[b]`` covering all ``bits`` labels, compared in chunks."""
    if not rows or not cols:
        return []
    R, C = _label_words(rows, bits), _label_words(cols, bits)
    full = _label_words([(1 << bits) - 1], bits)[0]
    step = max(1, CHUNK_CELLS // (len(cols) * R.shape[1]))
    out: list[tuple[int, int]] = []
    for a0 in range(0, len(rows), step):
        block = R[a0:a0 + step]
        ok = np.all((block[:, None, :] | C[None, :, :]) == full, axis=2)
        ii, jj = np.nonzero(ok)
        out.extend(zip((ii + a0).tolist(), jj.tolist()))
    return out


def complementary_pairs(p_labels: Sequence[int], q_labels: Sequence[int], m: int, n: int) -> list[tuple[int, int]]:
    """Every ``(i, j)`` with ``p_labels[i] | q_labels[j]`` = all ``m + n`` labels, sorted.

    A vertex of P carries at least ``m`` labels and one of Q at least ``n``.  A
    *simple* pair (exactly ``m`` and ``n``) covers every label only when the
    label sets are complements, so those pairs come from a dictionary of Q's
    label sets.  The rest (a vertex with extra labels, on either side) are
    compared directly, in chunks of :data:`CHUNK_CELLS`.

    >>> complementary_pairs([0b0011, 0b0110, 0b1110], [0b1100, 0b1001, 0b0001], 2, 2)
    [(0, 0), (1, 1), (2, 1), (2, 2)]
    """
    full = (1 << (m + n)) - 1
    simple_q: dict[int, list[int]] = {}
    degenerate_q: list[int] = []
    for j, lab in enumerate(q_labels):
        if _popcount(lab) == n:
            simple_q.setdefault(lab, []).append(j)
        else:
            degenerate_q.append(j)
    pairs: list[tuple[int, int]] = []
    simple_p: list[int] = []
    degenerate_p: list[int] = []
    for i, lab in enumerate(p_labels):
        if _popcount(lab) == m:
            simple_p.append(i)
            pairs.extend((i, j) for j in simple_q.get(full & ~lab, ()))
        else:
            degenerate_p.append(i)
    # vertices with extra labels against everything on the other side (no pair is counted twice:
    # the first block has a degenerate P vertex, the second a simple one)
    every_q = list(range(len(q_labels)))
    for a, b in _broadcast_pairs([p_labels[i] for i in degenerate_p], list(q_labels), m + n):
        pairs.append((degenerate_p[a], every_q[b]))
    for a, b in _broadcast_pairs([p_labels[i] for i in simple_p], [q_labels[j] for j in degenerate_q], m + n):
        pairs.append((simple_p[a], degenerate_q[b]))
    pairs.sort()
    return pairs


@dataclass(frozen=True)
class ExtremeEquilibria:
    """Raw output of :func:`extreme_equilibria` (probabilities not yet labelled)."""

    pairs: tuple[tuple[tuple[Number, ...], tuple[Number, ...], int], ...]  # (x, y, component)
    degenerate: bool
    n_components: int


def _normalise(coords: tuple[Number, ...], exact: bool) -> tuple[Number, ...]:
    total = sum(coords)
    out = tuple(c / total for c in coords)
    return out if exact else snap_distribution(out)  # type: ignore[arg-type]


def extreme_equilibria(A: np.ndarray, B: np.ndarray, exact: bool, *,
                       progress: Progress | None = None) -> ExtremeEquilibria:
    """Every extreme equilibrium of the bimatrix game ``(A, B)``.

    Parameters
    ----------
    A, B:
        ``m x n`` payoff matrices of the row and column player (object arrays
        of Fractions when ``exact``, float arrays otherwise).
    exact:
        Integer pivoting (exact) or float64 with tolerance.
    progress:
        Optional ``progress(message, transient)`` callback
        (:mod:`solver.stage.limits`): an estimate first for large games, then
        running counts of the vertex search.

    Returns
    -------
    ExtremeEquilibria
        Pairs ``(x, y, component)`` sorted canonically, the degeneracy flag
        and the number of connected components.

    Raises
    ------
    SolverError
        When a limit of :mod:`solver.stage.limits` is exceeded; the message
        suggests ``--method lemke-howson``.
    """
    m, n = A.shape
    if max(m, n) > ENUMMIXED_WARN_ACTIONS:
        bound = max(max_vertices(m, m + n), max_vertices(n, m + n))
        report(progress, f"enummixed: a {m}x{n} game: a best-response polytope may have up to {bound:,} vertices, "
               "so this can take minutes and gigabytes; --method lemke-howson finds one equilibrium in seconds")
    prep: Callable[[np.ndarray], np.ndarray] = positive_integer_matrix if exact else positive_float_matrix
    Ap, Bp = prep(A), prep(B)
    # P: variables x_0..x_{m-1}, then slacks of columns; Q: variables y_0..y_{n-1}, then slacks of rows
    P = polytope_vertices(Bp.T, exact, progress=progress, name="Row's best-response polytope")
    Q = polytope_vertices(Ap, exact, progress=progress, name="Column's best-response polytope")
    low_n = (1 << n) - 1
    # labels of P's vertices are their tight sets as they stand; Q's need relabelling
    p_labels = [v.tight for v in P]
    q_labels = [((v.tight & low_n) << m) | (v.tight >> n) for v in Q]
    degenerate = any(_popcount(t) > m for t in p_labels) or any(_popcount(t) > n for t in q_labels)
    p_idx = [i for i, v in enumerate(P) if any(c != 0 for c in v.coords)]
    q_idx = [j for j, v in enumerate(Q) if any(c != 0 for c in v.coords)]
    report(progress, f"enummixed: matching {len(p_idx):,} x {len(q_idx):,} vertices", True)
    matches = [(p_idx[a], q_idx[b]) for a, b in
               complementary_pairs([p_labels[i] for i in p_idx], [q_labels[j] for j in q_idx], m, n)]

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
        x = _normalise(P[i].coords, exact)
        y = _normalise(Q[j].coords, exact)
        found.append((x, y, find(("x", i))))
    found.sort(key=lambda e: tuple(-c for c in e[0] + e[1]))
    numbering: dict[tuple[str, int], int] = {}
    pairs = []
    for x, y, root in found:
        comp = numbering.setdefault(root, len(numbering))
        pairs.append((x, y, comp))
    return ExtremeEquilibria(tuple(pairs), degenerate, len(numbering))
