"""Every discount factor for which a profile is a PPE, and for which it is Nash.

The set is a union of intervals, not always a threshold: public tit-for-tat
under noise, for instance, is an equilibrium only for a window of patience.

Three methods, one module each:

* :mod:`.exact_ppe` -- the PPE set exactly: Sturm sequences on the one-shot
  gain polynomials (every gain times ``det(I - delta P)`` is a polynomial).
* :mod:`.exact_nash` -- the Nash set exactly: each player's optimal best
  reply followed over delta, one polynomial piece at a time.
* :mod:`.delayed` -- under late attribution, the PPE, sequential and
  Nash sets on each deviator's own chain, by the same three methods.
* :mod:`.grid` -- both sets on a grid of discount factors, with bisection
  on the sign of the largest gain, for chains too large for exact
  arithmetic; where the model is rational, a Nash endpoint that is a
  fraction is recognised and confirmed exactly (the method string says
  which ones were).

:func:`delta_intervals` picks the method from the chain's size and says in
the result which one ran.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from models.numbers import format_number
from models.repeated import RepeatedModel
from solver.numeric.blas import blas_threads
from solver.repeated.binding import BoundProfile, bind_profile, exact_inputs, profile_chain
from solver.repeated.chain import Chain
from solver.repeated.delta_sets.delayed import delayed_intervals
from solver.repeated.delta_sets.exact_nash import (
    MAX_PIECES,
    NASH_EXACT_MAX_STATES,
    SweepGaveUp,
    exact_nash_intervals,
)
from solver.repeated.delta_sets.exact_ppe import exact_ppe_intervals
from solver.repeated.delta_sets.grid import BISECTION_WIDTH, GRID, Gaps, nash_edge_test, recognise, scan
from solver.repeated.delta_sets.intervals import DeltaIntervals, Interval

__all__ = ["Interval", "DeltaIntervals", "delta_intervals", "critical_deltas", "GRID", "NASH_EXACT_MAX_STATES",
           "MAX_PIECES"]

#: The ``nash_method`` of a result computed with ``nash=False``.
NOT_COMPUTED = "not computed"
#: How the grid method is described in a result (see :mod:`.grid`).
GRID_METHOD = f"grid of {GRID} discount factors"


def delta_intervals(model: RepeatedModel, strategies: Sequence[str], *, exact: bool | None = None,
                    progress: Callable[[str, bool], None] | None = None, nash: bool = True) -> DeltaIntervals:
    """Intervals of discount factors in (0, 1) where the profile is a PPE, and where it is Nash.

    With ``exact=None`` the PPE set is computed exactly whenever the joint
    chain is small enough for exact arithmetic (40 states), and the Nash set
    when it has at most :data:`NASH_EXACT_MAX_STATES` states; ``exact=True``
    computes both exactly whatever the size, and ``exact=False`` uses the grid
    for both.  Decimals in the model count as the exact decimals they spell,
    since locating thresholds is the point.

    When the grid runs on a rational model, its Nash endpoints are checked
    exactly against nearby fractions; the method string names the endpoints
    so confirmed.  When the exact Nash sweep gives up (too many changes of
    best reply), the grid takes over and a note says so.

    ``nash=False`` skips the Nash set (and, under delay, the sequential
    set's companion Nash sweep): the result's ``nash`` is empty and its
    ``nash_method`` is :data:`NOT_COMPUTED`.
    """
    # many small dense solves: OpenBLAS's own threads only contend on them (see solver.numeric.blas)
    with blas_threads(1):
        return _delta_intervals(model, strategies, exact, progress, nash)


def _delta_intervals(model: RepeatedModel, strategies: Sequence[str], exact: bool | None,
                     progress: Callable[[str, bool], None] | None, want_nash: bool) -> DeltaIntervals:
    profile: BoundProfile = bind_profile(model, strategies)
    if profile.signals.delay > 0:
        return delayed_intervals(profile, exact, progress, nash=want_nash)
    notes: list[str] = []
    use_exact = exact is not False
    if use_exact:
        exact_chain, more = profile_chain(exact_inputs(profile), None if exact is None else True)
        if exact_chain.exact:
            chain_exact: Chain | None = exact_chain
        else:
            chain_exact = None
            notes += more
    else:
        chain_exact = None
    float_chain, _ = profile_chain(profile, False)
    gaps = Gaps(float_chain)
    if chain_exact is not None:
        ppe = exact_ppe_intervals(chain_exact)
        ppe_method = "exact (Sturm sequences on the gain polynomials)"
    else:
        ppe = [iv for iv, _, _ in scan(gaps.ppe_gap, gaps.ppe_tolerance, gaps.gain_of)]
        ppe_method = f"{GRID_METHOD} and bisection to {BISECTION_WIDTH:g} on the largest one-shot gain"
    nash: list[Interval] | None = None
    gave_up = ""
    if not want_nash:
        nash, nash_method = [], NOT_COMPUTED
    elif chain_exact is not None and (exact is True or chain_exact.n_states <= NASH_EXACT_MAX_STATES):
        try:
            nash = exact_nash_intervals(chain_exact)
            nash_method = "exact (optimal best replies followed over delta; Sturm sequences)"
        except SweepGaveUp as why:
            gave_up = str(why)
            notes.append(f"the exact Nash sweep gave up ({gave_up}): the Nash set comes from the grid")
    if nash is None:
        extra = [float(b) for iv in ppe for b in (iv.lo, iv.hi)]
        found = scan(gaps.nash_gap, gaps.nash_tolerance, gaps.gain_of, extra)
        nash_method = (f"{GRID_METHOD} (plus the PPE endpoints) and bisection to {BISECTION_WIDTH:g} on the best "
                       "reply's gain")
        if gave_up:
            nash_method += f" after the exact sweep gave up ({gave_up})"
        if chain_exact is not None:
            nash, confirmed = recognise(found, nash_edge_test(chain_exact))
            ends = [x for iv in nash for x in (iv.lo, iv.hi) if 0 < x < 1]
            if confirmed:
                shown = ", ".join(format_number(c) for c in confirmed)
                rest = len(ends) - len(confirmed)
                nash_method += f"; endpoint{'s' if len(confirmed) > 1 else ''} {shown} confirmed exactly"
                if rest:
                    nash_method += f" ({rest} other{'s are floats' if rest > 1 else ' is a float'})"
            elif ends:
                nash_method += "; no endpoint confirmed as a fraction: the endpoints are floats"
        else:
            nash = [iv for iv, _, _ in found]
    return DeltaIntervals(model.game.players, profile.names, tuple(ppe), tuple(nash), ppe_method, nash_method,
                          chain_exact is not None, tuple(notes))


#: The name this function had before version 0.2 (``solver.critical.critical_deltas``).
critical_deltas = delta_intervals
