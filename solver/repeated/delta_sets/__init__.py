"""Every discount factor for which a profile is a PPE, and for which it is Nash.

The set is a union of intervals, not always a threshold: public tit-for-tat
under noise, for instance, is an equilibrium only for a window of patience.

Three methods, one module each:

* :mod:`.exact_ppe` -- the PPE set exactly: Sturm sequences on the one-shot
  gain polynomials (every gain times ``det(I - delta P)`` is a polynomial).
* :mod:`.exact_nash` -- the Nash set exactly: each player's optimal best
  reply followed over delta, one polynomial piece at a time.
* :mod:`.grid` -- both sets on a grid of discount factors with bisection,
  for chains too large for exact arithmetic; rational endpoints are
  confirmed exactly where the model is rational.

:func:`delta_intervals` picks the method from the chain's size and says in
the result which one ran.
"""

from __future__ import annotations

from collections.abc import Sequence

from models.repeated import RepeatedModel
from solver.numeric.blas import single_blas_thread
from solver.repeated.binding import BoundProfile, bind_profile, exact_inputs, profile_chain
from solver.repeated.chain import Chain
from solver.repeated.delta_sets.exact_nash import MAX_PIECES, NASH_EXACT_MAX_STATES, exact_nash_intervals
from solver.repeated.delta_sets.exact_ppe import exact_ppe_intervals
from solver.repeated.delta_sets.grid import GRID, nash_edge_test, nash_predicate, ppe_predicate, recognise, scan
from solver.repeated.delta_sets.intervals import DeltaIntervals, Interval
from solver.repeated.evaluation import DELAY_NOTE

__all__ = ["Interval", "DeltaIntervals", "delta_intervals", "critical_deltas", "GRID", "NASH_EXACT_MAX_STATES",
           "MAX_PIECES"]


@single_blas_thread
def delta_intervals(model: RepeatedModel, strategies: Sequence[str], *, exact: bool | None = None) -> DeltaIntervals:
    """Intervals of discount factors in (0, 1) where the profile is a PPE, and where it is Nash.

    With ``exact=None`` the PPE set is computed exactly whenever the joint
    chain is small enough for exact arithmetic (40 states), and the Nash set
    when it has at most :data:`NASH_EXACT_MAX_STATES` states; ``exact=True``
    computes both exactly whatever the size, and ``exact=False`` uses the grid
    for both.  Decimals in the model count as the exact decimals they spell,
    since locating thresholds is the point.
    """
    profile: BoundProfile = bind_profile(model, strategies)
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
    if chain_exact is not None:
        ppe = exact_ppe_intervals(chain_exact)
        ppe_method = "exact (Sturm sequences on the gain polynomials)"
    else:
        ppe = scan(ppe_predicate(float_chain), [])
        ppe_method = f"grid of {GRID} discount factors and bisection to 1e-12"
    nash: list[Interval] | None = None
    if chain_exact is not None and (exact is True or chain_exact.n_states <= NASH_EXACT_MAX_STATES):
        nash = exact_nash_intervals(chain_exact)
        nash_method = "exact (optimal best replies followed over delta; Sturm sequences)"
    if nash is None:
        extra = [float(b) for iv in ppe for b in (iv.lo, iv.hi)]
        nash = scan(nash_predicate(float_chain), extra)
        nash = recognise(nash, nash_edge_test(chain_exact, float_chain) if chain_exact is not None else None)
        nash_method = f"grid of {GRID} discount factors (plus the PPE endpoints) and bisection to 1e-12"
        if chain_exact is not None:
            nash_method += "; endpoints confirmed exactly where rational"
    if profile.signals.delay > 0:
        notes.append(DELAY_NOTE)
    return DeltaIntervals(model.game.players, profile.names, tuple(ppe), tuple(nash), ppe_method, nash_method,
                          chain_exact is not None, tuple(notes))



#: The name this function had before version 0.2 (``solver.critical.critical_deltas``).
critical_deltas = delta_intervals
