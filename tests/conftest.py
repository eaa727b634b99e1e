"""Shared fixtures: small, seeded model runs, and the figures an experiment draws."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

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


@contextmanager
def kept_figures() -> Iterator[dict[str, Figure]]:
    """Every figure an experiment saves while this is open, by file name: saved as usual, and
    kept to inspect what it shows. Load the experiment inside (a script binds ``save_figure``
    when it is loaded)."""
    import simulation.figures

    kept: dict[str, Figure] = {}
    save = simulation.figures.save_figure

    def save_and_keep(fig: Figure, folder, name: str):
        kept[name] = fig
        return save(fig, folder, name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(simulation.figures, "save_figure", save_and_keep)
        yield kept


def same_colour(a, b) -> bool:
    """Two matplotlib colours (names, hex or RGBA) are the same colour."""
    return np.allclose(to_rgba(a), to_rgba(b))
