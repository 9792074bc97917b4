"""Each library doctrine does what its textbook definition says, checked on long noisy sample paths.

The definitions below are written independently of the automata, as functions of the public
history (what each signal says about each seat, read from the signal's label); the simulated paths
come from the automata.  Noise (trembles, false flags, missed detections) makes every branch of each
definition occur, and the tests count the branches to make sure they did.  Scripted plays replay the
textbook sequences of the literature (one mistake, then what each doctrine does about it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
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


# -- the public record, read from signal labels ------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """What one period's public signal says about the two seats."""

    blamed: tuple[bool, bool]
    confirmed: tuple[bool, bool]  # blamed, and the clarification channel did not clear it


def read_signal(model: RepeatedModel, label: str) -> Seen:
    """Blames from a signal label, by the README's definitions of the three kinds of monitoring."""
    kind = model.monitoring.kind
    if kind == "attribution":  # "status,status" with status clear, blamed, confirmed or cleared
        status = label.split(",")
        blamed = tuple(s != "clear" for s in status)
        return Seen(blamed, tuple(s in ("blamed", "confirmed") for s in status))
    if kind == "perfect":  # the actual profile; a seat is blamed when it played its second (hostile) action
        actions = label.split(",")
        blamed = tuple(a == model.game.actions[i][1] for i, a in enumerate(actions))
        return Seen(blamed, blamed)
    assert kind == "table" and model.monitoring.blames == (("bad", ("Row", "Column")),)
    return Seen((label == "bad",) * 2, (label == "bad",) * 2)


def path(strategy: str, monitoring=NOISY, periods: int = 3000, seed: int = 7, other: str | None = None,
         model: RepeatedModel | None = None):
    """A simulated path: the periods, and the public record of each period as ``Seen``."""
    model = model or RepeatedModel(PD, monitoring)
    ps = simulate_path(bind_profile(model, [strategy, other or strategy]), periods, seed).periods
    return ps, [read_signal(model, p.signal) for p in ps]


def attacks(period, me: int) -> bool:
    return period.intended[me] in ("D", "Attack")


def check(periods, seen, me: int, definition) -> None:
    """Player ``me``'s intended action is the definition's, period by period."""
    want = definition(seen, me)
    assert len(want) == len(periods)
    for t, p in enumerate(periods):
        assert attacks(p, me) == want[t], f"period {t + 1}: expected {'attack' if want[t] else 'restraint'}"


# -- the definitions: seen[t] is period t's public record; each returns, for every period, "attack?" --------


def tit_for_tat(seen, me):
    """Axelrod (1984): restrain first, then attack in the period after each blame on the other."""
    return [t > 0 and seen[t - 1].blamed[1 - me] for t in range(len(seen))]


def grim(seen, me):
    """Friedman (1971): restrain until anyone is blamed, then attack forever."""
    return [any(any(s.blamed) for s in seen[:t]) for t in range(len(seen))]


def wsls(seen, me):
    """Nowak and Sigmund (1993): a period is lost when exactly one player was blamed; shift after a loss."""
    return [t > 0 and seen[t - 1].blamed[0] != seen[t - 1].blamed[1] for t in range(len(seen))]


def consult(seen, me):
    """Tit-for-tat on the blames that the clarification channel confirmed."""
    return [t > 0 and seen[t - 1].confirmed[1 - me] for t in range(len(seen))]


def punish(k):
    """K-period punishment (Green and Porter 1984): a blame on the other seen while at peace starts exactly
    K periods of attack, during which blames are ignored; afterwards peace, whatever happened.

    Written as a window condition rather than a counter: attack in period t iff some period s in t-K..t-1
    was itself peaceful and blamed the other.
    """
    def definition(seen, me):
        out: list[bool] = []
        for t in range(len(seen)):
            out.append(any(not out[s] and seen[s].blamed[1 - me] for s in range(max(0, t - k), t)))
        return out
    return definition


def contrite_ledger(seen) -> list[tuple[bool, bool]]:
    """Both seats' standing (good = True) at the start of every period, by Boyd's rule (Boyd 1989, after
    Sugden 1986; Boerlijst, Nowak and Sigmund 1997, "The logic of contrition"):

        A player is in good standing if it cooperated (here: was not blamed) in the previous period, or if it
        defected while it was in good standing and its partner was in bad standing.  Otherwise it is in bad
        standing.  Both start in good standing.

    One public ledger for both seats, indexed by seat rather than "mine" and "the other's".
    """
    standing = [(True, True)]
    for s in seen:
        before = standing[-1]
        after = []
        for i in (0, 1):
            cooperated = not s.blamed[i]
            justified = s.blamed[i] and before[i] and not before[1 - i]
            after.append(cooperated or justified)
        standing.append((after[0], after[1]))
    return standing


def contrite(seen, me):
    """Contrite tit-for-tat defects iff it is in good standing and its partner is in bad standing."""
    return [good[me] and not good[1 - me] for good in contrite_ledger(seen)[:-1]]


def never(seen, me):
    return [False] * len(seen)


def always(seen, me):
    return [True] * len(seen)


# -- noisy sample paths --------------------------------------------------------------------------------------


def test_tit_for_tat_attacks_exactly_after_a_blame_on_the_other():
    ps, seen = path("tit-for-tat")
    check(ps, seen, 0, tit_for_tat)
    check(ps, seen, 1, tit_for_tat)


def test_grim_attacks_forever_after_any_blame_its_own_included():
    ps, seen = path("grim", periods=400)
    check(ps, seen, 1, grim)
    first = next(t for t, s in enumerate(seen) if any(s.blamed))
    assert 0 < first < 399  # both regimes occur on the path


@pytest.mark.parametrize("k", [1, 3])
def test_punish_k_attacks_k_periods_then_forgives(k):
    ps, seen = path(f"punish:{k}")
    check(ps, seen, 0, punish(k))
    # and so every run of attacks lasts exactly k periods (a run may follow another only after a peaceful
    # period): count the runs, which makes sure the path has many punishments, some of them back to back
    runs, length = Counter(), 0
    for p in ps[:-k]:
        if attacks(p, 0):
            length += 1
        elif length:
            runs[length] += 1
            length = 0
    assert set(runs) == {k} and runs[k] > 100


def test_win_stay_lose_shift_restrains_iff_both_or_neither_were_blamed():
    ps, seen = path("wsls")
    check(ps, seen, 1, wsls)
    assert {s.blamed for s in seen} == {(False, False), (False, True), (True, False), (True, True)}


def test_contrite_tit_for_tat_follows_boyds_standing_rules():
    ps, seen = path("contrite")
    for me in (0, 1):
        check(ps, seen, me, contrite)
    # every branch of the rule occurred on the path: Row blamed and not blamed under each of the four
    # standing pairs (good, good), (good, bad), (bad, good), (bad, bad)
    ledger = contrite_ledger(seen)
    cases = Counter((ledger[t][0], ledger[t][1], s.blamed[0]) for t, s in enumerate(seen))
    assert all(cases[(a, b, c)] > 0 for a in (True, False) for b in (True, False) for c in (True, False))


def test_consult_acts_on_confirmed_blames_only():
    hotline = AttributionMonitoring(tremble=F(1, 10), detection=F(4, 5), false_flag=F(1, 5),
                                    clarification=Clarification(F(1, 2), F(1, 4), F(0)))
    ps, seen = path("consult", hotline)
    assert any("cleared" in p.signal for p in ps) and any("confirmed" in p.signal for p in ps)
    check(ps, seen, 0, consult)
    # tit-for-tat on the same channel reacts to cleared blames too
    ps, seen = path("tit-for-tat", hotline)
    check(ps, seen, 0, tit_for_tat)
    assert any(s.blamed[1] and not s.confirmed[1] for s in seen)


def test_generous_forgives_about_g_of_the_blames():
    ps, seen = path("generous:1/4", periods=6000)
    punished = forgiven = 0
    for t in range(1, len(ps)):
        if seen[t - 1].blamed[1]:
            punished += attacks(ps[t], 0)
            forgiven += not attacks(ps[t], 0)
        else:
            assert not attacks(ps[t], 0)  # never attacks without a blame on the other
    share = forgiven / (punished + forgiven)
    n = punished + forgiven
    assert n > 500 and abs(share - 0.25) < 5 * (0.25 * 0.75 / n) ** 0.5


def test_forgiving_trigger_starts_permanent_war_with_probability_phi():
    wars = 0
    runs = 400
    for seed in range(runs):
        ps, seen = path("forgiving-trigger:1/3", AttributionMonitoring(false_flag=F(1, 2)), periods=2, seed=seed)
        first = ps[0]
        assert first.intended == ("C", "C")
        if any(seen[0].blamed):
            wars += attacks(ps[1], 0)
        else:
            assert not attacks(ps[1], 0)
    # a blame in period 1 happens with probability 3/4 and starts war with probability 1/3: wars is
    # binomial(runs, 1/4)
    assert abs(wars - runs / 4) < 5 * (runs * (1 / 4) * (3 / 4)) ** 0.5


def test_forgiving_trigger_war_is_permanent_and_peace_breaks_only_on_a_blame():
    ps, seen = path("forgiving-trigger:1/5", periods=600)
    for me in (0, 1):
        at_war = False
        for t, p in enumerate(ps):
            if at_war:
                assert attacks(p, me)
            elif t == 0 or not any(seen[t - 1].blamed):
                assert not attacks(p, me)
            at_war = attacks(p, me)
        assert at_war  # the path reached war


def test_always_doctrines_and_perfect_monitoring():
    ps, _ = path("always-attack", PerfectMonitoring(tremble=F(1, 5)), periods=500, other="always-restrain")
    assert all(p.intended == ("D", "C") for p in ps)
    # trembles change actions, not intentions: each of the 1000 intended actions flips with probability 1/5
    flips = sum(a != b for p in ps for a, b in zip(p.actual, p.intended))
    assert abs(flips - 200) < 5 * (1000 * 0.2 * 0.8) ** 0.5


DETERMINISTIC = {"grim": grim, "tit-for-tat": tit_for_tat, "punish:2": punish(2), "wsls": wsls,
                 "contrite": contrite, "always-restrain": never, "always-attack": always}


@pytest.mark.parametrize("name", ["public-signal-pd", "cyber", "cyber-hotline", "prisoners-dilemma"])
def test_library_doctrines_follow_their_definitions_under_every_kind_of_monitoring(name):
    # table monitoring (a bad signal blames both), attribution with and without a channel, and perfect
    # monitoring with trembles (where a blame is the hostile action itself)
    model = load_repeated(f"catalog:{name}")
    if model.monitoring.kind == "perfect":
        model = model.with_monitoring(PerfectMonitoring(tremble=F(1, 10)))
    doctrines = dict(DETERMINISTIC)
    if name == "cyber-hotline":
        doctrines["consult"] = consult
    for doctrine, definition in doctrines.items():
        ps, seen = path(doctrine, model=model, periods=300, seed=3)
        for me in (0, 1):
            check(ps, seen, me, definition)
    for doctrine in ("generous:1/10", "forgiving-trigger:1/2"):
        ps, seen = path(doctrine, model=model, periods=300, seed=3)
        for me in (0, 1):
            assert not attacks(ps[0], me)
            for t in range(1, len(ps)):
                if not attacks(ps[t - 1], me) and not any(seen[t - 1].blamed):
                    assert not attacks(ps[t], me)  # peace is left only after a blame


# -- the textbook sequences: one mistake, then what the doctrine does about it ------------------------------


def scripted(strategies: list[str], periods: int, mistakes: dict[int, set[int]]) -> str:
    """Actual profiles of deterministic doctrines under perfect monitoring without noise, except that the
    seats in ``mistakes[t]`` play the other action in period t (1-based): "CC DC CD ...".
    """
    model = RepeatedModel(PD, PerfectMonitoring())
    profile = bind_profile(model, strategies)
    q = [list(b.init).index(1) for b in profile.automata]
    out = []
    for t in range(1, periods + 1):
        acts = []
        for i, b in enumerate(profile.automata):
            a = list(b.sigma[q[i]]).index(1)
            acts.append(1 - a if i in mistakes.get(t, set()) else a)
        label = ",".join(PD.actions[i][a] for i, a in enumerate(acts))
        out.append(label.replace(",", ""))
        y = profile.signals.labels.index(label)
        q = [list(b.tau[q[i], y]).index(1) for i, b in enumerate(profile.automata)]
    return " ".join(out)


@pytest.mark.parametrize("strategies,mistakes,expected,source", [
    # Boerlijst, Nowak and Sigmund (1997): two contrite players recover from a mistake in two periods,
    # D/C -> C/D -> C/C; tit-for-tat echoes it forever; wsls recovers through one mutual defection
    (["contrite"] * 2, {2: {0}}, "CC DC CD CC CC CC", "contrition: the culprit accepts the punishment"),
    (["tit-for-tat"] * 2, {2: {0}}, "CC DC CD DC CD DC", "tit-for-tat's echo"),
    (["wsls"] * 2, {2: {0}}, "CC DC DD CC CC CC", "Pavlov: DC -> DD -> CC"),
    (["grim"] * 2, {2: {0}}, "CC DC DD DD DD DD", "grim never forgives"),
    (["punish:2"] * 2, {2: {0}}, "CC DC CD DD DC CD", "the punished player punishes the punishment"),
    # a simultaneous mistake puts both in bad standing; neither punishes
    (["contrite"] * 2, {2: {0, 1}}, "CC DD CC CC CC", "both bad: both restrain"),
    # from mutual bad standing, a defection against a partner in bad standing is not justified either: only
    # a player in good standing may punish (Boyd's rule; Sugden's looser one would forgive it)
    (["contrite"] * 2, {2: {0, 1}, 3: {0}}, "CC DD DC CD CC CC", "only the good may punish"),
    # a second mistake by the culprit while it is punished keeps it in bad standing: punished once more
    (["contrite"] * 2, {2: {0}, 3: {0}}, "CC DC DD CD CC CC", "a bad player's defection is not justified"),
    # after the recovery the former punisher errs: an unprovoked attack, punished in turn
    (["contrite"] * 2, {2: {0}, 4: {1}}, "CC DC CD CD DC CC", "an unprovoked attack is punished in turn"),
    # contrite against always-attack: punishes from the second period on and stays in good standing
    (["contrite", "always-attack"], {}, "CD DD DD DD DD", "contrite resists always-defect"),
    (["contrite", "always-restrain"], {1: {0}}, "DC CC CC CC", "no one punishes: the culprit regains standing"),
])
def test_textbook_sequences_after_a_mistake(strategies, mistakes, expected, source):
    assert scripted(strategies, len(expected.split()), mistakes) == expected, source
