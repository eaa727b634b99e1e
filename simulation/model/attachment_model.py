"""The Mesa model: one run of the schedule in ``lives.py`` (a batch of one), with its people and
caregivers as agents and its population means in a DataCollector, for scripts and the demo.

The state lives in arrays with one entry per person (``Population`` and each stage component);
one step computes a day, a month or a quarter for everyone at once (see ``Lives``). The Mesa
agents (``agents.py``) are views of one row each.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector

from simulation.model.adulthood import Adulthood
from simulation.model.agents import Caregiver, Person
from simulation.model.caregiving import CaregiverTraits
from simulation.model.childhood import Childhood
from simulation.model.couples import Couples
from simulation.model.infancy import Infancy
from simulation.model.lives import Lives
from simulation.model.parameters import validate
from simulation.model.parenthood import Parenthood
from simulation.model.population import Population
from simulation.model.records import DAILY_MEANS, SHARES
from simulation.model.strange_situation import StrangeSituationResult
from simulation.model.streams import Streams
from simulation.model.trial import Trial


def _mean_reporter(name: str):
    return lambda m: float(m.means[name][0])


class AttachmentModel(Model):
    """People from birth: daily bids for comfort in the first year (then a Strange Situation),
    monthly care and other relationships to 18, weekly partner interactions after.

    Parameters are those of ``simulation.model.parameters.PARAMETERS`` (keywords), plus ``rng``.
    ``trace_couples`` keeps every couple's week-by-week story in ``couples.log``.
    ``caregiver_traits`` gives every infant's caregiver (the parents of a next generation)
    instead of drawing them from the ``caregivers`` mix.
    """

    def __init__(
        self,
        rng: Any = None,
        trace_couples: bool = False,
        caregiver_traits: CaregiverTraits | None = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng)
        p = validate(params)
        self.lives = Lives([p], Streams.of(self.rng, p["n_dyads"]), trace_couples, caregiver_traits)
        population = self.lives.population
        self.people = [
            Person(self, i, Caregiver(self, i, str(population.caregiver_style[i])))
            for i in range(population.n)
        ]
        self.datacollector = DataCollector(
            model_reporters={
                "day": "day",
                "age_years": "age_years",
                "stage": "stage",
                **{k: _mean_reporter(k) for k in (*DAILY_MEANS, *SHARES)},
                "partnered": _mean_reporter("partnered"),
                "satisfaction": _mean_reporter("satisfaction"),
            }
        )
        self.datacollector.collect(self)

    def step(self) -> None:
        """One step of life for this run (``Lives.step``: a day, a month or a quarter); then
        the agents follow any change of caregiver and the means are recorded."""
        self.lives.step()
        for i in self.lives.lost:
            self.people[i].lose_caregiver()
        for i in self.lives.new_caregiver:
            self._new_caregiver_agent(int(i))
        self.datacollector.collect(self)
        self.running = self.lives.running

    def _new_caregiver_agent(self, i: int) -> None:
        """Person ``i``'s new caregiver becomes an agent (the one before leaves the model)."""
        person = self.people[i]
        if person.caregiver is not person.lost_caregiver:  # that one has left already
            person.caregiver.remove()
        person.caregiver = Caregiver(self, i, str(self.population.current_style[i]))

    @property
    def caregivers(self) -> list[Caregiver]:
        """Each person's caregiver now (row i: the caregiver of person i)."""
        return [person.caregiver for person in self.people]

    # ------------------------------------------------------------------ the run's state
    @property
    def params(self) -> dict[str, Any]:
        return self.lives.params

    @property
    def n_dyads(self) -> int:
        return self.lives.n_dyads

    @property
    def days(self) -> int:
        return self.lives.days

    @property
    def horizon(self) -> int:
        return self.lives.horizon

    @property
    def population(self) -> Population:
        return self.lives.population

    @property
    def infancy(self) -> Infancy:
        return self.lives.infancy

    @property
    def childhood(self) -> Childhood:
        return self.lives.childhood

    @property
    def adulthood(self) -> Adulthood:
        return self.lives.adulthood

    @property
    def couples(self) -> Couples:
        return self.lives.couples

    @property
    def trial(self) -> Trial:
        return self.lives.trial

    @property
    def parenthood(self) -> Parenthood:
        return self.lives.parenthood

    @property
    def stage(self) -> str:
        return self.lives.stage

    @property
    def months(self) -> int:
        return self.lives.months

    @property
    def weeks(self) -> int:
        return self.lives.weeks

    @property
    def birthdays(self) -> list[dict[str, np.ndarray]]:
        return self.lives.birthdays

    @property
    def means(self) -> dict[str, Any]:
        return self.lives.means

    @property
    def age_years(self) -> float:
        """Age of the cohort at the end of the last step."""
        return self.lives.age_years

    @property
    def day(self) -> int:
        """Days of life completed (the first year counts ``days`` days, later years 365)."""
        return self.lives.day

    # ------------------------------------------------------------------ records
    @property
    def ssp(self) -> StrangeSituationResult | None:
        """The Strange Situation at 12 months (None before)."""
        return self.infancy.ssp

    def run_strange_situation(self, rng: np.random.Generator) -> StrangeSituationResult:
        """The Strange Situation again, with its own noise from ``rng`` (the re-test)."""
        return self.infancy.strange_situation(self.population, Streams.of(rng, self.n_dyads))

    def infant_table(self) -> dict[str, np.ndarray]:
        """One row per person: infancy, the trial and, at the end of a longer run, adulthood."""
        return self.lives.infant_table(0)

    def life_table(self) -> dict[str, np.ndarray]:
        """One row per person per birthday recorded so far."""
        return self.lives.tables()[0]["life"]

    def couples_table(self) -> dict[str, np.ndarray]:
        """One row per couple that ended or was still together at the end of the run."""
        return self.couples.table()

    def next_generation(self) -> CaregiverTraits:
        """The care each person gives their own child (row i: the child of person i)."""
        return self.lives.next_generation()

    def parent_table(self) -> dict[str, np.ndarray]:
        """Each person at their child's birth (row i: the parent of child i)."""
        return self.lives.parent_tables()[0]
