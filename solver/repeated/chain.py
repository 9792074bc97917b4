"""The joint Markov chain of a strategy profile under public monitoring.

Conventions
-----------
A *joint state* is ``(q_1, ..., q_N, queue)``: each player's automaton
state and, when signals are delayed by ``L`` periods, the last ``L``
*events* not yet public (oldest first; ``-1`` marks "nothing yet").  An
*event* is what a period produces: the public signal, and (when tracked)
which players actually attacked.  Each period:

1. every player draws an intended action from ``sigma_i(q_i)``; a tremble
   replaces it, uniformly, by another action with probability ``epsilon``;
2. payoffs and the event follow the profile actually played:
   ``event_given_intended[a, e]`` is the probability of event ``e`` given the
   *intended* profile ``a``, and ``stage[a, i]`` player ``i``'s expected
   payoff (clarification costs included);
3. the signal that becomes public (this period's, or the queue's oldest)
   moves every automaton: ``q_i' ~ tau_i(q_i, y)``.

Names used below (``s``, ``t`` joint states, ``a`` intended profiles, ``e`` events):

* ``action_probabilities[i][s, a_i] = sigma_i(a_i | q_i(s))``;
* intended weights ``W[s, a] = prod_i sigma_i(a_i | q_i(s))``
  (:meth:`Chain.intended_weights`; a one-shot deviation of player ``i`` to
  ``b`` replaces ``sigma_i`` by the point mass on ``b``);
* event probabilities ``pe[s, e] = sum_a W[s, a] event_given_intended[a, e]``
  (:meth:`Chain.event_probabilities`);
* the next-state kernel ``K[s, e, t]``: the deterministic queue shift times
  the automata's transitions, kept as a list of edges;
* the transition ``P[s, t] = sum_e pe[s, e] K[s, e, t]``, and the expected
  next value ``KV[s, e] = sum_t K[s, e, t] V(t)``
  (:meth:`Chain.expected_next_value`).

The chain keeps every joint state reachable under *some* action sequence
(deviations included), as the equilibrium checks need.

Exact (Fraction object arrays) when every input is rational and asked
for; float64 otherwise.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from models.automata import BoundAutomaton
from models.errors import SolverError
from models.monitoring import SignalStructure
from models.numbers import Number, to_exact
from models.stage import StageGame

__all__ = ["Chain", "build_chain", "MAX_STATES"]

#: Joint chains larger than this are refused: the solvers use dense S x S matrices.
MAX_STATES = 5_000
#: Without delay, joint moves are Kronecker products over all automaton-state combinations up to this size.
KRON_MAX = 4_096


@dataclass(frozen=True, eq=False)
class Chain:
    """A profile's joint chain and the pieces from which deviations are built (see the module docstring).

    The arrays are read-only.  Equality is identity (``eq=False``): two chains are the same chain only if
    they are the same object, so the memo below cannot affect comparisons or hashing.
    """

    exact: bool
    game: StageGame
    signals: SignalStructure
    automata: tuple[BoundAutomaton, ...]
    states: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]  # (automaton states, queue of events)
    init: np.ndarray  # (S,) initial distribution over joint states
    events: tuple[tuple[int, tuple[bool, ...] | None], ...]  # (signal, actual hostile flags or None)
    profiles: tuple[tuple[int, ...], ...]  # intended profiles, C order
    event_given_intended: np.ndarray  # (A, E) probability of each event given the intended profile
    stage: np.ndarray  # (A, N) expected stage payoffs given the intended profile
    attack: np.ndarray  # (A,) probability that somebody actually attacks, given the intended profile
    action_probabilities: tuple[np.ndarray, ...]  # per player: (S, A_i) mixed action in each joint state
    edge_s: np.ndarray  # next-state kernel as edges: from state edge_s on event edge_e
    edge_e: np.ndarray  # to state edge_t with probability edge_p
    edge_t: np.ndarray
    edge_p: np.ndarray
    delay: int
    #: Memo of :meth:`weights_and_events`, filled on first use (the equilibrium checks ask for the same
    #: pairs over and over).  Not part of the chain's value: excluded from init, repr and comparison.
    _weights_memo: dict[tuple[int | None, int | None], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for arr in (self.init, self.event_given_intended, self.stage, self.attack, *self.action_probabilities,
                    self.edge_s, self.edge_e, self.edge_t, self.edge_p):
            arr.setflags(write=False)

    @property
    def n_states(self) -> int:
        return len(self.states)

    @property
    def n_players(self) -> int:
        return self.game.n_players

    def zero(self) -> Number:
        return Fraction(0) if self.exact else 0.0

    def one(self) -> Number:
        return Fraction(1) if self.exact else 1.0

    # -- profile weights --------------------------------------------------------------------------

    def intended_weights(self, player: int | None = None, action: int | None = None) -> np.ndarray:
        """``W[s, a] = prod_i sigma_i(a_i | q_i(s))``: probability of intended profile ``a`` in state ``s``.

        With ``player`` and ``action`` given, that player intends ``action``
        for sure (a one-shot deviation) and the others follow the profile.
        A new, writable array.
        """
        S = self.n_states
        W = np.ones((S, len(self.profiles)), dtype=object if self.exact else float)
        for k, prof in enumerate(self.profiles):
            col = np.ones(S, dtype=object if self.exact else float)
            for i, a in enumerate(prof):
                if i == player:
                    if a != action:
                        col = col * 0
                    continue
                col = col * self.action_probabilities[i][:, a]
            W[:, k] = col
        return W

    def weights_and_events(self, player: int | None = None,
                           action: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(W, pe)``: :meth:`intended_weights` and ``pe = W event_given_intended``, for the profile (no
        arguments) or for ``player``'s one-shot deviation to ``action``.

        Computed once per chain and argument pair (memoised); the arrays are read-only.
        """
        key = (player, action)
        if key not in self._weights_memo:
            W = self.intended_weights(player, action)
            pe = self.event_probabilities(W)
            W.setflags(write=False)
            pe.setflags(write=False)
            self._weights_memo[key] = (W, pe)
        return self._weights_memo[key]

    def policy_transition(self, player: int, policy: Sequence[int]) -> np.ndarray:
        """Dense ``P[s, s']`` when ``player`` plays the pure action ``policy[s]`` in each state ``s``."""
        pe = np.stack([self.weights_and_events(player, b)[1][s] for s, b in enumerate(policy)])
        return self.transition_from_events(pe)

    def event_probabilities(self, W: np.ndarray | None = None) -> np.ndarray:
        """``pe[s, e]``: probability of each event in each state under weights ``W`` (default: the profile's)."""
        if W is None:
            return self.weights_and_events()[1]
        return W @ self.event_given_intended

    def transition(self, W: np.ndarray | None = None) -> np.ndarray:
        """Dense ``P[s, s']`` under weights ``W`` (default: the profile itself)."""
        return self.transition_from_events(self.event_probabilities(W))

    def transition_from_events(self, pe: np.ndarray) -> np.ndarray:
        """Dense ``P[s, s']`` given the event probabilities ``pe[s, e]`` of every state."""
        w = pe[self.edge_s, self.edge_e] * self.edge_p
        S = self.n_states
        if self.exact:
            P = np.empty((S, S), dtype=object)
            P[...] = Fraction(0)
            for s, t, x in zip(self.edge_s.tolist(), self.edge_t.tolist(), w):
                if x:
                    P[s, t] += x
            return P
        P = np.zeros((S, S))
        np.add.at(P, (self.edge_s, self.edge_t), w)
        return P

    def expected_next_value(self, V: np.ndarray) -> np.ndarray:
        """``KV[s, e] = E[V(t) | s, e] = sum_t K[s, e, t] V(t)`` for a vector (or ``S x k`` matrix) ``V``."""
        S, E = self.n_states, len(self.events)
        shape = (S, E) + V.shape[1:]
        if self.exact:
            out = np.empty(shape, dtype=object)
            out[...] = Fraction(0)
            for s, e, t, p in zip(self.edge_s.tolist(), self.edge_e.tolist(), self.edge_t.tolist(), self.edge_p):
                out[s, e] = out[s, e] + p * V[t]
            return out
        out = np.zeros(shape)
        contrib = self.edge_p.reshape((-1,) + (1,) * (V.ndim - 1)) * V[self.edge_t]
        np.add.at(out, (self.edge_s, self.edge_e), contrib)
        return out

    def reward(self, W: np.ndarray | None = None) -> np.ndarray:
        """``r[s, i]``: expected stage payoff of each player in each state."""
        W = self.weights_and_events()[0] if W is None else W
        return W @ self.stage

    def state_name(self, s: int) -> str:
        """``peace / war`` style name of a joint state (with pending signals when delayed)."""
        qs, queue = self.states[s]
        name = " / ".join(self.automata[i].states[q] for i, q in enumerate(qs))
        if self.delay:
            pending = [self.signals.labels[self.events[e][0]] if e >= 0 else "-" for e in queue]
            name += " [pending: " + "; ".join(pending) + "]"
        return name


def _convert(arr: np.ndarray, exact: bool) -> np.ndarray:
    if exact:
        out = np.empty(arr.size, dtype=object)
        out[:] = [to_exact(v) for v in arr.flat]
        return out.reshape(arr.shape)
    return np.asarray(arr, dtype=float)


def _tremble_matrix(k: int, eps: Number, exact: bool) -> np.ndarray:
    """``T[a, a']``: probability of playing ``a'`` when intending ``a``."""
    one = Fraction(1) if exact else 1.0
    T = np.empty((k, k), dtype=object if exact else float)
    for a in range(k):
        for b in range(k):
            if k == 1:
                T[a, b] = one
            else:
                T[a, b] = (one - eps) if a == b else eps / (k - 1)
    return T


def build_chain(
    game: StageGame,
    signals: SignalStructure,
    automata: tuple[BoundAutomaton, ...],
    *,
    exact: bool,
    track_attacks: bool = False,
) -> Chain:
    """Build the joint chain (see the module docstring).

    ``track_attacks`` puts who actually attacked into the events, which the
    escalation metrics need when signals are delayed.
    """
    n = game.n_players
    if len(automata) != n:
        raise SolverError(f"expected {n} strategies (one per player), got {len(automata)}")
    eps = to_exact(signals.tremble) if exact else float(signals.tremble)
    payoffs = game.exact_payoffs() if exact else game.float_payoffs()
    prob = _convert(signals.prob, exact)
    cost = [to_exact(c) if exact else float(c) for c in signals.cost]
    profiles = tuple(game.profiles())
    trembles = [_tremble_matrix(k, eps, exact) for k in game.shape]
    hostile = signals.hostile
    L = signals.delay
    tracked = track_attacks
    # events: (signal, flags) when tracked, else the signal alone
    flag_options = list(itertools.product((False, True), repeat=n)) if tracked else [None]
    event_list = [(y, f) for y in range(signals.n_signals) for f in flag_options]
    event_index = {ev: e for e, ev in enumerate(event_list)}
    zero = Fraction(0) if exact else 0.0
    A, E = len(profiles), len(event_list)
    event_given = np.full((A, E), zero, dtype=object if exact else float)
    stage = np.full((A, n), zero, dtype=object if exact else float)
    attack = np.full(A, zero, dtype=object if exact else float)
    for k, intended in enumerate(profiles):
        for actual in profiles:
            w = Fraction(1) if exact else 1.0
            for i in range(n):
                w = w * trembles[i][intended[i], actual[i]]
            if not w:
                continue
            flags = tuple(actual[i] in hostile[i] for i in range(n))
            if any(flags):
                attack[k] += w
            for i in range(n):
                stage[k, i] += w * payoffs[i][actual]
            for y in range(signals.n_signals):
                py = prob[actual + (y,)]
                if not py:
                    continue
                event_given[k, event_index[(y, flags if tracked else None)]] += w * py
                for i in range(n):
                    stage[k, i] -= w * py * cost[y]
    possible = [e for e in range(E) if any(event_given[k, e] for k in range(A))]

    sigmas = [_convert(b.sigma, exact) for b in automata]
    inits = [_convert(b.init, exact) for b in automata]
    sizes = [b.tau.shape[0] for b in automata]
    # A transition table is dense (states x signals x states); convert only the rows the search visits, so
    # a large automaton reaches the state limit in seconds rather than converting every entry first.
    rows: dict[tuple[int, int, int], list[tuple[int, Number]]] = {}

    def tau_row(i: int, q: int, y: int) -> list[tuple[int, Number]]:
        key = (i, q, y)
        if key not in rows:
            row = automata[i].tau[q, y]
            rows[key] = [(int(q2), to_exact(row[q2]) if exact else float(row[q2])) for q2 in np.flatnonzero(row)]
        return rows[key]

    def moves(qs: tuple[int, ...], y: int | None) -> list[tuple[tuple[int, ...], Number]]:
        if y is None:
            return [(qs, Fraction(1) if exact else 1.0)]
        options = [tau_row(i, q, y) for i, q in enumerate(qs)]
        out = []
        for combo in itertools.product(*options):
            p = Fraction(1) if exact else 1.0
            for _, pi in combo:
                p = p * pi
            out.append((tuple(q2 for q2, _ in combo), p))
        return out

    def successors(state: tuple[tuple[int, ...], tuple[int, ...]], e: int):
        qs, queue = state
        if L == 0:
            return [((q2, ()), p) for q2, p in moves(qs, event_list[e][0])]
        head = queue[0]
        new_queue = queue[1:] + (e,)
        y = None if head < 0 else event_list[head][0]
        return [((q2, new_queue), p) for q2, p in moves(qs, y)]

    # compare by logarithms: possible ** L for a large L is a number with millions of digits
    if L > 0 and len(possible) > 1 and L * math.log(len(possible)) > math.log(MAX_STATES):
        raise SolverError(
            f"a delay of {L} periods with {len(possible)} possible signals gives more than {MAX_STATES} joint "
            "states (every pending signal is part of the state); use a shorter delay"
        )
    if L == 0 and int(np.prod(sizes)) <= KRON_MAX:
        taus = [_convert(b.tau, exact) for b in automata]
        return _no_delay_chain(game, signals, automata, exact, event_list, profiles, event_given, stage, attack,
                               possible, taus, sigmas, inits)

    start_queue = tuple([-1] * L)
    init_states = []
    for combo in itertools.product(*[[(q, p) for q, p in enumerate(ini) if p] for ini in inits]):
        p = Fraction(1) if exact else 1.0
        for _, pi in combo:
            p = p * pi
        init_states.append(((tuple(q for q, _ in combo), start_queue), p))
    index: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
    order: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    todo: deque[tuple[tuple[int, ...], tuple[int, ...]]] = deque()
    for st, _ in init_states:
        if st not in index:
            index[st] = len(order)
            order.append(st)
            todo.append(st)
    edges: list[tuple[int, int, int, Number]] = []
    while todo:
        st = todo.popleft()
        s = index[st]
        for e in possible:
            for nxt, p in successors(st, e):
                if nxt not in index:
                    if len(order) >= MAX_STATES:
                        raise SolverError(
                            f"the joint chain has more than {MAX_STATES} states (automaton states multiply, and "
                            "each period of delay multiplies them by the number of signals); use fewer states "
                            "or a shorter delay"
                        )
                    index[nxt] = len(order)
                    order.append(nxt)
                    todo.append(nxt)
                edges.append((s, e, index[nxt], p))
    S = len(order)
    edge_s = np.array([x[0] for x in edges], dtype=np.int64)
    edge_e = np.array([x[1] for x in edges], dtype=np.int64)
    edge_t = np.array([x[2] for x in edges], dtype=np.int64)
    edge_p = np.array([x[3] for x in edges], dtype=object if exact else float)
    init = np.full(S, zero, dtype=object if exact else float)
    for st, p in init_states:
        init[index[st]] += p
    action_probs = tuple(np.array([sigmas[i][st[0][i]] for st in order],
                                  dtype=object if exact else float).reshape(S, -1) for i in range(n))
    return Chain(exact, game, signals, automata, tuple(order), init, tuple(event_list), profiles, event_given, stage,
                 attack, action_probs, edge_s, edge_e, edge_t, edge_p, L)


def _no_delay_chain(game, signals, automata, exact, event_list, profiles, event_given, stage, attack, possible,
                    taus, sigmas, inits) -> Chain:
    """Without delay the joint move on a signal is the Kronecker product of the players' moves.

    States are numbered in breadth-first order from the initial ones (ties by index).  The order can
    differ from the general construction's, but both arithmetics take the same path for the same
    automata, so exact and float chains agree state by state.
    """
    n = game.n_players
    sizes = [t.shape[0] for t in taus]
    dtype = object if exact else float

    def kron(mats: list[np.ndarray]) -> np.ndarray:
        out = mats[0]
        for m in mats[1:]:
            out = np.kron(out, m)
        return out

    signals_used = sorted({event_list[e][0] for e in possible})
    moves = {y: kron([taus[i][:, y, :] for i in range(n)]) for y in signals_used}
    init_full = kron([inits[i].reshape(-1) for i in range(n)])
    full = len(init_full)
    adjacency = np.zeros((full, full), dtype=bool)
    for M in moves.values():
        adjacency |= np.asarray(M != 0, dtype=bool)
    order = [int(k) for k in np.flatnonzero(np.asarray(init_full != 0, dtype=bool))]
    seen = set(order)
    k = 0
    while k < len(order):
        for t in np.flatnonzero(adjacency[order[k]]).tolist():
            if t not in seen:
                seen.add(t)
                order.append(t)
        k += 1
    idx = np.array(order)
    S = len(order)
    edge_s, edge_e, edge_t, edge_p = [], [], [], []
    for e in possible:
        sub = moves[event_list[e][0]][np.ix_(idx, idx)]
        rows, cols = np.nonzero(np.asarray(sub != 0, dtype=bool))
        edge_s.append(rows)
        edge_e.append(np.full(rows.size, e))
        edge_t.append(cols)
        edge_p.append(np.asarray(sub[rows, cols], dtype=dtype))
    states = tuple((tuple(int(q) for q in np.unravel_index(f, sizes)), ()) for f in order)
    init = np.asarray(init_full[idx], dtype=dtype)
    action_probs = tuple(np.asarray(sigmas[i][[st[0][i] for st in states]], dtype=dtype).reshape(S, -1)
                         for i in range(n))
    return Chain(exact, game, signals, automata, states, init, tuple(event_list), profiles, event_given, stage, attack,
                 action_probs,
                 np.concatenate(edge_s).astype(np.int64), np.concatenate(edge_e).astype(np.int64),
                 np.concatenate(edge_t).astype(np.int64), np.concatenate(edge_p) if edge_p else np.array([], dtype),
                 0)
