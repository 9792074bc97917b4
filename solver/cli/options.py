"""Options and arguments shared by the commands, and how a result reaches stdout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from models import catalog
from models.formats import FORMATS
from models.loader import load_repeated
from models.monitoring import AttributionMonitoring, with_overrides
from models.numbers import parse_probability
from models.repeated import RepeatedModel
from solver.render.text import json_text

__all__ = ["DEFAULT_MODEL", "EXIT_NOT_EQUILIBRIUM", "model_argument", "default_model", "output_options",
           "arithmetic_option", "profile_options", "load_profile_model", "emit", "emit_json", "note"]

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code of ``verify`` when the check ran and the profile is not an equilibrium.
EXIT_NOT_EQUILIBRIUM = 3
DEFAULT_MODEL = catalog.PREFIX + catalog.DEFAULT


def note(text: str) -> None:
    """A note for the user: always on stderr, never mixed with results."""
    click.echo(f"detente: note: {text}", err=True)


def model_argument(required: bool = True) -> Callable[[F], F]:
    """MODEL plus --format; an optional MODEL defaults to the built-in cyber game."""

    def deco(f: F) -> F:
        f = click.option(
            "--format", "fmt", type=click.Choice(FORMATS), default=None,
            help="Model file format (default: from the file suffix).",
        )(f)
        return click.argument("model", required=required, default=None,
                              metavar="MODEL" if required else "[MODEL]")(f)  # type: ignore[return-value]

    return deco


def default_model(model: str | None, verb: str = "using") -> str:
    """MODEL, or the built-in default (saying so on stderr)."""
    if model is not None:
        return model
    click.echo(f"detente: no MODEL given, {verb} {DEFAULT_MODEL}", err=True)
    return DEFAULT_MODEL


def output_options(f: F) -> F:
    f = click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of tables.")(f)
    f = click.option("--digits", type=click.IntRange(1, 17), default=6, show_default=True,
                     help="Significant digits for floating-point numbers.")(f)
    return f


def arithmetic_option(f: F) -> F:
    return click.option(
        "--exact/--float", "exact", default=None,
        help="Force exact rational or floating-point arithmetic (default: exact when every payoff is "
             "an integer or a fraction).",
    )(f)  # type: ignore[return-value]


def profile_options(f: F) -> F:
    """--strategy and the monitoring overrides shared by the repeated-game commands."""
    f = click.option("--delay", type=click.IntRange(min=0), default=None,
                     help="Override: periods before a signal becomes public.")(f)
    f = click.option("--tremble", default=None, metavar="P",
                     help="Override: probability that an intended action is replaced by another.")(f)
    f = click.option("--false-flag", "false_flag", default=None, metavar="P",
                     help="Override: P(blamed | restrained); switches the model to attribution monitoring.")(f)
    f = click.option("--detection", default=None, metavar="P",
                     help="Override: P(blamed | attacked); switches the model to attribution monitoring.")(f)
    f = click.option("--strategy", "-s", "strategies", multiple=True, required=True, metavar="NAME",
                     help="A strategy from the model file or the doctrine library (see `detente doctrines`); "
                          "give one for every player, or one for all.")(f)
    return f


def load_profile_model(model: str | None, fmt: str | None, detection: str | None, false_flag: str | None,
                       tremble: str | None, delay: int | None) -> RepeatedModel:
    """The model with command-line monitoring overrides applied."""
    rep = load_repeated(default_model(model), fmt)
    changes = {
        "detection": None if detection is None else parse_probability(detection, field="--detection"),
        "false_flag": None if false_flag is None else parse_probability(false_flag, field="--false-flag"),
        "tremble": None if tremble is None else parse_probability(tremble, field="--tremble"),
        "delay": delay,
    }
    if (detection or false_flag) and not isinstance(rep.monitoring, AttributionMonitoring):
        note(f"--detection/--false-flag turn the {rep.monitoring.kind} monitoring of the model into attribution "
             "monitoring")
    return rep.with_monitoring(with_overrides(rep.monitoring, **changes))


def emit_json(doc: dict[str, Any]) -> None:
    click.echo(json_text(doc))


def emit(result: Any, as_json: bool, text: Callable[[], str]) -> None:
    """Print ``result`` as one JSON document, or as the text ``text()`` renders."""
    click.echo(json_text(result.to_dict()) if as_json else text())
