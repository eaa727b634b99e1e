"""How caregiver sensitivity and consistency shape security, and which parameters matter most.

Run:  attachment-sim experiment sweep [--runs 4 --workers 2 --seed 2026 --out DIR]
  or: python experiments/sweep.py [same flags]

Two sweeps, each stored and resumed on its own:
1. a grid of sensitivity x consistency (every caregiver alike, the rest drawn from the normative
   mix): heatmaps of the share of secure (B) and disorganised (D) infants; --runs sets the
   replicates per cell;
2. a Morris screening (SALib) of the main parameters on the share secure: every point of the
   Morris design is one parameter set, run MORRIS_RUNS times; stored in OUT/morris/.

Copy this file and edit GRID_VALUES or MORRIS_RANGES to try your own variation.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analysis
from SALib.sample import morris as morris_design

from simulation import figures
from simulation.experiment import script_main
from simulation.model.caregiving import draw_caregivers
from simulation.storage import write_json, write_table
from simulation.sweep import Options, grid, run_sweep

# ---- the model and its parameters -------------------------------------------------------------
NAME = "sweep"
SEED, DYADS = 2026, 100
# sweep 1: every combination of these caregiver sensitivities and consistencies (9 x 9 cells)
GRID_VALUES = [round(v, 4) for v in np.linspace(0.05, 0.95, 9)]
GRID_RUNS = 4
# sweep 2: Morris screening of these parameters over these ranges (see `attachment-sim params`)
MORRIS_RANGES: dict[str, tuple[float, float]] = {
    "sensitivity": (0.05, 0.95),
    "consistency": (0.05, 0.95),
    "rejection": (0.0, 1.0),
    "fear": (0.0, 0.01),
    "learning_rate": (0.002, 0.02),
    "infant_effect": (0.0, 1.0),
    "temperament_sd": (0.0, 0.7),
    "distress_rate": (2.0, 12.0),
}
MORRIS_TRAJECTORIES, MORRIS_LEVELS, MORRIS_RUNS = 50, 4, 1
CLASS_COLUMNS = ["share_A", "share_B", "share_C", "share_D"]


def run(options: Options | None = None) -> dict:
    options = options or Options()
    seed = options.seed if options.seed is not None else SEED
    out = Path(options.out or Path("results") / NAME)
    # other dimensions from the normative mix; the first year only (infant security)
    fixed = {"caregivers": "normative", "n_dyads": DYADS, "horizon_years": 1}

    # ---- sweep 1: the sensitivity x consistency grid ------------------------------------------
    points = grid(sensitivity=GRID_VALUES, consistency=GRID_VALUES)
    results = run_sweep(
        NAME,
        points,
        runs=GRID_RUNS,
        seed=SEED,
        fixed=fixed,
        options=options,
        out=out,
        keep=("runs",),  # class shares per run are all this experiment needs
    )
    by_cell = results.runs.groupby(["sensitivity", "consistency"], as_index=False)
    cells = by_cell[CLASS_COLUMNS].mean()  # mean class shares of each grid cell
    # where the normative mix sits: its mean caregiver, from many drawn caregivers
    mix = draw_caregivers("normative", 100_000, np.random.default_rng(seed))
    normative = {
        "sensitivity": float(mix.sensitivity.mean()),
        "consistency": float(mix.consistency.mean()),
    }

    # ---- sweep 2: Morris screening, one parameter set per point of the design ------------------
    problem = {
        "num_vars": len(MORRIS_RANGES),
        "names": list(MORRIS_RANGES),
        "bounds": [list(r) for r in MORRIS_RANGES.values()],
    }
    design = morris_design.sample(problem, MORRIS_TRAJECTORIES, num_levels=MORRIS_LEVELS, seed=seed)
    # numbered labels: a Morris design repeats points, and each needs its own run
    morris_points = {
        f"morris-{i:04d}": dict(zip(problem["names"], map(float, row), strict=True))
        for i, row in enumerate(design)
    }
    morris_options = replace(options, out=out / "morris", runs=None)  # MORRIS_RUNS per point
    morris_results = run_sweep(
        f"{NAME}_morris",
        morris_points,
        runs=MORRIS_RUNS,
        seed=SEED,
        fixed=fixed,
        options=morris_options,
        keep=("runs",),
    )
    secure = morris_results.runs.groupby("point")["share_B"].mean().to_numpy()  # design order
    effects = morris_analysis.analyze(problem, design, secure, num_levels=MORRIS_LEVELS, seed=seed)
    morris = pd.DataFrame(
        {
            "parameter": problem["names"],
            "low": [r[0] for r in problem["bounds"]],
            "high": [r[1] for r in problem["bounds"]],
            **{k: np.asarray(effects[k]) for k in ("mu", "mu_star", "mu_star_conf", "sigma")},
        }
    ).sort_values("mu_star", ascending=False, ignore_index=True)

    # ---- the numbers ----------------------------------------------------------------------------
    summary = {
        "experiment": NAME,
        "seed": results.seed,
        "dyads_per_run": int(results.runs["n_dyads"].iloc[0]),
        "grid": {
            "sensitivity": sorted(cells["sensitivity"].unique()),
            "consistency": sorted(cells["consistency"].unique()),
            "runs_per_cell": results.runs_per_point,
        },
        "normative_point": normative,
        "secure_share_range": [cells["share_B"].min(), cells["share_B"].max()],
        "morris": {
            row.parameter: {
                "mu_star": row.mu_star,
                "mu_star_conf": row.mu_star_conf,
                "sigma": row.sigma,
            }
            for row in morris.itertuples()
        },
        "morris_trajectories": MORRIS_TRAJECTORIES,
        "morris_runs_per_point": morris_results.runs_per_point,
    }

    # ---- the tables and figures ----------------------------------------------------------------
    heatmaps = figures.share_heatmaps_figure(
        cells, normative, results.runs_per_point, dyads=summary["dyads_per_run"]
    )
    files = [
        write_table(cells, out / "grid_shares.csv"),
        write_table(morris, out / "morris.csv"),
        *figures.save_figure(heatmaps, out, "sweep_heatmaps"),
        *figures.save_figure(
            figures.morris_figure(morris, MORRIS_TRAJECTORIES), out, "sensitivity_analysis"
        ),
        write_json(summary, out / "summary.json"),
    ]
    # the Morris folder keeps its design with the share secure of every point
    design_table = pd.DataFrame(design, columns=problem["names"]).assign(share_B=secure)
    morris_results.finish([write_table(design_table, morris_results.out / "design.csv")])
    results.finish(files, summary)
    return summary


if __name__ == "__main__":
    script_main(run, __doc__.splitlines()[0])
