"""The rows of a sweep: the figures of ``compare`` for every point and doctrine, in one tidy table.

:data:`COLUMNS` is the one definition of the table: each column's name, type and meaning (the README's
table of the sweep's columns is this tuple).  Two entries stand for a family of columns: ``<axis>``, one
column per ``--grid`` axis, named as the axis; and ``value:<state>``, one per player.

:func:`chunk_rows` computes the rows of a chunk of points in two steps kept apart on purpose: the
evaluation (:func:`doctrine_figures`, one :class:`DoctrineFigures` of arrays over the chunk's points per
doctrine, the shape a vectorised kernel returns) and the row assembly (:func:`assemble_rows`).  Every
figure is that of :func:`solver.repeated.evaluation.evaluate` at the point in floating point
(``exact=False``), the call ``compare --float`` makes for its rows, computed for all the chunk's points at
once by :func:`solver.repeated.batch.batch_figures`.

A point whose evaluation fails (a project error, or a numerical failure: a singular system, an overflow)
is a row with the ``error`` column filled and every figure empty; the sweep goes on.  Any other
exception is a bug and stops the sweep with its traceback.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.errors import DetenteError
from models.repeated import RepeatedModel
from models.scenario import Scenario
from solver.compare.best import resolve_best
from solver.repeated.batch import batch_figures
from solver.sweep.spec import Doctrine, Point, Spec

__all__ = ["COLUMNS", "DoctrineFigures", "chunk_rows", "doctrine_figures", "assemble_rows", "columns",
           "error_message", "POINT_ERRORS"]

#: Every column of a sweep's table: (name, type, meaning).  Types: int, float, bool, str.  An empty cell
#: is a missing value (a float that is undefined, or every figure of a row whose point failed).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("point", "int", "the point's index in the sweep, from 0 (grid: the last --grid axis varies fastest)"),
    ("point_id", "str", "a short hash of the sweep's spec, the point's index and its coordinates"),
    ("<axis>", "float", "one column per --grid axis, named as the axis: its value at the point (delay: int)"),
    ("doctrine", "str", "the doctrine as the scenario lists it, with its levers: consult+channel, generous:best"),
    ("family", "str", "deterrence or norm"),
    ("played", "str", "the doctrine played, a :best parameter resolved: generous:41/81"),
    ("levers", "str", "the levers it uses, joined by +: channel+audit (empty: none)"),
    ("value:<state>", "float", "one column per player: its discounted value per period (normalised by 1 - delta)"),
    ("welfare", "float", "the states' values summed (third parties left out)"),
    ("conflict_share", "float", "long-run share of periods with an attack"),
    ("spiral_length", "float", "mean length of a conflict episode (empty when conflict never starts or never ends)"),
    ("p_permanent_conflict", "float", "probability of absorption into permanent conflict"),
    ("innocent_punishments_per_100", "float", "punishments of an innocent state per 100 periods (long run)"),
    ("ppe", "bool", "the profile is a perfect public equilibrium at the point's discount factor"),
    ("nash", "bool", "the profile is a Nash equilibrium"),
    ("max_gain", "float", "the largest one-shot deviation gain of any player (0 for a PPE)"),
    ("error", "str", "empty, or why the point could not be evaluated (its figures are then empty)"),
)

#: The failures of one point's evaluation that make an error row instead of stopping the sweep.
POINT_ERRORS: tuple[type[BaseException], ...] = (DetenteError, ArithmeticError, np.linalg.LinAlgError)


def columns(spec: Spec) -> tuple[tuple[str, str], ...]:
    """The sweep's columns with the families expanded: (name, type), in order."""
    out: list[tuple[str, str]] = []
    for name, kind, _ in COLUMNS:
        if name == "<axis>":
            out += [(a.name, "int" if a.integer else "float") for a in spec.axes]
        elif name == "value:<state>":
            out += [(f"value:{p}", kind) for p in spec.scenario.players]
        else:
            out.append((name, kind))
    return tuple(out)


@dataclass(frozen=True, eq=False)
class DoctrineFigures:
    """One doctrine's figures at B points: arrays of shape (B, N) or (B,), NaN where a point failed.

    The field names are those of the batched kernel's result, so that it can replace the loop.
    """

    played: tuple[str, ...]  # (B,) the doctrine played at each point
    values: np.ndarray  # (B, N)
    max_gain: np.ndarray  # (B, N) each player's largest one-shot gain
    ppe: np.ndarray  # (B,) bool
    nash: np.ndarray  # (B,) bool
    attack_share_long_run: np.ndarray  # (B,)
    mean_conflict_length: np.ndarray  # (B,) NaN when undefined
    p_permanent_conflict: np.ndarray  # (B,)
    innocent_punishments_per_100: np.ndarray  # (B,)
    errors: tuple[str, ...]  # (B,) "" when the point was evaluated


def error_message(exc: BaseException) -> str:
    """One line: a project error as it reads, any other failure with its type."""
    text = str(exc) if isinstance(exc, DetenteError) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split()) or type(exc).__name__


def _played(spec: Spec, doctrine: Doctrine, scenario: Scenario) -> str:
    if doctrine.played is not None:
        return doctrine.played
    return resolve_best(scenario, doctrine.entry).doctrine  # --tune-best: at this point


def doctrine_figures(spec: Spec, doctrine: Doctrine, scenarios: Sequence[Scenario | str],
                     models: _Models | None = None) -> DoctrineFigures:
    """One doctrine's figures at every point (``scenarios[b]``: the scenario at point b, or its error).

    ``models`` holds the points' models by levers, shared by the doctrines of a chunk (built here if not
    given).

    The points that play the same doctrine (all of them, unless ``--tune-best`` tunes a parameter per point)
    go to :func:`solver.repeated.batch.batch_figures` together: one chain per chain structure, the figures
    of every point from stacked numpy, each equal to ``evaluate(..., exact=False)`` at the point.
    """
    b_count, n = len(scenarios), len(spec.scenario.players)
    values = np.full((b_count, n), np.nan)
    gains = np.full((b_count, n), np.nan)
    ppe = np.zeros(b_count, dtype=bool)
    nash = np.zeros(b_count, dtype=bool)
    metrics = np.full((4, b_count), np.nan)
    errors = [""] * b_count
    played = [doctrine.played or doctrine.entry.doctrine] * b_count
    groups: dict[str, list[int]] = {}
    shared = (models or _Models(scenarios)).of(doctrine.entry.levers)
    for b, scenario in enumerate(scenarios):
        if isinstance(scenario, str):
            errors[b] = scenario
            continue
        if isinstance(shared[b], str):
            errors[b] = shared[b]  # type: ignore[assignment]
            continue
        try:
            played[b] = _played(spec, doctrine, scenario)
        except POINT_ERRORS as exc:
            errors[b] = error_message(exc)
            continue
        groups.setdefault(played[b], []).append(b)
    for name, idx in groups.items():
        seats = spec.scenario.seats(name)
        deltas = [float(scenarios[b].value("delta")) for b in idx]  # type: ignore[union-attr]
        try:
            fig = batch_figures([shared[b] for b in idx], seats, deltas, workers=1)  # type: ignore[misc]
        except POINT_ERRORS as exc:  # the whole call failed (a strategy that does not fit): every point says why
            for b in idx:
                errors[b] = error_message(exc)
            continue
        at = np.array(idx)
        values[at] = fig.values
        gains[at] = fig.max_gain
        ppe[at], nash[at] = fig.ppe, fig.nash
        metrics[:, at] = [fig.attack_share_long_run, fig.mean_conflict_length, fig.p_permanent_conflict,
                          fig.innocent_punishments_per_100]
        for k, b in enumerate(idx):
            if fig.errors[k]:
                errors[b] = " ".join(fig.errors[k].split())
    return DoctrineFigures(tuple(played), values, gains, ppe, nash, metrics[0], metrics[1], metrics[2], metrics[3],
                           tuple(errors))


class _Models:
    """The points' repeated models for each set of levers, built once a chunk (or why a point has none)."""

    def __init__(self, scenarios: Sequence[Scenario | str]) -> None:
        self.scenarios = scenarios
        self.built: dict[tuple[str, ...], list[RepeatedModel | str]] = {}

    def of(self, levers: tuple[str, ...]) -> list[RepeatedModel | str]:
        if levers not in self.built:
            out: list[RepeatedModel | str] = []
            for sc in self.scenarios:
                if isinstance(sc, str):
                    out.append(sc)
                    continue
                try:
                    out.append(sc.model(levers))
                except POINT_ERRORS as exc:
                    out.append(error_message(exc))
            self.built[levers] = out
        return self.built[levers]


def _scenarios(spec: Spec, points: Sequence[Point]) -> list[Scenario | str]:
    out: list[Scenario | str] = []
    for p in points:
        try:
            out.append(spec.at(p))
        except POINT_ERRORS as exc:
            out.append(error_message(exc))
    return out


def _f(x: Any) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def assemble_rows(spec: Spec, points: Sequence[Point], figures: Sequence[DoctrineFigures]) -> list[tuple[Any, ...]]:
    """The table's rows (in :func:`columns` order): point by point, the doctrines in the scenario's order."""
    strategic = list(spec.scenario.strategic)
    integer = [a.integer for a in spec.axes]
    rows = []
    for b, p in enumerate(points):
        coords = tuple(int(v) if whole else float(v) for v, whole in zip(p.values, integer))
        for d, fig in zip(spec.doctrines, figures):
            head = (p.index, p.id, *coords, d.label, d.family, fig.played[b], "+".join(d.entry.levers))
            if fig.errors[b]:
                rows.append(head + (None,) * (len(spec.scenario.players) + 8) + (fig.errors[b],))
                continue
            vals = fig.values[b]
            rows.append(head + tuple(float(v) for v in vals) + (
                float(sum(vals[i] for i in strategic)), _f(fig.attack_share_long_run[b]),
                _f(fig.mean_conflict_length[b]), _f(fig.p_permanent_conflict[b]),
                _f(fig.innocent_punishments_per_100[b]), bool(fig.ppe[b]), bool(fig.nash[b]),
                float(np.max(fig.max_gain[b])), ""))
    return rows


def chunk_rows(spec: Spec, points: Iterable[Point]) -> list[tuple[Any, ...]]:
    """The rows of these points (see the module docstring)."""
    pts = list(points)
    scenarios = _scenarios(spec, pts)
    models = _Models(scenarios)
    figures = [doctrine_figures(spec, d, scenarios, models) for d in spec.doctrines]
    return assemble_rows(spec, pts, figures)
