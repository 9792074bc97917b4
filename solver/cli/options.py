"""Options and arguments shared by the commands, and how a result reaches stdout.

Bad option values.  A value that is wrong on its own (not a number, out of
its range: ``--delta 1``, ``--detection 1.5``, ``--delay -1``, ``--digits 0``)
is a usage error, exit code 2, as click reports every bad option value.  A
value that does not fit the model (an action the game lacks, a
Lemke-Howson label beyond the game's size, a profile that does not sum to
one) is bad input, exit code 1.
"""

from __future__ import annotations

import functools
import io
import sys
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import click

from models import catalog
from models.errors import ModelError, ParseError
from models.formats import FORMATS
from models.loader import load_game, load_repeated, load_scenario
from models.monitoring import MAX_DELAY, AttributionMonitoring, with_overrides
from models.numbers import Number, parse_number, parse_probability
from models.repeated import RepeatedModel, check_delta
from models.stage import StageGame
from solver.cli.progress import stderr_progress
from solver.render.text import json_text

__all__ = ["DEFAULT_MODEL", "EXIT_NOT_EQUILIBRIUM", "STDIN", "PROBABILITY", "DELTA", "model_argument",
           "choose_model", "open_game", "open_repeated", "output_options", "arithmetic_option", "profile_options",
           "load_profile_model", "emit", "emit_json", "emit_text", "emit_notes", "note", "progress_reporter"]

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code of ``verify`` when the check ran and the profile is not an equilibrium.
EXIT_NOT_EQUILIBRIUM = 3
DEFAULT_MODEL = catalog.PREFIX + catalog.DEFAULT
#: The built-in scenario that ``compare``, ``intervals`` and ``metagame`` use without a SCENARIO.
DEFAULT_SCENARIO = catalog.PREFIX + "cyber-scenario"
#: The MODEL that means standard input.
STDIN = "-"


def note(text: str) -> None:
    """A note for the user: always on stderr, never mixed with results."""
    click.echo(f"detente: note: {text}", err=True)


def progress_reporter(lasting: str = "note: ") -> Callable[[str, bool], None]:
    """The ``progress(message, transient)`` callback the commands give to long solver calls.

    Warnings and estimates (``transient=False``) become notes on stderr (``lasting`` is what precedes
    them after ``detente: ``; ``""`` for a solver that words its own lines, as ``sweep`` does).  Running
    counts (``transient=True``) are shown only when stderr is a terminal, where they overwrite each other
    on one line; in a log or a pipe they would only be noise, and they would make the output of a run
    depend on its speed.
    """
    inner = stderr_progress()

    def progress(message: str, transient: bool = False) -> None:
        if transient:
            stream = sys.stderr
            if stream is not None and stream.isatty():
                inner(f"detente: {message}", True)
            return
        inner(f"detente: {lasting}{message}", False)

    return progress


class _CheckedNumber(click.ParamType):
    """A number checked on its own, before any model is read: a bad one is a usage error (exit 2)."""

    def __init__(self, name: str, check: Callable[[str], Number]) -> None:
        self.name = name
        self._check = check

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self._check(value)
        except ModelError as exc:
            self.fail(exc.message, param, ctx)


#: A probability in [0, 1]: an integer, ``p/q`` or a decimal.
PROBABILITY = _CheckedNumber("probability", lambda v: parse_probability(v))
#: A discount factor in [0, 1).
DELTA = _CheckedNumber("discount factor", lambda v: check_delta(v))


def model_argument(required: bool = True) -> Callable[[F], F]:
    """MODEL plus --format; an optional MODEL is read from standard input, or defaults to the built-in game."""

    def deco(f: F) -> F:
        f = click.option(
            "--format", "fmt", type=click.Choice(FORMATS), default=None,
            help="Model file format (default: from the file suffix; standard input is recognised by its content).",
        )(f)
        return click.argument("model", required=required, default=None,
                              metavar="MODEL" if required else "[MODEL]")(f)

    return deco


def _piped_stdin() -> str | None:
    """The text on standard input when it is a pipe or a file and holds something, else None."""
    stream = sys.stdin
    if stream is None or stream.closed or stream.isatty():
        return None
    try:
        text = stream.read()
    except UnicodeDecodeError:
        raise ParseError("not a UTF-8 text file", source="<stdin>") from None
    return text if text.strip() else None


def choose_model(model: str | None, verb: str = "using", default: str = DEFAULT_MODEL,
                 what: str = "MODEL") -> tuple[str, TextIO | None]:
    """The model spec to load, and the standard input to read it from.

    Without MODEL: standard input when it is not a terminal and holds a model (``cat game.nfg |
    detente solve``), else the built-in default, saying so on stderr.  The spec is what the JSON
    output names as ``"model"``: a path, ``catalog:NAME`` or ``-``.
    """
    if model is not None:
        return model, None
    piped = _piped_stdin()
    if piped is not None:
        return STDIN, io.StringIO(piped)
    note(f"no {what} given, {verb} {default}")
    return default, None


def open_game(model: str | None, fmt: str | None, verb: str = "using") -> tuple[str, StageGame]:
    """The MODEL's spec (see :func:`choose_model`) and its stage game."""
    spec, stdin = choose_model(model, verb)
    return spec, load_game(spec, fmt, stdin=stdin)


def open_repeated(model: str | None, fmt: str | None, verb: str = "using") -> tuple[str, RepeatedModel]:
    """The MODEL's spec (see :func:`choose_model`) and its repeated game."""
    spec, stdin = choose_model(model, verb)
    return spec, load_repeated(spec, fmt, stdin=stdin)


def output_options(f: F | None = None, *, digits: int = 6, decimals: bool = True) -> Any:
    """--json, --digits and --decimals.

    ``@output_options(digits=4, decimals=False)`` gives a command another default for --digits and no
    --decimals flag (for tables that always show decimals, such as ``compare``'s).
    """
    if f is None:
        return lambda g: output_options(g, digits=digits, decimals=decimals)
    if decimals:
        f = click.option("--decimals", is_flag=True,
                         help="Print exact values as decimals of --digits significant digits too (~ marks the "
                              "rounded ones; --json keeps exact fractions).")(f)
    f = click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of tables.")(f)
    f = click.option("--digits", type=click.IntRange(1, 17), default=digits, show_default=True,
                     help="Significant digits for floating-point numbers, and for exact values shown as decimals.")(f)
    return f


def arithmetic_option(f: F) -> F:
    """--exact and --float, two flags that exclude each other, passed on as ``exact``: True, False or None."""

    @functools.wraps(f)
    def wrapper(*args: Any, exact_flag: bool, float_flag: bool, **kwargs: Any) -> Any:
        if exact_flag and float_flag:
            raise click.UsageError("--exact and --float exclude each other; give one of them")
        return f(*args, exact=True if exact_flag else False if float_flag else None, **kwargs)

    w = click.option("--float", "float_flag", is_flag=True,
                     help="Force floating-point arithmetic.")(wrapper)
    w = click.option("--exact", "exact_flag", is_flag=True,
                     help="Force exact rational arithmetic (default: exact when every payoff is an integer or a "
                          "fraction).")(w)
    return w  # type: ignore[return-value]


def profile_options(f: F) -> F:
    """--strategy and the monitoring overrides shared by the repeated-game commands."""
    f = click.option("--delay", type=click.IntRange(0, MAX_DELAY), default=None,
                     help="Override: periods before a signal becomes public.")(f)
    f = click.option("--tremble", type=PROBABILITY, default=None, metavar="P",
                     help="Override: probability that an intended action is replaced by another.")(f)
    f = click.option("--false-flag", "false_flag", type=PROBABILITY, default=None, metavar="P",
                     help="Override: P(blamed | restrained); switches the model to attribution monitoring.")(f)
    f = click.option("--detection", type=PROBABILITY, default=None, metavar="P",
                     help="Override: P(blamed | attacked); switches the model to attribution monitoring.")(f)
    f = click.option("--strategy", "-s", "strategies", multiple=True, required=True, metavar="NAME",
                     help="A strategy from the model file or the doctrine library (see `detente doctrines`); "
                          "give one for every player, or one for all.")(f)
    return f


def load_profile_model(model: str | None, fmt: str | None, detection: Number | None, false_flag: Number | None,
                       tremble: Number | None, delay: int | None) -> tuple[str, RepeatedModel]:
    """The MODEL's spec and its repeated game with the command-line monitoring overrides applied."""
    spec, rep = open_repeated(model, fmt)
    changes = {"detection": detection, "false_flag": false_flag, "tremble": tremble, "delay": delay}
    if (detection is not None or false_flag is not None) and not isinstance(rep.monitoring, AttributionMonitoring):
        note(f"--detection/--false-flag turn the {rep.monitoring.kind} monitoring of the model into attribution "
             "monitoring")
    return spec, rep.with_monitoring(with_overrides(rep.monitoring, **changes))


def emit_text(text: str, nl: bool = True) -> None:
    """Results on stdout (a full disk or a closed pipe is handled once, in :mod:`solver.cli.app`)."""
    click.echo(text, nl=nl)


def emit_json(doc: dict[str, Any]) -> None:
    emit_text(json_text(doc))


def emit_notes(result: Any) -> None:
    """The notes a result carries, on stderr."""
    for text in getattr(result, "notes", ()):
        note(text)


def _with_model(doc: dict[str, Any], spec: str | None) -> dict[str, Any]:
    """``doc`` with a ``"model"`` field after ``schema_version``: the path, ``catalog:NAME`` or ``-``."""
    if spec is None:
        return doc
    out: dict[str, Any] = {}
    if "schema_version" in doc:
        out["schema_version"] = doc["schema_version"]
    out["model"] = spec
    out.update((k, v) for k, v in doc.items() if k != "model")
    return out


def emit(result: Any, as_json: bool, text: Callable[[], str], model: str | None = None) -> None:
    """Print ``result`` as one JSON document (naming ``model``), or as the text ``text()`` renders.

    The result's notes follow on stderr either way (the JSON document also holds them).
    """
    emit_text(json_text(_with_model(result.to_dict(), model)) if as_json else text())
    emit_notes(result)


def scenario_options(f: F) -> F:
    """--set NAME=VALUE (repeatable) and the shortcuts --detection, --false-flag, --tremble, --delay, --delta."""
    f = click.option("--delta", type=DELTA, default=None, metavar="D", help="Shortcut for --set delta=D.")(f)
    f = click.option("--delay", type=click.IntRange(0, MAX_DELAY), default=None,
                     help="Shortcut for --set delay=L.")(f)
    f = click.option("--tremble", type=PROBABILITY, default=None, metavar="P", help="Shortcut for --set tremble=P.")(f)
    f = click.option("--false-flag", "false_flag", type=PROBABILITY, default=None, metavar="P",
                     help="Shortcut for --set false_flag=P.")(f)
    f = click.option("--detection", type=PROBABILITY, default=None, metavar="P",
                     help="Shortcut for --set detection=P.")(f)
    f = click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                     help="Set a scenario parameter (gain, damage, cost, detection, false_flag, audit, ...; "
                          "Attack.detection or 'State B.gain' for one operation or state; applied in order, before "
                          "the shortcuts). Repeatable.")(f)
    return f


def open_scenario(model: str | None, fmt: str | None, sets: tuple[str, ...], **shortcuts: Any) -> tuple[str, Any]:
    """The SCENARIO's spec and the scenario with the command-line values applied.

    Without SCENARIO: standard input when it is piped in, else :data:`DEFAULT_SCENARIO`, saying so.
    """
    spec, stdin = choose_model(model, default=DEFAULT_SCENARIO, what="SCENARIO")
    scenario = load_scenario(spec, fmt, stdin=stdin)
    for item in sets:  # in order: a flat value given later replaces the per-operation values before it
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="'--set'")
        scenario = _apply(scenario, name, _set_value(name, value), f"--set {name}")
    for name, v in shortcuts.items():
        if v is not None:
            scenario = _apply(scenario, name, v, f"--{name.replace('_', '-')}")
    return spec, scenario


def _apply(scenario: Any, name: str, value: Any, option: str) -> Any:
    """``scenario.with_values({name: value})``; a bad value is a usage error naming the option, as click's own."""
    try:
        return scenario.with_values({name: value})
    except ModelError as why:
        text = str(why)
        head, sep, rest = text.partition(": ")
        if sep and head.split(".")[0] in ("scenario", "payoffs", "monitoring"):
            text = rest  # the field the option set: the option names it
        raise click.BadParameter(text, param_hint=f"'{option}'") from None


def _set_value(name: str, text: str) -> Any:
    if name == "delay":
        try:
            return int(text)
        except ValueError:
            raise click.BadParameter(f"expected a whole number of periods, got {text!r}",
                                     param_hint=f"'--set {name}'") from None
    try:
        return parse_number(text)
    except ModelError as why:
        raise click.BadParameter(str(why), param_hint=f"'--set {name}'") from None
