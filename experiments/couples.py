"""Adult couples by the partners' attachment categories: satisfaction, breakups, pursuit-withdrawal.

Run:  attachment-sim experiment couples [--runs 100 --workers 2 --seed 2026 --out DIR]
  or: python experiments/couples.py [same flags]

RUNS replicates of POPULATION to age HORIZON; every couple formed after 18 is one row of the
couples table, with the two partners' categories when they met (the pairing, e.g.
'dismissing+preoccupied'). POPULATION is 'balanced' (a quarter of each caregiver preset), not
the normative mix: the normative mix yields almost no preoccupied adults, so most pairings with
a preoccupied partner would be missing. Breakups count within 3 years of meeting, among couples
observed that long (still together after 3 years, or broken up before).

The stored tables have no week-by-week data, so the first TRACED_RUNS runs are run again here
with their week-by-week log (same seeds and parameters: the same couples as in the table); the
satisfaction curves and one couple's story come from them (traced_weeks.parquet).
At the defaults (100 runs of 100 people to age 30, 8 traced) it takes about a minute with 2
workers.

Copy this file and edit POPULATION, HORIZON or TRACED_RUNS to try your own variation.
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import numpy as np
import pandas as pd

from simulation import couple_figures
from simulation.experiment import ExperimentError, script_main
from simulation.figures import save_figure
from simulation.labels import pairing_label
from simulation.measures import Z95, interval_over_runs
from simulation.model import AttachmentModel
from simulation.model.life_course import ADULT_AGE, CATEGORIES, WEEKS_PER_YEAR
from simulation.model.parameters import validate
from simulation.model.run import run_seed
from simulation.storage import write_json, write_parquet, write_table
from simulation.sweep import Options, run_sweep

# ---- the model and its parameters -------------------------------------------------------------
NAME = "couples"
RUNS, SEED, DYADS = 100, 2026, 100
HORIZON = 30  # age in years at which every run ends (couples form from 18)
POPULATION = "balanced"  # the caregiver mix (see `attachment-sim params`, caregivers)
POPULATIONS: dict[str, dict] = {POPULATION: {"caregivers": POPULATION}}
TRACED_RUNS = 8  # runs re-run with their week-by-week couple log (satisfaction curves, story)
CURVE_YEARS = 3  # satisfaction curves over the first years of a relationship
MIN_COUPLES = 10  # a pairing needs this many traced couples for its own curve
STORY = "dismissing+preoccupied"  # the pairing of the couple whose story is told (if any)
STORY_WEEKS = WEEKS_PER_YEAR
BOOTSTRAP = 1000  # resamples of runs for the intervals of the pairing bars
# every possible pairing, in a fixed order (the two categories sorted, as in the table)
PAIRINGS = ["+".join(sorted(p)) for p in combinations_with_replacement(CATEGORIES, 2)]


def run(options: Options | None = None) -> dict:
    options = options or Options()
    if options.settings.get("horizon_years", HORIZON) <= ADULT_AGE:
        raise ExperimentError(f"{NAME} needs adults: horizon_years must be over {ADULT_AGE}")

    # ---- the sweep: RUNS replicates, stored as they finish -------------------------------------
    fixed = {"n_dyads": DYADS, "horizon_years": HORIZON}
    results = run_sweep(
        NAME,
        POPULATIONS,
        runs=RUNS,
        seed=SEED,
        fixed=fixed,
        options=options,
        keep=("runs", "infants", "couples"),
    )
    couples, out = results.couples, results.out
    if couples.empty:
        raise ExperimentError(f"{NAME}: no couple formed in any run (try more runs or people)")

    # ---- the numbers ----------------------------------------------------------------------------
    order = [p for p in PAIRINGS if p in set(couples["pairing"])]
    by_pairing = couples.groupby("pairing")
    observed = couples[couples["observed_3y"].astype(bool)]
    breakups = observed.groupby("pairing")["broke_up_3y"].mean()
    summary = {
        "experiment": NAME,
        "runs": results.runs_per_point,
        "seed": results.seed,
        "pairing_share": _ordered(couples["pairing"].value_counts(normalize=True), order),
        "satisfaction": _ordered(by_pairing["satisfaction"].mean(), order),
        "breakup_rate": _ordered(breakups.astype(float), order),
        "demand_withdraw_rate": _ordered(by_pairing["demand_withdraw_rate"].mean(), order),
    }

    # ---- the traced runs: the first runs again, with every couple's weeks ----------------------
    params = validate({**fixed, **options.settings, **POPULATIONS[POPULATION]})
    traced_runs = min(TRACED_RUNS, results.runs_per_point)  # runs of the sweep, not others
    weeks, traced = _traced_runs(params, results.seed, traced_runs)

    # ---- the figures ---------------------------------------------------------------------------
    table = _outcome_table(couples, order, np.random.default_rng(results.seed))
    curves, overall = _satisfaction_curves(weeks, traced, CURVE_YEARS * WEEKS_PER_YEAR)
    story, names, title, note, categories = _story(weeks, traced)
    runs = results.runs_per_point
    files = [
        write_table(table, out / "pairings.csv"),
        write_table(traced, out / "traced_couples.csv"),
        write_parquet(weeks, out / "traced_weeks.parquet"),
        *save_figure(
            couple_figures.pairing_outcomes_figure(table, runs, POPULATION), out, "pairing_outcomes"
        ),
        *save_figure(
            couple_figures.satisfaction_over_time_figure(
                curves, overall, CURVE_YEARS * WEEKS_PER_YEAR, traced_runs
            ),
            out,
            "satisfaction_over_time",
        ),
        *save_figure(
            couple_figures.couple_story_figure(story, names, title, note, categories),
            out,
            "couple_story",
        ),
        write_json(summary, out / "summary.json"),
    ]
    results.finish(files, summary)
    return summary


def _ordered(values: pd.Series, order: list[str]) -> dict[str, float]:
    """{pairing: value} in the fixed pairing order (NaN where a pairing has no data)."""
    return {p: float(values.get(p, np.nan)) for p in order}


def _traced_runs(params: dict, seed: int, runs: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Re-run replicates 0..runs-1 of the sweep with the couple log on (the seeds are the
    sweep's, so the couples are the same). Returns (weeks: one row per couple per week,
    couples: one row per couple), both with a ``traced_run`` column."""
    weeks, couples = [], []
    for r in range(runs):
        model = AttachmentModel(rng=run_seed(seed, POPULATION, r), trace_couples=True, **params)
        while model.running:
            model.step()
        if model.couples.log:
            weeks.append(pd.DataFrame(model.couples.log).assign(traced_run=r))
            couples.append(pd.DataFrame(model.couples_table()).assign(traced_run=r))
    if not weeks:
        raise ExperimentError(f"{NAME}: no couple formed in the traced runs")
    weeks_table = pd.concat(weeks, ignore_index=True)
    couples_table = pd.concat(couples, ignore_index=True)
    # week 1 = the couple's first week together
    first = weeks_table.groupby(["traced_run", "couple"])["week"].transform("min")
    weeks_table["week_together"] = weeks_table["week"] - first + 1
    pairing = couples_table.set_index(["traced_run", "couple"])["pairing"]
    weeks_table["pairing"] = pairing.reindex(
        pd.MultiIndex.from_frame(weeks_table[["traced_run", "couple"]])
    ).to_numpy()
    return weeks_table, couples_table


def _outcome_table(couples: pd.DataFrame, order: list[str], rng) -> pd.DataFrame:
    """Per pairing: couples, and for each outcome the pooled value with a 95% interval from
    resampling whole runs (couples of one run share one population)."""
    table = pd.DataFrame({"pairing": order})
    table["couples"] = couples["pairing"].value_counts().reindex(order).to_numpy()
    observed = couples["observed_3y"].astype(bool)
    outcomes = {
        "satisfaction": (couples, "satisfaction"),
        "breakup_rate": (couples[observed], "broke_up_3y"),
        "demand_withdraw_rate": (couples, "demand_withdraw_rate"),
    }
    for name, (rows, column) in outcomes.items():
        value, low, high = _bootstrap_runs(rows, column, order, rng)
        table[name], table[f"{name}_low"], table[f"{name}_high"] = value, low, high
    return table


def _bootstrap_runs(
    rows: pd.DataFrame, column: str, order: list[str], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled mean of ``column`` per pairing, and its 95% interval over BOOTSTRAP resamples of
    whole runs."""
    values = rows.assign(v=rows[column].astype(float))
    grouped = values.groupby([values["point"], values["run"], values["pairing"]])["v"]
    sums = grouped.sum().unstack("pairing").reindex(columns=order).fillna(0.0)
    counts = grouped.count().unstack("pairing").reindex(columns=order).fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):  # a pairing with no couple: NaN
        value = sums.sum().to_numpy() / counts.sum().to_numpy()
    per_run = (sums.to_numpy(), counts.to_numpy())  # a resample's mean: its sums over its counts
    low, high = interval_over_runs(per_run, np.divide, rng, BOOTSTRAP)
    return value, low, high


def _satisfaction_curves(
    weeks: pd.DataFrame, couples: pd.DataFrame, horizon: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean satisfaction (both partners) of the couples still together, by week together, per
    pairing with enough couples; and the share still together among the couples observed that
    long (together at that week, or broken up before: a couple the run's end cut short is not
    counted as a breakup)."""
    rows = weeks[weeks["week_together"] <= horizon].assign(
        satisfaction=lambda t: 0.5 * (t["satisfaction_a"] + t["satisfaction_b"])
    )
    grid = np.arange(1, horizon + 1)
    overall = rows.groupby("week_together")["satisfaction"].mean().reset_index()
    overall = overall.rename(columns={"week_together": "week"})
    counts = couples["pairing"].value_counts()
    parts = []
    for pairing in PAIRINGS:
        if counts.get(pairing, 0) < MIN_COUPLES:
            continue
        group = couples[couples["pairing"] == pairing]
        lasted = group["weeks"].to_numpy()[:, None] >= grid
        observed = lasted | group["broke_up"].to_numpy(bool)[:, None]
        stats = rows[rows["pairing"] == pairing].groupby("week_together")["satisfaction"]
        mean, sd, n = stats.mean(), stats.std(ddof=1), stats.count()
        half = (Z95 * sd / np.sqrt(n)).fillna(0.0)
        part = pd.DataFrame({"week": grid, "pairing": pairing, "couples": len(group)})
        part["satisfaction"] = mean.reindex(grid).to_numpy()
        part["low"] = (mean - half).reindex(grid).to_numpy()
        part["high"] = (mean + half).reindex(grid).to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            part["together"] = lasted.sum(axis=0) / observed.sum(axis=0)
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["week", "pairing", "couples", "satisfaction", "low", "high", "together"]
    ), overall


def _story(
    weeks: pd.DataFrame, couples: pd.DataFrame
) -> tuple[pd.DataFrame, tuple[str, str], str, str, tuple[str, str]]:
    """One couple's first year for the story figure: the first STORY couple lasting a year, else
    the longest STORY couple, else the first couple lasting a year, else the longest couple.
    Returns its weeks, the partners' names, the title, a note and the partners' categories."""
    year = couples["weeks"] >= STORY_WEEKS
    wanted = couples["pairing"] == STORY
    for choice, how in (
        (wanted & year, f"the first {STORY} couple lasting a year"),
        (wanted, f"the longest {STORY} couple"),
        (year, "the first couple lasting a year"),
        (couples["weeks"] > 0, "the longest couple"),
    ):
        if choice.any():
            picked = couples[choice]
            row = picked.iloc[0] if "first" in how else picked.loc[picked["weeks"].idxmax()]
            break
    log = weeks[(weeks["traced_run"] == row["traced_run"]) & (weeks["couple"] == row["couple"])]
    log = log[log["week_together"] <= STORY_WEEKS]
    a, b = str(row["category_a"]), str(row["category_b"])
    if (a, b) == ("dismissing", "preoccupied") or (b == "preoccupied" and a != b):
        # the pursuer (the more anxious partner) on top, as the story is usually told
        log = log.rename(columns=lambda c: _swap_side(c))
        a, b = b, a
    names = (f"Partner 1 ({a})", f"Partner 2 ({b})")
    pairing = pairing_label(str(row["pairing"]))
    ended = (
        f"broke up after {int(row['weeks'])} weeks"
        if row["broke_up"]
        else f"still together after {int(row['weeks'])} weeks (the run's end)"
    )
    title = f"One {pairing} couple, week by week (first {len(log)} weeks)"
    note = (
        f"traced run {int(row['traced_run']) + 1}, couple {int(row['couple'])}: {how};"
        f" met at {float(row['formed_age']):.1f}, {ended}"
    )
    return log, names, title, note, (a, b)


def _swap_side(column: str) -> str:
    if column.endswith("_a"):
        return column[:-2] + "_b"
    if column.endswith("_b"):
        return column[:-2] + "_a"
    return column


if __name__ == "__main__":
    script_main(run, __doc__.splitlines()[0])
