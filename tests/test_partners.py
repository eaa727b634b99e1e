"""Adult behaviour rules and perception biases (simulation.model.partners), with hand-made
dispositions.

Every statistical test draws many couples in one call from a seeded generator and asserts a
directional difference with a margin far above the sampling error: a share over n independent
draws has a standard error of at most 0.5 / sqrt(n), so with n >= 2000 draws an arm's share is
within 0.034 of its expectation at six standard errors (0.011 for n >= 8000). Where the expected
shares are known exactly from the rules, the comments give them.
"""

import numpy as np
import pytest

from simulation.model.partners import (
    MATCHING_RULES,
    NOTICE_DIRECT,
    NOTICE_INDIRECT,
    CoupleWeek,
    Dispositions,
    acceptance,
    apparent_closeness,
    breakup_chance,
    couple_week,
    dispositions,
    expected_closeness,
    match,
    read_responses,
    security,
    withdrawal_chance,
)
from simulation.model.working_model import WorkingModel

# Hand-made people (each value in [0, 1] except intensity, 1 = an ordinary bid).
SECURE = dict(
    hyper=0.0, deact=0.0, conflict=0.0, anxiety=0.1, avoidance=0.1, self_model=0.9, intensity=1.0
)
ANXIOUS = dict(  # anxious-preoccupied: hyperactivated, insistent
    hyper=0.8,
    deact=0.05,
    conflict=0.0,
    anxiety=0.75,
    avoidance=0.25,
    self_model=0.35,
    intensity=2.2,
)
DISMISSIVE = dict(  # dismissive-avoidant: deactivated, muted
    hyper=0.0, deact=0.8, conflict=0.0, anxiety=0.2, avoidance=0.75, self_model=0.7, intensity=0.5
)
FEARFUL = dict(  # fearful-avoidant: the partner is haven and threat at once
    hyper=0.4, deact=0.4, conflict=0.8, anxiety=0.65, avoidance=0.6, self_model=0.3, intensity=1.2
)

M = 2000  # couples per call
WEEKS = 4  # weeks per call: 8000 actor-weeks per side


def person(base, **changes):
    return {**base, **changes}


def people(*groups):
    """Dispositions for groups of identical people: ``groups`` are (values, count) pairs."""
    return Dispositions(
        **{
            key: np.concatenate([np.full(count, float(values[key])) for values, count in groups])
            for key in SECURE
        }
    )


def couples(a, b, m=M):
    """Directed dispositions of m couples, partner a with values ``a``, b with ``b``."""
    return people((a, m), (b, m))


def weeks_of(a, b, m=M, weeks=WEEKS, closeness=0.5, need_rate=0.5, seed=0, **kwargs):
    """``weeks`` weeks of m identical couples (a's side is columns :m, b's side m:)."""
    return couple_week(
        couples(a, b, m),
        np.full(2 * m, float(closeness)),
        need_rate,
        np.random.default_rng(seed),
        weeks=weeks,
        **kwargs,
    )


def side_a(x, m=M):
    return x[:, :m]


def side_b(x, m=M):
    return x[:, m:]


def share(numerator, denominator):
    numerator, denominator = np.sum(numerator), np.sum(denominator)
    assert denominator > 0
    return numerator / denominator


def random_population(m, seed):
    """Couples with every disposition drawn at random (all rules in play at once)."""
    rng = np.random.default_rng(seed)
    d = Dispositions(
        **{k: rng.random(2 * m) for k in SECURE if k != "intensity"},
        intensity=rng.uniform(0.4, 2.5, 2 * m),
    )
    return d, rng.random(2 * m), rng


# ---------------------------------------------------------------------- shapes and bookkeeping
@pytest.mark.parametrize("weeks", [1, 4])
def test_couple_week_has_one_row_per_week_and_one_column_per_directed_pair(weeks):
    d, closeness, rng = random_population(5, seed=1)
    week = couple_week(d, closeness, 0.5, rng, weeks=weeks)
    for name in CoupleWeek.__dataclass_fields__:
        assert getattr(week, name).shape == (weeks, 10), name


def test_every_bid_ends_exactly_one_way_and_sides_mirror_each_other():
    m = 3000
    d, closeness, rng = random_population(m, seed=2)
    w = couple_week(d, closeness, 0.5, rng, weeks=WEEKS)
    # a first bid and its escalation each end comforted, withdrawn from, missed or read as
    # rejection (what Adulthood.quarter feeds the working model relies on this)
    np.testing.assert_array_equal(
        w.bid.astype(int) + w.escalated, w.comforted + w.withdrew + w.missed + w.read_as_rejection
    )
    for name in ("comforted", "withdrew", "missed", "read_as_rejection", "believed"):
        counts = getattr(w, name)
        assert counts.min() >= 0 and counts.max() <= 2, name
    assert (w.believed <= w.comforted).all()
    assert not (w.escalated & ~w.bid).any()
    assert not (w.direct & ~w.bid).any()
    swap = np.r_[m : 2 * m, 0:m]
    np.testing.assert_array_equal(w.intruded, w.withdrew[:, swap])
    assert (w.value >= 0).all() and (w.value <= 1).all()
    assert set(np.unique(w.closeness)) <= {0.25, 0.5, 0.75}


# ---------------------------------------------------------------------- seeking
def test_anxious_people_seek_reassurance_without_a_need():
    week = weeks_of(ANXIOUS, SECURE, need_rate=0.0)
    assert not week.need.any()
    assert not side_b(week.bid).any()  # a secure person without a need does not bid
    # expected share 0.5 * hyper = 0.4 over 8000 draws (SE <= 0.006)
    assert share(side_a(week.bid), np.ones_like(side_a(week.bid))) == pytest.approx(0.4, abs=0.03)


def test_anxious_people_bid_more_insistently():
    # the working model of a hyperactivated person gives an insistent bid (intensity > 1)
    wm = WorkingModel.newborn(2)
    wm.other_model[:] = [0.85, 0.45]
    wm.uncertainty[:] = [0.2, 0.8]
    wm.self_model[:] = [0.9, 0.35]
    intensity = dispositions(wm).intensity
    assert intensity[1] > 1.5 > 1.1 > intensity[0]

    # ... and insistence gets a bid noticed more often, even an indirect one. Two actors that
    # differ only in intensity; deact 0.5 makes some bids indirect (and nothing escalates, since
    # hyper = 0); the secure partner never withdraws and is never absorbed, so a bid is
    # comforted exactly when noticed: 0.35 at intensity 1, 1 - 0.65**2.5 = 0.66 at 2.5.
    quiet = person(SECURE, deact=0.5, intensity=1.0)
    loud = person(SECURE, deact=0.5, intensity=2.5)

    def noticed_indirect(actor):
        week = weeks_of(actor, SECURE, need_rate=1.0)
        indirect = side_a(week.bid & ~week.direct)
        return share(side_a(week.comforted > 0) & indirect, indirect)

    noticed_quiet, noticed_loud = noticed_indirect(quiet), noticed_indirect(loud)
    # about 2500 indirect bids per side: SE <= 0.01
    assert noticed_quiet == pytest.approx(NOTICE_INDIRECT, abs=0.05)
    assert noticed_loud > noticed_quiet + 0.2

    # and an anxious person repeats an unmet bid more loudly, a secure one does not
    week = weeks_of(ANXIOUS, DISMISSIVE)
    anxious_unmet = side_a((week.withdrew > 0) | (week.read_as_rejection > 0))
    assert share(side_a(week.escalated), anxious_unmet) > 0.6  # about hyper = 0.8
    week = weeks_of(SECURE, DISMISSIVE)
    assert not side_a(week.escalated).any()


def test_deactivating_people_voice_fewer_needs_and_fewer_of_them_directly():
    week = weeks_of(SECURE, DISMISSIVE, need_rate=1.0)
    voiced_secure = share(side_a(week.bid), side_a(week.need))
    voiced_dismissive = share(side_b(week.bid), side_b(week.need))
    # expected 1.0 and 1 - 0.8 * 0.8 = 0.36 over 8000 needs each (SE <= 0.006)
    assert voiced_secure == 1.0
    assert voiced_dismissive < 0.45
    direct_dismissive = share(side_b(week.direct), side_b(week.bid))  # expected 0.44
    assert share(side_a(week.direct), side_a(week.bid)) == 1.0 > 0.55 > direct_dismissive


def test_indirect_bids_are_noticed_less_often_than_direct_ones():
    # actor: some indirect bids (deact 0.5), nothing escalates; partner secure: a bid is
    # comforted exactly when noticed, with chance 0.9 (direct) or 0.35 (indirect)
    hinting = person(SECURE, deact=0.5)
    week = weeks_of(hinting, SECURE, need_rate=1.0)
    bid, direct = side_a(week.bid), side_a(week.direct)
    noticed = side_a(week.comforted) > 0
    noticed_direct = share(noticed & direct, direct)  # about 5000 direct bids
    noticed_indirect = share(noticed & bid & ~direct, bid & ~direct)  # about 2500 indirect
    assert noticed_direct == pytest.approx(NOTICE_DIRECT, abs=0.03)
    assert noticed_indirect == pytest.approx(NOTICE_INDIRECT, abs=0.05)
    assert noticed_direct > noticed_indirect + 0.4


def test_directness_raises_the_share_of_direct_bids():
    week = weeks_of(ANXIOUS, ANXIOUS, directness=0.0)
    trained = weeks_of(ANXIOUS, ANXIOUS, directness=0.8)
    before = share(week.direct, week.bid)  # (1 - 0.56) * (1 - 0.035) = 0.42
    after = share(trained.direct, trained.bid)  # 0.42 + 0.58 * 0.8 = 0.89
    assert after > before + 0.3


# ---------------------------------------------------------------------- withdrawal and flight
def test_a_deactivating_partner_withdraws_more_so_from_an_insistent_bid():
    one = np.ones(1)
    secure, dismissive = people((SECURE, 1)), people((DISMISSIVE, 1))
    assert withdrawal_chance(secure, one * 0.5, one * 2.0)[0] == 0.0
    ordinary = withdrawal_chance(dismissive, one * 0.5, one * 1.0)[0]
    insistent = withdrawal_chance(dismissive, one * 0.5, one * 2.2)[0]
    assert ordinary == pytest.approx(0.8 * 0.8)  # deact * (0.4 + 0.4 * intensity)
    assert insistent == pytest.approx(0.8)  # capped: the overture read as fully intrusive
    assert insistent > ordinary > 0

    # in couples: two actors that differ only in intensity, with a dismissive partner (no
    # escalation, no absorption), so withdrew / (withdrew + comforted) is the withdrawal chance
    # among noticed bids: 0.64 and 0.80, over about 4000-6000 noticed bids (SE <= 0.008)
    for intensity, expected in ((1.0, 0.64), (2.2, 0.80)):
        actor = person(SECURE, intensity=intensity)
        week = weeks_of(actor, DISMISSIVE, need_rate=1.0)
        withdrew = side_a(week.withdrew)
        noticed = withdrew + side_a(week.comforted)
        assert share(withdrew, noticed) == pytest.approx(expected, abs=0.03)
        # the dismissive partner felt those bids as intrusive
        np.testing.assert_array_equal(side_b(week.intruded), withdrew)
    week = weeks_of(SECURE, SECURE, need_rate=1.0)
    assert not week.withdrew.any() and not week.intruded.any()


def test_fearful_people_bid_less_and_push_away_more_when_close():
    close = weeks_of(FEARFUL, SECURE, closeness=0.9)
    distant = weeks_of(FEARFUL, SECURE, closeness=0.1)
    ones = np.ones_like(side_a(close.bid))
    # bid: seek * (1 - 0.8 * closeness): about 0.18 when close, 0.58 when distant
    assert share(side_a(close.bid), ones) + 0.25 < share(side_a(distant.bid), ones)
    # pushing away: 0.3 * 0.8 * closeness: 0.216 when close, 0.024 when distant
    assert share(side_a(close.pushed_away), ones) > share(side_a(distant.pushed_away), ones) + 0.12
    # a secure person without conflict never pushes away, however close
    assert not side_b(close.pushed_away).any()
    # and a fearful partner flees a bid more when closeness is already high
    fearful, one = people((FEARFUL, 1)), np.ones(1)
    assert (
        withdrawal_chance(fearful, one * 0.9, one)[0]
        > withdrawal_chance(fearful, one * 0.1, one)[0] + 0.2
    )
    # (nor is there anything to flee at no closeness)
    assert withdrawal_chance(people((person(SECURE, conflict=0.8), 1)), one * 0, one)[0] == 0


# ---------------------------------------------------------------------- perception biases
def test_an_anxious_person_reads_more_unanswered_bids_as_rejection():
    # actors differ only in anxiety (hyper 0: no escalation); a partner with hyper 1 and a need
    # every week is absorbed in half the noticed bids, so about 4400 bids per side go unanswered
    # (SE <= 0.008); each is read as rejection with chance = anxiety
    absorbed_partner = person(SECURE, hyper=1.0)
    calm = weeks_of(person(SECURE, anxiety=0.1), absorbed_partner, need_rate=1.0)
    anxious = weeks_of(person(SECURE, anxiety=0.8), absorbed_partner, need_rate=1.0)

    def read_as_rejection(week):
        read = side_a(week.read_as_rejection)
        return share(read, read + side_a(week.missed))

    assert read_as_rejection(calm) == pytest.approx(0.1, abs=0.03)
    assert read_as_rejection(anxious) == pytest.approx(0.8, abs=0.03)


def test_comfort_is_believed_less_with_a_low_self_model():
    worthy = weeks_of(person(SECURE, self_model=0.9), SECURE, need_rate=1.0)
    unworthy = weeks_of(person(SECURE, self_model=0.2), SECURE, need_rate=1.0)
    # believed with chance 0.5 + 0.5 * self_model: 0.95 and 0.60 over about 7000 comforts
    high = share(side_a(worthy.believed), side_a(worthy.comforted))
    low = share(side_a(unworthy.believed), side_a(unworthy.comforted))
    assert high == pytest.approx(0.95, abs=0.02)
    assert low == pytest.approx(0.60, abs=0.03)


def test_read_responses_biases():
    rng = np.random.default_rng(3)
    n = 1000  # 10 responses each: 10,000 draws per group (SE <= 0.005)
    comforted, missed = np.full(2 * n, 10), np.full(2 * n, 10)
    d = people((person(SECURE, anxiety=0.1, self_model=0.9), n), (ANXIOUS, n))
    believed, still_missed, abandoned = read_responses(comforted, missed, d, rng)
    np.testing.assert_array_equal(still_missed + abandoned, missed)
    assert (believed <= comforted).all() and (believed >= 0).all() and (abandoned >= 0).all()
    assert abandoned[:n].mean() / 10 == pytest.approx(0.1, abs=0.02)
    assert abandoned[n:].mean() / 10 == pytest.approx(0.75, abs=0.02)
    assert believed[:n].mean() / 10 == pytest.approx(0.95, abs=0.02)
    assert believed[n:].mean() / 10 == pytest.approx(0.675, abs=0.02)  # 0.5 + 0.5 * 0.35

    # the limits: no anxiety reads nothing as abandonment, a full self-model believes all
    d = people((person(SECURE, anxiety=0.0, self_model=1.0), 2 * n))
    believed, still_missed, abandoned = read_responses(comforted, missed, d, rng)
    assert (abandoned == 0).all() and (believed == comforted).all()
    assert (still_missed == missed).all()


def test_each_unanswered_bid_is_read_as_rejection_with_chance_anxiety():
    # actor and partner hyperactivated with a need every week: the partner is often absorbed,
    # the actor escalates; anxiety 0.5
    jittery = person(SECURE, hyper=1.0, anxiety=0.5)
    week = weeks_of(jittery, jittery, m=5000, need_rate=1.0)
    # an escalation without a withdrawal followed a first bid that was read as rejection; when
    # the escalated bid also went unanswered, it should be read so with chance 0.5 again
    first_read = week.escalated & (week.withdrew == 0)
    second_missed = first_read & (week.comforted == 0)
    assert second_missed.sum() > 300  # about 450 cases: SE <= 0.5 / sqrt(300) = 0.03
    assert share(second_missed & (week.read_as_rejection == 2), second_missed) < 0.7


# ---------------------------------------------------------------------- protest and pursuit
def test_escalation_follows_unmet_bids_only_in_hyperactivated_people():
    # plenty of unmet bids from a dismissive partner, but without hyperactivation no protest
    for actor in (SECURE, DISMISSIVE, person(FEARFUL, hyper=0.0), person(ANXIOUS, hyper=0.0)):
        week = weeks_of(actor, DISMISSIVE, need_rate=1.0)
        assert side_a((week.withdrew > 0) | (week.read_as_rejection > 0)).sum() > 500
        assert not side_a(week.escalated).any()
    week = weeks_of(ANXIOUS, DISMISSIVE)
    assert side_a(week.escalated).sum() > 1000
    # escalation only after an unmet bid (withdrawn from, or silence read as rejection)
    d, closeness, rng = random_population(3000, seed=4)
    w = couple_week(d, closeness, 0.5, rng, weeks=WEEKS)
    unmet = (w.withdrew > 0) | (w.read_as_rejection > 0)
    assert w.escalated.any()
    assert not (w.escalated & ~unmet).any()


def test_a_pursuer_withdrawer_episode_needs_a_bid_a_withdrawal_and_an_escalation():
    d, closeness, rng = random_population(3000, seed=5)
    w = couple_week(d, closeness, 0.5, rng, weeks=WEEKS)
    assert w.demand_withdraw.any()
    assert not (w.demand_withdraw & ~(w.bid & (w.withdrew > 0) & w.escalated)).any()


def test_pursuit_is_more_frequent_with_a_dismissing_partner_than_with_a_secure_one():
    dismissing = weeks_of(ANXIOUS, DISMISSIVE)
    secure = weeks_of(ANXIOUS, SECURE)
    weeks = np.ones_like(side_a(secure.bid))
    # the secure partner never withdraws, so no episode at all; with the dismissive partner
    # about a quarter of the anxious person's weeks have one (8000 weeks: SE <= 0.006)
    assert not secure.demand_withdraw.any()
    assert share(side_a(dismissing.demand_withdraw), weeks) > 0.1
    # the dismissive partner does not pursue (no hyperactivation)
    assert not side_b(dismissing.demand_withdraw).any()


def test_secure_couples_weeks_feel_better_than_anxious_avoidant_couples_weeks():
    secure = weeks_of(SECURE, SECURE)
    trap = weeks_of(ANXIOUS, DISMISSIVE)
    # means over 16,000 actor-weeks of values in [0, 1] (SE <= 0.004)
    assert secure.value.mean() > trap.value.mean() + 0.1
    assert side_a(secure.value).mean() > side_a(trap.value).mean() + 0.1  # the anxious one
    assert side_b(secure.value).mean() > side_b(trap.value).mean()  # and the dismissive one
    assert secure.closeness.mean() > trap.closeness.mean()


# ---------------------------------------------------------------------- breakups
def test_breakup_chance_rises_as_satisfaction_falls():
    satisfaction = np.linspace(0.0, 1.0, 11)
    chance = breakup_chance(satisfaction, np.ones(11), 0.15)
    assert (np.diff(chance) < 0).all()
    assert ((chance > 0) & (chance < 1)).all()
    # the less satisfied partner sets the hazard
    np.testing.assert_array_equal(chance, breakup_chance(np.ones(11), satisfaction, 0.15))
    assert breakup_chance(np.array([0.6]), np.array([0.9]), 0.15)[0] == pytest.approx(
        1 - np.exp(-0.15 / 52)
    )
    assert (breakup_chance(satisfaction, satisfaction, 0.0) == 0).all()


# ---------------------------------------------------------------------- matching
def test_random_matching_pairs_only_singles_and_each_at_most_once():
    rng = np.random.default_rng(6)
    d, _, _ = random_population(500, seed=6)  # 1000 people
    singles = np.arange(0, 1000, 3)
    for meeting in (0.3, 1.0):
        a, b = match(singles, d, meeting, "random", rng)
        paired = np.concatenate([a, b])
        assert len(a) == len(b) > 0
        assert np.isin(paired, singles).all()
        assert len(np.unique(paired)) == len(paired)
    assert len(a) == len(singles) // 2  # everyone meets: all but an odd one out pair
    a, b = match(singles, d, 0.0, "random", rng)
    assert len(a) == len(b) == 0


@pytest.mark.parametrize("rule", MATCHING_RULES)
def test_every_rule_pairs_only_singles_and_each_at_most_once(rule):
    d, _, _ = random_population(1000, seed=7)
    singles = np.arange(1, 2000, 2)
    a, b = match(singles, d, 0.8, rule, np.random.default_rng(7))
    paired = np.concatenate([a, b])
    assert len(a) == len(b) > 0
    assert np.isin(paired, singles).all() and len(np.unique(paired)) == len(paired)


def test_assortative_matching_pairs_people_of_similar_security():
    rng = np.random.default_rng(8)
    n = 2000
    d = people((SECURE, n))
    d.anxiety, d.avoidance = rng.random(n), rng.random(n)
    sec = security(d)
    gaps = {}
    for rule in ("random", "assortative"):
        a, b = match(np.arange(n), d, 1.0, rule, rng)
        gaps[rule] = np.abs(sec[a] - sec[b]).mean()
    # 1000 pairs each; random pairs differ by about 0.24, assortative ones by about 0.10
    assert gaps["assortative"] < gaps["random"] - 0.08


def test_acceptance_favours_a_partner_who_behaves_as_expected():
    """Expectation confirmation: an anxious reader expects distance, an avoidant one expects
    to be pursued, a secure one expects balance; seeming secure helps with everyone."""
    anxious, avoidant, secure = people((ANXIOUS, 1)), people((DISMISSIVE, 1)), people((SECURE, 1))
    distant, clinging = np.array([0.3]), np.array([0.7])
    sure = np.array([0.8])
    assert expected_closeness(anxious)[0] < 0.5 == expected_closeness(secure)[0]
    assert expected_closeness(avoidant)[0] > 0.5
    assert acceptance(anxious, distant, sure)[0] > 2 * acceptance(anxious, clinging, sure)[0]
    assert acceptance(avoidant, clinging, sure)[0] > 2 * acceptance(avoidant, distant, sure)[0]
    # at the same fit, a partner who seems more secure is more acceptable
    assert (
        acceptance(secure, np.array([0.5]), np.array([0.9]))[0]
        > acceptance(secure, np.array([0.5]), np.array([0.3]))[0]
    )
    # how close someone seems follows their own anxiety minus avoidance
    assert apparent_closeness(anxious)[0] > 0.5 > apparent_closeness(avoidant)[0]


def test_attraction_pairs_depend_on_both_readings():
    def formed(a_values, b_values, seed):
        """Share of meetings between an a-person and a b-person that become couples."""
        n = 2000
        d = people((a_values, n), (b_values, n))
        singles = np.arange(2 * n)
        a, b = match(singles, d, 1.0, "attraction", np.random.default_rng(seed))
        mixed = (a < n) != (b < n)
        return a, b, mixed, n

    # About half the meetings in a half-anxious, half-avoidant population are mixed. Anxious +
    # avoidant meetings confirm both partners' expectations (Kirkpatrick & Davis 1994), same-kind
    # ones confirm neither, so nearly all couples that form are mixed; with a few hundred
    # couples the share has an SE below .03.
    a, b, mixed, n = formed(ANXIOUS, DISMISSIVE, seed=9)
    assert len(a) > 200
    assert mixed.mean() > 0.8, mixed.mean()
    # and two secure people accept each other far more often than two anxious ones
    secure_pairs = len(formed(SECURE, SECURE, seed=10)[0])
    anxious_pairs = len(formed(ANXIOUS, ANXIOUS, seed=11)[0])
    assert secure_pairs > 3 * anxious_pairs


def test_an_unknown_matching_rule_raises():
    d, _, _ = random_population(5, seed=12)
    with pytest.raises(ValueError, match="'arranged'"):
        match(np.arange(10), d, 1.0, "arranged", np.random.default_rng(0))
    with pytest.raises(ValueError, match="allowed random, assortative, attraction"):
        match(np.empty(0, int), d, 1.0, "Random", np.random.default_rng(0))
