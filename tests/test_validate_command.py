"""``attachment-sim validate`` at a tiny size: the report is written and the exit code matches it.

(The calibration itself, at full size, is tests/test_validation.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from simulation.cli import main
from simulation.validation import SPECS

ROOT = Path(__file__).resolve().parents[1]


def test_validate_writes_a_report_and_its_exit_code_matches_it(tmp_path, capsys):
    code = main(
        ["validate", "--runs", "3", "--preset-runs", "2", "--out", str(tmp_path), "--quiet"]
    )
    captured = capsys.readouterr()
    for name in ("report.md", "checks.csv", "validation.png", "validation.svg"):
        assert (tmp_path / name).stat().st_size > 0, name
    report = (tmp_path / "report.md").read_text()
    checks = pd.read_csv(tmp_path / "checks.csv")
    assert list(checks["id"]) == [spec.id for spec in SPECS]
    for spec in SPECS:
        assert spec.name in report and spec.name in captured.out
        assert spec.source in report
    assert "attachment-sim validate --runs 3 --preset-runs 2 --seed" in report
    assert f"report: {tmp_path / 'report.md'}" in captured.out
    failed = checks.loc[~checks["passed"], "id"].tolist()
    # checks may fail at this size: the exit code and the message must say so consistently
    assert code == (1 if failed else 0)
    assert report.count("| pass |") == len(checks) - len(failed)
    assert report.count("| **FAIL** |") == len(failed)
    for check_id in failed:
        assert check_id in captured.err


def test_a_bad_flag_gets_a_one_line_error_and_exit_code_2():
    done = subprocess.run(
        [sys.executable, "-m", "simulation.cli", "validate", "--runs", "0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert errors == [
        "attachment-sim validate: error: argument --runs: '0': allowed an integer of at least 1"
    ]
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
