import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from simulation.model.run import correlation, run_seed
from simulation.runner import run_many, run_replicates
from tests.conftest import run_model


def test_run_seeds_depend_on_master_label_and_replicate_only():
    assert run_seed(1, "normative", 0) == run_seed(1, "normative", 0)
    assert len({run_seed(1, "normative", r) for r in range(50)}) == 50
    assert run_seed(1, "normative", 0) != run_seed(1, "rejecting", 0)
    assert run_seed(1, "normative", 0) != run_seed(2, "normative", 0)


def test_one_and_two_workers_give_identical_tables():
    pops = {
        "normative": {"n_dyads": 20, "days": 60, "horizon_years": 21},
        "rejecting": {"n_dyads": 20, "days": 60, "caregivers": "rejecting", "horizon_years": 21},
    }
    one = run_many(pops, runs=4, seed=9, workers=1, progress=False)
    two = run_many(pops, runs=4, seed=9, workers=2, progress=False)
    for table in ("runs", "infants", "timeseries", "life", "couples"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table))
    assert len(one.couples) > 0 and one.life["age"].max() == 21
    assert list(one.infants.groupby(["population", "run"], sort=False).size().index) == [
        (p, r) for p in pops for r in range(4)
    ]


def test_a_population_gives_the_same_runs_whatever_else_is_in_the_experiment():
    alone = run_many(
        {"normative": {"n_dyads": 10, "days": 40, "horizon_years": 1}},
        runs=2,
        seed=3,
        progress=False,
    )
    mixed = run_many(
        {
            "other": {"n_dyads": 10, "days": 40, "horizon_years": 1},
            "normative": {"n_dyads": 10, "days": 40, "horizon_years": 1},
        },
        runs=2,
        seed=3,
        progress=False,
    )
    part = mixed.infants[mixed.infants["population"] == "normative"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.infants.drop(columns="point"), part.drop(columns="point"))


def test_a_single_run_equals_the_model_with_that_seed():
    res = run_replicates(
        {"n_dyads": 15, "days": 90, "horizon_years": 1}, runs=1, seed=42, progress=False
    )
    model = run_model(seed=42, n_dyads=15, days=90)
    assert (res.infants["seed"] == 42).all()
    assert list(res.infants["other_model"]) == list(model.population.working_model.other_model)
    assert "ssp_retest_class" in res.infants


# A worker that is stopped while it writes its result leaves half a message in the result pipe.
# Stopping the pool must still return (it once waited for the rest of the message for ever).
HALF_A_RESULT = """
import struct, sys, time
from simulation.runner import executor

def half_a_result():
    frame = sys._getframe()  # the worker's own result queue, from the loop that called us
    while "result_queue" not in frame.f_locals:
        frame = frame.f_back
    frame.f_locals["result_queue"]._writer._send(struct.pack("!i", 1000) + b"partial")
    time.sleep(60)

try:
    with executor(2) as (pool, slots):
        pool.submit(half_a_result)
        time.sleep(1)
        raise KeyboardInterrupt
except KeyboardInterrupt:
    print("stopped")
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the pool forks its workers on Linux only")
def test_stopping_workers_in_the_middle_of_a_result_does_not_hang():
    done = subprocess.run(
        [sys.executable, "-c", HALF_A_RESULT], capture_output=True, text=True, timeout=30
    )
    assert done.stdout.strip() == "stopped", done.stderr


def test_a_correlation_with_a_constant_variable_is_undefined():
    # 0.85 a hundred times has a mean that is not exactly 0.85 in floating point: centring
    # leaves rounding noise, which must not pass for spread (a preset's caregivers all have
    # the same sensitivity: their sensitivity-security correlation is undefined, not 1e-16)
    secure = np.tile([0.0, 1.0], 50)
    assert np.isnan(correlation(np.full(100, 0.85), secure))
    assert np.isnan(correlation(secure, np.full(100, 0.85)))
    assert correlation(np.arange(100.0), secure) == pytest.approx(
        np.corrcoef(np.arange(100.0), secure)[0, 1]
    )
