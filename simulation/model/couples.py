"""Couples: who is with whom, how satisfied and close they are week by week, breakups, and each
couple's record. The week's behaviour itself follows the partner rules of ``partners``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.model.life_course import ADULT_AGE, WEEKS_PER_YEAR
from simulation.model.partners import (
    CLOSENESS_RATE,
    SATISFACTION_RATE,
    UNIFORMS_PER_WEEK,
    CoupleWeek,
    Dispositions,
    breakup_chance,
    couple_week,
)
from simulation.model.streams import Streams

# Satisfaction and closeness of a couple when it forms.
NEW_COUPLE_SATISFACTION = 0.7
NEW_COUPLE_CLOSENESS = 0.5
# A pairing observed for this long counts in the 3-year breakup rate.
BREAKUP_WINDOW_WEEKS = 3 * WEEKS_PER_YEAR

LOGGED_BEHAVIOUR = (
    "need",
    "bid",
    "direct",
    "comforted",
    "withdrew",
    "escalated",
    "pushed_away",
    "read_as_rejection",
)


def _over_weeks(values: np.ndarray) -> np.ndarray:
    """Sums over the weeks (axis 0), added in week order whatever the number of couples (a
    plain sum adds a single column pairwise, so a run's sums would depend on its batch)."""
    return np.cumsum(values, axis=0)[-1]


def _run_slices(runs: np.ndarray) -> list[tuple[int, slice]]:
    """Each run in ``runs`` (sorted) and its slice."""
    change = np.flatnonzero(np.diff(runs)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(runs)]])
    return [(int(runs[a]), slice(int(a), int(b))) for a, b in zip(starts, ends, strict=True)]


class CouplesNow:
    """The couples together now, one array entry per couple."""

    # each field and its type (conflict_weeks counts weeks, but is summed from booleans)
    FIELDS: dict[str, type] = {
        "run": int,
        "id": int,
        "a": int,
        "b": int,
        "start": int,
        "category_a": object,
        "category_b": object,
        "weeks": int,
        "satisfaction_sum": float,
        "demand_withdraw_weeks": float,
        "conflict_weeks": float,
        "needs": int,
        "needs_met": int,
    }

    def __init__(self, runs: int = 1) -> None:
        self.next_id = np.zeros(runs, dtype=int)  # each run numbers its own couples
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.empty(0, dtype=dtype))

    def __len__(self) -> int:
        return len(self.a)

    def add(self, run, a, b, week: int, category_a, category_b) -> None:
        """New couples (``run`` sorted); each run's couples stay in the order they formed."""
        k = len(a)
        formed = np.bincount(run, minlength=len(self.next_id))
        place_in_run = np.arange(k) - np.repeat(np.cumsum(formed) - formed, formed)
        new = dict(
            run=run,
            id=self.next_id[run] + place_in_run,
            a=a,
            b=b,
            start=np.full(k, week),
            category_a=np.asarray(category_a, dtype=object),
            category_b=np.asarray(category_b, dtype=object),
        )
        self.next_id += formed
        order = np.argsort(np.concatenate([self.run, run]), kind="stable")
        for name in self.FIELDS:
            value = new.get(name, np.zeros(k, dtype=getattr(self, name).dtype))
            setattr(self, name, np.concatenate([getattr(self, name), value])[order])

    def remove(self, rows: np.ndarray) -> None:
        keep = np.ones(len(self), dtype=bool)
        keep[rows] = False
        for name in self.FIELDS:
            setattr(self, name, getattr(self, name)[keep])


class Couples:
    """Each person's partner and relationship history, and the couples together now."""

    def __init__(self, n: int, people: int | None = None, trace: bool = False) -> None:
        self.people = n if people is None else people  # per run (rows of a batch)
        self.runs = n // self.people
        self.partner = np.full(n, -1)
        self.satisfaction = np.full(n, np.nan)
        self.closeness = np.zeros(n)
        # how well this relationship works beyond the two working models (1 = as they imply)
        self.fit = np.ones(n)
        self.partners_count = np.zeros(n, dtype=int)
        self.breakups = np.zeros(n, dtype=int)
        self.weeks_partnered = np.zeros(n, dtype=int)
        self.satisfaction_sum = np.zeros(n)
        self.needs = np.zeros(n, dtype=int)
        self.needs_met = np.zeros(n, dtype=int)
        self.now = CouplesNow(self.runs)
        # each run's ended couples, a table chunk per step in which some ended
        self.run_records: list[list[dict[str, np.ndarray]]] = [[] for _ in range(self.runs)]
        self.trace = trace  # keep every couple's week-by-week story in ``log``
        self.run_logs: list[list[dict[str, Any]]] = [[] for _ in range(self.runs)]

    @property
    def log(self) -> list[dict[str, Any]]:
        """The first run's week-by-week log (a model's, the batch of one)."""
        return self.run_logs[0]

    def __len__(self) -> int:
        return len(self.now)

    def form(
        self,
        a: np.ndarray,
        b: np.ndarray,
        week: int,
        category: np.ndarray,
        fit: np.ndarray | None = None,
    ) -> None:
        """New couples (a[i], b[i]), formed in ``week`` since the 18th birthday, with the
        relationship's own ``fit`` (1 = none)."""
        self.now.add(a // self.people, a, b, week, category[a], category[b])
        if fit is not None:
            self.fit[a] = self.fit[b] = fit
        for x, y in ((a, b), (b, a)):
            self.partner[x] = y
        both = np.concatenate([a, b])
        self.satisfaction[both] = NEW_COUPLE_SATISFACTION
        self.closeness[both] = NEW_COUPLE_CLOSENESS
        self.partners_count[both] += 1

    def live(
        self,
        d: Dispositions,
        params: dict[str, Any],
        rng: Streams,
        weeks: int,
        week: int,
        directness: np.ndarray | float,
        limits: np.ndarray | float,
    ) -> tuple[np.ndarray, CoupleWeek, np.ndarray]:
        """``weeks`` weeks of every couple (partner rules, then satisfaction and breakups).
        Returns the actors (a then b of every couple), the weeks' behaviour and which directed
        pairs were still together in each week (shape (weeks, 2m))."""
        c, m = self.now, len(self.now)
        actors = np.concatenate([c.a, c.b])
        # each run draws its own couples' week as it would alone: (13, weeks, its 2m)
        u = np.empty((UNIFORMS_PER_WEEK, weeks, 2 * m))
        for _, g, s in rng.groups(c.run):
            k = s.stop - s.start
            mine = g.random((UNIFORMS_PER_WEEK, weeks, 2 * k))
            u[..., s], u[..., m + s.start : m + s.stop] = mine[..., :k], mine[..., k:]
        happened = couple_week(
            d.take(actors),
            self.closeness[actors],
            params["need_rate"],
            directness=directness if np.isscalar(directness) else directness[actors],
            limits=limits if np.isscalar(limits) else limits[actors],
            weeks=weeks,
            u=u,
            fit=self.fit[actors],
        )
        together = self._weeks_done(actors, happened, params["breakup_rate"], rng, week)
        return actors, happened, together

    def _weeks_done(
        self,
        actors: np.ndarray,
        week: CoupleWeek,
        breakup_rate: float,
        rng: Streams,
        first_week: int,
    ) -> np.ndarray:
        """Satisfaction and closeness week by week, couple records, and breakups (a couple that
        breaks up has no more weeks together)."""
        c, m = self.now, len(self.now)
        weeks = week.value.shape[0]
        sat, close = self.satisfaction[actors], self.closeness[actors]
        history = np.empty((weeks, 2 * m))
        for w in range(weeks):  # running averages, week by week
            sat = sat + SATISFACTION_RATE * (week.value[w] - sat)
            close = close + CLOSENESS_RATE * (week.closeness[w] - close)
            history[w] = sat
        # a couple ends in the first week its breakup draw falls; later weeks do not count
        chance = breakup_chance(history[:, :m], history[:, m:], breakup_rate)
        ends = rng.over(c.run, lambda g, size: g.random(size), lead=(weeks,)) < chance
        ended_before = np.cumsum(ends, axis=0) - ends > 0
        alive = ~ended_before
        together = np.concatenate([alive, alive], axis=1)
        ended_at = np.where(ends.any(axis=0), ends.argmax(axis=0), -1)
        if self.trace:
            for w in range(weeks):
                self._log_week(week, w, first_week + w, history[w], alive[w])
        self.satisfaction[actors], self.closeness[actors] = sat, close
        self.satisfaction_sum[actors] += _over_weeks(history * together)
        c.satisfaction_sum += _over_weeks(0.5 * (history[:, :m] + history[:, m:]) * alive)
        weeks_together = together.sum(axis=0)
        self.weeks_partnered[actors] += weeks_together
        met = week.need & (week.believed > 0)
        self.needs[actors] += (week.need & together).sum(axis=0)
        self.needs_met[actors] += (met & together).sum(axis=0)

        first, second = together[:, :m], together[:, m:]
        dw = (week.demand_withdraw[:, :m] | week.demand_withdraw[:, m:]) & first
        conflict = (
            dw
            | (week.withdrew[:, :m] + week.withdrew[:, m:] > 0)
            | week.pushed_away[:, :m]
            | week.pushed_away[:, m:]
        ) & first
        c.weeks += weeks_together[:m]
        c.demand_withdraw_weeks += dw.sum(axis=0)
        c.conflict_weeks += conflict.sum(axis=0)
        c.needs += (week.need[:, :m] & first).sum(axis=0) + (week.need[:, m:] & second).sum(axis=0)
        c.needs_met += (met[:, :m] & first).sum(axis=0) + (met[:, m:] & second).sum(axis=0)
        ended = np.flatnonzero(ended_at >= 0)
        if len(ended):
            self.end(ended, broke_up=True)
        return together

    def _log_week(
        self, week: CoupleWeek, w: int, since_18: int, sat: np.ndarray, alive: np.ndarray
    ) -> None:
        c, m = self.now, len(self.now)
        for k in np.flatnonzero(alive):
            row: dict[str, Any] = dict(
                couple=int(c.id[k]),
                week=since_18,
                age_years=ADULT_AGE + since_18 / WEEKS_PER_YEAR,
            )
            for side, off in (("a", 0), ("b", m)):
                for field in LOGGED_BEHAVIOUR:
                    row[f"{field}_{side}"] = int(getattr(week, field)[w, k + off])
            row["satisfaction_a"] = float(sat[k])
            row["satisfaction_b"] = float(sat[k + m])
            row["demand_withdraw"] = bool(
                week.demand_withdraw[w, k] or week.demand_withdraw[w, k + m]
            )
            self.run_logs[int(c.run[k])].append(row)

    def end(self, rows: np.ndarray, broke_up: bool) -> None:
        """The couples at ``rows`` (in run order) end (a breakup, or the end of the run); each
        is recorded in its run's records."""
        c = self.now
        rows = np.asarray(rows)
        if len(rows):
            weeks = c.weeks[rows]
            per_week = np.maximum(weeks, 1)
            first_row = c.run[rows] * self.people
            category_a, category_b = c.category_a[rows], c.category_b[rows]
            needs = c.needs[rows]
            with np.errstate(invalid="ignore", divide="ignore"):
                need_fulfilment = np.where(needs > 0, c.needs_met[rows] / needs, np.nan)
            short = weeks < BREAKUP_WINDOW_WEEKS
            ended = dict(
                couple=c.id[rows],
                person_a=c.a[rows] - first_row,
                person_b=c.b[rows] - first_row,
                category_a=category_a,
                category_b=category_b,
                pairing=np.where(
                    category_a <= category_b,
                    category_a + "+" + category_b,
                    category_b + "+" + category_a,
                ),
                formed_age=ADULT_AGE + c.start[rows] / WEEKS_PER_YEAR,
                weeks=weeks,
                satisfaction=c.satisfaction_sum[rows] / per_week,
                demand_withdraw_rate=c.demand_withdraw_weeks[rows] / per_week,
                conflict_rate=c.conflict_weeks[rows] / per_week,
                need_fulfilment=need_fulfilment,
                broke_up=np.full(len(rows), broke_up),
                observed_3y=(broke_up & short) | ~short,
                broke_up_3y=broke_up & short,
            )
            for r, sl in _run_slices(c.run[rows]):
                self.run_records[r].append({k: v[sl] for k, v in ended.items()})
        people = np.concatenate([c.a[rows], c.b[rows]])
        self.partner[people] = -1
        self.satisfaction[people] = np.nan
        self.closeness[people] = 0.0
        if broke_up:
            self.breakups[people] += 1
        c.remove(rows)

    def end_all(self) -> None:
        """The run ends: couples still together are recorded as not broken up."""
        if len(self.now):
            self.end(np.arange(len(self.now)), broke_up=False)

    def table(self, run: int = 0) -> dict[str, np.ndarray]:
        """One row per couple of run ``run`` that ended or was still together at its end."""
        records = self.run_records[run]
        if not records:
            return {}
        table = {k: np.concatenate([r[k] for r in records]) for k in records[0]}
        for k in ("category_a", "category_b", "pairing"):
            table[k] = table[k].astype(str)
        return table
