"""The experiment platform: sweeps, storage, resume, overwrite protection, Dask, errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simulation.runner
import simulation.storage
from simulation.cli import main
from simulation.experiment import ExperimentError, read_config
from simulation.model.parameters import ParameterError
from simulation.storage import ResultsError, load_results
from simulation.sweep import Options, RunFailures, grid, label_of, run_sweep, sample

ROOT = Path(__file__).resolve().parents[1]
# scripts run in a child process import this tree's code, whatever else the interpreter has
# installed (an editable install of another checkout)
THIS_TREE = {**os.environ, "PYTHONPATH": str(ROOT)}
SMALL = {"n_dyads": 10, "days": 40, "horizon_years": 1}
POINTS = grid(sensitivity=[0.2, 0.8], consistency=[0.3, 0.9])


def quiet(out: Path, **kw) -> Options:
    return Options(out=out, progress=False, **kw)


def tables(out: Path) -> dict[str, pd.DataFrame]:
    folder = load_results(out)
    return {t: folder.load(t) for t in ("runs", "infants", "timeseries")}


def assert_same_results(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)


# ------------------------------------------------------------------ parameter sets
def test_grid_fixed_values_and_labels():
    points = grid(sensitivity=[0.1, 0.5, 0.9], consistency=[0.2, 0.8], n_dyads=50)
    assert len(points) == 6
    assert all(p["n_dyads"] == 50 for p in points)
    assert label_of({"b": 0.5, "a": 2}) == "a=2,b=0.5"  # sorted, stable


def test_latin_hypercube_samples_fill_every_stratum():
    points = sample({"sensitivity": (0.2, 0.6), "n_dyads": (10, 50)}, n=20, method="lhs", seed=3)
    sens = np.array([p["sensitivity"] for p in points])
    assert ((sens >= 0.2) & (sens <= 0.6)).all()
    strata = np.floor((sens - 0.2) / 0.4 * 20).astype(int)
    assert sorted(strata) == list(range(20))  # one sample in each twentieth of the range
    assert all(isinstance(p["n_dyads"], int) for p in points)
    again = sample({"sensitivity": (0.2, 0.6), "n_dyads": (10, 50)}, n=20, method="lhs", seed=3)
    assert points == again
    assert len(sample({"fear": (0, 0.1)}, n=5, method="random")) == 5


@pytest.mark.parametrize(
    ("ranges", "method", "fragment"),
    [
        ({"sensitivity": (0, 2)}, "lhs", "'sensitivity' = 2 is out of range"),
        ({"wobble": (0, 1)}, "lhs", "unknown parameter 'wobble'"),
        ({"fear": (0, 0.1)}, "sobol", "sampling method 'sobol': allowed lhs, random"),
    ],
)
def test_bad_samples(ranges, method, fragment):
    with pytest.raises(ParameterError, match=fragment):
        sample(ranges, n=4, method=method)


# ------------------------------------------------------------------ storing and loading
def test_results_are_stored_and_load_back_the_same(tmp_path):
    results = run_sweep("t", POINTS, runs=2, seed=4, fixed=SMALL, options=quiet(tmp_path / "a"))
    assert len(results.runs) == 8 and len(results.infants) == 80
    assert {"share_A", "share_B", "share_C", "share_D", "sensitivity", "seed"} <= set(results.runs)
    assert np.allclose(results.runs[["share_A", "share_B", "share_C", "share_D"]].sum(axis=1), 1)
    loaded = load_results(tmp_path / "a")
    pd.testing.assert_frame_equal(loaded.load("infants"), results.infants)
    # small results are also CSV, with the same content
    csv = pd.read_csv(tmp_path / "a" / "runs.csv")
    assert list(csv.columns) == list(results.runs.columns)
    assert np.allclose(csv["share_B"], results.runs["share_B"])
    parts = sum(len(b) for b in loaded.batches("infants", columns=["infant"]))
    assert parts == 80
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["status"] == "running"  # complete only once the script calls finish()
    results.finish([])
    assert loaded.manifest()["status"] == "complete"


def test_load_results_refuses_other_folders(tmp_path):
    with pytest.raises(ResultsError, match="is not a results folder"):
        load_results(tmp_path)


def test_one_and_two_workers_store_identical_results(tmp_path):
    run_sweep("t", POINTS, runs=3, seed=5, fixed=SMALL, options=quiet(tmp_path / "one", workers=1))
    run_sweep("t", POINTS, runs=3, seed=5, fixed=SMALL, options=quiet(tmp_path / "two", workers=2))
    assert_same_results(tmp_path / "one", tmp_path / "two")


def test_dask_cluster_gives_the_same_results_as_local_processes(tmp_path):
    from distributed import LocalCluster

    run_sweep("t", POINTS, runs=2, seed=6, fixed=SMALL, options=quiet(tmp_path / "local"))
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        options = quiet(tmp_path / "dask", scheduler=cluster.scheduler_address)
        run_sweep("t", POINTS, runs=2, seed=6, fixed=SMALL, options=options)
    assert_same_results(tmp_path / "local", tmp_path / "dask")
    assert load_results(tmp_path / "dask").manifest()["scheduler"].startswith("tcp://127.0.0.1")


# ------------------------------------------------------------------ same folder again
def test_same_configuration_resumes_other_is_refused_unless_overwrite(tmp_path):
    out = tmp_path / "r"
    first = run_sweep("t", POINTS, runs=2, seed=7, fixed=SMALL, options=quiet(out))
    first_seeds = first.runs["seed"].copy()
    again = run_sweep("t", POINTS, runs=2, seed=7, fixed=SMALL, options=quiet(out))
    assert again.computed == 0 and again.resumed == 8
    pd.testing.assert_frame_equal(first.infants, again.infants)
    with pytest.raises(ResultsError, match="holds results of another configuration"):
        run_sweep("t", POINTS, runs=2, seed=8, fixed=SMALL, options=quiet(out))
    with pytest.raises(ResultsError, match="pass --overwrite"):
        run_sweep("other", POINTS, runs=2, seed=7, fixed=SMALL, options=quiet(out))
    replaced = run_sweep(
        "t", POINTS, runs=2, seed=8, fixed=SMALL, options=quiet(out, overwrite=True)
    )
    assert replaced.computed == 8
    assert (replaced.runs["seed"] != first_seeds).all()


def test_a_crash_while_writing_leaves_no_corrupt_result(tmp_path, monkeypatch):
    reference = tmp_path / "reference"
    run_sweep("t", POINTS, runs=3, seed=9, fixed=SMALL, options=quiet(reference))
    out = tmp_path / "crashed"
    real_write = simulation.storage.pq.write_table
    calls = {"n": 0}

    def write_then_crash(table, where, **kw):
        calls["n"] += 1
        if calls["n"] == 2:  # the second file: half of it reaches the disk, then the crash
            Path(where).write_bytes(b"PAR1 half a file")
            raise OSError("disk pulled out")
        return real_write(table, where, **kw)

    monkeypatch.setattr(simulation.storage.pq, "write_table", write_then_crash)
    monkeypatch.setattr("simulation.sweep.FLUSH_RUNS", 1)
    with pytest.raises(OSError, match="disk pulled out"):
        run_sweep("t", POINTS, runs=3, seed=9, fixed=SMALL, options=quiet(out))
    monkeypatch.undo()
    assert not list(out.rglob("*.tmp")), "a temporary file was left behind"
    for part in out.rglob("part-*.parquet"):  # every file under a real name is whole
        pd.read_parquet(part)
    resumed = run_sweep("t", POINTS, runs=3, seed=9, fixed=SMALL, options=quiet(out))
    assert resumed.computed > 0
    assert_same_results(reference, out)


def test_a_failing_run_is_reported_and_the_others_finish(tmp_path, monkeypatch):
    real = simulation.runner.simulate_batch

    def fragile(specs):
        if any(s.replicate == 1 and s.params["sensitivity"] == 0.8 for s in specs):
            raise ZeroDivisionError("a bug in one corner of the parameter space")
        return real(specs)

    monkeypatch.setattr(simulation.runner, "simulate_batch", fragile)
    out = tmp_path / "e"
    # one run per batch: only the failing runs fail (tests/test_batches.py: a failing batch)
    with pytest.raises(RunFailures, match=r"2 run\(s\) failed.*seed \d+.*ZeroDivisionError"):
        run_sweep("t", POINTS, runs=2, seed=10, fixed=SMALL, options=quiet(out, batch=1))
    errors = pd.read_csv(out / "errors.csv")
    assert len(errors) == 2 and (errors["sensitivity"] == 0.8).all()
    assert {"seed", "consistency", "error"} <= set(errors.columns)
    assert len(load_results(out).load("runs")) == 6  # the others are stored
    monkeypatch.undo()
    fixed = run_sweep("t", POINTS, runs=2, seed=10, fixed=SMALL, options=quiet(out))
    assert fixed.computed == 2 and len(fixed.runs) == 8
    assert not (out / "errors.csv").exists()


# ------------------------------------------------------------------ interrupted for real
SCRIPT = textwrap.dedent(
    """
    import signal

    from simulation.experiment import script_main
    from simulation.sweep import grid, run_sweep

    def run(options=None):
        points = grid(sensitivity=[0.1, 0.3, 0.5, 0.7, 0.9], consistency=[0.2, 0.5, 0.8])
        results = run_sweep("interrupt", points, runs=20, seed=3,
                            fixed={"n_dyads": 20, "horizon_years": 6}, options=options)
        results.finish([], {"experiment": "interrupt"})
        return {}

    if __name__ == "__main__":
        # Ctrl-C as in a terminal, even if this test runs where SIGINT is ignored (a job started
        # in the background by a shell inherits an ignored SIGINT, and Python keeps it ignored)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        script_main(run, "interruptible")
    """
)


def _start(script: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(script), "--out", str(out), "--workers", "2", "--quiet", *extra],
        cwd=ROOT,
        env=THIS_TREE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_parts(out: Path, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len(list((out / "runs").glob("part-*.parquet"))) >= 2:
            return
        if process.poll() is not None:
            pytest.fail(f"finished before it could be interrupted: {process.stderr.read()}")
        time.sleep(0.05)
    pytest.fail("no results appeared")


def _run_to_the_end(script: Path, out: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, str(script), "--out", str(out), "--quiet"],
        cwd=ROOT,
        env=THIS_TREE,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_an_interrupted_experiment_resumes_to_the_same_results(tmp_path, how):
    script = tmp_path / "interrupt.py"
    script.write_text(SCRIPT)
    reference, out = tmp_path / "reference", tmp_path / "interrupted"
    _run_to_the_end(script, reference)

    # small batches: stored in many parts, so it can be stopped half-way (the reference and the
    # resumed run use the default batch: the results do not depend on it)
    process = _start(script, out, "--batch", "5")
    _wait_for_parts(out, process)
    if how == "ctrl-c":  # Ctrl-C reaches the whole process group, as in a terminal
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 130
        assert "run the same command again to resume" in stderr
        assert "Traceback" not in stderr
    else:  # a killed process gets no chance to tidy up
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
    stored = len(load_results(out).load("runs"))
    assert 0 < stored < 300

    again = _run_to_the_end(script, out)
    assert f"({stored} already there)" in again.stdout
    assert_same_results(reference, out)


# ------------------------------------------------------------------ flags and config files
@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("runs = [", "is not valid TOML"),
        ("rnus = 3", "unknown setting 'rnus': allowed runs, workers, seed"),
        ("runs = 'many'", "runs = 'many': allowed an integer"),
        ("runs = 0", "runs = 0: allowed an integer of at least 1"),
        ("scheduler = 5", "scheduler = 5: allowed a string"),
        ("[parameters]\nsensitivity = 3", "'sensitivity' = '3' is out of range"),
        ("[parameters]\nwobble = 3", "unknown parameter 'wobble'"),
    ],
)
def test_malformed_config_files_get_one_line_errors(tmp_path, content, fragment):
    path = tmp_path / "c.toml"
    path.write_text(content)
    with pytest.raises(ExperimentError, match="config file") as info:
        read_config(path)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_config_file_and_flags_reach_the_experiment(tmp_path, capsys):
    config = tmp_path / "c.toml"
    out = tmp_path / "from_config"
    config.write_text(
        f'runs = 2\nseed = 11\nout = "{out}"\n'
        "[parameters]\nn_dyads = 12\ndays = 50\nhorizon_years = 1\n"
    )
    assert (
        main(["experiment", "caregiving", "--config", str(config), "--seed", "12", "--quiet"]) == 0
    )
    summary = json.loads((out / "summary.json").read_text())
    assert summary["runs"] == 2 and summary["seed"] == 12  # the flag wins over the file
    assert summary["dyads_per_run"] == 12


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--config", "missing.toml"], "config file 'missing.toml' does not exist"),
        (["--set", "sensitivity=2"], "'sensitivity' = '2' is out of range"),
        (["--set", "days"], "not of the form name=value"),
        (["--workers", "0"], "argument --workers: '0'"),
    ],
)
def test_bad_experiment_flags(args, fragment, capsys):
    code = main(["experiment", "caregiving", "--quiet", *args]) if "--workers" not in args else None
    if code is None:
        with pytest.raises(SystemExit) as exit_info:
            main(["experiment", "caregiving", *args])
        code = exit_info.value.code
    assert code == 2
    assert fragment in capsys.readouterr().err


def test_a_script_takes_the_same_flags_when_run_with_python(tmp_path):
    done = subprocess.run(
        [sys.executable, "experiments/caregiving.py", "--set", "wobble=1"],
        cwd=ROOT,
        env=THIS_TREE,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "unknown parameter 'wobble'" in done.stderr and "Traceback" not in done.stderr


def test_a_repeated_parameter_set_in_a_list_keeps_its_own_runs(tmp_path):
    points = [{"sensitivity": 0.5}, {"sensitivity": 0.5}, {"sensitivity": 0.9}]
    results = run_sweep("t", points, runs=1, seed=2, fixed=SMALL, options=quiet(tmp_path))
    assert list(results.runs["population"]) == [
        "sensitivity=0.5",
        "sensitivity=0.5#2",
        "sensitivity=0.9",
    ]
    assert results.runs["seed"].nunique() == 3


def test_a_sweep_can_keep_only_the_runs_table(tmp_path):
    results = run_sweep(
        "t", POINTS, runs=1, seed=3, fixed=SMALL, options=quiet(tmp_path), keep=("runs",)
    )
    assert len(results.runs) == 4
    assert not (tmp_path / "infants").exists() and not (tmp_path / "timeseries").exists()
    with pytest.raises(ResultsError, match="has no infants table"):
        _ = results.infants


def test_parts_with_different_columns_load_as_one_table(tmp_path):
    """Runs that end at 12 months have no adult columns; stored beside longer runs, the table
    still has every column (missing values where a run has none)."""
    from simulation.storage import ResultsFolder

    folder = ResultsFolder(tmp_path)
    folder.prepare({"experiment": "t"}, "code")
    short = pd.DataFrame({"point": [0], "run": [0], "share_B": [0.6]})
    long = pd.DataFrame({"point": [1], "run": [0], "share_B": [0.5], "share_secure": [0.7]})
    folder.write_part({"runs": short})
    folder.write_part({"runs": long})
    table = folder.load("runs")
    assert list(table["share_B"]) == [0.6, 0.5]
    assert table["share_secure"].isna().tolist() == [True, False]
