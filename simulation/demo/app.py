"""The classroom demo: ``attachment-sim demo`` serves this Solara page (Mesa's browser stack).

The page only wires: it keeps each browser's state (its own models: component state, never
module state), runs Reset, Play, Step and Jump, and lays out the controls (``controls``) and the
panels (``panels``). The controls follow Mesa's SolaraViz (Reset, play "▶" / pause "❚❚", Step, the
"Time: N" clock); unlike SolaraViz, a lesson preset can move the controls, two populations step
together, and each view is redrawn only when the step it shows has changed.
"""

from __future__ import annotations

import time
from typing import cast

import solara
import solara.lab

from simulation.demo.controls import Controls
from simulation.demo.jobs import Ensemble, Generations
from simulation.demo.lessons import DEFAULT_LESSON, LESSONS
from simulation.demo.panels import (
    Clock,
    CouplesView,
    EnsembleView,
    GenerationsView,
    InterventionView,
    PlaneView,
    Prose,
    SharesView,
    SspView,
    TakeAway,
)
from simulation.demo.state import Classroom, Settings
from simulation.model.life_course import ADOLESCENCE_AGE, ADULT_AGE

PLAY_INTERVAL = 0.25  # seconds between Play updates at most (a class needs to see each one)
STEPS_PER_UPDATE = (1, 5, 30, 90)
JUMPS = {
    "12 months: Strange Situation": 1.0,
    "age 5": 5.0,
    f"age {ADOLESCENCE_AGE}: adolescence": float(ADOLESCENCE_AGE),
    f"age {ADULT_AGE}: adulthood": float(ADULT_AGE),
    "age 25": 25.0,
    "end of the run": float("inf"),
}


@solara.component
def Page() -> None:
    lesson = solara.use_reactive(DEFAULT_LESSON)
    draft = solara.use_reactive(LESSONS[DEFAULT_LESSON].settings)
    initial = solara.use_memo(lambda: Classroom(LESSONS[DEFAULT_LESSON].settings), [])
    room = solara.use_reactive(initial)
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    steps = solara.use_reactive(STEPS_PER_UPDATE[1])
    jump = solara.use_reactive(next(iter(JUMPS)))
    error = solara.use_reactive(cast(str | None, None))
    ensemble = solara.use_reactive(cast(Ensemble | None, None))
    ensemble_done = solara.use_reactive(0)
    lineage = solara.use_reactive(cast(Generations | None, None))
    lineage_done = solara.use_reactive(0)

    def advance(action) -> None:
        action(room.value)
        tick.set(tick.value + 1)

    def reset(settings: Settings | None = None) -> None:
        playing.set(False)
        try:
            new = Classroom(settings or draft.value)
        except ValueError as problem:  # a setting out of range: say so, keep the old model
            error.set(str(problem))
            return
        error.set(None)
        room.set(new)
        tick.set(tick.value + 1)

    def choose_lesson(key: str) -> None:
        """A lesson sets the controls, rebuilds the model and points Jump at its moment."""
        chosen = LESSONS[key]
        lesson.set(key)
        draft.set(chosen.settings)
        jump.set(next(k for k, age in JUMPS.items() if age >= chosen.jump_to))
        reset(chosen.settings)

    def play() -> None:
        while playing.value and room.value.running:
            start = time.perf_counter()
            advance(lambda r: r.step(steps.value))
            time.sleep(max(0.02, PLAY_INTERVAL - (time.perf_counter() - start)))
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)
    classroom = room.value

    with solara.AppBar():
        solara.AppBarTitle("Attachment across the life course")
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            with solara.Row(justify="space-between"):
                solara.Button("Reset", color="primary", on_click=lambda: reset())
                solara.Button(
                    "❚❚" if playing.value else "▶",
                    color="primary",
                    on_click=lambda: playing.set(not playing.value),
                    disabled=not classroom.running,
                )
                solara.Button(
                    "Step",
                    color="primary",
                    on_click=lambda: advance(lambda r: r.step(steps.value)),
                    disabled=playing.value or not classroom.running,
                )
            solara.ToggleButtonsSingle(
                value=steps.value,
                values=list(STEPS_PER_UPDATE),
                on_value=steps.set,
            )
            solara.Text("steps per Step / Play update (a day, a month or 13 weeks each)")
            with solara.Row():
                solara.Select(label="Jump to", values=list(JUMPS), value=jump)
                solara.Button(
                    "Jump",
                    on_click=lambda: advance(lambda r: r.jump_to(JUMPS[jump.value])),
                    disabled=playing.value or not classroom.running,
                    outlined=True,
                )
        with solara.Card("Settings (apply with Reset)"):
            Controls(draft, lesson, choose_lesson, classroom.settings)
            if error.value:
                solara.Error(error.value)
        with solara.Card("Take it away"):
            TakeAway(
                classroom,
                tick.value,
                ensemble.value,
                ensemble_done.value,
                lineage.value,
                lineage_done.value,
            )

    with solara.Column():
        with solara.Card():
            Clock(classroom, tick.value)
            Prose(LESSONS[lesson.value].card())
        with solara.Card("People in the anxiety-avoidance plane"):
            PlaneView(classroom, tick.value)
        with solara.Columns([1, 1]):
            with solara.Card("Category shares over time"):
                SharesView(classroom, tick.value)
            with solara.Card("One infant's Strange Situation"):
                SspView(classroom, tick.value)
        with solara.Card("Couples"):
            CouplesView(classroom, tick.value)
        if classroom.model.params["intervention"] != "none":
            with solara.Card("Ways towards security: treated and controls"):
                InterventionView(classroom, tick.value)
        with solara.Columns([1, 1]):
            with solara.Card("Many runs of these settings"):
                EnsembleView(classroom, tick.value, ensemble, ensemble_done)
            with solara.Card("Generations"):
                GenerationsView(classroom, lineage, lineage_done)
