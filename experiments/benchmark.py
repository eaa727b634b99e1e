"""Speed benchmark: prints the rows of the project's speed targets that apply so far.

Run:  make benchmark   (or: python experiments/benchmark.py [--repeats 5])
Figures are wall-clock seconds on this machine; compare them with the targets table.
"""

from __future__ import annotations

import argparse
import statistics
import time

from simulation.model import AttachmentModel
from simulation.runner import run_many


def one_year(dyads: int, seed: int) -> float:
    start = time.perf_counter()
    model = AttachmentModel(rng=seed, n_dyads=dyads)
    while model.running:
        model.step()
    return time.perf_counter() - start


def many_runs(workers: int, runs: int) -> float:
    start = time.perf_counter()
    run_many({"normative": {}}, runs=runs, seed=1, workers=workers, progress=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timings per figure (median)")
    parser.add_argument("--runs", type=int, default=100, help="runs for the workers comparison")
    args = parser.parse_args()

    one_year(100, 0)  # warm-up: imports and first-call costs are not part of a run
    small = statistics.median(one_year(100, s) for s in range(args.repeats))
    large = statistics.median(one_year(1000, s) for s in range(args.repeats))
    serial = many_runs(1, args.runs)
    parallel = many_runs(2, args.runs)

    rows = [
        ("first year of 100 dyads, one run", f"{small:.3f} s", "<= 0.3 s", small <= 0.3),
        ("  agent-steps per second (100 dyads)", f"{100 * 365 / small:,.0f}", "", None),
        ("first year of 1,000 dyads, one run", f"{large:.3f} s", "", None),
        ("  agent-steps per second (1,000 dyads)", f"{1000 * 365 / large:,.0f}", "", None),
        ("cost 1,000 vs 100 dyads", f"{large / small:.1f}x", "<= 11x", large / small <= 11),
        (f"{args.runs} runs, 1 worker", f"{serial:.1f} s", "", None),
        (f"{args.runs} runs, 2 workers", f"{parallel:.1f} s", "", None),
        ("2 workers vs 1", f"{serial / parallel:.2f}x faster", ">= 1.7x", serial / parallel >= 1.7),
    ]
    print(f"{'figure':40s}{'measured':>18s}{'target':>10s}")
    for name, value, target, ok in rows:
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        print(f"{name:40s}{value:>18s}{target:>10s}{mark}")


if __name__ == "__main__":
    main()
