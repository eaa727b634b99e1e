"""Each lesson of the demo shows what its ``notice`` says the class will see.

A lesson (``simulation/demo/lessons.py``) is a preset of the demo's settings with a seed and an
age to jump to; the class watches ONE run of it. So each lesson is checked twice: on the lesson's
own seed, exactly as the demo builds it (``Classroom(lesson.settings)``, then Jump), and over
``SEEDS`` (eight other seeds, the same settings otherwise), so that a lesson does not rest on a
lucky seed. Margins come from measured values (docs/teaching_guide.md quotes them), with room for
recalibration, and each assertion fails for a model in which caregiving, working models, the
continuity setting or the intervention had no effect.

Runs are cached per session (no test changes a cached run); the file takes about 45 s on an idle
two-core machine (a first year of two populations about 0.5 s, a life course of 100 people to 30
about 0.5 s, three generations about 2.5 s), no single test more than 20 s, so none is marked
``validation``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd
import pytest

from simulation.demo.jobs import generation_settings
from simulation.demo.lessons import LESSONS
from simulation.demo.state import Classroom
from simulation.demo.views import couples_spec
from simulation.measures import correlation, transmission
from simulation.model.life_course import ecr_scale
from simulation.model.run import RunSpec, simulate

SEEDS = tuple(range(101, 109))  # robustness: eight seeds, none of them a lesson's own


@cache
def lesson_room(
    key: str,
    seed: int | None = None,
    compare: str | None = "lesson",
    continuity: str | None = None,
) -> Classroom:
    """The lesson's run as the demo makes it, jumped to the lesson's age: ``LESSONS[key].settings``
    exactly, or with the seed, the comparison or the continuity changed (as a class would change
    them before pressing Reset)."""
    lesson = LESSONS[key]
    settings = lesson.settings
    if seed is not None:
        settings = replace(settings, seed=seed)
    if compare != "lesson":
        settings = replace(settings, compare=compare)
    if continuity is not None:
        settings = settings.with_param("continuity", continuity)
    room = Classroom(settings)
    room.jump_to(lesson.jump_to)
    return room


def class_shares(model) -> dict[str, float]:
    """Strange Situation class shares at 12 months."""
    classes = model.ssp.attachment_class
    return {c: float((classes == c).mean()) for c in "ABCD"}


def plane(model) -> np.ndarray:
    """Mean position in the demo's plane now: (anxiety, avoidance) on the ECR scale 1-7."""
    d = model.population.dispositions
    return np.array([ecr_scale(d.anxiety).mean(), ecr_scale(d.avoidance).mean()])


# ---------------------------------------------------------------------------------------------
# Lesson 1: how caregiving shapes infant strategies (consistent vs inconsistent, to 12 months)
# ---------------------------------------------------------------------------------------------
EARLY_DAYS = 28  # "within two to four weeks": the plane after 28 daily steps


@cache
def caregiving_run(seed: int | None = None) -> dict:
    """Lesson 1 as the class sees it: the newborns, the plane after four weeks, the Strange
    Situation at 12 months, for the consistent (first) and the inconsistent (second) population."""
    lesson = LESSONS["caregiving"]
    room = Classroom(lesson.settings if seed is None else replace(lesson.settings, seed=seed))
    consistent, inconsistent = (p.model for p in room.populations)
    newborns = [p.frames[0] for p in room.populations]  # (anxiety, avoidance) of each newborn
    same_temperament = all(
        np.array_equal(
            getattr(consistent.population.temperament, k),
            getattr(inconsistent.population.temperament, k),
        )
        for k in ("reactivity", "soothability")
    )
    room.step(EARLY_DAYS)
    anxiety_line = consistent.params["anxiety_cutoff"]
    out = {
        "caregivers": [p.model.params["caregivers"] for p in room.populations],
        "newborns": newborns,
        "same_temperament": same_temperament,
        "anxiety_line": anxiety_line,
        "early": [plane(consistent), plane(inconsistent)],
        "early_secure": [
            float((m.population.categories() == "secure").mean())
            for m in (consistent, inconsistent)
        ],
        "early_anxious_side": [
            float((ecr_scale(m.population.dispositions.anxiety) >= anxiety_line).mean())
            for m in (consistent, inconsistent)
        ],
    }
    room.jump_to(lesson.jump_to)
    out["ssp"] = [class_shares(consistent), class_shares(inconsistent)]
    return out


def test_caregiving_lesson_compares_identical_newborns():
    # "Both populations start as identical newborns (same seed), all at one point just right of
    # the anxiety line": the same temperaments, and every newborn at the neutral starting point
    # (measured: anxiety 4.0, avoidance 2.48; the anxiety line is at 3.6).
    run = caregiving_run()
    assert run["caregivers"] == ["consistent", "inconsistent"]
    assert run["same_temperament"]
    first, second = run["newborns"]
    assert np.array_equal(first, second)
    assert np.ptp(first, axis=1).max() == 0  # one point
    assert run["anxiety_line"] <= first[0, 0] < run["anxiety_line"] + 1.0, first[:, 0]


def test_caregiving_lesson_within_weeks_consistent_care_moves_infants_to_the_secure_corner():
    # "Within two to four weeks the infants of the consistent caregivers move left into the
    # secure corner, while those of the inconsistent caregivers stay on the anxious side."
    # Measured on the lesson's seed after 4 weeks: consistent at (2.80, 1.84), 100% in the
    # secure corner, none right of the anxiety line; inconsistent at (4.06, 2.44), where they
    # started, 7% in the secure corner, 93% right of the line. Over SEEDS: consistent
    # (2.71-2.78, 1.83-1.89), 98-100% secure; inconsistent (4.02-4.07, 2.40-2.49), 1-7%. The
    # margins (0.5 ECR points apart, 80% against 30% in the corner, 80% on the anxious side)
    # fail for a model in which care made no difference (both populations alike).
    for seed in (None, *SEEDS):
        run = caregiving_run(seed)
        (anx_c, avo_c), (anx_i, avo_i) = run["early"]
        start = run["newborns"][0][0, 0]
        assert anx_c < start - 0.5 and anx_i > anx_c + 0.5, (seed, start, run["early"])
        # the two populations part along the anxiety axis more than the avoidance axis
        assert anx_i - anx_c > avo_i - avo_c, (seed, run["early"])
        secure_c, secure_i = run["early_secure"]
        assert secure_c >= 0.8 and secure_i <= 0.3, (seed, run["early_secure"])
        assert run["early_anxious_side"][1] >= 0.8, (seed, run["early_anxious_side"])


def test_caregiving_lesson_strange_situation_on_the_lesson_seed():
    # Measured (seed 1): consistent B 99%; inconsistent B 8%, C 92%. "Clearly more secure":
    # at least half the class apart; "mostly resistant": C the most common class and a majority.
    consistent, inconsistent = caregiving_run()["ssp"]
    assert consistent["B"] - inconsistent["B"] >= 0.5, (consistent, inconsistent)
    assert max(inconsistent, key=inconsistent.get) == "C", inconsistent
    assert inconsistent["C"] > 0.5, inconsistent


def test_caregiving_lesson_strange_situation_over_other_seeds():
    # Measured over SEEDS: consistent B 87-97%, inconsistent B 4-10% and C 86-96%. Each
    # seed must show the lesson (B apart by at least .5, C the most common class); pooled, the
    # presets produce mainly but never all of their own class: care predicts security only in
    # part (De Wolff & van IJzendoorn 1997, sensitivity and security r = .24) and infant
    # temperament and chance matter too.
    runs = [caregiving_run(seed)["ssp"] for seed in SEEDS]
    for seed, (consistent, inconsistent) in zip(SEEDS, runs, strict=True):
        assert consistent["B"] - inconsistent["B"] >= 0.5, (seed, consistent, inconsistent)
        assert max(inconsistent, key=inconsistent.get) == "C", (seed, inconsistent)
    pooled_b = np.mean([c["B"] for c, _ in runs])
    pooled_c = np.mean([i["C"] for _, i in runs])
    assert 0.8 <= pooled_b < 1.0 and 0.6 <= pooled_c < 1.0, (pooled_b, pooled_c)


def test_caregiving_lesson_rejecting_comparison_moves_infants_up_into_avoidance():
    # things_to_try: "Set the comparison to 'rejecting': its infants move up (avoidance), and the
    # Strange Situation finds avoidant (A) infants." Measured (seed 1): A 96%; plane at 12
    # months (3.34, 4.41) against the consistent (1.80, 1.66): up more than right.
    room = lesson_room("caregiving", compare="rejecting")
    consistent, rejecting = (p.model for p in room.populations)
    shares = class_shares(rejecting)
    assert max(shares, key=shares.get) == "A" and shares["A"] > 0.5, shares
    d_anx, d_avo = plane(rejecting) - plane(consistent)
    assert d_avo > 1.0 and d_avo > d_anx, (d_anx, d_avo)


# ---------------------------------------------------------------------------------------------
# Lesson 2: the three insecure styles in adult relationships (balanced mix, jump to 25)
# ---------------------------------------------------------------------------------------------
INSECURE = ("preoccupied", "dismissing", "fearful")


def category_shares(model) -> dict[str, float]:
    category = model.population.categories()
    return {c: float((category == c).mean()) for c in ("secure", *INSECURE)}


def couples_panel(model) -> pd.DataFrame:
    """The couples panel's bars as the class sees them: pairing (categories when the couple
    met), number of couples together now, mean satisfaction now."""
    bars = couples_spec(model)["hconcat"][1]["data"]["values"]
    rows = []
    for bar in bars:
        pair, count = re.fullmatch(r"(.+) \((\d+)\)", bar["pair"]).groups()
        rows.append({"pair": pair, "couples": int(count), "satisfaction": bar["satisfaction"]})
    return pd.DataFrame(rows)


def secure_vs_insecure_couples(model) -> tuple[float, float]:
    """Mean satisfaction of the couples together now: both partners secure when they met, and
    at least one insecure (the panel's satisfaction: partner a's, as the view draws it)."""
    couples = model.couples.now
    both_secure = (couples.category_a == "secure") & (couples.category_b == "secure")
    satisfaction = model.couples.satisfaction[couples.a]
    return float(satisfaction[both_secure].mean()), float(satisfaction[~both_secure].mean())


@cache
def adult_styles_run(seed: int | None = None) -> dict:
    """Lesson 2 at 25 (the lesson's jump), then on to the end of the run: every couple."""
    lesson = LESSONS["adult_styles"]
    room = Classroom(lesson.settings if seed is None else replace(lesson.settings, seed=seed))
    room.jump_to(lesson.jump_to)
    model = room.model
    at_jump = {
        "age": model.age_years,
        "shares": category_shares(model),
        "panel": couples_panel(model),
        "couples_now": secure_vs_insecure_couples(model),
    }
    room.jump_to(float("inf"))
    couples = pd.DataFrame(model.couples_table())
    both_secure = couples["pairing"] == "secure+secure"
    every_couple = (
        float(couples.loc[both_secure, "satisfaction"].mean()),
        float(couples.loc[~both_secure, "satisfaction"].mean()),
    )
    return {**at_jump, "every_couple": every_couple, "end_age": model.age_years}


def test_adult_styles_lesson_grows_all_four_categories():
    # Measured (seed 7, age 25): secure 54%, preoccupied 25%, dismissing 17%, fearful 4%. The
    # README's reference figures for the normative mix have fewer than 1% preoccupied: the
    # balanced mix exists to show all three insecure styles, so each must be on the screen:
    # at least 3 of the 100 people (the rarest, fearful, averages 7.8% over other seeds, so a
    # floor of 5 people would fail one seed in eight by chance; the average over seeds is held
    # to 5% in the next test; a model without caregiver effects makes almost none).
    run = adult_styles_run()
    assert run["age"] == pytest.approx(25.0)
    for category in INSECURE:
        assert run["shares"][category] >= 0.03, run["shares"]


def test_adult_styles_lesson_secure_couples_are_the_most_satisfied():
    # Measured (seed 7, age 25): 39 couples; secure + secure (14 couples) 0.645, the highest
    # bar (of any size), just ahead of preoccupied + secure (12 couples, 0.637); couples with
    # an insecure partner 0.616. Bars of one or two couples are noise (here four bars of one
    # couple each, 0.56-0.63), so the top is taken over pairings with at least 3 couples; the
    # gap of .02 is two thirds of the measured one (.030).
    run = adult_styles_run()
    panel = run["panel"]
    shown = panel[panel["couples"] >= 3]
    assert shown.loc[shown["satisfaction"].idxmax(), "pair"] == "secure + secure", panel
    secure, insecure = run["couples_now"]
    assert secure > insecure + 0.02, (secure, insecure)


def test_adult_styles_lesson_over_other_seeds():
    # Measured over SEEDS at 25: dismissing 17-36%, preoccupied 11-21%, fearful 5-11% (means
    # 26.5%, 15%, 7.8%); satisfaction of secure + secure couples together now 0.61-0.65 against
    # 0.56-0.59 for those with an insecure partner, higher in every seed (by .02-.08, mean
    # .060). Each seed must have every insecure category (fearful can be as rare as 5 of 100)
    # and the secure couples ahead; on average each category at least 5% and the gap at least
    # .03.
    rows = []
    for seed in SEEDS:
        run = adult_styles_run(seed)
        shares, (secure, insecure) = run["shares"], run["couples_now"]
        rows.append({**shares, "gap": secure - insecure})
        assert min(shares[c] for c in INSECURE) > 0, (seed, shares)
        assert secure > insecure, (seed, secure, insecure)
    mean = pd.DataFrame(rows, index=SEEDS).mean()
    assert all(mean[c] >= 0.05 for c in INSECURE), mean
    assert mean["gap"] >= 0.03, mean


def test_adult_styles_lesson_every_couple_to_30_secure_pairs_most_satisfied():
    # The same over whole relationships (the couples table at the end of the run, as the
    # couples experiment reads it: README, secure + secure the most satisfied at 0.64).
    # Measured: 0.642 against 0.608 on the lesson's seed; over SEEDS 0.637 against 0.592, ahead
    # in every seed (by .03-.06).
    gaps = []
    for seed in (None, *SEEDS):
        run = adult_styles_run(seed)
        assert run["end_age"] == pytest.approx(30.0)
        secure, insecure = run["every_couple"]
        gaps.append(secure - insecure)
        assert secure > insecure, (seed, secure, insecure)
    assert np.mean(gaps) >= 0.03, gaps


# ---------------------------------------------------------------------------------------------
# Lesson 3: continuity and change over the life course (normative, prototype, to 30)
# ---------------------------------------------------------------------------------------------
def continuity_measures(model) -> dict[str, float]:
    """From 12 months to the end of the run (30): the secure/insecure status (class B in the
    Strange Situation; secure category at 30), the places in the plane (ECR scores at the
    first birthday and at 30), and the share of secure people at each end."""
    life = pd.DataFrame(model.life_table())
    at_1 = life[life["age"] == 1].sort_values("person")
    at_30 = life[life["age"] == 30].sort_values("person")
    secure_12m = (model.ssp.attachment_class == "B").astype(float)
    secure_30 = at_30["secure"].to_numpy(dtype=float)
    moved = np.hypot(
        at_30["anxiety_ecr"].to_numpy() - at_1["anxiety_ecr"].to_numpy(),
        at_30["avoidance_ecr"].to_numpy() - at_1["avoidance_ecr"].to_numpy(),
    )
    # chance agreement: the share keeping their status if status at 30 were unrelated
    p12, p30 = secure_12m.mean(), secure_30.mean()
    return {
        "same_status": float((secure_12m == secure_30).mean()),
        "chance": float(p12 * p30 + (1 - p12) * (1 - p30)),
        "r": correlation(secure_12m, secure_30),
        "place_r": min(
            correlation(at_1[k].rank(), at_30[k].rank()) for k in ("anxiety_ecr", "avoidance_ecr")
        ),
        "moved": float(moved.mean()),
        "changed_category": float((at_1["secure"].to_numpy() != at_30["secure"].to_numpy()).mean()),
        "secure_1": float(at_1["secure"].mean()),
        "secure_30": float(p30),
    }


def test_continuity_lesson_most_people_keep_their_place():
    # Measured (seed 3, to 30): 73% keep their secure/insecure status from the Strange
    # Situation to 30 (chance: 55%), r = .47; rank correlation of each plane score between
    # the first birthday and 30 .93; 14% cross the secure line between the first birthday
    # and 30 (13 into security, 1 out of it); secure share 69% at 1 and 81% at 30. The README's
    # life_course experiment (100 runs): r about .56-.60, 80% keep their status to 20. Margins:
    # status kept by at least 15 points above chance (a model with no continuity keeps it only
    # by chance) and r >= .4 (no less stable than the data: Fraley 2002's meta-analytic .39);
    # places kept (rank r >= .8); change does happen (at least 5% cross) but the shares move
    # slowly (at most 15 points over 29 years).
    model = lesson_room("continuity").model
    assert model.age_years == pytest.approx(30.0) and not model.running
    m = continuity_measures(model)
    assert m["same_status"] >= m["chance"] + 0.15, m
    assert m["r"] >= 0.4, m
    assert m["place_r"] >= 0.8, m
    assert m["changed_category"] >= 0.05, m
    assert abs(m["secure_30"] - m["secure_1"]) <= 0.15, m


@cache
def continuity_run(seed: int | None = None) -> dict[str, dict[str, float]]:
    """Lesson 3 to 30 with the lesson's settings (and the seed), compared with the high-risk mix
    (same seed: the first population is the lesson's run itself), and once more with
    revisionist continuity."""
    room = lesson_room("continuity", seed=seed, compare="high_risk")
    prototype, high_risk = (continuity_measures(p.model) for p in room.populations)
    revisionist = continuity_measures(
        lesson_room("continuity", seed=seed, continuity="revisionist").model
    )
    return {"prototype": prototype, "high_risk": high_risk, "revisionist": revisionist}


def over_seeds(kind: str) -> pd.DataFrame:
    return pd.DataFrame([continuity_run(seed)[kind] for seed in SEEDS], index=SEEDS)


def test_continuity_lesson_over_other_seeds():
    # Measured over SEEDS (prototype): status kept 74-87% (mean 79%, chance about 55%),
    # r .49-.72 (mean .59), rank r of places .91-.96; 6-14% cross the secure line. Every seed
    # must show continuity above chance; the mean r must stay above Fraley's .39 (Fraley 2002:
    # the meta-analytic data favour the prototype account).
    prototype = over_seeds("prototype")
    assert (prototype["same_status"] > prototype["chance"] + 0.1).all(), prototype
    assert (prototype["place_r"] >= 0.8).all(), prototype
    assert prototype["r"].mean() >= 0.4, prototype


def test_continuity_lesson_revisionist_lowers_stability():
    # things_to_try: "Set continuity to 'revisionist' and Reset: with no pull back towards the
    # infant model, people drift further from where they started." Measured on the lesson's
    # seed: distance moved in the plane from 1 to 30, 0.28 ECR points (prototype) against 0.62
    # (revisionist); r of security .47 against .36. Over SEEDS: 0.26 against 0.64 (at least
    # twice as far in every seed); r .59 against .30 on average (over seeds 1-11, in one seed,
    # 7, the revisionist r was the higher, .63 against .60: one run's r is noisy, so r is
    # compared on the mean).
    # Fraley 2002: the prototype account predicts the higher stability. Margins: 1.5 times as
    # far in each seed; mean r lower by at least .1 (under half the measured gap).
    own = continuity_run()
    assert own["revisionist"]["moved"] > 1.5 * own["prototype"]["moved"], own
    assert own["revisionist"]["r"] < own["prototype"]["r"], own
    prototype, revisionist = over_seeds("prototype"), over_seeds("revisionist")
    assert (revisionist["moved"] > 1.5 * prototype["moved"]).all(), (prototype, revisionist)
    assert prototype["r"].mean() - revisionist["r"].mean() >= 0.1, (prototype, revisionist)


def test_continuity_lesson_high_risk_comparison():
    # things_to_try: "Compare with the 'high_risk' mix". Life events after the first year have
    # the same rates in both (they are separate settings: 0.99 against 1.04 per person over
    # SEEDS; 0.87 against 1.00 on the lesson's seed), so the difference is where people start.
    # Measured on the lesson's seed: secure at 1, 16% against 69%; moved 0.40 against 0.28 ECR
    # points (mostly towards security); 5% against 14% cross the secure line (4 of the 84
    # insecure at 1 cross into security, against 13 of 31). Over SEEDS: moved further in every
    # seed (0.40-0.45 against 0.23-0.29); crossed 7.3% against 9.9% on average (not in every
    # seed).
    for seed in (None, *SEEDS):
        run = continuity_run(seed)
        normative, high_risk = run["prototype"], run["high_risk"]
        assert high_risk["secure_1"] < normative["secure_1"] - 0.25, (seed, run)
        assert high_risk["moved"] > normative["moved"], (seed, run)
    own = continuity_run()
    assert own["high_risk"]["changed_category"] < own["prototype"]["changed_category"], own
    crossed = over_seeds("high_risk")["changed_category"].mean()
    assert crossed < over_seeds("prototype")["changed_category"].mean(), crossed


# ---------------------------------------------------------------------------------------------
# Lesson 4: ways towards security (balanced mix, attachment therapy for the insecure at 25)
# ---------------------------------------------------------------------------------------------
SKILLS = ("self_awareness", "communication_skills", "boundaries", "cbt_therapy")


@cache
def ways_room(
    seed: int | None = None, intervention: str | None = None, dose: float | None = None
) -> Classroom:
    """Lesson 4 as the demo builds it, jumped to the end of the run (to 12 months for the
    caregiver programme): the lesson's settings, or with the seed, the intervention (as the
    demo's Intervention control sets it) or the dose changed."""
    lesson = LESSONS["ways_towards_security"]
    settings = lesson.settings
    if seed is not None:
        settings = replace(settings, seed=seed)
    if intervention is not None:
        settings = settings.with_intervention(intervention)
    if dose is not None:
        settings = settings.with_param("intervention_dose", dose)
    room = Classroom(settings)
    room.jump_to(1.0 if intervention == "caregiver_sensitivity" else lesson.jump_to)
    return room


def trial_changes(model) -> dict[str, dict[str, float]]:
    """Per arm, from the start to the follow-up 1 year after the end: people, mean change of
    anxiety and avoidance (the model's own ECR scores, as the view draws them) and the share
    secure at the follow-up."""
    m, out = model.trial.measures, {}
    for code, arm in ((1, "treated"), (0, "controls")):
        who = model.trial.arm == code
        out[arm] = {
            "n": int(who.sum()),
            **{
                k: float(
                    (m[f"followup_true_{k}_ecr"][who] - m[f"baseline_true_{k}_ecr"][who]).mean()
                )
                for k in ("anxiety", "avoidance")
            },
            "secure": float((m["followup_category"][who] == "secure").mean()),
            "secure_before": float((m["baseline_category"][who] == "secure").mean()),
        }
    return out


def test_ways_lesson_therapy_lowers_avoidance_of_the_treated():
    # "The treated group's mean avoidance falls during the therapy and stays down after it
    # ends, while the controls' hardly moves: at the follow-up the treated have lost about a
    # quarter of an ECR point of avoidance, the controls almost none, and some of the treated
    # are now secure (none of the controls). Mean anxiety hardly changes in either group."
    # Measured (seed 6): 49 insecure at 25, 29 treated and 20 controls; avoidance -0.24
    # against -0.01, anxiety +0.01 against -0.00; secure at the follow-up 7% (2 people)
    # against 0%. The view's treated line: 3.52 at the start, 3.28 when the therapy ends, 3.28
    # at the follow-up and 3.28 at 30; the controls' 3.52 at the start, 3.51 at the follow-up
    # (3.48 at 30).
    # Margins: the treated fall by at least .15 and .15 more than the controls (a model in
    # which the therapy did nothing gives the two arms the same change); the controls and
    # anxiety move by less than .05; the fall is kept to 30 (within .05 of the end).
    room = ways_room()
    model = room.model
    assert model.age_years == pytest.approx(30.0) and not model.running
    arms = trial_changes(model)
    treated, controls = arms["treated"], arms["controls"]
    assert treated["n"] >= 10 and controls["n"] >= 10, arms
    assert treated["secure_before"] == controls["secure_before"] == 0.0, arms  # the insecure
    assert treated["avoidance"] <= -0.15, arms
    assert treated["avoidance"] - controls["avoidance"] <= -0.15, arms
    assert abs(controls["avoidance"]) < 0.05, arms
    assert abs(treated["anxiety"]) < 0.05 and abs(controls["anxiety"]) < 0.05, arms
    assert treated["secure"] > 0 and controls["secure"] == 0, arms
    # the view: (age, treated anxiety, treated avoidance, control anxiety, control avoidance)
    line = np.asarray(room.populations[0].arms)
    ages = line[:, 0]
    start, end, followup = 25.0, 25.5, 26.5
    assert ages[0] == pytest.approx(start)
    at = {a: line[np.argmin(np.abs(ages - a))] for a in (start, end, followup, 30.0)}
    assert at[end][2] < at[start][2] - 0.15, at
    assert abs(at[30.0][2] - at[end][2]) < 0.05, at
    assert abs(at[followup][4] - at[start][4]) < 0.05, at


def test_ways_lesson_over_other_seeds():
    # Measured over SEEDS (block draws): 17-32 treated (38-60 in the trial); avoidance of the
    # treated -0.19 to -0.26, of the controls -0.006 to -0.017 (the gap .18-.25 in every seed);
    # the controls' anxiety within .025 of zero; the treated's anxiety -0.03 to +0.04 (mean
    # +0.002, sd .026 between seeds: 17-32 people a seed); secure at the follow-up 7-31% of the
    # treated against 0-11% of the controls (means 19% and 5%). Margins: a gap of at least .15
    # in each seed; the treated's mean change of anxiety over the seeds within 3 standard errors
    # of zero ("anxiety does not fall", a claim about the mean, not about every small arm); on
    # average more of the treated secure by at least 10 points.
    rows = []
    for seed in SEEDS:
        arms = trial_changes(ways_room(seed).model)
        treated, controls = arms["treated"], arms["controls"]
        assert treated["avoidance"] - controls["avoidance"] <= -0.15, (seed, arms)
        assert abs(controls["anxiety"]) < 0.05, (seed, arms)
        rows.append(
            {
                "treated": treated["secure"],
                "controls": controls["secure"],
                "anxiety": treated["anxiety"],
            }
        )
    table = pd.DataFrame(rows, index=SEEDS)
    anxiety = table["anxiety"]
    assert abs(anxiety.mean()) <= 3 * anxiety.std() / np.sqrt(len(anxiety)), anxiety
    secure = table[["treated", "controls"]].mean()
    assert secure["treated"] >= secure["controls"] + 0.1, secure


def test_ways_lesson_dose_zero_does_nothing():
    # things_to_try: "Set the dose to 0: the treated change no more than the controls."
    # Measured (seed 6): avoidance -0.01 against -0.01, anxiety -0.00 against -0.01, nobody
    # secure at the follow-up. The same people are in the same arms (the trial's own random
    # stream), so the difference is the therapy alone.
    arms = trial_changes(ways_room(dose=0.0).model)
    full = trial_changes(ways_room().model)
    assert arms["treated"]["n"] == full["treated"]["n"], (arms, full)
    for k in ("anxiety", "avoidance"):
        assert abs(arms["treated"][k] - arms["controls"][k]) < 0.05, arms


def test_ways_lesson_skills_hardly_move_the_working_model():
    # things_to_try: the skills "change what people do and how they read others, not the
    # working model itself, so within the follow-up the treated hardly differ from the
    # controls". Measured (seed 6): avoidance change of treated minus controls +0.001
    # (self_awareness), +0.003 (communication_skills, couples only), -0.006 (boundaries),
    # +0.006 (cbt_therapy); anxiety within .01. Margin: under .05 (a fifth of the therapy's
    # effect).
    for intervention in SKILLS:
        arms = trial_changes(ways_room(intervention=intervention).model)
        assert arms["treated"]["n"] >= 5 and arms["controls"]["n"] >= 5, (intervention, arms)
        for k in ("anxiety", "avoidance"):
            gap = arms["treated"][k] - arms["controls"][k]
            assert abs(gap) < 0.05, (intervention, k, arms)


def test_ways_lesson_caregiver_programme_at_12_months():
    # things_to_try: "Choose caregiver_sensitivity (it starts at 3 months) and jump to 12
    # months: the treated infants' caregivers answer more bids, and more of the infants are
    # secure (B)." Measured (seed 6): observed sensitivity .72 against .61, B 55% against 22%.
    # Over SEEDS: sensitivity .65-.82 against .54-.67, higher in every seed; B 39-67% against
    # 20-33%, higher in every seed (by 11 to 44 points). Margins: both higher in every seed,
    # B by at least 15 points on average (a programme without effect: no difference).
    gaps = []
    for seed in (None, *SEEDS):
        model = ways_room(seed, intervention="caregiver_sensitivity").model
        assert model.params["intervention_age"] == 0.25 and model.ssp is not None
        treated, controls = model.trial.arm == 1, model.trial.arm == 0
        observed, secure = model.infancy.observed_sensitivity, model.ssp.attachment_class == "B"
        assert np.nanmean(observed[treated]) > np.nanmean(observed[controls]), seed
        gap = secure[treated].mean() - secure[controls].mean()
        assert gap > 0, (seed, gap)
        gaps.append(gap)
    assert np.mean(gaps) >= 0.15, gaps


def test_ways_lesson_three_generations():
    # things_to_try: "Run 3 generations: children of secure parents are more often secure (B)
    # than children of insecure parents, though far from always." The demo's generations view
    # on the lesson's settings (the run lengthened to 35 so every parent lives to the birth).
    # One run of 100 families is small (with the earlier draws, the lesson's seed showed no
    # difference at all in the second generation): on the lesson's seed 6 the second generation
    # shows B 64% of secure parents' children against 44% (kappa .19) and the third 72% against
    # 41% (kappa .25). Over seeds 6 and 101-103 (measured): B 70% against 52% in the second
    # generation and 72% against 41% in the third, kappa .14-.29 per run. Margins:
    # pooled over the four seeds, secure parents' children ahead by 10 points and kappa above .1
    # in each child generation (the pooled sd of a difference of shares is about .05 here).
    lesson = LESSONS["ways_towards_security"]
    settings = generation_settings(lesson.settings, 3)
    assert settings.full()["horizon_years"] == 35
    frames = []
    for seed in (settings.seed, 101, 102, 103):
        out = simulate(RunSpec("run", 0, seed, settings.full()))
        frames.append(pd.DataFrame(out.tables["infants"]).assign(seed=seed))
    people = pd.concat(frames, ignore_index=True)
    for generation in (1, 2):
        children = people[people["generation"] == generation]
        secure_parent = children["parent_secure"] == 1
        b_secure = children.loc[secure_parent, "secure"].mean()
        b_insecure = children.loc[~secure_parent, "secure"].mean()
        assert b_secure - b_insecure > 0.10, (generation, b_secure, b_insecure)
        assert transmission(children)["kappa"] > 0.1
