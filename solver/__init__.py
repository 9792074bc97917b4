"""detente solver: what is computed from a model, and the command line.

Modules, one idea each:

* :mod:`solver.nash` -- Nash equilibria front end (``nash_equilibria``);
  :mod:`solver.enumeration` (all extreme equilibria), :mod:`solver.lemke_howson`,
  :mod:`solver.pure`, built on the exact pivoting of :mod:`solver.tableau`.
* :mod:`solver.dominance`, :mod:`solver.security` (maxmin, minmax, zero-sum value),
  :mod:`solver.correlated`, :mod:`solver.verify`, :mod:`solver.analysis`.
* :mod:`solver.lp` -- exact rational simplex and HiGHS float path.
* :mod:`solver.cli` and :mod:`solver.render` -- the ``detente`` command and its tables.

Conventions: functions take a model from :mod:`models` and return frozen
results with ``to_dict()``; ``exact=None`` means exact when every input is
rational; floats use the one tolerance :data:`solver.tableau.TOL`.
"""
