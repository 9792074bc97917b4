"""Late attribution: how far the signal delay ``L`` can go, before and after the public-history chains.

Run from the repository root::

    python benchmarks/bench_delay.py --old /tmp/old-detente

``--old`` names a checkout of an older commit (for instance
``git worktree add /tmp/old-detente 0d19df1``) whose code is timed on the
same cases, side by side; without it only the current code runs.

Cases: ``catalog:cyber`` (decimal probabilities: a float model, delta 0.9)
and ``catalog:public-signal-pd`` (rational: exact, delta 9/10) with grim,
tit-for-tat and contrite, and ``catalog:cyber-hotline`` (float, delta 0.9)
with consult and grim, each at delays L = 0, 1, 2, 3 (``dataclasses.replace``
on the model's monitoring), and grim further (4, 6, 8, ...) until both
computations are refused, time out or take more than half the guard.

For each case and code, in a fresh subprocess (a timeout guard of
``--timeout`` seconds, 120 by default, per computation; "timeout" when it
strikes):

* ``evaluate(model, [s], delta)`` (values, checks, escalation metrics):
  median wall time of up to ``--reps`` runs (fewer when another run would
  not fit in the guard), joint states (``res.n_states``), whether the
  arithmetic was exact, and the verdicts at delta;
* ``delta_intervals(model, [s])``: the same time, the exactness and the sets;
* sizes: the current code's largest deviator chain
  (:func:`solver.repeated.private.private_chain` on the float profile
  chain), the old code's chain with attacks tracked (the metrics' chain).

A refused size shows the error's first 80 characters and the time to refuse.
Times include nothing but the call (imports and model loading are outside).
Each worker runs with one BLAS thread (``--blas-threads``), as the
``detente`` command does: on a busy two-core machine OpenBLAS's own threads
made the grid scans of ``delta_intervals`` up to ten times slower.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

#: (model spec, delta as text, doctrines at L = 0..3)
MODELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("catalog:cyber", "0.9", ("grim", "tit-for-tat", "contrite")),
    ("catalog:public-signal-pd", "9/10", ("grim", "tit-for-tat", "contrite")),
    ("catalog:cyber-hotline", "0.9", ("consult", "grim")),
)
BASE_DELAYS = (0, 1, 2, 3)
#: grim beyond L = 3, until refused (the model allows up to 1000)
GRIM_DELAYS = (4, 6, 8, 10, 12, 14, 16, 20, 24, 32)


# ---------------------------------------------------------------- worker (runs inside the subprocess)

def _delta(text: str) -> Any:
    return Fraction(text) if "/" in text else float(text)


def _fmt(x: Any) -> str:
    if isinstance(x, Fraction) and len(str(x)) <= 11:
        return str(x)
    return f"{float(x):.4g}"


def _sets(ivs: Any) -> str:
    if ivs is None:
        return "-"
    return " u ".join(iv.text(_fmt) for iv in ivs) if ivs else "empty"


def _model(spec: str, delay: int) -> Any:
    from models.loader import load_repeated

    m = load_repeated(spec)
    return dataclasses.replace(m, monitoring=dataclasses.replace(m.monitoring, delay=delay))


def _emit(out: dict[str, Any]) -> None:
    print(json.dumps(out), flush=True)


def _timed(fn: Any, reps: int, budget: float, out: dict[str, Any], describe: Any) -> None:
    """Run ``fn`` up to ``reps`` times while another run fits in ``budget`` seconds; emit after each run."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < reps:
        t = time.perf_counter()
        try:
            res = fn()
        except Exception as exc:  # a refusal (SolverError, ModelError) or a failure: both are reported
            out.update(status="refused", error=f"{type(exc).__name__}: {exc}"[:200], time=time.perf_counter() - t)
            _emit(out)
            return
        times.append(time.perf_counter() - t)
        if len(times) == 1:
            out.update(describe(res))
        out.update(status="ok", time=statistics.median(times), runs=len(times))
        _emit(out)
        elapsed = time.perf_counter() - start
        if elapsed + max(times) > 0.9 * budget:
            break


def worker(args: argparse.Namespace) -> None:
    sys.path.insert(0, args.code)
    from solver.repeated.binding import bind_profile, profile_chain

    model = _model(args.spec, args.delay)
    delta = _delta(args.delta)
    s = args.doctrine
    out: dict[str, Any] = {"what": args.what}
    if args.what == "sizes":
        t = time.perf_counter()
        try:
            if args.old:
                chain = profile_chain(bind_profile(model, [s]), False, track_attacks=True)[0]
                out.update(status="ok", size=chain.n_states)
            elif args.delay == 0:
                out.update(status="ok", size=None)
            else:
                from solver.repeated.private import private_chain

                chain = profile_chain(bind_profile(model, [s]), False)[0]
                out.update(status="ok", size=max(private_chain(chain, i).chain.n_states
                                                 for i in range(model.game.n_players)))
        except Exception as exc:
            out.update(status="refused", error=f"{type(exc).__name__}: {exc}"[:200])
        out["time"] = time.perf_counter() - t
        _emit(out)
    elif args.what == "evaluate":
        from solver.repeated.evaluation import evaluate

        def describe(res: Any) -> dict[str, Any]:
            eq = res.equilibrium
            return {"states": res.n_states, "exact": res.exact, "ppe": eq.ppe, "nash": eq.nash,
                    "sequential": getattr(eq, "sequential", None)}

        _timed(lambda: evaluate(model, [s], delta), args.reps, args.timeout, out, describe)
    else:
        from solver.repeated.delta_sets import delta_intervals

        def describe(res: Any) -> dict[str, Any]:
            seq = getattr(res, "sequential", None)
            return {"exact": res.exact, "ppe": _sets(res.ppe), "nash": _sets(res.nash),
                    "sequential": _sets(seq) if seq is not None else None}

        _timed(lambda: delta_intervals(model, [s]), args.reps, args.timeout, out, describe)


# ---------------------------------------------------------------- driver

def run_case(code: str, old: bool, spec: str, delta: str, doctrine: str, delay: int, what: str,
             reps: int, timeout: float, blas: int) -> dict[str, Any]:
    """One computation in a fresh interpreter, killed after ``timeout`` seconds (plus start-up)."""
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--code", code, "--spec", spec, "--delta", delta,
           "--doctrine", doctrine, "--delay", str(delay), "--what", what, "--reps", str(reps),
           "--timeout", str(timeout)] + (["--is-old"] if old else [])
    threads = str(blas)
    env = dict(os.environ, PYTHONPATH=code, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads,
               MKL_NUM_THREADS=threads)
    with tempfile.TemporaryFile("w+") as f:
        start = time.perf_counter()
        try:
            subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, env=env, cwd=tempfile.gettempdir(),
                           timeout=timeout + 15, check=False)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
        wall = time.perf_counter() - start
        f.seek(0)
        lines = [ln for ln in f.read().splitlines() if ln.startswith("{")]
    res: dict[str, Any] = json.loads(lines[-1]) if lines else {"status": "crashed"}
    if timed_out:
        if res.get("status") == "ok":
            res["partial"] = True  # some runs finished before the guard struck
        else:
            res = {"status": "timeout", "time": wall}
    res["wall"] = wall
    return res


def revision(code: str) -> str:
    """The commit of a checkout, and whether it has uncommitted changes (read-only git commands)."""
    try:
        head = subprocess.run(["git", "-C", code, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", code, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    if not dirty:
        return head
    diff = subprocess.run(["git", "-C", code, "diff", "HEAD"], capture_output=True, check=True).stdout
    return f"{head} with uncommitted changes (diff {hashlib.sha1(diff).hexdigest()[:8]})"


def fingerprint(code: str) -> str:
    """A hash of the Python sources under ``models`` and ``solver``: the same files give the same hash, whether
    or not they were committed meanwhile."""
    h = hashlib.sha1()
    for part in ("models", "solver"):
        for folder, dirs, files in sorted(os.walk(os.path.join(code, part))):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    h.update(os.path.relpath(path, code).encode())
                    with open(path, "rb") as f:
                        h.update(f.read())
    return h.hexdigest()[:12]


def cell_time(r: dict[str, Any]) -> str:
    st = r.get("status")
    if st == "ok":
        runs = r.get("runs", 3)
        more = f" ({runs} run{'s' if runs > 1 else ''})" if runs < 3 else ""
        return f"{r['time']:.3f} s{more}"
    if st == "refused":
        return f"refused in {r['time']:.3f} s"
    if st == "timeout":
        return "timeout"
    if st == "skipped":
        return f"not run ({r['why']} at a shorter delay)"
    return st or "?"


def refusal(r: dict[str, Any]) -> str:
    return r["error"][:80].replace("|", "/") if r.get("status") == "refused" else ""


def yes_no(x: Any) -> str:
    return "-" if x is None else ("yes" if x else "no")


def collect(args: argparse.Namespace) -> list[dict[str, Any]]:
    codes = [("new", ROOT, False)] + ([("old", os.path.abspath(args.old), True)] if args.old else [])
    rows = []
    for spec, delta, doctrines in MODELS:
        for doctrine in doctrines:
            delays = list(BASE_DELAYS) + (list(GRIM_DELAYS) if doctrine == "grim" else [])
            # (code, computation) refused, timed out or over half the guard: beyond L = 3 it is not run again
            dead: dict[tuple[str, str], str] = {}
            for L in delays:
                if L > BASE_DELAYS[-1] and all((n, w) in dead for n, _, _ in codes for w in ("evaluate", "intervals")):
                    break
                row: dict[str, Any] = {"spec": spec, "doctrine": doctrine, "delay": L}
                for name, code, old in codes:
                    if L > BASE_DELAYS[-1] and all((name, w) in dead for w in ("evaluate", "intervals")):
                        continue
                    for what in ("sizes", "evaluate", "intervals"):
                        if L > BASE_DELAYS[-1] and (name, what) in dead:
                            row[f"{name}_{what}"] = {"status": "skipped", "why": dead[(name, what)]}
                            continue
                        r = run_case(code, old, spec, delta, doctrine, L, what, args.reps, args.timeout,
                                     args.blas_threads)
                        row[f"{name}_{what}"] = r
                        if r["status"] != "ok":
                            dead[(name, what)] = "refused" if r["status"] == "refused" else "timed out"
                        elif r["time"] > args.timeout / 2:
                            dead[(name, what)] = "took over half the guard"
                print(f"  {spec} {doctrine} L={L}: "
                      + "; ".join(f"{n} {cell_time(row[f'{n}_evaluate'])} / {cell_time(row[f'{n}_intervals'])}"
                                  for n, _, _ in codes if f"{n}_evaluate" in row), file=sys.stderr, flush=True)
                rows.append(row)
    return rows


def print_tables(rows: list[dict[str, Any]], with_old: bool) -> None:
    for spec, delta, _ in MODELS:
        mine = [r for r in rows if r["spec"] == spec]
        print(f"### {spec}, delta {delta}: current code\n")
        print("| doctrine | L | joint states | largest deviator chain | evaluate (median) | exact | PPE / sequential "
              "/ Nash at delta | delta_intervals (median) | exact | PPE set | sequential set | Nash set |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in mine:
            sz, ev, iv = r["new_sizes"], r["new_evaluate"], r["new_intervals"]
            size = (str(sz["size"]) if sz.get("size") else "-") if sz["status"] == "ok" else "refused"
            verdicts = " / ".join(yes_no(ev.get(k)) for k in ("ppe", "sequential", "nash")) \
                if ev["status"] == "ok" else refusal(ev)
            sets = [iv.get(k) or "= PPE" for k in ("ppe", "sequential", "nash")] if iv["status"] == "ok" \
                else [refusal(iv), "", ""]
            print(f"| {r['doctrine']} | {r['delay']} | {ev.get('states', '-')} | {size} | {cell_time(ev)} | "
                  f"{yes_no(ev.get('exact'))} | {verdicts} | {cell_time(iv)} | {yes_no(iv.get('exact'))} | "
                  + " | ".join(str(x) for x in sets) + " |")
        print()
        if not with_old:
            continue
        print(f"### {spec}, delta {delta}: old code (0d19df1) against current\n")
        print("| doctrine | L | old joint states (metrics chain) | old evaluate | old delta_intervals | "
              "old PPE / Nash at delta | new joint states | new evaluate | new delta_intervals | "
              "old refusal |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for r in mine:
            if "old_evaluate" not in r:
                continue
            sz, ev, iv = r["old_sizes"], r["old_evaluate"], r["old_intervals"]
            metrics = str(sz["size"]) if sz["status"] == "ok" else "refused"
            states = f"{ev.get('states', '-')} ({metrics})"
            verdicts = " / ".join(yes_no(ev.get(k)) for k in ("ppe", "nash")) if ev["status"] == "ok" else "-"
            why = refusal(ev) or refusal(iv)
            print(f"| {r['doctrine']} | {r['delay']} | {states} | {cell_time(ev)} | {cell_time(iv)} | {verdicts} | "
                  f"{r['new_evaluate'].get('states', '-')} | {cell_time(r['new_evaluate'])} | "
                  f"{cell_time(r['new_intervals'])} | {why} |")
        print()
    refused: dict[str, list[str]] = {}
    for r in rows:
        for k in ("new_evaluate", "new_intervals", "new_sizes"):
            if k in r and r[k].get("status") == "refused":
                refused.setdefault(refusal(r[k]), []).append(f"{r['spec']} {r['doctrine']} L={r['delay']} ({k[4:]})")
    if refused:
        print("### Refusals of the current code (first 80 characters)\n")
        print("| message | cases |")
        print("|---|---|")
        for msg, where in refused.items():
            print(f"| {msg} | {', '.join(where)} |")
        print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", help="root of an older checkout to time side by side (e.g. /tmp/old-detente)")
    ap.add_argument("--reps", type=int, default=3, help="runs per computation; the median is reported")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per computation (default 120)")
    ap.add_argument("--blas-threads", type=int, default=1,
                    help="BLAS threads in each worker (default 1, as the detente command runs)")
    ap.add_argument("--json", help="also write the raw results to this file")
    # worker mode (internal)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--code", help=argparse.SUPPRESS)
    ap.add_argument("--is-old", dest="old_code", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    ap.add_argument("--delta", help=argparse.SUPPRESS)
    ap.add_argument("--doctrine", help=argparse.SUPPRESS)
    ap.add_argument("--delay", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--what", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        args.old = args.old_code
        worker(args)
        return
    start = time.perf_counter()
    for name, code in [("current", ROOT)] + ([("old", os.path.abspath(args.old))] if args.old else []):
        print(f"{name} code: {revision(code)}, sources {fingerprint(code)}")
    print(f"BLAS threads per worker: {args.blas_threads}; guard {args.timeout:g} s per computation; "
          f"up to {args.reps} runs each\n")
    before = fingerprint(ROOT)
    rows = collect(args)
    if fingerprint(ROOT) != before:
        print(f"WARNING: the current code's sources changed during the run (now {revision(ROOT)}, sources "
              f"{fingerprint(ROOT)}).\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    print_tables(rows, bool(args.old))
    spent = {name: sum(r[k].get("wall", 0.0) for r in rows for k in r if k.startswith(name + "_"))
             for name in ("new", "old")}
    print(f"Total wall time of the benchmark: {time.perf_counter() - start:.0f} s (current code "
          f"{spent['new']:.0f} s, old code {spent['old']:.0f} s, interpreter start-up included).")


if __name__ == "__main__":
    main()
