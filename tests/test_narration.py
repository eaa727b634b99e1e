"""One infant's Strange Situation, told once (``simulation.narration``) for the demo's card and for
``attachment-sim ssp``: the story holds the model's own numbers, and both renderings show them."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache

import numpy as np
import pytest

from simulation.model import AttachmentModel
from simulation.model.strange_situation import EPISODES, REUNIONS, classify
from simulation.narration import DISTRESS_WORDS, distress_word, markdown, plain_text, story

INFANTS = 60  # enough for every class to occur in the high-risk mix (seed 3: A, B, C and D)


@cache
def first_year(**params) -> AttachmentModel:
    model = AttachmentModel(rng=3, n_dyads=INFANTS, caregivers="high_risk", **params)
    while model.day < model.days:
        model.step()
    return model


def test_the_story_is_the_models_strange_situation():
    model = first_year(horizon_years=1)
    ssp = model.ssp
    for infant in range(INFANTS):
        told = story(model, infant)
        assert [e.distress for e in told.episodes] == pytest.approx(ssp.distress[infant])
        assert [e.name for e in told.episodes] == [name for name, _, _ in EPISODES]
        reunions = [e for e in told.episodes if e.reunion is not None]
        assert [e.number - 1 for e in reunions] == list(REUNIONS)
        for r, episode in enumerate(reunions):
            for scale, ratings in ssp.reunion_scores.items():
                assert episode.reunion.ratings[scale] == ratings[infant, r]
        verdict = told.verdict
        assert verdict.attachment_class == ssp.attachment_class[infant]
        assert verdict.organised_class == ssp.organised_class[infant]
        assert told.reactivity == model.population.temperament.reactivity[infant]
        assert told.lost_on_day == (
            int(model.infancy.disruption_day[infant])
            if model.infancy.disruption_day[infant] >= 0
            else None
        )
    classes = {story(model, i).verdict.attachment_class for i in range(INFANTS)}
    assert classes == {"A", "B", "C", "D"}  # every reason below is exercised


def test_the_reason_quotes_the_scores_against_the_cut_offs():
    # other cut-offs than the defaults: the reason quotes the ones the run used, and the class
    # the scores and those cut-offs give (the classifier itself, called here)
    cutoffs = {"ssp_d_cutoff": 6.0, "ssp_avoidance_cutoff": 3.5, "ssp_resistance_cutoff": 4.5}
    model = first_year(horizon_years=1, **cutoffs)
    for infant in range(INFANTS):
        verdict = story(model, infant).verdict
        scores = {k: np.array([v]) for k, v in verdict.scores.items()}
        expected, _ = classify(scores, *cutoffs.values())
        assert verdict.attachment_class == expected[0]
        quoted = [float(x) for x in re.findall(r">= (\d+(?:\.\d+)?)", verdict.reason)]
        assert (
            quoted
            == {
                "D": [cutoffs["ssp_d_cutoff"]],
                "A": [cutoffs["ssp_avoidance_cutoff"]],
                "C": [cutoffs["ssp_resistance_cutoff"]],
                "B": [],
            }[verdict.attachment_class]
        )


def test_distress_words_rise_with_distress():
    levels = np.linspace(0, 3, 61)
    words = [distress_word(x) for x in levels]
    order = [word for _, word in DISTRESS_WORDS]
    assert [order.index(w) for w in words] == sorted(order.index(w) for w in words)
    assert set(words) == set(order)


def test_both_renderings_tell_the_same_story():
    model = first_year(horizon_years=1)
    for infant in (0, 7, 31):
        told = story(model, infant)
        for text in (plain_text(told), markdown(told)):
            distress = [float(x) for x in re.findall(r"(\d+\.\d\d) (?:calm|fussing|crying)", text)]
            assert distress == pytest.approx([e.distress for e in told.episodes], abs=0.005)
            assert len(re.findall(r"proximity seeking \d\.\d/7", text)) == len(REUNIONS)
            assert told.verdict.reason in text and told.verdict.why in text
            assert f"reactivity {told.reactivity:.2f}" in text


def test_before_12_months_the_story_counts_down():
    model = AttachmentModel(rng=3, n_dyads=5, horizon_years=1)
    for _ in range(40):
        model.step()
    told = story(model, 2)
    assert told.episodes == () and told.verdict is None
    assert told.days_to_go == model.days - model.day == 325
    for text in (plain_text(told), markdown(told)):
        assert "325 days to go" in text


def test_later_the_story_is_still_the_one_of_12_months():
    # the demo shows the report at any age: what the infant had learned is the model the
    # Strange Situation saw, not the person's model now
    model = AttachmentModel(rng=3, n_dyads=20, caregivers="high_risk", horizon_years=5)
    while model.day < model.days:
        model.step()
    at_12 = [story(model, i) for i in range(20)]
    while model.running:
        model.step()
    assert [story(model, i) for i in range(20)] == at_12
    assert any(  # while the working models did move on
        abs(model.population.working_model.row(i)["self_model"] - at_12[i].learned["self_model"])
        > 0.01
        for i in range(20)
    )


def test_telling_a_story_needs_no_user_interface():
    code = "import sys, simulation.narration; sys.exit('solara' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
