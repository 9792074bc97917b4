"""Strategies as finite automata (Moore machines) that read the public signal.

An automaton has named states.  In each state it *plays* an action (or a
mixture), and *on* each public signal it moves to a state (or a
distribution over states).  Rules are checked in the order written; the
first whose pattern matches the signal decides, and a signal that matches
no rule keeps the state.  Automata are written *player-relative*, so one
definition serves any seat:

==================  =========================================================
pattern             matches the public signal when
==================  =========================================================
``clear``           nobody is blamed
``other-blamed``    another player is blamed (with more than two players:
                    any other player)
``self-blamed``     this player is blamed
``all-blamed``      every player is blamed
``any-blamed``      somebody is blamed
``other-confirmed`` a blame on another player stands after clarification
``other-cleared``   a blame on another player was cleared by clarification
``self-confirmed``  a blame on this player stands after clarification
``self-cleared``    a blame on this player was cleared
``signal:LABEL``    the raw signal is ``LABEL``
``other:ACTION``    another player played ``ACTION`` (perfect monitoring)
``self:ACTION``     this player played ``ACTION`` (perfect monitoring)
``always``          every signal
==================  =========================================================

Without a clarification channel no blame is examined, so every blame
stands: ``other-confirmed`` then matches exactly when ``other-blamed`` does
(and ``self-confirmed`` when ``self-blamed`` does), which is why ``consult``
is tit-for-tat without a channel.  The ``-cleared`` patterns can never
match without a channel, and like every pattern that cannot occur under the
monitoring (``signal:LABEL`` with an unknown label, ``other:ACTION`` or
``self:ACTION`` without perfect monitoring or with an unknown action) they
are an error, reported with the file, line and field.  Under perfect
monitoring a player is blamed exactly when it played a hostile action, so
the blame patterns (and every library doctrine) work under every kind of
monitoring.

``play`` is an action label, a distribution such as ``{ C = 0.9, D = 0.1 }``,
or one of ``@restrain`` (the seat's first non-hostile action) and
``@attack`` (its first hostile action), which the doctrine library uses so
that it fits any game.

A random transition (a rule whose target is a distribution, or a random
``initial`` state) is drawn in one of two ways, chosen per automaton with
``lottery``:

``independent`` (the default)
    each player draws on its own; the draw is publicly observed, so the
    joint state stays common knowledge, but two players who both forgive
    with probability 1/2 go to war together only a quarter of the time.
``shared``
    the automaton reads the *public lottery*: one uniform draw ``u`` in
    [0, 1) per period that every automaton sees.  The unit interval is cut
    into the targets' probabilities in the order the automaton lists its
    states, and the target whose piece holds ``u`` is taken.  Players whose
    automata list their states in the same order (in particular, players
    using the same doctrine) therefore move together: the public
    randomisation device of the textbook forgiving trigger.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .errors import ModelError
from .monitoring import SignalStructure
from .numbers import Number, format_number, is_exact, parse_number, plain_number, sums_to_one
from .stage import StageGame

__all__ = ["Pattern", "Automaton", "BoundAutomaton", "automaton_from_mapping", "automaton_to_mapping", "bind",
           "check_automaton", "PATTERNS", "RESTRAIN", "ATTACK", "LOTTERIES"]

RESTRAIN = "@restrain"
ATTACK = "@attack"
#: How an automaton draws its random transitions (see the module docstring).
LOTTERIES = ("independent", "shared")
PATTERNS = ("clear", "other-blamed", "self-blamed", "all-blamed", "any-blamed", "other-confirmed",
            "other-cleared", "self-confirmed", "self-cleared", "always")

Distribution = tuple[tuple[str, Number], ...]  # (name, probability) pairs, probabilities sum to one


@dataclass(frozen=True)
class Pattern:
    """A signal pattern (see the module docstring)."""

    kind: str  # one of PATTERNS, or "signal", "other-action", "self-action"
    arg: str | None = None

    @classmethod
    def parse(cls, text: str, *, field: str) -> Pattern:
        text = text.strip()
        if text in PATTERNS:
            return cls(text)
        for prefix, kind in (("signal:", "signal"), ("other:", "other-action"), ("self:", "self-action")):
            if text.startswith(prefix) and text[len(prefix):].strip():
                return cls(kind, text[len(prefix):].strip())
        raise ModelError(
            f"unknown pattern {text!r}; patterns are {', '.join(PATTERNS)}, signal:LABEL, other:ACTION, "
            "self:ACTION",
            field=field,
        )

    def __str__(self) -> str:
        prefix = {"signal": "signal:", "other-action": "other:", "self-action": "self:"}.get(self.kind)
        return f"{prefix}{self.arg}" if prefix else self.kind


@dataclass(frozen=True)
class Automaton:
    """A player-relative strategy automaton (validated on construction)."""

    name: str
    states: tuple[str, ...]
    initial: Distribution
    play: tuple[Distribution, ...]  # per state: distribution over action labels (or @restrain/@attack)
    rules: tuple[tuple[tuple[Pattern, Distribution], ...], ...]  # per state, in order
    description: str = ""
    lottery: str = "independent"  # "shared": random transitions read the public lottery

    def __post_init__(self) -> None:
        where = f"strategies.{self.name}"
        if not self.states:
            raise ModelError("an automaton needs at least one state", field=f"{where}.states")
        if len(set(self.states)) != len(self.states):
            raise ModelError("duplicate state name", field=f"{where}.states")
        if len(self.play) != len(self.states) or len(self.rules) != len(self.states):
            raise ModelError("every state needs an action and a (possibly empty) list of rules", field=where)
        if self.lottery not in LOTTERIES:
            raise ModelError(f"unknown lottery {self.lottery!r}; choose shared (read the public lottery) or "
                             "independent (each player's own draw)", field=f"{where}.lottery")
        names = set(self.states)  # once: a set per rule made large automata quadratic to check
        _check_distribution(self.initial, names, f"{where}.initial", "state")
        for q, state in enumerate(self.states):
            _check_distribution(self.play[q], None, f"{where}.states.{state}.play", "action")
            for pattern, target in self.rules[q]:
                _check_distribution(target, names, f"{where}.states.{state}.on.{pattern}", "state")

    @property
    def is_exact(self) -> bool:
        probs = [p for _, p in self.initial]
        probs += [p for d in self.play for _, p in d]
        probs += [p for rules in self.rules for _, d in rules for _, p in d]
        return all(is_exact(p) for p in probs)

    @property
    def is_random(self) -> bool:
        """Whether some transition (or the initial state) is a lottery over two or more states."""
        dists = [self.initial] + [d for rules in self.rules for _, d in rules]
        return any(sum(1 for _, p in d if p) > 1 for d in dists)

    @property
    def shared(self) -> bool:
        """Whether the random transitions read the public lottery."""
        return self.lottery == "shared"


def _check_distribution(dist: Distribution, names: set[str] | None, field: str, what: str) -> None:
    if not dist:
        raise ModelError(f"expected a {what} or a distribution over {what}s", field=field)
    for name, p in dist:
        if names is not None and name not in names:
            raise ModelError(f"unknown {what} {name!r}; {what}s are {', '.join(sorted(names))}", field=field)
        if p < 0 or p > 1:
            raise ModelError(f"probability {format_number(p)} is not in [0, 1]", field=field)
    if not sums_to_one(p for _, p in dist):
        raise ModelError(f"probabilities sum to {format_number(sum(p for _, p in dist), 12)}, not 1", field=field)


# -- reading and writing ----------------------------------------------------------------------------------


def _distribution(value: Any, field: str, what: str) -> Distribution:
    if isinstance(value, str):
        return ((value.strip(), Fraction(1)),)
    if isinstance(value, Mapping):
        return tuple((str(k).strip(), parse_number(v, field=field)) for k, v in value.items())
    raise ModelError(f"expected a {what} name or a table {{ name = probability, ... }}, got {value!r}", field=field)


def automaton_from_mapping(name: str, data: Any) -> Automaton:
    """Read ``[strategies.NAME]`` from a model file."""
    where = f"strategies.{name}"
    if not isinstance(data, Mapping):
        raise ModelError("expected a table with 'initial' and 'states'", field=where)
    for key in data:
        if key not in ("initial", "states", "description", "lottery"):
            raise ModelError(f"unknown key {key!r}; known keys are initial, states, description, lottery",
                             field=f"{where}.{key}")
    states = data.get("states")
    if not isinstance(states, Mapping) or not states:
        raise ModelError("missing table 'states' (one entry per automaton state)", field=f"{where}.states")
    if "initial" not in data:
        raise ModelError("missing key 'initial' (the starting state)", field=f"{where}.initial")
    initial = _distribution(data["initial"], f"{where}.initial", "state")
    names = tuple(str(s) for s in states)
    plays = []
    rules = []
    for state, spec in states.items():
        sw = f"{where}.states.{state}"
        if not isinstance(spec, Mapping):
            raise ModelError("expected a table { play = ..., on = { ... } }", field=sw)
        for key in spec:
            if key not in ("play", "on"):
                raise ModelError(f"unknown key {key!r}; known keys are play, on", field=f"{sw}.{key}")
        if "play" not in spec:
            raise ModelError("missing 'play' (the action taken in this state)", field=f"{sw}.play")
        plays.append(_distribution(spec["play"], f"{sw}.play", "action"))
        on = spec.get("on", {})
        if not isinstance(on, Mapping):
            raise ModelError("expected a table { pattern = state, ... }", field=f"{sw}.on")
        state_rules = []
        for pat, target in on.items():
            pw = f"{sw}.on.{pat}"
            state_rules.append((Pattern.parse(str(pat), field=pw), _distribution(target, pw, "state")))
        rules.append(tuple(state_rules))
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ModelError("expected a string", field=f"{where}.description")
    lottery = data.get("lottery", "independent")
    if not isinstance(lottery, str):
        raise ModelError("expected \"shared\" or \"independent\"", field=f"{where}.lottery")
    return Automaton(name, names, initial, tuple(plays), tuple(rules), description, lottery.strip())


def _plain_dist(dist: Distribution) -> Any:
    if len(dist) == 1 and dist[0][1] == 1:
        return dist[0][0]
    return {k: plain_number(p) for k, p in dist}


def automaton_to_mapping(a: Automaton) -> dict[str, Any]:
    """The ``[strategies.NAME]`` table of an automaton."""
    out: dict[str, Any] = {}
    if a.description:
        out["description"] = a.description
    if a.lottery != "independent":
        out["lottery"] = a.lottery
    out["initial"] = _plain_dist(a.initial)
    out["states"] = {
        s: {"play": _plain_dist(a.play[q]), "on": {str(p): _plain_dist(t) for p, t in a.rules[q]}}
        for q, s in enumerate(a.states)
    }
    return out


# -- binding to a seat ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BoundAutomaton:
    """An automaton placed in seat ``player``: arrays over the seat's actions and the signals.

    ``sigma[q, a]`` is the probability of action ``a`` in state ``q``;
    ``tau[q, y, q2]`` the probability of moving from ``q`` to ``q2`` on
    signal ``y``; ``init[q]`` the initial distribution.  Entries are
    Fractions or floats as in the model.
    """

    automaton: Automaton
    player: int
    sigma: np.ndarray
    tau: np.ndarray
    init: np.ndarray

    def __post_init__(self) -> None:
        # frozen for real: copies that nobody can write to
        for name in ("sigma", "tau", "init"):
            arr = np.array(getattr(self, name), dtype=object)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def states(self) -> tuple[str, ...]:
        return self.automaton.states


def _matches(pattern: Pattern, y: int, player: int, s: SignalStructure, game: StageGame) -> bool:
    blamed, confirmed, cleared = s.blamed[y], s.confirmed[y], s.cleared[y]
    others = set(range(game.n_players)) - {player}
    k = pattern.kind
    if k == "always":
        return True
    if k == "clear":
        return not blamed
    if k == "other-blamed":
        return bool(others & blamed)
    if k == "self-blamed":
        return player in blamed
    if k == "all-blamed":
        return len(blamed) == game.n_players
    if k == "any-blamed":
        return bool(blamed)
    if k == "other-confirmed":
        return bool(others & confirmed)
    if k == "other-cleared":
        return bool(others & cleared)
    if k == "self-confirmed":
        return player in confirmed
    if k == "self-cleared":
        return player in cleared
    if k == "signal":
        return s.labels[y] == pattern.arg
    profile = s.profile[y]
    assert profile is not None  # checked by _check_possible
    if k == "other-action":
        return any(game.actions[j][profile[j]] == pattern.arg for j in others)
    if k == "self-action":
        return game.actions[player][profile[player]] == pattern.arg
    raise AssertionError(k)


def _check_possible(pattern: Pattern, s: SignalStructure, game: StageGame, player: int | None, field: str) -> None:
    """Reject patterns that can never match under this monitoring (a typo or a wrong kind).

    ``player`` None checks what does not depend on the seat (an action label must exist in some seat).
    """
    if pattern.kind in ("other-cleared", "self-cleared") and not s.has_clarification:
        raise ModelError(f"pattern {pattern} cannot occur: the monitoring has no clarification channel, so no blame "
                         "is ever cleared (without one every blame stands: the -confirmed patterns then match "
                         "every blame); add [monitoring.clarification] or drop the rule", field=field)
    if pattern.kind == "signal" and pattern.arg not in s.labels:
        shown = ", ".join(s.labels[:12]) + (", ..." if len(s.labels) > 12 else "")
        raise ModelError(f"pattern {pattern} cannot occur under {s.kind} monitoring: signals are {shown}",
                         field=field)
    if pattern.kind in ("other-action", "self-action"):
        if s.kind != "perfect":
            raise ModelError(f"pattern {pattern} cannot occur: actions are seen only under perfect monitoring, "
                             f"and the monitoring is {s.kind}; use a blame pattern such as other-blamed",
                             field=field)
        if player is None:
            seats = list(range(game.n_players))
        elif pattern.kind == "self-action":
            seats = [player]
        else:
            seats = [j for j in range(game.n_players) if j != player]
        if not any(pattern.arg in game.actions[j] for j in seats):
            whose = ("any player" if player is None else
                     ", ".join(game.players[j] for j in seats))
            known = sorted({a for j in seats for a in game.actions[j]})
            raise ModelError(f"pattern {pattern} cannot occur: {pattern.arg!r} is not an action of {whose} "
                             f"(actions: {', '.join(known)})", field=field)


def _action_index(label: str, game: StageGame, s: SignalStructure, player: int, field: str, name: str,
                  state: str) -> int:
    acts = game.actions[player]
    who = game.players[player]
    if label == RESTRAIN:
        calm = [a for a in range(len(acts)) if a not in s.hostile[player]]
        if not calm:
            raise ModelError(f"strategy {name!r} restrains in state {state!r}, but every action of {who} "
                             f"({', '.join(acts)}) is hostile; leave one out of monitoring.hostile",
                             field="monitoring.hostile")
        return calm[0]
    if label == ATTACK:
        hostile = sorted(s.hostile[player])
        if not hostile:
            raise ModelError(f"strategy {name!r} attacks in state {state!r}, but no action of {who} "
                             f"({', '.join(acts)}) is hostile; list one in monitoring.hostile",
                             field="monitoring.hostile")
        return hostile[0]
    if label not in acts:
        raise ModelError(
            f"strategy {name!r} plays {label!r} in state {state!r}, but {who}'s actions are {', '.join(acts)}",
            field=field,
        )
    return acts.index(label)


def check_automaton(automaton: Automaton, game: StageGame, signals: SignalStructure) -> None:
    """Seat-independent checks of ``automaton`` against a game and its monitoring.

    Every action label it plays is an action of some player (or ``@restrain``/``@attack``), and every
    pattern can occur.  Whether it fits a particular seat is checked by :func:`bind`.

    Raises
    ------
    ModelError
        With the field of the offending ``play`` or rule.
    """
    where = f"strategies.{automaton.name}"
    known = {a for acts in game.actions for a in acts}
    for q, dist in enumerate(automaton.play):
        for label, _ in dist:
            if label not in (RESTRAIN, ATTACK) and label not in known:
                raise ModelError(f"strategy {automaton.name!r} plays {label!r}, which is not an action of any "
                                 f"player (actions: {', '.join(sorted(known))})",
                                 field=f"{where}.states.{automaton.states[q]}.play")
        for pattern, _ in automaton.rules[q]:
            _check_possible(pattern, signals, game, None, f"{where}.states.{automaton.states[q]}.on.{pattern}")


#: Largest transition table (states x signals x states) a bound automaton may hold: 400 MB of references,
#: about 3,500 states under four signals; the joint chain is limited to 5,000 states in any case.
MAX_TABLE_ENTRIES = 50_000_000


def bind(automaton: Automaton, game: StageGame, signals: SignalStructure, player: int) -> BoundAutomaton:
    """Place ``automaton`` in seat ``player``: resolve actions and evaluate patterns on every signal.

    Raises
    ------
    ModelError
        When an action label does not exist for the seat or a pattern cannot occur.
    """
    where = f"strategies.{automaton.name}"
    nq, na, ny = len(automaton.states), game.shape[player], signals.n_signals
    if nq * ny * nq > MAX_TABLE_ENTRIES:  # before allocating: the table would take minutes and gigabytes
        raise ModelError(
            f"strategy {automaton.name!r} has {nq} states: its transition table (states x {ny} signals x states) "
            f"would hold {nq * ny * nq:,} entries, over the limit of {MAX_TABLE_ENTRIES:,}; use fewer states",
            field=f"{where}.states")
    exact = automaton.is_exact
    zero = Fraction(0) if exact else 0.0
    index = {s: q for q, s in enumerate(automaton.states)}
    sigma = np.full((nq, na), zero, dtype=object)
    for q, dist in enumerate(automaton.play):
        field = f"{where}.states.{automaton.states[q]}.play"
        for label, p in dist:
            sigma[q, _action_index(label, game, signals, player, field, automaton.name, automaton.states[q])] += p
    tau = np.full((nq, ny, nq), zero, dtype=object)
    for q, rules in enumerate(automaton.rules):
        for pattern, _ in rules:
            _check_possible(pattern, signals, game, player, f"{where}.states.{automaton.states[q]}.on.{pattern}")
        for y in range(ny):
            for pattern, target in rules:
                if _matches(pattern, y, player, signals, game):
                    for state, p in target:
                        tau[q, y, index[state]] += p
                    break
            else:
                tau[q, y, q] = Fraction(1) if exact else 1.0
    init = np.full(nq, zero, dtype=object)
    for state, p in automaton.initial:
        init[index[state]] += p
    return BoundAutomaton(automaton, player, sigma, tau, init)
