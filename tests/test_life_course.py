"""The life course: plasticity, life events, adult measures, continuity of working models, the
partner mechanisms over years (plain functions in a loop), parameters and whole-life runs."""

import numpy as np
import pandas as pd
import pytest

from simulation.model import AttachmentModel
from simulation.model.life_course import (
    CATEGORIES,
    WEEKS_PER_STEP,
    adult_category,
    ecr_scale,
    monthly_events,
    plasticity,
)
from simulation.model.parameters import DEFAULTS, ParameterError
from simulation.model.partners import CLOSENESS_RATE, couple_week, dispositions
from simulation.model.working_model import (
    Experience,
    WorkingModel,
    anxiety,
    avoidance,
    update_working_model,
)
from tests.conftest import run_model

# ---------------------------------------------------------------------- plasticity


def test_plasticity_is_full_through_the_first_year():
    for age in (0.0, 0.25, 0.5, 1.0):
        assert plasticity(age, 0.05, 4.0) == 1.0
    assert plasticity(1.001, 0.05, 4.0) == pytest.approx(1.0, abs=1e-3)  # no jump after it


def test_plasticity_falls_with_age_towards_a_floor_it_never_reaches():
    floor, halflife = 0.05, 4.0
    ages = np.linspace(1.5, 80, 200)
    values = np.array([plasticity(a, floor, halflife) for a in ages])
    assert (np.diff(values) < 0).all()
    assert (values > floor).all()  # still changing at 80
    # the part above the floor halves every halflife
    assert plasticity(1 + halflife, floor, halflife) - floor == pytest.approx(0.5 * (1 - floor))
    assert plasticity(1 + 2 * halflife, floor, halflife) - floor == pytest.approx(
        0.25 * (1 - floor)
    )
    assert plasticity(10_000, floor, halflife) == pytest.approx(floor)  # only in the limit
    # the smallest floor the parameters allow is still above zero
    assert plasticity(80, 0.01, 0.25) > 0
    assert plasticity(30, 1.0, 4.0) == 1.0  # a floor of 1: plasticity never falls


# ---------------------------------------------------------------------- adult measures


def test_ecr_scale_maps_zero_to_one_and_one_to_seven():
    np.testing.assert_allclose(ecr_scale(np.array([0.0, 0.5, 1.0])), [1.0, 4.0, 7.0])
    assert ecr_scale(0.0) == 1.0


def test_adult_category_quadrants_with_the_cut_offs():
    anxiety_ecr = np.array([3.59, 3.6, 3.59, 3.6, 1.0, 7.0])
    avoidance_ecr = np.array([3.39, 3.39, 3.4, 3.4, 7.0, 1.0])
    got = adult_category(anxiety_ecr, avoidance_ecr, 3.6, 3.4)
    # at a cut-off counts as anxious (or avoidant)
    assert list(got) == [
        "secure",
        "preoccupied",
        "dismissing",
        "fearful",
        "dismissing",
        "preoccupied",
    ]
    assert set(got) <= set(CATEGORIES)
    # other cut-offs move the borders
    assert list(adult_category(np.array([4.0]), np.array([4.0]), 4.5, 3.0)) == ["dismissing"]


# ---------------------------------------------------------------------- life events


def test_monthly_events_turn_yearly_rates_into_monthly_probabilities():
    n = 200_000
    rates = {"loss": 0.6, "separation": 1.2, "illness": 0.0, "stable_caregiver": 2.0}
    events = monthly_events(rates, np.random.default_rng(1).random((4, n)))
    # a share over 200,000 draws has SE <= 0.5 / sqrt(n) = 0.0011: a tolerance of 0.004 is safe
    for name in ("loss", "separation", "stable_caregiver"):
        drawn = getattr(events, name)
        assert drawn.shape == (n,) and drawn.dtype == bool
        assert drawn.mean() == pytest.approx(1 - np.exp(-rates[name] / 12), abs=0.004)
    assert not events.illness.any()
    # events are drawn independently of each other
    both = (events.loss & events.stable_caregiver).mean()
    assert both == pytest.approx(events.loss.mean() * events.stable_caregiver.mean(), abs=0.002)


# ---------------------------------------------------------------------- prototype continuity


def _working_model(n=1, **values):
    wm = WorkingModel.newborn(n)
    for key, value in values.items():
        getattr(wm, key)[:] = value
    return wm


SECURE_WM = dict(self_model=0.9, other_model=0.85, uncertainty=0.2, suppression=0.02)
PREOCCUPIED_WM = dict(self_model=0.35, other_model=0.45, uncertainty=0.8, suppression=0.05)
DISMISSING_WM = dict(self_model=0.6, other_model=0.3, uncertainty=0.3, suppression=0.6)


def _distance(wm, prototype):
    return float(
        sum(
            np.abs(getattr(wm, k) - getattr(prototype, k)).sum()
            for k in ("self_model", "other_model", "uncertainty", "suppression", "alarm")
        )
    )


def test_the_prototype_pulls_a_working_model_back_and_the_distance_levels_off():
    """Constant contrary experience (every bid rebuffed) for a secure 12-month model."""
    prototype = _working_model(**SECURE_WM)
    rebuffs = Experience(
        bids=np.array([4]),
        soothed=np.array([0]),
        comforted=np.array([0]),
        missed=np.array([0]),
        rebuffed=np.array([4]),
        frightened=np.array([0]),
        overwhelmed=np.array([0]),
    )
    distance = {}
    for pull in (0.0, 1.0):
        wm = prototype.copy()
        path = []
        for _ in range(3000):
            update_working_model(wm, rebuffs, 0.01, prototype, pull)
            path.append(_distance(wm, prototype))
        distance[pull] = np.array(path)
    revisionist, kept = distance[0.0], distance[1.0]
    assert (kept[99:] < revisionist[99:]).all()
    assert kept[-1] < 0.75 * revisionist[-1]
    # with the pull the distance settles at a level above zero: new experience still counts
    assert kept[-1] > 0.3
    assert abs(kept[-1] - kept[-1000]) < 1e-3
    assert abs(kept[-1000] - kept[-2000]) < 1e-3
    # without it, the model ends where experience puts it (everything the prototype had is gone)
    assert revisionist[-1] == pytest.approx(_distance(_revised(), prototype), abs=0.01)


def _revised():
    """Where constant rebuffs put a model in the end: nobody available, bids punished, and
    predictably so (no surprise left, so no uncertainty)."""
    return _working_model(self_model=0.0, other_model=0.0, uncertainty=0.0, suppression=1.0)


# ---------------------------------------------------------------------- partners over years


def _together(focal, partner, m, years, seed, learn=True):
    """m couples of a focal person and a partner (working-model values), from 18 for ``years``
    years in 13-week steps as ``Adulthood.quarter`` runs them: the weeks of every
    couple, felt closeness week by week, and one learning update per step from an Experience
    built the same way (bids include escalations and being pushed away, withdrawal and being
    pushed away count as rebuffs, believed comfort as soothing). Bids to other people are left
    out so that only the partner differs. Returns the working models and the pursuer-withdrawer
    episodes of the focal people per week."""
    rng = np.random.default_rng(seed)
    wm = WorkingModel(
        **{
            k: np.concatenate([np.full(m, focal.get(k, 0.0)), np.full(m, partner.get(k, 0.0))])
            for k in ("self_model", "other_model", "uncertainty", "suppression", "alarm")
        }
    )
    closeness = np.full(2 * m, 0.5)
    swap = np.r_[m : 2 * m, 0:m]
    zeros = np.zeros(2 * m, dtype=int)
    episodes = 0
    steps = years * 52 // WEEKS_PER_STEP
    for step in range(steps):
        age = 18 + step * WEEKS_PER_STEP / 52
        week = couple_week(
            dispositions(wm), closeness, DEFAULTS["need_rate"], rng, weeks=WEEKS_PER_STEP
        )
        episodes += week.demand_withdraw[:, :m].sum()
        for w in range(WEEKS_PER_STEP):
            closeness = closeness + CLOSENESS_RATE * (week.closeness[w] - closeness)
        pushed_me = week.pushed_away[:, swap]
        experience = Experience(
            bids=(week.bid + week.escalated + pushed_me).sum(axis=0),
            soothed=week.believed.sum(axis=0),
            comforted=week.comforted.sum(axis=0),
            missed=week.missed.sum(axis=0),
            rebuffed=(week.withdrew + pushed_me).sum(axis=0),
            frightened=zeros,
            overwhelmed=zeros,
            abandoned=week.read_as_rejection.sum(axis=0),
        )
        if learn:
            rate = DEFAULTS["learning_rate"] * plasticity(
                age, DEFAULTS["plasticity_floor"], DEFAULTS["plasticity_halflife_years"]
            )
            update_working_model(wm, experience, rate)
    return wm.select(slice(0, m)), episodes / (m * steps * WEEKS_PER_STEP)


def test_a_preoccupied_person_pursues_more_with_a_dismissing_partner():
    # 500 couples for 2 years: about 52,000 focal weeks per arm; the expected weekly rates are
    # about 0.2 (dismissing partner) and 0.01 (secure partner), SE <= 0.002
    _, with_dismissing = _together(PREOCCUPIED_WM, DISMISSING_WM, m=500, years=2, seed=1)
    _, with_secure = _together(PREOCCUPIED_WM, SECURE_WM, m=500, years=2, seed=2)
    assert with_dismissing > 0.1
    assert with_dismissing > 5 * with_secure


def test_an_insecure_person_becomes_more_secure_with_a_secure_partner():
    """Five years of weekly life together from 18, with adult plasticity."""

    def insecurity(wm):
        return anxiety(wm) + avoidance(wm)

    before = float(insecurity(_working_model(**PREOCCUPIED_WM))[0])
    with_secure, _ = _together(PREOCCUPIED_WM, SECURE_WM, m=1000, years=5, seed=3)
    with_insecure, _ = _together(PREOCCUPIED_WM, DISMISSING_WM, m=1000, years=5, seed=4)
    secure_mean = insecurity(with_secure).mean()
    insecure_mean = insecurity(with_insecure).mean()
    # the person changes by a few hundredths per person-year at this age; means over 1000
    # people differ by about 0.075 (each mean's sampling spread is under 0.002)
    assert secure_mean < before - 0.02
    assert secure_mean < insecure_mean - 0.04
    # ... and the change is learned from the partner, not a drift of the update itself
    unchanged, _ = _together(PREOCCUPIED_WM, SECURE_WM, m=10, years=1, seed=5, learn=False)
    assert insecurity(unchanged) == pytest.approx(before)


@pytest.mark.validation
def test_prototype_continuity_keeps_infant_security_more_stable_than_revision():
    """Fraley (2002, Personality and Social Psychology Review 6:123-151): a prototype account
    predicts that the stability of attachment security levels off above zero with the time
    between assessments, where a revisionist account predicts it decays towards zero. With the
    same lives, the 12-month classification should predict security at 30 better when the
    12-month model keeps pulling later models back."""
    correlations = {}
    for continuity in ("prototype", "revisionist"):
        values = []
        for seed in range(6):
            m = run_model(
                seed=seed,
                horizon_years=30,
                caregivers="balanced",
                n_dyads=200,
                continuity=continuity,
            )
            infant = m.infant_table()
            life = pd.DataFrame(m.life_table())
            at_30 = life[life["age"] == 30].set_index("person")["secure"]
            values.append(np.corrcoef(infant["secure"], at_30.loc[infant["infant"]])[0, 1])
        correlations[continuity] = np.array(values)
    # observed: about 0.48 against 0.37; the seed-to-seed spread of a 6-run mean is about 0.015
    assert correlations["prototype"].mean() > correlations["revisionist"].mean() + 0.03
    assert (correlations["prototype"] > 0).all() and (correlations["revisionist"] > 0).all()


# ---------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("horizon_years", 0, "is out of range"),
        ("horizon_years", 81, "is out of range"),
        ("horizon_years", 2.5, "is not a number"),
        ("continuity", "bowlby", "is unknown"),
        ("prototype_weight", -0.1, "is out of range"),
        ("prototype_weight", 10.5, "is out of range"),
        ("plasticity_floor", 0.0, "is out of range"),
        ("plasticity_floor", 1.5, "is out of range"),
        ("plasticity_halflife_years", 0.0, "is out of range"),
        ("plasticity_halflife_years", 51, "is out of range"),
        ("loss_rate", -0.01, "is out of range"),
        ("loss_rate", 1.5, "is out of range"),
        ("separation_rate", 2.5, "is out of range"),
        ("illness_rate", -1, "is out of range"),
        ("stable_caregiver_rate", 1.01, "is out of range"),
        ("others_sensitivity", 1.1, "is out of range"),
        ("others_sensitivity", float("nan"), "is out of range"),
        ("matching", "arranged", "is unknown"),
        ("matching", None, "allowed one of random"),
        ("meeting_rate", -1, "is out of range"),
        ("meeting_rate", 53, "is out of range"),
        ("need_rate", 1.1, "is out of range"),
        ("need_rate", "often", "is not a number"),
        ("breakup_rate", 5.5, "is out of range"),
        ("anxiety_cutoff", 0.5, "is out of range"),
        ("anxiety_cutoff", 7.5, "is out of range"),
        ("avoidance_cutoff", 0.99, "is out of range"),
        ("avoidance_cutoff", 8, "is out of range"),
    ],
)
def test_life_course_parameters_out_of_range_or_unknown_are_refused(name, value, problem):
    with pytest.raises(ParameterError) as info:
        AttachmentModel(rng=0, n_dyads=5, **{name: value})
    message = str(info.value)
    assert f"parameter '{name}' = {value!r}" in message
    assert problem in message
    assert "\n" not in message


def test_life_course_parameters_at_their_limits_are_accepted():
    for name, value in [
        ("horizon_years", 1),
        ("horizon_years", 80),
        ("plasticity_floor", 0.01),
        ("prototype_weight", 0.0),
        ("meeting_rate", 52),
        ("breakup_rate", 0.0),
        ("continuity", "revisionist"),
        ("matching", "random"),
    ]:
        assert AttachmentModel(rng=0, n_dyads=5, **{name: value}).params[name] == value


# ---------------------------------------------------------------------- whole lives


@pytest.fixture(scope="module")
def twenty_years():
    """A run to 20, checked step by step: ages and partners after every step."""
    model = AttachmentModel(rng=3, horizon_years=20, n_dyads=80)
    ages, problems, couples_seen = [model.age_years], [], 0
    while model.running:
        model.step()
        ages.append(model.age_years)
        partner = model.couples.partner
        partnered = np.flatnonzero(partner >= 0)
        couples_seen = max(couples_seen, len(model.couples))
        if len(partnered) and model.age_years < 18:
            problems.append(f"partnered at {model.age_years:.2f}")
        if not (partner[partner[partnered]] == partnered).all():
            problems.append(f"partners not mutual at {model.age_years:.2f}")
        members = np.concatenate([model.couples.now.a, model.couples.now.b])
        if len(np.unique(members)) != len(members):
            problems.append(f"someone in two couples at {model.age_years:.2f}")
        if sorted(members) != sorted(partnered):
            problems.append(f"couples and partner array disagree at {model.age_years:.2f}")
    return model, np.array(ages), problems, couples_seen


def test_a_life_to_twenty_records_every_person_at_every_birthday(twenty_years):
    model, _, _, _ = twenty_years
    life = pd.DataFrame(model.life_table())
    assert len(life) == 20 * 80
    rows = life.groupby("age")["person"].apply(sorted)
    assert list(rows.index) == list(range(1, 21))
    assert all(people == list(range(80)) for people in rows)
    assert set(life["category"]) <= set(CATEGORIES)
    assert (life["secure"] == (life["category"] == "secure")).all()


def test_the_clock_goes_from_days_to_months_to_weeks(twenty_years):
    model, ages, _, _ = twenty_years
    assert (np.diff(ages) >= 0).all()
    infancy = model.days
    assert ages[infancy] == 1.0  # the Strange Situation day ends the first year
    months = ages[infancy : infancy + 17 * 12 + 1]
    np.testing.assert_allclose(np.diff(months), 1 / 12)
    assert months[-1] == pytest.approx(18.0)
    adult = ages[infancy + 17 * 12 :]
    np.testing.assert_allclose(np.diff(adult), WEEKS_PER_STEP / 52)
    assert ages[-1] == pytest.approx(20.0) and len(adult) == 2 * 52 // WEEKS_PER_STEP + 1
    series = model.datacollector.get_model_vars_dataframe()
    assert list(series["stage"].iloc[[0, infancy + 1, infancy + 12 * 12, -2]]) == [
        "infancy",
        "childhood",
        "adolescence",
        "adulthood",
    ]


def test_partners_are_mutual_single_and_adult(twenty_years):
    model, _, problems, couples_seen = twenty_years
    assert problems == []
    assert couples_seen > 10  # the checks were not vacuous
    couples = pd.DataFrame(model.couples_table())
    assert len(couples) >= couples_seen
    assert (couples["formed_age"] >= 18).all()
    assert couples["couple"].is_unique
    # the run ends with every couple closed and nobody partnered
    assert (model.couples.partner == -1).all() and len(model.couples) == 0
    # bookkeeping: a couple still together at the end lasted to 20, none lasted beyond
    end = couples["formed_age"] + couples["weeks"] / 52
    assert np.allclose(end[~couples["broke_up"]], 20.0)
    assert (end <= 20 + 1e-9).all()
    assert model.couples.partners_count.sum() == 2 * len(couples)
    assert model.couples.breakups.sum() == 2 * couples["broke_up"].sum()
    assert model.couples.weeks_partnered.sum() == 2 * couples["weeks"].sum()


def test_a_one_year_run_ends_with_the_strange_situation_and_no_couples():
    model = run_model(seed=2, n_dyads=40, horizon_years=1)
    assert not model.running and model.ssp is not None
    assert model.time == model.days and model.age_years == 1.0
    assert model.couples_table() == {} and (model.couples.partner == -1).all()
    life = model.life_table()
    assert set(life["age"]) == {1} and len(life["age"]) == 40
    assert "final_age" not in model.infant_table()


def test_same_seed_same_life_other_seed_other_life():
    def tables(seed):
        m = run_model(seed=seed, n_dyads=60, horizon_years=20)
        return pd.DataFrame(m.life_table()), pd.DataFrame(m.couples_table())

    life_a, couples_a = tables(7)
    life_b, couples_b = tables(7)
    life_c, couples_c = tables(8)
    pd.testing.assert_frame_equal(life_a, life_b)
    pd.testing.assert_frame_equal(couples_a, couples_b)
    assert len(couples_a) > 0
    assert not life_a["other_model"].equals(life_c["other_model"])
    assert not couples_a.equals(couples_c)
