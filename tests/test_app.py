"""The classroom demo's page (``simulation.demo.app``), driven widget by widget without a browser.

Every control is used as a class would use it (click, slide, select, type) and each test checks
what the change does: the clock, the settings the model was built with, the data in the charts,
the numbers in the reports, the files a class takes away (not the wording of a sentence).
``solara.render`` builds the page's widgets in this process; Play and the ensemble run in
threads (the ensemble on a spawned worker), so those tests poll.
"""

from __future__ import annotations

import io
import re
import shlex
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
import solara.widgets
from PIL import Image
from solara.components.file_download import FileDownloadWidget

from simulation import cli, palette
from simulation.demo import app, controls, exports, jobs, panels
from simulation.demo.lessons import LESSONS
from simulation.demo.state import Classroom, Settings
from simulation.labels import params_label
from simulation.measures import transmission
from simulation.model.life_course import ADULT_AGE, CATEGORIES
from simulation.model.parameters import PARAMETERS
from simulation.model.run import RunSpec, simulate
from simulation.model.strange_situation import CLASSES
from simulation.runner import make_specs

LESSON_1, LESSON_2 = LESSONS["caregiving"], LESSONS["adult_styles"]
LESSON_4 = LESSONS["ways_towards_security"]
INTERVENTION_CARD = "Ways towards security: treated and controls"
PLAY, PAUSE = "▶", "❚❚"
SIX_DIGITS = {"check_dtype": False, "rtol": 1e-5, "atol": 1e-12}  # CSV written with %.6g


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> None:
    """Poll ``condition`` (the page may be mid-render in another thread: a failed look is
    'not yet')."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (AssertionError, ValueError) as problem:
            last = problem
        time.sleep(0.05)
    pytest.fail(f"waited {timeout:g} s for {what}" + (f" (last: {last!r})" if last else ""))


def people(spec: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The dots of a plane chart (its layer with data named 'people'), or None."""
    for layer in spec.get("layer", []):
        data = layer.get("data", {})
        if data.get("name") == "people":
            return data["values"]
    return None


class Demo:
    """One browser tab's page, with the ways a class uses it."""

    def __init__(self, rooms: list[Classroom]) -> None:
        self.rooms = rooms  # every Classroom this page built, the current one last
        self.broken = False  # a render raised: the page cannot be closed cleanly
        _, self.rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)

    # ---------------------------------------------------------------- controls
    def button(self, label: str) -> Any:
        return self.rc.find(v.Btn, children=[label]).widget

    def click(self, label: str) -> None:
        self.button(label).click()

    def control(self, kind: type, label: str) -> Any:
        return self.rc.find(kind, label=label).widget

    def choose(self, label: str, value: Any) -> None:
        select = self.control(v.Select, label)
        assert value in select.items, f"{value!r} is not offered by {label!r}"
        select.v_model = value

    def slider(self, label: str) -> Any:
        """The slider whose label starts with ``label``."""
        (slider,) = [w for w in self.rc.find(v.Slider).widgets if w.label.startswith(label)]
        return slider

    def sliders(self, labels: tuple[str, ...]) -> list[Any]:
        """Every slider whose label starts with one of ``labels``."""
        return [w for w in self.rc.find(v.Slider).widgets if w.label.startswith(labels)]

    def slide(self, label: str, value: float) -> None:
        self.slider(label).v_model = value

    def steps_per_update(self, steps: int) -> None:
        self.rc.find(v.BtnToggle).widget.v_model = app.STEPS_PER_UPDATE.index(steps)

    def seed_field(self) -> Any:
        fields = [w for w in self.rc.find(v.TextField).widgets if w.label.startswith("Seed")]
        assert len(fields) == 1
        return fields[0]

    def type_seed(self, text: str) -> None:
        """Type into the Seed box and press Enter (the box applies on Enter or on leaving it)."""
        field = self.seed_field()
        field.v_model = text
        field.fire_event("keyup.enter")

    # ---------------------------------------------------------------- what is shown
    @property
    def room(self) -> Classroom:
        return self.rooms[-1]

    def texts(self) -> list[str]:
        return [str(w.children[0]) for w in self.rc.find(v.Html, tag="span").widgets if w.children]

    @property
    def clock(self) -> int:
        times = [m.group(1) for t in self.texts() if (m := re.match(r"Time: (\d+)\.0", t))]
        assert len(times) == 1, times
        return int(times[0])

    def prose(self) -> list[str]:
        """Every block of formatted text (headings, Markdown) as plain text."""
        html = [w.unsafe_innerHTML for w in self.rc.find(solara.widgets.HTML).widgets]
        for w in self.rc.find(v.VuetifyTemplate).widgets:  # solara.Markdown, if used
            template = getattr(w, "template", None)
            if isinstance(template, str) and "solara-markdown" in template:
                html.append(template.split("<script>")[0])
        return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", h)).strip() for h in html]

    def stage(self) -> str:
        """The clock's heading: the stage and the age in words."""
        (heading,) = self.rc.find(solara.widgets.HTML, tag="h3").widgets
        return heading.unsafe_innerHTML

    def ssp_report(self) -> str:
        """One infant's Strange Situation report, as plain text."""
        reports = [t for t in self.prose() if t.startswith("Infant ")]
        assert len(reports) == 1, reports
        return reports[0]

    def ssp_markdown(self) -> str:
        """The same report's HTML (its table's cells kept apart)."""
        html = [w.unsafe_innerHTML for w in self.rc.find(solara.widgets.HTML).widgets]
        (report,) = [h for h in html if "<strong>Infant " in h]
        return re.sub(r"</?td>", "|", report)

    def specs(self) -> list[dict[str, Any]]:
        return [w.spec for w in self.rc.find(solara.widgets.VegaLite).widgets]

    def planes(self) -> list[list[dict[str, Any]]]:
        return [dots for spec in self.specs() if (dots := people(spec)) is not None]

    def chart(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        found = [spec for spec in self.specs() if predicate(spec)]
        assert len(found) <= 1
        return found[0] if found else None

    def numbers_after(self, words: str) -> list[float]:
        """The number after ``words`` in each text that has them."""
        pattern = re.compile(re.escape(words) + r" (\d+(?:\.\d+)?)")
        return [float(m.group(1)) for t in self.texts() if (m := pattern.search(t))]

    def couples(self) -> dict[str, Any] | None:
        """The couples chart (two panels, no overall title), or None."""
        return self.chart(lambda s: "hconcat" in s and "title" not in s)

    def cards(self) -> list[str]:
        return [str(w.children[0]) for w in self.rc.find(v.CardTitle).widgets if w.children]

    def has(self, kind: type, label: str) -> bool:
        return bool(self.rc.find(kind, label=label).widgets)

    def warned(self) -> bool:
        """A warning is shown (the draft settings differ from the model's)."""
        return bool(self.rc.find(v.Alert, type="warning").widgets)

    def errors(self) -> list[str]:
        return [str(w.children[0]) for w in self.rc.find(v.Alert, type="error").widgets]

    def commands(self) -> list[str]:
        return [w.v_model for w in self.rc.find(v.TextField, label="Reproduce with").widgets]

    def download(self, prefix: str, timeout: float = 60) -> tuple[str, bytes]:
        """Press a 'Take it away' button; the file's name and bytes once the page made them."""
        (widget,) = [
            w for w in self.rc.find(FileDownloadWidget).widgets if w.filename.startswith(prefix)
        ]
        widget.request_download = True
        wait_for(lambda: widget.bytes is not None, timeout, f"the {prefix} download")
        return widget.filename, widget.bytes

    def close(self) -> None:
        if not self.broken:
            self.rc.close()


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], Demo]]:
    """Open pages (each its own render); each page records the Classrooms it builds."""
    pages: list[Demo] = []

    def open_one() -> Demo:
        rooms: list[Classroom] = []

        class Recorded(Classroom):
            def __init__(self, settings: Settings) -> None:
                super().__init__(settings)
                rooms.append(self)

        monkeypatch.setattr(app, "Classroom", Recorded)
        page = Demo(rooms)
        pages.append(page)
        return page

    yield open_one
    for page in pages:
        page.close()


@pytest.fixture
def page(open_page: Callable[[], Demo]) -> Demo:
    return open_page()


def small(page: Demo, dyads: int = 10) -> None:
    """Fewer dyads for speed: slide Dyads and Reset."""
    page.slide("Dyads", dyads)
    page.click("Reset")
    assert page.room.model.n_dyads == dyads


# -------------------------------------------------------------------- first view
def test_page_opens_on_lesson_1(page: Demo) -> None:
    assert page.clock == 0
    assert page.room.settings == LESSON_1.settings.checked()
    assert page.control(v.Select, "Lesson").v_model == LESSON_1.title
    assert page.control(v.Select, "Caregivers").v_model == "consistent"
    assert page.control(v.Select, "Compare with (same seed)").v_model == "inconsistent"
    assert page.seed_field().v_model == "1"
    planes = page.planes()
    assert [len(dots) for dots in planes] == [100, 100]
    assert {d["caregiver"] for d in planes[0]} == {"consistent"}
    assert {d["caregiver"] for d in planes[1]} == {"inconsistent"}
    assert not page.warned()
    assert "day 0 of 365" in page.stage()


# -------------------------------------------------------------------- Step and the clock
def test_step_advances_clock_by_steps_per_update(page: Demo) -> None:
    before = page.planes()
    page.click("Step")
    assert page.clock == app.STEPS_PER_UPDATE[1] == 5
    assert page.room.clock == 5
    after = page.planes()
    assert len(after) == 2
    assert after != before  # the dots moved
    assert [d["anxiety"] for d in after[0]] != [d["anxiety"] for d in before[0]]
    # the plane shows the model now, on the ECR scale
    dots = after[0]
    np.testing.assert_allclose(
        [d["anxiety"] for d in dots], page.room.populations[0].frames[-1][0], atol=5e-4
    )
    assert "day 5 of 365" in page.stage()
    # the class-shares chart gains a row per step for each population
    shares = page.chart(lambda s: s.get("data", {}).get("name") == "shares")
    assert shares is not None
    rows = shares["data"]["values"]
    assert len(rows) == 2 * (5 + 1)
    assert {r["population"] for r in rows} == {p.label for p in page.room.populations}
    assert max(r["age"] for r in rows) == pytest.approx(5 / 365, abs=1e-4)


def test_steps_per_update_changes_how_far_step_goes(page: Demo) -> None:
    page.steps_per_update(30)
    page.click("Step")
    assert page.clock == 30
    page.steps_per_update(1)
    page.click("Step")
    assert page.clock == 31
    page.steps_per_update(90)
    page.click("Step")
    assert page.clock == 121


# -------------------------------------------------------------------- Reset and the settings
def test_reset_rebuilds_with_the_new_settings(page: Demo) -> None:
    page.click("Step")
    first = page.room
    page.slide("Dyads", 20)
    assert page.warned()
    assert page.room is first and page.clock == 5  # nothing applied before Reset
    page.click("Reset")
    assert page.room is not first
    assert page.clock == 0
    assert [len(dots) for dots in page.planes()] == [20, 20]
    assert page.room.settings.params["n_dyads"] == 20
    assert page.slider("Infant").max == 19
    assert not page.warned()


def test_settings_warning_follows_the_draft(page: Demo) -> None:
    assert not page.warned()
    page.choose("Continuity", "revisionist")
    assert page.warned()
    page.choose("Continuity", "prototype")  # back to what the model has
    assert not page.warned()
    page.slide("Dyads", 30)
    assert page.warned()
    page.click("Reset")
    assert not page.warned()


def test_caregivers_select_changes_the_population(page: Demo) -> None:
    page.choose("Caregivers", "rejecting")
    page.choose("Compare with (same seed)", controls.NO_COMPARE)
    assert page.planes()[0][0]["caregiver"] == "consistent"  # not before Reset
    page.click("Reset")
    (dots,) = page.planes()
    assert len(dots) == 100
    assert {d["caregiver"] for d in dots} == {"rejecting"}
    assert page.room.model.params["caregivers"] == "rejecting"
    assert page.specs()[0]["title"].startswith(params_label({"caregivers": "rejecting"}))
    assert page.commands() == [
        "attachment-sim run --seed 1 --set caregivers=rejecting --set horizon_years=1"
    ]


def test_spectrum_slider_selects_the_spectrum(page: Demo) -> None:
    page.slide("Spectrum", 0.8)
    assert page.control(v.Select, "Caregivers").v_model == "spectrum"
    assert page.slider("Spectrum").v_model == 0.8
    page.click("Reset")
    assert page.room.model.params["caregivers"] == "spectrum"
    assert page.room.model.params["spectrum"] == 0.8
    assert page.specs()[0]["title"].startswith(
        params_label({"caregivers": "spectrum", "spectrum": 0.8})
    )
    assert "--set spectrum=0.8" in page.commands()[0]


def test_continuity_select_applies_at_reset(page: Demo) -> None:
    assert page.room.model.params["continuity"] == "prototype"
    page.choose("Continuity", "revisionist")
    page.click("Reset")
    assert page.room.model.params["continuity"] == "revisionist"
    assert page.control(v.Select, "Continuity").v_model == "revisionist"
    assert "--set continuity=revisionist" in page.commands()[0]


def test_same_seed_same_plane_other_seed_other_plane(open_page: Callable[[], Demo]) -> None:
    def run(seed: str) -> list[list[dict[str, Any]]]:
        page = open_page()
        page.type_seed(seed)
        page.slide("Dyads", 20)
        page.click("Reset")
        page.steps_per_update(30)
        page.click("Step")
        assert page.room.settings.seed == int(seed)
        assert page.clock == 30
        return page.planes()

    first, again, other = run("7"), run("7"), run("8")
    assert first == again
    assert first != other
    assert [d["anxiety"] for d in first[0]] != [d["anxiety"] for d in other[0]]


def test_compare_select_adds_and_removes_a_population(page: Demo) -> None:
    # lesson 1 compares consistent with inconsistent caregivers: the same newborns
    room = page.room
    a, b = (p.model for p in room.populations)
    np.testing.assert_array_equal(
        a.population.temperament.reactivity, b.population.temperament.reactivity
    )
    np.testing.assert_array_equal(
        a.population.temperament.soothability, b.population.temperament.soothability
    )
    assert len(page.planes()) == 2

    page.choose("Compare with (same seed)", controls.NO_COMPARE)
    page.click("Reset")
    assert len(page.planes()) == 1
    assert len(page.room.populations) == 1
    assert len(page.commands()) == 1

    page.choose("Compare with (same seed)", "rejecting")
    page.click("Reset")
    planes = page.planes()
    assert len(planes) == 2
    assert {d["caregiver"] for d in planes[1]} == {"rejecting"}
    a, b = (p.model for p in page.room.populations)
    np.testing.assert_array_equal(
        a.population.temperament.reactivity, b.population.temperament.reactivity
    )
    assert page.commands()[1] == (
        "attachment-sim run --seed 1 --set caregivers=rejecting --set horizon_years=1"
    )
    # the two populations step together
    page.click("Step")
    assert [p.model.time for p in page.room.populations] == [5, 5]


def test_compare_with_a_mix_has_the_same_newborns(page: Demo) -> None:
    page.choose("Compare with (same seed)", "normative")
    page.click("Reset")
    a, b = (p.model for p in page.room.populations)
    np.testing.assert_array_equal(
        a.population.temperament.reactivity, b.population.temperament.reactivity
    )


# -------------------------------------------------------------------- Play and Pause
def test_play_then_pause(page: Demo) -> None:
    page.steps_per_update(1)
    page.click(PLAY)
    assert page.button(PAUSE).disabled is False
    assert page.button("Step").disabled and page.button("Jump").disabled
    wait_for(lambda: page.clock >= 2, 10, "Play to move the clock")
    page.click(PAUSE)
    wait_for(lambda: page.rc.find(v.Btn, children=[PLAY]).widgets, 5, "Play to stop")
    time.sleep(2 * app.PLAY_INTERVAL)  # an update under way when Pause was pressed ends
    stopped = page.clock
    time.sleep(3 * app.PLAY_INTERVAL)
    assert page.clock == stopped == page.room.clock
    assert 2 <= stopped < 365
    assert not page.button("Step").disabled


def test_play_stops_at_the_end_of_the_run(page: Demo) -> None:
    small(page)
    page.steps_per_update(90)
    page.click(PLAY)
    wait_for(lambda: not page.room.running, 20, "the run to end")
    wait_for(lambda: page.rc.find(v.Btn, children=[PLAY]).widgets, 5, "Play to stop")
    assert page.clock == 365
    assert page.button(PLAY).disabled and page.button("Step").disabled
    assert page.button("Jump").disabled


# -------------------------------------------------------------------- Jump and the views
def days_to_go(report: str) -> int | None:
    """The countdown to the Strange Situation in a report (None once it has run)."""
    found = re.search(r"(\d+) days to go", report)
    return int(found.group(1)) if found else None


def shown_class(report: str) -> str:
    """The class a report gives its infant."""
    (cls,) = re.findall(r"Class ([ABCD]) ", report)
    return cls


def test_jump_to_12_months_runs_the_strange_situation(page: Demo) -> None:
    model = page.room.model
    assert days_to_go(page.ssp_report()) == model.days == 365
    assert not [t for t in page.prose() if t.startswith("Strange Situation at 12 months")]
    assert page.control(v.Select, "Jump to").v_model == "12 months: Strange Situation"
    page.click("Jump")
    assert page.clock == 365
    assert model.ssp is not None
    report = page.ssp_report()
    assert report.startswith("Infant 0 ")
    assert shown_class(report) == str(model.ssp.attachment_class[0])
    assert days_to_go(report) is None
    # the eight episodes' distress, as the model felt it, in order
    shown = [float(x) for x in re.findall(r"\|\s*(\d+\.\d\d) [a-z ]+\|", page.ssp_markdown())]
    assert shown == pytest.approx(model.ssp.distress[0], abs=0.005)
    assert page.button("Jump").disabled  # lesson 1 ends at 12 months
    # both populations' classes, as the model counts them, in the populations' order
    (summary,) = [t for t in page.prose() if t.startswith("Strange Situation at 12 months")]
    shares = re.findall(r"([ABCD]) [a-z/]+ (\d+)%", summary)
    expected = [
        (c, f"{np.mean(p.model.ssp.attachment_class == c):.0%}".rstrip("%"))
        for p in page.room.populations
        for c in CLASSES
    ]
    assert shares == expected
    assert [p.label in summary for p in page.room.populations] == [True, True]


def test_ssp_infant_slider_picks_the_infant(page: Demo) -> None:
    page.click("Jump")
    model = page.room.model
    for infant in (3, 99):
        page.slide("Infant", infant)
        report = page.ssp_report()
        assert report.startswith(f"Infant {infant} ")
        assert shown_class(report) == str(model.ssp.attachment_class[infant])
        assert f"reactivity {model.population.temperament.reactivity[infant]:.2f}" in report
    assert page.slider("Infant").max == 99


def test_ssp_report_counts_down_to_12_months(page: Demo) -> None:
    page.steps_per_update(90)
    page.click("Step")
    model = page.room.model
    assert days_to_go(page.ssp_report()) == model.days - model.day == 275


def test_lesson_4_ways_towards_security(page: Demo) -> None:
    lessons = page.control(v.Select, "Lesson").items
    assert lessons[-1] == LESSON_4.title == "4. Ways towards security"
    page.choose("Lesson", LESSON_4.title)
    assert page.room.settings == LESSON_4.settings.checked()
    assert page.control(v.Select, "Intervention").v_model == "attachment_therapy"
    assert page.control(v.Select, "Who may take part").v_model == "insecure"
    assert page.control(v.Select, "Caregivers").v_model == "balanced"
    assert page.control(v.Select, "Jump to").v_model == "end of the run"
    (card,) = [t for t in page.prose() if t.startswith(LESSON_4.title)]
    assert LESSON_4.text_section in card
    assert all(" ".join(t.split())[:40] in card for t in LESSON_4.things_to_try)
    assert INTERVENTION_CARD in page.cards()


def test_lesson_select_moves_the_controls_and_rebuilds(page: Demo) -> None:
    page.click("Step")
    page.slide("Dyads", 20)  # a draft the lesson replaces
    built = len(page.rooms)
    page.choose("Lesson", LESSON_2.title)
    assert len(page.rooms) == built + 1
    assert page.clock == 0
    assert page.room.settings == LESSON_2.settings.checked()
    assert page.control(v.Select, "Caregivers").v_model == "balanced"
    assert page.control(v.Select, "Compare with (same seed)").v_model == controls.NO_COMPARE
    assert page.slider("Dyads").v_model == 100
    assert page.seed_field().v_model == str(LESSON_2.settings.seed) == "7"
    assert page.control(v.Select, "Jump to").v_model == "age 25"
    assert not page.warned()
    assert len(page.planes()) == 1
    (card,) = [t for t in page.prose() if t.startswith(LESSON_2.title)]
    assert LESSON_2.text_section in card
    assert all(" ".join(t.split())[:40] in card for t in LESSON_2.things_to_try)
    assert page.couples() is None  # a run to 30 has couples, but not at birth
    # and back: lesson 1's comparison returns
    page.choose("Lesson", LESSON_1.title)
    assert page.room.settings == LESSON_1.settings.checked()
    assert len(page.planes()) == 2
    assert page.control(v.Select, "Jump to").v_model == "12 months: Strange Situation"


def test_couples_view_after_jumping_to_adulthood(page: Demo) -> None:
    page.click("Jump")
    assert page.room.model.horizon == 1 and page.couples() is None  # no adults in this run
    page.choose("Lesson", LESSON_2.title)
    small(page, 20)
    assert page.room.model.horizon == 30
    page.choose("Jump to", next(k for k in app.JUMPS if k.endswith("adolescence")))
    page.click("Jump")
    assert page.couples() is None  # not yet
    page.choose("Jump to", f"age {ADULT_AGE}: adulthood")
    page.click("Jump")
    assert page.room.model.age_years >= ADULT_AGE
    assert page.clock == page.room.clock > 365
    couples = page.couples()
    assert couples is not None
    over_time = couples["hconcat"][0]["data"]["values"]
    assert over_time and all(row["age"] >= ADULT_AGE for row in over_time)
    # jump on: the chart follows the model
    page.choose("Jump to", "age 25")
    page.click("Jump")
    later = page.couples()
    assert later is not None
    rows = later["hconcat"][0]["data"]["values"]
    assert len(rows) > len(over_time)
    assert max(r["age"] for r in rows) == pytest.approx(page.room.model.age_years, abs=1e-3)
    pairs = later["hconcat"][1]["data"]["values"]
    assert sum(int(re.search(r"\((\d+)\)$", p["pair"]).group(1)) for p in pairs) == len(
        page.room.model.couples
    )


# -------------------------------------------------------------------- the ensemble
@pytest.fixture
def worker_pool() -> Iterator[None]:
    """The ensemble's spawned worker, shut down after the test."""
    yield
    pool, jobs._POOL = jobs._POOL, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def test_ensemble_runs_in_the_background(page: Demo, worker_pool: None) -> None:
    small(page, 20)
    page.slide("Runs", 5)
    label = "Run 5 times in the background"
    page.click(label)

    def chart() -> dict[str, Any] | None:
        return page.chart(lambda s: str(s.get("title", "")).startswith("5 runs"))

    wait_for(chart, 90, "the ensemble's chart")
    (progress,) = [m.groups() for t in page.texts() if (m := re.match(r"(\d+) of (\d+) runs", t))]
    assert progress == ("5", "5")
    # the button comes back when the background task has returned, just after the last run
    wait_for(lambda: not page.button(label).disabled, 10, "the button to come back")
    (panel,) = chart()["hconcat"]  # a first-year run: the Strange Situation only
    rows = pd.DataFrame(panel["data"]["values"]).set_index("class")
    assert list(rows.index) == list(CLASSES)
    # the same five runs made here, in this process, from the command's seeds: each run's class
    # shares from its infants, then their mean and middle 95% over the runs
    specs = make_specs({"run": page.room.settings.params}, 5, page.room.settings.seed)
    shares = (
        pd.DataFrame(
            [
                pd.DataFrame(simulate(s).tables["infants"])["ssp_class"].value_counts(
                    normalize=True
                )
                for s in specs
            ]
        )
        .reindex(columns=list(CLASSES))
        .fillna(0.0)
    )
    assert rows["mean"].tolist() == pytest.approx(shares.mean().tolist(), abs=1e-4)
    low, high = np.percentile(shares.to_numpy(), [2.5, 97.5], axis=0)
    assert rows["low"].tolist() == pytest.approx(low, abs=1e-4)
    assert rows["high"].tolist() == pytest.approx(high, abs=1e-4)
    assert rows["this run"].isna().all()  # no Strange Situation yet
    command = page.room.settings.command() + " --runs 5"
    assert f"Reproduce: {command}" in page.texts()

    # at 12 months this run is the dot, its own class shares
    page.click("Jump")
    classes = page.room.model.ssp.attachment_class
    rows = chart()["hconcat"][0]["data"]["values"]
    assert [r["this run"] for r in rows] == [
        pytest.approx(float(np.mean(classes == c))) for c in CLASSES
    ]
    # other settings: the ensemble no longer describes this run, so no dot
    page.type_seed("2")
    page.click("Reset")
    page.click("Jump")
    rows = chart()["hconcat"][0]["data"]["values"]
    assert all(r["this run"] is None for r in rows)


# -------------------------------------------------------------------- ways towards security
INTERVENTION_SLIDERS = ("Dose", "Treated share", "Starts at")


def test_intervention_control_applies_at_reset(page: Demo) -> None:
    intervention = PARAMETERS["intervention"]
    select = page.control(v.Select, "Intervention")
    assert select.items == list(intervention.choices) and select.v_model == "none"
    assert not page.sliders(INTERVENTION_SLIDERS)
    assert INTERVENTION_CARD not in page.cards()  # no intervention, no view (and no arm means)
    assert page.room.populations[0].arms == []

    # an adult one: the table's defaults; lesson 1 ends at 12 months, so the run is lengthened
    # to the follow-up (26 weeks from 25, measured 1 year later: 26.5, so 27)
    page.choose("Intervention", "attachment_therapy")
    assert page.warned()
    assert page.slider("Dose").v_model == PARAMETERS["intervention_dose"].default
    assert page.slider("Treated share").v_model == PARAMETERS["intervention_share"].default
    age = page.slider("Starts at age")
    assert age.v_model == PARAMETERS["intervention_age"].default and age.min == ADULT_AGE
    assert page.control(v.Select, "Who may take part").v_model == "everyone"
    assert page.numbers_after("the run ends at") == [27]
    page.slide("Dose", 0.5)
    page.slide("Treated share", 0.8)
    page.choose("Who may take part", "insecure")
    page.slide("Starts at age", 30)  # ends at 30.5: the run must last to 32
    assert page.room.model.params["intervention"] == "none"  # nothing applied before Reset
    page.click("Reset")
    assert not page.warned()
    params = page.room.model.params
    assert params["intervention"] == "attachment_therapy"
    assert (params["intervention_dose"], params["intervention_share"]) == (0.5, 0.8)
    assert (params["intervention_target"], params["intervention_age"]) == ("insecure", 30)
    assert params["horizon_years"] == 32
    assert [p.model.params["intervention"] for p in page.room.populations] == [
        "attachment_therapy"
    ] * 2  # the comparison has the same intervention
    assert "--set intervention=attachment_therapy" in page.commands()[0]
    assert INTERVENTION_CARD in page.cards()

    # the caregiver programme: an infant's age (3 months), given to everyone's caregivers
    page.choose("Intervention", "caregiver_sensitivity")
    assert page.slider("Starts at").v_model == 3  # months
    assert not page.has(v.Select, "Who may take part")
    page.slide("Starts at", 2)
    page.click("Reset")
    params = page.room.model.params
    assert params["intervention"] == "caregiver_sensitivity"
    assert (params["intervention_age"], params["intervention_target"]) == (2 / 12, "everyone")
    assert params["intervention_dose"] == 0.5  # kept from before

    # none: every intervention setting is dropped
    page.choose("Intervention", "none")
    assert not page.has(v.Select, "Who may take part")
    assert not page.sliders(INTERVENTION_SLIDERS)
    page.click("Reset")
    assert page.room.model.params["intervention"] == "none"
    assert not [k for k in page.room.settings.params if k.startswith("intervention")]
    assert "intervention" not in page.commands()[0]
    assert INTERVENTION_CARD not in page.cards()


def test_intervention_settings_that_do_not_fit_are_reported(page: Demo) -> None:
    page.choose("Intervention", "self_awareness")
    page.slide("Starts at age", 5)  # past the slider's end: only a crafted message sends it
    assert any("intervention_age" in e and "18 or more" in e for e in page.errors())
    assert page.slider("Starts at age").v_model == 5  # the value to change stays in sight
    page.click("Reset")
    assert page.errors() and page.room.model.params["intervention"] == "none"


def trial_line(spec: dict[str, Any]) -> pd.DataFrame:
    """The rows of the intervention chart (age, arm, anxiety, avoidance)."""
    return pd.DataFrame(spec["hconcat"][0]["layer"][0]["data"]["values"])


def test_intervention_view_shows_treated_and_controls(page: Demo) -> None:
    page.choose("Lesson", LESSON_4.title)
    small(page, 20)

    def chart() -> dict[str, Any] | None:
        return page.chart(lambda s: str(s.get("title", "")).startswith("attachment_therapy"))

    def result() -> list[str]:
        return [t for t in page.prose() if t.startswith("Result.")]

    assert chart() is None and page.numbers_after("starts at age") == [25]
    page.choose("Jump to", "age 25")
    page.click("Jump")
    assert page.room.populations[0].arms == []  # the lot is drawn in the first step from 25
    page.click("Step")  # 5 steps of 13 weeks: to 26.25, past the end of the therapy (25.5)
    model = page.room.model
    spec = chart()
    assert spec is not None
    rows = trial_line(spec)
    assert set(rows["arm"]) == {"treated", "control"}
    arms = {"treated": model.trial.arm == 1, "control": model.trial.arm == 0}
    treated, controls = (int(who.sum()) for who in arms.values())
    assert treated and controls
    assert re.findall(r"\((\d+)\)", spec["title"]) == [str(treated), str(controls)]
    # one point per arm per step from the start (the baseline) to now, the model's own means
    for arm, who in arms.items():
        line = rows[rows["arm"] == arm]
        assert list(line["age"]) == pytest.approx([25 + k / 4 for k in range(6)])
        now = page.room.populations[0].frames[-1][:, who].mean(axis=1)
        assert line.iloc[-1][["anxiety", "avoidance"]].tolist() == pytest.approx(now, abs=1e-4)
    # the start, the end and the follow-up are marked
    marks = spec["hconcat"][1]["layer"][1]["data"]["values"]
    assert [(m["moment"], m["age"]) for m in marks] == [
        ("starts", 25.0),
        ("ends", 25.5),
        ("follow-up", 26.5),
    ]
    assert not result() and page.numbers_after("follow-up, age") == [26.5]
    page.click("Step")  # to 27.5: past the follow-up
    (line,) = result()
    # the arms' sizes, then the changes from the start to the follow-up: avoidance of the treated
    # and of the controls, then anxiety (the model's own scores, to 2 decimals)
    m = model.trial.measures
    change = [
        (m[f"followup_true_{k}_ecr"][who] - m[f"baseline_true_{k}_ecr"][who]).mean()
        for k in ("avoidance", "anxiety")
        for who in arms.values()
    ]
    assert re.findall(r"\((\d+)\)", line) == [str(treated), str(controls)]
    shown = [float(x) for x in re.findall(r"[+-]\d+\.\d\d", line)]
    assert shown == pytest.approx(change, abs=0.005 + 1e-9)
    assert len(trial_line(chart())) == 2 * 11
    # taken away with the other figures (a valid Vega-Lite chart: vl-convert draws it)
    figures = exports.figures(page.room)
    assert figures["intervention"] == chart()
    assert exports.to_image(figures["intervention"], "svg").lstrip().startswith(b"<svg")


def test_caregiver_programme_view_at_12_months(page: Demo) -> None:
    small(page, 20)
    page.choose("Intervention", "caregiver_sensitivity")
    page.click("Reset")
    page.click("Jump")  # lesson 1: to 12 months
    model = page.room.model
    bars = page.chart(lambda s: s.get("title") == "the caregiver programme at 12 months")
    assert bars is not None
    sensitivity, secure = (
        {r["arm"]: r["value"] for r in panel["data"]["values"]} for panel in bars["hconcat"]
    )
    treated, controls = model.trial.arm == 1, model.trial.arm == 0
    classes = model.ssp.attachment_class
    assert secure == {
        "treated": pytest.approx(np.mean(classes[treated] == "B"), abs=1e-4),
        "control": pytest.approx(np.mean(classes[controls] == "B"), abs=1e-4),
    }
    observed = model.infancy.observed_sensitivity
    assert sensitivity == {
        "treated": pytest.approx(np.nanmean(observed[treated]), abs=1e-4),
        "control": pytest.approx(np.nanmean(observed[controls]), abs=1e-4),
    }
    assert exports.to_image(bars, "svg").lstrip().startswith(b"<svg")
    # the result line: the arms' sizes, then sensitivity and security, treated before controls
    (result,) = [t for t in page.prose() if t.startswith("Result.")]
    assert re.findall(r"\((\d+)\)", result) == [str(treated.sum()), str(controls.sum())]
    shares = [np.nanmean(observed[who]) for who in (treated, controls)]
    shares += [np.mean(classes[who] == "B") for who in (treated, controls)]
    assert re.findall(r"\d+%", result) == [f"{x:.0%}" for x in shares]


# -------------------------------------------------------------------- generations
class InProcess(Executor):
    """Runs each submitted call at once, in this process (the worker's job without a worker)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def test_generations_view_runs_generations(page: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_pool", InProcess)
    small(page, 10)
    generations = PARAMETERS["generations"]
    slider = page.slider("Generations")
    assert (slider.v_model, slider.max) == (panels.GENERATIONS, generations.high)
    page.slide("Generations", 2)
    page.click("Run 2 generations")

    def chart() -> dict[str, Any] | None:
        return page.chart(lambda s: str(s.get("title", "")).startswith("2 generations"))

    wait_for(chart, 30, "the generations chart")
    wait_for(lambda: not page.button("Run 2 generations").disabled, 10, "the button to return")
    # the same run as the command line makes it: lesson 1's settings, two generations, to 35
    command = (
        "attachment-sim run --seed 1 --set caregivers=consistent --set generations=2"
        " --set horizon_years=35 --set n_dyads=10"
    )
    assert f"Reproduce: {command}" in page.texts()
    settings = jobs.generation_settings(page.room.settings, 2)
    out = simulate(RunSpec("run", 0, 1, settings.full()))
    infants = pd.DataFrame(out.tables["infants"])
    ssp, adults = chart()["vconcat"][0]["hconcat"]
    for panel, labels, column in (
        (ssp, CLASSES, "ssp_class"),
        (adults, CATEGORIES, "adult_category"),
    ):
        rows = pd.DataFrame(panel["data"]["values"])
        assert sorted(set(rows["generation"])) == [1, 2]
        for generation, shares in rows.groupby("generation"):
            people = infants[infants["generation"] == generation - 1]
            expected = [float(np.mean(people[column] == c)) for c in labels]
            assert shares.set_index("class").loc[list(labels), "share"].tolist() == (
                pytest.approx(expected, abs=1e-4)
            )
    assert exports.to_image(chart(), "svg").lstrip().startswith(b"<svg")
    # the concordance of the parent's security with the child's, with kappa
    row = jobs.generations_summary(infants).iloc[1]
    # (NaN when every parent or every child is in one group: agreement beyond chance is undefined)
    expected_kappa = transmission(infants[infants["generation"] == 1])["kappa"]
    assert row["kappa"] == pytest.approx(expected_kappa, nan_ok=True)
    (table,) = [t for t in page.prose() if t.startswith("Parent (adult category")]

    def shown(value: float, form: str) -> str:  # a group with nobody in it shows "-"
        return "-" if np.isnan(value) else format(value, form)

    assert (
        f"2 {shown(row['secure_parents'], '.0%')} {shown(row['b_secure_parent'], '.0%')} /"
        f" {shown(row['b_insecure_parent'], '.0%')} {shown(row['concordance'], '.0%')}"
        f" {shown(row['kappa'], '.2f')}"
    ) in table


# -------------------------------------------------------------------- one palette
PALETTE = {v for v in vars(palette).values() if isinstance(v, str) and v.startswith("#")}


def colours(spec: Any) -> tuple[set[str], list[str]]:
    """Every colour a Vega-Lite spec names, and the marks it leaves to Vega's own colours."""
    named: set[str] = set()
    unnamed: list[str] = []
    if isinstance(spec, list):
        for part in spec:
            found = colours(part)
            named |= found[0]
            unnamed += found[1]
    elif isinstance(spec, dict):
        if "mark" in spec:
            mark = spec["mark"] if isinstance(spec["mark"], dict) else {"type": spec["mark"]}
            colour = spec.get("encoding", {}).get("color")
            if colour is not None and "range" in colour.get("scale", {}):
                named |= set(colour["scale"]["range"])
            elif colour is None and "color" in mark:
                named.add(mark["color"])
            else:
                unnamed.append(mark["type"])
        for key in ("layer", "hconcat", "vconcat"):
            found = colours(spec.get(key, []))
            named |= found[0]
            unnamed += found[1]
    return named, unnamed


def test_every_colour_comes_from_the_palette() -> None:
    # every view the demo can show (the figures download holds them all), with an adult trial,
    # many runs and generations; and the caregiver programme's bars
    settings = LESSON_4.settings.with_param("n_dyads", 20)
    room = Classroom(settings)
    room.jump_to(float("inf"))
    runs = pd.DataFrame(
        [simulate(spec).summary for spec in make_specs({"run": room.settings.params}, 2, 1)]
    )
    lineage = simulate(RunSpec("run", 0, 1, jobs.generation_settings(room.settings, 2).full()))
    summary = jobs.generations_summary(pd.DataFrame(lineage.tables["infants"]))
    shown = exports.figures(room, runs, summary)
    infant = Classroom(settings.with_intervention("caregiver_sensitivity"))
    infant.jump_to(1.0)
    shown |= {f"infant {k}": v for k, v in exports.figures(infant).items()}
    views = {"plane_1_balanced", "couples", "intervention", "ensemble", "generations"}
    assert views | {"infant intervention_12_months"} <= set(shown)
    for name, spec in shown.items():
        named, unnamed = colours(spec)
        assert named <= PALETTE, (name, named - PALETTE)
        assert not unnamed, (name, unnamed)
    # the README figures' mapping: caregiver styles, classes and trial arms
    plane = shown["plane_1_balanced"]["layer"][-1]["encoding"]["color"]["scale"]
    assert dict(zip(plane["domain"], plane["range"], strict=True)) == palette.STYLE_COLOURS
    assert palette.STYLE_COLOURS["consistent"] == palette.CLASS_COLOURS["B"] == palette.BLUE
    bars = shown["ensemble"]["hconcat"][0]["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(bars["domain"], bars["range"], strict=True)) == palette.CLASS_COLOURS
    arms = shown["intervention"]["hconcat"][0]["layer"][0]["encoding"]["color"]["scale"]
    assert dict(zip(arms["domain"], arms["range"], strict=True)) == palette.ARM_COLOURS


def test_the_demo_names_no_colour_of_its_own() -> None:
    # a hex colour written in the demo's code is a second palette
    folder = Path(app.__file__).parent
    for path in folder.glob("*.py"):
        assert not re.findall(r"[\"']#[0-9A-Fa-f]{3,8}[\"']", path.read_text()), path.name


# -------------------------------------------------------------------- take it away
def test_figures_download(page: Demo) -> None:
    page.click("Step")
    name, data = page.download("figures_")
    assert name == "figures_seed1_t5.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = sorted(archive.namelist())
        figures = ["class_shares", "plane_1_consistent", "plane_2_inconsistent"]
        assert names == sorted(f"{f}.{ext}" for f in figures for ext in ("png", "svg"))
        for figure in figures:
            png = archive.read(f"{figure}.png")
            assert png.startswith(b"\x89PNG")
            assert Image.open(io.BytesIO(png)).size[0] > 100
            assert archive.read(f"{figure}.svg").lstrip().startswith(b"<svg")


def test_animation_download(page: Demo) -> None:
    page.steps_per_update(1)
    for _ in range(4):
        page.click("Step")
    name, data = page.download("plane_")
    assert name == "plane_seed1_t4.gif"
    assert data.startswith(b"GIF8")
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames == 5  # the start and every step after it


def test_data_download(page: Demo) -> None:
    page.steps_per_update(30)
    page.click("Step")
    name, data = page.download("data_")
    assert name == "data_seed1_t30.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for i, label in enumerate(["consistent", "inconsistent"]):
            folder = f"population_{i + 1}_{label}/"
            series = pd.read_csv(archive.open(folder + "timeseries.csv"))
            assert len(series) == page.clock + 1 == 31
            people_now = pd.read_csv(archive.open(folder + "people.csv"))
            assert len(people_now) == 100
            command = archive.read(folder + "command.txt").decode().strip()
            assert command == page.commands()[i]


def test_reproduce_command_gives_the_same_run(page: Demo, tmp_path) -> None:
    small(page, 10)
    page.choose("Jump to", "end of the run")
    page.click("Jump")
    assert page.clock == 365 and not page.room.running
    _, data = page.download("data_")
    commands = page.commands()
    assert len(commands) == 2
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for i, (command, population) in enumerate(
            zip(commands, page.room.populations, strict=True)
        ):
            words = shlex.split(command)
            assert words[:2] == ["attachment-sim", "run"]
            out = tmp_path / f"population_{i + 1}"
            assert cli.main([*words[1:], "--quiet", "--out", str(out)]) == 0
            folder = f"population_{i + 1}_{population.file_label}/"

            ours = pd.read_csv(archive.open(folder + "timeseries.csv"))
            theirs = pd.read_csv(out / "timeseries.csv")
            assert len(theirs) == len(ours) == 366
            # the CLI writes 6 significant digits, the demo every digit
            pd.testing.assert_frame_equal(theirs[ours.columns], ours, **SIX_DIGITS)

            ours = pd.read_csv(archive.open(folder + "people.csv"))
            theirs = pd.read_csv(out / "infants.csv")
            common = [c for c in ours.columns if c in theirs.columns]
            assert {"infant", "ssp_class", "anxiety", "avoidance"} <= set(common)
            pd.testing.assert_frame_equal(theirs[common], ours[common], **SIX_DIGITS)


# -------------------------------------------------------------------- bad input
def test_bad_seeds_are_refused_without_a_crash(page: Demo) -> None:
    page.type_seed("-5")
    assert page.room.settings.seed == 1
    assert any("seed = -5" in e and "0 or more" in e for e in page.errors())
    page.click("Reset")
    assert page.room.settings.seed == 1  # refused: a negative seed never reaches the model
    assert page.clock == 0
    page.type_seed("abc")
    assert "must be an integer" in page.seed_field().label  # reported in the box
    page.click("Reset")
    assert page.room.settings.seed == 1
    page.type_seed("12")
    page.click("Reset")
    assert page.room.settings.seed == 12
    page.click("Step")
    assert page.clock == 5


def test_out_of_range_dyads_are_reported(page: Demo) -> None:
    page.slide("Dyads", 0)  # past the slider's end: only a crafted message can send it
    assert any("n_dyads" in e and "out of range" in e for e in page.errors())
    page.click("Reset")
    assert page.errors() and page.room.model.n_dyads == 100  # the old model stays
