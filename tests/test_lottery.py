"""The public lottery: automata whose random transitions read one shared uniform draw per period.

Three kinds of truth, none taken from the implementation:

* the textbook closed form of the forgiving trigger under a public good/bad signal (Mailath and Samuelson
  2006, sec. 7.2), derived below, exact in Fractions;
* joint distributions worked out by hand from the cut rule (the players cut [0, 1) into their targets'
  probabilities in state order and take the piece holding the public draw ``u``);
* seeded simulation (:mod:`solver.repeated.simulation`), which draws ``u`` itself, compared with the exact
  chain within four standard errors.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from dataclasses import replace
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.automata import Automaton, Pattern, automaton_from_mapping, automaton_to_mapping
from models.errors import ModelError
from models.loader import load_repeated
from models.repeated import RepeatedModel, dump_repeated
from models.stage import StageGame
from solver.repeated.binding import bind_profile, profile_chain
from solver.repeated.chain import joint_draws
from solver.repeated.evaluation import evaluate
from solver.repeated.simulation import simulate_path, simulate_paths, simulate_values
from strategies import distribution, examples, monitorings, random_profiles

# -- the textbook prisoner's dilemma with a public good/bad signal ------------------------------------------

R, T, S, P = 2, 3, -1, 0  # u(C, C), u(D, C), u(C, D), u(D, D)


def signal_pd(p: F, q: F, r: F, *, delay: int = 0, strategies: str = "") -> str:
    """The model file: Pr(good | C, C) = p, Pr(good | one defects) = q, Pr(good | D, D) = r; bad blames both."""
    return f"""players = ["Row", "Column"]
actions = [["C", "D"], ["C", "D"]]
[payoffs]
Row = [[{R}, {S}], [{T}, {P}]]
Column = [[{R}, {T}], [{S}, {P}]]
[monitoring]
kind = "table"
delay = {delay}
signals = ["good", "bad"]
[monitoring.table]
"C,C" = ["{p}", "{1 - p}"]
"C,D" = ["{q}", "{1 - q}"]
"D,C" = ["{q}", "{1 - q}"]
"D,D" = ["{r}", "{1 - r}"]
[monitoring.blames]
bad = ["Row", "Column"]
{strategies}"""


def load(text: str):
    """A repeated model from TOML text, through the loader (standard input, so no file is needed)."""
    return load_repeated("-", "toml", stdin=io.StringIO(text))


# Closed form (Mailath and Samuelson 2006, sec. 7.2; Green and Porter 1984).  Under the shared forgiving
# trigger both players are at peace (play C) or both at war (play D forever, value P = 0): the public lottery
# sends them to war together, so no joint state mixes the two.  At peace, with V the normalised value,
#
#     V = (1 - d) R + d [p V + (1 - p)((1 - phi) V + phi * 0)]   =>   V = 2 (1 - d) / (1 - d + d (1 - p) phi).
#
# A one-shot deviation to D at peace earns T = 3 now and lowers the chance of a good signal from p to q:
#
#     V_D = (1 - d) T + d V (1 - (1 - q) phi),
#
# so the gain is G = V_D - V = (1 - d) - d phi (p - q) V (subtracting the two equations).  At war both play D
# and the state never changes, so deviating there costs (1 - d)(S - P) < 0.  Hence the profile is a PPE iff
# G <= 0, i.e. 2 d phi (p - q) >= 1 - d + d (1 - p) phi, i.e.
#
#     phi >= PHI* = (1 - d) / (d (3p - 2q - 1)),
#
# which needs 3p - 2q - 1 > 0, and PHI* <= 1 iff d >= 1 / (3p - 2q).  At PHI*, d PHI* = (1 - d) / (3p - 2q - 1)
# and V = 2 (3p - 2q - 1) / (2 (p - q)) = 2 - (1 - p) / (p - q).  A larger phi keeps G < 0 (a PPE) and lowers
# V when p < 1: the cheapest punishment that deters is the best one.  r never matters: nobody at peace
# plays (D, D), and at war the state is absorbing.


def value(p: F, phi: F, d: F) -> F:
    return 2 * (1 - d) / (1 - d + d * (1 - p) * phi)


def gain(p: F, q: F, phi: F, d: F) -> F:
    return (1 - d) - d * phi * (p - q) * value(p, phi, d)


@st.composite
def textbook(draw):
    """p, q, r, delta with 3p - 2q - 1 > 0 (hence q < p) and 1 / (3p - 2q) <= delta < 1 (hence PHI* <= 1).

    Built so that every draw qualifies: p = 1/3 + (2/3) a with a in (0, 1], q = b (3p - 1) / 2 with b in
    [0, 1) (so 3p - 2q - 1 = (3p - 1)(1 - b) > 0), delta = lo + (1 - lo) c with c in [0, 1).
    """
    def unit(closed_top: bool, closed_bottom: bool) -> F:
        den = draw(st.integers(1, 9))
        num = draw(st.integers(0 if closed_bottom else 1, den if closed_top else den - 1))
        return F(num, den)

    p = F(1, 3) + F(2, 3) * unit(True, False)
    q = unit(False, True) * (3 * p - 1) / 2
    r = unit(True, True)
    lo = 1 / (3 * p - 2 * q)
    d = lo + (1 - lo) * unit(False, True)
    return p, q, r, d


@settings(max_examples=examples(30))
@given(textbook())
def test_the_shared_forgiving_trigger_is_a_ppe_exactly_from_phi_star(params):
    p, q, r, d = params
    assert 3 * p - 2 * q - 1 > 0 and q < p and 1 / (3 * p - 2 * q) <= d < 1
    phi = (1 - d) / (d * (3 * p - 2 * q - 1))
    assert 0 < phi <= 1
    model = load(signal_pd(p, q, r))

    res = evaluate(model, [f"forgiving-trigger:{phi}"], d)
    assert res.exact
    assert res.values == (2 - (1 - p) / (p - q),) * 2
    assert res.values[0] == value(p, phi, d)  # the two forms of the closed form agree
    assert res.equilibrium.ppe and res.equilibrium.nash
    assert all(pl.ppe_gain == 0 for pl in res.equilibrium.players)  # the constraint binds: the gain is 0
    assert res.n_states == 2  # (peace, peace) and (war, war) only

    below = phi * F(9, 10)
    res = evaluate(model, [f"forgiving-trigger:{below}"], d)
    assert gain(p, q, below, d) > 0
    assert not res.equilibrium.ppe and not res.equilibrium.nash  # peace is where the path starts
    assert [pl.ppe_gain for pl in res.equilibrium.players] == [gain(p, q, below, d)] * 2
    assert res.values == (value(p, below, d),) * 2

    if phi < 1:
        above = (phi + 1) / 2
        res = evaluate(model, [f"forgiving-trigger:{above}"], d)
        assert res.equilibrium.ppe and res.equilibrium.nash
        assert res.values == (value(p, above, d),) * 2
        if p < 1:
            assert res.values[0] < 2 - (1 - p) / (p - q)
        else:
            assert res.values[0] == 2  # no bad signal at peace: phi never bites


# -- shared against independent ------------------------------------------------------------------------------

PAPER = (F(9, 10), F(1, 2), F(1, 5))  # p, q, r
D = F(9, 10)


def joint_names(profile, exact=True):
    chain, _ = profile_chain(profile, exact)
    return chain, {tuple(profile.automata[i].states[q] for i, q in enumerate(qs)) for qs, _ in chain.states}


@pytest.mark.parametrize("delay", [0, 1])
def test_shared_chain_never_mixes_peace_and_war_and_the_independent_one_does(delay):
    model = load(signal_pd(*PAPER, delay=delay))
    shared = bind_profile(model, ["forgiving-trigger:1/2"])
    independent = bind_profile(model, ["forgiving-trigger-independent:1/2"])
    assert all(b.automaton.shared for b in shared.automata)
    assert not any(b.automaton.shared for b in independent.automata)
    _, names = joint_names(shared)
    assert names == {("peace", "peace"), ("war", "war")}
    _, names = joint_names(independent)
    assert names == {("peace", "peace"), ("war", "war"), ("peace", "war"), ("war", "peace")}


def independent_value(p: F, q: F, phi: F, d: F) -> F:
    """Row's value at (peace, peace) when each player draws its own war lottery: four linear equations,
    solved by hand.  w = (peace, war): Row plays C against D (payoff S) and goes to war on a bad signal
    with probability phi; (war, peace) is the mirror image (Row earns T); (war, war) is worth P = 0."""
    # x = V(peace, war), y = V(war, peace) for Row; the partner at war never returns.
    # x = (1 - d) S + d [q x + (1 - q)((1 - phi) x + phi * 0)]
    x = (1 - d) * S / (1 - d + d * (1 - q) * phi)
    # y = (1 - d) T + d [q y + (1 - q)((1 - phi) y + phi * 0)]
    y = (1 - d) * T / (1 - d + d * (1 - q) * phi)
    # V = (1 - d) R + d [p V + (1 - p)((1 - phi)^2 V + phi (1 - phi)(x + y) + phi^2 * 0)]
    stay = p + (1 - p) * (1 - phi) ** 2
    return ((1 - d) * R + d * (1 - p) * phi * (1 - phi) * (x + y)) / (1 - d * stay)


@pytest.mark.parametrize("delay", [0, 1])
def test_shared_and_independent_values_differ_and_agree_with_simulation(delay):
    p, q, r = PAPER
    phi = F(1, 2)
    model = load(signal_pd(p, q, r, delay=delay))
    exact = {}
    for name in ("forgiving-trigger", "forgiving-trigger-independent"):
        res = evaluate(model, [f"{name}:{phi}"], D)
        assert res.exact
        exact[name] = res.values
        profile = bind_profile(model, [f"{name}:{phi}"])
        est = simulate_values(profile, float(D), paths=4000, seed=11 + delay)
        for v, m, se in zip(res.values, est.mean, est.stderr):
            assert abs(float(v) - m) <= 4 * se + est.truncation, (name, delay, float(v), m, se)
    if delay == 0:
        assert exact["forgiving-trigger"] == (value(p, phi, D),) * 2
        assert exact["forgiving-trigger-independent"] == (independent_value(p, q, phi, D),) * 2
    assert exact["forgiving-trigger"] != exact["forgiving-trigger-independent"]
    # the gap is far beyond the simulation's resolution, so agreeing with both is not vacuous
    assert abs(float(exact["forgiving-trigger"][0] - exact["forgiving-trigger-independent"][0])) > 0.05


@pytest.mark.parametrize("delay", [0, 1])
def test_simulated_shared_paths_never_mix_and_independent_ones_do(delay):
    model = load(signal_pd(*PAPER, delay=delay))
    for name, mixes in (("forgiving-trigger:1/2", False), ("forgiving-trigger-independent:1/2", True)):
        profile = bind_profile(model, [name])
        sample = simulate_paths(profile, 60, 400, seed=5)
        mixed = sample.states[:, :, 0] != sample.states[:, :, 1]
        assert bool(mixed.any()) is mixes, name
        # a single path ends at war, together (probability 1/4 on each bad signal) or apart: take twenty
        timelines = [simulate_path(profile, 100, seed) for seed in range(20)]
        assert any(len(set(row.states)) > 1 for tl in timelines for row in tl.periods) is mixes, name


def test_simulation_seeds_are_reproducible_with_shared_draws():
    profile = bind_profile(load(signal_pd(*PAPER)), ["forgiving-trigger:1/3"])
    assert simulate_path(profile, 50, 9) == simulate_path(profile, 50, 9)
    assert simulate_values(profile, 0.9, paths=200, seed=4) == simulate_values(profile, 0.9, paths=200, seed=4)
    a, b = simulate_paths(profile, 30, 50, 2), simulate_paths(profile, 30, 50, 2)
    assert all(np.array_equal(getattr(a, f), getattr(b, f))
               for f in ("states", "intended", "actual", "signal", "revealed"))


#: patterns that read the signal the same way from every seat
SYMMETRIC = ["clear", "all-blamed", "any-blamed", "always"]


@st.composite
def symmetric_profiles(draw):
    """A random 2x2 game under drawn monitoring with one random shared automaton ``s`` on symmetric patterns."""
    A = [[draw(st.integers(-3, 4)) for _ in range(2)] for _ in range(2)]
    B = [[draw(st.integers(-3, 4)) for _ in range(2)] for _ in range(2)]
    game = StageGame.bimatrix(A, B, actions=[["C", "D"], ["C", "D"]])
    states = [f"s{j}" for j in range(draw(st.integers(2, 3)))]
    plays = tuple(draw(distribution(["C", "D"])) for _ in states)
    rules = tuple(tuple((Pattern(p), draw(distribution(states)))
                        for p in draw(st.lists(st.sampled_from(SYMMETRIC), unique=True, min_size=1, max_size=3)))
                  for _ in states)
    auto = Automaton("s", tuple(states), draw(distribution(states)), plays, rules, lottery="shared")
    return RepeatedModel(game, draw(monitorings()), (("s", auto),))


@settings(max_examples=examples(20))
@given(symmetric_profiles(), st.sampled_from([F(1, 2), F(4, 5)]), st.integers(0, 2**31))
def test_one_shared_automaton_on_symmetric_patterns_never_parts(model, delta, seed):
    # Both seats read the same signal the same way, so they cut [0, 1) at the same points and one public
    # draw sends them to the same state: every joint state is (q, q), in the chain and on every path.
    profile = bind_profile(model, ["s"])
    chain, _ = profile_chain(profile, True)
    assert all(qs[0] == qs[1] for qs, _ in chain.states)
    sample = simulate_paths(profile, 30, 300, seed)
    assert np.array_equal(sample.states[:, :, 0], sample.states[:, :, 1])
    res = evaluate(model, ["s"], delta, exact=True)
    est = simulate_values(profile, float(delta), paths=2000, seed=seed)
    for exact_value, mean, se in zip(res.values, est.mean, est.stderr):
        assert abs(float(exact_value) - mean) <= 5 * se + est.truncation + 1e-9


#: both automata shared half the time (the coupling is what is under test), else one shared and one not
LOTTERY_PAIRS = st.sampled_from([("shared", "shared"), ("shared", "shared"), ("shared", "independent"),
                                 ("independent", "shared")])


@settings(max_examples=examples(20))
@given(random_profiles(), LOTTERY_PAIRS,
       st.sampled_from([F(1, 2), F(4, 5)]), st.integers(0, 2**31))
def test_random_profiles_with_either_lottery_agree_with_seeded_simulation(model, lotteries, delta, seed):
    # random automata (random transitions and starts, any monitoring, trembles, delays), each drawing its
    # lotteries one way or the other: the simulation draws u itself, so it checks the chain's coupling
    model = replace(model, strategies=tuple((name, replace(a, lottery=lot))
                                            for (name, a), lot in zip(model.strategies, lotteries)))
    res = evaluate(model, ["a", "b"], delta, exact=True)
    est = simulate_values(bind_profile(model, ["a", "b"]), float(delta), paths=2000, seed=seed)
    for exact_value, mean, se in zip(res.values, est.mean, est.stderr):
        # 5 standard errors: a false alarm has probability below 1e-6 per comparison
        assert abs(float(exact_value) - mean) <= 5 * se + est.truncation + 1e-9


# -- model files -----------------------------------------------------------------------------------------------

# peace cuts [0, 2/3) to peace and [2/3, 1) to war; war returns to peace on a good signal
LEFT = """[strategies.left]
lottery = "{lottery}"
initial = "peace"
states.peace = {{ play = "C", on = {{ any-blamed = {{ peace = "2/3", war = "1/3" }} }} }}
states.war = {{ play = "D", on = {{ clear = "peace" }} }}
"""
# the same doctrine with its states listed the other way round: peace cuts [0, 1/3) to war, [1/3, 1) to peace
RIGHT = """[strategies.right]
lottery = "{lottery}"
initial = "peace"
states.war = {{ play = "D", on = {{ clear = "peace" }} }}
states.peace = {{ play = "C", on = {{ any-blamed = {{ war = "1/3", peace = "2/3" }} }} }}
"""
# three states and a random start, one third each, in the order a, b, c
THIRDS = """[strategies.thirds]
lottery = "{lottery}"
initial = {{ a = "1/2", b = "1/2" }}
states.a = {{ play = "C", on = {{ any-blamed = {{ a = "1/3", b = "1/3", c = "1/3" }} }} }}
states.b = {{ play = "D", on = {{ any-blamed = {{ a = "1/3", b = "1/3", c = "1/3" }} }} }}
states.c = {{ play = "C", on = {{ clear = "a" }} }}
"""


def files(*tables: tuple[str, str]) -> str:
    return "".join(t.format(lottery=lot) for t, lot in tables)


def test_lottery_key_parses_and_defaults_to_independent():
    model = load(signal_pd(*PAPER, strategies=files((LEFT, "shared"), (RIGHT, "independent"))))
    assert model.strategy("left").lottery == "shared" and model.strategy("left").shared
    assert model.strategy("right").lottery == "independent" and not model.strategy("right").shared
    bare = LEFT.format(lottery="x").replace('lottery = "x"\n', "")
    assert load(signal_pd(*PAPER, strategies=bare)).strategy("left").lottery == "independent"


def test_lottery_round_trips_through_dump():
    model = load(signal_pd(*PAPER, strategies=files((LEFT, "shared"), (RIGHT, "independent"), (THIRDS, "shared"))))
    for fmt in ("toml", "json"):
        text, _ = dump_repeated(model, fmt)
        back = load_repeated("-", fmt, stdin=io.StringIO(text))
        for name in ("left", "right", "thirds"):
            assert back.strategy(name) == model.strategy(name), (fmt, name)
    assert automaton_to_mapping(model.strategy("left"))["lottery"] == "shared"
    assert "lottery" not in automaton_to_mapping(model.strategy("right"))  # the default is not written
    again = automaton_from_mapping("thirds", automaton_to_mapping(model.strategy("thirds")))
    assert again == model.strategy("thirds")


def edges_from(chain, profile, start, signal):
    """``{joint state names: probability}`` of the move from joint state ``start`` on signal ``signal``."""
    names = [tuple(profile.automata[i].states[q] for i, q in enumerate(qs)) for qs, _ in chain.states]
    s = names.index(start)
    e = next(k for k, (y, _) in enumerate(chain.events) if profile.signals.labels[y] == signal)
    out: Counter = Counter()
    for a, b, t, p in zip(chain.edge_s, chain.edge_e, chain.edge_t, chain.edge_p):
        if a == s and b == e:
            out[names[t]] += p
    return dict(out)


def test_a_user_written_shared_automaton_couples_two_players_exactly():
    model = load(signal_pd(*PAPER, strategies=files((THIRDS, "shared"))))
    profile = bind_profile(model, ["thirds"])
    chain, names = joint_names(profile)
    assert names == {("a", "a"), ("b", "b"), ("c", "c")}  # one public draw: the players never part
    init = {tuple(profile.automata[i].states[q] for i, q in enumerate(st[0])): p
            for st, p in zip(chain.states, chain.init) if p}
    assert init == {("a", "a"): F(1, 2), ("b", "b"): F(1, 2)}  # the start is one public draw too
    third = F(1, 3)
    assert edges_from(chain, profile, ("a", "a"), "bad") == {("a", "a"): third, ("b", "b"): third, ("c", "c"): third}
    # independently, the same automaton reaches all nine pairs, each with probability 1/9
    indep = bind_profile(load(signal_pd(*PAPER, strategies=files((THIRDS, "independent")))), ["thirds"])
    chain, names = joint_names(indep)
    assert len(names) == 9
    assert set(edges_from(chain, indep, ("a", "a"), "bad").values()) == {F(1, 9)}


def simulated_moves(profile, start, signal, *, periods=40, paths=3000, seed=1):
    """Counts of the simulated moves from joint state ``start`` on revealed signal ``signal``."""
    sample = simulate_paths(profile, periods, paths, seed)
    idx = [profile.automata[i].states.index(s) for i, s in enumerate(start)]
    y = profile.signals.labels.index(signal)
    at = (sample.states[:, :-1, 0] == idx[0]) & (sample.states[:, :-1, 1] == idx[1]) & (sample.revealed == y)
    nxt = sample.states[:, 1:][at]
    return Counter(tuple(profile.automata[i].states[q] for i, q in enumerate(row)) for row in nxt.tolist())


def close(counts: Counter, expected: dict) -> bool:
    """Every simulated frequency within four standard errors of its probability; impossible moves absent."""
    n = sum(counts.values())
    assert n > 500 and set(counts) <= set(expected), (n, counts)
    for k, prob in expected.items():
        sd = math.sqrt(float(prob * (1 - prob)) / n)
        assert abs(counts[k] / n - float(prob)) <= 4 * sd + 1e-12, (k, counts[k] / n, prob)
    return True


def test_different_state_orders_are_coupled_by_the_cut_rule():
    # By hand, with u the public draw: left goes to war for u in [2/3, 1), right for u in [0, 1/3).  The two
    # pieces are disjoint, so they never go to war together: (peace, war) 1/3, (peace, peace) 1/3 (u in
    # [1/3, 2/3)), (war, peace) 1/3, (war, war) 0.  Independent draws would give 4/9, 2/9, 2/9, 1/9.
    model = load(signal_pd(*PAPER, strategies=files((LEFT, "shared"), (RIGHT, "shared"))))
    profile = bind_profile(model, ["left", "right"])
    chain, _ = joint_names(profile)
    third = F(1, 3)
    expected = {("peace", "war"): third, ("peace", "peace"): third, ("war", "peace"): third}
    assert edges_from(chain, profile, ("peace", "peace"), "bad") == expected
    assert close(simulated_moves(profile, ("peace", "peace"), "bad"), expected)
    # the same automaton in both seats is coupled comonotonically: together, or not at all
    same = bind_profile(model, ["left", "left"])
    chain, _ = joint_names(same)
    expected = {("peace", "peace"): F(2, 3), ("war", "war"): third}
    assert edges_from(chain, same, ("peace", "peace"), "bad") == expected
    assert close(simulated_moves(same, ("peace", "peace"), "bad"), expected)


def test_a_shared_automaton_against_an_independent_one_draws_independently():
    # only one player reads the public lottery, so the joint move is the product of the two lotteries
    model = load(signal_pd(*PAPER, strategies=files((LEFT, "shared"), (RIGHT, "independent"))))
    profile = bind_profile(model, ["left", "right"])
    chain, _ = joint_names(profile)
    expected = {("peace", "peace"): F(4, 9), ("peace", "war"): F(2, 9), ("war", "peace"): F(2, 9),
                ("war", "war"): F(1, 9)}
    assert edges_from(chain, profile, ("peace", "peace"), "bad") == expected
    assert close(simulated_moves(profile, ("peace", "peace"), "bad"), expected)


def test_a_shared_random_start_is_one_public_draw_in_simulation():
    profile = bind_profile(load(signal_pd(*PAPER, strategies=files((THIRDS, "shared")))), ["thirds"])
    first = simulate_paths(profile, 1, 4000, seed=8).states[:, 0]
    assert np.array_equal(first[:, 0], first[:, 1])
    share = float(np.mean(first[:, 0] == 0))
    assert abs(share - 0.5) <= 4 * math.sqrt(0.25 / 4000)
    starts = {simulate_path(profile, 1, seed).periods[0].states for seed in range(40)}
    assert starts == {("a", "a"), ("b", "b")}


@pytest.mark.parametrize("line,fragment", [
    ('lottery = "public"', "strategies.left.lottery: unknown lottery 'public'"),
    ("lottery = 3", 'strategies.left.lottery: expected "shared" or "independent"'),
])
def test_a_bad_lottery_is_one_clear_line_naming_the_field(line, fragment):
    text = signal_pd(*PAPER, strategies=LEFT.format(lottery="shared").replace('lottery = "shared"', line))
    with pytest.raises(ModelError) as err:
        load(text)
    message = str(err.value)
    assert fragment in message and "\n" not in message, message


def test_float_cut_points_equal_in_exact_arithmetic_are_one_cut():
    # 1/6 + ... + 1/6 (five times) and 5/6 differ by a rounding step in floats; the sliver between them must
    # not become a joint move (s5 with peace) that cannot happen
    six_float = [(j, 1 / 6) for j in range(6)]
    six_exact = [(j, F(1, 6)) for j in range(6)]
    floats = joint_draws([six_float, [(0, 5 / 6), (1, 1 / 6)]], [True, True], False)
    exact = joint_draws([six_exact, [(0, F(5, 6)), (1, F(1, 6))]], [True, True], True)
    assert sorted(qs for qs, _ in floats) == sorted(qs for qs, _ in exact)
    assert all(abs(p - float(dict(exact)[qs])) < 1e-12 for qs, p in floats)
