"""The Mesa model: people from birth, through a first year of daily care ending in a Strange
Situation, childhood and adolescence month by month, into adult partner relationships quarter by
quarter.

The design is vectorised: the state lives in arrays with one entry per person (``Population``
and each stage component), and one step computes a day, a month or a quarter for everyone at
once with the plain functions of this folder. The Mesa agents (``agents.py``) are views of one
row each, for scripts and the demo; the schedule below is the whole story of a run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector

from simulation.model.adulthood import Adulthood
from simulation.model.agents import Caregiver, Person
from simulation.model.caregiving import DIMENSIONS, CaregiverTraits
from simulation.model.childhood import Childhood
from simulation.model.couples import Couples
from simulation.model.infancy import Infancy
from simulation.model.life_course import (
    ADOLESCENCE,
    ADOLESCENCE_AGE,
    ADULT_AGE,
    ADULTHOOD,
    CHILDHOOD,
    INFANCY,
    MONTHS_PER_YEAR,
    WEEKS_PER_STEP,
    WEEKS_PER_YEAR,
    draw_others,
)
from simulation.model.parameters import validate
from simulation.model.parenthood import Parenthood
from simulation.model.population import (
    Population,
    Temperament,
    caregivers_from_mix,
    first_styles,
    with_set_dimensions,
)
from simulation.model.records import (
    DAILY_MEANS,
    SHARES,
    adult_outcome,
    infant_table,
    life_table,
    population_means,
    snapshot,
)
from simulation.model.strange_situation import StrangeSituationResult
from simulation.model.trial import Trial


def _mean_reporter(name: str):
    return lambda m: m.means[name]


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
        self.params = p = validate(params)
        self.n_dyads = n = p["n_dyads"]
        self.days = p["days"]
        self.horizon = p["horizon_years"]

        # Temperament is drawn first, so the same seed gives the same newborns whoever raises
        # them. Interventions and parenthood draw from streams of their own, so a run that has
        # them is otherwise the same run as one without.
        temperament = Temperament.draw(n, p["temperament_sd"], p["infant_effect"], self.rng)
        trial_rng, family_rng = self.rng.spawn(2)
        if caregiver_traits is None:
            traits = caregivers_from_mix(p, n, self.rng)
        elif len(caregiver_traits) != n:
            raise ValueError(f"caregiver_traits has {len(caregiver_traits)} rows, n_dyads {n}")
        else:
            copied = {k: getattr(caregiver_traits, k).copy() for k in DIMENSIONS}
            traits = with_set_dimensions(p, CaregiverTraits(**copied))
        styles = first_styles(p, traits, drawn=caregiver_traits is None)
        self.population = Population(p, temperament, traits, styles)

        self.infancy = Infancy(p, self.population, self.rng)
        self.childhood = Childhood(p, n)
        self.adulthood = Adulthood(p, n)
        self.couples = Couples(n, trace=trace_couples)
        self.trial = Trial(p, self.population, trial_rng)
        self.parenthood = Parenthood(p, n, family_rng)

        self.stage = INFANCY
        self.months = 0  # months since the first birthday
        self.weeks = 0  # weeks since the 18th birthday
        self.birthdays: list[dict[str, np.ndarray]] = []  # everyone at every birthday

        self.people = [Person(self, i, Caregiver(self, i, str(styles[i]))) for i in range(n)]
        self.means: dict[str, Any] = {}
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
        self.collect()

    # ------------------------------------------------------------------ the schedule
    def step(self) -> None:
        """One step of life: a day in infancy, a month to 18, 13 weeks (a quarter) after."""
        if self.stage == INFANCY:
            self.infant_day()
        elif self.stage == ADULTHOOD:
            self.adult_quarter()
        else:
            self.child_month()
        self.collect()
        if not self.running:
            self.couples.end_all()

    def infant_day(self) -> None:
        """A caregiver may be lost or arrive; a caregiver programme may start; a day of care."""
        day = int(self.time) - 1  # Mesa sets the clock to the end of the day: day 0 at time 1
        lost, arriving = self.infancy.losses(day, self.population, self.rng)
        for i in lost:
            self.people[i].lose_caregiver()
        for i in arriving:
            self._new_caregiver_agent(i)
        if day == self.trial.infant_day:
            self.trial.start_caregiver_programme(self.population)
        self.infancy.day(day, self.population, self.rng)
        if day + 1 == self.days:
            self.infancy.first_birthday(self.population, self.rng)
            self.stage = CHILDHOOD
            self.birthday()

    def child_month(self) -> None:
        """A month of care, life events and comfort from others; a birthday every 12."""
        replaced = self.childhood.month(self.age_years, self.population, self.rng)
        for i in replaced:
            self._new_caregiver_agent(i)
        self.months += 1
        if self.months % MONTHS_PER_YEAR == 0:
            self.birthday()

    def adult_quarter(self) -> None:
        """A trial may start; 13 weeks of meeting, couples and support; its follow-up; births;
        a birthday every 4 quarters."""
        if self.trial.adult and self.weeks == self.trial.start:
            self.trial.start_adult(self.population, self.couples.partner, self.couples.satisfaction)
        self.adulthood.quarter(
            self.weeks, self.age_years, self.population, self.couples, self.trial, self.rng
        )
        self.weeks += WEEKS_PER_STEP
        if self.trial.adult and self.weeks == self.trial.follow_up:
            self.trial.measures.update(
                self.trial.snapshot("followup", self.population, self.couples.satisfaction)
            )
        self.parenthood.births(self.age_years, self.population, self.couples)
        if self.weeks % WEEKS_PER_YEAR == 0:
            self.birthday()

    def birthday(self) -> None:
        """Record everyone; stop at the horizon; otherwise a new year of other people's
        responsiveness and of care, and the next stage."""
        age = round(self.age_years)
        self.birthdays.append(snapshot(age, self.population, self.childhood, self.couples))
        if age >= self.horizon:
            self.running = False  # couples still together are closed after the last record
            return
        self.population.others = draw_others(
            self.params["others_sensitivity"], self.n_dyads, self.rng
        )
        if age < ADULT_AGE:
            self.childhood.new_year(age, self.population, self.rng)
        if age >= ADULT_AGE:
            self.stage = ADULTHOOD
        elif age >= ADOLESCENCE_AGE:
            self.stage = ADOLESCENCE
        else:
            self.stage = CHILDHOOD

    def _new_caregiver_agent(self, i: int) -> None:
        """Person ``i``'s new caregiver becomes an agent (the one before leaves the model)."""
        person = self.people[i]
        if person.caregiver is not person.lost_caregiver:  # that one has left already
            person.caregiver.remove()
        person.caregiver = Caregiver(self, int(i), str(self.population.current_style[i]))

    @property
    def caregivers(self) -> list[Caregiver]:
        """Each person's caregiver now (row i: the caregiver of person i)."""
        return [person.caregiver for person in self.people]

    # ------------------------------------------------------------------ the clock
    @property
    def age_years(self) -> float:
        """Age of the cohort at the end of the last step."""
        if self.stage == INFANCY:
            return int(self.time) / self.days
        if self.stage == ADULTHOOD:
            return ADULT_AGE + self.weeks / WEEKS_PER_YEAR
        return 1.0 + self.months / MONTHS_PER_YEAR

    @property
    def day(self) -> int:
        """Days of life completed (the first year counts ``days`` days, later years 365)."""
        if self.stage == INFANCY:
            return int(self.time)
        return self.days + round((self.age_years - 1.0) * 365)

    # ------------------------------------------------------------------ records
    def collect(self) -> None:
        """Record this step's population means."""
        self.means = population_means(self.population, self.couples, self.stage == ADULTHOOD)
        self.datacollector.collect(self)

    @property
    def ssp(self) -> StrangeSituationResult | None:
        """The Strange Situation at 12 months (None before)."""
        return self.infancy.ssp

    def run_strange_situation(self, rng: np.random.Generator) -> StrangeSituationResult:
        """The Strange Situation again, with its own noise from ``rng`` (the re-test)."""
        return self.infancy.strange_situation(self.population, rng)

    def infant_table(self) -> dict[str, np.ndarray]:
        """One row per person: infancy, the trial and, at the end of a longer run, adulthood."""
        outcome = None
        if self.horizon > 1 and not self.running:
            now = snapshot(round(self.age_years), self.population, self.childhood, self.couples)
            outcome = adult_outcome(now, self.childhood, self.couples)
        return infant_table(self.population, self.infancy, self.trial, outcome)

    def life_table(self) -> dict[str, np.ndarray]:
        """One row per person per birthday recorded so far."""
        return life_table(self.birthdays)

    def couples_table(self) -> dict[str, np.ndarray]:
        """One row per couple that ended or was still together at the end of the run."""
        return self.couples.table()

    def next_generation(self) -> CaregiverTraits:
        """The care each person gives their own child (row i: the child of person i)."""
        return self.parenthood.next_generation()

    def parent_table(self) -> dict[str, np.ndarray]:
        """Each person at their child's birth (row i: the parent of child i)."""
        return self.parenthood.table()
