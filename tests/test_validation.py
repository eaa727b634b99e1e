"""Calibration of the first year against published figures (the bands, their reasons and
sources are in ``simulation.validation.checks``). Slow: run alone with ``pytest -m validation``;
CI runs them with the rest of the suite.

``attachment-sim validate`` runs the same checks and writes the validation document; here every
check is one test, named by its id.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation.validation import CHECK_IDS, OWN_CLASS, Validation, run_checks

pytestmark = pytest.mark.validation


@pytest.fixture(scope="module")
def validation() -> Validation:
    # the defaults: 100 normative runs of 100 dyads (the bands hold "over at least 100 runs"),
    # 30 per preset, the calibration seed 20261127, 2 workers
    return run_checks(progress=False)


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_is_in_its_band(validation, check_id):
    check = validation.check(check_id)
    assert check.passed, f"{check.describe()} (source: {check.source})"


@pytest.mark.parametrize("preset", list(OWN_CLASS))
def test_infants_of_identical_caregivers_differ_for_reasons_in_their_histories(validation, preset):
    """Within a preset every caregiver is identical: the minority differs from the majority in
    temperament or in the care it actually received, not only in scoring luck."""
    infants = validation.presets[validation.presets["population"] == preset]
    own = infants["ssp_class"] == OWN_CLASS[preset]
    assert (~own).sum() >= 10, "too few infants outside the preset's own class to compare"
    differences = []
    for column in ("reactivity", "soothability", "comforted_share", "alarm"):
        a, b = infants.loc[own, column], infants.loc[~own, column]
        pooled = np.sqrt((a.var() + b.var()) / 2)
        if pooled > 0:  # a variable that never varies (no fear at all) separates nothing
            differences.append(abs(a.mean() - b.mean()) / pooled)
    # at least one history variable separates the groups by a medium effect (d >= 0.5)
    assert max(differences) >= 0.5, differences
