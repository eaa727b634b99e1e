"""Figures of the interventions and intergenerational experiments.

Each figure carries a note under it saying what it shows and what it does not: these are
simulated trials and families, whose sizes follow from the model's assumptions, not clinical
findings.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from simulation.labels import class_label, intervention_label, population_label, years_label
from simulation.measures import Z95
from simulation.model.interventions import FOLLOW_UP_YEARS
from simulation.model.life_course import CATEGORIES
from simulation.model.strange_situation import CLASSES
from simulation.palette import ARM_COLOURS, CATEGORY_COLOURS, CLASS_COLOURS, OUTCOME_COLOURS

ARMS = ("control", "treated")
NOT_CLINICAL = (
    "A model, not a clinical trial: effect sizes follow from the assumed strength of each"
    " mechanism (simulation/model/interventions.py)."
)


def _note(fig: plt.Figure, text: str) -> None:
    fig.text(0.01, -0.01, textwrap.fill(text, 150), ha="left", va="top", fontsize=8.5, color="0.3")


def intervention_effects_figure(
    effects: pd.DataFrame, order: list[str], runs: int, population: str, target: str
) -> plt.Figure:
    """Dots with 95% intervals: Cohen's d of the change of treated minus controls, per
    intervention and outcome."""
    fig, ax = plt.subplots(figsize=(10, 0.75 * len(order) + 2.2), layout="constrained")
    outcomes = list(OUTCOME_COLOURS)
    y = np.arange(len(order))[::-1]
    for k, outcome in enumerate(outcomes):
        rows = effects[effects["outcome"] == outcome].set_index("intervention").reindex(order)
        d, low, high = (rows[c].to_numpy(float) for c in ("d", "low", "high"))
        offset = (k - 1) * 0.22
        err = np.nan_to_num(np.clip(np.vstack([d - low, high - d]), 0, None))
        ax.errorbar(
            d, y + offset, xerr=err, fmt="o", color=OUTCOME_COLOURS[outcome], capsize=2,
            label=outcome, ms=6,
        )  # fmt: skip
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [intervention_label(i) for i in order])
    ax.set_xlabel("Cohen's d of the change, treated minus controls (negative = reduced)")
    ax.grid(axis="x", color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    ax.legend(frameon=False, loc="lower right", fontsize=9, title="outcome")
    ax.set_title(
        f"Ways towards security: change {years_label(FOLLOW_UP_YEARS)} after the intervention"
        " ends\n"
        f"({target} adults of the {population_label(population).lower()} population,"
        f" {runs} runs; lines: 95% interval, resampling whole runs)",
        fontsize=12,
    )
    _note(
        fig,
        "Shows: how much more the anxiety and avoidance (ECR questionnaire, with its retest error)"
        " and the relationship satisfaction of treated people changed than those of randomised"
        " controls in the same runs. Does not show: lasting effects beyond one year, who would"
        " take part in reality, or any cost; satisfaction counts only people partnered at both"
        " times (none for a secure partner, who is the relationship). " + NOT_CLINICAL,
    )
    return fig


def caregiver_programme_figure(infants: pd.DataFrame, runs: int, population: str) -> plt.Figure:
    """Treated against control infants: the caregivers' observed sensitivity and the share of
    secure (B) infants, with 95% intervals over runs."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
    for ax, (column, title) in zip(
        axes,
        (
            ("observed_sensitivity", "Observed sensitivity at 9 months\n(share of bids comforted)"),
            ("secure", "Secure (B) in the Strange Situation\nat 12 months"),
        ),
        strict=True,
    ):
        per_run = infants.groupby(["run", "trial_arm"])[column].mean().unstack()
        arms = list(ARMS)
        mean = per_run[arms].mean()
        half = Z95 * per_run[arms].std(ddof=1) / np.sqrt(len(per_run))
        ax.bar(arms, mean, yerr=half, color=[ARM_COLOURS[a] for a in arms], capsize=4)
        for x, value in enumerate(mean):  # black: readable on both arms' light colours
            ax.text(x, value / 2, f"{value:.0%}", ha="center", color="black", fontsize=11)
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.set_title(title, fontsize=11)
    fig.suptitle(
        "Helping caregivers respond more sensitively (video feedback from 3 months)\n"
        f"{population_label(population)} caregivers, {runs} runs; lines: 95% interval over runs",
        fontsize=12,
    )
    _note(
        fig,
        "Shows: infants whose caregivers were randomly offered the programme against those whose"
        " caregivers were not. Does not show: effects on later years or on a caregiver who"
        " drops out; the programme's strength is an assumption chosen to be near published"
        " effects (Bakermans-Kranenburg et al. 2003). " + NOT_CLINICAL,
    )
    return fig


def _stacked(ax: plt.Axes, shares: pd.DataFrame, colours: dict[str, str]) -> None:
    left = np.zeros(len(shares))
    y = np.arange(len(shares))[::-1]
    for column in shares.columns:
        values = shares[column].to_numpy(float)
        ax.barh(y, values, left=left, color=colours[column], height=0.6)
        for yi, lo, v in zip(y, left, values, strict=True):
            if v >= 0.06:
                ax.text(lo + v / 2, yi, f"{v:.0%}", ha="center", va="center", color="white")
        left += values
    ax.set_yticks(y, [f"generation {g + 1}" for g in shares.index])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0, decimals=0))


def generations_figure(people: pd.DataFrame, runs: int, population: str) -> plt.Figure:
    """Strange Situation classes and adult categories, generation by generation."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 0.6 * people["generation"].nunique() + 2.4))
    infant = pd.crosstab(people["generation"], people["ssp_class"], normalize="index")
    infant = infant.reindex(columns=list(CLASSES), fill_value=0.0)
    adult = pd.crosstab(people["generation"], people["adult_category"], normalize="index")
    adult = adult.reindex(columns=list(CATEGORIES), fill_value=0.0)
    _stacked(axes[0], infant, CLASS_COLOURS)
    axes[0].set_title("Strange Situation class at 12 months", fontsize=11)
    _stacked(axes[1], adult, CATEGORY_COLOURS)
    axes[1].set_title("Adult category at the end of the run", fontsize=11)
    axes[1].set_yticks([])
    handles = [Patch(color=CLASS_COLOURS[c], label=class_label(c)) for c in CLASSES]
    handles += [Patch(color=CATEGORY_COLOURS[c], label=c) for c in CATEGORIES]
    fig.legend(handles=handles, frameon=False, ncols=4, loc="lower center", fontsize=9)
    fig.suptitle(
        f"Generations: generation 1 raised by the {population_label(population).lower()} mix,"
        f" each later one by the one before ({runs} runs)",
        fontsize=12,
    )
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    _note(
        fig,
        "Shows: how the shares change when each person raises one child with care that follows"
        " from their own working model and relationship at the birth, with noise. Does not show:"
        " siblings, fathers and mothers separately, culture or history; each generation is a"
        " cohort of the same size. A model, not a claim about real families.",
    )
    return fig


def transmission_figure(children: pd.DataFrame, stats: dict[str, float], runs: int) -> plt.Figure:
    """The children's Strange Situation classes by their parent's adult category, and the paths
    of the mediation through observed sensitivity."""
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.4), width_ratios=(1.3, 1))
    shares = pd.crosstab(children["parent_category"], children["ssp_class"], normalize="index")
    shares = shares.reindex(index=list(CATEGORIES), columns=list(CLASSES)).dropna(how="all")
    counts = children["parent_category"].value_counts()
    _stacked(axes[0], shares.reset_index(drop=True), CLASS_COLOURS)
    axes[0].set_yticks(
        np.arange(len(shares))[::-1], [f"{c} parent ({counts.get(c, 0):,})" for c in shares.index]
    )
    axes[0].set_title("Child's class at 12 months, by the parent's category at the birth")
    axes[0].legend(
        handles=[Patch(color=CLASS_COLOURS[c], label=c) for c in CLASSES],
        frameon=False,
        ncols=4,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
    )
    ax = axes[1]
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    boxes = {
        "parent": (0.12, 0.25, "Parent's\nsecurity"),
        "sens": (0.5, 0.8, "Observed\nsensitivity"),
        "child": (0.88, 0.25, "Child\nsecure (B)"),
    }
    for x, y, text in boxes.values():
        ax.text(x, y, text, ha="center", va="center", bbox=dict(boxstyle="round", fc="0.95"))
    arrows = (
        ("parent", "sens", f"a = {stats['path_a']:.2f}"),
        ("sens", "child", f"b = {stats['path_b']:.2f}"),
        (
            "parent",
            "child",
            f"c = {stats['path_c']:.2f} (direct c' = {stats['path_c_direct']:.2f})",
        ),
    )
    for (start, end, label), shift in zip(arrows, (-0.1, 0.1, 0.0), strict=True):
        (x0, y0, _), (x1, y1, _) = boxes[start], boxes[end]
        ax.annotate("", (x1 - 0.09 * np.sign(x1 - x0), y1), (x0 + 0.09 * np.sign(x1 - x0), y0),
                    arrowprops=dict(arrowstyle="->", lw=1.4))  # fmt: skip
        ax.text((x0 + x1) / 2 + shift, (y0 + y1) / 2 + 0.06, label, ha="center", fontsize=10)
    ax.set_title(
        f"Mediated by sensitivity: {stats['sensitivity_mediated_share']:.0%} of the link",
        fontsize=11,
    )
    fig.suptitle(
        f"Transmission from parent to child: concordance {stats['concordance']:.0%},"
        f" kappa {stats['kappa']:.2f}, r {stats['r_parent_child_security']:.2f}"
        f" ({stats['pairs']:,} parent-child pairs, {runs} runs)",
        fontsize=12,
    )
    fig.tight_layout()
    _note(
        fig,
        "Shows: secure parents (adult category at the birth) have secure infants more often; the"
        " paths are least-squares slopes (parent security 0-1, sensitivity 0-1, secure 0/1)."
        " Meta-analytic benchmarks (van IJzendoorn 1995, adult attachment interview against the"
        " Strange Situation): concordance about 75%, kappa about .49, of which sensitivity"
        " carries about a quarter (the transmission gap). Here the parent is measured by the"
        " model's questionnaire scores, not an interview. A model, not a claim about families.",
    )
    return fig
