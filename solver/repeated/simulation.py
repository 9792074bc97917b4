"""Seeded Monte-Carlo simulation of a profile: one readable timeline, or many paths at once.

Each period follows the model exactly as the chain does (:mod:`solver.repeated.chain`):
intended actions from the automata, trembles, payoffs and a signal from
the actual profile, the signal revealed after the delay, automaton moves.
Simulation never enters the exact computations; it is there to show what
happens and to cross-check exact values (the test suite compares them
within the estimate's confidence interval).

Every draw is by inversion: an outcome is the piece of [0, 1) holding a
uniform ``u`` when [0, 1) is cut into the outcomes' probabilities in index
order.  Players whose automata read the *public lottery*
(``lottery = "shared"``, :attr:`models.automata.Automaton.shared`) all read
one public ``u`` per period (and one at the start, for the initial states),
each cutting [0, 1) in its own state order: the comonotone coupling of
:func:`solver.repeated.chain.joint_draws`, so players with the same
automaton move together.  Every other player draws its own ``u``.  A
profile without shared automata draws exactly what it drew before public
lotteries existed, so its seeds give the same paths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.errors import ModelError
from models.numbers import json_number
from solver.repeated.binding import BoundProfile

__all__ = ["Period", "Timeline", "simulate_path", "simulate_values", "ValueEstimate", "PathSample", "simulate_paths"]

SCHEMA_VERSION = 1
MAX_PERIODS = 1_000_000


@dataclass(frozen=True)
class Period:
    t: int  # 1-based
    states: tuple[str, ...]  # automaton state of each player at the start of the period
    intended: tuple[str, ...]
    actual: tuple[str, ...]
    signal: str  # the signal this period produced
    revealed: str | None  # the signal that became public at the end of the period (None: nothing yet)
    payoffs: tuple[float, ...]


@dataclass(frozen=True)
class Timeline:
    players: tuple[str, ...]
    strategies: tuple[str, ...]
    seed: int
    delay: int
    periods: tuple[Period, ...]

    @property
    def averages(self) -> tuple[float, ...]:
        n = len(self.periods)
        return tuple(sum(p.payoffs[i] for p in self.periods) / n for i in range(len(self.players)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "seed": self.seed,
            "players": list(self.players),
            "strategies": list(self.strategies),
            "delay": self.delay,
            "average_payoffs": list(self.averages),
            "periods": [
                {
                    "period": p.t,
                    "states": list(p.states),
                    "intended": list(p.intended),
                    "actual": list(p.actual),
                    "signal": p.signal,
                    "revealed": p.revealed,
                    "payoffs": list(p.payoffs),
                }
                for p in self.periods
            ],
        }


@dataclass(frozen=True)
class ValueEstimate:
    mean: tuple[float, ...]
    stderr: tuple[float, ...]
    paths: int
    horizon: int
    truncation: float  # bound on the bias from stopping at the horizon

    def to_dict(self) -> dict[str, Any]:
        return {"mean": [json_number(v) for v in self.mean], "stderr": list(self.stderr), "paths": self.paths,
                "horizon": self.horizon, "truncation_bound": self.truncation}


def _floats(arr: np.ndarray) -> np.ndarray:
    return np.asarray(arr, dtype=float)


def _cumulative(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut points of [0, 1) for draws by inversion from the rows (last axis) of ``probs``.

    Returns ``cum``, the cumulative probabilities divided by their total (so each row ends at exactly 1),
    and ``last``, the index of each row's last outcome with positive probability (the answer when
    rounding leaves ``u`` beyond every cut).
    """
    probs = np.asarray(probs, dtype=float)
    cum = np.cumsum(probs, axis=-1)
    total = cum[..., -1:]
    cum = np.divide(cum, total, out=np.ones_like(cum), where=total > 0)
    last = probs.shape[-1] - 1 - np.argmax(probs[..., ::-1] > 0, axis=-1)
    cum.setflags(write=False)
    return cum, last


def _pick(cum: np.ndarray, last: np.ndarray, u: np.ndarray | float) -> np.ndarray:
    """The outcome ``j`` whose piece ``[cum[j - 1], cum[j])`` of [0, 1) holds ``u``, row by row.

    Outcomes of probability zero have empty pieces and are never picked.  This is the cut rule of
    :func:`solver.repeated.chain.joint_draws`: two rows read with the same ``u`` are coupled comonotonically.
    """
    u = np.asarray(u, dtype=float)
    return np.minimum((cum <= u[..., None]).sum(axis=-1), last)


class _Model:
    """Float arrays of a profile, as cumulative tables for draws by inversion, shared by the simulators."""

    def __init__(self, profile: BoundProfile) -> None:
        game = profile.model.game
        s = profile.signals
        self.game = game
        self.signals = s
        self.n = game.n_players
        self.shape = game.shape
        self.payoffs = [p.astype(float) for p in game.payoffs]
        prob = _floats(s.prob)  # shape + (Y,)
        self.prob = _cumulative(prob.reshape(-1, prob.shape[-1]))  # flat intended profile -> signal
        self.cost = np.array([float(c) for c in s.cost])
        self.eps = float(s.tremble)
        self.delay = s.delay
        self.sigma = [_cumulative(_floats(b.sigma)) for b in profile.automata]  # (Q, A_i)
        self.tau = [_cumulative(_floats(b.tau)) for b in profile.automata]  # (Q, Y, Q)
        self.init = [_cumulative(_floats(b.init)) for b in profile.automata]  # (Q,)
        self.automata = profile.automata
        #: the players who read the public lottery; with none, no public draw is made
        self.shared = tuple(i for i, b in enumerate(profile.automata) if b.automaton.shared)


def _draw(rng: np.random.Generator, table: tuple[np.ndarray, np.ndarray], rows: tuple[Any, ...] = ()) -> np.ndarray:
    """One independent draw from each selected row of a cumulative table (``rows`` indexes its leading axes)."""
    cum, last = table[0][rows], table[1][rows]
    return _pick(cum, last, rng.random(cum.shape[:-1]))


def _initial_states(rng: np.random.Generator, m: _Model, paths: int | None) -> list[np.ndarray]:
    """Each player's initial state (one per path, or a scalar when ``paths`` is None): one public draw for
    the shared automata, made first, then every other player's own draw, in seat order."""
    size = () if paths is None else (paths,)
    public = rng.random(size) if m.shared else np.zeros(size)
    out = []
    for i in range(m.n):
        cum, last = m.init[i]
        u = public if i in m.shared else rng.random(size)
        out.append(_pick(np.broadcast_to(cum, size + cum.shape), np.broadcast_to(last, size), u))
    return out


def _moves(rng: np.random.Generator, m: _Model, q: list[Any], y: Any, size: tuple[int, ...]) -> list[np.ndarray]:
    """Every player's next state on public signal ``y``: one public draw for the shared automata, made
    first, then every other player's own draw, in seat order."""
    public = rng.random(size) if m.shared else np.zeros(size)
    out = []
    for i in range(m.n):
        u = public if i in m.shared else rng.random(size)
        out.append(_pick(m.tau[i][0][q[i], y], m.tau[i][1][q[i], y], u))
    return out


def _tremble(rng: np.random.Generator, actions: np.ndarray, k: int, eps: float) -> np.ndarray:
    if k == 1 or eps == 0:
        return actions
    flip = rng.random(actions.shape) < eps
    other = rng.integers(0, k - 1, size=actions.shape)
    other = other + (other >= actions)  # uniform over the k-1 other actions
    return np.where(flip, other, actions)


def simulate_path(profile: BoundProfile, periods: int, seed: int) -> Timeline:
    """One sample path of ``periods`` periods from the initial states, reproducible from ``seed``.

    Each period: the intended actions (one draw per player), the trembles, the signal, then, once a
    signal is revealed, the moves (one public draw for the shared automata, then the others' own draws).
    """
    if periods < 1 or periods > MAX_PERIODS:
        raise ModelError(f"--periods must be between 1 and {MAX_PERIODS}, got {periods}")
    m = _Model(profile)
    rng = np.random.default_rng(seed)
    game, s = m.game, m.signals
    strides = [int(np.prod(m.shape[i + 1:])) for i in range(m.n)]
    q = [int(x) for x in _initial_states(rng, m, None)]
    queue: list[int] = []
    rows = []
    for t in range(1, periods + 1):
        intended = [int(_draw(rng, m.sigma[i], (q[i],))) for i in range(m.n)]
        actual = [int(_tremble(rng, np.array(intended[i]), m.shape[i], m.eps)) for i in range(m.n)]
        y = int(_draw(rng, m.prob, (sum(a * k for a, k in zip(actual, strides)),)))
        pay = tuple(float(m.payoffs[i][tuple(actual)] - m.cost[y]) for i in range(m.n))
        names = tuple(m.automata[i].states[q[i]] for i in range(m.n))
        if m.delay == 0:
            revealed: int | None = y
        else:
            queue.append(y)
            revealed = queue.pop(0) if len(queue) > m.delay else None
        rows.append(Period(t, names, tuple(game.actions[i][a] for i, a in enumerate(intended)),
                           tuple(game.actions[i][a] for i, a in enumerate(actual)), s.labels[y],
                           None if revealed is None else s.labels[revealed], pay))
        if revealed is not None:
            q = [int(x) for x in _moves(rng, m, q, revealed, ())]
    return Timeline(game.players, tuple(b.automaton.name for b in m.automata), seed, m.delay, tuple(rows))


def simulate_values(profile: BoundProfile, delta: float, *, paths: int = 2000, seed: int = 0,
                    tolerance: float = 1e-10) -> ValueEstimate:
    """Estimate the normalised discounted values by ``paths`` independent paths, vectorised.

    Paths stop at the horizon ``H`` where ``delta^H <= tolerance``; the bias
    this causes is at most ``delta^H`` times the largest payoff magnitude.
    The paths are independent of one another; within a path, the shared
    automata read one public draw per period.
    """
    delta = float(delta)
    m = _Model(profile)
    rng = np.random.default_rng(seed)
    H = 1 if delta == 0 else max(1, math.ceil(math.log(tolerance) / math.log(delta)))
    q = np.stack(_initial_states(rng, m, paths), axis=1)
    queue = np.full((paths, m.delay), -1, dtype=np.int64)
    totals = np.zeros((paths, m.n))
    weight = 1.0 - delta
    strides = np.array([int(np.prod(m.shape[i + 1:])) for i in range(m.n)])
    for _ in range(H):
        acts = np.stack([_tremble(rng, _draw(rng, m.sigma[i], (q[:, i],)), m.shape[i], m.eps) for i in range(m.n)],
                        axis=1)
        flat = acts @ strides
        y = _draw(rng, m.prob, (flat,))
        for i in range(m.n):
            totals[:, i] += weight * (m.payoffs[i].reshape(-1)[flat] - m.cost[y])
        weight *= delta
        if m.delay:
            revealed = queue[:, 0].copy()
            queue = np.concatenate([queue[:, 1:], y[:, None]], axis=1)
        else:
            revealed = y
        moving = revealed >= 0
        nxt = _moves(rng, m, [q[:, i] for i in range(m.n)], np.maximum(revealed, 0), (paths,))
        for i in range(m.n):
            q[:, i] = np.where(moving, nxt[i], q[:, i])
    scale = max(float(np.max(np.abs(p))) for p in m.payoffs) + float(np.max(np.abs(m.cost)))
    return ValueEstimate(tuple(float(v) for v in totals.mean(axis=0)),
                         tuple(float(v) for v in totals.std(axis=0, ddof=1) / math.sqrt(paths)), paths, H,
                         scale * delta**H)


@dataclass(frozen=True, eq=False)
class PathSample:
    """Many simulated paths, period by period, as read-only integer arrays (``paths`` rows).

    ``states[p, t, i]`` is player ``i``'s automaton state at the start of period ``t`` (``t = 0 .. periods``:
    the last one is the state after the last period); ``intended`` and ``actual[p, t, i]`` the action
    indices; ``signal[p, t]`` the signal period ``t`` produced; ``revealed[p, t]`` the signal that became
    public at its end (-1: nothing yet, during the first ``delay`` periods).
    """

    states: np.ndarray  # (paths, periods + 1, N)
    intended: np.ndarray  # (paths, periods, N)
    actual: np.ndarray  # (paths, periods, N)
    signal: np.ndarray  # (paths, periods)
    revealed: np.ndarray  # (paths, periods)


def simulate_paths(profile: BoundProfile, periods: int, paths: int, seed: int) -> PathSample:
    """``paths`` independent sample paths of ``periods`` periods from the initial states, vectorised.

    Each period is drawn exactly as :func:`simulate_path` describes (the draws are made in another order, so
    the paths differ from :func:`simulate_path`'s for the same seed).  Memory grows like
    ``paths * periods * N``.
    """
    if periods < 1 or paths < 1 or periods * paths > 50 * MAX_PERIODS:
        raise ModelError(f"simulate_paths: give 1 <= periods, 1 <= paths and periods * paths <= {50 * MAX_PERIODS}")
    m = _Model(profile)
    rng = np.random.default_rng(seed)
    n = m.n
    states = np.empty((paths, periods + 1, n), dtype=np.int64)
    intended = np.empty((paths, periods, n), dtype=np.int64)
    actual = np.empty((paths, periods, n), dtype=np.int64)
    signal = np.empty((paths, periods), dtype=np.int64)
    revealed = np.full((paths, periods), -1, dtype=np.int64)
    q = np.stack(_initial_states(rng, m, paths), axis=1)
    queue = np.full((paths, m.delay), -1, dtype=np.int64)
    strides = np.array([int(np.prod(m.shape[i + 1:])) for i in range(n)], dtype=np.int64)
    for t in range(periods):
        states[:, t] = q
        want = np.stack([_draw(rng, m.sigma[i], (q[:, i],)) for i in range(n)], axis=1)
        acts = np.stack([_tremble(rng, want[:, i], m.shape[i], m.eps) for i in range(n)], axis=1)
        y = _draw(rng, m.prob, (acts @ strides,))
        intended[:, t], actual[:, t], signal[:, t] = want, acts, y
        if m.delay:
            shown = queue[:, 0].copy()
            queue = np.concatenate([queue[:, 1:], y[:, None]], axis=1)
        else:
            shown = y
        revealed[:, t] = shown
        moving = shown >= 0
        nxt = _moves(rng, m, [q[:, i] for i in range(n)], np.maximum(shown, 0), (paths,))
        for i in range(n):
            q[:, i] = np.where(moving, nxt[i], q[:, i])
    states[:, periods] = q
    for arr in (states, intended, actual, signal, revealed):
        arr.setflags(write=False)
    return PathSample(states, intended, actual, signal, revealed)
