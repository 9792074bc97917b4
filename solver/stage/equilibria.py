"""Nash equilibria of stage games: one front end, several methods.

Methods
-------
``enummixed``
    Every extreme equilibrium of a two-player game, degenerate games
    included, grouped into connected components (:mod:`solver.stage.enummixed`).
``lemke-howson``
    One equilibrium of a two-player game, from a chosen dropped label
    (:mod:`solver.stage.lemke_howson`).
``pure``
    Every pure equilibrium of an N-player game (:mod:`solver.stage.pure`).
``auto``
    ``enummixed`` for two players, ``pure`` for more (mixed equilibria of
    games with more than two players are not computed yet, and the result
    says so).

Every method is exact when the game is rational (``exact=None``), or as
forced by ``exact=True`` / ``exact=False``.

What a result holds
-------------------
:attr:`NashResult.kind` says which equilibria the method computes:
``"extreme"`` (every extreme equilibrium: every equilibrium is a convex
combination of extreme ones within a component), ``"pure"`` (pure
equilibria only) or ``"one"`` (a single equilibrium).
:attr:`NashResult.complete` is True when the list holds *every* equilibrium
of that kind: ``pure`` on battle of the sexes lists both pure equilibria and
is complete for pure equilibria, though the game also has a mixed one.

>>> from models import catalog
>>> res = nash_equilibria(catalog.load("battle-of-the-sexes"))
>>> [[[str(p) for p in s] for s in e.profile] for e in res.equilibria]
[[['1', '0'], ['1', '0']], [['2/3', '1/3'], ['1/3', '2/3']], [['0', '1'], ['0', '1']]]
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from models.errors import SolverError
from models.numbers import Number, json_number
from models.stage import StageGame
from solver.stage.enummixed import extreme_equilibria
from solver.stage.lemke_howson import lemke_howson
from solver.stage.limits import Progress
from solver.stage.payoffs import expected_payoff, payoff_arrays, resolve_exact
from solver.stage.pure import pure_equilibria

__all__ = ["METHODS", "Equilibrium", "NashResult", "nash_equilibria"]

METHODS = ("auto", "enummixed", "lemke-howson", "pure")
SCHEMA_VERSION = 1

#: The kind of equilibria each method computes (:attr:`NashResult.kind`).
KINDS = {"enummixed": "extreme", "pure": "pure", "lemke-howson": "one"}


@dataclass(frozen=True)
class Equilibrium:
    """One equilibrium: a mixed strategy per player, the payoffs, its component."""

    profile: tuple[tuple[Number, ...], ...]
    payoffs: tuple[Number, ...]
    component: int | None = None

    @property
    def is_pure(self) -> bool:
        return all(sum(1 for p in s if p != 0) == 1 for s in self.profile)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": [[json_number(p) for p in s] for s in self.profile],
            "payoffs": [json_number(v) for v in self.payoffs],
            "component": self.component,
        }


@dataclass(frozen=True)
class NashResult:
    """What :func:`nash_equilibria` found, and how."""

    method: str
    exact: bool
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    equilibria: tuple[Equilibrium, ...]
    degenerate: bool | None  # None when not determined (N > 2, Lemke-Howson)
    complete: bool  # True when the list holds every equilibrium of the kind ``kind``
    n_components: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """``"extreme"``, ``"pure"`` or ``"one"``: which equilibria ``equilibria`` holds (module docstring)."""
        return KINDS[self.method]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "exact": self.exact,
            "degenerate": self.degenerate,
            "method": self.method,
            "kind": self.kind,
            "players": list(self.players),
            "actions": [list(a) for a in self.actions],
            "equilibria": [e.to_dict() for e in self.equilibria],
            "components": self.n_components,
            "complete": self.complete,
            "notes": list(self.notes),
        }


def _equilibrium(
    payoffs: tuple[Any, ...], profile: tuple[tuple[Number, ...], ...], exact: bool, component: int | None
) -> Equilibrium:
    values = tuple(expected_payoff(arr, profile, exact) for arr in payoffs)
    return Equilibrium(profile, values, component)


def _pure_profile(game: StageGame, idx: tuple[int, ...], exact: bool) -> tuple[tuple[Number, ...], ...]:
    one: Number = Fraction(1) if exact else 1.0
    zero: Number = Fraction(0) if exact else 0.0
    return tuple(tuple(one if a == k else zero for a in range(n)) for k, n in zip(idx, game.shape))


def nash_equilibria(
    game: StageGame, method: str = "auto", *, exact: bool | None = None, label: int = 1,
    progress: Progress | None = None,
) -> NashResult:
    """Nash equilibria of ``game`` by ``method`` (see the module docstring).

    Parameters
    ----------
    game:
        The stage game.
    method:
        ``auto``, ``enummixed``, ``lemke-howson`` or ``pure``.
    exact:
        ``None``: exact iff the payoffs are rational; ``True``/``False`` force.
    label:
        For ``lemke-howson``: the label to drop, ``1..m+n`` (Row's actions
        first, then Column's).
    progress:
        Optional ``progress(message, transient)`` callback for the long
        enumeration (:mod:`solver.stage.limits`); nothing is printed without it.

    Returns
    -------
    NashResult
        Equilibria sorted canonically (largest probabilities on the first
        actions first), with payoffs, components and flags.

    Raises
    ------
    SolverError
        For an unknown method, a two-player method on an N-player game, or an
        enumeration past the limits of :mod:`solver.stage.limits` (the message
        suggests ``--method lemke-howson``).
    """
    if method not in METHODS:
        raise SolverError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    ex = resolve_exact(game, exact)
    arrays = payoff_arrays(game, ex)
    n = game.n_players
    if method == "auto":
        method = "enummixed" if n == 2 else "pure"
    notes: list[str] = []
    if method in ("enummixed", "lemke-howson") and n != 2:
        raise SolverError(
            f"method {method!r} needs a two-player game, this one has {n} players; use --method pure"
        )
    if method == "enummixed":
        raw = extreme_equilibria(arrays[0], arrays[1], ex, progress=progress)
        eqs = tuple(_equilibrium(arrays, (x, y), ex, c) for x, y, c in raw.pairs)
        if raw.degenerate:
            notes.append(
                "the game is degenerate: equilibria need not be isolated; listed are the extreme "
                "equilibria, and those with the same component number are joined by line segments "
                "of equilibria"
            )
        return NashResult("enummixed", ex, game.players, game.actions, eqs, raw.degenerate, True,
                          raw.n_components, tuple(notes))
    if method == "lemke-howson":
        m, k = game.shape
        if not 1 <= label <= m + k:
            raise SolverError(f"label must be between 1 and {m + k} for a {m}x{k} game, got {label}")
        x, y = lemke_howson(arrays[0], arrays[1], label - 1, ex)
        eq = _equilibrium(arrays, (x, y), ex, None)
        notes.append(f"one equilibrium, reached by dropping label {label}")
        return NashResult("lemke-howson", ex, game.players, game.actions, (eq,), None, False, None, tuple(notes))
    # pure
    profiles = pure_equilibria(arrays, ex)
    eqs = tuple(_equilibrium(arrays, _pure_profile(game, p, ex), ex, None) for p in profiles)
    if n > 2:
        notes.append(
            f"pure equilibria only (the list is complete for pure equilibria): mixed equilibria of games with "
            f"{n} players are not computed yet"
        )
    else:
        notes.append("pure equilibria only (the list is complete for pure equilibria); use --method enummixed "
                     "for mixed equilibria")
    return NashResult("pure", ex, game.players, game.actions, eqs, None, True, None, tuple(notes))
