"""Parenthood: each person's child is born at an age of their own; their state at the birth is
what their care of the next generation follows from (``transmission``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.model.caregiving import CaregiverTraits
from simulation.model.couples import Couples
from simulation.model.life_course import ecr_scale
from simulation.model.partners import Dispositions, security
from simulation.model.population import Population
from simulation.model.streams import Streams
from simulation.model.transmission import parental_care


class Parenthood:
    """Ages at the birth (drawn from the family stream) and each parent's state then."""

    def __init__(self, params: dict[str, Any], n: int, rng: Streams) -> None:
        self.params = params
        self.rng = rng
        self.n = n
        self.parent_age = (
            rng.uniform(params["parent_age_min"], params["parent_age_max"], n)
            if params["generations"] > 1
            else None
        )
        self.at_birth: dict[str, np.ndarray] = {}
        self.born = np.zeros(n, dtype=bool)

    def births(self, age: float, population: Population, couples: Couples) -> None:
        """Record the state of everyone whose child is born at this step's end (their age at
        the birth is reached)."""
        if self.parent_age is None:
            return
        due = (self.parent_age <= age + 1e-9) & ~self.born
        if not due.any():
            return
        d, category = population.behaviour, population.categories()
        measures = population.dispositions
        state = {
            **{f"d_{k}": v for k, v in vars(d).items()},
            "partnered": couples.partner >= 0,
            "satisfaction": couples.satisfaction,
            "security": security(measures),
            "anxiety_ecr": ecr_scale(measures.anxiety),
            "avoidance_ecr": ecr_scale(measures.avoidance),
            "category": category,
            "age": np.full(self.n, age),
        }
        if not self.at_birth:
            self.at_birth = {
                k: np.empty(self.n, dtype=np.asarray(v).dtype) for k, v in state.items()
            }
        for k, v in state.items():
            self.at_birth[k][due] = np.asarray(v)[due]
        self.born |= due

    def next_generation(self) -> CaregiverTraits:
        """The care each person gives their own child (row i: the child of person i)."""
        if self.parent_age is None or not self.born.all():
            raise RuntimeError("next_generation needs generations > 1 and a run past every birth")
        b = self.at_birth
        d = Dispositions(**{k[2:]: b[k] for k in b if k.startswith("d_")})
        return parental_care(
            d, b["partnered"], b["satisfaction"], self.params["transmission_noise"], self.rng
        )

    def table(self) -> dict[str, np.ndarray]:
        """Each parent at their child's birth (row i: the parent of child i in the next
        generation)."""
        if not self.at_birth:
            return {}
        b = self.at_birth
        return {
            "parent_age": b["age"],
            "parent_category": b["category"],
            "parent_secure": (b["category"] == "secure").astype(int),
            "parent_security": b["security"],
            "parent_anxiety_ecr": b["anxiety_ecr"],
            "parent_avoidance_ecr": b["avoidance_ecr"],
            "parent_partnered": b["partnered"].astype(int),
            "parent_satisfaction": b["satisfaction"],
        }
