"""How caregiving shapes infant attachment: each caregiver preset and both population mixes.

Run:  attachment-sim experiment caregiving [--runs 100 --workers 2 --seed 2026 --out DIR]
  or: python experiments/caregiving.py [same flags]

Copy this file and edit POPULATIONS or DYADS to try your own variation.
"""

from __future__ import annotations

import time
from pathlib import Path

from simulation import figures
from simulation.experiment import (
    code_fingerprint,
    finish_folder,
    prepare_folder,
    read_summary,
    script_main,
    write_json,
    write_table,
)
from simulation.measures import class_shares, correlation, retest_agreement, shares_dict
from simulation.runner import run_many

NAME = "caregiving"
DYADS = 100
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


def run(
    runs: int = 100,
    workers: int = 2,
    seed: int = 2026,
    out: Path | str = Path("results") / NAME,
    overwrite: bool = False,
    progress: bool = True,
) -> dict:
    """Run the experiment; write tables, figures and summary.json into ``out``."""
    out = Path(out)
    populations = {k: {**v, "n_dyads": DYADS} for k, v in POPULATIONS.items()}
    config = {
        "experiment": NAME,
        "runs": runs,
        "seed": seed,
        "populations": populations,
        "code": code_fingerprint(Path(__file__)),
    }
    if prepare_folder(out, config, overwrite):
        print(f"{NAME}: complete results for these settings are already in {out}/ (reused)")
        return read_summary(out)
    started = time.time()

    results = run_many(populations, runs=runs, seed=seed, workers=workers, progress=progress)
    infants, series = results.infants, results.timeseries
    if progress:
        print(f"{NAME}: writing tables and figures to {out}/ ...")
    order = list(POPULATIONS)
    shares = class_shares(infants)
    normative = infants[infants["population"] == "normative"]

    summary = {
        "experiment": NAME,
        "runs": runs,
        "seed": seed,
        "dyads_per_run": DYADS,
        "by_caregiver_style": {
            p: shares_dict(infants[infants["population"] == p]) for p in PRESETS
        },
        "normative_population": shares_dict(normative),
        "high_risk_population": shares_dict(infants[infants["population"] == "high_risk"]),
        "sensitivity_security_r": correlation(
            normative["observed_sensitivity"], normative["secure"]
        ),
        "true_sensitivity_security_r": correlation(normative["sensitivity"], normative["secure"]),
        "ssp_retest_agreement": retest_agreement(infants),
    }

    files = [
        write_table(infants, out / "infants.csv"),
        write_table(series, out / "timeseries.csv"),
        write_table(shares, out / "class_shares.csv"),
        *figures.save_figure(figures.class_shares_figure(shares, order), out, "class_shares"),
        *figures.save_figure(
            figures.anxiety_avoidance_figure(infants, order), out, "anxiety_avoidance"
        ),
        *figures.save_figure(figures.learning_curves_figure(series, order), out, "learning_curves"),
        write_json(summary, out / "summary.json"),
    ]
    finish_folder(out, config, started, files)
    print(f"{NAME}: {len(order) * runs} runs in {time.time() - started:.0f} s; figures in {out}/")
    return summary


if __name__ == "__main__":
    script_main(run, __doc__.splitlines()[0])
