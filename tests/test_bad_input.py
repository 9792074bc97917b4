"""A battery of malformed files and arguments, run through the command line.

Every case must end with exit code 1 (2 for a usage error), exactly one line
on stderr that starts with ``detente: error:`` (after any ``detente: note:``
lines) and names the file (and,
where it applies, the line and the field), and no traceback.  Each case is
(id, file content, file suffix, arguments, exit code, expected fragment);
``{f}`` in the arguments and the fragment stands for the file's path, and
a content of None means that no file is written.
"""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from solver.cli import main

HEAD = 'actions = [["C", "D"], ["C", "D"]]\n[payoffs]\nP1 = [[3, 0], [5, 1]]\nP2 = [[3, 5], [0, 1]]\n'
TOP = 'actions = [["C", "D"], ["C", "D"]]\n[payoffs]\n'
GOOD_PAYOFFS = "P1 = [[3, 0], [5, 1]]\nP2 = [[3, 5], [0, 1]]\n"
JSON_HEAD = '{"actions": [["C", "D"], ["C", "D"]], "payoffs": {"P1": [[3, 0], [5, 1]], '
NFG_HEAD = 'NFG 1 R "t" { "A" "B" } { 2 2 }\n'
STRATEGY = '[strategies.s]\ninitial = "a"\n'
SOLVE = ["solve", "{f}"]
REPEAT = ["repeated", "{f}", "-s", "s", "--delta", "1/2"]
GRIM = ["repeated", "{f}", "-s", "grim", "--delta", "1/2"]
SEATS = 'actions = [["C", "D"], ["C", "E"]]\n[payoffs]\n' + GOOD_PAYOFFS

CASES = [
    # -- syntax and empty files
    ("toml-syntax", 'actions = [["C", "D"]\n', "toml", SOLVE, 1, "{f}: line 1: invalid TOML: Unclosed array"),
    ("empty-toml", "", "toml", SOLVE, 1, "{f}: the file is empty; a model needs at least 'actions' and 'payoffs'"),
    ("comments-only-toml", "# nothing\n", "toml", SOLVE, 1, "{f}: the file is empty"),
    ("empty-json", "", "json", SOLVE, 1, "{f}: the file is empty"),
    ("empty-nfg", "\n", "nfg", SOLVE, 1, "{f}: line 1: the file is empty"),
    ("json-syntax", '{"actions": [["C"], ["D"]],\n "payoffs": }', "json", SOLVE, 1, "{f}: line 2: invalid JSON"),
    ("json-array", "[1, 2]", "json", SOLVE, 1, "{f}: line 1: a JSON model must be an object"),
    ("json-schema", '{"schema_version": 9, "actions": [["C"], ["D"]]}', "json", SOLVE, 1,
     "{f}: schema_version: unsupported schema_version 9"),
    ("binary", b"\xff\xfe\x00\x01", "toml", SOLVE, 1, "{f}: not a UTF-8 text file"),
    ("deep-toml", "a = " + "[" * 3000 + "]" * 3000 + "\n", "toml", SOLVE, 1,
     "{f}: invalid TOML: arrays or tables nested too deeply"),
    ("deep-json", "[" * 200_000 + "]" * 200_000, "json", SOLVE, 1,
     "{f}: invalid JSON: arrays or objects nested too deeply"),
    # -- the stage game
    ("wrong-shape", TOP + "P1 = [[1, 2], [3]]\nP2 = [[1, 2], [3, 4]]\n", "toml", SOLVE, 1,
     "{f}: line 3: payoffs.P1[1]: expected 2 entries (one per action of player 2), got 1"),
    ("too-deep", TOP + "P1 = [[1, [2]], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n", "toml", SOLVE, 1,
     "{f}: line 3: payoffs.P1[0][1]: expected a number, got a list"),
    ("nan-payoff", TOP + "P1 = [[1, nan], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n", "toml", SOLVE, 1,
     "{f}: line 3: payoffs.P1[0][1]: expected a finite number, got nan"),
    ("inf-payoff", TOP + "P1 = [[1, 2], [3, 4]]\nP2 = [[1, -inf], [3, 4]]\n", "toml", SOLVE, 1,
     "{f}: line 4: payoffs.P2[0][1]: expected a finite number, got -inf"),
    ("nan-json", JSON_HEAD.replace("[[3, 0]", "[[NaN, 0]") + '"P2": [[3, 5], [0, 1]]}}', "json", SOLVE, 1,
     "{f}: invalid JSON: NaN is not a number"),
    ("infinity-json", JSON_HEAD + '"P2": [[3, 5], [0, Infinity]]}}', "json", SOLVE, 1,
     "{f}: invalid JSON: Infinity is not a number"),
    ("word-payoff", TOP + 'P1 = [[1, "two"], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n', "toml", SOLVE, 1,
     "{f}: line 3: payoffs.P1[0][1]: expected a number such as 3, -1/2 or 0.75, got 'two'"),
    ("bool-payoff", TOP + "P1 = [[1, true], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n", "toml", SOLVE, 1,
     "{f}: line 3: payoffs.P1[0][1]: expected a number, got true"),
    ("zero-denominator", TOP + 'P1 = [[1, "1/0"], [3, 4]]\nP2 = [[1, 2], [3, 4]]\n', "toml", SOLVE, 1,
     "{f}: line 3: payoffs.P1[0][1]: zero denominator in '1/0'"),
    ("integer-players", 'players = [1, 2]\n' + TOP + '"1" = [[3, 0], [5, 1]]\n"2" = [[3, 5], [0, 1]]\n', "toml",
     SOLVE, 1, "{f}: line 1: players: player label 1 must be a string, got int 1"),
    ("unknown-key", "payofs = 1\n" + HEAD, "toml", SOLVE, 1, "{f}: line 1: payofs: unknown key 'payofs'"),
    ("missing-payoffs", TOP + "P1 = [[3, 0], [5, 1]]\n", "toml", SOLVE, 1,
     "{f}: payoffs.P2: missing payoff array for player 'P2'"),
    ("unknown-player", HEAD + "P3 = [[0]]\n", "toml", SOLVE, 1, "{f}: line 5: payoffs.P3: unknown player 'P3'"),
    ("duplicate-action", HEAD.replace('["C", "D"], ["C", "D"]', '["C", "C"], ["C", "D"]'), "toml", SOLVE, 1,
     "{f}: line 1: actions[0] (P1): duplicate action label 'C'"),
    ("one-player", 'actions = [["C", "D"]]\n[payoffs]\nP1 = [1, 2]\n', "toml", SOLVE, 1,
     "{f}: players: a game needs at least 2 players, got 1"),
    ("no-actions-for-one", 'actions = [["C", "D"], []]\n[payoffs]\nP1 = [[1, 2]]\nP2 = [[1, 2]]\n', "toml", SOLVE,
     1, "{f}: line 1: actions[1] (P2): the list of actions is empty"),
    ("actions-not-lists", 'actions = "C D"\n[payoffs]\nP1 = 1\nP2 = 1\n', "toml", SOLVE, 1,
     "{f}: line 1: actions: expected a list of lists of action labels"),
    # -- Gambit files
    ("nfg-zero-denominator", NFG_HEAD + "1 2 3 4 5 6 7 1/0\n", "nfg", SOLVE, 1,
     "{f}: line 2: zero denominator in a payoff (profile 4 of 4): '1/0'"),
    ("nfg-truncated", NFG_HEAD + "1 2 3 4\n5 6\n", "nfg", SOLVE, 1,
     "{f}: line 3: expected a payoff (profile 4 of 4), but the file ends (truncated?)"),
    ("nfg-not-nfg", 'EFG 2 R "t" { "1" "2" }\n', "nfg", SOLVE, 1, "{f}: line 1: not a Gambit .nfg file"),
    ("nfg-bad-number", NFG_HEAD + "1 x\n", "nfg", SOLVE, 1, "{f}: line 2: expected a payoff (profile 1 of 4), got 'x'"),
    ("nfg-strategy-lists", 'NFG 1 R "t" { "A" "B" } { 2 }\n1 2 3 4\n', "nfg", SOLVE, 1,
     "{f}: line 1: 2 players but 1 strategy lists"),
    ("nfg-outcome", 'NFG 1 R "t" { "A" "B" } { 1 1 }\n""\n{ { "o" 1 2 } }\n3\n', "nfg", SOLVE, 1,
     "{f}: line 4: outcome 3 does not exist (there are 1)"),
    # -- the repeated-game tables, refused by every command (solve included)
    ("delta-5-solve", HEAD + "[repeated]\ndelta = 5\n", "toml", SOLVE, 1,
     "{f}: line 6: repeated.delta: the discount factor must be in [0, 1), got 5"),
    ("delta-negative", HEAD + "[repeated]\ndelta = -0.5\n", "toml", GRIM[:4], 1,
     "{f}: line 6: repeated.delta: the discount factor must be in [0, 1), got -0.5"),
    ("delta-one", HEAD + "[repeated]\ndelta = 1\n", "toml", GRIM[:4], 1,
     "{f}: line 6: repeated.delta: the discount factor must be in [0, 1), got 1"),
    ("strategies-solve", HEAD + "[strategies.x]\nfoo = 1\n", "toml", SOLVE, 1,
     "{f}: line 6: strategies.x.foo: unknown key 'foo'"),
    ("monitoring-kind", HEAD + '[monitoring]\nkind = "fuzzy"\n', "toml", GRIM, 1,
     "{f}: line 6: monitoring.kind: unknown kind 'fuzzy'"),
    ("detection-above-1", HEAD + '[monitoring]\nkind = "attribution"\ndetection = 1.5\n', "toml", GRIM, 1,
     "{f}: line 7: monitoring.detection: expected a probability in [0, 1], got 1.5"),
    ("negative-detection", HEAD + '[monitoring]\nkind = "attribution"\ndetection = -0.1\n', "toml", GRIM, 1,
     "{f}: line 7: monitoring.detection: expected a probability in [0, 1], got -0.1"),
    ("negative-cost", HEAD + '[monitoring]\nkind = "attribution"\n[monitoring.clarification]\ncost = -1\n', "toml",
     GRIM, 1, "{f}: line 8: monitoring.clarification.cost: a cost must be >= 0, got -1"),
    ("table-sum", HEAD + '[monitoring]\nkind = "table"\nsignals = ["g", "b"]\n[monitoring.table]\n'
     '"C,C" = [0.5, 0.4]\n', "toml", GRIM, 1, "{f}: line 9: monitoring.table.C,C: probabilities sum to 0.9, not 1"),
    ("table-missing-row", HEAD + '[monitoring]\nkind = "table"\nsignals = ["g"]\n[monitoring.table]\n"C,C" = [1]\n',
     "toml", GRIM, 1, "{f}: line 8: monitoring.table: no row for profile 'C,D'"),
    ("table-blames-stranger", HEAD + '[monitoring]\nkind = "table"\nsignals = ["g"]\n[monitoring.table]\n'
     '"C,C" = [1]\n"C,D" = [1]\n"D,C" = [1]\n"D,D" = [1]\n[monitoring.blames]\ng = ["Eve"]\n', "toml", GRIM, 1,
     "{f}: line 14: monitoring.blames.g: unknown player 'Eve'"),
    ("hostile-unknown", HEAD + '[monitoring]\nhostile = ["Attack"]\n', "toml", GRIM, 1,
     "{f}: line 6: monitoring.hostile: unknown action 'Attack'"),
    ("delay-negative", HEAD + '[monitoring]\ndelay = -1\n', "toml", GRIM, 1,
     "{f}: line 6: monitoring.delay: expected a whole number of periods from 0 to 1000, got -1"),
    # -- strategies
    ("unknown-state", HEAD + STRATEGY + 'states.a = { play = "C", on = { clear = "b" } }\n', "toml", REPEAT, 1,
     "{f}: line 7: strategies.s.states.a.on.clear: unknown state 'b'; states are a"),
    ("play-sum", HEAD + STRATEGY + "states.a = { play = { C = 0.5, D = 0.3 } }\n", "toml", REPEAT, 1,
     "{f}: line 7: strategies.s.states.a.play: probabilities sum to 0.8, not 1"),
    ("unknown-pattern", HEAD + STRATEGY + 'states.a = { play = "C", on = { sometimes = "a" } }\n', "toml", REPEAT, 1,
     "{f}: line 7: strategies.s.states.a.on.sometimes: unknown pattern 'sometimes'"),
    ("play-unknown-action", HEAD + STRATEGY + 'states.a = { play = "Z" }\n', "toml", REPEAT, 1,
     "{f}: line 7: strategies.s.states.a.play: strategy 's' plays 'Z', which is not an action of any player"),
    ("other-action-under-attribution", HEAD + '[monitoring]\nkind = "attribution"\n' + STRATEGY
     + 'states.a = { play = "C", on = { "other:D" = "a" } }\n', "toml", REPEAT, 1,
     "{f}: line 9: strategies.s.states.a.on.other:D: pattern other:D cannot occur: actions are seen only under "
     "perfect monitoring"),
    ("signal-under-attribution", HEAD + '[monitoring]\nkind = "attribution"\n' + STRATEGY
     + 'states.a = { play = "C", on = { "signal:C,D" = "a" } }\n', "toml", REPEAT, 1,
     "{f}: line 9: strategies.s.states.a.on.signal:C,D: pattern signal:C,D cannot occur under attribution monitoring"),
    ("cleared-without-channel", HEAD + '[monitoring]\nkind = "attribution"\n' + STRATEGY
     + 'states.a = { play = "C", on = { "other-cleared" = "a" } }\n', "toml", REPEAT, 1,
     "{f}: line 9: strategies.s.states.a.on.other-cleared: pattern other-cleared cannot occur: the monitoring has "
     "no clarification channel"),
    ("shadows-grim", HEAD + '[strategies.grim]\ninitial = "a"\nstates.a = { play = "C" }\n', "toml", GRIM, 1,
     "{f}: line 5: strategies.grim: strategy 'grim' shadows the library doctrine of that name; rename it"),
    ("every-action-hostile", HEAD + '[monitoring]\nhostile = ["C", "D"]\n', "toml", GRIM, 1,
     "{f}: line 6: monitoring.hostile: strategy 'grim' restrains in state 'peace', but every action of P1 (C, D) is "
     "hostile"),
    ("no-action-hostile", HEAD + "[monitoring]\nhostile = []\n", "toml", GRIM, 1,
     "{f}: line 6: monitoring.hostile: strategy 'grim' attacks in state 'war', but no action of P1 (C, D) is "
     "hostile"),
    ("action-missing-from-one-seat", SEATS + STRATEGY + 'states.a = { play = "D" }\n', "toml", REPEAT, 1,
     "{f}: line 7: strategies.s.states.a.play: strategy 's' plays 'D' in state 'a', but P2's actions are C, E"),
    ("other-action-after-override", HEAD + STRATEGY + 'states.a = { play = "C", on = { "other:D" = "a" } }\n',
     "toml", REPEAT + ["--detection", "0.9"], 1,
     "{f}: line 7: strategies.s.states.a.on.other:D: pattern other:D cannot occur"),
    ("lottery-unknown", HEAD + STRATEGY + 'lottery = "public"\nstates.a = { play = "C" }\n', "toml", REPEAT, 1,
     "{f}: line 7: strategies.s.lottery: unknown lottery 'public'; choose shared (read the public lottery) or "
     "independent (each player's own draw)"),
    ("lottery-capitalised", HEAD + STRATEGY + 'lottery = "Shared"\nstates.a = { play = "C" }\n', "toml", REPEAT, 1,
     "{f}: line 7: strategies.s.lottery: unknown lottery 'Shared'"),
    ("lottery-number", HEAD + STRATEGY + 'lottery = 3\nstates.a = { play = "C" }\n', "toml", REPEAT, 1,
     '{f}: line 7: strategies.s.lottery: expected "shared" or "independent"'),
    ("lottery-solve", HEAD + STRATEGY + 'lottery = "public"\nstates.a = { play = "C" }\n', "toml", SOLVE, 1,
     "{f}: line 7: strategies.s.lottery: unknown lottery 'public'"),
    ("lottery-json-bool", JSON_HEAD + '"P2": [[3, 5], [0, 1]]},\n "strategies": {"s": {"initial": "a", '
     '"lottery": true, "states": {"a": {"play": "C"}}}}}', "json", REPEAT, 1,
     '{f}: line 2: strategies.s.lottery: expected "shared" or "independent"'),
    # -- arguments
    ("delta-argument", HEAD, "toml", ["repeated", "{f}", "-s", "grim", "--delta", "5"], 2,
     "the discount factor must be in [0, 1), got 5"),
    ("detection-argument", HEAD, "toml", GRIM + ["--detection", "-0.1"], 2,
     "expected a probability in [0, 1], got -0.1"),
    ("profile-sum", HEAD, "toml", ["verify", "{f}", "--profile", "1/2,1/3;D"], 1,
     "--profile (player P1): probabilities sum to 5/6, not 1"),
    ("profile-count", HEAD, "toml", ["verify", "{f}", "--profile", "C"], 1,
     "--profile: expected 2 strategies separated by ';' (one per player), got 1"),
    ("unknown-strategy", HEAD, "toml", ["repeated", "{f}", "-s", "nope", "--delta", "1/2"], 1,
     "unknown strategy 'nope'"),
    ("missing-parameter", HEAD, "toml", ["repeated", "{f}", "-s", "punish", "--delta", "1/2"], 1,
     "doctrine punish needs a parameter: punish:K"),
    ("no-such-file", None, "toml", SOLVE, 1, "{f}: no such file"),
    ("unknown-suffix", HEAD, "txt", SOLVE, 1, "{f}: cannot tell the format from the file name"),
    ("unknown-catalogue-name", None, "toml", ["solve", "catalog:nope"], 1, "unknown catalogue name 'nope'"),
    ("model-is-a-folder", None, "toml", ["solve", "{dir}/games.toml"], 1,
     "{dir}/games.toml: is a directory, not a model file"),
    ("convert-onto-a-folder", HEAD, "toml", ["convert", "{f}", "{dir}", "--to", "json", "--force"], 1,
     "{dir}: is a folder; give a file name"),
    ("convert-onto-an-existing-file", HEAD, "toml", ["convert", "{f}", "{f}"], 1,
     "{f}: already exists; use --force to replace it"),
    ("convert-onto-a-pipe", HEAD, "toml", ["convert", "{f}", "{pipe}", "--to", "json", "--force"], 1,
     "{pipe}: is not a regular file"),
    # -- scenario files, through compare, intervals and metagame (refused before any long work)
    ("scenario-no-doctrines", "[scenario]\ndeterrence = []\nnorms = []\n", "toml", ["compare", "{f}"], 1,
     "{f}: scenario.deterrence/norms: no doctrines to compare"),
    ("metagame-no-doctrines", "[scenario]\ndeterrence = []\nnorms = []\n", "toml", ["metagame", "{f}"], 1,
     "{f}: scenario.deterrence/norms: no doctrines to compare"),
    ("scenario-state-in-operation-table", '[scenario]\n[scenario.operation."State B"]\ngain = 10\n', "toml",
     ["compare", "{f}"], 1, "{f}: line 2: scenario.operation.State B: 'State B' is a state, not an operation"),
    ("scenario-operation-in-state-table", "[scenario]\n[scenario.state.Attack]\ngain = 10\n", "toml",
     ["intervals", "{f}", "-s", "grim", "--over", "gain"], 1,
     "{f}: line 2: scenario.state.Attack: 'Attack' is an operation, not a state"),
    ("scenario-unknown-operation", "[scenario]\n[scenario.operation.Strike]\ngain = 4\n", "toml",
     ["compare", "{f}"], 1, "{f}: line 2: scenario.operation.Strike: unknown operation 'Strike'"),
    ("scenario-state-named-as-operation", '[scenario]\nstates = ["Attack", "B"]\n', "toml", ["metagame", "{f}"], 1,
     "{f}: line 2: scenario.states: 'Attack' names both a state and an operation"),
    ("scenario-five-states", "[scenario]\nstates = 5\n", "toml", ["compare", "{f}"], 1,
     "{f}: line 2: scenario.states: expected 2 to 4 states, got 5"),
    ("scenario-five-state-names", '[scenario]\nstates = ["a", "b", "c", "d", "e"]\n', "toml",
     ["intervals", "{f}", "-s", "grim", "--over", "detection"], 1,
     "{f}: line 2: scenario.states: expected 2 to 4 states, got 5"),
    ("scenario-huge-gain", "[scenario]\ngain = 1e200\n", "toml", ["compare", "{f}"], 1,
     "{f}: line 2: scenario.gain: too large: the stage payoffs it gives go beyond +-1e+150"),
    ("scenario-huge-operation-damage", "[scenario]\n[scenario.operation.Attack]\ndamage = 1e300\n", "toml",
     ["metagame", "{f}"], 1, "{f}: line 3: scenario.operation.Attack.damage: too large"),
    ("scenario-set-huge-gain", "[scenario]\n", "toml", ["compare", "{f}", "--set", "gain=1e200"], 2,
     "--set gain': too large: the stage payoffs it gives go beyond +-1e+150"),
    # -- usage errors
    ("delay-argument", HEAD, "toml", GRIM + ["--delay", "-1"], 2, "--delay"),
    ("convert-without-format", HEAD, "toml", ["convert", "{f}", "-"], 2, "give --to toml|nfg|json"),
]


def test_the_battery_is_large_and_its_ids_are_distinct():
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("name,content,suffix,args,code,fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clean_line(tmp_path, name, content, suffix, args, code, fragment):
    path = tmp_path / f"m.{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    folder = tmp_path / "folder"
    (folder / "games.toml").mkdir(parents=True)
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    where = {"f": str(path), "dir": str(folder), "pipe": str(pipe)}
    result = CliRunner().invoke(main, [a.format(**where) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output + result.stderr
    # a note (such as "--detection turns the monitoring into attribution monitoring") may come first
    lines = [line for line in result.stderr.splitlines() if not line.startswith("detente: note: ")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("detente: error: "), lines[0]
    assert fragment.format(**where) in lines[0], lines[0]
    assert result.exit_code == code
    assert result.stdout == ""
    if "{f}" in fragment:
        assert lines[0].startswith(f"detente: error: {path}: ")
    assert os.path.isdir(folder) and not os.path.isfile(pipe)  # never replaced


@pytest.mark.parametrize("suffix,text", [
    ("toml", HEAD),
    ("json", JSON_HEAD + '"P2": [[3, 5], [0, 1]]}}'),
    ("nfg", 'NFG 1 R "PD" { "P1" "P2" } { { "C" "D" } { "C" "D" } }\n3 3 5 0 0 5 1 1\n'),
])
def test_a_byte_order_mark_is_accepted(tmp_path, suffix, text):
    path = tmp_path / f"bom.{suffix}"
    path.write_text("\ufeff" + text, encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert '"D"' in result.stdout and result.stderr == ""


@pytest.mark.parametrize("text", [HEAD, JSON_HEAD + '"P2": [[3, 5], [0, 1]]}}',
                                  'NFG 1 R "PD" { "P1" "P2" } { { "C" "D" } { "C" "D" } }\n3 3 5 0 0 5 1 1\n'])
def test_standard_input_is_read_and_sniffed(text):
    # `cat game.nfg | detente solve -`: the prisoner's dilemma's only equilibrium is (D, D)
    result = CliRunner().invoke(main, ["solve", "-", "--json"], input=text)
    assert result.exit_code == 0, result.stderr
    assert '"D"' in result.stdout and '"C"' not in result.stdout.split('"equilibria"')[-1]
