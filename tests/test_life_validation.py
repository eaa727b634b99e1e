"""Qualitative facts about the life course (science.md: "Security is the most stable class").

Slow (the normative population to age 30, 40 runs of 100 people on 2 workers): run alone with
``pytest -m validation``; CI runs it with the rest of the suite.
"""

from __future__ import annotations

import pandas as pd
import pytest

from simulation.measures import correlation
from simulation.model.life_course import COUNTERPART
from simulation.runner import Results, run_many

pytestmark = pytest.mark.validation


@pytest.fixture(scope="module")
def normative() -> Results:
    return run_many({"normative": {}}, runs=40, seed=20261127, workers=2, progress=False)


def continuity(infants: pd.DataFrame) -> pd.Series:
    """Share of each infant class whose category at 30 is its adult counterpart."""
    kept = infants["adult_category"] == infants["ssp_class"].map(COUNTERPART)
    return kept.groupby(infants["ssp_class"]).mean()


def test_security_is_the_most_stable_class(normative):
    # science.md, section 2 (qualitative facts); Main, Hesse & Kaplan 2005: secure infants most
    # often stay secure. 4,000 people give each class at least 400 infants, so a share has a
    # standard error below .025: the margin of .1 is four of them.
    shares = continuity(normative.infants)
    for other in "ACD":
        assert shares["B"] > shares[other] + 0.1, shares.round(3).to_dict()


def test_security_at_12_months_predicts_security_in_adulthood_but_not_perfectly(normative):
    # Fraley 2002: infant security predicts later security moderately (prototype account), never
    # perfectly; the model must sit strictly between "no link" and "fixed at 12 months".
    # With 4,000 people a correlation has a standard error of about .016.
    infants = normative.infants
    r = correlation(infants["secure"], infants["adult_secure"])
    assert 0.1 < r < 0.9, r
