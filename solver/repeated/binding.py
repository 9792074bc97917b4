"""Strategy profiles of a repeated game: one bound automaton per seat, and their chain.

``exact=None`` means exact when the stage payoffs, the monitoring and the
automata are all rational *and* the joint chain has at most
:data:`EXACT_MAX_STATES` states; otherwise float64 (the result says which).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from models.automata import Automaton, BoundAutomaton, Distribution, bind
from models.errors import ModelError
from models.monitoring import (
    AttributionMonitoring,
    Clarification,
    Monitoring,
    PerfectMonitoring,
    SignalStructure,
    TableMonitoring,
    signal_structure,
)
from models.numbers import Number, to_exact
from models.repeated import RepeatedModel, bind_strategy
from solver.repeated.chain import Chain, build_chain

__all__ = ["BoundProfile", "bind_profile", "profile_chain", "exact_inputs", "EXACT_MAX_STATES"]

#: Largest joint chain solved with exact rational arithmetic when exactness is not forced.
EXACT_MAX_STATES = 40


@dataclass(frozen=True, eq=False)
class BoundProfile:
    """A repeated game with one automaton in each seat."""

    model: RepeatedModel
    names: tuple[str, ...]  # strategy name per seat
    signals: SignalStructure
    automata: tuple[BoundAutomaton, ...]

    @property
    def is_exact(self) -> bool:
        return (self.model.game.is_exact and self.signals.is_exact
                and all(a.automaton.is_exact for a in self.automata))


def bind_profile(model: RepeatedModel, strategies: Sequence[str]) -> BoundProfile:
    """Seat the named strategies: one name per player, or one name for every player.

    Raises
    ------
    ModelError
        Wrong number of strategies, unknown names, actions or impossible patterns.
    """
    n = model.game.n_players
    names = list(strategies)
    if len(names) == 1:
        names = names * n
    if len(names) != n:
        raise ModelError(
            f"expected one --strategy for every player or {n} of them (one per player: "
            f"{', '.join(model.game.players)}), got {len(strategies)}"
        )
    signals = signal_structure(model.game, model.monitoring)
    automata = tuple(bind_strategy(model, name, signals, i) for i, name in enumerate(names))
    return BoundProfile(model, tuple(names), signals, automata)


def profile_chain(
    profile: BoundProfile, exact: bool | None, *, rational_inputs: bool = True, track_attacks: bool = False
) -> tuple[Chain, list[str]]:
    """The joint chain in the arithmetic asked for, and notes about that choice.

    ``rational_inputs`` says whether the other inputs of the computation (the
    discount factor) are rational too.
    """
    notes: list[str] = []
    rational = profile.is_exact and rational_inputs
    if exact:
        profile = exact_inputs(profile)
    if exact is None:
        # Decide from the chain's size before any exact work: the float chain has the same states (which
        # states are reachable depends only on which probabilities are zero) and costs a fraction of the
        # exact one, which is then built only when it will be used.
        floats = build_chain(profile.model.game, profile.signals, profile.automata, exact=False,
                             track_attacks=track_attacks)
        if not rational:
            return floats, notes
        if floats.n_states > EXACT_MAX_STATES:
            notes.append(f"the joint chain has {floats.n_states} states, more than {EXACT_MAX_STATES}: "
                         "floating point used (force exact arithmetic with --exact)")
            return floats, notes
        return build_chain(profile.model.game, profile.signals, profile.automata, exact=True,
                           track_attacks=track_attacks), notes
    return build_chain(profile.model.game, profile.signals, profile.automata, exact=exact,
                       track_attacks=track_attacks), notes


def _exact_row(values: Sequence[Number]) -> tuple[Fraction, ...]:
    """Exact decimals of a probability row, renormalised when they sum to one only within tolerance."""
    row = [to_exact(v) for v in values]
    total = sum(row)
    return tuple(v / total for v in row) if total not in (0, 1) else tuple(row)


def _exact_distribution(dist: Distribution) -> Distribution:
    return tuple(zip((k for k, _ in dist), _exact_row([p for _, p in dist]), strict=True))


def _exact_automaton(a: Automaton) -> Automaton:
    return replace(a, initial=_exact_distribution(a.initial), play=tuple(_exact_distribution(x) for x in a.play),
                   rules=tuple(tuple((pat, _exact_distribution(t)) for pat, t in rules) for rules in a.rules))


def _exact_monitoring(m: Monitoring) -> Monitoring:
    ex = to_exact
    if isinstance(m, AttributionMonitoring):
        clar = None if m.clarification is None else Clarification(
            ex(m.clarification.effectiveness), ex(m.clarification.deception), ex(m.clarification.cost))
        return replace(m, tremble=ex(m.tremble), detection=ex(m.detection), false_flag=ex(m.false_flag),
                       clarification=clar, detection_by_action=tuple((k, ex(v)) for k, v in m.detection_by_action),
                       audit=ex(m.audit), audit_cost=ex(m.audit_cost), proxy_flag=ex(m.proxy_flag))
    if isinstance(m, TableMonitoring):
        return TableMonitoring(ex(m.tremble), m.delay, m.hostile, m.signals,
                               tuple((k, _exact_row(row)) for k, row in m.rows), m.blames)
    return PerfectMonitoring(ex(m.tremble), m.delay, m.hostile)


def exact_inputs(profile: BoundProfile) -> BoundProfile:
    """The same profile with every decimal input read as the exact decimal it spells.

    Probabilities are converted *before* anything is computed from them, so
    ``1 - 0.8`` is ``1/5``, not the float ``0.19999999999999996``; rows that
    summed to one only within the float tolerance are renormalised.
    """
    if profile.is_exact:
        return profile
    model = profile.model
    exact_model = replace(model, game=model.game.to_exact(), monitoring=_exact_monitoring(model.monitoring),
                          strategies=tuple((k, _exact_automaton(a)) for k, a in model.strategies))
    signals = signal_structure(exact_model.game, exact_model.monitoring)
    autos = tuple(_exact_automaton(b.automaton) for b in profile.automata)
    bound = tuple(bind(a, exact_model.game, signals, i) for i, a in enumerate(autos))
    return BoundProfile(exact_model, profile.names, signals, bound)
