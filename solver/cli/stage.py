"""Stage-game commands: solve, analyze, verify, convert, catalog."""

from __future__ import annotations

import click

from models import catalog
from models.formats import FORMATS, format_for
from models.loader import load_game, load_repeated, write_text
from models.mixed_profile import parse_profile
from models.repeated import dump_repeated
from solver.cli.options import (
    EXIT_NOT_EQUILIBRIUM,
    arithmetic_option,
    default_model,
    emit,
    emit_json,
    model_argument,
    note,
    output_options,
)
from solver.render.stage import render_analysis, render_catalog, render_nash, render_verify
from solver.stage.analysis import SECTIONS, analyze_game
from solver.stage.equilibria import METHODS, nash_equilibria
from solver.stage.verify import verify_profile

__all__ = ["solve", "analyze", "verify", "convert", "catalog_cmd"]


@click.command()
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


@click.command()
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
    emit(result, as_json, lambda: render_analysis(result, game, digits))


@click.command()
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


@click.command()
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
    text, dropped = dump_repeated(rep, target)
    if dropped:
        note(f"the .{target} format holds the stage game only; {', '.join(dropped)} are not written")
    write_text(output, text, overwrite=force)
    if output != "-":
        click.echo(f"wrote {output} ({target})", err=True)


@click.command(name="catalog")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="List the catalogue as JSON.")
def catalog_cmd(name: str | None, as_json: bool) -> None:
    """List the built-in models, or print model NAME's file (to copy and edit)."""
    if name is not None:
        click.echo(catalog.text(name.removeprefix(catalog.PREFIX)), nl=False)
        return
    entries = catalog.entries()
    if as_json:
        emit_json({"schema_version": 1, "models": entries})
        return
    click.echo(render_catalog(entries))
