"""The first year, one day a step: distress episodes, the caregiver's answers, learning; a loss of
the caregiver on one day; the home observation of sensitivity; the Strange Situation at 12 months.

One day of care is computed for every dyad of every run at once (vectorised), by the plain
functions of ``caregiving`` and ``working_model``. Each run draws its random numbers a block of
days at a time from its own stream (``DrawnDays``): a handful of calls a month instead of several
a day, and the same numbers whatever the batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.model.caregiving import (
    answer_each_bid,
    answer_shares,
    daily_availability,
    neglect_transition,
)
from simulation.model.population import Population, new_caregivers
from simulation.model.strange_situation import StrangeSituationResult, strange_situation
from simulation.model.streams import Streams
from simulation.model.working_model import Experience, unregulated_load

# Unregulated distress (in ordinary-episode units) past which a day counts as overwhelming:
# about four days in a row without being settled, as in a neglect spell or after a loss.
OVERWHELM_LIMIT = 15.0
# While the attachment figure is lost, others (relatives, a nursery) answer only a few bids.
SUBSTITUTE_AVAILABILITY = 0.05
# Observed sensitivity is rated at 9 months, as in the NICHD and Ainsworth home observations.
OBSERVATION_AGE_SHARE = 0.75
# Days whose random numbers each run draws at once.
BLOCK_DAYS = 30


class DrawnDays:
    """A block of days' random numbers, each run's from its own stream: the bids (Poisson, from
    the infant's distress rate), two uniforms per dyad and day (a neglect spell, an attentive
    day) and one per bid (its answer, and whether comfort settles)."""

    def __init__(self, streams: Streams, expected_bids: np.ndarray, days: int) -> None:
        n, runs = streams.people, streams.runs
        bids, daily = [], []
        for r, g in enumerate(streams.generators):
            bids.append(g.poisson(expected_bids[r * n : (r + 1) * n], (days, n)))
            daily.append(g.random((days, 2, n)))
        self.people = n
        self.bids = np.concatenate(bids, axis=-1)  # (days, everyone)
        self.daily = np.concatenate(daily, axis=-1)  # (days, 2, everyone)
        # each run's bids' uniforms follow its own bids and daily uniforms in its stream; all
        # runs' go into one array, where each run's bids of each day begin at ``day_start``
        per_day = self.bids.reshape(days, runs, n).sum(axis=2)  # (days, runs)
        per_run = per_day.sum(axis=0)
        run_start = np.cumsum(per_run) - per_run
        self.per_bid = np.empty(per_run.sum())
        for g, start, k in zip(streams.generators, run_start, per_run, strict=True):
            g.random(out=self.per_bid[start : start + k])
        self.day_start = run_start + np.cumsum(per_day, axis=0) - per_day

    def day(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Day ``k`` of the block for every run: bids, the dyads' uniforms (2, n), the bids'
        uniforms and where each person's begin among them."""
        bids = self.bids[k]
        by_run = bids.reshape(-1, self.people)
        first = np.cumsum(by_run, axis=1) - by_run + self.day_start[k][:, None]
        return bids, self.daily[k], self.per_bid, first.ravel()


class Infancy:
    """Each infant's first year: its own arrays (distress load, neglect spells, the loss day,
    the observation counts) and one ``day`` of care at a time."""

    def __init__(self, params: dict[str, Any], population: Population, rng: Streams) -> None:
        self.params = p = params
        days = p["days"]
        n = population.n
        self.load = np.zeros(n)
        self.in_neglect = np.zeros(n, dtype=bool)
        # A loss happens on one day, early enough that the new caregiver has arrived a month
        # before the Strange Situation (in a short run, as early as the run allows).
        lost = rng.random(n) < population.caregivers.disruption
        first = min(30, days // 4)
        last = max(first + 1, days - 30 - round(p["disruption_gap_days"]))
        self.disruption_day = np.where(lost, rng.integers(first, last, n), -1)
        self.figure_absent_until = np.full(n, -1)
        obs_end = round(OBSERVATION_AGE_SHARE * days)
        self.observation_window = (max(0, obs_end - p["observation_days"]), obs_end)
        self.observed_bids = np.zeros(n)
        self.observed_comforts = np.zeros(n)
        self.bids_total = np.zeros(n)
        self.comforts_total = np.zeros(n)
        self.ssp: StrangeSituationResult | None = None
        self.drawn: DrawnDays | None = None

    def losses(
        self, day: int, population: Population, rng: Streams
    ) -> tuple[np.ndarray, np.ndarray]:
        """Caregivers lost today leave; after the gap a new caregiver from the mix arrives.
        Returns the rows that lost their caregiver today and those whose new one arrived."""
        lost = np.flatnonzero(self.disruption_day == day)
        if len(lost):
            self.figure_absent_until[lost] = day + round(self.params["disruption_gap_days"])
            self.in_neglect[lost] = False  # a neglect spell ends with the caregiver who neglected
        arriving = np.flatnonzero(self.figure_absent_until == day)
        if len(arriving):
            new = new_caregivers(population.run_params, arriving, rng)
            new.disruption[:] = 0.0  # the year holds at most one loss
            population.replace_caregivers(
                arriving, new, population.caregiver_style[arriving].astype(object)
            )
        return lost, arriving

    def day(self, day: int, population: Population, rng: Streams) -> None:
        """One day: each infant's distress episodes, the caregiver's answers, learning."""
        p, traits, temperament = self.params, population.caregivers, population.temperament
        if day % BLOCK_DAYS == 0:
            expected = p["distress_rate"] * temperament.reactivity
            self.drawn = DrawnDays(rng, expected, min(BLOCK_DAYS, self.params["days"] - day))
        assert self.drawn is not None
        bids, u, u_bids, first = self.drawn.day(day % BLOCK_DAYS)
        absent = self.figure_absent_until > day
        self.in_neglect = neglect_transition(
            self.in_neglect, traits.neglect, p["neglect_spell_days"], u[0]
        )
        unavailable = self.in_neglect | absent
        availability = daily_availability(traits, unavailable, u[1])
        availability = np.where(absent, SUBSTITUTE_AVAILABILITY, availability)
        # transactional effect: a fussier infant strains the caregiver and gets less of her
        availability = np.minimum(1.0, availability * temperament.strain)
        present = ~unavailable

        shares = answer_shares(
            population.dispositions.intensity,
            availability,
            traits.rejection * present,
            traits.fear * present,
        )
        frightened, comforted, rebuffed, missed, soothed = answer_each_bid(
            bids, shares, temperament.soothability, u_bids, first
        )
        self.load = unregulated_load(
            self.load, bids - soothed, soothed, temperament.reactivity, present
        )
        experience = Experience(
            bids=bids,
            soothed=soothed,
            comforted=comforted,
            missed=missed,
            rebuffed=rebuffed,
            frightened=frightened,
            overwhelmed=(self.load > OVERWHELM_LIMIT).astype(int),
        )
        population.learn(experience, p["learning_rate"])

        self.bids_total += bids
        self.comforts_total += comforted
        start, end = self.observation_window
        if start <= day < end:
            self.observed_bids += bids
            self.observed_comforts += comforted

    def first_birthday(self, population: Population, rng: Streams) -> None:
        """The Strange Situation at 12 months; the working model of that age is kept."""
        self.ssp = self.strange_situation(population, rng)
        population.prototype = population.working_model.copy()
        self.in_neglect[:] = False

    def strange_situation(self, population: Population, rng: Streams) -> StrangeSituationResult:
        """The Strange Situation for every infant (with its own noise from ``rng``), on the
        working model at 12 months (the re-test calls it again later on the same model)."""
        p = self.params
        at_12_months = population.prototype
        wm = population.working_model if at_12_months is None else at_12_months
        return strange_situation(
            wm,
            population.temperament.reactivity,
            population.temperament.soothability,
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
                self.observed_bids > 0, self.observed_comforts / self.observed_bids, np.nan
            )

    @property
    def comforted_share(self) -> np.ndarray:
        """Share of all the year's bids answered with comfort."""
        return np.where(
            self.bids_total > 0, self.comforts_total / np.maximum(self.bids_total, 1), np.nan
        )
