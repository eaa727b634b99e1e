"""Childhood and adolescence (1 to 18), one month a step: care from the same caregiver, whose care
wanders from year to year and whose life can change (loss, separation, illness, a new stable
caregiver), comfort from other people, and one learning update.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.model.caregiving import (
    DIMENSIONS,
    CaregiverTraits,
    answer_shares,
    daily_availability,
    logistic,
    nearest_style,
)
from simulation.model.life_course import (
    FLUCTUATING,
    ILLNESS_MONTHS,
    ILLNESS_SENSITIVITY,
    OTHERS_BIDS_PER_MONTH,
    OTHERS_REJECTION,
    SEPARATED_AVAILABILITY,
    SEPARATION_MONTHS,
    STABLE_CAREGIVER,
    caregiver_bids_per_month,
    fluctuate,
    logit,
    monthly_events,
)
from simulation.model.partners import perceived_experience
from simulation.model.population import Population, new_caregivers, with_run_dimensions
from simulation.model.streams import Streams

# A lost caregiver in childhood is followed by a new one after this many months.
LOSS_GAP_MONTHS = 2


class Childhood:
    """Each child's caregiver's life (absences, illness, a new caregiver) and own level of care;
    one ``month`` at a time."""

    def __init__(self, params: dict[str, Any], n: int) -> None:
        self.params = params
        self.absent_months = np.zeros(n, dtype=int)  # caregiver away (separation, loss)
        self.replace_on_return = np.zeros(n, dtype=bool)  # after a loss: a new caregiver
        self.ill_months = np.zeros(n, dtype=int)
        self.life_events = np.zeros(n, dtype=int)
        # each caregiver's own level of the fluctuating dimensions (logit) and this year's
        # deviation from it; set at the first birthday and when a new caregiver arrives
        self.care_level = np.zeros((len(FLUCTUATING), n))
        self.care_deviation = np.zeros((len(FLUCTUATING), n))

    def new_year(self, age: int, population: Population, rng: Streams) -> None:
        """A birthday before 18: at 1 each caregiver's own level is set; every year their care
        wanders around it."""
        if age == 1:
            self._set_care_levels(population, np.arange(population.n))
        sd = self.params["caregiving_fluctuation"]
        if sd == 0.0:
            return
        self.care_deviation = fluctuate(self.care_deviation, sd, rng)
        values = logistic(self.care_level + self.care_deviation)
        for k, name in enumerate(FLUCTUATING):
            getattr(population.caregivers, name)[:] = values[k]

    def month(self, age: float, population: Population, rng: Streams) -> np.ndarray:
        """One month; returns the rows whose caregiver was replaced by a new one this month."""
        p, n = self.params, population.n
        # each run's draws for the month: four caregiver events, a neglected day, an attentive
        # day (the answers' counts follow in one Poisson draw)
        u = rng.random((6, n))
        replaced = self._caregiver_events(population, u[:4], rng)
        traits, temperament = population.caregivers, population.temperament
        absent = self.absent_months > 0
        # One representative day stands for the month's care, so day-to-day swings in an
        # inconsistent caregiver's availability still reach the child as surprise.
        neglected = u[4] < traits.neglect
        availability = daily_availability(traits, absent | neglected, u[5])
        availability = np.where(
            self.ill_months > 0, availability * ILLNESS_SENSITIVITY, availability
        )
        availability = np.where(absent, SEPARATED_AVAILABILITY, availability)
        availability = np.minimum(1.0, availability * temperament.strain)
        present = ~(absent | neglected)

        behaviour = population.behaviour
        intensity = behaviour.intensity
        # bids to the caregiver and to other people, each answered in its own way
        to_caregiver = caregiver_bids_per_month(p["distress_rate"], temperament.reactivity, age)
        to_others = OTHERS_BIDS_PER_MONTH * temperament.reactivity
        answers = to_caregiver * answer_shares(
            intensity, availability, traits.rejection * present, traits.fear * present
        ) + to_others * answer_shares(intensity, population.others, OTHERS_REJECTION, 0.0)
        experience = perceived_experience(answers, behaviour, temperament.soothability, rng)
        population.learn_at_age(experience, age)
        if self.absent_months.any():
            self.absent_months = np.maximum(self.absent_months - 1, 0)
        if self.ill_months.any():
            self.ill_months = np.maximum(self.ill_months - 1, 0)
        return replaced

    def _caregiver_events(self, population: Population, u: np.ndarray, rng: Streams) -> np.ndarray:
        """Loss, separation, illness or a new stable caregiver, this month; returns the rows
        whose new caregiver arrived."""
        p = self.params
        rates = {
            "loss": p["loss_rate"],
            "separation": p["separation_rate"],
            "illness": p["illness_rate"],
            "stable_caregiver": p["stable_caregiver_rate"],
        }
        events = monthly_events(rates, u)
        replaced = []
        if self.replace_on_return.any():
            returning = np.flatnonzero((self.absent_months == 1) & self.replace_on_return)
            if len(returning):
                new = new_caregivers(population.run_params, returning, rng)
                self._new_caregivers(population, returning, new)
                self.replace_on_return[returning] = False
                replaced.append(returning)
        if not events.any():
            return np.concatenate(replaced) if replaced else np.empty(0, dtype=int)
        free = self.absent_months == 0
        lost = events.loss & free
        separated = events.separation & free & ~lost
        self.absent_months[lost] = LOSS_GAP_MONTHS
        self.replace_on_return[lost] = True
        self.absent_months[separated] = SEPARATION_MONTHS
        # an illness or a new caregiver only takes effect while the caregiver is there
        here = free & ~lost & ~separated
        taken_over = events.stable_caregiver & here
        ill = events.illness & here & (self.ill_months == 0) & ~taken_over
        self.ill_months[ill] = ILLNESS_MONTHS
        stable = np.flatnonzero(taken_over)
        if len(stable):
            new = with_run_dimensions(
                population.run_params,
                rng.run_of(stable),
                CaregiverTraits(
                    **{k: np.full(len(stable), STABLE_CAREGIVER[k]) for k in DIMENSIONS}
                ),
            )
            self._new_caregivers(population, stable, new, style="consistent")
            replaced.append(stable)
        # every event that took effect counts
        self.life_events += lost.astype(int) + separated + ill + taken_over
        return np.concatenate(replaced) if replaced else np.empty(0, dtype=int)

    def _set_care_levels(self, population: Population, rows: np.ndarray) -> None:
        """The current caregivers at ``rows`` define their own level; no deviation yet."""
        for k, name in enumerate(FLUCTUATING):
            self.care_level[k, rows] = logit(getattr(population.caregivers, name)[rows])
        self.care_deviation[:, rows] = 0.0

    def _new_caregivers(
        self,
        population: Population,
        rows: np.ndarray,
        traits: CaregiverTraits,
        style: str | None = None,
    ) -> None:
        """The people at ``rows`` get new caregivers with ``traits``."""
        traits.disruption[:] = 0.0
        styles = nearest_style(traits) if style is None else np.full(len(rows), style)
        population.replace_caregivers(rows, traits, styles)
        self._set_care_levels(population, rows)
        self.ill_months[rows] = 0  # an illness leaves with the caregiver who had it
