"""Float-path probabilities carry no rounding noise: no negative or tiny entries, sums of 1 within an ulp.

Issue 6: JSON showed entries like 7.8e-16 and 0.9999999999999992.  The two seeded games below gave, before
the fix, ``(1.0000000000000007, -6.661338147750941e-16, 0.0)`` and ``(1.0000000000000009, 0.0, 0.0,
-7.771561172376099e-16, 0.0, 0.0)`` from enummixed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.stage import StageGame
from solver.numeric.tolerance import snap_distribution
from solver.stage.correlated import max_welfare_correlated
from solver.stage.equilibria import nash_equilibria
from solver.stage.minmax import minmax_levels
from strategies import examples

ULP = 2.0**-52


def clean(p) -> bool:
    """Every entry 0 or clearly positive, none above 1, and the entries sum to 1 within an ulp."""
    return all(v == 0 or 1e-12 < v <= 1 for v in p) and abs(math.fsum(p) - 1) <= ULP


def noisy_game(seed: int, kind: int) -> StageGame:
    rng = np.random.default_rng(seed)
    m, n = rng.integers(2, 7, 2)
    if kind == 1:
        return StageGame.bimatrix(rng.integers(0, 4, (m, n)) / 3.0, rng.integers(0, 4, (m, n)) / 7.0)
    return StageGame.bimatrix(rng.integers(0, 4, (m, n)) * 0.1, rng.integers(0, 4, (m, n)) * 0.1)


@pytest.mark.parametrize("seed,kind", [(2, 2), (7, 1)])
def test_seeded_games_that_gave_noise(seed, kind):
    game = noisy_game(seed, kind)
    res = nash_equilibria(game, "enummixed")
    assert not res.exact and res.equilibria
    for e in res.equilibria:
        assert all(clean(s) for s in e.profile), e.profile
    # a pure strategy is exactly a unit vector
    assert any(e.is_pure for e in res.equilibria)


def test_lemke_howson_float_path_is_clean():
    # without snapping, Row's strategy here came out as (0, 0, 1/3, 7.4e-17, 2/3)
    A = np.array([[1, 1, 0, 0], [0, 0, 4, 3], [4, 2, 3, 4], [3, 3, 2, 2], [4, 1, 4, 3]]) / 7.0
    B = np.array([[0, 1, 4, 2], [0, 3, 3, 4], [0, 0, 4, 0], [2, 0, 1, 2], [2, 2, 0, 0]]) / 7.0
    game = StageGame.bimatrix(A, B)
    for label in range(1, 10):
        (eq,) = nash_equilibria(game, "lemke-howson", label=label).equilibria
        assert all(clean(s) for s in eq.profile), (label, eq.profile)


def test_snap_distribution_examples():
    assert snap_distribution([0.9999999999999992, 7.8e-16]) == (1.0, 0.0)
    assert snap_distribution([1.0000000000000009, 0.0, -7.7e-16]) == (1.0, 0.0, 0.0)
    out = snap_distribution([0.25, 0.25, 0.5 + 3e-16])
    assert out[:2] == (0.25, 0.25) and abs(math.fsum(out) - 1) <= ULP
    # genuine small probabilities above the tolerance are kept
    assert snap_distribution([1 - 1e-6, 1e-6])[1] == pytest.approx(1e-6)


@st.composite
def fractional_float_bimatrix(draw):
    """Float games whose payoffs k/3 and k/10 are not exact binary fractions: pivoting rounds."""
    m, n = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    den = draw(st.sampled_from([3.0, 7.0, 10.0]))
    cells = st.lists(st.lists(st.integers(0, 4), min_size=n, max_size=n), min_size=m, max_size=m)
    return StageGame.bimatrix(np.array(draw(cells)) / den, np.array(draw(cells)) / den)


@settings(max_examples=examples(40), deadline=None)
@given(fractional_float_bimatrix())
def test_every_float_distribution_is_clean(game):
    for method in ("enummixed", "lemke-howson"):
        for e in nash_equilibria(game, method, exact=False).equilibria:
            assert all(clean(s) for s in e.profile)
    for lvl in minmax_levels(game, exact=False).levels:
        assert clean(lvl.maxmin_strategy) and clean(lvl.minmax_punishment[0])
    assert clean([p for _, p in max_welfare_correlated(game, exact=False).distribution])
