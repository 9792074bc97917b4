"""Text and CSV forms of ``compare`` and ``intervals``."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from models.numbers import Number, format_number
from solver.compare.table import Comparison, Row
from solver.compare.thresholds import GRID, ParameterSets
from solver.render.text import num, percent, table
from solver.repeated.delta_sets.intervals import Interval

__all__ = ["render_compare", "compare_csv", "render_parameter_sets", "CSV_COLUMNS"]


def _end(x: Number, digits: int, exact: bool) -> str:
    """An endpoint: in an exact row a float end is an irrational root, shown rounded and marked ``~``."""
    if exact and isinstance(x, float):
        return "~" + format_number(x, digits)
    return num(x, digits, decimals=True)


def _ivs(items: Sequence[Interval], digits: int, exact: bool) -> str:
    if not items:
        return "none"
    return " and ".join(i.text(lambda x: _end(x, digits, exact)) for i in items)


def _threshold(row: Row, digits: int) -> str:
    if row.detection is None:
        return "-"
    thr = row.detection.threshold()
    if thr is not None:
        return f">= {_end(thr, digits, row.detection.exact)}"
    return _ivs(row.detection.ppe, digits, row.detection.exact)


def render_compare(c: Comparison, digits: int = 4) -> str:
    """One row per doctrine, then the verdict."""
    headers = (["doctrine", "family"] + [f"value {p}" for p in c.players]
               + ["welfare", "conflict", "spiral", "P(war forever)", "innocent/100", "PPE", "PPE for delta",
                  "PPE for detection"])
    rows = []
    for r in c.rows:
        m = r.result.metrics
        spiral = "-" if m.mean_conflict_length is None else num(m.mean_conflict_length, digits, decimals=True)
        ppe = "yes" if r.ppe else f"no (gain {num(r.max_gain, digits, decimals=True)})"
        rows.append([r.label, r.family] + [num(v, digits, decimals=True) for v in r.result.values]
                    + [num(r.welfare, digits, decimals=True), percent(m.attack_share_long_run, digits), spiral,
                       percent(m.p_permanent_conflict, digits), num(m.innocent_punishments_per_100, digits, True),
                       ppe, _ivs(r.deltas, digits, r.result.exact), _threshold(r, digits)])
    shown = ", ".join(f"{k} {format_number(v, digits)}" for k, v in c.parameters)
    lines = [c.title or "Scenario", f"Parameters: {shown}", "", table(headers, rows), ""]
    notes = [f"  {r.label}: {r.note}" for r in c.rows if r.note]
    if notes:
        lines += ["Doctrine parameters:"] + notes + [""]
    lines += ["Verdict"] + [f"  {v}" for v in c.verdict]
    lines += ["", "conflict: long-run share of periods with an attack; spiral: mean length of a conflict episode "
              "(- when conflict never ends or never starts); P(war forever): probability of permanent conflict; "
              "innocent/100: punishments of an innocent state per 100 periods; welfare: the states' values summed. "
              "~ marks a rounded value: a rounded fraction, or an irrational root (--json tells them apart: a root is "
              "a float there, isolated to 1e-18)."]
    return "\n".join(lines)


#: Columns of ``compare --csv``, in order (the README documents them).
CSV_COLUMNS = ("doctrine", "family", "played", "levers", "welfare", "conflict_share", "spiral_length",
               "p_permanent_conflict", "innocent_punishments_per_100", "ppe", "nash", "max_gain", "ppe_deltas",
               "detection_threshold", "exact")


def _cell(x: object) -> str:
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return repr(x)
    return str(x)


def compare_csv(c: Comparison) -> str:
    """One line per doctrine: :data:`CSV_COLUMNS`, then ``value:PLAYER`` for each player; exact fractions kept."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(list(CSV_COLUMNS) + [f"value:{p}" for p in c.players])
    for r in c.rows:
        d = r.to_dict()
        deltas = " ".join(i.text(lambda x: format_number(x, 17)) for i in r.deltas)
        cells = [d["doctrine"], d["family"], d["played"], "+".join(r.levers), d["welfare"], d["conflict_share"],
                 d["spiral_length"], d["p_permanent_conflict"], d["innocent_punishments_per_100"], d["ppe"], d["nash"],
                 d["max_gain"], deltas, d["detection_threshold"], d["exact"]]
        w.writerow([_cell(x) for x in cells] + [_cell(v) for v in d["values"]])
    return out.getvalue().rstrip("\n")


def render_parameter_sets(res: ParameterSets, title: str, digits: int = 6, decimals: bool = False) -> str:
    """The PPE and Nash sets over one parameter, and the method that found each."""

    def fmt(x: Number) -> str:
        return num(x, max(digits, 10), decimals=True) if decimals else format_number(x, max(digits, 10))

    def ivs(items: Sequence[Interval] | None, method: str) -> str:
        if items:
            return " and ".join(i.text(fmt) for i in items)
        where = f"[{fmt(res.domain[0])}, {fmt(res.domain[1])}]"
        if method.startswith("grid"):
            return (f"none found on the grid in {where} (a window narrower than its spacing, 1/{GRID} of the range, "
                    "could be missed)")
        return f"none in {where}"

    at = "" if res.value is None else f" (the model has {format_number(res.value, digits)})"
    lines = [f"{title or 'Untitled game'}: {' vs '.join(res.strategies)}, over {res.parameter}{at}",
             f"Perfect public equilibrium for {res.parameter} in: {ivs(res.ppe, res.ppe_method)}"]
    if res.nash is not None:
        lines.append(f"Nash equilibrium for {res.parameter} in: {ivs(res.nash, res.nash_method)}")
    lines += ["", f"PPE method: {res.ppe_method}."]
    if res.nash is not None:
        lines.append(f"Nash method: {res.nash_method}.")
    thr = res.threshold()
    if thr is not None and thr != res.domain[0]:
        lines.append(f"A threshold: the profile is a PPE exactly when {res.parameter} >= {fmt(thr)} (in the range).")
    return "\n".join(lines)
