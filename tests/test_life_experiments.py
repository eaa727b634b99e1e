"""The three life-course experiments, run small: files, summary keys and sensible values."""

import json
import math

import pytest

from simulation.experiment import ExperimentError, load_experiment
from simulation.model.life_course import CATEGORIES
from simulation.sweep import Options

AGES = ["2", "5", "10", "15", "20", "25", "30"]
COMMON = {"experiment", "runs", "seed"}
# small and fast; the summaries need age 30, so the horizon stays at 30
SETTINGS = {"n_dyads": 20, "horizon_years": 30}


def run_small(name: str, out) -> dict:
    module = load_experiment(name)
    module.run(Options(runs=2, workers=1, seed=3, out=out, progress=False, settings=SETTINGS))
    return json.loads((out / "summary.json").read_text())


def assert_figures(out, *names: str) -> None:
    for name in names:
        assert (out / f"{name}.png").stat().st_size > 10_000
        assert (out / f"{name}.svg").read_text().startswith("<?xml")


def is_share(value) -> bool:
    return value is not None and 0.0 <= value <= 1.0


@pytest.fixture(scope="module")
def life_course(tmp_path_factory):
    out = tmp_path_factory.mktemp("life_course")
    return out, run_small("life_course", out)


@pytest.fixture(scope="module")
def adult_styles(tmp_path_factory):
    out = tmp_path_factory.mktemp("adult_styles")
    return out, run_small("adult_styles", out)


@pytest.fixture(scope="module")
def couples(tmp_path_factory):
    out = tmp_path_factory.mktemp("couples")
    return out, run_small("couples", out)


def test_life_course_summary_and_figures(life_course):
    out, summary = life_course
    assert_figures(out, "stability", "class_continuity")
    assert set(summary) == COMMON | {
        "stability_r",
        "stability_r_revisionist",
        "same_secure_status_at_20",
        "continuity_by_class",
    }
    assert summary["experiment"] == "life_course" and summary["runs"] == 2
    assert summary["seed"] == 3
    for key in ("stability_r", "stability_r_revisionist"):
        assert list(summary[key]) == AGES
        for r in summary[key].values():
            assert r is None or -1.0 <= r <= 1.0  # None: NaN, nobody differed at that age
    assert is_share(summary["same_secure_status_at_20"])
    assert set(summary["continuity_by_class"]) == set("ABCD")
    for share in summary["continuity_by_class"].values():
        assert share is None or is_share(share)  # None: no infant of that class


def test_adult_styles_summary_and_figures(adult_styles):
    out, summary = adult_styles
    assert_figures(out, "adult_categories", "infant_to_adult")
    assert set(summary) == COMMON | {"adult_distribution", "infant_to_adult"}
    distribution = summary["adult_distribution"]
    assert list(distribution) == list(CATEGORIES)
    assert all(is_share(v) for v in distribution.values())
    assert sum(distribution.values()) == pytest.approx(1)
    assert set(summary["infant_to_adult"]) == set("ABCD")
    for row in summary["infant_to_adult"].values():
        assert list(row) == list(CATEGORIES)
        if all(v is None for v in row.values()):
            continue  # no infant of that class in these two small runs
        assert all(is_share(v) for v in row.values())
        assert sum(row.values()) == pytest.approx(1)


def test_couples_summary_and_figures(couples):
    out, summary = couples
    assert_figures(out, "satisfaction_over_time", "couple_story", "pairing_outcomes")
    assert set(summary) == COMMON | {
        "pairing_share",
        "satisfaction",
        "breakup_rate",
        "demand_withdraw_rate",
    }
    pairings = list(summary["pairing_share"])
    assert pairings
    for pairing in pairings:
        first, second = pairing.split("+")
        assert {first, second} <= set(CATEGORIES) and first <= second
    assert sum(summary["pairing_share"].values()) == pytest.approx(1)
    for key in ("pairing_share", "satisfaction", "breakup_rate", "demand_withdraw_rate"):
        assert list(summary[key]) == pairings
        for value in summary[key].values():
            # a breakup rate is None for a pairing none of whose couples was observed 3 years
            assert (key == "breakup_rate" and value is None) or is_share(value)
    assert not any(isinstance(v, float) and math.isnan(v) for v in summary["satisfaction"].values())


@pytest.mark.parametrize("name", ["life_course", "adult_styles", "couples"])
def test_a_horizon_without_adults_is_refused(name, tmp_path):
    module = load_experiment(name)
    options = Options(runs=1, out=tmp_path, progress=False, settings={"horizon_years": 1})
    with pytest.raises(ExperimentError, match="horizon_years"):
        module.run(options)
