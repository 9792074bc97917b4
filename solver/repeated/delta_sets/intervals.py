"""Sets of discount factors: intervals, their union and intersection, and the result record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from models.numbers import Number, json_number

__all__ = ["Interval", "DeltaIntervals", "assemble", "merge", "intersect"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Interval:
    lo: Number
    hi: Number
    lo_closed: bool
    hi_closed: bool

    def to_list(self) -> list[Any]:
        return [json_number(self.lo), json_number(self.hi)]

    def to_dict(self) -> dict[str, Any]:
        """``lo``, ``hi`` and whether each end is ``closed``; a float end is an irrational root."""
        return {"lo": json_number(self.lo), "hi": json_number(self.hi), "closed": [self.lo_closed, self.hi_closed]}

    def text(self, fmt: Callable[[Number], str]) -> str:
        return f"{'[' if self.lo_closed else '('}{fmt(self.lo)}, {fmt(self.hi)}{']' if self.hi_closed else ')'}"


@dataclass(frozen=True)
class DeltaIntervals:
    players: tuple[str, ...]
    strategies: tuple[str, ...]
    ppe: tuple[Interval, ...]
    nash: tuple[Interval, ...]
    ppe_method: str
    nash_method: str
    exact: bool
    notes: tuple[str, ...] = ()
    #: The sequential set (see :mod:`solver.repeated.private`); without delay it is the PPE set.
    sequential: tuple[Interval, ...] | None = None
    sequential_method: str = ""
    delay: int = 0

    @property
    def sequential_set(self) -> tuple[Interval, ...]:
        return self.ppe if self.sequential is None else self.sequential

    def to_dict(self) -> dict[str, Any]:
        def detail(ivs: tuple[Interval, ...]) -> list[dict[str, Any]]:
            return [i.to_dict() for i in ivs]

        return {
            "schema_version": SCHEMA_VERSION,
            "exact": self.exact,
            "players": list(self.players),
            "strategies": list(self.strategies),
            "delay": self.delay,
            "ppe": [i.to_list() for i in self.ppe],
            "nash": [i.to_list() for i in self.nash],
            "sequential": [i.to_list() for i in self.sequential_set],
            "ppe_intervals": detail(self.ppe),
            "nash_intervals": detail(self.nash),
            "sequential_intervals": detail(self.sequential_set),
            "ppe_method": self.ppe_method,
            "nash_method": self.nash_method,
            "sequential_method": self.sequential_method or self.ppe_method,
            "notes": list(self.notes),
        }


def assemble(cells: Sequence[bool], points: Sequence[bool], where: Sequence[Number]) -> list[Interval]:
    """Turn feasibility of cells (len m+1) and root points (len m) into maximal intervals."""
    items: list[tuple[str, int, bool]] = []
    for k in range(len(points)):
        items.append(("cell", k, cells[k]))
        items.append(("point", k, points[k]))
    items.append(("cell", len(points), cells[-1]))
    out: list[Interval] = []
    start = None
    for idx, (_, _, ok) in enumerate(items):
        if ok and start is None:
            start = idx
        if (not ok or idx == len(items) - 1) and start is not None:
            end = idx if ok else idx - 1
            k0, k1 = items[start], items[end]
            lo = Fraction(0) if k0[0] == "cell" and k0[1] == 0 else where[k0[1] - (1 if k0[0] == "cell" else 0)]
            lo_closed = k0[0] == "point"
            hi = Fraction(1) if k1[0] == "cell" and k1[1] == len(points) else where[k1[1]]
            hi_closed = k1[0] == "point"
            if lo < hi or (lo == hi and lo_closed and hi_closed):  # never an empty interval
                out.append(Interval(lo, hi, lo_closed, hi_closed))
            start = None
    return out


def merge(intervals: Sequence[Interval]) -> list[Interval]:
    """Sorted union of intervals."""
    out: list[Interval] = []
    for iv in sorted(intervals, key=lambda v: (v.lo, not v.lo_closed)):
        if out:
            last = out[-1]
            if iv.lo < last.hi or (iv.lo == last.hi and (last.hi_closed or iv.lo_closed)):
                if (iv.hi, iv.hi_closed) > (last.hi, last.hi_closed):
                    out[-1] = Interval(last.lo, iv.hi, last.lo_closed, iv.hi_closed)
                continue
        out.append(iv)
    return out


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    out = []
    for u in a:
        for v in b:
            lo, lo_closed = max((u.lo, not u.lo_closed), (v.lo, not v.lo_closed))
            hi, hi_closed = min((u.hi, u.hi_closed), (v.hi, v.hi_closed))
            lo_closed = not lo_closed
            if lo < hi or (lo == hi and lo_closed and hi_closed):
                out.append(Interval(lo, hi, lo_closed, hi_closed))
    return merge(out)

