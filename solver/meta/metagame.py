"""The doctrine meta-game: which doctrine mix is stable when each state picks a doctrine?

Conventions
-----------
* The meta-game is a bimatrix game between the scenario's two states (the seats of
  :attr:`~models.scenario.Scenario.strategic`; third parties keep ``always-attack``).  Its
  actions are doctrines: ``payoffs[0][i][j]`` is the first state's discounted, normalised value
  (:func:`~solver.repeated.evaluation.evaluate`) when it plays doctrine ``i`` and the second
  state plays doctrine ``j``; ``payoffs[1][i][j]`` is the second state's value in the same match.
* Every match is played in :meth:`~models.scenario.Scenario.full_model`, the repeated game with
  every lever the scenario has, so that switching doctrine is a deviation within one repeated
  game.  A doctrine that does not read the channel simply ignores it; the channel's and the
  audits' costs fall on every state whatever it plays.
* The equilibria are those of :func:`~solver.stage.equilibria.nash_equilibria` (every extreme
  equilibrium, exact when every value is), and the replicator dynamics those of nashpy: one
  population (``replicator_dynamics``) when the game is symmetric, ``payoffs[1]`` the transpose
  of ``payoffs[0]``; two populations, one per state (``asymmetric_replicator_dynamics``),
  otherwise.  Both start from the uniform mix.

:func:`scenario_metagame` is what ``detente metagame`` calls: it takes the scenario's entries (or the
ones given), drops their levers, tunes ``NAME:best`` with :func:`~solver.compare.best.resolve_best` in
the game the meta-game plays (every lever the scenario has) and says how in the result's notes, after
checking everything that does not need the tuning: the two states, the times, the other names.

A doctrine that is a perfect public equilibrium against itself leaves no state a profitable
deviation to *any* strategy, so in particular not to another doctrine of the list: it is a best
reply to itself in the meta-game (:attr:`MetaGame.best_reply_to_self`).

>>> from models.scenario import Scenario
>>> sc = Scenario(values=(("audit", 0), ("channel_cost", 0)))  # no costs on top of the stage payoffs
>>> meta = doctrine_metagame(sc, ["always-attack", "always-restrain"], times=(0, 10))
>>> [[str(v) for v in row] for row in meta.payoffs[0]]
[['-2', '1'], ['-3', '0']]
>>> [[str(p) for p in mix] for mix in meta.equilibria[0].profile]
[['1', '0'], ['1', '0']]
>>> meta.replicator[-1].shares[0][0] > 0.99
True

References
----------
R. Axelrod, *The Evolution of Cooperation*, Basic Books (1984): doctrines as the strategies of
a tournament, and their mix over time.

J. Hofbauer and K. Sigmund, *Evolutionary Games and Population Dynamics*, Cambridge University
Press (1998), ch. 7 and 10: the replicator dynamics of symmetric and bimatrix games.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np

from models.errors import ModelError
from models.numbers import Number, json_number, parse_number, to_exact
from models.repeated import check_delta
from models.scenario import Entry, Scenario, parse_entry
from models.stage import StageGame
from solver.compare.best import BestParameter, resolve_best
from solver.numeric.rational import leq
from solver.numeric.tolerance import payoff_tolerance
from solver.repeated.binding import bind_profile
from solver.repeated.evaluation import evaluate
from solver.stage.equilibria import Equilibrium, nash_equilibria

__all__ = ["DEFAULT_TIMES", "MetaGame", "ReplicatorRow", "default_doctrines", "doctrine_metagame", "resolve_entry",
           "scenario_metagame"]

SCHEMA_VERSION = 1
#: The times at which the replicator table reports the shares.
DEFAULT_TIMES = (0, 1, 2, 5, 10, 20, 50, 100)

Matrix = tuple[tuple[Number, ...], ...]


@dataclass(frozen=True)
class ReplicatorRow:
    """The doctrines' shares at one time: one tuple a population (one population when the game is symmetric)."""

    time: float
    shares: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class MetaGame:
    """What :func:`doctrine_metagame` returns (see the module docstring for the conventions)."""

    title: str
    exact: bool
    delta: Number
    players: tuple[str, str]  # the two states, row then column
    doctrines: tuple[str, ...]
    payoffs: tuple[Matrix, Matrix]  # payoffs[k][i][j]: state k's value, first state on i, second on j
    symmetric: bool  # payoffs[1] is payoffs[0] transposed
    equilibria: tuple[Equilibrium, ...]  # every extreme equilibrium; profile[k] is state k's mix over doctrines
    degenerate: bool
    n_components: int | None
    ppe_against_self: tuple[bool, ...]  # doctrine d against d is a PPE of the repeated game
    best_reply_to_self: tuple[bool, ...]  # (d, d) is a pure equilibrium of the meta-game
    populations: tuple[str, ...]  # ("both states",) or the two states' names
    replicator: tuple[ReplicatorRow, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        names = self.doctrines

        def mixture(probs: Sequence[Number]) -> dict[str, Any]:
            return {d: json_number(p) for d, p in zip(names, probs) if p != 0}

        return {
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "exact": self.exact,
            "delta": json_number(self.delta),
            "players": list(self.players),
            "doctrines": list(names),
            "payoffs": [[[json_number(v) for v in row] for row in m] for m in self.payoffs],
            "symmetric": self.symmetric,
            "equilibria": [
                {"mixtures": [mixture(p) for p in e.profile],
                 "payoffs": [json_number(v) for v in e.payoffs],
                 "component": e.component,
                 "symmetric": tuple(e.profile[0]) == tuple(e.profile[1])}
                for e in self.equilibria
            ],
            "degenerate": self.degenerate,
            "components": self.n_components,
            "ppe_against_self": dict(zip(names, self.ppe_against_self)),
            "best_reply_to_self": dict(zip(names, self.best_reply_to_self)),
            "replicator": {
                "populations": list(self.populations),
                "rows": [{"time": r.time, "shares": [list(s) for s in r.shares]} for r in self.replicator],
            },
            "notes": list(self.notes),
        }


def _check_names(doctrines: Sequence[str], *, best: bool = False) -> tuple[str, ...]:
    """The names stripped and checked (no levers, no repeats; ``NAME:best`` only when ``best``)."""
    if isinstance(doctrines, str):
        doctrines = [doctrines]
    names = tuple(d.strip() if isinstance(d, str) else d for d in doctrines)
    if not names:
        raise ModelError("the meta-game needs at least one doctrine")
    for name in names:
        if not isinstance(name, str) or not name:
            raise ModelError(f"expected a doctrine name such as 'grim', got {name!r}")
        if "+" in name:
            raise ModelError(f"{name!r}: give the doctrine without levers (every match of the meta-game is "
                             f"played with every lever the scenario has): {name.partition('+')[0]!r}")
        base, _, arg = name.partition(":")
        if arg.strip() == "best" and not best:
            raise ModelError(f"{name!r}: ':best' must be resolved to a parameter first (give {base}:G with a "
                             "number G)")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ModelError(f"doctrine {name!r} is given twice")
        seen.add(name)
    return names


def _two_states(scenario: Scenario) -> tuple[int, int]:
    seats = scenario.strategic
    if len(seats) != 2:
        listed = ", ".join(scenario.players[i] for i in seats)
        raise ModelError(f"the meta-game needs exactly two states that are not third parties; this scenario has "
                         f"{len(seats)} ({listed})")
    return seats[0], seats[1]


def _check_times(times: Sequence[object]) -> tuple[float, ...]:
    out: list[float] = []
    for t in times:
        x = float(parse_number(t, field="--times"))
        if not math.isfinite(x) or x < 0:
            raise ModelError(f"replicator times must be numbers >= 0, got {t!r}", field="--times")
        if out and x <= out[-1]:
            raise ModelError("replicator times must increase strictly", field="--times")
        out.append(x)
    if not out:
        raise ModelError("give at least one replicator time", field="--times")
    return tuple(out)


def _profile(scenario: Scenario, seats: tuple[int, int], first: str, second: str) -> list[str]:
    """One strategy per player: ``first`` and ``second`` for the two states, third parties as :meth:`Scenario.seats`."""
    profile = scenario.seats(first)
    profile[seats[1]] = second
    return profile


def doctrine_metagame(
    scenario: Scenario, doctrines: Sequence[str], *, delta: object = None, exact: bool | None = None,
    times: Sequence[object] = DEFAULT_TIMES, progress: Callable[[str, bool], None] | None = None,
) -> MetaGame:
    """The meta-game of ``doctrines`` in ``scenario``: values, equilibria, replicator dynamics.

    Parameters
    ----------
    scenario:
        A scenario with exactly two states that are not third parties.
    doctrines:
        Library doctrine names (or the model file's strategies), without levers (``+channel``) and
        with any ``:best`` already resolved to a parameter.
    delta:
        Discount factor in [0, 1) (default: the scenario's).
    exact:
        None: exact when every input is rational (as :func:`~solver.repeated.evaluation.evaluate`).
    times:
        Increasing times >= 0 at which the replicator dynamics report the shares.
    progress:
        ``progress(message, transient)``: a running count of the matches, and evaluate's warnings.

    Returns
    -------
    MetaGame
        The value matrices, every extreme equilibrium, the self-consistency flags and the
        replicator table.

    Raises
    ------
    ModelError
        A name with levers or ``:best``, an unknown or repeated doctrine, a scenario without
        exactly two strategic states, bad times or a bad delta.
    SolverError
        When the equilibrium enumeration is too large.
    """
    names = _check_names(doctrines)
    seats = _two_states(scenario)
    ts = _check_times(times)
    d = check_delta(scenario.value("delta") if delta is None else delta, field="--delta")
    model = scenario.full_model()
    for name in names:  # every name checked before the n^2 evaluations start
        bind_profile(model, _profile(scenario, seats, name, name))
    n = len(names)
    values: list[list[list[Number]]] = [[[Fraction(0)] * n for _ in range(n)] for _ in range(2)]
    ppe = [False] * n
    exact_all = True
    notes: dict[str, None] = {}
    used_delta: Number = d
    for i, row in enumerate(names):
        for j, col in enumerate(names):
            if progress is not None:
                progress(f"meta-game: {row} vs {col} ({i * n + j + 1} of {n * n})", True)
            res = evaluate(model, _profile(scenario, seats, row, col), d, exact=exact, progress=progress)
            values[0][i][j], values[1][i][j] = res.values[seats[0]], res.values[seats[1]]
            exact_all &= res.exact
            used_delta = res.delta
            notes.update(dict.fromkeys(res.notes))
            if i == j:
                ppe[i] = res.equilibrium.ppe
    if not exact_all:
        if any(isinstance(v, Fraction) for m in values for r in m for v in r):
            notes["some matches were computed in floating point, so every value is shown as a float"] = None
        values = [[[float(v) for v in r] for r in m] for m in values]
        used_delta = float(d)
    else:
        used_delta = to_exact(used_delta)
    A, B = values
    tol = 0.0 if exact_all else payoff_tolerance([np.array(A, dtype=float), np.array(B, dtype=float)])
    symmetric = all(leq(B[i][j], A[j][i], exact_all, tol) and leq(A[j][i], B[i][j], exact_all, tol)
                    for i in range(n) for j in range(n))
    best = tuple(all(leq(A[e][k], A[k][k], exact_all, tol) and leq(B[k][e], B[k][k], exact_all, tol)
                     for e in range(n)) for k in range(n))
    for k in range(n):
        if ppe[k] and not best[k]:
            notes[f"{names[k]} is a PPE against itself but not a best reply to itself in the meta-game: the two "
                  "checks disagree (a rounding tie under floating point?)"] = None
    players = (scenario.players[seats[0]], scenario.players[seats[1]])
    game = StageGame.bimatrix(A, B, players=players, actions=(names, names),
                              title=f"{scenario.title}: doctrine meta-game")
    nash = nash_equilibria(game, exact=exact_all, progress=progress)
    notes.update(dict.fromkeys(nash.notes))
    if symmetric:
        populations: tuple[str, ...] = ("both states",)
    else:
        populations = players
        notes["the meta-game is not symmetric (the second state's values are not the first's transposed): the "
              "replicator dynamics follow two populations, one per state, each from the uniform mix"] = None
    rows = _replicator(A, B, symmetric, ts)
    return MetaGame(scenario.title, exact_all, used_delta, players, names, (_matrix(A), _matrix(B)), symmetric,
                    nash.equilibria, bool(nash.degenerate), nash.n_components, tuple(ppe), best, populations, rows,
                    tuple(notes))


def scenario_metagame(
    scenario: Scenario, entries: Sequence[str | Entry] | None = None, *, exact: bool | None = None,
    times: Sequence[object] = DEFAULT_TIMES, progress: Callable[[str, bool], None] | None = None,
) -> MetaGame:
    """The meta-game of a scenario's doctrines (what ``detente metagame`` computes).

    Parameters
    ----------
    scenario:
        A scenario with exactly two states that are not third parties; its delta is the one played.
    entries:
        The doctrines: names (``grim``, ``generous:1/10``, ``generous:best``; a library doctrine or
        the model file's strategy, without levers) or :class:`~models.scenario.Entry` objects.  None:
        the scenario's deterrence and norms entries, levers dropped and repeats left out.
    exact, times, progress:
        As :func:`doctrine_metagame`; ``progress`` also hears which ``:best`` entry is being tuned.

    Returns
    -------
    MetaGame
        As :func:`doctrine_metagame`, its doctrines with every ``:best`` resolved, and first among
        its notes one an entry saying which parameter its ``:best`` plays (:func:`resolve_entry`).

    Raises
    ------
    ModelError
        As :func:`doctrine_metagame`, and a ``:best`` on a doctrine without a parameter.  Everything
        that can be checked without the tuning (the two states, the times, the names other than
        ``:best`` ones) is checked before any tuning starts.
    """
    seats = _two_states(scenario)
    _check_times(times)
    if entries is None:
        items: tuple[Entry, ...] = tuple(dict.fromkeys(Entry(e.doctrine) if e.tuned is None else e
                                                       for e in scenario.deterrence + scenario.norms))
    else:
        items = _given(entries)
        _check_names([e.label for e in items], best=True)
    model = scenario.full_model()
    for entry in items:  # the names that need no tuning are checked before the tuning starts
        if entry.tuned is None:
            bind_profile(model, _profile(scenario, seats, entry.doctrine, entry.doctrine))
    names, notes = _resolve(scenario, items, progress)
    if entries is None:
        names = tuple(dict.fromkeys(names))
    meta = doctrine_metagame(scenario, names, exact=exact, times=times, progress=progress)
    return replace(meta, notes=tuple(dict.fromkeys(notes + meta.notes))) if notes else meta


def resolve_entry(scenario: Scenario, entry: Entry) -> tuple[str, str | None]:
    """The base doctrine an entry names, levers dropped and ``:best`` resolved, and a note saying how, or None.

    ``:best`` is resolved by :func:`solver.compare.best.resolve_best` in the game the meta-game plays, with
    every lever the scenario has; ``compare`` tunes the entry in its own setting, so with levers in the
    scenario the two can pick different values, and the note names the levers.
    """
    if entry.tuned is None:
        return entry.doctrine, None
    return _resolved(scenario, entry, resolve_best(scenario, replace(entry, levers=scenario.levers)))


def default_doctrines(scenario: Scenario) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The scenario's deterrence and norms entries as base doctrines (levers dropped, no repeats), and notes.

    These are the doctrines of :func:`scenario_metagame` without entries (which checks the scenario first).
    """
    names, notes = _resolve(scenario, scenario.deterrence + scenario.norms, None)
    return tuple(dict.fromkeys(names)), notes


def _resolved(scenario: Scenario, entry: Entry, found: BestParameter) -> tuple[str, str]:
    where = f" (tuned with {' and '.join(scenario.levers)}, as every match is played)" if scenario.levers else ""
    return found.doctrine, f"{entry.label} played as {found.doctrine}{where}: {found.note}"


def _resolve(scenario: Scenario, entries: Sequence[Entry],
             progress: Callable[[str, bool], None] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each entry's doctrine, and the notes saying how ``:best`` was tuned (no repeats).

    Entries that differ only in their levers are tuned once: the tuning plays every lever the scenario has.
    """
    names: list[str] = []
    notes: dict[str, None] = {}
    tuned: dict[str, BestParameter] = {}
    todo = list(dict.fromkeys(e.doctrine for e in entries if e.tuned is not None))
    for entry in entries:
        if entry.tuned is None:
            names.append(entry.doctrine)
            continue
        if entry.doctrine not in tuned:
            if progress is not None:
                progress(f"meta-game: tuning {entry.doctrine} ({len(tuned) + 1} of {len(todo)})", True)
            tuned[entry.doctrine] = resolve_best(scenario, replace(entry, levers=scenario.levers))
        name, text = _resolved(scenario, entry, tuned[entry.doctrine])
        names.append(name)
        notes[text] = None
    return tuple(names), tuple(notes)


def _given(entries: Sequence[str | Entry]) -> tuple[Entry, ...]:
    """Names as entries: ``NAME:best`` parsed (its doctrine checked), any other name left as it is, to be
    checked by the meta-game (it may be a strategy of the model file, and a name with levers is refused)."""
    if isinstance(entries, (str, Entry)):
        entries = [entries]
    out: list[Entry] = []
    for item in entries:
        if isinstance(item, Entry):
            out.append(item)
        elif isinstance(item, str) and "+" not in item and item.partition(":")[2].strip() == "best":
            out.append(parse_entry(item.strip(), field="--doctrine"))
        elif isinstance(item, str):
            out.append(Entry(item.strip()))
        else:
            raise ModelError(f"expected a doctrine name such as 'grim', got {item!r}")
    return tuple(out)


def _matrix(rows: list[list[Number]]) -> Matrix:
    return tuple(tuple(r) for r in rows)


def _positive(m: np.ndarray) -> np.ndarray:
    """``m`` shifted so that its least entry is its range (1 when constant): the same dynamics on the simplex.

    nashpy integrates ``x' = x (f - phi)`` without projecting on the simplex, and off it the sum ``s`` of the
    shares moves as ``s' = phi (1 - s)``: when the average payoff ``phi`` is negative (values of costly
    conflicts are) rounding errors grow like ``exp(|phi| t)`` and the shares collapse.  Adding a constant
    to every payoff of a population changes no ``f_i - phi`` on the simplex, and with every payoff positive
    the sum is pulled back to 1 instead.
    """
    lo, hi = float(m.min()), float(m.max())
    span = hi - lo
    return m - lo + (span if span > 0 else 1.0)


def _replicator(A: list[list[Number]], B: list[list[Number]], symmetric: bool,
                times: tuple[float, ...]) -> tuple[ReplicatorRow, ...]:
    """Shares at ``times`` from the uniform start, integrated by nashpy (odeint from time 0)."""
    import nashpy  # imported here: it takes about a second, which the other commands need not pay

    a = _positive(np.array(A, dtype=float))
    b = _positive(np.array(B, dtype=float))
    n = a.shape[0]
    start = np.full(n, 1.0 / n)
    # odeint reports the state at its first time point, which must be the start: time 0
    skip = 0 if times[0] == 0 else 1
    points = np.array(((0.0,) if skip else ()) + times)
    game = nashpy.Game(a, b)
    if symmetric:
        paths: tuple[np.ndarray, ...] = (np.asarray(game.replicator_dynamics(y0=start, timepoints=points)),)
    else:
        xs, ys = game.asymmetric_replicator_dynamics(x0=start, y0=start.copy(), timepoints=points)
        paths = (np.asarray(xs), np.asarray(ys))
    # a share is never negative: what odeint leaves below 0 is rounding
    return tuple(ReplicatorRow(t, tuple(tuple(max(float(v), 0.0) for v in path[k + skip]) for path in paths))
                 for k, t in enumerate(times))
