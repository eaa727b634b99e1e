"""Adult attachment at 30: the four categories in the normative population and their origins.

Run:  attachment-sim experiment adult_styles [--runs 100 --workers 2 --seed 2026 --out DIR]
  or: python experiments/adult_styles.py [same flags]

RUNS replicates of POPULATION (the normative caregiver mix) to age HORIZON. Each person's
category at the end (Bartholomew's secure, preoccupied, dismissing, fearful, from anxiety and
avoidance on the ECR scale with fixed cut-offs) is shown beside a published distribution,
Bartholomew & Horowitz (1991, 77 students), as a reference for the order of magnitude, not a
target the model is fitted to; and each infant class at 12 months is followed into the adult
categories. The normative mix has few resistant (C) infants and most of them (about 80%) become
secure, so it yields almost no preoccupied adults: a finding of the model as it stands, not a bug of
this script (use POPULATION = "balanced" to see all four categories).
At the defaults (100 runs of 100 people to age 30) it takes under 1.5 minutes with 2 workers.

Copy this file and edit POPULATION or HORIZON to try your own variation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation import life_figures
from simulation.experiment import ExperimentError, script_main
from simulation.figures import save_figure
from simulation.measures import Z95, infant_to_adult
from simulation.model.life_course import CATEGORIES
from simulation.model.strange_situation import CLASSES
from simulation.storage import write_json, write_table
from simulation.sweep import Options, run_sweep

# ---- the model and its parameters -------------------------------------------------------------
NAME = "adult_styles"
RUNS, SEED, DYADS = 100, 2026, 100
HORIZON = 30  # age in years at which every run ends (the categories are taken then)
POPULATION = "normative"  # the caregiver mix (see `attachment-sim params`, caregivers)
POPULATIONS: dict[str, dict] = {POPULATION: {"caregivers": POPULATION}}
# Bartholomew & Horowitz (1991), study 1: 77 students' self-reports. A reference, not a target.
REFERENCE = {"secure": 0.47, "preoccupied": 0.14, "dismissing": 0.18, "fearful": 0.21}
REFERENCE_LABEL = "Reference, not a target: Bartholomew & Horowitz (1991), 77 students"


def run(options: Options | None = None) -> dict:
    options = options or Options()
    if options.settings.get("horizon_years", HORIZON) < 2:
        raise ExperimentError(f"{NAME} needs adults: horizon_years must be at least 2")

    # ---- the sweep: RUNS replicates, stored as they finish -------------------------------------
    results = run_sweep(
        NAME,
        POPULATIONS,
        runs=RUNS,
        seed=SEED,
        fixed={"n_dyads": DYADS, "horizon_years": HORIZON},
        options=options,
        keep=("runs", "infants"),  # one row per person holds the adult category at the end
    )
    infants, out = results.infants, results.out

    # ---- the numbers ----------------------------------------------------------------------------
    category = infants["adult_category"]
    flows, row_shares = infant_to_adult(infants)  # NaN shares: no infant of a class
    summary = {
        "experiment": NAME,
        "runs": results.runs_per_point,
        "seed": results.seed,
        "adult_distribution": {c: float((category == c).mean()) for c in CATEGORIES},
        "infant_to_adult": {
            cls: {c: float(row_shares.loc[cls, c]) for c in CATEGORIES} for cls in CLASSES
        },
    }

    # ---- the figures ---------------------------------------------------------------------------
    shares = _shares_over_runs(infants)
    shares["reference"] = shares["category"].map(REFERENCE)
    age = int(infants["final_age"].max())
    runs = results.runs_per_point
    files = [
        write_table(shares, out / "adult_categories.csv"),
        write_table(flows.rename_axis(index="infant_class").reset_index(), out / "flows.csv"),
        *save_figure(
            life_figures.adult_categories_figure(
                shares, REFERENCE, REFERENCE_LABEL, age, runs, POPULATION
            ),
            out,
            "adult_categories",
        ),
        *save_figure(
            life_figures.infant_to_adult_flow_figure(flows, age, runs), out, "infant_to_adult"
        ),
        write_json(summary, out / "summary.json"),
    ]
    results.finish(files, summary)
    return summary


def _shares_over_runs(infants: pd.DataFrame) -> pd.DataFrame:
    """Mean share of each category over runs with a 95% interval of that mean."""
    counts = pd.crosstab([infants["population"], infants["run"]], infants["adult_category"])
    per_run = counts.reindex(columns=list(CATEGORIES), fill_value=0)
    per_run = per_run.div(per_run.sum(axis=1), axis=0)
    mean, n = per_run.mean(), len(per_run)
    half = Z95 * per_run.std(ddof=1) / np.sqrt(n) if n > 1 else mean * np.nan
    return pd.DataFrame(
        {"category": list(CATEGORIES), "share": mean, "low": mean - half, "high": mean + half}
    ).reset_index(drop=True)


if __name__ == "__main__":
    script_main(run, __doc__.splitlines()[0])
