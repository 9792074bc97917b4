"""One-call analysis of a stage game: dominance, pure equilibria, minmax, correlated equilibrium.

:func:`analysis_sections` computes the sections one at a time and yields
each as soon as it is done, so a caller (the CLI) can show the quick ones
while the slow one (the exact correlated-equilibrium LP of a large game)
is still running; :func:`analyze_game` collects them into one
:class:`Analysis`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from models.stage import StageGame
from solver.stage.correlated import CorrelatedResult, max_welfare_correlated
from solver.stage.dominance import DominanceResult, iterated_dominance
from solver.stage.equilibria import NashResult, nash_equilibria
from solver.stage.limits import Progress, report
from solver.stage.minmax import MinmaxResult, minmax_levels
from solver.stage.payoffs import resolve_exact

__all__ = ["Analysis", "AnalysisSection", "analyze_game", "analysis_sections", "SECTIONS"]

SECTIONS = ("dominance", "pure", "minmax", "correlated")
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class AnalysisSection:
    """One finished section: ``name`` is ``dominance``, ``weak-dominance``, ``pure``, ``minmax`` or ``correlated``."""

    name: str
    result: DominanceResult | NashResult | MinmaxResult | CorrelatedResult


@dataclass(frozen=True)
class Analysis:
    exact: bool
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    strict: DominanceResult | None
    weak: DominanceResult | None
    pure: NashResult | None
    minmax: MinmaxResult | None
    correlated: CorrelatedResult | None

    @property
    def security(self) -> MinmaxResult | None:
        """Older name of :attr:`minmax`."""
        return self.minmax

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
        if self.minmax is not None:
            out["minmax"] = self.minmax.to_dict()
        if self.correlated is not None:
            out["correlated"] = self.correlated.to_dict()
        return out


def analysis_sections(
    game: StageGame,
    *,
    sections: tuple[str, ...] = SECTIONS,
    weak: bool = False,
    exact: bool | None = None,
    progress: Progress | None = None,
) -> Iterator[AnalysisSection]:
    """The chosen analyses, each yielded as soon as it is computed, in the order of :data:`SECTIONS`.

    ``weak-dominance`` follows ``dominance`` when ``weak`` is set.  ``progress``
    (optional) hears which section is running and any warning before long work.

    Examples
    --------
    >>> from models import catalog
    >>> [s.name for s in analysis_sections(catalog.load("prisoners-dilemma"), sections=("pure", "minmax"))]
    ['pure', 'minmax']
    """
    ex = resolve_exact(game, exact)
    want = set(sections)
    if "dominance" in want:
        report(progress, "analyze: iterated dominance", True)
        yield AnalysisSection("dominance", iterated_dominance(game, kind="strict", exact=ex, progress=progress))
        if weak:
            yield AnalysisSection("weak-dominance", iterated_dominance(game, kind="weak", exact=ex, progress=progress))
    if "pure" in want:
        report(progress, "analyze: pure equilibria", True)
        yield AnalysisSection("pure", nash_equilibria(game, "pure", exact=ex))
    if "minmax" in want:
        report(progress, "analyze: minmax", True)
        yield AnalysisSection("minmax", minmax_levels(game, exact=ex))
    if "correlated" in want:
        report(progress, "analyze: correlated equilibrium", True)
        yield AnalysisSection("correlated", max_welfare_correlated(game, exact=ex, progress=progress))


def analyze_game(
    game: StageGame,
    *,
    sections: tuple[str, ...] = SECTIONS,
    weak: bool = False,
    exact: bool | None = None,
    progress: Progress | None = None,
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
    got = {s.name: s.result for s in analysis_sections(game, sections=sections, weak=weak, exact=ex,
                                                        progress=progress)}
    return Analysis(ex, game.players, game.actions, got.get("dominance"), got.get("weak-dominance"),  # type: ignore[arg-type]
                    got.get("pure"), got.get("minmax"), got.get("correlated"))  # type: ignore[arg-type]
