"""Runs computed in batches are the same runs as computed alone: every table, exactly, whatever
the batch size, the number of workers, on a Dask cluster, or interrupted and resumed."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

import simulation.runner
from simulation.cli import main
from simulation.experiment import ExperimentError, options_from, read_config
from simulation.model.parameters import ParameterError, validate
from simulation.model.run import (
    PER_RUN_PARAMETERS,
    PER_RUN_TABLES,
    RunOutput,
    RunSpec,
    batch_key,
    run_seed,
    simulate,
    simulate_batch,
)
from simulation.runner import RunError, batches, collect, execute
from simulation.storage import TABLES, ResultsFolder, load_results
from simulation.sweep import Options, run_sweep

SEED = 2026
RUNS = 25  # per parameter set: 100 runs in all
FIRST_YEAR = {"n_dyads": 8, "days": 30, "horizon_years": 1}
# Four parameter sets: the first two differ only in caregiver dimensions (they share batches),
# the preset and the longer horizon (adults, partners, couples) get batches of their own.
POINTS = {
    "sensitive": {**FIRST_YEAR, "sensitivity": 0.8},
    "insensitive": {**FIRST_YEAR, "sensitivity": 0.2, "consistency": 0.4},
    "rejecting": {**FIRST_YEAR, "caregivers": "rejecting"},
    "to 19": {**FIRST_YEAR, "horizon_years": 19},
}


def specs_of(points: dict[str, dict], runs: int) -> list[RunSpec]:
    """The runs ``run_sweep(points, runs, SEED)`` makes, in its order."""
    return [
        RunSpec(label, r, run_seed(SEED, label, r), validate(params), point=i)
        for i, (label, params) in enumerate(points.items())
        for r in range(runs)
    ]


SPECS = specs_of(POINTS, RUNS)


@pytest.fixture(scope="module")
def alone() -> list[RunOutput]:
    """Every run computed on its own, the reference (about 3 s)."""
    return [simulate(spec) for spec in SPECS]


def exactly_equal(a: Any, b: Any) -> bool:
    """Same type, shape and values, missing values equal: the quick check, before the frames'."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))


def assert_same_table(got: dict[str, Any], want: dict[str, Any], what: str) -> None:
    """Equal columns in the same order, each exactly equal (missing values equal)."""
    assert list(got) == list(want), f"{what}: other columns"
    if all(exactly_equal(got[c], want[c]) for c in want):
        return
    # not the same arrays: the frames decide (missing values in text columns), and say where
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want), check_exact=True, obj=what)


def assert_same_runs(got: Iterable[RunOutput | RunError], want: Sequence[RunOutput]) -> None:
    """The same runs, each with every table equal to the reference's, column by column, exactly
    (missing values equal): runs matched by parameter set and replicate, in any order."""
    got = list(got)
    assert not [o for o in got if isinstance(o, RunError)], "a run failed"

    def key(output: RunOutput) -> tuple[int, int]:
        return output.summary["point"], output.summary["run"]

    by_key = {key(o): o for o in got}
    assert len(by_key) == len(got) == len(want), "a run is missing or came twice"
    for reference in want:
        output, where = by_key[key(reference)], f"of run {key(reference)}"
        summary = {k: [v] for k, v in output.summary.items()}
        expected = {k: [v] for k, v in reference.summary.items()}
        assert_same_table(summary, expected, f"summary {where}")
        for name in PER_RUN_TABLES:
            assert_same_table(output.tables[name], reference.tables[name], f"{name} {where}")


def test_the_spec_set_covers_what_batches_must_keep_apart(alone):
    assert len(SPECS) == 100
    assert len({batch_key(s) for s in SPECS}) == 3
    assert sum(len(o.tables["couples"].get("couple", [])) for o in alone) > 0, "no couple formed"


# ------------------------------------------------------------------ cutting runs into batches
def test_batches_keep_the_order_and_cut_at_a_change_of_structure_or_the_size():
    def spec(replicate: int, days: int) -> RunSpec:
        params = {"days": days, "sensitivity": replicate / 10, "n_dyads": 100}
        return RunSpec("x", replicate, replicate, params)

    specs = [spec(0, 30), spec(1, 30), spec(2, 30), spec(3, 40), spec(4, 30), spec(5, 30)]
    cut = [[s.replicate for s in group] for group in batches(specs, 2)]
    assert cut == [[0, 1], [2], [3], [4, 5]]  # consecutive runs only: 2 and 4 stay apart
    assert [len(g) for g in batches(specs, 100)] == [3, 1, 2]
    assert [len(g) for g in batches(specs, 1)] == [1] * 6
    assert list(batches([], 5)) == []


def test_a_batch_holds_at_most_its_share_of_people():
    people = simulation.runner.PEOPLE_PER_BATCH
    large = [RunSpec("x", r, r, {"n_dyads": people // 4}) for r in range(10)]
    assert [len(g) for g in batches(large, 100)] == [4, 4, 2]
    huge = [RunSpec("x", r, r, {"n_dyads": 2 * people}) for r in range(3)]
    assert [len(g) for g in batches(huge, 100)] == [1, 1, 1]  # one run too many still runs


def test_runs_that_differ_in_caregiver_parameters_share_a_batch_and_equal_their_runs_alone():
    base = {**FIRST_YEAR, "caregivers": "spectrum"}
    points = {
        "a": {**base, "spectrum": 0.1, "sensitivity": 0.9},
        "b": {**base, "spectrum": 0.9, "consistency": 0.3, "rejection": 0.6},
        "c": {**base, "fear": 0.2, "neglect": 0.3, "disruption": 0.1},
    }
    assert {k for p in points.values() for k in p} - set(base) == set(PER_RUN_PARAMETERS)
    specs = specs_of(points, 2)
    (batch,) = batches(specs, 100)  # one batch
    assert_same_runs(simulate_batch(batch), [simulate(s) for s in specs])


# ------------------------------------------------------------------ bit-identical results
@pytest.mark.parametrize("size", [7, 100])
def test_simulate_batch_equals_each_run_alone(alone, size):
    outputs = [o for group in batches(SPECS, size) for o in simulate_batch(group)]
    assert_same_runs(outputs, alone)


@pytest.mark.parametrize(("workers", "batch"), [(1, 100), (2, 7)])
def test_execute_equals_each_run_alone(alone, workers, batch, capsys):
    outputs = list(execute(SPECS, workers, progress=True, total=len(SPECS), batch=batch))
    assert_same_runs(outputs, alone)
    assert "100/100" in capsys.readouterr().err  # the progress bar counts runs, not batches


def test_a_dask_cluster_equals_each_run_alone(alone):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        outputs = list(execute(SPECS, scheduler=cluster.scheduler_address, progress=False))
    assert_same_runs(outputs, alone)


def stored(folder: ResultsFolder) -> dict[str, pd.DataFrame]:
    return {name: folder.load(name) for name in TABLES}


def test_an_interrupted_sweep_resumes_to_the_runs_alone(alone, tmp_path, monkeypatch):
    # Ctrl-C reaches the parent while it waits for batches: here at its fourth wait
    real_wait = simulation.runner.wait
    waits = itertools.count()

    def interrupted_wait(*args, **kwargs):
        if next(waits) == 3:
            raise KeyboardInterrupt
        return real_wait(*args, **kwargs)

    monkeypatch.setattr(simulation.runner, "wait", interrupted_wait)
    out = tmp_path / "sweep"
    options = Options(out=out, workers=2, batch=7, progress=False)
    with pytest.raises(KeyboardInterrupt, match="run the same command again to resume"):
        run_sweep("batches", POINTS, runs=RUNS, seed=SEED, options=options)
    monkeypatch.undo()
    first = len(load_results(out).done_runs())
    assert 0 < first < len(SPECS)

    options = Options(out=out, workers=2, progress=False)  # the default batch this time
    resumed = run_sweep("batches", POINTS, runs=RUNS, seed=SEED, options=options)
    assert (resumed.resumed, resumed.computed) == (first, len(SPECS) - first)
    assert load_results(out).manifest()["batch"] == simulation.runner.DEFAULT_BATCH

    reference = ResultsFolder(tmp_path / "alone")  # the runs alone, stored the same way
    reference.prepare({"experiment": "alone"}, "code")
    reference.write_part(simulation.runner.to_frames(alone))
    got, want = stored(load_results(out)), stored(reference)
    for name in TABLES:
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=True, check_like=True)


# ------------------------------------------------------------------ errors
def test_a_failing_batch_gives_an_error_for_each_of_its_runs(monkeypatch):
    specs = specs_of({"first": FIRST_YEAR}, 6)
    real = simulation.runner.simulate_batch

    def fragile(batch: Sequence[RunSpec]) -> list[RunOutput]:
        if any(s.replicate == 4 for s in batch):
            raise ZeroDivisionError("a bug in one corner")
        return real(batch)

    monkeypatch.setattr(simulation.runner, "simulate_batch", fragile)
    outputs = list(execute(specs, progress=False, batch=3))
    failed = [o for o in outputs if isinstance(o, RunError)]
    assert sorted(e.spec.replicate for e in failed) == [3, 4, 5]  # the batch of replicate 4
    assert failed[0].message == "ZeroDivisionError: a bug in one corner (in a batch of 3 runs)"
    assert "Traceback" in failed[0].details
    with pytest.raises(RuntimeError, match=r"run 'first' replicate 3 \(seed \d+\) failed: Zero"):
        collect(specs, outputs)


@pytest.mark.parametrize("command", [["run"], ["experiment", "caregiving"]])
def test_batch_0_on_the_command_line_is_a_one_line_error(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--batch", "0", "--quiet"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (
        err.strip()
        .splitlines()[-1]
        .endswith("error: argument --batch: '0': allowed an integer of at least 1")
    )


def test_batch_below_1_in_code_or_a_config_file_is_a_one_line_error(tmp_path):
    with pytest.raises(ParameterError, match=r"^batch = 0: allowed an integer of at least 1$"):
        list(execute(SPECS[:1], progress=False, batch=0))
    out = tmp_path / "never"
    with pytest.raises(ParameterError, match=r"^batch = -2: allowed an integer of at least 1$"):
        run_sweep("t", POINTS, runs=1, options=Options(out=out, batch=-2, progress=False))
    assert not out.exists()  # refused before the results folder is made
    config = tmp_path / "c.toml"
    config.write_text("batch = 0")
    with pytest.raises(ExperimentError, match="batch = 0: allowed an integer of at least 1"):
        read_config(config)


def test_batch_reaches_the_options_from_a_flag_or_the_config_file(tmp_path):
    from simulation.cli import build_parser

    config = tmp_path / "c.toml"
    config.write_text("batch = 5\nruns = 2")
    parser = build_parser()

    def batch_of(*flags: str) -> int | None:
        return options_from(parser.parse_args(["experiment", "caregiving", *flags])).batch

    assert batch_of() is None  # the default
    assert batch_of("--config", str(config)) == 5
    assert batch_of("--config", str(config), "--batch", "9") == 9  # the flag wins
    args = parser.parse_args(["run"])
    assert args.batch == simulation.runner.DEFAULT_BATCH


def test_attachment_sim_run_takes_batch(capsys):
    flags = ["--dyads", "8", "--runs", "3", "--quiet", "--set", "days=30"]
    flags += ["--set", "horizon_years=1"]
    assert main(["run", *flags, "--batch", "2"]) == 0
    with_batches = capsys.readouterr().out
    assert main(["run", *flags, "--batch", "1"]) == 0
    assert capsys.readouterr().out == with_batches
