"""The classroom demo in a real browser: `attachment-sim demo` started as a user starts it, and
headless Chromium (Debian's, driven by Playwright) clicking what a teacher clicks.

Every page runs offline: any request to a host other than this computer is aborted and counted,
and each test fails if there was one. Each test leaves a screenshot in results/screenshots/.

Without Chromium (or Playwright) these tests are skipped, unless DEMO_BROWSER_TESTS=required
(as in CI), where they fail instead. DEMO_CHROMIUM=/path/to/chromium names another browser.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest

from simulation.demo.browser import CHROMIUM_ARGS, find_chromium

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the tests skip (or fail, when required) with a hint
    expect = sync_playwright = None  # type: ignore[assignment]

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "results" / "screenshots"
HOST = "127.0.0.1"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
CHROMIUM_HINT = (
    "Chromium not found: install it with `sudo apt-get install -y chromium` (Debian/Ubuntu)"
    " to run the browser tests"
)
PLAYWRIGHT_HINT = (
    "playwright is not installed: install the dev extras with `pip install -e '.[dev]'`"
    " (never `playwright install`: the tests use the system's Chromium) to run the browser tests"
)
VIEWPORT = {"width": 1400, "height": 2600}  # tall: the whole page in one screenshot
SERVER_START_TIMEOUT = 60.0
CLOCK = re.compile(r"^Time: \d+\.0")

# JavaScript: mark the charts drawn now; then wait for a new, painted first chart (vega-embed
# draws a new canvas on each update), to time a Step from click to picture.
MARK_CHARTS = "() => document.querySelectorAll('.vega-embed canvas').forEach(c => c.__old = 1)"
NEW_CHART = """() => {
  const c = document.querySelector('.vega-embed canvas');
  return !!c && !c.__old && c.width > 0 && window.__painted(c);
}"""
PAINTED = """() => { window.__painted = (c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
  return false;
}; }"""


# ---------------------------------------------------------------------- browser or skip
def unavailable(reason: str) -> None:
    """Skip, or fail where the browser tests are required (CI sets DEMO_BROWSER_TESTS)."""
    if os.environ.get("DEMO_BROWSER_TESTS", "").lower() == "required":
        pytest.fail(
            f"{reason} (DEMO_BROWSER_TESTS=required: they may not be skipped)", pytrace=False
        )
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        unavailable(CHROMIUM_HINT)
    if sync_playwright is None:
        unavailable(PLAYWRIGHT_HINT)
    assert path is not None
    return path


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    assert sync_playwright is not None and expect is not None
    expect.set_options(timeout=15_000)  # a loaded 2-core CI machine answers slowly at times
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# ---------------------------------------------------------------------- the demo server
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def stop_server(server: subprocess.Popen) -> None:
    """Ctrl-C as in a terminal: SIGINT to the server's process group (the demo command, the
    Solara server it starts and the ensemble's worker), then SIGKILL to whatever is left."""
    group = server.pid  # start_new_session: a group of its own

    def signal_group(number: int) -> bool:
        try:
            os.killpg(group, number)
        except ProcessLookupError:
            return False
        return True

    signal_group(signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=15)
    deadline = time.monotonic() + 10
    while signal_group(0) and time.monotonic() < deadline:  # Solara may outlive the command
        time.sleep(0.2)
    signal_group(signal.SIGKILL)
    server.wait(timeout=5)


@pytest.fixture(scope="module")
def demo_url(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`attachment-sim demo --host 127.0.0.1 --port PORT`, the venv's console script."""
    script = Path(sys.executable).with_name("attachment-sim")
    assert script.exists(), f"{script} is missing: install the project with `pip install -e .`"
    port = free_port()
    url = f"http://{HOST}:{port}/"
    log_path = tmp_path_factory.mktemp("demo") / "server.log"
    # A file missing from the local assets makes Solara's server fetch it from its CDN: point that
    # at a closed local port, so such a file fails here (a 404) even on a machine with internet.
    env = {**os.environ, "SOLARA_ASSETS_CDN": f"http://{HOST}:{free_port()}/npm/"}
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(script), "demo", "--host", HOST, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"the demo server exited with code {server.returncode} before answering:\n"
                    + log_path.read_text(errors="replace")
                )
            try:
                with urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the demo server did not answer at {url} within {SERVER_START_TIMEOUT:.0f} s:"
                    "\n" + log_path.read_text(errors="replace")
                )
            time.sleep(0.25)
        yield url
    finally:
        stop_server(server)


# ---------------------------------------------------------------------- one browser tab
@dataclass
class Demo:
    """One browser context on the demo, with the controls found as a person finds them."""

    page: Any
    blocked: list[str] = field(default_factory=list)  # requests that would leave this computer
    errors: list[str] = field(default_factory=list)  # local answers with an error status

    @property
    def clock(self) -> Any:
        return self.page.get_by_text(CLOCK)

    def button(self, name: str | re.Pattern) -> Any:
        return self.page.get_by_role("button", name=name, exact=isinstance(name, str))

    def card(self, title: str) -> Any:
        """The card titled exactly ``title``."""
        heading = self.page.locator(".v-card__title", has_text=re.compile(rf"^{re.escape(title)}$"))
        return self.page.locator(".v-card").filter(has=heading)

    def field(self, label: str) -> Any:
        """The Vuetify input (select, slider, text field) labelled ``label`` (a slider's label
        also shows its value: "Dyads: 100")."""
        exact = self.page.locator("label", has_text=re.compile(rf"^{re.escape(label)}(: .*)?$"))
        return self.page.locator(".v-input").filter(has=exact)

    def slider(self, label: str) -> Any:
        return self.field(label).locator("[role=slider]")

    def choose(self, label: str, option: str) -> None:
        """Open a select and click one of its options."""
        self.field(label).click()
        menu = self.page.locator(".v-menu__content.menuable__content__active")
        menu.locator(".v-list-item", has_text=option).first.click()
        expect(self.field(label)).to_contain_text(option)

    def charts(self) -> Any:
        return self.page.locator(".vega-embed .marks")

    def expect_charts(self, count: int, within: Any = None, timeout: float = 30_000) -> None:
        """``count`` Vega charts drawn; on failure, say which local files did not load."""
        drawn = (within or self.page).locator(".vega-embed .marks")
        try:
            expect(drawn).to_have_count(count, timeout=timeout)
        except AssertionError as problem:
            raise AssertionError(
                f"{count} Vega chart(s) expected, {drawn.count()} drawn; local files that failed"
                f" to load: {self.errors or 'none'}"
            ) from problem

    def assert_offline(self) -> None:
        """No request left this computer, and none needed the server to fetch a front-end file
        it does not have (a /_solara/cdn/ error)."""
        assert not self.blocked, (
            f"the page asked the internet for {len(self.blocked)} resource(s): {self.blocked}"
        )
        missing = [e for e in self.errors if "/_solara/cdn/" in e]
        assert not missing, f"front-end files missing from the local assets: {missing}"


@pytest.fixture
def open_demo(browser: Any, demo_url: str, request: pytest.FixtureRequest) -> Iterator[Callable]:
    """Opens the demo in a new browser context (its own session, so its own models)."""
    opened: list[tuple[Any, Demo]] = []

    def open_() -> Demo:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(20_000)
        demo = Demo(page=None)

        def offline(route: Any) -> None:
            host = urlparse(route.request.url).hostname
            if host and host not in LOCAL_HOSTS:
                demo.blocked.append(route.request.url)
                route.abort("blockedbyclient")
            else:
                route.continue_()

        context.route("**/*", offline)
        page = context.new_page()
        demo.page = page
        opened.append((context, demo))
        page.on(
            "response",
            lambda response: (
                response.status >= 400 and demo.errors.append(f"{response.status} {response.url}")
            ),
        )
        page.goto(demo_url)
        expect(demo.clock).to_have_text("Time: 0.0", timeout=60_000)
        page.evaluate(PAINTED)
        return demo

    yield open_
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for i, (context, demo) in enumerate(opened):
        suffix = "" if i == 0 else f"_context{i + 1}"
        try:
            demo.page.screenshot(
                path=SCREENSHOTS / f"{request.node.name}{suffix}.png",
                full_page=True,
                timeout=10_000,
            )
        finally:
            context.close()


@pytest.fixture
def demo(open_demo: Callable[[], Demo]) -> Demo:
    return open_demo()


# ---------------------------------------------------------------------- the tests
def test_page_renders(demo: Demo) -> None:
    page = demo.page
    expect(page.get_by_text("Attachment across the life course").first).to_be_visible()
    expect(demo.clock).to_have_text("Time: 0.0")
    expect(page.get_by_text("Infancy: day 0 of 365")).to_be_visible()
    expect(demo.field("Lesson")).to_contain_text("1. How caregiving shapes infant strategies")
    # lesson 1 compares two populations: two planes and the class shares, drawn by the browser
    demo.expect_charts(3)
    painted = page.evaluate(
        "() => [...document.querySelectorAll('.vega-embed canvas')].map(window.__painted)"
    )
    assert painted and all(painted), f"a chart's canvas is blank: {painted}"
    assert not demo.errors, f"the server answered with an error: {demo.errors}"
    demo.assert_offline()


def test_step_advances_clock_and_charts(demo: Demo) -> None:
    demo.expect_charts(3)
    step = demo.button("Step")
    timings = []
    for k in (1, 2, 3):
        demo.page.evaluate(MARK_CHARTS)
        start = time.perf_counter()
        step.click()
        demo.page.wait_for_function(
            f"() => [...document.querySelectorAll('span')].some(s => s.innerText === "
            f"'Time: {5 * k}.0')",
            polling="raf",
        )
        clock = time.perf_counter() - start
        demo.page.wait_for_function(NEW_CHART, polling="raf", timeout=15_000)
        timings.append((clock, time.perf_counter() - start))
        expect(demo.clock).to_have_text(f"Time: {5 * k}.0")
    expect(demo.page.get_by_text("Infancy: day 15 of 365")).to_be_visible()
    print(
        "\nStep (5 days), click to clock / to the redrawn plane chart: "
        + ", ".join(f"{c:.2f} s / {p:.2f} s" for c, p in timings)
    )
    assert max(p for _, p in timings) < 10, f"a Step took over 10 s to show: {timings}"
    demo.assert_offline()


def test_reset_applies_a_new_dyad_count(demo: Demo) -> None:
    demo.button("Step").click()
    expect(demo.clock).to_have_text("Time: 5.0")
    infant = demo.slider("Infant")
    expect(infant).to_have_attribute("aria-valuemax", "99")  # 100 dyads by default
    dyads = demo.slider("Dyads")
    dyads.focus()
    dyads.press("ArrowRight")  # one step of 10
    expect(dyads).to_have_attribute("aria-valuenow", "110")
    warning = demo.page.get_by_text("Settings changed: press Reset to apply them.")
    expect(warning).to_be_visible()
    expect(demo.clock).to_have_text("Time: 5.0")  # nothing applied before Reset
    expect(infant).to_have_attribute("aria-valuemax", "99")

    demo.button("Reset").click()
    expect(demo.clock).to_have_text("Time: 0.0")
    expect(infant).to_have_attribute("aria-valuemax", "109")  # infants 0..109
    expect(warning).to_have_count(0)
    expect(demo.page.get_by_text("Infancy: day 0 of 365")).to_be_visible()
    commands = demo.page.get_by_label("Reproduce with")
    expect(commands).to_have_count(2)
    for i in range(2):
        expect(commands.nth(i)).to_have_value(re.compile(r"--set n_dyads=110\b"))
    demo.assert_offline()


def test_play_then_pause(demo: Demo) -> None:
    demo.button("▶").click()
    pause = demo.button("❚❚")
    expect(pause).to_be_visible()
    expect(demo.button("Step")).to_be_disabled()
    expect(demo.clock).not_to_have_text("Time: 0.0")
    expect(demo.clock).to_have_text(re.compile(r"^Time: ([2-9]\d|\d{3,})\.0"))  # a few updates
    pause.click()
    expect(demo.button("▶")).to_be_visible()
    expect(demo.button("Step")).to_be_enabled()
    # an update under way when Pause was pressed may still land: wait for two equal readings
    stopped, deadline = demo.clock.inner_text(), time.monotonic() + 10
    while time.monotonic() < deadline:
        demo.page.wait_for_timeout(500)
        now = demo.clock.inner_text()
        if now == stopped:
            break
        stopped = now
    demo.page.wait_for_timeout(1500)  # six Play intervals (0.25 s): paused, nothing moves
    expect(demo.clock).to_have_text(stopped)
    assert 0 < int(float(stopped.split()[1])) < 365, stopped
    demo.assert_offline()


def test_jump_to_the_strange_situation(demo: Demo) -> None:
    demo.choose("Jump to", "12 months: Strange Situation")
    report = demo.card("One infant's Strange Situation")
    expect(report).to_contain_text("The Strange Situation is run at 12 months: 365 days to go")
    start = time.perf_counter()
    demo.button("Jump").click()
    # lesson 1 ends at 12 months: the clock shows the end of the run
    expect(demo.clock).to_have_text(re.compile(r"^Time: 365\.0"), timeout=30_000)
    print(f"\nJump to 12 months (365 steps, two populations): {time.perf_counter() - start:.2f} s")
    expect(demo.clock).to_contain_text("the run has ended")
    expect(demo.page.get_by_text("Child, age 1 y 0 m")).to_be_visible()
    expect(report).to_contain_text(
        re.compile(r"Class [ABCD] (avoidant|secure|resistant/ambivalent|disorganised)")
    )
    expect(report).to_contain_text("Second reunion")
    expect(demo.button("Step")).to_be_disabled()
    demo.expect_charts(3)
    demo.assert_offline()


def test_lesson_preset_sets_the_controls(demo: Demo) -> None:
    demo.button("Step").click()
    expect(demo.clock).to_have_text("Time: 5.0")
    demo.choose("Lesson", "2. The three insecure styles in adult relationships")
    expect(demo.field("Caregivers")).to_contain_text("balanced")
    expect(demo.field("Compare with (same seed)")).to_contain_text("no comparison")
    expect(demo.page.get_by_label("Seed", exact=True)).to_have_value("7")
    expect(demo.field("Jump to")).to_contain_text("age 25")
    # the lesson rebuilds the model at once: a new clock, one population, couples from 18
    expect(demo.clock).to_have_text("Time: 0.0")
    expect(demo.page.get_by_text("Settings changed")).to_have_count(0)
    expect(demo.card("Couples")).to_contain_text("Couples form from age 18")
    # one population now: one command (the sidebar may be updated a moment after the views)
    commands = demo.page.get_by_label("Reproduce with")
    expect(commands).to_have_count(1)
    expect(commands).to_have_value("attachment-sim run --seed 7 --set caregivers=balanced")
    demo.expect_charts(2)  # one plane and the class shares
    demo.assert_offline()


def test_ensemble_completes_and_step_stays_free(demo: Demo) -> None:
    card = demo.card("Many runs of these settings")
    expect(card.get_by_role("button", name="Run 20 times in the background")).to_be_visible()
    runs = card.locator("[role=slider]")
    runs.focus()
    runs.press("Home")  # the fewest runs: 5
    expect(runs).to_have_attribute("aria-valuenow", "5")
    start = time.perf_counter()
    card.get_by_role("button", name="Run 5 times in the background").click()
    expect(card).to_contain_text("of 5 runs done")
    # the runs go on in a worker process: Step answers meanwhile
    step_start = time.perf_counter()
    demo.button("Step").click()
    expect(demo.clock).to_have_text("Time: 5.0")
    step = time.perf_counter() - step_start
    expect(card).to_contain_text(re.compile(r"[1-5] of 5 runs done"), timeout=60_000)
    first = time.perf_counter() - start
    expect(card).to_contain_text("5 of 5 runs done", timeout=90_000)
    done = time.perf_counter() - start
    demo.expect_charts(1, within=card)
    expect(card).to_contain_text(
        "Reproduce: attachment-sim run --seed 1 --set caregivers=consistent"
        " --set horizon_years=1 --runs 5"
    )
    print(
        f"\nEnsemble of 5 one-year runs: first run done after {first:.1f} s, all after"
        f" {done:.1f} s, chart after {time.perf_counter() - start:.1f} s; a Step meanwhile"
        f" took {step:.2f} s"
    )
    demo.assert_offline()


def test_two_browsers_have_independent_models(open_demo: Callable[[], Demo]) -> None:
    first, second = open_demo(), open_demo()
    first.button("Step").click()
    expect(first.clock).to_have_text("Time: 5.0")
    second.page.wait_for_timeout(1000)  # time enough for a shared model to show
    expect(second.clock).to_have_text("Time: 0.0")

    second.button("30").click()  # 30 steps per update, in the second only
    second.button("Step").click()
    expect(second.clock).to_have_text("Time: 30.0")
    first.page.wait_for_timeout(1000)
    expect(first.clock).to_have_text("Time: 5.0")
    first.button("Step").click()
    expect(first.clock).to_have_text("Time: 10.0")  # still 5 steps per update here
    for demo in (first, second):
        demo.assert_offline()
