"""Calibration against published figures (science.md section 2). Slow: run alone with
``pytest -m validation``; CI runs them with the rest of the suite."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.measures import correlation, retest_agreement, shares_dict
from simulation.runner import run_many

pytestmark = pytest.mark.validation

RUNS_NORMATIVE = 100  # science.md: bands hold "over at least 100 runs"
RUNS_PRESET = 30
SEED = 20261127
OWN_CLASS = {"consistent": "B", "inconsistent": "C", "rejecting": "A", "frightening": "D"}


@pytest.fixture(scope="module")
def results():
    normative = run_many(
        {"normative": {}}, runs=RUNS_NORMATIVE, seed=SEED, workers=2, progress=False
    )
    presets = run_many(
        {p: {"caregivers": p} for p in OWN_CLASS},
        runs=RUNS_PRESET,
        seed=SEED,
        workers=2,
        progress=False,
    )
    return normative.infants, presets.infants


def test_normative_class_distribution_is_in_the_published_bands(results):
    shares = shares_dict(results[0])
    # Ainsworth et al. 1978 (66% B of N=106); van IJzendoorn & Kroonenberg 1988 (cross-national
    # meta-analysis): B 55-67%, A 12-22%, C 7-15%.
    assert 0.55 <= shares["B"] <= 0.67, shares
    assert 0.12 <= shares["A"] <= 0.22, shares
    assert 0.07 <= shares["C"] <= 0.15, shares
    # van IJzendoorn, Schuengel & Bakermans-Kranenburg 1999: about 15% D in low-risk samples.
    assert 0.10 <= shares["D"] <= 0.20, shares


def test_sensitivity_explains_only_part_of_security(results):
    infants = results[0]
    observed = correlation(infants["observed_sensitivity"], infants["secure"])
    true = correlation(infants["sensitivity"], infants["secure"])
    # De Wolff & van IJzendoorn 1997 meta-analysis: r = .24 (band .15-.35); a true-parameter
    # correlation above .5 would mean the model is over-determined by sensitivity (science.md).
    assert 0.15 <= observed <= 0.35, observed
    assert true < 0.5, true


def test_the_procedure_is_reliable_so_variety_comes_from_histories(results):
    # Issue requirement: re-running the Strange Situation on the same infants gives the same
    # class at least 75% of the time.
    assert retest_agreement(results[0]) >= 0.75
    assert retest_agreement(results[1]) >= 0.75


@pytest.mark.parametrize("preset", list(OWN_CLASS))
def test_each_preset_mainly_but_not_only_produces_its_own_class(results, preset):
    infants = results[1][results[1]["population"] == preset]
    shares = shares_dict(infants)
    own = OWN_CLASS[preset]
    # science.md: caregivers of each preset produce mainly their own class, never all of it
    assert max(shares, key=shares.get) == own, shares
    assert 0.5 < shares[own] < 0.97, shares


@pytest.mark.parametrize("preset", list(OWN_CLASS))
def test_infants_of_identical_caregivers_differ_for_reasons_in_their_histories(results, preset):
    """Within a preset every caregiver is identical: the minority differs from the majority in
    temperament or in the care it actually received, not only in scoring luck."""
    infants = results[1][results[1]["population"] == preset]
    own = infants["ssp_class"] == OWN_CLASS[preset]
    assert (~own).sum() >= 10, "too few infants outside the preset's own class to compare"
    differences = []
    for column in ("reactivity", "soothability", "comforted_share", "alarm"):
        a, b = infants.loc[own, column], infants.loc[~own, column]
        pooled = np.sqrt((a.var() + b.var()) / 2)
        differences.append(abs(a.mean() - b.mean()) / pooled)
    # at least one history variable separates the groups by a medium effect (d >= 0.5)
    assert max(differences) >= 0.5, differences
