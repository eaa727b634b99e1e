"""The sweep experiment at a tiny size: grid heatmaps and the Morris screening."""

import json

import pandas as pd
import pytest

from simulation.experiment import load_experiment
from simulation.sweep import Options

GRID = [0.1, 0.5, 0.9]
TRAJECTORIES = 10
PARAMETERS = 8  # in MORRIS_RANGES
SMALL = {"n_dyads": 20, "days": 120}
SUMMARY_KEYS = {
    "experiment",
    "seed",
    "grid",
    "normative_point",
    "secure_share_range",
    "morris",
    "morris_trajectories",
}


@pytest.fixture(scope="module")
def sweep():
    module = load_experiment("sweep")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "GRID_VALUES", GRID)
        patch.setattr(module, "GRID_RUNS", 2)
        patch.setattr(module, "MORRIS_TRAJECTORIES", TRAJECTORIES)
        yield module


@pytest.fixture(scope="module")
def sweep_out(sweep, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    options = Options(out=out, workers=2, seed=3, settings=SMALL, progress=False)
    return out, sweep.run(options), options


def test_writes_figures_tables_and_summary(sweep_out):
    out, summary, _ = sweep_out
    for name in ("sweep_heatmaps", "sensitivity_analysis"):
        assert (out / f"{name}.png").stat().st_size > 10_000
        assert (out / f"{name}.svg").read_text().startswith("<?xml")
    cells = pd.read_csv(out / "grid_shares.csv")
    assert len(cells) == len(GRID) ** 2
    morris = pd.read_csv(out / "morris.csv")
    assert {"parameter", "mu", "mu_star", "mu_star_conf", "sigma"} <= set(morris.columns)
    assert len(morris) == PARAMETERS
    assert json.loads((out / "summary.json").read_text()) == summary
    assert set(summary) >= SUMMARY_KEYS
    assert summary["seed"] == 3 and summary["morris_trajectories"] == TRAJECTORIES
    assert summary["grid"] == {"sensitivity": GRID, "consistency": GRID, "runs_per_cell": 2}
    low, high = summary["secure_share_range"]
    assert 0 <= low <= high <= 1
    # the normative point is computed from the mix: its mean caregiver is fairly sensitive
    assert 0.55 < summary["normative_point"]["sensitivity"] < 0.75
    assert 0.4 < summary["normative_point"]["consistency"] < 0.7
    for folder in (out, out / "morris"):
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["status"] == "complete" and manifest["master_seed"] == 3
    design = pd.read_csv(out / "morris" / "design.csv")
    assert len(design) == TRAJECTORIES * (PARAMETERS + 1)  # one run per Morris point


def test_security_rises_with_sensitivity(sweep_out):
    cells = pd.read_csv(sweep_out[0] / "grid_shares.csv")
    by_sensitivity = cells.groupby("sensitivity")["share_B"].mean()
    assert by_sensitivity[GRID[-1]] > by_sensitivity[GRID[0]] + 0.3


def test_morris_ranks_sensitivity_near_the_top(sweep_out):
    ranking = list(sweep_out[1]["morris"])  # sorted by mu*, largest first
    assert "sensitivity" in ranking[:2] or "consistency" in ranking[:2], ranking


def test_running_again_resumes_both_sweeps(sweep, sweep_out):
    out, summary, options = sweep_out
    assert sweep.run(options) == summary
