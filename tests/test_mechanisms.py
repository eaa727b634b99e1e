"""Mechanisms for adult attachment that each parameter switches on (all off by default, where the
model is as before): a strategy's reading of unanswered bids, differential susceptibility, a
circle of others that lasts, each relationship's own fit, and breakups as losses."""

import numpy as np
import pandas as pd
import pytest

from simulation.model import AttachmentModel
from simulation.model.partners import couple_week, dispositions
from simulation.model.working_model import Experience, strategy, update_working_model
from tests.conftest import run_model, working_models

# ---------------------------------------------------------------------- self_blame


def unanswered_batch(n: int, kind: str, bids: int = 20) -> Experience:
    """``bids`` bids each for ``n`` people, every one of them ``kind`` (missed or rebuffed)."""
    zeros = np.zeros(n, dtype=int)
    counts = {"missed": zeros, "rebuffed": zeros, kind: np.full(n, bids)}
    return Experience(
        bids=np.full(n, bids),
        soothed=zeros,
        comforted=zeros,
        frightened=zeros,
        overwhelmed=zeros,
        **counts,
    )


def self_model_after(wm_values: dict[str, float], experience: Experience, blame: float) -> float:
    wm = working_models((wm_values, 1))
    update_working_model(wm, experience, 0.05, strategy_weight=blame)
    return float(wm.self_model[0])


DEACTIVATING = {"self_model": 0.7, "other_model": 0.2, "uncertainty": 0.1, "suppression": 0.8}
HYPERACTIVATING = {"self_model": 0.7, "other_model": 0.3, "uncertainty": 0.9, "suppression": 0.0}


def test_the_strategies_of_these_models_are_what_the_tests_need():
    wm = working_models((DEACTIVATING, 1), (HYPERACTIVATING, 1))
    s = strategy(wm)
    assert s.deactivation[0] == 1.0 and s.hyperactivation[0] < 0.1
    assert s.hyperactivation[1] > 0.9 and s.deactivation[1] < 0.7


def test_deactivation_spares_the_self_model_from_rebuffs():
    # without self_blame, 20 rebuffs at rate .05 take the self model from .7 to .7 * .95^20
    alike = self_model_after(DEACTIVATING, unanswered_batch(1, "rebuffed"), 0.0)
    assert alike == pytest.approx(0.7 * 0.95**20)
    # fully deactivating: the rebuffs weigh nothing on the self (the other model still learns)
    assert self_model_after(DEACTIVATING, unanswered_batch(1, "rebuffed"), 1.0) == pytest.approx(
        0.7
    )


def test_hyperactivation_reads_missed_bids_as_the_self_s_fault():
    alike = self_model_after(HYPERACTIVATING, unanswered_batch(1, "missed"), 0.0)
    blamed = self_model_after(HYPERACTIVATING, unanswered_batch(1, "missed"), 1.0)
    # both move towards SELF_VALUE_MISSED (0.3); weighed up, the missed bids move it further
    assert 0.3 < blamed < alike < 0.7


def test_without_self_blame_the_update_is_the_plain_rule():
    wm_a = working_models((HYPERACTIVATING, 3))
    wm_b = working_models((HYPERACTIVATING, 3))
    update_working_model(wm_a, unanswered_batch(3, "missed"), 0.02)
    update_working_model(wm_b, unanswered_batch(3, "missed"), 0.02, strategy_weight=0.0)
    np.testing.assert_array_equal(wm_a.self_model, wm_b.self_model)


# ---------------------------------------------------------------------- susceptibility


def test_susceptibility_scales_each_person_s_learning_rate_by_reactivity():
    model = AttachmentModel(rng=2, n_dyads=50, horizon_years=1, susceptibility=1.5)
    population = model.population
    expected = population.working_model.copy()
    experience = unanswered_batch(population.n, "missed", bids=5)
    population.learn(experience, 0.01)
    reactivity = population.temperament.reactivity
    update_working_model(expected, experience, 0.01 * reactivity**1.5)
    np.testing.assert_allclose(population.working_model.self_model, expected.self_model)
    assert np.ptp(reactivity) > 0.5  # the rates really differ


# ---------------------------------------------------------------------- others_turnover


def others_by_birthday(turnover: float, seed: int = 4) -> pd.DataFrame:
    model = AttachmentModel(rng=seed, n_dyads=2000, horizon_years=4, others_turnover=turnover)
    seen = {}
    while model.running:
        model.step()
        age = model.age_years
        if age == round(age) and age >= 1:
            seen[round(age)] = model.population.others.copy()
    return pd.DataFrame(seen)


def test_a_circle_of_others_lasts_unless_it_turns_over():
    kept = others_by_birthday(0.0)
    for age in (2, 3):
        np.testing.assert_array_equal(kept[age], kept[1])
    # a quarter of the people get new others each year (2,000 people: sd of the share .01)
    changing = others_by_birthday(0.25)
    new = (changing[2] != changing[1]).mean()
    assert abs(new - 0.25) < 0.04
    # at the default (1) everyone's others are drawn anew each year
    drawn = others_by_birthday(1.0)
    assert (drawn[2] != drawn[1]).all()


# ---------------------------------------------------------------------- relationship_sd


def test_a_relationship_s_fit_scales_how_often_bids_are_noticed():
    wm = working_models(({"self_model": 0.8, "other_model": 0.8, "uncertainty": 0.2}, 400))
    d = dispositions(wm)
    closeness = np.full(400, 0.5)
    rng = np.random.default_rng(1)
    u = rng.random((13, 52, 400))
    comfort = {
        fit: couple_week(d, closeness, 0.5, weeks=52, u=u, fit=np.full(400, fit)).comforted.sum()
        for fit in (0.0, 0.5, 1.0, 2.0)
    }
    assert comfort[0.0] == 0  # nothing noticed
    assert comfort[0.5] < comfort[1.0] < comfort[2.0]
    # a fit of 1 is the plain week
    plain = couple_week(d, closeness, 0.5, weeks=52, u=u).comforted.sum()
    assert comfort[1.0] == plain


def test_partners_share_a_fit_drawn_when_they_meet():
    model = AttachmentModel(rng=5, n_dyads=200, horizon_years=22, relationship_sd=1.5)
    while model.age_years < 21:  # (at the end of a run every couple is closed)
        model.step()
    couples = model.couples
    partnered = np.flatnonzero(couples.partner >= 0)
    assert len(partnered) > 50
    fit = couples.fit
    np.testing.assert_array_equal(fit[partnered], fit[couples.partner[partnered]])
    assert fit[partnered].std() > 0.3  # 2 logistic(1.5 z): sd about .5
    default = run_model(seed=5, n_dyads=50, horizon_years=20)
    assert default.couples.partners_count.sum() > 0 and (default.couples.fit == 1.0).all()


# ---------------------------------------------------------------------- breakup_hurt


def test_a_breakup_is_a_loss_learned_at_once():
    # the same lives with and without the loss: people who went through breakups end with a
    # lower model of others when a breakup teaches abandonment (measured on seeds 6-8: .50-.51
    # against .56-.57, with 170-212 of the 300 people through a breakup)
    ends = {}
    for hurt in (0.0, 300.0):
        model = run_model(seed=6, n_dyads=300, horizon_years=26, breakup_hurt=hurt)
        broke = model.couples.breakups > 0
        assert broke.sum() > 30
        ends[hurt] = model.population.working_model.other_model[broke].mean()
    assert ends[300.0] < ends[0.0] - 0.03, ends
