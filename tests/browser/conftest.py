"""Browser tests: a real ``streamlit run app.py`` server driven by headless Chromium.

Every test here is marked ``browser``. Without /usr/bin/chromium they are skipped, unless
WRES_REQUIRE_BROWSER=1, in which case they fail (for CI, where a skip would hide a broken
set-up). Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
NETWATCH = Path(__file__).resolve().parent / "netwatch.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1500, "height": 3200}
START_TIMEOUT = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    if os.environ.get("WRES_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (WRES_REQUIRE_BROWSER=1, so this is a failure)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``streamlit run app.py`` on a free port, from the repository root.

    ``pin_address=False`` leaves out ``--server.address 127.0.0.1``, so that the server runs
    as a user starts it, with only the repository's ``.streamlit/config.toml``.
    ``watch_network``: a log file; the server runs under ``netwatch.py``, which refuses and
    logs every network call outside this machine. ``env``: extra environment variables.
    """

    def __init__(self, *, pin_address: bool = True, watch_network: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ARTIFACTS / f"streamlit-{self.port}.log"
        ARTIFACTS.mkdir(exist_ok=True)
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
        launcher = [sys.executable, "-m"]
        if watch_network is not None:
            launcher = [sys.executable, str(NETWATCH), str(watch_network)]
        address = ["--server.address", "127.0.0.1"] if pin_address else []
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*launcher, "streamlit", "run", "app.py",
                 "--server.headless", "true", "--server.port", str(self.port),
                 *address, "--browser.gatherUsageStats", "false",
                 "--server.fileWatcherType", "none"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}: "
                                   f"{self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit did not answer on {self.url} in {START_TIMEOUT} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_size(self) -> int:
        return self.log.stat().st_size

    def errors(self, since: int = 0) -> str:
        """Tracebacks the server logged after byte ``since`` (uncaught exceptions in a page)."""
        with self.log.open("rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
        return text[text.find("Traceback"):] if "Traceback" in text else ""


@pytest.fixture(scope="session")
def chromium_ready() -> None:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright Python package is not installed")


@pytest.fixture(scope="session")
def start_server(chromium_ready) -> Iterator[Callable[[], Server]]:
    """Start servers on demand; every one is stopped at the end of the session."""
    started: list[Server] = []

    def start(**kwargs) -> Server:
        server = Server(**kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def server(start_server) -> Server:
    return start_server()


@pytest.fixture(scope="session")
def browser(chromium_ready):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, viewport: dict[str, int] | None = None):
    """A page in a browser context of its own: its own cookies and its own Streamlit
    session, as a second person in the room has. Close it with ``page.context.close()``."""
    context = browser.new_context(viewport=viewport or VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def pages(browser) -> Iterator[Callable[[], object]]:
    """Make pages in separate contexts on demand; all are closed at the end of the test."""
    made = []

    def make():
        made.append(new_page(browser))
        return made[-1]

    yield make
    for page in made:
        page.context.close()
