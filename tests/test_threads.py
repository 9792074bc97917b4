"""The BLAS thread limit around the repeated-game solvers: set while any call runs, then restored.

The scenario runs in a fresh interpreter, so that no earlier test's BLAS state can mask the result.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCENARIO = textwrap.dedent("""
    import threading
    import numpy  # loads the BLAS whose threads are limited
    from threadpoolctl import threadpool_info
    from solver.numeric.blas import single_blas_thread

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads()
    assert before, "numpy's BLAS is not visible"
    inside = {name: threading.Event() for name in "ab"}
    release = {name: threading.Event() for name in "ab"}

    @single_blas_thread
    def work(name):
        inside[name].set()
        release[name].wait(10)

    threads = {name: threading.Thread(target=work, args=(name,)) for name in "ab"}
    threads["a"].start()
    inside["a"].wait(10)
    threads["b"].start()
    inside["b"].wait(10)
    assert blas_threads() == [1] * len(before), ("both inside", blas_threads())
    release["a"].set()
    threads["a"].join()
    assert blas_threads() == [1] * len(before), ("B still inside", blas_threads())
    release["b"].set()
    threads["b"].join()
    assert blas_threads() == before, ("after both", blas_threads(), before)
""")


def test_limit_holds_while_any_thread_is_inside_and_is_restored_after():
    # A enters, then B; A leaves first.  B must keep the limit, and once B leaves the original comes back.
    run = subprocess.run([sys.executable, "-c", SCENARIO], capture_output=True, text=True, timeout=120,
                         env={"OPENBLAS_NUM_THREADS": "2", "PATH": ""})
    assert run.returncode == 0, run.stderr
