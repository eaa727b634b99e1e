"""What the demo says in words: the clock, the Strange Situation classes, the intervention and its
result, the couples and the generations. Plain strings (some Markdown) from the classroom's state
and numbers; one infant's Strange Situation is told by ``simulation.narration``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from simulation.demo.trial import adult_trial_changes, arm_sizes, programme_length, trial_marks
from simulation.labels import class_label, years_label
from simulation.model.interventions import (
    FOLLOW_UP_YEARS,
    INFANCY_INTERVENTIONS,
    INTERVENTIONS,
    end_age,
    follow_up_age,
)
from simulation.model.life_course import ADOLESCENCE_AGE, ADULT_AGE, INFANCY
from simulation.model.strange_situation import CLASSES

if TYPE_CHECKING:
    from simulation.demo.state import Classroom, Population
    from simulation.model import AttachmentModel


# ---------------------------------------------------------------------- the clock in words
def age_label(age: float) -> str:
    """A readable age: infant day N, child age, adult year."""
    if age < 1.0 - 1e-9:
        return f"infant, day {round(age * 365)} of 365"
    if age < ADULT_AGE - 1e-9:
        years = int(age + 1e-9)
        months = round((age - years) * 12)
        stage = "adolescent" if years >= ADOLESCENCE_AGE else "child"
        return f"{stage}, age {years} y {months} m"
    return f"adult, year {int(age - ADULT_AGE + 1e-9) + 1} (age {age:.1f})"


def stage_label(model: AttachmentModel) -> str:
    if model.stage == INFANCY:
        return f"Infancy: day {model.day} of {model.days}"
    return age_label(model.age_years).capitalize()


def clock_text(room: Classroom) -> str:
    """Mesa's clock: the steps taken."""
    ended = "" if room.running else " (the run has ended)"
    return f"Time: {room.clock}.0{ended}"


# ---------------------------------------------------------------------- Strange Situation
def ssp_summary(populations: list[Population]) -> str:
    """Each population's Strange Situation classes at 12 months, in one line each ("" before)."""
    lines = []
    for p in populations:
        if p.model.ssp is None:
            return ""
        classes = p.model.ssp.attachment_class
        shares = ", ".join(f"{class_label(c)} {(classes == c).mean():.0%}" for c in CLASSES)
        lines.append(f"- **{p.label}**: {shares}")
    return "Strange Situation at 12 months:\n\n" + "\n".join(lines)


# ---------------------------------------------------------------------- couples
def couples_waiting(model: AttachmentModel) -> str | None:
    """Why the couples view is empty, or None when it has couples to show."""
    if model.horizon <= 1:
        return "This run ends at 12 months: no adults. Choose a lesson that runs to 30."
    if model.age_years < ADULT_AGE:
        return f"Couples form from age {ADULT_AGE}. Jump to adulthood to see them."
    return None


# ---------------------------------------------------------------------- ways towards security
def _who(intervention: str) -> str:
    record = INTERVENTIONS[intervention]
    if record.unit == "couple":
        return "couples (both partners take part)"
    return "single people" if record.eligible == "singles" else "people"


def programme_note(params: dict[str, Any]) -> str | None:
    """Under the intervention's controls: whom it reaches, how long, when it is measured."""
    intervention = params["intervention"]
    if intervention in INFANCY_INTERVENTIONS:
        return (
            "Given to the caregivers of a random share of all infants; measured at 9 months"
            " (home visits) and 12 months (Strange Situation)."
        )
    if params["intervention_age"] < ADULT_AGE:
        return None
    return (
        f"For {_who(intervention)} in the chosen group when it starts, split by lot;"
        f" {programme_length(params)} weeks, to age {end_age(params):.2f}; follow-up"
        f" {years_label(FOLLOW_UP_YEARS)} later ({follow_up_age(params):.2f}); the run ends at"
        f" {params['horizon_years']}."
    )


def _start(model: AttachmentModel) -> str:
    p = model.params
    if p["intervention"] in INFANCY_INTERVENTIONS:
        return f"at {round(p['intervention_age'] * 12)} months"
    return f"at age {trial_marks(model)[0][1]:g}"


def intervention_heading(model: AttachmentModel, populations: int = 1) -> str:
    """The intervention in one sentence: what, for whom, when, how many, how strong."""
    p = model.params
    target = p["intervention_target"]
    # the caregiver programme is offered to every infant's caregivers
    everyone = target == "everyone" or p["intervention"] in INFANCY_INTERVENTIONS
    whom = "everyone" if everyone else f"the {target}"
    heading = (
        f"**{p['intervention']}** ({INTERVENTIONS[p['intervention']].note}): for {whom}, starting"
        f" {_start(model)}; a random {p['intervention_share']:.0%} of them treated at dose"
        f" {p['intervention_dose']:g}, the others their controls."
    )
    return heading + (" Shown for the first population." if populations > 1 else "")


def intervention_waiting(model: AttachmentModel) -> str:
    """Before anyone is randomised: when it starts, or that nobody could take part."""
    if model.age_years > trial_marks(model)[0][1] + 1e-9:
        return "No one was in the target group when it started: nobody took part."
    return f"It starts {_start(model)}: jump there and step on to see the two groups."


def result_pending(model: AttachmentModel) -> str:
    """When the result will be measured."""
    if model.params["intervention"] in INFANCY_INTERVENTIONS:
        return "The result is measured at 12 months (the Strange Situation)."
    return f"The result is measured at the follow-up, age {trial_marks(model)[-1][1]:.2f}."


def _signed(x: float) -> str:
    """A change with its sign, to 2 decimals (never "-0.00"; "-" for an empty arm)."""
    return "-" if pd.isna(x) else f"{round(float(x), 2) + 0.0:+.2f}"


def trial_result(model: AttachmentModel) -> str | None:
    """After an adult intervention's follow-up: how each arm changed from the start, in one line
    (the model's own scores), and who is secure now. None before."""
    changes = adult_trial_changes(model)
    if changes is None:
        return None
    start, _, followup = (age for _, age in trial_marks(model))
    t, c = changes["treated"], changes["control"]
    n = arm_sizes(model)

    def secure(arm: dict[str, float]) -> str:
        if pd.isna(arm["secure"]):
            return "-"
        return f"{arm['secure']:.0%} (from {arm['secure before']:.0%})"

    return (
        f"From the start to the follow-up (age {start:.1f} to {followup:.1f}): avoidance of the"
        f" treated ({n['treated']}) changed by {_signed(t['avoidance'])}, of the controls"
        f" ({n['control']}) by {_signed(c['avoidance'])} ECR points; anxiety by"
        f" {_signed(t['anxiety'])} and {_signed(c['anxiety'])}. Secure now: treated"
        f" {secure(t)}, controls {secure(c)}."
    )


def infant_trial_text(result: dict[str, dict[str, float]]) -> str:
    """The caregiver programme's result at 12 months (``trial.infant_trial_result``)."""
    t, c = result["treated"], result["control"]
    return (
        f"At 12 months: the caregivers of the treated infants ({t['infants']}) answered"
        f" {t['observed sensitivity']:.0%} of the bids seen on the home visits, those of the"
        f" controls ({c['infants']}) {c['observed sensitivity']:.0%}; secure (B) in the Strange"
        f" Situation: treated {t['secure (B)']:.0%}, controls {c['secure (B)']:.0%}."
    )


# ---------------------------------------------------------------------- generations
def generations_intro(params: dict[str, Any]) -> str:
    return (
        "Each person of this run becomes a parent between"
        f" {params['parent_age_min']:g} and {params['parent_age_max']:g} and raises one child,"
        " with care that follows from their own working model and relationship at the birth;"
        " the children grow up and raise children in turn."
    )


def generations_running(generations: int, people: int) -> str:
    return (
        f"Running {generations} generations of {people} people in the background (about a"
        " second each); Step goes on meanwhile."
    )


def generations_text(summary: pd.DataFrame) -> str:
    """The parent-child concordance per child generation (``jobs.generations_summary``), as a
    Markdown table."""
    if "kappa" not in summary:
        return ""
    lines = [
        "| generation | secure parents | children B: parent secure / insecure | same security"
        " | kappa |",
        "|---|---|---|---|---|",
    ]

    def show(value: float, form: str) -> str:  # none of a group: nothing to show
        return "-" if pd.isna(value) else format(value, form)

    for _, r in summary[summary["generation"] > 1].iterrows():
        lines.append(
            f"| {int(r['generation'])} | {show(r['secure_parents'], '.0%')} |"
            f" {show(r['b_secure_parent'], '.0%')} / {show(r['b_insecure_parent'], '.0%')} |"
            f" {show(r['concordance'], '.0%')} | {show(r['kappa'], '.2f')} |"
        )
    return (
        "Parent (adult category at the child's birth) and child (Strange Situation): secure or"
        " not. Kappa is the agreement beyond chance (0 chance, 1 always the same).\n\n"
        + "\n".join(lines)
    )
