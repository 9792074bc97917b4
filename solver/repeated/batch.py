"""Evaluate one profile at many parameter points at once (vectorised, float64).

Two entry points:

* :func:`batch_figures` takes one model per point (any payoffs and monitoring numbers) and gives every
  figure a sweep row needs, each equal to what the one-point
  :func:`solver.repeated.evaluation.evaluate` (``exact=False``) reports: values, PPE and Nash gains and
  verdicts, escalation metrics.  It groups the points by the structure of their chains (one chain built
  per group) and runs values, checks, best replies and metrics as stacked numpy over each group.
* :func:`evaluate_batch` (below) varies the discount factor and the attribution rates of one model, and
  gives values and PPE verdicts.

For :func:`evaluate_batch` the automata stay fixed; the discount factor and the monitoring
parameters (detection, false flag, tremble) vary from point to point.
The joint chain's *structure* (states and the automata's moves on each
signal) does not depend on those numbers, so it is built once with
parameters strictly inside (0, 1), which makes every transition that any
point can use possible.  Each point then only changes the signal
probabilities ``G`` and the expected stage payoffs, and the values of all
points come from one batched linear solve ``(I - delta_b P_b) V_b = (1 -
delta_b) r_b`` (LAPACK over a stack of matrices), not from a Python loop
per point.

>>> import numpy as np
>>> from models import catalog
>>> from models.repeated import RepeatedModel
>>> from models.monitoring import AttributionMonitoring
>>> model = RepeatedModel(catalog.load("prisoners-dilemma"), AttributionMonitoring())
>>> res = evaluate_batch(model, ["grim"], delta=np.array([0.4, 0.6]))
>>> res.ppe.tolist()
[False, True]
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from models.errors import DetenteError, ModelError, SolverError
from models.monitoring import AttributionMonitoring, Clarification, Monitoring, SignalStructure, signal_structure
from models.numbers import Number
from models.repeated import RepeatedModel, check_delta
from models.stage import MAX_FLOAT_PAYOFF, StageGame
from solver.numeric.blas import blas_threads
from solver.numeric.tolerance import TOL
from solver.repeated import checks
from solver.repeated.binding import bind_profile, profile_chain
from solver.repeated.chain import Chain, build_chain
from solver.repeated.checks import MIN_FLOAT_PATIENCE, check_patience, first_departure, gain_tolerance
from solver.repeated.escalation import _innocent_rate, _intends_attack
from solver.repeated.evaluation import RepeatedResult, evaluate
from solver.repeated.markov import discounted, structure

__all__ = ["BatchResult", "evaluate_batch", "BatchFigures", "batch_figures", "FIGURES"]

#: Points solved together; bounds memory to about CHUNK * S * S * 8 bytes per stacked matrix.
CHUNK = 256


@dataclass(frozen=True, eq=False)
class BatchResult:
    """Values and verdicts at every point; the arrays are read-only."""

    delta: np.ndarray  # (B,)
    detection: np.ndarray | None
    false_flag: np.ndarray | None
    tremble: np.ndarray | None
    values: np.ndarray  # (B, N) discounted values from the initial distribution
    max_gain: np.ndarray  # (B, N) largest one-shot gain over reachable joint states (under delay: continuation)
    ppe: np.ndarray  # (B,) bool

    def __post_init__(self) -> None:
        for arr in (self.delta, self.detection, self.false_flag, self.tremble, self.values, self.max_gain, self.ppe):
            if arr is not None:
                arr.setflags(write=False)


def _broadcast(name: str, value: object, size: int) -> np.ndarray | None:
    if value is None:
        return None
    arr = np.asarray(value, dtype=float).reshape(-1)
    if arr.size == 1:
        arr = np.full(size, float(arr[0]))
    if arr.size != size:
        raise ModelError(f"{name}: expected {size} values (one per point) or one, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ModelError(f"{name}: every value must be a finite number")
    return arr


def _signal_probabilities(model: RepeatedModel, mon: AttributionMonitoring, det: np.ndarray,
                          ff: np.ndarray) -> np.ndarray:
    """``P[b, a_actual, y]`` for attribution monitoring at every point ``(det[b], ff[b])``, vectorised.

    The probabilities come from the one derivation, :func:`models.monitoring.signal_structure`: for each
    actual profile and signal, ``P(y | a)`` is a product over the players of one factor each, linear in that
    player's blame rate (the detection rate if they attacked, the false-flag rate if not).  So it is a
    polynomial of degree at most ``N`` in the detection rate and ``N`` in the false-flag rate, and the
    structure evaluated exactly at the ``(N + 1)^2`` nodes ``(j/N, k/N)`` determines it: Lagrange
    interpolation between them gives every point.
    """
    n = model.game.n_players
    nodes = [Fraction(j, n) for j in range(n + 1)]
    rows = []
    for alpha in nodes:
        row = []
        for beta in nodes:
            s = signal_structure(model.game, replace(mon, detection=alpha, false_flag=beta))
            row.append(np.asarray(s.prob, dtype=float).reshape(-1, s.n_signals))
        rows.append(row)
    table = np.array(rows)  # (N + 1, N + 1, A, Y)
    return np.einsum("bj,bk,jkay->bay", _lagrange_basis(det, n), _lagrange_basis(ff, n), table)


def _trembles(chain: Chain, eps: np.ndarray) -> np.ndarray:
    """``T[b, a_intended, a_actual]``."""
    shape = chain.game.shape
    profiles = chain.profiles
    B = eps.shape[0]
    T = np.ones((B, len(profiles), len(profiles)))
    for k, intended in enumerate(profiles):
        for m, actual in enumerate(profiles):
            for i, n in enumerate(shape):
                if n == 1:
                    continue
                T[:, k, m] *= np.where(intended[i] == actual[i], 1 - eps, eps / (n - 1))
    return T


def _on_threads(task: Callable[[Any], None], items: Sequence[Any], workers: int | None) -> None:
    """``task(item)`` for every item, on a thread per core (or ``workers``), BLAS held to one thread.

    Chunks of points are independent and numpy releases the GIL in its linear algebra, so they run in
    parallel; OpenBLAS's own threads on top of them would only contend on matrices this small.
    """
    threads = min(len(items), workers if workers is not None else os.cpu_count() or 1)
    with blas_threads(1):
        if threads > 1:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(task, items))
        else:
            for item in items:
                task(item)


class _EdgeSum:
    """Sums per-edge values (axis 1 of a stack) into the cells the edges fall in, all points at once."""

    def __init__(self, cells: np.ndarray, size: int):
        self.order = np.argsort(cells, kind="stable")
        ordered = cells[self.order]
        self.starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        self.cells = ordered[self.starts]
        self.size = size

    def __call__(self, values: np.ndarray) -> np.ndarray:
        out = np.zeros((values.shape[0], self.size) + values.shape[2:])
        if self.cells.size:
            out[:, self.cells] = np.add.reduceat(values[:, self.order], self.starts, axis=1)
        return out


def _reachable_masks(model: RepeatedModel, strategies: Sequence[str], generic: Monitoring, chain: Chain, B: int,
                     det: np.ndarray | None, ff: np.ndarray | None, eps: np.ndarray | None) -> np.ndarray:
    """``mask[b, s]``: joint state ``s`` of the generic chain is reachable at point ``b``.

    Which transitions are possible depends only on which parameters are exactly 0 or 1, so the points
    fall into a few groups, each needing one structural chain.
    """
    columns = []
    for arr in (det, ff, eps):
        columns.append(np.zeros(B, dtype=np.int8) if arr is None else (arr == 0) * 1 + (arr == 1) * 2)
    pattern = np.stack(columns, axis=1)
    index = {st: k for k, st in enumerate(chain.states)}
    masks = np.zeros((B, chain.n_states), dtype=bool)
    for key in {tuple(row) for row in pattern.tolist()}:
        rows = np.all(pattern == np.array(key), axis=1)
        if not any(key):
            masks[rows] = True
            continue
        mon = generic

        def pick(code: int, interior: Fraction) -> Fraction:
            return Fraction(0) if code == 1 else Fraction(1) if code == 2 else interior

        if isinstance(mon, AttributionMonitoring):
            mon = replace(mon, detection=pick(key[0], Fraction(mon.detection)) if det is not None else mon.detection,
                          false_flag=pick(key[1], Fraction(mon.false_flag)) if ff is not None else mon.false_flag)
        if eps is not None:
            mon = replace(mon, tremble=pick(key[2], Fraction(1, 5)))
        prof = bind_profile(model.with_monitoring(mon), strategies)
        sub = build_chain(model.game, prof.signals, prof.automata, exact=False)
        mask = np.zeros(chain.n_states, dtype=bool)
        for st in sub.states:
            mask[index[st]] = True
        masks[rows] = mask
    return masks


def evaluate_batch(
    model: RepeatedModel,
    strategies: Sequence[str],
    *,
    delta: object,
    detection: object = None,
    false_flag: object = None,
    tremble: object = None,
    workers: int | None = None,
) -> BatchResult:
    """Values and PPE verdicts of one profile at many parameter points.

    Parameters
    ----------
    model, strategies:
        As for :func:`solver.repeated.evaluation.evaluate`.
    delta:
        Array of discount factors in [0, 1), one per point (its length sets the number of points).
    detection, false_flag:
        Arrays (or one value) of attribution parameters; they need attribution monitoring
        (or turn the model's monitoring into it).
    tremble:
        Array (or one value) of tremble probabilities.
    workers:
        Threads that solve chunks of points in parallel (default: one per core).  The answer does
        not depend on it.

    Raises
    ------
    ModelError
        Parameters outside their ranges or of the wrong length; a delay with varying
        monitoring parameters is supported, as are any automata.
    """
    deltas = np.asarray(delta, dtype=float).reshape(-1)
    B = deltas.size
    if B == 0:
        raise ModelError("delta: give at least one discount factor")
    if np.any(~np.isfinite(deltas)) or np.any(deltas < 0) or np.any(deltas >= 1):
        raise ModelError("delta: every discount factor must be in [0, 1)")
    if np.any(1 - deltas < MIN_FLOAT_PATIENCE):
        raise ModelError(f"delta: values with 1 - delta < {MIN_FLOAT_PATIENCE:g} are too close to 1 for floating point")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ModelError("workers: give a positive number of threads")
    det = _broadcast("detection", detection, B)
    ff = _broadcast("false_flag", false_flag, B)
    eps = _broadcast("tremble", tremble, B)
    for name, arr in (("detection", det), ("false_flag", ff), ("tremble", eps)):
        if arr is not None and (np.any(arr < 0) or np.any(arr > 1)):
            raise ModelError(f"{name}: every value must be a probability in [0, 1]")
    mon = model.monitoring
    if det is not None and isinstance(mon, AttributionMonitoring):
        mon = replace(mon, detection_by_action=())  # a detection array sets every hostile action's rate
    varying_signals = det is not None or ff is not None
    if varying_signals and not isinstance(mon, AttributionMonitoring):
        mon = AttributionMonitoring(mon.tremble, mon.delay, mon.hostile)
    # the structure: parameters strictly inside (0, 1) so that every transition is possible
    generic = mon
    if isinstance(mon, AttributionMonitoring):
        generic = replace(mon, detection=Fraction(1, 2) if det is not None else mon.detection,
                          false_flag=Fraction(1, 3) if ff is not None else mon.false_flag)
    if eps is not None:
        generic = replace(generic, tremble=Fraction(1, 5))
    profile = bind_profile(model.with_monitoring(generic), strategies)
    chain = build_chain(model.game, profile.signals, profile.automata, exact=False)
    if det is None and isinstance(mon, AttributionMonitoring):
        det = np.full(B, float(mon.detection))
    if ff is None and isinstance(mon, AttributionMonitoring):
        ff = np.full(B, float(mon.false_flag))
    eps_all = eps if eps is not None else np.full(B, float(mon.tremble))
    if mon.delay:
        return _delayed_points(model, strategies, mon, deltas, det, ff, eps, eps_all)

    reach = _reachable_masks(model, strategies, generic, chain, B, det if varying_signals else None,
                             ff if varying_signals else None, eps)

    S, n = chain.n_states, chain.n_players
    E = len(chain.events)
    # the next-state kernel K[s, e, t], kept as its edges
    rows = chain.edge_s * E + chain.edge_e
    to_cells = _EdgeSum(chain.edge_s * S + chain.edge_t, S * S)  # sums edges into P's cells (s, t)
    to_rows = _EdgeSum(rows, S * E)  # sums edges into rows (s, e)
    edge_p = chain.edge_p.astype(float)
    payoffs = np.stack([p.reshape(-1) for p in chain.game.float_payoffs()], axis=1)  # (A, N)
    if isinstance(mon, AttributionMonitoring):
        if det is None or ff is None:
            raise SolverError("internal: attribution rates missing in the batch")
        Py = _signal_probabilities(model, mon, det, ff)  # (B, A, Y)
    else:
        base = np.asarray(signal_structure(model.game, mon).prob, dtype=float).reshape(len(chain.profiles), -1)
        Py = np.broadcast_to(base, (B,) + base.shape)
    cost = np.array([float(c) for c in chain.signals.cost])
    values = np.empty((B, n))
    gains = np.empty((B, n))
    W = chain.weights_and_events()[0]  # (S, A)
    Wi = [[chain.weights_and_events(i, b)[0] for b in range(chain.game.shape[i])] for i in range(n)]
    diagonal = np.arange(S) * (S + 1)

    def solve_chunk(lo: int) -> None:
        sl = slice(lo, min(B, lo + CHUNK))
        T = _trembles(chain, eps_all[sl])  # (b, A, A')
        G = T @ Py[sl]  # (b, A, Y): events are signals (no attack flags in this chain)
        stage = T @ payoffs - (G @ cost)[:, :, None]  # (b, A, N)
        d = deltas[sl][:, None, None]
        b = d.shape[0]
        pe = np.matmul(W, G)  # (b, S, Y): event probabilities in each state
        # P[b, s, t] = sum_e pe[b, s, e] K[s, e, t], summed edge by edge for the whole chunk
        M = to_cells(pe.reshape(b, S * E)[:, rows] * (-d[:, :, 0] * edge_p))  # M = I - delta P
        M[:, diagonal] += 1.0
        r = np.matmul(W, stage)  # (b, S, N)
        V = np.linalg.solve(M.reshape(b, S, S), (1 - d) * r)  # (b, S, N)
        values[sl] = np.matmul(chain.init, V)
        # E[V(next) | s, e] for every point and player
        KV = to_rows(V[:, chain.edge_t, :] * edge_p[:, None]).reshape(b, S, E, n)
        for i in range(n):
            # one-shot gains in difference form (see solver.repeated.checks.one_shot_gains)
            own = (1 - d[:, :, 0]) * r[:, :, i] + d[:, :, 0] * (pe * KV[..., i]).sum(axis=2)
            best = np.full((b, S), -np.inf)
            for Wb in Wi[i]:
                q = (1 - d[:, :, 0]) * np.matmul(stage[:, :, i], Wb.T) + d[:, :, 0] * (
                    np.matmul(Wb, G) * KV[..., i]).sum(axis=2)
                best = np.maximum(best, q - own)
            gains[sl, i] = np.max(np.where(reach[sl], best, -np.inf), axis=1)

    _on_threads(solve_chunk, range(0, B, CHUNK), workers)
    ppe = np.all(gains <= gain_tolerance(chain.game.float_payoffs(), deltas)[:, None], axis=1)
    return BatchResult(deltas, det, ff, eps, values, np.maximum(gains, 0.0), ppe)


def _delayed_points(model: RepeatedModel, strategies: Sequence[str], mon: Monitoring, deltas: np.ndarray,
                    det: np.ndarray | None, ff: np.ndarray | None, eps: np.ndarray | None,
                    eps_all: np.ndarray) -> BatchResult:
    """Under delay, point by point: the PPE verdict needs each deviator's own chain and policy iteration
    (:mod:`solver.repeated.private`), which does not vectorise over points.  ``max_gain`` is then the
    largest continuation gain, as :func:`solver.repeated.evaluation.evaluate` reports it."""
    from solver.repeated.private import check_delayed

    B, n = deltas.size, model.game.n_players
    values = np.empty((B, n))
    gains = np.empty((B, n))
    ppe = np.empty(B, dtype=bool)
    with blas_threads(1):
        for j in range(B):
            point = replace(mon, tremble=float(eps_all[j]))
            if isinstance(point, AttributionMonitoring) and det is not None and ff is not None:
                point = replace(point, detection=float(det[j]), false_flag=float(ff[j]))
            profile = bind_profile(model.with_monitoring(point), strategies)
            chain = build_chain(model.game, profile.signals, profile.automata, exact=False)
            V = discounted(chain.transition(), chain.reward(), float(deltas[j]), False)
            values[j] = chain.init @ V
            check = check_delayed(chain, float(deltas[j]))
            gains[j] = [float(c.ppe_gain) for c in check.players]
            ppe[j] = check.ppe
    return BatchResult(deltas, det, ff, eps, values, gains, ppe)


# -- every figure of a sweep row, at many points -------------------------------------------------------------

#: Floats held by a stacked array of one chunk; the chunk of a group with large chains is cut to fit.
CHUNK_FLOATS = 1 << 22


@dataclass(frozen=True, eq=False)
class BatchFigures:
    """The figures of one profile at many points (see :func:`batch_figures`); the arrays are read-only.

    Point ``b`` holds what :func:`solver.repeated.evaluation.evaluate` reports for ``models[b]`` at
    ``deltas[b]`` with ``exact=False``: ``values`` (its ``values``), ``max_gain`` and ``ppe_player`` (each
    player's ``ppe_gain`` and ``ppe``), ``nash_gain`` and ``nash_player`` (``nash_gain`` and ``nash``),
    ``ppe`` and ``nash`` (the profile's verdicts), and six escalation metrics under their own names.
    ``mean_conflict_length`` is NaN where the metric is None.  A point whose evaluation failed has its
    message in ``errors`` ("" where it did not), NaN in every float figure, False in the verdicts and 0
    in ``n_states``.  ``per_point`` marks the points evaluated one at a time (delayed signals, and the
    rare point on which a batched step could not settle what the one-point evaluation would do);
    ``chains`` is the number of chain structures built for the batched points.
    """

    delta: np.ndarray  # (B,)
    values: np.ndarray  # (B, N)
    max_gain: np.ndarray  # (B, N) largest one-shot gain (under delay: continuation gain), 0 when none
    ppe_player: np.ndarray  # (B, N) bool
    ppe: np.ndarray  # (B,) bool
    nash_gain: np.ndarray  # (B, N) best reply's gain from the start, 0 when none
    nash_player: np.ndarray  # (B, N) bool
    nash: np.ndarray  # (B,) bool
    attack_share_long_run: np.ndarray  # (B,)
    mean_conflict_length: np.ndarray  # (B,) NaN when None
    p_permanent_conflict: np.ndarray  # (B,)
    p_episodic_conflict: np.ndarray  # (B,)
    p_endless_conflict: np.ndarray  # (B,)
    innocent_punishments_per_100: np.ndarray  # (B,)
    n_states: np.ndarray  # (B,) joint states of the chain, 0 when failed
    per_point: np.ndarray  # (B,) bool
    errors: tuple[str, ...]
    chains: int = 0

    def __post_init__(self) -> None:
        for f in FIGURES + ("delta", "n_states", "per_point"):
            getattr(self, f).setflags(write=False)

    @property
    def ok(self) -> np.ndarray:
        """``(B,)`` bool: the points that were evaluated without error."""
        return np.array([not e for e in self.errors], dtype=bool)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: one list per field (NaN as None)."""

        def plain(arr: np.ndarray) -> Any:
            if arr.dtype == bool or arr.dtype.kind == "i":
                return arr.tolist()
            obj = arr.astype(object)
            obj[np.isnan(arr)] = None
            return obj.tolist()

        out: dict[str, Any] = {"schema_version": 1, "exact": False, "points": int(self.delta.size)}
        for f in ("delta",) + FIGURES + ("n_states", "per_point"):
            out[f] = plain(getattr(self, f))
        out["errors"] = list(self.errors)
        return out


#: The per-point figures of :class:`BatchFigures`, in field order.
FIGURES = ("values", "max_gain", "ppe_player", "ppe", "nash_gain", "nash_player", "nash", "attack_share_long_run",
           "mean_conflict_length", "p_permanent_conflict", "p_episodic_conflict", "p_endless_conflict",
           "innocent_punishments_per_100")
_METRICS = FIGURES[7:]
_BOOLS = ("ppe_player", "ppe", "nash_player", "nash")


class _Figures:
    """The writable arrays behind a :class:`BatchFigures` (every task writes only its own points' rows)."""

    def __init__(self, B: int, n: int):
        self.arrays: dict[str, np.ndarray] = {}
        for f in FIGURES:
            shape = (B, n) if f in ("values", "max_gain", "ppe_player", "nash_gain", "nash_player") else (B,)
            self.arrays[f] = np.zeros(shape, dtype=bool) if f in _BOOLS else np.full(shape, np.nan)
        self.n_states = np.zeros(B, dtype=np.int64)
        self.per_point = np.zeros(B, dtype=bool)
        self.errors = [""] * B

    def fail(self, b: int, message: str) -> None:
        for f, arr in self.arrays.items():
            arr[b] = False if f in _BOOLS else np.nan
        self.n_states[b] = 0
        self.errors[b] = message

    def from_result(self, b: int, res: RepeatedResult) -> None:
        """Point ``b``'s figures from a one-point :class:`~solver.repeated.evaluation.RepeatedResult`."""
        a = self.arrays
        eq, m = res.equilibrium, res.metrics
        a["values"][b] = [float(v) for v in res.values]
        a["max_gain"][b] = [float(p.ppe_gain) for p in eq.players]
        a["ppe_player"][b] = [p.ppe for p in eq.players]
        a["nash_gain"][b] = [float(p.nash_gain) for p in eq.players]
        a["nash_player"][b] = [p.nash for p in eq.players]
        a["ppe"][b], a["nash"][b] = eq.ppe, eq.nash
        for f in _METRICS:
            x = getattr(m, f)
            a[f][b] = np.nan if x is None else float(x)
        self.n_states[b] = res.n_states
        self.errors[b] = ""


class _Group:
    """Points whose joint chains have one structure, and their numbers (see :func:`batch_figures`)."""

    def __init__(self, model: RepeatedModel):
        self.model = model  # the first point's model: its chain is the group's
        self.points: list[int] = []
        self.numbers: list[list[float]] = []  # the monitoring's numbers (attribution: _attribution_numbers)
        self.eps: list[float] = []
        self.payoffs: list[np.ndarray] = []  # (A, N)


class _Kernel:
    """What the batched formulas read from one group's chain, computed once and shared by the chunk threads.

    The chain comes from the group's first point; every point of the group has a chain with the same states,
    events, edges and zero pattern, so the class structure (recurrent classes, transient states) and every
    piece that depends only on the automata (the weights ``W``, the hostility of each joint state, the
    innocent-punishment counts) are the same for all of them.
    """

    def __init__(self, chain: Chain):
        self.chain = chain
        S, E = chain.n_states, len(chain.events)
        self.S, self.E = S, E
        self.rows = chain.edge_s * E + chain.edge_e
        self.to_cells = _EdgeSum(chain.edge_s * S + chain.edge_t, S * S)
        self.to_rows = _EdgeSum(self.rows, S * E)
        self.edge_p = chain.edge_p.astype(float)
        self.init = chain.init.astype(float)
        self.W = chain.weights_and_events()[0].astype(float)  # (S, A)
        self.W_dev = [np.stack([chain.weights_and_events(i, a)[0].astype(float) for a in range(k)])
                      for i, k in enumerate(chain.game.shape)]  # per player (k, S, A)
        hostile = chain.signals.hostile
        flags = [tuple(m[i] in hostile[i] for i in range(chain.n_players)) for m in chain.profiles]
        index = {ev: e for e, ev in enumerate(chain.events)}
        # the event of each actual profile and signal: what build_chain tracks (track_attacks=True)
        self.event_of = np.array([[index[(y, f)] for y in range(chain.signals.n_signals)] for f in flags])
        self.attacked = np.array([any(f) for f in flags], dtype=float)  # (A,)
        # the events of attack-free periods (solver.repeated.escalation._no_attack_events)
        self.calm = np.array([f is not None and not any(f) for _, f in chain.events], dtype=float)
        st = structure(chain.transition())
        self.classes = [np.array(c, dtype=np.int64) for c in st.classes]
        self.transient = np.array(st.transient, dtype=np.int64)
        intends = _intends_attack(chain)
        self.war = [all(float(intends[s]) >= 1 - TOL for s in c) for c in st.classes]
        # innocent punishments are linear in the event law: out[s] = sum_e pe[s, e] coef[s, e]
        self.innocent = np.zeros((S, E))
        possible = np.flatnonzero(np.any(chain.event_given_intended != 0, axis=0))
        for e in possible:
            unit = np.zeros((S, E))
            unit[:, e] = 1.0
            self.innocent[:, e] = np.asarray(_innocent_rate(chain, unit), dtype=float)
        self.departures: dict[tuple[int, bytes], bool] = {}  # (player, policy) -> departs from the strategy

    def transition(self, pe: np.ndarray) -> np.ndarray:
        """``P[b, s, t]`` from event probabilities ``pe[b, s, e]`` (:meth:`Chain.transition_from_events`)."""
        b = pe.shape[0]
        return self.to_cells(pe.reshape(b, self.S * self.E)[:, self.rows] * self.edge_p).reshape(b, self.S, self.S)

    def next_value(self, V: np.ndarray) -> np.ndarray:
        """``KV[b, s, e] = E[V_b(t) | s, e]`` for values ``V[b, s]`` (:meth:`Chain.expected_next_value`)."""
        b = V.shape[0]
        return self.to_rows(V[:, self.chain.edge_t] * self.edge_p).reshape(b, self.S, self.E)

    def departs(self, player: int, policy: np.ndarray) -> bool:
        """Whether the best reply ``policy`` departs from the strategy along its path
        (:func:`solver.repeated.checks.first_departure`: the path's zero pattern is the group's)."""
        key = (player, policy.tobytes())
        if key not in self.departures:
            self.departures[key] = first_departure(self.chain, policy, player) is not None
        return self.departures[key]


def _solve_stack(A: np.ndarray, rhs: np.ndarray, redo: np.ndarray, owners: np.ndarray | None = None) -> np.ndarray:
    """``A[j]^{-1} rhs[j]`` for a stack (``rhs[j]`` a vector or a matrix); a singular system marks its point in
    ``redo`` (``owners[j]`` is its index there) and gives NaN."""
    vector = rhs.ndim == 2
    B = rhs[..., None] if vector else rhs
    try:
        X = np.linalg.solve(A, B)
    except np.linalg.LinAlgError:
        X = np.full(B.shape, np.nan)
        for j in range(A.shape[0]):
            try:
                X[j] = np.linalg.solve(A[j], B[j])
            except np.linalg.LinAlgError:
                redo[j if owners is None else owners[j]] = True
    return X[..., 0] if vector else X


#: Numbers of attribution monitoring that enter only the costs, not the signal law.
_COST_NUMBERS = ("audit_cost", "channel_cost")


def _attribution_numbers(m: AttributionMonitoring, n: int) -> list[tuple[str, Number, int]]:
    """``(name, value, degree)`` of each number of ``m`` that the signal law or the costs depend on.

    :func:`models.monitoring.signal_structure` makes ``P(y | a)`` a product over the ``n_s`` players that can
    be blamed (``n`` minus the proxies) of one factor each, linear in that player's blame rate (detection,
    false flag) and channel rates, mixed with the audit (linear in its rate); a proxy's operation spares a
    player with ``(1 - proxy_flag)`` per proxy.  So the law has degree at most ``n_s`` in each rate,
    ``n_proxies * n_s`` in ``proxy_flag`` and 1 in ``audit``; the costs are linear in each cost and in
    ``audit``.  (A wrong bound would be caught by :func:`_signal_laws`' check, and the law derived per point.)
    """
    ns = n - len(set(m.proxies))
    out: list[tuple[str, Number, int]] = [("detection", m.detection, ns), ("false_flag", m.false_flag, ns),
                                           ("audit", m.audit, 1), ("audit_cost", m.audit_cost, 1)]
    out += [(f"detection.{k}", v, ns) for k, v in m.detection_by_action]
    if m.proxies:
        out.append(("proxy_flag", m.proxy_flag, len(set(m.proxies)) * ns))
    if m.clarification is not None:
        c = m.clarification
        out += [("effectiveness", c.effectiveness, ns), ("deception", c.deception, ns), ("channel_cost", c.cost, 1)]
    return out


def _with_numbers(m: AttributionMonitoring, values: Mapping[str, Number]) -> AttributionMonitoring:
    """``m`` with some of the numbers of :func:`_attribution_numbers` replaced."""
    clar = m.clarification
    if clar is not None:
        clar = Clarification(values.get("effectiveness", clar.effectiveness), values.get("deception", clar.deception),
                             values.get("channel_cost", clar.cost))
    return replace(m, clarification=clar, detection=values.get("detection", m.detection),
                   false_flag=values.get("false_flag", m.false_flag), audit=values.get("audit", m.audit),
                   audit_cost=values.get("audit_cost", m.audit_cost), proxy_flag=values.get("proxy_flag", m.proxy_flag),
                   detection_by_action=tuple((k, values.get(f"detection.{k}", v)) for k, v in m.detection_by_action))


def _edge(x: Number) -> int:
    """0, 1 or in between: which transitions a probability allows."""
    return 0 if x == 0 else 2 if x == 1 else 1


def _lagrange_basis(x: np.ndarray, degree: int) -> np.ndarray:
    """``L_j(x)`` of the nodes ``j / degree``, ``j = 0..degree``, for every point: ``(B, degree + 1)``."""
    out = np.ones((x.shape[0], degree + 1))
    for j in range(degree + 1):
        for m in range(degree + 1):
            if m != j:
                out[:, j] *= (x - m / degree) / ((j - m) / degree)
    return out


def _law_arrays(s: SignalStructure, A: int) -> tuple[np.ndarray, np.ndarray]:
    """``(prob[a, y], cost[y])`` of a signal structure, as floats."""
    return (np.asarray(s.prob, dtype=float).reshape(A, s.n_signals),
            np.array([float(c) for c in s.cost]))


#: A group's signal law is interpolated only when it needs at most this many nodes (and no more than its points).
MAX_LAW_NODES = 4096
#: Interpolated and directly derived signal laws agree to this at the check point, or the law is derived per point.
LAW_CHECK = 1e-12


def _signal_laws(group: _Group, signals: SignalStructure, models: Sequence[RepeatedModel]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``prob[b, a, y]`` and ``cost[b, y]`` at every point of a group, from :func:`models.monitoring.signal_structure`.

    The points of a group share the signal layout and the zero pattern of the law (``signals``, their first
    point's), and an attribution law is a polynomial of known degree in each number that varies
    (:func:`_attribution_numbers`).  So the structure is derived exactly on the tensor grid of nodes
    ``j / degree`` of the varying numbers and interpolated (Lagrange) at each point; entries that are zero in
    the group's pattern are set to zero exactly.  The interpolation is checked against a direct derivation at
    one interior point; the law is derived at every point instead (memoised) when that check fails or when
    the grid has more nodes than the group has points.
    """
    game, mon = group.model.game, group.model.monitoring
    A, b = game.n_profiles, len(group.points)
    prob, cost = _law_arrays(signals, A)
    if not isinstance(mon, AttributionMonitoring):  # no numbers vary within the group
        return np.broadcast_to(prob, (b,) + prob.shape), np.broadcast_to(cost, (b,) + cost.shape)
    numbers = _attribution_numbers(mon, game.n_players)
    theta = np.array(group.numbers, dtype=float)  # (b, k)
    vary = [k for k in range(len(numbers)) if np.any(theta[:, k] != theta[0, k])]
    if not vary:
        return np.broadcast_to(prob, (b,) + prob.shape), np.broadcast_to(cost, (b,) + cost.shape)
    sizes = [numbers[k][2] + 1 for k in vary]
    if int(np.prod(sizes)) <= min(MAX_LAW_NODES, b):
        pattern = prob != 0
        table_p = np.empty(tuple(sizes) + prob.shape)
        table_c = np.empty(tuple(sizes) + cost.shape)
        for combo in itertools.product(*[range(m) for m in sizes]):
            values = {numbers[k][0]: Fraction(j, m - 1) for k, j, m in zip(vary, combo, sizes)}
            table_p[combo], table_c[combo] = _law_arrays(signal_structure(game, _with_numbers(mon, values)), A)

        def at(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            P, C = table_p, table_c
            for t, (k, m) in enumerate(zip(vary, sizes)):
                L = _lagrange_basis(x[:, k], m - 1)
                spec = "bj,j...->b..." if t == 0 else "bj,bj...->b..."
                P, C = np.einsum(spec, L, P), np.einsum(spec, L, C)
            return P, C

        # The check, at a point inside (0, 1) in every varying number (as every point of the group is: a number
        # at 0 or 1 is alone in its class, so one that varies is inside), derived directly.
        probe = theta[:1].copy()
        probe[0, vary] = [0.3183098861837907 + 0.25 * t / len(vary) for t in range(len(vary))]
        direct_p, direct_c = _law_arrays(signal_structure(game, _with_numbers(
            mon, {numbers[k][0]: float(probe[0, k]) for k in vary})), A)
        interp_p, interp_c = at(probe)
        if (np.allclose(interp_p[0], direct_p, atol=LAW_CHECK, rtol=0)
                and np.allclose(interp_c[0], direct_c, atol=LAW_CHECK * (1 + np.abs(direct_c).max()), rtol=0)):
            P, C = at(theta)
            return P * pattern, C  # entries zero in the group's pattern are zero exactly
    memo: dict[Monitoring, tuple[np.ndarray, np.ndarray]] = {}
    probs, costs = [], []
    for j in group.points:
        m = models[j].monitoring
        if m not in memo:
            memo[m] = _law_arrays(signal_structure(game, m), A)
        probs.append(memo[m][0])
        costs.append(memo[m][1])
    return np.array(probs), np.array(costs)


def _point_inputs(models: Sequence[RepeatedModel], deltas: np.ndarray, n: int, out: _Figures
                  ) -> tuple[dict[tuple[Any, ...], _Group], list[int]]:
    """Check every point and sort it into its group (or the delayed list); errors go to ``out``.

    The group key holds everything the chain's structure depends on: the game's layout, the strategies, the
    monitoring's layout and which of its probabilities (and the tremble) are 0, 1 or in between.  Every
    factor of the signal law is a rate or one minus a rate, so that fixes the law's zero pattern.
    """
    groups: dict[tuple[Any, ...], _Group] = {}
    delayed: list[int] = []
    for b, model in enumerate(models):
        try:
            if not isinstance(model, RepeatedModel):
                raise ModelError(f"expected a RepeatedModel, got {type(model).__name__}")
            if model.game.n_players != n:
                raise ModelError(f"every point needs {n} players like the first, got {model.game.n_players}")
            # what evaluate checks first, with its messages
            d = check_delta(float(deltas[b]), field="--delta")
            check_patience(d, False)
            mon = model.monitoring
            if mon.delay:
                delayed.append(b)
                continue
            payoffs = _float_payoffs(model.game)
        except ModelError as exc:
            out.fail(b, str(exc))
            continue
        numbers: list[float] = []
        layout: tuple[Any, ...]
        if isinstance(mon, AttributionMonitoring):
            nums = _attribution_numbers(mon, n)
            numbers = [float(x) for _, x, _ in nums]
            layout = ("attribution", mon.hostile, mon.proxies, tuple(k for k, _ in mon.detection_by_action),
                      mon.clarification is None, tuple(_edge(x) for k, x, _ in nums if k not in _COST_NUMBERS))
        else:  # nothing but the tremble varies the law: the monitoring itself, tremble aside
            layout = (mon.kind, mon.hostile, getattr(mon, "signals", None), getattr(mon, "rows", None),
                      getattr(mon, "blames", None))
        game = model.game
        eps = float(mon.tremble)
        gkey = (game.players, game.actions, model.strategies, layout, _edge(mon.tremble))
        group = groups.get(gkey)
        if group is None:
            group = groups[gkey] = _Group(model)
        group.points.append(b)
        group.numbers.append(numbers)
        group.eps.append(eps)
        group.payoffs.append(payoffs)
    return groups, delayed


def _float_payoffs(game: StageGame) -> np.ndarray:
    """``u[a, i]`` as floats, as :meth:`StageGame.float_payoffs` gives them (which is asked only for its error
    when a payoff is too large: its exact comparisons cost more than the rest of a point's preparation)."""
    try:
        u = np.stack([np.asarray(p, dtype=float).reshape(-1) for p in game.payoffs], axis=1)
    except OverflowError:
        u = None
    if u is None or not np.all(np.abs(u) <= MAX_FLOAT_PAYOFF):
        u = np.stack([p.reshape(-1) for p in game.float_payoffs()], axis=1)  # raises the one-line error
    return u


def _tolerances(groups: Sequence[_Group], deltas: np.ndarray) -> dict[int, np.ndarray]:
    """``(tol, nash_tol)`` of every grouped point: :func:`solver.repeated.checks.gain_tolerance` at its delta
    and at 0, one call for all the points with the same payoffs."""
    by_payoffs: dict[bytes, list[tuple[int, np.ndarray]]] = {}
    for group in groups:
        for b, u in zip(group.points, group.payoffs):
            by_payoffs.setdefault(u.tobytes() + str(u.shape).encode(), []).append((b, u))
    out: dict[int, np.ndarray] = {}
    for pts in by_payoffs.values():
        idx = [b for b, _ in pts]
        tol = np.asarray(gain_tolerance([pts[0][1]], np.concatenate([deltas[idx], [0.0]])), dtype=float)
        for k, b in enumerate(idx):
            out[b] = np.array([tol[k], tol[-1]])
    return out


def batch_figures(models: Sequence[RepeatedModel], strategies: Sequence[str], deltas: object, *,
                  workers: int | None = None) -> BatchFigures:
    """Values, equilibrium verdicts and escalation metrics of one profile at many points, vectorised.

    Point ``b`` is the model ``models[b]`` (any payoffs and monitoring parameters) at discount factor
    ``deltas[b]``; its figures equal :func:`solver.repeated.evaluation.evaluate` ``(models[b], strategies,
    deltas[b], exact=False)`` up to float rounding.

    Method:

    1. *Group* the points by the structure of their joint chains: the same game layout and automata, the same
       signal layout, the same zero pattern of the signal law and of the trembles (a tremble of 0, 1 or
       in between).  These fix the chain's states, events and edges, hence its recurrent classes.  Each
       group's chain is built once, from its first point (with attack tracking, as ``evaluate`` does).
    2. For every point, the signal law and costs come from the one derivation,
       :func:`models.monitoring.signal_structure` (memoised on the monitoring), and its stage payoffs
       from the game.  Within a group only these numbers and ``delta`` vary.
    3. In chunks of points, stacked numpy: the event law ``G = T M`` (tremble matrix times the signal law),
       stage payoffs, the transition ``P`` summed edge by edge, the values from one batched solve of
       ``(I - delta P) V = (1 - delta) r``, the one-shot gains in difference form
       (:func:`solver.repeated.checks.one_shot_gains`), each player's best reply by Howard's policy
       iteration run on all points at once (:func:`solver.repeated.checks.best_reply`: the same start,
       switching rule, ties and cycle rule, each point stopping when its policy does), and the metrics of
       :mod:`solver.repeated.escalation` over the group's fixed classes: absorption weights, stationary laws,
       attack shares, episode rates, innocent punishments.
    4. Under delayed signals (``monitoring.delay > 0``) a point is evaluated alone by ``evaluate(...,
       exact=False)``: its checks run on each deviator's own chain (:mod:`solver.repeated.private`), which
       does not batch.  So is a point on which a batched step meets a singular system, a best reply that
       does not settle, or a best reply that gains without departing from the strategy (rounding): the
       one-point evaluation then decides, and reports the same error it would report alone.

    Parameters
    ----------
    models:
        One repeated model per point, all with the same number of players.
    strategies:
        One strategy name per player, or one for all (as for ``evaluate``), the same at every point.
    deltas:
        One discount factor per point.
    workers:
        Threads that solve chunks of points in parallel (default: one per core); the answer does not
        depend on it.

    Returns
    -------
    BatchFigures
        A point whose evaluation fails (a bad delta, an unknown strategy, a monitoring that does not fit the
        game...) has its one-line message in ``errors`` and NaN figures; it does not stop the others.

    Raises
    ------
    ModelError
        No points, ``deltas`` of another length than ``models``, or a bad ``workers``.

    Examples
    --------
    >>> from models.scenario import Scenario
    >>> sc = Scenario()
    >>> models = [sc.with_values({"detection": x}).model() for x in (0.2, 0.95)]
    >>> fig = batch_figures(models, sc.seats("grim"), [0.6, 0.6])
    >>> fig.ppe.tolist(), fig.chains
    ([False, True], 1)
    """
    models = list(models)
    B = len(models)
    if B == 0:
        raise ModelError("give at least one point")
    d_all = np.asarray(deltas, dtype=float).reshape(-1)
    if d_all.size != B:
        raise ModelError(f"deltas: expected {B} discount factors (one per model), got {d_all.size}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ModelError("workers: give a positive number of threads")
    n = next((m.game.n_players for m in models if isinstance(m, RepeatedModel)), 1)
    out = _Figures(B, n)
    strategies = tuple(strategies)
    groups, alone = _point_inputs(models, d_all, n, out)

    tasks = []
    kernels = []
    tolerances = _tolerances(list(groups.values()), d_all)
    for group in groups.values():
        try:
            signals = signal_structure(group.model.game, group.model.monitoring)
            profile = bind_profile(group.model, strategies)
            chain, _ = profile_chain(profile, False, track_attacks=True)
            prob, cost = _signal_laws(group, signals, models)
        except DetenteError as exc:  # the monitoring, the seats or the chain do not fit: the whole group
            for b in group.points:
                out.fail(b, str(exc))
            continue
        kern = _Kernel(chain)
        kernels.append(kern)
        size = kern.S * kern.S + kern.S * kern.E * max(chain.game.shape)
        step = max(1, min(CHUNK, CHUNK_FLOATS // max(size, 1)))
        idx, eps, payoffs = np.array(group.points), np.array(group.eps), np.array(group.payoffs)
        tol = np.array([tolerances[b] for b in group.points])
        for lo in range(0, idx.size, step):
            sl = slice(lo, lo + step)
            tasks.append((kern, idx[sl], prob[sl], cost[sl], eps[sl], payoffs[sl], tol[sl]))

    redo = np.zeros(B, dtype=bool)

    def run(task: tuple[Any, ...]) -> None:
        kern, idx, prob, cost, eps, payoffs, tol = task
        _figures_chunk(kern, idx, prob, cost, eps, payoffs, d_all[idx], tol, out, redo)

    _on_threads(run, tasks, workers)
    with blas_threads(1):
        # one point at a time: delayed signals, and the points a batched step left to the one-point evaluation
        for b in sorted(set(alone) | set(np.flatnonzero(redo).tolist())):
            out.per_point[b] = True
            try:
                out.from_result(b, evaluate(models[b], strategies, float(d_all[b]), exact=False))
            except DetenteError as exc:
                out.fail(b, str(exc))
    a = out.arrays
    return BatchFigures(d_all, a["values"], a["max_gain"], a["ppe_player"], a["ppe"], a["nash_gain"],
                        a["nash_player"], a["nash"], a["attack_share_long_run"], a["mean_conflict_length"],
                        a["p_permanent_conflict"], a["p_episodic_conflict"], a["p_endless_conflict"],
                        a["innocent_punishments_per_100"], out.n_states, out.per_point, tuple(out.errors),
                        len(kernels))


def _figures_chunk(kern: _Kernel, idx: np.ndarray, prob: np.ndarray, cost: np.ndarray, eps: np.ndarray,
                   payoffs: np.ndarray, d: np.ndarray, tol: np.ndarray, out: _Figures, redo: np.ndarray) -> None:
    """Every figure of the points ``idx`` of one group (see :func:`batch_figures`), written into ``out``."""
    chain = kern.chain
    b, S, A = idx.size, kern.S, len(chain.profiles)
    local_redo = np.zeros(b, dtype=bool)
    # the chain's numbers at every point, as build_chain derives them from the intended profile
    T = _trembles(chain, eps)  # (b, A, A')
    M = np.zeros((b, A, kern.E))
    M[:, np.arange(A)[:, None], kern.event_of] = prob
    G = T @ M  # (b, A, E) event_given_intended
    stage = T @ (payoffs - (prob @ cost[:, :, None]))  # (b, A, N), clarification and audit costs included
    attack_a = T @ kern.attacked  # (b, A)
    pe = np.matmul(kern.W, G)  # (b, S, E)
    P = kern.transition(pe)
    r = np.matmul(kern.W, stage)  # (b, S, N)
    dd = d[:, None, None]
    V = _solve_stack(np.eye(S) - dd * P, (1 - dd) * r, local_redo)
    values = np.einsum("s,bsn->bn", kern.init, V)

    figures = _metrics(kern, P, pe, G, attack_a, local_redo)
    max_gain, ppe_player, nash_gain, nash_player = [], [], [], []
    for i in range(chain.n_players):
        g, ok, ng, nok = _player_checks(kern, i, V[:, :, i], r[:, :, i], stage[:, :, i], pe, G, d, tol,
                                        local_redo)
        max_gain.append(g)
        ppe_player.append(ok)
        nash_gain.append(ng)
        nash_player.append(nok)
    a = out.arrays
    a["values"][idx] = values
    a["max_gain"][idx] = np.stack(max_gain, axis=1)
    a["ppe_player"][idx] = np.stack(ppe_player, axis=1)
    a["ppe"][idx] = np.all(a["ppe_player"][idx], axis=1)
    a["nash_gain"][idx] = np.stack(nash_gain, axis=1)
    a["nash_player"][idx] = np.stack(nash_player, axis=1)
    a["nash"][idx] = np.all(a["nash_player"][idx], axis=1)
    for f, x in figures.items():
        a[f][idx] = x
    out.n_states[idx] = S
    redo[idx[local_redo]] = True
    bad = ~np.isfinite(values).all(axis=1)  # rounding cannot make NaN; a singular system has been marked
    redo[idx[bad]] = True


def _metrics(kern: _Kernel, P: np.ndarray, pe: np.ndarray, G: np.ndarray, attack_a: np.ndarray,
             redo: np.ndarray) -> dict[str, np.ndarray]:
    """The escalation metrics of :func:`solver.repeated.escalation.escalation_metrics` that a sweep row holds,
    batched over the points of one group (its recurrent classes are fixed)."""
    b, S = P.shape[0], kern.S
    attack = np.matmul(kern.W, attack_a[:, :, None])[:, :, 0]  # (b, S) P(an actual attack this period)
    classes, T = kern.classes, kern.transient
    # absorption weights (solver.repeated.markov.absorption) from the initial distribution
    absorb = np.zeros((b, S, len(classes)))
    for c, cls in enumerate(classes):
        absorb[:, cls, c] = 1.0
    if T.size and classes:
        PT = P[:, T]
        into = np.stack([PT[:, :, cls].sum(axis=2) for cls in classes], axis=2)
        absorb[:, T, :] = _solve_stack(np.eye(T.size) - PT[:, :, T], into, redo)
    weights = np.einsum("s,bsc->bc", kern.init, absorb)
    # stationary law of each class (solver.repeated.markov.stationary)
    pis = []
    for cls in classes:
        m = cls.size
        lhs = np.swapaxes(np.eye(m) - P[:, cls][:, :, cls], 1, 2).copy()
        lhs[:, -1, :] = 1.0
        rhs = np.zeros((b, m))
        rhs[:, -1] = 1.0
        pis.append(_solve_stack(lhs, rhs, redo))
    # attack-free periods followed by an attack: where conflict episodes start (escalation._episodes)
    P0 = kern.transition(np.matmul(kern.W, G * kern.calm))
    starts = np.einsum("bst,bt->bs", P0, attack)
    zero = np.zeros(b)
    long_run, total, p_episodic, p_endless, p_war = zero.copy(), zero.copy(), zero.copy(), zero.copy(), zero.copy()
    dist = np.zeros((b, S))
    for c, (cls, pi) in enumerate(zip(classes, pis)):
        w = weights[:, c]
        share = (pi * attack[:, cls]).sum(axis=1)
        long_run += w * share
        dist[:, cls] = w[:, None] * pi
        attacks = np.any(attack[:, cls] != 0, axis=1)
        episodes = np.any(starts[:, cls] != 0, axis=1)
        p_endless += np.where(attacks & ~episodes, w, 0.0)
        episodic = attacks & episodes
        with np.errstate(divide="ignore", invalid="ignore"):
            length = w * share / (pi * starts[:, cls]).sum(axis=1)
        total += np.where(episodic, length, 0.0)
        p_episodic += np.where(episodic, w, 0.0)
        if kern.war[c]:
            p_war += w
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_len = np.where(np.abs(p_episodic) <= TOL, np.nan, total / p_episodic)
    innocent = (dist * (pe * kern.innocent).sum(axis=2)).sum(axis=1) * 100
    return {"attack_share_long_run": long_run, "mean_conflict_length": mean_len, "p_permanent_conflict": p_war,
            "p_episodic_conflict": p_episodic, "p_endless_conflict": p_endless,
            "innocent_punishments_per_100": innocent}


def _player_checks(kern: _Kernel, i: int, Vi: np.ndarray, ri: np.ndarray, stage_i: np.ndarray, pe: np.ndarray,
                   G: np.ndarray, d: np.ndarray, tol: np.ndarray, redo: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Player ``i``'s PPE gain and verdict, Nash gain and verdict at every point of a chunk, as
    :func:`solver.repeated.checks.check_equilibrium` finds them (without delay)."""
    b, S = Vi.shape
    W_dev = kern.W_dev[i]  # (k, S, A)
    pe_dev = np.einsum("ksa,bae->bkse", W_dev, G)  # (b, k, S, E): events when i intends each action
    dev_reward = np.einsum("ksa,ba->bks", W_dev, stage_i)  # (b, k, S)

    def gains(U: np.ndarray, sel: np.ndarray) -> np.ndarray:
        """``gain[m, s, a]``: one-shot gains against values ``U`` (solver.repeated.checks.one_shot_gains)."""
        KV = kern.next_value(U)
        base = (pe[sel] * KV).sum(axis=2)
        step = (pe_dev[sel] * KV[:, None]).sum(axis=3) - base[:, None]
        x = d[sel][:, None, None]
        return np.swapaxes((1 - x) * (dev_reward[sel] - ri[sel][:, None]) + x * step, 1, 2)

    def advantages(policy: np.ndarray, sel: np.ndarray) -> np.ndarray:
        """``(I - delta P_pi)^{-1} g_pi`` (solver.repeated.checks.policy_advantage) for each point's policy."""
        rows = np.take_along_axis(pe_dev[sel], policy[:, None, :, None], axis=1)[:, 0]  # (m, S, E)
        g = np.take_along_axis(base[sel], policy[:, :, None], axis=2)[:, :, 0]
        lhs = np.eye(S) - d[sel][:, None, None] * kern.transition(rows)
        return _solve_stack(lhs, g, redo, sel)

    everyone = np.arange(b)
    base = gains(Vi, everyone)  # (b, S, k)
    top = base.reshape(b, -1).max(axis=1)
    ppe_ok = top <= tol[:, 0]
    max_gain = np.where(top > tol[:, 0], top, 0.0)

    # Howard's policy iteration on every point at once (solver.repeated.checks.best_reply)
    policy = np.argmax(base, axis=2)  # the best one-shot deviations (lowest index among ties)
    adv = advantages(policy, everyone)
    best_adv = np.full((b, S), np.nan)
    best_policy = policy.copy()
    active = np.isfinite(adv).all(axis=1)
    seen: list[list[tuple[bytes, float, np.ndarray, np.ndarray]]] = [[] for _ in range(b)]
    for _ in range(checks.MAX_POLICY_ITERATIONS):
        sel = np.flatnonzero(active)
        if not sel.size:
            break
        for j in sel:
            seen[j].append((policy[j].tobytes(), float(kern.init @ adv[j]), adv[j], policy[j].copy()))
        g = gains(Vi[sel] + adv[sel], sel)
        g = g - np.take_along_axis(g, policy[sel][:, :, None], axis=2)
        best = g.max(axis=2)
        new = np.where(best > tol[sel, 0][:, None], np.argmax(g >= best[:, :, None], axis=2), policy[sel])
        for m, j in enumerate(sel):
            if np.array_equal(new[m], policy[j]):
                best_adv[j], best_policy[j], active[j] = adv[j], policy[j], False
                continue
            key = new[m].tobytes()
            if any(key == h[0] for h in seen[j]):  # a cycle of rounding-level switches: its best policy
                top_value = max(h[1] for h in seen[j])
                h = next(h for h in seen[j] if h[1] == top_value)
                best_adv[j], best_policy[j], active[j] = h[2], h[3], False
                continue
            policy[j] = new[m]
        sel = np.flatnonzero(active)
        if sel.size:
            adv[sel] = advantages(policy[sel], sel)
    redo |= active  # no convergence within the limit: the one-point evaluation reports it
    redo |= ~np.isfinite(best_adv).all(axis=1) & ~active

    nash_gain = best_adv @ kern.init
    nash_ok = nash_gain <= tol[:, 1]
    for j in np.flatnonzero(~nash_ok & np.isfinite(nash_gain)):
        if not kern.departs(i, best_policy[j]):
            redo[j] = True  # a gain without a departure: rounding, which the one-point evaluation reports
    return max_gain, ppe_ok, np.where(nash_gain > tol[:, 1], nash_gain, 0.0), nash_ok
