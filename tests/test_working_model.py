import numpy as np
import pytest

from simulation.model.working_model import (
    Experience,
    WorkingModel,
    anxiety,
    avoidance,
    bid_intensity,
    strategy,
    unregulated_load,
    update_working_model,
)


def experience(n=1, **counts):
    base = dict(bids=0, soothed=0, comforted=0, missed=0, rebuffed=0, frightened=0, overwhelmed=0)
    base.update(counts)
    return Experience(**{k: np.full(n, v) for k, v in base.items()})


def test_comfort_raises_model_of_others_and_self():
    wm = WorkingModel.newborn(1)
    update_working_model(wm, experience(bids=5, comforted=5, soothed=5), 0.05)
    assert wm.other_model[0] > 0.5 and wm.self_model[0] > 0.5
    assert wm.suppression[0] == 0


def test_rebuff_lowers_models_and_teaches_suppression():
    wm = WorkingModel.newborn(1)
    update_working_model(wm, experience(bids=5, rebuffed=5), 0.05)
    assert wm.other_model[0] < 0.5 and wm.self_model[0] < 0.5
    assert wm.suppression[0] > 0


def test_rebuff_hurts_the_self_model_more_than_a_missed_bid():
    rebuffed, missed = WorkingModel.newborn(1), WorkingModel.newborn(1)
    update_working_model(rebuffed, experience(bids=5, rebuffed=5), 0.05)
    update_working_model(missed, experience(bids=5, missed=5), 0.05)
    assert rebuffed.self_model[0] < missed.self_model[0]
    assert missed.suppression[0] == 0  # being ignored is not being punished


def test_unpredictable_care_raises_uncertainty_more_than_steady_care():
    """Same mean availability (half the bids comforted), different day-to-day predictability."""
    steady, swinging = WorkingModel.newborn(1), WorkingModel.newborn(1)
    for day in range(200):
        update_working_model(steady, experience(bids=6, comforted=3, soothed=3, missed=3), 0.02)
        good = day % 2 == 0
        update_working_model(
            swinging,
            experience(bids=6, comforted=6 * good, soothed=6 * good, missed=6 * (not good)),
            0.02,
        )
    assert abs(steady.other_model[0] - swinging.other_model[0]) < 0.1
    assert swinging.uncertainty[0] > 0.6 > 0.2 > steady.uncertainty[0]


def test_fright_is_learned_fast_and_extinguished_slowly():
    wm = WorkingModel.newborn(1)
    update_working_model(wm, experience(bids=1, frightened=1), 0.006)
    after_one_fright = wm.alarm[0]
    assert after_one_fright > 0.1
    for _ in range(10):  # ten soothing episodes undo only a little of it
        update_working_model(wm, experience(bids=1, comforted=1, soothed=1), 0.006)
    assert 0.7 * after_one_fright < wm.alarm[0] < after_one_fright


def test_overwhelm_also_teaches_alarm():
    wm = WorkingModel.newborn(1)
    update_working_model(wm, experience(bids=6, missed=6, overwhelmed=1), 0.006)
    assert wm.alarm[0] > 0.1


def test_no_bids_no_learning():
    wm = WorkingModel.newborn(3)
    before = wm.copy()
    update_working_model(wm, experience(n=3), 0.5)
    for field in ("self_model", "other_model", "uncertainty", "suppression", "alarm"):
        np.testing.assert_array_equal(getattr(wm, field), getattr(before, field))


def test_learning_is_vectorised_per_person():
    wm = WorkingModel.newborn(2)
    exp = Experience(
        bids=np.array([4, 4]),
        soothed=np.array([4, 0]),
        comforted=np.array([4, 0]),
        missed=np.array([0, 0]),
        rebuffed=np.array([0, 4]),
        frightened=np.array([0, 0]),
        overwhelmed=np.array([0, 0]),
    )
    update_working_model(wm, exp, 0.1)
    assert wm.other_model[0] > 0.5 > wm.other_model[1]


def _model(**values):
    wm = WorkingModel.newborn(1)
    for k, v in values.items():
        getattr(wm, k)[:] = v
    return wm


def test_strategies_follow_the_activation_model():
    secure = strategy(_model(other_model=0.85, uncertainty=0.2, suppression=0.02))
    anxious = strategy(_model(other_model=0.45, uncertainty=0.8, suppression=0.05))
    avoidant = strategy(_model(other_model=0.3, uncertainty=0.3, suppression=0.6))
    frightened = strategy(_model(other_model=0.5, uncertainty=0.5, alarm=0.8))
    assert anxious.hyperactivation[0] > 0.6 > secure.hyperactivation[0]
    assert avoidant.deactivation[0] > 0.6 > anxious.deactivation[0]
    assert avoidant.deactivation[0] > secure.deactivation[0]
    assert frightened.conflict[0] == 0.8 and secure.conflict[0] == 0
    assert bid_intensity(anxious)[0] > 1 > bid_intensity(avoidant)[0]


def test_anxiety_and_avoidance_scores():
    secure = _model(self_model=0.9, other_model=0.9, uncertainty=0.1, suppression=0.0)
    anxious = _model(self_model=0.4, other_model=0.5, uncertainty=0.9, suppression=0.05)
    avoidant = _model(self_model=0.5, other_model=0.2, uncertainty=0.2, suppression=0.7)
    assert anxiety(anxious)[0] > 0.5 > anxiety(secure)[0]
    assert avoidance(avoidant)[0] > 0.5 > avoidance(secure)[0]
    assert anxiety(avoidant)[0] < anxiety(anxious)[0]
    # the scales reach their ends exactly: 0 for the most secure model, 1 for the most frightened
    best = _model(self_model=1.0, other_model=1.0, uncertainty=0.0, suppression=0.0, alarm=0.0)
    worst = _model(self_model=0.0, other_model=0.0, uncertainty=1.0, suppression=1.0, alarm=1.0)
    assert anxiety(best)[0] == pytest.approx(0) and avoidance(best)[0] == pytest.approx(0)
    assert anxiety(worst)[0] == pytest.approx(1) and avoidance(worst)[0] == pytest.approx(1)


def test_distress_accumulates_faster_without_a_present_figure():
    load_absent = load_present = np.zeros(1)
    for _ in range(5):
        load_absent = unregulated_load(
            load_absent, np.array([6]), np.array([0]), np.ones(1), np.array([False])
        )
        load_present = unregulated_load(
            load_present, np.array([6]), np.array([0]), np.ones(1), np.array([True])
        )
    assert load_absent[0] > 15 > load_present[0]
    soothed = unregulated_load(
        load_absent, np.array([0]), np.array([3]), np.ones(1), np.array([True])
    )
    assert soothed[0] < load_absent[0] / 4
