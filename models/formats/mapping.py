"""The mapping form of a model, shared by the TOML and JSON formats.

A model file is a table (mapping) with these keys::

    title = "Prisoner's dilemma"          # optional
    description = "..."                    # optional
    players = ["Row", "Column"]            # optional: P1, P2, ...
    actions = [["C", "D"], ["C", "D"]]     # one list per player
    [payoffs]                              # one array per player, indexed (a_1, ..., a_N)
    Row    = [[3, 0], [5, 1]]
    Column = [[3, 5], [0, 1]]

Keys may be added to the schema over time but never changed.  Tables that
belong to repeated games (``monitoring``, ``strategies``, ``repeated``) are
accepted here and ignored by stage-game readers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ModelError
from ..numbers import plain_number
from ..stage import StageGame

__all__ = ["STAGE_KEYS", "REPEATED_KEYS", "Origin", "game_from_mapping", "game_to_mapping", "line_of"]

STAGE_KEYS = ("title", "description", "players", "actions", "payoffs")
REPEATED_KEYS = ("monitoring", "strategies", "repeated")
_KNOWN = STAGE_KEYS + REPEATED_KEYS


def game_from_mapping(data: Mapping[str, Any]) -> StageGame:
    """Build and validate a :class:`StageGame` from a parsed model table.

    Raises
    ------
    ModelError
        With ``field`` set to the offending key (``payoffs.Row[1]``...).
    """
    if not isinstance(data, Mapping):
        raise ModelError("a model must be a table of keys (title, players, actions, payoffs)")
    unknown = [k for k in data if k not in _KNOWN]
    if unknown:
        raise ModelError(
            f"unknown key {unknown[0]!r}; known keys are {', '.join(_KNOWN)}", field=unknown[0]
        )
    for key in ("title", "description"):
        if key in data and not isinstance(data[key], str):
            raise ModelError("expected a string", field=key)
    if "actions" not in data:
        raise ModelError("missing key 'actions' (one list of action labels per player)", field="actions")
    actions = data["actions"]
    if not isinstance(actions, list) or not all(isinstance(a, list) for a in actions):
        raise ModelError("expected a list of lists of action labels, one per player", field="actions")
    if "players" in data:
        players = data["players"]
        if not isinstance(players, list):
            raise ModelError("expected a list of player labels", field="players")
        for k, p in enumerate(players):
            if not isinstance(p, str):
                raise ModelError(
                    f"player label {k + 1} must be a string, got {type(p).__name__} {p!r} "
                    f"(quote it: players = [{', '.join(repr(str(x)).replace(chr(39), chr(34)) for x in players)}])",
                    field="players",
                )
    else:
        players = [f"P{i + 1}" for i in range(len(actions))]
    if "payoffs" not in data:
        raise ModelError("missing table 'payoffs' (one array per player)", field="payoffs")
    table = data["payoffs"]
    if not isinstance(table, Mapping):
        raise ModelError("expected a table with one payoff array per player, keyed by player label", field="payoffs")
    labels = [p.strip() if isinstance(p, str) else p for p in players]
    for key in table:
        if key not in labels:
            raise ModelError(
                f"unknown player {key!r}; players are {', '.join(map(str, labels))}", field=f"payoffs.{key}"
            )
    missing = [p for p in labels if p not in table]
    if missing:
        raise ModelError(f"missing payoff array for player {missing[0]!r}", field=f"payoffs.{missing[0]}")
    return StageGame(
        players=tuple(players),
        actions=tuple(tuple(a) for a in actions),
        payoffs=tuple(table[p] for p in labels),
        title=data.get("title", ""),
        description=data.get("description", ""),
    )




def _nested(arr: Any) -> Any:
    if getattr(arr, "ndim", 0) == 0:
        return plain_number(arr.item() if hasattr(arr, "item") else arr)
    return [_nested(sub) for sub in arr]


def game_to_mapping(game: StageGame) -> dict[str, Any]:
    """The mapping form of ``game`` (numbers as ints, "p/q" strings or floats)."""
    out: dict[str, Any] = {}
    if game.title:
        out["title"] = game.title
    if game.description:
        out["description"] = game.description
    out["players"] = list(game.players)
    out["actions"] = [list(a) for a in game.actions]
    out["payoffs"] = {p: _nested(arr) for p, arr in zip(game.players, game.payoffs)}
    return out


def _key_tokens(text: str) -> list[str]:
    """Split a dotted TOML key (``a."b.c".d``) into its parts."""
    return [t.strip().strip('"').strip("'") for t in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', text)]


def line_of(text: str, field: str | None) -> int | None:
    """Best-effort 1-based line of ``field`` (``payoffs.Row[1]``, ``strategies.s.states.war.play``).

    TOML: tracks ``[table]`` headers and dotted keys, and looks for the
    remaining parts as keys of inline tables on the line.  JSON: the first
    ``"key":`` of the last part after its parent.  None when nothing fits.
    """
    if not field:
        return None
    path = [re.sub(r"\[.*$|\s*\(.*$", "", part).strip() for part in re.findall(r'"[^"]*"|[^.]+', field)]
    path = [p.strip('"') for p in path if p]
    if not path:
        return None
    lines = text.splitlines()
    best, best_len = None, 0
    header: list[str] = []
    for k, line in enumerate(lines):
        stripped = line.strip()
        m = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", stripped)
        if m:
            header = _key_tokens(m.group(1))
            # the field is a table: its [header] line
            if header == path[:len(header)] and len(header) > best_len and len(header) == len(path):
                best, best_len = k + 1, len(header)
            continue
        m = re.match(r'^((?:"[^"]*"|[A-Za-z0-9_.\'-]|\s)+?)\s*=', stripped)
        if not m:
            continue
        ctx = header + _key_tokens(m.group(1))
        n = len(ctx)
        if path[:n] != ctx[:len(path)] or n == 0:
            continue
        covered = min(n, len(path))
        rest = stripped[m.end():]
        for part in path[n:]:
            if re.search(rf'(^|[{{,\s])"?{re.escape(part)}"?\s*=', rest):
                covered += 1
            else:
                break
        if covered > best_len:
            best, best_len = k + 1, covered
    if best is not None:
        return best
    # JSON and anything else: the last part as a key, after its parent if possible
    start = 0
    if len(path) > 1:
        for k, line in enumerate(lines):
            if re.search(rf'"{re.escape(path[-2])}"\s*:', line):
                start = k
                break
    pattern = re.compile(rf'"{re.escape(path[-1])}"\s*:')
    for k in list(range(start, len(lines))) + list(range(0, start)):
        if pattern.search(lines[k]):
            return k + 1
    return None


@dataclass(frozen=True)
class Origin:
    """Where a model was read from: its name (path, ``catalog:NAME``, ``<stdin>``) and text.

    Kept with a model so that errors found after loading (when a strategy is seated) still name the
    file and line.
    """

    name: str
    text: str = ""

    def locate(self, exc: ModelError) -> ModelError:
        """``exc`` with this file, and the line of its field, filled in."""
        return exc.located(source=self.name, line=line_of(self.text, exc.field))
