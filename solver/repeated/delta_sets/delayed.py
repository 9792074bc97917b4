"""Discount-factor sets under late attribution: each verdict on each deviator's own chain.

Under a signal delay the three verdicts of :mod:`solver.repeated.private`
are read from player ``i``'s decision problem ``D_i`` (public state plus
the player's pending actions), one player at a time, and the sets are
intersected over the players:

* *sequential*: no one-shot deviation of ``i`` gains at any state of
  ``D_i``: the exact PPE machinery (:mod:`.exact_ppe`) on ``D_i``'s gain
  polynomials, restricted to player ``i``;
* *PPE*: ``i``'s optimal reply gains nothing at the states of ``D_i`` where
  its pending actions are as prescribed: the exact Nash sweep
  (:mod:`.exact_nash`) with those states weighted instead of the start
  (the optimal advantage is never negative, so a weighted sum is zero iff
  it is zero at each of them);
* *Nash*: the exact Nash sweep on ``D_i`` from the start.

For chains too large for exact arithmetic, or when asked, the grid method
of :mod:`.grid` runs on the same quantities in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction

import numpy as np

from models.errors import SolverError
from solver.repeated.binding import BoundProfile, exact_inputs, profile_chain
from solver.repeated.chain import Chain
from solver.repeated.delta_sets.exact_nash import NASH_EXACT_MAX_STATES, SweepGaveUp, exact_nash_player
from solver.repeated.delta_sets.exact_ppe import exact_ppe_intervals
from solver.repeated.delta_sets.grid import BISECTION_WIDTH, GRID, Gaps, Witness, scan
from solver.repeated.delta_sets.intervals import DeltaIntervals, Interval, intersect, merge
from solver.repeated.private import PrivateChain, private_chain

__all__ = ["delayed_intervals", "EXACT_SEQUENTIAL_MAX_STATES", "MAX_PRIVATE_STATES"]

#: Largest deviator's chain whose sequential set is computed exactly by default (Sturm sequences on
#: polynomials of degree S + 1); the PPE and Nash sets use the exact Nash sweep's limit.
EXACT_SEQUENTIAL_MAX_STATES = 40
#: With ``exact=True`` (``--exact``), the limits are raised to these, beyond which exact arithmetic takes
#: minutes (the sweep's polynomials have degree 2S + 2): larger chains use the grid, with a note.
FORCED_EXACT_SEQUENTIAL_MAX_STATES = 80
FORCED_EXACT_SWEEP_MAX_STATES = 40
#: Largest deviator's chain for the sets over delta: the grid solves about 3,000 systems of this size (about
#: 40 s at 400 states on one core).
MAX_PRIVATE_STATES = 400

Gap = Callable[[float], tuple[float, Witness]]


def _weighted(pc: PrivateChain) -> Chain:
    """``D_i`` with its on-path states weighted instead of the start (see the module docstring)."""
    one = Fraction(1) if pc.chain.exact else 1.0
    zero = Fraction(0) if pc.chain.exact else 0.0
    w = np.array([one if on else zero for on in pc.on_path], dtype=object if pc.chain.exact else float)
    return replace(pc.chain, init=w)


def _all_players(sets: Sequence[list[Interval]]) -> list[Interval]:
    out: list[Interval] = [Interval(Fraction(0), Fraction(1), False, False)]
    for s in sets:
        out = intersect(out, s)
    return out


class _Grid:
    """The three gaps of the module docstring over every player's float chain ``D_i``."""

    def __init__(self, privates: Sequence[PrivateChain]) -> None:
        self.gaps = [Gaps(pc.chain, [pc.player]) for pc in privates]
        self.on = [np.flatnonzero(pc.on_path) for pc in privates]

    def sequential(self, delta: float) -> tuple[float, Witness]:
        return max((g.ppe_gap(delta) for g in self.gaps), key=lambda t: t[0])

    def nash(self, delta: float) -> tuple[float, Witness]:
        return max((g.nash_gap(delta) for g in self.gaps), key=lambda t: t[0])

    def public(self, delta: float) -> tuple[float, Witness]:
        best: tuple[float, Witness] = (-np.inf, Witness(0))
        for g, on in zip(self.gaps, self.on):
            i = g.players[0]
            policy, A = g.best_reply(delta, i)
            top = float(np.max(A[on])) if on.size else -np.inf
            if top > best[0]:
                best = (top, Witness(i, policy=tuple(int(b) for b in policy)))
        return best

    def gain(self, w: Witness, delta: float) -> float:
        return self.gaps[w.player].gain_of(w, delta)

    def public_gain(self, w: Witness, delta: float) -> float:
        g, on = self.gaps[w.player], self.on[w.player]
        assert w.policy is not None
        A = g.advantage(delta, w.player, np.array(w.policy), g.gains(delta, w.player))
        return float(np.max(A[on])) if on.size else -np.inf

    def one_shot_tolerance(self, delta: float) -> float:
        return self.gaps[0].ppe_tolerance(delta)

    def value_tolerance(self, delta: float) -> float:
        return self.gaps[0].nash_tolerance(delta)


GRID_METHOD = f"grid of {GRID} discount factors and bisection to {BISECTION_WIDTH:g}"


def delayed_intervals(profile: BoundProfile, exact: bool | None,
                      progress: Callable[[str, bool], None] | None = None, *, nash: bool = True) -> DeltaIntervals:
    """The PPE, sequential and Nash sets in (0, 1) of a profile whose signals are delayed.

    ``exact`` as for :func:`solver.repeated.delta_sets.delta_intervals`: None decides from the sizes of
    the deviators' chains, True computes every set exactly, False uses the grid.  ``progress(message,
    transient)`` hears how far the grid scans are.  ``nash=False`` leaves the Nash set out (empty, with the
    method "not computed").

    Raises
    ------
    SolverError
        When a deviator's chain has more than :data:`MAX_PRIVATE_STATES` states.
    """
    notes: list[str] = []
    n = profile.model.game.n_players
    float_chain, _ = profile_chain(profile, False)
    floats = [private_chain(float_chain, i) for i in range(n)]
    size = max(pc.chain.n_states for pc in floats)
    if size > MAX_PRIVATE_STATES:
        raise SolverError(
            f"the deviators' chains have {size} states (the public state times each player's own actions in the "
            f"{profile.signals.delay} pending periods), more than {MAX_PRIVATE_STATES} for the sets over delta; use "
            "a shorter delay, or check single discount factors with `detente repeated`")
    exact_privates: list[PrivateChain] | None = None
    seq_limit = FORCED_EXACT_SEQUENTIAL_MAX_STATES if exact is True else EXACT_SEQUENTIAL_MAX_STATES
    sweep_limit = FORCED_EXACT_SWEEP_MAX_STATES if exact is True else NASH_EXACT_MAX_STATES
    if exact is not False and size <= seq_limit:
        chain, more = profile_chain(exact_inputs(profile), None if exact is None else True)
        if chain.exact:
            exact_privates = [private_chain(chain, i) for i in range(n)]
        else:
            notes += more
    grid = _Grid(floats)
    scans = [0]

    def by_grid(gap: Gap, tol: Callable[[float], float], gain: Callable[[Witness, float], float]) -> list[Interval]:
        scans[0] += 1
        count = [0]

        def counted(delta: float) -> tuple[float, Witness]:
            count[0] += 1
            if progress is not None:
                progress(f"deltas: grid scan {scans[0]}, {count[0]} discount factors evaluated", True)
            return gap(delta)

        return [iv for iv, _, _ in scan(counted, tol, gain)]

    # sequential: one-shot gains on every D_i
    if exact_privates is not None:
        sequential = _all_players([exact_ppe_intervals(pc.chain, [pc.player]) for pc in exact_privates])
        seq_method = "exact (Sturm sequences on the one-shot gain polynomials of each deviator's chain)"
    else:
        sequential = by_grid(grid.sequential, grid.one_shot_tolerance, grid.gain)
        seq_method = f"{GRID_METHOD} on the largest one-shot gain of each deviator's chain"

    def exact_sweep(chains: list[tuple[Chain, int]], what: str) -> list[Interval] | None:
        try:
            return _all_players([exact_nash_player(c, i) for c, i in chains])
        except SweepGaveUp as why:
            notes.append(f"the exact sweep of the {what} set gave up ({why}): that set comes from the grid")
            return None

    sweep_ok = exact_privates is not None and size <= sweep_limit
    want_nash, ppe, nash_set = nash, None, None
    if sweep_ok and exact_privates is not None:
        ppe = exact_sweep([(_weighted(pc), pc.player) for pc in exact_privates], "PPE")
        if want_nash:
            nash_set = exact_sweep([(pc.chain, pc.player) for pc in exact_privates], "Nash")
    sweep = "exact (each deviator's optimal best reply followed over delta; Sturm sequences)"
    ppe_method = nash_method = sweep
    if ppe is None:
        ppe = by_grid(grid.public, grid.value_tolerance, grid.public_gain)
        ppe_method = f"{GRID_METHOD} on the largest continuation gain at the prescribed private histories"
    if not want_nash:
        nash_set, nash_method = [], "not computed"
    elif nash_set is None:
        nash_set = by_grid(grid.nash, grid.value_tolerance, grid.gain)
        nash_method = f"{GRID_METHOD} on the best reply's gain from the start"
    if exact is not False and size > seq_limit:
        notes.append(f"the deviators' chains have up to {size} states, more than {seq_limit}: every set comes from "
                     "the grid" + ("" if exact is True else " (force exact arithmetic with --exact)"))
    elif exact is not False and not sweep_ok and exact_privates is not None:
        notes.append(f"the deviators' chains have up to {size} states, more than {sweep_limit}: the PPE and Nash "
                     "sets come from the grid" + ("" if exact is True else " (force exact arithmetic with --exact)"))
    # every sequential equilibrium is a PPE and every PPE is Nash: when the sets come from different methods
    # (an exact one and the grid, which can miss a single point), the exact one's points belong to the others
    ppe = merge(list(ppe) + list(sequential))
    if want_nash:
        nash_set = merge(list(nash_set) + list(ppe))
    exact_used = [m.startswith("exact") for m in (ppe_method, seq_method, nash_method)]
    return DeltaIntervals(profile.model.game.players, profile.names, tuple(ppe), tuple(nash_set), ppe_method,
                          nash_method, any(exact_used), tuple(notes), tuple(sequential), seq_method,
                          profile.signals.delay)
