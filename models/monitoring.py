"""Public monitoring: what the players see after each period.

Three kinds, all with optional *trembles* (each intended action is replaced,
uniformly, by another with probability ``tremble``; payoffs and signals
follow the action actually played) and a *delay* (a signal becomes public
``delay`` periods after the period it reports):

``perfect``
    The signal is the action profile actually played (label ``"C,D"``).
    A player counts as *blamed* exactly when it played a hostile action.
``attribution``
    Each player is blamed or not, independently given the profile:
    ``P(blamed | attacked) = detection``, ``P(blamed | restrained) =
    false_flag``.  With a clarification channel every blame is then
    examined: a false blame is *cleared* with probability
    ``effectiveness``, a real attack is cleared (deception) with
    probability ``deception``; otherwise the blame is *confirmed*.  Each
    use of the channel (one per blame) costs every player ``cost``.
    Signal labels list each player's status: ``"clear,blamed"``, or with a
    channel ``"clear,confirmed"`` / ``"cleared,clear"``.
    Three refinements, all off by default:

    * ``detection_by_action``: a detection rate per hostile action (a probe
      is harder to attribute than a destructive strike); an action not
      listed has rate ``detection``.
    * ``audit``: with this probability per period an audit reveals every
      player's true action, so the signal blames exactly the players who
      attacked (confirmed, with a channel); it costs every player
      ``audit_cost`` each period it happens (``audit * audit_cost`` a
      period on average).
    * ``proxies``: players that are third parties (a proxy or criminal
      group).  A proxy is never blamed itself; each of its hostile
      operations is blamed on every other player independently with
      probability ``proxy_flag``, a false flag on top of ``false_flag``.
``table``
    Any finite signal set: one probability row per action profile, and the
    players each signal blames.

Hostile actions (``hostile``, action labels) default to every action but
each player's first.  Every kind compiles to a :class:`SignalStructure`,
the form the solver reads.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import numpy as np

from .errors import ModelError
from .numbers import Number, format_number, is_exact, parse_number, parse_probability, plain_number, sums_to_one
from .stage import StageGame

__all__ = [
    "Clarification",
    "Monitoring",
    "PerfectMonitoring",
    "AttributionMonitoring",
    "TableMonitoring",
    "SignalStructure",
    "monitoring_from_mapping",
    "monitoring_to_mapping",
    "signal_structure",
    "check_monitoring",
    "with_overrides",
    "KINDS",
]

KINDS = ("perfect", "attribution", "table")


def _number(value: object, where: str) -> Number:
    """A model parameter as a Fraction or float (ints and "p/q" strings become Fractions)."""
    return parse_number(value, field=where)


def _probability(value: object, where: str) -> Number:
    x = _number(value, where)
    _check_probability(x, where)
    return x


#: Longest signal delay a model may have, in periods.  Every pending signal is part of the joint state, so
#: with two or more possible signals a delay of 13 already exceeds the solvers' 5,000-state limit; the bound
#: keeps a mistyped delay from allocating billions of queue slots before that limit is checked.
MAX_DELAY = 1000


@dataclass(frozen=True)
class Clarification:
    """A clarification channel (hotline) examining each blame before it becomes public.

    Validated on construction: ``effectiveness`` and ``deception`` are
    probabilities, ``cost`` is a finite number >= 0.
    """

    effectiveness: Number  # P(a false blame is cleared)
    deception: Number  # P(a real attack is cleared)
    cost: Number = Fraction(0)  # stage-payoff cost to every player per use (one use per blame)

    def __post_init__(self) -> None:
        where = "monitoring.clarification"
        object.__setattr__(self, "effectiveness", _probability(self.effectiveness, f"{where}.effectiveness"))
        object.__setattr__(self, "deception", _probability(self.deception, f"{where}.deception"))
        cost = _number(self.cost, f"{where}.cost")
        if cost < 0:
            raise ModelError(f"a cost must be >= 0, got {format_number(cost)}", field=f"{where}.cost")
        object.__setattr__(self, "cost", cost)


@dataclass(frozen=True)
class Monitoring:
    """Common part of every monitoring kind (validated on construction)."""

    tremble: Number = Fraction(0)
    delay: int = 0
    hostile: tuple[str, ...] | None = None  # action labels; None = every action but the first

    kind = "base"

    def __post_init__(self) -> None:
        object.__setattr__(self, "tremble", _probability(self.tremble, "monitoring.tremble"))
        if isinstance(self.delay, bool) or not isinstance(self.delay, int) or not 0 <= self.delay <= MAX_DELAY:
            raise ModelError(f"expected a whole number of periods from 0 to {MAX_DELAY}, got {self.delay!r}",
                             field="monitoring.delay")
        if self.hostile is not None:
            if isinstance(self.hostile, str) or not all(isinstance(h, str) for h in self.hostile):
                raise ModelError("expected a list of action labels", field="monitoring.hostile")
            object.__setattr__(self, "hostile", tuple(self.hostile))


@dataclass(frozen=True)
class PerfectMonitoring(Monitoring):
    """The signal is the action profile."""

    kind = "perfect"


@dataclass(frozen=True)
class AttributionMonitoring(Monitoring):
    """Independent blame per player (see the module docstring)."""

    detection: Number = Fraction(1)
    false_flag: Number = Fraction(0)
    clarification: Clarification | None = None
    detection_by_action: tuple[tuple[str, Number], ...] = ()  # (hostile action label, rate)
    audit: Number = Fraction(0)  # P(an audit reveals every true action this period)
    audit_cost: Number = Fraction(0)  # cost to every player of a period with an audit
    proxies: tuple[str, ...] = ()  # player labels of third parties
    proxy_flag: Number = Fraction(0)  # P(a proxy's operation is blamed on a given other player)

    kind = "attribution"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "detection", _probability(self.detection, "monitoring.detection"))
        object.__setattr__(self, "false_flag", _probability(self.false_flag, "monitoring.false_flag"))
        if self.clarification is not None and not isinstance(self.clarification, Clarification):
            raise ModelError("expected a Clarification (effectiveness, deception, cost)",
                             field="monitoring.clarification")
        pairs = self.detection_by_action
        if isinstance(pairs, Mapping):
            pairs = tuple(pairs.items())
        if isinstance(pairs, str) or not all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str)
                                             for p in pairs):
            raise ModelError("expected a table of detection rates, one per hostile action",
                             field="monitoring.detection")
        labels = [k for k, _ in pairs]
        if len(set(labels)) != len(labels):
            raise ModelError("an action is listed twice", field="monitoring.detection")
        object.__setattr__(self, "detection_by_action", tuple(
            (k, _probability(v, f"monitoring.detection.{k}")) for k, v in pairs))
        object.__setattr__(self, "audit", _probability(self.audit, "monitoring.audit"))
        cost = _number(self.audit_cost, "monitoring.audit_cost")
        if cost < 0:
            raise ModelError(f"a cost must be >= 0, got {format_number(cost)}", field="monitoring.audit_cost")
        object.__setattr__(self, "audit_cost", cost)
        if isinstance(self.proxies, str) or not all(isinstance(x, str) for x in self.proxies):
            raise ModelError("expected a list of player labels", field="monitoring.proxies")
        object.__setattr__(self, "proxies", tuple(self.proxies))
        object.__setattr__(self, "proxy_flag", _probability(self.proxy_flag, "monitoring.proxy_flag"))

    def detection_of(self, action: str) -> Number:
        """The detection rate of hostile action ``action``."""
        for label, rate in self.detection_by_action:
            if label == action:
                return rate
        return self.detection


@dataclass(frozen=True)
class TableMonitoring(Monitoring):
    """A signal distribution given per action profile.

    Validated on construction: signal labels are distinct strings, every
    row has one probability per signal and sums to one (exactly for
    fractions, within :data:`~models.numbers.PROBABILITY_SUM_TOL` for
    floats), and blames name known signals.  Profile keys and player names
    are checked against a game by :func:`check_monitoring`.
    """

    signals: tuple[str, ...] = ()
    rows: tuple[tuple[str, tuple[Number, ...]], ...] = ()  # ("C,D", probabilities), in file order
    blames: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (signal, players blamed)

    kind = "table"

    def __post_init__(self) -> None:
        super().__post_init__()
        signals = self.signals
        if isinstance(signals, str) or not signals or not all(isinstance(x, str) for x in signals):
            raise ModelError("expected a non-empty list of signal labels", field="monitoring.signals")
        dups = sorted({x for x in signals if list(signals).count(x) > 1})
        if dups:
            raise ModelError(f"duplicate signal label {dups[0]!r}", field="monitoring.signals")
        rows = []
        seen: set[str] = set()
        for key, row in self.rows:
            where = f"monitoring.table.{key}"
            if key in seen:
                raise ModelError(f"two rows for profile {key!r}", field=where)
            seen.add(key)
            values = tuple(_probability(p, where) for p in row)
            if len(values) != len(signals):
                raise ModelError(f"expected {len(signals)} probabilities (one per signal), got {len(values)}",
                                 field=where)
            if not sums_to_one(values):
                raise ModelError(f"probabilities sum to {format_number(sum(values), 12)}, not 1", field=where)
            rows.append((str(key), values))
        blames = []
        for sig, players in self.blames:
            where = f"monitoring.blames.{sig}"
            if sig not in signals:
                raise ModelError(f"unknown signal {sig!r}; signals are {', '.join(signals)}", field=where)
            if isinstance(players, str) or not all(isinstance(x, str) for x in players):
                raise ModelError("expected a list of player labels", field=where)
            blames.append((sig, tuple(players)))
        object.__setattr__(self, "signals", tuple(signals))
        object.__setattr__(self, "rows", tuple(rows))
        object.__setattr__(self, "blames", tuple(blames))


def _check_probability(x: Number, where: str) -> None:
    if x < 0 or x > 1:
        raise ModelError(f"expected a probability in [0, 1], got {format_number(x)}", field=where)


# -- the compiled form --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SignalStructure:
    """Monitoring compiled against a game: what the solver reads.

    ``prob[a_1, ..., a_N, y]`` is ``P(y | a)`` for the profile actually
    played.  For each signal, ``blamed`` is the set of players blamed,
    ``confirmed``/``cleared`` split the blames after clarification (without a
    channel every blame is confirmed), and ``profile`` is the action profile
    under perfect monitoring (None otherwise).  ``cost[y]`` is what every
    player pays for clarification when ``y`` is the signal.
    """

    kind: str
    labels: tuple[str, ...]
    prob: np.ndarray
    blamed: tuple[frozenset[int], ...]
    confirmed: tuple[frozenset[int], ...]
    cleared: tuple[frozenset[int], ...]
    profile: tuple[tuple[int, ...] | None, ...]
    cost: tuple[Number, ...]
    hostile: tuple[frozenset[int], ...]  # per player: indices of hostile actions
    tremble: Number
    delay: int
    has_clarification: bool
    descriptions: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # frozen for real: the solver shares one structure between computations
        prob = np.array(self.prob, dtype=object if self.prob.dtype == object else self.prob.dtype)
        prob.setflags(write=False)
        object.__setattr__(self, "prob", prob)

    @property
    def n_signals(self) -> int:
        return len(self.labels)

    @property
    def is_exact(self) -> bool:
        return is_exact(self.tremble) and all(is_exact(v) for v in self.prob.flat) and all(
            is_exact(c) for c in self.cost
        )


def _hostile_sets(game: StageGame, hostile: tuple[str, ...] | None) -> tuple[frozenset[int], ...]:
    if hostile is None:
        return tuple(frozenset(range(1, k)) for k in game.shape)
    known = {a for acts in game.actions for a in acts}
    for label in hostile:
        if label not in known:
            raise ModelError(
                f"unknown action {label!r}; actions are {', '.join(sorted(known))}", field="monitoring.hostile"
            )
    return tuple(frozenset(k for k, a in enumerate(acts) if a in hostile) for acts in game.actions)


def _describe(game: StageGame, blamed: frozenset[int], confirmed: frozenset[int], cleared: frozenset[int],
              channel: bool) -> str:
    if not blamed:
        return "nobody blamed"
    if not channel:
        return "blamed: " + ", ".join(game.players[j] for j in sorted(blamed))
    parts = []
    if confirmed:
        parts.append("confirmed: " + ", ".join(game.players[j] for j in sorted(confirmed)))
    if cleared:
        parts.append("cleared: " + ", ".join(game.players[j] for j in sorted(cleared)))
    return "; ".join(parts)


def signal_structure(game: StageGame, monitoring: Monitoring) -> SignalStructure:
    """Compile ``monitoring`` against ``game`` (validating labels, keys and rows).

    Examples
    --------
    >>> from models import catalog
    >>> s = signal_structure(catalog.load("prisoners-dilemma"), AttributionMonitoring(
    ...     detection=Fraction(9, 10), false_flag=Fraction(1, 20)))
    >>> s.labels
    ('clear,clear', 'clear,blamed', 'blamed,clear', 'blamed,blamed')
    >>> str(s.prob[0, 1, 1])  # Row restrains, Column attacks: only Column blamed
    '171/200'
    """
    hostile = _hostile_sets(game, monitoring.hostile)
    n = game.n_players
    if isinstance(monitoring, PerfectMonitoring):
        profiles = list(game.profiles())
        labels = tuple(",".join(game.actions[i][a] for i, a in enumerate(p)) for p in profiles)
        prob = np.zeros(game.shape + (len(profiles),), dtype=object)
        prob[...] = Fraction(0)
        for y, p in enumerate(profiles):
            prob[p + (y,)] = Fraction(1)
        blamed = tuple(frozenset(i for i in range(n) if p[i] in hostile[i]) for p in profiles)
        desc = tuple(_describe(game, b, b, frozenset(), False) for b in blamed)
        return SignalStructure("perfect", labels, prob, blamed, blamed, tuple(frozenset() for _ in blamed),
                               tuple(profiles), tuple(Fraction(0) for _ in profiles), hostile, monitoring.tremble,
                               monitoring.delay, False, desc)
    if isinstance(monitoring, AttributionMonitoring):
        check_monitoring(game, monitoring)
        return _attribution_structure(game, monitoring, hostile)
    if isinstance(monitoring, TableMonitoring):
        return _table_structure(game, monitoring, hostile)
    raise ModelError(f"unknown monitoring kind {monitoring.kind!r}", field="monitoring.kind")



def _attribution_structure(game: StageGame, m: AttributionMonitoring,
                           hostile: tuple[frozenset[int], ...]) -> SignalStructure:
    """Independent blames per player, then proxies' false flags, audits and the channel (module docstring)."""
    n = game.n_players
    ch = m.clarification
    proxies = _proxy_set(game, m)
    statuses = ("clear", "confirmed", "cleared") if ch else ("clear", "blamed")
    rates = [m.detection, m.false_flag, m.audit, m.proxy_flag] + [r for _, r in m.detection_by_action]
    if ch is not None:
        rates += [ch.effectiveness, ch.deception]
    one: Number = Fraction(1) if all(is_exact(x) for x in rates) else 1.0
    blame_word = "confirmed" if ch else "blamed"

    def p_status(status: str, blame: Number, attacked: bool) -> Number:
        if status == "clear":
            return one - blame
        if ch is None:
            return blame
        clear_p = ch.deception if attacked else ch.effectiveness
        return blame * clear_p if status == "cleared" else blame * (one - clear_p)

    combos = [c for c in itertools.product(statuses, repeat=n) if all(c[i] == "clear" for i in proxies)]
    index = {c: y for y, c in enumerate(combos)}
    labels = tuple(",".join(c) for c in combos)
    prob = np.empty(game.shape + (len(combos),), dtype=object)
    for a in game.profiles():
        attacked = [a[i] in hostile[i] for i in range(n)]
        spared = (one - m.proxy_flag) ** sum(1 for i in proxies if attacked[i])  # no proxy false flag
        blames = []
        for i in range(n):
            base = m.detection_of(game.actions[i][a[i]]) if attacked[i] else m.false_flag
            blames.append(one - (one - base) * spared)
        for y, combo in enumerate(combos):
            value: Number = one - m.audit
            for i, status in enumerate(combo):
                if i not in proxies:
                    value = value * p_status(status, blames[i], attacked[i])
            prob[a + (y,)] = value
        if m.audit != 0:
            truth = tuple(blame_word if attacked[i] and i not in proxies else "clear" for i in range(n))
            prob[a + (index[truth],)] += m.audit
    blamed = tuple(frozenset(i for i, s in enumerate(c) if s != "clear") for c in combos)
    confirmed = tuple(frozenset(i for i, s in enumerate(c) if s in ("blamed", "confirmed")) for c in combos)
    cleared = tuple(frozenset(i for i, s in enumerate(c) if s == "cleared") for c in combos)
    unit_cost = ch.cost if ch else Fraction(0)
    audit_cost = m.audit * m.audit_cost  # paid in every period on average, whatever the signal
    cost = tuple(unit_cost * len(b) + audit_cost for b in blamed)
    desc = tuple(_describe(game, b, c, cl, ch is not None) for b, c, cl in zip(blamed, confirmed, cleared))
    return SignalStructure("attribution", labels, prob, blamed, confirmed, cleared,
                           tuple(None for _ in combos), cost, hostile, m.tremble, m.delay,
                           ch is not None, desc)

def _table_layout(game: StageGame, m: TableMonitoring) -> tuple[dict[str, tuple[int, ...]], tuple[frozenset[int], ...]]:
    """Check a table's profile keys and blamed players against ``game``; the key map and blame sets."""
    keys = {",".join(game.actions[i][a] for i, a in enumerate(p)): p for p in game.profiles()}
    for key, _ in m.rows:
        if key not in keys:
            raise ModelError(
                f"unknown profile {key!r}; keys are action labels joined by ',' such as {next(iter(keys))!r}",
                field=f"monitoring.table.{key}",
            )
    given = {key for key, _ in m.rows}
    missing = [k for k in keys if k not in given]
    if missing:
        raise ModelError(f"no row for profile {missing[0]!r}", field="monitoring.table")
    blame_map = dict(m.blames)
    blamed = []
    for sig in m.signals:
        idx = []
        for player in blame_map.get(sig, ()):
            if player not in game.players:
                raise ModelError(f"unknown player {player!r}; players are {', '.join(game.players)}",
                                 field=f"monitoring.blames.{sig}")
            idx.append(game.players.index(player))
        blamed.append(frozenset(idx))
    return keys, tuple(blamed)


def check_monitoring(game: StageGame, monitoring: Monitoring) -> None:
    """Check the parts of ``monitoring`` that refer to ``game`` (hostile labels, table keys, blamed players).

    Cheaper than :func:`signal_structure`, which compiles the whole signal distribution.

    Raises
    ------
    ModelError
        Naming the field (``monitoring.hostile``, ``monitoring.table.C,X``, ...).
    """
    if not isinstance(monitoring, Monitoring) or not isinstance(
            monitoring, (PerfectMonitoring, AttributionMonitoring, TableMonitoring)):
        raise ModelError(f"expected a monitoring of kind {', '.join(KINDS)}, got {type(monitoring).__name__}",
                         field="monitoring")
    hostile = _hostile_sets(game, monitoring.hostile)
    if isinstance(monitoring, TableMonitoring):
        _table_layout(game, monitoring)
    if isinstance(monitoring, AttributionMonitoring):
        _proxy_set(game, monitoring)
        hostile_labels = {game.actions[i][k] for i in range(game.n_players) for k in hostile[i]}
        for label, _ in monitoring.detection_by_action:
            if label not in hostile_labels:
                known = ", ".join(sorted(hostile_labels)) or "none"
                raise ModelError(f"{label!r} is not a hostile action; hostile actions are {known}",
                                 field=f"monitoring.detection.{label}")


def _proxy_set(game: StageGame, m: AttributionMonitoring) -> frozenset[int]:
    for label in m.proxies:
        if label not in game.players:
            raise ModelError(f"unknown player {label!r}; players are {', '.join(game.players)}",
                             field="monitoring.proxies")
    out = frozenset(game.players.index(p) for p in m.proxies)
    if len(out) >= game.n_players:
        raise ModelError("every player is a proxy: at least one must be a state that can be blamed",
                         field="monitoring.proxies")
    return out


def _table_structure(game: StageGame, m: TableMonitoring, hostile: tuple[frozenset[int], ...]) -> SignalStructure:
    # signals, row lengths and sums are validated when the TableMonitoring is built
    signals = m.signals
    keys, blamed_t = _table_layout(game, m)
    prob = np.empty(game.shape + (len(signals),), dtype=object)
    for key, row in m.rows:
        for y, p in enumerate(row):
            prob[keys[key] + (y,)] = p
    desc = tuple(_describe(game, b, b, frozenset(), False) for b in blamed_t)
    return SignalStructure("table", tuple(signals), prob, blamed_t, blamed_t, tuple(frozenset() for _ in signals),
                           tuple(None for _ in signals), tuple(Fraction(0) for _ in signals), hostile, m.tremble,
                           m.delay, False, desc)


# -- reading and writing --------------------------------------------------------------------------------

_COMMON = ("kind", "tremble", "delay", "hostile")
_KEYS = {
    "perfect": _COMMON,
    "attribution": _COMMON + ("detection", "false_flag", "clarification", "audit", "audit_cost", "proxies",
                              "proxy_flag"),
    "table": _COMMON + ("signals", "table", "blames"),
}


def _prob(data: Mapping[str, Any], key: str, default: Number, prefix: str = "monitoring") -> Number:
    if key not in data:
        return default
    return parse_probability(data[key], field=f"{prefix}.{key}")


def monitoring_from_mapping(data: Mapping[str, Any] | None) -> Monitoring:
    """Read the ``[monitoring]`` table of a model file (None means perfect monitoring)."""
    if data is None:
        return PerfectMonitoring()
    if not isinstance(data, Mapping):
        raise ModelError("expected a table", field="monitoring")
    kind = data.get("kind", "perfect")
    if kind not in KINDS:
        raise ModelError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}", field="monitoring.kind")
    for key in data:
        if key not in _KEYS[kind]:
            raise ModelError(f"unknown key {key!r} for kind {kind!r}; known keys are {', '.join(_KEYS[kind])}",
                             field=f"monitoring.{key}")
    tremble = _prob(data, "tremble", Fraction(0))
    delay = data.get("delay", 0)
    if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= MAX_DELAY:
        raise ModelError(f"expected a whole number of periods from 0 to {MAX_DELAY}, got {delay!r}",
                         field="monitoring.delay")
    hostile = data.get("hostile")
    if hostile is not None:
        if not isinstance(hostile, list) or not all(isinstance(h, str) for h in hostile):
            raise ModelError("expected a list of action labels", field="monitoring.hostile")
        hostile = tuple(hostile)
    if kind == "perfect":
        return PerfectMonitoring(tremble, delay, hostile)
    if kind == "attribution":
        clar = None
        if "clarification" in data:
            c = data["clarification"]
            if not isinstance(c, Mapping):
                raise ModelError("expected a table", field="monitoring.clarification")
            for key in c:
                if key not in ("effectiveness", "deception", "cost"):
                    raise ModelError(f"unknown key {key!r}; known keys are effectiveness, deception, cost",
                                     field=f"monitoring.clarification.{key}")
            cost = parse_number(c.get("cost", 0), field="monitoring.clarification.cost")
            if cost < 0:
                raise ModelError(f"a cost must be >= 0, got {format_number(cost)}",
                                 field="monitoring.clarification.cost")
            clar = Clarification(_prob(c, "effectiveness", Fraction(0), "monitoring.clarification"),
                                 _prob(c, "deception", Fraction(0), "monitoring.clarification"), cost)
        detection: Any = data.get("detection", Fraction(1))
        by_action: tuple[tuple[str, Number], ...] = ()
        if isinstance(detection, Mapping):
            by_action = tuple((str(k), parse_probability(v, field=f"monitoring.detection.{k}"))
                              for k, v in detection.items())
            if not by_action:
                raise ModelError("expected a rate, or a table with one rate per hostile action",
                                 field="monitoring.detection")
            detection = Fraction(1)
        else:
            detection = _prob(data, "detection", Fraction(1))
        audit_cost = parse_number(data.get("audit_cost", 0), field="monitoring.audit_cost")
        if audit_cost < 0:
            raise ModelError(f"a cost must be >= 0, got {format_number(audit_cost)}", field="monitoring.audit_cost")
        proxies = data.get("proxies", [])
        if not isinstance(proxies, list) or not all(isinstance(x, str) for x in proxies):
            raise ModelError("expected a list of player labels", field="monitoring.proxies")
        return AttributionMonitoring(tremble, delay, hostile, detection, _prob(data, "false_flag", Fraction(0)), clar,
                                     by_action, _prob(data, "audit", Fraction(0)), audit_cost, tuple(proxies),
                                     _prob(data, "proxy_flag", Fraction(0)))
    signals = data.get("signals")
    if not isinstance(signals, list) or not signals or not all(isinstance(s, str) for s in signals):
        raise ModelError("expected a non-empty list of signal labels", field="monitoring.signals")
    table = data.get("table")
    if not isinstance(table, Mapping):
        raise ModelError("expected a table with one probability row per action profile", field="monitoring.table")
    rows = []
    for key, row in table.items():
        if not isinstance(row, list):
            raise ModelError("expected a list of probabilities", field=f"monitoring.table.{key}")
        rows.append((key, tuple(parse_number(v, field=f"monitoring.table.{key}") for v in row)))
    blames = data.get("blames", {})
    if not isinstance(blames, Mapping):
        raise ModelError("expected a table naming the players each signal blames", field="monitoring.blames")
    blame_pairs = []
    for sig, players in blames.items():
        if not isinstance(players, list) or not all(isinstance(p, str) for p in players):
            raise ModelError("expected a list of player labels", field=f"monitoring.blames.{sig}")
        blame_pairs.append((sig, tuple(players)))
    return TableMonitoring(tremble, delay, hostile, tuple(signals), tuple(rows), tuple(blame_pairs))




def monitoring_to_mapping(m: Monitoring) -> dict[str, Any]:
    """The ``[monitoring]`` table for ``m`` (defaults omitted)."""
    out: dict[str, Any] = {"kind": m.kind}
    if m.tremble != 0:
        out["tremble"] = plain_number(m.tremble)
    if m.delay:
        out["delay"] = m.delay
    if m.hostile is not None:
        out["hostile"] = list(m.hostile)
    if isinstance(m, AttributionMonitoring):
        if m.detection_by_action:
            out["detection"] = {k: plain_number(v) for k, v in m.detection_by_action}
        else:
            out["detection"] = plain_number(m.detection)
        out["false_flag"] = plain_number(m.false_flag)
        if m.audit != 0 or m.audit_cost != 0:
            out["audit"] = plain_number(m.audit)
            out["audit_cost"] = plain_number(m.audit_cost)
        if m.proxies:
            out["proxies"] = list(m.proxies)
            out["proxy_flag"] = plain_number(m.proxy_flag)
        if m.clarification is not None:
            out["clarification"] = {
                "effectiveness": plain_number(m.clarification.effectiveness),
                "deception": plain_number(m.clarification.deception),
                "cost": plain_number(m.clarification.cost),
            }
    if isinstance(m, TableMonitoring):
        out["signals"] = list(m.signals)
        out["table"] = {k: [plain_number(v) for v in row] for k, row in m.rows}
        out["blames"] = {s: list(p) for s, p in m.blames}
    return out


def with_overrides(m: Monitoring, **changes: Any) -> Monitoring:
    """A copy of ``m`` with some parameters changed (None values are ignored).

    ``detection`` or ``false_flag`` on a non-attribution monitoring turn it
    into attribution monitoring (detection 1 and false flag 0 unless given),
    keeping tremble, delay and hostile actions.
    """
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        return m
    common = {"tremble": changes.get("tremble", m.tremble), "delay": changes.get("delay", m.delay),
              "hostile": m.hostile}
    if ("detection" in changes or "false_flag" in changes) and not isinstance(m, AttributionMonitoring):
        return AttributionMonitoring(**common, detection=changes.get("detection", Fraction(1)),
                                     false_flag=changes.get("false_flag", Fraction(0)))
    if isinstance(m, AttributionMonitoring):
        # a detection rate given on the command line replaces the per-action rates too
        return replace(m, **common, detection=changes.get("detection", m.detection),
                       false_flag=changes.get("false_flag", m.false_flag),
                       detection_by_action=() if "detection" in changes else m.detection_by_action)
    if isinstance(m, TableMonitoring):
        return TableMonitoring(**common, signals=m.signals, rows=m.rows, blames=m.blames)
    return PerfectMonitoring(**common)

