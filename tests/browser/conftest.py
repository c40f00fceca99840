"""Browser fixtures: the real app behind a real waitress server on loopback, driven by
Debian's headless Chromium through Playwright.

Chromium is found as `HERITAGE_CHROMIUM`, then `chromium`, then `chromium-browser` on the PATH;
Playwright never downloads a browser of its own here. Without one, the browser tests skip and
say how to get it.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import waitress
from conftest import REPO, SHARED_DATA, Clock
from waitress import wasyncore

from heritage.store.session import migrate
from heritage.web import create_app

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "correct horse battery"
ANALYST = "amira"
TIMEOUT_MS = 10_000
_SEED = SHARED_DATA.parent / "seeds" / "palmyra-joint-attack-report.txt"
SEED_REPORT = _SEED if _SEED.is_file() else REPO / "seeds" / "palmyra-joint-attack-report.txt"
_SAVED = pytest.StashKey[list]()


@dataclass
class LiveServer:
    """The app served by waitress on loopback, its clock and its command line (the same
    database)."""

    app: object
    url: str
    clock: Clock

    def cli(self, *args: str, input: str | None = None) -> str:
        result = self.app.test_cli_runner().invoke(args=list(args), input=input)
        assert result.exit_code == 0, f"flask {' '.join(args)}: {result.output}"
        return result.output


@dataclass
class Watch:
    """What a page did besides rendering: uncaught errors, dialogs, CSP reports."""

    page: object
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)


def _build_app(folder: Path, clock: Clock):
    """The production app (TESTING off: errors become pages, as users see them)."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'heritage.sqlite3'}",
            "SECRET_KEY": "browser-test-secret",
            "CLOCK": clock,
        }
    )
    migrate(app.extensions["heritage"].engine)
    return app


@contextmanager
def _serving(app) -> Iterator[str]:
    """Serve ``app`` with waitress on a free loopback port in a thread; close every
    connection and worker thread on the way out."""
    socket_map: dict = {}
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8, map=socket_map)
    stopping = threading.Event()

    def run() -> None:
        while not stopping.is_set():
            wasyncore.loop(timeout=1.0, map=socket_map, use_poll=True, count=1)
        wasyncore.close_all(socket_map)  # the listening socket and any kept-alive connection
        server.task_dispatcher.shutdown()

    thread = threading.Thread(target=run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.pull_trigger()  # wakes the loop out of poll() at once
        thread.join(timeout=10)
        app.extensions["heritage"].engine.dispose()


def seed_palmyra(server: LiveServer) -> None:
    """The shipped registry, the original Palmyra report, an analyst, then one assessment and
    alert run: Palmyra is at level low with one open alert."""
    server.cli("sites", "import", str(REPO / "sites"))
    server.cli("reports", "ingest", str(SEED_REPORT))
    server.cli("users", "create", ANALYST, "--role", "analyst", "--password-stdin", input=PASSWORD)
    server.cli("scheduler", "run-once", "--only", "assess")
    server.cli("scheduler", "run-once", "--only", "alerts")


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory) -> Iterator[LiveServer]:
    """One server per module: tests change only what no other test reads."""
    clock = Clock()
    app = _build_app(tmp_path_factory.mktemp("browser-db"), clock)
    with _serving(app) as url:
        server = LiveServer(app, url, clock)
        seed_palmyra(server)
        yield server


def _find_chromium() -> str:
    named = os.environ.get("HERITAGE_CHROMIUM")
    if named:
        found = shutil.which(named)
        if not found:
            pytest.skip(f"headless Chromium not found: HERITAGE_CHROMIUM={named} is not executable")
        return found
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(
        "headless Chromium not found: install Debian's chromium package (apt-get install "
        "chromium) or set HERITAGE_CHROMIUM to a Chromium or Chrome executable"
    )


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed: `make install-dev` installs it"
    )
    executable = _find_chromium()
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            # Chromium's sandbox needs user namespaces that root may not use: as root it refuses
            # to start unless the sandbox is off. Any other user keeps the sandbox.
            chromium_sandbox=os.geteuid() != 0,
            timeout=30_000,
        )
    except sync_api.Error as error:
        playwright.stop()
        first_line = str(error).strip().splitlines()[0]
        pytest.skip(f"headless Chromium ({executable}) failed to launch: {first_line}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def watch(browser, request) -> Iterator[Watch]:
    """A fresh context (no cookies) and page; fails the test on an uncaught page error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    watch = Watch(context.new_page())
    watch.page.on("pageerror", lambda error: watch.page_errors.append(str(error)))

    def on_dialog(dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            watch.csp_violations.append(message.text)  # CSP blocked something: that is fine

    watch.page.on("dialog", on_dialog)
    watch.page.on("console", on_console)
    yield watch
    context.close()
    if watch.csp_violations:  # kept with the test's report (e.g. --junitxml), not a failure
        request.node.user_properties.append(("csp_violations", watch.csp_violations))
    assert watch.page_errors == [], f"uncaught errors in the page: {watch.page_errors}"


@pytest.fixture
def page(watch):
    return watch.page


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under tests/browser/artifacts/ (gitignored)."""

    def save(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        request.config.stash.setdefault(_SAVED, []).append(path.name)
        return path

    return save


def pytest_terminal_summary(terminalreporter, config) -> None:
    saved = config.stash.get(_SAVED, [])
    if saved:
        terminalreporter.write_line(f"browser screenshots in {ARTIFACTS}: {', '.join(saved)}")
