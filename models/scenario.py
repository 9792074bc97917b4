"""Cyber scenarios: named parameters that generate a repeated game, and the doctrines to compare in it.

A scenario file has one table, ``[scenario]`` (every key optional)::

    [scenario]
    title = "Two rival states"
    states = ["State A", "State B"]   # or a count: states = 3 (default 2); at most MAX_STATES (4)
    third_parties = []                # states that are proxies or criminal groups
    operations = ["Attack"]           # hostile actions, each state's first action is "Restrain"
    gain = 2                          # benefit of an operation to its author
    damage = 3                        # loss of each target of an operation
    cost = 1                          # cost of mounting an operation
    detection = 0.8                   # P(an operation is blamed on its author)
    false_flag = 0.05                 # P(a restraining state is blamed anyway)
    proxy_flag = 0.2                  # P(a third party's operation is blamed on a given state)
    tremble = 0.01                    # P(an intended action is replaced by another)
    delay = 0                         # periods before a blame becomes public
    effectiveness = 0.7               # clarification channel: P(a false blame is cleared)
    deception = 0.1                   #   P(a real attack is cleared)
    channel_cost = 0.05               #   cost to every state per use (one use per blame)
    audit = 0.1                       # P(an audit reveals every true action this period)
    audit_cost = 0.5                  # cost to every state of a period with an audit
    delta = 0.9
    deterrence = ["grim", "tit-for-tat", "punish:2"]
    norms = ["generous:best", "forgiving-trigger:best", "wsls", "contrite", "consult+channel",
             "consult+channel+audit"]

    [scenario.operation.Probe]        # per operation: gain, damage, cost, detection
    [scenario.state."State B"]        # per state: gain, damage, cost (its own operations, its own losses)

A state may not share an operation's name, and a table names what it is for: an operation under
``[scenario.state.X]`` (or a state under ``[scenario.operation.X]``) is refused with its line.
``deterrence`` or ``norms`` may be empty (the scenario keeps the empty tuple), not both.  Payoff
values whose stage payoffs go beyond ``MAX_FLOAT_PAYOFF`` are refused, naming the value.

**Stage payoffs.**  A state that mounts operation ``k`` earns ``gain - cost``
of ``k``; every operation of another state costs each of its targets that
target's ``damage`` of the operation.  An operation targets every other state
that is not a third party; third parties are never targeted.  Per-state
values override per-operation ones, which override the flat ones.  With the
defaults the stage game is ``catalog:cyber``: a prisoner's dilemma with
``T = 1, R = 0, P = -2, S = -3``.

**Third parties** have the same actions.  A third party is never blamed; each
of its operations is blamed on every other state with probability
``proxy_flag`` (see :class:`~models.monitoring.AttributionMonitoring`).  In
:meth:`Scenario.seats` it plays ``always-attack`` (its operations cost it
nothing it can avoid: it is not a target, so attacking is its best reply
whenever ``gain >= cost``).

**Levers.**  The clarification channel and the audits exist in the scenario
(``effectiveness``/``deception`` or ``audit`` given, or the defaults kept),
but a doctrine uses them only when it says so: ``consult+channel`` plays
``consult`` with the channel, ``grim+audit`` grim with audits.  Every other
doctrine plays in the bare setting.  ``NAME:best`` (``generous:best``,
``forgiving-trigger:best``) asks for the doctrine's parameter that maximises
its value among those at which it is a PPE, computed for the scenario.

A scenario can also wrap an ordinary repeated-game model (:func:`scenario_from_model`):
the game and its monitoring come from the model, and the parameters are the
monitoring's (``detection``, ``false_flag``, ``tremble``, ``delay``, the
channel's, ``audit``...), ``delta`` and, with attribution monitoring,
``ACTION.detection`` for each hostile action (a per-action ``detection``
table in the file gives their values).  As in a scenario file, a flat
``detection`` set later replaces every per-action rate.

:func:`scenario_to_mapping` writes a scenario's file form back (``convert``,
``catalog NAME --json``).

This module never imports :mod:`solver`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np

from .doctrines import doctrine
from .errors import ModelError
from .monitoring import MAX_DELAY, AttributionMonitoring, Clarification, Monitoring, _hostile_sets
from .numbers import Number, format_number, parse_number, plain_number
from .repeated import RepeatedModel, check_delta
from .stage import MAX_FLOAT_PAYOFF, StageGame

__all__ = ["Scenario", "scenario_from_mapping", "scenario_from_model", "scenario_to_mapping", "DEFAULTS",
           "PAYOFF_KEYS", "LEVERS", "LEVER_NAMES", "LEVER_PARAMETERS", "DEFAULT_DETERRENCE", "DEFAULT_NORMS",
           "MAX_STATES", "SLOW_STATES", "parse_entry",
           "split_levers", "Entry"]

F = Fraction
#: Every flat parameter and its default (the built-in default scenario says why each is plausible).
DEFAULTS: dict[str, Number] = {
    "gain": F(2), "damage": F(3), "cost": F(1),
    "detection": F(4, 5), "false_flag": F(1, 20), "proxy_flag": F(1, 5), "tremble": F(0), "delay": 0,
    "effectiveness": F(7, 10), "deception": F(1, 10), "channel_cost": F(1, 20),
    "audit": F(1, 10), "audit_cost": F(1, 2), "delta": F(9, 10),
}
PAYOFF_KEYS = ("gain", "damage", "cost")
OPERATION_KEYS = PAYOFF_KEYS + ("detection",)
PROBABILITIES = ("detection", "false_flag", "proxy_flag", "tremble", "effectiveness", "deception", "audit")
COSTS = ("channel_cost", "audit_cost")
#: The diplomacy levers a doctrine entry can ask for with ``+``.
LEVERS = ("channel", "audit")
#: Each lever's name in prose.
LEVER_NAMES = {"channel": "clarification channel", "audit": "audits"}
#: The parameters that act only through a lever, and that lever.
LEVER_PARAMETERS = {"effectiveness": "channel", "deception": "channel", "channel_cost": "channel", "audit": "audit",
                    "audit_cost": "audit"}
DEFAULT_DETERRENCE = ("grim", "tit-for-tat", "punish:2")
DEFAULT_NORMS = ("generous:best", "forgiving-trigger:best", "wsls", "contrite", "consult+channel",
                 "consult+channel+audit")
#: The doctrines whose parameter ``NAME:best`` can optimise, and the parameter's name.
TUNABLE = {"generous": "generosity", "forgiving-trigger": "phi", "forgiving-trigger-independent": "phi"}
#: The most states a scenario file may have (a count or a list of names).  The joint automaton's chain grows
#: as (automaton states)^N and the signal set as 2^N (3^N with the channel).  Measured ``compare`` with the
#: 9 default doctrines (2 shared cores): 3 states 32 s of CPU, 4 states 475 s (2 doctrines: 13 s), 5 states
#: not done in 600 s.  So 4 is allowed with a warning (:attr:`Scenario.slow_note`), 5 is refused.
MAX_STATES = 4
#: From this many states on, :attr:`Scenario.slow_note` warns that compare takes minutes.
SLOW_STATES = 4
_KEYS = ("title", "description", "states", "third_parties", "operations", "deterrence", "norms", "operation",
         "state") + tuple(DEFAULTS)


@dataclass(frozen=True)
class Entry:
    """One doctrine row: a library doctrine (perhaps ``NAME:best``) and the levers it uses."""

    doctrine: str  # "grim", "punish:2", "generous:best"
    levers: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return "+".join((self.doctrine,) + self.levers)

    @property
    def tuned(self) -> str | None:
        """The parameter ``:best`` asks to optimise (``generosity``, ``phi``), else None."""
        base, _, arg = self.doctrine.partition(":")
        return TUNABLE.get(base) if arg.strip() == "best" else None

    def with_parameter(self, value: Number) -> str:
        """The doctrine name with ``best`` replaced by ``value`` (``generous:1/10``)."""
        return f"{self.doctrine.partition(':')[0]}:{format_number(value, 17)}"


def split_levers(text: str, *, field: str = "doctrine") -> tuple[str, tuple[str, ...]]:
    """``consult+channel+audit`` -> ("consult", ("channel", "audit")), the levers checked and in LEVERS order."""
    if not isinstance(text, str) or not text.strip():
        raise ModelError("expected a doctrine name such as 'grim' or 'consult+channel'", field=field)
    parts = [p.strip() for p in text.split("+")]
    name, levers = parts[0], parts[1:]
    for lever in levers:
        if lever not in LEVERS:
            raise ModelError(f"unknown lever {lever!r} in {text!r}; levers are {', '.join(LEVERS)}", field=field)
    if len(set(levers)) != len(levers):
        raise ModelError(f"a lever is repeated in {text!r}", field=field)
    return name, tuple(sorted(levers, key=LEVERS.index))


def parse_entry(text: str, *, field: str = "doctrine") -> Entry:
    """``consult+channel+audit`` -> Entry("consult", ("channel", "audit")); the doctrine is checked."""
    name, levers = split_levers(text, field=field)
    entry = Entry(name, levers)
    base, sep, arg = name.partition(":")
    if sep and arg.strip() == "best":
        if base not in TUNABLE:
            raise ModelError(f"{name!r}: only {', '.join(TUNABLE)} have a parameter that ':best' can tune",
                             field=field)
        doctrine(f"{base}:1/2")
    else:
        try:
            doctrine(name)
        except ModelError as exc:
            raise ModelError(exc.message, field=field) from None
    return entry


def _too_many_states(n: int) -> str:
    return (f"expected 2 to {MAX_STATES} states, got {n}: a scenario supports at most {MAX_STATES} (the chains and "
            f"signal sets grow exponentially in the number of states; compare on {MAX_STATES + 1} would not finish "
            "in reasonable time)")


_A = {"operation": "an operation", "state": "a state"}


def _toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def _quoted(name: str) -> str:
    """A name as one part of a dotted field (``"a.b"`` quoted when it holds a dot)."""
    return f'"{name}"' if "." in name else name


def _value(key: str, value: object, where: str) -> Number:
    if key == "delay":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DELAY:
            raise ModelError(f"expected a whole number of periods from 0 to {MAX_DELAY}, got {value!r}", field=where)
        return value
    if key == "delta":
        return check_delta(value, field=where)
    x = parse_number(value, field=where)
    if key in PROBABILITIES and not 0 <= x <= 1:
        raise ModelError(f"expected a probability in [0, 1], got {format_number(x)}", field=where)
    if key in COSTS + PAYOFF_KEYS and x < 0:
        raise ModelError(f"expected a number >= 0, got {format_number(x)}", field=where)
    return x


@dataclass(frozen=True)
class Scenario:
    """A cyber scenario (validated on construction; see the module docstring).

    ``values`` holds every flat parameter; ``overrides`` the per-operation and per-state values as
    ``("OPERATION.key" | "STATE.key", value)`` pairs.  ``base`` is set when the scenario wraps an
    ordinary repeated-game model: then the game and monitoring come from it.
    """

    title: str = "Cyber scenario"
    description: str = ""
    states: tuple[str, ...] = ("State A", "State B")
    third_parties: tuple[str, ...] = ()
    operations: tuple[str, ...] = ("Attack",)
    values: tuple[tuple[str, Number], ...] = ()
    overrides: tuple[tuple[str, Number], ...] = ()
    deterrence: tuple[Entry, ...] = tuple(Entry(d) for d in DEFAULT_DETERRENCE)
    norms: tuple[Entry, ...] = tuple(parse_entry(d) for d in DEFAULT_NORMS)
    base: RepeatedModel | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        vals = dict(DEFAULTS)
        vals.update(dict(self.values))
        for key, v in list(vals.items()):
            if key not in DEFAULTS:
                raise ModelError(f"unknown parameter {key!r}; parameters are {', '.join(DEFAULTS)}",
                                 field=f"scenario.{key}")
            vals[key] = _value(key, v, f"scenario.{key}")
        object.__setattr__(self, "values", tuple(vals.items()))
        object.__setattr__(self, "deterrence", tuple(self.deterrence))
        object.__setattr__(self, "norms", tuple(self.norms))
        if not self.deterrence and not self.norms:
            raise ModelError("no doctrines to compare: give at least one doctrine in deterrence or norms",
                             field="scenario.deterrence/norms")
        if self.base is not None:
            self._check_base_overrides()
            return
        if len(self.states) < 2 or len(set(self.states)) != len(self.states):
            raise ModelError("expected at least two distinct state names", field="scenario.states")
        for t in self.third_parties:
            if t not in self.states:
                raise ModelError(f"unknown state {t!r}; states are {', '.join(self.states)}",
                                 field="scenario.third_parties")
        if len(self.states) - len(set(self.third_parties)) < 2:
            raise ModelError("at least two states must not be third parties", field="scenario.third_parties")
        if not self.operations or len(set(self.operations)) != len(self.operations) or "Restrain" in self.operations:
            raise ModelError("expected distinct operation names other than 'Restrain'", field="scenario.operations")
        clash = [s for s in self.states if s in self.operations]
        if clash:
            raise ModelError(f"{clash[0]!r} names both a state and an operation; give them different names "
                             "(a per-state or per-operation value would be ambiguous)", field="scenario.states")
        given = {}
        allowed: tuple[str, ...]
        for key, v in self.overrides:
            owner, _, name = key.rpartition(".")
            if owner in self.operations:
                where, allowed = f"scenario.operation.{_quoted(owner)}.{name}", OPERATION_KEYS
            elif owner in self.states:
                where, allowed = f"scenario.state.{_quoted(owner)}.{name}", PAYOFF_KEYS
            else:
                raise ModelError(f"unknown operation or state {owner!r}; operations are "
                                 f"{', '.join(self.operations)}, states are {', '.join(self.states)}",
                                 field=f"scenario.{_quoted(owner)}.{name}")
            if name not in allowed:
                raise ModelError(f"unknown key {name!r}; known keys are {', '.join(allowed)}", field=where)
            given[key] = _value(name, v, where)
        # canonical order (operations, then states, each in their order, keys in table order): a set of values
        order = [f"{op}.{k}" for op in self.operations for k in OPERATION_KEYS]
        order += [f"{st}.{k}" for st in self.states for k in PAYOFF_KEYS]
        object.__setattr__(self, "overrides", tuple((k, given[k]) for k in order if k in given))
        self._check_payoff_scale()

    def _check_base_overrides(self) -> None:
        """A wrapped model's dotted values are the per-action detection rates (``Hack.detection``)."""
        hostile = self._hostile_labels()
        given = {}
        for key, v in self.overrides:
            owner, _, name = key.rpartition(".")
            if name != "detection" or owner not in hostile:
                known = ", ".join(f"{a}.detection" for a in hostile) or "none"
                raise ModelError(f"unknown parameter {key!r}; the per-action parameters of this model are {known}",
                                 field="monitoring.detection")
            given[key] = _value("detection", v, f"monitoring.detection.{owner}")
        object.__setattr__(self, "overrides", tuple((f"{a}.detection", given[f"{a}.detection"]) for a in hostile
                                                    if f"{a}.detection" in given))

    def _hostile_labels(self) -> tuple[str, ...]:
        """A wrapped model with attribution monitoring: its hostile action labels, in order (else none)."""
        if self.base is None or not isinstance(self.base.monitoring, AttributionMonitoring):
            return ()
        game = self.base.game
        sets = _hostile_sets(game, self.base.monitoring.hostile)
        labels = [game.actions[i][k] for i in range(game.n_players) for k in sorted(sets[i])]
        return tuple(dict.fromkeys(labels))

    def _check_payoff_scale(self) -> None:
        """Refuse payoff values whose stage payoffs would overflow float work, naming the value to blame."""
        def look(me: str, op: str, key: str) -> Fraction:
            return Fraction(self._lookup(me, op, key))  # floats exactly: no overflow in the sums below

        worst = Fraction(0)
        n = len(self.states)
        for me in self.states:
            own = max(abs(look(me, op, "gain") - look(me, op, "cost")) for op in self.operations)
            hurt = max(look(me, op, "damage") for op in self.operations) if me not in self.third_parties else 0
            worst = max(worst, own + (n - 1) * hurt)
        if worst <= MAX_FLOAT_PAYOFF:
            return
        candidates: list[tuple[str, Number]] = [(f"scenario.{k}", dict(self.values)[k]) for k in PAYOFF_KEYS]
        for key, v in self.overrides:
            owner, _, name = key.rpartition(".")
            if name in PAYOFF_KEYS:
                table = "operation" if owner in self.operations else "state"
                candidates.append((f"scenario.{table}.{_quoted(owner)}.{name}", v))
        where, _ = max(candidates, key=lambda c: abs(Fraction(c[1])))
        raise ModelError(f"too large: the stage payoffs it gives go beyond +-{MAX_FLOAT_PAYOFF:g}, where floating "
                         "point would overflow; rescale gain, damage and cost", field=where)

    # -- parameters -------------------------------------------------------------------------------------

    def value(self, name: str) -> Number:
        """A parameter's value: flat (``detection``) or dotted (``Probe.detection``, ``State B.gain``)."""
        extra = dict(self.overrides)
        if name in extra:
            return extra[name]
        self.check_parameter(name)
        if "." in name:
            owner, _, key = name.rpartition(".")
            if self.base is not None:  # a hostile action without its own rate has the flat one
                return dict(self.values)[key]
            return self._lookup(None if owner in self.operations else owner,
                                owner if owner in self.operations else None, key)
        return dict(self.values)[name]

    def parameters(self) -> tuple[str, ...]:
        """The names a user can set or sweep (``--set NAME=VALUE``, ``--over NAME``).

        A scenario file: the flat names, then ``OPERATION.key`` and ``STATE.key``.  A wrapped model: the
        monitoring's parameters and ``delta``, then with attribution monitoring ``ACTION.detection`` for
        each hostile action.
        """
        if self.base is not None:
            mon = self.base.monitoring
            names = ["tremble", "delay", "delta"]
            if isinstance(mon, AttributionMonitoring):
                names += ["detection", "false_flag", "audit", "audit_cost"]
                if mon.proxies:
                    names.append("proxy_flag")
                if mon.clarification is not None:
                    names += ["effectiveness", "deception", "channel_cost"]
                names += [f"{a}.detection" for a in self._hostile_labels()]
            return tuple(names)
        out = list(DEFAULTS)
        out += [f"{op}.{k}" for op in self.operations for k in OPERATION_KEYS]
        out += [f"{s}.{k}" for s in self.states for k in PAYOFF_KEYS]
        return tuple(out)

    def shown_parameters(self) -> tuple[tuple[str, Number], ...]:
        """The parameters to print with a result: the flat values, then every per-operation, per-state or
        per-action value that is set.  The flat ``detection`` is left out when every operation (hostile
        action) has its own rate, since then no operation uses it.
        """
        flat = [p for p in self.parameters() if "." not in p]
        if "detection" in flat and self._every_rate_given():
            flat.remove("detection")
        return tuple((p, self.value(p)) for p in flat) + self.overrides

    def _every_rate_given(self) -> bool:
        ops = self._hostile_labels() if self.base is not None else self.operations
        extra = dict(self.overrides)
        return bool(ops) and all(f"{op}.detection" in extra for op in ops)

    def check_parameter(self, name: str) -> None:
        if name not in self.parameters():
            where = "this model" if self.base is not None else "this scenario"
            flat = [p for p in self.parameters() if "." not in p]
            if self.base is None:
                more = ", and OPERATION.key or STATE.key"
            else:
                more = "".join(f", {a}.detection" for a in self._hostile_labels())
            raise ModelError(f"unknown parameter {name!r}; the parameters of {where} are {', '.join(flat)}{more}")

    def with_values(self, changes: Mapping[str, object]) -> Scenario:
        """A copy with some parameters changed (validated).

        A flat value given here (``detection``) replaces that key's per-operation and per-state values too,
        so that ``--detection 0.6`` or ``--over detection`` moves every operation's rate.
        """
        values = dict(self.values)
        overrides = dict(self.overrides)
        for name, v in changes.items():
            self.check_parameter(name)
            if "." in name:
                overrides[name] = v  # type: ignore[assignment]
            else:
                values[name] = v  # type: ignore[assignment]
                overrides = {k: x for k, x in overrides.items() if k.rpartition(".")[2] != name}
        return replace(self, values=tuple(values.items()), overrides=tuple(overrides.items()))

    def _lookup(self, state: str | None, operation: str | None, key: str) -> Number:
        extra = dict(self.overrides)
        if state is not None and f"{state}.{key}" in extra:
            return extra[f"{state}.{key}"]
        if operation is not None and f"{operation}.{key}" in extra:
            return extra[f"{operation}.{key}"]
        return dict(self.values)[key]

    # -- the generated model ----------------------------------------------------------------------------

    @property
    def players(self) -> tuple[str, ...]:
        return self.base.game.players if self.base is not None else self.states

    def stage_game(self) -> StageGame:
        """The stage game the payoff parameters generate (see the module docstring)."""
        if self.base is not None:
            return self.base.game
        n = len(self.states)
        actions = ("Restrain",) + self.operations
        targets = [s not in self.third_parties for s in self.states]
        shape = (len(actions),) * n
        payoffs = []
        for i, me in enumerate(self.states):
            table: dict[tuple[int, ...], Number] = {}
            for a in itertools.product(range(len(actions)), repeat=n):
                u: Number = Fraction(0)
                if a[i]:
                    op = self.operations[a[i] - 1]
                    u += self._lookup(me, op, "gain") - self._lookup(me, op, "cost")
                if targets[i]:
                    for j in range(n):
                        if j != i and a[j]:
                            u -= self._lookup(me, self.operations[a[j] - 1], "damage")
                table[a] = u
            payoffs.append(table)
        arrays = []
        for table in payoffs:
            arr = np.empty(shape, dtype=object)
            for a, u in table.items():
                arr[a] = u
            arrays.append(arr)
        return StageGame(self.states, tuple(actions for _ in self.states), tuple(arrays), self.title,
                         self.description)

    @property
    def slow_note(self) -> str | None:
        """A warning to print before ``compare`` or ``metagame`` starts, when the scenario is large; else None.

        The estimate is measured, not computed: see :data:`MAX_STATES`.
        """
        if self.base is not None or len(self.states) < SLOW_STATES:
            return None
        return (f"{len(self.states)} states: compare may take many minutes (measured on 4 states: the 9 default "
                "doctrines took 8 minutes of CPU time, grim and wsls alone 13 s; doctrines with the channel or "
                "':best' take longest)")

    @property
    def has_channel(self) -> bool:
        if self.base is not None:
            mon = self.base.monitoring
            return isinstance(mon, AttributionMonitoring) and mon.clarification is not None
        return True

    @property
    def has_audits(self) -> bool:
        if self.base is not None:
            mon = self.base.monitoring
            return isinstance(mon, AttributionMonitoring) and mon.audit != 0
        return self.value("audit") != 0

    @property
    def levers(self) -> tuple[str, ...]:
        """The levers the scenario has, in :data:`LEVERS` order (a wrapped model: those its monitoring has)."""
        return tuple(lever for lever, on in (("channel", self.has_channel), ("audit", self.has_audits)) if on)

    def monitoring(self, levers: Sequence[str] = ()) -> Monitoring:
        """The monitoring, with the channel and the audits only when ``levers`` ask for them."""
        v = dict(self.values)
        if self.base is not None:
            return self._base_monitoring(levers, v)
        by_action = tuple((op, self._lookup(None, op, "detection")) for op in self.operations)
        channel = (Clarification(v["effectiveness"], v["deception"], v["channel_cost"])
                   if "channel" in levers else None)
        audits = "audit" in levers
        return AttributionMonitoring(
            v["tremble"], int(v["delay"]), self.operations, v["detection"], v["false_flag"], channel,
            by_action if any(r != v["detection"] for _, r in by_action) else (),
            v["audit"] if audits else Fraction(0), v["audit_cost"] if audits else Fraction(0),
            self.third_parties, v["proxy_flag"] if self.third_parties else Fraction(0))

    def _base_monitoring(self, levers: Sequence[str], v: dict[str, Number]) -> Monitoring:
        mon = self.base.monitoring  # type: ignore[union-attr]
        tremble, delay = v["tremble"], int(v["delay"])
        if not isinstance(mon, AttributionMonitoring):
            return replace(mon, tremble=tremble, delay=delay)
        clar = mon.clarification
        if clar is not None:
            clar = Clarification(v["effectiveness"], v["deception"], v["channel_cost"]) if "channel" in levers else None
        audits = "audit" in levers
        # the per-action rates are the scenario's ACTION.detection values: a flat detection set later cleared them
        by_action = tuple((key.rpartition(".")[0], rate) for key, rate in self.overrides)
        return replace(mon, tremble=tremble, delay=delay, detection=v["detection"], false_flag=v["false_flag"],
                       clarification=clar, detection_by_action=by_action,
                       audit=v["audit"] if audits else Fraction(0),
                       audit_cost=v["audit_cost"] if audits else Fraction(0),
                       proxy_flag=v["proxy_flag"] if mon.proxies else mon.proxy_flag)

    def model(self, levers: Sequence[str] = ()) -> RepeatedModel:
        """The repeated game a doctrine with these levers plays in."""
        if self.base is not None:
            return replace(self.base, monitoring=self.monitoring(levers), delta=self.value("delta"))
        return RepeatedModel(self.stage_game(), self.monitoring(levers), (), self.value("delta"))

    def full_model(self) -> RepeatedModel:
        """The repeated game with every lever the scenario has (what ``detente repeated`` reads)."""
        return self.model(self.levers)

    def seats(self, strategy: str) -> list[str]:
        """One strategy per player: ``strategy`` for the states, ``always-attack`` for third parties."""
        if self.base is not None:
            return [strategy] * self.base.game.n_players
        return ["always-attack" if s in self.third_parties else strategy for s in self.states]

    @property
    def strategic(self) -> tuple[int, ...]:
        """Seats that are states (not third parties)."""
        return tuple(i for i, s in enumerate(self.players) if s not in self.third_parties)


def _names(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ModelError("expected a list of names", field=where)
    return tuple(value)


def _entries(value: object, where: str) -> tuple[Entry, ...]:
    names = _names(value, where)
    return tuple(parse_entry(x, field=f"{where}[{k}]") for k, x in enumerate(names))


def scenario_from_mapping(data: Mapping[str, Any]) -> Scenario:
    """Read a scenario file's parsed table (its ``[scenario]`` table, plus optional top-level title)."""
    for key in data:
        if key not in ("scenario", "title", "description"):
            raise ModelError(f"a scenario file holds only [scenario] (and title, description), found {key!r}",
                             field=key)
    spec = data["scenario"]
    if not isinstance(spec, Mapping):
        raise ModelError("expected a table", field="scenario")
    for key in spec:
        if key not in _KEYS:
            raise ModelError(f"unknown key {key!r}; known keys are {', '.join(_KEYS)}", field=f"scenario.{key}")
    kwargs: dict[str, Any] = {}
    for key in ("title", "description"):
        text = spec.get(key, data.get(key))
        if text is not None:
            if not isinstance(text, str):
                raise ModelError("expected a string", field=f"scenario.{key}")
            kwargs[key] = text
    states = spec.get("states", 2)
    if isinstance(states, int) and not isinstance(states, bool):
        if states < 2:
            raise ModelError(f"expected 2 to {MAX_STATES} states, got {states}", field="scenario.states")
        if states > MAX_STATES:
            raise ModelError(_too_many_states(states), field="scenario.states")
        states = [f"State {chr(ord('A') + k)}" for k in range(states)]
    kwargs["states"] = _names(states, "scenario.states")
    if len(kwargs["states"]) > MAX_STATES:  # a list of names as well as a count
        raise ModelError(_too_many_states(len(kwargs["states"])), field="scenario.states")
    if "third_parties" in spec:
        kwargs["third_parties"] = _names(spec["third_parties"], "scenario.third_parties")
    if "operations" in spec:
        kwargs["operations"] = _names(spec["operations"], "scenario.operations")
    names_of = {"operation": kwargs.get("operations", Scenario.operations), "state": kwargs["states"]}
    for key in ("deterrence", "norms"):
        if key in spec:
            kwargs[key] = _entries(spec[key], f"scenario.{key}")
    kwargs["values"] = tuple((k, spec[k]) for k in DEFAULTS if k in spec)
    overrides = []
    for table, allowed in (("operation", OPERATION_KEYS), ("state", PAYOFF_KEYS)):
        block = spec.get(table, {})
        if not isinstance(block, Mapping):
            raise ModelError("expected a table of tables", field=f"scenario.{table}")
        for owner, values in block.items():
            where = f"scenario.{table}.{_quoted(owner)}"
            if not isinstance(values, Mapping):
                raise ModelError("expected a table", field=where)
            if values and owner not in names_of[table]:  # an empty table applies nothing (the README's template)
                other = "state" if table == "operation" else "operation"
                known = f"{table}s are {', '.join(names_of[table])}"
                if owner in names_of[other]:
                    raise ModelError(f"{owner!r} is {_A[other]}, not {_A[table]}: write [scenario.{other}."
                                     f"{_toml_key(owner)}] for it ({known})", field=where)
                raise ModelError(f"unknown {table} {owner!r}; {known}", field=where)
            for k, v in values.items():
                if k not in allowed:
                    raise ModelError(f"unknown key {k!r}; known keys are {', '.join(allowed)}",
                                     field=f"{where}.{k}")
                overrides.append((f"{owner}.{k}", v))
    kwargs["overrides"] = tuple(overrides)
    return Scenario(**kwargs)


def scenario_from_model(model: RepeatedModel) -> Scenario:
    """Wrap an ordinary repeated-game model: its game and monitoring, its parameters as the scenario's.

    A per-action detection table becomes the ``ACTION.detection`` parameters.  The flat ``detection`` is
    then the rate of the hostile actions the table does not list; when it lists every one, no action has
    the flat rate (the file's placeholder is 1), and the scenario records the highest listed rate instead, so
    that no path shows a rate the model does not have (:meth:`Scenario.shown_parameters` leaves it out).
    """
    mon = model.monitoring
    values: dict[str, Number] = {"tremble": mon.tremble, "delay": mon.delay}
    overrides: tuple[tuple[str, Number], ...] = ()
    if model.delta is not None:
        values["delta"] = model.delta
    if isinstance(mon, AttributionMonitoring):
        values.update(detection=mon.detection, false_flag=mon.false_flag, audit=mon.audit, audit_cost=mon.audit_cost,
                      proxy_flag=mon.proxy_flag)
        if mon.clarification is not None:
            values.update(effectiveness=mon.clarification.effectiveness, deception=mon.clarification.deception,
                          channel_cost=mon.clarification.cost)
        overrides = tuple((f"{a}.detection", r) for a, r in mon.detection_by_action)
    scenario = Scenario(title=model.game.title or "", description=model.game.description or "",
                        values=tuple(values.items()), overrides=overrides, base=model)
    if overrides and scenario._every_rate_given():
        values["detection"] = max(r for _, r in overrides)
        scenario = replace(scenario, values=tuple(values.items()))
    return scenario


def scenario_to_mapping(scenario: Scenario) -> dict[str, Any]:
    """The file form of a scenario (``title``, ``description`` and ``[scenario]``), every value written out.

    :func:`scenario_from_mapping` reads it back to an equal scenario.  A wrapped model has no scenario
    table: write its model instead.

    Raises
    ------
    ModelError
        For a scenario that wraps a model.
    """
    if scenario.base is not None:
        raise ModelError("this scenario wraps a model file; write the model instead")
    out: dict[str, Any] = {}
    if scenario.title:
        out["title"] = scenario.title
    if scenario.description:
        out["description"] = scenario.description
    spec: dict[str, Any] = {"states": list(scenario.states)}
    if scenario.third_parties:
        spec["third_parties"] = list(scenario.third_parties)
    spec["operations"] = list(scenario.operations)
    for key, v in scenario.values:
        spec[key] = v if key == "delay" else plain_number(v)
    spec["deterrence"] = [e.label for e in scenario.deterrence]
    spec["norms"] = [e.label for e in scenario.norms]
    for table, owners in (("operation", scenario.operations), ("state", scenario.states)):
        block: dict[str, dict[str, Any]] = {}
        for key, v in scenario.overrides:
            owner, _, name = key.rpartition(".")
            if owner in owners:
                block.setdefault(owner, {})[name] = plain_number(v)
        if block:
            spec[table] = block
    out["scenario"] = spec
    return out
