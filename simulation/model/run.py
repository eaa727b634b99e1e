"""One run: a model from birth to its horizon (and each next generation, raised by the one
before), with the Strange Situation re-test; its summary row and tables.

Each run's seed is derived from the master seed, the label of its parameter set and the replicate
number (numpy SeedSequence), so a run's result never depends on which worker ran it, on the order
runs finish, or on which other parameter sets share the experiment.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulation.model.life_course import CATEGORIES
from simulation.model.lives import Lives
from simulation.model.strange_situation import CLASSES
from simulation.model.streams import Streams

RETEST_STREAM = 1  # spawn key of the independent random stream for the Strange Situation re-test
GENERATION_STREAM = 2  # spawn key of the streams of the generations after the first


@dataclass(frozen=True)
class RunSpec:
    """One run: its parameter set (label, index), replicate number, seed and parameters."""

    label: str
    replicate: int
    seed: int
    params: dict[str, Any]
    point: int = 0


@dataclass
class RunOutput:
    """What one run returns: a summary row and its other tables (see ``PER_RUN_TABLES``)."""

    summary: dict[str, Any]
    tables: dict[str, dict[str, Any]]


# The tables one run adds rows to, besides its row in ``runs``.
PER_RUN_TABLES = ("infants", "timeseries", "life", "couples")


def run_seed(master_seed: int, label: str, replicate: int) -> int:
    """The seed of one run, derived from the master seed, the parameter-set label and replicate."""
    key = (zlib.crc32(label.encode()), replicate)
    return int(np.random.SeedSequence(master_seed, spawn_key=key).generate_state(1)[0])


def generation_seed(seed: int, generation: int) -> int | np.random.SeedSequence:
    """The seed of one generation of a run: the run's own seed for the first, so a run with
    generations > 1 starts as the same run; independent streams for the ones after."""
    if generation == 0:
        return seed
    return np.random.SeedSequence(seed, spawn_key=(GENERATION_STREAM, generation))


def simulate(spec: RunSpec) -> RunOutput:
    """Run one model to its horizon (and each next generation, raised by the one before);
    return its summary and tables. The summary describes the first generation."""
    return simulate_batch([spec])[0]


# Parameters whose values may differ between the runs of one batch (a sweep's points share a
# batch); runs that differ in any other parameter (structure: sizes, horizon, rules, timing) go
# to separate batches.
PER_RUN_PARAMETERS = frozenset(
    ("spectrum", "sensitivity", "consistency", "rejection", "fear", "neglect", "disruption")
)


def batch_key(spec: RunSpec) -> tuple:
    """Runs with equal keys may be computed together in one batch."""
    return tuple(
        (name, value)
        for name, value in sorted(spec.params.items())
        if name not in PER_RUN_PARAMETERS
    )


def simulate_batch(specs: Sequence[RunSpec]) -> list[RunOutput]:
    """Every run of ``specs`` (all with one ``batch_key``), computed together; each result is
    identical to ``simulate(spec)`` (each run draws from its own streams)."""
    if len({batch_key(s) for s in specs}) > 1:
        raise ValueError("runs of one batch must share their structure (see batch_key)")
    first = specs[0].params
    generations, people = first.get("generations", 1), first["n_dyads"]
    parts: list[dict[str, list[dict[str, Any]]]] = [
        {name: [] for name in PER_RUN_TABLES} for _ in specs
    ]
    summaries: list[dict[str, Any]] = [{} for _ in specs]
    caregivers, parents = None, [{} for _ in specs]
    for generation in range(generations):
        streams = Streams([_generator(generation_seed(s.seed, generation)) for s in specs], people)
        lives = Lives([s.params for s in specs], streams, caregiver_traits=caregivers)
        while lives.running:
            lives.step()
        # The Strange Situation again on the same infants, same day, with independent noise:
        # agreement between the two classes measures the procedure's own reliability.
        # (the first generation keeps the single-generation run's stream)
        key = (RETEST_STREAM, generation) if generation else (RETEST_STREAM,)
        retest = Streams(
            [np.random.default_rng(np.random.SeedSequence(s.seed, spawn_key=key)) for s in specs],
            people,
        )
        retest_class = lives.infancy.strange_situation(lives.population, retest).attachment_class
        for r, (spec, tables) in enumerate(zip(specs, lives.tables(), strict=True)):
            table = tables["infants"]
            table["ssp_retest_class"] = retest_class[r * people : (r + 1) * people]
            table.update(parents[r])  # the parents of this generation (from the one before)
            if generation == 0:
                ids = {
                    "population": spec.label,
                    "point": spec.point,
                    "run": spec.replicate,
                    "seed": spec.seed,
                }
                summaries[r] = {**ids, **spec.params, **run_summary(table, tables["couples"])}
            for name, columns in tables.items():
                if generations > 1 and columns:
                    rows = len(next(iter(columns.values())))
                    columns = {"generation": np.full(rows, generation), **columns}
                parts[r][name].append(columns)
        if generation + 1 < generations:
            caregivers, parents = lives.next_generation(), lives.parent_tables()
    return [
        RunOutput(summary, {name: _concat(p) for name, p in run_parts.items()})
        for summary, run_parts in zip(summaries, parts, strict=True)
    ]


def _generator(seed: int | np.random.SeedSequence) -> np.random.Generator:
    """A run's generator from its seed, as Mesa's ``Model(rng=seed)`` makes it (a seed that
    is not an integer also seeds Mesa's stdlib generator from one draw)."""
    rng = np.random.default_rng(seed)
    if not isinstance(seed, int | np.integer):
        rng.integers(np.iinfo(np.int32).max)
    return rng


def _concat(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One table from the generations' tables (columns absent from a part are NaN there)."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return parts[0] if parts else {}
    frame = pd.concat([pd.DataFrame(p) for p in parts], ignore_index=True)
    return frame.to_dict(orient="list")


SUMMARY_MEANS = (
    "anxiety",
    "avoidance",
    "self_model",
    "other_model",
    "uncertainty",
    "suppression",
    "alarm",
    "observed_sensitivity",
)


def run_summary(
    table: dict[str, np.ndarray], couples: dict[str, np.ndarray] | None = None
) -> dict[str, float]:
    """One run in one row: class shares, mean scores, correlations and re-test agreement; past
    the first year also the adult categories, continuity from 12 months and couple outcomes."""
    classes = np.asarray(table["ssp_class"])
    row: dict[str, float] = {f"share_{c}": float((classes == c).mean()) for c in CLASSES}
    for name in SUMMARY_MEANS:
        row[f"mean_{name}"] = nan_mean(table[name])
    secure = np.asarray(table["secure"], dtype=float)
    row["sensitivity_security_r"] = correlation(table["observed_sensitivity"], secure)
    row["true_sensitivity_security_r"] = correlation(table["sensitivity"], secure)
    row["ssp_retest_agreement"] = float((classes == np.asarray(table["ssp_retest_class"])).mean())
    if "adult_category" in table:
        category = np.asarray(table["adult_category"])
        row["final_age"] = float(np.max(table["final_age"]))
        for c in CATEGORIES:
            row[f"share_{c}"] = float((category == c).mean())
        row["security_stability_r"] = correlation(secure, table["adult_secure"])
        row["mean_adult_anxiety_ecr"] = float(np.mean(table["adult_anxiety_ecr"]))
        row["mean_adult_avoidance_ecr"] = float(np.mean(table["adult_avoidance_ecr"]))
        row["mean_partners"] = float(np.mean(table["partners"]))
        satisfaction = np.asarray(table["mean_satisfaction"], dtype=float)
        row["mean_satisfaction"] = nan_mean(satisfaction)
        # the same columns whether or not any couple formed (every stored part alike)
        row.update(
            couples=0,
            couple_satisfaction=float("nan"),
            demand_withdraw_rate=float("nan"),
            breakup_rate_3y=float("nan"),
        )
    if couples:
        row["couples"] = len(couples["couple"])
        row["couple_satisfaction"] = float(np.mean(couples["satisfaction"]))
        row["demand_withdraw_rate"] = float(np.mean(couples["demand_withdraw_rate"]))
        observed = np.asarray(couples["observed_3y"], dtype=bool)
        row["breakup_rate_3y"] = (
            float(np.mean(np.asarray(couples["broke_up_3y"])[observed]))
            if observed.any()
            else float("nan")
        )
    return row


def nan_mean(x: Any) -> float:
    """Mean over the known values (NaN if none): ``np.nanmean``'s arithmetic, without its
    overhead and warning (a summary computes a dozen of them per run)."""
    x = np.asarray(x, dtype=float)
    known = ~np.isnan(x)
    count = np.count_nonzero(known)
    return float(np.where(known, x, 0.0).sum() / count) if count else float("nan")


def correlation(x: Any, y: Any) -> float:
    """Pearson correlation over the pairs where both are known (point-biserial for 0/1 y); NaN
    with fewer than three pairs or a constant variable. The arithmetic is ``np.corrcoef``'s
    (centre, one matrix product, scale), without its overhead."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    if np.count_nonzero(keep) < 3:
        return float("nan")
    pairs = np.array([x[keep], y[keep]])
    if (pairs.min(axis=1) == pairs.max(axis=1)).any():  # a variable without spread
        return float("nan")
    pairs -= pairs.mean(axis=1)[:, None]
    products = np.dot(pairs, pairs.T.conj())
    products *= np.true_divide(1, pairs.shape[1] - 1)
    spread = np.sqrt(np.diag(products))
    return float(np.clip(products[0, 1] / spread[0] / spread[1], -1, 1))
