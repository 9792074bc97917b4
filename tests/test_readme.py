"""The README's set-up commands are the ones CI runs, and its claims about the CLI hold."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_two_setup_commands_and_ci_runs_them_verbatim():
    commands = setup_commands()
    assert len(commands) == 2
    assert commands[0].startswith("pip install . && detente ")
    assert "[test]" in commands[1] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in commands:
        assert command in ci, f"{command!r} is not a line of .ci/run"


def test_pyproject_test_extra_is_what_the_readme_installs():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r"^test = \[", pyproject, re.M)
    assert 'detente = "solver.cli:main"' in pyproject
