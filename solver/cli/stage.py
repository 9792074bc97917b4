"""Stage-game commands: solve, analyze, verify, convert, catalog."""

from __future__ import annotations

import click

from models import catalog
from models.errors import SolverError
from models.formats import FORMATS, format_for
from models.loader import dump_model, write_text
from models.mixed_profile import parse_profile
from solver.cli.options import (
    EXIT_NOT_EQUILIBRIUM,
    arithmetic_option,
    choose_model,
    emit,
    emit_json,
    emit_notes,
    emit_text,
    model_argument,
    note,
    open_game,
    output_options,
    progress_reporter,
)
from solver.render.stage import (
    render_analysis_heading,
    render_catalog,
    render_nash,
    render_nash_csv,
    render_rounding_footnote,
    render_section,
    render_verify,
)
from solver.stage.analysis import SECTIONS, analysis_sections, analyze_game
from solver.stage.equilibria import METHODS, nash_equilibria
from solver.stage.limits import stage_memory_advice
from solver.stage.payoffs import resolve_exact
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
@click.option("--csv", "as_csv", is_flag=True,
              help="Print one line NE,p1,p2,... an equilibrium, as Gambit's command-line tools do "
                   "(exact fractions; with --decimals, decimals).")
@arithmetic_option
@output_options
def solve(model: str | None, fmt: str | None, method: str, label: int, as_csv: bool, exact: bool | None,
          as_json: bool, digits: int, decimals: bool) -> None:
    """Nash equilibria of MODEL's stage game (default: all of them, exactly).

    Without MODEL, reads the model from standard input when it is piped in, or else solves the
    built-in cyber restrain/attack game.
    """
    if as_csv and as_json:
        raise click.UsageError("--csv and --json exclude each other; give one of them")
    spec, game = open_game(model, fmt, "solving")
    try:
        result = nash_equilibria(game, method, exact=exact, label=label, progress=progress_reporter())
    except MemoryError:
        raise SolverError(stage_memory_advice(game.shape, method)) from None
    if as_csv:
        if result.equilibria:
            emit_text(render_nash_csv(result, digits, decimals))
        emit_notes(result)
        return
    emit(result, as_json, lambda: render_nash(result, game.title, digits, decimals), spec)


@click.command()
@model_argument(required=False)
@click.option("--only", "only", type=click.Choice(SECTIONS), multiple=True,
              help="Run only these analyses (repeatable). Default: all.")
@click.option("--weak", is_flag=True, help="Also eliminate weakly dominated strategies.")
@arithmetic_option
@output_options
def analyze(model: str | None, fmt: str | None, only: tuple[str, ...], weak: bool, exact: bool | None,
            as_json: bool, digits: int, decimals: bool) -> None:
    """Dominance, pure equilibria, minmax/maxmin and correlated equilibrium of MODEL.

    Without MODEL, reads standard input when it is piped in, or else analyses the built-in cyber game.
    """
    spec, game = open_game(model, fmt, "analysing")
    sections = only or SECTIONS
    try:
        if as_json:
            result = analyze_game(game, sections=sections, weak=weak, exact=exact, progress=progress_reporter())
            emit(result, True, lambda: "", spec)
            return
        # finished sections first: the exact correlated equilibrium of a large game can take minutes
        ex = resolve_exact(game, exact)
        emit_text(render_analysis_heading(game, ex, digits, decimals))
        rounded = False
        for section in analysis_sections(game, sections=sections, weak=weak, exact=ex,
                                         progress=progress_reporter()):
            block = render_section(section, digits, decimals)
            rounded |= render_rounding_footnote(block, ex, digits, decimals) is not None
            emit_text("\n" + block)
        footnote = render_rounding_footnote("~" if rounded else "", ex, digits, decimals)
        if footnote is not None:
            emit_text(footnote)
    except MemoryError:
        raise SolverError(stage_memory_advice(game.shape, "analyze")) from None


@click.command()
@model_argument(required=False)
@click.option("--profile", required=True,
              help='The profile to check: players separated by ";", probabilities by ",", '
                   'e.g. "1/3,2/3;1/2,1/2"; an action label means that pure action.')
@arithmetic_option
@output_options
def verify(model: str | None, fmt: str | None, profile: str, exact: bool | None, as_json: bool, digits: int,
           decimals: bool) -> None:
    """Is PROFILE a Nash equilibrium of MODEL?  Exit 0 if so, 3 if not.

    Without MODEL, reads standard input when it is piped in, or else checks the built-in cyber game.
    """
    spec, game = open_game(model, fmt, "checking")
    result = verify_profile(game, parse_profile(profile, game), exact=exact)
    emit(result, as_json, lambda: render_verify(result, game.title, digits, decimals), spec)
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

    TOML and JSON keep the monitoring, strategies and discount factor, or a scenario's [scenario] table; a
    Gambit .nfg file holds the stage game only.
    """
    target = to_fmt or (None if output == "-" else format_for(output))
    if target is None:
        raise click.UsageError("cannot tell the output format from OUTPUT; give --to toml|nfg|json")
    spec, stdin = choose_model(model)
    text, dropped = dump_model(spec, target, fmt, stdin=stdin)
    if dropped:
        note(f"the .{target} format holds the stage game only; {', '.join(dropped)} "
             f"{'is' if len(dropped) == 1 else 'are'} not written")
    write_text(output, text, overwrite=force)
    if output != "-":
        click.echo(f"wrote {output} ({target})", err=True)


@click.command(name="catalog")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True,
              help="List the catalogue as JSON; with NAME, print that model as a JSON model file.")
def catalog_cmd(name: str | None, as_json: bool) -> None:
    """List the built-in models, or print model NAME's file (to copy and edit)."""
    if name is not None:
        spec = catalog.PREFIX + name.removeprefix(catalog.PREFIX)
        if as_json:
            emit_text(dump_model(spec, "json")[0], nl=False)
        else:
            emit_text(catalog.text(name.removeprefix(catalog.PREFIX)), nl=False)
        return
    entries = catalog.entries()
    if as_json:
        emit_json({"schema_version": 1, "models": entries})
        return
    emit_text(render_catalog(entries))
