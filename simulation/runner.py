"""Many independent runs (each one ``simulation.model.run.simulate``, which says how its seed is
derived), computed in batches (``simulate_batch``) on local worker processes or a Dask cluster,
reproducibly: a run's result does not depend on its batch, its worker or the order of finishing."""

from __future__ import annotations

import itertools
import math
import multiprocessing
import numbers
import signal
import sys
import traceback
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from simulation.model.parameters import ParameterError, validate
from simulation.model.run import (
    PER_RUN_TABLES,
    RunOutput,
    RunSpec,
    batch_key,
    run_seed,
    simulate,
    simulate_batch,
)

DEFAULT_BATCH = 100  # runs computed together in one batch unless told otherwise (--batch)
# A batch's arrays hold all its people; past this many, larger batches gain no speed and only
# take memory (results are the same for any batch, so this changes nothing else).
PEOPLE_PER_BATCH = 20_000
BATCHES_PER_SLOT = 2  # batches sent ahead per worker: one computing, one waiting its turn


@dataclass
class RunError:
    """A run that raised: reported with its parameters and seed, the others go on."""

    spec: RunSpec
    message: str
    details: str = field(repr=False, default="")


@dataclass
class Results:
    """Tidy results in memory: one row per run (runs), per person (infants: infancy measures
    and adult outcome), per step (timeseries), per person per birthday (life) and per couple
    (couples)."""

    runs: pd.DataFrame
    infants: pd.DataFrame
    timeseries: pd.DataFrame
    life: pd.DataFrame
    couples: pd.DataFrame


def simulate_safely(spec: RunSpec) -> RunOutput | RunError:
    try:
        return simulate(spec)
    except Exception as error:  # reported by the caller with the run's parameters and seed
        return RunError(spec, f"{type(error).__name__}: {error}", traceback.format_exc())


def simulate_batch_safely(specs: list[RunSpec]) -> list[RunOutput | RunError]:
    """The runs of one batch, in order; if the batch raises, an error for each of its runs (the
    batch is computed as one, so which run caused it is not known: --batch 1 tells)."""
    try:
        return list(simulate_batch(specs))
    except Exception as error:  # reported by the caller with each run's parameters and seed
        where = f" (in a batch of {len(specs)} runs)" if len(specs) > 1 else ""
        message = f"{type(error).__name__}: {error}{where}"
        details = traceback.format_exc()
        return [RunError(spec, message, details) for spec in specs]


def check_batch(batch: int) -> None:
    """A batch size is an integer of at least 1 (one-line error otherwise)."""
    if isinstance(batch, bool) or not isinstance(batch, numbers.Integral) or batch < 1:
        raise ParameterError(f"batch = {batch!r}: allowed an integer of at least 1")


def batches(specs: Iterable[RunSpec], size: int) -> Iterator[list[RunSpec]]:
    """The runs in their order, cut into batches: consecutive runs of one ``batch_key``, at most
    ``size`` in a batch and at most ``PEOPLE_PER_BATCH`` people (unless one run has more)."""
    group: list[RunSpec] = []
    key: tuple | None = None
    for spec in specs:
        spec_key = batch_key(spec)
        fits = max(1, PEOPLE_PER_BATCH // spec.params["n_dyads"])
        if group and (spec_key != key or len(group) >= min(size, fits)):
            yield group
            group = []
        group.append(spec)
        key = spec_key
    if group:
        yield group


def _ignore_interrupt() -> None:
    # Ctrl-C goes to the whole process group; only the parent decides what to do with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork on Linux: workers start in milliseconds with the model imported, and scripts read
    from stdin or a notebook work unchanged. Elsewhere spawn (the platform default)."""
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start_workers(pool: ProcessPoolExecutor) -> None:
    """Launch every worker now, before any run is sent. The parent's only other threads are
    numpy's and Arrow's helper threads, which are reinitialised after a fork (both register
    at-fork handlers), so Python's generic warning about forking a threaded process is muted
    for this one, deliberate fork."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        pool.submit(int).result()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the workers now, not after their batches: a batch of whole life courses can take
    minutes, and after Ctrl-C (or an error, or a caller that stops reading) its results would be
    thrown away anyway."""
    # A worker ended while it writes a result leaves half a message in the result pipe, and the
    # pool's manager thread would wait for the rest for ever (and shutdown with it). The parent
    # holds a write end of that pipe too: closed, the pipe ends once the workers are gone, and
    # the manager reads "end of file" instead of waiting.
    results = getattr(pool, "_result_queue", None)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14 and later
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


@contextmanager
def executor(workers: int, scheduler: str | None = None) -> Iterator[tuple[Executor | None, int]]:
    """Local worker processes (kept for the whole experiment) or a Dask cluster's executor.

    Yields (executor, slots); executor is None for in-process execution with one worker.
    """
    if scheduler:
        from distributed import Client

        try:
            client = Client(scheduler, timeout="20s")
        except OSError as error:
            raise ConnectionError(
                f"cannot reach the Dask scheduler at {scheduler}: {error}"
            ) from None
        try:
            slots = max(1, sum(client.nthreads().values()))
            yield client.get_executor(), slots
        finally:
            client.close()
    elif workers > 1:
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=_pool_context(), initializer=_ignore_interrupt
        )
        try:
            _start_workers(pool)
            yield pool, workers
        except BaseException:  # Ctrl-C, an error, or the caller stopped (GeneratorExit)
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        yield None, 1


def execute_batches(
    specs: Iterable[RunSpec],
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool = True,
    total: int | None = None,
    done: int = 0,
    batch: int = DEFAULT_BATCH,
) -> Iterator[list[RunOutput | RunError]]:
    """Run ``specs`` in batches of at most ``batch`` runs, yielding each batch's results (in the
    batch's order) as the batch completes (batches not in input order).

    At most a few batches per worker are in flight, so memory does not grow with the number of
    runs. The progress bar counts runs.
    """
    if workers < 1:
        raise ParameterError(f"workers = {workers}: allowed an integer of at least 1")
    check_batch(batch)
    specs = list(specs)
    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked cleanly
    bar = tqdm(
        total=total,
        initial=done,
        desc="runs",
        unit="run",
        disable=not progress,
        file=sys.stderr,
        smoothing=0.1,
        mininterval=0.5,
    )
    try:
        with executor(workers, scheduler) as (pool, slots):
            # Smaller batches when there are few runs, so that every worker gets some. This
            # cannot change any result (a run is the same in any batch), only the speed.
            size = max(1, min(batch, math.ceil(len(specs) / slots)))
            groups = batches(specs, size)
            if pool is None:
                for group in groups:
                    yield simulate_batch_safely(group)
                    bar.update(len(group))
                return
            pending: set[Future] = set()
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < BATCHES_PER_SLOT * slots:
                    group = next(groups, None)
                    if group is None:
                        exhausted = True
                    else:
                        pending.add(pool.submit(simulate_batch_safely, group))
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    outputs = future.result()
                    yield outputs
                    bar.update(len(outputs))
    finally:
        bar.close()


def execute(
    specs: Iterable[RunSpec],
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool = True,
    total: int | None = None,
    done: int = 0,
    batch: int = DEFAULT_BATCH,
) -> Iterator[RunOutput | RunError]:
    """Run ``specs`` in batches of at most ``batch`` runs (see ``execute_batches``), yielding
    each run's result as its batch completes (not in input order)."""
    completed = execute_batches(specs, workers, scheduler, progress, total, done, batch)
    with closing(completed):  # a caller that stops early stops the workers now, not at GC
        for outputs in completed:
            yield from outputs


def make_specs(points: dict[str, dict[str, Any]], runs: int, seed: int) -> list[RunSpec]:
    """Every replicate of every labelled parameter set, parameters checked, seeds derived."""
    if runs < 1:
        raise ParameterError(f"runs = {runs}: allowed an integer of at least 1")
    return [
        RunSpec(label, r, run_seed(seed, label, r), validate(params), point=i)
        for i, (label, params) in enumerate(points.items())
        for r in range(runs)
    ]


def collect(specs: list[RunSpec], outputs: Iterable[RunOutput | RunError]) -> Results:
    """Gather outputs into tidy tables in ``specs`` order; raise on the first failed run."""
    by_key: dict[tuple[int, int], RunOutput] = {}
    for out in outputs:
        if isinstance(out, RunError):
            raise RuntimeError(
                f"run {out.spec.label!r} replicate {out.spec.replicate} (seed {out.spec.seed}) "
                f"failed: {out.message}"
            )
        by_key[(out.summary["point"], out.summary["run"])] = out
    ordered = [by_key[(s.point, s.replicate)] for s in specs]
    return Results(**to_frames(ordered))


RUN_IDS = ("population", "point", "run", "seed")  # the columns that say which run a row is of


def to_frames(outputs: list[RunOutput]) -> dict[str, pd.DataFrame]:
    """Every table of some runs ({name: frame}, runs first), rows in the order given."""
    frames = {"runs": pd.DataFrame([o.summary for o in outputs])}
    for name in PER_RUN_TABLES:
        tables = [(o.summary, o.tables[name]) for o in outputs if o.tables[name]]
        frames[name] = _joined(tables)
    return frames


def _joined(tables: list[tuple[dict[str, Any], dict[str, Any]]]) -> pd.DataFrame:
    """Some runs' tables of one kind as one frame, each row with its run's ids: column by column
    when the runs have the same columns (one concatenation per column, not a frame per run)."""
    if not tables:
        return pd.DataFrame()
    if any(table.keys() != tables[0][1].keys() for _, table in tables):
        return pd.concat(
            [pd.DataFrame({**{k: run[k] for k in RUN_IDS}, **table}) for run, table in tables],
            ignore_index=True,
        )
    rows = [len(next(iter(table.values()))) for _, table in tables]
    columns = {k: np.repeat([run[k] for run, _ in tables], rows) for k in RUN_IDS}
    for key in tables[0][1]:
        parts = [table[key] for _, table in tables]
        if all(isinstance(part, np.ndarray) and part.dtype == parts[0].dtype for part in parts):
            columns[key] = np.concatenate(parts)
        else:  # lists (which may mix missing values and text), mixed types: pandas reads them
            columns[key] = list(itertools.chain.from_iterable(parts))
    return pd.DataFrame(columns, copy=False)  # the columns are fresh: no second copy


def run_many(
    populations: dict[str, dict[str, Any]],
    runs: int,
    seed: int,
    workers: int = 1,
    progress: bool = True,
    scheduler: str | None = None,
    batch: int = DEFAULT_BATCH,
) -> Results:
    """Run ``runs`` replicates of every population ({label: parameters}), results in memory;
    ``batch`` runs at most are computed together.

    For sweeps that should be stored as they go and resumed, use ``simulation.sweep.run_sweep``.
    """
    specs = make_specs(populations, runs, seed)
    outputs = execute(specs, workers, scheduler, progress, total=len(specs), batch=batch)
    return collect(specs, outputs)


def run_replicates(
    params: dict[str, Any] | None = None,
    runs: int = 1,
    seed: int = 0,
    workers: int = 1,
    progress: bool = True,
    batch: int = DEFAULT_BATCH,
) -> Results:
    """Replicates of one setting. A single run uses ``seed`` itself, so it equals
    ``AttachmentModel(rng=seed, **params)``; several runs use seeds derived from it. ``batch``
    runs at most are computed together."""
    if runs == 1:
        specs = [RunSpec("run", 0, seed, validate(params or {}))]
    else:
        specs = make_specs({"run": params or {}}, runs, seed)
    outputs = execute(specs, workers, None, progress, total=len(specs), batch=batch)
    return collect(specs, outputs)
