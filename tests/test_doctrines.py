"""Each library doctrine does what its textbook definition says, checked on long noisy sample paths.

The definitions below are written independently of the automata, as functions of the public
history; the simulated paths come from the automata.  Noise (trembles, false flags, missed
detections) makes every branch of each definition occur.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from models import catalog
from models.loader import load_repeated
from models.monitoring import AttributionMonitoring, Clarification, PerfectMonitoring
from models.repeated import RepeatedModel
from solver.repeated.binding import bind_profile
from solver.repeated.simulation import simulate_path

PD = catalog.load("prisoners-dilemma")
NOISY = AttributionMonitoring(tremble=F(1, 10), detection=F(4, 5), false_flag=F(1, 10))


def path(strategy: str, monitoring=NOISY, periods: int = 3000, seed: int = 7, other: str | None = None):
    model = RepeatedModel(PD, monitoring)
    return simulate_path(bind_profile(model, [strategy, other or strategy]), periods, seed).periods


def blames(period, me: int) -> tuple[bool, bool]:
    """(self blamed, other blamed) in a period's public signal."""
    status = period.signal.split(",")
    return status[me] != "clear", status[1 - me] != "clear"


def check(periods, me: int, intends_attack) -> int:
    """Compare player ``me``'s intended action with the definition, period by period; return the count."""
    for t, p in enumerate(periods):
        want = intends_attack(periods[:t], me)
        assert (p.intended[me] == "D") == want, f"period {t + 1}: expected {'D' if want else 'C'}"
    return len(periods)


def test_tit_for_tat_attacks_exactly_after_a_blame_on_the_other():
    ps = path("tit-for-tat")
    check(ps, 0, lambda h, me: bool(h) and blames(h[-1], me)[1])


def test_grim_attacks_forever_after_any_blame_its_own_included():
    ps = path("grim", periods=400)
    check(ps, 1, lambda h, me: any(any(blames(p, me)) for p in h))


@pytest.mark.parametrize("k", [1, 3])
def test_punish_k_attacks_k_periods_then_forgives(k):
    def definition(h, me):
        # the automaton is in a punishment phase if a blame started one within the last k periods and
        # that blame fell in peace (blames during a punishment phase are ignored)
        phase = 0
        for p in h:
            if phase > 0:
                phase -= 1
            elif blames(p, me)[1]:
                phase = k
        return phase > 0

    check(path(f"punish:{k}"), 0, definition)


def test_win_stay_lose_shift_restrains_iff_both_or_neither_were_blamed():
    check(path("wsls"), 1, lambda h, me: bool(h) and (blames(h[-1], me)[0] != blames(h[-1], me)[1]))


def test_contrite_tit_for_tat_follows_boyds_standing_rules():
    def definition(h, me):
        mine = other = True  # good standing
        for p in h:
            s, o = blames(p, me)
            # a blamed player keeps good standing only when it punished a player in bad standing while good
            mine, other = (not s or (mine and not other)), (not o or (other and not mine))
        return mine and not other

    check(path("contrite"), 0, definition)


def test_consult_acts_on_confirmed_blames_only():
    hotline = AttributionMonitoring(tremble=F(1, 10), detection=F(4, 5), false_flag=F(1, 5),
                                    clarification=Clarification(F(1, 2), F(1, 4), F(0)))
    ps = path("consult", hotline)
    assert any("cleared" in p.signal for p in ps) and any("confirmed" in p.signal for p in ps)
    check(ps, 0, lambda h, me: bool(h) and h[-1].signal.split(",")[1 - me] == "confirmed")
    # tit-for-tat on the same channel reacts to cleared blames too
    ps = path("tit-for-tat", hotline)
    check(ps, 0, lambda h, me: bool(h) and h[-1].signal.split(",")[1 - me] != "clear")


def test_generous_forgives_about_g_of_the_blames():
    ps = path("generous:1/4", periods=6000)
    punished = forgiven = 0
    for prev, p in zip(ps, ps[1:]):
        if blames(prev, 0)[1]:
            punished += p.intended[0] == "D"
            forgiven += p.intended[0] == "C"
        else:
            assert p.intended[0] == "C"  # never attacks without a blame on the other
    share = forgiven / (punished + forgiven)
    n = punished + forgiven
    assert abs(share - 0.25) < 5 * (0.25 * 0.75 / n) ** 0.5


def test_forgiving_trigger_starts_permanent_war_with_probability_phi():
    wars = 0
    runs = 400
    for seed in range(runs):
        ps = path("forgiving-trigger:1/3", AttributionMonitoring(false_flag=F(1, 2)), periods=2, seed=seed)
        first = ps[0]
        assert first.intended == ("C", "C")
        if any(blames(first, 0)):
            wars += ps[1].intended[0] == "D"
        else:
            assert ps[1].intended[0] == "C"
    # a blame in period 1 happens with probability 3/4 and starts war with probability 1/3: wars is
    # binomial(runs, 1/4)
    assert abs(wars - runs / 4) < 5 * (runs * (1 / 4) * (3 / 4)) ** 0.5


def test_always_doctrines_and_perfect_monitoring():
    ps = path("always-attack", PerfectMonitoring(tremble=F(1, 5)), periods=200, other="always-restrain")
    assert all(p.intended == ("D", "C") for p in ps)
    assert any(p.actual != p.intended for p in ps)  # trembles change actions, not intentions


def test_library_doctrines_work_under_every_kind_of_monitoring():
    for name in ("public-signal-pd", "cyber", "cyber-hotline", "prisoners-dilemma"):
        model = load_repeated(f"catalog:{name}")
        for doctrine in ("grim", "tit-for-tat", "punish:2", "generous:1/10", "forgiving-trigger:1/2", "wsls",
                         "contrite", "consult", "always-restrain", "always-attack"):
            assert len(simulate_path(bind_profile(model, [doctrine]), 5, 0).periods) == 5
