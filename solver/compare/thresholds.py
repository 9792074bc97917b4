"""Exact sets of any one parameter where a profile is an equilibrium.

``deltas`` gives the discount factors at which a profile is a PPE; users need
the same for every other lever: how good attribution must be for grim to
deter, how few false flags, how effective a hotline, how much generosity.
Each such parameter ``x`` enters the joint chain polynomially (detection,
false flags, trembles, the channel's rates and the audit rate through the
signal probabilities; generosity and PHI through the automata; gains, damages
and costs through the rewards), so for a fixed discount factor every one-shot
gain times ``det(I - delta P(x))`` (positive) is a polynomial in ``x``, and
so are a best reply's Bellman tests and gain times ``det(I - delta P) *
det(I - delta P_pi)``.  The method is that of :mod:`solver.repeated.delta_sets`
with ``x`` in the place of delta:

1. Map the parameter's range ``[lo, hi]`` to ``t`` in ``[0, 1]``.
2. Evaluate the polynomials exactly at dyadic points of ``(0, 1)`` (1/2, 1/4,
   3/4, 1/8, ...) and interpolate.  The degree is not known in advance (it
   depends on how many players' probabilities the parameter enters): it is
   found by doubling the number of points until a random combination of all
   the polynomials is predicted exactly at two further points, and every
   polynomial is then checked at those points.
3. The PPE set is where every gain polynomial is <= 0 (Sturm sequences); the
   Nash set follows each player's optimal best reply from ``t = 0`` to 1.
4. The ends ``lo`` and ``hi`` themselves are checked pointwise, exactly: the
   chain can lose transitions there (detection 1, false flags 0).

The interior sets assume the chain's possible transitions are those at
interior points; a parameter value inside the range at which a transition
probability vanishes (other than the ends) would be a point the polynomials
treat like its neighbours.  Models that are not rational, have a late
attribution, or whose chain exceeds the exact limits use a grid of
:data:`GRID` values with bisection of every change of verdict instead, and
say so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from models.errors import ModelError, SolverError
from models.numbers import Number, format_number, json_number, parse_number, to_exact
from models.repeated import RepeatedModel
from models.scenario import LEVER_NAMES, LEVER_PARAMETERS, TUNABLE, Scenario
from solver.numeric import linalg as exact_linalg
from solver.numeric.blas import blas_threads
from solver.numeric.polynomials import evaluate as poly_at
from solver.numeric.polynomials import interpolate
from solver.repeated.binding import EXACT_MAX_STATES, bind_profile, exact_inputs, profile_chain
from solver.repeated.chain import Chain
from solver.repeated.checks import best_reply, one_shot_gains
from solver.repeated.delta_sets import delta_intervals
from solver.repeated.delta_sets.delayed import _Grid as _DelayedGaps
from solver.repeated.delta_sets.exact_nash import (
    NASH_EXACT_MAX_STATES,
    SweepGaveUp,
    follow_best_reply,
    policy_sample,
)
from solver.repeated.delta_sets.exact_ppe import nonpositive_set
from solver.repeated.delta_sets.grid import BISECTION_WIDTH, Gaps, Witness, scan
from solver.repeated.delta_sets.intervals import Interval, intersect, merge
from solver.repeated.evaluation import evaluate
from solver.repeated.markov import identity
from solver.repeated.private import private_chain

__all__ = ["ParameterSets", "parameter_intervals", "DOCTRINE_PARAMETERS", "GRID", "MAX_DEGREE", "domain_of"]

SCHEMA_VERSION = 1
#: Parameters of the doctrines themselves (``generous:G``, ``forgiving-trigger:PHI``).
DOCTRINE_PARAMETERS = ("generosity", "phi")
#: Values of the grid method inside the range (evenly spaced; the ends are judged on their own).
GRID = 100
#: Bisection of the grid method stops at this fraction of the range (that of ``deltas``' grid).
GRID_WIDTH = Fraction(BISECTION_WIDTH)
#: Largest polynomial degree the exact method tries before it gives up for the grid.
MAX_DEGREE = 512
_BOUNDED = ("detection", "false_flag", "proxy_flag", "tremble", "effectiveness", "deception", "audit", "generosity",
            "phi")


@dataclass(frozen=True)
class ParameterSets:
    """Where a profile is a PPE, and where Nash, as one parameter varies over ``domain``."""

    parameter: str
    domain: tuple[Number, Number]
    value: Number | None  # the model's own value of the parameter
    players: tuple[str, ...]
    strategies: tuple[str, ...]
    ppe: tuple[Interval, ...]
    nash: tuple[Interval, ...] | None
    ppe_method: str
    nash_method: str
    exact: bool
    notes: tuple[str, ...] = ()

    def threshold(self) -> Number | None:
        """``x*`` when the PPE set is one interval ``[x*, hi]`` reaching the top of the range, else None."""
        if len(self.ppe) == 1 and self.ppe[0].hi == self.domain[1] and self.ppe[0].hi_closed:
            return self.ppe[0].lo
        return None

    def to_dict(self) -> dict[str, Any]:
        def detail(ivs: Sequence[Interval] | None) -> list[dict[str, Any]] | None:
            if ivs is None:
                return None
            return [i.to_dict() for i in ivs]

        return {
            "schema_version": SCHEMA_VERSION,
            "exact": self.exact,
            "parameter": self.parameter,
            "range": [json_number(self.domain[0]), json_number(self.domain[1])],
            "value": None if self.value is None else json_number(self.value),
            "players": list(self.players),
            "strategies": list(self.strategies),
            "ppe": detail(self.ppe),
            "nash": detail(self.nash),
            "ppe_method": self.ppe_method,
            "nash_method": self.nash_method,
            "threshold": None if self.threshold() is None else json_number(self.threshold()),  # type: ignore[arg-type]
            "notes": list(self.notes),
        }


Build = Callable[[Fraction | float], tuple[RepeatedModel, list[str], Number]]


def _with_doctrine_parameter(name: str, parameter: str, x: Number) -> str:
    base, sep, _ = name.partition(":")
    if sep and TUNABLE.get(base) == parameter:
        return f"{base}:{format_number(x, 17)}"
    return name


def _builder(scenario: Scenario, seats: list[str], parameter: str, levers: Sequence[str]) -> Build:
    if parameter in DOCTRINE_PARAMETERS:
        if not any(_with_doctrine_parameter(s, parameter, 0) != s for s in seats):
            who = " or ".join(f"{k}:X" for k, v in TUNABLE.items() if v == parameter)
            raise ModelError(f"--over {parameter}: no strategy has that parameter (it belongs to {who})")
        model = scenario.model(levers)
        delta = scenario.value("delta")

        def build_doctrine(x: Number) -> tuple[RepeatedModel, list[str], Number]:
            return model, [_with_doctrine_parameter(s, parameter, x) for s in seats], delta

        return build_doctrine
    if parameter == "delay":
        raise ModelError("--over delay: a delay is a whole number of periods; run one command per delay")
    scenario.check_parameter(parameter)
    lever = LEVER_PARAMETERS.get(parameter)
    if lever is not None and lever not in levers:
        raise ModelError(f"--over {parameter}: the profile plays without the "
                         f"{LEVER_NAMES[lever]}, so {parameter} changes "
                         f"nothing; add the lever to the strategy (-s STRATEGY+{lever})")

    def build(x: Number) -> tuple[RepeatedModel, list[str], Number]:
        changed = scenario.with_values({parameter: x})
        return changed.model(levers), seats, changed.value("delta")

    return build


def _in_unit_interval(parameter: str) -> bool:
    """Probabilities, doctrine parameters and delta live in [0, 1]."""
    return parameter in _BOUNDED or parameter == "delta" or parameter.endswith(".detection")


def domain_of(scenario: Scenario, parameter: str) -> tuple[Fraction, Fraction]:
    """The default range: [0, 1] for probabilities, [0, 10 x the value] (or [0, 10]) for payoffs and costs."""
    if _in_unit_interval(parameter):
        return Fraction(0), Fraction(1)
    value = to_exact(scenario.value(parameter))
    return Fraction(0), (10 * abs(value) if value else Fraction(10))


def _current(scenario: Scenario, seats: Sequence[str], parameter: str) -> Number | None:
    if parameter in DOCTRINE_PARAMETERS:
        for s in seats:
            base, sep, arg = s.partition(":")
            if sep and TUNABLE.get(base) == parameter:
                return parse_number(arg, field=s)
        return None
    if parameter not in dict(scenario.shown_parameters()):
        return None  # a flat value no operation uses (every hostile action has its own rate)
    return scenario.value(parameter)


def parameter_intervals(scenario: Scenario, strategies: Sequence[str], parameter: str, *,
                        levers: Sequence[str] = (), domain: tuple[Number, Number] | None = None,
                        exact: bool | None = None, nash: bool = True,
                        progress: Callable[[str, bool], None] | None = None) -> ParameterSets:
    """The values of ``parameter`` in ``domain`` where the profile is a PPE, and where it is Nash.

    ``strategies`` is one strategy per player (see :meth:`Scenario.seats`).  The others parameters are held
    at the scenario's values.  ``exact=None`` is exact when the model is rational (decimals count as the
    decimals they spell), prompt and small; ``False`` forces the grid.  ``nash=False`` skips the Nash set.
    ``progress(message, transient)`` hears how many points have been solved.

    Raises
    ------
    ModelError
        An unknown parameter, a range outside the parameter's bounds, strategies that do not fit.
    """
    with blas_threads(1):
        return _parameter_intervals(scenario, list(strategies), parameter, levers, domain, exact, nash, progress)


def _parameter_intervals(scenario: Scenario, seats: list[str], parameter: str, levers: Sequence[str],
                         domain: tuple[Number, Number] | None, exact: bool | None, nash: bool,
                         progress: Callable[[str, bool], None] | None) -> ParameterSets:
    ppe: list[Interval] | None
    nash_set: list[Interval] | None
    lo, hi = domain if domain is not None else domain_of(scenario, parameter)
    lo, hi = to_exact(lo), to_exact(hi)
    if not lo < hi:
        raise ModelError(f"--range: expected LO < HI, got {format_number(lo)}:{format_number(hi)}")
    if _in_unit_interval(parameter) and (lo < 0 or hi > 1):
        raise ModelError(f"--range: {parameter} is a probability; the range must lie in [0, 1]")
    if parameter not in DOCTRINE_PARAMETERS and parameter != "delta":
        scenario.check_parameter(parameter)  # an unknown name is that, before any range end is tried
        if parameter == "proxy_flag" and scenario.base is None and not scenario.third_parties:
            raise ModelError("--over proxy_flag: this scenario has no third parties, so proxy_flag changes nothing")
        for end in (lo, hi):  # a range end the parameter cannot take is the range's fault, named as such
            try:
                scenario.with_values({parameter: end})
            except ModelError as why:
                head, sep, rest = str(why).partition(": ")
                shown = format_number(end) if len(format_number(end)) <= 24 else f"{float(end):.6g}"
                raise ModelError(f"--range: {parameter} = {shown}: {rest if sep else head}") from None
    if parameter == "delta":
        model = scenario.model(levers)
        sets = delta_intervals(model, seats, exact=exact, progress=progress)
        ppe = intersect(sets.ppe, [Interval(lo, hi, True, hi < 1)])
        nash_set = intersect(sets.nash, [Interval(lo, hi, True, hi < 1)]) if nash else None
        return ParameterSets("delta", (lo, hi), scenario.value("delta"), model.game.players, tuple(sets.strategies),
                             tuple(ppe), None if nash_set is None else tuple(nash_set), sets.ppe_method,
                             sets.nash_method if nash else "", sets.exact, sets.notes)
    build = _builder(scenario, seats, parameter, levers)
    notes: list[str] = []
    model0, seats0, _ = build((lo + hi) / 2)
    profile = bind_profile(model0, seats0)
    names = profile.names
    players = model0.game.players
    value = _current(scenario, seats, parameter)
    fam: _Family | None = None
    if exact is not False and profile.signals.delay == 0:
        reference, _ = profile_chain(profile, False)
        if reference.n_states <= EXACT_MAX_STATES or exact is True:
            fam = _Family(build, lo, hi, progress=progress, what=parameter)
    ppe_method = nash_method = ""
    ppe = nash_set = None
    if fam is not None:
        try:
            ppe = fam.ppe_set()
            ppe_method = f"exact (Sturm sequences on the gain polynomials in {parameter}, degree {fam.degree})"
        except _NotPolynomial as why:
            notes.append(f"the exact method gave up ({why}): the PPE set comes from the grid")
        if nash and ppe is not None and (exact is True or fam.reference.n_states <= NASH_EXACT_MAX_STATES):
            try:
                nash_set = fam.nash_set()
                nash_method = f"exact (optimal best replies followed over {parameter}; Sturm sequences)"
            except (_NotPolynomial, SweepGaveUp) as why:
                notes.append(f"the exact Nash sweep gave up ({why}): the Nash set comes from the grid")
    elif profile.signals.delay:
        notes.append("under late attribution the sets over a parameter come from the grid")
    if ppe is None or (nash and nash_set is None):
        grid_ppe, grid_nash = _grid_sets(build, lo, hi, exact is not False and fam is not None, progress, parameter)
        how = (f"grid of {GRID} values of {parameter} and bisection to {float(GRID_WIDTH):.0e} of the range on the "
               "sign of the largest gain")
        if ppe is None:
            ppe, ppe_method = grid_ppe, how
        if nash and nash_set is None:
            nash_set, nash_method = grid_nash, how
    exact_result = fam is not None and ppe_method.startswith("exact")
    return ParameterSets(parameter, (lo, hi), value, players, names, tuple(ppe),
                         None if nash_set is None else tuple(nash_set), ppe_method, nash_method, exact_result,
                         tuple(notes))


class _NotPolynomial(Exception):
    """Interpolation did not settle below :data:`MAX_DEGREE` (the message says where)."""


def _nodes() -> Any:
    """1/2, 1/4, 3/4, 1/8, 5/8, 3/8, 7/8, ...: the van der Corput sequence, dyadic and inside (0, 1)."""
    k = 1
    while True:
        x, f, n = Fraction(0), Fraction(1, 2), k
        while n:
            if n & 1:
                x += f
            n >>= 1
            f /= 2
        yield x
        k += 1


class _Family:
    """Exact chains of the profile at points ``t`` of [0, 1] (``x = lo + (hi - lo) t``), memoised."""

    def __init__(self, build: Build, lo: Fraction, hi: Fraction, *,
                 progress: Callable[[str, bool], None] | None = None, what: str = "the parameter") -> None:
        self.build, self.lo, self.hi = build, lo, hi
        self.progress, self.what = progress, what
        self.memo: dict[Fraction, tuple[Chain, Fraction, np.ndarray, Fraction] | None] = {}
        self.degree = 0
        self.labels: list[str] | None = None  # the joint states at t = 1/2, which every sample must share
        ref = self.at(Fraction(1, 2))
        if ref is None:
            raise SolverError("no exact chain at the middle of the range")
        self.reference: Chain = ref[0]
        self.labels = [self.reference.state_name(s) for s in range(self.reference.n_states)]

    def x(self, t: Fraction) -> Fraction:
        return self.lo + (self.hi - self.lo) * t

    def at(self, t: Fraction) -> tuple[Chain, Fraction, np.ndarray, Fraction] | None:
        """(chain, delta, V, det(I - delta P)) at ``t``; None where the chain has other states than at 1/2."""
        if t not in self.memo:
            model, seats, delta = self.build(self.x(t))
            chain, _ = profile_chain(exact_inputs(bind_profile(model, seats)), True)
            d = to_exact(delta)
            if self.labels is not None and [chain.state_name(s) for s in range(chain.n_states)] != self.labels:
                self.memo[t] = None
            else:
                S = chain.n_states
                V, D = exact_linalg.solve_with_det(identity(S, True) - d * chain.transition(), (1 - d) * chain.reward())
                self.memo[t] = (chain, d, V, D)
            if self.progress is not None:
                self.progress(f"intervals: {len(self.memo)} exact chains in {self.what} solved", True)
        return self.memo[t]

    def polynomials(self, sample: Callable[[Fraction], np.ndarray]) -> list[list[Fraction]]:
        """Interpolate the components of ``sample(t)``, finding the degree by doubling (module docstring)."""
        xs: list[Fraction] = []
        ys: list[np.ndarray] = []
        nodes = _nodes()
        n = 4
        weights: np.ndarray | None = None
        while n <= MAX_DEGREE + 1:
            while len(xs) < n + 2:
                t = next(nodes)
                if self.at(t) is not None:
                    xs.append(t)
                    ys.append(sample(t))
            table = np.stack(ys)
            if weights is None:
                rng = np.random.default_rng(table.shape[1])
                draws = [int(w) for w in np.atleast_1d(rng.integers(1, 1 << 20, size=table.shape[1]))]
                weights = np.array([Fraction(w) for w in draws], dtype=object)
            combo = [Fraction(np.dot(row, weights)) for row in table]
            p = interpolate(xs[:n], combo[:n])
            if all(poly_at(p, xs[k]) == combo[k] for k in (n, n + 1)):
                polys = [interpolate(xs[:n], list(table[:n, j])) for j in range(table.shape[1])]
                if all(poly_at(q, xs[k]) == table[k, j] for j, q in enumerate(polys) for k in (n, n + 1)):
                    self.degree = max(self.degree, max((len(q) - 1 for q in polys), default=0))
                    return polys
            n *= 2
        raise _NotPolynomial(f"no polynomial of degree up to {MAX_DEGREE} fits")

    def _end(self, t: Fraction) -> tuple[bool, bool]:
        """Exact PPE and Nash verdicts at an end of the range."""
        model, seats, delta = self.build(self.x(t))
        r = evaluate(model, seats, to_exact(delta), exact=True)
        return r.equilibrium.ppe, r.equilibrium.nash

    def _with_ends(self, inner: list[Interval], which: int) -> list[Interval]:
        """``inner`` on (0, 1) mapped to the range, with the ends checked pointwise."""
        return _with_ends(inner, lambda t: self._end(t)[which], self.x, self._map)

    def _map(self, t: Number) -> Number:
        if isinstance(t, Fraction):
            return self.x(t)
        return float(self.lo) + float(self.hi - self.lo) * float(t)

    def ppe_set(self) -> list[Interval]:
        n = self.reference.n_players

        def sample(t: Fraction) -> np.ndarray:
            chain, d, V, D = self.at(t)  # type: ignore[misc]
            return np.concatenate([(one_shot_gains(chain, V, d, i) * D).reshape(-1) for i in range(n)])

        return self._with_ends(nonpositive_set(self.polynomials(sample)), 0)

    def nash_set(self) -> list[Interval]:
        result = [Interval(Fraction(0), Fraction(1), False, False)]
        for i in range(self.reference.n_players):
            result = intersect(result, self._nash_player(i))
        return self._with_ends(result, 1)

    def _nash_player(self, player: int) -> list[Interval]:
        def reply_at(t: Fraction) -> list[int]:
            point = self.at(t)
            while point is None:  # a point with another chain structure: step aside
                t = t + (1 - t) / 1024
                point = self.at(t)
            chain, d, V, _ = point
            return best_reply(chain, V, d, player)[1].tolist()

        def polys(policy: list[int]) -> tuple[list[list[Fraction]], list[Fraction]]:
            def sample(t: Fraction) -> np.ndarray:
                chain, d, V, D = self.at(t)  # type: ignore[misc]
                return policy_sample(chain, V, D, d, player, policy)

            found = self.polynomials(sample)
            return found[:-1], found[-1]

        return follow_best_reply(reply_at, polys, self.reference.game.players[player], "t")


def _open_at(iv: Interval, x: Number) -> Interval:
    if iv.lo == x and iv.lo_closed:
        return Interval(iv.lo, iv.hi, False, iv.hi_closed)
    if iv.hi == x and iv.hi_closed:
        return Interval(iv.lo, iv.hi, iv.lo_closed, False)
    return iv


def _with_ends(inner: Sequence[Interval], verdict: Callable[[Fraction], bool], x: Callable[[Fraction], Number],
               mapped: Callable[[Number], Number]) -> list[Interval]:
    """Sets found on (0, 1) in ``t`` mapped to the range, with the ends ``t = 0, 1`` judged by ``verdict``."""
    out = [Interval(mapped(iv.lo), mapped(iv.hi), iv.lo_closed, iv.hi_closed) for iv in inner]
    for t in (Fraction(0), Fraction(1)):
        if verdict(t):
            out.append(Interval(x(t), x(t), True, True))
        else:
            out = [_open_at(iv, x(t)) for iv in out]
    return merge(out)


class _PointGaps:
    """The signed gaps of the grid method (:mod:`solver.repeated.delta_sets.grid`) at points ``t`` of the range.

    At each ``t`` the float chain of the profile is built and its gaps computed as ``deltas`` computes them
    over delta: the largest one-shot gain (PPE) and the best reply's advantage (Nash), or under late
    attribution the deviators' continuation gains at the prescribed private histories (PPE) and from the
    start (Nash).  The gaps are continuous in ``t`` and never rounded to zero, so bisection follows their sign.
    """

    def __init__(self, build: Build, lo: Fraction, hi: Fraction,
                 progress: Callable[[str, bool], None] | None = None, what: str = "the parameter") -> None:
        self.build, self.lo, self.hi = build, lo, hi
        self.progress, self.what, self.count = progress, what, 0
        self.memo: dict[float, tuple[Gaps | _DelayedGaps, float, int]] = {}

    def at(self, t: float) -> tuple[Gaps | _DelayedGaps, float, int]:
        if t not in self.memo:
            if len(self.memo) > 256:
                self.memo.clear()
            model, seats, delta = self.build(float(self.lo) + float(self.hi - self.lo) * t)
            chain, _ = profile_chain(bind_profile(model, seats), False)
            gaps: Gaps | _DelayedGaps
            if chain.delay:
                gaps = _DelayedGaps([private_chain(chain, i) for i in range(chain.n_players)])
            else:
                gaps = Gaps(chain)
            self.memo[t] = (gaps, float(delta), chain.n_states)
            self.count += 1
            if self.progress is not None:
                self.progress(f"intervals: grid over {self.what}, {self.count} values solved", True)
        return self.memo[t]

    def gap(self, which: int) -> Callable[[float], tuple[float, Witness]]:
        def f(t: float) -> tuple[float, Witness]:
            g, d, _ = self.at(t)
            if isinstance(g, Gaps):
                return g.ppe_gap(d) if which == 0 else g.nash_gap(d)
            return g.public(d) if which == 0 else g.nash(d)
        return f

    def tolerance(self, which: int) -> Callable[[float], float]:
        def f(t: float) -> float:
            g, d, _ = self.at(t)
            if isinstance(g, Gaps):
                return g.ppe_tolerance(d) if which == 0 else g.nash_tolerance(d)
            return g.value_tolerance(d)
        return f

    def gain(self, which: int) -> Callable[[Witness, float], float]:
        def f(w: Witness, t: float) -> float:
            g, d, n = self.at(t)
            if w.policy is not None and len(w.policy) != (n if isinstance(g, Gaps) else len(w.policy)):
                return -np.inf  # another chain structure at this t: the witness does not apply, the gap judges
            try:
                if isinstance(g, Gaps):
                    return g.gain_of(w, d)
                return g.public_gain(w, d) if which == 0 else g.gain(w, d)
            except (IndexError, ValueError):
                return -np.inf
        return f


def _grid_sets(build: Build, lo: Fraction, hi: Fraction, exact: bool,
               progress: Callable[[str, bool], None] | None = None,
               what: str = "the parameter") -> tuple[list[Interval], list[Interval]]:
    """PPE and Nash sets by the grid method of ``deltas`` run over ``t`` (see :class:`_PointGaps`).

    :func:`~solver.repeated.delta_sets.grid.scan` evaluates :data:`GRID` values of the parameter and bisects
    every change of verdict to :data:`GRID_WIDTH` of the range on the sign of the gains; the ends of the range
    are judged pointwise (exactly when the model is rational).
    """
    gaps = _PointGaps(build, lo, hi, progress, what)
    verdicts: dict[Fraction, tuple[bool, bool]] = {}

    def end(t: Fraction) -> tuple[bool, bool]:
        if t not in verdicts:
            x = lo + (hi - lo) * t
            model, seats, delta = build(x if exact else float(x))
            r = evaluate(model, seats, delta, exact=None if exact else False)
            verdicts[t] = (r.equilibrium.ppe, r.equilibrium.nash)
        return verdicts[t]

    def x_of(t: Fraction) -> Number:
        return lo + (hi - lo) * t

    def mapped(t: Number) -> Number:
        return x_of(t) if isinstance(t, Fraction) else float(lo) + float(hi - lo) * float(t)

    sets: list[list[Interval]] = []
    for which in (0, 1):
        inner = [iv for iv, _, _ in scan(gaps.gap(which), gaps.tolerance(which), gaps.gain(which), points=GRID)]
        sets.append(_with_ends(inner, lambda t, w=which: end(t)[w], x_of, mapped))  # type: ignore[misc]
    return sets[0], sets[1]
