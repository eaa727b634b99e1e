import json
from pathlib import Path

import pandas as pd
import pytest

from simulation.cli import main
from simulation.experiment import load_experiment
from simulation.storage import ResultsError
from simulation.sweep import Options

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


@pytest.fixture(scope="module")
def caregiving_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("caregiving")
    assert (
        main(
            [
                "experiment",
                "caregiving",
                "--runs",
                "2",
                "--workers",
                "2",
                "--seed",
                "5",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    return out


def test_caregiving_writes_tables_figures_and_summary(caregiving_out):
    out = caregiving_out
    for name in ("class_shares", "anxiety_avoidance", "learning_curves"):
        assert (out / f"{name}.png").stat().st_size > 10_000
        assert (out / f"{name}.svg").read_text().startswith("<?xml")
    infants = pd.read_csv(out / "infants.csv")
    assert len(infants) == 6 * 2 * 100
    assert set(infants["ssp_class"]) <= set("ABCD")
    series = pd.read_csv(out / "timeseries.csv")
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
