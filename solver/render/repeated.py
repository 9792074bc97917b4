"""Text renderers of repeated-game results: a profile's evaluation, delta sets, simulated timelines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.automata import Automaton, automaton_to_mapping
from models.errors import SolverError
from models.formats.toml_format import dump_toml
from models.monitoring import monitoring_to_mapping
from models.numbers import Number, format_number
from solver.numeric.tolerance import PROBABILITY_TOL
from solver.render.text import arithmetic_text, num, percent, table
from solver.repeated.checks import EquilibriumCheck
from solver.repeated.delta_sets import GRID, DeltaIntervals, Interval
from solver.repeated.evaluation import RepeatedResult
from solver.repeated.simulation import Timeline

__all__ = ["monitoring_text", "render_repeated", "render_deltas", "render_timeline", "render_doctrines",
           "render_doctrine"]


def monitoring_text(m: Mapping[str, Any]) -> str:
    """One line describing the monitoring table of a result."""
    kind = m.get("kind", "perfect")
    parts = [str(kind)]
    if kind == "attribution":
        det = m["detection"]
        if isinstance(det, dict):
            parts.append("detection " + ", ".join(f"{v} of {k}" for k, v in det.items()))
        else:
            parts.append(f"detection {det}")
        parts.append(f"false flag {m['false_flag']}")
        if "audit" in m:
            parts.append(f"audits {m['audit']} a period (cost {m['audit_cost']} each)")
        if "proxies" in m:
            parts.append(f"proxies {', '.join(str(p) for p in m['proxies'])} (never blamed; each of their "
                         f"operations blamed on each other state with probability {m['proxy_flag']})")
        clar = m.get("clarification")
        if isinstance(clar, dict):
            parts.append(f"clarification (clears false blames {clar['effectiveness']}, real ones "
                         f"{clar['deception']}, cost {clar['cost']} per use)")
    if kind == "table":
        parts.append("signals " + ", ".join(str(s) for s in m.get("signals", [])))
    if "tremble" in m:
        parts.append(f"tremble {m['tremble']}")
    if "delay" in m:
        parts.append(f"delay {m['delay']} period{'s' if m['delay'] != 1 else ''}")
    return ", ".join(parts)


def render_repeated(res: RepeatedResult, title: str, digits: int = 6, decimals: bool = False) -> str:
    """A profile's values, equilibrium check and escalation metrics.

    The result's notes are not part of it: the command line prints them on stderr.
    """
    def short(x: Number | None, digits: int) -> str:
        return num(x, digits, decimals)

    who = " vs ".join(res.strategies)
    lines = [""]
    rows = [[p, s, short(v, digits), short(a, digits)]
            for p, s, v, a in zip(res.players, res.strategies, res.values, res.average)]
    lines.append(table(["player", "strategy", "value", "long-run average"], rows))
    lines.append("")
    eq = res.equilibrium
    lines += _equilibrium_lines(eq, short, digits)
    m = res.metrics
    lines.append("")
    lines.append("Escalation")
    first = (f"{short(m.periods_to_first_attack, digits)}" if m.periods_to_first_attack is not None
             else f"never, with probability {short(m.p_never_attack, digits)}")
    endless = m.p_endless_conflict
    if m.mean_conflict_length is not None:
        length = f"{short(m.mean_conflict_length, digits)} periods"
        if not _is_zero(endless):
            length += (f" where conflicts end (probability {short(m.p_episodic_conflict, digits)}); endless with "
                       f"probability {short(endless, digits)}")
    elif _is_zero(endless):
        length = "no conflict in the long run"
    elif _is_zero(1 - endless):
        length = "endless (conflict never stops once it starts)"
    else:
        length = f"endless with probability {short(endless, digits)}, no conflict otherwise"
    rows = [
        ["share of periods with an attack, long run", percent(m.attack_share_long_run, digits)],
        ["share of periods with an attack, discounted", percent(m.attack_share_discounted, digits)],
        ["expected period of the first attack", first],
        ["mean length of a conflict episode", length],
        ["probability of permanent conflict", short(m.p_permanent_conflict, digits)],
        ["punishments of an innocent player per 100 periods", short(m.innocent_punishments_per_100, digits)],
    ]
    lines.append(table(["metric", "value"], rows, "  "))
    body = "\n".join(lines)
    plural = "state)" if res.n_states == 1 else "states)"
    head = [f"{title or 'Untitled game'}: {who}, delta = {num(res.delta, digits)}",
            f"Monitoring: {monitoring_text(monitoring_to_mapping(res.monitoring))}",
            f"({arithmetic_text(res.exact, body, digits)}; {res.n_states} joint {plural}"]
    return "\n".join(head) + "\n" + body


def _equilibrium_lines(eq: EquilibriumCheck, short: Any, digits: int) -> list[str]:
    """The equilibrium table and what it means; under delay with the sequential verdict and the notions."""
    lines = ["Equilibrium"]
    rows = []
    delayed = eq.delay > 0
    for c in eq.players:
        dev = c.ppe_deviation
        row = [c.player, "yes" if c.ppe else "no", short(c.ppe_gain, digits),
               "-" if dev is None else dev.action, "-" if dev is None else dev.state]
        if delayed:
            row.append("yes" if c.sequential else "no")
        rows.append(row + ["yes" if c.nash else "no", short(c.nash_gain, digits)])
    gain = "largest continuation gain" if delayed else "largest one-shot gain"
    where = "in state" if delayed else "in joint state"
    lines.append(table(["player", "PPE", gain, "by playing", where] + (["sequential"] if delayed else [])
                       + ["Nash", "best-reply gain"], rows, "  "))
    dev = eq.deviation
    if eq.ppe and not delayed:
        lines.append("  A perfect public equilibrium: no player gains by a one-shot deviation at any reachable "
                     "joint state.")
    elif eq.ppe:
        lines.append("  A perfect public equilibrium over public information: at every reachable public state "
                     "(the joint states of the periods whose signals are pending, and now), with its own pending "
                     "actions as prescribed, no player gains by any continuation strategy.")
    elif dev is not None and delayed:
        lines.append(f"  Not a PPE: {dev.player}'s best continuation gains up to {short(dev.gain, digits)}; it "
                     f"departs by playing {dev.action} in state {dev.state}.")
    elif dev is not None:
        lines.append(f"  Not a PPE: {dev.player} gains {short(dev.gain, digits)} by playing {dev.action} in "
                     f"joint state {dev.state}.")
    if delayed:
        seq = [c for c in eq.players if not c.sequential]
        if not seq:
            lines.append("  Sequential too: optimal also after a player's own past deviations, the pending signals "
                         "distributed as those deviations imply.")
        else:
            sd = max(seq, key=lambda c: float(c.sequential_gain)).sequential_deviation
            if sd is not None:
                lines.append(f"  Not sequential: after its own deviation, {sd.player}'s best continuation gains up "
                             f"to {short(sd.gain, digits)}; it departs by playing {sd.action} in state {sd.state}.")
    if not eq.nash:
        worst = eq.nash_failure
        nd = None if worst is None else worst.nash_deviation
        if worst is None or nd is None:
            raise SolverError("the Nash check failed but reports no deviation")
        lines.append(f"  Not a Nash equilibrium: {worst.player}'s best reply gains {short(nd.gain, digits)}; it "
                     f"first departs by playing {nd.action} in {'state' if delayed else 'joint state'} {nd.state}.")
    elif not eq.ppe:
        lines.append("  It is a Nash equilibrium: the profitable deviations are off the equilibrium path.")
    if delayed:
        lines.append(f"  Signals arrive {eq.delay} period{'s' if eq.delay > 1 else ''} late: a player knows what it "
                     "did meanwhile, nobody sees the pending signals, and the checks average over them.")
    return lines


def _is_zero(x: Number) -> bool:
    """A probability that is 0 (exactly, or within the float probability tolerance)."""
    return abs(float(x)) <= PROBABILITY_TOL


def render_deltas(res: DeltaIntervals, title: str, digits: int = 6, decimals: bool = False) -> str:
    """The PPE and Nash sets of discount factors, and the method that found each.

    With ``decimals``, exact endpoints print as ``~``-marked decimals of at least 10 significant digits.
    The ends 0 and 1 print as ``0`` and ``1``; an empty set found on the grid says so (a window narrower
    than the grid spacing could have been missed).  The result's notes are not part of it: the command
    line prints them on stderr.
    """
    who = " vs ".join(res.strategies)

    def fmt(x: Number) -> str:
        # endpoints print in full (exact fractions whatever their length) unless decimals are asked for
        return num(x, max(digits, 10), decimals=True) if decimals else format_number(x, max(digits, 10))

    def ivs(items: tuple[Interval, ...], method: str) -> str:
        if items:
            return " and ".join(i.text(fmt) for i in items)
        if method.startswith("grid"):
            return (f"none found on the grid of {GRID} discount factors (a window narrower than its spacing, "
                    f"1/{GRID}, could be missed)")
        return "none: for no discount factor in (0, 1)"

    lines = [f"{title or 'Untitled game'}: {who}",
             f"Perfect public equilibrium for delta in: {ivs(res.ppe, res.ppe_method)}"]
    if res.delay:
        lines.append(f"Sequential (also after own deviations) for delta in: "
                     f"{ivs(res.sequential_set, res.sequential_method)}")
    lines += [f"Nash equilibrium for delta in: {ivs(res.nash, res.nash_method)}",
              "",
              f"PPE method: {res.ppe_method}."]
    if res.delay:
        lines.append(f"Sequential method: {res.sequential_method}.")
    lines.append(f"Nash method: {res.nash_method}.")
    if res.delay:
        lines.append(f"Signals arrive {res.delay} period{'s' if res.delay > 1 else ''} late. PPE: at every "
                     "reachable public state, with its own pending actions as prescribed, no player gains by any "
                     "continuation strategy; sequential: the same after its own past deviations too; Nash: from "
                     "the start. The pending signals are averaged over, never seen.")
    if len(res.ppe) > 1 or (res.ppe and res.ppe[-1].hi != 1):
        lines.append("The PPE set is not a threshold: more patience can break the equilibrium.")
    return "\n".join(lines)


def render_timeline(tl: Timeline, title: str, digits: int = 6, decimals: bool = False) -> str:
    """A simulated path as a table, with the average payoffs over it."""
    who = " vs ".join(tl.strategies)
    lines = [f"{title or 'Untitled game'}: {who}, seed {tl.seed}"]
    headers = ["period"] + [f"{p} state" for p in tl.players] + [f"{p} plays" for p in tl.players]
    headers += ["signal"] + (["revealed"] if tl.delay else []) + [f"u({p})" for p in tl.players]
    rows = []
    trembled = False
    for p in tl.periods:
        plays = []
        for want, did in zip(p.intended, p.actual):
            plays.append(did if want == did else f"{did}*")
            trembled |= want != did
        row = [str(p.t)] + list(p.states) + plays + [p.signal]
        if tl.delay:
            row.append(p.revealed or "-")
        row += [num(x, digits, decimals) for x in p.payoffs]
        rows.append(row)
    lines.append(table(headers, rows))
    if trembled:
        lines.append("* a tremble: the action played is not the one intended.")
    if tl.delay:
        lines.append(f"Signals become public {tl.delay} period{'s' if tl.delay > 1 else ''} late; automata move on "
                     "the revealed one.")
    avg = ", ".join(f"{p} {num(v, digits, decimals)}" for p, v in zip(tl.players, tl.averages))
    lines.append(f"Average payoffs over these {len(tl.periods)} periods: {avg}")
    return "\n".join(lines)


def render_doctrines(doctrines: Mapping[str, str]) -> str:
    """The doctrine library: one row a doctrine, with what it does."""
    rows = [[n, d] for n, d in doctrines.items()]
    return (table(["doctrine", "what it does"], rows)
            + "\n\n@restrain is a player's first non-hostile action, @attack its first hostile one.")


def render_doctrine(automaton: Automaton) -> str:
    """One doctrine's automaton in model-file form, to copy into a ``[strategies]`` table."""
    body = dump_toml({"strategies": {automaton.name: automaton_to_mapping(automaton)}}, inline_depth=2)
    return f"# {automaton.name}: {automaton.description}\n{body}"
