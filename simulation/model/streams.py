"""One random stream per run of a batch.

A batch holds several runs' people in one array (run r's person i at row r * people + i), so one
NumPy call computes a step for every run. Random numbers are the exception: each run draws from
its own generator, for its own rows only, and only as many numbers as its own state asks for. A
run's numbers therefore never depend on which other runs share its batch, and its results are
bit-identical alone or in a batch of any size.

``Streams`` answers the draws the model's plain functions make over everyone with the same calls
as a ``numpy.random.Generator`` (``random(size)``, ``poisson(lam)``, ...): the last axis of
``size`` (or of the arrays given) runs over every person of the batch, and each run draws its own
slice, leading axes first, exactly as it would alone. Draws over some rows only (couples,
newcomers) go run by run through ``over`` and ``groups``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Draw = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


class Streams:
    """The random generators of the runs of a batch (``people`` rows each)."""

    def __init__(self, generators: Sequence[np.random.Generator], people: int) -> None:
        self.generators = list(generators)
        self.runs = len(self.generators)
        self.people = people

    @classmethod
    def of(cls, rng: np.random.Generator, people: int) -> Streams:
        """The streams of a batch of one run."""
        return cls([rng], people)

    def spawn(self, k: int) -> list[Streams]:
        """``k`` independent child streams for every run (``Generator.spawn`` run by run)."""
        children = [g.spawn(k) for g in self.generators]
        return [Streams([c[j] for c in children], self.people) for j in range(k)]

    # ------------------------------------------------------------------ over everyone
    def _each(self, draw: Draw, size: int | tuple[int, ...]) -> np.ndarray:
        shape = (size,) if isinstance(size, int | np.integer) else tuple(size)
        if shape[-1] != self.runs * self.people:
            raise ValueError(f"a draw over everyone needs a last axis of {self.runs * self.people}")
        if self.runs == 1:
            return draw(self.generators[0], shape)
        one = (*shape[:-1], self.people)
        return np.concatenate([draw(g, one) for g in self.generators], axis=-1)

    def random(self, size: int | tuple[int, ...]) -> np.ndarray:
        return self._each(lambda g, s: g.random(s), size)

    def standard_normal(self, size: int | tuple[int, ...]) -> np.ndarray:
        return self._each(lambda g, s: g.standard_normal(s), size)

    def beta(self, a: float, b: float, size: int | tuple[int, ...]) -> np.ndarray:
        return self._each(lambda g, s: g.beta(a, b, s), size)

    def uniform(self, low: float, high: float, size: int | tuple[int, ...]) -> np.ndarray:
        return self._each(lambda g, s: g.uniform(low, high, s), size)

    def integers(self, low: int, high: int, size: int | tuple[int, ...]) -> np.ndarray:
        return self._each(lambda g, s: g.integers(low, high, s), size)

    def poisson(self, lam: Any) -> np.ndarray:
        return self._elementwise(lambda g, m: g.poisson(m), lam)

    def binomial(self, n: Any, p: Any) -> np.ndarray:
        return self._elementwise(lambda g, k, q: g.binomial(k, q), n, p)

    def _elementwise(self, draw: Callable[..., np.ndarray], *arrays: Any) -> np.ndarray:
        """Each run draws with its own slice of the (broadcast) arrays' last axis."""
        full = np.broadcast_arrays(*[np.asarray(a) for a in arrays])
        if self.runs == 1:
            return draw(self.generators[0], *full)
        n = self.people
        parts = [
            draw(g, *[a[..., r * n : (r + 1) * n] for a in full])
            for r, g in enumerate(self.generators)
        ]
        return np.concatenate(parts, axis=-1)

    # ------------------------------------------------------------------ over some rows
    def run_of(self, rows: np.ndarray) -> np.ndarray:
        """The run each row belongs to."""
        return np.asarray(rows) // self.people

    def groups(self, run_of: np.ndarray) -> list[tuple[int, np.random.Generator, slice]]:
        """Each run present in ``run_of`` (sorted by run): its index, generator and slice."""
        counts = np.bincount(run_of, minlength=self.runs)
        ends = np.cumsum(counts)
        return [
            (r, self.generators[r], slice(int(e - k), int(e)))
            for r, (k, e) in enumerate(zip(counts, ends, strict=True))
            if k
        ]

    def over(self, run_of: np.ndarray, draw: Draw, lead: tuple[int, ...] = ()) -> np.ndarray:
        """A draw over some rows whose runs are ``run_of`` (sorted by run): each run with rows
        draws ``(*lead, its count)``; the parts are joined along the last axis."""
        parts = [draw(g, (*lead, s.stop - s.start)) for _, g, s in self.groups(run_of)]
        if not parts:
            return np.empty((*lead, 0))
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)
