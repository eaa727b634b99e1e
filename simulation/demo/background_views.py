"""The views of what runs in the background (``jobs``): many runs of the class's settings, and
the settings over several generations. Vega-Lite specifications, coloured from the palette.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulation import palette
from simulation.demo.state import run_shares
from simulation.demo.views import VEGA_LITE, colour_scale
from simulation.model.life_course import CATEGORIES
from simulation.model.strange_situation import CLASSES

if TYPE_CHECKING:
    from simulation.model import AttachmentModel

GENERATION_PANEL_WIDTH = 110  # two panels side by side fit half the page, up to 10 generations


def _colours(labels: tuple[str, ...]) -> dict[str, str]:
    """Strange Situation classes or adult categories, each in its palette colour."""
    return {c: palette.CLASS_COLOURS.get(c) or palette.CATEGORY_COLOURS[c] for c in labels}


def ensemble_spec(runs: pd.DataFrame, model: AttachmentModel | None = None) -> dict[str, Any]:
    """The distribution over many runs: mean share of each class with the middle 95% of runs,
    and the current run as a black dot (the class sees how typical one run is)."""
    adult = "share_secure" in runs and runs["share_secure"].notna().any()
    panels = [("Strange Situation at 12 months", CLASSES)]
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
                            "color": {
                                "field": "class",
                                "scale": colour_scale(_colours(labels)),
                                "legend": None,
                            },
                        },
                    },
                    {
                        "mark": {"type": "rule", "color": palette.BLACK},
                        "encoding": {
                            "x": x,
                            "y": {"field": "low", **share},
                            "y2": {"field": "high"},
                        },
                    },
                    {
                        "mark": {"type": "point", "filled": True, "color": palette.BLACK},
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


def _none_if_nan(x: Any) -> Any:
    return None if isinstance(x, float) and math.isnan(x) else round(float(x), 4)


def generations_spec(summary: pd.DataFrame) -> dict[str, Any]:
    """Per generation (``jobs.generations_summary``): the Strange Situation classes, the adult
    categories (stacked shares), and the share of secure infants by their parent's security."""
    generation = {"field": "generation", "type": "ordinal", "axis": {"labelAngle": 0}}
    share = {"type": "quantitative", "scale": {"domain": [0, 1]}, "title": "share of people"}
    charts = []
    adults = f"adults at {summary['adult_age'].max():g}" if "adult_age" in summary else ""
    for title, labels in (("Strange Situation, 12 months", CLASSES), (adults, CATEGORIES)):
        if not set(labels) <= set(summary.columns):
            continue
        values = [
            {"generation": int(r["generation"]), "class": c, "share": _none_if_nan(r[c])}
            for _, r in summary.iterrows()
            for c in labels
        ]
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
                        "scale": colour_scale(_colours(labels)),
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
                        "scale": colour_scale(palette.SECURITY_COLOURS),
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
