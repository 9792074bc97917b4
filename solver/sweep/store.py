"""Where a sweep keeps its work: finished chunks beside the output, a manifest, and the output file.

Layout.  For ``--out results.csv`` the sweep works in the folder ``results.csv.parts/``:

* ``manifest.json``: the spec (canonical form) and its hash, the chunk size, the detente, numpy and
  scipy versions, how each ``:best`` doctrine was resolved, and the counts done and failed;
* ``chunk-00000012.csv``: the rows of chunk 12, exactly the bytes they take in the CSV output (no
  header); ``chunk-00000012.e3.csv`` when 3 of its rows are error rows;
* ``lock``: held (``flock``) while a sweep writes the folder.

A chunk is written to a temporary name in the folder, flushed to disk, then renamed: a chunk file is
complete or absent, whatever kills the process.  A rerun of the same command finds the chunks done and
computes the others; ``--retry-errors`` computes the chunks with error rows again.  A folder that holds a
different sweep (another spec hash or chunk size) is refused unless ``--restart`` clears it.

The output is assembled from the chunks in index order (a CSV header, then the chunks' bytes), written
to a temporary file beside it and renamed, so it is byte for byte the same however the chunks were
computed, in what order and across how many runs.  The final manifest (with the output's SHA-256) is
written beside it, ``results.csv.manifest.json``: it is how the results keep their spec, design, seed and
versions.  When no row is an error the parts folder is removed at the end; otherwise it is kept for
``--retry-errors``.  An existing output is replaced only with ``--force``, or when a manifest of this very
sweep records it as its output (the same SHA-256); the same command run again after a sweep has finished
finds it complete and does nothing.

Parquet (``--out results.parquet``, needs pyarrow): the same rows and columns, typed, one row group per
chunk.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from models.errors import ModelError, SolverError
from solver.sweep.spec import Spec

__all__ = ["Store", "format_cell", "rows_text", "MANIFEST_SCHEMA", "output_format"]

MANIFEST_SCHEMA = 1
MANIFEST = "manifest.json"
_CHUNK = re.compile(r"^chunk-(\d{8})(?:\.e(\d+))?\.csv$")


def format_cell(x: Any) -> str:
    """A cell of the CSV: floats by repr (they read back exactly), booleans ``true``/``false``, None empty.

    >>> [format_cell(x) for x in (0.1, 1 / 3, True, None, float("nan"), 7, "grim")]
    ['0.1', '0.3333333333333333', 'true', '', '', '7', 'grim']
    """
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return "" if x != x else repr(x)
    return str(x)


def rows_text(rows: Sequence[Sequence[Any]]) -> str:
    """The rows as CSV lines (``\\n`` ends every line)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for row in rows:
        w.writerow([format_cell(x) for x in row])
    return out.getvalue()


def output_format(path: str) -> str:
    """``parquet`` for a ``.parquet`` output, else ``csv``."""
    return "parquet" if path.lower().endswith(".parquet") else "csv"


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    import numpy
    import scipy

    try:
        detente = version("detente")
    except PackageNotFoundError:  # a source tree that is not installed
        detente = "unknown"
    return {"detente": detente, "numpy": numpy.__version__, "scipy": scipy.__version__,
            "python": ".".join(map(str, sys.version_info[:3]))}


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _cannot_write(path: str, exc: OSError) -> ModelError:
    return ModelError(f"{path}: cannot write: {exc.strerror or exc}")


def _write_atomic(path: str, data: bytes) -> None:
    """``data`` to ``path`` through a temporary file in the same folder and a rename."""
    folder = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise _cannot_write(path, exc) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class Store:
    """A sweep's parts folder and output (see the module docstring).  Use as a context manager.

    Raises
    ------
    ModelError
        On entering: the output exists (without ``force``), the parts folder holds another sweep (without
        ``restart``) or is not a sweep's, another sweep holds it, or a folder is missing.
    """

    def __init__(self, out: str, spec: Spec, *, force: bool = False, restart: bool = False,
                 retry_errors: bool = False, options: dict[str, Any] | None = None) -> None:
        self.out = out
        self.spec = spec
        self.format = output_format(out)
        self.parts = out + ".parts"
        self.beside = out + ".manifest.json"
        self.complete = False
        self.force = force
        self.restart = restart
        self.retry_errors = retry_errors
        self.options = options
        self.done: dict[int, int] = {}  # chunk -> its error rows
        self.damaged: list[int] = []  # chunks found cut short or damaged on resuming, computed again
        self.restarted = False
        self._lock: int | None = None
        self._manifest: dict[str, Any] = {}
        self._saved = 0.0

    # -- opening ----------------------------------------------------------------------------------------

    def __enter__(self) -> Store:
        self._check_output()
        if self.format == "parquet":
            _pyarrow()
        previous = self._read_manifest()
        if previous is not None and not self._same_sweep(previous):
            if not self.restart:
                raise ModelError(f"{self.parts} holds a different sweep ({self._difference(previous)}); rerun "
                                 "its own command to finish it, give --restart to start this one over, or choose "
                                 "another --out", field="--out")
            self._clear()
            self.restarted = True
            previous = None
        beside = self._read_beside()
        if previous is None and not self.force and beside is not None and self._same_sweep(beside) \
                and self._is_output(beside):
            self.complete = True  # this very command ran to the end before: nothing to do
            self._manifest = beside
            return self
        self._check_overwrite(previous, beside)
        try:
            os.makedirs(self.parts, exist_ok=True)
        except OSError as exc:
            raise ModelError(f"{self.parts}: cannot create the parts folder: {exc.strerror or exc}") from None
        self._take_lock()
        self._scan()
        self._manifest = previous or {}
        self._save_manifest(force=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
            if exc and exc[0] is not None and not self.done:
                self._clear()  # failed before any chunk was done: leave nothing behind

    def _check_output(self) -> None:
        if self.out in ("", "-"):
            raise ModelError("give a file name (the sweep writes a file, and its parts folder beside it)",
                             field="--out")
        folder = os.path.dirname(os.path.abspath(self.out))
        if not os.path.isdir(folder):
            raise ModelError(f"{self.out}: folder {folder} does not exist", field="--out")
        if os.path.isdir(self.out):
            raise ModelError(f"{self.out}: is a folder; give a file name", field="--out")
        if os.path.exists(self.parts) and not os.path.isdir(self.parts):
            raise ModelError(f"{self.parts} exists and is not a folder", field="--out")

    def _read_manifest(self) -> dict[str, Any] | None:
        if not os.path.isdir(self.parts):
            return None
        path = os.path.join(self.parts, MANIFEST)
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
        except FileNotFoundError:
            if not os.listdir(self.parts):
                return None
            raise ModelError(f"{self.parts} exists and is not a detente sweep's parts folder (no {MANIFEST}); "
                             "remove it or choose another --out", field="--out") from None
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read the manifest ({exc}); remove {self.parts} to start over (it is "
                             "not cleared without a manifest that says it is a sweep's)") from None
        if not isinstance(doc, dict) or doc.get("schema_version") != MANIFEST_SCHEMA:
            raise ModelError(f"{path}: not a manifest this detente writes; remove {self.parts} to start over (it is "
                             "not cleared without a manifest that says it is a sweep's)")
        return doc

    def _same_sweep(self, doc: dict[str, Any]) -> bool:
        return doc.get("spec_hash") == self.spec.hash and doc.get("chunk_size") == self.spec.chunk_size

    def _difference(self, doc: dict[str, Any]) -> str:
        if doc.get("spec_hash") != self.spec.hash:
            return f"spec {str(doc.get('spec_hash'))[:12]}, this command's is {self.spec.hash[:12]}"
        return f"chunks of {doc.get('chunk_size')} points, this command's are of {self.spec.chunk_size}"

    def _clear(self) -> None:
        """Remove what a sweep wrote in the parts folder (only that), and the folder when it is empty."""
        for name in os.listdir(self.parts):
            if name in (MANIFEST, "lock") or _CHUNK.match(name) or name.startswith(".tmp-"):
                os.unlink(os.path.join(self.parts, name))
        with contextlib.suppress(OSError):
            os.rmdir(self.parts)

    def _read_beside(self) -> dict[str, Any] | None:
        """The manifest a finished sweep left beside its output (``results.csv.manifest.json``), if it is one."""
        try:
            with open(self.beside, encoding="utf-8") as fh:
                doc = json.load(fh)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            doc = None
        if not isinstance(doc, dict) or doc.get("schema_version") != MANIFEST_SCHEMA or "spec_hash" not in doc:
            if not self.force:
                raise ModelError(f"{self.beside}: already exists and is not a sweep's manifest; use --force to "
                                 "replace it", field="--out")
            return None
        return doc

    def _is_output(self, doc: dict[str, Any]) -> bool:
        """Whether the output file is the one the manifest ``doc`` records (same SHA-256)."""
        record = doc.get("output") or {}
        return bool(record.get("sha256")) and os.path.isfile(self.out) and record["sha256"] == _sha256(self.out)

    def _check_overwrite(self, previous: dict[str, Any] | None, beside: dict[str, Any] | None) -> None:
        if not os.path.lexists(self.out) or self.force:
            return
        for doc in (previous, beside):
            if doc is not None and self._same_sweep(doc) and self._is_output(doc):
                return  # the output this very sweep wrote: resuming or retrying may replace it
        raise ModelError(f"{self.out}: already exists; use --force to replace it", field="--out")

    def _take_lock(self) -> None:
        path = os.path.join(self.parts, "lock")
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            self._lock = fd
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise ModelError(f"another detente sweep is writing {self.parts}; wait for it, or stop it",
                                 field="--out") from None
            raise
        self._lock = fd

    def _scan(self) -> None:
        """The chunks done; leftovers of a killed run (temporary files, a chunk written twice) go."""
        found: dict[int, list[tuple[str, int]]] = {}
        for name in os.listdir(self.parts):
            if name.startswith(".tmp-"):
                os.unlink(os.path.join(self.parts, name))
                continue
            m = _CHUNK.match(name)
            if m is None:
                continue
            k = int(m.group(1))
            found.setdefault(k, []).append((name, int(m.group(2) or 0)))
        for k, files in found.items():
            if len(files) > 1 or k >= self.spec.n_chunks:  # killed between two renames of --retry-errors
                for name, _ in files:
                    os.unlink(os.path.join(self.parts, name))
                continue
            name, errors = files[0]
            if not self._intact(k, os.path.join(self.parts, name), errors):
                os.unlink(os.path.join(self.parts, name))  # truncated or damaged: computed again
                self.damaged.append(k)
                continue
            self.done[k] = errors

    def _intact(self, k: int, path: str, errors: int) -> bool:
        """Whether chunk ``k``'s file holds exactly its rows: one per point and doctrine, in order, each with every
        column, the number of error rows its name says, and a final newline (a chunk cut short or with bytes
        added is not trusted)."""
        from solver.sweep.figures import columns

        width = len(columns(self.spec))
        points = self.spec.chunk(k)
        per = len(self.spec.doctrines)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        except (OSError, UnicodeDecodeError, csv.Error):
            return False
        if not data.endswith(b"\n") or len(rows) != len(points) * per:
            return False
        for j, row in enumerate(rows):
            if len(row) != width or row[0] != str(points[j // per]):
                return False
        return sum(1 for row in rows if row[-1]) == errors

    def set_spec(self, spec: Spec) -> None:
        """The same sweep with its ``:best`` doctrines resolved; refused when the stored chunks played others."""
        if spec.hash != self.spec.hash:
            raise ValueError("set_spec takes the same sweep")
        before = {d.get("doctrine"): d.get("played") for d in self._manifest.get("doctrines", [])}
        for d in spec.doctrines:
            was = before.get(d.label)
            if self.done and was is not None and d.played is not None and was != d.played:
                raise ModelError(f"{self.parts} holds a sweep where {d.label} played {was}; now it is tuned to "
                                 f"{d.played} (another detente version?); give --restart to start over",
                                 field="--out")
        self.spec = spec
        self._save_manifest(force=True)

    # -- chunks -----------------------------------------------------------------------------------------

    def pending(self) -> list[int]:
        """The chunks to compute, in order: those not done, and with ``retry_errors`` those with error rows."""
        return [k for k in range(self.spec.n_chunks) if k not in self.done
                or (self.retry_errors and self.done[k] > 0)]

    def _chunk_path(self, k: int, errors: int) -> str:
        return os.path.join(self.parts, f"chunk-{k:08d}" + (f".e{errors}" if errors else "") + ".csv")

    def write_chunk(self, k: int, text: str, errors: int) -> None:
        """Store chunk ``k``'s rows (temporary file, then rename)."""
        path = self._chunk_path(k, errors)
        _write_atomic(path, text.encode("utf-8"))
        old = self.done.get(k)
        if old is not None and old != errors:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._chunk_path(k, old))
        self.done[k] = errors
        self._save_manifest()

    @property
    def error_rows(self) -> int:
        return sum(self.done.values())

    @property
    def points_done(self) -> int:
        return sum(len(self.spec.chunk(k)) for k in self.done)

    def _save_manifest(self, force: bool = False, output: dict[str, Any] | None = None) -> None:
        now = time.monotonic()
        if not force and now - self._saved < 2.0:
            return  # the counts are also in the chunk files' names: the manifest need not follow every one
        self._saved = now
        spec = self.spec
        doc = dict(self._manifest)
        doc.update({
            "schema_version": MANIFEST_SCHEMA,
            "spec_hash": spec.hash,
            "spec": spec.canonical(),
            "grid": [a.text() for a in spec.axes],
            "design": None if spec.design is None else spec.design.canonical(),
            "chunk_size": spec.chunk_size,
            "points": spec.n_points,
            "chunks": spec.n_chunks,
            "doctrines": [{"doctrine": d.label, "family": d.family, "played": d.played,
                           "tuned": "at every point (--tune-best)" if d.played is None
                           else ("once, at the scenario's values" if d.entry.tuned else None)}
                          for d in spec.doctrines],
            "versions": _versions(),
            "options": self.options if self.options is not None else doc.get("options", {}),
            "counts": {"chunks_done": len(self.done), "points_done": self.points_done,
                       "rows_done": self.points_done * len(spec.doctrines), "rows_failed": self.error_rows},
            "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        })
        doc.setdefault("created", doc["updated"])
        if output is not None:
            doc["output"] = output
        self._manifest = doc
        _write_atomic(os.path.join(self.parts, MANIFEST),
                      (json.dumps(doc, indent=2, sort_keys=False) + "\n").encode("utf-8"))

    # -- the output -------------------------------------------------------------------------------------

    def chunk_files(self) -> Iterator[str]:
        for k in range(self.spec.n_chunks):
            if k not in self.done:
                raise SolverError(f"chunk {k} of {self.spec.n_chunks} is missing; rerun the command to compute it")
            yield self._chunk_path(k, self.done[k])

    def finish(self, header: Sequence[str], types: Sequence[str]) -> bool:
        """Assemble the output from the chunks; remove the parts folder when no row is an error.

        Returns whether the parts folder was kept.
        """
        target = os.path.realpath(self.out)
        folder = os.path.dirname(target)
        try:
            st: os.stat_result | None = os.stat(target)
        except FileNotFoundError:
            st = None
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise ModelError(f"{self.out}: is not a regular file; detente replaces regular files only", field="--out")
        mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
        try:
            fd, tmp = tempfile.mkstemp(prefix=".detente-", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise _cannot_write(self.out, exc) from None
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), mode)
                if self.format == "parquet":
                    _write_parquet(fh, list(header), list(types), self.chunk_files())
                else:
                    fh.write(rows_text([header]).encode("utf-8"))
                    for path in self.chunk_files():
                        with open(path, "rb") as part:
                            shutil.copyfileobj(part, fh, 1 << 20)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            _fsync_dir(folder)
        except OSError as exc:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise _cannot_write(self.out, exc) from None
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._save_manifest(force=True, output={"path": self.out, "format": self.format, "sha256": _sha256(target),
                                                "bytes": os.path.getsize(target)})
        _write_atomic(self.beside, (json.dumps(self._manifest, indent=2) + "\n").encode("utf-8"))
        if self.error_rows:
            return True
        self.__exit__()
        self._clear()
        return False


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise SolverError("a .parquet --out needs pyarrow: pip install 'detente[parquet]' (or write .csv)") from None
    return pyarrow


def _write_parquet(fh: IO[bytes], header: list[str], types: list[str], paths: Iterator[str]) -> None:
    pa = _pyarrow()
    import pyarrow.parquet as pq

    kinds = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
    schema = pa.schema([(name, kinds[kind]) for name, kind in zip(header, types)])
    convert: dict[str, Callable[[str], Any]] = {"int": int, "float": float, "bool": lambda s: s == "true",
                                                "str": str}
    writer = pq.ParquetWriter(fh, schema)
    try:
        for path in paths:
            with open(path, encoding="utf-8", newline="") as part:
                rows = list(csv.reader(part))
            cols = []
            for j, kind in enumerate(types):
                f = convert[kind]
                cols.append([(f(r[j]) if r[j] != "" or kind == "str" else None) for r in rows])
            writer.write_table(pa.Table.from_arrays([pa.array(c, type=schema.field(j).type)
                                                     for j, c in enumerate(cols)], schema=schema))
    finally:
        writer.close()
