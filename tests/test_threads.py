"""The BLAS thread limit is an explicit context: set while any ``blas_threads`` block runs, then restored,
and never set behind the caller's back by a solver function.

Each scenario runs in a fresh interpreter, so that no earlier test's BLAS state can mask the result.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

PRELUDE = textwrap.dedent("""
    import threading
    import numpy  # loads the BLASes whose threads are limited (numpy's and SciPy's)
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_info

    def blas_threads_now():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas_threads_now()
    assert before and before != [1] * len(before), ("numpy's BLAS is not visible or not threaded", before)
""")

NESTED = PRELUDE + textwrap.dedent("""
    from solver.numeric.blas import blas_threads
    inside = {name: threading.Event() for name in "ab"}
    release = {name: threading.Event() for name in "ab"}

    def work(name):
        with blas_threads(1):
            inside[name].set()
            release[name].wait(10)

    threads = {name: threading.Thread(target=work, args=(name,)) for name in "ab"}
    threads["a"].start()
    inside["a"].wait(10)
    threads["b"].start()
    inside["b"].wait(10)
    assert blas_threads_now() == [1] * len(before), ("both inside", blas_threads_now())
    release["a"].set()
    threads["a"].join()
    assert blas_threads_now() == [1] * len(before), ("B still inside", blas_threads_now())
    release["b"].set()
    threads["b"].join()
    assert blas_threads_now() == before, ("after both", blas_threads_now(), before)
""")

NO_SIDE_EFFECT = PRELUDE + textwrap.dedent("""
    from fractions import Fraction
    from models import catalog
    from models.monitoring import AttributionMonitoring
    from models.repeated import RepeatedModel
    import solver.repeated.evaluation as evaluation
    from solver.repeated import checks

    seen = []
    original = checks.check_equilibrium

    def spy(*args, **kwargs):  # records the BLAS threads while the solver is working
        seen.append(blas_threads_now())
        return original(*args, **kwargs)

    evaluation.check_equilibrium = spy
    evaluation.evaluate(RepeatedModel(catalog.load("prisoners-dilemma"), AttributionMonitoring()), ["grim"], 0.9)
    assert seen == [before], ("the Python API changed the process's BLAS threads", seen, before)
""")

BATCH = PRELUDE + textwrap.dedent("""
    import numpy as np
    from models import catalog
    from models.monitoring import AttributionMonitoring
    from models.repeated import RepeatedModel
    import solver.repeated.batch as batch

    seen = []
    original = batch.np.linalg.solve

    def spy(*args, **kwargs):
        seen.append(blas_threads_now())
        return original(*args, **kwargs)

    batch.np.linalg.solve = spy
    batch.evaluate_batch(RepeatedModel(catalog.load("prisoners-dilemma"), AttributionMonitoring()), ["grim"],
                         delta=np.array([0.4, 0.6]), workers=1)
    batch.np.linalg.solve = original
    assert seen and all(s == [1] * len(before) for s in seen), ("batch solves", seen)
    assert blas_threads_now() == before, ("after the batch", blas_threads_now(), before)
""")


def run(scenario: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", scenario], capture_output=True, text=True, timeout=120,
                          env={"OPENBLAS_NUM_THREADS": "2", "PATH": "", "PYTHONPATH": ":".join(sys.path)})


def test_limit_holds_while_any_thread_is_inside_and_is_restored_after():
    # A enters, then B; A leaves first.  B must keep the limit, and once B leaves the original comes back.
    res = run(NESTED)
    assert res.returncode == 0, res.stderr


def test_evaluate_leaves_the_blas_threads_alone():
    # the Python API has no process-wide side effect: the caller decides with `with blas_threads(1):`
    res = run(NO_SIDE_EFFECT)
    assert res.returncode == 0, res.stderr


def test_batch_holds_the_limit_while_its_threads_solve_and_restores_it():
    res = run(BATCH)
    assert res.returncode == 0, res.stderr
