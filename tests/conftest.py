"""Shared fixtures: small, seeded model runs."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.model import AttachmentModel
from simulation.model.working_model import FIELDS, WorkingModel


def run_model(seed: int = 0, **params) -> AttachmentModel:
    """Run a model to its end; the first year only unless ``horizon_years`` is given."""
    params.setdefault("horizon_years", 1)
    model = AttachmentModel(rng=seed, **params)
    while model.running:
        model.step()
    return model


def working_models(*groups: tuple[dict[str, float], int]) -> WorkingModel:
    """Hand-made working models, one per person: ``groups`` are (values, count) pairs; fields
    not given keep a newborn's value."""
    parts = []
    for values, count in groups:
        wm = WorkingModel.newborn(count)
        for name, value in values.items():
            getattr(wm, name)[:] = value
        parts.append(wm)
    return WorkingModel(**{f: np.concatenate([getattr(w, f) for w in parts]) for f in FIELDS})


@pytest.fixture(scope="session")
def default_model() -> AttachmentModel:
    return run_model(seed=11)
