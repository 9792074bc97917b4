"""Text renderers of stage-game results: equilibria, verification, dominance, minmax, correlated."""

from __future__ import annotations

from collections.abc import Sequence

from models.stage import StageGame
from solver.render.text import ROUNDED, arithmetic_text, csv_line, label_text, num, strategy_text, table
from solver.stage.analysis import AnalysisSection
from solver.stage.correlated import CorrelatedResult
from solver.stage.dominance import DominanceResult
from solver.stage.equilibria import NashResult
from solver.stage.minmax import MinmaxResult
from solver.stage.verify import Verification

__all__ = ["render_nash", "render_verify", "render_dominance", "render_security", "render_correlated",
           "render_pure", "render_analysis_heading", "render_section", "render_rounding_footnote",
           "render_catalog", "render_nash_csv"]


def _heading(title: str, shape: Sequence[int], exact: bool, body: str, digits: int) -> str:
    """``Title (2x2, exact arithmetic)``, saying which values of ``body`` are rounded."""
    dims = "x".join(map(str, shape))
    return f"{title or 'Untitled game'} ({dims}, {arithmetic_text(exact, body, digits)})"


def render_nash(result: NashResult, title: str, digits: int = 6, decimals: bool = False) -> str:
    """The equilibria of a :class:`NashResult` as a table.

    The result's notes are not part of the table: the command line prints them on stderr.
    """
    shape = [len(a) for a in result.actions]
    lines: list[str] = []
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
            row += [strategy_text(s, a, digits, decimals) for s, a in zip(eq.profile, result.actions)]
            row += [num(v, digits, decimals) for v in eq.payoffs]
            if show_comp:
                row.append(str(eq.component))
            rows.append(row)
        lines.append(table(headers, rows))
    else:
        lines.append("No equilibrium of this kind.")
    body = "\n".join(lines)
    return _heading(title, shape, result.exact, body, digits) + "\n" + body


def render_verify(v: Verification, title: str, digits: int = 6, decimals: bool = False) -> str:
    """Why a profile is, or is not, an equilibrium."""
    lines: list[str] = []
    prof = "; ".join(
        f"{p} plays {strategy_text(s, a, digits, decimals)}" for p, s, a in zip(v.players, v.profile, v.actions)
    )
    lines.append(f"Profile: {prof}")
    lines.append("")
    rows = [
        [c.player, num(c.payoff, digits, decimals), num(c.best_payoff, digits, decimals),
         num(c.regret, digits, decimals), ", ".join(label_text(v.actions[i][a]) for a in c.best_responses),
         "ok" if c.ok else "can gain"]
        for i, c in enumerate(v.checks)
    ]
    lines.append(table(["player", "payoff", "best reply payoff", "regret", "best replies", "verdict"], rows))
    lines.append("")
    for i, c in enumerate(v.checks):
        pays = ", ".join(f"{label_text(a)} {num(x, digits, decimals)}" for a, x in zip(v.actions[i], c.action_payoffs))
        lines.append(f"{c.player}'s payoff from each action against the others: {pays}.")
        if not c.ok:
            bad = ", ".join(label_text(v.actions[i][a]) for a in c.bad_support)
            best = ", ".join(label_text(v.actions[i][a]) for a in c.best_responses)
            lines.append(
                f"  {c.player} plays {bad}, which {'is' if len(c.bad_support) == 1 else 'are'} not a best reply; "
                f"switching to {best} gains {num(c.regret, digits, decimals)}."
            )
    lines.append("")
    if v.is_equilibrium:
        lines.append("Verdict: a Nash equilibrium: every action played is a best reply, so every regret is 0.")
    else:
        worst = max(v.checks, key=lambda c: c.regret)
        lines.append(
            f"Verdict: not a Nash equilibrium: {worst.player} can gain {num(worst.regret, digits, decimals)} "
            "by deviating."
        )
    body = "\n".join(lines)
    return _heading(title, [len(a) for a in v.actions], v.exact, body, digits) + "\n" + body


def render_dominance(d: DominanceResult, digits: int = 6, decimals: bool = False) -> str:
    """Rounds of elimination, then the survivors."""
    by = "pure and mixed" if d.mixed else "pure"
    lines = [f"Iterated elimination of {d.kind}ly dominated strategies (dominators: {by} strategies)"]
    if not d.eliminated:
        lines.append("  No strategy is dominated.")
    for e in d.eliminated:
        player = d.players[e.player]
        dominator = strategy_text(e.dominator, d.actions[e.player], digits, decimals)
        action = label_text(d.actions[e.player][e.action])
        lines.append(f"  round {e.round}: {player}'s {action} is {d.kind}ly dominated by {dominator}")
    survivors = "; ".join(
        f"{p}: {', '.join(label_text(d.actions[i][a]) for a in s)}"
        for i, (p, s) in enumerate(zip(d.players, d.surviving))
    )
    lines.append(f"  Surviving: {survivors}")
    if d.kind == "weak" and d.eliminated:
        lines.append("  Order: each round removes every weakly dominated strategy of every player at once;")
        lines.append("  weak dominance depends on the order, so other orders may leave other survivors.")
    return "\n".join(lines)


def render_security(s: MinmaxResult, digits: int = 6, decimals: bool = False) -> str:
    """Maxmin, minmax and the zero-sum value."""
    lines = ["Security levels (mixed strategies; pure values in brackets)"]
    rows = []
    for lvl in s.levels:
        me = lvl.player
        guarantee = strategy_text(lvl.maxmin_strategy, s.actions[me], digits, decimals)
        if len(s.players) == 2:
            other = 1 - me
            punisher = strategy_text(lvl.minmax_punishment[0], s.actions[other], digits, decimals)
            punish = f"{s.players[other]} plays {punisher}"
        else:
            punish = "others correlate (lower bound)"
        rows.append([s.players[me], num(lvl.maxmin, digits, decimals), f"[{num(lvl.pure_maxmin, digits, decimals)}]",
                     guarantee, num(lvl.minmax, digits, decimals), f"[{num(lvl.pure_minmax, digits, decimals)}]",
                     punish])
    lines.append(table(["player", "maxmin", "pure", "guaranteed by", "minmax", "pure", "punished by"], rows, "  "))
    if len(s.players) > 2:
        lines.append("  With more than two players the true minmax (independent punishers) lies between")
        lines.append("  the correlated minmax shown and the pure minmax in brackets.")
    if s.zero_sum:
        lines.append(f"  Zero-sum (constant-sum) game: value {num(s.value, digits, decimals)} to {s.players[0]}; "
                     "the maxmin strategies are optimal.")
    return "\n".join(lines)


def render_correlated(c: CorrelatedResult, digits: int = 6, decimals: bool = False) -> str:
    lines = ["Correlated equilibrium maximising the sum of payoffs"]
    rows = [[", ".join(label_text(c.actions[i][a]) for i, a in enumerate(prof)), num(p, digits, decimals)]
            for prof, p in c.distribution]
    lines.append(table(["profile", "probability"], rows, "  "))
    pays = ", ".join(f"{p} {num(v, digits, decimals)}" for p, v in zip(c.players, c.payoffs))
    lines.append(f"  Payoffs: {pays}; total {num(c.welfare, digits, decimals)}")
    return "\n".join(lines)


def render_pure(result: NashResult, digits: int = 6, decimals: bool = False) -> str:
    lines = ["Pure Nash equilibria"]
    if not result.equilibria:
        lines.append("  None.")
    for eq in result.equilibria:
        prof = ", ".join(strategy_text(s, a, digits, decimals) for s, a in zip(eq.profile, result.actions))
        pays = ", ".join(num(v, digits, decimals) for v in eq.payoffs)
        lines.append(f"  ({prof}) with payoffs ({pays})")
    return "\n".join(lines)


def render_analysis_heading(game: StageGame, exact: bool, digits: int = 6, decimals: bool = False) -> str:
    """The heading of ``analyze``, written before any section is done (so it cannot know what gets rounded)."""
    dims = "x".join(map(str, game.shape))
    arith = "floating point" if not exact else (
        f"exact arithmetic; {ROUNDED} marks values rounded to {digits} significant digits" if decimals
        else "exact arithmetic")
    return f"{game.title or 'Untitled game'} ({dims}, {arith})"


def render_section(section: AnalysisSection, digits: int = 6, decimals: bool = False) -> str:
    """One finished section of :func:`solver.stage.analysis.analysis_sections`."""
    r = section.result
    if isinstance(r, DominanceResult):
        return render_dominance(r, digits, decimals)
    if isinstance(r, NashResult):
        return render_pure(r, digits, decimals)
    if isinstance(r, MinmaxResult):
        return render_security(r, digits, decimals)
    return render_correlated(r, digits, decimals)


def render_rounding_footnote(text: str, exact: bool, digits: int, decimals: bool) -> str | None:
    """The line that explains ``~`` in ``text`` when the heading did not, else None."""
    if exact and not decimals and ROUNDED in text:
        return f"{ROUNDED} marks exact values rounded to {digits} significant digits; --json keeps the fractions."
    return None


def render_catalog(entries: Sequence[dict[str, object]]) -> str:
    """The catalogue as a table: name, size, title."""
    rows = [[str(e["name"]), str(e["shape"]), str(e["title"])] for e in entries]
    return table(["model", "size", "title"], rows)


def render_nash_csv(result: NashResult, digits: int = 6, decimals: bool = False) -> str:
    """The equilibria in Gambit's command-line format: one ``NE,...`` line each.

    The probabilities run over Row's actions, then Column's (then the third player's, ...), as
    ``gambit-enummixed`` prints them; exact values stay exact fractions unless ``decimals``.
    Payoffs and components are not part of the format (``--json`` has them).
    """
    return "\n".join(csv_line("NE", [p for s in eq.profile for p in s], digits, decimals)
                     for eq in result.equilibria)
