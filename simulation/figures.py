"""Figures: one colour-blind-safe palette (Okabe & Ito 2008) for every figure of the project."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: works on machines without a screen
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from simulation.storage import atomic_write  # noqa: E402
from simulation.strange_situation import CLASS_NAMES, CLASSES  # noqa: E402

# Okabe-Ito colours. Each caregiver preset shares the colour of the class it mainly produces.
CLASS_COLOURS = {"A": "#E69F00", "B": "#0072B2", "C": "#009E73", "D": "#D55E00"}
POPULATION_COLOURS = {
    "consistent": CLASS_COLOURS["B"],
    "inconsistent": CLASS_COLOURS["C"],
    "rejecting": CLASS_COLOURS["A"],
    "frightening": CLASS_COLOURS["D"],
    "normative": "#000000",
    "high_risk": "#CC79A7",
    "spectrum": "#56B4E9",
}
POPULATION_LABELS = {
    "consistent": "Consistent",
    "inconsistent": "Inconsistent",
    "rejecting": "Rejecting",
    "frightening": "Frightening",
    "normative": "Normative mix",
    "high_risk": "High-risk mix",
    "spectrum": "Spectrum",
}

plt.rcParams.update(
    {
        "figure.dpi": 110,
        "savefig.dpi": 150,
        "font.size": 11,
        "axes.titlesize": 13,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "attachment-sim",  # identical SVG for identical data
    }
)


def save_figure(fig: plt.Figure, folder: Path, name: str) -> list[Path]:
    """Save ``fig`` as PNG and SVG atomically (a reader never sees a half-written file)."""
    paths = []
    for ext in ("png", "svg"):
        metadata = {"Date": None} if ext == "svg" else None  # identical files for identical data
        paths.append(
            atomic_write(
                folder / f"{name}.{ext}",
                lambda tmp, ext=ext, metadata=metadata: fig.savefig(
                    tmp, format=ext, bbox_inches="tight", metadata=metadata
                ),
            )
        )
    plt.close(fig)
    return paths


def class_shares_figure(shares: pd.DataFrame, order: list[str]) -> plt.Figure:
    """Grouped bars: share of A/B/C/D per population with 95% intervals over runs."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    width = 0.8 / len(CLASSES)
    x = np.arange(len(order))
    for j, cls in enumerate(CLASSES):
        rows = shares[shares["ssp_class"] == cls].set_index("group").reindex(order)
        err = np.vstack([rows["share"] - rows["low"], rows["high"] - rows["share"]])
        ax.bar(
            x + (j - 1.5) * width,
            rows["share"],
            width,
            yerr=np.nan_to_num(np.clip(err, 0, None)),
            capsize=2,
            color=CLASS_COLOURS[cls],
            label=f"{cls} {CLASS_NAMES[cls]}",
        )
    ax.set_xticks(x, [POPULATION_LABELS.get(g, g) for g in order])
    ax.set_ylim(0, 1)
    ax.set_ylabel("Share of infants")
    runs = int(shares["runs"].max())
    ax.set_title(f"Strange Situation classes at 12 months by caregiving ({runs} runs each)")
    ax.legend(frameon=False, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    fig.text(0.99, 0.01, "bars: 95% interval of the mean over runs", ha="right", fontsize=8)
    return fig


def anxiety_avoidance_figure(infants: pd.DataFrame, order: list[str], per_group: int = 400):
    """Scatter of infants in the anxiety-avoidance plane, coloured by caregiving."""
    fig, ax = plt.subplots(figsize=(6.4, 6))
    rng = np.random.default_rng(0)  # which points are drawn only; the data are not resampled
    for group in order:
        rows = infants[infants["population"] == group]
        if len(rows) > per_group:
            rows = rows.iloc[np.sort(rng.choice(len(rows), per_group, replace=False))]
        ax.scatter(
            rows["avoidance"],
            rows["anxiety"],
            s=9,
            alpha=0.45,
            color=POPULATION_COLOURS.get(group, "grey"),
            label=POPULATION_LABELS.get(group, group),
            edgecolors="none",
        )
    ax.axvline(0.5, color="grey", lw=0.8, ls="--")
    ax.axhline(0.5, color="grey", lw=0.8, ls="--")
    for x, y, text in [
        (0.25, 0.03, "low anxiety, low avoidance"),
        (0.75, 0.03, "avoidant"),
        (0.25, 0.95, "anxious"),
        (0.75, 0.95, "anxious and avoidant"),
    ]:
        ax.text(x, y, text, ha="center", fontsize=9, color="grey")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Avoidance (0-1)")
    ax.set_ylabel("Anxiety (0-1)")
    ax.set_title("Infants' anxiety and avoidance at 12 months")
    ax.legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1, 0.5), markerscale=2)
    return fig


def learning_curves_figure(timeseries: pd.DataFrame, order: list[str], column: str = "other_model"):
    """Mean model of others over the first year per population, with a band over runs."""
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for group in order:
        rows = timeseries[timeseries["population"] == group]
        by_day = rows.groupby("day")[column]
        mean, low, high = by_day.mean(), by_day.quantile(0.025), by_day.quantile(0.975)
        colour = POPULATION_COLOURS.get(group, "grey")
        ax.plot(
            mean.index / 30.44, mean, color=colour, lw=2, label=POPULATION_LABELS.get(group, group)
        )
        ax.fill_between(mean.index / 30.44, low, high, color=colour, alpha=0.18, lw=0)
    ax.set_xlabel("Age (months)")
    ax.set_ylabel("Mean model of others (expected availability)")
    ax.set_ylim(0, 1)
    ax.set_title("Learning what to expect from the caregiver, first year")
    ax.legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1, 0.5))
    fig.text(0.99, 0.01, "bands: middle 95% of runs", ha="right", fontsize=8)
    return fig
