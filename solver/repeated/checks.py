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

Exact for rational inputs; floats compare with :data:`solver.numeric.pivoting.TOL`
relative to the payoff scale.

References
----------
D. Abreu, D. Pearce and E. Stacchetti, "Toward a theory of discounted
repeated games with imperfect monitoring", Econometrica 58 (1990).
G. J. Mailath and L. Samuelson, Repeated Games and Reputations (2006).
R. A. Howard, Dynamic Programming and Markov Processes (1960).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from models.errors import ModelError
from models.numbers import Number, json_number
from solver.repeated.chain import Chain
from solver.repeated.markov import identity, solve
from solver.stage.payoffs import TOL

__all__ = ["Deviation", "PlayerCheck", "EquilibriumCheck", "one_shot_gains", "best_reply", "check_equilibrium"]


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
class PlayerCheck:
    player: str
    ppe: bool
    ppe_gain: Number  # largest one-shot gain over reachable joint states (0 when none)
    ppe_deviation: Deviation | None
    nash: bool
    nash_gain: Number  # best-reply value minus the profile's value, at the start
    nash_deviation: Deviation | None


@dataclass(frozen=True)
class EquilibriumCheck:
    ppe: bool
    nash: bool
    players: tuple[PlayerCheck, ...]

    @property
    def deviation(self) -> Deviation | None:
        """The largest profitable one-shot deviation, if any."""
        devs = [p.ppe_deviation for p in self.players if p.ppe_deviation is not None]
        if not devs:
            return None
        top = max(float(d.gain) for d in devs)
        # the first player among those tied (up to rounding) with the largest gain
        return next(d for d in devs if float(d.gain) >= top - 1e-12 * (1 + abs(top)))

    def to_dict(self) -> dict[str, Any]:
        dev = self.deviation
        return {
            "ppe": self.ppe,
            "nash": self.nash,
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
                }
                for p in self.players
            ],
        }


#: Float arithmetic cannot separate one-shot gains, which shrink like 1 - delta, from rounding below this.
MIN_FLOAT_PATIENCE = 1e-9


def _scale(chain: Chain) -> float:
    return max(1.0, max(float(abs(v)) for arr in chain.game.payoffs for v in arr.flat))


def _tolerance(chain: Chain, delta: Number = 0.0) -> float:
    """Tolerance for one-shot gains, which are of order ``(1 - delta)`` times the payoff scale."""
    return _scale(chain) * (TOL * (1 - float(delta)) + 1e-13)


def one_shot_gains(chain: Chain, V: np.ndarray, delta: Number, player: int) -> np.ndarray:
    """``gain[s, b] = Q_i(s, b) - V_i(s)`` for every joint state and action of ``player``.

    Computed in difference form, ``(1 - delta)(r_b - r) + delta (P_b - P) V``, which equals
    ``Q - V`` when ``V`` is the profile's value: the rows of ``P_b - P`` sum to zero, so an error
    of ``V`` along the constant vector (the ill-conditioned direction as ``delta -> 1``) cancels.
    """
    KV = chain.expect(V[:, player])
    W0, pe0 = chain.deviation()
    r0 = W0 @ chain.stage[:, player]
    base = (pe0 * KV).sum(axis=1)
    cols = []
    for b in range(chain.game.shape[player]):
        W, pe = chain.deviation(player, b)
        step = (pe * KV).sum(axis=1) - base
        cols.append((1 - delta) * (W @ chain.stage[:, player] - r0) + delta * step)
    return np.stack(cols, axis=1)


def best_reply(chain: Chain, V: np.ndarray, delta: Number, player: int) -> tuple[np.ndarray, np.ndarray]:
    """Advantage ``W_i - V_i`` of an optimal reply, and that reply (a deterministic policy), by policy iteration.

    With ``g_pi(s)`` the one-shot gain of playing ``pi(s)`` at ``s``, the advantage of following ``pi``
    solves ``(I - delta P_pi) A = g_pi``: a small right-hand side, so it stays accurate as delta -> 1.
    """
    k = chain.game.shape[player]
    tol = 0 if chain.exact else _tolerance(chain, delta)
    S = chain.n_states
    zero = chain.zero()
    advantage = np.full(S, zero, dtype=object if chain.exact else float)
    policy: list[int] | None = None
    for _ in range(10_000):
        value = V.copy()
        value[:, player] = V[:, player] + advantage
        # gains over the current policy's value: one-shot gains against V shifted by delta P_b A
        gains = one_shot_gains(chain, value, delta, player)
        if policy is not None:
            own = np.array([gains[s, policy[s]] for s in range(S)], dtype=gains.dtype)
            gains = gains - own[:, None]
        best = [max(range(k), key=gains[s].__getitem__) for s in range(S)]
        if policy is not None:
            # keep the current action unless another is strictly better: guarantees termination
            best = [policy[s] if gains[s, best[s]] <= tol else best[s] for s in range(S)]
            if best == policy:
                break
        policy = best
        g = one_shot_gains(chain, V, delta, player)[np.arange(S), policy]
        advantage = solve(identity(S, chain.exact) - delta * chain.policy_transition(player, policy), g, chain.exact)
    assert policy is not None
    return advantage, np.array(policy)


def _first_departure(chain: Chain, policy: np.ndarray, player: int, start: int) -> int:
    """The first joint state, in breadth-first order along the best reply's own path, where it departs
    from what the player's automaton would do."""
    S = chain.n_states
    P = chain.policy_transition(player, policy.tolist())
    seen = {s for s in range(S) if chain.init[s]}
    order = sorted(seen)
    k = 0
    while k < len(order):
        s = order[k]
        k += 1
        if chain.sig[player][s, policy[s]] != 1:
            return s
        for t in range(S):
            if P[s, t] and t not in seen:
                seen.add(t)
                order.append(t)
    return start


def check_equilibrium(chain: Chain, V: np.ndarray, delta: Number) -> EquilibriumCheck:
    """PPE and Nash verdicts per player, with the largest gains and where they are."""
    if not chain.exact and 1 - float(delta) < MIN_FLOAT_PATIENCE:
        raise ModelError(
            f"delta = {float(delta)!r} is too close to 1 for floating point (1 - delta < {MIN_FLOAT_PATIENCE:g}): "
            "give exact inputs (fractions) or use --exact"
        )
    tol = 0 if chain.exact else _tolerance(chain, delta)
    nash_tol = 0 if chain.exact else _tolerance(chain)
    zero = chain.zero()
    start = int(np.argmax([float(p) for p in chain.init]))
    checks = []
    for i, name in enumerate(chain.game.players):
        gains = one_shot_gains(chain, V, delta, i)
        s, b = np.unravel_index(int(np.argmax(np.asarray(gains, dtype=float))), gains.shape)
        # the float argmax only locates the candidate; the value itself is exact when the chain is
        top = max(gains.flat)
        if top != gains[s, b]:
            s, b = next((s2, b2) for (s2, b2), g in np.ndenumerate(gains) if g == top)
        gain = top if top > tol else zero
        ppe_dev = None
        if top > tol:
            ppe_dev = Deviation(name, chain.state_name(int(s)), chain.game.actions[i][int(b)], top)
        advantage, policy = best_reply(chain, V, delta, i)
        nash_gain = chain.init @ advantage
        nash_ok = nash_gain <= nash_tol
        nash_dev = None
        if not nash_ok:
            where = _first_departure(chain, policy, i, start)
            nash_dev = Deviation(name, chain.state_name(where), chain.game.actions[i][int(policy[where])], nash_gain)
        checks.append(PlayerCheck(name, bool(top <= tol), gain, ppe_dev, bool(nash_ok),
                                  nash_gain if nash_gain > nash_tol else zero, nash_dev))
    return EquilibriumCheck(all(c.ppe for c in checks), all(c.nash for c in checks), tuple(checks))
