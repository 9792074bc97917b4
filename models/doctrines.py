"""The library of named doctrines: deterrence and cooperative norms as automata.

Every doctrine restrains with ``@restrain`` (the seat's first non-hostile
action) and attacks with ``@attack`` (its first hostile action), and reads
blames, so it fits any game and any monitoring.  Parameters follow a colon:
``punish:3``, ``generous:1/10``, ``forgiving-trigger:0.5``.

==========================  ==============================================================================
doctrine                    automaton
==========================  ==============================================================================
``always-restrain``         one state, restrain.
``always-attack``           one state, attack.
``grim``                    peace (restrain) -> war on any blame, its own included; war (attack) forever.
                            Friedman (1971).
``tit-for-tat``             peace (restrain) -> punish when the other is blamed; punish (attack) -> peace
                            after a period in which the other was not blamed.  Axelrod (1984).
``punish:K``                peace -> K periods of attack after the other is blamed, then peace whatever
                            happens meanwhile (K-period punishment; Green and Porter 1984).
``generous:G``              tit-for-tat that ignores each blame on the other with probability G.
                            Nowak and Sigmund (1992).
``forgiving-trigger:PHI``   grim, except that a blame starts permanent war only with probability PHI,
                            drawn from the public lottery: players using it go to war together.  The
                            textbook forgiving trigger (Mailath and Samuelson 2006, sec. 7.2).
``forgiving-trigger-independent:PHI``
                            the same, but each player draws on its own (publicly observed), so one side
                            may go to war while the other stays at peace.
``wsls``                    win-stay, lose-shift (Pavlov): restrain after a period in which both or
                            neither were blamed, attack after a period in which exactly one was.
                            Nowak and Sigmund (1993).
``contrite``                contrite tit-for-tat: tracks each side's standing.  A blamed player loses good
                            standing unless it was in good standing and the other in bad standing (a
                            justified punishment); a player not blamed regains good standing.  Attack only
                            when in good standing facing a player in bad standing.  Boyd (1989),
                            Wu and Axelrod (1995).
``consult``                 consult before retaliating: tit-for-tat on *confirmed* blames only, so blames
                            the clarification channel clears are ignored.
==========================  ==============================================================================
"""

from __future__ import annotations

import re
from fractions import Fraction

from .automata import ATTACK, RESTRAIN, Automaton, Pattern
from .errors import ModelError
from .numbers import Number, format_number, parse_number, to_exact

__all__ = ["DOCTRINES", "doctrine", "MAX_PUNISHMENT"]

ONE = Fraction(1)
MAX_PUNISHMENT = 1000


def _p(kind: str) -> Pattern:
    return Pattern(kind)


def _to(state: str) -> tuple[tuple[str, Number], ...]:
    return ((state, ONE),)


def _always(action: str) -> Automaton:
    name = "always-restrain" if action == RESTRAIN else "always-attack"
    return Automaton(name, ("only",), _to("only"), (((action, ONE),),), ((),),
                     f"{'restrain' if action == RESTRAIN else 'attack'} in every period")


def _grim(phi: Number = ONE, name: str = "grim", lottery: str = "shared") -> Automaton:
    trigger = _to("war") if phi == 1 else (("war", phi), ("peace", 1 - phi))
    rules = ((_p("other-blamed"), trigger), (_p("self-blamed"), trigger))
    draw = "the public lottery" if lottery == "shared" else "its own draw"
    desc = ("restrain until anyone is blamed, then attack forever" if phi == 1 else
            f"restrain; after any blame, attack forever with probability {format_number(phi)} ({draw})")
    return Automaton(name, ("peace", "war"), _to("peace"), (((RESTRAIN, ONE),), ((ATTACK, ONE),)),
                     (rules, ()), desc, lottery if phi != 1 else "independent")


def _tft(pattern: str = "other-blamed", forgive: Number = Fraction(0), name: str = "tit-for-tat") -> Automaton:
    hit = _to("punish") if forgive == 0 else (("punish", 1 - forgive), ("peace", forgive))
    rules_peace = ((_p(pattern), hit),)
    rules_punish = ((_p(pattern), hit), (_p("always"), _to("peace")))
    what = "confirmed blame" if pattern == "other-confirmed" else "blame"
    desc = f"restrain; attack in the period after each {what} on the other"
    if forgive:
        desc += f", forgiving each one with probability {format_number(forgive)}"
    return Automaton(name, ("peace", "punish"), _to("peace"), (((RESTRAIN, ONE),), ((ATTACK, ONE),)),
                     (rules_peace, rules_punish), desc)


def _punish(k: int) -> Automaton:
    states = ("peace",) + tuple(f"punish{j}" for j in range(1, k + 1))
    rules: list[tuple[tuple[Pattern, tuple[tuple[str, Number], ...]], ...]] = [((_p("other-blamed"), _to("punish1")),)]
    for j in range(1, k + 1):
        nxt = "peace" if j == k else f"punish{j + 1}"
        rules.append(((_p("always"), _to(nxt)),))
    plays = (((RESTRAIN, ONE),),) + tuple(((ATTACK, ONE),) for _ in range(k))
    return Automaton(f"punish:{k}", states, _to("peace"), plays, tuple(rules),
                     f"restrain; after a blame on the other, attack for {k} period{'s' if k > 1 else ''}, "
                     "then restrain again")


def _wsls() -> Automaton:
    rules = ((_p("clear"), _to("win")), (_p("all-blamed"), _to("win")), (_p("always"), _to("lose")))
    return Automaton("wsls", ("win", "lose"), _to("win"), (((RESTRAIN, ONE),), ((ATTACK, ONE),)),
                     (rules, rules), "restrain after both or neither were blamed, attack after exactly one was")


def _contrite() -> Automaton:
    # state = (my standing, other's standing), g = good, b = bad
    states = ("gg", "gb", "bg", "bb")

    def nxt(state: str, self_blamed: bool, other_blamed: bool) -> str:
        # good standing after a period: not blamed, or blamed for punishing a player in bad standing
        # while in good standing oneself (Boyd 1989)
        mine, other = state[0], state[1]
        new_mine = "g" if not self_blamed or (mine == "g" and other == "b") else "b"
        new_other = "g" if not other_blamed or (other == "g" and mine == "b") else "b"
        return new_mine + new_other

    rules = tuple(
        ((_p("clear"), _to(nxt(s, False, False))), (_p("all-blamed"), _to(nxt(s, True, True))),
         (_p("other-blamed"), _to(nxt(s, False, True))), (_p("self-blamed"), _to(nxt(s, True, False))))
        for s in states
    )
    plays = tuple(((ATTACK if s == "gb" else RESTRAIN, ONE),) for s in states)
    return Automaton("contrite", states, _to("gg"), plays, rules,
                     "contrite tit-for-tat: attack only when in good standing against a player in bad standing")


DOCTRINES: dict[str, str] = {
    "always-restrain": "restrain in every period",
    "always-attack": "attack in every period",
    "grim": "restrain until anyone is blamed, then attack forever",
    "tit-for-tat": "restrain; attack in the period after each blame on the other",
    "punish:K": "after a blame on the other, attack for K periods, then restrain",
    "generous:G": "tit-for-tat that forgives each blame with probability G",
    "forgiving-trigger:PHI": "after any blame, all attack forever with probability PHI (public lottery)",
    "forgiving-trigger-independent:PHI": "the same, each player drawing on its own",
    "wsls": "win-stay, lose-shift: restrain after both or neither were blamed",
    "contrite": "contrite tit-for-tat: accept punishment for one's own blamed attacks",
    "consult": "tit-for-tat on confirmed blames only (uses the clarification channel)",
}


def _probability_arg(name: str, arg: str) -> Number:
    # a parameter is part of a doctrine's name, so "0.07" means exactly 7/100
    value = to_exact(parse_number(arg, field=f"strategy {name}"))
    if value < 0 or value > 1:
        raise ModelError(f"the parameter of {name} must be a probability in [0, 1], got {arg}")
    return value


def doctrine(spec: str) -> Automaton:
    """The library automaton for ``spec`` (``grim``, ``punish:3``, ``generous:1/10``...).

    Raises
    ------
    ModelError
        For an unknown name or a bad parameter.

    Examples
    --------
    >>> doctrine("punish:2").states
    ('peace', 'punish1', 'punish2')
    """
    name, _, arg = spec.partition(":")
    name = name.strip()
    arg = arg.strip()
    needs_arg = {"punish": "K", "generous": "G", "forgiving-trigger": "PHI", "forgiving-trigger-independent": "PHI"}
    if name in needs_arg and not arg:
        raise ModelError(f"doctrine {name} needs a parameter: {name}:{needs_arg[name]}")
    if name in DOCTRINES and ":" in spec:
        raise ModelError(f"doctrine {name} takes no parameter")
    if name == "always-restrain":
        return _always(RESTRAIN)
    if name == "always-attack":
        return _always(ATTACK)
    if name == "grim":
        return _grim()
    if name == "tit-for-tat":
        return _tft()
    if name == "consult":
        return _tft("other-confirmed", name="consult")
    if name == "wsls":
        return _wsls()
    if name == "contrite":
        return _contrite()
    if name == "punish":
        if not re.fullmatch(r"[0-9]+", arg) or not 1 <= int(arg) <= MAX_PUNISHMENT:
            raise ModelError(f"punish:K needs a whole number of periods 1 <= K <= {MAX_PUNISHMENT}, got {arg!r}")
        return _punish(int(arg))
    if name == "generous":
        g = _probability_arg(name, arg)
        return _tft(forgive=g, name=f"generous:{arg}")
    if name == "forgiving-trigger":
        return _grim(_probability_arg(name, arg), name=f"forgiving-trigger:{arg}")
    if name == "forgiving-trigger-independent":
        return _grim(_probability_arg(name, arg), name=f"forgiving-trigger-independent:{arg}",
                     lottery="independent")
    raise ModelError(f"unknown strategy {spec!r}; library doctrines are {', '.join(DOCTRINES)}")
