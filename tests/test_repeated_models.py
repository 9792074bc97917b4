"""Repeated-game model files: monitoring, strategies, delta; round trips and bad models."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import catalog
from models.automata import ATTACK, RESTRAIN, bind
from models.doctrines import DOCTRINES, doctrine
from models.errors import ModelError
from models.formats import read_mapping
from models.formats.json_format import dump_json, parse_json
from models.formats.toml_format import dump_toml
from models.loader import load_repeated
from models.monitoring import AttributionMonitoring, Clarification, signal_structure
from models.repeated import RepeatedModel, bind_strategy, check_delta, repeated_from_mapping, repeated_to_mapping
from strategies import automata, monitorings

ISSUE_STRATEGY = """\
title = "PD"
actions = [["C", "D"], ["C", "D"]]
[payoffs]
P1 = [[3, 0], [5, 1]]
P2 = [[3, 5], [0, 1]]

[strategies.wary]
initial = "peace"
states.peace = { play = "C", on = { "other-blamed" = "war" } }
states.war   = { play = "D", on = { "clear" = { peace = 0.5, war = 0.5 } } }
"""


def write(tmp_path, text, name="m.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_issue_strategy_example(tmp_path):
    model = load_repeated(write(tmp_path, ISSUE_STRATEGY))
    wary = model.strategy("wary")
    assert wary.states == ("peace", "war")
    assert wary.rules[1][0][1] == (("peace", 0.5), ("war", 0.5))
    b = bind(wary, model.game, signal_structure(model.game, model.monitoring), 1)
    # perfect monitoring: the other (player 0) is blamed exactly when it played D
    y_dc = signal_structure(model.game, model.monitoring).labels.index("D,C")
    assert b.tau[0, y_dc].tolist() == [0, 1]


def test_attribution_probabilities_with_a_channel():
    m = AttributionMonitoring(detection=F(4, 5), false_flag=F(1, 10),
                              clarification=Clarification(F(7, 10), F(1, 10), F(1, 20)))
    s = signal_structure(catalog.load("cyber"), m)
    y = s.labels.index("cleared,confirmed")
    # State A restrained: blamed 1/10 and cleared 7/10; State B attacked: detected 4/5, not cleared 9/10
    assert s.prob[0, 1, y] == F(1, 10) * F(7, 10) * F(4, 5) * F(9, 10)
    assert s.cost[y] == F(1, 10)  # two blames examined, 1/20 each
    assert s.blamed[y] == {0, 1} and s.confirmed[y] == {1} and s.cleared[y] == {0}
    assert all(sum(s.prob[a].tolist()) == 1 for a in [(0, 0), (0, 1), (1, 0), (1, 1)])


@given(st.data())
def test_repeated_models_round_trip_through_toml_and_json(data):
    game = catalog.load("prisoners-dilemma")
    strategies = tuple((f"s{k}", data.draw(automata(["C", "D"], name=f"s{k}"))) for k in range(2))
    delta = data.draw(st.sampled_from([None, F(9, 10)]))
    model = RepeatedModel(game, data.draw(monitorings()), strategies, delta)
    mapping = repeated_to_mapping(model)
    for text, fmt in ((dump_toml(mapping), "toml"), (dump_json(mapping), "json")):
        data_back = read_mapping(text, fmt) if fmt == "toml" else parse_json(text)
        again = repeated_from_mapping(data_back, game)
        assert again == model


def test_catalogue_repeated_models_load():
    # the values written in models/games/*.toml (TOML floats stay floats; "p/q" strings are exact)
    cyber = load_repeated("catalog:cyber")
    assert cyber.monitoring == AttributionMonitoring(detection=0.8, false_flag=0.05) and cyber.delta == 0.9
    hotline = load_repeated("catalog:cyber-hotline")
    assert hotline.monitoring == AttributionMonitoring(detection=0.8, false_flag=0.05,
                                                       clarification=Clarification(0.7, 0.1, 0.05))
    assert hotline.delta == 0.9
    pd = load_repeated("catalog:public-signal-pd")
    assert pd.monitoring.kind == "table" and pd.delta == F(9, 10)
    assert pd.monitoring.signals == ("good", "bad")
    assert dict(pd.monitoring.rows) == {"C,C": (F(9, 10), F(1, 10)), "C,D": (F(1, 2), F(1, 2)),
                                        "D,C": (F(1, 2), F(1, 2)), "D,D": (F(1, 5), F(4, 5))}
    assert pd.monitoring.blames == (("bad", ("Row", "Column")),)


# state counts from the definitions in models/doctrines.py's table (punish:K has peace and K punishment periods;
# contrite tracks (own standing, other's standing), two values each)
DOCTRINE_STATES = {"always-restrain": 1, "always-attack": 1, "grim": 2, "tit-for-tat": 2, "punish:K": 3,
                   "generous:G": 2, "forgiving-trigger:PHI": 2, "forgiving-trigger-independent:PHI": 2, "wsls": 2,
                   "contrite": 4, "consult": 2}


def test_the_state_count_table_covers_every_doctrine():
    assert set(DOCTRINE_STATES) == set(DOCTRINES)


@pytest.mark.parametrize("name", sorted(DOCTRINES))
def test_every_doctrine_has_an_automaton(name):
    spec = name.replace(":K", ":2").replace(":G", ":1/3").replace(":PHI", ":1/2")
    automaton = doctrine(spec)
    assert automaton.description and len(automaton.states) == DOCTRINE_STATES[name]
    # every doctrine starts in one state for sure, and there restrains, except always-attack
    assert len(automaton.initial) == 1 and automaton.initial[0][1] == 1
    start = automaton.states.index(automaton.initial[0][0])
    assert automaton.play[start] == ((ATTACK if name == "always-attack" else RESTRAIN, 1),)


def test_punish_k_has_k_punishment_states():
    assert doctrine("punish:5").states == ("peace", "punish1", "punish2", "punish3", "punish4", "punish5")


@pytest.mark.parametrize("value,message", [(1, "must be in [0, 1), got 1"), ("-0.1", "must be in [0, 1), got -0.1"),
                                           ("nan", "expected a number"), ("x", "expected a number")])
def test_delta_outside_range(value, message):
    with pytest.raises(ModelError) as info:
        check_delta(value, field="--delta")
    assert str(info.value).startswith("--delta: ") and message in str(info.value)


HEAD = 'actions = [["C", "D"], ["C", "D"]]\n[payoffs]\nP1 = [[3, 0], [5, 1]]\nP2 = [[3, 5], [0, 1]]\n'

BAD_MODELS = [
    ("[monitoring]\nkind = \"fuzzy\"\n", "monitoring.kind: unknown kind 'fuzzy'"),
    ("[monitoring]\nkind = \"attribution\"\ndetection = 1.5\n", "monitoring.detection: expected a probability"),
    ("[monitoring]\nkind = \"attribution\"\ndelay = -1\n", "monitoring.delay: expected a whole number"),
    ("[monitoring]\nkind = \"attribution\"\nhostile = [\"Z\"]\n", "monitoring.hostile: unknown action 'Z'"),
    ("[monitoring]\nkind = \"perfect\"\ndetection = 0.5\n", "monitoring.detection: unknown key 'detection'"),
    ("[monitoring]\nkind = \"table\"\nsignals = [\"g\", \"b\"]\n[monitoring.table]\n\"C,C\" = [0.5, 0.4]\n",
     "monitoring.table.C,C: probabilities sum to 0.9, not 1"),
    ("[monitoring]\nkind = \"table\"\nsignals = [\"g\"]\n[monitoring.table]\n\"C,C\" = [1]\n",
     "monitoring.table: no row for profile 'C,D'"),
    ("[monitoring]\nkind = \"table\"\nsignals = [\"g\"]\n[monitoring.table]\n\"C,X\" = [1]\n",
     "monitoring.table.C,X: unknown profile 'C,X'"),
    ("[strategies.s]\ninitial = \"a\"\nstates.a = { on = { clear = \"a\" } }\n",
     "strategies.s.states.a.play: missing 'play'"),
    ("[strategies.s]\ninitial = \"a\"\nstates.a = { play = \"C\", on = { clear = \"b\" } }\n",
     "strategies.s.states.a.on.clear: unknown state 'b'"),
    ("[strategies.s]\ninitial = \"z\"\nstates.a = { play = \"C\" }\n", "strategies.s.initial: unknown state 'z'"),
    ("[strategies.s]\ninitial = \"a\"\nstates.a = { play = { C = 0.5, D = 0.3 } }\n",
     "strategies.s.states.a.play: probabilities sum to 0.8, not 1"),
    ("[strategies.s]\ninitial = \"a\"\nstates.a = { play = \"C\", on = { sometimes = \"a\" } }\n",
     "strategies.s.states.a.on.sometimes: unknown pattern 'sometimes'"),
    ("[repeated]\ndelta = 1\n", "repeated.delta: the discount factor must be in [0, 1), got 1"),
]


@pytest.mark.parametrize("extra,message", BAD_MODELS, ids=[m for _, m in BAD_MODELS])
def test_bad_repeated_models(tmp_path, extra, message):
    path = write(tmp_path, HEAD + extra)
    with pytest.raises(ModelError) as info:
        load_repeated(path)
    text = str(info.value)
    assert text.startswith(path + ": line ") and message in text and "\n" not in text


BAD_PATTERNS = [
    ('kind = "attribution"', "other:D",
     "pattern other:D cannot occur: actions are seen only under perfect monitoring"),
    ('kind = "attribution"', "other-cleared",
     "pattern other-cleared cannot occur: the monitoring has no clarification channel"),
    ('kind = "attribution"', "signal:nope", "pattern signal:nope cannot occur under attribution monitoring: "
     "signals are clear,clear"),
    ('kind = "perfect"', "other:Z", "pattern other:Z cannot occur: 'Z' is not an action of any player"),
]


@pytest.mark.parametrize("monitoring,pattern,message", BAD_PATTERNS, ids=[b[1] for b in BAD_PATTERNS])
def test_patterns_that_cannot_occur_make_the_file_invalid(tmp_path, monitoring, pattern, message):
    # the file's own monitoring decides: the file is refused when it is read, with its line
    text = HEAD + f'[monitoring]\n{monitoring}\n[strategies.s]\ninitial = "a"\n' \
        f'states.a = {{ play = "C", on = {{ "{pattern}" = "a" }} }}\n'
    path = write(tmp_path, text)
    with pytest.raises(ModelError) as info:
        load_repeated(path)
    assert str(info.value).startswith(f"{path}: line 9: strategies.s.states.a.on.{pattern}: {message}")


def test_a_pattern_that_an_override_makes_impossible_names_the_file_and_line(tmp_path):
    # valid under the file's perfect monitoring; seated under attribution monitoring (as --detection does)
    text = HEAD + '[strategies.s]\ninitial = "a"\nstates.a = { play = "C", on = { "other:D" = "a" } }\n'
    path = write(tmp_path, text)
    model = load_repeated(path).with_monitoring(AttributionMonitoring())
    signals = signal_structure(model.game, model.monitoring)
    with pytest.raises(ModelError) as info:
        bind_strategy(model, "s", signals, 0)
    assert str(info.value).startswith(f"{path}: line 7: strategies.s.states.a.on.other:D: pattern other:D cannot "
                                      "occur: actions are seen only under perfect monitoring")


def test_unknown_action_and_unknown_strategy(tmp_path):
    from solver.repeated.binding import bind_profile

    path = write(tmp_path, HEAD + '[strategies.s]\ninitial = "a"\nstates.a = { play = "Z" }\n')
    with pytest.raises(ModelError) as info:
        load_repeated(path)
    assert str(info.value) == (f"{path}: line 7: strategies.s.states.a.play: strategy 's' plays 'Z', which is not "
                               "an action of any player (actions: C, D)")
    model = load_repeated(write(tmp_path, HEAD + '[strategies.s]\ninitial = "a"\nstates.a = { play = "C" }\n'))
    with pytest.raises(ModelError, match="unknown strategy 'nope'; strategies in the model: s; library doctrines"):
        bind_profile(model, ["nope"])
    with pytest.raises(ModelError, match="expected one --strategy for every player or 2"):
        bind_profile(model, ["s", "s", "s"])
    with pytest.raises(ModelError, match="doctrine punish needs a parameter"):
        bind_profile(model, ["punish"])


def test_an_action_missing_from_one_seat_names_the_file_line_and_seat(tmp_path):
    text = ('actions = [["C", "D"], ["C", "E"]]\n[payoffs]\nP1 = [[3, 0], [5, 1]]\nP2 = [[3, 5], [0, 1]]\n'
            '[strategies.s]\ninitial = "a"\nstates.a = { play = "D" }\n')
    path = write(tmp_path, text)
    model = load_repeated(path)  # valid: D is an action of P1, and a strategy may be written for one seat
    signals = signal_structure(model.game, model.monitoring)
    assert bind_strategy(model, "s", signals, 0).sigma.tolist() == [[0, 1]]
    with pytest.raises(ModelError) as info:
        bind_strategy(model, "s", signals, 1)
    assert str(info.value) == (f"{path}: line 7: strategies.s.states.a.play: strategy 's' plays 'D' in state 'a', "
                               "but P2's actions are C, E")


@pytest.mark.parametrize("hostile,doctrine_name,message", [
    ('["C", "D"]', "grim", "strategy 'grim' restrains in state 'peace', but every action of P1 (C, D) is hostile"),
    ("[]", "grim", "strategy 'grim' attacks in state 'war', but no action of P1 (C, D) is hostile"),
])
def test_every_action_hostile_or_none_names_the_hostile_line(tmp_path, hostile, doctrine_name, message):
    path = write(tmp_path, HEAD + f"[monitoring]\nhostile = {hostile}\n")
    model = load_repeated(path)
    signals = signal_structure(model.game, model.monitoring)
    with pytest.raises(ModelError) as info:
        bind_strategy(model, doctrine_name, signals, 0)
    assert str(info.value).startswith(f"{path}: line 6: monitoring.hostile: {message}")


def test_float_inputs_stay_floats():
    s = signal_structure(catalog.load("cyber"), AttributionMonitoring(detection=0.8, false_flag=0.05))
    assert not s.is_exact and isinstance(s.prob[0, 0, 0], float)
    assert np.isclose(sum(s.prob[1, 1].tolist()), 1.0)
