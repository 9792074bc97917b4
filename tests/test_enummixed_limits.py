"""Enumeration at scale: the vertex matching, the limits, progress reports, and what a result's flags mean."""

from __future__ import annotations

import json
import random
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import solver.stage.enummixed as enummixed
from models import catalog
from models.errors import SolverError
from models.stage import StageGame
from solver.numeric.rational import positive_integer_matrix
from solver.stage.enummixed import complementary_pairs, max_vertices, polytope_vertices
from solver.stage.equilibria import nash_equilibria
from solver.stage.limits import stage_memory_advice
from strategies import examples

# -- the hash join finds exactly the pairs of the all-pairs comparison it replaces ----------------------


def all_pairs(p_labels, q_labels, m, n):
    """The matching before issue 6: compare every vertex of P with every vertex of Q."""
    full = (1 << (m + n)) - 1
    return sorted((i, j) for i, p in enumerate(p_labels) for j, q in enumerate(q_labels) if p | q == full)


def polytope_labels(A, B):
    """Label masks of the nonzero vertices of P and Q, as enummixed builds them."""
    m, n = len(A), len(A[0])
    Ap = positive_integer_matrix(np.array([[F(v) for v in r] for r in A], dtype=object))
    Bp = positive_integer_matrix(np.array([[F(v) for v in r] for r in B], dtype=object))
    P = [v for v in polytope_vertices(Bp.T, True) if any(v.coords)]
    Q = [v for v in polytope_vertices(Ap, True) if any(v.coords)]
    low_n = (1 << n) - 1
    return [v.tight for v in P], [((v.tight & low_n) << m) | (v.tight >> n) for v in Q]


@st.composite
def bimatrix_payoffs(draw):
    m, n = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    hi = draw(st.sampled_from([1, 2, 9]))  # payoffs 0..1 are almost always degenerate
    cells = st.lists(st.lists(st.integers(0, hi), min_size=n, max_size=n), min_size=m, max_size=m)
    return draw(cells), draw(cells)


@settings(max_examples=examples(60), deadline=None)
@given(bimatrix_payoffs(), st.sampled_from([enummixed.CHUNK_CELLS, 1, 7]))
def test_hash_join_equals_all_pairs_on_random_games(payoffs, chunk):
    A, B = payoffs
    m, n = len(A), len(A[0])
    p_labels, q_labels = polytope_labels(A, B)
    old = enummixed.CHUNK_CELLS
    enummixed.CHUNK_CELLS = chunk  # tiny chunks exercise the chunk boundaries
    try:
        assert complementary_pairs(p_labels, q_labels, m, n) == all_pairs(p_labels, q_labels, m, n)
    finally:
        enummixed.CHUNK_CELLS = old


def test_hash_join_with_more_than_62_labels():
    # random masks over 70 labels (two int64 words); m = 40 and n = 30 bits, some masks with extra bits
    rng = random.Random(3)
    m, n = 40, 30
    full = (1 << (m + n)) - 1

    def mask(k):
        return sum(1 << b for b in rng.sample(range(m + n), k))

    p_labels = [mask(rng.choice([m, m, m + 2])) for _ in range(60)]
    q_labels = [full & ~p for p in p_labels[:30]] + [mask(rng.choice([n, n + 3])) for _ in range(30)]
    q_labels += [(full & ~p_labels[5]) | (1 << 69) | 1]  # a degenerate superset of a complement
    got = complementary_pairs(p_labels, q_labels, m, n)
    assert got == all_pairs(p_labels, q_labels, m, n)
    assert len(got) >= 30  # every complement matched


def test_upper_bound_theorem_counts():
    # a d-simplex has d + 1 facets and d + 1 vertices; a d-cube 2d facets and 2^d vertices, below the bound
    assert [max_vertices(d, d + 1) for d in range(1, 6)] == [2, 3, 4, 5, 6]
    assert all(max_vertices(d, 2 * d) >= 2**d for d in range(1, 10))
    # the 3-polytope with 6 facets and the most vertices (the dual of the cyclic polytope C(6, 3)) has 8
    assert max_vertices(3, 6) == 8


# -- limits: a clear SolverError, never a kill ---------------------------------------------------------


def test_vertex_limit_stops_with_advice(monkeypatch):
    monkeypatch.setattr(enummixed, "MAX_VERTICES", 5)
    rng = np.random.default_rng(1)
    game = StageGame.bimatrix(rng.integers(0, 10, (5, 5)).tolist(), rng.integers(0, 10, (5, 5)).tolist())
    with pytest.raises(SolverError, match=r"more than 5 vertices; use --method lemke-howson") as err:
        nash_equilibria(game, "enummixed")
    assert "--float" in str(err.value)
    # the float path says the same, without suggesting --float
    with pytest.raises(SolverError, match="lemke-howson") as err:
        nash_equilibria(game, "enummixed", exact=False)
    assert "--float" not in str(err.value)


def test_pending_tableau_limit(monkeypatch):
    monkeypatch.setattr(enummixed, "MAX_PENDING_TABLEAU_ENTRIES", 10)
    with pytest.raises(SolverError, match="tableau entries; use --method lemke-howson"):
        nash_equilibria(catalog.load("battle-of-the-sexes"), "enummixed")


def test_basis_limit(monkeypatch):
    monkeypatch.setattr(enummixed, "MAX_BASES", 3)
    with pytest.raises(SolverError, match="more than 3 bases"):
        nash_equilibria(catalog.load("battle-of-the-sexes"), "enummixed")


def test_stage_memory_advice_speaks_of_stage_games():
    text = stage_memory_advice((20, 20), "enummixed")
    assert "20x20" in text and "lemke-howson" in text and "automaton" not in text
    assert "--float" in stage_memory_advice((3, 3, 3), "pure")


# -- progress: through the callback only ---------------------------------------------------------------


def test_progress_goes_to_the_callback_and_nothing_is_printed(monkeypatch, capsys):
    monkeypatch.setattr(enummixed, "REPORT_EVERY", 10)
    monkeypatch.setattr(enummixed, "ENUMMIXED_WARN_ACTIONS", 3)
    heard = []
    rng = np.random.default_rng(0)
    game = StageGame.bimatrix(rng.integers(0, 10, (4, 4)).tolist(), rng.integers(0, 10, (4, 4)).tolist())
    quiet = nash_equilibria(game, "enummixed")
    loud = nash_equilibria(game, "enummixed", progress=lambda msg, transient: heard.append((msg, transient)))
    assert loud == quiet
    notes = [m for m, t in heard if not t]
    counts = [m for m, t in heard if t]
    assert len(notes) == 1 and "4x4" in notes[0] and "lemke-howson" in notes[0]
    assert any("bases" in m for m in counts) and any("matching" in m for m in counts)
    assert capsys.readouterr() == ("", "")


# -- what "complete" means ----------------------------------------------------------------------------


def test_pure_method_is_complete_for_pure_equilibria_only():
    # battle of the sexes: two pure equilibria and one mixed (Osborne and Rubinstein 1994, Example 15.3)
    game = catalog.load("battle-of-the-sexes")
    pure = nash_equilibria(game, "pure")
    assert (pure.kind, pure.complete, len(pure.equilibria)) == ("pure", True, 2)
    assert "complete for pure equilibria" in pure.notes[0]
    every = nash_equilibria(game, "enummixed")
    assert (every.kind, every.complete, len(every.equilibria)) == ("extreme", True, 3)
    one = nash_equilibria(game, "lemke-howson")
    assert (one.kind, one.complete, len(one.equilibria)) == ("one", False, 1)
    data = json.loads(json.dumps(pure.to_dict()))
    assert data["kind"] == "pure" and data["complete"] is True


def test_analysis_sections_arrive_one_by_one_with_a_warning_before_a_large_exact_lp(monkeypatch):
    import solver.stage.correlated as correlated
    from solver.stage.analysis import analysis_sections, analyze_game

    monkeypatch.setattr(correlated, "EXACT_LP_WARN_CELLS", 1)
    game = catalog.load("prisoners-dilemma")
    heard = []
    names = []
    for section in analysis_sections(game, progress=lambda msg, transient: heard.append((msg, transient))):
        names.append(section.name)
        # the warning about the correlated LP comes only once the earlier sections are out
        assert any("--float" in m for m, t in heard if not t) == (section.name == "correlated")
    assert names == ["dominance", "pure", "minmax", "correlated"]
    whole = analyze_game(game)
    assert whole.minmax is whole.security and whole.minmax.zero_sum is False


class _Stop(Exception):
    pass


def test_exact_mixed_dominance_on_a_large_game_warns_before_the_lps():
    # a 40x40 exact game: the LPs take about a minute; the warning (suggesting --float) must come first
    from solver.stage.dominance import iterated_dominance

    rng = np.random.default_rng(40)
    big = StageGame.bimatrix(rng.integers(0, 10, (40, 40)).tolist(), rng.integers(0, 10, (40, 40)).tolist())
    said: list[str] = []

    def stop(message: str, transient: bool) -> None:
        said.append(message)
        raise _Stop

    with pytest.raises(_Stop):
        iterated_dominance(big, progress=stop)
    assert len(said) == 1 and "--float" in said[0] and "128,000 cells" in said[0]
    # small games, float games and pure-only dominance go ahead without a word
    quiet: list[str] = []
    small = StageGame.bimatrix(rng.integers(0, 10, (5, 5)).tolist(), rng.integers(0, 10, (5, 5)).tolist())
    iterated_dominance(small, progress=lambda m, t: quiet.append(m))
    iterated_dominance(big, mixed=False, progress=lambda m, t: quiet.append(m))
    assert quiet == []
