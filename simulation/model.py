"""The Mesa model: caregiver-infant dyads over the first year, ending in a Strange Situation."""

from __future__ import annotations

from typing import Any

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector

from simulation.agents import Caregiver, Infant
from simulation.caregiving import (
    DIMENSIONS,
    CaregiverTraits,
    daily_availability,
    draw_caregivers,
    nearest_style,
    neglect_transition,
    respond_to_bids,
)
from simulation.parameters import validate
from simulation.strange_situation import StrangeSituationResult, strange_situation
from simulation.working_model import (
    Experience,
    WorkingModel,
    anxiety,
    avoidance,
    bid_intensity,
    strategy,
    unregulated_load,
    update_working_model,
)

# Unregulated distress (in ordinary-episode units) past which a day counts as overwhelming:
# about four days in a row without being settled, as in a neglect spell or after a loss.
OVERWHELM_LIMIT = 15.0
# While the attachment figure is lost, others (relatives, a nursery) answer only a few bids.
SUBSTITUTE_AVAILABILITY = 0.05
# Observed sensitivity is rated at 9 months, as in the NICHD and Ainsworth home observations.
OBSERVATION_AGE_SHARE = 0.75


# Population means recorded every day (the time-series table).
DAILY_MEANS = (
    "other_model",
    "self_model",
    "uncertainty",
    "suppression",
    "alarm",
    "anxiety",
    "avoidance",
)


def _mean_reporter(name: str):
    return lambda m: m.means[name]


class AttachmentModel(Model):
    """Caregiver-infant dyads: daily bids for comfort, responses, working-model learning.

    Parameters are those of ``simulation.parameters.PARAMETERS`` (keywords), plus ``rng``.
    """

    def __init__(self, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=rng)
        self.params = p = validate(params)
        n = p["n_dyads"]
        self.n_dyads = n
        self.days = p["days"]

        traits = self.draw_caregivers(n)
        self.caregiver_traits: CaregiverTraits = traits
        self.first_caregiver_traits = CaregiverTraits(
            **{k: getattr(traits, k).copy() for k in DIMENSIONS}
        )
        styles = (
            np.full(n, p["caregivers"])
            if p["caregivers"] in ("consistent", "inconsistent", "rejecting", "frightening")
            else nearest_style(traits)
        )
        self.caregiver_style = styles

        # temperament: how easily distressed (log-normal around 1) and how soothable (Beta)
        self.reactivity = np.exp(p["temperament_sd"] * self.rng.standard_normal(n))
        self.soothability = self.rng.beta(6.0, 2.0, n)
        self._strain = self.reactivity ** -p["infant_effect"]

        self.working_model = WorkingModel.newborn(n)
        self.load = np.zeros(n)
        self.in_neglect = np.zeros(n, dtype=bool)
        # A loss happens on one day, early enough that the new caregiver has arrived a month
        # before the Strange Situation (in a short run, as early as the run allows).
        lost = self.rng.random(n) < traits.disruption
        first = min(30, self.days // 4)
        last = max(first + 1, self.days - 30 - round(p["disruption_gap_days"]))
        self.disruption_day = np.where(lost, self.rng.integers(first, last, n), -1)
        self.figure_absent_until = np.full(n, -1)
        obs_end = round(OBSERVATION_AGE_SHARE * self.days)
        self.observation_window = (max(0, obs_end - p["observation_days"]), obs_end)
        self._observed_bids = np.zeros(n)
        self._observed_comforts = np.zeros(n)
        self.bids_total = np.zeros(n)
        self.comforts_total = np.zeros(n)
        self.ssp: StrangeSituationResult | None = None

        self.caregivers = [Caregiver(self, i, str(styles[i])) for i in range(n)]
        self.infants = [Infant(self, i, self.caregivers[i]) for i in range(n)]

        self.means: dict[str, float] = {}
        self.datacollector = DataCollector(
            model_reporters={"day": "day", **{k: _mean_reporter(k) for k in DAILY_MEANS}}
        )
        self.collect()

    # ------------------------------------------------------------------ one day
    def step(self) -> None:
        """One day: each infant's distress episodes, the caregiver's answers, learning."""
        # Mesa sets the clock to the end of the day being stepped: day 0 runs at time 1.
        day = int(self.time) - 1
        p, rng = self.params, self.rng
        self._handle_losses(day)
        absent = self.figure_absent_until > day
        self.in_neglect = neglect_transition(
            self.in_neglect, self.caregiver_traits.neglect, p["neglect_spell_days"], rng
        )
        unavailable = self.in_neglect | absent
        availability = daily_availability(self.caregiver_traits, unavailable, rng)
        availability = np.where(absent, SUBSTITUTE_AVAILABILITY, availability)
        # transactional effect: a fussier infant strains the caregiver and gets less of her
        availability = np.minimum(1.0, availability * self._strain)
        present = ~unavailable

        intensity = bid_intensity(strategy(self.working_model))
        bids = rng.poisson(p["distress_rate"] * self.reactivity)
        care = respond_to_bids(
            bids,
            intensity,
            availability,
            self.caregiver_traits.rejection * present,
            self.caregiver_traits.fear * present,
            rng,
        )
        soothed = rng.binomial(care.comforted, self.soothability)
        self.load = unregulated_load(self.load, bids - soothed, soothed, self.reactivity, present)
        experience = Experience(
            bids=bids,
            soothed=soothed,
            comforted=care.comforted,
            missed=care.missed,
            rebuffed=care.rebuffed,
            frightened=care.frightened,
            overwhelmed=(self.load > OVERWHELM_LIMIT).astype(int),
        )
        update_working_model(self.working_model, experience, p["learning_rate"])

        self.bids_total += bids
        self.comforts_total += care.comforted
        start, end = self.observation_window
        if start <= day < end:
            self._observed_bids += bids
            self._observed_comforts += care.comforted
        if day + 1 == self.days:
            self.ssp = self.run_strange_situation(rng)
            self.running = False
        self.collect()

    @property
    def day(self) -> int:
        """Days of life completed (the model clock)."""
        return int(self.time)

    def collect(self) -> None:
        """Record today's population means (one pass over the working models)."""
        wm = self.working_model
        columns = np.stack(
            [
                wm.other_model,
                wm.self_model,
                wm.uncertainty,
                wm.suppression,
                wm.alarm,
                anxiety(wm),
                avoidance(wm),
            ]
        )
        self.means = dict(
            zip(DAILY_MEANS, (columns.sum(axis=1) / self.n_dyads).tolist(), strict=True)
        )
        self.datacollector.collect(self)

    def _handle_losses(self, day: int) -> None:
        """Caregivers lost today leave; after the gap a new caregiver from the mix arrives."""
        lost = np.flatnonzero(self.disruption_day == day)
        if len(lost):
            self.figure_absent_until[lost] = day + round(self.params["disruption_gap_days"])
            self.in_neglect[lost] = False  # a neglect spell ends with the caregiver who neglected
            for i in lost:
                infant = self.infants[i]
                infant.lost_caregiver = infant.caregiver
                infant.caregiver.remove()
        arriving = np.flatnonzero(self.figure_absent_until == day)
        if len(arriving):
            new = self.draw_caregivers(len(arriving))
            new.disruption[:] = 0.0  # the year holds at most one loss
            self.caregiver_traits.replace_rows(arriving, new)
            for i in arriving:
                caregiver = Caregiver(self, int(i), str(self.caregiver_style[i]))
                self.caregivers[i] = caregiver
                self.infants[i].caregiver = caregiver

    def draw_caregivers(self, n: int) -> CaregiverTraits:
        """Caregivers from the population; a dimension set explicitly holds for every one."""
        p = self.params
        traits = draw_caregivers(p["caregivers"], n, self.rng, p["spectrum"])
        for name in DIMENSIONS:
            if p[name] is not None:
                getattr(traits, name)[:] = p[name]
        return traits

    # ------------------------------------------------------------------ measures
    def run_strange_situation(self, rng: np.random.Generator) -> StrangeSituationResult:
        """The Strange Situation for every infant now (with its own noise from ``rng``)."""
        p = self.params
        return strange_situation(
            self.working_model,
            self.reactivity,
            self.soothability,
            rng,
            noise=p["ssp_noise"],
            d_cutoff=p["ssp_d_cutoff"],
            avoidance_cutoff=p["ssp_avoidance_cutoff"],
            resistance_cutoff=p["ssp_resistance_cutoff"],
        )

    @property
    def observed_sensitivity(self) -> np.ndarray:
        """Share of the infant's bids answered with comfort during the home-visit days."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(
                self._observed_bids > 0, self._observed_comforts / self._observed_bids, np.nan
            )

    def infant_table(self) -> dict[str, np.ndarray]:
        """One entry per infant: caregiver, temperament, working model, Strange Situation."""
        wm, first = self.working_model, self.first_caregiver_traits
        s = strategy(wm)
        table: dict[str, np.ndarray] = {
            "infant": np.arange(self.n_dyads),
            "caregiver_style": self.caregiver_style,
            **{k: getattr(first, k) for k in DIMENSIONS},
            "disrupted": self.disruption_day >= 0,
            "observed_sensitivity": self.observed_sensitivity,
            "comforted_share": np.where(
                self.bids_total > 0, self.comforts_total / np.maximum(self.bids_total, 1), np.nan
            ),
            "reactivity": self.reactivity,
            "soothability": self.soothability,
            **{k: getattr(wm, k) for k in vars(wm)},
            "anxiety": anxiety(wm),
            "avoidance": avoidance(wm),
            "hyperactivation": s.hyperactivation,
            "deactivation": s.deactivation,
        }
        if self.ssp is not None:
            for k, v in self.ssp.scores.items():
                table[f"ssp_{k}"] = v
            table["ssp_class"] = self.ssp.attachment_class
            table["ssp_organised_class"] = self.ssp.organised_class
            table["secure"] = (self.ssp.attachment_class == "B").astype(int)
        return table
