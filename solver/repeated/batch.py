"""Evaluate one profile at many parameter points at once (vectorised, float64).

The automata stay fixed; the discount factor and the monitoring
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

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from models.errors import ModelError, SolverError
from models.monitoring import AttributionMonitoring, Monitoring, signal_structure
from models.repeated import RepeatedModel
from solver.numeric.blas import blas_threads
from solver.repeated.binding import bind_profile
from solver.repeated.chain import Chain, build_chain
from solver.repeated.checks import MIN_FLOAT_PATIENCE, gain_tolerance
from solver.repeated.markov import discounted

__all__ = ["BatchResult", "evaluate_batch"]

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

    def basis(x: np.ndarray) -> np.ndarray:
        """``L_j(x)`` of the nodes, for every point: ``(B, N + 1)``."""
        out = np.ones((x.shape[0], n + 1))
        for j, xj in enumerate(nodes):
            for m, xm in enumerate(nodes):
                if m != j:
                    out[:, j] *= (x - float(xm)) / float(xj - xm)
        return out

    return np.einsum("bj,bk,jkay->bay", basis(det), basis(ff), table)


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

    # Chunks are independent and numpy releases the GIL in its linear algebra, so they run on a thread
    # per core (BLAS itself is held to one thread: see solver.numeric.blas).
    # BLAS is held to one thread while they run (an explicit context: see solver.numeric.blas), since
    # OpenBLAS threads on top of the chunk threads only contend on matrices this small.
    starts = range(0, B, CHUNK)
    workers = min(len(starts), workers if workers is not None else os.cpu_count() or 1)
    with blas_threads(1):
        if workers > 1:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(solve_chunk, starts))
        else:
            for lo in starts:
                solve_chunk(lo)
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
