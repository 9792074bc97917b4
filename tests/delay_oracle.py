"""An independent brute-force oracle for the equilibrium notions of a repeated game whose signals are delayed.

It reads only the model layer (``models.*``): the stage game, the compiled :class:`SignalStructure` and the
bound automata (``sigma[q, a]``, ``tau[q, y, q2]``, ``init[q]``).  Nothing from ``solver`` is imported, so
it shares no code with the product's chain or checks.

Timing (as in :func:`solver.repeated.simulation.simulate_path`)
-------------------------------------------------------------
Each period every player draws an intended action from its automaton state; a tremble replaces it, with
probability ``epsilon``, by one of the other actions, uniformly; payoffs (minus the clarification cost of
the signal) and the signal follow the *actual* profile.  The signal joins a queue; with delay ``L`` the
queue's oldest signal becomes public at the end of the period, ``L`` periods after it was produced, and
moves every automaton (``q_j' ~ tau_j(q_j, y)``: each player draws on its own, or, if its automaton reads
the public lottery, from one uniform draw per period cut in the order of its states; every draw is publicly
seen).  During the first
``L`` periods nothing arrives and the automata stay.  ``L = 0``: the period's own signal arrives at once.

Player ``i``'s decision problem
-------------------------------
``i`` sees the public signals when they arrive and remembers its own *intended* actions (it does not see
its trembles nor its realised payoffs).  At the start of period ``t`` the automaton states of all players
in periods ``t - L .. t`` are public (the state in period ``s`` depends on the signals of periods up to
``s - 1 - L`` only).  The pending signals ``y_{t-L} .. y_{t-1}`` are independent of everything public
given the states and ``i``'s intended actions of their periods, each drawn from
``P(y | q(s), a_i(s))`` (the others' intended actions from their states, trembles, then the monitoring).
So an *information state* ``x = (q(t), ((q(t-L), a_i(t-L)), ..., (q(t-1), a_i(t-1))))`` (an entry is
``None`` while nothing was produced yet) is a sufficient statistic of ``i``'s private history, and the
decision tree of ``i``'s private histories (own actions, arriving signals and the public transition
draws) is a finite MDP on information states: two nodes with the same information state have the same
subtree.  :func:`tree_values` enumerates the raw tree (world histories grouped by what ``i`` saw) and the
tests check that it agrees with the MDP, so the sufficiency claim is tested, not assumed.

The notions (for one player ``i``; the profile satisfies one when every player does)
-----------------------------------------------------------------------------------
* ``nash``: following the profile is a best reply from the start.
* ``ppe``: at every public state reachable under some action sequence of anybody (the last ``L + 1``
  joint automaton states), with ``i``'s pending actions those its strategy prescribes, no continuation
  strategy of ``i`` (which may use what ``i`` knows it did) gains over following.
* ``sequential``: the same at every reachable public state and every own pending action history.

How a verdict is reached
------------------------
``V`` (following) is solved exactly.  ``W_k = T^k V`` (``T`` the Bellman operator of ``i``'s MDP, so
``W_k(x)`` is the best value of deviating for at most ``k`` periods and following afterwards, i.e. the
backward induction over the depth-``k`` decision tree with ``V`` at its leaves) is a lower bound on the
best-reply value ``BR``.  For the tail, ``BR - W_k <= delta^k G`` with ``G = max (BR - V)`` over the
(closed) set of all information states, and ``G <= min(max u - min u, max(W_k - V) / (1 - delta^k))``
(from ``BR = T^k BR <= T^k (V + G) = W_k + delta^k G``).  ``W_k`` is computed in exact rationals rounded
*down* to multiples of ``2^-64`` after each step (``T`` is monotone, so the result stays a lower bound; the
rounding costs at most ``2^-64 / (1 - delta)``), which keeps the numbers short.

* A notion fails, decided, when the lower bound on the gain ``max (W_k - V)`` over its states (for Nash:
  ``W_k - V`` at the initial state) is positive: a deviation that gains is exhibited.
* It holds, decided, when at every state ``x`` of its set ``S`` and every action ``b`` other than the
  prescribed one the upper bound of ``Q(x, b) = (1 - delta) r(x, b) + delta E BR(x')`` is at most
  ``V(x)``.  ``S`` is closed under following (a public state reached by following is reachable, and the
  new pending action is the prescribed one), and then ``BR = V`` on ``S``: with ``g = max_S (BR - V)``,
  a state where a deviation is best has ``BR - V <= 0`` and one where following is best has
  ``BR - V <= delta g``, so ``g <= delta g``.  (Nash's set is the on-path states, reached with positive
  probability by following: following is a best reply from the start iff it is one at each of them.)
  For the set of all states, ``max (T V - V) = 0`` gives ``G = 0`` exactly: this decides ``sequential``
  (and then every notion) in one exact step, ties included.
* Otherwise the verdict is undecided at that horizon (an exact tie between a deviation and following, or
  a horizon too short).

``see_pending=True`` builds the *old* problem instead, in which the deviator sees each signal as soon as
it is produced (the pending signals, not its pending actions, are its private information); its
``sequential`` verdict is the old check over the joint states ``(q, queue)``.

References: Mailath and Samuelson (2006), *Repeated Games and Reputations*, secs. 2.2 and 7.1 (one-shot
deviation principle, perfect public equilibrium); Puterman (1994), *Markov Decision Processes*, sec. 6.2
(Bellman operator, contraction and monotonicity).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from models.automata import BoundAutomaton
from models.monitoring import SignalStructure, signal_structure
from models.repeated import RepeatedModel, bind_strategy

__all__ = ["DecisionProblem", "Verdict", "PlayerVerdicts", "ProfileVerdicts", "oracle", "tree_values"]

Joint = tuple[int, ...]
Entry = Any  # (joint state, own intended action), a signal index (see_pending), or None
Info = tuple[Joint, tuple[Entry, ...]]
Dist = list[tuple[Any, Fraction]]

#: Grid to which the lower iterates are rounded down.
GRID = Fraction(1, 2**64)
ZERO = Fraction(0)
ONE = Fraction(1)


def _frac(x: object) -> Fraction:
    if not isinstance(x, (Fraction, int)) or isinstance(x, bool):
        raise TypeError(f"the oracle needs exact inputs, got {x!r}")
    return Fraction(x)


def _merge(pairs: Sequence[tuple[Any, Fraction]]) -> Dist:
    out: dict[Any, Fraction] = {}
    for key, p in pairs:
        if p:
            out[key] = out.get(key, ZERO) + p
    return list(out.items())


@dataclass(frozen=True)
class Verdict:
    """One notion for one player: ``holds`` (None: undecided), the gain in ``[lo, hi]``, and a witness."""

    holds: bool | None
    lo: Fraction
    hi: Fraction
    horizon: int
    witness: tuple[Info, int] | None = None  # a state and action of a profitable deviation (when it fails)


@dataclass(frozen=True)
class PlayerVerdicts:
    player: int
    nash: Verdict
    ppe: Verdict
    sequential: Verdict
    n_states: int


@dataclass(frozen=True)
class ProfileVerdicts:
    players: tuple[PlayerVerdicts, ...]

    def _all(self, name: str) -> bool | None:
        vals = [getattr(p, name).holds for p in self.players]
        if any(v is False for v in vals):
            return False
        return None if any(v is None for v in vals) else True

    @property
    def nash(self) -> bool | None:
        return self._all("nash")

    @property
    def ppe(self) -> bool | None:
        return self._all("ppe")

    @property
    def sequential(self) -> bool | None:
        return self._all("sequential")


class _Primitives:
    """The stage game, the monitoring and the automata as exact Python numbers, with the one-period maps."""

    def __init__(self, model: RepeatedModel, strategies: Sequence[str]) -> None:
        game = model.game
        names = list(strategies) * (game.n_players if len(strategies) == 1 else 1)
        s: SignalStructure = signal_structure(game, model.monitoring)
        autos: list[BoundAutomaton] = [bind_strategy(model, nm, s, j) for j, nm in enumerate(names)]
        self.n = game.n_players
        self.shape = game.shape
        self.delay = s.delay
        self.eps = _frac(s.tremble)
        self.n_signals = s.n_signals
        self.profiles = list(game.profiles())
        self.u = {a: tuple(_frac(game.payoffs[j][a]) for j in range(self.n)) for a in self.profiles}
        self.prob = {a: tuple(_frac(s.prob[a + (y,)]) for y in range(s.n_signals)) for a in self.profiles}
        self.cost = tuple(_frac(c) for c in s.cost)
        self.sigma = [[[_frac(p) for p in row] for row in b.sigma] for b in autos]
        self.tau = [[[[_frac(p) for p in r] for r in by_y] for by_y in b.tau] for b in autos]
        self.init = [[_frac(p) for p in b.init] for b in autos]
        self.shared = [b.automaton.shared for b in autos]
        self.possible = tuple(y for y in range(s.n_signals) if any(self.prob[a][y] for a in self.profiles))
        self._outcome: dict[tuple[Joint, int, int], Dist] = {}

    def tremble(self, j: int, a: int) -> Dist:
        """Actual action given intended ``a`` of player ``j``."""
        k = self.shape[j]
        if k == 1 or self.eps == 0:
            return [(a, ONE)]
        return [(a, 1 - self.eps)] + [(b, self.eps / (k - 1)) for b in range(k) if b != a]

    def outcome(self, q: Joint, i: int, b: int) -> Dist:
        """Actual profile given the joint state ``q`` and player ``i``'s intended action ``b``."""
        key = (q, i, b)
        if key not in self._outcome:
            per_player: list[Dist] = []
            for j in range(self.n):
                intended: Dist = [(b, ONE)] if j == i else [
                    (a, p) for a, p in enumerate(self.sigma[j][q[j]]) if p]
                per_player.append(_merge([(act, p * pt) for a, p in intended for act, pt in self.tremble(j, a)]))
            out = []
            for combo in itertools.product(*per_player):
                p = ONE
                for _, pj in combo:
                    p *= pj
                out.append((tuple(a for a, _ in combo), p))
            self._outcome[key] = _merge(out)
        return self._outcome[key]

    def reward(self, q: Joint, i: int, b: int) -> Fraction:
        """Player ``i``'s expected stage payoff, clarification costs included."""
        return sum((p * (self.u[a][i] - sum((py * c for py, c in zip(self.prob[a], self.cost)), ZERO))
                    for a, p in self.outcome(q, i, b)), ZERO)

    def signal(self, q: Joint, i: int, b: int) -> Dist:
        """The period's signal given the joint state and ``i``'s intended action."""
        return _merge([(y, p * py) for a, p in self.outcome(q, i, b) for y, py in enumerate(self.prob[a])])

    def _draw(self, rows: Sequence[Sequence[Fraction]]) -> Dist:
        """Joint draw of one target per player from ``rows[j]`` (a distribution over player j's states).

        A player whose automaton reads the public lottery takes the state whose piece of [0, 1) (cut in the
        order of its states) holds the period's one uniform draw ``u``; the others draw on their own.
        """
        shared = [j for j in range(self.n) if self.shared[j]]
        cuts = sorted({ZERO, ONE} | {sum(rows[j][:k], ZERO) for j in shared for k in range(len(rows[j]))})
        lottery: Dist = []
        for lo, hi in zip(cuts, cuts[1:]):
            if hi > lo:  # every u in [lo, hi) gives the same targets
                targets = {}
                for j in shared:
                    acc = ZERO
                    for k, pk in enumerate(rows[j]):
                        if acc <= lo < acc + pk:
                            targets[j] = k
                            break
                        acc += pk
                lottery.append((targets, hi - lo))
        per = [[(k, pk) for k, pk in enumerate(rows[j]) if pk] for j in range(self.n) if not self.shared[j]]
        own = [j for j in range(self.n) if not self.shared[j]]
        out = []
        for targets, pl in lottery:
            for combo in itertools.product(*per):
                p = pl
                picks = dict(targets)
                for j, (k, pk) in zip(own, combo):
                    picks[j] = k
                    p *= pk
                out.append((tuple(picks[j] for j in range(self.n)), p))
        return _merge(out)

    def move(self, q: Joint, y: int) -> Dist:
        """The next joint state once signal ``y`` is public (each draw publicly seen)."""
        return self._draw([self.tau[j][q[j]][y] for j in range(self.n)])

    def initial(self) -> Dist:
        return self._draw(self.init)

    def prescribed(self, i: int, qi: int) -> int:
        row = self.sigma[i][qi]
        pure = [a for a, p in enumerate(row) if p == 1]
        if not pure:
            raise ValueError("the oracle needs a pure automaton in the deviator's seat")
        return pure[0]


def _solve(rows: list[dict[int, Fraction]], rhs: list[Fraction]) -> list[Fraction]:
    """Solve ``sum_c rows[r][c] x[c] = rhs[r]`` by Gauss-Jordan elimination in exact rationals.

    The rows are sparse dicts (the matrix is ``I - delta P`` for a Markov chain ``P``: nonsingular, and its
    diagonal stays nonzero during elimination since it is strictly diagonally dominant by rows).
    """
    n = len(rows)
    M = [dict(r) for r in rows]
    b = list(rhs)
    for c in range(n):
        piv = M[c].get(c, ZERO)
        if piv == 0:
            raise ArithmeticError("zero pivot")
        inv = 1 / piv
        M[c] = {k: v * inv for k, v in M[c].items()}
        b[c] *= inv
        for r in range(n):
            f = M[r].get(c) if r != c else None
            if f:
                row = M[r]
                for k, v in M[c].items():
                    row[k] = row.get(k, ZERO) - f * v
                    if row[k] == 0:
                        del row[k]
                b[r] -= f * b[c]
    return b


class DecisionProblem:
    """Player ``i``'s decision problem against the others' automata, on information states."""

    def __init__(self, model: RepeatedModel, strategies: Sequence[str], player: int, delta: object, *,
                 see_pending: bool = False) -> None:
        self.pr = pr = _Primitives(model, strategies)
        self.i = player
        self.delta = _frac(delta)
        if not 0 <= self.delta < 1:
            raise ValueError("delta must be in [0, 1)")
        self.see_pending = see_pending
        L = pr.delay
        self.start: Dist = [((q, (None,) * L), p) for q, p in pr.initial()]
        # reachable public states: the signals are those some action profile can produce
        public: set[tuple[Joint, tuple[Any, ...]]] = set()
        frontier = [(q, (None,) * L) for q, _ in pr.initial()]
        while frontier:
            st = frontier.pop()
            if st in public:
                continue
            public.add(st)
            q, pend = st
            news: list[Any] = list(pr.possible) if see_pending else [q]
            for new in news:
                queue = pend + (new,)
                oldest, rest = queue[0], queue[1:]
                if oldest is None:
                    frontier.append((q, rest))
                    continue
                for y in ([oldest] if see_pending else list(pr.possible)):
                    for q2, _ in pr.move(q, y):
                        frontier.append((q2, rest))
        self.n_public = len(public)
        states: list[Info] = []
        prescribed: set[Info] = set()
        for q, pend in sorted(public, key=repr):
            if see_pending:
                states.append((q, pend))
                prescribed.add((q, pend))
                continue
            slots = [[None] if e is None else [(e, b) for b in range(pr.shape[player])] for e in pend]
            for combo in itertools.product(*slots):
                states.append((q, tuple(combo)))
            prescribed.add((q, tuple(None if e is None else (e, pr.prescribed(player, e[player])) for e in pend)))
        self.states = states
        self.index = {x: k for k, x in enumerate(states)}
        self.prescribed_states = [self.index[x] for x in states if x in prescribed]
        self.actions = list(range(pr.shape[player]))
        self.follow = [pr.prescribed(player, x[0][player]) for x in states]
        self.r = [[pr.reward(x[0], player, b) for b in self.actions] for x in states]
        self.P = [[self._next(x, b) for b in self.actions] for x in states]
        umax = max(pr.u[a][player] for a in pr.profiles) - min(pr.cost)
        umin = min(pr.u[a][player] for a in pr.profiles) - max(pr.cost)
        self.spread = umax - umin  # bound on any gain: BR <= max u, V >= min u
        self.V = self._follow_value()
        # on-path states: reached with positive probability from the start when everybody follows
        seen: set[int] = set()
        stack = [self.index[x] for x, _ in self.start]
        while stack:
            k = stack.pop()
            if k in seen:
                continue
            seen.add(k)
            stack.extend(k2 for k2, _ in self.P[k][self.follow[k]])
        self.on_path = sorted(seen)

    def _next(self, x: Info, b: int) -> list[tuple[int, Fraction]]:
        """Successor information states (indices) after action ``b`` at ``x``, with probabilities."""
        pr, (q, pend) = self.pr, x
        out: list[tuple[Info, Fraction]] = []
        news: Dist = pr.signal(q, self.i, b) if self.see_pending else [((q, b), ONE)]
        for new, pn in news:
            queue = pend + (new,)
            oldest, rest = queue[0], queue[1:]
            if oldest is None:
                out.append(((q, rest), pn))
                continue
            ys: Dist = [(oldest, ONE)] if self.see_pending else pr.signal(oldest[0], self.i, oldest[1])
            for y, py in ys:
                for q2, pq in pr.move(q, y):
                    out.append(((q2, rest), pn * py * pq))
        return [(self.index[x2], p) for x2, p in _merge(out)]

    def _follow_value(self) -> list[Fraction]:
        n, d = len(self.states), self.delta
        rows: list[dict[int, Fraction]] = [{k: ONE} for k in range(n)]
        for k in range(n):
            for k2, p in self.P[k][self.follow[k]]:
                rows[k][k2] = rows[k].get(k2, ZERO) - d * p
        return _solve(rows, [(1 - d) * self.r[k][self.follow[k]] for k in range(n)])

    def q_value(self, W: Sequence[Fraction], k: int, b: int, shift: Fraction = ZERO) -> Fraction:
        """``(1 - delta) r(x, b) + delta E[W(x') + shift]``."""
        d = self.delta
        return (1 - d) * self.r[k][b] + d * (sum((p * W[k2] for k2, p in self.P[k][b]), ZERO) + shift)

    def bellman(self, W: Sequence[Fraction], round_down: bool) -> list[Fraction]:
        out = []
        for k in range(len(self.states)):
            v = max(self.q_value(W, k, b) for b in self.actions)
            out.append(Fraction(math.floor(v / GRID)) * GRID if round_down else v)
        return out

    def horizon_value(self, T: int, terminal: Callable[[int], Fraction] | None = None,
                      follow_only: bool = False) -> list[Fraction]:
        """Backward induction over ``T`` periods, exact, from ``terminal`` (default 0) at the leaves."""
        W = [terminal(k) if terminal else ZERO for k in range(len(self.states))]
        for _ in range(T):
            if follow_only:
                W = [self.q_value(W, k, self.follow[k]) for k in range(len(self.states))]
            else:
                W = self.bellman(W, round_down=False)
        return W

    def gain_bounds(self, horizon: int) -> dict[str, tuple[Fraction, Fraction]]:
        """Bounds ``(lo, hi)`` on each notion's gain after ``horizon`` steps of backward induction from ``V``.

        ``sequential``: ``max (BR - V)`` over all information states; ``ppe``: over the prescribed ones;
        ``nash``: ``BR - V`` at the start (expected over the initial states).
        """
        d, V, ks = self.delta, self.V, range(len(self.states))
        W = self.bellman(V, round_down=False)
        for _ in range(horizon - 1):
            W = self.bellman(W, round_down=True)
        rounding = GRID / (1 - d) if horizon > 1 else ZERO
        G_hi = min(self.spread, (max(W[k] - V[k] for k in ks) + rounding) / (1 - d**horizon))
        slack = rounding + d**horizon * G_hi
        seq = max(W[k] - V[k] for k in ks)
        ppe = max(W[k] - V[k] for k in self.prescribed_states)
        nash = sum((pr * (W[self.index[x]] - V[self.index[x]]) for x, pr in self.start), ZERO)
        return {name: (lo, lo + slack) for name, lo in (("sequential", seq), ("ppe", ppe), ("nash", nash))}

    def analyse(self, max_horizon: int = 3000, tol: Fraction = Fraction(1, 10**15)) -> PlayerVerdicts:
        """The three verdicts, iterating the horizon until each is decided (or the tail is below ``tol``)."""
        d, V, states = self.delta, self.V, range(len(self.states))
        W = self.bellman(V, round_down=False)  # exact first step
        gains = [W[k] - V[k] for k in states]
        G_lo = max(gains)
        n = len(self.states)
        if G_lo == 0:  # T V = V on the closed set of all states: BR = V everywhere
            yes = Verdict(True, ZERO, ZERO, 1)
            return PlayerVerdicts(self.i, yes, yes, yes, n)
        k_star = max(states, key=lambda k: gains[k])
        b_star = max(self.actions, key=lambda b: self.q_value(V, k_star, b))
        seq_witness = (self.states[k_star], b_star)
        sets = {"ppe": self.prescribed_states, "nash": self.on_path}
        found: dict[str, Verdict] = {}
        horizon = 1
        while True:
            rounding = GRID / (1 - d) if horizon > 1 else ZERO
            dk = d**horizon
            G_hi = min(self.spread, (max(W[k] - V[k] for k in states) + rounding) / (1 - dk))
            slack = rounding + dk * G_hi  # BR - slack <= W <= BR on every state
            lo_all = max(W[k] - V[k] for k in states)
            seq = Verdict(False, max(G_lo, lo_all), lo_all + slack, horizon, seq_witness)
            for name, S in sets.items():
                if name in found:
                    continue
                if name == "nash":
                    lo = sum((p * (W[self.index[x]] - V[self.index[x]]) for x, p in self.start), ZERO)
                    lo_set = max(W[k] - V[k] for k in S)
                else:
                    lo = lo_set = max(W[k] - V[k] for k in S)
                hi = max(lo_set, ZERO) + slack
                if lo > 0 or (name != "nash" and lo_set > 0):
                    kw = max(S, key=lambda k: W[k] - V[k])
                    bw = max(self.actions, key=lambda b: self.q_value(W, kw, b))
                    found[name] = Verdict(False, lo, hi, horizon, (self.states[kw], bw))
                    continue
                if all(self.q_value(W, k, b, slack) <= V[k] for k in S for b in self.actions if b != self.follow[k]):
                    found[name] = Verdict(True, ZERO, ZERO, horizon)
                elif slack < tol or horizon >= max_horizon:
                    found[name] = Verdict(None, max(lo, ZERO), hi, horizon)
            if len(found) == len(sets):
                return PlayerVerdicts(self.i, found["nash"], found["ppe"], seq, n)
            W = self.bellman(W, round_down=True)
            horizon += 1


def oracle(model: RepeatedModel, strategies: Sequence[str], delta: object, *, see_pending: bool = False,
           max_horizon: int = 3000) -> ProfileVerdicts:
    """The verdicts of every player (see the module docstring)."""
    n = model.game.n_players
    return ProfileVerdicts(tuple(
        DecisionProblem(model, strategies, i, delta, see_pending=see_pending).analyse(max_horizon)
        for i in range(n)))


def tree_values(model: RepeatedModel, strategies: Sequence[str], player: int, delta: object,
                T: int) -> tuple[Fraction, Fraction]:
    """(best, follow): the player's best and its following value of the first ``T`` periods, by brute force.

    No information states: a node of the decision tree holds every *world* (joint automaton state and the
    queue of signals actually produced, each with its probability) consistent with what the player has seen
    (its intended actions, the signals that arrived and the public transitions), and its children group the
    worlds' successors by what the player sees next.  Exponential in ``T``; meant for ``T <= 4``.
    """
    pr = _Primitives(model, strategies)
    d = _frac(delta)
    L = pr.delay

    def node(worlds: list[tuple[Fraction, Joint, tuple[Any, ...]]], depth: int, follow: bool) -> Fraction:
        if depth == 0:
            return ZERO
        q = worlds[0][1]
        assert all(w[1] == q for w in worlds), "the joint state is public"
        options = [pr.prescribed(player, q[player])] if follow else range(pr.shape[player])
        best: Fraction | None = None
        for b in options:
            total = ZERO
            children: dict[tuple[Any, Joint], list[tuple[Fraction, Joint, tuple[Any, ...]]]] = {}
            for w, q0, queue in worlds:
                for a, pa in pr.outcome(q0, player, b):
                    for y, py in enumerate(pr.prob[a]):
                        if not py:
                            continue
                        weight = w * pa * py
                        total += weight * (1 - d) * (pr.u[a][player] - pr.cost[y])
                        full = queue + (y,)
                        oldest, rest = full[0], full[1:]
                        nexts = [(q0, ONE)] if oldest is None else pr.move(q0, oldest)
                        for q2, pq in nexts:
                            children.setdefault((oldest, q2), []).append((weight * pq, q2, rest))
            total += d * sum((node(ws, depth - 1, follow) for ws in children.values()), ZERO)
            best = total if best is None or total > best else best
        assert best is not None
        return best

    roots = [[(p, q, (None,) * L)] for q, p in pr.initial()]
    return (sum((node(w, T, False) for w in roots), ZERO), sum((node(w, T, True) for w in roots), ZERO))
