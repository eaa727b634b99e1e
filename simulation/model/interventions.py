"""Ways towards security (the last section of the source article, "Moving Towards Secure
Attachment"): who takes part, and what each one changes.

Every intervention acts on a mechanism, never on a working model: skills change what a person
does or how they read others' responses, a therapist or a secure partner adds experiences of
consistent responsiveness, and a caregiver programme changes the care an infant gets. Working
models then change only through ``update_working_model``, from what was experienced.

Plain, vectorised functions (one array entry per person); the model does the scheduling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation.model.life_course import ADULT_AGE, CATEGORIES, WEEKS_PER_STEP, WEEKS_PER_YEAR
from simulation.model.partners import Dispositions
from simulation.model.streams import Streams
from simulation.model.working_model import Strategy, bid_intensity

# The size of each skill at full dose (dose 1). These are modelling assumptions, chosen so that
# a full programme moves behaviour a lot but never switches a habit off entirely.
# self_awareness: share of automatic hyperactivating or deactivating reactions caught in time.
AWARENESS_AT_FULL_DOSE = 0.5
# communication_skills: share of indirect bids turned into direct ones.
DIRECTNESS_AT_FULL_DOSE = 0.6
# boundaries: share of overwhelming (escalation, pushing away) or neglecting (withdrawal)
# reactions held back within agreed limits.
LIMITS_AT_FULL_DOSE = 0.6
# cbt_therapy: share of the biased reading (abandonment read into silence, comfort not believed)
# that is corrected.
REAPPRAISAL_AT_FULL_DOSE = 0.5

# attachment_therapy: a weekly session in which a few bids (difficult feelings brought to the
# therapist) are answered consistently; during the sessions plasticity is raised (the working
# model is open to revision: "earned security").
THERAPY_BIDS_PER_WEEK = 3.0
THERAPIST_AVAILABILITY = 0.9
THERAPY_PLASTICITY_GAIN = 4.0  # learning rate x (1 + (gain - 1) x dose) during the sessions
# secure_partner: a partner who answers most bids and does not withdraw or rebuff.
SECURE_PARTNER_AVAILABILITY = 0.85
SECURE_PARTNER_REJECTION = 0.05
# caregiver_sensitivity: share of the gap to fully sensitive care closed at full dose. Chosen so
# that in the normative mix observed sensitivity rises by about d = .45 and security by about
# d = .3, near the effects of short, sensitivity-focused programmes with video feedback in
# Bakermans-Kranenburg, van IJzendoorn & Juffer's (2003) meta-analysis (all programmes:
# sensitivity d = .33, security d = .19).
SENSITIVITY_GAIN_AT_FULL_DOSE = 0.25
# A trial measures anxiety and avoidance by questionnaire, with the ECR's test-retest error:
# scale sd about 1.1 and retest r about .9 (Sibley, Fischer & Liu 2005) give an error sd of about
# 0.35 ECR points. Without it, the change of controls would be almost zero and any effect size
# enormous; the model's own values are kept alongside, without error.
ECR_ERROR_SD = 0.35


# ------------------------------------------------------------------ the registry
@dataclass(frozen=True)
class Programme:
    """Bids answered each week by someone new while the programme lasts (a therapist, a secure
    partner), and how open the working model is meanwhile."""

    bids_per_week: float | None  # None: as many as a partner gets (the need_rate parameter)
    availability: float
    rejection: float
    plasticity_gain: float = 1.0  # learning rate x (1 + (gain - 1) x dose) during the programme
    is_relationship: bool = False  # a relationship: its people are not looking for a partner

    def plasticity(self, dose: float) -> float:
        """Factor on the learning rate while it lasts (1 = unchanged at dose 0)."""
        return 1.0 + (self.plasticity_gain - 1.0) * dose


@dataclass(frozen=True)
class Intervention:
    """One way towards security: who takes part, when, and which mechanism it acts on."""

    name: str
    stage: str  # "adulthood" (from 18) or "infancy" (the caregivers of infants)
    unit: str  # "person", or "couple": both partners of a treated couple take part
    eligible: str  # "anyone", "couples" or "singles" (within the target group)
    acts_on: str  # the mechanism it changes, in one sentence (docs)
    note: str  # what it does, in the words the demo shows
    skill: str | None = None  # the field of ``Skills`` it teaches
    skill_at_full_dose: float = 0.0
    programme: Programme | None = None


INTERVENTIONS: dict[str, Intervention] = {
    i.name: i
    for i in (
        Intervention(
            "self_awareness",
            "adulthood",
            "person",
            "anyone",
            "hyperactivating and deactivating strategies are acted on less often",
            "noticing one's own automatic reactions: anxious and avoidant reactions are acted on"
            " less often",
            skill="awareness",
            skill_at_full_dose=AWARENESS_AT_FULL_DOSE,
        ),
        Intervention(
            "communication_skills",
            "adulthood",
            "couple",
            "couples",
            "indirect bids become direct ones, and direct bids are noticed more often",
            "couple work: asking for support directly instead of by hints (couples only)",
            skill="directness",
            skill_at_full_dose=DIRECTNESS_AT_FULL_DOSE,
        ),
        Intervention(
            "boundaries",
            "adulthood",
            "couple",
            "couples",
            "escalation, withdrawal and pushing the partner away are held back within limits",
            "couple work: holding back overwhelming or neglecting reactions within agreed limits"
            " (couples only)",
            skill="limits",
            skill_at_full_dose=LIMITS_AT_FULL_DOSE,
        ),
        Intervention(
            "secure_partner",
            "adulthood",
            "person",
            "singles",
            "a relationship with a consistently responsive partner adds answered bids",
            "a corrective relationship with a consistently responsive partner (single people only)",
            programme=Programme(
                None, SECURE_PARTNER_AVAILABILITY, SECURE_PARTNER_REJECTION, is_relationship=True
            ),
        ),
        Intervention(
            "attachment_therapy",
            "adulthood",
            "person",
            "anyone",
            "weekly sessions answer a few bids consistently and raise the learning rate",
            "weekly sessions with a consistently responsive therapist; while they last, the"
            " working model is more open to change",
            programme=Programme(
                THERAPY_BIDS_PER_WEEK, THERAPIST_AVAILABILITY, 0.0, THERAPY_PLASTICITY_GAIN
            ),
        ),
        Intervention(
            "cbt_therapy",
            "adulthood",
            "person",
            "anyone",
            "silence is read as abandonment less often and comfort is believed more often",
            "fewer biased readings: silence read as abandonment less often, comfort believed"
            " more often",
            skill="reappraisal",
            skill_at_full_dose=REAPPRAISAL_AT_FULL_DOSE,
        ),
        Intervention(
            "caregiver_sensitivity",
            "infancy",
            "person",
            "anyone",
            "the caregiver's sensitivity moves part of the way to fully sensitive care",
            "video feedback for caregivers of infants: more of the infant's bids noticed and"
            " answered",
        ),
    )
}
COUPLE_INTERVENTIONS = tuple(n for n, i in INTERVENTIONS.items() if i.unit == "couple")
SINGLES_INTERVENTIONS = tuple(n for n, i in INTERVENTIONS.items() if i.eligible == "singles")
INFANCY_INTERVENTIONS = tuple(n for n, i in INTERVENTIONS.items() if i.stage == "infancy")
TARGETS = ("everyone", "insecure", *CATEGORIES)


# ------------------------------------------------------------------ timing
# Effects are measured this long after a programme ends (the trials' follow-up).
FOLLOW_UP_YEARS = 1
# The caregiver programme must start by 6 months, so that it precedes the 9-month observation
# of sensitivity by some months.
INFANT_PROGRAMME_LATEST = 0.5


def start_week(p: dict[str, Any]) -> int:
    """Week since the 18th birthday when an adult intervention starts: the first 13-week step
    that begins at or after ``intervention_age``."""
    weeks = (p["intervention_age"] - ADULT_AGE) * WEEKS_PER_YEAR
    return WEEKS_PER_STEP * math.ceil(round(weeks / WEEKS_PER_STEP, 9))


def programme_steps(p: dict[str, Any]) -> int:
    """Adult 13-week steps an intervention lasts (its weeks rounded up)."""
    return math.ceil(p["intervention_weeks"] / WEEKS_PER_STEP)


def programme_weeks(p: dict[str, Any]) -> tuple[int, int, int]:
    """Weeks since the 18th birthday when an adult programme starts, ends and is followed up."""
    start = start_week(p)
    end = start + WEEKS_PER_STEP * programme_steps(p)
    return start, end, end + FOLLOW_UP_YEARS * WEEKS_PER_YEAR


def end_age(p: dict[str, Any]) -> float:
    """Age when an adult intervention ends."""
    return ADULT_AGE + programme_weeks(p)[1] / WEEKS_PER_YEAR


def follow_up_age(p: dict[str, Any]) -> float:
    """Age when an adult intervention's effects are measured."""
    return end_age(p) + FOLLOW_UP_YEARS


@dataclass
class Skills:
    """Skills learned in an intervention, one entry per person (0 = none). They are kept after
    the programme ends (no relapse is modelled)."""

    awareness: np.ndarray
    directness: np.ndarray
    limits: np.ndarray
    reappraisal: np.ndarray

    @classmethod
    def none(cls, n: int) -> Skills:
        return cls(*(np.zeros(n) for _ in range(4)))

    def grant(self, intervention: Intervention, people: np.ndarray, dose: float) -> None:
        """Give ``people`` the skill ``intervention`` teaches (if any), at ``dose`` (0-1)."""
        if intervention.skill is not None:
            values = getattr(self, intervention.skill)
            values[people] = np.maximum(values[people], dose * intervention.skill_at_full_dose)


def behaviour(d: Dispositions, skills: Skills) -> Dispositions:
    """What people do and perceive, given what their working models dispose them to and their
    skills. The measured anxiety and avoidance stay those of the working model.

    self_awareness: the hyperactivating and deactivating strategies are acted on less often, so
    bids are less insistent and less muted. cbt_therapy: an ambiguous non-response is read as
    abandonment less often (the anxiety-driven bias) and comfort is believed more often (the
    self-model-driven bias).
    """
    hyper = d.hyper * (1.0 - skills.awareness)
    deact = d.deact * (1.0 - skills.awareness)
    return Dispositions(
        hyper=hyper,
        deact=deact,
        conflict=d.conflict,
        anxiety=d.anxiety * (1.0 - skills.reappraisal),
        avoidance=d.avoidance,
        self_model=d.self_model + skills.reappraisal * (1.0 - d.self_model),
        intensity=bid_intensity(Strategy(hyper, deact, d.conflict)),
    )


def sensitive_care(sensitivity: np.ndarray, dose: float) -> np.ndarray:
    """A caregiver's sensitivity after a video-feedback programme of ``dose`` (0-1): part of the
    gap to full sensitivity is closed (signals noticed and answered more often)."""
    return sensitivity + dose * SENSITIVITY_GAIN_AT_FULL_DOSE * (1.0 - sensitivity)


def eligible(
    intervention: str, target: str, category: np.ndarray, partnered: np.ndarray
) -> np.ndarray:
    """Who may take part: the target group, among couples or singles where the intervention
    needs them."""
    if target == "everyone":
        ok = np.ones(len(category), dtype=bool)
    elif target == "insecure":
        ok = category != "secure"
    else:
        ok = category == target
    if INTERVENTIONS[intervention].eligible == "couples":
        ok &= partnered
    elif INTERVENTIONS[intervention].eligible == "singles":
        ok &= ~partnered
    return ok


def assign_by_couple(
    ok: np.ndarray, partner: np.ndarray, share: float, rng: np.random.Generator | Streams
) -> np.ndarray:
    """Randomise units (a couple with an eligible member, or an eligible single person) to
    treatment with chance ``share``; returns each person's arm code: 1 treated, 0 control,
    -1 not in the trial (not eligible, or the ineligible partner of an eligible person).

    Partners share their couple's arm, so a treated person's partner is never a control.
    """
    n = len(ok)
    # a unit is named by its lower member: a couple (i, partner[i]) or a single person
    unit = np.where(partner >= 0, np.minimum(np.arange(n), partner), np.arange(n))
    in_trial_unit = np.zeros(n, dtype=bool)
    np.logical_or.at(in_trial_unit, unit, ok)  # the unit has at least one eligible member
    units = np.flatnonzero(in_trial_unit)
    if isinstance(rng, Streams):  # each run randomises its own units
        chance = rng.over(rng.run_of(units), lambda g, size: g.random(size))
    else:
        chance = rng.random(len(units))
    treated_units = units[chance < share]
    treated = np.zeros(n, dtype=bool)
    treated[treated_units] = True
    return np.where(ok, np.where(treated[unit], 1, 0), -1)
