"""Gambit strategic-game files (``.nfg``), payoff and outcome versions.

Both versions start with a prologue::

    NFG 1 R "title" { "Player 1" "Player 2" } <strategies> ["comment"]

where ``<strategies>`` is either a list of counts ``{ 3 2 }`` or a nested
list of labels ``{ { "a" "b" "c" } { "x" "y" } }``.  The *payoff version*
then lists the payoffs of every player for each profile; the *outcome
version* lists outcomes ``{ "label" 1, 2 }`` in braces and then one outcome
number per profile (0 is the null outcome, paying 0 to everyone).

Profiles are listed with the **first player's strategy changing fastest**:
for a 3x2 game the order is (1,1), (2,1), (3,1), (1,2), (2,2), (3,2).
(The prose of Gambit's format page misnames the fourth profile; Gambit's
sample files and its own reader follow the order above.)

As in Gambit, every number in an ``.nfg`` file is exact: integers,
fractions ``p/q`` and decimals (``.80`` is 4/5) all become Fractions.

Labels: Gambit accepts empty labels and repeated labels; detente needs
every player and strategy to be addressable by its label, so it reads
them as follows.  An empty player label becomes the player's number
(``"1"``, ``"2"``, ...), as an empty strategy label becomes the
strategy's number; a label that repeats an earlier one in the same list
gets its occurrence number appended: ``"x"``, ``"x (2)"``, ``"x (3)"``.
A leading UTF-8 byte-order mark is ignored.

References
----------
The Gambit Project, "Game representation formats", Gambit documentation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import ModelError, ParseError
from ..numbers import Number, format_number, is_exact
from ..stage import StageGame

__all__ = ["parse_nfg", "dump_nfg"]

_NUMBER = re.compile(r"^[+-]?(\d+(/\d+)?|\d+\.\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+)$")


@dataclass(frozen=True)
class _Token:
    kind: str  # "str", "{", "}", ",", "word"
    text: str
    line: int


def _tokenize(text: str, source: str | None) -> list[_Token]:
    tokens: list[_Token] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace():
            i += 1
        elif ch in "{},":
            tokens.append(_Token(ch, ch, line))
            i += 1
        elif ch == '"':
            start_line = line
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise ParseError("unterminated string", source=source, line=start_line)
                ch = text[i]
                if ch == "\\" and i + 1 < n:
                    buf.append(text[i + 1])
                    line += text[i + 1] == "\n"
                    i += 2
                    continue
                if ch == '"':
                    i += 1
                    break
                line += ch == "\n"
                buf.append(ch)
                i += 1
            tokens.append(_Token("str", "".join(buf), start_line))
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '{},"':
                j += 1
            tokens.append(_Token("word", text[i:j], line))
            i = j
    return tokens


class _Parser:
    def __init__(self, text: str, source: str | None) -> None:
        self.source = source
        self.tokens = _tokenize(text, source)
        self.pos = 0

    def error(self, message: str, token: _Token | None = None) -> ParseError:
        if token is None:
            line = self.tokens[-1].line if self.tokens else 1
            return ParseError(f"{message}, but the file ends (truncated?)", source=self.source, line=line)
        return ParseError(message, source=self.source, line=token.line)

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, what: str) -> _Token:
        tok = self.peek()
        if tok is None:
            raise self.error(f"expected {what}")
        self.pos += 1
        return tok

    def expect(self, kind: str, what: str) -> _Token:
        tok = self.take(what)
        if tok.kind != kind:
            raise self.error(f"expected {what}, got {tok.text!r}", tok)
        return tok

    def number(self, what: str) -> Fraction:
        tok = self.take(what)
        if tok.kind != "word" or not _NUMBER.match(tok.text):
            raise self.error(f"expected {what}, got {tok.text!r}", tok)
        num, slash, den = tok.text.partition("/")
        if slash and int(den) == 0:
            raise self.error(f"zero denominator in {what}: {tok.text!r}", tok)
        return Fraction(tok.text)

    def strings(self, what: str) -> list[str]:
        self.expect("{", f"'{{' to open the {what}")
        out: list[str] = []
        while True:
            tok = self.take(f"a quoted {what[:-1]} label or '}}'")
            if tok.kind == "}":
                return out
            if tok.kind != "str":
                raise self.error(f"expected a quoted {what[:-1]} label, got {tok.text!r}", tok)
            out.append(tok.text)

    def parse(self) -> StageGame:
        if not self.tokens:
            raise ParseError("the file is empty; a Gambit .nfg file starts with 'NFG 1 R'", source=self.source,
                             line=1)
        head = self.expect("word", "'NFG' at the start of the file")
        if head.text != "NFG":
            raise self.error(f"not a Gambit .nfg file: expected 'NFG', got {head.text!r}", head)
        version = self.expect("word", "version number 1")
        if version.text != "1":
            raise self.error(f"unsupported .nfg version {version.text!r} (only 1 exists)", version)
        kind = self.expect("word", "'R' or 'D'")
        if kind.text not in ("R", "D"):
            raise self.error(f"expected 'R' or 'D', got {kind.text!r}", kind)
        title = self.expect("str", "the quoted title").text
        players = _addressable(self.strings("players"))
        if len(players) < 2:
            raise self.error(f"a game needs at least 2 players, got {len(players)}", head)
        open_tok = self.expect("{", "'{' to open the strategy list")
        nxt = self.peek()
        labels: list[list[str]]
        if nxt is not None and nxt.kind == "{":
            labels = []
            while (nxt := self.peek()) is not None and nxt.kind == "{":
                labels.append(_addressable(self.strings("strategies")))
            self.expect("}", "'}' to close the strategy list")
        else:
            counts = []
            while True:
                tok = self.take("a strategy count or '}'")
                if tok.kind == "}":
                    break
                if tok.kind != "word" or not tok.text.isdigit() or int(tok.text) < 1:
                    raise self.error(f"expected a positive strategy count, got {tok.text!r}", tok)
                counts.append(int(tok.text))
            labels = [[str(k + 1) for k in range(c)] for c in counts]
        if len(labels) != len(players):
            raise self.error(
                f"{len(players)} players but {len(labels)} strategy lists", open_tok
            )
        for i, lab in enumerate(labels):
            if not lab:
                raise self.error(f"player {players[i]!r} has no strategies", open_tok)
        description = ""
        nxt = self.peek()
        if nxt is not None and nxt.kind == "str":
            description = self.take("comment").text
        shape = tuple(len(lab) for lab in labels)
        n_profiles = 1
        for s in shape:
            n_profiles *= s
        n = len(players)
        nxt = self.peek()
        if nxt is not None and nxt.kind == "{":
            table = self.outcome_body(n, n_profiles)
        else:
            table = [[self.number(f"a payoff (profile {k + 1} of {n_profiles})") for _ in range(n)]
                     for k in range(n_profiles)]
        extra = self.peek()
        if extra is not None:
            raise self.error(f"unexpected {extra.text!r} after the last payoff", extra)
        arrays: list[list[Fraction]] = [[Fraction(0)] * n_profiles for _ in range(n)]
        flat_index = []
        for k in range(n_profiles):
            # first player fastest -> C-order flat index of the profile
            rest, idx = k, []
            for s in shape:
                idx.append(rest % s)
                rest //= s
            c_index = 0
            for a, s in zip(idx, shape):
                c_index = c_index * s + a
            flat_index.append(c_index)
        for k, payoffs in enumerate(table):
            for i in range(n):
                arrays[i][flat_index[k]] = payoffs[i]
        nested = tuple(np.array(arr, dtype=object).reshape(shape) for arr in arrays)
        try:
            return StageGame(tuple(players), tuple(tuple(lab) for lab in labels), nested, title, description)
        except ModelError as exc:
            raise ParseError(exc.message, source=self.source, field=exc.field) from None

    def outcome_body(self, n: int, n_profiles: int) -> list[list[Fraction]]:
        self.expect("{", "'{' to open the outcome list")
        outcomes: list[list[Fraction]] = []
        while True:
            tok = self.take("an outcome '{ \"label\" payoffs }' or '}'")
            if tok.kind == "}":
                break
            if tok.kind != "{":
                raise self.error(f"expected an outcome in braces, got {tok.text!r}", tok)
            self.expect("str", "the quoted outcome label")
            pays: list[Fraction] = []
            while True:
                nxt = self.take("a payoff or '}'")
                if nxt.kind == "}":
                    break
                if nxt.kind == ",":
                    continue
                self.pos -= 1
                pays.append(self.number(f"a payoff of outcome {len(outcomes) + 1}"))
            if len(pays) != n:
                raise self.error(f"outcome {len(outcomes) + 1} has {len(pays)} payoffs for {n} players", tok)
            outcomes.append(pays)
        table = []
        for k in range(n_profiles):
            tok = self.take(f"an outcome number (profile {k + 1} of {n_profiles})")
            if tok.kind != "word" or not tok.text.isdigit():
                raise self.error(f"expected an outcome number, got {tok.text!r}", tok)
            o = int(tok.text)
            if o > len(outcomes):
                raise self.error(f"outcome {o} does not exist (there are {len(outcomes)})", tok)
            table.append([Fraction(0)] * n if o == 0 else outcomes[o - 1])
        return table


def _addressable(labels: list[str]) -> list[str]:
    """Labels made non-empty and distinct (see the module docstring).

    >>> _addressable(["", "x", "x", "x (2)", ""])
    ['1', 'x', 'x (3)', 'x (2)', '5']
    """
    filled = [lab.strip() or str(k + 1) for k, lab in enumerate(labels)]
    taken = set(filled)
    out: list[str] = []
    used: set[str] = set()
    for lab in filled:
        if lab not in used:
            out.append(lab)
            used.add(lab)
            continue
        j = 2
        while f"{lab} ({j})" in taken or f"{lab} ({j})" in used:
            j += 1
        new = f"{lab} ({j})"
        out.append(new)
        used.add(new)
    return out


def parse_nfg(text: str, *, source: str | None = None) -> StageGame:
    """Read a Gambit ``.nfg`` file (payoff or outcome version).

    Examples
    --------
    >>> g = parse_nfg('NFG 1 R "PD" { "Row" "Col" } { 2 2 } 3 3 5 0 0 5 1 1')
    >>> g.payoffs[0].tolist()
    [[Fraction(3, 1), Fraction(0, 1)], [Fraction(5, 1), Fraction(1, 1)]]
    """
    return _Parser(text.removeprefix("\ufeff"), source).parse()


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _num(x: Number) -> str:
    if is_exact(x):
        return format_number(x)
    # Gambit reads 2.5e20 but not Python's 2.5e+20
    return json.dumps(float(x)).replace("e+", "e")


def dump_nfg(game: StageGame) -> str:
    """Gambit ``.nfg`` text (payoff version, with strategy labels).

    Floats are written as their shortest decimal, which Gambit (and this
    reader) read as that exact decimal.
    """
    lines = [f"NFG 1 R {_quote(game.title)} {{ {' '.join(_quote(p) for p in game.players)} }}"]
    lines.append("{ " + "\n".join("{ " + " ".join(_quote(a) for a in acts) + " }" for acts in game.actions) + "\n}")
    lines.append(_quote(game.description))
    lines.append("")
    shape = game.shape
    for k in range(game.n_profiles):
        rest, idx = k, []
        for s in shape:
            idx.append(rest % s)
            rest //= s
        lines.append(" ".join(_num(arr[tuple(idx)]) for arr in game.payoffs))
    return "\n".join(lines) + "\n"
