"""``attachment-sim validate``: its flags and what it does (the command line only wires them)."""

from __future__ import annotations

import argparse
from pathlib import Path

from simulation.validation import runs

HELP = "run every check against its published band and write the validation document"
DESCRIPTION = (
    "Run the first year of the normative mix and the four caregiver presets on the calibration"
    " seed and on other seeds, the normative mix to 30, and the experiments behind the"
    " life-course patterns; compare every figure with its band and write the validation document"
    " (report.md, TRACE order), checks.csv and validation.png/.svg. Exit code 0 when every check"
    " passes, 1 otherwise."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``attachment-sim validate``."""
    from simulation.experiment import positive_int, seed_int

    parser.add_argument(
        "--runs",
        type=positive_int,
        default=runs.RUNS_NORMATIVE,
        help=f"first-year runs of the normative mix (default {runs.RUNS_NORMATIVE})",
    )
    parser.add_argument(
        "--preset-runs",
        type=positive_int,
        default=runs.RUNS_PRESET,
        help=f"first-year runs of each caregiver preset (default {runs.RUNS_PRESET})",
    )
    parser.add_argument(
        "--life-runs",
        type=seed_int,
        default=runs.RUNS_LIFE,
        help=f"runs of the normative mix to 30 (default {runs.RUNS_LIFE}; 0 = none)",
    )
    parser.add_argument(
        "--seed", type=seed_int, default=runs.SEED, help=f"calibration seed (default {runs.SEED})"
    )
    parser.add_argument(
        "--other-seeds",
        type=runs.seed_list,
        default=runs.OTHER_SEEDS,
        metavar="S1,S2,...",
        help="seeds the first-year checks are repeated on (default "
        f"{','.join(map(str, runs.OTHER_SEEDS))}; 'none' for none)",
    )
    parser.add_argument(
        "--experiment-runs",
        type=positive_int,
        help="runs of each experiment of the model analysis (default: each experiment's own)",
    )
    parser.add_argument(
        "--no-analysis", action="store_true", help="skip the model analysis (the experiments)"
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=runs.WORKERS,
        help=f"worker processes (default {runs.WORKERS}); results do not depend on it",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results/validate"),
        help="report folder (default results/validate; the experiments go to OUT/experiments)",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help=f"also write the committed copies, {runs.PUBLISHED_DOCUMENT} and "
        f"{runs.PUBLISHED_FIGURE} (run from the project's folder)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """Run every check and write the document; missed checks raise ``RunFailures`` (exit 1)."""
    from simulation.storage import ResultsError
    from simulation.sweep import RunFailures
    from simulation.validation.document import run_validation
    from simulation.validation.report import text_table, write_report

    document, figure = runs.PUBLISHED_DOCUMENT, runs.PUBLISHED_FIGURE
    if args.publish and not document.parent.is_dir():
        raise ResultsError(
            f"--publish writes {document} and {figure}: run it from the project's folder"
        )
    report = run_validation(
        args.out,
        runs_normative=args.runs,
        runs_preset=args.preset_runs,
        life_runs=args.life_runs,
        seed=args.seed,
        other_seeds=args.other_seeds,
        analysis=not args.no_analysis,
        experiment_runs=args.experiment_runs,
        workers=args.workers,
        progress=not args.quiet,
    )
    published = (document, figure) if args.publish else (None, None)
    paths = write_report(report, args.out, *published)
    checks = report.checks
    passed = sum(c.passed for c in checks)
    print(f"\n{passed} of {len(checks)} checks pass ({report.command})")
    for label, check_set in report.check_sets():
        print(f"\n{label}:\n{text_table(check_set)}")
    print(f"report: {paths[0]}")
    if args.publish:
        print(f"published: {document}, {figure}")
    if report.failed:  # exit code 1, the missed checks named on stderr
        raise RunFailures(
            f"{len(report.failed)} of {len(checks)} checks missed: " + ", ".join(report.failed)
        )
    return 0
