import numpy as np
import pytest

from simulation.model.caregiving import (
    DIMENSIONS,
    PRESETS,
    daily_availability,
    draw_caregivers,
    nearest_style,
    neglect_transition,
    respond_to_bids,
    spectrum_preset,
)


def traits_of(n=1, **values):
    base = dict(PRESETS["consistent"])
    base.update(values)
    return draw_caregivers("consistent", n, np.random.default_rng(0)).__class__(
        **{k: np.full(n, float(base[k])) for k in DIMENSIONS}
    )


def test_availability_keeps_its_mean_but_swings_when_inconsistent():
    rng = np.random.default_rng(1)
    days = 20_000
    steady = daily_availability(
        traits_of(days, sensitivity=0.5, consistency=1.0), np.zeros(days, bool), rng.random(days)
    )
    swinging = daily_availability(
        traits_of(days, sensitivity=0.5, consistency=0.0), np.zeros(days, bool), rng.random(days)
    )
    assert steady.mean() == pytest.approx(0.5)
    assert swinging.mean() == pytest.approx(0.5, abs=0.02)  # same long-run sensitivity
    assert steady.std() == 0 and swinging.std() > 0.45  # all-or-nothing days


def test_unavailable_days_get_nothing():
    rng = np.random.default_rng(1)
    out = daily_availability(traits_of(3), np.array([True, False, True]), rng.random(3))
    assert out[0] == 0 and out[2] == 0 and out[1] > 0


def test_neglect_spells_take_the_set_share_of_days():
    rng = np.random.default_rng(2)
    n, days = 400, 1000
    neglect = np.full(n, 0.3)
    state = np.zeros(n, bool)
    total = 0
    for _ in range(days):
        state = neglect_transition(state, neglect, 10.0, rng.random(n))
        total += state.sum()
    assert total / (n * days) == pytest.approx(0.3, abs=0.02)


def test_responses_add_up_and_follow_the_caregiver():
    rng = np.random.default_rng(3)
    n = 2000
    bids = np.full(n, 6)
    out = respond_to_bids(bids, np.ones(n), np.full(n, 0.5), np.full(n, 0.5), np.zeros(n), rng)
    np.testing.assert_array_equal(out.comforted + out.missed + out.rebuffed + out.frightened, bids)
    assert out.comforted.sum() / bids.sum() == pytest.approx(0.5, abs=0.02)
    assert out.rebuffed.sum() == pytest.approx(out.missed.sum(), rel=0.1)
    scared = respond_to_bids(bids, np.ones(n), np.ones(n), np.zeros(n), np.ones(n), rng)
    assert (scared.frightened == bids).all()
    always = respond_to_bids(bids, np.ones(n), np.ones(n), np.zeros(n), np.zeros(n), rng)
    assert (always.comforted == bids).all()


def test_louder_bids_are_answered_more_often():
    rng = np.random.default_rng(4)
    n = 5000
    bids = np.full(n, 6)
    args = (np.full(n, 0.4), np.zeros(n), np.zeros(n), rng)
    loud = respond_to_bids(bids, np.full(n, 2.0), *args).comforted.mean()
    ordinary = respond_to_bids(bids, np.ones(n), *args).comforted.mean()
    muted = respond_to_bids(bids, np.full(n, 0.3), *args).comforted.mean()
    assert loud > ordinary > muted


def test_presets_and_spectrum():
    rng = np.random.default_rng(5)
    for name, values in PRESETS.items():
        t = draw_caregivers(name, 10, rng)
        for k in DIMENSIONS:
            assert (getattr(t, k) == values[k]).all()
        assert (nearest_style(t) == name).all()
    assert spectrum_preset(0.0) == PRESETS["consistent"]
    assert spectrum_preset(0.5) == pytest.approx(PRESETS["inconsistent"])
    assert spectrum_preset(1.0) == pytest.approx(PRESETS["rejecting"])
    middle = spectrum_preset(0.75)
    assert (
        PRESETS["rejecting"]["rejection"]
        > middle["rejection"]
        > PRESETS["inconsistent"]["rejection"]
    )


def test_mixes_vary_continuously_and_partly_together():
    rng = np.random.default_rng(6)
    normative = draw_caregivers("normative", 5000, rng)
    high_risk = draw_caregivers("high_risk", 5000, rng)
    for t in (normative, high_risk):
        for k in DIMENSIONS:
            values = getattr(t, k)
            assert ((values >= 0) & (values <= 1)).all()
    assert len(np.unique(normative.sensitivity)) == 5000
    r = np.corrcoef(normative.sensitivity, normative.rejection)[0, 1]
    assert -0.6 < r < -0.2  # related, but only partly
    assert high_risk.sensitivity.mean() < normative.sensitivity.mean()
    assert high_risk.rejection.mean() > normative.rejection.mean()
    assert (high_risk.fear > 0).mean() > (normative.fear > 0).mean()
    assert (high_risk.neglect > 0).mean() > (normative.neglect > 0).mean()
    assert high_risk.disruption.mean() > normative.disruption.mean()


def test_unknown_mix():
    with pytest.raises(ValueError, match="unknown caregiver mix 'kind'"):
        draw_caregivers("kind", 3, np.random.default_rng(0))


def test_a_spell_cannot_outlast_the_neglectful_caregiver():
    rng = np.random.default_rng(7)
    assert not neglect_transition(np.array([True]), np.array([0.0]), 10.0, rng.random(1))[0]


def test_style_labels_do_not_call_fearless_caregivers_frightening():
    t = draw_caregivers("normative", 3000, np.random.default_rng(8))
    labels = nearest_style(t)
    assert not (labels[t.fear == 0] == "frightening").any()
    assert (labels[t.fear >= PRESETS["frightening"]["fear"]] == "frightening").mean() > 0.9
