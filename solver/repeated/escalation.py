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
    attack) in the long run.  The chain ends in one of its recurrent
    classes ``C`` with probability ``w_C`` (absorption from the initial
    state).  Within a class, by the ergodic theorem, the mean episode length
    on almost every path is ``a_C / r_C``: the long-run share of attack
    periods ``a_C = pi_C . attack`` over the rate at which episodes start,
    ``r_C = P(no attack now, attack next period)`` under the class's
    stationary law ``pi_C``.  The metric is the average of ``a_C / r_C``
    over the classes with episodes (``a_C > 0`` and ``r_C > 0``), weighted
    by ``w_C``: the expected long-run episode length of a path, given that
    it ends where conflicts start and end.  Classes without attacks and
    classes where conflict never ends (an attack in every period,
    ``r_C = 0``) have no episode length and are left out; their weights
    are ``p_endless_conflict`` and ``1 - p_endless_conflict -
    p_episodic_conflict``.  None when no class with episodes is reached.
``p_episodic_conflict``
    Probability of ending in a class where conflict episodes start and end:
    the weight behind ``mean_conflict_length``.
``p_endless_conflict``
    Probability of ending in a class where somebody actually attacks in
    every period, so that conflict, once there, never ends (not even by a
    tremble).  A null ``mean_conflict_length`` therefore means: no conflict
    in the long run when ``p_endless_conflict`` is 0, endless conflict when
    it is 1, and a mix of lasting peace and endless conflict in between.
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

from models.errors import SolverError
from models.numbers import Number, json_number
from solver.numeric.rational import is_zero
from solver.numeric.tolerance import TOL
from solver.repeated.chain import Chain
from solver.repeated.markov import (
    ChainStructure,
    absorption,
    cesaro,
    closed_components,
    discounted,
    identity,
    nonzero_mask,
    solve,
    stationary,
    structure,
)

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
    p_episodic_conflict: Number
    p_endless_conflict: Number

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
            "p_episodic_conflict": j(self.p_episodic_conflict),
            "p_endless_conflict": j(self.p_endless_conflict),
        }


def _no_attack_events(chain: Chain) -> np.ndarray:
    """``G0[a, e]``: probability of event ``e`` *and* no actual attack, given the intended profile.

    Needs events that carry the attack flags (a chain built with ``track_attacks``).
    """
    G0 = chain.event_given_intended.copy()
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
    for s, (qs, history) in enumerate(chain.states):
        if chain.delay and history[0] is None:
            continue  # nothing arrives before the first signal is public
        # the event that arrives (with delay, pe is the law of the oldest pending period's event)
        for e, w in ((e, pe[s, e]) for e in range(len(chain.events)) if pe[s, e]):
            y, flags = chain.events[e]
            if flags is None:
                raise SolverError("escalation metrics need a chain built with track_attacks=True")
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
    W, pe = chain.weights_and_events()
    P = chain.transition_from_events(pe)
    st = structure(P)
    attack = W @ chain.attack  # (S,) probability of an actual attack this period
    init = chain.init
    long_run = init @ cesaro(P, attack, exact, st)
    disc = None if delta is None else init @ discounted(P, attack, delta, exact)

    # first attack: the sub-stochastic chain of attack-free periods
    if chain.delay:
        # this period's attack and the event that arrives are independent (it was produced L periods ago)
        P0 = (1 - attack)[:, None] * P
    else:
        P0 = chain.transition_from_events(W @ _no_attack_events(chain))
    first, p_never = _first_attack(P0, init, exact)

    B = absorption(P, st, exact)
    weights = [init @ B[:, c] for c in range(len(st.classes))]
    mean_len, p_episodic, p_endless = _episodes(P, P0, attack, st, weights, exact)

    # permanent conflict: recurrent classes in which some player surely intends to attack everywhere
    intends = _intends_attack(chain)
    p_war = chain.zero()
    for c, cls in enumerate(st.classes):
        if all((intends[s] == 1) if exact else (float(intends[s]) >= 1 - TOL) for s in cls):
            p_war += weights[c]
    dist = _cesaro_distribution(P, st, weights, exact)
    innocent = dist @ _innocent_rate(chain, pe) * 100
    return EscalationMetrics(long_run, disc, first, p_never, mean_len, p_war, innocent, p_episodic, p_endless)


def _episodes(P: np.ndarray, P0: np.ndarray, attack: np.ndarray, st: ChainStructure, weights: list[Number],
              exact: bool) -> tuple[Number | None, Number, Number]:
    """``(mean_conflict_length, p_episodic_conflict, p_endless_conflict)`` of the module docstring.

    A class is classified by the structure of the chain, not by a float threshold: it has no attacks when
    ``attack`` is zero on all of it, and endless conflict when no attack-free period can be followed by an
    attack there (``P0 attack`` is zero on all of it; a sum of nonnegative products is zero only when every
    term is).  Otherwise ``a_C`` and ``r_C`` are positive.
    """
    zero = Fraction(0) if exact else 0.0
    starts = P0 @ attack  # (S,) P(no attack now, attack next period)
    attack_nz, starts_nz = nonzero_mask(attack), nonzero_mask(starts)
    total = p_episodic = p_endless = zero
    for c, cls in enumerate(st.classes):
        idx = list(cls)
        if not attack_nz[idx].any():
            continue
        if not starts_nz[idx].any():
            p_endless += weights[c]
            continue
        pi = stationary(P, cls, exact)
        total += weights[c] * (pi @ attack[idx]) / (pi @ starts[idx])
        p_episodic += weights[c]
    mean_len = None if is_zero(p_episodic, exact, TOL) else total / p_episodic
    return mean_len, p_episodic, p_endless


def _intends_attack(chain: Chain) -> np.ndarray:
    """Probability that some player intends a hostile action, per joint state."""
    one = chain.one()
    calm = np.full(chain.n_states, one, dtype=object if chain.exact else float)
    for i in range(chain.n_players):
        h = _hostility(chain, i)
        calm = calm * np.array([one - h[qs[i]] for qs, _ in chain.states], dtype=object if chain.exact else float)
    return one - calm


def _cesaro_distribution(P: np.ndarray, st: ChainStructure, weights: list[Number], exact: bool) -> np.ndarray:
    """Long-run share of time in each state: each class's stationary law times its absorption weight."""
    dist = np.full(P.shape[0], Fraction(0) if exact else 0.0, dtype=object if exact else float)
    for c, cls in enumerate(st.classes):
        dist[list(cls)] = weights[c] * stationary(P, cls, exact)
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
    labels, closed = closed_components(nonzero_mask(P0).reshape(S, S))
    rows = P0.sum(axis=1)
    safe = np.zeros(S, dtype=bool)
    for c in np.flatnonzero(closed):
        members = np.flatnonzero(labels == c)
        if all(is_zero(rows[i] - 1, exact, TOL) for i in members):
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
    if not is_zero(p_never, exact, TOL):
        return None, p_never
    return init @ h, zero
