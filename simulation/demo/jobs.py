"""Work the class starts and goes on stepping meanwhile: many runs of its settings (``Ensemble``)
and its settings over several generations (``Generations``), both on one spawned worker process
that the server keeps between requests.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from simulation.demo.state import Settings
from simulation.measures import transmission
from simulation.model.life_course import CATEGORIES
from simulation.model.parameters import PARAMETERS, validate
from simulation.model.strange_situation import CLASSES
from simulation.runner import RunError, RunSpec, make_specs, simulate_safely

_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ProcessPoolExecutor:
    """One worker process for every background job of this server, kept alive between requests.

    spawn, not fork: the demo server has threads of its own (web server, Play loops), and
    forking a process with such threads can deadlock."""
    global _POOL
    import multiprocessing

    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return _POOL


def _drop_broken_pool() -> None:
    """Forget a pool whose worker died, so that the next request starts a new one."""
    global _POOL
    with _POOL_LOCK:
        _POOL = None


# ---------------------------------------------------------------------- many runs
@dataclass
class Ensemble:
    """Runs of one setting in the background, one worker; seeds as ``attachment-sim run
    --runs N`` derives them, so the same command reproduces every run."""

    settings: Settings
    runs: int
    done: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    cancelled: bool = False

    def command(self) -> str:
        return self.settings.command() + f" --runs {self.runs}"

    def run(self, on_progress: Callable[[Ensemble], None] = lambda e: None) -> None:
        """Submit every run and wait, reporting after each; returns when all are done."""
        specs = make_specs({"run": self.settings.params}, self.runs, self.settings.seed)
        futures: list[Future] = [_pool().submit(simulate_safely, spec) for spec in specs]
        try:
            for future in futures:
                if self.cancelled:
                    break
                out = future.result()
                if isinstance(out, RunError):
                    self.error = out.message
                    break
                self.rows.append(out.summary)
                self.done += 1
                on_progress(self)
        finally:
            for future in futures:
                future.cancel()

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    @property
    def finished(self) -> bool:
        return self.done == self.runs


# ---------------------------------------------------------------------- generations
def generation_settings(settings: Settings, generations: int) -> Settings:
    """The class's settings as a run of ``generations`` generations (one population): the run
    made long enough for every parent to live to their child's birth. Raises ParameterError."""
    params = {**settings.params, "generations": generations}
    full = validate(params, horizon_years=PARAMETERS["horizon_years"].high)
    horizon = max(settings.full()["horizon_years"], math.ceil(full["parent_age_max"]))
    return replace(settings, params={**params, "horizon_years": horizon}, compare=None).checked()


def generations_summary(infants: pd.DataFrame) -> pd.DataFrame:
    """One row per generation (1 = the class's own run): Strange Situation class shares, adult
    category shares at the end of the run, and for a child generation, the concordance of the
    parent's security (adult category at the birth) with the child's (class B) and its kappa."""
    rows = []
    for generation, people in infants.groupby("generation"):
        row: dict[str, Any] = {"generation": int(generation) + 1, "people": len(people)}
        row.update({c: float((people["ssp_class"] == c).mean()) for c in CLASSES})
        if "adult_category" in people:
            row["adult_age"] = float(people["final_age"].max())
            row.update({c: float((people["adult_category"] == c).mean()) for c in CATEGORIES})
        if generation > 0:
            link = transmission(people)
            parent = people["parent_secure"].to_numpy() == 1
            secure = people["secure"].to_numpy() == 1
            row.update(
                concordance=link["concordance"],
                kappa=link["kappa"],
                secure_parents=float(parent.mean()),
                b_secure_parent=float(secure[parent].mean()) if parent.any() else math.nan,
                b_insecure_parent=float(secure[~parent].mean()) if (~parent).any() else math.nan,
            )
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class Generations:
    """The class's settings over several generations, in the background on the ensemble's
    worker (``simulate_safely``, as ``attachment-sim run --set generations=N`` runs it: the
    first generation is the class's own run, to the end of the longer horizon)."""

    settings: Settings
    generations: int
    infants: pd.DataFrame | None = None
    error: str | None = None
    seconds: float = 0.0

    def run_settings(self) -> Settings:
        return generation_settings(self.settings, self.generations)

    def command(self) -> str:
        return self.run_settings().command()

    def run(self) -> None:
        """Run every generation and wait (one task on the worker)."""
        start = time.perf_counter()
        try:
            settings = self.run_settings()
        except ValueError as problem:
            self.error = str(problem)
            return
        spec = RunSpec("run", 0, settings.seed, settings.full())
        try:
            out = _pool().submit(simulate_safely, spec).result()
        except BrokenProcessPool as problem:  # the worker died (killed, out of memory)
            _drop_broken_pool()
            self.error = f"the background worker stopped: {problem}"
            return
        self.seconds = time.perf_counter() - start
        if isinstance(out, RunError):
            self.error = out.message
        else:
            self.infants = pd.DataFrame(out.tables["infants"])

    @property
    def finished(self) -> bool:
        return self.infants is not None or self.error is not None

    def summary(self) -> pd.DataFrame:
        assert self.infants is not None
        return generations_summary(self.infants)
