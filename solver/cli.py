"""The ``detente`` command line.

Each command parses its arguments, calls one solver function and renders
the result: a readable table on stdout, or one JSON document with
``--json``.  Notes and progress go to stderr.

Exit codes: 0 success; 1 bad input or a failed computation (one line on
stderr); 2 usage error; 3 ``verify`` ran and the profile is not an
equilibrium.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from models import catalog
from models.automata import automaton_to_mapping
from models.doctrines import DOCTRINES, doctrine
from models.errors import DetenteError, ModelError
from models.formats import FORMATS, format_for, write_game
from models.formats.json_format import dump_json
from models.formats.toml_format import dump_toml
from models.loader import load_game, load_repeated, write_text
from models.monitoring import AttributionMonitoring, with_overrides
from models.numbers import parse_probability
from models.profiles import parse_profile
from models.repeated import RepeatedModel, check_delta, repeated_to_mapping

from .analysis import SECTIONS, analyze_game
from .critical import critical_deltas
from .nash import METHODS, nash_equilibria
from .profiles import bind_profile
from .render import (
    json_text,
    render_correlated,
    render_deltas,
    render_dominance,
    render_nash,
    render_pure,
    render_repeated,
    render_security,
    render_timeline,
    render_verify,
    table,
)
from .repeated import evaluate
from .simulate import simulate_path
from .verify import verify_profile

__all__ = ["main", "EXIT_NOT_EQUILIBRIUM"]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_NOT_EQUILIBRIUM = 3
DEFAULT_MODEL = catalog.PREFIX + catalog.DEFAULT


class CommandError(click.ClickException):
    """A bad input or failed computation: one line on stderr, exit code 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        message = " ".join(self.format_message().split())
        click.echo(f"detente: error: {message}", err=True)


class DetenteGroup(click.Group):
    """Turns every project error into a :class:`CommandError`, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DetenteError as exc:
            raise CommandError(str(exc)) from None
        except MemoryError:
            raise CommandError("out of memory: the model is too large for this machine (fewer automaton states, "
                               "players or periods of delay help)") from None
        except BrokenPipeError:
            sys.stderr.close()  # e.g. `detente catalog | head`: nothing more to say
            raise SystemExit(1) from None


# -- shared options --------------------------------------------------------------


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
        click.echo(f"detente: note: --detection/--false-flag turn the {rep.monitoring.kind} monitoring of the model "
                   "into attribution monitoring", err=True)
    return rep.with_monitoring(with_overrides(rep.monitoring, **changes))


def emit_json(doc: dict[str, Any]) -> None:
    click.echo(json_text(doc))


def emit(result: Any, as_json: bool, text: Callable[[], str]) -> None:
    """Print ``result`` as one JSON document, or as the text ``text()`` renders."""
    click.echo(json_text(result.to_dict()) if as_json else text())


# -- the group -----------------------------------------------------------------


@click.group(cls=DetenteGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="detente", prog_name="detente")
def main() -> None:
    """detente: repeated cyber games under uncertain attribution, and exact equilibria of
    normal-form games.

    A MODEL is a file (.toml, .nfg, .json), a built-in model catalog:NAME
    (see `detente catalog`), or - for standard input.
    """


@main.command()
@model_argument(required=False)
@click.option("--method", type=click.Choice(METHODS), default="auto", show_default=True,
              help="enummixed: every extreme equilibrium (two players); lemke-howson: one equilibrium; "
                   "pure: pure equilibria (any number of players); auto: enummixed for two players, "
                   "pure otherwise.")
@click.option("--label", type=click.IntRange(min=1), default=1, show_default=True,
              help="Lemke-Howson: the label to drop (1..m are Row's actions, m+1..m+n Column's).")
@arithmetic_option
@output_options
def solve(model: str | None, fmt: str | None, method: str, label: int, exact: bool | None, as_json: bool,
          digits: int) -> None:
    """Nash equilibria of MODEL's stage game (default: all of them, exactly).

    Without MODEL, solves the built-in cyber restrain/attack game.
    """
    game = load_game(default_model(model, "solving"), fmt)
    result = nash_equilibria(game, method, exact=exact, label=label)
    emit(result, as_json, lambda: render_nash(result, game.title, digits))


@main.command()
@model_argument()
@click.option("--only", "only", type=click.Choice(SECTIONS), multiple=True,
              help="Run only these analyses (repeatable). Default: all.")
@click.option("--weak", is_flag=True, help="Also eliminate weakly dominated strategies.")
@arithmetic_option
@output_options
def analyze(model: str, fmt: str | None, only: tuple[str, ...], weak: bool, exact: bool | None,
            as_json: bool, digits: int) -> None:
    """Dominance, pure equilibria, minmax/maxmin and correlated equilibrium of MODEL."""
    game = load_game(model, fmt)
    result = analyze_game(game, sections=only or SECTIONS, weak=weak, exact=exact)
    if as_json:
        emit_json(result.to_dict())
        return
    dims = "x".join(map(str, game.shape))
    blocks = [f"{game.title or 'Untitled game'} ({dims}, {'exact arithmetic' if result.exact else 'floating point'})"]
    if result.strict is not None:
        blocks.append(render_dominance(result.strict, digits))
    if result.weak is not None:
        blocks.append(render_dominance(result.weak, digits))
    if result.pure is not None:
        blocks.append(render_pure(result.pure, digits))
    if result.security is not None:
        blocks.append(render_security(result.security, digits))
    if result.correlated is not None:
        blocks.append(render_correlated(result.correlated, digits))
    click.echo("\n\n".join(blocks))


@main.command()
@model_argument()
@click.option("--profile", required=True,
              help='The profile to check: players separated by ";", probabilities by ",", '
                   'e.g. "1/3,2/3;1/2,1/2"; an action label means that pure action.')
@arithmetic_option
@output_options
def verify(model: str, fmt: str | None, profile: str, exact: bool | None, as_json: bool, digits: int) -> None:
    """Is PROFILE a Nash equilibrium of MODEL?  Exit 0 if so, 3 if not."""
    game = load_game(model, fmt)
    result = verify_profile(game, parse_profile(profile, game), exact=exact)
    emit(result, as_json, lambda: render_verify(result, game.title, digits))
    if not result.is_equilibrium:
        raise SystemExit(EXIT_NOT_EQUILIBRIUM)


@main.command()
@model_argument()
@click.argument("output", metavar="OUTPUT")
@click.option("--to", "to_fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from OUTPUT's suffix; required for - ).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def convert(model: str, fmt: str | None, output: str, to_fmt: str | None, force: bool) -> None:
    """Convert MODEL to OUTPUT (.toml, .nfg or .json; - for stdout).

    TOML and JSON keep the monitoring, strategies and discount factor; a Gambit .nfg file holds the stage
    game only.
    """
    target = to_fmt or (None if output == "-" else format_for(output))
    if target is None:
        raise click.UsageError("cannot tell the output format from OUTPUT; give --to toml|nfg|json")
    rep = load_repeated(model, fmt)
    if target == "nfg":
        text = write_game(rep.game, "nfg")
        if repeated_to_mapping(rep).keys() - {"title", "description", "players", "actions", "payoffs"}:
            click.echo("detente: note: the .nfg format holds the stage game only; monitoring, strategies and "
                       "delta are not written", err=True)
    elif target == "toml":
        text = dump_toml(repeated_to_mapping(rep))
    else:
        text = dump_json(repeated_to_mapping(rep))
    write_text(output, text, overwrite=force)
    if output != "-":
        click.echo(f"wrote {output} ({target})", err=True)


@main.command(name="catalog")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="List the catalogue as JSON.")
def catalog_cmd(name: str | None, as_json: bool) -> None:
    """List the built-in models, or print model NAME's file (to copy and edit)."""
    if name is not None:
        click.echo(catalog.text(name.removeprefix(catalog.PREFIX)), nl=False)
        return
    entries = []
    for n in catalog.names():
        game = catalog.load(n)
        entries.append({"name": catalog.PREFIX + n, "players": len(game.players),
                        "shape": "x".join(map(str, game.shape)), "title": game.title})
    if as_json:
        emit_json({"schema_version": 1, "models": entries})
        return
    rows = [[str(e["name"]), str(e["shape"]), str(e["title"])] for e in entries]
    click.echo(table(["model", "size", "title"], rows))


@main.command()
@model_argument(required=False)
@profile_options
@click.option("--delta", default=None, metavar="D",
              help="Discount factor in [0, 1) (default: the model's [repeated] delta).")
@arithmetic_option
@output_options
def repeated(model: str | None, fmt: str | None, strategies: tuple[str, ...], detection: str | None,
             false_flag: str | None, tremble: str | None, delay: int | None, delta: str | None,
             exact: bool | None, as_json: bool, digits: int) -> None:
    """Values, equilibrium check and escalation of a strategy profile in the repeated game.

    Without MODEL, uses the built-in repeated cyber game (catalog:cyber).
    """
    rep = load_profile_model(model, fmt, detection, false_flag, tremble, delay)
    if delta is None:
        if rep.delta is None:
            raise ModelError("give --delta: the model sets no [repeated] delta")
        d: object = rep.delta
    else:
        d = check_delta(delta, field="--delta")
    result = evaluate(rep, strategies, d, exact=exact)
    emit(result, as_json, lambda: render_repeated(result, rep.game.title, digits))


@main.command()
@model_argument(required=False)
@profile_options
@arithmetic_option
@output_options
def deltas(model: str | None, fmt: str | None, strategies: tuple[str, ...], detection: str | None,
           false_flag: str | None, tremble: str | None, delay: int | None, exact: bool | None, as_json: bool,
           digits: int) -> None:
    """Every discount factor for which the profile is a PPE, and for which it is Nash."""
    rep = load_profile_model(model, fmt, detection, false_flag, tremble, delay)
    result = critical_deltas(rep, strategies, exact=exact)
    emit(result, as_json, lambda: render_deltas(result, rep.game.title, digits))


@main.command()
@model_argument(required=False)
@profile_options
@click.option("--periods", type=click.IntRange(1, 1_000_000), default=20, show_default=True,
              help="Number of periods to simulate.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True,
              help="Random seed, a whole number >= 0 (the same seed gives the same path).")
@output_options
def simulate(model: str | None, fmt: str | None, strategies: tuple[str, ...], detection: str | None,
             false_flag: str | None, tremble: str | None, delay: int | None, periods: int, seed: int, as_json: bool,
             digits: int) -> None:
    """A seeded sample path: states, actions, signals and payoffs, period by period."""
    rep = load_profile_model(model, fmt, detection, false_flag, tremble, delay)
    timeline = simulate_path(bind_profile(rep, strategies), periods, seed)
    emit(timeline, as_json, lambda: render_timeline(timeline, rep.game.title, digits))


@main.command()
@click.argument("name", required=False)
def doctrines(name: str | None) -> None:
    """List the library's doctrines, or print doctrine NAME's automaton (to copy into a model file)."""
    if name is None:
        rows = [[n, d] for n, d in DOCTRINES.items()]
        click.echo(table(["doctrine", "what it does"], rows))
        click.echo("\n@restrain is a player's first non-hostile action, @attack its first hostile one.")
        return
    automaton = doctrine(name)
    click.echo(f"# {automaton.name}: {automaton.description}")
    click.echo(dump_toml({"strategies": {automaton.name: automaton_to_mapping(automaton)}}, inline_depth=2), nl=False)
