"""Finite Markov chains: discounted values, recurrent classes, long-run averages.

For a transition matrix ``P`` (exact Fractions or floats) and rewards ``r``:

* discounted value, normalised: ``V = (1 - delta) (I - delta P)^{-1} r``;
* recurrent classes: the strongly connected components of the graph of
  positive transitions that no edge leaves;
* long-run (Cesaro) average from state ``s``:
  ``g(s) = sum_C B[s, C] (pi_C . r_C)``, where ``pi_C`` is the stationary
  distribution of class ``C`` and ``B[s, C]`` the probability of being
  absorbed into ``C`` from ``s`` (Puterman 1994, sec. 8.2 and A.4).  This
  is right when the chain has several recurrent classes (grim trigger's
  permanent war beside peace) and when a class is periodic.

References
----------
M. L. Puterman, Markov Decision Processes (1994), appendix A.
J. G. Kemeny and J. L. Snell, Finite Markov Chains (1960), ch. III.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from models.errors import SolverError
from solver.numeric import linalg as exact_linalg

__all__ = ["solve", "discounted", "ChainStructure", "structure", "closed_components", "nonzero_mask", "stationary",
           "cesaro", "absorption", "identity"]


def identity(n: int, exact: bool) -> np.ndarray:
    if exact:
        eye = np.empty((n, n), dtype=object)
        eye[...] = Fraction(0)
        for k in range(n):
            eye[k, k] = Fraction(1)
        return eye
    return np.eye(n)


def solve(A: np.ndarray, B: np.ndarray, exact: bool) -> np.ndarray:
    """``A^{-1} B``, exactly or in float64."""
    if exact:
        return exact_linalg.solve(A, B)
    try:
        return np.linalg.solve(A.astype(float), B.astype(float))
    except np.linalg.LinAlgError:
        raise SolverError("a linear system of the Markov chain is singular") from None


def discounted(P: np.ndarray, r: np.ndarray, delta: Any, exact: bool) -> np.ndarray:
    """``(1 - delta) (I - delta P)^{-1} r`` for rewards ``r`` of shape ``(S,)`` or ``(S, k)``."""
    n = P.shape[0]
    return solve(identity(n, exact) - delta * P, (1 - delta) * r, exact)


@dataclass(frozen=True, eq=False)
class ChainStructure:
    """Recurrent classes and transient states of a chain."""

    classes: tuple[tuple[int, ...], ...]  # recurrent classes, each sorted
    transient: tuple[int, ...]
    component: np.ndarray  # SCC label of every state


def closed_components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Strongly connected components of the directed graph ``mask[i, j]`` (an edge i -> j), and which are closed.

    Returns ``(labels, closed)``: the component of every node, and for every component whether no edge
    leaves it.  (Tarjan's algorithm, via SciPy.)
    """
    graph = csr_matrix(np.asarray(mask, dtype=np.int8))
    k, labels = connected_components(graph, directed=True, connection="strong")
    closed = np.ones(k, dtype=bool)
    rows, cols = np.asarray(mask, dtype=bool).nonzero()
    leaving = labels[rows] != labels[cols]
    closed[np.unique(labels[rows[leaving]])] = False
    return labels, closed


def nonzero_mask(P: np.ndarray) -> np.ndarray:
    """``P != 0`` for a float or a Fraction (object) matrix."""
    if P.dtype == object:
        return np.array([bool(x) for x in P.flat], dtype=bool).reshape(P.shape)
    return np.asarray(P != 0)


def structure(P: np.ndarray) -> ChainStructure:
    """Recurrent classes (closed communicating classes) and transient states."""
    n = P.shape[0]
    labels, closed = closed_components(nonzero_mask(P) if P.dtype == object else P > 0)
    classes = tuple(tuple(int(s) for s in np.flatnonzero(labels == c)) for c in range(len(closed)) if closed[c])
    recurrent = {s for c in classes for s in c}
    transient = tuple(s for s in range(n) if s not in recurrent)
    labels.setflags(write=False)
    return ChainStructure(tuple(sorted(classes)), transient, labels)


def stationary(P: np.ndarray, states: tuple[int, ...], exact: bool) -> np.ndarray:
    """Stationary distribution of the closed class ``states`` (unique: the class is irreducible)."""
    idx = list(states)
    m = len(idx)
    sub = P[np.ix_(idx, idx)]
    A = (identity(m, exact) - sub).T.copy()
    A[-1, :] = Fraction(1) if exact else 1.0
    b = np.zeros(m, dtype=object if exact else float)
    if exact:
        b[...] = Fraction(0)
        b[-1] = Fraction(1)
    else:
        b[-1] = 1.0
    return solve(A, b, exact)


def absorption(P: np.ndarray, st: ChainStructure, exact: bool) -> np.ndarray:
    """``B[s, c]``: probability of ending in recurrent class ``c`` from state ``s``."""
    n = P.shape[0]
    k = len(st.classes)
    B = np.zeros((n, k), dtype=object if exact else float)
    if exact:
        B[...] = Fraction(0)
    for c, cls in enumerate(st.classes):
        for s in cls:
            B[s, c] = Fraction(1) if exact else 1.0
    T = list(st.transient)
    if T and k:
        into = np.zeros((len(T), k), dtype=object if exact else float)
        if exact:
            into[...] = Fraction(0)
        for c, cls in enumerate(st.classes):
            into[:, c] = P[np.ix_(T, list(cls))].sum(axis=1)
        sol = solve(identity(len(T), exact) - P[np.ix_(T, T)], into, exact)
        B[T, :] = sol.reshape(len(T), k)
    return B


def cesaro(P: np.ndarray, r: np.ndarray, exact: bool, st: ChainStructure | None = None) -> np.ndarray:
    """Long-run average of rewards ``r`` (``(S,)`` or ``(S, k)``) from every state."""
    st = structure(P) if st is None else st
    B = absorption(P, st, exact)
    r2 = r.reshape(r.shape[0], -1)
    gains = np.zeros((len(st.classes), r2.shape[1]), dtype=object if exact else float)
    for c, cls in enumerate(st.classes):
        pi = stationary(P, cls, exact)
        gains[c] = pi @ r2[list(cls)]
    out = B @ gains
    return out.reshape(r.shape)
