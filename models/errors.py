"""Project errors.

Every error that bad input can cause is one of these classes.  Each renders
as a single line that names where the problem is (file, line, field) and
what is wrong, so the CLI can print it as-is.  Real bugs are not wrapped:
they keep their traceback.
"""

from __future__ import annotations

__all__ = ["DetenteError", "ModelError", "ParseError", "SolverError"]


class DetenteError(Exception):
    """Base class of every error that bad input or a hard problem can raise."""


class ModelError(DetenteError, ValueError):
    """A model is invalid: wrong shape, bad probability, unknown name, ...

    Parameters
    ----------
    message:
        What is wrong, in one sentence.
    field:
        Where in the model, as a dotted path such as ``payoffs.Row``.
    source:
        The file (or ``catalog:NAME``, ``<stdin>``) the model came from.
    line:
        1-based line number in ``source`` when known.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        source: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.source = source
        self.line = line
        super().__init__(message)

    def located(
        self, *, source: str | None = None, line: int | None = None
    ) -> ModelError:
        """Return a copy of this error with the source (and line) filled in."""
        return type(self)(
            self.message,
            field=self.field,
            source=self.source or source,
            line=self.line if self.line is not None else line,
        )

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(self.field)
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ParseError(ModelError):
    """A model file cannot be read: bad syntax, truncated, wrong format."""


class SolverError(DetenteError):
    """A computation cannot be done as asked (too large, unsupported, ...)."""
