"""Mixed-strategy profiles written by users.

Syntax: players separated by ``;``, each player's probabilities by ``,``,
one per action in the game's order: ``"1/3,2/3;1/2,1/2"``.  A player's
entry may instead be one action label, meaning that pure action
(``"D;D"``).  Probabilities are read like payoffs (see
:mod:`models.numbers`) and must be non-negative and sum to one (exactly for
fractions, within 1e-9 for decimals).

>>> from models import catalog
>>> g = catalog.load("prisoners-dilemma")
>>> parse_profile("1/2,1/2;D", g)
((Fraction(1, 2), Fraction(1, 2)), (Fraction(0, 1), Fraction(1, 1)))
"""

from __future__ import annotations

from fractions import Fraction

from .errors import ModelError
from .numbers import Number, format_number, is_exact, parse_number
from .stage import StageGame

__all__ = ["parse_profile", "check_distribution"]

_SUM_TOL = 1e-9


def check_distribution(probs: tuple[Number, ...], *, field: str) -> None:
    """Raise unless ``probs`` are non-negative and sum to one."""
    for p in probs:
        if p < 0:
            raise ModelError(f"probability {format_number(p)} is negative", field=field)
    total = sum(probs)
    if all(is_exact(p) for p in probs):
        if total != 1:
            raise ModelError(f"probabilities sum to {format_number(total)}, not 1", field=field)
    elif abs(float(total) - 1.0) > _SUM_TOL:
        raise ModelError(f"probabilities sum to {format_number(total, 12)}, not 1", field=field)


def parse_profile(text: str, game: StageGame, *, field: str = "--profile") -> tuple[tuple[Number, ...], ...]:
    """Read a profile for ``game`` (see the module docstring)."""
    parts = [p.strip() for p in text.split(";")]
    if len(parts) != game.n_players:
        raise ModelError(
            f"expected {game.n_players} strategies separated by ';' (one per player), got {len(parts)}",
            field=field,
        )
    profile: list[tuple[Number, ...]] = []
    for i, part in enumerate(parts):
        where = f"{field} (player {game.players[i]})"
        actions = game.actions[i]
        if part in actions:
            k = actions.index(part)
            profile.append(tuple(Fraction(int(a == k)) for a in range(len(actions))))
            continue
        entries = [e.strip() for e in part.split(",")]
        if len(entries) != len(actions):
            raise ModelError(
                f"expected {len(actions)} probabilities (one per action: {', '.join(actions)}) "
                f"or one action label, got {part!r}",
                field=where,
            )
        probs = tuple(parse_number(e, field=where) for e in entries)
        check_distribution(probs, field=where)
        profile.append(probs)
    return tuple(profile)
