"""An intervention trial: who is randomised to which arm, what the treated receive (a skill, a
programme of answered bids, a caregiver programme), and the measures before and after.

What each intervention is and does is its record in ``interventions.INTERVENTIONS``; this room
only schedules it. The trial draws from a random stream of its own, so a run with a trial is
otherwise the same run as one without.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.model.caregiving import respond_to_bids
from simulation.model.interventions import (
    ECR_ERROR_SD,
    INTERVENTIONS,
    Skills,
    assign_by_couple,
    eligible,
    programme_weeks,
    sensitive_care,
)
from simulation.model.life_course import WEEKS_PER_STEP, ecr_scale
from simulation.model.partners import Dispositions, read_responses
from simulation.model.population import Population
from simulation.model.streams import Streams


class Trial:
    """One intervention given to a randomised share of its target group (``params``)."""

    def __init__(self, params: dict[str, Any], population: Population, rng: Streams) -> None:
        self.params = p = params
        self.rng = rng
        self.n = n = population.n
        self.intervention = INTERVENTIONS.get(p["intervention"])
        self.arm = np.full(n, -1)  # 1 treated, 0 control, -1 not in the trial
        self.recipients = np.zeros(n, dtype=bool)  # everyone who takes part (incl. partners)
        self.measures: dict[str, np.ndarray] = {}
        self.infant_day = self.start = self.end = self.follow_up = -1
        if self.intervention is None:
            return
        if self.intervention.stage == "infancy":
            self.infant_day = round(p["intervention_age"] * p["days"])
        else:
            self.start, self.end, self.follow_up = programme_weeks(p)
            population.skills = Skills.none(n)  # what the programme teaches, none yet

    @property
    def adult(self) -> bool:
        return self.intervention is not None and self.intervention.stage == "adulthood"

    def in_programme(self, week: int) -> bool:
        """Whether an adult programme runs in the quarter starting ``week`` after 18."""
        return self.adult and self.start <= week < self.end

    def start_caregiver_programme(self, population: Population) -> None:
        """Video feedback for a randomised share of the caregivers of infants."""
        p, n = self.params, self.n
        self.arm = assign_by_couple(
            np.ones(n, dtype=bool), np.full(n, -1), p["intervention_share"], self.rng
        )
        self.recipients = self.arm == 1
        traits = population.caregivers
        traits.sensitivity[self.recipients] = sensitive_care(
            traits.sensitivity[self.recipients], p["intervention_dose"]
        )

    def start_adult(
        self, population: Population, partner: np.ndarray, satisfaction: np.ndarray
    ) -> None:
        """Randomise the eligible (by couple), record the baseline, teach any skill."""
        p, intervention = self.params, self.intervention
        assert intervention is not None and population.skills is not None
        category = population.categories()
        ok = eligible(intervention.name, p["intervention_target"], category, partner >= 0)
        self.arm = assign_by_couple(ok, partner, p["intervention_share"], self.rng)
        treated = self.arm == 1
        self.recipients = treated.copy()
        if intervention.unit == "couple":  # couple work: both partners take part
            self.recipients[partner[treated]] = True
        self.measures = self.snapshot("baseline", population, satisfaction)
        population.skills.grant(
            intervention, np.flatnonzero(self.recipients), p["intervention_dose"]
        )
        population.skills_changed()

    def snapshot(
        self, when: str, population: Population, satisfaction: np.ndarray
    ) -> dict[str, np.ndarray]:
        """The trial's measures now: questionnaire scores (with the ECR's retest error), the
        model's own scores, relationship satisfaction (NaN when single) and the category."""
        d = population.dispositions
        error = ECR_ERROR_SD * self.rng.standard_normal((2, self.n))
        anx, avo = ecr_scale(d.anxiety), ecr_scale(d.avoidance)
        return {
            f"{when}_anxiety_ecr": np.clip(anx + error[0], 1.0, 7.0),
            f"{when}_avoidance_ecr": np.clip(avo + error[1], 1.0, 7.0),
            f"{when}_true_anxiety_ecr": anx,
            f"{when}_true_avoidance_ecr": avo,
            f"{when}_satisfaction": satisfaction.copy(),
            f"{when}_category": population.categories(),
        }

    def looking_for_partner(self, singles: np.ndarray, week: int) -> np.ndarray:
        """Singles still on the dating market: not those in a corrective relationship."""
        programme = self.intervention.programme if self.intervention else None
        if (
            self.in_programme(week)
            and programme is not None
            and programme.is_relationship
            and self.params["intervention_dose"] > 0
        ):
            return singles & ~self.recipients
        return singles

    def programme(self, counts: np.ndarray, d: Dispositions) -> np.ndarray | None:
        """A quarter of therapy sessions or of a corrective relationship, added to ``counts``
        (bids, comforted, believed, missed, rebuffed, abandoned); returns the plasticity gain."""
        programme = self.intervention.programme if self.intervention else None
        if programme is None:
            return None
        p, rng, who = self.params, self.rng, self.recipients
        dose = p["intervention_dose"]
        per_week = p["need_rate"] if programme.bids_per_week is None else programme.bids_per_week
        bids = rng.poisson(dose * per_week * WEEKS_PER_STEP * who)
        answer = respond_to_bids(
            bids, d.intensity, programme.availability, programme.rejection, np.zeros(self.n), rng
        )
        believed, missed, abandoned = read_responses(answer.comforted, answer.missed, d, rng)
        # as with a partner, an anxious person weighs the relationship's responses more
        weight = 1.0 + d.hyper
        counts += (
            np.stack([bids, answer.comforted, believed, missed, answer.rebuffed, abandoned])
            * weight
        )
        if programme.plasticity_gain == 1.0:
            return None
        return np.where(who, programme.plasticity(dose), 1.0)

    def table(self) -> dict[str, np.ndarray]:
        """Each person's arm and, for adult interventions, the measures before and after."""
        if self.intervention is None:
            return {}
        arm = np.array(["", "control", "treated"], dtype=object)[self.arm + 1]
        return {"trial_arm": arm, **self.measures}
