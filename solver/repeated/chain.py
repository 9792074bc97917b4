"""The joint Markov chain of a strategy profile under public monitoring.

Conventions
-----------
A *joint state* is ``(q, history)``: ``q = (q_1, ..., q_N)`` holds each
player's automaton state and, when signals are delayed by ``L`` periods,
``history = (q_{t-L}, ..., q_{t-1})`` the joint automaton states of the
``L`` periods whose signals are still pending (oldest first; ``None`` for a
period before the game began).  That is the *public state*: every player
can compute it, and it fixes every player's prescribed mixed action in each
pending period.  The pending signals themselves are not part of the state:
on the path of the profile the signal of period ``t - k`` depends only on
the actions drawn in ``q_{t-k}``, which nothing public has revealed yet, so
``(q, history)`` is a Markov chain.  An *event* is what moves the automata:
the signal that becomes public this period and, when tracked, which
players actually attacked in the period that produced it.  Each period:

1. every player draws an intended action from ``sigma_i(q_i)``; a tremble
   replaces it, uniformly, by another action with probability ``epsilon``;
   payoffs follow the profile actually played: ``stage[a, i]`` is player
   ``i``'s expected payoff given the *intended* profile ``a`` (clarification
   costs included);
2. the signal that becomes public is this period's (no delay) or the one
   produced ``L`` periods ago, in the oldest state of ``history`` (nothing
   arrives in the first ``L`` periods);
   ``event_given_intended[a, e]`` is the probability of event ``e`` given
   the intended profile ``a`` of the period that produced it;
3. the signal moves every automaton: ``q_i' ~ tau_i(q_i, y)``; random moves
   of automata with a *shared* lottery read one public draw (see
   :func:`joint_draws`); the history shifts by one period.

Names used below (``s``, ``t`` joint states, ``a`` intended profiles, ``e`` events):

* ``action_probabilities[i][s, a_i] = sigma_i(a_i | q_i(s))``;
* intended weights ``W[s, a] = prod_i sigma_i(a_i | q_i(s))``
  (:meth:`Chain.intended_weights`; a one-shot deviation of player ``i`` to
  ``b`` replaces ``sigma_i`` by the point mass on ``b``);
* event probabilities ``pe[s, e] = sum_a W_src[s, a] event_given_intended[a, e]``
  (:meth:`Chain.event_probabilities`), where ``W_src`` are the weights of
  the period whose signal arrives: ``W`` itself without delay, those of the
  history's oldest state with it (``source_probabilities``);
* the next-state kernel ``K[s, e, t]``: the automata's transitions (and the
  history's shift), kept as a list of edges;
* the transition ``P[s, t] = sum_e pe[s, e] K[s, e, t]``, and the expected
  next value ``KV[s, e] = sum_t K[s, e, t] V(t)``
  (:meth:`Chain.expected_next_value`).

The chain keeps every joint state reachable under *some* action sequence
(deviations included), as the equilibrium checks need.  Without delay a
one-shot deviation changes this period's event, so the checks work on this
chain directly; with delay it changes an event that arrives ``L`` periods
later and stays private to the deviator meanwhile, so the checks use the
deviator's own chain (:mod:`solver.repeated.private`).

Exact (Fraction object arrays) when every input is rational and asked
for; float64 otherwise.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from models.automata import BoundAutomaton
from models.errors import SolverError
from models.monitoring import SignalStructure
from models.numbers import Number, to_exact
from models.stage import StageGame
from solver.numeric.tolerance import CUT_TOL

__all__ = ["Chain", "build_chain", "joint_draws", "MAX_STATES"]

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
    states: tuple[tuple[tuple[int, ...], tuple[Any, ...]], ...]  # (automaton states, history or slots)
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
    #: With delay: per player, ``(S, A_i)`` mixed action in the period whose signal arrives (see the module
    #: docstring); None without delay, when it is ``action_probabilities``.
    source_probabilities: tuple[np.ndarray, ...] | None = None
    #: Names of the joint states when the default (``peace / war [...]``) does not fit (a deviator's chain).
    labels: Sequence[str] | None = None
    #: Memo of :meth:`weights_and_events`, filled on first use (the equilibrium checks ask for the same
    #: pairs over and over).  Not part of the chain's value: excluded from init, repr and comparison.
    _weights_memo: dict[tuple[int | None, int | None], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for arr in (self.init, self.event_given_intended, self.stage, self.attack, *self.action_probabilities,
                    *(self.source_probabilities or ()), self.edge_s, self.edge_e, self.edge_t, self.edge_p):
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
            if self.source_probabilities is not None:
                if player is not None:
                    raise SolverError("under delay a deviation changes an event that arrives later: check it on "
                                      "the deviator's chain (solver.repeated.private)")
                pe = self._source_weights() @ self.event_given_intended
            else:
                pe = self.event_probabilities(W)
            W.setflags(write=False)
            pe.setflags(write=False)
            self._weights_memo[key] = (W, pe)
        return self._weights_memo[key]

    def _source_weights(self) -> np.ndarray:
        """Intended weights of the period whose signal arrives, in every state (delayed chains)."""
        assert self.source_probabilities is not None
        S = self.n_states
        W = np.ones((S, len(self.profiles)), dtype=object if self.exact else float)
        for k, prof in enumerate(self.profiles):
            col = np.ones(S, dtype=object if self.exact else float)
            for i, a in enumerate(prof):
                col = col * self.source_probabilities[i][:, a]
            W[:, k] = col
        return W

    def policy_transition(self, player: int, policy: Sequence[int]) -> np.ndarray:
        """Dense ``P[s, s']`` when ``player`` plays the pure action ``policy[s]`` in each state ``s``."""
        pe = np.stack([self.weights_and_events(player, b)[1][s] for s, b in enumerate(policy)])
        return self.transition_from_events(pe)

    def event_probabilities(self, W: np.ndarray | None = None) -> np.ndarray:
        """``pe[s, e]``: probability of each event in each state under weights ``W`` (default: the profile's)."""
        if W is None:
            return self.weights_and_events()[1]
        if self.source_probabilities is not None:
            raise SolverError("under delay the events do not follow this period's weights")
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

    def joint_name(self, qs: Sequence[int]) -> str:
        """``peace / war``: the automaton states of a joint state."""
        return " / ".join(self.automata[i].states[q] for i, q in enumerate(qs))

    def state_name(self, s: int) -> str:
        """``peace / war`` style name of a joint state (with the pending periods' states when delayed)."""
        if self.labels is not None:
            return self.labels[s]
        qs, history = self.states[s]
        name = self.joint_name(qs)
        if self.delay:
            pending = [self.joint_name(h) for h in history if h is not None]
            name += " [pending signals from: " + "; ".join(pending) + "]" if pending else " [nothing pending yet]"
        return name


def _convert(arr: np.ndarray, exact: bool) -> np.ndarray:
    if exact:
        out = np.empty(arr.size, dtype=object)
        out[:] = [to_exact(v) for v in arr.flat]
        return out.reshape(arr.shape)
    return np.asarray(arr, dtype=float)


def joint_draws(options: Sequence[Sequence[tuple[int, Number]]], shared: Sequence[bool],
                exact: bool) -> list[tuple[tuple[int, ...], Number]]:
    """Joint outcomes of the players' random draws, with their probabilities.

    ``options[i]`` lists player ``i``'s outcomes ``(state, probability)`` in state order.  Players with
    ``shared[i]`` read one public uniform draw ``u``: each cuts [0, 1) into its outcomes' probabilities in
    state order and takes the outcome whose piece holds ``u`` (comonotone coupling), so players with the
    same row move together.  The other players draw independently.

    >>> from fractions import Fraction as F
    >>> half = [(0, F(1, 2)), (1, F(1, 2))]
    >>> [(qs, str(p)) for qs, p in joint_draws([half, half], [True, True], True)]
    [((0, 0), '1/2'), ((1, 1), '1/2')]
    >>> len(joint_draws([half, half], [False, False], True))
    4
    """
    one = Fraction(1) if exact else 1.0
    coupled = [i for i, opts in enumerate(options) if shared[i] and len(opts) > 1]
    # the public draw: cut points of every coupled player, then one segment per piece of [0, 1)
    segments: list[tuple[dict[int, int], Number]] = [({}, one)]
    if coupled:
        cuts: set[Number] = set()
        bounds: dict[int, list[Number]] = {}
        for i in coupled:
            total = Fraction(0) if exact else 0.0
            ends = []
            for _, p in options[i][:-1]:
                total = total + p
                ends.append(total)
            bounds[i] = ends
            cuts.update(x for x in ends if 0 < x < 1)
        inner = sorted(cuts)
        if not exact:
            # cut points equal in exact arithmetic can differ by a rounding step: merge them, or the sliver
            # between them (about 1e-16) would hold a joint move that cannot happen
            merged: list[Number] = []
            for x in inner:
                if x > CUT_TOL and x < 1 - CUT_TOL and (not merged or x - merged[-1] > CUT_TOL):
                    merged.append(x)
            inner = merged
        points = [Fraction(0) if exact else 0.0] + inner + [one]
        segments = []
        for lo, hi in zip(points, points[1:]):
            if not hi > lo:
                continue
            mid = (lo + hi) / 2
            pick = {i: options[i][sum(1 for x in bounds[i] if x <= mid)][0] for i in coupled}
            segments.append((pick, hi - lo))
    rest = [i for i in range(len(options)) if i not in coupled]
    out = []
    for pick, w in segments:
        for combo in itertools.product(*[options[i] for i in rest]):
            p = w
            states = dict(pick)
            for i, (q, pi) in zip(rest, combo):
                p = p * pi
                states[i] = q
            out.append((tuple(states[i] for i in range(len(options))), p))
    return out


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

    shared = [b.automaton.shared for b in automata]

    def moves(qs: tuple[int, ...], y: int | None) -> list[tuple[tuple[int, ...], Number]]:
        if y is None:
            return [(qs, Fraction(1) if exact else 1.0)]
        return joint_draws([tau_row(i, q, y) for i, q in enumerate(qs)], shared, exact)

    coupled = sum(1 for b in automata if b.automaton.shared and b.automaton.is_random) > 1
    if L == 0 and int(np.prod(sizes)) <= KRON_MAX and not coupled:  # Kronecker products: independent draws only
        taus = [_convert(b.tau, exact) for b in automata]
        return _no_delay_chain(game, signals, automata, exact, event_list, profiles, event_given, stage, attack,
                               possible, taus, sigmas, inits)

    start: tuple[Any, ...] = (None,) * L
    init_states = [((qs, start), p) for qs, p in
                   joint_draws([[(q, p) for q, p in enumerate(ini) if p] for ini in inits], shared, exact)]
    index: dict[tuple[tuple[int, ...], tuple[Any, ...]], int] = {}
    order: list[tuple[tuple[int, ...], tuple[Any, ...]]] = []
    todo: deque[tuple[tuple[int, ...], tuple[Any, ...]]] = deque()
    for st, _ in init_states:
        if st not in index:
            index[st] = len(order)
            order.append(st)
            todo.append(st)
    edges: list[tuple[int, int, int, Number]] = []
    while todo:
        st = todo.popleft()
        s = index[st]
        qs, history = st
        for e in possible:
            if L == 0:
                targets = [((q2, ()), p) for q2, p in moves(qs, event_list[e][0])]
            else:
                # the oldest pending period's signal arrives (nothing before the game began)
                arriving = None if history[0] is None else event_list[e][0]
                targets = [((q2, history[1:] + (qs,)), p) for q2, p in moves(qs, arriving)]
            for nxt, p in targets:
                if nxt not in index:
                    if len(order) >= MAX_STATES:
                        raise SolverError(
                            f"the joint chain has more than {MAX_STATES} states (automaton states multiply, and "
                            f"with a delay of {L} the state holds the joint states of the last {L + 1} periods); "
                            "use fewer states or a shorter delay"
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
    dtype = object if exact else float
    action_probs = tuple(np.array([sigmas[i][st[0][i]] for st in order], dtype=dtype).reshape(S, -1)
                         for i in range(n))
    sources = None
    if L:
        # the period whose signal arrives: the oldest in the history (before the game began nothing arrives,
        # and any distribution will do: the automata stay put whatever the event)
        sources = tuple(np.array([sigmas[i][(st[0] if st[1][0] is None else st[1][0])[i]] for st in order],
                                 dtype=dtype).reshape(S, -1) for i in range(n))
    return Chain(exact, game, signals, automata, tuple(order), init, tuple(event_list), profiles, event_given, stage,
                 attack, action_probs, edge_s, edge_e, edge_t, edge_p, L, sources)


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
