"""Summaries of many runs: class shares with intervals, correlations, re-test agreement."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.life_course import CATEGORIES
from simulation.strange_situation import CLASSES

Z95 = 1.959963984540054


def class_shares_by_run(infants: pd.DataFrame, by: str = "population") -> pd.DataFrame:
    """Share of each Strange Situation class in every run (rows: group and run; columns A-D)."""
    counts = pd.crosstab([infants[by], infants["run"]], infants["ssp_class"])
    counts = counts.reindex(columns=list(CLASSES), fill_value=0)
    return counts.div(counts.sum(axis=1), axis=0)


def class_shares(infants: pd.DataFrame, by: str = "population") -> pd.DataFrame:
    """Mean share of each class over runs with a 95% interval of that mean (normal theory).

    Returns one row per group and class: group, class, share, low, high, runs.
    """
    per_run = class_shares_by_run(infants, by)
    rows = []
    for group, frame in per_run.groupby(level=0, sort=False):
        n = len(frame)
        for cls in CLASSES:
            values = frame[cls].to_numpy()
            mean = float(values.mean())
            half = Z95 * float(values.std(ddof=1)) / np.sqrt(n) if n > 1 else np.nan
            rows.append(
                dict(
                    group=group,
                    ssp_class=cls,
                    share=mean,
                    low=mean - half,
                    high=mean + half,
                    runs=n,
                )
            )
    return pd.DataFrame(rows)


def shares_dict(infants: pd.DataFrame) -> dict[str, float]:
    """Pooled share of each class (keys A-D, summing to 1)."""
    counts = infants["ssp_class"].value_counts()
    total = counts.sum()
    return {c: float(counts.get(c, 0) / total) for c in CLASSES}


def correlation(x: pd.Series | np.ndarray, y: pd.Series | np.ndarray) -> float:
    """Pearson correlation over the pairs where both are known (point-biserial for 0/1 y)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    if keep.sum() < 3 or x[keep].std() == 0 or y[keep].std() == 0:
        return float("nan")
    return float(np.corrcoef(x[keep], y[keep])[0, 1])


def infant_to_adult(infants: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How the infant classes carried into the adult categories at the end of the runs:
    (counts, shares of each class's row). A class with no infants is a row of NaN shares."""
    counts = pd.crosstab(infants["ssp_class"], infants["adult_category"]).reindex(
        index=list(CLASSES), columns=list(CATEGORIES), fill_value=0
    )
    per_class = counts.sum(axis=1)
    return counts, counts.div(per_class.where(per_class > 0), axis=0)


def retest_agreement(infants: pd.DataFrame) -> float:
    """Share of infants given the same class by two Strange Situations on the same day."""
    return float((infants["ssp_class"] == infants["ssp_retest_class"]).mean())


SUMMARY_MEANS = (
    "anxiety",
    "avoidance",
    "self_model",
    "other_model",
    "uncertainty",
    "suppression",
    "alarm",
    "observed_sensitivity",
)


def run_summary(
    table: dict[str, np.ndarray], couples: dict[str, np.ndarray] | None = None
) -> dict[str, float]:
    """One run in one row: class shares, mean scores, correlations and re-test agreement; past
    the first year also the adult categories, continuity from 12 months and couple outcomes."""
    classes = np.asarray(table["ssp_class"])
    row: dict[str, float] = {f"share_{c}": float((classes == c).mean()) for c in CLASSES}
    for name in SUMMARY_MEANS:
        row[f"mean_{name}"] = float(np.nanmean(table[name]))
    secure = np.asarray(table["secure"], dtype=float)
    row["sensitivity_security_r"] = correlation(table["observed_sensitivity"], secure)
    row["true_sensitivity_security_r"] = correlation(table["sensitivity"], secure)
    row["ssp_retest_agreement"] = float((classes == np.asarray(table["ssp_retest_class"])).mean())
    if "adult_category" in table:
        category = np.asarray(table["adult_category"])
        row["final_age"] = float(np.max(table["final_age"]))
        for c in CATEGORIES:
            row[f"share_{c}"] = float((category == c).mean())
        row["security_stability_r"] = correlation(secure, table["adult_secure"])
        row["mean_adult_anxiety_ecr"] = float(np.mean(table["adult_anxiety_ecr"]))
        row["mean_adult_avoidance_ecr"] = float(np.mean(table["adult_avoidance_ecr"]))
        row["mean_partners"] = float(np.mean(table["partners"]))
        satisfaction = np.asarray(table["mean_satisfaction"], dtype=float)
        row["mean_satisfaction"] = (
            float(np.nanmean(satisfaction)) if (~np.isnan(satisfaction)).any() else float("nan")
        )
        # the same columns whether or not any couple formed (every stored part alike)
        row.update(
            couples=0,
            couple_satisfaction=float("nan"),
            demand_withdraw_rate=float("nan"),
            breakup_rate_3y=float("nan"),
        )
    if couples:
        row["couples"] = len(couples["couple"])
        row["couple_satisfaction"] = float(np.mean(couples["satisfaction"]))
        row["demand_withdraw_rate"] = float(np.mean(couples["demand_withdraw_rate"]))
        observed = np.asarray(couples["observed_3y"], dtype=bool)
        row["breakup_rate_3y"] = (
            float(np.mean(np.asarray(couples["broke_up_3y"])[observed]))
            if observed.any()
            else float("nan")
        )
    return row
