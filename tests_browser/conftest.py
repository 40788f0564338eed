"""Browser tests: headless Debian Chromium, driven by Playwright, against the demo site (demo/run.py).

Each test gets a demo of its own (fresh SQLite database and outbox under a scratch folder, the site and
the mock vendor on free loopback ports) and browser contexts that save a screenshot of their last page
under test-artifacts/browser/. Without Chromium (CHROMIUM, default /usr/bin/chromium) or the playwright
package, every test here is skipped with the reason.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COURSE_ID = "course-v1:DemoX+Proctoring101+2025"
PRACTICE_COURSE_ID = "course-v1:DemoX+Practice102+2025"
LTI_COURSE_ID = "course-v1:DemoX+Lti103+2025"
STARTUP_TIMEOUT = 120


def _skip_reason() -> str | None:
    if os.environ.get("DB", "sqlite").lower() != "sqlite":
        return "browser tests run with DB=sqlite only (the demo site keeps its own SQLite database)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"browser tests skipped: chromium not found ({CHROMIUM})"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests skipped: the playwright package is not installed (requirements/browser.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    for item in items:
        if "tests_browser" in str(item.path):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter):
    reason = _skip_reason()
    if reason and terminalreporter.stats.get("skipped"):
        terminalreporter.write_line(reason, yellow=True, bold=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class DemoSite:
    url: str
    vendor_url: str
    var_dir: Path
    log: Path
    process: subprocess.Popen
    lti_tool_url: str = ""
    _contexts: list = field(default_factory=list)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def course_url(self, course_id: str = COURSE_ID) -> str:
        return f"{self.url}/courses/{course_id}/"

    def special_exams_url(self, course_id: str = COURSE_ID) -> str:
        return f"{self.url}/courses/{course_id}/instructor/special_exams/"

    def progress_url(self, course_id: str = COURSE_ID) -> str:
        return f"{self.url}/courses/{course_id}/progress"

    def section_url(self, block: str, course_id: str = COURSE_ID) -> str:
        return f"{self.url}/courses/{course_id}/sections/{section_id(block, course_id)}/"


def section_id(block: str, course_id: str = COURSE_ID) -> str:
    """The demo's usage key of a section ("midterm", "final", "onboarding"; "practice" in the practice course)."""
    return f"block-v1:{course_id.removeprefix('course-v1:')}+type@sequential+block@{block}"


def _free_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def _start_demo(var_dir: Path, extra_args=()) -> DemoSite:
    """The demo on free ports; its mock LTI tool (on by default in run.py) too, unless `extra_args` say."""
    port, vendor_port, tool_port = _free_ports(3)
    extra_args = list(extra_args)
    if "--no-lti" not in extra_args and "--lti-tool-port" not in extra_args:
        extra_args += ["--lti-tool-port", str(tool_port)]
    elif "--lti-tool-port" in extra_args:
        tool_port = int(extra_args[extra_args.index("--lti-tool-port") + 1])
    var_dir.mkdir(parents=True, exist_ok=True)
    log = var_dir / "demo.log"
    env = dict(os.environ, DEMO_VAR_DIR=str(var_dir), DEMO_DEBUG="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "demo" / "run.py"), "--port", str(port), "--vendor-port", str(vendor_port)]
            + extra_args,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = DemoSite(
        url=f"http://127.0.0.1:{port}",
        vendor_url=f"http://127.0.0.1:{vendor_port}",
        var_dir=var_dir,
        log=log,
        process=process,
        lti_tool_url="" if "--no-lti" in extra_args else f"http://127.0.0.1:{tool_port}",
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while "The demo is running" not in site.log_text():
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            pytest.fail(f"The demo did not start:\n{site.log_text()[-4000:]}")
        time.sleep(0.2)
    return site


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def demo(tmp_path):
    """A demo site of the test's own, stopped (with its mock vendor) when the test ends."""
    site = _start_demo(tmp_path / "demo-var")
    yield site
    _stop(site.process)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, demo, request):
    """`new_page(name, username=None, init_script=None, viewport=None)`: a page in a fresh browser context
    (1280x900 unless `viewport` says otherwise), signed in as `username` when given; its last page is saved
    as test-artifacts/browser/<test>-<name>.png."""
    contexts = []

    def make(name: str, username: str | None = None, init_script: str | None = None, viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        contexts.append((name, context, page))
        if username:
            login(page, demo, username)
        return page

    yield make
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    for name, context, page in contexts:
        try:
            page.screenshot(path=str(ARTIFACTS / f"{test_name}-{name}.png"), full_page=True)
        finally:
            context.close()


def login(page, demo: DemoSite, username: str, password: str | None = None) -> None:
    page.goto(f"{demo.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or username)
    page.click("form.login-form button[type=submit]")
    page.wait_for_selector(f"[data-testid=username]:has-text('{username}')")
