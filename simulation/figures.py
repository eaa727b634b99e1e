"""Figures of infancy (the caregiving and sweep experiments) and what every figure shares: the
matplotlib settings and saving. Colours come from ``simulation.palette`` and names from
``simulation.labels``, as in the demo."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: works on machines without a screen
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from simulation.labels import class_label, population_label  # noqa: E402
from simulation.model.strange_situation import CLASS_NAMES, CLASSES  # noqa: E402
from simulation.palette import CLASS_COLOURS, POPULATION_COLOURS  # noqa: E402
from simulation.storage import atomic_write  # noqa: E402

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
            label=class_label(cls),
        )
    ax.set_xticks(x, [population_label(g) for g in order])
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
            label=population_label(group),
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
        ax.plot(mean.index / 30.44, mean, color=colour, lw=2, label=population_label(group))
        ax.fill_between(mean.index / 30.44, low, high, color=colour, alpha=0.18, lw=0)
    ax.set_xlabel("Age (months)")
    ax.set_ylabel("Mean model of others (expected availability)")
    ax.set_ylim(0, 1)
    ax.set_title("Learning what to expect from the caregiver, first year")
    ax.legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1, 0.5))
    fig.text(0.99, 0.01, "bands: middle 95% of runs", ha="right", fontsize=8)
    return fig


def share_heatmaps_figure(
    cells: pd.DataFrame,
    marker: dict[str, float] | None = None,
    runs_per_cell: int | None = None,
    x: str = "consistency",
    y: str = "sensitivity",
    marker_label: str = "normative mix (its mean caregiver)",
    dyads: int | None = None,
) -> plt.Figure:
    """Two heatmaps side by side: share of secure (B) and of disorganised (D) infants over two
    caregiver dimensions (one row of ``cells`` per grid cell: ``x``, ``y``, share_B, share_D).
    ``marker`` ({x: value, y: value}) marks a point on both, e.g. the normative mix."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import PercentFormatter

    xs, ys = np.sort(cells[x].unique()), np.sort(cells[y].unique())

    def edges(values: np.ndarray) -> np.ndarray:  # cell borders halfway between grid values
        if len(values) == 1:
            return np.array([values[0] - 0.05, values[0] + 0.05])
        mid = (values[1:] + values[:-1]) / 2
        return np.concatenate([[2 * values[0] - mid[0]], mid, [2 * values[-1] - mid[-1]]])

    axis_labels = {
        "sensitivity": "Caregiver sensitivity (share of bids comforted)",
        "consistency": "Caregiver consistency (1 = same every day)",
    }
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.6), layout="constrained")
    for ax, cls in zip(axes, ["B", "D"], strict=True):
        table = cells.pivot(index=y, columns=x, values=f"share_{cls}").reindex(index=ys, columns=xs)
        values = table.to_numpy()
        top = 1.0 if cls == "B" else max(0.1, np.ceil(np.nanmax(values) * 10) / 10)
        mesh = ax.pcolormesh(edges(xs), edges(ys), values, cmap="cividis", vmin=0, vmax=top)
        bar = fig.colorbar(mesh, ax=ax, fraction=0.05, pad=0.02)
        bar.set_label(f"Share of infants classified {cls}")
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        if len(xs) * len(ys) <= 144:  # the value in each cell, while it stays readable
            for i, yv in enumerate(ys):
                for j, xv in enumerate(xs):
                    v = values[i, j]
                    if v == v:
                        ink = "black" if v / top > 0.55 else "white"
                        ax.text(xv, yv, f"{v:.0%}", ha="center", va="center", fontsize=8, color=ink)
        if marker is not None:
            for size, colour in ((17, "black"), (14, "white")):  # a ring seen on any colour
                ax.plot(
                    marker[x], marker[y], "o", ms=size, mfc="none", mec=colour, mew=2, ls="none"
                )
        ax.set_xlabel(axis_labels.get(x, x))
        ax.set_ylabel(axis_labels.get(y, y))
        ax.set_title(f"{CLASS_NAMES[cls].capitalize()} ({cls}) infants at 12 months")
        ax.spines[["top", "right"]].set_visible(True)
    if marker is not None:
        ring = Line2D([], [], marker="o", ms=12, mfc="none", mec="black", mew=2, ls="none")
        fig.legend([ring], [marker_label], loc="outside lower center", frameon=False)
    size = f" of {dyads} dyads" if dyads else ""
    reps = f" ({runs_per_cell} runs{size} per cell)" if runs_per_cell else ""
    fig.suptitle(f"Attachment by caregiver {y} and {x}{reps}", fontsize=15)
    return fig


def morris_figure(
    table: pd.DataFrame, trajectories: int | None = None, output: str = "share secure (B)"
) -> plt.Figure:
    """Morris screening as horizontal bars: mu* (mean absolute elementary effect) with its 95%
    interval, sorted, and sigma (how much the effect depends on the other parameters) as
    markers. ``table``: one row per parameter with mu_star, mu_star_conf, sigma and, optionally,
    ``low``/``high`` (the range screened), shown in the labels."""
    rows = table.sort_values("mu_star").reset_index(drop=True)
    y = np.arange(len(rows))
    labels = [
        f"{r.parameter}\n({r.low:g} - {r.high:g})" if "low" in rows else str(r.parameter)
        for r in rows.itertuples()
    ]
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.8), layout="constrained")
    bars = ax.barh(
        y,
        rows["mu_star"],
        height=0.6,
        xerr=rows["mu_star_conf"],
        capsize=3,
        color=CLASS_COLOURS["B"],
        error_kw={"ecolor": "black", "lw": 1},
    )
    (dots,) = ax.plot(
        rows["sigma"],
        y,
        "D",
        ms=7,
        mfc="white",
        mec=CLASS_COLOURS["D"],
        mew=2,
        ls="none",
    )
    ax.set_yticks(y, labels, fontsize=10)
    ax.set_xlim(0, None)
    ax.set_xlabel(f"Effect on the {output} of moving a parameter across its range")
    n = f" ({trajectories} trajectories)" if trajectories else ""
    ax.set_title(f"Which parameters decide security? Morris screening{n}")
    ax.legend(
        [bars, dots],
        ["μ*: mean size of the effect (line: 95% interval)", "σ: how much the effect varies"],
        frameon=False,
        loc="lower right",
        fontsize=10,
    )
    ax.grid(axis="x", color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    return fig
