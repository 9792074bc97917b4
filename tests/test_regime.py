"""Regimes of a sweep and their exact boundaries, against pointwise exact evaluations and closed forms.

The pieces of :func:`solver.sweep.regime.exact_pieces` are checked against the truth at points, computed
independently: every doctrine evaluated at the point by :func:`solver.repeated.evaluation.evaluate`
(exact where the point is rational), welfare the states' values summed, the PPE verdict its check.

**Grim's attribution threshold** (derived in tests/test_thresholds.py): with T = gain - cost, R = 0,
P = gain - cost - damage, grim is a PPE iff detection >= f + (T - R)(1/delta - (1 - f)^2) / ((1 - f)(R - P)),
f the false-flag rate.  In the default scenario no other doctrine is a PPE at so low a detection rate, so
the regime changes there: from "no equilibrium" to grim.
"""

from __future__ import annotations

import os
import sys
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import ModelError
from models.scenario import Entry, Scenario
from solver.compare.best import resolve_best
from solver.repeated.delta_sets.intervals import Interval
from solver.repeated.evaluation import evaluate
from solver.sweep.regime import Piece, _Doctrine, _pieces, cell_regimes, exact_pieces, pieces_at, regime_of
from strategies import examples

BASE = Scenario()


def resolved(scenario: Scenario) -> list[tuple[str, str, Entry]]:
    """The scenario's doctrines in compare's order, each ``:best`` resolved once at the scenario's values."""
    out = []
    for entry, family in [(e, "deterrence") for e in scenario.deterrence] + [(e, "norm") for e in scenario.norms]:
        played = resolve_best(scenario, entry).doctrine if entry.tuned else entry.doctrine
        out.append((entry.label, family, Entry(played, entry.levers)))
    return out


ENTRIES = resolved(BASE)


def truth(scenario: Scenario, entries, axis: str, x, *, exact: bool = True):
    """The regime at one point, from an evaluation of every doctrine there."""
    s = scenario.with_values({axis: x})
    figures = []
    for label, family, entry in entries:
        r = evaluate(s.model(entry.levers), s.seats(entry.doctrine), s.value("delta"), exact=exact)
        assert r.exact is exact
        figures.append((label, family, sum(r.values[i] for i in s.strategic), r.equilibrium.ppe))
    return regime_of(figures, scale=3.0)


def grim_threshold(scenario: Scenario, f: F) -> F:
    gain, damage, cost, delta = (scenario.value(k) for k in ("gain", "damage", "cost", "delta"))
    T, R, P = gain - cost, F(0), gain - cost - damage
    return f + (T - R) * (1 / delta - (1 - f) ** 2) / ((1 - f) * (R - P))


# -- regime_of -------------------------------------------------------------------------------------------


def test_regime_of_picks_the_best_equilibrium_of_each_family():
    r = regime_of([("grim", "deterrence", F(-2), True), ("tft", "deterrence", F(-1), False),
                   ("wsls", "norm", F(-1, 2), True), ("contrite", "norm", F(0), False)])
    # tft and contrite earn more but are not equilibria
    assert (r.best, r.family, r.best_norm, r.best_deterrence, r.gap, r.no_norm) == (
        "wsls", "norm", "wsls", "grim", F(3, 2), False)


def test_regime_of_deterrence_wins_when_it_earns_more():
    r = regime_of([("grim", "deterrence", F(-1, 3), True), ("wsls", "norm", F(-1, 2), True)])
    assert (r.best, r.family, r.gap) == ("grim", "deterrence", F(-1, 6))


def test_regime_of_ties():
    # within a family the first listed wins; across families a tie (gap 0) goes to deterrence
    r = regime_of([("punish:2", "deterrence", F(-1), True), ("grim", "deterrence", F(-1), True),
                   ("contrite", "norm", F(-1), True), ("wsls", "norm", F(-1), True)])
    assert (r.best, r.family, r.best_deterrence, r.best_norm, r.gap) == (
        "punish:2", "deterrence", "punish:2", "contrite", 0)
    # float noise is not a difference (with no false flags every doctrine earns exactly 0) ...
    r = regime_of([("grim", "deterrence", 0.0, True), ("wsls", "norm", 1.1e-16, True)])
    assert r.best == "grim"
    r = regime_of([("contrite", "norm", 0.0, True), ("wsls", "norm", 2e-16, True)])
    assert r.best_norm == "contrite"
    # ... but a real one is
    r = regime_of([("grim", "deterrence", 0.0, True), ("wsls", "norm", 1e-9, True)])
    assert r.best == "wsls"


def test_regime_of_no_equilibrium_and_no_norm():
    r = regime_of([("grim", "deterrence", F(0), False), ("wsls", "norm", F(1), False)])
    assert (r.best, r.family, r.best_norm, r.best_deterrence, r.gap, r.no_norm) == (None, None, None, None, None,
                                                                                    True)
    r = regime_of([("grim", "deterrence", F(-2), True), ("wsls", "norm", F(1), False)])
    assert (r.best, r.family, r.best_norm, r.gap, r.no_norm) == ("grim", "deterrence", None, None, True)
    r = regime_of([("wsls", "norm", F(-3), True)])
    assert (r.best, r.best_deterrence, r.gap, r.no_norm) == ("wsls", None, None, False)
    assert regime_of([]).best is None
    with pytest.raises(ModelError, match="unknown family 'treaty'"):
        regime_of([("x", "treaty", 0, True)])


@settings(max_examples=examples(60))
@given(st.lists(st.tuples(st.sampled_from(["deterrence", "norm"]), st.integers(-3, 3), st.booleans()), max_size=7))
def test_regime_of_is_the_largest_welfare_among_equilibria(rows):
    figures = [(f"d{k}", fam, F(w), ppe) for k, (fam, w, ppe) in enumerate(rows)]
    r = regime_of(figures)
    eq = [f for f in figures if f[3]]
    for family, best in (("deterrence", r.best_deterrence), ("norm", r.best_norm)):
        mine = [f for f in eq if f[1] == family]
        if not mine:
            assert best is None
            continue
        top = max(w for _, _, w, _ in mine)
        # the first listed of those with the largest welfare
        assert best == next(label for label, _, w, _ in mine if w == top)
    assert r.no_norm == (r.best_norm is None)
    welfare = {label: w for label, _, w, _ in figures}
    if r.best is not None:
        others = [welfare[x] for x in (r.best_norm, r.best_deterrence) if x is not None]
        assert welfare[r.best] == max(others)
    if r.best_norm is not None and r.best_deterrence is not None:
        assert r.gap == welfare[r.best_norm] - welfare[r.best_deterrence]
        assert r.best == (r.best_norm if r.gap > 0 else r.best_deterrence)


def test_cell_regimes_groups_rows_read_from_csv():
    rows = [
        {"detection": "0.5", "false_flag": "0", "doctrine": "grim", "family": "deterrence", "welfare": "-2",
         "ppe": "true", "error": ""},
        {"detection": "0.5", "false_flag": "0", "doctrine": "wsls", "family": "norm", "welfare": "",
         "ppe": "", "error": "LinAlgError: singular matrix"},
        {"detection": "1/2", "false_flag": "1/10", "doctrine": "grim", "family": "deterrence", "welfare": "-3",
         "ppe": "False", "error": ""},
        {"detection": "1/2", "false_flag": "1/10", "doctrine": "wsls", "family": "norm", "welfare": "-1",
         "ppe": "True", "error": None},
    ]
    cells = cell_regimes(rows, ["detection", "false_flag"])
    assert list(cells) == [(0.5, F(0)), (F(1, 2), F(1, 10))]
    a, b = cells[(0.5, F(0))], cells[(F(1, 2), F(1, 10))]
    assert (a.best, a.no_norm, a.missing) == ("grim", True, ("wsls",))
    assert (b.best, b.family, b.best_deterrence, b.gap, b.missing) == ("wsls", "norm", None, None, ())
    with pytest.raises(ModelError, match="no column 'false_flag'"):
        cell_regimes([{"detection": 1, "doctrine": "grim", "family": "deterrence"}], ["detection", "false_flag"])
    with pytest.raises(ModelError, match="expected true or false"):
        cell_regimes([dict(rows[0], ppe="maybe")], ["detection"])


# -- exact pieces along detection, default scenario --------------------------------------------------------

FALSE_FLAGS = (F(1, 20), F(1, 10))


@pytest.fixture(scope="module")
def pieces() -> dict[F, tuple[Piece, ...]]:
    return {f: exact_pieces(BASE.with_values({"false_flag": f}), ENTRIES, "detection", 0, 1) for f in FALSE_FLAGS}


def _side(p: Piece, toward_hi: bool) -> F:
    """A rational point inside piece ``p``, very close to one of its ends."""
    lo, hi = F(p.lo), F(p.hi)
    eps = min((hi - lo) / 8, F(1, 10**6))
    return hi - eps if toward_hi else lo + eps


@pytest.mark.parametrize("f", FALSE_FLAGS)
def test_every_piece_is_the_regime_at_its_point(pieces, f):
    ps = pieces[f]
    scenario = BASE.with_values({"false_flag": f})
    assert ps[0].lo == 0 and ps[-1].hi == 1 and all(p.exact for p in ps)
    assert all(p.hi == q.lo for p, q in zip(ps, ps[1:]))
    for p in ps:
        assert p.lo <= p.at <= p.hi and (p.lo < p.at < p.hi or p.lo == p.hi)
        if isinstance(p.at, F):
            assert truth(scenario, ENTRIES, "detection", p.at) == p.regime  # gap included, exactly
        else:  # an irrational knife-edge point: only floats can stand on it
            got = truth(scenario, ENTRIES, "detection", p.at, exact=False)
            assert got.key == p.regime.key
            assert float(got.gap) == pytest.approx(float(p.regime.gap), abs=1e-9)


@pytest.mark.parametrize("f", FALSE_FLAGS)
def test_regimes_differ_on_the_two_sides_of_every_boundary(pieces, f):
    ps = pieces[f]
    scenario = BASE.with_values({"false_flag": f})
    wide = [p for p in ps if p.lo != p.hi]
    for p, q in zip(ps, ps[1:]):
        assert p.regime.key != q.regime.key
    for p, q in zip(wide, wide[1:]):
        # just inside each side of the boundary (or of the knife-edge point between them)
        left = truth(scenario, ENTRIES, "detection", _side(p, True), exact=False)
        right = truth(scenario, ENTRIES, "detection", _side(q, False), exact=False)
        assert left.key == p.regime.key and right.key == q.regime.key
        between = [z for z in ps if z.lo == z.hi == p.hi]
        if not between:
            assert left.key != right.key
        else:
            assert all(z.regime.key not in (left.key, right.key) for z in between)


@pytest.mark.parametrize("f", FALSE_FLAGS)
def test_grim_threshold_is_a_boundary_where_the_closed_form_says(pieces, f):
    ps = pieces[f]
    x = grim_threshold(BASE, f)
    scenario = BASE.with_values({"false_flag": f})
    # the closed form, checked on its own: grim is a PPE at x and not just below it
    grim = [e for e in ENTRIES if e[0] == "grim"]
    assert truth(scenario, grim, "detection", x).best == "grim"
    assert truth(scenario, grim, "detection", x - F(1, 10**6)).best is None
    left = [p for p in ps if p.hi == x]
    right = [p for p in ps if p.lo == x]
    assert left and right and isinstance(left[0].hi, F)
    assert left[0].regime.best_deterrence != "grim" and right[0].regime.best_deterrence == "grim"
    assert left[0].regime.best is None and right[0].regime.best == "grim"


def test_grim_threshold_with_other_payoffs():
    scenario = BASE.with_values({"gain": 3, "damage": 4, "cost": 1, "delta": F(4, 5), "false_flag": F(1, 20)})
    entries = [("grim", "deterrence", Entry("grim")), ("wsls", "norm", Entry("wsls"))]
    ps = exact_pieces(scenario, entries, "detection", 0, 1)
    x = grim_threshold(scenario, F(1, 20))
    assert x == F(1, 20) + 2 * (F(5, 4) - F(361, 400)) / (F(19, 20) * 2)
    assert any(p.hi == x and p.regime.best is None for p in ps)
    assert [p.regime.best_deterrence for p in pieces_at(ps, x + F(1, 10**6))] == ["grim"]
    for p in ps:
        assert truth(scenario, entries, "detection", p.at) == p.regime


def test_welfare_crossing_is_a_boundary():
    # with trembles, along delta, win-stay-lose-shift and forgiving trigger (PHI = 1/10) trade places as the
    # best norm, both equilibria on either side
    scenario = BASE.with_values({"tremble": F(1, 20)})
    entries = [("grim", "deterrence", Entry("grim")), ("wsls", "norm", Entry("wsls")),
               ("forgiving-trigger:1/10", "norm", Entry("forgiving-trigger:1/10"))]
    ps = exact_pieces(scenario, entries, "delta", F(4, 5), F(99, 100))
    swaps = [(p, q) for p, q in zip(ps, ps[1:])
             if {p.regime.best_norm, q.regime.best_norm} == {"wsls", "forgiving-trigger:1/10"}]

    def figures(x, exact=True):
        s = scenario.with_values({"delta": x})
        out = {}
        for label, _, entry in entries[1:]:
            r = evaluate(s.model(), s.seats(entry.doctrine), x, exact=exact)
            out[label] = (sum(r.values), r.equilibrium.ppe)
        return out

    # a swap is a crossing when both norms are equilibria on both sides; the other swap is forgiving trigger
    # becoming an equilibrium (at delta 0.9038)
    sides = [(figures(_side(p, True)), figures(_side(q, False))) for p, q in swaps]
    crossing = [k for k, (below, above) in enumerate(sides)
                if all(ppe for side in (below, above) for _, ppe in side.values())]
    assert len(swaps) == 2 and len(crossing) == 1
    p, q = swaps[crossing[0]]
    below, above = sides[crossing[0]]
    assert max(below, key=lambda k: below[k][0]) == p.regime.best_norm
    assert max(above, key=lambda k: above[k][0]) == q.regime.best_norm
    at = figures(float(p.hi), exact=False)
    assert abs(at["wsls"][0] - at["forgiving-trigger:1/10"][0]) < 1e-12
    for r in (p, q):
        assert truth(scenario, entries, "delta", r.at) == r.regime


def test_grid_pieces_are_marked_and_near_the_exact_ones():
    scenario = BASE.with_values({"false_flag": F(1, 20)})
    entries = [("grim", "deterrence", Entry("grim"))]
    exact = exact_pieces(scenario, entries, "detection", 0, 1)
    grid = exact_pieces(scenario, entries, "detection", 0, 1, exact=False)
    assert all(p.exact for p in exact) and not any(p.exact for p in grid)
    assert [p.regime.key for p in grid] == [p.regime.key for p in exact]
    assert float(grid[0].hi) == pytest.approx(float(grim_threshold(BASE, F(1, 20))), abs=1e-9)


def _curve(label, family, welfare, polys=None, ppe=((0, 1),)):
    ivs = tuple(Interval(F(a), F(b), True, True) for a, b in ppe)
    return _Doctrine(label, family, ivs, polys is not None, welfare, polys)


def test_crossings_of_synthetic_curves():
    # welfare t^2 against 1/2 (both PPE on [0, 1]): they cross at 1/sqrt(2), an irrational point
    rising = _curve("up", "norm", lambda t: t * t, ([F(0), F(0), F(1)], [F(1)]))
    flat = _curve("flat", "norm", lambda t: F(1, 2), ([F(1, 2)], [F(1)]))
    ps = _pieces([flat, rising], F(0), F(1), open_hi=False)
    assert [p.regime.best for p in ps] == ["flat", "up"]
    assert ps[0].hi == pytest.approx(2 ** -0.5, abs=1e-15) and isinstance(ps[0].hi, float)
    assert "same welfare" in ps[0].why
    # the grid method finds it from float welfares, to its bisection width
    ps = _pieces([_curve("flat", "norm", lambda t: 0.5), _curve("up", "norm", lambda t: float(t) ** 2)],
                 F(0), F(1), open_hi=False)
    assert [p.regime.best for p in ps] == ["flat", "up"] and not ps[0].exact
    assert ps[0].hi == pytest.approx(2 ** -0.5, abs=1e-9)
    # a doctrine that is a PPE at one point only is a piece of width zero there when it is the best
    knife = _curve("knife", "deterrence", lambda t: F(1), ([F(1)], [F(1)]), ppe=((F(1, 3), F(1, 3)),))
    ps = _pieces([flat, knife], F(0), F(1), open_hi=False)
    assert [(p.lo, p.hi, p.regime.best) for p in ps] == [(0, F(1, 3), "flat"), (F(1, 3), F(1, 3), "knife"),
                                                         (F(1, 3), 1, "flat")]
    # ... and not when the regime is the same there (a worse norm)
    low = _curve("low", "norm", lambda t: F(-1), ([F(-1)], [F(1)]), ppe=((F(1, 3), F(1, 3)),))
    ps = _pieces([flat, low], F(0), F(1), open_hi=False)
    assert [(p.lo, p.hi, p.regime.key) for p in ps] == [(0, 1, ("flat", "flat", None, False))]
    # a worse deterrence doctrine there is a change of regime: the best deterrence doctrine
    low = _curve("low", "deterrence", lambda t: F(-1), ([F(-1)], [F(1)]), ppe=((F(1, 3), F(1, 3)),))
    ps = _pieces([flat, low], F(0), F(1), open_hi=False)
    assert [p.regime.best_deterrence for p in ps] == [None, "low", None]


def test_bad_input():
    with pytest.raises(ModelError, match="resolve its ':best' parameter"):
        exact_pieces(BASE, [("generous:best", "norm", Entry("generous:best"))], "detection", 0, 1)
    with pytest.raises(ModelError, match="unknown family"):
        exact_pieces(BASE, [("grim", "norms", Entry("grim"))], "detection", 0, 1)
    with pytest.raises(ModelError, match="LO < HI"):
        exact_pieces(BASE, [("grim", "deterrence", Entry("grim"))], "detection", 1, 0)
    with pytest.raises(ModelError, match="delay"):
        exact_pieces(BASE, [("grim", "deterrence", Entry("grim"))], "delay", 0, 2)


# -- the map -----------------------------------------------------------------------------------------------

XS = tuple(F(k, 10) for k in range(11)) + (F(4, 5) + F(1, 100),)


@pytest.fixture(scope="module")
def cells() -> dict[tuple[F, F], object]:
    """The regime of every cell of a small grid, from floating-point evaluations (as a sweep computes them)."""
    return {(x, f): truth(BASE.with_values({"false_flag": f}), ENTRIES, "detection", x, exact=False)
            for f in FALSE_FLAGS for x in XS}


def test_cells_agree_with_the_exact_pieces(cells, pieces):
    for (x, f), regime in cells.items():
        # inside a piece, its regime; at a cut point (0 and 1 here), that of a piece on one side
        assert regime.key in [p.regime.key for p in pieces_at(pieces[f], x)], (x, f)
    # detection 4/5 is generous:41/81's knife-edge (its parameter was tuned there): a piece of width zero
    (knife,) = pieces_at(pieces[F(1, 20)], F(4, 5))
    assert knife.lo == knife.hi == F(4, 5) and knife.regime.best == "generous:best"
    assert cells[(F(4, 5), F(1, 20))].best == "generous:best"


def test_regime_map_png(cells, pieces, tmp_path):
    pytest.importorskip("matplotlib")
    from solver.render.regime_map import draw_regime_map

    target = tmp_path / "map.png"
    out = draw_regime_map(cells, ["detection", "false_flag"], target, pieces_by_row=pieces, title="Default")
    assert out == target
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    with pytest.raises(ModelError, match="map.png.*exists.*--force"):
        draw_regime_map(cells, ["detection", "false_flag"], target)
    assert target.read_bytes() == data
    draw_regime_map(cells, ["detection", "false_flag"], target, force=True)  # without the pieces: cells only
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.read_bytes() != data
    assert sorted(os.listdir(tmp_path)) == ["map.png"]  # no temporary file left behind
    one = tmp_path / "strip.png"
    row = {(x,): r for (x, f), r in cells.items() if f == F(1, 20)}
    draw_regime_map(row, ["detection"], one, pieces_by_row={0: pieces[F(1, 20)]})
    assert one.stat().st_size > 0
    with pytest.raises(ModelError, match="one or two axes"):
        draw_regime_map({(0, 0, 0): next(iter(cells.values()))}, ["a", "b", "c"], tmp_path / "x.png")
    with pytest.raises(ModelError, match="no such directory"):
        draw_regime_map(cells, ["detection", "false_flag"], tmp_path / "missing" / "map.png")


def test_regime_map_without_matplotlib(cells, tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")] + ["matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)
    from solver.render.regime_map import draw_regime_map

    with pytest.raises(ModelError, match=r"install the plot extra: pip install 'detente\[plot\]'"):
        draw_regime_map(cells, ["detection", "false_flag"], tmp_path / "map.png")
    assert not os.listdir(tmp_path)
