"""Adulthood (from 18), 13 weeks a step: singles meet, support is sought from other people and
from a partner, a programme adds its experiences, and everyone learns from the quarter in one
update.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.model.caregiving import answer_shares
from simulation.model.couples import Couples
from simulation.model.life_course import OTHERS_REJECTION, WEEKS_PER_STEP, WEEKS_PER_YEAR
from simulation.model.partners import match, perceived_experience
from simulation.model.population import Population
from simulation.model.streams import Streams
from simulation.model.trial import Trial
from simulation.model.working_model import Experience

# An adult's bids for support to people other than a partner, per week: about what a partner
# gets (need_rate x the share voiced), as the partner takes over attachment functions.
OTHERS_BIDS_PER_WEEK_ADULT = 0.5


class Adulthood:
    """One ``quarter`` of adult life at a time for everyone (the state is in the population,
    the couples and the trial)."""

    def __init__(self, params: dict[str, Any], n: int) -> None:
        self.params = params
        self._no_one = np.zeros(n, dtype=int)

    def quarter(
        self,
        week: int,
        age: float,
        population: Population,
        couples: Couples,
        trial: Trial,
        rng: Streams,
    ) -> None:
        """13 weeks from ``week`` since the 18th birthday."""
        p, weeks = self.params, WEEKS_PER_STEP
        d = population.behaviour
        meeting = 1.0 - np.exp(-p["meeting_rate"] * weeks / WEEKS_PER_YEAR)
        singles = np.flatnonzero(trial.looking_for_partner(couples.partner < 0, week))
        a, b = match(singles, d, meeting, p["matching"], rng)
        if len(a):
            fit = None
            if p["relationship_sd"] > 0.0:  # each relationship works well or badly of its own
                z = rng.over(rng.run_of(a), lambda g, size: g.standard_normal(size))
                fit = 2.0 / (1.0 + np.exp(-p["relationship_sd"] * z))
            couples.form(a, b, week, population.categories(), fit)

        # bids to other people (friends, colleagues): fewer than a child's, as the partner
        # takes over the attachment functions (Hazan & Zeifman 1994)
        reactivity = population.temperament.reactivity
        expected = OTHERS_BIDS_PER_WEEK_ADULT * weeks * reactivity
        answers = expected * answer_shares(d.intensity, population.others, OTHERS_REJECTION, 0.0)
        # an adult's comfort that is believed counts as settling (soothability is an infant's)
        others = perceived_experience(answers, d, 1.0, rng)
        # counts per person: bids, comforted, soothed (believed), missed, rebuffed, abandoned
        counts = np.stack(
            [
                others.bids,
                others.comforted,
                others.soothed,
                others.missed,
                others.rebuffed,
                others.abandoned,
            ]
        ).astype(float)

        if len(couples):
            m = len(couples)
            breakups_before = couples.breakups.copy()
            skills = population.skills
            actors, happened, together = couples.live(
                d,
                p,
                rng,
                weeks,
                week,
                directness=0.0 if skills is None else skills.directness,
                limits=0.0 if skills is None else skills.limits,
            )
            pushed_me = happened.pushed_away[:, np.r_[m : 2 * m, 0:m]]
            partner_counts = np.stack(
                [
                    happened.bid.astype(int) + happened.escalated + pushed_me,
                    happened.comforted,
                    happened.believed,
                    happened.missed,
                    happened.withdrew + pushed_me,
                    happened.read_as_rejection,
                ]
            )
            # An anxious person depends on the partner for self-worth: the partner's responses
            # weigh 1 + hyperactivation times as much as other experience in their learning.
            weight = 1.0 + d.hyper[actors]
            # everyone is in at most one couple, so each index appears once in actors
            counts[:, actors] += (partner_counts * together).sum(axis=1) * weight
            # a breakup is a loss: for both partners it weighs as breakup_hurt bids that found
            # nobody there (read as abandonment), once
            hurt = p["breakup_hurt"] * (couples.breakups - breakups_before)
            if hurt.any():
                counts[0] += hurt
                counts[5] += hurt

        gain = trial.programme(counts, d) if trial.in_programme(week) else None
        experience = Experience(
            bids=counts[0],
            soothed=counts[2],
            comforted=counts[1],
            missed=counts[3],
            rebuffed=counts[4],
            frightened=self._no_one,
            overwhelmed=self._no_one,
            abandoned=counts[5],
        )
        population.learn_at_age(experience, age, gain)
