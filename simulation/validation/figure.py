"""The validation figure: every check's figure against its band, on every seed.

Left: the normative class shares of the calibration seed (with 95% intervals over runs) against
the published bands, the other seeds as small marks. Right: every other check, the calibration
seed as a large mark, the other seeds as small ones.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from simulation import palette
from simulation.measures import class_shares
from simulation.model.strange_situation import CLASS_NAMES, CLASSES
from simulation.validation.checks import Check
from simulation.validation.document import ValidationReport

PASS_COLOUR = palette.BLACK
MISS_COLOUR = palette.VERMILLION  # with an X mark and the word "miss", never by colour alone
BAND_COLOUR = palette.GREY
BAND_EDGE = palette.DARK_GREY


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


def _others(report: ValidationReport, check_id: str) -> list[Check]:
    """The same check on the other seeds."""
    return [c for v in report.other_seeds for c in v.checks if c.id == check_id]


def validation_figure(report: ValidationReport) -> plt.Figure:
    validation = report.calibration
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(13.5, 6.2), gridspec_kw={"width_ratios": [1.1, 1.6]}
    )

    shares = class_shares(validation.normative).set_index("ssp_class")
    bands = {c.id.rsplit("_", 1)[1]: c for c in validation.checks if c.group == "share"}
    for i, cls in enumerate(CLASSES):
        check = bands[cls]
        left.fill_between(
            [i - 0.42, i + 0.42],
            check.band.low,
            check.band.high,
            color=BAND_COLOUR,
            alpha=0.5,
            lw=0,
            label="published band" if i == 0 else None,
        )
        left.hlines(
            [check.band.low, check.band.high], i - 0.42, i + 0.42, color=BAND_EDGE, lw=0.8, zorder=3
        )
        row = shares.loc[cls]
        err = [[max(0.0, row["share"] - row["low"])], [max(0.0, row["high"] - row["share"])]]
        left.bar(
            i,
            row["share"],
            0.5,
            yerr=np.nan_to_num(err),
            capsize=3,
            color=palette.CLASS_COLOURS[cls],
            alpha=0.9 if check.passed else 0.45,
            hatch=None if check.passed else "//",
        )
        others = _others(report, check.id)
        left.plot(
            [i + 0.33] * len(others),
            [c.value for c in others],
            marker="o",
            mfc="none",
            ms=5,
            ls="none",
            color=PASS_COLOUR,
            label="other seeds" if i == 0 and others else None,
        )
        top = np.nanmax([row["share"], row["high"], check.band.high, *[c.value for c in others]])
        left.text(
            i,
            top + 0.03,
            "pass" if check.passed else "miss",
            ha="center",
            fontsize=9,
            color=PASS_COLOUR if check.passed else MISS_COLOUR,
        )
    left.set_xticks(range(len(CLASSES)), [f"{c}\n{CLASS_NAMES[c].split('/')[0]}" for c in CLASSES])
    left.set_ylim(0, max(0.8, float(shares["high"].max()) + 0.1))
    left.set_ylabel("Share of infants")
    left.set_title(
        f"Normative mix, seed {validation.seed} ({_runs(validation.runs_normative)})", fontsize=11
    )
    left.legend(frameon=False, loc="upper right", fontsize=9)
    left.text(
        1, -0.16, "bars: 95% interval over runs", transform=left.transAxes, ha="right", fontsize=8
    )

    others_checks = [c for c in validation.checks if c.group != "share"]
    if report.life is not None:
        others_checks += report.life.checks
    lo_axis, hi_axis = -0.1, 1.0
    for y, check in enumerate(others_checks):
        low = lo_axis if check.band.low is None else check.band.low
        high = hi_axis if check.band.high is None else check.band.high
        right.fill_betweenx(
            [y - 0.35, y + 0.35],
            low,
            high,
            color=BAND_COLOUR,
            alpha=0.5,
            lw=0,
            label="allowed band" if y == 0 else None,
        )
        right.plot(
            check.value,
            y,
            marker="o" if check.passed else "X",
            ms=8,
            ls="none",
            color=PASS_COLOUR if check.passed else MISS_COLOUR,
        )
        others = _others(report, check.id)
        right.plot(
            [c.value for c in others],
            [y + 0.2] * len(others),
            marker="o",
            mfc="none",
            ms=5,
            ls="none",
            color=PASS_COLOUR,
        )
    right.plot([], [], "o", color=PASS_COLOUR, label=f"seed {validation.seed}: pass")
    right.plot([], [], "X", color=MISS_COLOUR, label="miss")
    if report.other_seeds:
        seeds = ", ".join(str(v.seed) for v in report.other_seeds)
        word = "seeds" if len(report.other_seeds) > 1 else "seed"
        right.plot([], [], "o", mfc="none", color=PASS_COLOUR, label=f"{word} {seeds}")
    right.set_yticks(range(len(others_checks)), [c.name for c in others_checks], fontsize=8.5)
    right.invert_yaxis()
    right.set_xlim(lo_axis, hi_axis)
    right.axvline(0, color=BAND_EDGE, lw=0.6)
    right.set_xlabel("Model figure (share, correlation, agreement or lead)")
    right.set_title(
        f"Correlations, reliability, presets ({_runs(validation.runs_preset)} each) and the"
        " life course",
        fontsize=11,
    )
    right.legend(
        frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=4
    )
    checks = report.checks
    passed = sum(c.passed for c in checks)
    fig.suptitle(f"Validation: {passed} of {len(checks)} checks pass")
    fig.tight_layout()
    return fig
