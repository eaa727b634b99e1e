"""Summaries of many runs: class shares with intervals, correlations, re-test agreement, and
the one interval by resampling whole runs that every experiment uses."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulation.model.life_course import CATEGORIES
from simulation.model.run import correlation
from simulation.model.strange_situation import CLASSES

Z95 = 1.959963984540054
RESAMPLES = 1000  # how many times the runs are resampled for one interval


def interval_over_runs(
    per_run: np.ndarray | tuple[np.ndarray, ...] | Sequence[pd.DataFrame],
    statistic: Callable[..., Any],
    rng: np.random.Generator,
    resamples: int = RESAMPLES,
) -> tuple[np.ndarray, np.ndarray]:
    """A 95% interval of ``statistic`` from resampling whole runs with replacement: the people of
    one run share one population, so runs, not people, are the independent units. Returns the
    2.5 and 97.5 percentiles over ``resamples`` resamples (NaN where no resample has a value,
    and with fewer than two runs, which leave nothing to resample).

    ``per_run`` is either per-run sums, an array (or a tuple of arrays) with one row per run,
    which a resample adds up over its runs before ``statistic(*totals)`` turns them into one
    value per resample along the first axis (fast: no frame is rebuilt); or a list of per-run
    frames, which a resample concatenates before ``statistic(frame)`` returns a value or a
    vector. Either way the runs are drawn by one ``rng.integers`` call of shape
    (resamples, runs), so a seeded generator gives the same interval every time."""
    if isinstance(per_run, np.ndarray):
        per_run = (per_run,)
    from_sums = isinstance(per_run, tuple)
    n = len(per_run[0]) if from_sums else len(per_run)
    with np.errstate(invalid="ignore", divide="ignore"):  # a resample without a group: NaN
        if n < 2:
            if not from_sums and n == 0:
                return np.full((), np.nan), np.full((), np.nan)
            pooled = (
                statistic(*(a.sum(axis=0)[None] for a in per_run))[0]
                if from_sums
                else statistic(pd.concat(per_run, ignore_index=True))
            )
            nan = np.full(np.shape(pooled), np.nan)
            return nan, nan.copy()
        pick = rng.integers(0, n, (resamples, n))
        if from_sums:
            values = statistic(*(a[pick].sum(axis=1) for a in per_run))
        else:
            values = np.array(
                [statistic(pd.concat([per_run[i] for i in row], ignore_index=True)) for row in pick]
            )
    with warnings.catch_warnings():  # a value no resample has (e.g. a group never observed)
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(values, [2.5, 97.5], axis=0)
    return low, high


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


# ------------------------------------------------------------------ trials and generations
def cohens_d(treated: np.ndarray, control: np.ndarray) -> float:
    """Cohen's d: difference of means over the pooled sd (NaN with fewer than 2 in a group)."""
    t, c = np.asarray(treated, float), np.asarray(control, float)
    t, c = t[~np.isnan(t)], c[~np.isnan(c)]
    if len(t) < 2 or len(c) < 2:
        return float("nan")
    pooled = ((len(t) - 1) * t.var(ddof=1) + (len(c) - 1) * c.var(ddof=1)) / (len(t) + len(c) - 2)
    return float((t.mean() - c.mean()) / np.sqrt(pooled)) if pooled > 0 else float("nan")


def _d_from_sums(sums: np.ndarray) -> np.ndarray:
    """Cohen's d from per-arm sums [n_t, s_t, q_t, n_c, s_c, q_c] (last axis: the six)."""
    n_t, s_t, q_t, n_c, s_c, q_c = np.moveaxis(sums, -1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        m_t, m_c = s_t / n_t, s_c / n_c
        ss = (q_t - n_t * m_t**2) + (q_c - n_c * m_c**2)
        return (m_t - m_c) / np.sqrt(ss / (n_t + n_c - 2))


def effect_of_change(
    people: pd.DataFrame,
    before: str,
    after: str,
    rng: np.random.Generator,
    resamples: int = RESAMPLES,
    runs: list[str] | None = None,
) -> dict[str, float]:
    """Cohen's d of the change (after - before) of treated minus that of controls, with a 95%
    interval from resampling whole runs (people of one run share one population), and the
    mean change of each arm. ``people`` has trial_arm and the run columns ``runs``."""
    runs = runs or ["point", "run"]
    change = people[after].astype(float) - people[before].astype(float)
    rows = people.assign(change=change).dropna(subset=["change"])
    rows = rows[rows["trial_arm"].isin(["treated", "control"])]
    if rows.empty:
        return dict(d=np.nan, low=np.nan, high=np.nan, treated=np.nan, control=np.nan, n=0)
    rows = rows.assign(sq=rows["change"] ** 2, one=1.0)
    per_run = rows.groupby([*runs, "trial_arm"])[["one", "change", "sq"]].sum().unstack()
    per_run = per_run.reindex(
        columns=pd.MultiIndex.from_product([["one", "change", "sq"], ["treated", "control"]])
    ).fillna(0.0)
    order = [(k, arm) for arm in ("treated", "control") for k in ("one", "change", "sq")]
    sums = per_run[order].to_numpy()
    d = float(_d_from_sums(sums.sum(axis=0)))
    low, high = (float(v) for v in interval_over_runs(sums, _d_from_sums, rng, resamples))
    arm_mean = rows.groupby("trial_arm")["change"].mean()
    return dict(
        d=d,
        low=low,
        high=high,
        treated=float(arm_mean.get("treated", np.nan)),
        control=float(arm_mean.get("control", np.nan)),
        n=int(len(rows)),
    )


def cohens_kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Agreement of two 0/1 codings beyond chance."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    observed = float((a == b).mean())
    chance = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return (observed - chance) / (1.0 - chance) if chance < 1.0 else float("nan")


def mediation(x: np.ndarray, m: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Linear mediation of x -> y through m (Baron & Kenny paths, ordinary least squares):
    a (x -> m), b (m -> y given x), c (total x -> y), c' (direct), and the mediated share a*b/c."""
    x, m, y = (np.asarray(v, float) for v in (x, m, y))
    keep = ~(np.isnan(x) | np.isnan(m) | np.isnan(y))
    x, m, y = x[keep], m[keep], y[keep]
    if len(x) < 3 or x.std() == 0:
        return dict(a=np.nan, b=np.nan, c=np.nan, c_direct=np.nan, mediated_share=np.nan)
    a = float(np.polyfit(x, m, 1)[0])
    c = float(np.polyfit(x, y, 1)[0])
    design = np.column_stack([np.ones_like(x), x, m])
    _, c_direct, b = np.linalg.lstsq(design, y, rcond=None)[0]
    share = a * b / c if c != 0 else float("nan")
    return dict(a=a, b=float(b), c=c, c_direct=float(c_direct), mediated_share=float(share))


def transmission(children: pd.DataFrame) -> dict[str, float]:
    """Parent adult security against child infant security, over parent-child pairs: the
    concordance of secure/insecure, Cohen's kappa, the correlation of the parent's security
    score with the child's secure class, and the share of that link carried by the parent's
    observed sensitivity."""
    parent, child = children["parent_secure"].to_numpy(), children["secure"].to_numpy()
    path = mediation(
        children["parent_security"], children["observed_sensitivity"], children["secure"]
    )
    return dict(
        concordance=float((parent == child).mean()),
        kappa=cohens_kappa(parent, child),
        r_parent_child_security=correlation(children["parent_security"], children["secure"]),
        sensitivity_mediated_share=path["mediated_share"],
        **{f"path_{k}": v for k, v in path.items() if k != "mediated_share"},
        pairs=int(len(children)),
    )
