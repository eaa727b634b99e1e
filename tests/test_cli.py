import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulation.cli import main, parameter_table
from simulation.parameters import PARAMETERS

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
