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
library (:mod:`models.doctrines`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from .automata import Automaton, automaton_from_mapping, automaton_to_mapping
from .doctrines import DOCTRINES, doctrine
from .errors import ModelError
from .formats import write_game
from .formats.json_format import dump_json
from .formats.mapping import game_to_mapping
from .formats.toml_format import dump_toml
from .monitoring import (
    Monitoring,
    PerfectMonitoring,
    monitoring_from_mapping,
    monitoring_to_mapping,
    signal_structure,
)
from .numbers import Number, format_number, is_exact, parse_number
from .stage import StageGame

__all__ = ["RepeatedModel", "repeated_from_mapping", "repeated_to_mapping", "check_delta"]


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
    """Everything a repeated-game command needs from a model file."""

    game: StageGame
    monitoring: Monitoring = PerfectMonitoring()
    strategies: tuple[tuple[str, Automaton], ...] = ()
    delta: Number | None = None

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


def repeated_from_mapping(data: Mapping[str, Any], game: StageGame) -> RepeatedModel:
    """The repeated-game parts of a parsed model file (the stage game is already read)."""
    monitoring = monitoring_from_mapping(data.get("monitoring"))
    signal_structure(game, monitoring)  # validate labels, table rows and blames against the game now
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
    return RepeatedModel(game, monitoring, autos, delta)


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
