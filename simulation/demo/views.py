"""The views of the class's own run as Vega-Lite specifications (plain dicts): the plane, the
category shares, the couples and the intervention trial.

The browser draws each view (Solara serves Vega locally), so a Step sends only data; the same
dict is saved as PNG/SVG by ``exports``. Every colour comes from ``simulation.palette``, so the
screen shows the colour code of the README's figures.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulation import palette
from simulation.demo.reports import age_label
from simulation.demo.trial import ARMS, arm_sizes, trial_marks
from simulation.model.life_course import ADULT_AGE, CATEGORIES, ecr_scale

if TYPE_CHECKING:
    from simulation.demo.state import Population
    from simulation.model import AttachmentModel

VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"  # a name only, never fetched


def colour_scale(colours: dict[str, str]) -> dict[str, Any]:
    """A Vega colour scale that gives each value its palette colour."""
    return {"domain": list(colours), "range": list(colours.values())}


def thinned(ages: np.ndarray, limit: int = 200) -> np.ndarray:
    """Indices of at most ``limit`` steps spread over the run (the daily first year is dense)."""
    if len(ages) <= limit:
        return np.arange(len(ages))
    return np.unique(np.linspace(0, len(ages) - 1, limit).round().astype(int))


# ---------------------------------------------------------------------- the plane
CORNERS = [  # where each category's name is written in the plane (ECR scale)
    {"anxiety": 1.1, "avoidance": 1.15, "label": "secure", "align": "left"},
    {"anxiety": 6.9, "avoidance": 1.15, "label": "preoccupied", "align": "right"},
    {"anxiety": 1.1, "avoidance": 6.85, "label": "dismissing", "align": "left"},
    {"anxiety": 6.9, "avoidance": 6.85, "label": "fearful", "align": "right"},
]


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
    scale = {"domain": [1, 7], "nice": False}
    x = {"field": "anxiety", "type": "quantitative", "scale": scale, "title": "anxiety (ECR 1-7)"}
    y = {
        "field": "avoidance",
        "type": "quantitative",
        "scale": scale,
        "title": "avoidance (ECR 1-7)",
    }
    cut_off = {"type": "rule", "color": palette.GREY}
    return {
        "$schema": VEGA_LITE,
        "title": f"{title}: {age_label(age)}" if title else age_label(age),
        "width": 300,
        "height": 300,
        "layer": [
            {
                "data": {"values": [{"x": p["anxiety_cutoff"], "y": p["avoidance_cutoff"]}]},
                "layer": [
                    {
                        "mark": cut_off,
                        "encoding": {"x": {"field": "x", "type": "quantitative", "scale": scale}},
                    },
                    {
                        "mark": cut_off,
                        "encoding": {"y": {"field": "y", "type": "quantitative", "scale": scale}},
                    },
                ],
            },
            *(
                {
                    "data": {"values": [row for row in CORNERS if row["align"] == side]},
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
                            "scale": colour_scale(palette.CATEGORY_COLOURS),
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
                        "scale": colour_scale(palette.STYLE_COLOURS),
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


# ---------------------------------------------------------------------- the category shares
def shares_spec(populations: list[Population]) -> dict[str, Any]:
    """Shares of the four categories over age; a second population dashed."""
    rows = []
    for population in populations:
        series = population.model.datacollector.model_vars
        ages = np.asarray(series["age_years"])
        for k in thinned(ages):
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
                "scale": colour_scale(palette.CATEGORY_COLOURS),
                "sort": list(CATEGORIES),
            },
            "strokeDash": {
                "field": "population",
                "sort": [p.label for p in populations],
                "legend": {"title": "population"},
            },
        },
    }


# ---------------------------------------------------------------------- couples
# partnered: a share of people (no category), so neutral; satisfaction: the outcome's colour
COUPLE_MEASURES = {
    "partnered": palette.BLACK,
    "satisfaction": palette.OUTCOME_COLOURS["satisfaction"],
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
                "transform": [{"fold": list(COUPLE_MEASURES), "as": ["measure", "value"]}],
                "mark": "line",
                "encoding": {
                    "x": {
                        "field": "age",
                        "type": "quantitative",
                        "scale": {"domain": [ADULT_AGE, end], "nice": False},
                    },
                    "y": {"field": "value", "type": "quantitative", "scale": {"domain": [0, 1]}},
                    "color": {"field": "measure", "scale": colour_scale(COUPLE_MEASURES)},
                },
            },
            {
                "title": "couples together now (categories when they met)",
                "width": 200,
                "height": 200,
                "data": {"values": pairs},
                "mark": {"type": "bar", "color": COUPLE_MEASURES["satisfaction"]},
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


# ---------------------------------------------------------------------- the trial
def intervention_spec(population: Population) -> dict[str, Any]:
    """Mean anxiety and avoidance of the treated and of the controls from the randomisation on,
    the intervention's moments marked (the model's own scores, without questionnaire error)."""
    model = population.model
    arms = np.asarray(population.arms, dtype=float).reshape(-1, 5)
    rows = []
    for k in thinned(arms[:, 0]):
        age, *means = arms[k]
        for name, (anx, avo) in zip(ARMS, (means[:2], means[2:]), strict=True):
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
    sizes = arm_sizes(model)
    moment = {"type": "rule", "color": palette.DARK_GREY, "strokeDash": [4, 3]}
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
                                "scale": colour_scale(palette.ARM_COLOURS),
                                "legend": {"title": None, "orient": "bottom"},
                            },
                            "tooltip": [{"field": "arm"}, {"field": "age"}, {"field": measure}],
                        },
                    },
                    {
                        "data": {"values": marks},
                        "layer": [
                            {"mark": moment, "encoding": {"x": x}},
                            {
                                "mark": {
                                    "type": "text",
                                    "angle": 270,
                                    "align": "right",
                                    "baseline": "bottom",
                                    "dy": -2,
                                    "y": 0,
                                    "color": palette.DARK_GREY,
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
        "title": f"{model.params['intervention']}: the treated ({sizes['treated']})"
        f" and their controls ({sizes['control']})",
        "hconcat": panels,
    }


def infant_trial_spec(result: dict[str, dict[str, float]]) -> dict[str, Any]:
    """The caregiver programme at 12 months (``trial.infant_trial_result``): treated against
    controls, two bars per measure."""
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
                    "color": {
                        "field": "arm",
                        "scale": colour_scale(palette.ARM_COLOURS),
                        "legend": None,
                    },
                },
            }
        )
    return {
        "$schema": VEGA_LITE,
        "title": "the caregiver programme at 12 months",
        "hconcat": panels,
    }
