import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer

from simulation.cli import main
from simulation.experiment import load_experiment
from simulation.labels import class_label, population_label
from simulation.model.strange_situation import CLASSES
from simulation.palette import CLASS_COLOURS, POPULATION_COLOURS
from simulation.storage import ResultsError, load_results
from simulation.sweep import Options
from tests.conftest import kept_figures, same_colour

ROOT = Path(__file__).resolve().parents[1]
SUMMARY_KEYS = {
    "experiment",
    "runs",
    "seed",
    "dyads_per_run",
    "by_caregiver_style",
    "normative_population",
    "high_risk_population",
    "sensitivity_security_r",
    "true_sensitivity_security_r",
    "ssp_retest_agreement",
}


POPULATIONS = ["consistent", "inconsistent", "rejecting", "frightening", "normative", "high_risk"]


@pytest.fixture(scope="module")
def caregiving_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("caregiving")
    args = ["experiment", "caregiving", "--runs", "2", "--workers", "2", "--seed", "5"]
    with kept_figures() as figures:
        assert main([*args, "--out", str(out), "--quiet"]) == 0
    return out, figures


@pytest.fixture(scope="module")
def caregiving_out(caregiving_run):
    return caregiving_run[0]


def test_caregiving_writes_tables_figures_and_summary(caregiving_out):
    out = caregiving_out
    for name in ("class_shares", "anxiety_avoidance", "learning_curves"):
        assert (out / f"{name}.png").exists()
        assert (out / f"{name}.svg").read_text().startswith("<?xml")
    infants = pd.read_csv(out / "infants.csv")
    assert len(infants) == 6 * 2 * 100
    assert set(infants["ssp_class"]) <= set("ABCD")
    series = load_results(out).load("timeseries")
    assert len(series) == 6 * 2 * 366
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) >= SUMMARY_KEYS
    assert summary["runs"] == 2 and summary["seed"] == 5 and summary["dyads_per_run"] == 100
    for shares in [
        *summary["by_caregiver_style"].values(),
        summary["normative_population"],
        summary["high_risk_population"],
    ]:
        assert set(shares) == set("ABCD")
        assert sum(shares.values()) == pytest.approx(1)
    assert set(summary["by_caregiver_style"]) == {
        "consistent",
        "inconsistent",
        "rejecting",
        "frightening",
    }
    assert not list(out.glob(".*tmp")), "temporary files left behind"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["config"]["experiment"] == "caregiving"
    assert manifest["master_seed"] == 5 and manifest["versions"]["mesa"].startswith("3.")
    assert set(manifest["git"]) == {"commit", "dirty"}
    assert manifest["seconds"] >= 0


def test_class_shares_are_the_mean_of_the_runs_shares_and_the_figure_draws_them(caregiving_run):
    out, figures = caregiving_run
    infants = load_results(out).load("infants")
    table = pd.read_csv(out / "class_shares.csv")  # CSV: 6 significant digits
    # computed here from the infants: each run's share of a class, then the mean over runs
    per_run = (
        infants.groupby(["population", "run"])["ssp_class"]
        .value_counts(normalize=True)
        .unstack(fill_value=0.0)
        .reindex(columns=list(CLASSES), fill_value=0.0)
    )
    expected = per_run.groupby(level="population").mean()
    ax = figures["class_shares"].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        population_label(p) for p in POPULATIONS
    ]
    assert "(2 runs each)" in ax.get_title()
    bar_groups = [c for c in ax.containers if isinstance(c, BarContainer)]
    for bars, cls in zip(bar_groups, CLASSES, strict=True):
        rows = table[table["ssp_class"] == cls].set_index("group").loc[POPULATIONS]
        np.testing.assert_allclose(rows["share"], expected.loc[POPULATIONS, cls], rtol=1e-5)
        assert bars.get_label() == class_label(cls)
        assert all(same_colour(bar.get_facecolor(), CLASS_COLOURS[cls]) for bar in bars)
        np.testing.assert_allclose([bar.get_height() for bar in bars], rows["share"], rtol=1e-5)
        # each bar's line runs from the interval's low to its high end
        segments = bars.errorbar.lines[2][0].get_segments()
        np.testing.assert_allclose([s[0][1] for s in segments], rows["low"], rtol=1e-5)
        np.testing.assert_allclose([s[1][1] for s in segments], rows["high"], rtol=1e-5)


def test_the_anxiety_avoidance_plane_shows_every_infant_in_its_populations_colour(caregiving_run):
    out, figures = caregiving_run
    infants = load_results(out).load("infants")
    ax = figures["anxiety_avoidance"].axes[0]
    points = {c.get_label(): c for c in ax.collections}
    assert list(points) == [population_label(p) for p in POPULATIONS]
    for name in POPULATIONS:  # 200 infants each: under the 400 drawn, so all of them
        rows = infants[infants["population"] == name]
        dots = points[population_label(name)]
        np.testing.assert_allclose(dots.get_offsets(), rows[["avoidance", "anxiety"]])
        assert same_colour(dots.get_facecolor()[0][:3], POPULATION_COLOURS[name])
    # the dashed lines dividing the plane at the middle of both scales
    lines = ax.get_lines()
    assert sorted((tuple(a.get_xdata()), tuple(a.get_ydata())) for a in lines) == [
        ((0, 1), (0.5, 0.5)),
        ((0.5, 0.5), (0, 1)),
    ]


def test_learning_curves_are_the_populations_mean_by_day(caregiving_run):
    out, figures = caregiving_run
    series = load_results(out).load("timeseries")
    ax = figures["learning_curves"].axes[0]
    curves = {line.get_label(): line for line in ax.get_lines()}
    assert list(curves) == [population_label(p) for p in POPULATIONS]
    for name in POPULATIONS:
        mean = series[series["population"] == name].groupby("day")["other_model"].mean()
        np.testing.assert_allclose(curves[population_label(name)].get_ydata(), mean)
        np.testing.assert_allclose(curves[population_label(name)].get_xdata(), mean.index / 30.44)
        assert same_colour(curves[population_label(name)].get_color(), POPULATION_COLOURS[name])


def test_running_again_reuses_complete_results(caregiving_out, capsys):
    before = (caregiving_out / "infants.csv").stat().st_mtime_ns
    assert (
        main(
            [
                "experiment",
                "caregiving",
                "--runs",
                "2",
                "--seed",
                "5",
                "--out",
                str(caregiving_out),
                "--quiet",
            ]
        )
        == 0
    )
    assert "already" in capsys.readouterr().out
    assert (caregiving_out / "infants.csv").stat().st_mtime_ns == before


def test_another_experiments_folder_is_refused(tmp_path):
    (tmp_path / "manifest.json").write_text(
        json.dumps({"config": {"experiment": "other"}, "complete": True})
    )
    module = load_experiment("caregiving")
    with pytest.raises(ResultsError, match="holds results of another configuration"):
        module.run(Options(runs=1, out=tmp_path, progress=False))
    assert main(["experiment", "caregiving", "--runs", "1", "--out", str(tmp_path), "--quiet"]) == 2


def test_a_students_copy_runs_by_path(tmp_path):
    script = (ROOT / "experiments" / "caregiving.py").read_text()
    script = script.replace('NAME = "caregiving"', 'NAME = "my_caregiving"').replace(
        "RUNS, SEED, DYADS = 100, 2026, 100", "RUNS, SEED, DYADS = 100, 2026, 10"
    )
    copy = tmp_path / "my_caregiving.py"
    copy.write_text(script)
    out = tmp_path / "out"
    assert main(["experiment", str(copy), "--runs", "2", "--out", str(out), "--quiet"]) == 0
    assert json.loads((out / "summary.json").read_text())["dyads_per_run"] == 10


def test_json_is_strict_and_files_are_readable_by_others(tmp_path):
    import math
    import stat

    from simulation.storage import write_json

    path = write_json({"r": math.nan, "nested": [1.0, math.nan]}, tmp_path / "s.json")
    assert json.loads(path.read_text()) == {"r": None, "nested": [1.0, None]}
    assert path.stat().st_mode & stat.S_IROTH
