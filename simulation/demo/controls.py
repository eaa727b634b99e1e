"""The settings card's controls (Solara): lesson, population, intervention and seed. They edit a
draft ``Settings``; the page applies it at Reset, as in Mesa's SolaraViz."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any, cast

import solara

from simulation.demo.lessons import LESSONS
from simulation.demo.reports import programme_note
from simulation.demo.state import DEMO_DYADS, Settings
from simulation.demo.trial import latest_adult_start
from simulation.model.caregiving import MIXES
from simulation.model.interventions import (
    INFANCY_INTERVENTIONS,
    INFANT_PROGRAMME_LATEST,
    INTERVENTIONS,
)
from simulation.model.life_course import ADULT_AGE
from simulation.model.parameters import DEFAULTS, PARAMETERS

NO_COMPARE = "no comparison"
SMALL = {"font-size": "0.8em"}


@solara.component
def Controls(
    draft: solara.Reactive[Settings],
    lesson: solara.Reactive[str],
    on_lesson: Any,
    applied: Settings,
) -> None:
    """Lesson, population, intervention and seed. Changes take effect at Reset."""
    settings = draft.value
    problem = None
    try:
        full = settings.full()
    except ValueError as error:  # a crafted message, or settings that do not fit together
        problem, full = str(error), _shown(settings)
    seed_problem, set_seed_problem = solara.use_state(cast(str | None, None))

    def choose_lesson(title: str) -> None:
        on_lesson(next(k for k, v in LESSONS.items() if v.title == title))

    def setter(name: str):
        return lambda value: draft.set(draft.value.with_param(name, value))

    def set_spectrum(value: float) -> None:
        # moving the spectrum means "caregivers along the spectrum"
        draft.set(draft.value.with_param("caregivers", "spectrum").with_param("spectrum", value))

    def set_compare(value: str) -> None:
        draft.set(replace(draft.value, compare=None if value == NO_COMPARE else value))

    def set_seed(value: int | None) -> None:
        if value is None or value < 0:
            set_seed_problem(f"seed = {value}: allowed an integer of 0 or more")
            return
        set_seed_problem(None)
        draft.set(replace(draft.value, seed=int(value)))

    solara.Select(
        label="Lesson",
        values=[v.title for v in LESSONS.values()],
        value=LESSONS[lesson.value].title,
        on_value=choose_lesson,
    )
    solara.Select(
        label="Caregivers",
        values=list(MIXES),
        value=full["caregivers"],
        on_value=setter("caregivers"),
    )
    spectrum = PARAMETERS["spectrum"]
    solara.SliderFloat(
        label=f"Spectrum: {full['spectrum']:.2f}",
        value=full["spectrum"],
        min=spectrum.low,
        max=spectrum.high,
        step=0.05,
        on_value=set_spectrum,
    )
    solara.Text(
        "0 consistent, 0.5 inconsistent, 1 rejecting (moving it selects caregivers = spectrum)",
        style=SMALL,
    )
    solara.SliderInt(
        label=f"Dyads: {full['n_dyads']}",
        value=full["n_dyads"],
        min=DEMO_DYADS[0],
        max=DEMO_DYADS[1],
        step=10,
        on_value=setter("n_dyads"),
    )
    solara.Select(
        label="Continuity",
        values=list(PARAMETERS["continuity"].choices),
        value=full["continuity"],
        on_value=setter("continuity"),
    )
    InterventionControls(draft, full)
    solara.Select(
        label="Compare with (same seed)",
        values=[NO_COMPARE, *MIXES],
        value=settings.compare or NO_COMPARE,
        on_value=set_compare,
    )
    solara.InputInt(label="Seed", value=settings.seed, on_value=set_seed)
    if seed_problem:
        solara.Error(seed_problem, dense=True)
    if problem:
        solara.Error(problem, dense=True)
    elif _checked(draft.value) != applied:
        solara.Warning("Settings changed: press Reset to apply them.", dense=True)


def _shown(settings: Settings) -> dict[str, Any]:
    """What the controls show for settings that do not validate: each value that is in range
    by itself (so the one to change stays visible), the table's default for the others."""
    shown = dict(DEFAULTS)
    for name, value in settings.params.items():
        with contextlib.suppress(KeyError, ValueError):
            shown[name] = PARAMETERS[name].check(value)
    return shown


def _checked(settings: Settings) -> Settings | None:
    try:
        return settings.checked()
    except ValueError:
        return None


def InterventionControls(draft: solara.Reactive[Settings], full: dict[str, Any]) -> None:
    """A way towards security: which, how strong, for whom and when (from the parameter table).
    An adult one lengthens the run when its follow-up would not fit."""
    intervention = full["intervention"]
    solara.Select(
        label="Intervention",
        values=list(PARAMETERS["intervention"].choices),
        value=intervention,
        on_value=lambda value: draft.set(draft.value.with_intervention(value)),
    )
    if intervention == "none":
        return

    def setter(name: str):
        return lambda value: draft.set(draft.value.with_param(name, value).fit_horizon())

    solara.Text(INTERVENTIONS[intervention].note, style=SMALL)
    dose, share, age = (PARAMETERS[f"intervention_{k}"] for k in ("dose", "share", "age"))
    solara.SliderFloat(
        label=f"Dose: {full['intervention_dose']:.2f}",
        value=full["intervention_dose"],
        min=dose.low,
        max=dose.high,
        step=0.05,
        on_value=setter("intervention_dose"),
    )
    solara.SliderFloat(
        label=f"Treated share: {full['intervention_share']:.2f}",
        value=full["intervention_share"],
        min=share.low,
        max=share.high,
        step=0.05,
        on_value=setter("intervention_share"),
    )
    if intervention in INFANCY_INTERVENTIONS:
        months = round(full["intervention_age"] * 12)
        solara.SliderInt(
            label=f"Starts at: {months} months",
            value=months,
            min=round(age.low * 12),
            max=round(INFANT_PROGRAMME_LATEST * 12),
            on_value=lambda value: setter("intervention_age")(value / 12),
        )
    else:
        solara.Select(
            label="Who may take part",
            values=list(PARAMETERS["intervention_target"].choices),
            value=full["intervention_target"],
            on_value=setter("intervention_target"),
        )
        solara.SliderFloat(
            label=f"Starts at age: {full['intervention_age']:g}",
            value=full["intervention_age"],
            min=max(age.low, ADULT_AGE),
            max=min(age.high, latest_adult_start(full)),
            step=0.25,
            on_value=setter("intervention_age"),
        )
    if (note := programme_note(full)) is not None:
        solara.Text(note, style=SMALL)
