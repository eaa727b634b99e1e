"""The sweep experiment at a tiny size: grid heatmaps and the Morris screening."""

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.container import BarContainer

from simulation.experiment import load_experiment
from simulation.model.caregiving import draw_caregivers
from simulation.palette import CLASS_COLOURS
from simulation.storage import load_results
from simulation.sweep import Options
from tests.conftest import kept_figures, same_colour

GRID = [0.1, 0.5, 0.9]
# 20 trajectories: enough for one parameter to lead at this size (see the Morris test)
TRAJECTORIES = 20
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
def figures():
    with kept_figures() as kept:
        yield kept


@pytest.fixture(scope="module")
def sweep(figures):
    module = load_experiment("sweep")  # loaded while its figures are kept
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
        assert (out / f"{name}.png").exists()
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
    # each cell's shares are the mean of its runs' shares; the range is that of the cells
    runs = load_results(out).load("runs")
    by_cell = runs.groupby(["sensitivity", "consistency"])["share_B"].mean()
    stored = cells.set_index(["sensitivity", "consistency"])["share_B"]
    np.testing.assert_allclose(stored, by_cell.reindex(stored.index), rtol=1e-5)
    assert summary["secure_share_range"] == pytest.approx([by_cell.min(), by_cell.max()])
    # the normative point is the mean caregiver of the mix, drawn with the experiment's seed
    mix = draw_caregivers("normative", 100_000, np.random.default_rng(summary["seed"]))
    assert summary["normative_point"] == {
        "sensitivity": pytest.approx(float(mix.sensitivity.mean())),
        "consistency": pytest.approx(float(mix.consistency.mean())),
    }
    for folder in (out, out / "morris"):
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["status"] == "complete" and manifest["master_seed"] == 3
    design = pd.read_csv(out / "morris" / "design.csv")
    assert len(design) == TRAJECTORIES * (PARAMETERS + 1)  # one run per Morris point


def test_security_rises_with_sensitivity(sweep_out):
    cells = pd.read_csv(sweep_out[0] / "grid_shares.csv")
    by_sensitivity = cells.groupby("sensitivity")["share_B"].mean()
    assert by_sensitivity[GRID[-1]] > by_sensitivity[GRID[0]] + 0.3


def test_morris_ranks_sensitivity_first(sweep_out):
    """Sensitivity moves the share secure most: it spans almost its whole range, and the
    infant's expectation of comfort is learnt from it (sensitivity is the best-studied
    antecedent of security: De Wolff & van IJzendoorn 1997). At this size (20 trajectories of
    20 infants, one run per point) it had the largest mu* at every seed 0-9, fear next at 0.5 to
    0.8 of it; at 10 trajectories fear came first at one seed in eight, so the design is
    20 trajectories here."""
    ranking = list(sweep_out[1]["morris"])  # sorted by mu*, largest first
    assert ranking[0] == "sensitivity", ranking


def test_the_heatmaps_show_the_grid_and_mark_the_normative_mix(sweep_out, figures):
    out, summary, _ = sweep_out
    cells = pd.read_csv(out / "grid_shares.csv")  # CSV: 6 significant digits
    secure, disorganised = figures["sweep_heatmaps"].axes[:2]
    assert secure.get_title() == "Secure (B) infants at 12 months"
    assert disorganised.get_title() == "Disorganised (D) infants at 12 months"
    point = summary["normative_point"]
    for ax, cls in ((secure, "B"), (disorganised, "D")):
        (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
        # rows: sensitivity (y), columns: consistency (x), both ascending
        table = cells.pivot(index="sensitivity", columns="consistency", values=f"share_{cls}")
        shown = mesh.get_array().reshape(len(GRID), len(GRID))
        np.testing.assert_allclose(shown, table, rtol=1e-5)
        rings = [line for line in ax.get_lines() if line.get_marker() == "o"]
        assert len(rings) == 2  # a black and a white ring around the normative mix
        for ring in rings:
            assert ring.get_xdata()[0] == pytest.approx(point["consistency"])
            assert ring.get_ydata()[0] == pytest.approx(point["sensitivity"])
    assert "(2 runs of 20 dyads per cell)" in figures["sweep_heatmaps"].get_suptitle()


def test_the_morris_figure_sorts_the_effects_and_shows_their_spread(sweep_out, figures):
    out, _, _ = sweep_out
    morris = pd.read_csv(out / "morris.csv").sort_values("mu_star")
    ax = figures["sensitivity_analysis"].axes[0]
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    np.testing.assert_allclose([b.get_width() for b in bars], morris["mu_star"], rtol=1e-5)
    assert all(same_colour(b.get_facecolor(), CLASS_COLOURS["B"]) for b in bars)
    labels = [t.get_text().split("\n")[0] for t in ax.get_yticklabels()]
    assert labels == list(morris["parameter"])  # the largest effect on top
    (sigma,) = [line for line in ax.get_lines() if line.get_marker() == "D"]
    np.testing.assert_allclose(sigma.get_xdata(), morris["sigma"], rtol=1e-5)
    assert f"({TRAJECTORIES} trajectories)" in ax.get_title()


def test_running_again_resumes_both_sweeps(sweep, sweep_out):
    out, summary, options = sweep_out
    assert sweep.run(options) == summary
