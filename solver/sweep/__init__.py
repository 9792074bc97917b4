"""Sweeps: the figures of ``compare`` at every point of a grid or a quasi-random design, resumable.

* :mod:`solver.sweep.spec`: the axes, the design, the doctrines, the points (lazily) and the spec's hash;
* :mod:`solver.sweep.figures`: the table's columns (:data:`~solver.sweep.figures.COLUMNS`) and the rows of
  a chunk of points (:func:`~solver.sweep.figures.chunk_rows`);
* :mod:`solver.sweep.store`: the parts folder, the manifest, resuming, and the output written atomically;
* :mod:`solver.sweep.run`: the executors (this process, local processes, Dask) and the statistics.
"""
