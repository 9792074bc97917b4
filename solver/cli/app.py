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
from typing import Any

import click

from models.errors import DetenteError
from solver.cli import repeated as repeated_commands
from solver.cli import stage as stage_commands

__all__ = ["main", "CommandError", "DetenteGroup"]


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


@click.group(cls=DetenteGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="detente", prog_name="detente")
def main() -> None:
    """detente: repeated cyber games under uncertain attribution, and exact equilibria of
    normal-form games.

    A MODEL is a file (.toml, .nfg, .json), a built-in model catalog:NAME
    (see `detente catalog`), or - for standard input.
    """


for _command in (stage_commands.solve, stage_commands.analyze, stage_commands.verify, stage_commands.convert,
                 stage_commands.catalog_cmd, repeated_commands.repeated, repeated_commands.deltas,
                 repeated_commands.simulate, repeated_commands.doctrines):
    main.add_command(_command)
