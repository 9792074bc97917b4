"""A progress reporter on standard error for the solvers' ``progress`` callbacks.

Solver functions never print; the long ones accept ``progress(message,
transient)`` (see :mod:`solver.stage.limits`).  :func:`stderr_progress`
builds one: notes (``transient=False``) are always written, one line each;
running counts (``transient=True``) at most every ``interval`` seconds, and
on a terminal they overwrite each other on one line.  Nothing goes to
standard output, which carries results only.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["stderr_progress"]


def stderr_progress(stream: TextIO | None = None, *, interval: float = 1.0,
                    clock: Callable[[], float] = time.monotonic) -> Callable[[str, bool], None]:
    """A ``progress(message, transient)`` callback writing to ``stream`` (standard error by default).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> p = stderr_progress(out, interval=0.0)
    >>> p("enummixed: 20,000 bases", True); p("a note", False)
    >>> out.getvalue()
    'enummixed: 20,000 bases\\na note\\n'
    """
    last = [-float("inf")]
    pending = [False]  # a transient line is on screen without its newline

    def write(text: str) -> None:
        target = stream if stream is not None else sys.stderr
        target.write(text)
        target.flush()

    def progress(message: str, transient: bool = False) -> None:
        target = stream if stream is not None else sys.stderr
        tty = bool(getattr(target, "isatty", lambda: False)())
        if transient:
            now = clock()
            if now - last[0] < interval:
                return
            last[0] = now
            if tty:
                write("\r\x1b[K" + message)
                pending[0] = True
                return
            write(message + "\n")
            return
        if pending[0]:
            write("\r\x1b[K")
            pending[0] = False
        write(message + "\n")

    return progress
