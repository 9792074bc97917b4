"""Escalation metrics of a profile's joint chain.

All metrics count *actual* attacks (trembles included) and start from the
profile's initial state.

``attack_share_long_run``
    Long-run share of periods in which somebody attacks (Cesaro average).
``attack_share_discounted``
    The same share weighted by ``(1 - delta) delta^t``.
``periods_to_first_attack``
    Expected number of the period with the first attack (1 if one is
    certain in the first period); None when with positive probability
    nobody ever attacks (then ``p_never_attack`` says how likely that is).
``mean_conflict_length``
    Mean length of a conflict episode (a maximal run of periods with an
    attack) in the long run: the share of attack periods divided by the
    rate at which episodes start.  None when there is no conflict in the
    long run, or when conflict, once started, never ends (then
    ``p_permanent_conflict`` is positive).
``p_permanent_conflict``
    Probability of being absorbed into a recurrent class in which, in every
    state, some player intends to attack with certainty: a war that only
    accidents interrupt.
``innocent_punishments_per_100``
    Long-run number, per 100 periods, of punishments of an innocent
    player: a signal blames player ``j`` for a period in which ``j`` did not
    attack, and another player ``i``'s automaton, reading it, moves to a
    state in which it attacks with higher probability.  Each such move
    counts the increase in that probability.  (An always-attack doctrine
    never counts: reading the signal changes nothing.)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from models.numbers import Number, json_number
from solver.repeated.chain import Chain
from solver.repeated.markov import (
    ChainStructure,
    absorption,
    cesaro,
    discounted,
    identity,
    solve,
    stationary,
    structure,
)
from solver.stage.payoffs import TOL

__all__ = ["EscalationMetrics", "escalation_metrics"]


@dataclass(frozen=True)
class EscalationMetrics:
    attack_share_long_run: Number
    attack_share_discounted: Number | None
    periods_to_first_attack: Number | None
    p_never_attack: Number
    mean_conflict_length: Number | None
    p_permanent_conflict: Number
    innocent_punishments_per_100: Number

    def to_dict(self) -> dict[str, Any]:
        def j(x: Number | None) -> Any:
            return None if x is None else json_number(x)

        return {
            "attack_share_long_run": j(self.attack_share_long_run),
            "attack_share_discounted": j(self.attack_share_discounted),
            "periods_to_first_attack": j(self.periods_to_first_attack),
            "p_never_attack": j(self.p_never_attack),
            "mean_conflict_length": j(self.mean_conflict_length),
            "p_permanent_conflict": j(self.p_permanent_conflict),
            "innocent_punishments_per_100": j(self.innocent_punishments_per_100),
        }


def _no_attack_events(chain: Chain) -> np.ndarray:
    """``G0[a, e]``: probability of event ``e`` *and* no actual attack, given the intended profile.

    Needs events that carry the attack flags (a chain built with ``track_attacks``).
    """
    G0 = chain.G.copy()
    for e, (_, flags) in enumerate(chain.events):
        if flags is None or any(flags):
            G0[:, e] = chain.zero()
    return G0


def _hostility(chain: Chain, player: int) -> np.ndarray:
    """Probability that ``player``'s automaton intends a hostile action, per automaton state."""
    b = chain.automata[player]
    hostile = chain.signals.hostile[player]
    sigma = b.sigma
    return np.array([sum((sigma[q, a] for a in hostile), chain.zero()) for q in range(sigma.shape[0])],
                    dtype=object if chain.exact else float)


def _innocent_rate(chain: Chain, pe: np.ndarray) -> np.ndarray:
    """Expected innocent punishments triggered in the transition out of each joint state."""
    n = chain.n_players
    S = chain.n_states
    hostility = [_hostility(chain, i) for i in range(n)]
    taus = []
    for b in chain.automata:
        tau = b.tau
        taus.append(tau if chain.exact else np.asarray(tau, dtype=float))
    zero = chain.zero()

    def increase(i: int, q: int, y: int) -> Number:
        h = hostility[i]
        total = zero
        for q2, p in enumerate(taus[i][q, y]):
            if p and h[q2] > h[q]:
                total += p * (h[q2] - h[q])
        return total

    out = np.full(S, zero, dtype=object if chain.exact else float)
    for s, (qs, queue) in enumerate(chain.states):
        if chain.delay == 0:
            candidates = [(e, pe[s, e]) for e in range(len(chain.events)) if pe[s, e]]
        else:
            head = queue[0]
            candidates = [] if head < 0 else [(head, Fraction(1) if chain.exact else 1.0)]
        for e, w in candidates:
            y, flags = chain.events[e]
            assert flags is not None, "innocent punishments need a chain with attack flags"
            for j in chain.signals.blamed[y]:
                if flags[j]:
                    continue  # j really attacked: not innocent
                for i in range(n):
                    if i != j:
                        out[s] += w * increase(i, qs[i], y)
    return out


def escalation_metrics(chain: Chain, delta: Number | None = None) -> EscalationMetrics:
    """The metrics of the module docstring, exact when ``chain`` is.

    ``chain`` must be built with ``track_attacks=True``.  ``delta`` is needed
    only for the discounted attack share.
    """
    exact = chain.exact
    W = chain.weights()
    pe = chain.event_probabilities(W)
    P = chain.transition_from_events(pe)
    st = structure(P)
    attack = W @ chain.attack  # (S,) probability of an actual attack this period
    init = chain.init
    long_run = init @ cesaro(P, attack, exact, st)
    disc = None if delta is None else init @ discounted(P, attack, delta, exact)

    # first attack: the sub-stochastic chain of attack-free periods
    G0 = _no_attack_events(chain)
    P0 = chain.transition_from_events(W @ G0)
    first, p_never = _first_attack(P0, init, exact)

    # episodes: start rate = long-run P(no attack now, attack next period)
    dist = _cesaro_distribution(P, init, st, exact)
    start_rate = dist @ (P0 @ attack)
    if _is_zero(long_run, exact) or _is_zero(start_rate, exact):
        mean_len = None
    else:
        mean_len = long_run / start_rate

    # permanent conflict: recurrent classes in which some player surely intends to attack everywhere
    intends = _intends_attack(chain)
    B = absorption(P, st, exact)
    p_war = chain.zero()
    for c, cls in enumerate(st.classes):
        if all((intends[s] == 1) if exact else (float(intends[s]) >= 1 - TOL) for s in cls):
            p_war += init @ B[:, c]
    innocent = dist @ _innocent_rate(chain, pe) * 100
    return EscalationMetrics(long_run, disc, first, p_never, mean_len, p_war, innocent)


def _intends_attack(chain: Chain) -> np.ndarray:
    """Probability that some player intends a hostile action, per joint state."""
    one = chain.one()
    calm = np.full(chain.n_states, one, dtype=object if chain.exact else float)
    for i in range(chain.n_players):
        h = _hostility(chain, i)
        calm = calm * np.array([one - h[qs[i]] for qs, _ in chain.states], dtype=object if chain.exact else float)
    return one - calm


def _is_zero(x: Number, exact: bool) -> bool:
    return x == 0 if exact else abs(float(x)) <= TOL


def _cesaro_distribution(P: np.ndarray, init: np.ndarray, st: ChainStructure, exact: bool) -> np.ndarray:
    """Long-run share of time in each state from ``init``: each class's stationary law, weighted by absorption."""
    B = absorption(P, st, exact)
    dist = np.full(P.shape[0], Fraction(0) if exact else 0.0, dtype=object if exact else float)
    for c, cls in enumerate(st.classes):
        dist[list(cls)] = (init @ B[:, c]) * stationary(P, cls, exact)
    return dist


def _first_attack(P0: np.ndarray, init: np.ndarray, exact: bool) -> tuple[Number | None, Number]:
    """Expected period of the first attack (None if it may never come) and P(no attack ever).

    ``P0`` is the sub-stochastic matrix of attack-free periods.  States in a
    closed class of ``P0`` whose rows sum to one can stay attack-free
    forever ("safe"); ``u`` is the probability of reaching them.  On the
    other states ``I - P0`` is invertible, and ``h = (I - P0)^{-1} 1`` is the
    expected period of the first attack wherever ``u = 0``.
    """
    S = P0.shape[0]
    zero = Fraction(0) if exact else 0.0
    one = Fraction(1) if exact else 1.0
    mask = np.array([[bool(P0[i, j]) for j in range(S)] for i in range(S)], dtype=bool).reshape(S, S)
    k, labels = connected_components(csr_matrix(mask.astype(np.int8)), directed=True, connection="strong")
    rows = P0.sum(axis=1)
    safe = np.zeros(S, dtype=bool)
    for c in range(k):
        members = np.flatnonzero(labels == c)
        closed = all(labels[j] == c for i in members for j in np.flatnonzero(mask[i]))
        if closed and all(_is_zero(rows[i] - 1, exact) for i in members):
            safe[members] = True
    rest = np.flatnonzero(~safe)
    u = np.full(S, zero, dtype=object if exact else float)
    u[safe] = one
    h = np.full(S, zero, dtype=object if exact else float)
    if rest.size:
        A = identity(rest.size, exact) - P0[np.ix_(rest, rest)]
        if safe.any():
            u[rest] = solve(A, P0[np.ix_(rest, np.flatnonzero(safe))].sum(axis=1), exact)
        h[rest] = solve(A, np.full(rest.size, one, dtype=object if exact else float), exact)
    p_never = init @ u
    if not _is_zero(p_never, exact):
        return None, p_never
    return init @ h, zero
