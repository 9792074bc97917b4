"""The hypothesis generators produce what they promise."""

from fractions import Fraction

from hypothesis import find, given
from hypothesis import strategies as st

from models.automata import Automaton
from models.monitoring import AttributionMonitoring, Clarification, PerfectMonitoring
from strategies import (
    automata,
    distribution,
    integer_bimatrix,
    integer_games,
    mixed_strategy,
    monitorings,
    no_saddle_2x2,
    normal_bimatrix,
    permutations_of,
    probability,
    rational_bimatrix,
)


@given(integer_bimatrix())
def test_integer_bimatrix_is_exact_two_player(game):
    assert game.n_players == 2 and game.is_exact
    assert all(0 <= v <= 9 for arr in game.payoffs for v in arr.flat)


@given(rational_bimatrix())
def test_rational_bimatrix_is_exact(game):
    assert game.is_exact and game.n_players == 2


@given(normal_bimatrix())
def test_normal_bimatrix_is_float(game):
    assert not game.is_exact and min(game.shape) >= 2


@given(integer_games())
def test_integer_games_shapes(game):
    assert 2 <= game.n_players <= 4
    assert all(arr.shape == game.shape for arr in game.payoffs)


@given(st.integers(1, 6).flatmap(mixed_strategy))
def test_mixed_strategy_is_a_distribution(p):
    assert sum(p) == 1 and all(isinstance(x, Fraction) and x >= 0 for x in p)



@given(rational_bimatrix())
def test_rational_bimatrix_stays_in_its_range(game):
    assert all(1 <= k <= 4 for k in game.shape)
    values = [v for arr in game.payoffs for v in arr.flat]
    assert all(isinstance(v, Fraction) and -5 <= v <= 5 and v.denominator <= 7 for v in values)


@given(integer_games().flatmap(lambda g: st.tuples(st.just(g), permutations_of(g))))
def test_permutations_of_relabels_players_and_actions(args):
    game, (order, action_orders) = args
    assert sorted(order) == list(range(game.n_players))
    assert [sorted(a) for a in action_orders] == [list(range(k)) for k in game.shape]


@given(no_saddle_2x2())
def test_no_saddle_2x2_has_no_pure_saddle_point(entries):
    a, b, c, d = entries
    rows, cols = [[a, b], [c, d]], [[a, c], [b, d]]
    assert max(min(r) for r in rows) < min(max(c) for c in cols)  # maxmin < minmax: the value needs mixing


# -- the repeated-game generators -------------------------------------------------------------------------


@given(st.data(), st.integers(1, 8), st.booleans())
def test_probability_is_in_the_unit_interval(data, den, allow_zero):
    p = data.draw(probability(max_denominator=den, allow_zero=allow_zero))
    assert isinstance(p, Fraction) and 0 <= p <= 1 and p.denominator <= den and (allow_zero or p > 0)


NAMES = st.lists(st.text("abcxyz", min_size=1, max_size=3), min_size=1, max_size=5, unique=True)


@given(st.data(), NAMES)
def test_distribution_sums_to_one_on_the_names(data, names):
    dist = data.draw(distribution(names))
    support = [n for n, _ in dist]
    assert sum(p for _, p in dist) == 1 and all(isinstance(p, Fraction) and p > 0 for _, p in dist)
    assert len(set(support)) == len(support) and set(support) <= set(names)


@given(st.data(), st.integers(1, 4))
def test_automata_are_valid_and_within_the_state_budget(data, max_states):
    a = data.draw(automata(["C", "D"], max_states=max_states, name="x"))
    assert 1 <= len(a.states) <= max_states and a.name == "x"
    Automaton(a.name, a.states, a.initial, a.play, a.rules)  # validates again: raises if invalid
    assert all({n for n, _ in play} <= {"C", "D"} for play in a.play)
    blame_patterns = {"clear", "other-blamed", "self-blamed", "all-blamed", "any-blamed", "always"}
    assert all(str(pattern) in blame_patterns for rules in a.rules for pattern, _ in rules)


@given(monitorings())
def test_monitorings_are_exact(m):
    assert m.kind in ("perfect", "attribution")
    assert m.tremble in (0, Fraction(1, 10), Fraction(1, 4)) and m.delay in (0, 1)
    if m.kind == "attribution":
        assert all(isinstance(p, Fraction) for p in (m.detection, m.false_flag))


def test_monitorings_draw_every_kind():
    assert isinstance(find(monitorings(), lambda m: m.kind == "perfect"), PerfectMonitoring)
    plain = find(monitorings(), lambda m: m.kind == "attribution" and m.clarification is None)
    channel = find(monitorings(), lambda m: m.kind == "attribution" and m.clarification is not None)
    assert isinstance(plain, AttributionMonitoring) and isinstance(channel.clarification, Clarification)


@given(monitorings(clarification=False))
def test_monitorings_without_a_channel_have_none(m):
    assert getattr(m, "clarification", None) is None
