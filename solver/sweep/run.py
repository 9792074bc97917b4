"""Running a sweep's chunks: in this process, on local processes, or on a Dask cluster.

Every executor runs the same task, :func:`compute_chunk` (chunk index -> the chunk's CSV text and its
number of error rows), and hands the results to the parent as they complete, in any order; the parent
alone writes them (:meth:`solver.sweep.store.Store.write_chunk`).  At most a few tasks per worker are in
flight, so the parent's memory stays flat however many chunks the sweep has.

* ``jobs=1``: a loop in this process.
* ``jobs=N``: a :class:`concurrent.futures.ProcessPoolExecutor` of N spawned processes; the spec is sent
  once to each (its initializer), then only chunk indices.  A worker that dies (killed, out of memory)
  stops the sweep with one line; a rerun resumes it.
* ``scheduler="local"``: a :class:`distributed.LocalCluster` of ``jobs`` single-threaded worker processes;
  ``scheduler="tcp://HOST:PORT"``: an existing cluster, whose workers must have detente installed.  The spec
  is scattered to every worker once.  Dask itself retries a task whose worker is lost.

Each task holds BLAS to one thread (:func:`solver.numeric.blas.blas_threads`): the solves are small, and
the same threading in every executor gives the same floats, hence the same file.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from models.errors import ModelError, SolverError
from solver.numeric.blas import blas_threads
from solver.sweep.figures import chunk_rows, columns
from solver.sweep.spec import Spec, resolve_doctrines
from solver.sweep.store import Store, rows_text

__all__ = ["SweepStats", "run_sweep", "sweep_to_file", "compute_chunk", "default_jobs", "check_scheduler",
           "ChunkRows"]

#: Tasks in flight per worker: enough to keep a worker busy while the parent writes.
IN_FLIGHT = 2
ChunkRows = Callable[[Spec, Any], list[tuple[Any, ...]]]
Progress = Callable[[str, bool], None]


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def check_scheduler(text: str) -> str:
    """``local`` or an address ``SCHEME://HOST:PORT``."""
    if text == "local" or re.fullmatch(r"(tcp|tls|ws|wss|inproc|ucx)://[^\s:/]+(:\d{1,5})?/?", text):
        return text
    raise ModelError(f"expected tcp://HOST:PORT (a Dask scheduler's address) or local, got {text!r}",
                     field="--scheduler")


def compute_chunk(spec: Spec, k: int, rows: ChunkRows = chunk_rows) -> tuple[int, str, int]:
    """Chunk ``k``: its index, its rows as CSV text, and how many of them are error rows."""
    with blas_threads(1):
        out = rows(spec, spec.points(spec.chunk(k)))
    return k, rows_text(out), sum(1 for r in out if r[-1])


@dataclass(frozen=True)
class SweepStats:
    points: int
    doctrines: int
    computed_points: int  # in this run
    resumed_points: int  # found done
    error_rows: int  # in the whole sweep
    seconds: float  # wall time of this run's computation

    @property
    def rate(self) -> float:
        """Points per second in this run."""
        return self.computed_points / self.seconds if self.seconds > 0 else float("inf")


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min {s:02d} s" if m else f"{s} s"


def run_sweep(spec: Spec, store: Store, *, jobs: int = 1, scheduler: str | None = None,
              progress: Progress | None = None, rows: ChunkRows = chunk_rows) -> SweepStats:
    """Compute every pending chunk of ``store`` and write each as it completes."""
    pending = store.pending()
    total = spec.n_points
    todo_points = sum(len(spec.chunk(k)) for k in pending)
    resumed = total - todo_points
    done_points = 0
    start = time.monotonic()
    if scheduler is not None:
        results = _dask(spec, pending, jobs, scheduler, rows)
    elif jobs > 1 and len(pending) > 1:
        results = _processes(spec, pending, jobs, rows)
    else:
        results = (compute_chunk(spec, k, rows) for k in pending)
    if progress is not None and pending:
        progress(f"sweep: {resumed:,}/{total:,} points done, {todo_points:,} to compute", True)
    try:
        for k, text, errors in results:
            store.write_chunk(k, text, errors)
            done_points += len(spec.chunk(k))
            if progress is not None:
                elapsed = time.monotonic() - start
                rate = done_points / elapsed if elapsed > 0 else 0.0
                left = (todo_points - done_points) / rate if rate > 0 else 0.0
                share = (resumed + done_points) / total
                progress(f"sweep: {resumed + done_points:,}/{total:,} points ({share:.0%}), {rate:,.1f} points/s, "
                         f"{_duration(left)} left", True)
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # a generator: its finally block stops the workers
    return SweepStats(total, len(spec.doctrines), done_points, resumed, store.error_rows, time.monotonic() - start)


# -- local processes ----------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(spec: Spec, rows: ChunkRows) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the pool
    _WORKER["spec"], _WORKER["rows"] = spec, rows
    threading.Thread(target=_orphan_watch, args=(os.getppid(),), daemon=True).start()


def _orphan_watch(parent: int) -> None:
    """End this worker when the parent is gone (killed with SIGKILL, it cannot stop the pool itself)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _worker_task(k: int) -> tuple[int, str, int]:
    return compute_chunk(_WORKER["spec"], k, _WORKER["rows"])


def _stop(pool: ProcessPoolExecutor) -> None:
    pool.shutdown(wait=False, cancel_futures=True)
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    for proc in list((getattr(pool, "_processes", None) or {}).values()):  # earlier Pythons: no public way
        proc.terminate()


def _processes(spec: Spec, pending: Sequence[int], jobs: int, rows: ChunkRows) -> Iterator[tuple[int, str, int]]:
    workers = min(jobs, len(pending))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(spec, rows))
    queue = iter(pending)
    running: set[Future[tuple[int, str, int]]] = set()
    finished = False
    try:
        for k in queue:
            running.add(pool.submit(_worker_task, k))
            if len(running) >= IN_FLIGHT * workers:
                break
        while running:
            ready, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in ready:
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    raise SolverError("a worker process died (killed, or out of memory?); the chunks finished "
                                      "so far are kept: rerun the same command to resume") from None
                yield result
                nxt = next(queue, None)
                if nxt is not None:
                    running.add(pool.submit(_worker_task, nxt))
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop(pool)


# -- Dask ---------------------------------------------------------------------------------------------


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise SolverError("--scheduler needs Dask: pip install 'detente[distributed]'") from None
    return distributed


def _dask(spec: Spec, pending: Sequence[int], jobs: int, scheduler: str,
          rows: ChunkRows) -> Iterator[tuple[int, str, int]]:
    distributed = _distributed()
    cluster = None
    if scheduler == "local":
        cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=logging.ERROR)
        client = distributed.Client(cluster)
    else:
        try:
            client = distributed.Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise SolverError(f"cannot reach the Dask scheduler at {scheduler}: "
                              f"{' '.join(str(exc).split()) or type(exc).__name__}") from None
    try:
        threads = sum(client.nthreads().values()) or jobs
        shared = client.scatter(spec, broadcast=True, hash=False)
        queue = iter(pending)

        def submit(k: int) -> Any:
            return client.submit(compute_chunk, shared, k, rows, pure=False)

        first = [submit(k) for k in itertools.islice(queue, IN_FLIGHT * threads)]
        running = distributed.as_completed(first)
        for fut in running:
            result = fut.result()
            fut.release()
            yield result
            nxt = next(queue, None)
            if nxt is not None:
                running.add(submit(nxt))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


#: Without a number of jobs, a sweep of fewer evaluations (points x doctrines) than this runs in this process.
SMALL = 200


def sweep_to_file(spec: Spec, out: str, *, jobs: int | None = None, scheduler: str | None = None, force: bool = False,
                  restart: bool = False, retry_errors: bool = False, plot: str | None = None,
                  boundary_rows: int | None = None, options: dict[str, Any] | None = None,
                  progress: Progress | None = None) -> SweepStats | None:
    """The whole of ``detente sweep`` once its options are read: the sweep ``spec`` into ``out``, resumed where
    ``out``'s parts folder says, then the regime map ``plot`` if asked (see the module docstring).

    ``progress(message, transient)`` hears notes (``"note: ..."``), the running counts, and the final line of
    statistics.  Returns the statistics of this run, or None when ``out`` was complete already.

    Raises
    ------
    ModelError
        A map that cannot be drawn (checked before any work), an output that cannot be written, a parts
        folder that holds another sweep (without ``restart``).
    """
    from solver.sweep.mapping import BOUNDARY_ROWS, check_map, regime_map

    def quiet(message: str, transient: bool = False) -> None:
        pass

    say: Progress = progress if progress is not None else quiet
    rows = BOUNDARY_ROWS if boundary_rows is None else boundary_rows

    def note(text: str) -> None:
        say(f"note: {text}", False)

    def draw(final: Spec, workers: int) -> None:
        t0 = time.perf_counter()
        written = regime_map(final, out, plot, rows=rows, jobs=workers, force=force, progress=say)  # type: ignore[arg-type]
        say(f"map: wrote {written} ({time.perf_counter() - t0:.1f} s)", False)

    if plot is not None:
        check_map(spec, out, plot, force)  # before the sweep: a map that cannot be drawn is refused at once
    swept = {d.label for d in spec.doctrines}
    for e in spec.scenario.deterrence + spec.scenario.norms:
        if e.label not in swept:
            note(f"{e.label} left out, as compare leaves it out: the scenario lacks its levers and no axis sweeps "
                 "them")
    design = spec.design
    if design is not None and design.kind == "sobol" and design.n & (design.n - 1):
        note(f"Sobol' points are balanced when N is a power of 2 ({design.n} is not)")
    if scheduler is not None and scheduler != "local" and jobs is not None:
        note("--jobs is ignored with a --scheduler address: the cluster has its own workers")
    with Store(out, spec, force=force, restart=restart, retry_errors=retry_errors, options=options or {}) as store:
        if store.complete:
            say(f"sweep: {out} is complete ({spec.n_points:,} points x {len(spec.doctrines)} doctrines, as "
                f"{store.beside} records); nothing to compute (--force computes it again)", False)
            if plot is not None:
                draw(resolve_doctrines(spec), jobs or default_jobs())
            return None
        if store.damaged:
            note(f"{len(store.damaged):,} chunk file(s) in {store.parts} were cut short or damaged (chunk "
                 f"{', '.join(str(k) for k in store.damaged[:5])}{', ...' if len(store.damaged) > 5 else ''}): "
                 "computed again")
        if store.restarted:
            note(f"--restart: the sweep in {store.parts} is cleared")
        elif store.done:
            note(f"resuming: {len(store.done):,} of {spec.n_chunks:,} chunks are done in {store.parts}")
        spec = resolve_doctrines(spec)
        store.set_spec(spec)
        for d in spec.doctrines:
            if d.entry.tuned is not None and d.played is not None:
                note(f"{d.label} is tuned once, at the scenario's values, to {d.played} ({d.note}), and played so "
                     "at every point; --tune-best tunes it at each point")
        if jobs is None:  # starting worker processes takes seconds: a small sweep is done sooner in this one
            small = scheduler is None and (spec.n_points * len(spec.doctrines) < SMALL or spec.n_chunks == 1)
            jobs = 1 if small else default_jobs()
        stats = run_sweep(spec, store, jobs=jobs, scheduler=scheduler, progress=say)
        names = columns(spec)
        kept = store.finish([n for n, _ in names], [t for _, t in names])
    resumed = f" ({stats.resumed_points:,} resumed)" if stats.resumed_points else ""
    rate = f"{stats.rate:,.1f} points/s" if stats.computed_points else "nothing to compute"
    say(f"sweep: {stats.points:,} points{resumed} x {stats.doctrines} doctrines, {stats.error_rows:,} errors, "
        f"{stats.seconds:.1f} s, {rate}; wrote {out}", False)
    if kept:
        note(f"{stats.error_rows:,} rows are errors (column error): the chunks are kept in {store.parts}, and "
             "the same command with --retry-errors computes them again")
    if plot is not None:
        draw(spec, jobs)
    return stats
