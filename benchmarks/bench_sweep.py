"""Sweep throughput (points per second) by executor, and the memory of a sweep as the grid grows.

Run: python benchmarks/bench_sweep.py [--points-only | --memory-only]

Throughput: `detente sweep` on the default scenario (9 doctrines) over a 20 x 10 grid of detection and
false-flag rates, with --jobs 1, --jobs 2 and --scheduler local --jobs 2 (needs the `distributed` extra);
the wall time is the command's own statistics line (computation, executor start-up included), and the
command's start-up (reading the scenario, tuning the :best doctrines) is left out.

Target (the issue's): a 100 x 100 grid of detection and false-flag rates with 10 doctrines (the default
scenario's 9 and punish:3) on two cores, in under 60 s: `--jobs 2`, wall time of the whole command.

Memory with the real evaluation: one doctrine (grim) at 10^4 and 10^5 points, peak resident memory of the
command (its workers included: --jobs 1 runs in the one process).

Memory: the sweep machinery alone (points generated lazily, chunks written, the output assembled) at
10^4 and 10^6 points of a one-doctrine scenario, with the evaluation replaced by a stub row so that a
million points take seconds; peak resident memory of a fresh process each.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import textwrap

GRID = ["--grid", "detection=0.525:1:0.025", "--grid", "false_flag=0:0.09:0.01"]
EXECUTORS = [["--jobs", "1"], ["--jobs", "2"], ["--scheduler", "local", "--jobs", "2"]]

MEMORY = textwrap.dedent("""
    import resource, sys, time
    from models.scenario import Entry, Scenario
    from solver.sweep.figures import columns
    from solver.sweep.run import run_sweep
    from solver.sweep.spec import build_spec, parse_grid
    from solver.sweep.store import Store

    def stub(spec, points):
        n = len(spec.scenario.players)
        return [(p.index, p.id, *map(float, p.values), "grim", "deterrence", "grim", "", *([0.0] * n), 0.0, 0.0,
                 None, 0.0, 0.0, True, True, 0.0, "") for p in points]

    side = int(sys.argv[1])
    scenario = Scenario(deterrence=(Entry("grim"),), norms=())
    spec = build_spec(scenario, [parse_grid(f"cost=1:{side}:1"), parse_grid(f"gain=1:{side}:1")])
    t = time.perf_counter()
    with Store(sys.argv[2], spec) as store:
        run_sweep(spec, store, jobs=1, rows=stub)
        names = columns(spec)
        store.finish([n for n, _ in names], [t for _, t in names])
    print(spec.n_points, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
""")


def throughput() -> None:
    print("throughput, default scenario, 200 points x 9 doctrines")
    for executor in EXECUTORS:
        with tempfile.TemporaryDirectory() as d:
            res = subprocess.run([sys.executable, "-m", "solver", "sweep", *GRID, "--out", os.path.join(d, "r.csv"),
                                  *executor], capture_output=True, text=True)
            if res.returncode:
                print(f"  {' '.join(executor):32s} failed: {res.stderr.strip().splitlines()[-1]}")
                continue
            m = re.search(r"([\d.]+) s, ([\d,.]+) points/s", res.stderr)
            assert m is not None, res.stderr
            print(f"  {' '.join(executor):32s} {float(m.group(1)):6.1f} s {m.group(2):>8s} points/s")


TEN = textwrap.dedent("""
    [scenario]
    deterrence = ["grim", "tit-for-tat", "punish:2", "punish:3"]
""")
ONE = textwrap.dedent("""
    [scenario]
    deterrence = ["grim"]
    norms = []
""")


def _timed(args: list[str], d: str) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB, children included) of one detente command."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); "
            "print(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else '')")
    res = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "solver", *args], capture_output=True,
                         text=True, check=True, cwd=d)
    first, last = res.stdout.split("\n", 1)
    seconds, rss = first.split()
    return float(seconds), float(rss), last.strip()


def target() -> None:
    print("target: 100 x 100 grid, 10 doctrines, --jobs 2 (under 60 s)")
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "ten.toml"), "w") as f:
            f.write(TEN)
        seconds, rss, line = _timed(["sweep", "ten.toml", "--grid", "detection=0.01:1:0.01", "--grid",
                                     "false_flag=0:0.198:0.002", "--out", "r.csv", "--jobs", "2"], d)
        print(f"  {seconds:6.1f} s wall, peak RSS {rss:.0f} MB per process; {line}")


def real_memory() -> None:
    print("memory with the real evaluation, grim alone, --jobs 1")
    for side in (100, 316):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "one.toml"), "w") as f:
                f.write(ONE)
            step = f"{1 / side:.6f}"
            seconds, rss, line = _timed(["sweep", "one.toml", "--grid", f"detection=0:{1 - 1 / side:.6f}:{step}",
                                         "--grid", f"delta=0.5:0.99:{0.49 / side:.6f}", "--out", "r.csv",
                                         "--jobs", "1"], d)
            print(f"  {seconds:6.1f} s wall, peak RSS {rss:.0f} MB; {line}")


def memory() -> None:
    print("memory of the sweep machinery (stub evaluation), one doctrine")
    for side in (100, 1000):
        with tempfile.TemporaryDirectory() as d:
            res = subprocess.run([sys.executable, "-c", MEMORY, str(side), os.path.join(d, "r.csv")],
                                 capture_output=True, text=True, check=True)
            n, seconds, rss = res.stdout.split()
            print(f"  {int(n):>9,} points {float(seconds):7.1f} s  peak RSS {float(rss):6.0f} MB")


if __name__ == "__main__":
    if "--memory-only" not in sys.argv:
        throughput()
        target()
    if "--points-only" not in sys.argv:
        real_memory()
        memory()
