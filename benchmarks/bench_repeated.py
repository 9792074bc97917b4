"""Repeated games: exact answers against Axelrod's Monte-Carlo, and detente's own speed targets.

Run from the repository root (needs the ``bench`` extra for axelrod)::

    python benchmarks/bench_repeated.py

1. Axelrod comparison.  Tit-for-tat against itself, noise 0.05 (each action
   flipped with probability 0.05, both players seeing the actual actions),
   200 turns, Axelrod's payoffs (R, P, S, T) = (3, 1, 0, 5).  Axelrod's
   ``Match`` is played with successive seeds until the standard error of
   the mean score per turn is at most 1e-3 (or ``--axelrod-budget`` seconds
   pass); detente computes the same expectation exactly
   (:func:`solver.repeated.evaluation.horizon_average`).
2. One profile, evaluated and PPE-checked: two-player profiles with up to
   10 states per automaton under noisy attribution (float64), median of
   repeated runs; also the full ``evaluate`` (Nash check and escalation
   metrics included).
3. 10,000 parameter points (delta, detection, false flag, tremble) for one
   profile with :func:`solver.repeated.batch.evaluate_batch`, checked against the
   one-point ``evaluate`` on a sample of points.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from fractions import Fraction

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from models import catalog  # noqa: E402
from models.automata import Automaton, Pattern  # noqa: E402
from models.monitoring import AttributionMonitoring, PerfectMonitoring  # noqa: E402
from models.repeated import RepeatedModel  # noqa: E402
from solver.numeric.blas import blas_threads  # noqa: E402
from solver.repeated.batch import evaluate_batch  # noqa: E402
from solver.repeated.binding import bind_profile  # noqa: E402
from solver.repeated.chain import build_chain  # noqa: E402
from solver.repeated.checks import one_shot_gains  # noqa: E402
from solver.repeated.evaluation import evaluate, horizon_average  # noqa: E402
from solver.repeated.markov import discounted  # noqa: E402

PD = catalog.load("prisoners-dilemma")


def axelrod_section(budget: float) -> None:
    import axelrod as axl

    print("### Tit-for-tat vs tit-for-tat, noise 0.05, 200 turns: Axelrod Match vs exact\n")
    t = time.perf_counter()
    exact = horizon_average(RepeatedModel(PD, PerfectMonitoring(tremble=Fraction(1, 20))), ["tit-for-tat"], 200)
    t_exact = time.perf_counter() - t
    t = time.perf_counter()
    floats = horizon_average(RepeatedModel(PD, PerfectMonitoring(tremble=Fraction(1, 20))), ["tit-for-tat"], 200,
                             exact=False)
    t_float = time.perf_counter() - t
    scores: list[float] = []
    start = time.perf_counter()
    se = math.inf
    while time.perf_counter() - start < budget:
        for _ in range(500):
            match = axl.Match((axl.TitForTat(), axl.TitForTat()), turns=200, noise=0.05, seed=len(scores))
            match.play()
            scores.append(match.final_score_per_turn()[0])
        se = statistics.stdev(scores) / math.sqrt(len(scores))
        if se <= 1e-3:
            break
    t_axl = time.perf_counter() - start
    mean = statistics.mean(scores)
    per_match = t_axl / len(scores)
    needed = (statistics.stdev(scores) / 1e-3) ** 2
    print("| method | score per turn | standard error | time | ratio |")
    print("|---|---|---|---|---|")
    reached = "reached" if se <= 1e-3 else f"not reached in {budget:g} s; projected {needed * per_match:.0f} s"
    print(f"| Axelrod Match, {len(scores)} matches (SE 1e-3 {reached}) | {mean:.5f} | {se:.2e} | {t_axl:.2f} s | "
          f"{t_axl / t_exact:.0f}x |")
    print(f"| detente exact (fraction with {len(str(exact[0].denominator))}-digit denominator) | "
          f"{float(exact[0]):.5f} | 0 | {t_exact:.4f} s | 1x |")
    print(f"| detente float64 | {floats[0]:.5f} | 0 | {t_float:.4f} s | {t_axl / t_float:.0f}x vs Axelrod |")
    print(f"\nAgreement: |Axelrod - exact| = {abs(mean - float(exact[0])):.2e} = "
          f"{abs(mean - float(exact[0])) / se:.2f} standard errors.\n")


def random_automaton(name: str, k: int, rng: random.Random) -> Automaton:
    states = [f"s{j}" for j in range(k)]
    plays = tuple(((rng.choice(["C", "D"]), Fraction(1)),) for _ in states)
    rules = tuple(
        tuple((Pattern(p), ((rng.choice(states), Fraction(1)),)) for p in ("other-blamed", "self-blamed", "always"))
        for _ in states
    )
    return Automaton(name, tuple(states), (("s0", Fraction(1)),), plays, rules)


def _random_pair_model(mon) -> RepeatedModel:
    """The PD with two seeded random 10-state automata, r10a and r10b."""
    rng = random.Random(2026)
    return RepeatedModel(PD, mon, (("r10a", random_automaton("r10a", 10, rng)),
                                   ("r10b", random_automaton("r10b", 10, rng))))


def values_and_ppe_check(model: RepeatedModel, names: list[str]):
    with blas_threads(1):  # as the detente command runs
        prof = bind_profile(model, names)
        chain = build_chain(PD, prof.signals, prof.automata, exact=False)
        V = discounted(chain.transition(), chain.reward(), 0.9, False)
        for i in range(2):
            one_shot_gains(chain, V, 0.9, i)
        return chain


def single_section(reps: int) -> None:
    print("### One profile, 10 states per automaton at most: evaluate and PPE-check (float64)\n")
    mon = AttributionMonitoring(detection=0.9, false_flag=0.05, tremble=0.01)
    model = _random_pair_model(mon)
    cases = [["tit-for-tat"], ["contrite", "generous:1/3"], ["punish:9"], ["r10a", "r10b"]]
    print("| profile | joint states | values + PPE check (median) | full evaluate: + Nash + metrics (median) |")
    print("|---|---|---|---|")
    for names in cases:
        times, full = [], []
        for _ in range(reps):
            t = time.perf_counter()
            chain = values_and_ppe_check(model, names)
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            evaluate(model, names, 0.9, exact=False)
            full.append(time.perf_counter() - t)
        print(f"| {' vs '.join(names)} | {chain.n_states} | {statistics.median(times) * 1000:.2f} ms | "
              f"{statistics.median(full) * 1000:.2f} ms |")
    print()


def batch_section(points: int) -> None:
    print(f"### {points} parameter points per profile, vectorised (evaluate_batch)\n")
    rng = np.random.default_rng(7)
    delta = rng.uniform(0.2, 0.99, points)
    det = rng.uniform(0.5, 1.0, points)
    ff = rng.uniform(0.0, 0.2, points)
    eps = rng.uniform(0.0, 0.05, points)
    model = _random_pair_model(AttributionMonitoring(detection=0.9, false_flag=0.05))
    cores = os.cpu_count()
    print(f"| profile | joint states | time, {cores} threads (default) | time, 1 thread | points per second "
          "| max difference from one-point evaluate (sample of 20) |")
    print("|---|---|---|---|---|---|")
    for names in (["tit-for-tat"], ["grim"], ["contrite", "generous:1/3"], ["punish:9"], ["r10a", "r10b"]):
        t = time.perf_counter()
        res = evaluate_batch(model, names, delta=delta, detection=det, false_flag=ff, tremble=eps)
        dt = time.perf_counter() - t
        t = time.perf_counter()
        serial = evaluate_batch(model, names, delta=delta, detection=det, false_flag=ff, tremble=eps, workers=1)
        dt1 = time.perf_counter() - t
        assert np.array_equal(serial.values, res.values) and np.array_equal(serial.ppe, res.ppe)
        worst = 0.0
        for k in range(0, points, max(1, points // 20)):
            one = evaluate(model.with_monitoring(AttributionMonitoring(tremble=eps[k], detection=det[k],
                                                                       false_flag=ff[k])), names, delta[k])
            worst = max(worst, float(np.max(np.abs(np.array(one.values) - res.values[k]))))
            assert one.equilibrium.ppe == res.ppe[k]
        states = bind_profile(model, names)
        n_states = build_chain(PD, states.signals, states.automata, exact=False).n_states
        print(f"| {' vs '.join(names)} | {n_states} | {dt:.3f} s | {dt1:.3f} s | {points / dt:,.0f} | {worst:.1e} |")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--axelrod-budget", type=float, default=300.0, help="seconds Axelrod may run (default 300)")
    ap.add_argument("--reps", type=int, default=50, help="repetitions for the one-profile timings")
    ap.add_argument("--points", type=int, default=10_000, help="parameter points in the batch section")
    ap.add_argument("--skip-axelrod", action="store_true")
    args = ap.parse_args()
    if not args.skip_axelrod:
        axelrod_section(args.axelrod_budget)
    single_section(args.reps)
    batch_section(args.points)


if __name__ == "__main__":
    main()
