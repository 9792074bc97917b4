"""The ``detente`` command line.

Each command parses its arguments, calls one solver function and renders
the result: a readable table on stdout, or one JSON document with
``--json``.  Notes and progress go to stderr.

Exit codes: 0 success; 1 bad input or a failed computation, or output
that cannot be written; 2 usage error (an unknown
option, a missing argument, an option value that is wrong on its own such
as ``--delta 1``); 3 ``verify`` ran and the profile is not an equilibrium;
130 interrupted (Ctrl-C).  Every error is one line on stderr,
``detente: error: ...``.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from models.errors import DetenteError
from solver.cli import compare as compare_commands
from solver.cli import meta as meta_commands
from solver.cli import repeated as repeated_commands
from solver.cli import stage as stage_commands
from solver.cli import sweep as sweep_commands
from solver.numeric.blas import blas_threads

__all__ = ["main", "CommandError", "UsageError", "DetenteGroup", "EXIT_INTERRUPTED"]

#: Exit code after Ctrl-C, as a shell reports a process killed by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130
#: Write errors that say the output has no room: never a bug of detente, so one line, not a traceback.
_NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


class CommandError(click.ClickException):
    """A bad input or failed computation: one line on stderr, exit code 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        message = " ".join(self.format_message().split())
        click.echo(f"detente: error: {message}", err=True)


def _discard_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail a second time."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (e.g. click's test runner)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


class UsageError(click.UsageError):
    """A usage error as one line on stderr, exit code 2: ``detente: error: --delta: ...``."""

    def show(self, file: Any = None) -> None:
        click.echo(f"detente: error: {' '.join(self.format_message().split())}", err=True)


def _one_line(exc: click.UsageError) -> UsageError:
    """Click's usage error (usage, hint, then the message) as one line that names the option."""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter) and exc.param is not None:
        name = exc.param.opts[0] if isinstance(exc.param, click.Option) else exc.param.human_readable_name
        return UsageError(f"{name}: {exc.message.rstrip('.')}")
    command = "detente"
    if exc.ctx is not None and exc.ctx.parent is not None:
        command += f" {exc.ctx.info_name}"
    return UsageError(f"{exc.format_message().rstrip('.')} (see `{command} --help`)")


class DetenteGroup(click.Group):
    """Turns every project error into a :class:`CommandError`, and every usage error into one line, in one place."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except (UsageError, click.exceptions.NoArgsIsHelpError):
            raise  # bare `detente` prints the help, as click does
        except click.UsageError as exc:  # an unknown option of the group itself
            raise _one_line(exc) from None
        except OSError as exc:  # `detente --help > /dev/full`
            raise _output_error(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            # the solvers work on small dense matrices, where BLAS threads only contend (solver.numeric.blas)
            with blas_threads(1):
                return super().invoke(ctx)
        except DetenteError as exc:
            raise CommandError(str(exc)) from None
        except UsageError:
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None
        except MemoryError:
            raise CommandError("out of memory: the model is too large for this machine (for a repeated game, "
                               "fewer automaton states, players or periods of delay help)") from None
        except KeyboardInterrupt:
            click.echo("\ndetente: interrupted", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            _discard_stdout()  # e.g. `detente catalog | head`: nothing more to say
            raise SystemExit(1) from None
        except OSError as exc:
            raise _output_error(exc) from None


def _output_error(exc: OSError) -> CommandError:
    """A full disk (or quota) while writing: one line; any other OSError is a bug and keeps its traceback."""
    if exc.errno not in _NO_ROOM:
        raise exc
    _discard_stdout()
    where = exc.filename or "the output"
    return CommandError(f"cannot write {where}: {exc.strerror or os.strerror(exc.errno)}")


@click.group(cls=DetenteGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="detente", prog_name="detente")
def main() -> None:
    """detente: repeated cyber games under uncertain attribution, and exact equilibria of
    normal-form games.

    A MODEL is a file (.toml, .nfg, .json), a built-in model catalog:NAME
    (see `detente catalog`), or - for standard input.  Commands with an
    optional MODEL read standard input when it is piped in.
    """


for _command in (stage_commands.solve, stage_commands.analyze, stage_commands.verify, stage_commands.convert,
                 stage_commands.catalog_cmd, repeated_commands.repeated, repeated_commands.deltas,
                 repeated_commands.simulate, repeated_commands.doctrines, compare_commands.compare,
                 compare_commands.intervals, meta_commands.metagame, sweep_commands.sweep):
    main.add_command(_command)
