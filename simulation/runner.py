"""Many independent runs in parallel processes, reproducible whatever the number of workers.

Each run's seed is derived from the master seed, the population's label and the replicate number
(numpy SeedSequence), so a run's result never depends on which worker ran it, on the order runs
finish, or on which other populations share the experiment. Workers are started once and reused.
"""

from __future__ import annotations

import multiprocessing
import sys
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from simulation.model import AttachmentModel
from simulation.parameters import validate

RETEST_STREAM = 1  # spawn key of the independent random stream for the Strange Situation re-test


@dataclass(frozen=True)
class RunSpec:
    """One run: which population (label), which replicate, its seed and parameters."""

    label: str
    replicate: int
    seed: int
    params: dict[str, Any]


@dataclass
class Results:
    """Tidy results: one row per infant per run, and one row per run per day."""

    infants: pd.DataFrame
    timeseries: pd.DataFrame


def run_seed(master_seed: int, label: str, replicate: int) -> int:
    """The seed of one run, derived from the master seed, the population label and replicate."""
    key = (zlib.crc32(label.encode()), replicate)
    return int(np.random.SeedSequence(master_seed, spawn_key=key).generate_state(1)[0])


def simulate(spec: RunSpec) -> tuple[dict[str, np.ndarray], dict[str, list]]:
    """Run one model through the first year; return its infant table and daily time series."""
    model = AttachmentModel(rng=spec.seed, **spec.params)
    while model.running:
        model.step()
    table = model.infant_table()
    # The Strange Situation again on the same infants, same day, with independent noise:
    # agreement between the two classes measures the procedure's own reliability.
    retest_rng = np.random.default_rng(
        np.random.SeedSequence(spec.seed, spawn_key=(RETEST_STREAM,))
    )
    table["ssp_retest_class"] = model.run_strange_situation(retest_rng).attachment_class
    series = model.datacollector.get_model_vars_dataframe().to_dict(orient="list")
    return table, series


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork starts workers in milliseconds with the model already imported; elsewhere, spawn.
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _execute(specs: list[RunSpec], workers: int, progress: bool, desc: str) -> Iterator[Any]:
    bar = tqdm(total=len(specs), desc=desc, unit="run", disable=not progress, file=sys.stderr)
    if workers <= 1 or len(specs) <= 1:
        for spec in specs:
            yield simulate(spec)
            bar.update()
    else:
        # small chunks keep the progress bar smooth; a run is long next to its dispatch cost
        chunk = max(1, min(4, len(specs) // (workers * 8)))
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            for result in pool.map(simulate, specs, chunksize=chunk):  # results in input order
                yield result
                bar.update()
    bar.close()


def run_specs(specs: list[RunSpec], workers: int = 1, progress: bool = True) -> Results:
    """Run the given runs (in parallel when ``workers`` > 1); rows come back in ``specs`` order."""
    if workers < 1:
        raise ValueError(f"workers = {workers}: allowed an integer of at least 1")
    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked cleanly
    infant_frames, series_frames = [], []
    for spec, (table, series) in zip(
        specs, _execute(specs, workers, progress, "runs"), strict=True
    ):
        ids = {"population": spec.label, "run": spec.replicate, "seed": spec.seed}
        infant_frames.append(pd.DataFrame({**ids, **table}))
        series_frames.append(pd.DataFrame({**ids, **series}))
    return Results(
        infants=pd.concat(infant_frames, ignore_index=True),
        timeseries=pd.concat(series_frames, ignore_index=True),
    )


def run_many(
    populations: dict[str, dict[str, Any]],
    runs: int,
    seed: int,
    workers: int = 1,
    progress: bool = True,
) -> Results:
    """Run ``runs`` replicates of every population ({label: parameters}) in one pool of workers."""
    if runs < 1:
        raise ValueError(f"runs = {runs}: allowed an integer of at least 1")
    specs = [
        RunSpec(label, r, run_seed(seed, label, r), validate(params))
        for label, params in populations.items()
        for r in range(runs)
    ]
    return run_specs(specs, workers, progress)


def run_replicates(
    params: dict[str, Any] | None = None,
    runs: int = 1,
    seed: int = 0,
    workers: int = 1,
    progress: bool = True,
) -> Results:
    """Replicates of one setting. A single run uses ``seed`` itself, so it equals
    ``AttachmentModel(rng=seed, **params)``; several runs use seeds derived from it."""
    if runs == 1:
        return run_specs([RunSpec("run", 0, seed, validate(params or {}))], workers, progress)
    return run_many({"run": params or {}}, runs, seed, workers, progress)
