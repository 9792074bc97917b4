"""Repeated-game commands: repeated, deltas, simulate, doctrines."""

from __future__ import annotations

import click

from models.doctrines import DOCTRINES, doctrine
from models.errors import ModelError
from models.numbers import Number
from solver.cli.options import (
    DELTA,
    arithmetic_option,
    emit,
    emit_text,
    load_profile_model,
    model_argument,
    output_options,
    profile_options,
    progress_reporter,
)
from solver.render.repeated import render_deltas, render_doctrine, render_doctrines, render_repeated, render_timeline
from solver.repeated.binding import bind_profile
from solver.repeated.delta_sets import delta_intervals
from solver.repeated.evaluation import evaluate
from solver.repeated.simulation import simulate_path

__all__ = ["repeated", "deltas", "simulate", "doctrines"]


@click.command()
@model_argument(required=False)
@profile_options
@click.option("--delta", type=DELTA, default=None, metavar="D",
              help="Discount factor in [0, 1) (default: the model's [repeated] delta).")
@arithmetic_option
@output_options
def repeated(model: str | None, fmt: str | None, strategies: tuple[str, ...], detection: Number | None,
             false_flag: Number | None, tremble: Number | None, delay: int | None, delta: Number | None,
             exact: bool | None, as_json: bool, digits: int, decimals: bool) -> None:
    """Values, equilibrium check and escalation of a strategy profile in the repeated game.

    Without MODEL, reads standard input when it is piped in, or else uses the built-in repeated cyber
    game (catalog:cyber).
    """
    spec, rep = load_profile_model(model, fmt, detection, false_flag, tremble, delay)
    d = rep.delta if delta is None else delta
    if d is None:
        raise ModelError("give --delta: the model sets no [repeated] delta")
    result = evaluate(rep, strategies, d, exact=exact, progress=progress_reporter())
    emit(result, as_json, lambda: render_repeated(result, rep.game.title, digits, decimals), spec)


@click.command()
@model_argument(required=False)
@profile_options
@arithmetic_option
@output_options
def deltas(model: str | None, fmt: str | None, strategies: tuple[str, ...], detection: Number | None,
           false_flag: Number | None, tremble: Number | None, delay: int | None, exact: bool | None, as_json: bool,
           digits: int, decimals: bool) -> None:
    """Every discount factor for which the profile is a PPE, and for which it is Nash."""
    spec, rep = load_profile_model(model, fmt, detection, false_flag, tremble, delay)
    result = delta_intervals(rep, strategies, exact=exact, progress=progress_reporter())
    emit(result, as_json, lambda: render_deltas(result, rep.game.title, digits, decimals), spec)


@click.command()
@model_argument(required=False)
@profile_options
@click.option("--periods", type=click.IntRange(1, 1_000_000), default=20, show_default=True,
              help="Number of periods to simulate.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True,
              help="Random seed, a whole number >= 0 (the same seed gives the same path).")
@output_options
def simulate(model: str | None, fmt: str | None, strategies: tuple[str, ...], detection: Number | None,
             false_flag: Number | None, tremble: Number | None, delay: int | None, periods: int, seed: int,
             as_json: bool, digits: int, decimals: bool) -> None:
    """A seeded sample path: states, actions, signals and payoffs, period by period."""
    spec, rep = load_profile_model(model, fmt, detection, false_flag, tremble, delay)
    timeline = simulate_path(bind_profile(rep, strategies), periods, seed)
    emit(timeline, as_json, lambda: render_timeline(timeline, rep.game.title, digits, decimals), spec)


@click.command()
@click.argument("name", required=False)
def doctrines(name: str | None) -> None:
    """List the library's doctrines, or print doctrine NAME's automaton (to copy into a model file)."""
    if name is None:
        emit_text(render_doctrines(DOCTRINES))
        return
    emit_text(render_doctrine(doctrine(name)), nl=False)
