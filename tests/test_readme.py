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
    assert 'detente = "solver.cli.app:main"' in pyproject


def readme_examples() -> list[tuple[str, str]]:
    """Every ``$ detente ...`` example in the README with its complete output (elided ones are skipped)."""
    blocks, current, info = [], None, None
    for line in (ROOT / "README.md").read_text().splitlines(keepends=True):
        if line.startswith("```"):
            if current is None:
                current, info = [], line[3:].strip()
            else:
                if info == "":
                    blocks.append("".join(current))
                current = None
            continue
        if current is not None:
            current.append(line)
    examples = []
    for block in blocks:
        parts = re.split(r"^\$ ", block, flags=re.M)
        for part in parts[1:]:
            command, _, output = part.partition("\n")
            if not command.startswith("detente ") or "..." in output or "$ " in output:
                continue
            examples.append((command, output))
    return examples


def test_readme_examples_print_what_the_readme_shows(tmp_path, monkeypatch):
    import shlex

    from click.testing import CliRunner

    from solver.cli.app import main

    monkeypatch.chdir(tmp_path)
    # the input file the README shows next to its error example
    (tmp_path / "bad.toml").write_text('actions = [["C", "D"], ["C", "D"]]\n[payoffs]\nP2 = [[1, 2], [3, 4]]\n'
                                       "P1 = [[1, 2], [3]]\n")
    examples = readme_examples()
    assert len(examples) >= 8
    for command, expected in examples:
        args = shlex.split(command)[1:]
        result = CliRunner().invoke(main, args)
        assert result.output == expected, f"README example `{command}` no longer prints what the README shows"


def test_every_toml_model_in_the_readme_loads_as_written(tmp_path):
    # a newcomer copies these blocks into files: each must be a whole, valid model
    from models.loader import load_repeated
    from solver.repeated.evaluation import evaluate

    blocks = re.findall(r"```toml\n(.+?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) >= 2
    for k, body in enumerate(blocks):
        path = tmp_path / f"block{k}.toml"
        path.write_text(body, encoding="utf-8")
        model = load_repeated(str(path), None)
        assert model.game.n_players >= 2
        for name, _ in model.strategies:  # every strategy the block defines can be played
            res = evaluate(model, [name], model.delta if model.delta is not None else "1/2")
            assert len(res.values) == model.game.n_players
