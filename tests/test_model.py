import numpy as np
import pandas as pd
import pytest

from simulation.model import AttachmentModel
from simulation.model.agents import Caregiver, Person
from simulation.model.caregiving import DIMENSIONS
from simulation.model.working_model import anxiety, avoidance
from tests.conftest import run_model


def test_a_year_of_days_ends_in_a_strange_situation(default_model):
    m = default_model
    assert m.time == 365 and not m.running
    assert m.ssp is not None and set(m.ssp.attachment_class) <= set("ABCD")
    series = m.datacollector.get_model_vars_dataframe()
    assert list(series["day"]) == list(range(366))
    assert series["other_model"].iloc[0] == 0.5  # newborn prior before any experience


def test_agents_are_mesa_agents_reading_their_rows(default_model):
    m = default_model
    assert len(m.agents_by_type[Person]) == m.n_dyads
    infant = m.people[7]
    assert infant.working_model["other_model"] == m.population.working_model.other_model[7]
    assert infant.attachment_class == m.ssp.attachment_class[7]
    assert isinstance(infant.caregiver, Caregiver)
    # the agent reads its own row of the population's arrays
    assert infant.anxiety == pytest.approx(anxiety(m.population.working_model)[7])
    assert infant.avoidance == pytest.approx(avoidance(m.population.working_model)[7])
    table = m.infant_table()
    assert table["anxiety"][7] == pytest.approx(infant.anxiety)


def test_same_seed_same_results_other_seed_other_results():
    a = pd.DataFrame(run_model(seed=5, n_dyads=30).infant_table())
    b = pd.DataFrame(run_model(seed=5, n_dyads=30).infant_table())
    c = pd.DataFrame(run_model(seed=6, n_dyads=30).infant_table())
    pd.testing.assert_frame_equal(a, b)
    assert not a["other_model"].equals(c["other_model"])


def test_a_set_dimension_overrides_the_mix_for_every_caregiver():
    m = AttachmentModel(rng=1, n_dyads=50, sensitivity=0.3, caregivers="normative")
    assert (m.population.caregivers.sensitivity == 0.3).all()
    assert (
        m.population.caregivers.rejection.std() > 0
    )  # the other dimensions still come from the mix


def test_losing_the_caregiver_brings_a_new_one():
    m = run_model(seed=2, n_dyads=20, caregivers="consistent", disruption=1.0, days=200)
    assert (m.infancy.disruption_day >= 0).all()
    assert all(i.lost_caregiver is not None for i in m.people)
    assert all(i.caregiver is not i.lost_caregiver for i in m.people)
    assert all(i.lost_caregiver not in m.agents for i in m.people)  # removed from the model
    assert len(m.agents_by_type[Caregiver]) == 20


@pytest.mark.parametrize(
    "route",
    [{"fear": 0.05}, {"neglect": 0.5}, {"disruption": 1.0}],
    ids=["abuse", "neglect", "loss"],
)
def test_each_route_named_in_the_seed_produces_disorganisation(route):
    """The source article names abuse, severe neglect and family disruption as routes to
    disorganisation."""
    baseline = run_model(seed=3, n_dyads=300, caregivers="consistent")
    exposed = run_model(seed=3, n_dyads=300, caregivers="consistent", **route)
    d_base = (baseline.ssp.attachment_class == "D").mean()
    d_exposed = (exposed.ssp.attachment_class == "D").mean()
    assert d_base < 0.03
    assert d_exposed > 0.15
    assert (
        exposed.population.working_model.alarm.mean()
        > 3 * baseline.population.working_model.alarm.mean()
    )


def test_observed_sensitivity_is_a_noisy_measure_of_the_true_one():
    m = run_model(seed=4, n_dyads=400)
    observed = m.infancy.observed_sensitivity
    true = m.population.first_caregivers.sensitivity
    known = ~np.isnan(observed)
    assert known.mean() > 0.95
    # A few home-visit days rate the caregiver with much more error than the whole year's
    # answers do: at seeds 4-6 r was .39-.41 for the visits and .84-.85 for the year (the
    # standard error of r at n = 400 is about .04), so the gap of .3 is over 5 of them.
    r_visits = np.corrcoef(observed[known], true[known])[0, 1]
    r_year = np.corrcoef(m.infancy.comforted_share[known], true[known])[0, 1]
    assert r_visits > 0.25 and r_year - r_visits > 0.3
    start, end = m.infancy.observation_window
    assert end - start == m.params["observation_days"]


def test_classes_are_not_read_off_the_caregiver_type():
    """Infants of identical caregivers end in different classes: the class emerges per infant,
    from temperament and the day-to-day chance of care. Rejecting care mostly teaches avoidance
    (Ainsworth et al. 1978), so A is the large majority, but not everyone: at seeds 8-13 the
    other classes held 4.0-6.3% of 300 infants (5% at seed 8). The standard error of a 5% share
    of 300 is 1.3 points, so 2-10% lies over 2 standard errors from the seed's value on both
    sides; 0% (the class read off the caregiver) or a mixed picture would fail."""
    m = run_model(seed=8, n_dyads=300, caregivers="rejecting")
    for name in DIMENSIONS:  # every infant has the same caregiver
        assert np.ptp(getattr(m.population.caregivers, name)) == 0, name
    classes = m.ssp.attachment_class
    assert 0.02 < (classes != "A").mean() < 0.10


def test_a_new_caregiver_keeps_the_dimensions_set_for_everyone():
    m = run_model(seed=3, n_dyads=40, sensitivity=0.95, disruption=1.0, days=200)
    assert (m.infancy.disruption_day >= 0).all()
    assert (m.population.caregivers.sensitivity == 0.95).all()


@pytest.mark.parametrize("days", [30, 45, 90])
def test_losses_fall_early_enough_for_the_new_caregiver_to_arrive(days):
    m = AttachmentModel(rng=1, n_dyads=200, disruption=1.0, days=days)
    gap = round(m.params["disruption_gap_days"])
    assert (m.infancy.disruption_day >= 0).all()
    assert (m.infancy.disruption_day + gap < days).all()
