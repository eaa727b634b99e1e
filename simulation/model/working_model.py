"""Internal working models: the learning update, the strategy they imply, anxiety and avoidance.

All functions are plain and vectorised (one array entry per person). ``update_working_model`` is
the only code that changes a working model: every experienced interaction, in infancy now and with
partners or therapists later, goes through it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numba
import numpy as np

# How much a response tells the infant about others (1 = available) and about itself (1 = worthy
# of care). A comforting response that does not settle the infant is only half a success; a
# missed bid says less about the self than a rebuff does.
OTHER_VALUE_UNSOOTHED = 0.5
SELF_VALUE_MISSED = 0.3
SELF_VALUE_FRIGHTENED = 0.1
# Fear conditioning is fast and its extinction slow (LeDoux; Main & Hesse's "fright without
# solution"): one frightening episode weighs as much as FEAR_GAIN ordinary bids, while each
# soothing episode extinguishes only EXTINCTION of that.
FEAR_GAIN = 40.0
EXTINCTION = 0.2


@dataclass
class WorkingModel:
    """A person's internal working model; each field is in [0, 1], one entry per person.

    self_model:   expectation that one is worthy of care (high = positive model of self)
    other_model:  expected availability of others when one bids for comfort
    uncertainty:  learned unpredictability of others (volatility of their availability)
    suppression:  learned expectation that showing distress is punished, so bids are muted
    alarm:        learned fear of the attachment figure itself (fright without solution)
    """

    self_model: np.ndarray
    other_model: np.ndarray
    uncertainty: np.ndarray
    suppression: np.ndarray
    alarm: np.ndarray

    @classmethod
    def newborn(cls, n: int) -> WorkingModel:
        """Neutral priors: nothing learned yet."""
        return cls(
            self_model=np.full(n, 0.5),
            other_model=np.full(n, 0.5),
            uncertainty=np.full(n, 0.5),
            suppression=np.zeros(n),
            alarm=np.zeros(n),
        )

    def row(self, i: int) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)[i]) for f in fields(self)}

    def copy(self) -> WorkingModel:
        return WorkingModel(**{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def select(self, index: slice | np.ndarray) -> WorkingModel:
        """The working models of some people (a view for a slice, a copy for an index array)."""
        return WorkingModel(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


FIELDS = tuple(f.name for f in fields(WorkingModel))


@dataclass
class Experience:
    """What happened to a batch of bids (one day for an infant), counts per person."""

    bids: np.ndarray
    soothed: np.ndarray  # comforted and settled
    comforted: np.ndarray  # comforted, settled or not (soothed is part of it)
    missed: np.ndarray
    rebuffed: np.ndarray
    frightened: np.ndarray
    overwhelmed: np.ndarray  # episodes of distress left unregulated past the limit
    # unanswered bids read as abandonment (a perception bias after infancy): counted in bids but
    # in no outcome, so they say nothing good about others or the self (unlike a plain miss,
    # which keeps some self-worth), yet unlike a rebuff they do not teach that bids are punished
    abandoned: np.ndarray | int = 0


def update_working_model(
    wm: WorkingModel,
    exp: Experience,
    rate: float | np.ndarray,
    prototype: WorkingModel | None = None,
    pull: float = 0.0,
    strategy_weight: float = 0.0,
) -> None:
    """Learn from prediction error (a delta rule over the batch), in place.

    ``rate`` is plasticity: the weight of one bid. A batch of n bids moves an expectation by
    1 - (1 - rate)^n of its prediction error, as n sequential delta-rule steps would.
    With a ``prototype`` (the working model formed in infancy), each update also moves the model
    ``pull`` times as far towards it as new experience moves it (Fraley's prototype account:
    the early model stays an input to every later revision). Without one, the model is only the
    running sum of experience (the revisionist account). ``strategy_weight`` (the parameter
    ``self_blame``) sets how much the strategy in use changes what an unanswered bid says about
    the self: 0, not at all.
    """
    people = len(wm.other_model)

    def per_person(x: np.ndarray | float) -> np.ndarray:
        x = np.asarray(x)
        return x if x.ndim else np.broadcast_to(x, people)

    pulled = prototype is not None and pull > 0.0
    target = prototype if pulled else wm
    _learn(
        *(getattr(wm, name) for name in FIELDS),
        *(getattr(target, name) for name in FIELDS),
        *map(per_person, (exp.bids, exp.soothed, exp.comforted, exp.missed, exp.rebuffed)),
        *map(per_person, (exp.frightened, exp.overwhelmed)),
        per_person(np.asarray(rate, dtype=float)),
        pull if pulled else 0.0,
        strategy_weight,
    )


@numba.njit(cache=True)
def _learn(
    self_model: np.ndarray,
    other_model: np.ndarray,
    uncertainty: np.ndarray,
    suppression: np.ndarray,
    alarm: np.ndarray,
    proto_self: np.ndarray,
    proto_other: np.ndarray,
    proto_uncertainty: np.ndarray,
    proto_suppression: np.ndarray,
    proto_alarm: np.ndarray,
    bids: np.ndarray,
    soothed: np.ndarray,
    comforted: np.ndarray,
    missed: np.ndarray,
    rebuffed: np.ndarray,
    frightened: np.ndarray,
    overwhelmed: np.ndarray,
    rate: np.ndarray,
    pull: float,
    strategy_weight: float,
) -> None:
    # compiled: one pass per person instead of a dozen passes over arrays of everyone; the
    # logarithms of (1 - rate) are computed again only where the rate changes
    last_rate = np.nan
    keep = keep_fear = keep_extinction = 0.0
    for i in range(len(other_model)):
        if rate[i] != last_rate:
            last_rate = rate[i]
            keep = _log_keep(last_rate)
            keep_fear = _log_keep(FEAR_GAIN * last_rate)
            keep_extinction = _log_keep(EXTINCTION * last_rate)
        n = float(bids[i])
        safe_n = n if n > 0 else 1.0
        self_weight = 1.0  # of an unanswered bid in the model of self (see below)
        if strategy_weight > 0.0:
            hyper = _hyper(other_model[i], uncertainty[i], suppression[i])
            deact = _deact(other_model[i], uncertainty[i], suppression[i])
            self_weight = ((1.0 - deact) * (1.0 + hyper)) ** strategy_weight
        # a batch of n bids moves an expectation by 1 - (1 - rate)^n of the error
        step = 1.0 - math.exp(n * keep)

        # model of others: how often a bid brought comfort that settled
        other_outcome = (soothed[i] + OTHER_VALUE_UNSOOTHED * (comforted[i] - soothed[i])) / safe_n
        error = other_outcome - other_model[i]
        # uncertainty: the size of the surprise, so day-to-day swings in availability raise it
        # and a predictable caregiver (kind or not) lowers it
        uncertainty[i] += step * (min(1.0, 2.0 * abs(error)) - uncertainty[i])
        other_model[i] += step * error

        # model of self: comfort says "worth caring for", a rebuff or fright says the opposite.
        # How much a bid that went unanswered (missed, rebuffed, read as abandonment) says about
        # the self depends on the strategy in use (Mikulincer & Shaver 2003): hyperactivation
        # reads it as one's own fault and weighs it up to double; deactivation turns attention
        # away from it and defends the self-view (avoidant self-enhancement), so it weighs less.
        # Comfort and fright count as they are. (Strategies from the model before this batch.)
        if strategy_weight > 0.0:
            unanswered = n - comforted[i] - frightened[i]
            n_self = comforted[i] + frightened[i] + self_weight * unanswered
            if n_self > 0:
                self_outcome = (
                    comforted[i]
                    + self_weight * SELF_VALUE_MISSED * missed[i]
                    + SELF_VALUE_FRIGHTENED * frightened[i]
                ) / n_self
                step_self = 1.0 - math.exp(n_self * keep)
                self_model[i] += step_self * (self_outcome - self_model[i])
        else:  # every unanswered bid weighs alike
            self_outcome = (
                comforted[i] + SELF_VALUE_MISSED * missed[i] + SELF_VALUE_FRIGHTENED * frightened[i]
            ) / safe_n
            self_model[i] += step * (self_outcome - self_model[i])

        # suppression: learned expectation that a bid is punished (rebuffed or frightened)
        suppression[i] += step * ((rebuffed[i] + frightened[i]) / safe_n - suppression[i])

        # alarm: fast fear learning from fright and overwhelm, slow extinction through soothing
        frights = frightened[i] + overwhelmed[i]
        if frights > 0:
            alarm[i] += (1.0 - alarm[i]) * (1.0 - math.exp(frights * keep_fear))
        if alarm[i] != 0.0:
            alarm[i] *= math.exp(soothed[i] * keep_extinction)

        if pull > 0.0:
            weight = min(step * pull, 1.0)
            self_model[i] += weight * (proto_self[i] - self_model[i])
            other_model[i] += weight * (proto_other[i] - other_model[i])
            uncertainty[i] += weight * (proto_uncertainty[i] - uncertainty[i])
            suppression[i] += weight * (proto_suppression[i] - suppression[i])
            alarm[i] += weight * (proto_alarm[i] - alarm[i])


@numba.njit(cache=True)
def _hyper(other_model: float, uncertainty: float, suppression: float) -> float:
    unavailable = 1.0 - other_model
    viable = 1.0 - suppression
    # (inputs are in [0, 1], so only the upper bound can be crossed)
    return min(2.0 * unavailable * viable * uncertainty, 1.0)


@numba.njit(cache=True)
def _deact(other_model: float, uncertainty: float, suppression: float) -> float:
    unavailable = 1.0 - other_model
    futile = unavailable * unavailable * (1.0 - uncertainty)
    return min(max(suppression, futile) * 1.25, 1.0)


@numba.njit(cache=True)
def _log_keep(rate: float) -> float:
    """log(1 - rate): exp(n * log_keep) is (1 - rate)^n, what n bids leave of an error; a rate
    of 1 or more leaves nothing (0, and 1 for n = 0)."""
    return math.log1p(-min(rate, 1.0 - 1e-15))


@dataclass
class Strategy:
    """What a working model implies under distress (Mikulincer & Shaver's activation model)."""

    hyperactivation: np.ndarray  # intensified, persistent bids (anxious strategy)
    deactivation: np.ndarray  # muted bids, attention away from the figure (avoidant strategy)
    conflict: np.ndarray  # the figure is haven and threat at once: no coherent strategy


def strategy(wm: WorkingModel) -> Strategy:
    """Derive the secondary strategies from the working model.

    If others look available, distress is simply signalled (security). If not, and proximity
    seeking still looks viable (unpredictable, rarely punished care: intermittent reinforcement),
    the system hyperactivates. If bids look futile (predictably unanswered) or punished, it
    deactivates. Alarm about the figure itself leaves approach and flight in conflict.
    """
    return Strategy(
        hyperactivation=_hyperactivation(wm.other_model, wm.uncertainty, wm.suppression),
        deactivation=_deactivation(wm.other_model, wm.uncertainty, wm.suppression),
        conflict=wm.alarm.copy(),
    )


# The formulas, one person at a time; compiled as NumPy ufuncs (one pass over arrays of any
# shape, no temporary arrays), called every step for everyone.
_UFUNC = dict(nopython=True, cache=True)


@numba.vectorize(["float64(float64, float64, float64)"], **_UFUNC)
def _hyperactivation(other_model: float, uncertainty: float, suppression: float) -> float:
    return _hyper(other_model, uncertainty, suppression)


@numba.vectorize(["float64(float64, float64, float64)"], **_UFUNC)
def _deactivation(other_model: float, uncertainty: float, suppression: float) -> float:
    return _deact(other_model, uncertainty, suppression)


@numba.vectorize(["float64(float64, float64)"], **_UFUNC)
def _intensity(hyperactivation: float, deactivation: float) -> float:
    return (1.0 + 1.5 * hyperactivation) * (1.0 - 0.6 * deactivation)


@numba.vectorize(["float64(float64, float64, float64, float64)"], **_UFUNC)
def _anxiety(self_model: float, uncertainty: float, hyperactivation: float, alarm: float) -> float:
    return 0.4 * (1.0 - self_model) + 0.3 * uncertainty + 0.3 * max(hyperactivation, alarm)


@numba.vectorize(["float64(float64, float64, float64, float64)"], **_UFUNC)
def _avoidance(other_model: float, suppression: float, deactivation: float, alarm: float) -> float:
    return 0.4 * (1.0 - other_model) + 0.3 * suppression + 0.3 * max(deactivation, alarm)


def bid_intensity(s: Strategy) -> np.ndarray:
    """How loudly distress is signalled (1 = ordinary): hyperactivation amplifies it."""
    return _intensity(s.hyperactivation, s.deactivation)


def anxiety(wm: WorkingModel, s: Strategy | None = None) -> np.ndarray:
    """Attachment anxiety in [0, 1]: a negative model of self, uncertainty about others and the
    hyperactivating strategy; fear of the figure adds to it (fearful-avoidant: both high).
    ``s`` is ``strategy(wm)`` when the caller has it already."""
    s = strategy(wm) if s is None else s
    return _anxiety(wm.self_model, wm.uncertainty, s.hyperactivation, wm.alarm)


def avoidance(wm: WorkingModel, s: Strategy | None = None) -> np.ndarray:
    """Attachment avoidance in [0, 1]: a negative model of others, learned suppression and the
    deactivating strategy; fear of the figure adds to it as to anxiety."""
    s = strategy(wm) if s is None else s
    return _avoidance(wm.other_model, wm.suppression, s.deactivation, wm.alarm)


def unregulated_load(
    load: np.ndarray,
    unanswered: np.ndarray,
    soothed: np.ndarray,
    reactivity: np.ndarray,
    figure_present: np.ndarray,
    overnight: float = 0.85,
    present_weight: float = 0.25,
) -> np.ndarray:
    """Distress carried from day to day (in ordinary-episode units).

    Unsettled episodes add to it, fully when nobody is there (a neglect spell, the days after a
    loss) and only partly when the caregiver is near, even if unresponsive; each settling halves
    it and a night's sleep recovers part of it. Only long stretches without a present, soothing
    figure push it past the limit where the infant is overwhelmed.
    """
    out = np.empty(len(load))
    _unregulated_load(
        load, unanswered, soothed, reactivity, figure_present, overnight, present_weight, out
    )
    return out


@numba.njit(cache=True)
def _unregulated_load(
    load: np.ndarray,
    unanswered: np.ndarray,
    soothed: np.ndarray,
    reactivity: np.ndarray,
    figure_present: np.ndarray,
    overnight: float,
    present_weight: float,
    out: np.ndarray,
) -> None:
    for i in range(len(load)):
        weight = present_weight if figure_present[i] else 1.0
        # each settling halves the load (an exact halving, as a power of two)
        halved = math.ldexp(load[i], -soothed[i])
        out[i] = overnight * (halved + weight * unanswered[i] * reactivity[i])
