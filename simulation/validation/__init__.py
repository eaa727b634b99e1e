"""Validation: every check of the model against its band, and the TRACE-style document that
``attachment-sim validate`` writes.

- ``checks``: the bands, the reasons for them and their sources (publications);
- ``runs``: running the first-year checks on one seed and the life-course checks;
- ``analysis``: the experiments behind patterns 5-10, run at their own defaults;
- ``document``: all of it in one go (``run_validation``);
- ``report``, ``figure``, ``prose``: the document, its figure and its fixed prose.

    from simulation.validation import run_validation, write_report
    report = run_validation(out=Path("results/validate"))
    write_report(report, Path("results/validate"))
"""

from simulation.validation.checks import (
    CHECK_IDS,
    LIFE_CHECK_IDS,
    LIFE_SPECS,
    OWN_CLASS,
    SPECS,
    Band,
    Check,
    CheckSpec,
    continuity,
)
from simulation.validation.document import ValidationReport, run_validation
from simulation.validation.report import markdown_report, text_table, write_report
from simulation.validation.runs import (
    OTHER_SEEDS,
    RUNS_LIFE,
    RUNS_NORMATIVE,
    RUNS_PRESET,
    SEED,
    WORKERS,
    LifeCourse,
    Validation,
    run_checks,
    run_life_checks,
)

__all__ = [
    "CHECK_IDS",
    "LIFE_CHECK_IDS",
    "LIFE_SPECS",
    "OTHER_SEEDS",
    "OWN_CLASS",
    "RUNS_LIFE",
    "RUNS_NORMATIVE",
    "RUNS_PRESET",
    "SEED",
    "SPECS",
    "WORKERS",
    "Band",
    "Check",
    "CheckSpec",
    "LifeCourse",
    "Validation",
    "ValidationReport",
    "continuity",
    "markdown_report",
    "run_checks",
    "run_life_checks",
    "run_validation",
    "text_table",
    "write_report",
]
