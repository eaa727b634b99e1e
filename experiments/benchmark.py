"""Speed and memory benchmark: prints the rows of the project's targets that apply so far.

Run:  make benchmark   (or: python experiments/benchmark.py [--repeats 5] [--skip-memory] [--quick]
      [--reference-kernel FILE.py])
Figures are wall-clock seconds and peak resident memory on this machine. --quick leaves out the
two large stored sweeps (1,000 runs of the full model, 10,000 runs of the first year), which take
minutes each. --reference-kernel runs a stand-alone script that times the first year of the model
(lines like "runs= 100 dyads=  100:   300.0 ms ... 3.00 ms/run") and compares our time with it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulation.model import AttachmentModel
from simulation.model.parameters import validate
from simulation.model.run import RunSpec, run_seed, simulate_batch
from simulation.runner import run_many
from simulation.sweep import Options, grid, run_sweep

# A child process runs one sweep (16 parameter sets, the settings given as JSON) and reports its
# own and its workers' peak resident memory (kB on Linux) and the peak of the memory the whole
# process tree holds, sampled every 0.1 s. Summing peak RSS overstates the tree: every process
# counts the shared libraries it maps (NumPy, Arrow, LLVM for Numba: about 210 MB of a process's
# 330), and workers forked from the parent count the pages they still share with it. The tree's
# figure counts each process's share of its anonymous pages (PSS) and the mapped files once (the
# largest process's file-backed RSS): what the machine really holds for the sweep.
MEMORY_PROBE = """
import json, os, resource, sys, threading
from simulation.sweep import Options, grid, run_sweep

def resident_kb(pid):
    \"\"\"(its share of anonymous pages, file-backed pages) in kB; (0, 0) once gone.\"\"\"
    kb = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                name, _, value = line.partition(":")
                if value.strip().endswith("kB"):
                    kb[name] = int(value.split()[0])
    except OSError:
        return 0, 0
    return kb.get("Pss_Anon", 0) + kb.get("Pss_Shmem", 0), kb.get("Rss", 0) - kb.get("Anonymous", 0)

def tree(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            kids = [int(k) for k in children.read().split()]
    except OSError:
        kids = []
    return [pid] + [p for kid in kids for p in tree(kid)]

def held_kb():
    held = [resident_kb(p) for p in tree(os.getpid())]
    return sum(anon for anon, _ in held) + max(files for _, files in held)

peak, done = [0], threading.Event()
def sample():
    while not done.wait(0.1):
        peak[0] = max(peak[0], held_kb())
threading.Thread(target=sample, daemon=True).start()

runs, out, fixed = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
points = grid(sensitivity=[0.2, 0.4, 0.6, 0.8], consistency=[0.25, 0.5, 0.75, 1.0])
run_sweep("memory", points, runs=runs // len(points), seed=1, fixed=fixed,
          options=Options(out=out, workers=2, progress=False))
done.set()
# Linux keeps ru_maxrss across fork and exec, so this process would report the benchmark's own
# peak; the peak of this process's own memory (VmHWM) starts with it.
try:
    status = open("/proc/self/status").read().splitlines()
    me = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
except OSError:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(me, kids, peak[0])
"""
SMALL_RUNS = {"n_dyads": 10, "days": 30, "horizon_years": 1}  # the memory rows of many tiny runs
FIRST_YEAR = {"horizon_years": 1}  # 100 dyads (the default), the first year

# the reference kernel's line for 100 runs of 100 dyads:
# "runs= 100 dyads=  100:   300.0 ms ... 3.00 ms/run" gives 3.00
REFERENCE_LINE = re.compile(r"runs=\s*100\s+dyads=\s*100\b.*?([0-9]+(?:\.[0-9]*)?)\s*ms/run")


def one_run(dyads: int, seed: int, years: int) -> float:
    """Seconds for one run of ``dyads`` people from birth to ``years``."""
    start = time.perf_counter()
    model = AttachmentModel(rng=seed, n_dyads=dyads, horizon_years=years)
    while model.running:
        model.step()
    return time.perf_counter() - start


def many_runs(workers: int, runs: int) -> float:
    """``runs`` runs of the full model (the whole life course), results in memory."""
    start = time.perf_counter()
    run_many({"normative": {}}, runs=runs, seed=1, workers=workers, progress=False)
    return time.perf_counter() - start


def stored_sweep(runs: int, workers: int) -> float:
    """``runs`` runs of the full model through the sweep API, results written to disk."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        points = grid(caregivers=["normative", "high_risk"])
        run_sweep(
            "bench",
            points,
            runs=runs // 2,
            seed=1,
            options=Options(out=Path(folder), workers=workers, progress=False),
        )
        return time.perf_counter() - start


def in_a_batch(years: int, repeats: int, runs: int = 100) -> list[float]:
    """Seconds per run of 100 dyads to ``years``, the ``runs`` runs computed as one batch in
    this process (``simulate_batch``); one figure per repeat."""
    params = validate({"n_dyads": 100, "horizon_years": years})
    specs = [RunSpec("bench", r, run_seed(1, "bench", r), params) for r in range(runs)]
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        simulate_batch(specs)
        seconds.append((time.perf_counter() - start) / runs)
    return seconds


def min_median(seconds: list[float]) -> str:
    return f"{min(seconds) * 1e3:.1f} / {statistics.median(seconds) * 1e3:.1f} ms"


def reference_kernel(path: Path) -> float:
    """Seconds per run of the reference kernel's first year (its runs=100 dyads=100 line): the
    script is run with this interpreter, in its own process."""
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SystemExit(f"--reference-kernel {path}: exit code {done.returncode}: {last}")
    found = [float(m.group(1)) for m in REFERENCE_LINE.finditer(done.stdout)]
    if not found:
        raise SystemExit(
            f"--reference-kernel {path}: no line 'runs= 100 dyads=  100: ... ms/run' in its output"
        )
    return min(found) / 1e3  # its best, if it prints the line more than once


def peak_memory(runs: int, fixed: dict | None = None) -> tuple[float, float, float, float]:
    """(seconds, parent peak MB, largest worker peak MB, peak MB the whole process tree holds
    (0 where there is no /proc)) of a stored sweep of ``runs`` runs (small ones unless ``fixed``
    says otherwise), run by a child process."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        settings = json.dumps(SMALL_RUNS if fixed is None else fixed)
        done = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, str(runs), folder, settings],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - start
    parent, child, tree = (int(x) / 1024 for x in done.stdout.split()[-3:])
    return seconds, parent, child, tree


def memory_rows(
    what: str, parent: float, child: float, tree: float
) -> list[tuple[str, str, str, bool | None]]:
    """The sweep's peak memory against < 1 GB (what the process tree holds, where Linux tells),
    then the per-process peaks, which count shared pages in each process."""
    rss = parent + 2 * child
    rows: list[tuple[str, str, str, bool | None]] = []
    if tree:
        rows.append(
            (
                f"{what}: peak memory held by all processes",
                f"{tree:.0f} MB",
                "< 1 GB",
                tree < 1024,
            )
        )
    rows.append(
        (
            f"  parent {parent:.0f} MB + 2 x largest worker {child:.0f} MB (peak RSS, shared"
            " libraries counted in each)",
            f"{rss:.0f} MB",
            "" if tree else "< 1 GB",
            None if tree else rss < 1024,
        )
    )
    return rows


def demo_rows(repeats: int) -> list[tuple[str, str, str, bool | None]]:
    """The classroom demo: one model step, a Step click until every panel is redrawn (server
    side, as solara.render runs it), and Play's update rate."""
    from simulation.demo.state import Classroom, Settings

    room = Classroom(Settings({}, seed=1))  # 100 dyads, normative, birth to 30
    steps: dict[str, list[float]] = {}
    while room.running:
        stage = room.model.stage
        start = time.perf_counter()
        room.step(1)
        steps.setdefault(stage, []).append(time.perf_counter() - start)

    quiet = contextlib.redirect_stdout(io.StringIO())  # solara's test renderer prints a title
    with quiet:
        rows = room_rows(steps) + page_rows(repeats)
    return rows + browser_rows(repeats)


# the three charts of lesson 1 (two planes, the shares) drawn anew since they were marked
MARK = "() => document.querySelectorAll('.vega-embed canvas').forEach(c => (c.__old = 1))"
REDRAWN = "() => [...document.querySelectorAll('.vega-embed canvas')].filter(c => !c.__old)"
REDRAWN_ALL = REDRAWN + ".length >= 3"


def browser_rows(repeats: int) -> list[tuple[str, str, str, bool | None]]:
    """What the class sees: `attachment-sim demo` in headless Chromium (when installed)."""
    import os
    import signal
    import socket
    from urllib.request import urlopen

    from simulation.demo.browser import CHROMIUM_ARGS, find_chromium

    chromium = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or chromium is None:
        return [("demo in Chromium", "no Chromium", "", None)]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = Path(sys.executable).with_name("attachment-sim")
    server = subprocess.Popen(
        [str(command), "demo", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1400})
            page.goto(url)
            clock = page.get_by_text(re.compile(r"^Time: \d+\.0"))
            clock.wait_for(timeout=60_000)
            page.wait_for_function(
                "() => document.querySelectorAll('.vega-embed canvas').length >= 3", timeout=60_000
            )
            step = page.get_by_role("button", name="Step", exact=True)
            seen = []
            for _ in range(4 * repeats):
                page.evaluate(MARK)
                start = time.perf_counter()
                step.click()
                page.wait_for_function(REDRAWN_ALL, timeout=30_000)
                seen.append(time.perf_counter() - start)
            # Play for 6 s: count the clock's changes the page shows
            page.get_by_role("button", name="▶").click()
            values, start = [clock.inner_text()], time.perf_counter()
            while time.perf_counter() - start < 6.0:
                text = clock.inner_text()
                if text != values[-1]:
                    values.append(text)
                page.wait_for_timeout(30)
            seconds = time.perf_counter() - start
            page.get_by_role("button", name="❚❚").click()
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    shown = statistics.median(seen)
    rate = (len(values) - 1) / seconds
    return [
        (
            "demo in Chromium: Step to all 3 charts redrawn",
            f"{shown * 1e3:.0f} ms",
            "<= 500 ms",
            shown <= 0.5,
        ),
        (
            "demo in Chromium: Play, updates shown per second",
            f"{rate:.1f} /s",
            ">= 2 /s",
            rate >= 2,
        ),
    ]


PLAY_SETTLE = 1.0


def page_rows(repeats: int) -> list[tuple[str, str, str, bool | None]]:
    import ipyvuetify as v
    import solara

    from simulation.demo import app
    from simulation.demo.lessons import LESSONS

    _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)

    def clock() -> int:
        spans = rc.find(v.Html, tag="span").widgets
        text = next(w.children[0] for w in spans if str(w.children[0]).startswith("Time: "))
        return int(float(text.split()[1]))

    def click(label: str) -> float:
        start = time.perf_counter()
        rc.find(v.Btn, children=[label]).widget.click()
        return time.perf_counter() - start

    # lesson 1 (two populations compared: the heaviest page) in infancy, then lesson 2 adults
    infancy = statistics.median(click("Step") for _ in range(4 * repeats))
    rc.find(v.Select, label="Lesson").widget.v_model = LESSONS["adult_styles"].title
    rc.find(v.Select, label="Jump to").widget.v_model = "age 18: adulthood"
    click("Jump")
    adults = statistics.median(click("Step") for _ in range(4 * repeats))
    rc.find(v.Select, label="Lesson").widget.v_model = LESSONS["continuity"].title
    before, start = clock(), time.perf_counter()
    click("▶")
    time.sleep(6.0)
    click("❚❚")
    seconds, moved = time.perf_counter() - start, clock() - before
    time.sleep(PLAY_SETTLE)  # let the Play thread notice the pause and end
    rc.close()
    rate = moved / app.STEPS_PER_UPDATE[1] / seconds
    return [
        (
            "demo: Step to all panels updated, two populations",
            f"{infancy * 1e3:.0f} ms",
            "<= 500 ms",
            infancy <= 0.5,
        ),
        (
            "demo: Step to all panels updated, adults",
            f"{adults * 1e3:.0f} ms",
            "<= 500 ms",
            adults <= 0.5,
        ),
        ("demo: Play, visible updates per second", f"{rate:.1f} /s", ">= 2 /s", rate >= 2),
    ]


def room_rows(steps: dict[str, list[float]]) -> list[tuple[str, str, str, bool | None]]:
    slowest = max(statistics.median(t) for t in steps.values())
    worst = max(max(t) for t in steps.values())
    return [
        (
            "demo: one model step, 100 dyads (slowest stage)",
            f"{slowest * 1e3:.1f} ms",
            "<= 20 ms",
            slowest <= 0.02,
        ),
        ("  longest single step (a birthday)", f"{worst * 1e3:.1f} ms", "", None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timings per figure (median)")
    parser.add_argument("--runs", type=int, default=100, help="runs for the workers comparison")
    parser.add_argument(
        "--skip-memory",
        action="store_true",
        help="skip the memory rows of 1,000 and 10,000 small runs",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="skip the two large stored sweeps (1,000 full runs, 10,000 first years)",
    )
    parser.add_argument(
        "--reference-kernel",
        type=Path,
        metavar="FILE.py",
        help="a script timing the first year on its own; prints our time as a ratio to it",
    )
    parser.add_argument("--demo-only", action="store_true", help="only the classroom demo rows")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats {args.repeats}: allowed an integer of at least 1")
    if args.reference_kernel is not None and not args.reference_kernel.is_file():
        parser.error(f"--reference-kernel {args.reference_kernel}: no such file")
    if args.demo_only:
        print_rows(demo_rows(args.repeats))
        return

    one_run(100, 0, 30)  # warm-up: imports and first-call costs are not part of a run
    small = statistics.median(one_run(100, s, 1) for s in range(args.repeats))
    large = statistics.median(one_run(1000, s, 1) for s in range(args.repeats))
    life = statistics.median(one_run(100, s, 30) for s in range(args.repeats))
    life_large = statistics.median(one_run(1000, s, 30) for s in range(max(1, args.repeats // 2)))
    serial = many_runs(1, args.runs)
    parallel = many_runs(2, args.runs)
    sweep_200 = stored_sweep(200, 2)
    first_year_batch = in_a_batch(1, args.repeats)
    life_batch = in_a_batch(30, args.repeats)
    first_year_per_run = statistics.median(first_year_batch)
    life_per_run = statistics.median(life_batch)

    rows = [
        ("first year of 100 dyads, one run", f"{small:.3f} s", "<= 0.3 s", small <= 0.3),
        ("  agent-steps per second (100 dyads)", f"{100 * 365 / small:,.0f}", "", None),
        ("first year of 1,000 dyads, one run", f"{large:.3f} s", "", None),
        ("  agent-steps per second (1,000 dyads)", f"{1000 * 365 / large:,.0f}", "", None),
        ("cost 1,000 vs 100 dyads", f"{large / small:.1f}x", "<= 11x", large / small <= 11),
        ("whole life course (birth to 30) of 100 people", f"{life:.3f} s", "<= 0.6 s", life <= 0.6),
        ("whole life course of 1,000 people", f"{life_large:.3f} s", "", None),
        ("  cost 1,000 vs 100 people, life course", f"{life_large / life:.1f}x", "", None),
        (f"{args.runs} runs, 1 worker", f"{serial:.1f} s", "", None),
        (f"{args.runs} runs, 2 workers", f"{parallel:.1f} s", "", None),
        ("2 workers vs 1", f"{serial / parallel:.2f}x faster", ">= 1.7x", serial / parallel >= 1.7),
        (
            "200 runs of the full model (to 30), 2 workers, stored",
            f"{sweep_200:.1f} s",
            "<= 75 s",
            sweep_200 <= 75,
        ),
        (
            "first year of 100 dyads, per run, in a batch of 100 runs, one worker (min / median)",
            min_median(first_year_batch),
            "<= 10 ms",
            first_year_per_run <= 0.010,
        ),
        (
            "whole life course of 100 people, per run, in a batch of 100 runs, one worker"
            " (min / median)",
            min_median(life_batch),
            "<= 40 ms",
            life_per_run <= 0.040,
        ),
    ]
    if args.reference_kernel is not None:
        reference = reference_kernel(args.reference_kernel)
        rows.append(
            (
                "ratio to the reference kernel of the first year (median per run in a batch)",
                f"{first_year_per_run / reference:.2f}x",
                "",
                None,
            )
        )
        rows.append(("  the reference kernel, per run", f"{reference * 1e3:.2f} ms", "", None))
    if not args.quick:
        sweep_1000 = stored_sweep(1_000, 2)
        rows.append(
            (
                "1,000 runs of the full model, stored, 2 workers",
                f"{sweep_1000:.1f} s",
                "<= 45 s",
                sweep_1000 <= 45,
            )
        )
        seconds, parent, child, tree = peak_memory(10_000, FIRST_YEAR)
        rows.append(
            (
                "10,000-run sweep of the first year, stored, 2 workers",
                f"{seconds:.0f} s",
                "<= 3 min",
                seconds <= 180,
            )
        )
        rows += memory_rows("  10,000 first-year runs", parent, child, tree)
    if not args.skip_memory:
        for runs in (1_000, 10_000):
            seconds, parent, child, tree = peak_memory(runs)
            rows += memory_rows(
                f"sweep of {runs:,} small runs ({seconds:.0f} s)", parent, child, tree
            )
    rows += demo_rows(args.repeats)
    print_rows(rows)


def print_rows(rows: list[tuple[str, str, str, bool | None]]) -> None:
    width = max(50, *(len(name) + 1 for name, *_ in rows))
    print(f"{'figure':{width}s}{'measured':>18s}{'target':>10s}")
    for name, value, target, ok in rows:
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        print(f"{name:{width}s}{value:>18s}{target:>10s}{mark}")


if __name__ == "__main__":
    main()
