"""detente models: what a game is (data, validation, file formats).

This package never imports :mod:`solver`.
"""

from .errors import DetenteError, ModelError, ParseError, SolverError
from .numbers import Number, format_number, parse_number, to_exact
from .stage import StageGame

__all__ = [
    "DetenteError",
    "ModelError",
    "ParseError",
    "SolverError",
    "Number",
    "format_number",
    "parse_number",
    "to_exact",
    "StageGame",
]
