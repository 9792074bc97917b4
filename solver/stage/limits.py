"""Limits, work estimates and progress reports of the stage-game solvers.

Solver functions never print.  Long ones take an optional ``progress``
callback, ``progress(message, transient)``: ``transient=True`` for a running
count that the next message replaces (the CLI may throttle these or
overwrite them in place), ``False`` for a note the user should keep (an
estimate, a warning, the faster path to try).  :mod:`solver.cli.progress`
writes them to standard error.

The limits are checked before and during the work, and exceeding one raises
a :class:`~models.errors.SolverError` whose message says what was too large
and what to try instead (:func:`too_large`), so a large game stops with one
clear line rather than being killed for lack of memory.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "MAX_VERTICES", "MAX_BASES", "MAX_PENDING_TABLEAU_ENTRIES", "EXACT_LP_WARN_CELLS",
           "EXACT_DOMINANCE_WARN_CELLS", "ENUMMIXED_WARN_ACTIONS", "too_large", "stage_memory_advice", "report"]

#: ``progress(message, transient)``; see the module docstring.
Progress = Callable[[str, bool], None]

#: Vertices of one best-response polytope kept before the enumeration stops (about 0.5 kB each).
MAX_VERTICES = 1_000_000

#: Bases of one best-response polytope visited before the enumeration stops.
MAX_BASES = 2_000_000

#: Integers held by the tableaux waiting on the search stack before it stops (each about 40 bytes).
MAX_PENDING_TABLEAU_ENTRIES = 50_000_000

#: Exact correlated-equilibrium LPs with more variables x constraints than this get a warning first.
EXACT_LP_WARN_CELLS = 500_000

#: Exact dominance by mixed strategies gets a warning first when one round's LPs hold more cells (summed
#: over players: actions x actions x the others' profiles) than this: a 40x40 game (128,000) takes a minute.
EXACT_DOMINANCE_WARN_CELLS = 50_000

#: Enumeration of games with more actions than this per player gets a warning first.
ENUMMIXED_WARN_ACTIONS = 12


def report(progress: Progress | None, message: str, transient: bool = False) -> None:
    """Send ``message`` to ``progress`` when there is one."""
    if progress is not None:
        progress(message, transient)


def too_large(what: str, *, exact: bool, method: str = "enummixed") -> str:
    """The message of the SolverError raised when a stage-game limit is exceeded."""
    advice = []
    if method == "enummixed":
        advice.append("use --method lemke-howson for one equilibrium")
        advice.append("or --method pure for the pure ones")
    if exact:
        advice.append("--float for floating-point arithmetic")
    return f"{what}; {', '.join(advice)}" if advice else what


def stage_memory_advice(shape: tuple[int, ...], method: str) -> str:
    """What to tell a user whose stage-game computation ran out of memory (for the CLI)."""
    size = "x".join(str(k) for k in shape)
    if method in ("enummixed", "auto") and len(shape) == 2:
        return (f"out of memory enumerating the equilibria of a {size} game: the number of vertices of the "
                "best-response polytopes grows exponentially with the number of actions; use --method "
                "lemke-howson for one equilibrium, or --method pure for the pure equilibria")
    return (f"out of memory solving a {size} game; try --float (exact arithmetic needs more memory), or fewer "
            "actions")
