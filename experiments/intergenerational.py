"""Intergenerational transmission: parents' adult attachment against their infants' classes.

Run:  attachment-sim experiment intergenerational [--runs 20 --workers 2 --seed 2026 --out DIR]
  or: python experiments/intergenerational.py [same flags]

GENERATIONS generations of DYADS people: the first is raised by the POPULATION mix; every person
then becomes the caregiver of one child born when they are 25-35, and their care follows from
their own working model and relationship at the birth (simulation/model/transmission.py). Each
parent is classified by their adult category at the birth and each child by the Strange Situation at
12 months; the numbers pool every parent-child pair of every generation after the first.
At the defaults (20 runs of 3 generations of 200 people to age 35) it takes about a minute with
2 workers.

Copy this file and edit GENERATIONS, POPULATION or the transmission parameters (see
`attachment-sim params`, group generations) to try your own variation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation import trial_figures
from simulation.experiment import ExperimentError, script_main
from simulation.figures import save_figure
from simulation.measures import interval_over_runs, transmission
from simulation.model.strange_situation import CLASSES
from simulation.storage import write_json, write_table
from simulation.sweep import Options, run_sweep

# ---- the model and its parameters -------------------------------------------------------------
NAME = "intergenerational"
RUNS, SEED, DYADS = 20, 2026, 200
GENERATIONS = 3
POPULATION = "normative"
HORIZON = 35  # every run ends when the oldest parents (parent_age_max) have had their child
POPULATIONS: dict[str, dict] = {
    POPULATION: {"caregivers": POPULATION, "generations": GENERATIONS, "horizon_years": HORIZON}
}
BOOTSTRAP = 1000


def run(options: Options | None = None) -> dict:
    # ---- the sweep: RUNS replicates, stored as they finish -------------------------------------
    results = run_sweep(
        NAME,
        POPULATIONS,
        runs=RUNS,
        seed=SEED,
        fixed={"n_dyads": DYADS},
        options=options,
        keep=("runs", "infants"),
    )
    people, out = results.infants, results.out
    if "parent_secure" not in people:
        raise ExperimentError(f"{NAME} needs generations of at least 2")
    children = people[people["generation"] > 0]

    # ---- the numbers ----------------------------------------------------------------------------
    stats = transmission(children)
    rng = np.random.default_rng(results.seed)
    intervals = _bootstrap_runs(children, rng)
    by_generation = {
        int(g): {
            "infant_classes": {c: float((f["ssp_class"] == c).mean()) for c in CLASSES},
            "adult_secure": float((f["adult_category"] == "secure").mean()),
        }
        for g, f in people.groupby("generation")
    }
    summary = {
        "experiment": NAME,
        "runs": results.runs_per_point,
        "seed": results.seed,
        "generations": int(people["generation"].max()) + 1,
        **{k: stats[k] for k in KEYS},
        "intervals": intervals,
        "paths": {k[5:]: stats[k] for k in stats if k.startswith("path_")},
        "pairs": stats["pairs"],
        "by_generation": by_generation,
    }

    # ---- the figures ---------------------------------------------------------------------------
    runs = results.runs_per_point
    pairs = pd.crosstab(children["parent_category"], children["ssp_class"])
    files = [
        write_table(pairs.reset_index(), out / "parent_child_pairs.csv"),
        *save_figure(
            trial_figures.generations_figure(people, runs, POPULATION), out, "generations"
        ),
        *save_figure(trial_figures.transmission_figure(children, stats, runs), out, "transmission"),
        write_json(summary, out / "summary.json"),
    ]
    results.finish(files, summary)
    return summary


KEYS = ("concordance", "kappa", "r_parent_child_security", "sensitivity_mediated_share")


def _bootstrap_runs(children: pd.DataFrame, rng: np.random.Generator) -> dict[str, list[float]]:
    """95% intervals of the four numbers from resampling whole runs (a run's families share one
    population)."""
    groups = [g for _, g in children.groupby("run")]
    low, high = interval_over_runs(
        groups, lambda sample: [transmission(sample)[k] for k in KEYS], rng, BOOTSTRAP
    )
    return {k: [float(lo), float(hi)] for k, lo, hi in zip(KEYS, low, high, strict=True)}


if __name__ == "__main__":
    script_main(run, __doc__.splitlines()[0])
