"""The classroom demo's state and pictures, without any user interface.

``Classroom`` holds the population (and, to compare, a second one with the same seed), steps
them together and exports what a class takes away. The view functions take a model and return
a Vega-Lite specification (a dict); the Solara app (``simulation.app``) only lays them out.
Keeping them here lets tests and the benchmark use them without a browser.

With an intervention, each population also records the mean scores of the treated and of the
controls after every step (``Population.arms``). ``Ensemble`` (many runs) and ``Generations`` (the
settings over several generations) run in the background on one spawned worker.
"""

from __future__ import annotations

import io
import math
import shlex
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from simulation.measures import transmission
from simulation.model import AttachmentModel
from simulation.model.infancy import OBSERVATION_AGE_SHARE
from simulation.model.interventions import (
    INFANCY_INTERVENTIONS,
    INFANT_PROGRAMME_LATEST,
    follow_up_age,
)
from simulation.model.life_course import (
    ADOLESCENCE_AGE,
    ADULT_AGE,
    CATEGORIES,
    COUNTERPART,
    INFANCY,
    WEEKS_PER_YEAR,
    ecr_scale,
)
from simulation.model.parameters import PARAMETERS, validate
from simulation.model.strange_situation import EPISODES, REUNIONS
from simulation.runner import RunError, RunSpec, make_specs, simulate_safely
from simulation.storage import CSV_FLOAT_FORMAT

# Colours of the caregiver styles (colour-blind safe, Okabe-Ito) and of the adult categories.
STYLE_COLOURS = {
    "consistent": "#009E73",
    "inconsistent": "#E69F00",
    "rejecting": "#0072B2",
    "frightening": "#D55E00",
}
CATEGORY_COLOURS = {
    "secure": "#009E73",
    "preoccupied": "#E69F00",
    "dismissing": "#0072B2",
    "fearful": "#D55E00",
}
SSP_CLASSES = ("A", "B", "C", "D")
SSP_NAMES = {"A": "avoidant", "B": "secure", "C": "resistant", "D": "disorganised"}

DEMO_DYADS = (10, 400)  # the demo's slider range (the table allows more; a class needs speed)
INFANT_PROGRAMME_AGE = 0.25
INTERVENTION_PARAMS = tuple(
    name for name, p in PARAMETERS.items() if p.group == "interventions"
)  # intervention, its target, share, age, weeks and dose
ARM_COLOURS = {"treated": "#CC79A7", "controls": "#999999"}
GENERATION_PANEL_WIDTH = 110  # two panels side by side fit half the page, up to 10 generations


@dataclass(frozen=True)
class Settings:
    """What one Reset builds: parameters, seed, and an optional second population to compare."""

    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 1
    compare: str | None = None  # the second population's caregivers (same seed), or None

    def checked(self) -> Settings:
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
        """The same, with the run long enough for an adult intervention's follow-up (1 year
        after its end); unchanged when it already is, or when no horizon in range would do."""
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


def population_label(params: dict[str, Any]) -> str:
    caregivers = params.get("caregivers", PARAMETERS["caregivers"].default)
    if caregivers == "spectrum":
        return f"spectrum {params.get('spectrum', PARAMETERS['spectrum'].default):.2f}"
    return str(caregivers)


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
        return population_label(self.settings.params)

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
                self.arms.append(_arm_means(self.ages[-2], self.frames[-2], arm))
        self.arms.append(_arm_means(self.ages[-1], self.frames[-1], arm))

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

    # ------------------------------------------------------------------ take it away
    def figures(
        self, ensemble: pd.DataFrame | None = None, generations: pd.DataFrame | None = None
    ) -> dict[str, dict[str, Any]]:
        """Every view now, by file name (``generations``: ``Generations.summary()``)."""
        figures = {
            f"plane_{i + 1}_{p.label}": plane_spec(p.model, p.label)
            for i, p in enumerate(self.populations)
        }
        figures["class_shares"] = shares_spec(self.populations)
        if self.model.horizon > 1:
            figures["couples"] = couples_spec(self.model)
        if self.populations[0].arms:
            figures["intervention"] = intervention_spec(self.populations[0])
            if (result := infant_trial_result(self.model)) is not None:
                figures["intervention_12_months"] = infant_trial_spec(result)
        if ensemble is not None and len(ensemble):
            figures["ensemble"] = ensemble_spec(ensemble, self.model)
        if generations is not None and len(generations):
            figures["generations"] = generations_spec(generations)
        return figures

    def figures_zip(
        self, ensemble: pd.DataFrame | None = None, generations: pd.DataFrame | None = None
    ) -> bytes:
        """Every current figure as PNG and SVG, in one zip."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, spec in self.figures(ensemble, generations).items():
                for fmt in ("png", "svg"):
                    archive.writestr(f"{name}.{fmt}", to_image(spec, fmt))
        return buffer.getvalue()

    def data_zip(self) -> bytes:
        """The current run's data as CSV (per population: time series, people, life, couples)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for i, p in enumerate(self.populations):
                prefix = f"population_{i + 1}_{p.label}/"
                tables = run_tables(p.model)
                for name, frame in tables.items():
                    # the same number format as the tables that `attachment-sim run --out` writes
                    text = frame.to_csv(index=False, float_format=CSV_FLOAT_FORMAT)
                    archive.writestr(prefix + f"{name}.csv", text)
                archive.writestr(prefix + "command.txt", p.settings.command() + "\n")
        return buffer.getvalue()

    def animation_gif(self, max_frames: int = 36, seconds: float = 8.0) -> bytes:
        """The anxiety-avoidance plane over the run so far, as an animated GIF."""
        from PIL import Image

        population = self.populations[0]
        total = len(population.frames)
        picks = np.unique(np.linspace(0, total - 1, min(max_frames, total)).round().astype(int))
        model, label = population.model, population.label
        specs = [plane_spec(model, label, population.frames[k], population.ages[k]) for k in picks]
        images = [
            Image.open(io.BytesIO(to_image(s, "png", scale=1.0))).convert("RGB") for s in specs
        ]
        out = io.BytesIO()
        duration = round(1000 * seconds / len(images))
        images[0].save(
            out, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0
        )
        return out.getvalue()


def _arm_means(age: float, frame: np.ndarray, arm: np.ndarray) -> tuple[float, ...]:
    row = [age]
    for code in (1, 0):  # treated, controls
        who = arm == code
        row += list(frame[:, who].mean(axis=1)) if who.any() else [math.nan, math.nan]
    return tuple(float(x) for x in row)


def run_tables(model: AttachmentModel) -> dict[str, pd.DataFrame]:
    """The tables of a run so far: time series, people (infancy and now), life, couples."""
    people = pd.DataFrame(model.infant_table())
    d = model.population.dispositions
    people["anxiety_now"] = d.anxiety
    people["avoidance_now"] = d.avoidance
    people["category_now"] = model.population.categories()
    tables = {
        "timeseries": pd.DataFrame(model.datacollector.model_vars),
        "people": people,
        "life": pd.DataFrame(model.life_table()),
        "couples": pd.DataFrame(model.couples_table()),
    }
    return tables


# ---------------------------------------------------------------------- the clock in words
def age_label(age: float) -> str:
    """A readable age: infant day N, child age, adult year."""
    if age < 1.0 - 1e-9:
        return f"infant, day {round(age * 365)} of 365"
    if age < ADULT_AGE - 1e-9:
        years = int(age + 1e-9)
        months = round((age - years) * 12)
        stage = "adolescent" if years >= ADOLESCENCE_AGE else "child"
        return f"{stage}, age {years} y {months} m"
    return f"adult, year {int(age - ADULT_AGE + 1e-9) + 1} (age {age:.1f})"


def stage_label(model: AttachmentModel) -> str:
    if model.stage == INFANCY:
        return f"Infancy: day {model.day} of {model.days}"
    return age_label(model.age_years).capitalize()


# ---------------------------------------------------------------------- figures
# Every view is a Vega-Lite specification (a plain dict): the browser draws it (Solara serves
# Vega locally), so a Step sends only data; the same dict is saved as PNG/SVG by vl-convert.
VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"  # a name only, never fetched


def _colour(domain: dict[str, str]) -> dict[str, Any]:
    return {"domain": list(domain), "range": list(domain.values())}


def plane_spec(
    model: AttachmentModel,
    title: str = "",
    frame: np.ndarray | None = None,
    age: float | None = None,
) -> dict[str, Any]:
    """Everyone as a dot in the anxiety-avoidance plane (ECR scale), coloured by caregiver.
    ``frame`` and ``age`` draw an earlier moment of the run (the animation)."""
    p = model.params
    if frame is None:
        d = model.population.dispositions
        frame = np.stack([ecr_scale(d.anxiety), ecr_scale(d.avoidance)])
    age = model.age_years if age is None else age
    styles = np.asarray(model.population.caregiver_style)
    dots = [
        {
            "person": i,
            "anxiety": round(float(x), 3),
            "avoidance": round(float(y), 3),
            "caregiver": str(s),
        }
        for i, (x, y, s) in enumerate(zip(frame[0], frame[1], styles, strict=True))
    ]
    labels = [
        {"anxiety": 1.1, "avoidance": 1.15, "label": "secure", "align": "left"},
        {"anxiety": 6.9, "avoidance": 1.15, "label": "preoccupied", "align": "right"},
        {"anxiety": 1.1, "avoidance": 6.85, "label": "dismissing", "align": "left"},
        {"anxiety": 6.9, "avoidance": 6.85, "label": "fearful", "align": "right"},
    ]
    scale = {"domain": [1, 7], "nice": False}
    x = {"field": "anxiety", "type": "quantitative", "scale": scale, "title": "anxiety (ECR 1-7)"}
    y = {
        "field": "avoidance",
        "type": "quantitative",
        "scale": scale,
        "title": "avoidance (ECR 1-7)",
    }
    heading = f"{title}: {age_label(age)}" if title else age_label(age)
    return {
        "$schema": VEGA_LITE,
        "title": heading,
        "width": 300,
        "height": 300,
        "layer": [
            {
                "data": {"values": [{"x": p["anxiety_cutoff"], "y": p["avoidance_cutoff"]}]},
                "layer": [
                    {
                        "mark": {"type": "rule", "color": "#999"},
                        "encoding": {"x": {"field": "x", "type": "quantitative", "scale": scale}},
                    },
                    {
                        "mark": {"type": "rule", "color": "#999"},
                        "encoding": {"y": {"field": "y", "type": "quantitative", "scale": scale}},
                    },
                ],
            },
            *(
                {
                    "data": {"values": [row for row in labels if row["align"] == side]},
                    "mark": {
                        "type": "text",
                        "align": side,
                        "fontSize": 13,
                        "fontWeight": "bold",
                        "opacity": 0.8,
                    },
                    "encoding": {
                        "x": x,
                        "y": y,
                        "text": {"field": "label"},
                        "color": {
                            "field": "label",
                            "scale": _colour(CATEGORY_COLOURS),
                            "legend": None,
                        },
                    },
                }
                for side in ("left", "right")
            ),
            {
                "data": {"values": dots, "name": "people"},
                "mark": {"type": "circle", "size": 45, "opacity": 0.8},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": {
                        "field": "caregiver",
                        "scale": _colour(STYLE_COLOURS),
                        "legend": {"title": "caregiver", "orient": "right"},
                    },
                    "tooltip": [
                        {"field": "person"},
                        {"field": "caregiver"},
                        {"field": "anxiety"},
                        {"field": "avoidance"},
                    ],
                },
            },
        ],
        "resolve": {"scale": {"color": "independent"}},
    }


def _thinned(ages: np.ndarray, limit: int = 200) -> np.ndarray:
    """Indices of at most ``limit`` steps spread over the run (the daily first year is dense)."""
    if len(ages) <= limit:
        return np.arange(len(ages))
    return np.unique(np.linspace(0, len(ages) - 1, limit).round().astype(int))


def shares_spec(populations: list[Population]) -> dict[str, Any]:
    """Shares of the four categories over age; a second population dashed."""
    rows = []
    for population in populations:
        series = population.model.datacollector.model_vars
        ages = np.asarray(series["age_years"])
        for k in _thinned(ages):
            row = {"age": round(float(ages[k]), 4), "population": population.label}
            row.update({c: round(float(series[f"share_{c}"][k]), 4) for c in CATEGORIES})
            rows.append(row)
    horizon = populations[0].model.horizon
    x_scale = {"domain": [0, horizon], "nice": False}
    if horizon > 1:
        x_scale.update(type="symlog", constant=1)  # the first year as wide as years 1 to 3
    return {
        "$schema": VEGA_LITE,
        "title": "working-model categories over the life course",
        "width": 290,
        "height": 220,
        "data": {"values": rows, "name": "shares"},
        "transform": [{"fold": list(CATEGORIES), "as": ["category", "share"]}],
        "mark": {"type": "line"},
        "encoding": {
            "x": {
                "field": "age",
                "type": "quantitative",
                "scale": x_scale,
                "title": "age (years)",
                "axis": {"values": [t for t in (0, 1, 2, 5, 12, 18, 30, 50, 80) if t <= horizon]},
            },
            "y": {
                "field": "share",
                "type": "quantitative",
                "scale": {"domain": [0, 1]},
                "title": "share of people",
            },
            "color": {
                "field": "category",
                "scale": _colour(CATEGORY_COLOURS),
                "sort": list(CATEGORIES),
            },
            "strokeDash": {
                "field": "population",
                "sort": [p.label for p in populations],
                "legend": {"title": "population"},
            },
        },
    }


def couples_spec(model: AttachmentModel) -> dict[str, Any]:
    """Adults: who is partnered and how satisfied, over time and by the pair's categories."""
    series = model.datacollector.model_vars
    ages = np.asarray(series["age_years"])
    over_time = [
        {
            "age": round(float(a), 3),
            "partnered": float(series["partnered"][k]),
            "satisfaction": None
            if np.isnan(series["satisfaction"][k])
            else round(float(series["satisfaction"][k]), 4),
        }
        for k, a in enumerate(ages)
        if a >= ADULT_AGE
    ]
    couples = model.couples.now
    pairs: list[dict[str, Any]] = []
    if len(couples):
        frame = pd.DataFrame(
            {
                "pair": [
                    " + ".join(sorted((str(a), str(b))))
                    for a, b in zip(couples.category_a, couples.category_b, strict=True)
                ],
                "satisfaction": model.couples.satisfaction[couples.a],
            }
        )
        summary = frame.groupby("pair")["satisfaction"].agg(["mean", "size"]).reset_index()
        pairs = [
            {"pair": f"{r.pair} ({r.size})", "satisfaction": round(float(r.mean), 4)}
            for r in summary.itertuples()
        ]
    end = max(model.horizon, ADULT_AGE + 1)
    return {
        "$schema": VEGA_LITE,
        "hconcat": [
            {
                "title": "couples over time",
                "width": 220,
                "height": 200,
                "data": {"values": over_time},
                "transform": [{"fold": ["partnered", "satisfaction"], "as": ["measure", "value"]}],
                "mark": "line",
                "encoding": {
                    "x": {
                        "field": "age",
                        "type": "quantitative",
                        "scale": {"domain": [ADULT_AGE, end], "nice": False},
                    },
                    "y": {"field": "value", "type": "quantitative", "scale": {"domain": [0, 1]}},
                    "color": {"field": "measure"},
                },
            },
            {
                "title": "couples together now (categories when they met)",
                "width": 200,
                "height": 200,
                "data": {"values": pairs},
                "mark": "bar",
                "encoding": {
                    "y": {"field": "pair", "type": "nominal", "sort": "-x", "title": None},
                    "x": {
                        "field": "satisfaction",
                        "type": "quantitative",
                        "scale": {"domain": [0, 1]},
                        "title": "mean satisfaction now",
                    },
                },
            },
        ],
    }


def ensemble_spec(runs: pd.DataFrame, model: AttachmentModel | None = None) -> dict[str, Any]:
    """The distribution over many runs: mean share of each class with the middle 95% of runs,
    and the current run as a black dot (the class sees how typical one run is)."""
    adult = "share_secure" in runs and runs["share_secure"].notna().any()
    panels = [("Strange Situation at 12 months", SSP_CLASSES)]
    if adult:
        panels.append((f"adults at {runs['final_age'].max():g}", CATEGORIES))
    current = run_shares(model) if model is not None else {}
    charts = []
    for title, labels in panels:
        values = runs[[f"share_{c}" for c in labels]].to_numpy(dtype=float)
        mean = np.nanmean(values, axis=0)
        low, high = np.nanpercentile(values, [2.5, 97.5], axis=0)
        rows = [
            {
                "class": c,
                "mean": round(float(m), 4),
                "low": round(float(lo), 4),
                "high": round(float(hi), 4),
                "this run": current.get(c),
            }
            for c, m, lo, hi in zip(labels, mean, low, high, strict=True)
        ]
        colours = {c: CATEGORY_COLOURS[COUNTERPART.get(c, c)] for c in labels}
        x = {
            "field": "class",
            "type": "nominal",
            "sort": list(labels),
            "title": None,
            "axis": {"labelAngle": 0 if len(labels[0]) == 1 else -30},
        }
        share = {"type": "quantitative", "scale": {"domain": [0, 1]}, "title": "share of people"}
        charts.append(
            {
                "title": title,
                "width": 40 * len(labels),
                "height": 200,
                "data": {"values": rows},
                "layer": [
                    {
                        "mark": {"type": "bar", "opacity": 0.8},
                        "encoding": {
                            "x": x,
                            "y": {"field": "mean", **share},
                            "color": {"field": "class", "scale": _colour(colours), "legend": None},
                        },
                    },
                    {
                        "mark": {"type": "rule", "color": "black"},
                        "encoding": {
                            "x": x,
                            "y": {"field": "low", **share},
                            "y2": {"field": "high"},
                        },
                    },
                    {
                        "mark": {"type": "point", "filled": True, "color": "black"},
                        "encoding": {"x": x, "y": {"field": "this run", **share}},
                    },
                ],
            }
        )
    return {
        "$schema": VEGA_LITE,
        "resolve": {"scale": {"color": "independent"}},
        "title": f"{len(runs)} runs: mean, the middle 95% of runs (line), this run (dot)",
        "hconcat": charts,
    }


def run_shares(model: AttachmentModel) -> dict[str, float]:
    """This run's class shares at 12 months and, at the end of the run, its adult categories."""
    shares: dict[str, float] = {}
    if model.ssp is not None:
        classes = model.ssp.attachment_class
        shares.update({c: float((classes == c).mean()) for c in SSP_CLASSES})
    if not model.running and model.horizon > 1:
        category = model.population.categories()
        shares.update({c: float((category == c).mean()) for c in CATEGORIES})
    return shares


# ---------------------------------------------------------------------- ways towards security
def trial_marks(model: AttachmentModel) -> list[tuple[str, float]]:
    """The intervention's moments as ages: the start, the end and the follow-up 1 year later
    (adult ones); the start, the end of the home observation and the Strange Situation (the
    caregiver programme)."""
    if model.params["intervention"] in INFANCY_INTERVENTIONS:
        return [
            ("starts", model.trial.infant_day / model.days),
            ("sensitivity observed", OBSERVATION_AGE_SHARE),
            ("Strange Situation", 1.0),
        ]
    return [
        (name, ADULT_AGE + weeks / WEEKS_PER_YEAR)
        for name, weeks in (
            ("starts", model.trial.start),
            ("ends", model.trial.end),
            ("follow-up", model.trial.follow_up),
        )
    ]


def arm_sizes(model: AttachmentModel) -> tuple[int, int]:
    """People randomised to treatment and to control (0, 0 before the start)."""
    return int((model.trial.arm == 1).sum()), int((model.trial.arm == 0).sum())


def intervention_spec(population: Population) -> dict[str, Any]:
    """Mean anxiety and avoidance of the treated and of the controls from the randomisation on,
    the intervention's moments marked (the model's own scores, without questionnaire error)."""
    model = population.model
    arms = np.asarray(population.arms, dtype=float).reshape(-1, 5)
    rows = []
    for k in _thinned(arms[:, 0]):
        age, *means = arms[k]
        for name, (anx, avo) in zip(ARM_COLOURS, (means[:2], means[2:]), strict=True):
            if not math.isnan(anx):
                rows.append(
                    {
                        "age": round(age, 4),
                        "arm": name,
                        "anxiety": round(anx, 4),
                        "avoidance": round(avo, 4),
                    }
                )
    marks = [{"age": round(a, 4), "moment": name} for name, a in trial_marks(model)]
    first = float(arms[0, 0]) if len(arms) else marks[0]["age"]
    last = max(marks[-1]["age"], float(arms[-1, 0]) if len(arms) else 0.0)
    x = {
        "field": "age",
        "type": "quantitative",
        "scale": {"domain": [first, last], "nice": False, "zero": False},
        "title": "age (years)",
    }
    # one y range for both panels, so that a change looks as large as it is on either scale
    means = arms[:, 1:][~np.isnan(arms[:, 1:])]
    low, high = (float(means.min()), float(means.max())) if len(means) else (1.0, 7.0)
    y_domain = [max(1.0, math.floor(10 * low - 1) / 10), min(7.0, math.ceil(10 * high + 1) / 10)]
    treated, controls = arm_sizes(model)
    panels = []
    for measure in ("anxiety", "avoidance"):
        panels.append(
            {
                "title": f"mean {measure}",
                "width": 260,
                "height": 200,
                "layer": [
                    {
                        "data": {"values": rows, "name": f"arms_{measure}"},
                        "mark": {"type": "line", "point": len(rows) <= 60},
                        "encoding": {
                            "x": x,
                            "y": {
                                "field": measure,
                                "type": "quantitative",
                                "scale": {"domain": y_domain, "nice": False},
                                "title": f"{measure} (ECR 1-7)",
                            },
                            "color": {
                                "field": "arm",
                                "scale": _colour(ARM_COLOURS),
                                "legend": {"title": None, "orient": "bottom"},
                            },
                            "tooltip": [{"field": "arm"}, {"field": "age"}, {"field": measure}],
                        },
                    },
                    {
                        "data": {"values": marks},
                        "layer": [
                            {
                                "mark": {"type": "rule", "color": "#555", "strokeDash": [4, 3]},
                                "encoding": {"x": x},
                            },
                            {
                                "mark": {
                                    "type": "text",
                                    "angle": 270,
                                    "align": "right",
                                    "baseline": "bottom",
                                    "dy": -2,
                                    "y": 0,
                                    "color": "#555",
                                },
                                "encoding": {"x": x, "text": {"field": "moment"}},
                            },
                        ],
                    },
                ],
            }
        )
    return {
        "$schema": VEGA_LITE,
        "title": f"{model.params['intervention']}: the treated ({treated})"
        f" and their controls ({controls})",
        "hconcat": panels,
    }


def _signed(x: float) -> str:
    """A change with its sign, to 2 decimals (never "-0.00")."""
    return f"{round(float(x), 2) + 0.0:+.2f}"


def trial_result(model: AttachmentModel) -> str | None:
    """After an adult intervention's follow-up: how each arm changed from the start, in one line
    (the model's own scores), and who is secure now."""
    m = model.trial.measures
    if "followup_true_avoidance_ecr" not in m:
        return None
    start, _, followup = (age for _, age in trial_marks(model))
    change, secure = {}, {}
    for code, name in ((1, "treated"), (0, "controls")):
        who = model.trial.arm == code
        for k in ("anxiety", "avoidance"):
            diff = m[f"followup_true_{k}_ecr"][who] - m[f"baseline_true_{k}_ecr"][who]
            change[name, k] = _signed(diff.mean()) if who.any() else "-"
        now, before = m["followup_category"][who], m["baseline_category"][who]
        secure[name] = (
            f"{np.mean(now == 'secure'):.0%} (from {np.mean(before == 'secure'):.0%})"
            if who.any()
            else "-"
        )
    treated, controls = arm_sizes(model)
    return (
        f"From the start to the follow-up (age {start:.1f} to {followup:.1f}): avoidance of the"
        f" treated ({treated}) changed by {change['treated', 'avoidance']}, of the controls"
        f" ({controls}) by {change['controls', 'avoidance']} ECR points; anxiety by"
        f" {change['treated', 'anxiety']} and {change['controls', 'anxiety']}. Secure now:"
        f" treated {secure['treated']}, controls {secure['controls']}."
    )


def infant_trial_result(model: AttachmentModel) -> dict[str, dict[str, float]] | None:
    """The caregiver programme at 12 months, per arm: infants, the caregivers' observed
    sensitivity (home visits, to 9 months) and the share of secure (B) infants."""
    if model.params["intervention"] not in INFANCY_INTERVENTIONS or model.ssp is None:
        return None
    observed, classes = model.infancy.observed_sensitivity, model.ssp.attachment_class
    result = {}
    for code, name in ((1, "treated"), (0, "controls")):
        who = model.trial.arm == code
        result[name] = {
            "infants": int(who.sum()),
            "observed sensitivity": float(np.nanmean(observed[who])) if who.any() else math.nan,
            "secure (B)": float(np.mean(classes[who] == "B")) if who.any() else math.nan,
        }
    return result


def infant_trial_text(result: dict[str, dict[str, float]]) -> str:
    t, c = result["treated"], result["controls"]
    return (
        f"At 12 months: the caregivers of the treated infants ({t['infants']}) answered"
        f" {t['observed sensitivity']:.0%} of the bids seen on the home visits, those of the"
        f" controls ({c['infants']}) {c['observed sensitivity']:.0%}; secure (B) in the Strange"
        f" Situation: treated {t['secure (B)']:.0%}, controls {c['secure (B)']:.0%}."
    )


def infant_trial_spec(result: dict[str, dict[str, float]]) -> dict[str, Any]:
    """The caregiver programme at 12 months: treated against controls, two bars per measure."""
    panels = []
    for measure in ("observed sensitivity", "secure (B)"):
        values = [
            {"arm": arm, "value": None if math.isnan(r[measure]) else round(r[measure], 4)}
            for arm, r in result.items()
        ]
        panels.append(
            {
                "title": measure,
                "width": 110,
                "height": 180,
                "data": {"values": values},
                "mark": "bar",
                "encoding": {
                    "x": {"field": "arm", "type": "nominal", "title": None, "sort": None},
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "scale": {"domain": [0, 1]},
                        "title": "share of bids answered" if "sens" in measure else "share",
                    },
                    "color": {"field": "arm", "scale": _colour(ARM_COLOURS), "legend": None},
                },
            }
        )
    return {
        "$schema": VEGA_LITE,
        "title": "the caregiver programme at 12 months",
        "hconcat": panels,
    }


# ---------------------------------------------------------------------- generations
def generation_settings(settings: Settings, generations: int) -> Settings:
    """The class's settings as a run of ``generations`` generations (one population): the run
    made long enough for every parent to live to their child's birth. Raises ParameterError."""
    params = {**settings.params, "generations": generations}
    full = validate(params, horizon_years=PARAMETERS["horizon_years"].high)
    horizon = max(settings.full()["horizon_years"], math.ceil(full["parent_age_max"]))
    return replace(settings, params={**params, "horizon_years": horizon}, compare=None).checked()


def generations_summary(infants: pd.DataFrame) -> pd.DataFrame:
    """One row per generation (1 = the class's own run): Strange Situation class shares, adult
    category shares at the end of the run, and for a child generation, the concordance of the
    parent's security (adult category at the birth) with the child's (class B) and its kappa."""
    rows = []
    for generation, people in infants.groupby("generation"):
        row: dict[str, Any] = {"generation": int(generation) + 1, "people": len(people)}
        row.update({c: float((people["ssp_class"] == c).mean()) for c in SSP_CLASSES})
        if "adult_category" in people:
            row["adult_age"] = float(people["final_age"].max())
            row.update({c: float((people["adult_category"] == c).mean()) for c in CATEGORIES})
        if generation > 0:
            link = transmission(people)
            parent = people["parent_secure"].to_numpy() == 1
            secure = people["secure"].to_numpy() == 1
            row.update(
                concordance=link["concordance"],
                kappa=link["kappa"],
                secure_parents=float(parent.mean()),
                b_secure_parent=float(secure[parent].mean()) if parent.any() else math.nan,
                b_insecure_parent=float(secure[~parent].mean()) if (~parent).any() else math.nan,
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _none_if_nan(x: Any) -> Any:
    return None if isinstance(x, float) and math.isnan(x) else round(float(x), 4)


def generations_spec(summary: pd.DataFrame) -> dict[str, Any]:
    """Per generation: the Strange Situation classes, the adult categories (stacked shares),
    and the share of secure infants by their parent's security."""
    generation = {"field": "generation", "type": "ordinal", "axis": {"labelAngle": 0}}
    share = {"type": "quantitative", "scale": {"domain": [0, 1]}, "title": "share of people"}
    charts = []
    adults = f"adults at {summary['adult_age'].max():g}" if "adult_age" in summary else ""
    for title, labels in (("Strange Situation, 12 months", SSP_CLASSES), (adults, CATEGORIES)):
        if not set(labels) <= set(summary.columns):
            continue
        values = [
            {"generation": int(r["generation"]), "class": c, "share": _none_if_nan(r[c])}
            for _, r in summary.iterrows()
            for c in labels
        ]
        colours = {c: CATEGORY_COLOURS[COUNTERPART.get(c, c)] for c in labels}
        charts.append(
            {
                "title": title,
                "width": GENERATION_PANEL_WIDTH,
                "height": 200,
                "data": {"values": values},
                "mark": "bar",
                "encoding": {
                    "x": generation,
                    "y": {"field": "share", **share, "stack": "zero"},
                    "color": {
                        "field": "class",
                        "scale": _colour(colours),
                        "sort": list(labels),
                        "legend": {"title": None, "orient": "bottom", "columns": 2},
                    },
                    "order": {"field": "class", "sort": "ascending"},
                    "tooltip": [{"field": "generation"}, {"field": "class"}, {"field": "share"}],
                },
            }
        )
    if "kappa" in summary:
        children = summary[summary["generation"] > 1]
        values = [
            {"generation": int(r["generation"]), "parent": parent, "share": _none_if_nan(r[k])}
            for _, r in children.iterrows()
            for parent, k in (("secure", "b_secure_parent"), ("insecure", "b_insecure_parent"))
        ]
        charts.append(
            {
                "title": "secure (B) infants, by the parent's category",
                "width": GENERATION_PANEL_WIDTH,
                "height": 200,
                "data": {"values": values},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": generation,
                    "y": {"field": "share", **share, "title": "share secure (B)"},
                    "color": {
                        "field": "parent",
                        "legend": {"title": "parent", "orient": "bottom"},
                        "scale": _colour(
                            {"secure": CATEGORY_COLOURS["secure"], "insecure": "#666666"}
                        ),
                    },
                },
            }
        )
    independent = {"scale": {"color": "independent"}}
    return {
        "$schema": VEGA_LITE,
        "title": f"{len(summary)} generations: each person raises one child",
        "resolve": independent,
        "vconcat": [{"hconcat": charts[:2], "resolve": independent}, *charts[2:]],
    }


def generations_text(summary: pd.DataFrame) -> str:
    """The parent-child concordance per child generation, as a Markdown table."""
    if "kappa" not in summary:
        return ""
    lines = [
        "| generation | secure parents | children B: parent secure / insecure | same security"
        " | kappa |",
        "|---|---|---|---|---|",
    ]

    def show(value: float, form: str) -> str:  # none of a group: nothing to show
        return "-" if pd.isna(value) else format(value, form)

    for _, r in summary[summary["generation"] > 1].iterrows():
        lines.append(
            f"| {int(r['generation'])} | {show(r['secure_parents'], '.0%')} |"
            f" {show(r['b_secure_parent'], '.0%')} / {show(r['b_insecure_parent'], '.0%')} |"
            f" {show(r['concordance'], '.0%')} | {show(r['kappa'], '.2f')} |"
        )
    return (
        "Parent (adult category at the child's birth) and child (Strange Situation): secure or"
        " not. Kappa is the agreement beyond chance (0 chance, 1 always the same).\n\n"
        + "\n".join(lines)
    )


def to_image(spec: dict[str, Any], fmt: str, scale: float = 2.0) -> bytes:
    """A view as PNG or SVG (vl-convert runs Vega itself: no browser, no network)."""
    import vl_convert

    if fmt == "png":
        return vl_convert.vegalite_to_png(spec, scale=scale)
    return vl_convert.vegalite_to_svg(spec).encode()


# ---------------------------------------------------------------------- one infant's SSP
def ssp_summary(populations: list[Population]) -> str:
    """Each population's Strange Situation classes at 12 months, in one line each."""
    lines = []
    for p in populations:
        shares = run_shares(p.model)
        if not shares:
            return ""
        classes = ", ".join(f"{c} {SSP_NAMES[c]} {shares[c]:.0%}" for c in SSP_CLASSES)
        lines.append(f"- **{p.label}**: {classes}")
    return "Strange Situation at 12 months:\n\n" + "\n".join(lines)


def ssp_report(model: AttachmentModel, index: int) -> str:
    """One infant's Strange Situation as a short Markdown report (or when it will happen)."""
    person = model.people[index]
    caregiver = model.caregivers[index]
    header = (
        f"**Infant {index}** - caregiver style: *{model.population.caregiver_style[index]}* "
        f"(sensitivity {model.population.first_caregivers.sensitivity[index]:.2f}); "
        f"temperament: reactivity {person.reactivity:.2f}, soothability {person.soothability:.2f}"
    )
    if model.ssp is None:
        days_left = model.days - model.day
        return header + (
            f"\n\nThe Strange Situation is run at 12 months: {days_left} days to go. "
            "Press Step or jump to 12 months."
        )
    ssp = model.ssp
    rows = ["| episode | who is present | distress |", "|---|---|---|"]
    for e, (name, present, _) in enumerate(EPISODES):
        mark = " (reunion)" if e in REUNIONS else ""
        rows.append(f"| {e + 1}. {name}{mark} | {present} | {ssp.distress[index, e]:.2f} |")
    scores = " · ".join(f"{k.replace('_', ' ')} {v[index]:.1f}" for k, v in ssp.scores.items())
    cls = str(ssp.attachment_class[index])
    organised = str(ssp.organised_class[index])
    why = {
        "A": "avoided the caregiver at reunion: distress was kept out of sight",
        "B": "sought the caregiver at reunion, was comforted and went back to play",
        "C": "sought contact at reunion but resisted it angrily and was hard to settle",
        "D": "showed contradictory or frightened behaviour towards the caregiver at reunion",
    }[cls]
    sub = f" (organised strategy underneath: {organised})" if cls == "D" else ""
    lost = " The first caregiver was lost during the year." if person.lost_caregiver else ""
    caregiver_now = f"caregiver now: {caregiver.style}"
    return (
        f"{header}; {caregiver_now}.{lost}\n\n"
        + "\n".join(rows)
        + f"\n\nReunion ratings (1-7, the higher reunion): {scores}\n\n"
        + f"**Class {cls} - {SSP_NAMES[cls]}**{sub}: the infant {why}."
    )


# ---------------------------------------------------------------------- many runs
_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ProcessPoolExecutor:
    """One worker process for every ensemble of this server, kept alive between requests.

    spawn, not fork: the demo server has threads of its own (web server, Play loops), and
    forking a process with such threads can deadlock."""
    global _POOL
    import multiprocessing

    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return _POOL


def _drop_broken_pool() -> None:
    """Forget a pool whose worker died, so that the next request starts a new one."""
    global _POOL
    with _POOL_LOCK:
        _POOL = None


@dataclass
class Ensemble:
    """Runs of one setting in the background, one worker; seeds as ``attachment-sim run
    --runs N`` derives them, so the same command reproduces every run."""

    settings: Settings
    runs: int
    done: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    cancelled: bool = False

    def command(self) -> str:
        return self.settings.command() + f" --runs {self.runs}"

    def run(self, on_progress: Callable[[Ensemble], None] = lambda e: None) -> None:
        """Submit every run and wait, reporting after each; returns when all are done."""
        specs = make_specs({"run": self.settings.params}, self.runs, self.settings.seed)
        futures: list[Future] = [_pool().submit(simulate_safely, spec) for spec in specs]
        try:
            for future in futures:
                if self.cancelled:
                    break
                out = future.result()
                if isinstance(out, RunError):
                    self.error = out.message
                    break
                self.rows.append(out.summary)
                self.done += 1
                on_progress(self)
        finally:
            for future in futures:
                future.cancel()

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    @property
    def finished(self) -> bool:
        return self.done == self.runs


@dataclass
class Generations:
    """The class's settings over several generations, in the background on the ensemble's
    worker (``simulate_safely``, as ``attachment-sim run --set generations=N`` runs it: the
    first generation is the class's own run, to the end of the longer horizon)."""

    settings: Settings
    generations: int
    infants: pd.DataFrame | None = None
    error: str | None = None
    seconds: float = 0.0

    def run_settings(self) -> Settings:
        return generation_settings(self.settings, self.generations)

    def command(self) -> str:
        return self.run_settings().command()

    def run(self) -> None:
        """Run every generation and wait (one task on the worker)."""
        start = time.perf_counter()
        try:
            settings = self.run_settings()
        except ValueError as problem:
            self.error = str(problem)
            return
        spec = RunSpec("run", 0, settings.seed, settings.full())
        try:
            out = _pool().submit(simulate_safely, spec).result()
        except BrokenProcessPool as problem:  # the worker died (killed, out of memory)
            _drop_broken_pool()
            self.error = f"the background worker stopped: {problem}"
            return
        self.seconds = time.perf_counter() - start
        if isinstance(out, RunError):
            self.error = out.message
        else:
            self.infants = pd.DataFrame(out.tables["infants"])

    @property
    def finished(self) -> bool:
        return self.infants is not None or self.error is not None

    def summary(self) -> pd.DataFrame:
        assert self.infants is not None
        return generations_summary(self.infants)
