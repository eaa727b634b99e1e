"""Qualitative facts about the life course (pattern 5 of the ODD): security is the most stable
class, and security at 12 months predicts adult security as much as the meta-analysis found.

Slow (the normative population to age 30, 40 runs of 100 people on 2 workers): run alone with
``pytest -m validation``; CI runs it with the rest of the suite. The checks, their bands and
sources live in ``simulation.validation`` (``attachment-sim validate`` runs the same ones).
"""

from __future__ import annotations

import pytest

from simulation.validation import LIFE_CHECK_IDS, LifeCourse, run_life_checks

pytestmark = pytest.mark.validation


@pytest.fixture(scope="module")
def life() -> LifeCourse:
    # 40 normative runs to 30, master seed 20261127, 2 workers (the seeds this test always had)
    return run_life_checks(runs=40, seed=20261127, workers=2, progress=False)


def test_the_life_course_checks_are_the_documented_ones(life):
    assert [c.id for c in life] == LIFE_CHECK_IDS
    assert len(life.infants) == 40 * 100


def test_security_is_the_most_stable_class(life):
    # Main, Hesse & Kaplan 2005: secure infants most often stay secure. 4,000 people give each
    # class at least 400 infants, so a share has a standard error below .025: the margin of .1
    # over the next class is four of them.
    check = life.check("security_most_stable")
    assert check.passed, f"{check.describe()} (source: {check.source})"


# A known miss, kept visible: the model's continuity is far above the meta-analytic figure (see
# the validation document, section 8). strict=True: the day the model reaches the band, this
# test fails and the marker has to go.
@pytest.mark.xfail(
    strict=True,
    reason="known miss: the model's r is well above Fraley's (2002) .39 +/- 3 standard errors",
)
def test_security_at_12_months_predicts_adult_security_as_much_as_the_meta_analysis(life):
    # Fraley 2002: security at 12 months and later security correlate about .39 (intervals to 19
    # years; the prototype pattern levels off, so the same benchmark stands at 30). With 4,000
    # people the model's r has a standard error of about .016: the band is .39 +/- three of them,
    # [.34, .44] (the published figure's own uncertainty is not included).
    check = life.check("infant_adult_security_r")
    assert check.passed, f"{check.describe()} (source: {check.source})"
