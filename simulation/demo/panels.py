"""The demo's panels (Solara components): each shows one view or report of the classroom and is
redrawn only when the step it shows has changed (``tick``). The specs, texts and files come from
``views``, ``background_views``, ``reports``, ``simulation.narration`` and ``exports``.
"""

from __future__ import annotations

from typing import Any

import markdown
import solara
import solara.lab

from simulation import narration
from simulation.demo import exports, reports
from simulation.demo.background_views import ensemble_spec, generations_spec
from simulation.demo.jobs import Ensemble, Generations
from simulation.demo.state import Classroom
from simulation.demo.trial import infant_trial_result
from simulation.demo.views import (
    couples_spec,
    infant_trial_spec,
    intervention_spec,
    plane_spec,
    shares_spec,
)
from simulation.model.parameters import PARAMETERS

ENSEMBLE_RUNS = 20  # a modest default: about 10 s for a whole life course on one worker
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


@solara.component
def Clock(room: Classroom, tick: int) -> None:
    solara.HTML(tag="h3", unsafe_innerHTML=reports.stage_label(room.model))
    solara.ProgressLinear(value=100 * room.progress, color="primary")
    solara.Text(reports.clock_text(room))


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
        lambda: narration.markdown(narration.story(room.model, person)),
        [room, person, done, done or tick],
    )
    summary = solara.use_memo(lambda: reports.ssp_summary(room.populations), [room, done])
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
    waiting = reports.couples_waiting(room.model)
    spec = solara.use_memo(lambda: None if waiting else couples_spec(room.model), [room, tick])
    if spec is None:
        solara.Text(waiting or "")
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
    started = bool(population.arms)
    spec = solara.use_memo(lambda: intervention_spec(population) if started else None, [room, tick])
    result = solara.use_memo(lambda: reports.trial_result(model), [room, tick])
    infant = solara.use_memo(lambda: infant_trial_result(model), [room, model.ssp is not None])
    Prose(reports.intervention_heading(model, len(room.populations)))
    if not started:
        solara.Text(reports.intervention_waiting(model))
        return
    VegaView(spec)
    if result:
        Prose(f"**Result.** {result}")
    elif infant is not None:
        VegaView(infant_trial_spec(infant))
        Prose(f"**Result.** {reports.infant_trial_text(infant)}")
    else:
        solara.Text(reports.result_pending(model))


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
    solara.Text(reports.generations_intro(room.model.params), style=SMALL)
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
        solara.Text(reports.generations_running(job.generations, room.model.n_dyads))
    elif job.error:
        solara.Error(f"The generations could not run: {job.error}")
    elif spec is not None:
        if job.settings != room.settings:
            solara.Text("(the settings of an earlier Reset)", style=SMALL)
        VegaView(spec)
        Prose(reports.generations_text(summary))
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
    """The downloads: figures, the animation, the data, and the commands that reproduce them."""
    stamp = f"seed{room.settings.seed}_t{room.clock}"
    finished = ensemble is not None and ensemble.error is None and done == ensemble.runs
    lineage = generations is not None and generations.infants is not None
    solara.FileDownload(
        lambda: exports.figures_zip(
            room, ensemble.frame if finished else None, generations.summary() if lineage else None
        ),
        filename=f"figures_{stamp}.zip",
        label="Figures (PNG + SVG)",
    )
    solara.FileDownload(
        lambda: exports.animation_gif(room), filename=f"plane_{stamp}.gif", label="Animation (GIF)"
    )
    solara.FileDownload(
        lambda: exports.data_zip(room), filename=f"data_{stamp}.zip", label="Data (CSV)"
    )
    for command in room.commands():
        solara.InputText("Reproduce with", value=command, disabled=False)
