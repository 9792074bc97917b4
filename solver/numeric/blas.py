"""An explicit limit on BLAS threads: ``with blas_threads(1): ...``.

The repeated-game solvers do many dense solves and products on small
matrices (a few hundred rows at most).  OpenBLAS's own threads only
contend on matrices that small: the full evaluation of a 100-state profile
took 23 ms with OpenBLAS's threads and 15 ms on one, and the batched solve
of 10,000 such systems 1.3 s and 0.86 s (0.43 s with detente's own
chunk-level threads using the two cores instead).

The limit is process-wide while it holds (BLAS has no per-thread setting),
so no solver function sets it behind the caller's back: the caller decides.
The ``detente`` command wraps every command in ``blas_threads(1)``;
:func:`solver.repeated.batch.evaluate_batch`, which runs its own worker
threads, holds it while they run.  A Python caller who wants the faster
single-thread mode for its own loop writes ``with blas_threads(1):``
around it.  The limit is lifted when the block ends, so other numpy work
keeps its threads.

Several threads may hold the context at once: the first to enter sets the
limit and the last to leave restores the original one.

>>> import numpy as np
>>> with blas_threads(1):
...     round(float(np.linalg.det(np.eye(3) * 2)), 6)
8.0
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from threadpoolctl import ThreadpoolController

from models.errors import SolverError

__all__ = ["blas_threads"]

_controller: ThreadpoolController | None = None
_lock = threading.Lock()
_depth = 0  # contexts open now, in any thread
_count: int | None = None  # the limit the outermost context set
_limit: Any = None  # its threadpoolctl handle, restored when the last context closes


def _enter(threads: int) -> None:
    global _controller, _depth, _limit, _count
    with _lock:
        if _depth == 0:
            if _controller is None:  # inspecting the loaded libraries costs ~0.2 ms: do it once
                _controller = ThreadpoolController()
            _limit = _controller.limit(limits=threads, user_api="blas")
            _count = threads
        elif threads != _count:
            raise SolverError(f"blas_threads({threads}) inside blas_threads({_count}) of another caller: "
                              "nested limits must agree")
        _depth += 1


def _exit() -> None:
    global _depth, _limit, _count
    with _lock:
        _depth -= 1
        if _depth == 0:
            _limit.restore_original_limits()
            _limit = None
            _count = None


@contextlib.contextmanager
def blas_threads(threads: int = 1) -> Iterator[None]:
    """Limit BLAS to ``threads`` threads while the block runs, then restore the original limit.

    Parameters
    ----------
    threads:
        Positive number of BLAS threads.

    Raises
    ------
    SolverError
        When ``threads`` is not positive, or differs from the limit of a block already open (in any thread).
    """
    if not isinstance(threads, int) or threads < 1:
        raise SolverError(f"blas_threads: give a positive number of threads, got {threads!r}")
    _enter(threads)
    try:
        yield
    finally:
        _exit()
