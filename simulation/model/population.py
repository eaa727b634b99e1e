"""The state every life stage reads: temperament, caregivers, working models and what they imply.

One array entry per person, so one NumPy call serves the whole population; the stage components
keep their own arrays. Working models change only through ``learn`` (the one update); the
caregivers change when a new one arrives (``replace_caregivers``), from year to year
(childhood) and in a caregiver programme (the trial).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation.model.caregiving import (
    DIMENSIONS,
    PRESETS,
    CaregiverTraits,
    draw_caregivers,
    nearest_style,
)
from simulation.model.interventions import Skills, behaviour
from simulation.model.life_course import adult_category, ecr_scale, plasticity
from simulation.model.partners import Dispositions, dispositions
from simulation.model.streams import Streams
from simulation.model.working_model import Experience, WorkingModel, update_working_model


def first_styles(params: dict[str, Any], traits: CaregiverTraits, drawn: bool) -> np.ndarray:
    """Each first caregiver's style: the preset asked for, or the preset it most resembles."""
    if drawn and params["caregivers"] in PRESETS:
        return np.full(len(traits), params["caregivers"])
    return nearest_style(traits)


@dataclass
class Temperament:
    """How easily each infant is distressed (log-normal around 1) and soothed (Beta), and the
    strain a fussier infant puts on the caregiver (the transactional effect)."""

    reactivity: np.ndarray
    soothability: np.ndarray
    strain: np.ndarray

    @classmethod
    def draw(cls, n: int, sd: float, infant_effect: float, rng: np.random.Generator) -> Temperament:
        reactivity = np.exp(sd * rng.standard_normal(n))
        return cls(reactivity, rng.beta(6.0, 2.0, n), reactivity**-infant_effect)


def with_set_dimensions(params: dict[str, Any], traits: CaregiverTraits) -> CaregiverTraits:
    """A caregiver dimension set explicitly (not None) holds for every caregiver."""
    for name in DIMENSIONS:
        if params[name] is not None:
            getattr(traits, name)[:] = params[name]
    return traits


def caregivers_from_mix(
    params: dict[str, Any], n: int, rng: np.random.Generator
) -> CaregiverTraits:
    """``n`` caregivers from the population's mix (the ``caregivers`` parameter)."""
    return with_set_dimensions(
        params, draw_caregivers(params["caregivers"], n, rng, params["spectrum"])
    )


def new_caregivers(
    run_params: list[dict[str, Any]], rows: np.ndarray, streams: Streams
) -> CaregiverTraits:
    """Caregivers from the mix for ``rows`` (sorted), each run drawing its own from its stream
    with its own parameters."""
    return join_traits(
        [
            caregivers_from_mix(run_params[r], s.stop - s.start, g)
            for r, g, s in streams.groups(streams.run_of(rows))
        ]
    )


def with_run_dimensions(
    run_params: list[dict[str, Any]], runs: np.ndarray, traits: CaregiverTraits
) -> CaregiverTraits:
    """``with_set_dimensions`` for caregivers of several runs (``runs``: each one's run)."""
    for r in np.unique(runs):
        rows = runs == r
        for name in DIMENSIONS:
            if run_params[r][name] is not None:
                getattr(traits, name)[rows] = run_params[r][name]
    return traits


def join_traits(parts: list[CaregiverTraits]) -> CaregiverTraits:
    """The caregivers of several runs in one batch (run order)."""
    if len(parts) == 1:
        return parts[0]
    return CaregiverTraits(
        **{k: np.concatenate([getattr(t, k) for t in parts]) for k in DIMENSIONS}
    )


class Population:
    """Everyone's temperament, caregiver, working model, and the dispositions it implies, for
    every run of a batch (``runs`` blocks of ``people`` rows).

    ``params`` holds the values every run of the batch shares (all but
    ``run.PER_RUN_PARAMETERS``); ``run_params`` each run's own parameters.
    """

    def __init__(
        self,
        run_params: list[dict[str, Any]],
        temperament: Temperament,
        caregivers: CaregiverTraits,
        caregiver_style: np.ndarray,
    ) -> None:
        self.params = params = run_params[0]
        self.run_params = run_params
        self.runs = len(run_params)
        self.n = n = len(caregivers)
        self.people = n // self.runs
        self.temperament = temperament
        self.caregivers = caregivers
        self.first_caregivers = CaregiverTraits(
            **{k: getattr(caregivers, k).copy() for k in DIMENSIONS}
        )
        self.caregiver_style = caregiver_style  # the first caregiver's
        self.current_style = self.caregiver_style.astype(object)  # changes with a new caregiver
        self.working_model = WorkingModel.newborn(n)
        self.prototype: WorkingModel | None = None  # the working model at 12 months
        self.others = np.zeros(n)  # how responsive other people are this year
        # differential susceptibility: each person's learning rate, relative to the average
        self.susceptibility = temperament.reactivity ** self.params["susceptibility"]
        self.skills: Skills | None = None  # set by an adult intervention
        self._dispositions: Dispositions | None = None
        self._behaviour: Dispositions | None = None
        # the category cut-offs on the 0-1 scale of the scores
        self.anxiety_cut = (params["anxiety_cutoff"] - 1.0) / 6.0
        self.avoidance_cut = (params["avoidance_cutoff"] - 1.0) / 6.0

    @property
    def dispositions(self) -> Dispositions:
        """What everyone's working model implies now (computed once per change of the models)."""
        if self._dispositions is None:
            self._dispositions = dispositions(self.working_model)
            self._behaviour = None
        return self._dispositions

    @property
    def behaviour(self) -> Dispositions:
        """What people do and perceive: their dispositions, changed by any skills learned in an
        intervention (the measures stay those of the working model)."""
        d = self.dispositions
        if self.skills is None:
            return d
        if self._behaviour is None:
            self._behaviour = behaviour(d, self.skills)
        return self._behaviour

    def skills_changed(self) -> None:
        self._behaviour = None

    def learn(
        self,
        experience: Experience,
        rate: float | np.ndarray,
        prototype_pull: float = 0.0,
    ) -> None:
        """The one learning update every change of a working model goes through (at each
        person's own rate: ``rate`` times their susceptibility)."""
        if self.params["susceptibility"] != 0.0:
            rate = rate * self.susceptibility
        update_working_model(
            self.working_model,
            experience,
            rate,
            self.prototype,
            prototype_pull,
            self.params["self_blame"],
        )
        self._dispositions = None

    def learn_at_age(
        self, experience: Experience, age: float, gain: np.ndarray | None = None
    ) -> None:
        """Learning after infancy: the learning rate times plasticity for this age (times
        ``gain`` per person where something, such as therapy, raises it), pulled towards the
        12-month model under prototype continuity."""
        p = self.params
        rate = p["learning_rate"] * plasticity(
            age, p["plasticity_floor"], p["plasticity_halflife_years"]
        )
        if gain is not None:
            rate = rate * gain
        pull = p["prototype_weight"] if p["continuity"] == "prototype" else 0.0
        self.learn(experience, rate, pull)

    def categories(self) -> np.ndarray:
        """Everyone's Bartholomew category now (fixed cut-offs on the ECR scale)."""
        p, d = self.params, self.dispositions
        return adult_category(
            ecr_scale(d.anxiety),
            ecr_scale(d.avoidance),
            p["anxiety_cutoff"],
            p["avoidance_cutoff"],
        )

    def replace_caregivers(
        self, rows: np.ndarray, traits: CaregiverTraits, styles: np.ndarray
    ) -> None:
        """The people at ``rows`` get new caregivers with ``traits`` and ``styles``."""
        self.caregivers.replace_rows(rows, traits)
        self.current_style[rows] = styles
