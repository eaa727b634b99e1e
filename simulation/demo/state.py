"""The classroom's state: the settings one Reset applies, and the populations it builds and steps.

``Classroom`` holds the population the class watches and, to compare, a second one with the same
seed (the same newborns, other caregivers). Each ``Population`` keeps the history the animation
and the trial view need: everyone's ECR scores after every step and, with an intervention, the
two arms' means from the randomisation on.
"""

from __future__ import annotations

import math
import shlex
import threading
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from simulation.demo.trial import arm_means
from simulation.labels import params_label
from simulation.model import AttachmentModel
from simulation.model.interventions import (
    INFANCY_INTERVENTIONS,
    INFANT_PROGRAMME_LATEST,
    follow_up_age,
)
from simulation.model.life_course import ADULT_AGE, CATEGORIES, ecr_scale
from simulation.model.parameters import PARAMETERS, validate
from simulation.model.strange_situation import CLASSES

DEMO_DYADS = (10, 400)  # the demo's slider range (the table allows more; a class needs speed)
INFANT_PROGRAMME_AGE = 0.25  # the caregiver programme's start when the age set was an adult's
INTERVENTION_PARAMS = tuple(
    name for name, p in PARAMETERS.items() if p.group == "interventions"
)  # intervention, its target, share, age, weeks and dose


@dataclass(frozen=True)
class Settings:
    """What one Reset builds: parameters, seed, and an optional second population to compare."""

    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 1
    compare: str | None = None  # the second population's caregivers (same seed), or None

    def checked(self) -> Settings:
        """The same settings, validated, keeping only the values that differ from the table's."""
        params = validate(self.params)
        changed = {k: v for k, v in params.items() if v != PARAMETERS[k].default}
        if self.compare is not None:
            PARAMETERS["caregivers"].check(self.compare)
        return replace(self, params=changed)

    def full(self) -> dict[str, Any]:
        """Every parameter, defaults filled in."""
        return validate(self.params)

    def with_param(self, name: str, value: Any) -> Settings:
        return replace(self, params={**self.params, name: value})

    def compared(self) -> Settings:
        """The second population: the same settings and seed, other caregivers."""
        assert self.compare is not None
        return replace(self, params={**self.params, "caregivers": self.compare}, compare=None)

    def with_intervention(self, name: str) -> Settings:
        """Another intervention, its other settings made to fit it: none drops every
        intervention setting; the caregiver programme starts in infancy and is given to
        everyone's caregivers; an adult one starts at 18 or later (the table's default age
        when the age was an infant's) and the run lasts until its follow-up."""
        params = {k: v for k, v in self.params.items() if k not in INTERVENTION_PARAMS}
        if name == "none":
            return replace(self, params=params)
        age = self.params.get("intervention_age", PARAMETERS["intervention_age"].default)
        kept = {k: v for k, v in self.params.items() if k in INTERVENTION_PARAMS}
        if name in INFANCY_INTERVENTIONS:
            kept["intervention_target"] = "everyone"
            if age > INFANT_PROGRAMME_LATEST:
                kept["intervention_age"] = INFANT_PROGRAMME_AGE
        elif age < ADULT_AGE:
            kept["intervention_age"] = PARAMETERS["intervention_age"].default
        return replace(self, params={**params, **kept, "intervention": name}).fit_horizon()

    def fit_horizon(self) -> Settings:
        """The same, with the run long enough for an adult intervention's follow-up; unchanged
        when it already is, or when no horizon in range would do."""
        try:  # every other setting as it is, with the longest run the table allows
            params = validate(self.params, horizon_years=PARAMETERS["horizon_years"].high)
        except ValueError:
            return self
        if params["intervention"] in ("none", *INFANCY_INTERVENTIONS):
            return self
        need = math.ceil(follow_up_age(params) - 1e-9)
        horizon = self.params.get("horizon_years", PARAMETERS["horizon_years"].default)
        if horizon >= need or need > PARAMETERS["horizon_years"].high:
            return self
        return self.with_param("horizon_years", need)

    def command(self) -> str:
        """The ``attachment-sim run`` command that reproduces exactly this population."""
        parts = ["attachment-sim", "run", "--seed", str(self.seed)]
        for name in sorted(self.params):
            value = self.params[name]
            if value != PARAMETERS[name].default:
                text = f"{value:g}" if isinstance(value, float) else str(value)
                parts += ["--set", f"{name}={text}"]
        return shlex.join(parts)


@dataclass
class Population:
    """One model with the history the animation needs (ECR scores after every step)."""

    settings: Settings
    model: AttachmentModel
    ages: list[float] = field(default_factory=list)
    frames: list[np.ndarray] = field(default_factory=list)  # (2, n) anxiety, avoidance (ECR)
    # with an intervention, from the randomisation on: age, then the mean anxiety and avoidance
    # (ECR) of the treated and of the controls (NaN for an empty arm)
    arms: list[tuple[float, ...]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings) -> Population:
        population = cls(settings, AttachmentModel(rng=settings.seed, **settings.params))
        population.record()
        return population

    @property
    def label(self) -> str:
        """The population's name on the screen."""
        return params_label(self.settings.params)

    @property
    def file_label(self) -> str:
        """The population's name in file names: its caregivers (and a spectrum's position)."""
        params = self.settings.full()
        if params["caregivers"] == "spectrum":
            return f"spectrum_{params['spectrum']:.2f}"
        return str(params["caregivers"])

    def record(self) -> None:
        d = self.model.population.dispositions
        self.ages.append(self.model.age_years)
        self.frames.append(np.stack([ecr_scale(d.anxiety), ecr_scale(d.avoidance)]))
        if self.model.params["intervention"] != "none":
            self._record_arms()

    def _record_arms(self) -> None:
        """The two arms' means now (a few microseconds for 100 people). The arms are drawn at
        the start of the step in which the intervention starts, so the first row is the step
        before: the baseline, before any session."""
        arm = self.model.trial.arm
        if not self.arms:
            if arm.max() < 0:
                return
            if len(self.frames) > 1:
                self.arms.append(arm_means(self.ages[-2], self.frames[-2], arm))
        self.arms.append(arm_means(self.ages[-1], self.frames[-1], arm))

    def step(self) -> None:
        if self.model.running:
            self.model.step()
            self.record()


class Classroom:
    """The population the class watches, and a second one with the same seed to compare."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.checked()
        self.populations = [Population.build(self.settings)]
        if self.settings.compare is not None:
            self.populations.append(Population.build(self.settings.compared()))
        self.lock = threading.Lock()  # Play runs in a thread; one change at a time

    @property
    def model(self) -> AttachmentModel:
        return self.populations[0].model

    @property
    def running(self) -> bool:
        return self.model.running

    @property
    def clock(self) -> int:
        """Steps taken (Mesa's model time)."""
        return int(self.model.time)

    @property
    def progress(self) -> float:
        """The share of the run done, by age (0 at birth, 1 at the end)."""
        return min(1.0, self.model.age_years / self.model.horizon)

    def _step_all(self) -> None:
        for population in self.populations:
            population.step()

    def step(self, steps: int = 1) -> None:
        with self.lock:
            for _ in range(steps):
                self._step_all()

    def jump_to(self, age: float) -> None:
        """Step until the cohort is at least ``age`` years old (or the run has ended)."""
        with self.lock:
            while self.model.running and self.model.age_years < age - 1e-9:
                self._step_all()

    def commands(self) -> list[str]:
        return [p.settings.command() for p in self.populations]


def run_shares(model: AttachmentModel) -> dict[str, float]:
    """This run's class shares at 12 months and, at the end of the run, its adult categories."""
    shares: dict[str, float] = {}
    if model.ssp is not None:
        classes = model.ssp.attachment_class
        shares.update({c: float((classes == c).mean()) for c in CLASSES})
    if not model.running and model.horizon > 1:
        category = model.population.categories()
        shares.update({c: float((category == c).mean()) for c in CATEGORIES})
    return shares
