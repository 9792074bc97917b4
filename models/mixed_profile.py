"""Mixed-strategy profiles written by users.

Syntax: players separated by ``;``, each player's probabilities by ``,``,
one per action in the game's order: ``"1/3,2/3;1/2,1/2"``.  A player's
entry may instead be one action label, meaning that pure action
(``"D;D"``).  Probabilities are read like payoffs (see
:mod:`models.numbers`) and must be non-negative and sum to one (exactly for
fractions, within :data:`models.numbers.PROBABILITY_SUM_TOL` for decimals).
:func:`check_profile` applies the same checks to a profile built in Python.

>>> from models import catalog
>>> g = catalog.load("prisoners-dilemma")
>>> parse_profile("1/2,1/2;D", g)
((Fraction(1, 2), Fraction(1, 2)), (Fraction(0, 1), Fraction(1, 1)))
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from .errors import ModelError
from .numbers import PROBABILITY_SUM_TOL, Number, format_number, parse_number, sums_to_one
from .stage import StageGame

__all__ = ["parse_profile", "check_distribution", "check_profile"]


def check_distribution(probs: tuple[Number, ...], *, field: str) -> None:
    """Raise unless ``probs`` are non-negative and sum to one.

    A float entry within :data:`models.numbers.PROBABILITY_SUM_TOL` below 0 (rounding noise, such as
    a tiny negative number from a float solver) counts as 0; exact entries must be ``>= 0`` exactly.
    """
    for p in probs:
        if p < 0 and (isinstance(p, Fraction) or p < -PROBABILITY_SUM_TOL):
            raise ModelError(f"probability {format_number(p)} is negative", field=field)
    if not sums_to_one(probs):
        raise ModelError(f"probabilities sum to {format_number(sum(probs), 12)}, not 1", field=field)


def check_profile(profile: object, game: StageGame, *, field: str = "profile") -> tuple[tuple[Number, ...], ...]:
    """Validate a mixed profile given in Python: one distribution per player, one entry per action.

    Entries are read like payoffs (ints and ``"p/q"`` become Fractions).

    Raises
    ------
    ModelError
        Wrong number of players or of entries, a non-number, a negative entry, or a sum other than 1.

    Examples
    --------
    >>> from models import catalog
    >>> check_profile([[1, 0], ["1/2", "1/2"]], catalog.load("prisoners-dilemma"))
    ((Fraction(1, 1), Fraction(0, 1)), (Fraction(1, 2), Fraction(1, 2)))
    """
    if isinstance(profile, (str, bytes)) or not isinstance(profile, Sequence):
        raise ModelError("expected one probability list per player", field=field)
    if len(profile) != game.n_players:
        raise ModelError(f"expected {game.n_players} strategies (one per player), got {len(profile)}", field=field)
    out: list[tuple[Number, ...]] = []
    for i, probs in enumerate(profile):
        where = f"{field} (player {game.players[i]})"
        actions = game.actions[i]
        if isinstance(probs, (str, bytes)) or not hasattr(probs, "__len__") or not hasattr(probs, "__iter__"):
            raise ModelError(f"expected a list of {len(actions)} probabilities, got {probs!r}", field=where)
        values = tuple(parse_number(p.item() if hasattr(p, "item") else p, field=where) for p in probs)
        if len(values) != len(actions):
            raise ModelError(
                f"expected {len(actions)} probabilities (one per action: {', '.join(actions)}), got {len(values)}",
                field=where,
            )
        check_distribution(values, field=where)
        out.append(tuple(type(p)(0) if p < 0 else p for p in values))  # float noise below 0 is 0
    return tuple(out)


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
