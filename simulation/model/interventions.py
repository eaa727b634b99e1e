"""Ways towards security (the seed's last section): who takes part, and what each one changes.

Every intervention acts on a mechanism, never on a working model: skills change what a person
does or how they read others' responses, a therapist or a secure partner adds experiences of
consistent responsiveness, and a caregiver programme changes the care an infant gets. Working
models then change only through ``update_working_model``, from what was experienced.

Plain, vectorised functions (one array entry per person); the model does the scheduling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.model.life_course import CATEGORIES
from simulation.model.partners import Dispositions
from simulation.model.working_model import Strategy, bid_intensity

INTERVENTIONS = (
    "self_awareness",
    "communication_skills",
    "boundaries",
    "secure_partner",
    "attachment_therapy",
    "cbt_therapy",
    "caregiver_sensitivity",
)
# Both partners of a treated couple take part (couple work); the others treat one person.
COUPLE_INTERVENTIONS = ("communication_skills", "boundaries")
# Taken by single people (the corrective relationship is their new relationship).
SINGLES_INTERVENTIONS = ("secure_partner",)
# Acts on the caregivers of infants in their first year, not on adults.
INFANCY_INTERVENTIONS = ("caregiver_sensitivity",)
TARGETS = ("everyone", "insecure", *CATEGORIES)

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

    def grant(self, intervention: str, people: np.ndarray, dose: float) -> None:
        """Give ``people`` the skill ``intervention`` teaches, at ``dose`` (0-1)."""
        skill = {
            "self_awareness": ("awareness", AWARENESS_AT_FULL_DOSE),
            "communication_skills": ("directness", DIRECTNESS_AT_FULL_DOSE),
            "boundaries": ("limits", LIMITS_AT_FULL_DOSE),
            "cbt_therapy": ("reappraisal", REAPPRAISAL_AT_FULL_DOSE),
        }.get(intervention)
        if skill is not None:
            name, full = skill
            values = getattr(self, name)
            values[people] = np.maximum(values[people], dose * full)


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


def therapy_plasticity(dose: float) -> float:
    """Factor on the learning rate during therapy sessions (1 = unchanged at dose 0)."""
    return 1.0 + (THERAPY_PLASTICITY_GAIN - 1.0) * dose


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
    if intervention in COUPLE_INTERVENTIONS:
        ok &= partnered
    if intervention in SINGLES_INTERVENTIONS:
        ok &= ~partnered
    return ok


def assign_by_couple(
    ok: np.ndarray, partner: np.ndarray, share: float, rng: np.random.Generator
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
    treated_units = units[rng.random(len(units)) < share]
    treated = np.zeros(n, dtype=bool)
    treated[treated_units] = True
    return np.where(ok, np.where(treated[unit], 1, 0), -1)
