"""The demo's lessons: one per section of the source text (the article "What Is Attachment
Insecurity & How Does It Affect You?"), each a preset of the demo's settings.

A lesson says what to select and what the class should see. ``tests/test_lessons.py`` runs
each preset and checks that the model shows it; ``docs/teaching_guide.md`` tells the story.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulation.demo.state import Settings


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    text_section: str  # the section of the source text the lesson follows
    settings: Settings
    jump_to: float  # the age (years) to jump to first
    notice: str  # what the class should see
    things_to_try: tuple[str, ...]

    def card(self) -> str:
        """The lesson card (Markdown): what the text says, what to see, what to try next."""
        tries = "\n".join(f"- {t}" for t in self.things_to_try)
        return (
            f"**{self.title}** (from the text: *{self.text_section}*; jump to age"
            f" {self.jump_to:g}). What to see: {self.notice}\n\nThings to try:\n\n{tries}"
        )


LESSONS: dict[str, Lesson] = {
    lesson.key: lesson
    for lesson in (
        Lesson(
            key="caregiving",
            title="1. How caregiving shapes infant strategies",
            text_section="Origins of Insecure Attachment",
            settings=Settings({"caregivers": "consistent", "horizon_years": 1}, 1, "inconsistent"),
            jump_to=1.0,
            notice="Both populations start as identical newborns (same seed), all at one point"
            " just right of the anxiety line: a newborn has learned nothing yet. Within two to"
            " four weeks the infants of the consistent caregivers move left into the secure"
            " corner, while those of the inconsistent caregivers stay on the anxious side (right)"
            " and spread out. At 12 months the Strange Situation finds clearly more secure (B)"
            " infants in the consistent population, and mostly resistant (C) infants in the"
            " inconsistent one.",
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
            text_section="How Insecurity Manifests in Relationships",
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
            text_section="Origins of Insecure Attachment: internal working models guide later"
            " relationships",
            settings=Settings({"caregivers": "normative", "continuity": "prototype"}, 3),
            jump_to=30.0,
            notice="In an ordinary population most people stay near where they were at 12 months:"
            " the dots keep their places in the plane while the class shares change slowly."
            " Change does happen: a loss, a new stable caregiver, or a partner can move someone"
            " across a line.",
            things_to_try=(
                "Set continuity to 'revisionist' and Reset: with no pull back towards the infant"
                " model, people drift further from where they started.",
                "Compare with the 'high_risk' mix: its people start far from the secure corner"
                " and move further across the plane over the years, yet a smaller share of them"
                " cross into it. Life events after infancy are just as common in both: where you"
                " start matters.",
            ),
        ),
        Lesson(
            key="ways_towards_security",
            title="4. Ways towards security",
            text_section="Moving Towards Secure Attachment",
            settings=Settings(
                {
                    "caregivers": "balanced",
                    "intervention": "attachment_therapy",
                    "intervention_target": "insecure",
                },
                6,
            ),
            jump_to=30.0,
            notice="The people raised by the balanced mix (as in lesson 2) who are insecure at 25"
            " are split by lot: about half get half a year of attachment-based therapy, the"
            " others are their controls and get nothing. In the treated-and-controls view, the"
            " treated group's mean avoidance falls during the therapy and stays down after it"
            " ends, while the controls' hardly moves: at the follow-up, a year after the end,"
            " the treated have lost about a quarter of an ECR point of avoidance, the controls"
            " almost none, and some of the treated are now secure (none of the controls in this"
            " run). Mean anxiety hardly changes in either group.",
            things_to_try=(
                "Set the dose to 0 and Reset: the treated change no more than the controls (an"
                " intervention works only through what it changes).",
                "Try the other interventions: the skills (self_awareness, communication_skills,"
                " boundaries, cbt_therapy) change what people do and how they read others, not"
                " the working model itself, so within the follow-up the treated hardly differ"
                " from the controls.",
                "Choose caregiver_sensitivity (it starts at 3 months) and jump to 12 months: the"
                " treated infants' caregivers answer more bids, and more of the infants are"
                " secure (B).",
                "Run 3 generations: children of secure parents are more often secure (B) than"
                " children of insecure parents, though far from always.",
            ),
        ),
    )
}

DEFAULT_LESSON = "caregiving"
