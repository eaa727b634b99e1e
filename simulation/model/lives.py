"""The schedule of a batch of runs: people from birth, through a first year of daily care ending
in a Strange Situation, childhood and adolescence month by month, into adult partner
relationships quarter by quarter.

The design is vectorised twice over. Within a run, the state lives in arrays with one entry per
person (``Population`` and each stage component) and one step computes a day, a month or a
quarter for everyone at once with the plain functions of this folder. Across runs, a batch puts
several runs' people in the same arrays (run r's person i at row r * n_dyads + i), so one NumPy
call serves every run; each run still draws from its own random stream (``streams``), so its
results are the same alone or in a batch of any size. Where arrays serve badly (each of a day's
bids, the learning update person by person) the plain functions run compiled loops (Numba).
``AttachmentModel`` is the Mesa face of a batch of one run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.model.adulthood import Adulthood
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
from simulation.model.parenthood import Parenthood
from simulation.model.population import (
    Population,
    Temperament,
    caregivers_from_mix,
    first_styles,
    join_traits,
    with_run_dimensions,
)
from simulation.model.records import (
    adult_outcome,
    infant_table,
    life_table,
    population_means,
    snapshot,
)
from simulation.model.streams import Streams
from simulation.model.trial import Trial

Table = dict[str, np.ndarray]


class Lives:
    """A batch of runs that share their structure (``run.batch_key``); ``step`` is the schedule.

    ``run_params``: each run's validated parameters; ``streams``: each run's random generator.
    ``caregiver_traits`` gives every infant's caregiver (the parents of a next generation, rows
    as the batch's people) instead of drawing them from the ``caregivers`` mix.
    """

    def __init__(
        self,
        run_params: list[dict[str, Any]],
        streams: Streams,
        trace_couples: bool = False,
        caregiver_traits: CaregiverTraits | None = None,
    ) -> None:
        self.params = p = run_params[0]
        self.runs = runs = len(run_params)
        self.n_dyads = people = p["n_dyads"]
        self.n = n = runs * people
        self.days = p["days"]
        self.horizon = p["horizon_years"]
        self.streams = rng = streams

        # Temperament is drawn first, so the same seed gives the same newborns whoever raises
        # them. Interventions and parenthood draw from streams of their own, so a run that has
        # them is otherwise the same run as one without.
        temperament = Temperament.draw(n, p["temperament_sd"], p["infant_effect"], rng)
        trial_rng, family_rng = rng.spawn(2)
        if caregiver_traits is None:
            traits = join_traits(
                [
                    caregivers_from_mix(q, people, g)
                    for q, g in zip(run_params, rng.generators, strict=True)
                ]
            )
        elif len(caregiver_traits) != n:
            raise ValueError(f"caregiver_traits has {len(caregiver_traits)} rows, n_dyads {n}")
        else:
            copied = {k: getattr(caregiver_traits, k).copy() for k in DIMENSIONS}
            traits = with_run_dimensions(run_params, self.run_of_row, CaregiverTraits(**copied))
        styles = first_styles(p, traits, drawn=caregiver_traits is None)
        self.population = Population(run_params, temperament, traits, styles)

        self.infancy = Infancy(p, self.population, rng)
        self.childhood = Childhood(p, n)
        self.adulthood = Adulthood(p, n)
        self.couples = Couples(n, people, trace=trace_couples)
        self.trial = Trial(p, self.population, trial_rng)
        self.parenthood = Parenthood(p, n, family_rng)

        self.stage = INFANCY
        self.steps = 0
        self.months = 0  # months since the first birthday
        self.weeks = 0  # weeks since the 18th birthday
        self.running = True
        self.birthdays: list[Table] = []  # everyone at every birthday
        self.lost: np.ndarray = np.empty(0, int)  # rows whose caregiver left this step
        self.new_caregiver: np.ndarray = np.empty(0, int)  # rows whose new caregiver arrived
        self.means: dict[str, Any] = {}
        self.series: list[dict[str, Any]] = []  # the means of every step, each run's
        self.collect()

    @property
    def run_of_row(self) -> np.ndarray:
        return np.repeat(np.arange(self.runs), self.n_dyads)

    # ------------------------------------------------------------------ the schedule
    def step(self) -> None:
        """One step of life: a day in infancy, a month to 18, 13 weeks (a quarter) after."""
        self.steps += 1
        self.lost = self.new_caregiver = np.empty(0, int)
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
        day = self.steps - 1
        self.lost, self.new_caregiver = self.infancy.losses(day, self.population, self.streams)
        if day == self.trial.infant_day:
            self.trial.start_caregiver_programme(self.population)
        self.infancy.day(day, self.population, self.streams)
        if day + 1 == self.days:
            self.infancy.first_birthday(self.population, self.streams)
            self.stage = CHILDHOOD
            self.birthday()

    def child_month(self) -> None:
        """A month of care, life events and comfort from others; a birthday every 12."""
        self.new_caregiver = self.childhood.month(self.age_years, self.population, self.streams)
        self.months += 1
        if self.months % MONTHS_PER_YEAR == 0:
            self.birthday()

    def adult_quarter(self) -> None:
        """A trial may start; 13 weeks of meeting, couples and support; its follow-up; births;
        a birthday every 4 quarters."""
        if self.trial.adult and self.weeks == self.trial.start:
            self.trial.start_adult(self.population, self.couples.partner, self.couples.satisfaction)
        self.adulthood.quarter(
            self.weeks, self.age_years, self.population, self.couples, self.trial, self.streams
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
        others = draw_others(self.params["others_sensitivity"], self.n, self.streams)
        turnover = self.params["others_turnover"]
        if age > 1 and turnover < 1.0:  # most people keep their friends from year to year
            new_circle = self.streams.random(self.n) < turnover
            others = np.where(new_circle, others, self.population.others)
        self.population.others = others
        if age < ADULT_AGE:
            self.childhood.new_year(age, self.population, self.streams)
        if age >= ADULT_AGE:
            self.stage = ADULTHOOD
        elif age >= ADOLESCENCE_AGE:
            self.stage = ADOLESCENCE
        else:
            self.stage = CHILDHOOD

    # ------------------------------------------------------------------ the clock
    @property
    def age_years(self) -> float:
        """Age of the cohort at the end of the last step."""
        if self.stage == INFANCY:
            return self.steps / self.days
        if self.stage == ADULTHOOD:
            return ADULT_AGE + self.weeks / WEEKS_PER_YEAR
        return 1.0 + self.months / MONTHS_PER_YEAR

    @property
    def day(self) -> int:
        """Days of life completed (the first year counts ``days`` days, later years 365)."""
        if self.stage == INFANCY:
            return self.steps
        return self.days + round((self.age_years - 1.0) * 365)

    # ------------------------------------------------------------------ records
    def collect(self) -> None:
        """Record this step's means, each run's."""
        self.means = population_means(self.population, self.couples, self.stage == ADULTHOOD)
        self.series.append(
            {"day": self.day, "age_years": self.age_years, "stage": self.stage, **self.means}
        )

    def _series(self) -> dict[str, list | np.ndarray]:
        """The recorded steps as columns: the clock as lists, each mean as (steps, runs)."""
        return {
            k: [row[k] for row in self.series]
            if np.isscalar(self.series[0][k])
            else np.array([row[k] for row in self.series])
            for k in self.series[0]
        }

    def _rows(self, r: int) -> slice:
        return slice(r * self.n_dyads, (r + 1) * self.n_dyads)

    def infant_table(self, r: int) -> Table:
        """Run ``r``: one row per person (infancy, the trial and, at the end of a longer run,
        adulthood)."""
        return self._infant_tables()[r]

    def _infant_tables(self) -> list[Table]:
        outcome = None
        if self.horizon > 1 and not self.running:
            now = snapshot(round(self.age_years), self.population, self.childhood, self.couples)
            outcome = adult_outcome(now, self.childhood, self.couples)
        table = infant_table(self.population, self.infancy, self.trial, outcome)
        return [{k: v[self._rows(r)] for k, v in table.items()} for r in range(self.runs)]

    def tables(self) -> list[dict[str, Table | dict[str, list]]]:
        """Every run's tables: infants, timeseries, life, couples."""
        infants, series = self._infant_tables(), self._series()
        return [
            dict(
                infants=infants[r],
                timeseries={
                    k: v if isinstance(v, list) else v[:, r].copy() for k, v in series.items()
                },
                life=life_table(
                    [{k: v[self._rows(r)] for k, v in b.items()} for b in self.birthdays]
                ),
                couples=self.couples.table(r),
            )
            for r in range(self.runs)
        ]

    def parent_tables(self) -> list[Table]:
        """Each run's parents at their child's birth (row i: the parent of child i)."""
        table = self.parenthood.table()
        return [{k: v[self._rows(r)] for k, v in table.items()} for r in range(self.runs)]

    def next_generation(self) -> CaregiverTraits:
        """The care each person gives their own child (row i: the child of person i)."""
        return self.parenthood.next_generation()
