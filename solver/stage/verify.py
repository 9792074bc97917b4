"""Is a given profile a Nash equilibrium?  Payoffs, best responses, regret.

For each player ``i`` against the others' mixed strategies: the payoff of
every pure action, the profile's payoff ``u_i(sigma)``, the best-response
payoff ``max_a u_i(a, sigma_-i)`` and the *regret*, their difference.  The
profile is an equilibrium iff every regret is zero (exactly, for rational
input; for floats within a tolerance relative to the player's payoff range,
:func:`solver.stage.payoffs.payoff_tolerances`, and a regret within it is
reported as 0), equivalently iff every action in each player's support is a
best response.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.mixed_profile import check_profile
from models.numbers import Number, is_exact, json_number, to_exact
from models.stage import StageGame
from solver.numeric.rational import as_number, is_zero, leq
from solver.numeric.tolerance import PROBABILITY_TOL
from solver.stage.payoffs import action_payoffs, payoff_arrays, payoff_tolerances

__all__ = ["PlayerRegret", "Verification", "verify_profile"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class PlayerRegret:
    """One player's side of the check: payoffs of every action, best responses, regret."""

    player: str
    payoff: Number
    best_payoff: Number
    regret: Number
    action_payoffs: tuple[Number, ...]
    best_responses: tuple[int, ...]  # indices of pure best responses
    support: tuple[int, ...]  # indices played with positive probability
    ok: bool

    @property
    def bad_support(self) -> tuple[int, ...]:
        """Actions played with positive probability that are not best responses."""
        return tuple(a for a in self.support if a not in self.best_responses)


@dataclass(frozen=True)
class Verification:
    """Result of :func:`verify_profile`."""

    exact: bool
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    profile: tuple[tuple[Number, ...], ...]
    checks: tuple[PlayerRegret, ...]
    is_equilibrium: bool
    max_regret: Number

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "exact": self.exact,
            "players": list(self.players),
            "actions": [list(a) for a in self.actions],
            "profile": [[json_number(p) for p in s] for s in self.profile],
            "equilibrium": self.is_equilibrium,
            "max_regret": json_number(self.max_regret),
            "checks": [
                {
                    "player": c.player,
                    "payoff": json_number(c.payoff),
                    "best_response_payoff": json_number(c.best_payoff),
                    "regret": json_number(c.regret),
                    "action_payoffs": [json_number(v) for v in c.action_payoffs],
                    "best_responses": [self.actions[i][a] for a in c.best_responses],
                    "support": [self.actions[i][a] for a in c.support],
                    "ok": c.ok,
                }
                for i, c in enumerate(self.checks)
            ],
        }


def verify_profile(
    game: StageGame, profile: tuple[tuple[Number, ...], ...], *, exact: bool | None = None
) -> Verification:
    """Check ``profile`` (one probability vector per player) against ``game``.

    ``exact=None`` works exactly when both the game and the profile are
    rational.

    Raises
    ------
    ModelError
        When ``profile`` is not one probability distribution per player with one entry per action
        (:func:`models.mixed_profile.check_profile`); the field names the player.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from models import catalog
    >>> g = catalog.load("matching-pennies")
    >>> verify_profile(g, ((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))).is_equilibrium
    True
    >>> v = verify_profile(g, ((F(1), F(0)), (F(1, 2), F(1, 2))))
    >>> v.is_equilibrium, str(v.max_regret)
    (False, '1')
    """
    # validated here too, not only by the CLI's parser: a Python caller gets a ModelError, not a numpy error
    profile = check_profile(profile, game)
    if exact is None:
        exact = game.is_exact and all(is_exact(p) for s in profile for p in s)
    prof = tuple(tuple(to_exact(p) if exact else float(p) for p in s) for s in profile)
    arrays = payoff_arrays(game, exact)
    checks = []
    for i, (arr, tol) in enumerate(zip(arrays, payoff_tolerances(arrays, exact))):
        vals: tuple[Number, ...] = tuple(as_number(v, exact) for v in action_payoffs(arr, prof, i, exact))
        payoff = as_number(sum(p * v for p, v in zip(prof[i], vals)), exact)
        best = max(vals)
        ok = leq(best, payoff, exact, tol)
        # a float regret within the tolerance is rounding noise: report it as the 0 the verdict says it is
        regret = best - payoff if exact or not ok else 0.0
        best_responses = tuple(a for a, v in enumerate(vals) if leq(best, v, exact, tol))
        support = tuple(a for a, p in enumerate(prof[i]) if not is_zero(p, exact, PROBABILITY_TOL))
        checks.append(PlayerRegret(game.players[i], payoff, best, regret, vals, best_responses, support, ok))
    return Verification(
        exact,
        game.players,
        game.actions,
        prof,
        tuple(checks),
        all(c.ok for c in checks),
        max(c.regret for c in checks),
    )
