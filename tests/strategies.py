"""Hypothesis generators for valid games (tested in test_strategies.py), and the per-profile draw budget."""

from __future__ import annotations

import itertools
import os
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from models.stage import StageGame

# -- how many draws a property test makes (the profiles are registered in conftest.py) ----------------------

HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
DEFAULT_EXAMPLES = 40  # a test that names no budget
THOROUGH_EXAMPLES = 500


def examples(n: int) -> int:
    """The ``max_examples`` of a property test whose budget under the default profile is ``n``.

    ``@settings(max_examples=examples(n))`` draws ``n`` examples under ``ci`` and ``explore`` and at least
    ``THOROUGH_EXAMPLES`` under ``thorough``. A bare ``@settings(max_examples=n)`` would override every
    profile, so no test pins the number directly.
    """
    if HYPOTHESIS_PROFILE == "thorough":
        return max(n, THOROUGH_EXAMPLES)
    return n


@st.composite
def integer_bimatrix(draw, min_actions: int = 1, max_actions: int = 4, lo: int = 0, hi: int = 9) -> StageGame:
    """Two-player games with small integer payoffs: ties are frequent, so many are degenerate."""
    m = draw(st.integers(min_actions, max_actions))
    n = draw(st.integers(min_actions, max_actions))
    vals = st.integers(lo, hi)
    A = [[draw(vals) for _ in range(n)] for _ in range(m)]
    B = [[draw(vals) for _ in range(n)] for _ in range(m)]
    return StageGame.bimatrix(A, B)


@st.composite
def rational_bimatrix(draw, max_actions: int = 4) -> StageGame:
    """Two-player games with fraction payoffs p/q."""
    m = draw(st.integers(1, max_actions))
    n = draw(st.integers(1, max_actions))
    vals = st.fractions(min_value=-5, max_value=5, max_denominator=7)
    A = [[draw(vals) for _ in range(n)] for _ in range(m)]
    B = [[draw(vals) for _ in range(n)] for _ in range(m)]
    return StageGame.bimatrix(A, B)


@st.composite
def normal_bimatrix(draw, min_actions: int = 2, max_actions: int = 5) -> StageGame:
    """Two-player games with standard-normal float payoffs (nondegenerate with probability one)."""
    m = draw(st.integers(min_actions, max_actions))
    n = draw(st.integers(min_actions, max_actions))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return StageGame.bimatrix(rng.standard_normal((m, n)), rng.standard_normal((m, n)))


@st.composite
def integer_games(draw, min_players: int = 2, max_players: int = 4, max_actions: int = 3,
                  lo: int = -3, hi: int = 3) -> StageGame:
    """N-player games with small integer payoffs."""
    n = draw(st.integers(min_players, max_players))
    shape = tuple(draw(st.integers(1, max_actions)) for _ in range(n))
    size = int(np.prod(shape))
    arrays = [np.array(draw(st.lists(st.integers(lo, hi), min_size=size, max_size=size)),
                       dtype=object).reshape(shape) for _ in range(n)]
    return StageGame.from_payoffs(arrays)


@st.composite
def no_saddle_2x2(draw, bound: int = 9) -> tuple[int, int, int, int]:
    """Entries a, b, c, d of a 2x2 zero-sum game [[a, b], [c, d]] with no pure saddle point.

    That happens exactly when both diagonal entries beat both off-diagonal ones, or both lose to them;
    the games are built that way rather than filtered, so no draw is wasted.
    """
    b, c = draw(st.integers(-bound, bound)), draw(st.integers(-bound, bound))
    if draw(st.booleans()):
        diagonal = st.integers(max(b, c) + 1, max(b, c) + bound)
    else:
        diagonal = st.integers(min(b, c) - bound, min(b, c) - 1)
    return draw(diagonal), b, c, draw(diagonal)


@st.composite
def mixed_strategy(draw, k: int) -> tuple[Fraction, ...]:
    """An exact probability vector of length k."""
    weights = [draw(st.integers(0, 5)) for _ in range(k)]
    if sum(weights) == 0:
        weights[draw(st.integers(0, k - 1))] = 1
    total = sum(weights)
    return tuple(Fraction(w, total) for w in weights)


@st.composite
def permutations_of(draw, game: StageGame) -> tuple[list[int], list[list[int]]]:
    """A relabelling of ``game``: a player order and an action order per player."""
    order = draw(st.permutations(list(range(game.n_players))))
    actions = [draw(st.permutations(list(range(k)))) for k in game.shape]
    return list(order), [list(a) for a in actions]


# -- repeated games -----------------------------------------------------------------------------------------

from models.automata import Automaton, Pattern  # noqa: E402
from models.monitoring import AttributionMonitoring, Clarification, PerfectMonitoring  # noqa: E402
from models.repeated import RepeatedModel  # noqa: E402

_PATTERNS = ["clear", "other-blamed", "self-blamed", "all-blamed", "any-blamed", "always"]


@st.composite
def probability(draw, max_denominator: int = 8, allow_zero: bool = True) -> Fraction:
    den = draw(st.integers(1, max_denominator))
    num = draw(st.integers(0 if allow_zero else 1, den))
    return Fraction(num, den)


@st.composite
def distribution(draw, names: list[str]):
    """A distribution over ``names`` with small exact probabilities (often degenerate)."""
    weights = [draw(st.integers(0, 3)) for _ in names]
    if sum(weights) == 0:
        weights[draw(st.integers(0, len(names) - 1))] = 1
    total = sum(weights)
    return tuple((n, Fraction(w, total)) for n, w in zip(names, weights) if w)


@st.composite
def automata(draw, actions: list[str], max_states: int = 3, name: str = "random") -> Automaton:
    """Random player-relative automata over ``actions`` using blame patterns (valid under any monitoring)."""
    k = draw(st.integers(1, max_states))
    states = [f"s{j}" for j in range(k)]
    plays = tuple(draw(distribution(actions)) for _ in states)
    rules = []
    for _ in states:
        pats = draw(st.lists(st.sampled_from(_PATTERNS), unique=True, max_size=3))
        rules.append(tuple((Pattern(p), draw(distribution(states))) for p in pats))
    initial = draw(distribution(states))
    return Automaton(name, tuple(states), initial, plays, tuple(rules))


@st.composite
def monitorings(draw, clarification: bool = True):
    """Random exact monitoring: perfect or attribution (optionally with a channel), trembles, small delays."""
    tremble = draw(st.sampled_from([Fraction(0), Fraction(1, 10), Fraction(1, 4)]))
    delay = draw(st.integers(0, 1))
    if draw(st.booleans()):
        return PerfectMonitoring(tremble=tremble, delay=delay)
    clar = None
    if clarification and draw(st.booleans()):
        clar = Clarification(draw(probability()), draw(probability()), draw(st.sampled_from([0, Fraction(1, 10)])))
    return AttributionMonitoring(tremble=tremble, delay=delay, detection=draw(probability()),
                                 false_flag=draw(probability()), clarification=clar)


# -- shared helpers of the tests (independent of the implementation) ---------------------------------------


@st.composite
def pd_payoffs(draw):
    """Prisoner's dilemma payoffs T > R > P > S (integers)."""
    S = draw(st.integers(-5, 3))
    P = S + draw(st.integers(1, 4))
    R = P + draw(st.integers(1, 4))
    T = R + draw(st.integers(1, 4))
    return T, R, P, S


def pd(T, R, P, S) -> StageGame:
    """The prisoner's dilemma with temptation T, reward R, punishment P and sucker's payoff S (actions C, D)."""
    return StageGame.bimatrix([[R, S], [T, P]], [[R, T], [S, P]], actions=[["C", "D"], ["C", "D"]])


def deviation_payoff(arr, profile, i, a):
    """u_i(a, sigma_-i) for payoff array ``arr``: a sum over the pure profiles of the others, by brute force."""
    total = Fraction(0)
    for cell in itertools.product(*(range(k) for k in arr.shape)):
        if cell[i] != a:
            continue
        weight = Fraction(1)
        for j, b in enumerate(cell):
            if j != i:
                weight *= profile[j][b]
        total += weight * arr[cell]
    return total


@st.composite
def random_profiles(draw, max_states: int = 3):
    """A repeated 2x2 game (payoffs -3..4) under drawn monitoring, with two drawn automata named a and b."""
    A = [[draw(st.integers(-3, 4)) for _ in range(2)] for _ in range(2)]
    B = [[draw(st.integers(-3, 4)) for _ in range(2)] for _ in range(2)]
    game = StageGame.bimatrix(A, B, actions=[["C", "D"], ["C", "D"]])
    a = draw(automata(["C", "D"], max_states, name="a"))
    b = draw(automata(["C", "D"], max_states, name="b"))
    return RepeatedModel(game, draw(monitorings()), (("a", a), ("b", b)))
