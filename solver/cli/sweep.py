"""``detente sweep``: the figures of ``compare`` at every point of a grid, in a tidy file, resumable.

Bad input.  A ``--grid``, ``--design``, ``--seed`` or ``--scheduler`` value that is wrong on its own (no
``=``, a step that is not positive, ``LO > HI``, ``sobol:0``) is a usage error, exit code 2; an axis that
does not fit the scenario (an unknown parameter, a probability beyond 1, a discount factor of 1) and an
output that cannot be written are bad input, exit code 1.  Each is one line naming the option.
"""

from __future__ import annotations

from typing import Any

import click

from models.errors import ModelError
from models.numbers import Number
from solver.cli.options import model_argument, open_scenario, progress_reporter, scenario_options
from solver.sweep.mapping import BOUNDARY_ROWS
from solver.sweep.run import check_scheduler, sweep_to_file
from solver.sweep.spec import build_spec, parse_design, parse_grid

__all__ = ["sweep"]

def _usage(exc: ModelError) -> click.BadParameter:
    return click.BadParameter(exc.message, param_hint=f"'{exc.field}'" if exc.field else None)


def _options(params: dict[str, Any]) -> dict[str, Any]:
    """The command's options as the manifest records them (JSON)."""
    return {k: (list(v) if isinstance(v, tuple) else v if isinstance(v, (str, int, bool, type(None))) else str(v))
            for k, v in params.items()}


@click.command()
@model_argument(required=False)
@click.option("--grid", "grids", multiple=True, required=True, metavar="NAME=LO:HI:STEP|NAME=V1,V2,...",
              help="An axis: any scenario parameter (detection, false_flag, delta, gain, Attack.cost, "
                   "'State B.damage', effectiveness, audit, ...) from LO to HI by STEP, or a list of values; "
                   "exact decimals. With --design, bounds NAME=LO:HI. Repeatable: the grid is the product.")
@click.option("--design", default=None, metavar="sobol:N|lhs:N",
              help="N quasi-random points in the box the --grid bounds give (scipy.stats.qmc: scrambled "
                   "Sobol' or Latin hypercube) instead of a grid.")
@click.option("--seed", type=click.IntRange(0), default=None, help="The design's seed (default 0); stored.")
@click.option("--out", "out", required=True, metavar="FILE",
              help="The output: CSV, or Parquet when FILE ends in .parquet (needs pyarrow). Work in progress "
                   "is kept in FILE.parts/.")
@click.option("--jobs", "-j", type=click.IntRange(1), default=None,
              help="Worker processes (default: the number of cores, or 1 for a sweep of fewer than 200 points x "
                   "doctrines; 1 runs in this process). With --scheduler local, the Dask workers.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT|local",
              help="Run the chunks on a Dask cluster (extra `distributed`): an existing scheduler's address, "
                   "or local to start one.")
@click.option("--chunk-size", type=click.IntRange(1), default=None, metavar="N",
              help="Points per task (default: from the number of points, at most 1000). Part of the stored "
                   "sweep: a resumed run must use the same.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option("--restart", is_flag=True,
              help="Start over when FILE.parts/ holds a different sweep (else refused).")
@click.option("--retry-errors", is_flag=True, help="Compute again the chunks that hold error rows.")
@click.option("--plot", default=None, metavar="MAP.png",
              help="Also draw the regime map (extra `plot`): the best equilibrium doctrine per cell, hatched where "
                   "no norm is one, and the welfare gap beside it; one or two --grid axes.")
@click.option("--boundary-rows", type=click.IntRange(0), default=BOUNDARY_ROWS, show_default=True, metavar="N",
              help="With --plot: values of the second axis at which the regime boundaries along the first are "
                   "computed exactly (0: cells only).")
@click.option("--tune-best", is_flag=True,
              help="Tune NAME:best doctrines at every point (slow: an exact optimisation per point and "
                   "doctrine); by default they are tuned once, at the scenario's values.")
@scenario_options
def sweep(model: str | None, fmt: str | None, grids: tuple[str, ...], design: str | None, seed: int | None,
          out: str, jobs: int | None, scheduler: str | None, chunk_size: int | None, force: bool, restart: bool,
          retry_errors: bool, plot: str | None, boundary_rows: int, tune_best: bool, sets: tuple[str, ...],
          detection: Number | None,
          false_flag: Number | None, tremble: Number | None, delay: int | None, delta: Number | None) -> None:
    """The figures of compare at every point of a grid: one row per point and doctrine, in FILE.

    MODEL is a scenario (default: the built-in catalog:cyber-scenario); every doctrine of its deterrence
    and norms lists is evaluated at every point in floating point: values, welfare, conflict share, spiral
    length, permanent conflict, innocent punishments, PPE and Nash verdicts, largest gain. A point that
    fails is a row with its error. Finished chunks are kept in FILE.parts/: the same command resumes a
    killed sweep, and the file is the same, byte for byte, as an uninterrupted run's.
    """
    if seed is not None and design is None:
        raise click.BadParameter("takes effect only with --design", param_hint="'--seed'")
    try:
        plan = parse_design(design, seed) if design is not None else None
        axes = [parse_grid(g, design=plan is not None) for g in grids]
        if scheduler is not None:
            check_scheduler(scheduler)
    except ModelError as exc:
        raise _usage(exc) from None
    progress = progress_reporter(lasting="")  # sweep_to_file words its notes ("note: ...") and its last line

    def note(text: str) -> None:
        progress(f"note: {text}", False)

    shortcuts = {"detection": detection, "false_flag": false_flag, "tremble": tremble, "delay": delay,
                 "delta": delta}
    _, scenario = open_scenario(model, fmt, sets, **shortcuts)
    fixed = {s.partition("=")[0].strip() for s in sets} | {k for k, v in shortcuts.items() if v is not None}
    for axis in axes:
        if axis.name in fixed:
            note(f"the axis {axis.name} replaces the value set for it")
    import scipy

    spec = build_spec(scenario, axes, design=plan, tune_best=tune_best, chunk_size=chunk_size,
                      versions={"scipy": scipy.__version__})
    sweep_to_file(spec, out, jobs=jobs, scheduler=scheduler, force=force, restart=restart, retry_errors=retry_errors,
                  plot=plot, boundary_rows=boundary_rows, options=_options(click.get_current_context().params),
                  progress=progress)
