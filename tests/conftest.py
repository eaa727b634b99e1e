"""Shared fixtures: small, seeded model runs."""

from __future__ import annotations

import pytest

from simulation.model import AttachmentModel


def run_model(seed: int = 0, **params) -> AttachmentModel:
    """Run a model to its end; the first year only unless ``horizon_years`` is given."""
    params.setdefault("horizon_years", 1)
    model = AttachmentModel(rng=seed, **params)
    while model.running:
        model.step()
    return model


@pytest.fixture(scope="session")
def default_model() -> AttachmentModel:
    return run_model(seed=11)
