"""Parameter sweeps for experiment scripts: stored as they go, resumable, local or on Dask.

    from simulation.sweep import Options, grid, run_sweep

    points = grid(sensitivity=[0.2, 0.5, 0.8], consistency=[0.2, 0.8])   # 6 parameter sets
    results = run_sweep("my_sweep", points, runs=10, seed=1, fixed={"n_dyads": 100})
    results.runs        # one row per run: parameters, class shares, mean scores
    results.infants     # one row per infant per run (loaded when first used)

Parameters are given as fixed values (``fixed``), lists (``grid``), or samples within ranges
(``sample``: random or Latin hypercube). Every finished run is written to the results folder
within seconds; running the same sweep again skips what is there and ends with the same results.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.model.parameters import PARAMETERS, ParameterError, validate
from simulation.model.run import RunOutput, RunSpec, run_seed
from simulation.runner import DEFAULT_BATCH, RunError, check_batch, execute_batches, to_frames
from simulation.storage import (
    TABLES,
    ResultsFolder,
    code_fingerprint,
    git_state,
    package_versions,
    write_table,
)

FLUSH_SECONDS = 2.0  # finished runs reach the disk within about this long
FLUSH_RUNS = 100  # ... or once this many have finished (a batch: the parent holds little)


@dataclass
class Options:
    """How to run an experiment; set from the command line or a config file. ``None`` means
    "the script's default"."""

    runs: int | None = None
    workers: int | None = None
    seed: int | None = None
    out: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # --set name=value, [parameters]
    scheduler: str | None = None  # Dask scheduler address; None = local processes
    overwrite: bool = False
    progress: bool = True
    # last, so that Options made with positional arguments keep their meaning
    batch: int | None = None  # runs computed together; None = runner.DEFAULT_BATCH


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


# ------------------------------------------------------------------ parameter sets
def grid(**values: Any) -> list[dict[str, Any]]:
    """Every combination of the listed values (a single value is held fixed)."""
    names = list(values)
    lists = [v if isinstance(v, list | tuple | np.ndarray) else [v] for v in values.values()]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*lists)]


def sample(
    ranges: dict[str, tuple[float, float]], n: int, method: str = "lhs", seed: int = 0
) -> list[dict[str, Any]]:
    """``n`` parameter sets drawn within ``ranges``: Latin hypercube ('lhs') or 'random'."""
    for name, (low, high) in ranges.items():
        if name not in PARAMETERS:
            raise ParameterError(f"unknown parameter '{name}' in ranges")
        PARAMETERS[name].check(low)
        PARAMETERS[name].check(high)
    if method == "lhs":
        from scipy.stats import qmc  # imported here: scipy.stats takes ~1.4 s to import

        unit = qmc.LatinHypercube(d=len(ranges), seed=seed).random(n)
    elif method == "random":
        unit = np.random.default_rng(seed).random((n, len(ranges)))
    else:
        raise ParameterError(f"sampling method {method!r}: allowed lhs, random")
    lows = np.array([r[0] for r in ranges.values()])
    highs = np.array([r[1] for r in ranges.values()])
    values = lows + unit * (highs - lows)
    points = []
    for row in values:
        point = {}
        for name, v in zip(ranges, row, strict=True):
            point[name] = int(round(v)) if PARAMETERS[name].kind is int else float(v)
        points.append(point)
    return points


def label_of(point: dict[str, Any]) -> str:
    """A readable, stable name for a parameter set (it also keys the runs' seeds)."""
    return ",".join(
        f"{k}={point[k]:.6g}" if isinstance(point[k], float) else f"{k}={point[k]}"
        for k in sorted(point)
    )


def _labelled(points: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Label a list of parameter sets; a repeated set (as in Morris designs) gets "#2", "#3"...
    so every entry of the list stays one parameter set with its own runs."""
    labelled: dict[str, dict[str, Any]] = {}
    for point in points:
        label = base = label_of(point)
        copy = 1
        while label in labelled:
            copy += 1
            label = f"{base}#{copy}"
        labelled[label] = point
    return labelled


# ------------------------------------------------------------------ results
class SweepResults:
    """A finished sweep: small tables in memory on first use, large ones read lazily."""

    def __init__(
        self,
        folder: ResultsFolder,
        seed: int,
        runs: int,
        seconds: float,
        resumed: int,
        computed: int,
    ) -> None:
        self.folder = folder
        self.out = folder.path
        self.seed = seed  # the master seed
        self.runs_per_point = runs
        self.seconds = seconds
        self.resumed = resumed
        self.computed = computed
        self._cache: dict[str, pd.DataFrame] = {}

    def _table(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = self.folder.load(name)
        return self._cache[name]

    @property
    def runs(self) -> pd.DataFrame:
        """One row per run (parameters, seed, class shares, means): small even for big sweeps."""
        return self._table("runs")

    @property
    def infants(self) -> pd.DataFrame:
        """One row per infant per run (loads the whole table: see ``batches`` for big sweeps)."""
        return self._table("infants")

    @property
    def timeseries(self) -> pd.DataFrame:
        return self._table("timeseries")

    @property
    def life(self) -> pd.DataFrame:
        """One row per person per birthday."""
        return self._table("life")

    @property
    def couples(self) -> pd.DataFrame:
        """One row per couple."""
        return self._table("couples")

    def batches(self, table: str, columns: list[str] | None = None):
        """Iterate over a table part by part without loading it all."""
        return self.folder.batches(table, columns)

    def finish(
        self, files: list[Path] | None = None, summary: dict[str, Any] | None = None
    ) -> None:
        """Record the experiment as complete (call after writing figures and summary)."""
        self.folder.update_manifest(
            status="complete",
            finished=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            files=sorted(os.path.relpath(p, self.out) for p in (files or [])),
        )
        if summary is not None:
            print(summary_line(self, summary))


def summary_line(results: SweepResults, summary: dict[str, Any]) -> str:
    name = summary.get("experiment", results.out.name)
    done = results.resumed + results.computed
    how = f" ({results.resumed} already there)" if results.resumed else ""
    seconds = f"{results.seconds:.0f} s"
    return f"{name}: {done} runs{how} in {seconds}; results and figures in {results.out}/"


# ------------------------------------------------------------------ the sweep
def run_sweep(
    name: str,
    points: dict[str, dict[str, Any]] | list[dict[str, Any]],
    runs: int = 10,
    seed: int = 0,
    fixed: dict[str, Any] | None = None,
    options: Options | None = None,
    out: Path | str | None = None,
    extra_config: dict[str, Any] | None = None,
    keep: tuple[str, ...] = TABLES,
) -> SweepResults:
    """Run ``runs`` replicates of every parameter set into a results folder (default
    ``results/NAME``), resuming a previous attempt. ``options`` (from the command line) override
    ``runs``, ``seed`` and ``out`` and add ``--set`` settings to every parameter set. ``keep``
    names the tables to store: the per-run ``runs`` table always, ``infants`` and ``timeseries``
    (one row per infant, per day) only when the analysis needs them."""
    options = options or Options()
    runs = options.runs or runs
    seed = options.seed if options.seed is not None else seed
    workers = options.workers or default_workers()
    batch = DEFAULT_BATCH if options.batch is None else options.batch
    check_batch(batch)  # before the folder is touched
    folder = ResultsFolder(options.out or out or Path("results") / name)

    labelled = points if isinstance(points, dict) else _labelled(points)
    if not labelled:
        raise ParameterError("a sweep needs at least one parameter set")
    varied = {k for p in labelled.values() for k in p}
    for key in options.settings:
        if key in varied:
            print(f"note: --set {key} is ignored: the experiment varies it", file=sys.stderr)
    base = {**(fixed or {}), **options.settings}
    full = {label: validate({**base, **p}) for label, p in labelled.items()}
    if runs < 1:
        raise ParameterError(f"runs = {runs}: allowed an integer of at least 1")

    config = {
        "experiment": name,
        "runs": runs,
        "seed": seed,
        "points": full,
        **(extra_config or {}),
    }
    if tuple(keep) != TABLES:
        config["keep"] = list(keep)
    state = folder.prepare(config, code_fingerprint(), options.overwrite)
    folder.update_manifest(
        master_seed=seed,
        points=len(full),
        runs_per_point=runs,
        workers=workers,
        batch=batch,
        scheduler=options.scheduler,
        versions=package_versions(),
        git=git_state(),
    )
    started = time.time()
    done = folder.done_runs() if state != "new" else set()
    specs = [
        RunSpec(label, r, run_seed(seed, label, r), params, point=i)
        for i, (label, params) in enumerate(full.items())
        for r in range(runs)
        if (i, r) not in done
    ]
    total = len(full) * runs
    if specs:
        errors = _stream(folder, specs, workers, batch, options, total, len(done), keep)
        if errors:
            _report_errors(folder, errors)
    (folder.path / "errors.csv").unlink(missing_ok=True)  # every run has now succeeded
    if state != "complete" or specs:
        folder.write_csv_copies()
    seconds = time.time() - started
    folder.update_manifest(
        runs_done=total,
        seconds=round(seconds, 2),
        seconds_per_run=round(seconds / max(1, len(specs)), 4),
    )
    return SweepResults(folder, seed, runs, seconds, resumed=len(done), computed=len(specs))


def _stream(
    folder: ResultsFolder,
    specs: list[RunSpec],
    workers: int,
    batch: int,
    options: Options,
    total: int,
    done: int,
    keep: tuple[str, ...] = TABLES,
) -> list[RunError]:
    """Run the specs in batches and store finished runs in parts, batch by batch; on Ctrl-C
    keep what finished."""
    buffer: list[RunOutput] = []
    errors: list[RunError] = []
    last_flush = last_batch = time.time()

    def flush() -> None:
        nonlocal last_flush
        if buffer:
            folder.write_part(to_frames(buffer), keep=keep)
            buffer.clear()
        last_flush = time.time()

    try:
        completed = execute_batches(
            specs, workers, options.scheduler, options.progress, total, done, batch
        )
        with closing(completed):  # workers shut down before an error while storing is raised
            for outputs in completed:
                for output in outputs:
                    if isinstance(output, RunError):
                        errors.append(output)
                    else:
                        buffer.append(output)
                now = time.time()
                # Runs arrive a batch at a time, and the next batch is likely about as far off
                # as this one was: store now unless it comes before FLUSH_SECONDS are up. So
                # runs wait about FLUSH_SECONDS at most, and parts are written at most every
                # FLUSH_SECONDS / 2.
                waited, expected = now - last_flush, now - last_batch
                if len(buffer) >= FLUSH_RUNS or waited + expected >= FLUSH_SECONDS:
                    flush()
                last_batch = now
    except KeyboardInterrupt:
        flush()
        stored = len(folder.done_runs())
        raise KeyboardInterrupt(
            f"interrupted: {stored} of {total} runs are stored in {folder.path}/; "
            "run the same command again to resume"
        ) from None
    flush()
    return errors


def _report_errors(folder: ResultsFolder, errors: list[RunError]) -> None:
    rows = [
        {
            "population": e.spec.label,
            "point": e.spec.point,
            "run": e.spec.replicate,
            "seed": e.spec.seed,
            "error": e.message,
            **e.spec.params,
        }
        for e in errors
    ]
    write_table(pd.DataFrame(rows), folder.path / "errors.csv")
    first = errors[0]
    raise RunFailures(
        f"{len(errors)} run(s) failed, e.g. {first.spec.label!r} replicate {first.spec.replicate}"
        f" (seed {first.spec.seed}): {first.message}; all are listed with their parameters in "
        f"{folder.path / 'errors.csv'}; the other runs are stored and the same command retries"
        " the failed ones"
    )


class RunFailures(RuntimeError):
    """Some runs raised; the rest finished and are stored."""


__all__ = ["Options", "grid", "sample", "run_sweep", "SweepResults", "label_of"]
