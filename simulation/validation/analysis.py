"""The model analysis of the validation document: the experiments behind patterns 5-10 and the
adult categories of each caregiver population, run at their own defaults.

Nothing here is checked against a band: these are the figures the model gives, set beside a
published reference where one exists. The experiments are stored in folders of their own, so
running the document again with the same code reuses them instead of running them again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.model.life_course import CATEGORIES

EXPERIMENTS = ("life_course", "adult_styles", "couples", "interventions", "intergenerational")
# Adult categories of every caregiver population at some birthdays (pattern 6: each preset
# raises its counterpart category), each population labelled with its own name.
POPULATIONS = ("normative", "balanced", "consistent", "inconsistent", "rejecting", "frightening")
POPULATION_RUNS = 20
POPULATION_SEED = 2026
POPULATION_AGES = (1, 12, 18, 30)


@dataclass
class Analysis:
    """The experiments' summaries and the category shares of each caregiver population."""

    summaries: dict[str, dict[str, Any]]
    categories: pd.DataFrame  # population, age, one column per category (shares 0-1)
    population_runs: int
    seed: int
    horizon: int  # age at which the populations' runs end
    seconds: float
    folders: dict[str, Path] = field(default_factory=dict)
    # an experiment's published reference figures (its REFERENCE, where it has one)
    references: dict[str, dict[str, float]] = field(default_factory=dict)


def run_experiments(
    out: Path,
    runs: int | None = None,
    workers: int = 2,
    progress: bool = True,
    settings: dict[str, Any] | None = None,
    names: tuple[str, ...] = EXPERIMENTS,
) -> tuple[dict[str, dict[str, Any]], dict[str, Path], dict[str, dict[str, float]]]:
    """Run each experiment (its own runs and seed unless ``runs`` is given) into ``out/NAME``;
    return their summaries, folders and reference figures. A folder of the same settings and code
    is reused."""
    from simulation.experiment import load_experiment
    from simulation.sweep import Options

    summaries, folders, references = {}, {}, {}
    for name in names:
        folder = out / name
        options = Options(
            runs=runs,
            workers=workers,
            out=folder,
            progress=progress,
            settings=dict(settings or {}),
            overwrite=True,  # this folder is the document's own: other settings are replaced
        )
        module = load_experiment(name)
        summaries[name] = module.run(options)
        folders[name] = folder
        if isinstance(getattr(module, "REFERENCE", None), dict):
            references[name] = dict(module.REFERENCE)
    return summaries, folders, references


def category_shares(life: pd.DataFrame, ages: tuple[int, ...] = POPULATION_AGES) -> pd.DataFrame:
    """Share of each adult category per population at the given birthdays (pooled over runs)."""
    rows = life[life["age"].isin(ages)]
    shares = pd.crosstab([rows["population"], rows["age"]], rows["category"], normalize="index")
    shares = shares.reindex(columns=list(CATEGORIES), fill_value=0.0).reset_index()
    order = {p: i for i, p in enumerate(dict.fromkeys(life["population"]))}
    return shares.sort_values(
        ["population", "age"], key=lambda s: s.map(order) if s.name == "population" else s
    ).reset_index(drop=True)


def run_analysis(
    out: Path,
    experiment_runs: int | None = None,
    population_runs: int = POPULATION_RUNS,
    workers: int = 2,
    progress: bool = True,
    settings: dict[str, Any] | None = None,
) -> Analysis:
    """Every experiment of the analysis, and each caregiver population to 30."""
    from simulation.runner import run_many

    start = time.perf_counter()
    summaries, folders, references = run_experiments(
        out, experiment_runs, workers, progress, settings
    )
    populations = {p: {**(settings or {}), "caregivers": p} for p in POPULATIONS}
    results = run_many(
        populations, runs=population_runs, seed=POPULATION_SEED, workers=workers, progress=progress
    )
    return Analysis(
        summaries=summaries,
        categories=category_shares(results.life),
        population_runs=population_runs,
        seed=POPULATION_SEED,
        horizon=int(results.infants["final_age"].max()),
        seconds=time.perf_counter() - start,
        folders=folders,
        references=references,
    )
