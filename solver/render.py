"""Plain-text rendering of results: aligned tables, fractions as ``1/3``.

Renderers take a result object and return a string; they never compute.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from models.numbers import Number, format_number

from .correlated import CorrelatedResult
from .critical import DeltaIntervals, Interval
from .dominance import DominanceResult
from .nash import NashResult
from .repeated import RepeatedResult
from .security import SecurityResult
from .simulate import Timeline
from .verify import Verification

__all__ = [
    "num",
    "table",
    "strategy_text",
    "render_nash",
    "render_verify",
    "render_dominance",
    "render_security",
    "render_correlated",
    "render_pure",
    "json_text",
    "render_repeated",
    "render_deltas",
    "render_timeline",
]


def num(x: Number | None, digits: int = 6) -> str:
    """A number for humans: ``2/3`` when exact, ``digits`` significant digits otherwise."""
    return "-" if x is None else format_number(x, digits)


def _is_numeric(text: str) -> bool:
    t = text.replace("/", "").replace(".", "").replace("-", "").replace("e", "").replace("+", "")
    return t.isdigit()


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> str:
    """Columns padded to a common width; numeric columns right-aligned."""
    cols = len(headers)
    widths = [len(h) for h in headers]
    for row in rows:
        for c in range(cols):
            widths[c] = max(widths[c], len(row[c]))
    numeric = [bool(rows) and all(_is_numeric(r[c]) or r[c] == "-" for r in rows) for c in range(cols)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for c, cell in enumerate(cells):
            out.append(cell.rjust(widths[c]) if numeric[c] else cell.ljust(widths[c]))
        return (indent + "  ".join(out)).rstrip()

    return "\n".join([line(headers)] + [line(r) for r in rows])


def strategy_text(probs: Sequence[Number], labels: Sequence[str], digits: int = 6) -> str:
    """``Bach`` for a pure strategy, ``2/3 Bach + 1/3 Stravinsky`` for a mixed one."""
    support = [(p, a) for p, a in zip(probs, labels) if p != 0 and abs(float(p)) > 1e-15]
    if len(support) == 1:
        return support[0][1]
    return " + ".join(f"{num(p, digits)} {a}" for p, a in support)


def _heading(title: str, shape: Sequence[int], exact: bool) -> str:
    dims = "x".join(map(str, shape))
    arith = "exact arithmetic" if exact else "floating point"
    return f"{title or 'Untitled game'} ({dims}, {arith})"


def render_nash(result: NashResult, title: str, digits: int = 6) -> str:
    """The equilibria of a :class:`NashResult` as a table."""
    shape = [len(a) for a in result.actions]
    lines = [_heading(title, shape, result.exact)]
    k = len(result.equilibria)
    if result.method == "enummixed":
        kind = "degenerate" if result.degenerate else "nondegenerate"
        comps = result.n_components or 0
        lines.append(
            f"Method: enummixed, all extreme equilibria. {k} equilibri{'um' if k == 1 else 'a'} "
            f"in {comps} component{'' if comps == 1 else 's'}; the game is {kind}."
        )
    elif result.method == "lemke-howson":
        lines.append("Method: Lemke-Howson, one equilibrium.")
    else:
        lines.append(f"Method: pure equilibria. {k} found.")
    lines.append("")
    if result.equilibria:
        headers = ["#"] + list(result.players) + [f"u({p})" for p in result.players]
        show_comp = result.method == "enummixed"
        if show_comp:
            headers.append("component")
        rows = []
        for n, eq in enumerate(result.equilibria, 1):
            row = [str(n)]
            row += [strategy_text(s, a, digits) for s, a in zip(eq.profile, result.actions)]
            row += [num(v, digits) for v in eq.payoffs]
            if show_comp:
                row.append(str(eq.component))
            rows.append(row)
        lines.append(table(headers, rows))
    else:
        lines.append("No equilibrium of this kind.")
    for note in result.notes:
        lines.append(f"Note: {note}.")
    return "\n".join(lines)


def render_verify(v: Verification, title: str, digits: int = 6) -> str:
    """Why a profile is, or is not, an equilibrium."""
    lines = [_heading(title, [len(a) for a in v.actions], v.exact)]
    prof = "; ".join(
        f"{p} plays {strategy_text(s, a, digits)}" for p, s, a in zip(v.players, v.profile, v.actions)
    )
    lines.append(f"Profile: {prof}")
    lines.append("")
    rows = [
        [c.player, num(c.payoff, digits), num(c.best_payoff, digits), num(c.regret, digits),
         ", ".join(v.actions[i][a] for a in c.best_responses), "ok" if c.ok else "can gain"]
        for i, c in enumerate(v.checks)
    ]
    lines.append(table(["player", "payoff", "best reply payoff", "regret", "best replies", "verdict"], rows))
    lines.append("")
    for i, c in enumerate(v.checks):
        pays = ", ".join(f"{a} {num(x, digits)}" for a, x in zip(v.actions[i], c.action_payoffs))
        lines.append(f"{c.player}'s payoff from each action against the others: {pays}.")
        if not c.ok:
            bad = ", ".join(v.actions[i][a] for a in c.bad_support)
            best = ", ".join(v.actions[i][a] for a in c.best_responses)
            lines.append(
                f"  {c.player} plays {bad}, which {'is' if len(c.bad_support) == 1 else 'are'} not a best reply; "
                f"switching to {best} gains {num(c.regret, digits)}."
            )
    lines.append("")
    if v.is_equilibrium:
        lines.append("Verdict: a Nash equilibrium: every action played is a best reply, so every regret is 0.")
    else:
        worst = max(v.checks, key=lambda c: c.regret)
        lines.append(
            f"Verdict: not a Nash equilibrium: {worst.player} can gain {num(worst.regret, digits)} by deviating."
        )
    return "\n".join(lines)


def render_dominance(d: DominanceResult, digits: int = 6) -> str:
    """Rounds of elimination, then the survivors."""
    by = "pure and mixed" if d.mixed else "pure"
    lines = [f"Iterated elimination of {d.kind}ly dominated strategies (dominators: {by} strategies)"]
    if not d.eliminated:
        lines.append("  No strategy is dominated.")
    for e in d.eliminated:
        player = d.players[e.player]
        dominator = strategy_text(e.dominator, d.actions[e.player], digits)
        action = d.actions[e.player][e.action]
        lines.append(f"  round {e.round}: {player}'s {action} is {d.kind}ly dominated by {dominator}")
    survivors = "; ".join(
        f"{p}: {', '.join(d.actions[i][a] for a in s)}" for i, (p, s) in enumerate(zip(d.players, d.surviving))
    )
    lines.append(f"  Surviving: {survivors}")
    if d.kind == "weak" and d.eliminated:
        lines.append("  Order: each round removes every weakly dominated strategy of every player at once;")
        lines.append("  weak dominance depends on the order, so other orders may leave other survivors.")
    return "\n".join(lines)


def render_security(s: SecurityResult, digits: int = 6) -> str:
    """Maxmin, minmax and the zero-sum value."""
    lines = ["Security levels (mixed strategies; pure values in brackets)"]
    rows = []
    for lvl in s.levels:
        me = lvl.player
        guarantee = strategy_text(lvl.maxmin_strategy, s.actions[me], digits)
        if len(s.players) == 2:
            other = 1 - me
            punish = f"{s.players[other]} plays {strategy_text(lvl.minmax_punishment[0], s.actions[other], digits)}"
        else:
            punish = "others correlate (lower bound)"
        rows.append([s.players[me], f"{num(lvl.maxmin, digits)}", f"[{num(lvl.pure_maxmin, digits)}]", guarantee,
                     f"{num(lvl.minmax, digits)}", f"[{num(lvl.pure_minmax, digits)}]", punish])
    lines.append(table(["player", "maxmin", "pure", "guaranteed by", "minmax", "pure", "punished by"], rows, "  "))
    if len(s.players) > 2:
        lines.append("  With more than two players the true minmax (independent punishers) lies between")
        lines.append("  the correlated minmax shown and the pure minmax in brackets.")
    if s.zero_sum:
        lines.append(f"  Zero-sum (constant-sum) game: value {num(s.value, digits)} to {s.players[0]}; "
                     "the maxmin strategies are optimal.")
    return "\n".join(lines)


def render_correlated(c: CorrelatedResult, digits: int = 6) -> str:
    lines = ["Correlated equilibrium maximising the sum of payoffs"]
    rows = [[", ".join(c.actions[i][a] for i, a in enumerate(prof)), num(p, digits)] for prof, p in c.distribution]
    lines.append(table(["profile", "probability"], rows, "  "))
    pays = ", ".join(f"{p} {num(v, digits)}" for p, v in zip(c.players, c.payoffs))
    lines.append(f"  Payoffs: {pays}; total {num(c.welfare, digits)}")
    return "\n".join(lines)


def render_pure(result: NashResult, digits: int = 6) -> str:
    lines = ["Pure Nash equilibria"]
    if not result.equilibria:
        lines.append("  None.")
    for eq in result.equilibria:
        prof = ", ".join(strategy_text(s, a, digits) for s, a in zip(eq.profile, result.actions))
        pays = ", ".join(num(v, digits) for v in eq.payoffs)
        lines.append(f"  ({prof}) with payoffs ({pays})")
    return "\n".join(lines)


def json_text(doc: object, indent: int = 2) -> str:
    """JSON with objects spread over lines but short lists of numbers kept on one line."""
    pad = " " * indent

    def flat(value: object) -> bool:
        if isinstance(value, list):
            return all(not isinstance(v, (dict, list)) or (isinstance(v, list) and flat(v)) for v in value)
        return not isinstance(value, dict)

    def emit(value: object, depth: int) -> str:
        if isinstance(value, dict):
            if not value:
                return "{}"
            inner = ",\n".join(f"{pad * (depth + 1)}{json.dumps(k)}: {emit(v, depth + 1)}" for k, v in value.items())
            return "{\n" + inner + "\n" + pad * depth + "}"
        if isinstance(value, list):
            one_line = json.dumps(value, ensure_ascii=False, allow_nan=False)
            if not value or (flat(value) and len(one_line) <= 100):
                return one_line
            inner = ",\n".join(pad * (depth + 1) + emit(v, depth + 1) for v in value)
            return "[\n" + inner + "\n" + pad * depth + "]"
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    return emit(doc, 0)


# -- repeated games ------------------------------------------------------------------------------------------


def short(x: Number | None, digits: int = 6) -> str:
    """Like :func:`num`, but long exact fractions are shown as decimals (``--json`` keeps them exact)."""
    if x is None:
        return "-"
    text = format_number(x, digits)
    if "/" in text and len(text) > 11:
        return format_number(float(x), digits)
    return text


def _percent(x: Number | None, digits: int) -> str:
    return "-" if x is None else f"{format_number(float(x) * 100, min(digits, 4))}%"


def monitoring_text(m: dict[str, Any]) -> str:
    """One line describing the monitoring table of a result."""
    kind = m.get("kind", "perfect")
    parts = [str(kind)]
    if kind == "attribution":
        parts.append(f"detection {m['detection']}")
        parts.append(f"false flag {m['false_flag']}")
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


def render_repeated(res: RepeatedResult, title: str, digits: int = 6) -> str:
    arith = "exact arithmetic" if res.exact else "floating point"
    who = " vs ".join(res.strategies)
    lines = [f"{title or 'Untitled game'}: {who}, delta = {num(res.delta, digits)}",
             f"Monitoring: {monitoring_text(res.monitoring)}",
             f"({arith}; {res.n_states} joint states)", ""]
    rows = [[p, s, short(v, digits), short(a, digits)]
            for p, s, v, a in zip(res.players, res.strategies, res.values, res.average)]
    lines.append(table(["player", "strategy", "value", "long-run average"], rows))
    lines.append("")
    eq = res.equilibrium
    lines.append("Equilibrium")
    rows = []
    for c in eq.players:
        dev = c.ppe_deviation
        rows.append([c.player, "yes" if c.ppe else "no", short(c.ppe_gain, digits),
                     "-" if dev is None else dev.action, "-" if dev is None else dev.state,
                     "yes" if c.nash else "no", short(c.nash_gain, digits)])
    lines.append(table(["player", "PPE", "largest one-shot gain", "by playing", "in joint state", "Nash",
                        "best-reply gain"], rows, "  "))
    dev = eq.deviation
    if eq.ppe:
        lines.append("  A perfect public equilibrium: no player gains by a one-shot deviation at any reachable "
                     "joint state.")
    elif dev is not None:
        lines.append(f"  Not a PPE: {dev.player} gains {short(dev.gain, digits)} by playing {dev.action} in joint "
                     f"state {dev.state}.")
    if not eq.nash:
        failing = [c for c in eq.players if c.nash_deviation is not None]
        top = max(float(c.nash_gain) for c in failing)
        worst = next(c for c in failing if float(c.nash_gain) >= top - 1e-12 * (1 + abs(top)))
        nd = worst.nash_deviation
        assert nd is not None
        lines.append(f"  Not a Nash equilibrium: {worst.player}'s best reply gains {short(nd.gain, digits)}; it "
                     f"first departs by playing {nd.action} in joint state {nd.state}.")
    elif not eq.ppe:
        lines.append("  It is a Nash equilibrium: the profitable deviations are off the equilibrium path.")
    m = res.metrics
    lines.append("")
    lines.append("Escalation")
    first = (f"{short(m.periods_to_first_attack, digits)}" if m.periods_to_first_attack is not None
             else f"never, with probability {short(m.p_never_attack, digits)}")
    length = "-" if m.mean_conflict_length is None else f"{short(m.mean_conflict_length, digits)} periods"
    if m.mean_conflict_length is None and not _is_zero(m.attack_share_long_run):
        length = "endless (conflict never stops once it starts)"
    elif m.mean_conflict_length is None:
        length = "no conflict in the long run"
    rows = [
        ["share of periods with an attack, long run", _percent(m.attack_share_long_run, digits)],
        ["share of periods with an attack, discounted", _percent(m.attack_share_discounted, digits)],
        ["expected period of the first attack", first],
        ["mean length of a conflict episode", length],
        ["probability of permanent conflict", short(m.p_permanent_conflict, digits)],
        ["punishments of an innocent player per 100 periods", short(m.innocent_punishments_per_100, digits)],
    ]
    lines.append(table(["metric", "value"], rows, "  "))
    for note in res.notes:
        lines.append(f"Note: {note}.")
    return "\n".join(lines)


def _is_zero(x: Number) -> bool:
    return abs(float(x)) <= 1e-12


def render_deltas(res: DeltaIntervals, title: str, digits: int = 6) -> str:
    who = " vs ".join(res.strategies)

    def fmt(x: Number) -> str:
        return format_number(x, max(digits, 10))

    def ivs(items: tuple[Interval, ...]) -> str:
        return " and ".join(i.text(fmt) for i in items) if items else "none: for no discount factor in (0, 1)"

    lines = [f"{title or 'Untitled game'}: {who}",
             f"Perfect public equilibrium for delta in: {ivs(res.ppe)}",
             f"Nash equilibrium for delta in: {ivs(res.nash)}",
             "",
             f"PPE method: {res.ppe_method}.",
             f"Nash method: {res.nash_method}."]
    if len(res.ppe) > 1 or (res.ppe and res.ppe[-1].hi != 1):
        lines.append("The PPE set is not a threshold: more patience can break the equilibrium.")
    for note in res.notes:
        lines.append(f"Note: {note}.")
    return "\n".join(lines)


def render_timeline(tl: Timeline, title: str, digits: int = 6) -> str:
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
        row += [format_number(x, digits) for x in p.payoffs]
        rows.append(row)
    lines.append(table(headers, rows))
    if trembled:
        lines.append("* a tremble: the action played is not the one intended.")
    if tl.delay:
        lines.append(f"Signals become public {tl.delay} period{'s' if tl.delay > 1 else ''} late; automata move on "
                     "the revealed one.")
    avg = ", ".join(f"{p} {format_number(v, digits)}" for p, v in zip(tl.players, tl.averages))
    lines.append(f"Average payoffs over these {len(tl.periods)} periods: {avg}")
    return "\n".join(lines)
