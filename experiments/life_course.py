"""How stable is attachment security from 12 months to 30 years? Prototype versus revisionist.

Run:  attachment-sim experiment life_course [--runs 100 --workers 2 --seed 2026 --out DIR]
  or: python experiments/life_course.py [same flags]

RUNS replicates of POPULATION (the normative caregiver mix) for each way a working model carries
forward (the `continuity` parameter): 'prototype', where the model formed by 12 months keeps
pulling later models back, and 'revisionist', where a model is only the running sum of
experience. Fraley (2002) showed that the first predicts a correlation with infant security that
levels off above zero, the second one that keeps falling towards zero. In this model both curves
are flat after the second year (the prototype one higher), because care continues from the same
caregiver and partners are chosen to confirm expectations: see the README and ODD.
Secure at 12 months is class B in the Strange Situation; secure later is low anxiety and low
avoidance at a birthday.
At the defaults (2 x 100 runs of 100 people to age 30) it takes about 1.5 minutes with 2 workers.

Copy this file and edit POPULATION, SETTINGS or HORIZON to try your own variation; --set
horizon_years=20 also works (ages past the horizon are then null in summary.json).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation import life_figures
from simulation.experiment import ExperimentError, script_main
from simulation.figures import save_figure
from simulation.measures import Z95, correlation, infant_to_adult
from simulation.model.life_course import COUNTERPART
from simulation.model.strange_situation import CLASSES
from simulation.storage import write_json, write_table
from simulation.sweep import Options, run_sweep

# ---- the model and its parameters -------------------------------------------------------------
NAME = "life_course"
RUNS, SEED, DYADS = 100, 2026, 100
HORIZON = 30  # age in years at which every run ends
POPULATION = "normative"  # the caregiver mix (see `attachment-sim params`, caregivers)
# label -> model parameters (anything in `attachment-sim params` can go here)
SETTINGS: dict[str, dict] = {
    "prototype": {"continuity": "prototype"},
    "revisionist": {"continuity": "revisionist"},
}
SUMMARY_AGES = (2, 5, 10, 15, 20, 25, 30)
STATUS_AGE = 20  # same secure/insecure status at 12 months and at this age


def run(options: Options | None = None) -> dict:
    options = options or Options()
    horizon = options.settings.get("horizon_years", HORIZON)
    if horizon < 2:
        raise ExperimentError(f"{NAME} follows people past 12 months: horizon_years must be >= 2")

    # ---- the sweep: RUNS replicates of every setting, stored as they finish -------------------
    results = run_sweep(
        NAME,
        SETTINGS,
        runs=RUNS,
        seed=SEED,
        fixed={"n_dyads": DYADS, "horizon_years": HORIZON, "caregivers": POPULATION},
        options=options,
        keep=("runs", "infants", "life"),  # no per-step or per-couple tables needed here
    )
    infants, out = results.infants, results.out
    # every birthday of every person, with the same person's class at 12 months beside it
    early = infants[["population", "run", "infant", "ssp_class", "secure"]].rename(
        columns={"infant": "person", "secure": "secure_12m"}
    )
    life = results.life[["population", "run", "person", "age", "secure"]].merge(
        early, on=["population", "run", "person"], validate="many_to_one"
    )

    # ---- the numbers ----------------------------------------------------------------------------
    def pooled_r(setting: str) -> dict[str, float]:
        rows = life[life["population"] == setting]
        return {
            str(age): correlation(*_at_age(rows, age)[["secure_12m", "secure"]].T.to_numpy())
            for age in SUMMARY_AGES
        }

    prototype = life[life["population"] == "prototype"]
    at_status_age = _at_age(prototype, STATUS_AGE)
    same_status = (
        float((at_status_age["secure_12m"] == at_status_age["secure"]).mean())
        if len(at_status_age)
        else float("nan")
    )
    flows = {setting: _class_to_category(infants, setting) for setting in SETTINGS}
    shares, _ = flows["prototype"]
    summary = {
        "experiment": NAME,
        "runs": results.runs_per_point,
        "seed": results.seed,
        "stability_r": pooled_r("prototype"),
        "stability_r_revisionist": pooled_r("revisionist"),
        f"same_secure_status_at_{STATUS_AGE}": same_status,
        "continuity_by_class": {c: float(shares.loc[c, COUNTERPART[c]]) for c in CLASSES},
    }

    # ---- the figures ---------------------------------------------------------------------------
    curves = _stability_curves(life[life["age"] >= 2])
    final_age = int(infants["final_age"].max())
    files = [
        write_table(curves, out / "stability.csv"),
        *save_figure(
            life_figures.stability_figure(curves, results.runs_per_point, POPULATION),
            out,
            "stability",
        ),
        *save_figure(
            life_figures.class_continuity_figure(flows, final_age, results.runs_per_point),
            out,
            "class_continuity",
        ),
        write_json(summary, out / "summary.json"),
    ]
    results.finish(files, summary)
    return summary


def _at_age(rows: pd.DataFrame, age: int) -> pd.DataFrame:
    return rows[rows["age"] == age]


def _stability_curves(life: pd.DataFrame) -> pd.DataFrame:
    """Correlation of secure at 12 months with secure at each age, run by run, then the mean over
    runs with a 95% interval of that mean (a run where everyone is alike has no correlation)."""
    x, y = life["secure_12m"].astype(float), life["secure"].astype(float)
    moments = (
        life.assign(x=x, y=y, xy=x * y, xx=x * x, yy=y * y)
        .groupby(["population", "run", "age"])[["x", "y", "xy", "xx", "yy"]]
        .mean()
    )
    var_x = moments["xx"] - moments["x"] ** 2
    var_y = moments["yy"] - moments["y"] ** 2
    spread = var_x * var_y
    r = (moments["xy"] - moments["x"] * moments["y"]) / np.sqrt(spread.where(spread > 1e-12))
    by_age = r.groupby(["population", "age"])
    mean, sd, n = by_age.mean(), by_age.std(ddof=1), by_age.count()
    half = Z95 * sd / np.sqrt(n)
    curves = pd.DataFrame(
        {"r": mean, "low": mean - half, "high": mean + half, "runs": n}
    ).reset_index()
    return curves.rename(columns={"population": "setting"})


def _class_to_category(infants: pd.DataFrame, setting: str) -> tuple[pd.DataFrame, pd.Series]:
    """Share of each infant class in each adult category at the end of the run (rows sum to 1;
    a class with no infants is a row of NaN), and the number of infants per class."""
    counts, shares = infant_to_adult(infants[infants["population"] == setting])
    return shares, counts.sum(axis=1)


if __name__ == "__main__":
    script_main(run, __doc__.splitlines()[0])
