"""The demo's lessons: one per section of the seed text, each a preset of the demo's settings.

A lesson says what to select and what the class should see. ``tests/test_lessons.py`` runs
each preset and checks that the model shows it; ``docs/teaching_guide.md`` tells the story.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulation.demo import Settings


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    seed_section: str  # the section of the seed text the lesson follows
    settings: Settings
    jump_to: float  # the age (years) to jump to first
    notice: str  # what the class should see
    things_to_try: tuple[str, ...]


LESSONS: dict[str, Lesson] = {
    lesson.key: lesson
    for lesson in (
        Lesson(
            key="caregiving",
            title="1. How caregiving shapes infant strategies",
            seed_section="Sources of attachment insecurity; consistent, inconsistent and rejecting"
            " caregiving",
            settings=Settings({"caregivers": "consistent", "horizon_years": 1}, 1, "inconsistent"),
            jump_to=1.0,
            notice="Both populations start as identical newborns (same seed). Within weeks the"
            " infants of the inconsistent caregivers drift right (anxiety) while those of the"
            " consistent caregivers gather in the secure corner. At 12 months the Strange"
            " Situation finds clearly more secure (B) infants in the consistent population, and"
            " mostly resistant (C) infants in the inconsistent one.",
            things_to_try=(
                "Set the comparison to 'rejecting': its infants move up (avoidance), and the"
                " Strange Situation finds avoidant (A) infants.",
                "Choose 'spectrum' and slide from consistent to rejecting: where does security"
                " give way?",
                "Pick one infant in the Strange Situation report: compare the two reunions.",
            ),
        ),
        Lesson(
            key="adult_styles",
            title="2. The three insecure styles in adult relationships",
            seed_section="Anxious (preoccupied), avoidant (dismissing) and disorganised (fearful)"
            " attachment in adults",
            settings=Settings({"caregivers": "balanced"}, 7),
            jump_to=25.0,
            notice="A population raised by all four kinds of caregiver grows up into all four"
            " adult categories: preoccupied (anxious), dismissing (avoidant) and fearful adults"
            " beside the secure. From 18 they pair up; couples of two secure partners are the"
            " most satisfied, and couples with an insecure partner less so.",
            things_to_try=(
                "Run the ensemble: is this population's share of fearful adults typical?",
                "Set caregivers to 'rejecting' and Reset: where do the adults end up?",
                "Watch the couples panel over several adult years: which pairs stay satisfied?",
            ),
        ),
        Lesson(
            key="continuity",
            title="3. Continuity and change over the life course",
            seed_section="Attachment across the lifespan: working models carried forward and"
            " revised by later relationships",
            settings=Settings({"caregivers": "normative", "continuity": "prototype"}, 3),
            jump_to=30.0,
            notice="In an ordinary population most people stay near where they were at 12 months:"
            " the dots keep their places in the plane while the class shares change slowly."
            " Change does happen: a loss, a new stable caregiver, or a partner can move someone"
            " across a line.",
            things_to_try=(
                "Set continuity to 'revisionist' and Reset: with no pull back towards the infant"
                " model, people drift further from where they started.",
                "Compare with the 'high_risk' mix: more life events, more change.",
            ),
        ),
    )
}

DEFAULT_LESSON = "caregiving"
