"""How caregiving shapes infant attachment: each caregiver preset and both population mixes.

Run:  attachment-sim experiment caregiving [--runs 100 --workers 2 --seed 2026 --out DIR]
  or: python experiments/caregiving.py [same flags]

Copy this file and edit POPULATIONS or DYADS to try your own variation.
"""

from __future__ import annotations

from simulation import figures
from simulation.experiment import script_main
from simulation.measures import class_shares, correlation, retest_agreement, shares_dict
from simulation.storage import write_json, write_table
from simulation.sweep import Options, run_sweep

# ---- the model and its parameters -------------------------------------------------------------
NAME = "caregiving"
RUNS, SEED, DYADS = 100, 2026, 100
HORIZON = 1  # the first year only: this experiment is about infancy (see life_course.py)
# label -> model parameters (anything in `attachment-sim params` can go here)
POPULATIONS: dict[str, dict] = {
    "consistent": {"caregivers": "consistent"},
    "inconsistent": {"caregivers": "inconsistent"},
    "rejecting": {"caregivers": "rejecting"},
    "frightening": {"caregivers": "frightening"},
    "normative": {"caregivers": "normative"},
    "high_risk": {"caregivers": "high_risk"},
}
PRESETS = ["consistent", "inconsistent", "rejecting", "frightening"]


def run(options: Options | None = None) -> dict:
    # ---- the sweep: RUNS replicates of every population, stored as they finish ----------------
    results = run_sweep(
        NAME,
        POPULATIONS,
        runs=RUNS,
        seed=SEED,
        fixed={"n_dyads": DYADS, "horizon_years": HORIZON},
        options=options,
    )
    infants, series, out = results.infants, results.timeseries, results.out

    # ---- the numbers ----------------------------------------------------------------------------
    def population(name: str):
        return infants[infants["population"] == name]

    normative = population("normative")
    summary = {
        "experiment": NAME,
        "runs": results.runs_per_point,
        "seed": results.seed,
        "dyads_per_run": int(normative.groupby("run").size().iloc[0]),
        "by_caregiver_style": {p: shares_dict(population(p)) for p in PRESETS},
        "normative_population": shares_dict(normative),
        "high_risk_population": shares_dict(population("high_risk")),
        "sensitivity_security_r": correlation(
            normative["observed_sensitivity"], normative["secure"]
        ),
        "true_sensitivity_security_r": correlation(normative["sensitivity"], normative["secure"]),
        "ssp_retest_agreement": retest_agreement(infants),
    }

    # ---- the figures ---------------------------------------------------------------------------
    order = list(POPULATIONS)
    shares = class_shares(infants)
    files = [
        write_table(shares, out / "class_shares.csv"),
        *figures.save_figure(figures.class_shares_figure(shares, order), out, "class_shares"),
        *figures.save_figure(
            figures.anxiety_avoidance_figure(infants, order), out, "anxiety_avoidance"
        ),
        *figures.save_figure(figures.learning_curves_figure(series, order), out, "learning_curves"),
        write_json(summary, out / "summary.json"),
    ]
    results.finish(files, summary)
    return summary


if __name__ == "__main__":
    script_main(run, __doc__.splitlines()[0])
