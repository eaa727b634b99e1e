"""Figures of the life-course experiments: stability of security, adult categories, couples.

The same Okabe-Ito palette as ``simulation.figures``; each adult category has the colour of the
infant class it continues (secure = B blue, preoccupied = C green, dismissing = A orange,
fearful = D vermillion), so a flow from a class to its counterpart keeps its colour.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simulation.figures import CLASS_COLOURS, POPULATION_LABELS
from simulation.model.life_course import CATEGORIES, COUNTERPART
from simulation.model.strange_situation import CLASS_NAMES, CLASSES

ADULT_COLOURS = {
    "secure": CLASS_COLOURS["B"],  # #0072B2
    "preoccupied": CLASS_COLOURS["C"],  # #009E73
    "dismissing": CLASS_COLOURS["A"],  # #E69F00
    "fearful": CLASS_COLOURS["D"],  # #D55E00
}
CONTINUITY_COLOURS = {"prototype": "#000000", "revisionist": "#CC79A7"}
CONTINUITY_LABELS = {
    "prototype": "Prototype: the 12-month model keeps pulling later ones back",
    "revisionist": "Revisionist: only the running sum of experience",
}
REFERENCE_COLOUR = "#999999"
COMFORT, WITHDRAWAL, ESCALATION = "#0072B2", "#D55E00", "#000000"


def population_label(name: str) -> str:
    labels = {**POPULATION_LABELS, "balanced": "Balanced mix"}
    return labels.get(name, name.replace("_", " ").capitalize())


def pairing_label(pairing: str) -> str:
    """'dismissing+preoccupied' -> 'dismissing + preoccupied'."""
    return pairing.replace("+", " + ")


def _percent(share: float) -> str:
    """12%, or 0.4% for small shares (a share near zero is a finding, not a rounding)."""
    return f"{share:.1%}" if share < 0.095 else f"{share:.0%}"


def _class_label(cls: str, n: int | None = None) -> str:
    count = f"\n({n:,} infants)" if n is not None else ""
    return f"{cls} {CLASS_NAMES[cls]}{count}"


def _stage_background(ax: plt.Axes, top: float) -> None:
    """Light bands naming the life stages, so a class sees where partners come in."""
    for start, end, name, shade in (
        (1, 12, "childhood", "#ffffff"),
        (12, 18, "adolescence", "#f2f2f2"),
        (18, 31, "adulthood: partners", "#e6e6e6"),
    ):
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
        colour = CONTINUITY_COLOURS.get(setting, "grey")
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
                color=ADULT_COLOURS[cat],
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
    handles = [Patch(color=ADULT_COLOURS[c], label=c.capitalize()) for c in CATEGORIES]
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
        color=[ADULT_COLOURS[c] for c in CATEGORIES],
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
        (right, 0.94, ADULT_COLOURS, "right"),
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


# ------------------------------------------------------------------ couples
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
    """Blue shades by how many partners are secure: the one thing bars are grouped by."""
    secure = pairing.split("+").count("secure")
    return {2: "#0072B2", 1: "#56B4E9", 0: "#999999"}[secure]


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
        ax.fill_between(x, rows["low"], rows["high"], color=COMFORT, alpha=0.2, lw=0)
        ax.plot(x, rows["satisfaction"], color=COMFORT, lw=2)
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
        Line2D([], [], color=COMFORT, lw=2, label="satisfaction (mean of both partners)"),
        Patch(color=COMFORT, alpha=0.2, label="its 95% interval"),
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


def couple_story_figure(
    log: pd.DataFrame, names: tuple[str, str], title: str, note: str = ""
) -> plt.Figure:
    """One couple week by week: each partner's bids (filled: said plainly, open: a hint), the
    partner's answer (comforted, withdrew, silence read as rejection), escalations and
    push-aways; pursuer-withdrawer weeks shaded; both partners' satisfaction below.
    ``log``: the couple's rows of ``AttachmentModel.couple_log`` (week 1 = the week they met);
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
    for ax in (events, sat):
        for week in x[log["demand_withdraw"].to_numpy(bool)]:
            ax.axvspan(week - 0.5, week + 0.5, color="#F0E442", alpha=0.55, lw=0, zorder=0)

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
            color="black",
            zorder=3,
        )
        events.plot(
            x[bid & ~direct],
            np.full((bid & ~direct).sum(), rows["bid"]),
            "o",
            ms=8,
            mfc="white",
            mec="black",
            mew=1.5,
            zorder=3,
        )
        # one marker row per behaviour: (column, row, vertical shift, marker, size, colour)
        for field, row, shift, marker, size, colour in (
            ("comforted", "answer", 0.2, "P", 8, COMFORT),
            ("withdrew", "answer", 0.0, "X", 8, WITHDRAWAL),
            ("read_as_rejection", "answer", -0.2, "v", 8, "0.45"),
            ("escalated", "escalated", 0.0, "^", 9, ESCALATION),
            ("pushed_away", "pushed_away", 0.0, "D", 7, "#CC79A7"),
        ):
            hit = col(field) > 0
            events.plot(
                x[hit],
                np.full(hit.sum(), rows[row] + shift),
                marker,
                ms=size,
                color=colour,
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

    colours = {"a": "#000000", "b": "#CC79A7"}
    for side, name in zip(("a", "b"), names, strict=True):
        sat.plot(x, log[f"satisfaction_{side}"], color=colours[side], lw=2, label=name)
    sat.set_ylim(0, 1)
    sat.set_ylabel("Satisfaction (0-1)")
    sat.set_xlabel("Week of the relationship")
    sat.set_xlim(0.5, len(log) + 0.5)
    sat.grid(axis="y", color="0.92")
    sat.legend(frameon=False, fontsize=9, loc="lower left", ncols=2)

    handles = [
        Line2D([], [], marker="o", color="black", ls="none", ms=8, label="asked plainly"),
        Line2D([], [], marker="o", mfc="white", mec="black", ls="none", ms=8, label="hinted"),
        Line2D([], [], marker="P", color=COMFORT, ls="none", ms=8, label="comforted"),
        Line2D([], [], marker="X", color=WITHDRAWAL, ls="none", ms=8, label="partner withdrew"),
        Line2D(
            [], [], marker="v", color="0.45", ls="none", ms=8, label="silence read as rejection"
        ),
        Line2D([], [], marker="^", color=ESCALATION, ls="none", ms=9, label="asked again, louder"),
        Line2D([], [], marker="D", color="#CC79A7", ls="none", ms=7, label="pushed partner away"),
        Patch(color="#F0E442", alpha=0.55, label="pursuer-withdrawer week"),
    ]
    fig.legend(handles=handles, frameon=False, ncols=4, loc="outside lower center", fontsize=9)
    return fig
