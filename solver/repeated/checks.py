"""Equilibrium checks of automaton profiles: perfect public equilibrium and Nash.

Perfect public equilibrium (one-shot deviation principle; Abreu, Pearce and
Stacchetti 1990; Mailath and Samuelson 2006, Prop. 7.1.1).  Player ``i`` at
joint state ``s`` intending action ``b`` while the others follow the profile
earns::

    Q_i(s, b) = (1 - delta) u_i(b, sigma_-i(s)) + delta sum_s' P_i^b(s' | s) V_i(s').

The profile is a PPE iff ``max_b Q_i(s, b) <= V_i(s)`` at every joint state
reachable under *some* action sequence (the chain holds exactly those).
Because automata read only public signals, the joint state is common
knowledge; random transitions are treated as publicly observed, the usual
convention for public strategies.

Nash equilibrium.  Player ``i``'s best reply to the others' automata solves
a Markov decision problem over the joint states; policy iteration (Howard
1960) finds its optimal value ``W_i``.  The profile is Nash iff
``W_i <= V_i`` at the initial distribution for every player.

Under late attribution (signal delay ``L > 0``) a deviation is private to
the deviator until its signal arrives, and the checks run on each player's
own decision problem (:mod:`solver.repeated.private`), which also gives the
stricter *sequential* verdict.  Without delay the sequential verdict is the
PPE verdict.

Exact for rational inputs; floats compare with :data:`solver.numeric.tolerance.TOL`
relative to the payoff scale.

References
----------
D. Abreu, D. Pearce and E. Stacchetti, "Toward a theory of discounted
repeated games with imperfect monitoring", Econometrica 58 (1990).
G. J. Mailath and L. Samuelson, Repeated Games and Reputations (2006).
R. A. Howard, Dynamic Programming and Markov Processes (1960).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.errors import ModelError, SolverError
from models.numbers import Number, json_number
from solver.numeric.tolerance import TIE, TOL, VALUE_ROUNDING, payoff_span
from solver.repeated.chain import Chain
from solver.repeated.markov import identity, solve

__all__ = ["Deviation", "PlayerEquilibriumCheck", "EquilibriumCheck", "one_shot_gains", "best_reply",
           "policy_advantage", "check_equilibrium", "check_patience", "departure", "first_departure",
           "MAX_POLICY_ITERATIONS", "NOTIONS", "DELAY_NOTIONS", "MIN_FLOAT_PATIENCE", "gain_tolerance"]


@dataclass(frozen=True)
class Deviation:
    """A profitable deviation: who, where (joint state), which action, and the gain."""

    player: str
    state: str
    action: str
    gain: Number

    def to_dict(self) -> dict[str, Any]:
        return {"player": self.player, "state": self.state, "action": self.action, "gain": json_number(self.gain)}


@dataclass(frozen=True)
class PlayerEquilibriumCheck:
    """One player's PPE, sequential and Nash verdicts, with the largest gains and where they are.

    Without delay ``ppe_gain`` is the largest one-shot gain over the reachable joint states; under delay it
    is the largest continuation gain (best reply minus the profile) over the reachable public states with
    the player's pending actions as prescribed, and ``sequential_gain`` the same over every pending action.
    """

    player: str
    ppe: bool
    ppe_gain: Number  # 0 when none
    ppe_deviation: Deviation | None
    nash: bool
    nash_gain: Number  # best-reply value minus the profile's value, at the start
    nash_deviation: Deviation | None
    sequential: bool
    sequential_gain: Number
    sequential_deviation: Deviation | None


#: What each verdict means, without and with delay (the output and the README say the same).
NOTIONS = {
    "ppe": "perfect public equilibrium: no one-shot deviation gains at any reachable joint state",
    "nash": "Nash equilibrium: no strategy gains from the start",
    "sequential": "the same as the PPE verdict (without delay a player has no private information)",
}
DELAY_NOTIONS = {
    "ppe": ("perfect public equilibrium over public information: at every reachable public state (the joint "
            "states of the periods whose signals are pending, and now), with the player's pending actions as "
            "prescribed and the pending signals distributed accordingly, no continuation strategy gains, even "
            "one that uses what the player knows it did"),
    "nash": ("Nash equilibrium: no strategy gains from the start, the deviator seeing signals only when they "
             "arrive and knowing its own pending actions"),
    "sequential": ("sequential: the PPE condition also after the player's own past deviations, the pending "
                   "signals distributed as those deviations imply"),
}


@dataclass(frozen=True)
class EquilibriumCheck:
    ppe: bool
    nash: bool
    players: tuple[PlayerEquilibriumCheck, ...]
    sequential: bool
    delay: int = 0

    @property
    def notions(self) -> dict[str, str]:
        """What the ``ppe``, ``sequential`` and ``nash`` verdicts mean for this check."""
        return dict(DELAY_NOTIONS if self.delay else NOTIONS)

    @property
    def deviation(self) -> Deviation | None:
        """The largest profitable one-shot deviation, if any."""
        devs = [p.ppe_deviation for p in self.players if p.ppe_deviation is not None]
        if not devs:
            return None
        top = max(float(d.gain) for d in devs)
        # the first player among those tied (up to rounding) with the largest gain
        return next(d for d in devs if float(d.gain) >= top - TIE * (1 + abs(top)))

    @property
    def nash_failure(self) -> PlayerEquilibriumCheck | None:
        """The player whose best reply gains the most (the first of those tied), if any gains."""
        failing = [p for p in self.players if p.nash_deviation is not None]
        if not failing:
            return None
        top = max(float(p.nash_gain) for p in failing)
        return next(p for p in failing if float(p.nash_gain) >= top - TIE * (1 + abs(top)))

    def to_dict(self) -> dict[str, Any]:
        dev = self.deviation
        return {
            "ppe": self.ppe,
            "nash": self.nash,
            "sequential": self.sequential,
            "notions": self.notions,
            "gains": "continuation" if self.delay else "one-shot",
            "max_gain": [json_number(p.ppe_gain) for p in self.players],
            "nash_gain": [json_number(p.nash_gain) for p in self.players],
            "deviation": None if dev is None else dev.to_dict(),
            "players": [
                {
                    "player": p.player,
                    "ppe": p.ppe,
                    "nash": p.nash,
                    "max_gain": json_number(p.ppe_gain),
                    "deviation": None if p.ppe_deviation is None else p.ppe_deviation.to_dict(),
                    "nash_gain": json_number(p.nash_gain),
                    "nash_deviation": None if p.nash_deviation is None else p.nash_deviation.to_dict(),
                    "sequential": p.sequential,
                    "sequential_gain": json_number(p.sequential_gain),
                    "sequential_deviation": (None if p.sequential_deviation is None
                                             else p.sequential_deviation.to_dict()),
                }
                for p in self.players
            ],
        }



#: Float arithmetic cannot separate one-shot gains, which shrink like 1 - delta, from rounding below this.
MIN_FLOAT_PATIENCE = 1e-9


def gain_tolerance(payoffs: Sequence[np.ndarray], delta: Number | np.ndarray = 0.0) -> Any:
    """Tolerance for float one-shot gains of a repeated game with these stage payoffs.

    A gain is a difference of payoffs, of order ``(1 - delta)`` times their
    range; the values it is computed from carry rounding of order the
    largest payoff magnitude.  Both scale with the payoffs, so a game
    scaled by any positive factor gets the same verdicts.  ``delta`` may be
    an array (one tolerance per discount factor).
    """
    span, big = payoff_span(payoffs)
    return TOL * (1 - np.asarray(delta, dtype=float)) * span + VALUE_ROUNDING * big


def _tolerance(chain: Chain, delta: Number = 0.0) -> float:
    """Tolerance for the one-shot gains of ``chain``'s game (see :func:`gain_tolerance`)."""
    return float(gain_tolerance(chain.game.payoffs, float(delta)))


def one_shot_gains(chain: Chain, V: np.ndarray, delta: Number, player: int) -> np.ndarray:
    """``gain[s, b] = Q_i(s, b) - V_i(s)`` for every joint state and action of ``player``.

    With ``W_b`` the intended weights when ``player`` intends ``b`` (``W`` for the profile), ``pe_b = W_b G``
    the event probabilities and ``KV[s, e] = E[V_i(t) | s, e]`` the expected next value, this is computed in
    difference form, ``(1 - delta)(W_b - W) u_i + delta ((pe_b - pe) * KV) 1``, which equals ``Q - V`` when
    ``V`` is the profile's value: the rows of ``P_b - P`` sum to zero, so an error of ``V`` along the
    constant vector (the ill-conditioned direction as ``delta -> 1``) cancels.
    """
    expected_next = chain.expected_next_value(V[:, player])
    weights, events = chain.weights_and_events()
    reward = weights @ chain.stage[:, player]
    base = (events * expected_next).sum(axis=1)
    cols = []
    for b in range(chain.game.shape[player]):
        weights_b, events_b = chain.weights_and_events(player, b)
        step = (events_b * expected_next).sum(axis=1) - base
        cols.append((1 - delta) * (weights_b @ chain.stage[:, player] - reward) + delta * step)
    return np.stack(cols, axis=1)


#: Policy iteration on a finite MDP ends after finitely many improvements; this many means something is wrong.
MAX_POLICY_ITERATIONS = 10_000


def _policy_advantages(chain: Chain, V: np.ndarray, delta: Number, player: int, policy: Sequence[int],
                       gains: np.ndarray | None = None) -> np.ndarray:
    """``A_pi = (I - delta P_pi)^{-1} g_pi`` with ``g_pi(s) = gain[s, pi(s)]`` (see :func:`policy_advantage`)."""
    S = chain.n_states
    gains = one_shot_gains(chain, V, delta, player) if gains is None else gains
    g = gains[np.arange(S), list(policy)]
    return solve(identity(S, chain.exact) - delta * chain.policy_transition(player, policy), g, chain.exact)


def policy_advantage(chain: Chain, V: np.ndarray, delta: Number, player: int, policy: Sequence[int]) -> Number:
    """``init . (W_pi - V_i)``: what ``player`` gains, from the start, by the pure stationary ``policy``.

    ``W_pi`` is the value of playing action ``policy[s]`` in every joint state ``s`` while the others follow
    the profile, and ``V`` the profile's values.  The advantage ``A = W_pi - V_i`` solves
    ``(I - delta P_pi) A = g_pi``, where ``g_pi(s)`` is the one-shot gain of ``policy[s]`` at ``s``
    (:func:`one_shot_gains`): a small right-hand side, so ``A`` stays accurate as ``delta -> 1`` and near
    the discount factors where it changes sign.  Nothing is rounded or thresholded: the sign is the float
    (or exact) sign, so a bisection on it can locate a Nash edge to rounding precision.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from models import catalog
    >>> from models.repeated import RepeatedModel
    >>> from solver.repeated.binding import bind_profile, profile_chain
    >>> from solver.repeated.markov import discounted
    >>> chain, _ = profile_chain(bind_profile(RepeatedModel(catalog.load("prisoners-dilemma")), ["grim"]), True)
    >>> V = discounted(chain.transition(), chain.reward(), F(1, 3), True)
    >>> str(policy_advantage(chain, V, F(1, 3), 0, [1] * chain.n_states))  # defect for ever against grim
    '2/3'
    """
    return chain.init @ _policy_advantages(chain, V, delta, player, policy)


def best_reply(chain: Chain, V: np.ndarray, delta: Number, player: int, *,
               tol: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Advantage ``W_i - V_i`` of an optimal reply, and that reply (a deterministic policy), by policy iteration.

    Howard's policy iteration: start from the best one-shot deviation at every state; evaluate
    the current policy's advantage ``A`` (see :func:`policy_advantage`); at every state switch to the action
    with the largest gain over the current policy's value, but only where it beats the current action by
    more than ``tol``; stop when nothing switches.  Ties are broken by the lowest action index, so the run
    is deterministic.  Each switch raises the policy's value (by at least the switching gain), so no policy
    can come back in exact arithmetic; in floats a policy that comes back means the switches were rounding
    noise, and the best policy of that cycle is returned.

    Parameters
    ----------
    tol:
        Smallest gain that makes a switch.  Default: 0 for exact chains, the float tolerance for gains
        (:func:`_tolerance`) otherwise.  A smaller ``tol`` finds deviations that gain less (each evaluation
        is still float), at the price of more iterations.

    Raises
    ------
    SolverError
        If it has not converged after :data:`MAX_POLICY_ITERATIONS` improvements.
    """
    k = chain.game.shape[player]
    if tol is None:
        tol = 0 if chain.exact else _tolerance(chain, delta)
    S = chain.n_states
    base = one_shot_gains(chain, V, delta, player)
    policy = [max(range(k), key=base[s].__getitem__) for s in range(S)]  # the best one-shot deviations
    advantage = _policy_advantages(chain, V, delta, player, policy, base)
    seen: dict[tuple[int, ...], tuple[Number, np.ndarray]] = {}
    for _ in range(MAX_POLICY_ITERATIONS):
        seen[tuple(policy)] = (chain.init @ advantage, advantage)
        value = V.copy()
        value[:, player] = V[:, player] + advantage
        # gains over the current policy's value: one-shot gains against V shifted by delta P_b A
        gains = one_shot_gains(chain, value, delta, player)
        own = gains[np.arange(S), policy]
        gains = gains - own[:, None]
        new = list(policy)
        for s in range(S):
            top = max(gains[s])
            if top > tol:
                new[s] = next(b for b in range(k) if gains[s, b] >= top)  # lowest index among the best
        if new == policy:
            return advantage, np.array(policy)
        if tuple(new) in seen:  # floats only: a cycle of rounding-level switches; keep its best policy
            cycle = max(seen.items(), key=lambda item: float(item[1][0]))
            return cycle[1][1], np.array(cycle[0])
        policy = new
        advantage = _policy_advantages(chain, V, delta, player, policy, base)
    raise SolverError(
        f"the best reply of {chain.game.players[player]} did not converge after {MAX_POLICY_ITERATIONS} policy "
        "improvements; try exact arithmetic (--exact)"
    )


def first_departure(chain: Chain, policy: np.ndarray, player: int, start: int | None = None) -> int | None:
    """The first joint state, in breadth-first order along the best reply's own path (from ``start``, or
    the initial states), where it departs from what the player's automaton would do (plays an action the
    automaton does not play for sure).

    None when there is none: then the reply follows the strategy wherever it goes, and its advantage
    is zero in exact arithmetic.
    """
    S = chain.n_states
    P = chain.policy_transition(player, policy.tolist())
    slack = 0 if chain.exact else TOL
    seen = {s for s in range(S) if chain.init[s]} if start is None else {start}
    order = sorted(seen)
    k = 0
    while k < len(order):
        s = order[k]
        k += 1
        if chain.action_probabilities[player][s, policy[s]] < 1 - slack:
            return s
        for t in range(S):
            if P[s, t] and t not in seen:
                seen.add(t)
                order.append(t)
    return None


def check_patience(delta: Number, exact: bool) -> None:
    """Refuse a float ``delta`` too close to 1 for floating point (:data:`MIN_FLOAT_PATIENCE`)."""
    if not exact and 1 - float(delta) < MIN_FLOAT_PATIENCE:
        raise ModelError(
            f"delta = {float(delta)!r} is too close to 1 for floating point (1 - delta < {MIN_FLOAT_PATIENCE:g}): "
            "give exact inputs (fractions) or use --exact"
        )


def departure(chain: Chain, policy: np.ndarray, player: int, gain: Number, start: int | None = None) -> Deviation:
    """The best reply's first departure from the strategy (see :func:`first_departure`), as the deviation
    that gains ``gain``.

    Raises
    ------
    SolverError
        When the reply follows the strategy along its whole path: a float gain that is rounding.
    """
    name = chain.game.players[player]
    at = first_departure(chain, policy, player, start)
    if at is None:
        raise SolverError(
            f"the best reply of {name} gains {float(gain):.3g} but plays the strategy's own actions along its "
            "whole path: floating-point rounding; use exact arithmetic (--exact)"
        )
    return Deviation(name, chain.state_name(at), chain.game.actions[player][int(policy[at])], gain)


def check_equilibrium(chain: Chain, V: np.ndarray, delta: Number) -> EquilibriumCheck:
    """PPE and Nash verdicts per player, with the largest gains and where they are.

    Raises
    ------
    ModelError
        A float ``delta`` too close to 1 for floating point.
    SolverError
        When the float best reply claims a gain but follows the strategy along its whole path (rounding).
    """
    if chain.delay:
        from solver.repeated.private import check_delayed  # the deviators' chains build on this module

        return check_delayed(chain, delta)
    check_patience(delta, chain.exact)
    tol = 0 if chain.exact else _tolerance(chain, delta)
    nash_tol = 0 if chain.exact else _tolerance(chain)
    zero = chain.zero()
    checks = []
    for i, name in enumerate(chain.game.players):
        gains = one_shot_gains(chain, V, delta, i)
        if chain.exact:
            top = max(gains.flat)
            s, b = next((s2, b2) for (s2, b2), g in np.ndenumerate(gains) if g == top)
        else:
            s, b = np.unravel_index(int(np.argmax(gains)), gains.shape)
            top = gains[s, b]
        gain = top if top > tol else zero
        ppe_dev = None
        if top > tol:
            ppe_dev = Deviation(name, chain.state_name(int(s)), chain.game.actions[i][int(b)], top)
        advantage, policy = best_reply(chain, V, delta, i, tol=tol)
        nash_gain = chain.init @ advantage
        nash_ok = nash_gain <= nash_tol
        nash_dev = None if nash_ok else departure(chain, policy, i, nash_gain)
        checks.append(PlayerEquilibriumCheck(name, bool(top <= tol), gain, ppe_dev, bool(nash_ok),
                                             nash_gain if nash_gain > nash_tol else zero, nash_dev,
                                             bool(top <= tol), gain, ppe_dev))
    ppe = all(c.ppe for c in checks)
    return EquilibriumCheck(ppe, all(c.nash for c in checks), tuple(checks), ppe)
