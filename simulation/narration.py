"""One infant's Strange Situation told episode by episode: what it felt, what a coder saw at
each reunion, the scores, the class and why, and what the infant had learned (which the coder
never sees).

``story(model, infant)`` reads a model into a ``Story``; ``markdown(story)`` renders it for the
classroom demo and ``plain_text(story)`` for ``attachment-sim ssp``. No user interface here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from simulation.labels import class_label
from simulation.model.strange_situation import EPISODES, REUNIONS
from simulation.model.working_model import anxiety, avoidance

if TYPE_CHECKING:
    from simulation.model import AttachmentModel

EPISODE_MINUTES = 3
# Felt distress (the model's level at the end of an episode) in words, by upper limit: 1 is
# about what a first separation from the caregiver brings to an average infant.
DISTRESS_WORDS = ((0.25, "calm"), (0.7, "fussing"), (1.4, "crying"), (math.inf, "crying hard"))
RATING_TOP = {
    "proximity_seeking": 7,
    "contact_maintaining": 7,
    "resistance": 7,
    "avoidance": 7,
    "disorganisation": 9,
}
# What the class means, in the words of Ainsworth et al. (1978) and Main & Solomon (1990).
WHY = {
    "A": "avoided the caregiver at reunion: distress was kept out of sight",
    "B": "sought the caregiver at reunion, was comforted and went back to play",
    "C": "sought contact at reunion but resisted it angrily and was hard to settle",
    "D": "showed contradictory or frightened behaviour towards the caregiver at reunion",
}


@dataclass(frozen=True)
class Reunion:
    """What a coder rates and sees when the caregiver comes back."""

    ratings: dict[str, float]  # scale -> rating (1-7; disorganisation 1-9)
    seen: str


@dataclass(frozen=True)
class Episode:
    number: int  # 1-8
    name: str
    present: str  # who is with the infant
    distress: float  # felt at the end of the episode
    reunion: Reunion | None  # for the two reunions

    @property
    def feeling(self) -> str:
        return distress_word(self.distress)


@dataclass(frozen=True)
class Verdict:
    """The class from the scores alone, and why."""

    attachment_class: str
    organised_class: str  # the best-fitting organised class (the alternative under a D)
    scores: dict[str, float]  # the higher of the two reunion ratings
    reason: str  # the scores against the cut-offs
    why: str  # what the class means, in one sentence


@dataclass(frozen=True)
class Story:
    """One infant's first year and Strange Situation (``episodes`` empty before 12 months)."""

    infant: int
    caregiver_style: str  # the first caregiver's style (in a mix, the nearest named style)
    caregiver: dict[str, float]  # the first caregiver's dimensions
    lost_on_day: int | None  # the day the first caregiver was lost, if they were by now
    reactivity: float
    soothability: float
    days_to_go: int  # until the Strange Situation (0 once it has run)
    episodes: tuple[Episode, ...] = ()
    verdict: Verdict | None = None
    learned: dict[str, float] | None = None  # the working model at 12 months, its scores


def distress_word(level: float) -> str:
    return next(word for limit, word in DISTRESS_WORDS if level < limit)


def reunion_words(ratings: dict[str, float]) -> str:
    """What a coder sees, from the ratings: the rating a scale's anchor text describes."""
    words = []
    if ratings["proximity_seeking"] >= 5:
        words.append("goes straight to the caregiver")
    elif ratings["proximity_seeking"] <= 2.5:
        words.append("does not approach")
    if ratings["contact_maintaining"] >= 5:
        words.append("clings once picked up")
    if ratings["resistance"] >= 4:
        words.append("angrily pushes away while wanting contact")
    if ratings["avoidance"] >= 4:
        words.append("looks away and ignores the caregiver")
    if ratings["disorganisation"] >= 5:
        words.append("freezes, approaches with head averted")
    return "; ".join(words) or "greets the caregiver and settles"


def reason(cls: str, scores: dict[str, float], params: dict) -> str:
    """The scores against the classifier's cut-offs (``strange_situation.classify``)."""
    return {
        "D": f"disorganisation {scores['disorganisation']:.1f} >= {params['ssp_d_cutoff']:g}",
        "A": f"avoidance {scores['avoidance']:.1f} >= {params['ssp_avoidance_cutoff']:g} "
        "and not below resistance",
        "C": f"resistance {scores['resistance']:.1f} >= {params['ssp_resistance_cutoff']:g} "
        "and avoidance below its cut-off or below resistance",
        "B": "neither avoidance nor resistance reaches its cut-off, no disorganisation",
    }[cls]


def story(model: AttachmentModel, infant: int) -> Story:
    """The story of ``infant`` in ``model`` so far (the one place that reads the model)."""
    lost = int(model.infancy.disruption_day[infant])
    told = Story(
        infant=infant,
        caregiver_style=str(model.population.caregiver_style[infant]),
        caregiver=model.population.first_caregivers.row(infant),
        lost_on_day=lost if 0 <= lost < model.day else None,
        reactivity=float(model.population.temperament.reactivity[infant]),
        soothability=float(model.population.temperament.soothability[infant]),
        days_to_go=max(0, model.days - model.day),
    )
    ssp = model.ssp
    if ssp is None:
        return told
    episodes = []
    for e, (name, present, _) in enumerate(EPISODES):
        reunion = None
        if e in REUNIONS:
            r = REUNIONS.index(e)
            ratings = {k: float(v[infant, r]) for k, v in ssp.reunion_scores.items()}
            reunion = Reunion(ratings, reunion_words(ratings))
        episodes.append(Episode(e + 1, name, present, float(ssp.distress[infant, e]), reunion))
    scores = {k: float(v[infant]) for k, v in ssp.scores.items()}
    cls = str(ssp.attachment_class[infant])
    verdict = Verdict(
        cls, str(ssp.organised_class[infant]), scores, reason(cls, scores, model.params), WHY[cls]
    )
    # the model the procedure saw: the one kept at 12 months (later learning is not its story)
    at_12 = model.population.prototype
    own = at_12.select(slice(infant, infant + 1))
    learned = {
        **at_12.row(infant),
        "anxiety": float(anxiety(own)[0]),
        "avoidance": float(avoidance(own)[0]),
    }
    return replace(told, episodes=tuple(episodes), verdict=verdict, learned=learned)


# ---------------------------------------------------------------------- the two renderings
def _numbers(values: dict[str, float], form: str = ".2f", sep: str = ", ") -> str:
    return sep.join(f"{k.replace('_', ' ')} {v:{form}}" for k, v in values.items())


def _ratings(ratings: dict[str, float]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v:.1f}/{RATING_TOP[k]}" for k, v in ratings.items())


def _class_line(verdict: Verdict) -> str:
    organised = (
        f" (best-fitting organised class {verdict.organised_class})"
        if verdict.attachment_class == "D"
        else ""
    )
    return f"{class_label(verdict.attachment_class)}{organised}"


def _learned(learned: dict[str, float]) -> str:
    model = {k: v for k, v in learned.items() if k not in ("anxiety", "avoidance")}
    return (
        f"{_numbers(model)}; anxiety {learned['anxiety']:.2f}, avoidance {learned['avoidance']:.2f}"
    )


def _caregiver_lines(told: Story) -> tuple[str, str | None, str]:
    caregiver = f"Caregiver ({told.caregiver_style} style): {_numbers(told.caregiver)}"
    lost = (
        None
        if told.lost_on_day is None
        else f"this caregiver was lost on day {told.lost_on_day}; a new one followed"
    )
    infant = (
        f"reactivity {told.reactivity:.2f} (1 = average), soothability {told.soothability:.2f}"
        " (0-1)"
    )
    return caregiver, lost, infant


def plain_text(told: Story) -> str:
    """The story for a terminal: one line per episode, the reunions' ratings and what was seen."""
    caregiver, lost, infant = _caregiver_lines(told)
    lines = [caregiver]
    if lost:
        lines.append(f"  ({lost})")
    lines.append(f"Infant: {infant}")
    if told.verdict is None:
        lines.append(f"\nThe Strange Situation is run at 12 months: {told.days_to_go} days to go.")
        return "\n".join(lines)
    episode = f"Episode ({EPISODE_MINUTES} minutes each)"
    lines.append(f"\n{episode:34s}{'with the infant':24s}felt distress")
    for ep in told.episodes:
        lines.append(
            f"{f'{ep.number}. {ep.name}':34s}{ep.present:24s}{ep.distress:4.2f} {ep.feeling}"
        )
        if ep.reunion is not None:
            lines.append(f"     ratings: {_ratings(ep.reunion.ratings)}")
            lines.append(f"     seen: {ep.reunion.seen}")
    verdict = told.verdict
    lines += [
        "",
        f"Scores (higher of the two reunions): {_numbers(verdict.scores, '.1f')}",
        f"Class: {_class_line(verdict)}: {verdict.reason}.",
        f"The infant {verdict.why}.",
    ]
    if told.learned is not None:
        lines.append(
            f"\nWhat the infant had learned (the coder never sees this): {_learned(told.learned)}"
        )
    return "\n".join(lines)


def markdown(told: Story) -> str:
    """The story for the demo's card: the episodes as a table, then the reunions and the class."""
    caregiver, lost, infant = _caregiver_lines(told)
    head = f"**Infant {told.infant}**. {caregiver}" + (f"; {lost}" if lost else "")
    head += f". Temperament: {infant}."
    if told.verdict is None:
        return head + (
            f"\n\nThe Strange Situation is run at 12 months: {told.days_to_go} days to go."
            " Press Step or jump to 12 months."
        )
    rows = [
        f"| episode ({EPISODE_MINUTES} minutes each) | with the infant | felt distress |",
        "|---|---|---|",
    ]
    rows += [
        f"| {ep.number}. {ep.name} | {ep.present} | {ep.distress:.2f} {ep.feeling} |"
        for ep in told.episodes
    ]
    reunions = [
        f"- **{ep.name}**: {ep.reunion.seen} ({_ratings(ep.reunion.ratings)})"
        for ep in told.episodes
        if ep.reunion is not None
    ]
    verdict = told.verdict
    parts = [
        head,
        "\n".join(rows),
        "At the reunions, as a coder rates them:\n\n" + "\n".join(reunions),
        f"Scores (higher of the two reunions): {_numbers(verdict.scores, '.1f', ' · ')}",
        f"**Class {_class_line(verdict)}**: the infant {verdict.why} ({verdict.reason}).",
    ]
    if told.learned is not None:
        parts.append(
            f"What the infant had learned (the coder never sees this): {_learned(told.learned)}"
        )
    return "\n\n".join(parts)
