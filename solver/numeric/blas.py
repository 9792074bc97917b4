"""One BLAS thread around the repeated-game solvers.

The repeated-game solvers do many dense solves and products on small
matrices (a few hundred rows at most).  OpenBLAS's own threads only
contend on matrices that small: the full evaluation of a 100-state profile
took 23 ms with OpenBLAS's threads and 15 ms on one, and the batched solve
of 10,000 such systems 1.3 s and 0.86 s (0.43 s with detente's own
chunk-level threads using the two cores instead).  The limit is lifted when the call
returns, so other numpy work in the same process keeps its threads.

>>> import numpy as np
>>> @single_blas_thread
... def det(a):
...     return round(float(np.linalg.det(a)), 6)
>>> det(np.eye(3) * 2)
8.0
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from threadpoolctl import ThreadpoolController

__all__ = ["single_blas_thread"]

F = TypeVar("F", bound=Callable[..., Any])

_controller: ThreadpoolController | None = None
_lock = threading.Lock()
_depth = 0  # decorated calls running now, in any thread
_limit: Any = None  # the limit the outermost call set, restored when the last one returns


def _enter() -> None:
    global _controller, _depth, _limit
    with _lock:
        if _depth == 0:
            if _controller is None:  # inspecting the loaded libraries costs ~0.2 ms: do it once
                _controller = ThreadpoolController()
            _limit = _controller.limit(limits=1, user_api="blas")
        _depth += 1


def _exit() -> None:
    global _depth, _limit
    with _lock:
        _depth -= 1
        if _depth == 0:
            _limit.restore_original_limits()
            _limit = None


def single_blas_thread(func: F) -> F:
    """Run ``func`` with BLAS limited to one thread.

    Safe when several threads call decorated functions at once: the first to enter sets the limit and the
    last to leave restores the original.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _enter()
        try:
            return func(*args, **kwargs)
        finally:
            _exit()

    return wrapper  # type: ignore[return-value]
