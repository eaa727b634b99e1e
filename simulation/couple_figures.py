"""Figures of the couples experiment: outcomes by pairing, satisfaction over the first years,
and one couple's story week by week. Colours from ``simulation.palette``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simulation.labels import pairing_label, population_label
from simulation.palette import (
    BLACK,
    CATEGORY_COLOURS,
    OUTCOME_COLOURS,
    PAIRING_COLOURS,
    STORY_COLOURS,
)

SATISFACTION = OUTCOME_COLOURS["satisfaction"]


def pairing_outcomes_figure(table: pd.DataFrame, runs: int, population: str) -> plt.Figure:
    """Three panels of horizontal bars by pairing: satisfaction, 3-year breakups, pursuer-
    withdrawer weeks. ``table``: pairing, couples, and for each measure value/low/high."""
    rows = table.sort_values("satisfaction").reset_index(drop=True)
    y = np.arange(len(rows))
    labels = [
        f"{pairing_label(p)} ({n:,})" for p, n in zip(rows["pairing"], rows["couples"], strict=True)
    ]
    panels = (
        ("satisfaction", "Satisfaction over the relationship\n(0-1; dots: the axis is zoomed)"),
        ("breakup_rate", "Broke up within 3 years\n(couples observed 3 years)"),
        ("demand_withdraw_rate", "Weeks with a pursuer-withdrawer\nepisode"),
    )
    fig, axes = plt.subplots(
        1, 3, figsize=(14, 0.42 * len(rows) + 2.6), sharey=True, layout="constrained"
    )
    colours = [_pairing_colour(p) for p in rows["pairing"]]
    for ax, (column, title) in zip(axes, panels, strict=True):
        values = rows[column].to_numpy(float)
        low, high = rows[f"{column}_low"].to_numpy(float), rows[f"{column}_high"].to_numpy(float)
        err = np.nan_to_num(np.clip(np.vstack([values - low, high - values]), 0, None))
        if column == "satisfaction":
            # satisfaction differs by a few hundredths between pairings: dots on a zoomed axis
            # (bars would have to start at zero and hide the differences)
            ax.errorbar(values, y, xerr=err, fmt="none", ecolor="black", lw=1, capsize=2)
            ax.scatter(values, y, s=70, c=colours, edgecolors="black", zorder=3)
            span = np.concatenate([values, low, high])
            lo, hi = np.nanmin(span), np.nanmax(span)
            pad = max(0.01, 0.15 * (hi - lo))
            ax.set_xlim(lo - pad, hi + pad)
            ax.xaxis.set_major_formatter(plt.matplotlib.ticker.FormatStrFormatter("%.2f"))
        else:
            ax.barh(y, values, height=0.65, color=colours, xerr=err, capsize=2, error_kw={"lw": 1})
            top = 1.0 if column == "breakup_rate" else max(0.05, float(np.nanmax(high)) * 1.1)
            ax.set_xlim(0, top)
            ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.set_title(title, fontsize=11)
        ax.grid(axis="x", color="0.9", lw=0.8)
        ax.set_axisbelow(True)
    axes[0].set_yticks(y, labels)
    axes[0].set_ylabel("Pairing of the two partners' categories (couples)")
    fig.suptitle(
        f"Couples by the partners' attachment categories ({population_label(population)},"
        f" {runs} runs)",
        fontsize=14,
    )
    legend = [
        Patch(color=_pairing_colour("secure+secure"), label="both secure"),
        Patch(color=_pairing_colour("dismissing+secure"), label="one secure"),
        Patch(color=_pairing_colour("dismissing+fearful"), label="neither secure"),
    ]
    fig.legend(
        handles=legend,
        frameon=False,
        ncols=3,
        loc="outside lower center",
        fontsize=9,
        title="lines: 95% interval (resampling whole runs)",
        title_fontsize=8,
    )
    return fig


def _pairing_colour(pairing: str) -> str:
    """By how many partners are secure: the one thing bars are grouped by."""
    return PAIRING_COLOURS[pairing.split("+").count("secure")]


def satisfaction_over_time_figure(
    curves: pd.DataFrame, overall: pd.DataFrame, weeks: int, traced_runs: int
) -> plt.Figure:
    """Small multiples, one per pairing: mean satisfaction of the couples still together by
    week since they met (band: 95% interval), and the share of couples still together.
    ``curves``: pairing, week, satisfaction, low, high, together, couples; ``overall``: week,
    satisfaction (all couples, drawn in every panel for comparison)."""
    pairings = list(dict.fromkeys(curves["pairing"]))
    ncols = min(5, len(pairings)) or 1
    nrows = int(np.ceil(len(pairings) / ncols)) or 1
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(3.1 * ncols + 0.6, 2.7 * nrows + 1.4),
        sharex=True,
        sharey=True,
        layout="constrained",
        squeeze=False,
    )
    years = weeks / 52
    for ax, pairing in zip(axes.flat, pairings, strict=False):
        rows = curves[curves["pairing"] == pairing].sort_values("week")
        x = rows["week"] / 52
        ax.plot(overall["week"] / 52, overall["satisfaction"], color="0.6", lw=1.2, ls="--")
        ax.fill_between(x, rows["low"], rows["high"], color=SATISFACTION, alpha=0.2, lw=0)
        ax.plot(x, rows["satisfaction"], color=SATISFACTION, lw=2)
        ax.plot(x, rows["together"], color="black", lw=1.3, ls=":")
        n = int(rows["couples"].iloc[0])
        ax.set_title(f"{pairing_label(pairing)}\n({n} couples)", fontsize=10)
        ax.set_xlim(0, years)
        ax.set_ylim(0, 1)
        ax.grid(color="0.92", lw=0.8)
    for ax in axes.flat[len(pairings) :]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("Years since the couple met")
    for ax in axes[:, 0]:
        ax.set_ylabel("Share (0-1)")
    handles = [
        Line2D([], [], color=SATISFACTION, lw=2, label="satisfaction (mean of both partners)"),
        Patch(color=SATISFACTION, alpha=0.2, label="its 95% interval"),
        Line2D([], [], color="0.6", lw=1.2, ls="--", label="satisfaction, all couples"),
        Line2D([], [], color="black", lw=1.3, ls=":", label="share of couples still together"),
    ]
    fig.legend(handles=handles, frameon=False, ncols=4, loc="outside lower center", fontsize=9)
    fig.suptitle(
        f"Satisfaction over the first {years:g} years of a relationship, by pairing"
        f" ({traced_runs} traced runs; satisfaction of the couples still together)",
        fontsize=13,
    )
    return fig


STORY_ROWS = (
    ("bid", "asked for comfort"),
    ("answer", "partner's answer"),
    ("escalated", "asked again, louder"),
    ("pushed_away", "pushed partner away"),
)
# one marker per behaviour: (column, row, vertical shift, marker, size, legend)
BEHAVIOURS = (
    ("comforted", "answer", 0.2, "P", 8, "comforted"),
    ("withdrew", "answer", 0.0, "X", 8, "partner withdrew"),
    ("read_as_rejection", "answer", -0.2, "v", 8, "silence read as rejection"),
    ("escalated", "escalated", 0.0, "^", 9, "asked again, louder"),
    ("pushed_away", "pushed_away", 0.0, "D", 7, "pushed partner away"),
)
PARTNER_LINES = {"a": "-", "b": "--"}  # partner 1 solid, partner 2 dashed
HIGHLIGHT_ALPHA = 0.55


def couple_story_figure(
    log: pd.DataFrame,
    names: tuple[str, str],
    title: str,
    note: str = "",
    categories: tuple[str, str] | None = None,
) -> plt.Figure:
    """One couple week by week: each partner's bids (filled: said plainly, open: a hint), the
    partner's answer (comforted, withdrew, silence read as rejection), escalations and
    push-aways; pursuer-withdrawer weeks shaded; both partners' satisfaction below, each in the
    colour of their category when ``categories`` (of partner a and b) are given.
    ``log``: the couple's rows of ``AttachmentModel.couples.log`` (week 1 = the week they met);
    ``names``: labels of partner a and b (e.g. 'Partner 1 (preoccupied)')."""
    log = log.sort_values("week").reset_index(drop=True)
    x = np.arange(1, len(log) + 1)
    fig, (events, sat) = plt.subplots(
        2,
        1,
        figsize=(13, 7.6),
        sharex=True,
        height_ratios=[2.2, 1],
        layout="constrained",
    )
    highlight = STORY_COLOURS["pursuer_withdrawer"]
    for ax in (events, sat):
        for week in x[log["demand_withdraw"].to_numpy(bool)]:
            ax.axvspan(
                week - 0.5, week + 0.5, color=highlight, alpha=HIGHLIGHT_ALPHA, lw=0, zorder=0
            )

    ticks, ticklabels = [], []
    lane_height = len(STORY_ROWS) + 1
    for lane, side in enumerate(("a", "b")):
        base = (1 - lane) * lane_height  # partner a on top
        rows = {key: base + len(STORY_ROWS) - 1 - i for i, (key, _) in enumerate(STORY_ROWS)}
        for key, text in STORY_ROWS:
            ticks.append(rows[key])
            ticklabels.append(text)
            events.axhline(rows[key], color="0.9", lw=0.8, zorder=1)

        def col(field: str, side: str = side) -> np.ndarray:
            return log[f"{field}_{side}"].to_numpy()

        bid, direct = col("bid") > 0, col("direct") > 0
        events.plot(
            x[bid & direct],
            np.full((bid & direct).sum(), rows["bid"]),
            "o",
            ms=8,
            color=BLACK,
            zorder=3,
        )
        events.plot(
            x[bid & ~direct],
            np.full((bid & ~direct).sum(), rows["bid"]),
            "o",
            ms=8,
            mfc="white",
            mec=BLACK,
            mew=1.5,
            zorder=3,
        )
        for field, row, shift, marker, size, _ in BEHAVIOURS:
            hit = col(field) > 0
            events.plot(
                x[hit],
                np.full(hit.sum(), rows[row] + shift),
                marker,
                ms=size,
                color=STORY_COLOURS[field],
                ls="none",
                zorder=3,
            )
        events.text(
            -0.01,
            base + len(STORY_ROWS) - 0.35,
            names[lane],
            transform=events.get_yaxis_transform(),
            ha="right",
            va="bottom",
            fontsize=11,
            fontweight="bold",
        )
    events.set_yticks(ticks, ticklabels, fontsize=9)
    events.set_ylim(-0.7, 2 * lane_height - 1.0)
    events.axhline(lane_height - 1, color="0.5", lw=1)
    events.tick_params(axis="y", length=0)
    events.spines[["left"]].set_visible(False)
    fig.suptitle(title, fontsize=14)
    if note:
        events.set_title(note, fontsize=9, color="0.3")

    colours = [CATEGORY_COLOURS.get(c, BLACK) for c in categories] if categories else [BLACK] * 2
    for side, name, colour in zip(("a", "b"), names, colours, strict=True):
        sat.plot(
            x, log[f"satisfaction_{side}"], color=colour, ls=PARTNER_LINES[side], lw=2, label=name
        )
    sat.set_ylim(0, 1)
    sat.set_ylabel("Satisfaction (0-1)")
    sat.set_xlabel("Week of the relationship")
    sat.set_xlim(0.5, len(log) + 0.5)
    sat.grid(axis="y", color="0.92")
    sat.legend(frameon=False, fontsize=9, loc="lower left", ncols=2)

    handles = [
        Line2D([], [], marker="o", color=BLACK, ls="none", ms=8, label="asked plainly"),
        Line2D([], [], marker="o", mfc="white", mec=BLACK, ls="none", ms=8, label="hinted"),
        *(
            Line2D([], [], marker=m, color=STORY_COLOURS[f], ls="none", ms=size, label=text)
            for f, _, _, m, size, text in BEHAVIOURS
        ),
        Patch(color=highlight, alpha=HIGHLIGHT_ALPHA, label="pursuer-withdrawer week"),
    ]
    fig.legend(handles=handles, frameon=False, ncols=4, loc="outside lower center", fontsize=9)
    return fig
