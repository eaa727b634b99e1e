"""``attachment-sim validate`` at a tiny size: the document is written, its figures are the
model's, and the exit code matches the checks.

(The calibration itself, at full size, is tests/test_validation.py and
tests/test_life_validation.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from simulation.cli import main
from simulation.validation import LIFE_SPECS, SPECS, markdown_report, run_validation
from simulation.validation.analysis import EXPERIMENTS

ROOT = Path(__file__).resolve().parents[1]
TRACE_SECTIONS = [
    "## 1. Problem formulation",
    "## 2. Model description",
    "## 3. Data evaluation",
    "## 4. Conceptual model evaluation",
    "## 5. Implementation verification",
    "## 6. Model output verification: the calibration",
    "## 7. Model analysis",
    "## 8. Model output corroboration",
]


def test_validate_writes_the_document_and_its_exit_code_matches_it(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        ["validate", "--runs", "3", "--preset-runs", "2", "--life-runs", "1"]
        + ["--other-seeds", "1", "--no-analysis", "--out", str(out), "--quiet"]
    )
    captured = capsys.readouterr()
    for name in ("report.md", "checks.csv", "validation.png", "validation.svg"):
        assert (out / name).stat().st_size > 0, name
    report = (out / "report.md").read_text()
    checks = pd.read_csv(out / "checks.csv")
    # every first-year check on both seeds, then the life-course checks
    first_year = [spec.id for spec in SPECS]
    assert list(checks["id"]) == first_year * 2 + [spec.id for spec in LIFE_SPECS]
    assert list(checks["seed"].drop_duplicates()) == [20261127, 1]
    positions = [report.index(heading) for heading in TRACE_SECTIONS]
    assert positions == sorted(positions)
    for spec in [*SPECS, *LIFE_SPECS]:
        assert spec.name in report and spec.name in captured.out
        assert spec.source in report and spec.reason in report
    assert "--runs 3 --preset-runs 2 --life-runs 1 --seed 20261127 --other-seeds 1" in report
    assert f"report: {out / 'report.md'}" in captured.out
    passed = int(checks["passed"].sum())
    assert f"**{passed} of {len(checks)} checks pass**" in report
    failed = checks.loc[~checks["passed"]]
    # checks may miss at this size: the exit code and the message must say so consistently
    assert code == (1 if len(failed) else 0)
    for row in failed.itertuples():
        assert f"{row.id} (seed {row.seed})" in captured.err


def test_publish_writes_the_committed_copies_with_a_working_figure_link(tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    args = ["validate", "--runs", "2", "--preset-runs", "1", "--life-runs", "0"]
    main(args + ["--other-seeds", "none", "--no-analysis", "--quiet", "--publish"])
    document = tmp_path / "docs" / "validation_report.md"
    figure = tmp_path / "results" / "figures" / "validation.png"
    made = tmp_path / "results" / "validate" / "validation.png"
    assert figure.read_bytes() == made.read_bytes()
    text = document.read_text()
    assert "](../results/figures/validation.png)" in text
    assert (document.parent / "../results/figures/validation.png").resolve() == figure.resolve()


def test_publish_outside_the_project_folder_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["validate", "--runs", "1", "--no-analysis", "--publish", "--quiet"])
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert not (tmp_path / "results").exists()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The whole document, analysis included, at a tiny size (about 20 s)."""
    out = tmp_path_factory.mktemp("validate")
    report = run_validation(
        out,
        runs_normative=2,
        runs_preset=1,
        life_runs=1,
        other_seeds=(),
        experiment_runs=2,
        population_runs=1,
        workers=1,
        progress=False,
        settings={"n_dyads": 30},
    )
    return report, markdown_report(report)


def test_the_analysis_shows_the_experiments_own_figures(small):
    report, text = small
    s = report.analysis.summaries
    assert set(s) == set(EXPERIMENTS)
    g = s["intergenerational"]
    assert f"| Cohen's kappa | {g['kappa']:.2f}" in text
    assert f"{g['pairs']} parent-child pairs" in text
    prototype = " | ".join(f"{v:.2f}" for v in s["life_course"]["stability_r"].values())
    assert f"| prototype | {prototype} |" in text
    for pairing, share in s["couples"]["pairing_share"].items():
        assert f"| {pairing} | {share:.3f} |" in text
    caregiver = s["interventions"]["sensitivity_intervention"]
    assert f"d = {caregiver['sensitivity_d']:.2f}" in text


def test_the_population_table_is_the_share_of_each_category(small):
    report, text = small
    table = report.analysis.categories
    assert set(table["population"]) == {
        "normative",
        "balanced",
        "consistent",
        "inconsistent",
        "rejecting",
        "frightening",
    }
    row = table.iloc[0]
    assert f"| `{row.population}` | {row.age} | {row.secure:.3f} |" in text


def test_a_bad_flag_gets_a_one_line_error_and_exit_code_2():
    for flag, value, message in (
        ("--runs", "0", "argument --runs: '0': allowed an integer of at least 1"),
        ("--other-seeds", "1,x", "argument --other-seeds: 'x' is not an integer"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "simulation.cli", "validate", flag, value],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 2
        errors = [line for line in done.stderr.splitlines() if "error" in line]
        assert errors == [f"attachment-sim validate: error: {message}"]
        assert "Traceback" not in done.stderr
        assert done.stdout == ""
