"""Side-by-side timings: detente against nashpy and Gambit on random bimatrix games.

Run from the repository root (needs the ``bench`` extra for pygambit)::

    python benchmarks/bench_nash.py                    # n = 4..12, 5 games per size
    python benchmarks/bench_nash.py --sizes 4 6 8 --games 3 --budget 20

For each size n and payoff kind (integers 0..9, often degenerate; standard
normal floats) the same seeded games go to every solver in one run:

* all equilibria: detente ``enummixed`` (exact integer pivoting for the
  integer games, float64 for the normal ones), nashpy ``vertex_enumeration``
  and ``support_enumeration``, pygambit ``enummixed_solve`` (rational for
  integer games, floating point for normal ones);
* one equilibrium: detente Lemke-Howson against nashpy ``lemke_howson``
  (dropped label 0).

A peer that takes more than ``--budget`` seconds on one game is not run on
the remaining games and sizes (its cells say so).  The agreement columns count
games where detente found exactly Gambit's rational equilibria (integer
games) or the same equilibria within 1e-6 (normal games), and games where
nashpy's Lemke-Howson answer was an equilibrium at all.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
import warnings
from fractions import Fraction

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import nashpy  # noqa: E402

from models.stage import StageGame  # noqa: E402
from solver.stage.equilibria import nash_equilibria  # noqa: E402
from solver.stage.verify import verify_profile  # noqa: E402

try:
    import pygambit as gbt
except ImportError:  # the bench extra is not installed
    gbt = None


def games(n: int, kind: str, count: int, seed: int) -> list[StageGame]:
    rng = np.random.default_rng([seed, n, 0 if kind == "int" else 1])
    out = []
    for _ in range(count):
        if kind == "int":
            A, B = rng.integers(0, 10, (n, n)).tolist(), rng.integers(0, 10, (n, n)).tolist()
        else:
            A, B = rng.standard_normal((n, n)), rng.standard_normal((n, n))
        out.append(StageGame.bimatrix(A, B))
    return out


class TimeLimit(Exception):
    """A peer call ran past its time limit."""


def _alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise TimeLimit


def timed(fn, limit: float | None = None):
    """(seconds, value) of ``fn()``; with ``limit``, (limit, TimeLimit) when it runs longer.

    The limit uses SIGALRM, which interrupts Python-level loops (nashpy); compiled code (pygambit) is only
    interrupted when it returns to Python.
    """
    if limit is not None:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    t = time.perf_counter()
    try:
        value = fn()
    except TimeLimit:
        return limit, TimeLimit
    finally:
        if limit is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - t, value


def gambit_all(game: StageGame, exact: bool):
    if exact:
        A, B = game.exact_payoffs()
        conv = np.vectorize(lambda v: gbt.Rational(v.numerator, v.denominator), otypes=[object])
        g = gbt.Game.from_arrays(conv(A), conv(B))
        res = gbt.nash.enummixed_solve(g, rational=True)
    else:
        g = gbt.Game.from_arrays(*game.float_payoffs())
        res = gbt.nash.enummixed_solve(g, rational=False)
    return [tuple(tuple(eq[s] for s in p.strategies) for p in g.players) for eq in res.equilibria]


def as_set(profiles, exact: bool):
    if exact:
        return {tuple(tuple(Fraction(str(v)) for v in s) for s in p) for p in profiles}
    return {tuple(tuple(round(float(v), 6) + 0.0 for v in s) for s in p) for p in profiles}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(range(4, 13)))
    ap.add_argument("--games", type=int, default=5, help="games per size and kind")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--lh-limit", type=float, default=10.0,
                    help="time limit (s) for one nashpy lemke_howson call; it can loop on degenerate games")
    ap.add_argument("--budget", type=float, default=30.0,
                    help="stop running a peer once one game takes longer than this (s)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")

    peers_all = ["nashpy vertex", "nashpy support"] + (["gambit enummixed"] if gbt else [])
    dropped: dict[tuple[str, str], int] = {}
    rows_all, rows_one = [], []
    for kind in ("int", "normal"):
        for n in args.sizes:
            batch = games(n, kind, args.games, args.seed)
            exact = kind == "int"
            ours_t, lh_t, nlh_t = [], [], []
            peer_t: dict[str, list[float]] = {p: [] for p in peers_all}
            agree = degenerate = nlh_ok = nlh_stuck = 0
            counts = []
            for game in batch:
                t, res = timed(lambda g=game: nash_equilibria(g, "enummixed"))
                ours_t.append(t)
                counts.append(len(res.equilibria))
                degenerate += bool(res.degenerate)
                ours = as_set([e.profile for e in res.equilibria], exact)
                A, B = game.float_payoffs()
                for peer in peers_all:
                    if (peer, kind) in dropped:
                        continue
                    if peer == "nashpy vertex":
                        t, out = timed(lambda A=A, B=B: list(nashpy.Game(A, B).vertex_enumeration()), args.budget)
                    elif peer == "nashpy support":
                        t, out = timed(lambda A=A, B=B: list(nashpy.Game(A, B).support_enumeration()), args.budget)
                    else:
                        t, out = timed(lambda g=game, x=exact: gambit_all(g, x))
                        agree += out is not TimeLimit and as_set(out, exact) == ours
                    peer_t[peer].append(t)
                    if out is TimeLimit or t > args.budget:  # too slow: not run on later games or sizes
                        dropped[(peer, kind)] = n
                t, _ = timed(lambda g=game: nash_equilibria(g, "lemke-howson", label=1))
                lh_t.append(t)
                t, theirs_lh = timed(lambda A=A, B=B: nashpy.Game(A, B).lemke_howson(initial_dropped_label=0),
                                     args.lh_limit)
                if theirs_lh is TimeLimit:
                    nlh_stuck += 1
                else:
                    nlh_t.append(t)
                    nlh_ok += verify_profile(game, tuple(map(tuple, theirs_lh)), exact=False).max_regret <= 1e-9
            mean_ours = statistics.mean(ours_t)
            row = {"kind": kind, "n": n, "ours": mean_ours, "eqs": statistics.mean(counts),
                   "degenerate": degenerate, "games": len(batch)}
            for peer in peers_all:
                times = peer_t[peer]
                row[peer] = (statistics.mean(times), statistics.mean(times) / mean_ours, len(times)) if times else None
            row["agree"] = (agree, len(peer_t["gambit enummixed"])) if gbt and peer_t.get("gambit enummixed") else None
            rows_all.append(row)
            rows_one.append({"kind": kind, "n": n, "ours": statistics.mean(lh_t),
                             "nashpy": statistics.mean(nlh_t) if nlh_t else None,
                             "nashpy_ok": nlh_ok, "nashpy_stuck": nlh_stuck, "games": len(batch)})
            print(f"done {kind} n={n}", file=sys.stderr, flush=True)

    def cell(v):
        if v is None:
            return "not run (over budget)"
        mean, ratio, runs = v
        text = f"{mean:.4f} s ({ratio:.1f}x)" if ratio < 10 else f"{mean:.4f} s ({ratio:.0f}x)"
        return text if runs == args.games else f"{text}, {runs} of {args.games} games"

    print("### All equilibria (mean seconds per game; ratio = peer time / detente time)\n")
    head = ["payoffs", "n", "games", "degenerate", "mean #eq", "detente"] + peers_all + (
        ["same as Gambit"] if gbt else [])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows_all:
        cells = [("0..9 ints" if r["kind"] == "int" else "normal"), str(r["n"]), str(r["games"]),
                 str(r["degenerate"]), f"{r['eqs']:.1f}", f"{r['ours']:.4f} s"]
        cells += [cell(r[p]) for p in peers_all]
        if gbt:
            cells.append("-" if r["agree"] is None else f"{r['agree'][0]}/{r['agree'][1]}")
        print("| " + " | ".join(cells) + " |")
    print("\n### One equilibrium: Lemke-Howson (mean seconds per game; nashpy's mean is over the calls that "
          "finished)\n")
    print("| payoffs | n | detente (exact for ints) | nashpy lemke_howson | ratio | nashpy gave an equilibrium "
          f"| nashpy ran past {args.lh_limit:g} s |")
    print("|---|---|---|---|---|---|---|")
    for r in rows_one:
        theirs = "-" if r["nashpy"] is None else f"{r['nashpy']:.4f} s"
        ratio = "-" if r["nashpy"] is None else f"{r['nashpy'] / r['ours']:.1f}x"
        print(f"| {'0..9 ints' if r['kind'] == 'int' else 'normal'} | {r['n']} | {r['ours']:.4f} s | "
              f"{theirs} | {ratio} | {r['nashpy_ok']}/{r['games']} | {r['nashpy_stuck']}/{r['games']} |")


if __name__ == "__main__":
    main()
