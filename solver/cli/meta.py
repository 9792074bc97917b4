"""The ``metagame`` command: the doctrines of a scenario against each other, as a normal-form game."""

from __future__ import annotations

from typing import Any

import click

from models.errors import ModelError
from models.numbers import Number, parse_number
from solver.cli.options import (
    arithmetic_option,
    emit,
    model_argument,
    open_scenario,
    output_options,
    progress_reporter,
    scenario_options,
)
from solver.meta.metagame import DEFAULT_TIMES, scenario_metagame
from solver.render.meta import render_metagame

__all__ = ["metagame"]


class _Times(click.ParamType):
    """A comma-separated list of increasing times >= 0 (a bad one is a usage error, exit 2)."""

    name = "times"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        out: list[float] = []
        for part in value.split(","):
            try:
                x = float(parse_number(part.strip()))
            except ModelError as exc:
                self.fail(f"{part.strip()!r}: {exc.message}", param, ctx)
            if x < 0:
                self.fail(f"times must be >= 0, got {part.strip()}", param, ctx)
            if out and x <= out[-1]:
                self.fail("times must increase strictly", param, ctx)
            out.append(x)
        return tuple(out)


@click.command()
@model_argument(required=False)
@scenario_options
@click.option("--doctrine", "-d", "doctrines", multiple=True, metavar="NAME",
              help="A library doctrine without levers (grim, generous:1/10, consult; NAME:best is tuned for the "
                   "scenario); repeat for each (default: the scenario's deterrence and norms, levers dropped).")
@click.option("--times", type=_Times(), default=",".join(str(t) for t in DEFAULT_TIMES), show_default=True,
              metavar="T1,T2,...", help="Times at which the replicator table shows the doctrines' shares.")
@arithmetic_option
@output_options
def metagame(model: str | None, fmt: str | None, sets: tuple[str, ...], detection: Number | None,
             false_flag: Number | None, tremble: Number | None, delay: int | None, delta: Number | None,
             doctrines: tuple[str, ...], times: tuple[float, ...], exact: bool | None, as_json: bool, digits: int,
             decimals: bool) -> None:
    """The doctrines' values against each other as a normal-form game: its equilibria (which doctrine mix is
    stable) and the replicator dynamics from the uniform mix.

    MODEL is a scenario file ([scenario]) or any two-player repeated-game model; without it, standard input
    when it is piped in, else the built-in default scenario (catalog:cyber-scenario). Every match is played in
    the scenario's repeated game with every lever it has (the clarification channel, the audits).
    """
    spec, sc = open_scenario(model, fmt, sets, detection=detection, false_flag=false_flag, tremble=tremble,
                             delay=delay, delta=delta)
    result = scenario_metagame(sc, doctrines or None, exact=exact, times=times, progress=progress_reporter())
    emit(result, as_json, lambda: render_metagame(result, digits, decimals), spec)
