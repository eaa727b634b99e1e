"""Ways towards security (simulation.model.interventions): the plain functions with hand-made people
first, then whole-model trials.

Statistical bands. Plain-function tests draw thousands of weeks from a seeded generator; a share
over n independent draws has a standard error of at most 0.5 / sqrt(n), and each comment gives
the n and the margin in standard errors. Model-level trials compare the change (follow-up minus
baseline) of treated and control people with a Welch z statistic: a threshold of 4 standard
errors is passed by chance with probability 3e-5 when there is no effect, and the effects
measured over seeds 0-4 when the tests were written (given in each comment) lie at least 5 and
usually 7 or more standard errors from zero, so a change of seed or a small change of the model
does not make them fail.
"""

import numpy as np
import pytest

from simulation.model import AttachmentModel
from simulation.model.interventions import (
    COUPLE_INTERVENTIONS,
    INFANCY_INTERVENTIONS,
    INTERVENTIONS,
    SINGLES_INTERVENTIONS,
    Skills,
    assign_by_couple,
    behaviour,
    eligible,
    sensitive_care,
)
from simulation.model.life_course import ADULTHOOD, CATEGORIES, ecr_scale
from simulation.model.partners import (
    CoupleWeek,
    Dispositions,
    couple_week,
    dispositions,
    withdrawal_chance,
)
from simulation.model.working_model import FIELDS, WorkingModel
from tests.conftest import run_model, working_models

# Hand-made working models (one person each); their dispositions follow from the model's own
# rules, so intensity and the strategies are consistent with each other.
SECURE = dict(self_model=0.9, other_model=0.85, uncertainty=0.2)
ANXIOUS = dict(self_model=0.35, other_model=0.45, uncertainty=0.8)  # hyperactivating
AVOIDANT = dict(self_model=0.7, other_model=0.25, uncertainty=0.1, suppression=0.5)  # deactivating
FEARFUL = dict(self_model=0.3, other_model=0.3, uncertainty=0.5, suppression=0.3, alarm=0.6)


def people(*groups):
    return dispositions(working_models(*groups))


M = 4000  # couples per call
WEEKS = 4  # weeks per call: 16000 actor-weeks per side


def couples(a, b, m=M):
    """Directed dispositions of m couples: partner a (columns :m) with ``a``, b with ``b``."""
    return people((a, m), (b, m))


def weeks_of(d, seed=0, closeness=0.5, **kwargs):
    m2 = len(d.hyper)
    return couple_week(
        d, np.full(m2, closeness), 0.5, np.random.default_rng(seed), weeks=WEEKS, **kwargs
    )


def side(x, which, m=M):
    return x[:, :m] if which == "a" else x[:, m:]


def ratio(numerator, denominator):
    numerator, denominator = np.sum(numerator), np.sum(denominator)
    assert denominator > 0
    return numerator / denominator


def skills_for(n, intervention, people_index, dose=1.0):
    skills = Skills.none(n)
    skills.grant(INTERVENTIONS[intervention], np.asarray(people_index), dose)
    return skills


# ---------------------------------------------------------------------- behaviour()
def test_self_awareness_mutes_both_strategies_and_brings_bids_towards_ordinary():
    d = people((ANXIOUS, 1), (AVOIDANT, 1), (FEARFUL, 1), (SECURE, 1))
    assert d.hyper[0] > 0.5 and d.deact[1] > 0.5  # the hand-made people are what they claim
    b = behaviour(d, skills_for(4, "self_awareness", [0, 1, 2, 3]))
    strategies = d.hyper + d.deact > 0
    assert (
        b.hyper[strategies] + b.deact[strategies] < d.hyper[strategies] + d.deact[strategies]
    ).all()
    assert (b.hyper <= d.hyper).all() and (b.deact <= d.deact).all()
    # an anxious person's insistent bids (intensity > 1) and an avoidant person's muted ones
    # (< 1) both come closer to an ordinary bid without overshooting it
    assert d.intensity[0] > b.intensity[0] > 1.0
    assert d.intensity[1] < b.intensity[1] < 1.0
    # the measured anxiety and avoidance stay those of the working model
    for name in ("anxiety", "avoidance", "self_model", "conflict"):
        np.testing.assert_array_equal(getattr(b, name), getattr(d, name))

    # awareness of every automatic reaction would switch both strategies off: ordinary bids
    full = Skills.none(4)
    full.awareness[:] = 1.0
    b = behaviour(d, full)
    assert not b.hyper.any() and not b.deact.any()
    np.testing.assert_allclose(b.intensity, 1.0)


def test_reappraisal_lowers_the_anxiety_used_for_reading_and_raises_credence():
    d = people((ANXIOUS, 1), (AVOIDANT, 1), (FEARFUL, 1), (SECURE, 1))
    b = behaviour(d, skills_for(4, "cbt_therapy", [0, 1, 2, 3]))
    assert (b.anxiety < d.anxiety).all()
    assert (b.self_model > d.self_model).all() and (b.self_model <= 1.0).all()
    # reading changes, acting does not: strategies, bid intensity and avoidance are untouched
    for name in ("hyper", "deact", "conflict", "intensity", "avoidance"):
        np.testing.assert_array_equal(getattr(b, name), getattr(d, name))
    # a larger dose corrects more of the bias
    half = behaviour(d, skills_for(4, "cbt_therapy", [0, 1, 2, 3], dose=0.5))
    assert (b.anxiety < half.anxiety).all() and (half.anxiety < d.anxiety).all()


def test_no_skills_give_exactly_the_dispositions():
    rng = np.random.default_rng(3)
    n = 1000
    d = dispositions(WorkingModel(*(rng.random(n) for _ in FIELDS)))
    b = behaviour(d, Skills.none(n))
    for name in vars(d):
        assert np.array_equal(getattr(b, name), getattr(d, name)), name
    # a skill given to some people leaves everyone else exactly as they were
    b = behaviour(d, skills_for(n, "self_awareness", np.arange(0, n, 2)))
    for name in vars(d):
        np.testing.assert_array_equal(getattr(b, name)[1::2], getattr(d, name)[1::2])


def test_skills_are_kept_at_their_largest_dose_and_only_one_skill_per_programme():
    skills = Skills.none(3)
    skills.grant(INTERVENTIONS["boundaries"], np.array([0, 1]), 1.0)
    skills.grant(
        INTERVENTIONS["boundaries"], np.array([1, 2]), 0.5
    )  # a second, weaker course lowers nothing
    assert skills.limits[0] == skills.limits[1] > skills.limits[2] > 0
    assert not (skills.awareness.any() or skills.directness.any() or skills.reappraisal.any())
    # programmes that add experiences instead of a skill teach none
    for intervention in ("attachment_therapy", "secure_partner", "caregiver_sensitivity"):
        other = Skills.none(3)
        other.grant(INTERVENTIONS[intervention], np.arange(3), 1.0)
        assert not any(getattr(other, k).any() for k in vars(other)), intervention


# ---------------------------------------------------------------------- couple_week()
def test_directness_turns_that_share_of_indirect_bids_into_direct_ones():
    d = couples(ANXIOUS, AVOIDANT)
    plain = weeks_of(d, seed=1)
    skilled = weeks_of(d, seed=1, directness=0.6)
    # the same draws: the same bids, and every bid that was direct still is
    np.testing.assert_array_equal(skilled.bid, plain.bid)
    assert not (plain.direct & ~skilled.direct).any()
    for s in ("a", "b"):
        bids = side(plain.bid, s)
        indirect_before = ratio(bids & ~side(plain.direct, s), bids)
        indirect_after = ratio(bids & ~side(skilled.direct, s), bids)
        # "turns that share of indirect bids into direct ones": 40% of them stay indirect.
        # Measured 0.64 -> 0.26 (anxious side, 11000 bids) and 0.48 -> 0.19 (avoidant side,
        # 4300 bids). Given the plain draws each indirect bid stays indirect with chance 0.4,
        # so the share after has SE under 0.006: a band of 0.04 is over 6 SE.
        assert indirect_before > 0.3  # both have many indirect bids to turn
        assert indirect_after == pytest.approx(0.4 * indirect_before, abs=0.04)


def test_directness_gets_more_bids_of_anxious_and_avoidant_people_answered():
    d = couples(ANXIOUS, AVOIDANT)
    plain = weeks_of(d, seed=2)
    skilled = weeks_of(d, seed=2, directness=0.6)
    for s in ("a", "b"):
        bids = side(plain.bid, s)
        before = ratio(side(plain.comforted, s), bids)
        after = ratio(side(skilled.comforted, s), bids)
        # measured: 0.43 -> 0.48 (anxious side, 11000 bids), 0.38 -> 0.48 (avoidant side,
        # 4300 bids; SE of each ratio <= 0.008); a rise of 0.025 is half the smaller measured
        # rise and, the draws being shared, well beyond the noise of the difference
        assert after > before + 0.025, s


def test_limits_hold_back_that_share_of_withdrawal():
    p = people((AVOIDANT, 1), (FEARFUL, 1))
    for closeness in (0.2, 0.9):
        for intensity in (0.5, 1.0, 2.5):
            free = withdrawal_chance(p, np.full(2, closeness), np.full(2, intensity))
            held = withdrawal_chance(p, np.full(2, closeness), np.full(2, intensity), 0.6)
            assert (free > 0).all()
            np.testing.assert_allclose(held, 0.4 * free)
    np.testing.assert_array_equal(
        withdrawal_chance(p, np.full(2, 0.5), np.ones(2), 0.0),
        withdrawal_chance(p, np.full(2, 0.5), np.ones(2)),
    )


def test_limits_lower_withdrawal_escalation_demand_withdraw_and_pushing_away():
    # an anxious pursuer (a) with a fearful partner (b) who withdraws and pushes away
    d = couples(ANXIOUS, FEARFUL)
    plain = weeks_of(d, seed=3, closeness=0.8)
    held = weeks_of(d, seed=3, closeness=0.8, limits=0.6)
    a_bids = side(plain.bid, "a")
    np.testing.assert_array_equal(held.bid, plain.bid)  # limits do not change who bids

    def per_bid(week, name, s="a"):
        return ratio(side(getattr(week, name), s), side(week.bid, s))

    # Rates per anxious bid (11000 bids, SE of each rate <= 0.005): withdrawn from 0.64 ->
    # 0.18, escalated 0.55 -> 0.15, demand-withdraw 0.31 -> 0.05 measured. Each must fall by
    # at least 30% of its level (the limits hold back 60% of each reaction).
    for name in ("withdrew", "escalated", "demand_withdraw"):
        before, after = per_bid(plain, name), per_bid(held, name)
        assert before > 0.1, name
        assert after < 0.7 * before, name
    # pushing away needs no bid: its rate per week falls by the share held back (0.6).
    # Same draws, so each of the 2300 pushing-away weeks survives with chance 0.4 (measured
    # 0.41): SE of the ratio sqrt(.4 x .6 / 2300) = 0.010, band 0.04.
    pushed_before = side(plain.pushed_away, "b").mean()
    pushed_after = side(held.pushed_away, "b").mean()
    assert pushed_before > 0.1
    assert pushed_after / pushed_before == pytest.approx(0.4, abs=0.04)
    assert a_bids.sum() > 10000


def test_limits_act_on_the_holder_own_reactions_only():
    # limits only on side b: b's pushing away and b's withdrawal from a's bids fall; a's own
    # pushing away (drawn from the same numbers) is exactly unchanged
    d = couples(FEARFUL, FEARFUL)
    limits = np.r_[np.zeros(M), np.full(M, 0.6)]
    plain = weeks_of(d, seed=4, closeness=0.8)
    held = weeks_of(d, seed=4, closeness=0.8, limits=limits)
    np.testing.assert_array_equal(side(held.pushed_away, "a"), side(plain.pushed_away, "a"))
    assert side(held.pushed_away, "b").sum() < 0.7 * side(plain.pushed_away, "b").sum()
    withdrawn_from_a = ratio(side(plain.withdrew, "a"), side(plain.bid, "a"))
    assert withdrawn_from_a > 0.1
    # 3900 bids of a (SE <= 0.008): withdrawn from 0.40 -> 0.15 measured; b's withdrawal is
    # held back 60% of the time
    assert ratio(side(held.withdrew, "a"), side(held.bid, "a")) < 0.7 * withdrawn_from_a


@pytest.mark.parametrize("zero", [0.0, "array"])
def test_zero_skills_give_exactly_the_same_week_as_none(zero):
    rng = np.random.default_rng(5)
    m = 500
    d = Dispositions(
        **{k: rng.random(2 * m) for k in ("hyper", "deact", "conflict", "anxiety")},
        avoidance=rng.random(2 * m),
        self_model=rng.random(2 * m),
        intensity=rng.uniform(0.4, 2.5, 2 * m),
    )
    closeness = rng.random(2 * m)
    value = np.zeros(2 * m) if zero == "array" else zero
    omitted = couple_week(d, closeness, 0.5, np.random.default_rng(6), weeks=3)
    given = couple_week(
        d, closeness, 0.5, np.random.default_rng(6), directness=value, limits=value, weeks=3
    )
    for name in CoupleWeek.__dataclass_fields__:
        assert np.array_equal(getattr(given, name), getattr(omitted, name)), name


def test_reappraisal_makes_weeks_better_for_an_anxious_partner():
    """cbt_therapy's mechanism (its satisfaction effect at model level is small, d about .2,
    so it is tested there only in the validation set): with a distant partner, fewer silences
    are read as abandonment, more comfort is believed, and the week feels better."""
    d = couples(ANXIOUS, AVOIDANT)
    treated = behaviour(d, skills_for(2 * M, "cbt_therapy", np.arange(M)))  # side a only
    plain, skilled = weeks_of(d, seed=7), weeks_of(treated, seed=7)
    bids = side(plain.bid, "a")
    assert ratio(side(skilled.read_as_rejection, "a"), bids) < 0.7 * ratio(
        side(plain.read_as_rejection, "a"), bids
    )
    believed = ratio(side(skilled.believed, "a"), side(skilled.comforted, "a"))
    assert believed > ratio(side(plain.believed, "a"), side(plain.comforted, "a")) + 0.05
    # mean week value 0.40 -> 0.46 measured; over 16000 weeks (sd about 0.25, SE 0.002 for
    # each mean) a rise of 0.02 is far beyond chance and a third of the measured rise
    assert side(skilled.value, "a").mean() > side(plain.value, "a").mean() + 0.02


@pytest.mark.parametrize("pair", [(ANXIOUS, ANXIOUS), (FEARFUL, FEARFUL), (ANXIOUS, AVOIDANT)])
def test_communication_skills_make_weeks_of_insecure_couples_no_worse_and_mostly_better(pair):
    """communication_skills' mechanism (its satisfaction effect at model level is d about .1 in
    the normative mix, too small for a fast test; see the validation test)."""
    d = couples(*pair)
    skills = skills_for(2 * M, "communication_skills", np.arange(2 * M))  # couple work: both
    plain = weeks_of(d, seed=8)
    skilled = weeks_of(d, seed=8, directness=skills.directness)
    gain = skilled.value.mean() - plain.value.mean()
    # measured gains of the mean week value over 32000 actor-weeks: 0.021 (anxious pair),
    # 0.0056 (fearful pair), 0.0055 (anxious with avoidant); the draws are shared, so the SE
    # of a gain (sd of the paired differences / sqrt(32000)) is 0.0005-0.0007 and 0.002 is
    # at least 5 SE below each measured gain.
    assert gain > 0.002
    assert ratio(skilled.comforted, skilled.bid) > ratio(plain.comforted, plain.bid) + 0.01


# ---------------------------------------------------------------------- caregiver programme
def test_sensitive_care_closes_part_of_the_gap_to_full_sensitivity():
    s = np.array([0.0, 0.2, 0.5, 0.85, 1.0])
    np.testing.assert_array_equal(sensitive_care(s, 0.0), s)
    previous = s
    for dose in (0.25, 0.5, 1.0):
        after = sensitive_care(s, dose)
        assert (after >= previous).all() and (after <= 1.0).all()
        assert after[-1] == 1.0  # a fully sensitive caregiver stays so
        # "part of the gap is closed": the same share of the gap for every caregiver
        closed = (after[:-1] - s[:-1]) / (1.0 - s[:-1])
        assert closed.min() > 0 and closed == pytest.approx(np.full(4, closed[0]))
        previous = after
    assert (sensitive_care(s[:-1], 1.0) < 1.0).all()  # never the whole gap


def test_therapy_raises_plasticity_only_with_a_dose():
    therapy = INTERVENTIONS["attachment_therapy"].programme
    assert therapy.plasticity(0.0) == 1.0
    assert 1.0 < therapy.plasticity(0.5) < therapy.plasticity(1.0)


# ---------------------------------------------------------------------- who takes part
def test_eligible_follows_the_target_and_the_relationship_the_intervention_needs():
    category = np.array(["secure", "preoccupied", "dismissing", "fearful"] * 2)
    partnered = np.array([True] * 4 + [False] * 4)
    everyone = eligible("self_awareness", "everyone", category, partnered)
    assert everyone.all()
    np.testing.assert_array_equal(
        eligible("attachment_therapy", "insecure", category, partnered), category != "secure"
    )
    for target in CATEGORIES:
        np.testing.assert_array_equal(
            eligible("cbt_therapy", target, category, partnered), category == target
        )
    for intervention in COUPLE_INTERVENTIONS:
        np.testing.assert_array_equal(
            eligible(intervention, "everyone", category, partnered), partnered
        )
        np.testing.assert_array_equal(
            eligible(intervention, "fearful", category, partnered),
            partnered & (category == "fearful"),
        )
    for intervention in SINGLES_INTERVENTIONS:
        np.testing.assert_array_equal(
            eligible(intervention, "insecure", category, partnered),
            ~partnered & (category != "secure"),
        )


def random_couples(n, rng, coupled_share=0.6):
    """A partner index for n people: a random ``coupled_share`` of them in couples."""
    partner = np.full(n, -1)
    coupled = rng.permutation(n)[: int(coupled_share * n) // 2 * 2]
    a, b = coupled[0::2], coupled[1::2]
    partner[a], partner[b] = b, a
    return partner


def test_assignment_is_by_couple_and_leaves_the_ineligible_out():
    n = 30000
    rng = np.random.default_rng(9)
    partner = random_couples(n, rng)
    ok = rng.random(n) < 0.7
    arm = assign_by_couple(ok, partner, 0.3, np.random.default_rng(10))
    assert set(np.unique(arm)) == {-1, 0, 1}
    np.testing.assert_array_equal(arm == -1, ~ok)
    has_partner = partner >= 0
    # a treated person's partner is treated too or not in the trial, never a control
    treated = (arm == 1) & has_partner
    assert set(np.unique(arm[partner[treated]])) == {-1, 1}
    control = (arm == 0) & has_partner
    assert set(np.unique(arm[partner[control]])) == {-1, 0}
    # two eligible partners are in the same arm
    both = ok & has_partner & ok[np.maximum(partner, 0)]
    np.testing.assert_array_equal(arm[both], arm[partner[both]])

    # units (a couple with an eligible member, or an eligible single): about 9000 couples and
    # 8400 singles. The treated share of them is binomial with SE sqrt(.3 x .7 / 17000) =
    # 0.0035; a band of 0.015 is over 4 SE.
    lower = np.where(has_partner, np.minimum(np.arange(n), partner), np.arange(n))
    units = np.unique(lower[ok])
    unit_arm = np.full(n, -1)
    unit_arm[lower[ok]] = arm[ok]
    assert len(units) > 15000
    assert (unit_arm[units] == 1).mean() == pytest.approx(0.3, abs=0.015)


def test_assignment_is_reproducible_with_the_same_seed():
    rng = np.random.default_rng(11)
    partner = random_couples(2000, rng)
    ok = rng.random(2000) < 0.8
    first = assign_by_couple(ok, partner, 0.5, np.random.default_rng(12))
    again = assign_by_couple(ok, partner, 0.5, np.random.default_rng(12))
    other = assign_by_couple(ok, partner, 0.5, np.random.default_rng(13))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    np.testing.assert_array_equal(
        assign_by_couple(ok, partner, 0.0, np.random.default_rng(12)), np.where(ok, 0, -1)
    )
    np.testing.assert_array_equal(
        assign_by_couple(ok, partner, 1.0, np.random.default_rng(12)), np.where(ok, 1, -1)
    )


# ---------------------------------------------------------------------- whole-model trials
SEED = 21
ADULT_RUN = dict(n_dyads=200, horizon_years=27, caregivers="balanced")
INFANT_RUN = dict(n_dyads=300, horizon_years=1, intervention_age=0.25)


@pytest.fixture(scope="module")
def untreated():
    return {
        "adult": run_model(seed=SEED, **ADULT_RUN),
        "infant": run_model(seed=SEED, **INFANT_RUN),
    }


def same_people(x, y):
    """Every field of the working models, and the relationships, identical."""
    for name in FIELDS:
        if not np.array_equal(
            getattr(x.population.working_model, name), getattr(y.population.working_model, name)
        ):
            return False
    return np.array_equal(x.couples.partner, y.couples.partner) and np.array_equal(
        x.couples.satisfaction, y.couples.satisfaction, equal_nan=True
    )


@pytest.mark.parametrize("intervention", INTERVENTIONS)
def test_a_zero_dose_changes_nothing(intervention, untreated):
    infancy = intervention in INFANCY_INTERVENTIONS
    params = INFANT_RUN if infancy else ADULT_RUN
    baseline = untreated["infant" if infancy else "adult"]
    zero = run_model(seed=SEED, intervention=intervention, intervention_dose=0.0, **params)
    assert (zero.trial.arm == 1).sum() >= 10  # the trial took place, with people in it
    assert same_people(zero, baseline)
    if infancy:
        np.testing.assert_array_equal(zero.ssp.attachment_class, baseline.ssp.attachment_class)
        np.testing.assert_array_equal(
            zero.population.caregivers.sensitivity, baseline.population.caregivers.sensitivity
        )
    # the comparison can see a change: the full programme does change these people
    full = run_model(seed=SEED, intervention=intervention, intervention_dose=1.0, **params)
    assert not same_people(full, baseline)


def trial_effect(table, measure):
    """Treated minus control change (follow-up minus baseline) of ``measure`` among those with
    a value at both times; returns (difference, Welch z, treated n, control n)."""
    change = table[f"followup_{measure}"] - table[f"baseline_{measure}"]
    arms = [
        change[(table["trial_arm"] == arm) & ~np.isnan(change)] for arm in ("treated", "control")
    ]
    return two_groups(*arms)


def two_groups(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = a.mean() - b.mean()
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return diff, diff / se, len(a), len(b)


def test_attachment_therapy_lowers_avoidance():
    t = run_model(seed=1, n_dyads=1500, horizon_years=27, intervention="attachment_therapy")
    t = t.infant_table()
    # the model's own scores: measured -0.17 to -0.18 ECR points vs controls (d about -3,
    # z about -47 at 500 per arm with 1000 people, seeds 0-4)
    diff, z, treated, control = trial_effect(t, "true_avoidance_ecr")
    assert treated > 600 and control > 600
    assert z < -4
    # the questionnaire (with the ECR's retest error, sd 0.35) still shows it: measured
    # d -0.35 to -0.55, z -5.3 to -9 at 500 per arm; 750 per arm here, z about -6.5 to -11
    diff_q, z_q, _, _ = trial_effect(t, "avoidance_ecr")
    assert z_q < -4
    assert diff_q == pytest.approx(diff, abs=0.15)  # the error adds noise, not bias


def test_a_secure_partner_lowers_avoidance_of_single_people():
    # At 18 (the first adult step) everyone is single, so the whole cohort is in the trial;
    # measured -0.011 ECR points vs controls (d about -0.45), z -4.8 to -6.1 at 300 per arm
    # with 600 people (seeds 0-4): 1000 people give about 500 per arm and z about -7.
    t = run_model(
        seed=2, n_dyads=1000, horizon_years=20, intervention="secure_partner", intervention_age=18
    ).infant_table()
    diff, z, treated, control = trial_effect(t, "true_avoidance_ecr")
    assert treated > 400 and control > 400
    assert z < -4


@pytest.mark.parametrize(
    ("intervention", "n"),
    [
        # measured d .40-.60, z 7-10 with 2000 people (650 couples' members per arm)
        ("boundaries", 1500),
        # measured d .73-.99, z 9-12 with 1000 people (320 per arm)
        ("self_awareness", 1000),
    ],
)
def test_skills_raise_relationship_satisfaction(intervention, n):
    t = run_model(seed=3, n_dyads=n, horizon_years=27, intervention=intervention).infant_table()
    diff, z, treated, control = trial_effect(t, "satisfaction")  # partnered at both times
    assert treated > 200 and control > 200
    assert diff > 0 and z > 4


def test_caregiver_programme_raises_observed_sensitivity_and_security():
    model = run_model(
        seed=4,
        n_dyads=2000,
        horizon_years=1,
        intervention="caregiver_sensitivity",
        intervention_age=0.25,
    )
    t = model.infant_table()
    treated, control = t["trial_arm"] == "treated", t["trial_arm"] == "control"
    assert treated.sum() > 900 and control.sum() > 900
    sens = t["observed_sensitivity"]
    ok = ~np.isnan(sens)
    # measured +0.08 to +0.12 (d .35-.55), z about 9 at 1000 per arm (seeds 0-5)
    diff, z, _, _ = two_groups(sens[treated & ok], sens[control & ok])
    assert z > 4
    # share secure (B): measured +0.12 to +0.21, z 7-9 at 1500 per arm, about 6 at 1000
    diff, z, _, _ = two_groups(t["secure"][treated], t["secure"][control])
    assert z > 4
    # the programme raised the treated caregivers' sensitivity and no one else's (those who
    # lost their caregiver before it started have a new, untreated one: left out here)
    kept = ~t["disrupted"]
    now = model.population.caregivers.sensitivity
    assert (now[treated & kept] > t["sensitivity"][treated & kept]).all()
    np.testing.assert_array_equal(now[control & kept], t["sensitivity"][control & kept])


def step_to_trial_start(model):
    """Step until the next step is the one that starts the adult trial."""
    while not (model.stage == ADULTHOOD and model.weeks == model.trial.start):
        model.step()


def test_couple_work_randomises_couples_and_teaches_both_partners():
    model = AttachmentModel(
        rng=5,
        n_dyads=600,
        horizon_years=27,
        caregivers="balanced",
        intervention="communication_skills",
        intervention_target="insecure",
    )
    step_to_trial_start(model)
    partner = model.couples.partner.copy()  # the couples at baseline
    category = model.population.categories()
    model.step()
    arm = model.trial.arm
    treated, control = arm == 1, arm == 0
    assert treated.sum() > 30 and control.sum() > 30
    # only partnered insecure people are in the trial; everyone else is out
    np.testing.assert_array_equal(arm >= 0, (partner >= 0) & (category != "secure"))
    # a treated person's partner is never a control (treated, or secure and so not in it)
    assert set(np.unique(arm[partner[treated]])) == {-1, 1}
    assert set(np.unique(arm[partner[control]])) <= {-1, 0}
    # couple work: both partners learn the skill, the secure partners of treated people too
    learned = model.population.skills.directness > 0
    np.testing.assert_array_equal(learned, treated | np.isin(np.arange(600), partner[treated]))
    assert (learned & (arm == -1)).any()
    while model.running:
        model.step()
    t = model.infant_table()
    assert not np.isnan(t["baseline_satisfaction"][treated]).any()  # partnered at baseline
    assert (t["trial_arm"][arm == -1] == "").all()


def test_people_in_a_corrective_relationship_do_not_date_until_it_ends():
    # from 18 (everyone single at the first adult step) for 26 weeks
    model = AttachmentModel(
        rng=7,
        n_dyads=300,
        horizon_years=20,
        intervention="secure_partner",
        intervention_age=18,
    )
    step_to_trial_start(model)
    model.step()
    treated, control = model.trial.arm == 1, model.trial.arm == 0
    assert treated.sum() > 100 and control.sum() > 100
    np.testing.assert_array_equal(model.trial.recipients, treated)
    controls_paired = np.zeros(300, dtype=bool)
    while model.weeks < model.trial.end:
        assert (model.couples.partner[treated] < 0).all()
        controls_paired |= model.couples.partner >= 0
        model.step()
    # controls went on dating: 20-24 of 135-169 were in a couple during the programme
    # (seeds 7-9); 10 is half the fewest, and far from none
    assert controls_paired[control].sum() >= 10
    while model.running:
        model.step()
    # and the treated date once it has ended: 83-98 of 131-165 had a partner by 20
    assert (model.couples.partners_count[treated] > 0).sum() >= 40


def test_skills_change_what_recipients_do_but_not_what_is_measured():
    model = AttachmentModel(rng=6, n_dyads=300, horizon_years=27, intervention="cbt_therapy")
    step_to_trial_start(model)
    before = ecr_scale(model.population.dispositions.anxiety)
    model.step()
    d, b = model.population.dispositions, model.population.behaviour
    treated = model.trial.arm == 1
    assert treated.sum() > 100
    assert (b.anxiety[treated] < d.anxiety[treated]).all()
    assert (b.self_model[treated] > d.self_model[treated]).all()
    np.testing.assert_array_equal(b.anxiety[~treated], d.anxiety[~treated])
    # the trial measures the working model (the baseline, taken when the skill was taught),
    # not the reading the skill has changed
    np.testing.assert_array_equal(model.trial.measures["baseline_true_anxiety_ecr"], before)


# ---------------------------------------------------------------------- validation size
def pooled_trial_effect(intervention, measure, seeds, **params):
    tables = [run_model(seed=s, intervention=intervention, **params).infant_table() for s in seeds]
    changes = {arm: [] for arm in ("treated", "control")}
    for t in tables:
        change = t[f"followup_{measure}"] - t[f"baseline_{measure}"]
        for arm in changes:
            changes[arm].append(change[(t["trial_arm"] == arm) & ~np.isnan(change)])
    return two_groups(np.concatenate(changes["treated"]), np.concatenate(changes["control"]))


@pytest.mark.validation
def test_cbt_therapy_raises_relationship_satisfaction():
    # measured d .14-.29 (mean .21) at 600 per arm with 2000 people, seeds 0-4; four such runs
    # give about 2500 per arm, z about 7.
    diff, z, treated, control = pooled_trial_effect(
        "cbt_therapy", "satisfaction", range(4), n_dyads=2000, horizon_years=27
    )
    assert treated > 2000 and control > 2000
    assert diff > 0 and z > 4


@pytest.mark.validation
def test_communication_skills_raise_relationship_satisfaction():
    # In the normative mix most bids are direct already and the effect is about d .07, which
    # would need tens of thousands of couples. Where caregivers were inconsistent (anxious,
    # hinting adults) it is larger: measured d .08-.30 (mean .19) at 200 per arm with 1000
    # people, seeds 0-4; four runs of 3000 give about 2400 per arm, z about 6.
    diff, z, treated, control = pooled_trial_effect(
        "communication_skills",
        "satisfaction",
        range(4),
        n_dyads=3000,
        horizon_years=27,
        caregivers="inconsistent",
    )
    assert treated > 1500 and control > 1500
    assert diff > 0 and z > 4
