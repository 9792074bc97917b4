"""Equilibrium checks under late attribution: the deviator's chain of public state and private actions.

With a delay of ``L`` periods, player ``i`` choosing its action in period
``t`` knows the public state ``h = (q_{t-L}, ..., q_t)`` (the joint
automaton states of the last ``L + 1`` periods, see
:mod:`solver.repeated.chain`) and its own intended actions ``b_{t-L}, ...,
b_{t-1}`` in the pending periods.  Nobody sees the pending signals.  Given
``(h, b)`` they are independent across the pending periods, the signal of
period ``t - k`` distributed as ``P(y | b_{t-k}, sigma_{-i}(q_{t-k}))``:
the others play their prescribed mixed actions, whatever ``i`` did, because
nothing of what ``i`` did is public yet.  So player ``i``'s best reply
solves a Markov decision problem whose state is

    ``x = (q_t, d_1, ..., d_L)``,

with ``d_k`` the signal distribution of the ``k``-th pending period (what
``(q_{t-k}, b_{t-k})`` implies; -1 before the game began).  Its action
``c`` earns ``u_i(c, sigma_{-i}(q_t))`` now and appends the distribution
of ``(q_t, c)``; the oldest distribution's signal arrives and moves the
automata.  This module builds that MDP as a :class:`~solver.repeated.chain.Chain`
whose event is the deviator's own intended action (so the one-shot gains
and the policy iteration of :mod:`solver.repeated.checks` apply unchanged)
and reads three verdicts from it:

``ppe``
    At every public state reachable under some action sequence, the
    deviator's pending actions being those its strategy prescribes (any
    action in the support), no continuation strategy, which may use what
    the player knows it did, gains over the profile: ``W_i(x) <= V_i(x)``
    at every such ``x``, with ``W_i`` the optimal value of the MDP.  The
    pending signals are distributed as on the path of the profile.
``sequential``
    The same at every ``x``: also after the player's own past deviations,
    the pending signals then distributed as those deviations imply.  By
    the one-shot deviation principle on the MDP, this holds iff no
    one-shot deviation gains at any ``x``.
``nash``
    ``W_i <= V_i`` at the start.

Without delay ``x`` is the joint state and the three reduce to the
ordinary checks (the PPE and sequential verdicts coincide).

References
----------
G. J. Mailath and L. Samuelson, Repeated Games and Reputations (2006),
sec. 7.1 (public strategies) and 10.4 (private strategies in public
monitoring games: a player's own past actions are private information).
M. L. Puterman, Markov Decision Processes (1994), ch. 6 (policy iteration).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np

from models.errors import SolverError
from models.numbers import Number, to_exact
from solver.repeated.chain import MAX_STATES, Chain, joint_draws
from solver.repeated.checks import (
    Deviation,
    EquilibriumCheck,
    PlayerEquilibriumCheck,
    best_reply,
    check_patience,
    departure,
    gain_tolerance,
)
from solver.repeated.markov import discounted

__all__ = ["PrivateChain", "private_chain", "check_delayed", "MAX_SEEDS"]

#: Public states times own pending actions enumerated before compression; more is refused before any work.
MAX_SEEDS = 200_000


@dataclass(frozen=True, eq=False)
class PrivateChain:
    """Player ``player``'s decision problem under delay (see the module docstring).

    ``chain`` is the MDP as a chain (its event is the player's own intended action); ``on_path[x]`` says
    whether ``x`` is a public state with the player's pending actions as its strategy prescribes.
    """

    chain: Chain
    player: int
    on_path: np.ndarray  # (X,) bool
    #: ``(s, acts) -> x``: the state of public state ``s`` of the profile chain when the player's pending
    #: actions were ``acts`` (oldest first; -1 for a period before the game began)
    seeds: Mapping[tuple[int, tuple[int, ...]], int]

    def __post_init__(self) -> None:
        self.on_path.setflags(write=False)
        object.__setattr__(self, "seeds", MappingProxyType(dict(self.seeds)))

    def state_of(self, s: int, acts: Sequence[int]) -> int:
        """The deviator's state for the profile chain's state ``s`` and the player's pending actions ``acts``."""
        return self.seeds[s, tuple(acts)]


class _Names(Sequence[str]):
    """The names of a deviator's chain's states, made when asked for (there can be thousands)."""

    def __init__(self, base: Chain, player: int, seeds: list[Any]) -> None:
        self.base, self.player, self.seeds = base, player, seeds

    def __len__(self) -> int:
        return len(self.seeds)

    def __getitem__(self, x):
        if isinstance(x, slice):
            return [self[k] for k in range(*x.indices(len(self)))]
        qs, hist, acts = self.seeds[x]
        game = self.base.game
        pending = [f"{game.actions[self.player][c]} in {self.base.joint_name(h)}"
                   for h, c in zip(hist, acts) if h is not None]
        return self.base.joint_name(qs) + (f" [pending: {game.players[self.player]} chose " + "; ".join(pending)
                                           + "]" if pending else " [nothing pending yet]")


def _number(x: Any, exact: bool) -> Number:
    return to_exact(x) if exact else float(x)


def private_chain(base: Chain, player: int, *, exact: bool | None = None) -> PrivateChain:
    """Build player ``player``'s MDP from a delayed profile chain ``base``.

    ``exact`` defaults to the base chain's arithmetic; ``False`` builds a float MDP from an exact chain.

    Raises
    ------
    SolverError
        When the MDP would have more than :data:`~solver.repeated.chain.MAX_STATES` states, or the public
        states times the player's pending actions exceed :data:`MAX_SEEDS`.
    """
    exact = base.exact if exact is None else exact
    if exact and not base.exact:
        raise SolverError("an exact deviator's chain needs an exact profile chain")
    L = base.delay
    if L == 0:
        raise SolverError("without delay the profile chain is the deviator's chain")
    game, n, i = base.game, base.n_players, player
    k = game.shape[i]
    one = Fraction(1) if exact else 1.0
    zero = Fraction(0) if exact else 0.0
    dtype = object if exact else float
    sigmas = [np.array([[_number(p, exact) for p in row] for row in b.sigma], dtype=dtype) for b in base.automata]
    shared = [b.automaton.shared for b in base.automata]

    # P(signal | intended profile): the events' signal marginal
    n_signals = base.signals.n_signals
    G = np.full((len(base.profiles), n_signals), zero, dtype=dtype)
    for e, (y, _) in enumerate(base.events):
        G[:, y] = G[:, y] + np.array([_number(v, exact) for v in base.event_given_intended[:, e]], dtype=dtype)

    dists: dict[tuple[Number, ...], int] = {}
    dist_rows: list[tuple[Number, ...]] = []
    memo: dict[tuple[tuple[int, ...], int], int] = {}

    def slot(qs: tuple[int, ...], c: int) -> int:
        """Index of the signal distribution of a period in joint state ``qs`` where ``i`` intended ``c``."""
        key = (qs, c)
        if key not in memo:
            row = [zero] * n_signals
            for a, prof in enumerate(base.profiles):
                if prof[i] != c:
                    continue
                w = one
                for j in range(n):
                    if j != i:
                        w = w * sigmas[j][qs[j], prof[j]]
                if w:
                    for y in range(n_signals):
                        if G[a, y]:
                            row[y] = row[y] + w * G[a, y]
            t = tuple(row)
            if t not in dists:
                dists[t] = len(dist_rows)
                dist_rows.append(t)
            memo[key] = dists[t]
        return memo[key]

    rows: dict[tuple[int, int, int], list[tuple[int, Number]]] = {}

    def tau_row(j: int, q: int, y: int) -> list[tuple[int, Number]]:
        key = (j, q, y)
        if key not in rows:
            row = base.automata[j].tau[q, y]
            rows[key] = [(int(q2), _number(row[q2], exact)) for q2 in np.flatnonzero(row)]
        return rows[key]

    # seeds: every public state of the profile chain, with every pending action of the player
    seeds_count = 0
    for _, hist in base.states:
        filled = sum(1 for h in hist if h is not None)
        # compare by logarithms: k ** filled for a long delay is a number with thousands of digits
        seeds_count += k ** filled if filled * math.log(max(k, 1)) < math.log(MAX_SEEDS + 1) else MAX_SEEDS + 1
        if seeds_count > MAX_SEEDS:
            raise SolverError(
                f"checking {game.players[i]}'s deviations under a delay of {L} means following more than "
                f"{MAX_SEEDS:,} public states and pending actions ({k} actions in each of {L} pending periods); "
                "use fewer states or a shorter delay")
    index: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
    order: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    labels: list[Any] = []  # (state, history, pending actions) that first gave each state, named on demand
    on_path: list[bool] = []
    me = game.players[i]

    def add(x: tuple[tuple[int, ...], tuple[int, ...]], label: Any) -> int:
        if x not in index:
            if len(order) >= MAX_STATES:
                raise SolverError(
                    f"{me}'s decision problem under a delay of {L} (public state and its own actions in the last "
                    f"{L} periods) has more than {MAX_STATES} states; use fewer states or a shorter delay")
            index[x] = len(order)
            order.append(x)
            labels.append(label)
            on_path.append(False)
        return index[x]

    seeds: dict[tuple[int, tuple[int, ...]], int] = {}
    for s, (qs, hist) in enumerate(base.states):
        options = [[-1] if h is None else list(range(k)) for h in hist]
        for acts in itertools.product(*options):
            slots = tuple(-1 if h is None else slot(h, c) for h, c in zip(hist, acts))
            x = add((qs, slots), (qs, hist, acts))
            seeds[s, acts] = x
            if all(h is None or sigmas[i][h[i], c] for h, c in zip(hist, acts)) and not on_path[x]:
                on_path[x] = True
                labels[x] = (qs, hist, acts)  # name the state by a history on the path where there is one

    # the seeds hold every public state with every pending action, so every move lands on a seed
    edges: dict[tuple[int, int, int], Number] = {}
    for x, (qs, slots) in enumerate(order):
        head = slots[0]
        arrivals: list[tuple[int | None, Number]] = (
            [(None, one)] if head < 0 else [(sig, p) for sig, p in enumerate(dist_rows[head]) if p])
        for c in range(k):
            new_slots = slots[1:] + (slot(qs, c),)
            for arriving, py in arrivals:
                moved = [(qs, one)] if arriving is None else joint_draws(
                    [tau_row(j, q, arriving) for j, q in enumerate(qs)], shared, exact)
                for q2, p in moved:
                    key = (x, c, index[q2, new_slots])
                    edges[key] = edges.get(key, zero) + py * p
    X = len(order)
    init = np.full(X, zero, dtype=dtype)
    for s, st in enumerate(base.states):
        if base.init[s]:
            init[index[(st[0], (-1,) * L)]] += _number(base.init[s], exact)
    G_own = np.full((len(base.profiles), k), zero, dtype=dtype)
    for a, prof in enumerate(base.profiles):
        G_own[a, prof[i]] = one
    keys = list(edges)
    chain = Chain(
        exact, game, base.signals, base.automata, tuple(order), init,
        tuple((c, None) for c in range(k)), base.profiles, G_own,
        np.array([[_number(v, exact) for v in row] for row in base.stage], dtype=dtype).reshape(base.stage.shape),
        np.array([_number(v, exact) for v in base.attack], dtype=dtype),
        tuple(np.array([sigmas[j][st[0][j]] for st in order], dtype=dtype).reshape(X, -1) for j in range(n)),
        np.array([key[0] for key in keys], dtype=np.int64), np.array([key[1] for key in keys], dtype=np.int64),
        np.array([key[2] for key in keys], dtype=np.int64), np.array([edges[key] for key in keys], dtype=dtype),
        0, None, _Names(base, i, labels))
    return PrivateChain(chain, i, np.array(on_path, dtype=bool), seeds)


def check_delayed(base: Chain, delta: Number, privates: Sequence[PrivateChain] | None = None) -> EquilibriumCheck:
    """PPE, sequential and Nash verdicts of a delayed profile chain (see the module docstring).

    ``privates`` are the players' chains when the caller has built them (in the arithmetic it chose);
    by default they are built in ``base``'s.  Gains are continuation gains: the best reply's value minus
    the profile's, at the state where it is largest.

    Raises
    ------
    ModelError
        A float ``delta`` too close to 1 for floating point.
    SolverError
        When a float best reply claims a gain but follows the strategy along its whole path (rounding).
    """
    if privates is None:
        privates = [private_chain(base, i) for i in range(base.n_players)]
    checks = []
    for pc in privates:
        D, i = pc.chain, pc.player
        name = base.game.players[i]
        d = to_exact(delta) if D.exact else float(delta)
        check_patience(d, D.exact)
        V = discounted(D.transition(), D.reward(), d, D.exact)
        step_tol = 0 if D.exact else float(gain_tolerance(D.game.payoffs, float(d)))
        tol = 0 if D.exact else float(gain_tolerance(D.game.payoffs))
        advantage, policy = best_reply(D, V, d, i, tol=step_tol)

        found = (D, i, advantage, policy, tol)
        ppe_ok, ppe_gain, ppe_dev = _verdict(found, np.flatnonzero(pc.on_path))
        seq_ok, seq_gain, seq_dev = _verdict(found, np.arange(D.n_states))
        nash_ok, nash_gain, nash_dev = _verdict(found, None)
        checks.append(PlayerEquilibriumCheck(name, ppe_ok, ppe_gain, ppe_dev, nash_ok, nash_gain, nash_dev,
                                             seq_ok, seq_gain, seq_dev))
    return EquilibriumCheck(all(c.ppe for c in checks), all(c.nash for c in checks), tuple(checks),
                            all(c.sequential for c in checks), base.delay)


def _verdict(found: tuple[Chain, int, np.ndarray, np.ndarray, float], states: np.ndarray | None,
             ) -> tuple[bool, Number, Deviation | None]:
    """Whether the best reply gains nothing on ``states`` (None: from the initial distribution), the largest
    gain, and the deviation: the best reply's first departure from the strategy, from where it gains most."""
    D, i, advantage, policy, tol = found
    zero = D.zero()
    where: int | None = None
    if states is None:
        top = D.init @ advantage
    elif not states.size:
        top = zero
    elif D.exact:
        top = max(advantage[x] for x in states)
        where = next(int(x) for x in states if advantage[x] == top)
    else:
        where = int(states[np.argmax(advantage[states].astype(float))])
        top = advantage[where]
    if top <= tol:
        return True, zero, None
    return False, top, departure(D, policy, i, top, where)
