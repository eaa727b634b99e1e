"""Everything the validation document shows, run in one go: the first-year checks on the
calibration seed and on seeds the tuning never looked at, the life-course checks, and the model
analysis.

    report = run_validation(out=Path("results/validate"))
    write_report(report, Path("results/validate"))
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation.validation.analysis import POPULATION_RUNS, Analysis, run_analysis
from simulation.validation.checks import Check
from simulation.validation.runs import (
    OTHER_SEEDS,
    RUNS_LIFE,
    RUNS_NORMATIVE,
    RUNS_PRESET,
    SEED,
    WORKERS,
    CheckSet,
    LifeCourse,
    Validation,
    run_checks,
    run_life_checks,
)


@dataclass
class ValidationReport:
    """The checks of every seed, the life course and the analysis, with how they were run."""

    calibration: Validation
    other_seeds: list[Validation]
    life: LifeCourse | None
    analysis: Analysis | None
    workers: int
    seconds: float
    date: str
    experiment_runs: int | None = None

    def check_sets(self) -> list[tuple[str, CheckSet]]:
        """Each set of checks with a label saying what it is."""
        sets: list[tuple[str, CheckSet]] = [
            (f"first year, seed {self.calibration.seed} (calibration)", self.calibration)
        ]
        sets += [(f"first year, seed {v.seed}", v) for v in self.other_seeds]
        if self.life is not None:
            sets.append((f"life course, seed {self.life.seed}", self.life))
        return sets

    @property
    def checks(self) -> list[Check]:
        return [c for _, checks in self.check_sets() for c in checks]

    @property
    def failed(self) -> list[str]:
        """Every missed check as ``id (seed S)``."""
        return [f"{c.id} (seed {s.seed})" for _, s in self.check_sets() for c in s.failed]

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def command(self) -> str:
        v = self.calibration
        seeds = ",".join(str(x.seed) for x in self.other_seeds) or "none"
        life = self.life.runs if self.life is not None else 0
        text = (
            f"attachment-sim validate --runs {v.runs_normative} --preset-runs {v.runs_preset}"
            f" --life-runs {life} --seed {v.seed} --other-seeds {seeds}"
        )
        if self.analysis is None:
            return text + " --no-analysis"
        if self.experiment_runs is not None:
            text += f" --experiment-runs {self.experiment_runs}"
        return text


def run_validation(
    out: Path,
    runs_normative: int = RUNS_NORMATIVE,
    runs_preset: int = RUNS_PRESET,
    life_runs: int = RUNS_LIFE,
    seed: int = SEED,
    other_seeds: tuple[int, ...] = OTHER_SEEDS,
    analysis: bool = True,
    experiment_runs: int | None = None,
    population_runs: int = POPULATION_RUNS,
    workers: int = WORKERS,
    progress: bool = True,
    settings: dict[str, Any] | None = None,
) -> ValidationReport:
    """Run every check and (unless ``analysis`` is False) the model analysis, whose experiments
    are stored under ``out/experiments``. ``settings`` (model parameters) apply to the life
    course and the analysis only: a way to run the whole document small."""
    start = time.perf_counter()
    kwargs = dict(runs_normative=runs_normative, runs_preset=runs_preset, workers=workers)
    calibration = run_checks(seed=seed, progress=progress, **kwargs)
    others = [run_checks(seed=s, progress=progress, **kwargs) for s in other_seeds if s != seed]
    life = run_life_checks(life_runs, seed, workers, progress, settings) if life_runs > 0 else None
    result = (
        run_analysis(
            Path(out) / "experiments",
            experiment_runs,
            population_runs,
            workers=workers,
            progress=progress,
            settings=settings,
        )
        if analysis
        else None
    )
    return ValidationReport(
        calibration=calibration,
        other_seeds=others,
        life=life,
        analysis=result,
        workers=workers,
        seconds=time.perf_counter() - start,
        date=time.strftime("%Y-%m-%d %H:%M %z"),
        experiment_runs=experiment_runs,
    )
