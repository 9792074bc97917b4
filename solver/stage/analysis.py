"""One-call analysis of a stage game: dominance, pure equilibria, security levels, correlated equilibrium."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.stage import StageGame
from solver.stage.correlated import CorrelatedResult, max_welfare_correlated
from solver.stage.dominance import DominanceResult, iterated_dominance
from solver.stage.equilibria import NashResult, nash_equilibria
from solver.stage.minmax import SecurityResult, security_levels
from solver.stage.payoffs import resolve_exact

__all__ = ["Analysis", "analyze_game", "SECTIONS"]

SECTIONS = ("dominance", "pure", "minmax", "correlated")
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Analysis:
    exact: bool
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    strict: DominanceResult | None
    weak: DominanceResult | None
    pure: NashResult | None
    security: SecurityResult | None
    correlated: CorrelatedResult | None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "exact": self.exact,
            "players": list(self.players),
            "actions": [list(a) for a in self.actions],
        }
        if self.strict is not None:
            out["dominance"] = {"strict": self.strict.to_dict()}
            if self.weak is not None:
                out["dominance"]["weak"] = self.weak.to_dict()
        if self.pure is not None:
            out["pure_equilibria"] = [e.to_dict() for e in self.pure.equilibria]
        if self.security is not None:
            out["minmax"] = self.security.to_dict()
        if self.correlated is not None:
            out["correlated"] = self.correlated.to_dict()
        return out


def analyze_game(
    game: StageGame,
    *,
    sections: tuple[str, ...] = SECTIONS,
    weak: bool = False,
    exact: bool | None = None,
) -> Analysis:
    """Run the chosen analyses (all by default) with one arithmetic.

    Examples
    --------
    >>> from models import catalog
    >>> a = analyze_game(catalog.load("prisoners-dilemma"))
    >>> [a.actions[e.player][e.action] for e in a.strict.eliminated]
    ['C', 'C']
    """
    ex = resolve_exact(game, exact)
    want = set(sections)
    strict = iterated_dominance(game, kind="strict", exact=ex) if "dominance" in want else None
    weak_res = iterated_dominance(game, kind="weak", exact=ex) if "dominance" in want and weak else None
    pure = nash_equilibria(game, "pure", exact=ex) if "pure" in want else None
    sec = security_levels(game, exact=ex) if "minmax" in want else None
    corr = max_welfare_correlated(game, exact=ex) if "correlated" in want else None
    return Analysis(ex, game.players, game.actions, strict, weak_res, pure, sec, corr)
