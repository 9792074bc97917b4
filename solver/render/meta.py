"""Text renderer of the doctrine meta-game: the value table, its equilibria and the replicator table."""

from __future__ import annotations

from models.numbers import Number
from solver.meta.metagame import MetaGame
from solver.render.text import arithmetic_text, num, percent, strategy_text, table

__all__ = ["render_metagame"]


def render_metagame(meta: MetaGame, digits: int = 6, decimals: bool = False) -> str:
    """The meta-game as tables: values (row doctrine x column doctrine), equilibria, shares over time.

    The result's notes are not part of it: the command line prints them on stderr.
    """
    def short(x: Number | None) -> str:
        return num(x, digits, decimals)

    first, second = meta.players
    names = meta.doctrines
    lines = [""]
    corner = [f"{first} \\ {second}"]
    lines.append(f"Value to {first} (row doctrine) against {second} (column doctrine)")
    lines.append(table(corner + list(names), [[d] + [short(v) for v in row] for d, row in zip(names, meta.payoffs[0])],
                       "  "))
    if meta.symmetric:
        lines.append(f"  The game is symmetric: {second}'s value is the same table transposed.")
    else:
        lines.append("")
        lines.append(f"Value to {second} (column doctrine) against {first} (row doctrine)")
        lines.append(table(corner + list(names),
                           [[d] + [short(v) for v in row] for d, row in zip(names, meta.payoffs[1])], "  "))
    lines.append("")
    lines.append("Against itself")
    rows = [[d, short(meta.payoffs[0][k][k]), "yes" if meta.ppe_against_self[k] else "no",
             "yes" if meta.best_reply_to_self[k] else "no"] for k, d in enumerate(names)]
    lines.append(table(["doctrine", "value", "PPE", "best reply to itself"], rows, "  "))
    lines.append("  PPE: no state gains by any deviation at any public history of the repeated game; best reply: "
                 "no other doctrine of the list does better against it.")
    lines.append("")
    count = len(meta.equilibria)
    kind = "every extreme equilibrium" + (", degenerate game" if meta.degenerate else "")
    lines.append(f"Equilibria of the meta-game ({count}, {kind})")
    rows = []
    for k, e in enumerate(meta.equilibria, 1):
        mixes = [strategy_text(p, names, digits, decimals) for p in e.profile]
        row = [str(k), mixes[0], mixes[1]] + [short(v) for v in e.payoffs]
        if meta.degenerate:
            row.append("-" if e.component is None else str(e.component))
        rows.append(row)
    headers = ["#", first, second, f"value {first}", f"value {second}"] + (["component"] if meta.degenerate else [])
    lines.append(table(headers, rows, "  "))
    if meta.degenerate:
        lines.append("  Equilibria with the same component are joined by segments of equilibria.")
    lines.append("")
    start = "from the uniform mix"
    if len(meta.populations) == 1:
        lines.append(f"Replicator dynamics, one population {start}: share of each doctrine")
        lines.append(_shares(meta, 0, digits))
    else:
        for p, who in enumerate(meta.populations):
            lines.append(f"Replicator dynamics, {who}'s population {start}: share of each doctrine")
            lines.append(_shares(meta, p, digits))
            if p + 1 < len(meta.populations):
                lines.append("")
    body = "\n".join(lines)
    head = [f"{meta.title or 'Untitled scenario'}: doctrine meta-game, delta = {num(meta.delta, digits)}",
            f"({arithmetic_text(meta.exact, body, digits)}; {len(names)} doctrine{'s' if len(names) != 1 else ''}, "
            "every match played with every lever of the scenario)"]
    return "\n".join(head) + "\n" + body


def _shares(meta: MetaGame, population: int, digits: int) -> str:
    rows = [[num(r.time, digits)] + [percent(s, digits) for s in r.shares[population]] for r in meta.replicator]
    return table(["time"] + list(meta.doctrines), rows, "  ")
