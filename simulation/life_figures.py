"""Figures of the life-course experiments: stability of security from 12 months on, and the adult
categories and where they came from (``simulation.couple_figures`` has the couples).

Each adult category has the colour of the infant class it continues (``simulation.palette``:
secure = B blue, preoccupied = C bluish green, dismissing = A orange, fearful = D vermillion),
so a flow from a class to its counterpart keeps its colour.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from simulation.labels import class_label, population_label
from simulation.model.life_course import CATEGORIES, COUNTERPART
from simulation.model.strange_situation import CLASSES
from simulation.palette import (
    CATEGORY_COLOURS,
    CLASS_COLOURS,
    CONTINUITY_COLOURS,
    GREY,
    REFERENCE_COLOUR,
    STAGE_SHADES,
)

CONTINUITY_LABELS = {
    "prototype": "Prototype: the 12-month model keeps pulling later ones back",
    "revisionist": "Revisionist: only the running sum of experience",
}
# the life stages a stability curve crosses: (first age, end age, name, background)
STAGES = (
    (1, 12, "childhood", STAGE_SHADES["childhood"]),
    (12, 18, "adolescence", STAGE_SHADES["adolescence"]),
    (18, 31, "adulthood: partners", STAGE_SHADES["adulthood"]),
)


def _percent(share: float) -> str:
    """12%, or 0.4% for small shares (a share near zero is a finding, not a rounding)."""
    return f"{share:.1%}" if share < 0.095 else f"{share:.0%}"


def _class_label(cls: str, n: int | None = None) -> str:
    count = f"\n({n:,} infants)" if n is not None else ""
    return f"{class_label(cls)}{count}"


def _stage_background(ax: plt.Axes, top: float) -> None:
    """Light bands naming the life stages, so a class sees where partners come in."""
    for start, end, name, shade in STAGES:
        ax.axvspan(start, end, color=shade, lw=0, zorder=0)
        ax.text((start + min(end, 30)) / 2, top, name, ha="center", va="top", fontsize=9)


# ------------------------------------------------------------------ life_course
def stability_figure(curves: pd.DataFrame, runs: int, population: str) -> plt.Figure:
    """Correlation of security at 12 months with security at each later age, one curve per
    continuity setting with its 95% band. ``curves``: setting, age, r, low, high."""
    fig, ax = plt.subplots(figsize=(9, 5.2))
    _stage_background(ax, 0.98)
    for setting, rows in curves.groupby("setting", sort=False):
        rows = rows.sort_values("age")
        colour = CONTINUITY_COLOURS.get(setting, GREY)
        label = CONTINUITY_LABELS.get(setting, setting)
        ax.plot(rows["age"], rows["r"], color=colour, lw=2.2, marker="o", ms=3.5, label=label)
        ax.fill_between(rows["age"], rows["low"], rows["high"], color=colour, alpha=0.2, lw=0)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlim(1.5, 30.5)
    ax.set_ylim(min(-0.1, float(curves["low"].min()) - 0.05), 1.0)
    ax.set_xticks([2, 5, 10, 12, 15, 18, 20, 25, 30])
    ax.set_xlabel("Age (years)")
    ax.set_ylabel("Correlation with being secure (B) at 12 months")
    ax.set_title(f"How stable is early security? ({population_label(population)}, {runs} runs)")
    ax.legend(frameon=False, fontsize=9, loc="lower left", bbox_to_anchor=(0.0, 0.12))
    fig.text(
        0.99,
        0.005,
        "secure later = low anxiety and low avoidance at that birthday;"
        " line: mean of the runs' correlations, band: its 95% interval",
        ha="right",
        fontsize=8,
    )
    return fig


def _stacked_rows(ax: plt.Axes, shares: pd.DataFrame, counts: pd.Series) -> None:
    """One horizontal stacked bar per infant class: its adult categories, counterpart outlined."""
    classes = [c for c in CLASSES if c in shares.index]
    y = np.arange(len(classes))[::-1]
    for yi, cls in zip(y, classes, strict=True):
        left = 0.0
        for cat in CATEGORIES:
            share = float(shares.loc[cls, cat]) if cat in shares.columns else 0.0
            if not share > 0:  # none (or no infants of this class): nothing to draw
                continue
            own = COUNTERPART[cls] == cat
            ax.barh(
                yi,
                share,
                left=left,
                height=0.7,
                color=CATEGORY_COLOURS[cat],
                edgecolor="black" if own else "white",
                lw=2.2 if own else 0.5,
                zorder=3 if own else 2,
            )
            if share >= 0.07:
                ink = "white" if cat in ("secure", "fearful") else "black"
                ax.text(left + share / 2, yi, f"{share:.0%}", ha="center", va="center", color=ink)
            left += share
        kept = float(shares.loc[cls, COUNTERPART[cls]])
        ax.text(1.03, yi, "-" if kept != kept else f"{kept:.0%}", ha="left", va="center")
    ax.text(1.03, len(classes) - 0.45, "same style\nas infant", ha="left", va="bottom", fontsize=9)
    ax.set_yticks(y, [_class_label(c, int(counts.get(c, 0))) for c in classes])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0, decimals=0))


def _category_legend(fig: plt.Figure) -> None:
    handles = [Patch(color=CATEGORY_COLOURS[c], label=c.capitalize()) for c in CATEGORIES]
    handles.append(
        Patch(
            facecolor="white",
            edgecolor="black",
            lw=2,
            label="outlined: the category that continues the class"
            " (A dismissing, B secure, C preoccupied, D fearful)",
        )
    )
    fig.legend(handles=handles, frameon=False, ncols=5, loc="outside lower center", fontsize=9)


def class_continuity_figure(
    tables: dict[str, tuple[pd.DataFrame, pd.Series]], age: int, runs: int
) -> plt.Figure:
    """For each continuity setting, one bar per infant class split by adult category at
    ``age``. ``tables``: setting -> (shares, classes x categories; infants per class)."""
    fig, axes = plt.subplots(
        1, len(tables), figsize=(6.5 * len(tables), 4.8), sharey=False, layout="constrained"
    )
    axes = np.atleast_1d(axes)
    for ax, (setting, (shares, counts)) in zip(axes, tables.items(), strict=True):
        _stacked_rows(ax, shares, counts)
        ax.set_title(f"{setting.capitalize()} continuity", fontsize=12)
        ax.set_xlabel(f"Share of the class in each adult category at {age}")
        ax.spines[["left"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
    fig.suptitle(
        f"Infant class at 12 months and adult category at {age} ({runs} runs per setting)",
        fontsize=14,
    )
    _category_legend(fig)
    return fig


# ------------------------------------------------------------------ adult_styles
def adult_categories_figure(
    shares: pd.DataFrame,
    reference: dict[str, float],
    reference_label: str,
    age: int,
    runs: int,
    population: str,
) -> plt.Figure:
    """Bars of the share in each adult category (95% interval over runs) beside a published
    distribution drawn grey and hatched, as a reference. ``shares``: category, share, low, high."""
    fig, ax = plt.subplots(figsize=(8.5, 5))
    x = np.arange(len(CATEGORIES))
    rows = shares.set_index("category").reindex(list(CATEGORIES))
    err = np.vstack([rows["share"] - rows["low"], rows["high"] - rows["share"]])
    width = 0.38
    model = ax.bar(
        x - width / 2,
        rows["share"],
        width,
        yerr=np.nan_to_num(np.clip(err, 0, None)),
        capsize=3,
        color=[CATEGORY_COLOURS[c] for c in CATEGORIES],
    )
    ref = ax.bar(
        x + width / 2,
        [reference[c] for c in CATEGORIES],
        width,
        color="white",
        edgecolor=REFERENCE_COLOUR,
        hatch="//",
        lw=1.2,
    )
    references = [reference[c] for c in CATEGORIES]
    tops = np.fmax(rows["share"], rows["high"].fillna(0))
    for xi, (m, top, r) in enumerate(zip(rows["share"], tops, references, strict=True)):
        ax.text(xi - width / 2, top + 0.015, _percent(m), ha="center", va="bottom", fontsize=10)
        ax.text(xi + width / 2, r + 0.015, _percent(r), ha="center", va="bottom", fontsize=10)
    ax.set_xticks(x, [c.capitalize() for c in CATEGORIES])
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("Share of people")
    ax.set_title(
        f"Adult attachment at {age}: the model ({population_label(population)}) and a reference"
    )
    ax.legend(
        [model[0], ref[0]],
        [f"Model at age {age} ({runs} runs; line: 95% interval)", reference_label],
        frameon=False,
        fontsize=9,
        loc="upper right",
    )
    return fig


def _ribbon(ax: plt.Axes, y0: tuple[float, float], y1: tuple[float, float], colour: str) -> None:
    """A band from (x=0, y0 bottom..top) to (x=1, y1 bottom..top) along a smooth S-curve."""
    t = np.linspace(0, 1, 60)
    s = 3 * t**2 - 2 * t**3
    bottom = y0[0] + (y1[0] - y0[0]) * s
    top = y0[1] + (y1[1] - y0[1]) * s
    ax.fill_between(0.06 + 0.88 * t, bottom, top, color=colour, alpha=0.45, lw=0)


def infant_to_adult_flow_figure(counts: pd.DataFrame, age: int, runs: int) -> plt.Figure:
    """Alluvial flow: infant classes at 12 months (left) into adult categories at ``age``
    (right); ribbon width = number of people. ``counts``: classes x categories."""
    counts = counts.reindex(index=list(CLASSES), columns=list(CATEGORIES), fill_value=0)
    total = float(counts.to_numpy().sum())
    gap = 0.02
    fig, ax = plt.subplots(figsize=(10, 6.5))

    def stack(sizes: pd.Series) -> dict[str, tuple[float, float]]:
        # top to bottom in the order given, with gaps; heights are shares of everyone
        spans, top = {}, 1.0 + gap * (len(sizes) - 1)
        for name, size in sizes.items():
            spans[name] = (top - size / total, top)
            top -= size / total + gap
        return spans

    left, right = stack(counts.sum(axis=1)), stack(counts.sum(axis=0))
    next_in = {c: right[c][1] for c in CATEGORIES}
    for cls in CLASSES:
        out_top = left[cls][1]
        for cat in CATEGORIES:
            h = counts.loc[cls, cat] / total
            if h <= 0:
                continue
            _ribbon(
                ax, (out_top - h, out_top), (next_in[cat] - h, next_in[cat]), CLASS_COLOURS[cls]
            )
            out_top -= h
            next_in[cat] -= h
    for spans, x, colours, side in (
        (left, 0.0, CLASS_COLOURS, "left"),
        (right, 0.94, CATEGORY_COLOURS, "right"),
    ):
        for name, (low, high) in spans.items():
            ax.add_patch(plt.Rectangle((x, low), 0.06, high - low, color=colours[name], lw=0))
            share = (high - low) if high > low else 0.0
            if side == "left":
                row = counts.loc[name]
                kept = row[COUNTERPART[name]] / row.sum() if row.sum() else float("nan")
                text = (
                    f"{_class_label(name)}: {_percent(share)} of infants\n"
                    f"{_percent(kept)} of them {COUNTERPART[name]} at {age}"
                )
                xt, ha = -0.01, "right"
            else:
                text, xt, ha = f"{name.capitalize()}\n{_percent(share)} of adults", 1.01, "left"
            ax.text(xt, (low + high) / 2, text, ha=ha, va="center", fontsize=10)
    ax.text(0.03, 1.0 + 3 * gap + 0.03, "Infant class at 12 months", ha="center", fontsize=11)
    ax.text(0.97, 1.0 + 3 * gap + 0.03, f"Adult category at {age}", ha="center", fontsize=11)
    ax.set_xlim(-0.45, 1.25)
    ax.set_ylim(-0.01, 1.0 + 3 * gap + 0.08)
    ax.axis("off")
    ax.set_title(
        f"From infant class to adult category ({runs} runs, {int(total):,} people)", fontsize=13
    )
    fig.text(
        0.5,
        0.02,
        "band width = number of people; a band keeps the colour of the infant class it comes from",
        ha="center",
        fontsize=9,
    )
    return fig
