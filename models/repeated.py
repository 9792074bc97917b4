"""A repeated game: stage game, public monitoring, strategies, discount factor.

Model files add two optional tables to the stage-game schema::

    [monitoring]                 # see models.monitoring; default: perfect monitoring
    kind = "attribution"
    detection = 0.9
    false_flag = 0.05

    [strategies.wary]            # see models.automata; any number of strategies
    initial = "peace"
    states.peace = { play = "C", on = { "other-blamed" = "war" } }
    states.war   = { play = "D", on = { "clear" = { peace = 0.5, war = 0.5 } } }

    [repeated]
    delta = 0.9                  # default discount factor, in [0, 1)

Values are normalised by ``1 - delta``: a constant stream of ``x`` is worth ``x``.
A strategy name is looked up in the file first, then in the doctrine
library (:mod:`models.doctrines`); a file strategy may not take the name of
a library doctrine (``grim``, ``punish:2``, ...).

A :class:`RepeatedModel` is validated on construction, whether it comes
from a file or from Python: the discount factor is in [0, 1), the
monitoring refers to the game's actions and players, and strategy names are
distinct.  A model read from a file is also checked as a whole
(:func:`repeated_from_mapping`): every strategy plays actions of the game
and uses patterns that can occur under the file's monitoring.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from .automata import Automaton, BoundAutomaton, automaton_from_mapping, automaton_to_mapping, bind, check_automaton
from .doctrines import DOCTRINES, doctrine
from .errors import ModelError
from .formats import write_game
from .formats.json_format import dump_json
from .formats.mapping import Origin, game_to_mapping
from .formats.toml_format import dump_toml
from .monitoring import (
    Monitoring,
    PerfectMonitoring,
    SignalStructure,
    check_monitoring,
    monitoring_from_mapping,
    monitoring_to_mapping,
    signal_structure,
)
from .numbers import Number, format_number, is_exact, parse_number
from .stage import StageGame

__all__ = ["RepeatedModel", "repeated_from_mapping", "repeated_to_mapping", "check_delta", "bind_strategy",
           "shadows_doctrine"]

#: Names a file strategy may not take: the library doctrines, with or without a parameter.
_DOCTRINE_NAMES = frozenset(name.partition(":")[0] for name in DOCTRINES)


def shadows_doctrine(name: str) -> bool:
    """True when a strategy called ``name`` would hide a library doctrine (``grim``, ``punish:3``...)."""
    return name.partition(":")[0].strip() in _DOCTRINE_NAMES


def check_delta(value: object, *, field: str = "delta") -> Number:
    """A discount factor in [0, 1)."""
    delta = parse_number(value, field=field)
    if isinstance(value, str) and delta == 1 and Fraction(value.strip()) < 1:
        raise ModelError(f"{value.strip()} rounds to 1 in floating point; write it as a fraction such as "
                         f"{Fraction(value.strip())}", field=field)
    if delta < 0 or delta >= 1:
        raise ModelError(f"the discount factor must be in [0, 1), got {format_number(delta)}", field=field)
    return delta


@dataclass(frozen=True)
class RepeatedModel:
    """Everything a repeated-game command needs from a model file (validated on construction).

    Parameters
    ----------
    game:
        The stage game.
    monitoring:
        Public monitoring; its hostile actions, table keys and blamed players must exist in ``game``.
    strategies:
        ``(name, automaton)`` pairs defined by the model; names are distinct and do not shadow a
        library doctrine.
    delta:
        Default discount factor in [0, 1), or None.
    origin:
        Where the model was read from (used to name the file and line in errors found later, when a
        strategy is seated); not part of the model's value.

    Raises
    ------
    ModelError
        Naming the field (``repeated.delta``, ``monitoring.hostile``, ``strategies.NAME``...).
    """

    game: StageGame
    monitoring: Monitoring = PerfectMonitoring()
    strategies: tuple[tuple[str, Automaton], ...] = ()
    delta: Number | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.game, StageGame):
            raise ModelError(f"expected a StageGame, got {type(self.game).__name__}", field="game")
        check_monitoring(self.game, self.monitoring)
        pairs = list(self.strategies.items()) if isinstance(self.strategies, Mapping) else self.strategies
        if isinstance(pairs, str) or not isinstance(pairs, Sequence):
            raise ModelError("expected (name, automaton) pairs", field="strategies")
        out: list[tuple[str, Automaton]] = []
        seen: set[str] = set()
        for pair in pairs:
            if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)
                    and isinstance(pair[1], Automaton)):
                raise ModelError(f"expected a (name, automaton) pair, got {pair!r}", field="strategies")
            name = pair[0]
            if name in seen:
                raise ModelError(f"two strategies named {name!r}", field=f"strategies.{name}")
            if shadows_doctrine(name):
                raise ModelError(f"strategy {name!r} shadows the library doctrine of that name; rename it",
                                 field=f"strategies.{name}")
            seen.add(name)
            out.append((name, pair[1]))
        object.__setattr__(self, "strategies", tuple(out))
        if self.delta is not None:
            object.__setattr__(self, "delta", check_delta(self.delta, field="repeated.delta"))
        if self.origin is not None and not isinstance(self.origin, Origin):
            raise ModelError(f"expected an Origin, got {type(self.origin).__name__}", field="origin")

    def strategy(self, name: str) -> Automaton:
        """A strategy defined in the file, else a library doctrine (``grim``, ``punish:3``, ...)."""
        for key, automaton in self.strategies:
            if key == name:
                return automaton
        try:
            return doctrine(name)
        except ModelError as exc:
            if not exc.message.startswith("unknown strategy"):
                raise
        own = [k for k, _ in self.strategies]
        known = (f"strategies in the model: {', '.join(own)}; " if own else "") + \
            f"library doctrines: {', '.join(DOCTRINES)}"
        raise ModelError(f"unknown strategy {name!r}; {known}")

    def with_monitoring(self, monitoring: Monitoring) -> RepeatedModel:
        return replace(self, monitoring=monitoring)


def bind_strategy(model: RepeatedModel, name: str, signals: SignalStructure, player: int) -> BoundAutomaton:
    """Seat strategy ``name`` of ``model`` (or the library doctrine) in seat ``player``.

    Like :func:`models.automata.bind`, but an error names the model's file and line.

    Raises
    ------
    ModelError
        Unknown strategy, an action the seat does not have, a pattern that cannot occur, no
        peaceful or no hostile action for a doctrine.
    """
    automaton = model.strategy(name)
    try:
        return bind(automaton, model.game, signals, player)
    except ModelError as exc:
        raise (model.origin.locate(exc) if model.origin is not None else exc) from None


def repeated_from_mapping(data: Mapping[str, Any], game: StageGame, origin: Origin | None = None) -> RepeatedModel:
    """The repeated-game parts of a parsed model file (the stage game is already read).

    The whole file is checked: besides what :class:`RepeatedModel` checks, every strategy plays
    actions of the game and uses patterns that can occur under the file's monitoring.
    """
    monitoring = monitoring_from_mapping(data.get("monitoring"))
    signals = signal_structure(game, monitoring)  # validate labels, table rows and blames against the game now
    strategies = data.get("strategies", {})
    if not isinstance(strategies, Mapping):
        raise ModelError("expected a table of strategies, one [strategies.NAME] each", field="strategies")
    autos = tuple((str(name), automaton_from_mapping(str(name), spec)) for name, spec in strategies.items())
    delta = None
    rep = data.get("repeated")
    if rep is not None:
        if not isinstance(rep, Mapping):
            raise ModelError("expected a table", field="repeated")
        for key in rep:
            if key != "delta":
                raise ModelError(f"unknown key {key!r}; known keys are delta", field=f"repeated.{key}")
        if "delta" in rep:
            delta = check_delta(rep["delta"], field="repeated.delta")
    model = RepeatedModel(game, monitoring, autos, delta, origin)
    for _, automaton in autos:
        check_automaton(automaton, game, signals)
    return model


def repeated_to_mapping(model: RepeatedModel) -> dict[str, Any]:
    """The full mapping form: stage game plus the non-default repeated-game tables."""
    out = game_to_mapping(model.game)
    if not isinstance(model.monitoring, PerfectMonitoring) or model.monitoring != PerfectMonitoring():
        out["monitoring"] = monitoring_to_mapping(model.monitoring)
    if model.strategies:
        out["strategies"] = {name: automaton_to_mapping(a) for name, a in model.strategies}
    if model.delta is not None:
        d = model.delta
        out["repeated"] = {"delta": format_number(d) if is_exact(d) else float(d)}
    return out


def dump_repeated(model: RepeatedModel, fmt: str) -> tuple[str, tuple[str, ...]]:
    """Text of ``model`` in format ``fmt``, and the names of the tables that format cannot hold.

    TOML and JSON hold everything; a Gambit ``.nfg`` file holds the stage game only.
    """
    mapping = repeated_to_mapping(model)
    if fmt == "nfg":
        dropped = tuple(k for k in ("monitoring", "strategies", "repeated") if k in mapping)
        return write_game(model.game, "nfg"), dropped
    if fmt == "toml":
        return dump_toml(mapping), ()
    if fmt == "json":
        return dump_json(mapping), ()
    raise ModelError(f"unknown format {fmt!r}; choose one of toml, nfg, json")
