"""The architecture the tree promises: models never imports solver; every area is a sub-package."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
    return out


def test_models_source_never_imports_solver() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "models").rglob("*.py")
                 if any(m == "solver" or m.startswith("solver.") for m in _imported_modules(p))]
    assert offenders == []


def test_importing_models_loads_no_solver_module() -> None:
    # a fresh interpreter: importing every models module must not pull in solver (no lazy import either)
    code = ("import importlib, pkgutil, sys, models\n"
            "for m in pkgutil.walk_packages(models.__path__, 'models.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(sorted(k for k in sys.modules if k == 'solver' or k.startswith('solver.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_solver_top_level_holds_only_sub_packages() -> None:
    modules = sorted(p.name for p in (ROOT / "solver").glob("*.py"))
    assert modules == ["__init__.py", "__main__.py"]
    for area in ("numeric", "stage", "repeated", "render", "cli"):
        assert (ROOT / "solver" / area / "__init__.py").is_file(), area


def test_python_dash_m_solver_runs_the_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "solver", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.startswith("detente, version ")
