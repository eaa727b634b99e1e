"""Running the checks: the first year on one seed, and the life course.

    validation = run_checks()          # 100 normative first years, 30 per caregiver preset
    life = run_life_checks()           # 40 normative runs to 30

Results do not depend on ``workers``: every run's seed derives from the master seed, the
population's label and the replicate number.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.validation.checks import (
    CHECK_IDS,
    LIFE_CHECK_IDS,
    LIFE_SPECS,
    OWN_CLASS,
    SPECS,
    Check,
    Tables,
    evaluate,
)

RUNS_NORMATIVE = 100  # the bands hold "over at least 100 runs" of 100 dyads
RUNS_PRESET = 30
RUNS_LIFE = 40  # 4,000 people: the life-course bands are set for this many
# The seed the first-year calibration was tuned on (see the document's calibration section).
SEED = 20261127
# Seeds the tuning never looked at: the same checks on them corroborate the calibration.
OTHER_SEEDS = (1, 2)
WORKERS = 2
# The committed copies of the document and its figure (``attachment-sim validate --publish``).
PUBLISHED_DOCUMENT = Path("docs/validation_report.md")
PUBLISHED_FIGURE = Path("results/figures/validation.png")


def seed_list(text: str) -> tuple[int, ...]:
    """Seeds given as ``1,2,3`` on the command line; ``none`` for none."""
    from simulation.experiment import seed_int

    if text.strip().lower() in ("none", ""):
        return ()
    return tuple(seed_int(part.strip()) for part in text.split(","))


@dataclass
class CheckSet:
    """Some checks with their settings; iterates over the checks."""

    checks: list[Check]
    seed: int
    seconds: float

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks)

    def __len__(self) -> int:
        return len(self.checks)

    def check(self, check_id: str) -> Check:
        for check in self.checks:
            if check.id == check_id:
                return check
        allowed = ", ".join(c.id for c in self.checks)
        raise KeyError(f"no check {check_id!r}: allowed {allowed}")

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def table(self) -> pd.DataFrame:
        """One row per check: id, name, value, band (text, low, high), source, passed."""
        return pd.DataFrame(
            [
                {
                    "seed": self.seed,
                    "id": c.id,
                    "check": c.name,
                    "value": c.value,
                    "band": str(c.band),
                    "low": c.band.low,
                    "high": c.band.high,
                    "source": c.source,
                    "passed": c.passed,
                }
                for c in self.checks
            ]
        )


@dataclass
class Validation(CheckSet):
    """The first-year checks of one seed, with the per-infant tables they came from."""

    normative: pd.DataFrame = field(default_factory=pd.DataFrame)
    presets: pd.DataFrame = field(default_factory=pd.DataFrame)
    runs_normative: int = RUNS_NORMATIVE
    runs_preset: int = RUNS_PRESET

    @property
    def command(self) -> str:
        return (
            f"attachment-sim validate --runs {self.runs_normative} "
            f"--preset-runs {self.runs_preset} --seed {self.seed}"
        )


@dataclass
class LifeCourse(CheckSet):
    """The life-course checks, with the per-person table of the runs to 30."""

    infants: pd.DataFrame = field(default_factory=pd.DataFrame)
    runs: int = RUNS_LIFE


def run_checks(
    runs_normative: int = RUNS_NORMATIVE,
    runs_preset: int = RUNS_PRESET,
    seed: int = SEED,
    workers: int = WORKERS,
    progress: bool = True,
) -> Validation:
    """Run the normative mix and the four caregiver presets through the first year once, then
    every first-year check."""
    from simulation.runner import run_many

    start = time.perf_counter()
    first_year = {"horizon_years": 1}  # these checks are about infancy
    normative = run_many(
        {"normative": first_year},
        runs=runs_normative,
        seed=seed,
        workers=workers,
        progress=progress,
    )
    presets = run_many(
        {p: {"caregivers": p, **first_year} for p in OWN_CLASS},
        runs=runs_preset,
        seed=seed,
        workers=workers,
        progress=progress,
    )
    tables = Tables(normative.infants, presets.infants)
    return Validation(
        checks=evaluate(SPECS, tables),
        seed=seed,
        seconds=time.perf_counter() - start,
        normative=tables.normative,
        presets=tables.presets,
        runs_normative=runs_normative,
        runs_preset=runs_preset,
    )


def run_life_checks(
    runs: int = RUNS_LIFE,
    seed: int = SEED,
    workers: int = WORKERS,
    progress: bool = True,
    settings: dict[str, Any] | None = None,
) -> LifeCourse:
    """Run the normative mix to 30 (or with ``settings``) and every life-course check."""
    from simulation.runner import run_many

    start = time.perf_counter()
    normative = run_many(
        {"normative": dict(settings or {})},
        runs=runs,
        seed=seed,
        workers=workers,
        progress=progress,
    )
    return LifeCourse(
        checks=evaluate(LIFE_SPECS, Tables(normative.infants)),
        seed=seed,
        seconds=time.perf_counter() - start,
        infants=normative.infants,
        runs=runs,
    )


__all__ = ["CHECK_IDS", "LIFE_CHECK_IDS", "run_checks", "run_life_checks"]
