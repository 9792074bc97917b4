"""Finite stage games in normal (strategic) form.

Conventions
-----------
* Players are numbered ``0..N-1`` and carry labels (``"Row"``, ``"P1"``...).
* Player ``i`` has actions ``0..k_i-1`` with labels.
* ``payoffs[i]`` is an array of shape ``(k_0, ..., k_{N-1})``: entry
  ``payoffs[i][a_0, ..., a_{N-1}]`` is player ``i``'s payoff when the
  profile ``a`` is played.  For two players, ``payoffs[0]`` is the row
  player's matrix ``A`` and ``payoffs[1]`` the column player's ``B``.
* Entries are :class:`~fractions.Fraction` (exact) or ``float``; see
  :mod:`models.numbers`.  A game is *exact* when every entry is a Fraction.

>>> g = StageGame.from_payoffs([[[3, 0], [5, 1]], [[3, 5], [0, 1]]],
...                            actions=[["C", "D"], ["C", "D"]])
>>> g.players
('P1', 'P2')
>>> g.shape
(2, 2)
>>> g.payoff(0, (1, 0))
Fraction(5, 1)
>>> g.is_exact
True
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import ModelError
from .numbers import Number, is_exact, parse_number, to_exact

__all__ = ["StageGame", "validate_labels"]


def validate_labels(labels: Sequence[object], *, what: str, field: str) -> tuple[str, ...]:
    """Check a list of labels: non-empty strings, no duplicates, at least one."""
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise ModelError(f"expected a list of {what} labels", field=field)
    if len(labels) == 0:
        raise ModelError(f"the list of {what}s is empty", field=field)
    out = []
    for k, lab in enumerate(labels):
        if not isinstance(lab, str) or not lab.strip():
            raise ModelError(f"{what} label {k + 1} must be a non-empty string, got {lab!r}", field=field)
        out.append(lab.strip())
    seen: set[str] = set()
    for lab in out:
        if lab in seen:
            raise ModelError(f"duplicate {what} label {lab!r}", field=field)
        seen.add(lab)
    return tuple(out)


def _payoff_array(nested: object, shape: tuple[int, ...], field: str) -> np.ndarray:
    """Turn nested lists (or an array) into an object array of numbers, checking shape."""
    if isinstance(nested, np.ndarray):
        if nested.shape != shape:
            dims = "x".join(map(str, shape))
            got = "x".join(map(str, nested.shape))
            raise ModelError(f"expected a {dims} array, got {got}", field=field)
        flat = [parse_number(v.item() if hasattr(v, "item") else v, field=field) for v in nested.ravel()]
        arr = np.empty(len(flat), dtype=object)
        arr[:] = flat
        return arr.reshape(shape)

    out = np.empty(shape, dtype=object)

    def fill(node: object, depth: int, index: tuple[int, ...]) -> None:
        where = field + "".join(f"[{i}]" for i in index)
        if depth == len(shape):
            if isinstance(node, (list, tuple)):
                raise ModelError("expected a number, got a list (array nested too deep)", field=where)
            out[index] = parse_number(node, field=where)
            return
        if not isinstance(node, (list, tuple)):
            raise ModelError(
                f"expected a list of {shape[depth]} entries (one per action of player {depth + 1}), "
                f"got {type(node).__name__} {node!r}",
                field=where,
            )
        if len(node) != shape[depth]:
            raise ModelError(
                f"expected {shape[depth]} entries (one per action of player {depth + 1}), got {len(node)}",
                field=where,
            )
        for k, child in enumerate(node):
            fill(child, depth + 1, index + (k,))

    fill(nested, 0, ())
    return out


def _leading_shape(nested: object) -> tuple[int, ...]:
    """Shape read along the first entries of nested lists (ragged lists are caught later)."""
    if isinstance(nested, np.ndarray):
        return tuple(nested.shape)
    shape = []
    node = nested
    while isinstance(node, (list, tuple)):
        shape.append(len(node))
        if not node:
            break
        node = node[0]
    return tuple(shape)


#: Largest magnitude of a float (decimal) payoff: the solvers add, subtract and multiply payoffs, and
#: float64 overflows past about 1.8e308; integers and fractions are exact and have no such bound.
MAX_FLOAT_PAYOFF = 1e150


@dataclass(frozen=True, eq=False)
class StageGame:
    """An N-player finite game in strategic form (immutable, validated).

    Parameters
    ----------
    players:
        Player labels, N >= 2.
    actions:
        One tuple of action labels per player, each non-empty.
    payoffs:
        One array per player of shape ``(len(actions[0]), ..., len(actions[N-1]))``
        holding Fractions or floats.  Arrays are copied and made read-only.
    title, description:
        Free text.

    Raises
    ------
    ModelError
        For fewer than two players, empty or duplicate labels, wrong shapes,
        NaN, infinities or non-numbers.
    """

    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    payoffs: tuple[np.ndarray, ...]
    title: str = ""
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        players = validate_labels(self.players, what="player", field="players")
        if len(players) < 2:
            raise ModelError(f"a game needs at least 2 players, got {len(players)}", field="players")
        if isinstance(self.actions, str) or not isinstance(self.actions, Sequence):
            raise ModelError("expected one list of action labels per player", field="actions")
        if len(self.actions) != len(players):
            raise ModelError(
                f"expected {len(players)} action lists (one per player), got {len(self.actions)}",
                field="actions",
            )
        actions = tuple(
            validate_labels(a, what="action", field=f"actions[{i}] ({players[i]})")
            for i, a in enumerate(self.actions)
        )
        shape = tuple(len(a) for a in actions)
        if isinstance(self.payoffs, (str, dict)) or not isinstance(self.payoffs, Sequence):
            raise ModelError("expected one payoff array per player", field="payoffs")
        if len(self.payoffs) != len(players):
            raise ModelError(
                f"expected {len(players)} payoff arrays (one per player), got {len(self.payoffs)}",
                field="payoffs",
            )
        arrays = []
        for i, p in enumerate(self.payoffs):
            arr = _payoff_array(p, shape, f"payoffs.{players[i]}")
            big = next((v for v in arr.flat if isinstance(v, float) and abs(v) > MAX_FLOAT_PAYOFF), None)
            if big is not None:
                raise ModelError(
                    f"the decimal payoff {big!r} is beyond +-{MAX_FLOAT_PAYOFF:g}: sums and differences of such "
                    "floats overflow; rescale the payoffs, or write them as integers (exact)",
                    field=f"payoffs.{players[i]}")
            arr.flags.writeable = False
            arrays.append(arr)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "actions", actions)
        object.__setattr__(self, "payoffs", tuple(arrays))
        object.__setattr__(self, "title", str(self.title or ""))
        object.__setattr__(self, "description", str(self.description or ""))

    # -- construction -------------------------------------------------------

    @classmethod
    def from_payoffs(
        cls,
        payoffs: Sequence[Any],
        *,
        players: Sequence[str] | None = None,
        actions: Sequence[Sequence[str]] | None = None,
        title: str = "",
        description: str = "",
    ) -> StageGame:
        """Build a game from payoff arrays, inventing labels that are not given.

        Players default to ``P1, P2, ...`` and actions to ``1, 2, ...``.
        """
        if isinstance(payoffs, np.ndarray):
            payoffs = list(payoffs)
        n = len(payoffs)
        if players is None:
            players = [f"P{i + 1}" for i in range(n)]
        if actions is None:
            if n == 0:
                actions = []
            else:
                actions = [[str(k + 1) for k in range(s)] for s in _leading_shape(payoffs[0])]
        return cls(tuple(players), tuple(tuple(a) for a in actions), tuple(payoffs), title, description)

    @classmethod
    def bimatrix(cls, A: Any, B: Any, **labels: Any) -> StageGame:
        """Two-player game from the row player's matrix ``A`` and the column player's ``B``."""
        return cls.from_payoffs([A, B], **labels)

    # -- shape --------------------------------------------------------------

    @property
    def n_players(self) -> int:
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a) for a in self.actions)

    @property
    def n_profiles(self) -> int:
        return int(np.prod(self.shape))

    def profiles(self) -> Iterator[tuple[int, ...]]:
        """All pure profiles, first player's action slowest (C order)."""
        return itertools.product(*(range(k) for k in self.shape))

    def payoff(self, player: int, profile: Sequence[int]) -> Number:
        return self.payoffs[player][tuple(profile)]

    # -- exactness ----------------------------------------------------------

    @property
    def is_exact(self) -> bool:
        """True when every payoff is a Fraction."""
        return all(is_exact(v) for arr in self.payoffs for v in arr.flat)

    def exact_payoffs(self) -> tuple[np.ndarray, ...]:
        """Payoffs as object arrays of Fractions (floats become their decimal)."""
        out = []
        for arr in self.payoffs:
            e = np.empty(arr.shape, dtype=object)
            for idx, v in np.ndenumerate(arr):
                e[idx] = to_exact(v)
            out.append(e)
        return tuple(out)

    def float_payoffs(self) -> tuple[np.ndarray, ...]:
        """Payoffs as float64 arrays.

        Raises
        ------
        ModelError
            When an exact payoff is beyond :data:`MAX_FLOAT_PAYOFF` in magnitude (float work would overflow).
        """
        for player, arr in zip(self.players, self.payoffs):
            if any(abs(v) > MAX_FLOAT_PAYOFF for v in arr.flat):
                raise ModelError(f"a payoff is beyond +-{MAX_FLOAT_PAYOFF:g}: floating point would overflow; "
                                 "solve it exactly (drop --float)", field=f"payoffs.{player}")
        return tuple(arr.astype(float) for arr in self.payoffs)

    def to_exact(self) -> StageGame:
        """The same game with every payoff exact."""
        return StageGame(self.players, self.actions, self.exact_payoffs(), self.title, self.description)

    # -- relabelling ----------------------------------------------------------

    def permuted(
        self,
        player_order: Sequence[int] | None = None,
        action_orders: Sequence[Sequence[int]] | None = None,
    ) -> StageGame:
        """Reorder players and/or actions (a relabelling; the game is unchanged).

        ``player_order[k]`` is the old index of the new player ``k``;
        ``action_orders[i][k]`` is the old index of player ``i``'s new action ``k``
        (``i`` counts old players).
        """
        n = self.n_players
        order = list(range(n)) if player_order is None else list(player_order)
        if sorted(order) != list(range(n)):
            raise ModelError(f"player_order must be a permutation of 0..{n - 1}")
        aorders = [list(range(k)) for k in self.shape] if action_orders is None else [list(o) for o in action_orders]
        for i, o in enumerate(aorders):
            if sorted(o) != list(range(self.shape[i])):
                raise ModelError(f"action order of player {i} must be a permutation")
        arrays = []
        for old_i in order:
            arr = self.payoffs[old_i]
            for ax, o in enumerate(aorders):
                arr = np.take(arr, o, axis=ax)
            arrays.append(np.transpose(arr, order))
        actions = tuple(tuple(self.actions[old][k] for k in aorders[old]) for old in order)
        players = tuple(self.players[old] for old in order)
        return StageGame(players, actions, tuple(arrays), self.title, self.description)

    # -- comparison -----------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StageGame):
            return NotImplemented
        return (
            self.players == other.players
            and self.actions == other.actions
            and self.title == other.title
            and all(
                a.shape == b.shape and all(x == y and type(x) is type(y) for x, y in zip(a.flat, b.flat))
                for a, b in zip(self.payoffs, other.payoffs)
            )
        )

    def __hash__(self) -> int:
        return hash((self.players, self.actions, self.title, tuple(tuple(a.flat) for a in self.payoffs)))

    def __repr__(self) -> str:
        dims = "x".join(map(str, self.shape))
        kind = "exact" if self.is_exact else "float"
        title = f" {self.title!r}" if self.title else ""
        return f"<StageGame{title} {dims} {kind}, players={list(self.players)}>"
