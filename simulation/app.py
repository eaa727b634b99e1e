"""The classroom demo: ``attachment-sim demo`` serves this Solara page (Mesa's browser stack).

Each browser gets its own models (component state, never module state). The controls follow
Mesa's SolaraViz (Reset, play "▶" / pause "❚❚", Step, the "Time: N" clock); unlike SolaraViz,
a lesson preset can move the controls, two populations step together, and each view is redrawn
only when the step it shows has changed.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import replace
from typing import Any, cast

import markdown
import solara
import solara.lab

from simulation.demo import (
    DEMO_DYADS,
    Classroom,
    Ensemble,
    Generations,
    Settings,
    couples_spec,
    ensemble_spec,
    generations_spec,
    generations_text,
    infant_trial_result,
    infant_trial_spec,
    infant_trial_text,
    intervention_spec,
    plane_spec,
    shares_spec,
    ssp_report,
    ssp_summary,
    stage_label,
    trial_marks,
    trial_result,
)
from simulation.lessons import DEFAULT_LESSON, LESSONS, Lesson
from simulation.model.caregiving import MIXES
from simulation.model.interventions import (
    COUPLE_INTERVENTIONS,
    INFANCY_INTERVENTIONS,
    INFANT_PROGRAMME_LATEST,
    INTERVENTIONS,
    SINGLES_INTERVENTIONS,
    end_age,
    programme_steps,
)
from simulation.model.life_course import ADOLESCENCE_AGE, ADULT_AGE, WEEKS_PER_STEP, WEEKS_PER_YEAR
from simulation.model.parameters import DEFAULTS, PARAMETERS

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
ENSEMBLE_RUNS = 20  # a modest default: about 10 s for a whole life course on one worker
NO_COMPARE = "no comparison"
GENERATIONS = 3  # the generations view's default: about 1 s a generation of 100 people
SMALL = {"font-size": "0.8em"}


@solara.component
def VegaView(spec: dict[str, Any]) -> Any:
    """A chart drawn by Vega in the browser. The spec (with its data) is set on the widget
    directly, not passed as a prop: the renderer would otherwise walk every data value on each
    render of the page, which cost most of a Step's time."""
    element = solara.widgets.VegaLite.element(listen_to_click=False)

    def show() -> None:
        solara.get_widget(element).spec = spec

    solara.use_effect(show, [spec])
    return element


def Prose(text: str) -> Any:
    """Markdown as HTML. (solara.Markdown would load KaTeX, which solara-assets does not ship:
    offline, every page would wait on a request that cannot succeed.)"""
    html = markdown.markdown(text, extensions=["tables"])
    return solara.HTML(tag="div", unsafe_innerHTML=html, classes=["prose"])


def lesson_text(lesson: Lesson) -> str:
    """The lesson card: what the text says, what to see, what to try next."""
    tries = "\n".join(f"- {t}" for t in lesson.things_to_try)
    return (
        f"**{lesson.title}** (from the text: *{lesson.seed_section}*; jump to age "
        f"{lesson.jump_to:g}). What to see: {lesson.notice}\n\nThings to try:\n\n{tries}"
    )


@solara.component
def Controls(
    draft: solara.Reactive[Settings],
    lesson: solara.Reactive[str],
    on_lesson: Any,
    applied: Settings,
) -> None:
    """Lesson, population, intervention and seed. Changes take effect at Reset (as in Mesa's
    SolaraViz)."""
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
        solara.Text(
            "Given to the caregivers of a random share of all infants; measured at 9 months"
            " (home visits) and 12 months (Strange Situation).",
            style=SMALL,
        )
        return
    solara.Select(
        label="Who may take part",
        values=list(PARAMETERS["intervention_target"].choices),
        value=full["intervention_target"],
        on_value=setter("intervention_target"),
    )
    # the latest start whose follow-up still fits in the longest run the table allows
    weeks = WEEKS_PER_STEP * programme_steps(full)
    latest = PARAMETERS["horizon_years"].high - 1.0 - weeks / WEEKS_PER_YEAR
    solara.SliderFloat(
        label=f"Starts at age: {full['intervention_age']:g}",
        value=full["intervention_age"],
        min=max(age.low, ADULT_AGE),
        max=min(age.high, int(4 * latest) / 4),
        step=0.25,
        on_value=setter("intervention_age"),
    )
    who = (
        "couples (both partners take part)"
        if intervention in COUPLE_INTERVENTIONS
        else "single people"
        if intervention in SINGLES_INTERVENTIONS
        else "people"
    )
    if full["intervention_age"] >= ADULT_AGE:
        end = end_age(full)
        solara.Text(
            f"For {who} in the chosen group when it starts, split by lot; {weeks} weeks, to age"
            f" {end:.2f}; follow-up 1 year later ({end + 1:.2f}); the run ends at"
            f" {full['horizon_years']}.",
            style=SMALL,
        )


def _checked(settings: Settings) -> Settings | None:
    try:
        return settings.checked()
    except ValueError:
        return None


@solara.component
def Clock(room: Classroom, tick: int) -> None:
    model = room.model
    solara.HTML(tag="h3", unsafe_innerHTML=stage_label(model))
    share = min(1.0, model.age_years / model.horizon)
    solara.ProgressLinear(value=100 * share, color="primary")
    state = "" if model.running else " (the run has ended)"
    solara.Text(f"Time: {room.clock}.0{state}")


@solara.component
def PlaneView(room: Classroom, tick: int) -> None:
    specs = solara.use_memo(
        lambda: [plane_spec(p.model, p.label) for p in room.populations], [room, tick]
    )
    with solara.Columns([1] * len(specs)):
        for spec in specs:
            VegaView(spec)


@solara.component
def SharesView(room: Classroom, tick: int) -> None:
    spec = solara.use_memo(lambda: shares_spec(room.populations), [room, tick])
    VegaView(spec)


@solara.component
def SspView(room: Classroom, tick: int) -> None:
    person, set_person = solara.use_state(0)
    person = min(person, room.model.n_dyads - 1)
    done = room.model.ssp is not None
    # after 12 months the report no longer changes: stop redrawing it on every step
    text = solara.use_memo(
        lambda: ssp_report(room.model, person), [room, person, done, done or tick]
    )
    summary = solara.use_memo(lambda: ssp_summary(room.populations), [room, done])
    if summary:
        Prose(summary)
    solara.SliderInt(
        label=f"Infant: {person}",
        value=person,
        min=0,
        max=room.model.n_dyads - 1,
        on_value=set_person,
    )
    Prose(text)


@solara.component
def CouplesView(room: Classroom, tick: int) -> None:
    model = room.model
    adults = model.horizon > 1 and model.age_years >= ADULT_AGE
    spec = solara.use_memo(lambda: couples_spec(model) if adults else None, [room, tick])
    if model.horizon <= 1:
        solara.Text("This run ends at 12 months: no adults. Choose a lesson that runs to 30.")
    elif spec is None:
        solara.Text(f"Couples form from age {ADULT_AGE}. Jump to adulthood to see them.")
    else:
        VegaView(spec)


@solara.component
def EnsembleView(
    room: Classroom,
    tick: int,
    current: solara.Reactive[Ensemble | None],
    done: solara.Reactive[int],
) -> None:
    """The current settings run many times in the background (one worker; Step stays free)."""
    runs, set_runs = solara.use_state(ENSEMBLE_RUNS)

    def run_ensemble() -> None:
        ensemble = Ensemble(room.settings, runs)
        current.set(ensemble)
        done.set(0)
        ensemble.run(lambda e: done.set(e.done))

    task = solara.lab.use_task(run_ensemble, dependencies=None, prefer_threaded=True)
    ensemble = current.value
    finished = ensemble is not None and ensemble.error is None and done.value == ensemble.runs
    # the current run is drawn as a dot when it has the ensemble's settings
    same = ensemble is not None and ensemble.settings == room.settings
    spec = solara.use_memo(
        lambda: ensemble_spec(ensemble.frame, room.model if same else None) if finished else None,
        [ensemble, finished, room, same and tick],
    )
    solara.SliderInt(label=f"Runs: {runs}", value=runs, min=5, max=100, step=5, on_value=set_runs)
    solara.Button(
        f"Run {runs} times in the background",
        on_click=task,
        disabled=task.pending,
        color="primary",
        outlined=True,
    )
    if ensemble is None:
        return
    solara.ProgressLinear(value=100 * done.value / ensemble.runs, color="secondary")
    solara.Text(f"{done.value} of {ensemble.runs} runs done")
    if ensemble.error:
        solara.Error(f"A run failed: {ensemble.error}")
    elif spec is not None:
        VegaView(spec)
        solara.Text(f"Reproduce: {ensemble.command()}")


@solara.component
def InterventionView(room: Classroom, tick: int) -> None:
    """Treated against controls, from the randomisation on (the class's first population)."""
    population, model = room.populations[0], room.model
    p = model.params
    marks = trial_marks(model)
    started = bool(population.arms)
    spec = solara.use_memo(lambda: intervention_spec(population) if started else None, [room, tick])
    result = solara.use_memo(lambda: trial_result(model), [room, tick])
    infant = solara.use_memo(lambda: infant_trial_result(model), [room, model.ssp is not None])
    if p["intervention"] in INFANCY_INTERVENTIONS:
        when = f"at {round(p['intervention_age'] * 12)} months"
        whom = "everyone"
    else:
        when = f"at age {marks[0][1]:g}"
        whom = (
            "everyone"
            if p["intervention_target"] == "everyone"
            else "the " + p["intervention_target"]
        )
    heading = (
        f"**{p['intervention']}** ({INTERVENTIONS[p['intervention']].note}): for {whom}, starting"
        f" {when}; a random {p['intervention_share']:.0%} of them treated at dose"
        f" {p['intervention_dose']:g}, the others their controls."
    )
    if len(room.populations) > 1:
        heading += " Shown for the first population."
    Prose(heading)
    if not started:
        if model.age_years > marks[0][1] + 1e-9:
            solara.Text("No one was in the target group when it started: nobody took part.")
        else:
            solara.Text(f"It starts {when}: jump there and step on to see the two groups.")
        return
    VegaView(spec)
    if result:
        Prose(f"**Result.** {result}")
    elif p["intervention"] not in INFANCY_INTERVENTIONS:
        follow_up = marks[-1][1]
        solara.Text(f"The result is measured at the follow-up, age {follow_up:.2f}.")
    if infant is not None:
        VegaView(infant_trial_spec(infant))
        Prose(f"**Result.** {infant_trial_text(infant)}")
    elif p["intervention"] in INFANCY_INTERVENTIONS:
        solara.Text("The result is measured at 12 months (the Strange Situation).")


@solara.component
def GenerationsView(
    room: Classroom, current: solara.Reactive[Generations | None], done: solara.Reactive[int]
) -> None:
    """The current settings over several generations, in the background (one worker)."""
    parameter = PARAMETERS["generations"]
    count, set_count = solara.use_state(GENERATIONS)

    def run_generations() -> None:
        job = Generations(room.settings, count)
        current.set(job)
        job.run()
        done.set(done.value + 1)

    task = solara.lab.use_task(run_generations, dependencies=None, prefer_threaded=True)
    job = current.value
    finished = job is not None and job.finished
    summary = solara.use_memo(
        lambda: job.summary() if finished and job.error is None else None, [job, finished]
    )
    spec = solara.use_memo(
        lambda: generations_spec(summary) if summary is not None else None, [summary]
    )
    solara.Text(
        "Each person of this run becomes a parent between"
        f" {room.model.params['parent_age_min']:g} and {room.model.params['parent_age_max']:g}"
        " and raises one child, with care that follows from their own working model and"
        " relationship at the birth; the children grow up and raise children in turn.",
        style=SMALL,
    )
    solara.SliderInt(
        label=f"Generations: {count}",
        value=count,
        min=max(2, parameter.low),
        max=parameter.high,
        on_value=set_count,
    )
    solara.Button(
        f"Run {count} generations",
        on_click=task,
        disabled=task.pending,
        color="primary",
        outlined=True,
    )
    if job is None:
        return
    if not finished:
        solara.ProgressLinear(True, color="secondary")
        solara.Text(
            f"Running {job.generations} generations of {room.model.n_dyads} people in the"
            " background (about a second each); Step goes on meanwhile."
        )
    elif job.error:
        solara.Error(f"The generations could not run: {job.error}")
    elif spec is not None:
        if job.settings != room.settings:
            solara.Text("(the settings of an earlier Reset)", style=SMALL)
        VegaView(spec)
        Prose(generations_text(summary))
        solara.Text(f"{job.generations} generations in {job.seconds:.1f} s.")
        solara.Text(f"Reproduce: {job.command()}")


@solara.component
def TakeAway(
    room: Classroom,
    tick: int,
    ensemble: Ensemble | None,
    done: int,
    generations: Generations | None = None,
    generations_done: int = 0,
) -> None:
    stamp = f"seed{room.settings.seed}_t{room.clock}"
    finished = ensemble is not None and ensemble.error is None and done == ensemble.runs
    lineage = generations is not None and generations.infants is not None
    solara.FileDownload(
        lambda: room.figures_zip(
            ensemble.frame if finished else None, generations.summary() if lineage else None
        ),
        filename=f"figures_{stamp}.zip",
        label="Figures (PNG + SVG)",
    )
    solara.FileDownload(
        lambda: room.animation_gif(), filename=f"plane_{stamp}.gif", label="Animation (GIF)"
    )
    solara.FileDownload(lambda: room.data_zip(), filename=f"data_{stamp}.zip", label="Data (CSV)")
    for command in room.commands():
        solara.InputText("Reproduce with", value=command, disabled=False)


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

    the_lesson = LESSONS[lesson.value]
    with solara.Column():
        with solara.Card():
            Clock(classroom, tick.value)
            Prose(lesson_text(the_lesson))
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
