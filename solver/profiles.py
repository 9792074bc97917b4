"""Strategy profiles of a repeated game: one bound automaton per seat, and their chain.

``exact=None`` means exact when the stage payoffs, the monitoring and the
automata are all rational *and* the joint chain has at most
:data:`EXACT_MAX_STATES` states; otherwise float64 (the result says which).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.automata import BoundAutomaton, bind
from models.errors import ModelError
from models.monitoring import SignalStructure, signal_structure
from models.repeated import RepeatedModel

from .chain import Chain, build_chain

__all__ = ["BoundProfile", "bind_profile", "profile_chain", "EXACT_MAX_STATES"]

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
    automata = tuple(bind(model.strategy(name), model.game, signals, i) for i, name in enumerate(names))
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
    if exact is None:
        if rational:
            chain = build_chain(profile.model.game, profile.signals, profile.automata, exact=True,
                                track_attacks=track_attacks)
            if chain.n_states <= EXACT_MAX_STATES:
                return chain, notes
            notes.append(f"the joint chain has {chain.n_states} states, more than {EXACT_MAX_STATES}: "
                         "floating point used (force exact arithmetic with --exact)")
        return build_chain(profile.model.game, profile.signals, profile.automata, exact=False,
                           track_attacks=track_attacks), notes
    return build_chain(profile.model.game, profile.signals, profile.automata, exact=exact,
                       track_attacks=track_attacks), notes

