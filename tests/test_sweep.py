"""``detente sweep``: exact grids, lazy points, rows equal to compare's, resume after SIGKILL, executors, the store."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from models.errors import SolverError
from models.loader import load_scenario
from solver.cli.app import main
from solver.compare import table as compare_table
from solver.compare.best import resolve_best
from solver.sweep import figures
from solver.sweep.figures import COLUMNS, columns
from solver.sweep.spec import build_spec, parse_design, parse_grid

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = """\
[scenario]
title = "Two doctrines"
deterrence = ["grim"]
norms = ["wsls"]
"""
FOUR = """\
[scenario]
title = "Four doctrines"
deterrence = ["grim", "tit-for-tat"]
norms = ["wsls", "consult+channel+audit"]
"""
#: The sweep the executors and the resumed run are checked against: 102 points, 51 chunks.
GRID = ["--grid", "detection=0.5:1:0.01", "--grid", "false_flag=0,0.1", "--chunk-size", "2"]


def run(*args: str):
    res = CliRunner().invoke(main, ["sweep", *args])
    assert "Traceback" not in res.output + res.stderr, res.stderr
    return res


def one_error_line(res) -> str:
    lines = res.stderr.strip().splitlines()
    assert res.exit_code != 0 and lines and lines[-1].startswith("detente: error: "), res.stderr
    assert not [x for x in lines if x.startswith("detente: error") and x is not lines[-1]]
    return lines[-1]


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    (d / "two.toml").write_text(SCENARIO)
    (d / "four.toml").write_text(FOUR)
    return d


@pytest.fixture(scope="module")
def reference(files) -> bytes:
    """The uninterrupted single-process run of GRID."""
    out = files / "reference.csv"
    res = run(str(files / "two.toml"), *GRID, "--out", str(out), "--jobs", "1")
    assert res.exit_code == 0, res.stderr
    return out.read_bytes()


# --- axes and points ---------------------------------------------------------------------------------


def test_a_grid_is_exact_decimals():
    axis = parse_grid("detection=0:1:0.1")
    assert len(axis) == 11 and axis.value(6) == Fraction(3, 5) and axis.value(10) == 1
    assert len(parse_grid("gain=1:2:0.3")) == 4  # 1, 1.3, 1.6, 1.9: 2 is not on the grid
    assert parse_grid("delta=0.9,99/100").values == (Fraction(9, 10), Fraction(99, 100))
    assert parse_grid("'State B.gain=1:3:1'".strip("'")).name == "State B.gain"


def test_the_csv_writes_the_decimals_as_written(files, tmp_path):
    out = tmp_path / "r.csv"
    res = run(str(files / "two.toml"), "--grid", "detection=0.3:1:0.1", "--out", str(out), "-j", "1")
    assert res.exit_code == 0, res.stderr
    assert [r["detection"] for r in read_rows(out)[::2]] == ["0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"]


def test_a_million_point_grid_yields_its_first_chunk_without_the_grid(files):
    scenario = load_scenario(str(files / "two.toml"))
    axes = [parse_grid("detection=0:0.999:0.001"), parse_grid("false_flag=0:0.999:0.001")]
    tracemalloc.start()
    spec = build_spec(scenario, axes)
    first = list(spec.points(spec.chunk(0)))
    last = list(spec.points(spec.chunk(spec.n_chunks - 1)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert spec.n_points == 10**6 and spec.n_chunks == 1000 and len(first) == 1000
    assert peak < 5_000_000  # a materialised grid of 10^6 points would take hundreds of MB
    # mixed radix, last axis fastest: index 1000 a + b is (a / 1000, b / 1000)
    assert first[999].values == (Fraction(0), Fraction(999, 1000))
    assert last[-1].index == 10**6 - 1 and last[-1].values == (Fraction(999, 1000), Fraction(999, 1000))
    (p,) = spec.points(range(123456, 123457))
    assert p.values == (Fraction(123, 1000), Fraction(456, 1000))
    assert len({q.id for q in first}) == 1000


BAD = [
    (["--grid", "detection"], "--grid"),
    (["--grid", "detection=0:1:0"], "--grid detection"),
    (["--grid", "detection=1:0:0.1"], "--grid detection"),
    (["--grid", "detection=0:1"], "--grid detection"),
    (["--grid", "detection=0,x"], "--grid detection"),
    (["--grid", "delay=0:2:0.5"], "--grid delay"),
    (["--grid", "detectoin=0:1:0.5"], "--grid detectoin"),
    (["--grid", "detection=0.5:1.5:0.5"], "--grid detection"),
    (["--grid", "delta=0.9:1:0.05"], "--grid delta"),
    (["--grid", "cost=-1:1:1"], "--grid cost"),
    (["--grid", "detection=0:1:0.5", "--grid", "detection=0,1"], "--grid detection"),
    (["--grid", "detection=0:1:0.5", "--seed", "3"], "--seed"),
    (["--grid", "detection=0:1:0.5", "--design", "sobol:8"], "--grid detection"),
    (["--grid", "detection=0:1", "--design", "halton:8"], "--design"),
    (["--grid", "detection=0:1", "--design", "sobol:0"], "--design"),
    (["--grid", "detection=0:1:0.5", "--scheduler", "nowhere"], "--scheduler"),
    (["--grid", "detection=0:1:0.5", "--jobs", "0"], "--jobs"),
]


@pytest.mark.parametrize("args,option", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_naming_the_option(files, tmp_path, args, option):
    res = run(str(files / "two.toml"), *args, "--out", str(tmp_path / "r.csv"))
    line = one_error_line(res)
    assert option in line, line
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "r.csv.parts").exists()


def test_the_out_option_is_checked(files, tmp_path):
    line = one_error_line(run(str(files / "two.toml"), "--grid", "detection=0,1", "--out",
                              str(tmp_path / "missing" / "r.csv")))
    assert "--out" in line and "does not exist" in line


# --- the rows ----------------------------------------------------------------------------------------


def test_every_figure_equals_compare_at_the_point(files, tmp_path, monkeypatch):
    out = tmp_path / "r.csv"
    res = run(str(files / "four.toml"), "--grid", "detection=0.6,0.9", "--grid", "delta=0.85,0.95", "--out",
              str(out), "-j", "1")
    assert res.exit_code == 0, res.stderr
    rows = read_rows(out)
    assert len(rows) == 4 * 4 and list(rows[0]) == [n for n, _ in columns_of(files / "four.toml", 2)]
    # compare's detection threshold is not a figure of the sweep, and costs most of compare's time
    monkeypatch.setattr(compare_table, "parameter_intervals", lambda *a, **k: None)
    scenario = load_scenario(str(files / "four.toml"))
    for k in (0, 1, 3):
        point = {"detection": Fraction(rows[4 * k]["detection"]), "delta": Fraction(rows[4 * k]["delta"])}
        expected = compare_table.compare(scenario.with_values(point), exact=False)
        got = rows[4 * k:4 * k + 4]
        for row, r in zip(got, expected.rows):
            m = r.result.metrics
            assert (row["doctrine"], row["family"], row["played"]) == (r.label, r.family, r.doctrine)
            assert row["levers"] == "+".join(r.levers) and row["error"] == ""
            figures_ = [float(row[f"value:{p}"]) for p in scenario.players] + [
                float(row[c]) for c in ("welfare", "conflict_share", "p_permanent_conflict",
                                        "innocent_punishments_per_100", "max_gain")]
            truth = [float(v) for v in r.result.values] + [float(x) for x in (
                r.welfare, m.attack_share_long_run, m.p_permanent_conflict, m.innocent_punishments_per_100,
                r.max_gain)]
            assert figures_ == pytest.approx(truth, rel=1e-9, abs=1e-12)
            spiral = m.mean_conflict_length
            assert (row["spiral_length"] == "") == (spiral is None)
            if spiral is not None:
                assert float(row["spiral_length"]) == pytest.approx(float(spiral), rel=1e-9)
            assert (row["ppe"], row["nash"]) == (str(r.ppe).lower(), str(r.result.equilibrium.nash).lower())
    assert {r["ppe"] for r in rows} == {"true", "false"}  # both verdicts occur: the check is not vacuous


def columns_of(path: Path, n_axes: int):
    scenario = load_scenario(str(path))
    axes = [parse_grid("detection=0,1"), parse_grid("delta=0.5,0.9")][:n_axes]
    return columns(build_spec(scenario, axes))


def test_the_columns_are_defined_once_with_types_and_meanings():
    names = [n for n, _, _ in COLUMNS]
    assert len(set(names)) == len(names) and all(t in ("int", "float", "bool", "str") for _, t, _ in COLUMNS)
    assert all(meaning for _, _, meaning in COLUMNS)
    for required in ("point_id", "doctrine", "family", "played", "levers", "welfare", "conflict_share",
                     "spiral_length", "p_permanent_conflict", "innocent_punishments_per_100", "ppe", "nash",
                     "max_gain", "error"):
        assert required in names


def test_best_is_tuned_once_unless_asked_at_every_point(files, tmp_path):
    path = tmp_path / "best.toml"
    path.write_text('[scenario]\ndeterrence = []\nnorms = ["generous:best"]\n')
    scenario = load_scenario(str(path))
    entry = scenario.norms[0]
    once = tmp_path / "once.csv"
    res = run(str(path), "--grid", "detection=0.6,0.9", "--out", str(once), "-j", "1")
    assert res.exit_code == 0, res.stderr
    assert "generous:best is tuned once, at the scenario's values" in res.stderr
    base = resolve_best(scenario, entry).doctrine
    assert [r["played"] for r in read_rows(once)] == [base, base]
    manifest = json.loads((tmp_path / "once.csv.manifest.json").read_text())
    assert manifest["doctrines"][0]["played"] == base
    each = tmp_path / "each.csv"
    assert run(str(path), "--grid", "detection=0.6,0.9", "--out", str(each), "-j", "1", "--tune-best").exit_code == 0
    played = [r["played"] for r in read_rows(each)]
    assert played == [resolve_best(scenario.with_values({"detection": Fraction(d, 10)}), entry).doctrine
                      for d in (6, 9)]
    assert played[0] != played[1]  # the tuned parameter moves with the detection rate


def test_a_failing_point_is_a_row_and_retry_errors_computes_it_again(files, tmp_path, monkeypatch):
    args = [str(files / "two.toml"), "--grid", "detection=0.5,0.7,0.9", "--chunk-size", "1", "-j", "1"]
    clean = tmp_path / "clean.csv"
    assert run(*args, "--out", str(clean)).exit_code == 0
    real = figures.batch_figures

    def failing(models, seats, deltas, **kw):  # one point per call: --chunk-size 1
        if any(float(m.monitoring.detection) == 0.7 for m in models) and seats[0] == "wsls":
            raise SolverError("the solve failed here")
        return real(models, seats, deltas, **kw)

    monkeypatch.setattr(figures, "batch_figures", failing)
    out = tmp_path / "r.csv"
    res = run(*args, "--out", str(out))
    assert res.exit_code == 0, res.stderr
    assert "1 errors" in res.stderr and "--retry-errors" in res.stderr
    rows = read_rows(out)
    bad = [r for r in rows if r["error"]]
    assert len(rows) == 6 and len(bad) == 1
    assert bad[0]["doctrine"] == "wsls" and bad[0]["detection"] == "0.7" and bad[0]["error"] == "the solve failed here"
    assert bad[0]["welfare"] == bad[0]["ppe"] == bad[0]["value:State A"] == ""
    assert [r for r in rows if not r["error"]] == [r for i, r in enumerate(read_rows(clean)) if i != 3]
    assert json.loads((tmp_path / "r.csv.parts" / "manifest.json").read_text())["counts"]["rows_failed"] == 1
    monkeypatch.setattr(figures, "batch_figures", real)
    res = run(*args, "--out", str(out))  # without --retry-errors: nothing to compute, the same file
    assert res.exit_code == 0 and "nothing to compute" in res.stderr and "1 errors" in res.stderr
    res = run(*args, "--out", str(out), "--retry-errors")  # its own output: no --force needed
    assert res.exit_code == 0, res.stderr
    assert "0 errors" in res.stderr and "(2 resumed)" in res.stderr
    assert out.read_bytes() == clean.read_bytes()
    assert not (tmp_path / "r.csv.parts").exists()


# --- the store ---------------------------------------------------------------------------------------


def test_an_existing_output_needs_force(files, tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("mine\n")
    args = [str(files / "two.toml"), "--grid", "detection=0.5,0.9", "--out", str(out), "-j", "1"]
    line = one_error_line(run(*args))
    assert line == f"detente: error: --out: {out}: already exists; use --force to replace it"
    assert out.read_text() == "mine\n" and not (tmp_path / "r.csv.parts").exists()
    assert run(*args, "--force").exit_code == 0
    written = out.read_bytes()
    assert written.startswith(b"point,point_id,detection,doctrine,")
    stamp = out.stat().st_mtime_ns
    res = run(*args)  # the same command again: complete, untouched
    assert res.exit_code == 0 and "is complete" in res.stderr and out.stat().st_mtime_ns == stamp
    out.write_text("edited\n")  # the user changed it: no longer the sweep's own output
    assert "already exists" in one_error_line(run(*args))


def test_a_changed_spec_is_refused_unless_restart(files, tmp_path, monkeypatch):
    out = tmp_path / "r.csv"
    parts = tmp_path / "r.csv.parts"
    args = [str(files / "two.toml"), "--grid", "detection=0.5,0.9", "--out", str(out), "-j", "1", "--chunk-size", "1"]

    def failing(*args, **kwargs):
        raise SolverError("no")

    monkeypatch.setattr(figures, "batch_figures", failing)
    assert run(*args).exit_code == 0 and parts.is_dir()  # error rows: the parts are kept
    monkeypatch.undo()
    changed = [str(files / "two.toml"), "--grid", "detection=0.5,0.8", "--out", str(out), "-j", "1", "--chunk-size",
               "1"]
    line = one_error_line(run(*changed))
    assert "holds a different sweep" in line and "--restart" in line
    assert sorted(p.name for p in parts.iterdir()) == ["chunk-00000000.e2.csv", "chunk-00000001.e2.csv", "lock",
                                                       "manifest.json"]
    line = one_error_line(run(*changed, "--set", "gain=3"))  # a scenario value is part of the spec too
    assert "holds a different sweep" in line
    res = run(*changed, "--restart", "--force")
    assert res.exit_code == 0, res.stderr
    assert {r["detection"] for r in read_rows(out)} == {"0.5", "0.8"} and not parts.exists()


def test_a_folder_that_is_not_a_sweep_is_left_alone(files, tmp_path):
    parts = tmp_path / "r.csv.parts"
    parts.mkdir()
    (parts / "notes.txt").write_text("mine")
    line = one_error_line(run(str(files / "two.toml"), "--grid", "detection=0,1", "--out", str(tmp_path / "r.csv"),
                              "--restart"))
    assert "not a detente sweep's parts folder" in line and (parts / "notes.txt").read_text() == "mine"


def test_resume_after_sigkill_gives_the_same_bytes(files, tmp_path, reference):
    out = tmp_path / "r.csv"
    parts = tmp_path / "r.csv.parts"
    cmd = [sys.executable, "-m", "solver", "sweep", str(files / "two.toml"), *GRID, "--out", str(out), "-j", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if parts.is_dir() and len([p for p in parts.iterdir() if p.name.startswith("chunk-")]) >= 5:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the sweep ended before it could be killed: give it a larger grid"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    done = [p.name for p in parts.iterdir() if p.name.startswith("chunk-")]
    assert 5 <= len(done) < 51 and not out.exists()
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stderr
    assert f"resuming: {len(done)} of 51 chunks are done" in res.stderr
    assert f"({2 * len(done)} resumed)" in res.stderr
    assert out.read_bytes() == reference
    assert not parts.exists()


@pytest.mark.parametrize("executor", [["--jobs", "2"], ["--scheduler", "local", "--jobs", "2"]],
                         ids=["processes", "dask-local"])
def test_every_executor_writes_the_same_file(files, tmp_path, reference, executor):
    if "--scheduler" in executor:
        pytest.importorskip("distributed")
    out = tmp_path / "r.csv"
    res = run(str(files / "two.toml"), *GRID, "--out", str(out), *executor)
    assert res.exit_code == 0, res.stderr
    assert out.read_bytes() == reference
    rows = read_rows(out)
    assert len(rows) == 204 and [int(r["point"]) for r in rows[::2]] == list(range(102))
    line = res.stderr.strip().splitlines()[-1]
    assert line.startswith("detente: sweep: 102 points x 2 doctrines, 0 errors, ") and "points/s; wrote" in line


def test_a_missing_extra_says_which_to_install(files, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    line = one_error_line(run(str(files / "two.toml"), "--grid", "detection=0,1", "--out", str(tmp_path / "r.csv"),
                              "--scheduler", "local"))
    assert "pip install 'detente[distributed]'" in line
    line = one_error_line(run(str(files / "two.toml"), "--grid", "detection=0,1", "--out",
                              str(tmp_path / "r.parquet")))
    assert "pip install 'detente[parquet]'" in line and not (tmp_path / "r.parquet.parts").exists()


def test_parquet_holds_the_same_typed_rows(files, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    args = [str(files / "two.toml"), "--grid", "detection=0.5,1", "--grid", "delay=0,1", "-j", "1"]
    assert run(*args, "--out", str(tmp_path / "r.csv")).exit_code == 0
    assert run(*args, "--out", str(tmp_path / "r.parquet")).exit_code == 0
    table = pq.read_table(tmp_path / "r.parquet")
    assert str(table.schema.field("delay").type) == "int64" and str(table.schema.field("ppe").type) == "bool"
    rows = read_rows(tmp_path / "r.csv")
    got = table.to_pylist()
    assert len(got) == len(rows) == 8
    for a, b in zip(got, rows):
        assert a["delay"] == int(b["delay"]) and a["ppe"] == (b["ppe"] == "true")
        assert a["welfare"] == float(b["welfare"]) and a["error"] == b["error"]
        assert (a["spiral_length"] is None) == (b["spiral_length"] == "")


# --- designs -----------------------------------------------------------------------------------------


def test_a_design_is_reproducible_from_its_seed(files, tmp_path):
    from scipy.stats import qmc

    base = [str(files / "two.toml"), "--grid", "detection=0.5:1", "--grid", "delta=0.8:0.95", "-j", "1",
            "--chunk-size", "3"]
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        res = run(*base, "--design", "sobol:8", "--seed", seed, "--out", str(tmp_path / f"{name}.csv"))
        assert res.exit_code == 0, res.stderr
    a, b, c = ((tmp_path / f"{n}.csv").read_bytes() for n in "abc")
    assert a == b and a != c
    manifest = json.loads((tmp_path / "a.csv.manifest.json").read_text())
    assert manifest["design"] == {"kind": "sobol", "n": 8, "seed": 3}
    assert set(manifest["versions"]) >= {"detente", "numpy", "scipy"}
    rows = read_rows(tmp_path / "a.csv")[::2]
    unit = qmc.Sobol(2, rng=3).random(8)  # scipy directly, all 8 at once (the sweep drew them 3 by 3)
    expected = np.array([0.5, 0.8]) + unit * np.array([0.5, 0.15])
    got = np.array([[float(r["detection"]), float(r["delta"])] for r in rows])
    assert got == pytest.approx(expected, abs=1e-15)


def test_a_latin_hypercube_puts_one_point_in_every_stratum(files):
    scenario = load_scenario(str(files / "two.toml"))
    spec = build_spec(scenario, [parse_grid("detection=0:1", design=True), parse_grid("gain=1:3", design=True)],
                      design=parse_design("lhs:10", 7), chunk_size=4)
    pts = [p for k in range(spec.n_chunks) for p in spec.points(spec.chunk(k))]
    assert len(pts) == 10
    assert sorted(math.floor(p.values[0] * 10) for p in pts) == list(range(10))
    assert sorted(math.floor((p.values[1] - 1) / 2 * 10) for p in pts) == list(range(10))


def test_the_progress_is_quiet_off_a_terminal(files, tmp_path):
    res = run(str(files / "two.toml"), "--grid", "detection=0,1", "--out", str(tmp_path / "r.csv"), "-j", "1")
    lines = res.stderr.strip().splitlines()
    assert all(x.startswith("detente: ") for x in lines) and "points (" not in res.stderr
    assert io.StringIO(res.stdout).read() == ""


# --- the regime map ----------------------------------------------------------------------------------------


def test_plot_draws_the_map_and_its_exact_rows_agree_with_the_cells(files, tmp_path):
    # the cells come from the sweep's rows (floats), the boundaries from exact pieces: every cell's regime is
    # that of the exact piece it falls in (or of a piece on either side, at a cut point)
    from models.scenario import Entry
    from solver.sweep.regime import cell_regimes, exact_pieces, pieces_at

    out, png = tmp_path / "r.csv", tmp_path / "map.png"
    grid = ["--grid", "detection=0:1:0.05", "--grid", "false_flag=0.05,0.1"]
    res = run(str(files / "two.toml"), *grid, "--out", str(out), "--plot", str(png), "-j", "1")
    assert res.exit_code == 0, res.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "map: wrote" in res.stderr
    with open(out, newline="") as fh:
        cells = cell_regimes(csv.DictReader(fh), ["detection", "false_flag"])
    scenario = load_scenario(str(files / "two.toml"))
    entries = [("grim", "deterrence", Entry("grim")), ("wsls", "norm", Entry("wsls"))]
    changes = 0
    for f in (Fraction(1, 20), Fraction(1, 10)):
        pieces = exact_pieces(scenario.with_values({"false_flag": f}), entries, "detection", 0, 1)
        changes += len(pieces) - 1
        for (x, y), regime in cells.items():
            if math.isclose(float(y), float(f)):
                assert regime.key in [p.regime.key for p in pieces_at(pieces, Fraction(x).limit_denominator(100))]
    assert changes >= 4  # grim's threshold and wsls's, on each row: the agreement is not vacuous
    again = run(str(files / "two.toml"), *grid, "--out", str(out), "--plot", str(png), "-j", "1")
    assert "exists" in one_error_line(again) and "--force" in one_error_line(again)


@pytest.mark.parametrize("extra,says", [
    (["--grid", "delta=0.8,0.9", "--grid", "gain=2,3"], "one or two --grid axes"),
    (["--design", "sobol:4"], "design"),
    (["--tune-best"], "--tune-best"),
])
def test_plot_refuses_a_map_it_cannot_draw_before_the_sweep(files, tmp_path, extra, says):
    out = tmp_path / "r.csv"
    grid = ["--grid", "detection=0.5:1" if "--design" in extra else "detection=0.5,1", "--grid", "false_flag=0,0.1"]
    line = one_error_line(run(str(files / "two.toml"), *grid, *extra, "--out", str(out), "--plot",
                              str(tmp_path / "m.png"), "-j", "1"))
    assert says in line and not out.exists() and not (tmp_path / "r.csv.parts").exists()


def test_a_damaged_chunk_is_computed_again_not_copied(files, tmp_path, reference):
    out = tmp_path / "r.csv"
    args = [str(files / "two.toml"), *GRID, "--out", str(out), "--jobs", "1"]
    # a sweep killed half-way leaves its parts; damage two of its chunks the ways a crash or a user could
    parts = tmp_path / "r.csv.parts"
    real = figures.batch_figures
    calls = []

    def stop_after_ten(*a, **k):
        calls.append(1)
        if len(calls) > 20:  # two doctrines a chunk: ten chunks done
            raise KeyboardInterrupt
        return real(*a, **k)

    figures.batch_figures = stop_after_ten
    try:
        run(*args)
    finally:
        figures.batch_figures = real
    chunks = sorted(p for p in parts.iterdir() if p.name.startswith("chunk-"))
    assert len(chunks) >= 4
    text = chunks[1].read_text()
    chunks[1].write_text(text[: len(text) // 2])  # cut short
    chunks[3].write_text(chunks[3].read_text() + "garbage,row\n")  # bytes added
    res = run(*args)
    assert res.exit_code == 0, res.stderr
    assert "cut short or damaged" in res.stderr
    assert out.read_bytes() == reference


@pytest.mark.parametrize("address", ["tcp://host:notaport", "http://localhost:8786", "tcp://", "local2"])
def test_a_scheduler_address_that_is_not_one_is_a_usage_error(files, tmp_path, address):
    res = run(str(files / "two.toml"), "--grid", "detection=0.5,1", "--out", str(tmp_path / "r.csv"),
              "--scheduler", address)
    assert res.exit_code == 2 and "--scheduler" in res.stderr.strip().splitlines()[-1]


def test_plot_is_never_the_output_or_a_folder(files, tmp_path):
    out = tmp_path / "r.csv"
    grid = ["--grid", "detection=0.5,1", "--grid", "false_flag=0,0.1"]
    line = one_error_line(run(str(files / "two.toml"), *grid, "--out", str(out), "--plot", str(out), "--force"))
    assert "the sweep's output" in line and not out.exists()
    line = one_error_line(run(str(files / "two.toml"), *grid, "--out", str(out), "--plot", str(tmp_path), "--force"))
    assert "is a directory" in line and not out.exists()


def test_an_absurd_number_of_points_is_refused_at_once(files, tmp_path):
    for grid in (["--grid", "gain=0:1e300:1e-300"], ["--grid", "detection=0:1:1e-5", "--grid", "false_flag=0:1:1e-5"]):
        line = one_error_line(run(str(files / "two.toml"), *grid, "--out", str(tmp_path / "r.csv")))
        assert "at most 1,000,000,000 points" in line


def test_a_doctrine_whose_lever_is_missing_is_left_out_unless_an_axis_sweeps_it(tmp_path):
    scen = tmp_path / "a.toml"
    scen.write_text('[scenario]\naudit = 0\ndeterrence = ["grim"]\nnorms = ["consult+channel+audit"]\n')
    out = tmp_path / "r.csv"
    res = run(str(scen), "--grid", "detection=0.5,1", "--out", str(out))
    assert res.exit_code == 0 and "consult+channel+audit left out" in res.stderr
    assert {r["doctrine"] for r in read_rows(out)} == {"grim"}
    swept = tmp_path / "s.csv"
    assert run(str(scen), "--grid", "audit=0,0.5", "--out", str(swept)).exit_code == 0
    assert {r["doctrine"] for r in read_rows(swept)} == {"grim", "consult+channel+audit"}
