"""``detente compare``: deterrence doctrines and cooperative norms side by side in one scenario, with a verdict.

Each row is one doctrine, played by every state (third parties always attack), with the levers the entry
names (``consult+channel``): its values, joint welfare (the states' values summed), escalation metrics,
the PPE verdict at the scenario's discount factor (with the largest one-shot gain), the discount factors at
which it is a PPE, and the attribution threshold: the PPE set over the detection rate, at the scenario's
false-flag rate.  The verdict compares the best *equilibrium* of each family: a doctrine that is not a PPE
is not a norm anyone can rely on, whatever it would earn.  Then it asks what drives the best norm: the same
doctrine with and without the channel, with and without audits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from models.errors import ModelError
from models.numbers import Number, json_number
from models.scenario import LEVER_NAMES, Entry, Scenario
from solver.compare.best import resolve_best
from solver.compare.thresholds import ParameterSets, parameter_intervals
from solver.numeric.blas import blas_threads
from solver.repeated.delta_sets import delta_intervals
from solver.repeated.delta_sets.intervals import Interval
from solver.repeated.evaluation import RepeatedResult, evaluate

__all__ = ["Row", "Comparison", "LeverEffect", "compare"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Row:
    label: str  # the entry as written: "consult+channel", "generous:best"
    family: str  # "deterrence" or "norm"
    doctrine: str  # the doctrine played: "generous:41/81"
    levers: tuple[str, ...]
    result: RepeatedResult
    welfare: Number
    max_gain: Number  # the largest one-shot gain (0 for a PPE)
    deltas: tuple[Interval, ...]  # discount factors where it is a PPE
    detection: ParameterSets | None  # its PPE set over the detection rate (None without attribution)
    note: str = ""

    @property
    def ppe(self) -> bool:
        return self.result.equilibrium.ppe

    def to_dict(self) -> dict[str, Any]:
        m = self.result.metrics
        thr = self.detection.threshold() if self.detection is not None else None

        def j(x: Number | None) -> Any:
            return None if x is None else json_number(x)

        return {
            "doctrine": self.label,
            "family": self.family,
            "played": self.doctrine,
            "levers": list(self.levers),
            "values": [json_number(v) for v in self.result.values],
            "welfare": json_number(self.welfare),
            "conflict_share": json_number(m.attack_share_long_run),
            "spiral_length": j(m.mean_conflict_length),
            "p_permanent_conflict": json_number(m.p_permanent_conflict),
            "innocent_punishments_per_100": json_number(m.innocent_punishments_per_100),
            "ppe": self.ppe,
            "nash": self.result.equilibrium.nash,
            "max_gain": json_number(self.max_gain),
            "ppe_deltas": [i.to_list() for i in self.deltas],
            "ppe_delta_intervals": [i.to_dict() for i in self.deltas],
            "ppe_detection": None if self.detection is None else [i.to_list() for i in self.detection.ppe],
            "ppe_detection_intervals": None if self.detection is None else [i.to_dict() for i in self.detection.ppe],
            "detection_threshold": j(thr),
            "exact": self.result.exact,
            "note": self.note,
        }


@dataclass(frozen=True)
class LeverEffect:
    """The best norm's doctrine with one combination of levers."""

    levers: tuple[str, ...]
    welfare: Number
    ppe: bool

    def to_dict(self) -> dict[str, Any]:
        return {"levers": list(self.levers), "welfare": json_number(self.welfare), "ppe": self.ppe}


@dataclass(frozen=True)
class Comparison:
    title: str
    players: tuple[str, ...]
    parameters: tuple[tuple[str, Number], ...]
    rows: tuple[Row, ...]
    best_deterrence: Row | None
    best_norm: Row | None
    levers: tuple[LeverEffect, ...]
    verdict: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "players": list(self.players),
            "parameters": {k: json_number(v) for k, v in self.parameters},
            "rows": [r.to_dict() for r in self.rows],
            "best_deterrence": None if self.best_deterrence is None else self.best_deterrence.label,
            "best_norm": None if self.best_norm is None else self.best_norm.label,
            "levers": [e.to_dict() for e in self.levers],
            "verdict": list(self.verdict),
            "notes": list(self.notes),
        }


def _welfare(scenario: Scenario, r: RepeatedResult) -> Number:
    total: Number = 0
    for i in scenario.strategic:
        total = total + r.values[i]
    return total


def _row(scenario: Scenario, entry: Entry, family: str, exact: bool | None) -> Row:
    note = ""
    played = entry.doctrine
    if entry.tuned is not None:
        best = resolve_best(scenario, entry)
        played, note = best.doctrine, best.note
    model = scenario.model(entry.levers)
    seats = scenario.seats(played)
    result = evaluate(model, seats, scenario.value("delta"), exact=exact)
    gain = max((p.ppe_gain for p in result.equilibrium.players), key=float)
    deltas = delta_intervals(model, seats, exact=False if exact is False else None, nash=False).ppe
    detection = None
    if "detection" in scenario.parameters():
        detection = parameter_intervals(scenario, seats, "detection", levers=entry.levers, nash=False,
                                        exact=exact)
    return Row(entry.label, family, played, entry.levers, result, _welfare(scenario, result), gain, tuple(deltas),
               detection, note)


def _fmt(x: Number) -> str:
    return f"{float(x):.4g}"


def compare(scenario: Scenario, *, exact: bool | None = None,
            progress: Callable[[str, bool], None] | None = None) -> Comparison:
    """Every doctrine of the scenario's two sets, side by side, and the verdict (see the module docstring)."""
    with blas_threads(1):
        notes: list[str] = []
        slow = scenario.slow_note
        if slow is not None and progress is not None:
            progress(slow, False)
        entries = []
        for e, fam in [(e, "deterrence") for e in scenario.deterrence] + [(e, "norm") for e in scenario.norms]:
            missing = [lv for lv in e.levers if lv not in scenario.levers]
            if missing:
                what = " and no ".join(LEVER_NAMES[lv] for lv in missing)
                notes.append(f"{e.label} left out: this {'model' if scenario.base is not None else 'scenario'} has "
                             f"no {what}")
            else:
                entries.append((e, fam))
        if not entries:
            raise ModelError("no doctrine to compare: give deterrence or norms doctrines"
                             + (f" ({'; '.join(notes)})" if notes else ""))
        rows = []
        for k, (entry, family) in enumerate(entries):
            if progress is not None:
                progress(f"compare: {entry.label} ({k + 1}/{len(entries)})", True)
            rows.append(_row(scenario, entry, family, exact))

        def best_of(fam: str) -> Row | None:
            eq = [r for r in rows if r.family == fam and r.ppe]
            return max(eq, key=lambda r: float(r.welfare)) if eq else None

        det, norm = best_of("deterrence"), best_of("norm")
        levers = _lever_effects(scenario, norm, exact) if norm is not None else ()
        given = {fam for _, fam in entries}
        listed = {"deterrence"} if scenario.deterrence else set()
        listed |= {"norm"} if scenario.norms else set()
        verdict = _verdict(scenario, rows, det, norm, levers, given, listed)
    return Comparison(scenario.title, scenario.players, scenario.shown_parameters(), tuple(rows), det, norm, levers,
                      tuple(verdict), tuple(notes))


def _lever_effects(scenario: Scenario, row: Row, exact: bool | None) -> tuple[LeverEffect, ...]:
    """The best norm's doctrine with every combination of the levers the scenario has."""
    combos: list[tuple[str, ...]] = [()]
    for lv in scenario.levers:  # in LEVERS order, so every combination is too
        combos += [c + (lv,) for c in combos]
    out = []
    for combo in combos:
        r = evaluate(scenario.model(combo), scenario.seats(row.doctrine), scenario.value("delta"), exact=exact)
        out.append(LeverEffect(combo, _welfare(scenario, r), r.equilibrium.ppe))
    return tuple(out)


def _verdict(scenario: Scenario, rows: Sequence[Row], det: Row | None, norm: Row | None,
             levers: Sequence[LeverEffect], given: set[str], listed: set[str]) -> list[str]:
    out = []
    if given != {"deterrence", "norm"}:
        (only,) = given
        best = det if only == "deterrence" else norm
        what = "deterrence doctrines" if only == "deterrence" else "cooperative norms"
        other = "cooperative norm" if only == "deterrence" else "deterrence doctrine"
        why = ("was given to compare" if ("norm" if only == "deterrence" else "deterrence") not in listed
               else "is left to compare (see the notes)")
        if best is None:
            out.append(f"Only {what} are compared, and none is an equilibrium here; no {other} {why}.")
        else:
            out.append(f"Only {what} are compared: the best equilibrium is {best.label} ({_fmt(best.welfare)}); no "
                       f"{other} {why}.")
        if norm is None:
            return out
    elif det is None and norm is None:
        out.append("No doctrine of either family is an equilibrium here: neither deterrence nor the norms can be "
                   "relied on at this patience and attribution quality.")
        return out
    elif norm is None:
        out.append(f"Deterrence gives the best equilibrium welfare here: {det.label} "  # type: ignore[union-attr]
                   f"({_fmt(det.welfare)}); no cooperative norm is an equilibrium.")  # type: ignore[union-attr]
    elif det is None:
        out.append(f"Cooperative norms give the best equilibrium welfare here: {norm.label} ({_fmt(norm.welfare)}); "
                   "no deterrence doctrine is an equilibrium.")
    else:
        gap = norm.welfare - det.welfare
        if float(gap) > 0:
            out.append(f"Cooperative norms give the best equilibrium welfare here: {norm.label} ({_fmt(norm.welfare)}) "
                       f"against {det.label} ({_fmt(det.welfare)}), {_fmt(gap)} more per period for the states "
                       "together.")
        elif float(gap) < 0:
            out.append(f"Deterrence gives the best equilibrium welfare here: {det.label} ({_fmt(det.welfare)}) "
                       f"against {norm.label} ({_fmt(norm.welfare)}), {_fmt(-gap)} more per period for the states "
                       "together.")
        else:
            out.append(f"Deterrence and norms tie: {det.label} and {norm.label} both give {_fmt(det.welfare)}.")
    if norm is not None and norm.note.startswith("a PPE only on a knife-edge"):
        robust = [r for r in rows if r.family == "norm" and r.ppe and not r.note.startswith("a PPE only on")]
        top = max(robust, key=lambda r: float(r.welfare)) if robust else None
        tail = f"; the best norm that is not on a knife-edge is {top.label} ({_fmt(top.welfare)})" if top else ""
        out.append(f"{norm.label} is {norm.note}: any other value breaks the equilibrium{tail}.")
    knife = [r.label for r in rows if r.family == "norm" and r.ppe is False and r.deltas
             and all(iv.lo == iv.hi for iv in r.deltas)]
    if knife:
        out.append(f"{', '.join(knife)}: an equilibrium only on a knife-edge of patience (a single discount "
                   "factor), so not here.")
    if norm is not None and len(levers) > 1:
        plain = next(e for e in levers if not e.levers)
        parts = []
        for e in levers:
            if e.levers:
                parts.append(f"with {' and '.join(_lever_word(lv) for lv in e.levers)} {_fmt(e.welfare)}"
                             f"{'' if e.ppe else ' (not a PPE)'}")
        out.append(f"Levers: {norm.doctrine} without channel or audits gives {_fmt(plain.welfare)}"
                   f"{'' if plain.ppe else ' (not a PPE)'}; " + "; ".join(parts) + ".")
        eq = [e for e in levers if e.ppe]
        if eq:
            strongest = max(eq, key=lambda e: float(e.welfare))
            if not strongest.levers:
                out.append("Neither lever raises its equilibrium welfare: the norm itself drives the result.")
            else:
                out.append(f"What drives it: {' and '.join(_lever_word(lv) for lv in strongest.levers)} "
                           f"({_fmt(strongest.welfare - plain.welfare)} over the bare doctrine).")
    return out


def _lever_word(lever: str) -> str:
    return {"channel": "the channel", "audit": "audits"}[lever]
