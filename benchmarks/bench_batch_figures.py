"""Points per second of `batch_figures` against a loop of one-point `evaluate(exact=False)`.

The default scenario (catalog:cyber-scenario) at seeded random points: detection in [0.5, 1], false flag in
[0, 0.2], tremble in [0, 0.02] and delta in [0.5, 0.99], for three doctrines (grim, contrite, consult with the
clarification channel).  The models are built before the clock starts; both sides get the same ones.  Prints a
markdown table, and the largest difference between the two answers (values and metrics).

Run: python benchmarks/bench_batch_figures.py [--points 2000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from models.loader import load_scenario
from models.scenario import parse_entry
from solver.numeric.blas import blas_threads
from solver.repeated.batch import batch_figures
from solver.repeated.evaluation import evaluate

DOCTRINES = ("grim", "contrite", "consult+channel")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=2000)
    args = parser.parse_args()
    scenario = load_scenario("catalog:cyber-scenario")
    rng = np.random.default_rng(2026)
    B = args.points
    draws = {"detection": rng.uniform(0.5, 1, B), "false_flag": rng.uniform(0, 0.2, B),
             "tremble": rng.uniform(0, 0.02, B)}
    deltas = rng.uniform(0.5, 0.99, B)
    print(f"{B} points of the default scenario (detection, false flag, tremble and delta drawn at random)\n")
    print("| doctrine | evaluate loop (points/s) | batch_figures, 1 thread (points/s) | batch_figures, "
          "all cores (points/s) | ratio (1 thread) | largest difference |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label in DOCTRINES:
        entry = parse_entry(label)
        points = [scenario.with_values({k: float(v[b]) for k, v in draws.items()}) for b in range(B)]
        models = [p.model(entry.levers) for p in points]
        seats = scenario.seats(entry.doctrine)
        with blas_threads(1):
            t = time.perf_counter()
            loop = [evaluate(m, seats, float(d), exact=False) for m, d in zip(models, deltas)]
            t_loop = time.perf_counter() - t
        t = time.perf_counter()
        fig = batch_figures(models, seats, deltas, workers=1)
        t_one = time.perf_counter() - t
        t = time.perf_counter()
        batch_figures(models, seats, deltas)
        t_all = time.perf_counter() - t
        diff = 0.0
        for b, res in enumerate(loop):
            diff = max(diff, float(np.max(np.abs(np.array([float(v) for v in res.values]) - fig.values[b]))))
            for f in ("attack_share_long_run", "p_permanent_conflict", "innocent_punishments_per_100"):
                diff = max(diff, abs(float(getattr(res.metrics, f)) - float(getattr(fig, f)[b])))
            assert res.equilibrium.ppe == fig.ppe[b] and res.equilibrium.nash == fig.nash[b]
        assert not any(fig.errors)
        print(f"| {label} | {B / t_loop:,.0f} | {B / t_one:,.0f} | {B / t_all:,.0f} | {t_loop / t_one:,.0f}x "
              f"| {diff:.1e} |")


if __name__ == "__main__":
    main()
