import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulation.cli import main
from simulation.commands import parameter_table
from simulation.model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulation.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["run", "--set", "sensitivity=1.5"], "parameter 'sensitivity' = '1.5' is out of range"),
        (["run", "--set", "wobble=1"], "unknown parameter 'wobble'"),
        (["run", "--set", "caregivers=loving"], "'caregivers' = 'loving' is unknown"),
        (["run", "--set", "sensitivity"], "not of the form name=value"),
        (["run", "--dyads", "0"], "argument --dyads: '0': allowed an integer of at least 1"),
        (["run", "--runs", "two"], "argument --runs: 'two' is not an integer"),
        (["run", "--seed", "-3"], "argument --seed: '-3': allowed an integer of 0 or more"),
        (["run", "--bogus"], "unrecognized arguments: --bogus"),
        (["ssp", "--caregiver", "loving"], "--caregiver 'loving' is unknown: allowed normative"),
        (["experiment", "nonexistent"], "unknown experiment 'nonexistent': allowed "),
        (
            ["experiment", "nowhere/script.py"],
            "experiment script 'nowhere/script.py' does not exist",
        ),
        (["experiment", "caregiving", "--runs", "0"], "argument --runs: '0'"),
        (["demo", "--port", "99999"], "argument --port: port = '99999': allowed an integer from"),
        (["demo", "--port", "web"], "argument --port: port = 'web': allowed an integer from"),
    ],
)
def test_bad_input_gets_a_one_line_error_and_exit_code_2(args, fragment):
    done = cli(*args)
    assert done.returncode == 2
    assert fragment in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_help_explains_every_flag():
    for command, flags in {
        "run": ["--dyads", "--seed", "--set", "--runs", "--workers", "--out"],
        "experiment": ["--runs", "--workers", "--seed", "--out", "--overwrite"],
        "ssp": ["--caregiver", "--seed"],
    }.items():
        done = cli(command, "--help")
        assert done.returncode == 0
        for flag in flags:
            assert flag in done.stdout


def test_run_prints_class_shares_with_intervals(tmp_path, capsys):
    code = main(
        [
            "run",
            "--dyads",
            "30",
            "--runs",
            "3",
            "--seed",
            "4",
            "--quiet",
            "--set",
            "days=60",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    for cls in ("A avoidant", "B secure", "C resistant", "D disorganised"):
        assert cls in out
    assert "95% interval" in out and "days=60" in out
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["parameters"]["n_dyads"] == 30
    assert sum(summary["shares"].values()) == pytest.approx(1)
    assert (tmp_path / "infants.csv").read_text().count("\n") == 91  # header + 3 x 30
    assert (tmp_path / "runs.csv").read_text().count("\n") == 4  # header + 3 runs


def test_ssp_reads_the_procedure_aloud(capsys):
    assert main(["ssp", "--caregiver", "inconsistent", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    for episode in (
        "1. Introduction",
        "4. First separation",
        "5. First reunion",
        "8. Second reunion",
    ):
        assert episode in out
    assert out.count("ratings: proximity seeking") == 2
    assert "Class: " in out and "the coder never sees this" in out


def test_params_table_lists_every_parameter_and_the_readme_has_it():
    table = parameter_table()
    for name in PARAMETERS:
        assert f"`{name}`" in table
    readme = (ROOT / "README.md").read_text()
    assert table in readme, "README parameter table is stale: paste `attachment-sim params`"


def test_run_follows_people_to_30_and_prints_adult_outcomes(tmp_path, capsys):
    code = main(["run", "--dyads", "40", "--seed", "2", "--quiet", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Adult category at 30" in out
    for category in ("secure", "preoccupied", "dismissing", "fearful"):
        assert category in out
    assert "Infant class (rows) -> adult category at 30" in out
    assert "Couples:" in out and "pursuer-withdrawer" in out
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert sum(summary["adult_distribution"].values()) == pytest.approx(1)
    for row in summary["infant_to_adult"].values():
        assert sum(row.values()) == pytest.approx(1)
    life = (tmp_path / "life.csv").read_text().splitlines()
    assert len(life) == 1 + 30 * 40  # every person at every birthday 1..30
    assert (tmp_path / "couples.csv").exists()


def test_run_with_a_one_year_horizon_stops_at_the_strange_situation(capsys):
    assert main(["run", "--dyads", "20", "--quiet", "--set", "horizon_years=1"]) == 0
    out = capsys.readouterr().out
    assert "B secure" in out and "Adult category" not in out


def test_demo_on_a_busy_port_says_so_and_starts_nothing():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = cli("demo", "--port", str(port))
    assert done.returncode == 2
    assert f"demo --host 127.0.0.1 --port {port}: cannot listen there" in done.stderr
    assert "choose another --port" in done.stderr and "Traceback" not in done.stderr


def test_offline_chart_assets_gives_each_library_its_major_version_name(tmp_path, monkeypatch):
    from solara.server import settings

    from simulation.cli import CHART_LIBRARIES, offline_chart_assets

    for name in ("vega@5.21.0", "vega-lite@5.2.0", "vega-embed@6.20.2", "@widgetti"):
        (tmp_path / name / "build").mkdir(parents=True)
        (tmp_path / name / "build" / "lib.min.js").write_text(name)
    monkeypatch.setattr(settings.assets, "proxy_cache_dir", tmp_path)
    assert offline_chart_assets() == []
    for alias, full in (("vega@5", "vega@5.21.0"), ("vega-lite@5", "vega-lite@5.2.0")):
        assert (tmp_path / alias / "build" / "lib.min.js").read_text() == full
    assert (tmp_path / "vega-embed@6").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("@")) == ["@widgetti"]
    assert offline_chart_assets() == []  # a second start changes nothing
    # a library that is not installed at all is reported (the charts would need internet)
    monkeypatch.setattr(settings.assets, "proxy_cache_dir", tmp_path / "empty")
    (tmp_path / "empty").mkdir()
    assert offline_chart_assets() == list(CHART_LIBRARIES)


def test_run_with_an_intervention_reports_the_trial_of_its_tables(tmp_path, capsys):
    import pandas as pd

    from simulation.labels import years_label
    from simulation.measures import cohens_d
    from simulation.model.interventions import FOLLOW_UP_YEARS

    args = ["run", "--dyads", "40", "--runs", "2", "--seed", "2", "--quiet"]
    assert main([*args, "--set", "intervention=cbt_therapy", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"change from the start to {years_label(FOLLOW_UP_YEARS)} after the end" in out
    trial = json.loads((tmp_path / "summary.json").read_text())["trial"]
    people = pd.read_csv(tmp_path / "infants.csv")
    arm = people["trial_arm"]
    assert f"Intervention: {(arm == 'treated').sum()} treated, {(arm == 'control').sum()}" in out
    for column in ("anxiety_ecr", "avoidance_ecr", "satisfaction"):
        change = people[f"followup_{column}"] - people[f"baseline_{column}"]
        treated, control = change[arm == "treated"].dropna(), change[arm == "control"].dropna()
        effect = trial[column]
        # the CSV keeps 6 significant digits of each measure
        assert effect["d"] == pytest.approx(cohens_d(treated, control), rel=1e-4, abs=1e-4)
        assert effect["n"] == len(treated) + len(control)
        assert effect["low"] < effect["high"]  # two runs: an interval by resampling them
        assert f"d = {effect['d']:+.2f} [{effect['low']:+.2f}, {effect['high']:+.2f}]" in out


def test_run_with_generations_reports_the_transmission_of_its_tables(tmp_path, capsys):
    import pandas as pd

    from simulation.measures import cohens_kappa

    args = ["run", "--dyads", "20", "--seed", "1", "--quiet", "--out", str(tmp_path)]
    assert main([*args, "--set", "generations=2", "--set", "horizon_years=35"]) == 0
    out = capsys.readouterr().out
    stats = json.loads((tmp_path / "summary.json").read_text())["generations"]
    children = pd.read_csv(tmp_path / "infants.csv").query("generation == 1")
    parent, child = children["parent_secure"].astype(bool), children["secure"].astype(bool)
    assert stats["pairs"] == len(children) == 20
    assert stats["concordance"] == pytest.approx((parent == child).mean())
    assert stats["kappa"] == pytest.approx(cohens_kappa(parent, child))
    assert f"concordance {stats['concordance']:.3f}, kappa {stats['kappa']:.3f}" in out
    for g, secure in children.groupby("generation")["secure"].mean().items():
        assert f"  {g + 1:9d}  {secure:22.3f}" in out
