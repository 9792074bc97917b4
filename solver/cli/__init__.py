"""The ``detente`` command line: the group and error mapping (:mod:`.app`), shared options
(:mod:`.options`), and one module per command family (:mod:`.stage`, :mod:`.repeated`)."""

from solver.cli.app import main

__all__ = ["main"]
