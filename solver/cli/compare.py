"""Scenario commands: compare (deterrence against diplomacy) and intervals (exact sets in any parameter)."""

from __future__ import annotations

from typing import Any

import click

from models.errors import ModelError
from models.numbers import Number, parse_number
from models.scenario import LEVERS, split_levers
from solver.cli.options import (
    arithmetic_option,
    emit,
    emit_notes,
    emit_text,
    model_argument,
    open_scenario,
    output_options,
    progress_reporter,
    scenario_options,
)
from solver.compare.table import compare as compare_scenario
from solver.compare.thresholds import parameter_intervals
from solver.render.compare import compare_csv, render_compare, render_parameter_sets

__all__ = ["compare", "intervals"]


@click.command()
@model_argument(required=False)
@scenario_options
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV line per doctrine instead of tables.")
@arithmetic_option
@output_options(digits=4, decimals=False)
def compare(model: str | None, fmt: str | None, sets: tuple[str, ...], detection: Number | None,
            false_flag: Number | None, tremble: Number | None, delay: int | None, delta: Number | None,
            as_csv: bool, exact: bool | None, as_json: bool, digits: int) -> None:
    """Deterrence doctrines against cooperative norms, side by side, with a verdict.

    MODEL is a scenario file ([scenario]) or any repeated-game model; without it, the built-in default
    scenario (catalog:cyber-scenario). Each row is one doctrine played by every state: values, welfare,
    escalation, whether it is a PPE, for which discount factors and above which detection rate. The table
    shows every number as a decimal of --digits significant digits (~ marks the rounded ones); --json and
    --csv keep exact fractions.
    """
    if as_csv and as_json:
        raise click.UsageError("--csv and --json exclude each other; give one of them")
    spec, scenario = open_scenario(model, fmt, sets, detection=detection, false_flag=false_flag, tremble=tremble,
                                   delay=delay, delta=delta)
    result = compare_scenario(scenario, exact=exact, progress=progress_reporter())
    if as_csv:
        emit_text(compare_csv(result))
        emit_notes(result)
        return
    emit(result, as_json, lambda: render_compare(result, digits), spec)


def _range(text: str | None) -> tuple[Number, Number] | None:
    if text is None:
        return None
    lo, sep, hi = text.partition(":")
    if not sep:
        raise click.BadParameter(f"expected LO:HI, got {text!r}", param_hint="'--range'")
    try:
        return parse_number(lo.strip(), field="--range"), parse_number(hi.strip(), field="--range")
    except ModelError as exc:
        raise click.BadParameter(exc.message, param_hint="'--range'") from None


@click.command()
@model_argument(required=False)
@click.option("--strategy", "-s", "strategies", multiple=True, required=True, metavar="NAME",
              help="A doctrine (or a strategy of the model file), with levers as in compare: consult+channel. "
                   "One for all states, or one per player.")
@click.option("--over", "parameter", required=True, metavar="PARAM",
              help="The parameter to vary: detection, false_flag, tremble, effectiveness, deception, audit, "
                   "generosity, phi, gain, damage, cost, delta, ...")
@click.option("--range", "span", default=None, metavar="LO:HI",
              help="The range searched (default: [0, 1] for probabilities, [0, 10 x the value] otherwise).")
@scenario_options
@arithmetic_option
@output_options
def intervals(model: str | None, fmt: str | None, strategies: tuple[str, ...], parameter: str, span: str | None,
              sets: tuple[str, ...], detection: Number | None, false_flag: Number | None, tremble: Number | None,
              delay: int | None, delta: Number | None, exact: bool | None, as_json: bool, digits: int,
              decimals: bool) -> None:
    """Every value of one parameter at which the profile is a PPE, and at which it is Nash (exact).

    The other parameters are held at the model's values. `--over delta` is the `deltas` command.
    """
    spec, scenario = open_scenario(model, fmt, sets, detection=detection, false_flag=false_flag, tremble=tremble,
                                   delay=delay, delta=delta)
    seats, levers = _seats(scenario, strategies)
    try:
        result = parameter_intervals(scenario, seats, parameter, levers=levers, domain=_range(span), exact=exact,
                                     progress=progress_reporter())
    except ModelError as why:  # a range the parameter cannot take is a bad option value, as a malformed one is
        if str(why).startswith("--range: "):
            raise click.BadParameter(str(why)[len("--range: "):], param_hint="'--range'") from None
        raise
    emit(result, as_json, lambda: render_parameter_sets(result, scenario.title, digits, decimals), spec)


def _seats(scenario: Any, strategies: tuple[str, ...]) -> tuple[list[str], tuple[str, ...]]:
    """One strategy per seat (one name serves every state) and the levers any of them asks for."""
    split = [split_levers(text, field="--strategy") for text in strategies]
    names = [name for name, _ in split]
    if any(name.partition(":")[2].strip() == "best" for name in names):
        raise ModelError("intervals takes a doctrine with its parameter (generous:1/10), not ':best'")
    seats = scenario.seats(names[0]) if len(names) == 1 else names
    return seats, tuple(lv for lv in LEVERS if any(lv in levers for _, levers in split))
