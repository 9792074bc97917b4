"""detente solver: what is computed from a model, and the command line.

One sub-package an area; data flows one way, model -> solver function ->
frozen result -> renderer:

* :mod:`solver.numeric` -- tolerances, exact linear algebra, pivoting
  tableaux, linear programming, polynomials and root isolation, BLAS limits.
* :mod:`solver.stage` -- normal-form games: Nash equilibria (enummixed,
  Lemke-Howson, pure), dominance, minmax, correlated equilibria,
  verification of a profile, one-call analysis.
* :mod:`solver.repeated` -- repeated games of automata under public
  monitoring: the joint chain, Markov values, equilibrium checks, escalation
  metrics, simulation, batch evaluation, and the discount-factor sets
  (:mod:`solver.repeated.delta_sets`).
* :mod:`solver.render` -- text tables and JSON layout of every result.
* :mod:`solver.cli` -- the ``detente`` command: the group and error mapping,
  shared options, one module per command family.

Conventions: functions take a model from :mod:`models` and return frozen
results with ``to_dict()``; ``exact=None`` means exact when every input is
rational.

The public API is importable from here:

>>> from solver import nash_equilibria
>>> from models import catalog
>>> len(nash_equilibria(catalog.load("battle-of-the-sexes")).equilibria)
3
"""

from solver.repeated.batch import evaluate_batch
from solver.repeated.binding import bind_profile
from solver.repeated.delta_sets import critical_deltas, delta_intervals
from solver.repeated.evaluation import evaluate, horizon_average
from solver.repeated.simulation import simulate_path, simulate_values
from solver.stage.analysis import analyze_game
from solver.stage.correlated import max_welfare_correlated
from solver.stage.dominance import iterated_dominance
from solver.stage.equilibria import nash_equilibria
from solver.stage.minmax import security_levels
from solver.stage.verify import verify_profile

__all__ = [
    "nash_equilibria",
    "analyze_game",
    "iterated_dominance",
    "security_levels",
    "max_welfare_correlated",
    "verify_profile",
    "evaluate",
    "horizon_average",
    "bind_profile",
    "delta_intervals",
    "critical_deltas",
    "simulate_path",
    "simulate_values",
    "evaluate_batch",
]
