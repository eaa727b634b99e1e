"""What a class takes away: every view as PNG and SVG, the plane as an animated GIF, the run's
tables as CSV with the command that reproduces them. vl-convert draws the views without a
browser or the network.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulation.demo.background_views import ensemble_spec, generations_spec
from simulation.demo.trial import infant_trial_result
from simulation.demo.views import (
    couples_spec,
    infant_trial_spec,
    intervention_spec,
    plane_spec,
    shares_spec,
)
from simulation.storage import CSV_FLOAT_FORMAT

if TYPE_CHECKING:
    from simulation.demo.state import Classroom
    from simulation.model import AttachmentModel


def to_image(spec: dict[str, Any], fmt: str, scale: float = 2.0) -> bytes:
    """A view as PNG or SVG (vl-convert runs Vega itself: no browser, no network)."""
    import vl_convert

    if fmt == "png":
        return vl_convert.vegalite_to_png(spec, scale=scale)
    return vl_convert.vegalite_to_svg(spec).encode()


def figures(
    room: Classroom,
    ensemble: pd.DataFrame | None = None,
    generations: pd.DataFrame | None = None,
) -> dict[str, dict[str, Any]]:
    """Every view now, by file name (``ensemble``: ``Ensemble.frame``; ``generations``:
    ``Generations.summary()``)."""
    shown = {
        f"plane_{i + 1}_{p.file_label}": plane_spec(p.model, p.label)
        for i, p in enumerate(room.populations)
    }
    shown["class_shares"] = shares_spec(room.populations)
    if room.model.horizon > 1:
        shown["couples"] = couples_spec(room.model)
    if room.populations[0].arms:
        shown["intervention"] = intervention_spec(room.populations[0])
        if (result := infant_trial_result(room.model)) is not None:
            shown["intervention_12_months"] = infant_trial_spec(result)
    if ensemble is not None and len(ensemble):
        shown["ensemble"] = ensemble_spec(ensemble, room.model)
    if generations is not None and len(generations):
        shown["generations"] = generations_spec(generations)
    return shown


def figures_zip(
    room: Classroom,
    ensemble: pd.DataFrame | None = None,
    generations: pd.DataFrame | None = None,
) -> bytes:
    """Every current figure as PNG and SVG, in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, spec in figures(room, ensemble, generations).items():
            for fmt in ("png", "svg"):
                archive.writestr(f"{name}.{fmt}", to_image(spec, fmt))
    return buffer.getvalue()


def run_tables(model: AttachmentModel) -> dict[str, pd.DataFrame]:
    """The tables of a run so far: time series, people (infancy and now), life, couples."""
    people = pd.DataFrame(model.infant_table())
    d = model.population.dispositions
    people["anxiety_now"] = d.anxiety
    people["avoidance_now"] = d.avoidance
    people["category_now"] = model.population.categories()
    return {
        "timeseries": pd.DataFrame(model.datacollector.model_vars),
        "people": people,
        "life": pd.DataFrame(model.life_table()),
        "couples": pd.DataFrame(model.couples_table()),
    }


def data_zip(room: Classroom) -> bytes:
    """The current run's data as CSV (per population: time series, people, life, couples)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, p in enumerate(room.populations):
            prefix = f"population_{i + 1}_{p.file_label}/"
            for name, frame in run_tables(p.model).items():
                # the same number format as the tables that `attachment-sim run --out` writes
                text = frame.to_csv(index=False, float_format=CSV_FLOAT_FORMAT)
                archive.writestr(prefix + f"{name}.csv", text)
            archive.writestr(prefix + "command.txt", p.settings.command() + "\n")
    return buffer.getvalue()


def animation_gif(room: Classroom, max_frames: int = 36, seconds: float = 8.0) -> bytes:
    """The anxiety-avoidance plane over the run so far, as an animated GIF."""
    from PIL import Image

    population = room.populations[0]
    total = len(population.frames)
    picks = np.unique(np.linspace(0, total - 1, min(max_frames, total)).round().astype(int))
    model, label = population.model, population.label
    specs = [plane_spec(model, label, population.frames[k], population.ages[k]) for k in picks]
    images = [Image.open(io.BytesIO(to_image(s, "png", scale=1.0))).convert("RGB") for s in specs]
    out = io.BytesIO()
    duration = round(1000 * seconds / len(images))
    images[0].save(
        out, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0
    )
    return out.getvalue()
