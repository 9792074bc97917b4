"""Evaluate a strategy profile of a repeated game: values, equilibrium checks, escalation.

>>> from fractions import Fraction as F
>>> from models import catalog
>>> from models.repeated import RepeatedModel
>>> res = evaluate(RepeatedModel(catalog.load("prisoners-dilemma")), ["grim"], F(1, 2))
>>> [str(v) for v in res.values], res.equilibrium.ppe
(['3', '3'], True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from models.errors import ModelError
from models.monitoring import Monitoring, monitoring_to_mapping
from models.numbers import Number, is_exact, json_number, to_exact
from models.repeated import RepeatedModel, check_delta
from solver.numeric.rational import as_number
from solver.repeated.binding import bind_profile, profile_chain
from solver.repeated.checks import EquilibriumCheck, check_equilibrium
from solver.repeated.escalation import EscalationMetrics, escalation_metrics
from solver.repeated.markov import cesaro, discounted, structure
from solver.repeated.private import check_delayed, private_chain

__all__ = ["RepeatedResult", "evaluate", "horizon_average"]

SCHEMA_VERSION = 1

#: Under delay, exact arithmetic is chosen by default only when every deviator's chain has at most this many
#: states (exact policy iteration on them: 0.3 s at 79 states, 3 s at 175).
PRIVATE_EXACT_MAX_STATES = 100

@dataclass(frozen=True)
class RepeatedResult:
    """What :func:`evaluate` returns: immutable, down to the model's frozen monitoring."""

    exact: bool
    delta: Number
    players: tuple[str, ...]
    strategies: tuple[str, ...]
    monitoring: Monitoring  # the model's monitoring (after any overrides)
    values: tuple[Number, ...]  # discounted, normalised, from the initial state
    average: tuple[Number, ...]  # long-run average
    equilibrium: EquilibriumCheck
    metrics: EscalationMetrics
    n_states: int
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "exact": self.exact,
            "delta": json_number(self.delta),
            "players": list(self.players),
            "strategies": list(self.strategies),
            "monitoring": monitoring_to_mapping(self.monitoring),
            "values": [json_number(v) for v in self.values],
            "average": [json_number(v) for v in self.average],
            "equilibrium": self.equilibrium.to_dict(),
            "metrics": self.metrics.to_dict(),
            "joint_states": self.n_states,
            "notes": list(self.notes),
        }


def evaluate(
    model: RepeatedModel, strategies: Sequence[str], delta: object, *, exact: bool | None = None,
    progress: Callable[[str, bool], None] | None = None,
) -> RepeatedResult:
    """Values, PPE and Nash checks, and escalation metrics of a profile at discount factor ``delta``.

    Parameters
    ----------
    model:
        Stage game, monitoring and the file's strategies.
    strategies:
        One strategy name per player, or one for all (file strategies first, then the library).
    delta:
        Discount factor in [0, 1).
    exact:
        None: exact when every input (``delta`` included) is rational and the chain is small.
    progress:
        ``progress(message, transient)`` hears a warning before long exact work.

    Raises
    ------
    ModelError
        For a bad delta, unknown strategies or impossible patterns.
    """
    d = check_delta(delta, field="--delta")
    profile = bind_profile(model, strategies)
    # One chain for values, checks and metrics: its events record who attacked, which costs no states.
    chain, notes = profile_chain(profile, exact, rational_inputs=is_exact(d), track_attacks=True)
    privates = None
    if chain.delay:
        # the checks run on each deviator's chain, which grows like (actions)^delay: it decides the arithmetic
        privates = [private_chain(chain, i) for i in range(chain.n_players)]
        size = max(pc.chain.n_states for pc in privates)
        if chain.exact and exact is True and size > PRIVATE_EXACT_MAX_STATES and progress is not None:
            # said before the work, which can take minutes
            progress(f"a deviator's chain has {size} states: exact policy iteration on it may take minutes "
                     "(--float gives the answer in seconds)", False)
        if chain.exact and exact is None and size > PRIVATE_EXACT_MAX_STATES:
            notes.append(f"a deviator's chain has {size} states (its own actions in the {chain.delay} pending "
                         f"periods), more than {PRIVATE_EXACT_MAX_STATES}: floating point used (force exact "
                         "arithmetic with --exact)")
            chain, _ = profile_chain(profile, False, track_attacks=True)
            privates = [private_chain(chain, i) for i in range(chain.n_players)]
    dd = to_exact(d) if chain.exact else float(d)
    P = chain.transition()
    r = chain.reward()
    V = discounted(P, r, dd, chain.exact)
    avg = cesaro(P, r, chain.exact, structure(P))
    check = check_delayed(chain, dd, privates) if privates is not None else check_equilibrium(chain, V, dd)
    metrics = escalation_metrics(chain, dd)
    values = tuple(as_number(x, chain.exact) for x in chain.init @ V)
    average = tuple(as_number(x, chain.exact) for x in chain.init @ avg)
    return RepeatedResult(chain.exact, dd, model.game.players, profile.names,
                          model.monitoring, values, average, check, metrics,
                          chain.n_states, tuple(notes))


def horizon_average(model: RepeatedModel, strategies: Sequence[str], periods: int, *,
                    exact: bool | None = None) -> tuple[Number, ...]:
    """Expected average payoff per period over the first ``periods`` periods (a finite horizon).

    This is what a tournament of fixed length (Axelrod's ``Match``) estimates by simulation:
    ``(1/T) sum_{t < T} mu_0 P^t r``, computed exactly for rational models.

    >>> from fractions import Fraction as F
    >>> from models import catalog
    >>> from models.monitoring import PerfectMonitoring
    >>> m = RepeatedModel(catalog.load("prisoners-dilemma"), PerfectMonitoring(tremble=F(1, 2)))
    >>> [str(v) for v in horizon_average(m, ["tit-for-tat"], 3)]
    ['9/4', '9/4']
    """
    if periods < 1:
        raise ModelError(f"periods must be at least 1, got {periods}")
    profile = bind_profile(model, strategies)
    chain, _ = profile_chain(profile, exact)
    P = chain.transition()
    r = chain.reward()
    mu = chain.init
    total = mu @ r
    for _ in range(periods - 1):
        mu = mu @ P
        total = total + mu @ r
    return tuple(as_number(x / periods, chain.exact) for x in total)
