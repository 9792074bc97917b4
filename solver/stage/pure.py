"""Pure-strategy Nash equilibria of N-player games.

A pure profile ``a`` is an equilibrium when every player's payoff at ``a``
is the maximum over that player's own actions with the others' fixed.
Computed for all profiles at once with array maxima along each player's
axis; exact for rational games, for floats within a tolerance relative to
each player's payoff range (:func:`solver.stage.payoffs.payoff_tolerances`),
so a game scaled by any positive factor has the same equilibria.
"""

from __future__ import annotations

import numpy as np

from solver.stage.payoffs import payoff_tolerances

__all__ = ["pure_equilibria"]


def pure_equilibria(payoffs: tuple[np.ndarray, ...], exact: bool) -> tuple[tuple[int, ...], ...]:
    """All pure equilibria, sorted (first player's action most significant).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3, 0], [5, 1]]); B = A.T
    >>> pure_equilibria((A, B), exact=True)
    ((1, 1),)
    """
    shape = payoffs[0].shape
    ok = np.ones(shape, dtype=bool)
    for i, (arr, tol) in enumerate(zip(payoffs, payoff_tolerances(payoffs, exact))):
        best = arr.max(axis=i, keepdims=True)
        if exact:
            ok &= np.asarray(arr == best, dtype=bool)
        else:
            ok &= np.asarray(arr >= best - tol, dtype=bool)
    return tuple(tuple(int(v) for v in idx) for idx in zip(*np.nonzero(ok)))
