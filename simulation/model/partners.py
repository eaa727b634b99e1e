"""Adult partners: who pairs with whom, one week of a couple's interaction, and breakups.

Plain, vectorised functions. Every behaviour follows from the working-model values of the people
involved (their strategy, anxiety, avoidance, model of self), never from a category label, so a
pattern such as the pursuer-withdrawer cycle appears only where the rules produce it.

Weeks are computed for all couples at once over *directed* pairs: entry k (< m) is partner a of
couple k acting towards partner b, entry k + m is b acting towards a. Several weeks can be drawn
in one call (arrays of shape (weeks, 2m)); working models and closeness are those at the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation.model.streams import Streams
from simulation.model.working_model import (
    Experience,
    WorkingModel,
    anxiety,
    avoidance,
    bid_intensity,
    strategy,
)

MATCHING_RULES = ("random", "assortative", "attraction")

# Chance that a partner notices a direct bid of ordinary intensity, and an indirect one (a hint,
# a sulk, a question that stands for another): indirect bids ask the partner to read minds.
NOTICE_DIRECT = 0.9
NOTICE_INDIRECT = 0.35
# An escalated bid is louder than the first (Pfeiffer & Wong's protest behaviour).
ESCALATION_GAIN = 1.5
# Satisfaction and felt closeness are running averages with these weekly weights.
SATISFACTION_RATE = 0.1
CLOSENESS_RATE = 0.2
# Breakup hazard rises steeply as the less satisfied partner's satisfaction falls.
BREAKUP_SLOPE = 6.0
BREAKUP_REFERENCE = 0.6
# Spread of first impressions when two people meet (how each reads the other's closeness).
IMPRESSION_SD = 0.1
# Uniform draws per directed pair and week (one for each chance of the week's interaction).
UNIFORMS_PER_WEEK = 13
ATTRACTION_WIDTH = 0.2


@dataclass
class Dispositions:
    """What a working model makes a person do in a relationship (each in [0, 1])."""

    hyper: np.ndarray  # hyperactivation: insistent, repeated bids, reassurance seeking
    deact: np.ndarray  # deactivation: suppressed needs, attention away, closeness as intrusion
    conflict: np.ndarray  # fear of the figure: approach when distant, flight when close
    anxiety: np.ndarray  # fear of abandonment: ambiguity read as rejection
    avoidance: np.ndarray
    self_model: np.ndarray  # low: comfort is not believed ("they don't really mean it")
    intensity: np.ndarray  # insistence of a bid (1 = ordinary)

    def take(self, index: np.ndarray) -> Dispositions:
        return Dispositions(**{k: v[index] for k, v in vars(self).items()})


def dispositions(wm: WorkingModel) -> Dispositions:
    """Everything a working model implies for behaviour, computed once from one strategy."""
    s = strategy(wm)
    return Dispositions(
        hyper=s.hyperactivation,
        deact=s.deactivation,
        conflict=s.conflict,
        anxiety=anxiety(wm, s),
        avoidance=avoidance(wm, s),
        self_model=wm.self_model.copy(),
        intensity=bid_intensity(s),
    )


def withdrawal_chance(
    partner: Dispositions,
    closeness: np.ndarray,
    intensity: np.ndarray,
    limits: np.ndarray | float = 0.0,
):
    """Chance that a partner withdraws from a noticed bid instead of answering it.

    A deactivating partner reads the overture as intrusive, more so the more insistent it is; a
    partner in approach-avoidance conflict flees closeness that is already high. A partner who
    has agreed limits (boundaries) holds back from the withdrawal that share of the time.
    """
    intrusive = partner.deact * np.minimum(1.0, 0.4 + 0.4 * intensity)
    flight = 0.5 * partner.conflict * closeness
    return (1.0 - (1.0 - intrusive) * (1.0 - flight)) * (1.0 - limits)


@dataclass
class CoupleWeek:
    """Weeks of interaction over directed pairs (entry = the actor's side), counts 0/1/2;
    shape (weeks, 2m)."""

    need: np.ndarray  # the actor had a need for comfort or support this week
    bid: np.ndarray  # the actor made a first bid (a need voiced, or reassurance sought)
    direct: np.ndarray  # that bid was direct (needs stated plainly)
    comforted: np.ndarray  # bids the partner answered (first and escalated)
    believed: np.ndarray  # answered bids the actor took as real comfort
    withdrew: np.ndarray  # bids the partner withdrew from (read as intrusive, or fled)
    missed: np.ndarray  # bids that went unanswered without withdrawal (unnoticed, partner absorbed)
    read_as_rejection: np.ndarray  # unanswered bids the actor read as abandonment
    escalated: np.ndarray  # the actor repeated the bid more insistently after it went unmet
    pushed_away: np.ndarray  # the actor pushed the partner away (fleeing closeness)
    intruded: np.ndarray  # the partner's bids this actor felt as intrusive (and withdrew from)
    demand_withdraw: np.ndarray  # bid, partner's withdrawal, escalated bid: a pursuer episode
    value: np.ndarray  # how good the week felt to the actor (0-1)
    closeness: np.ndarray  # felt closeness this week (0-1)


def couple_week(
    d: Dispositions,
    closeness: np.ndarray,
    need_rate: float,
    rng: np.random.Generator | None = None,
    directness: np.ndarray | float = 0.0,
    limits: np.ndarray | float = 0.0,
    weeks: int = 1,
    u: np.ndarray | None = None,
    fit: np.ndarray | float = 1.0,
) -> CoupleWeek:
    """``weeks`` weeks of every couple. ``d`` and ``closeness`` are over directed pairs;
    ``fit`` (per directed pair, the same for both partners) scales how readily each notices the
    other's bids, beyond what their working models imply (1 = not at all).

    Skills from interventions, per directed pair (0 = none): ``directness`` (0-1) turns that
    share of indirect bids into direct ones (communication skills); ``limits`` (0-1) holds back
    that share of the reactions that overwhelm or neglect a partner: the actor's escalation and
    pushing away, and the actor's withdrawal from the partner's bids (boundaries).
    The week's chances are ``u`` (shape (UNIFORMS_PER_WEEK, weeks, 2m)), or drawn from ``rng``.
    """
    m = len(closeness) // 2

    def partner(x: np.ndarray) -> np.ndarray:
        return np.concatenate([x[..., m:], x[..., :m]], axis=-1)

    p = d.take(np.r_[m : 2 * m, 0:m])  # each actor's partner
    if u is None:
        assert rng is not None, "couple_week needs rng or u"
        u = rng.random((UNIFORMS_PER_WEEK, weeks, 2 * m))

    # Seeking: a need is voiced unless deactivation suppresses it; a hyperactivated person also
    # seeks reassurance without one. Fear of the figure makes closeness itself a threat: the
    # approach falls as closeness rises (want and fear intimacy at once).
    need = u[0] < need_rate
    approach = 1.0 - d.conflict * closeness
    seek = np.where(need, 1.0 - 0.8 * d.deact, 0.5 * d.hyper) * approach
    bid = u[1] < seek
    p_direct = (1.0 - 0.7 * d.hyper) * (1.0 - 0.7 * d.deact) * (1.0 - 0.7 * d.conflict)
    p_direct = p_direct + (1.0 - p_direct) * directness
    direct = u[2] < p_direct
    intensity = d.intensity

    # The partner notices a direct bid more often; a deactivating partner's attention is elsewhere.
    # (each kind of bid's chance is computed once per pair, not once per week)
    attention = (1.0 - 0.5 * p.deact) * fit
    notice_direct = 1.0 - (1.0 - np.minimum(NOTICE_DIRECT * attention, 1.0)) ** intensity
    notice_indirect = 1.0 - (1.0 - np.minimum(NOTICE_INDIRECT * attention, 1.0)) ** intensity
    noticed = bid & (u[3] < np.where(direct, notice_direct, notice_indirect))
    p_closeness = partner(closeness)
    p_limits = partner(np.broadcast_to(limits, (2 * m,)))
    withdrew1 = noticed & (u[4] < withdrawal_chance(p, p_closeness, intensity, p_limits))
    # A hyperactivated partner with a need of their own is absorbed in it.
    absorbed = noticed & partner(need) & (u[5] < 0.5 * p.hyper)
    comforted1 = noticed & ~withdrew1 & ~absorbed
    missed1 = bid & ~comforted1 & ~withdrew1

    # Perception: an anxious person reads an ambiguous non-response as abandonment.
    rejection1 = missed1 & (u[6] < d.anxiety)
    unmet = withdrew1 | rejection1
    # Protest: an unmet bid is repeated more insistently by a hyperactivated person.
    escalated = unmet & (u[7] < d.hyper * (1.0 - limits))
    loud = intensity * ESCALATION_GAIN
    withdrew2 = escalated & (u[8] < withdrawal_chance(p, p_closeness, loud, p_limits))
    # an escalated bid is direct and loud, but an avoidant partner's attention is still elsewhere
    # and an absorbed partner is still absorbed
    base2 = np.minimum(NOTICE_DIRECT * attention, 1.0)
    comforted2 = escalated & ~withdrew2 & ~absorbed & (u[9] < 1.0 - (1.0 - base2) ** loud)
    missed2 = escalated & ~withdrew2 & ~comforted2
    demand_withdraw = bid & withdrew1 & escalated

    # Fleeing closeness: pushing the partner away when close, without a bid from them.
    pushed = u[10] < 0.3 * d.conflict * closeness * (1.0 - limits)

    comforted = comforted1.astype(int) + comforted2
    # Comfort is believed in proportion to how worthy of it one feels.
    credible = u[11] < 0.5 + 0.5 * d.self_model
    believed = (comforted1 & credible).astype(int) + (comforted2 & credible)
    withdrew = withdrew1.astype(int) + withdrew2
    read_rejection = rejection1.astype(int) + (missed2 & (u[12] < d.anxiety))
    missed = missed1.astype(int) + missed2 - read_rejection
    pushed_away_by_partner = partner(pushed)
    intruded = partner(withdrew)  # the partner's bids this actor withdrew from

    # How the week felt: believed comfort helps; being withdrawn from, rejection read into
    # silence and being pushed away hurt, hurting an anxious person more (strong reactions);
    # an avoidant person is bothered by overtures felt as intrusive.
    hurt = withdrew + read_rejection + pushed_away_by_partner
    value = np.maximum(
        0.6
        + 0.25 * np.minimum(believed, 1)
        - 0.2 * (1.0 + d.hyper) * np.minimum(hurt, 2)
        - 0.15 * d.deact * partner(bid)
        - 0.1 * (demand_withdraw | partner(demand_withdraw)),
        0.0,
    )
    close = 0.5 + 0.25 * (comforted + partner(comforted) > 0) - 0.25 * (hurt + partner(hurt) > 0)
    return CoupleWeek(
        need=need,
        bid=bid,
        direct=bid & direct,
        comforted=comforted,
        believed=believed,
        withdrew=withdrew,
        missed=missed,
        read_as_rejection=read_rejection,
        escalated=escalated,
        pushed_away=pushed,
        intruded=intruded,
        demand_withdraw=demand_withdraw,
        value=value,
        closeness=close,
    )


def read_responses(
    comforted: np.ndarray,
    missed: np.ndarray,
    d: Dispositions,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How responses from anyone after infancy are perceived (counts per person).

    The same two biases as with a partner: an anxious person reads some unanswered bids as
    abandonment, and comfort is believed in proportion to how worthy of it one feels.
    Returns (believed comfort, missed, read as abandonment).
    """
    abandoned = rng.binomial(missed, d.anxiety)
    believed = rng.binomial(comforted, 0.5 + 0.5 * d.self_model)
    return believed, missed - abandoned, abandoned


def perceived_experience(
    answers: np.ndarray,
    d: Dispositions,
    soothability: np.ndarray | float,
    rng: np.random.Generator | Any,
) -> Experience:
    """A stretch of bids to anyone after infancy, answered and read: ``answers`` holds the
    expected numbers of bids frightened, comforted, rebuffed and missed (axis 0).

    The bids are Poisson and each one's answer and reading independent, so every kind of
    experience is an independent Poisson count (Poisson thinning): the same distribution as
    drawing the bids, then their answers and readings (``read_responses``) and settling one by
    one, in a single draw of six counts.
    """
    frightened, comforted, rebuffed, missed = answers
    believe = 0.5 + 0.5 * d.self_model
    counts = rng.poisson(
        np.stack(
            [
                frightened,
                comforted * believe * soothability,  # believed, and it settled
                comforted * (1.0 - believe * soothability),  # not believed, or did not settle
                rebuffed,
                missed * d.anxiety,  # read as abandonment
                missed * (1.0 - d.anxiety),
            ]
        )
    )
    return Experience(
        bids=counts.sum(axis=0),
        soothed=counts[1],
        comforted=counts[1] + counts[2],
        missed=counts[5],
        rebuffed=counts[3],
        frightened=counts[0],
        overwhelmed=np.zeros_like(counts[0]),
        abandoned=counts[4],
    )


def breakup_chance(
    satisfaction_a: np.ndarray, satisfaction_b: np.ndarray, rate_per_year: float
) -> np.ndarray:
    """Weekly chance that a couple ends: ``rate_per_year`` at satisfaction 0.6 of the less
    satisfied partner, several times that when that partner is unhappy."""
    low = np.minimum(satisfaction_a, satisfaction_b)
    hazard = rate_per_year / 52.0 * np.exp(BREAKUP_SLOPE * (BREAKUP_REFERENCE - low))
    return 1.0 - np.exp(-hazard)


def security(d: Dispositions) -> np.ndarray:
    """How secure a person is on one scale (1 = neither anxious nor avoidant)."""
    return 1.0 - 0.5 * (d.anxiety + d.avoidance)


def apparent_closeness(d: Dispositions) -> np.ndarray:
    """How much closeness a person seems to want (0.5 = balanced): an anxious person seems to
    want a lot, an avoidant one little."""
    return 0.5 + 0.5 * (d.anxiety - d.avoidance)


def expected_closeness(d: Dispositions) -> np.ndarray:
    """How much closeness a person expects a partner to want: an anxious person expects others
    to keep their distance, an avoidant one expects them to demand closeness."""
    return 0.5 + 0.5 * (d.avoidance - d.anxiety)


def acceptance(
    reader: Dispositions, read_closeness: np.ndarray, read_security: np.ndarray
) -> np.ndarray:
    """Chance that a person wants to go on with someone whose closeness and security they read
    as given.

    Everyone is drawn to a partner who seems secure, but most to one who behaves as they expect
    others to (expectation confirmation; Kirkpatrick & Davis 1994, Holmes & Johnson 2009): an
    anxious person finds a distant partner familiar, an avoidant person a clinging one.
    """
    fit = np.exp(-(((read_closeness - expected_closeness(reader)) / ATTRACTION_WIDTH) ** 2))
    return (0.4 + 0.6 * read_security) * fit


def match(
    singles: np.ndarray,
    d: Dispositions,
    meeting_chance: float,
    rule: str,
    rng: np.random.Generator | Streams,
) -> tuple[np.ndarray, np.ndarray]:
    """New couples this step among ``singles`` (person indices, sorted; ``d`` is over everyone).

    Each single meets someone this step with ``meeting_chance``. ``random``: any two who meet
    pair. ``assortative``: those who meet pair in order of security (similar with similar).
    ``attraction``: two who meet pair only if each accepts how they read the other.
    In a batch (``rng`` a ``Streams``), people meet within their own run, each run drawing from
    its own stream; the couples come in run order.
    """
    if rule not in MATCHING_RULES:
        raise ValueError(f"matching rule {rule!r}: allowed {', '.join(MATCHING_RULES)}")
    streams = rng if isinstance(rng, Streams) else Streams.of(rng, np.iinfo(np.int64).max)
    run = streams.run_of(singles)
    met = streams.over(run, lambda g, size: g.random(size)) < meeting_chance
    looking, run = singles[met], run[met]
    met_in_run = np.bincount(run, minlength=streams.runs)
    enough = met_in_run[run] >= 2  # a run where fewer than two meet pairs nobody
    looking, run = looking[enough], run[enough]
    if not len(looking):
        return np.empty(0, int), np.empty(0, int)
    looking = np.concatenate([g.permutation(looking[s]) for _, g, s in streams.groups(run)])
    if rule == "assortative":
        noise = streams.over(run, lambda g, size: g.standard_normal(size))
        score = security(d.take(looking)) + IMPRESSION_SD * noise
        looking = looking[np.lexsort((score, run))]  # by run, then security (stable)
    # within each run: the first who met with the second, the third with the fourth, ...
    counts = np.bincount(run, minlength=streams.runs)
    pairs = counts // 2
    pair_run = np.repeat(np.arange(streams.runs), pairs)
    first = np.repeat(np.cumsum(counts) - counts, pairs)
    place = np.arange(len(pair_run)) - np.repeat(np.cumsum(pairs) - pairs, pairs)
    a, b = looking[first + 2 * place], looking[first + 2 * place + 1]
    if rule == "attraction":
        da, db = d.take(a), d.take(b)
        # first impressions are noisy
        noise = IMPRESSION_SD * streams.over(pair_run, lambda g, s: g.standard_normal(s), (4,))
        close_b = np.clip(apparent_closeness(db) + noise[0], 0.0, 1.0)
        close_a = np.clip(apparent_closeness(da) + noise[1], 0.0, 1.0)
        secure_b = np.clip(security(db) + noise[2], 0.0, 1.0)
        secure_a = np.clip(security(da) + noise[3], 0.0, 1.0)
        u = streams.over(pair_run, lambda g, s: g.random(s), (2,))
        both = (u[0] < acceptance(da, close_b, secure_b)) & (
            u[1] < acceptance(db, close_a, secure_a)
        )
        a, b = a[both], b[both]
    return a, b
