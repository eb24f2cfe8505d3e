"""Helpers for the browser tests that drive several people's sessions (imported by bare name,
as tests/app/apptest_helpers.py is).

A session's pages are reached by clicking the sidebar links (``page.goto`` would start a new
session and lose its uploads). What the server sends a browser is recorded from the page's
WebSocket frames: every element, table (Arrow) and chart (Vega-Lite with its data) the
session is shown arrives that way, so a value absent from every frame was never shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
RUN_DONE = "[data-testid=stApp][data-test-script-state=notRunning]"
MAIN = "[data-testid=stMainBlockContainer]"
EXCEPTION = "[data-testid=stException]"
NAV_LINKS = "[data-testid=stSidebarNav] a"


def settle(page) -> None:
    """Wait for the script run to finish, pause, and wait again (a rerun may follow)."""
    page.wait_for_selector(RUN_DONE, state="attached")
    page.wait_for_timeout(400)
    page.wait_for_selector(RUN_DONE, state="attached")


def open_app(page, url: str) -> None:
    page.goto(url)
    page.locator(f"{MAIN} h1").first.wait_for(timeout=90_000)
    settle(page)


def nav_links(page) -> list[str]:
    """The sidebar's page links, in order (pages added later are included unasked)."""
    page.locator(NAV_LINKS).first.wait_for()
    # A link's text is its icon, then its title.
    return [text.strip().splitlines()[-1].strip()
            for text in page.locator(NAV_LINKS).all_inner_texts()]


def go(page, link: str) -> None:
    """Click a sidebar link and wait for its page to be drawn, without an exception."""
    page.locator(NAV_LINKS, has_text=link).first.click()
    page.wait_for_timeout(200)
    page.locator(f"{MAIN} h1").first.wait_for()
    settle(page)
    assert page.locator(EXCEPTION).count() == 0, f"exception on {link}"


def upload(page, *paths: Path, ready: str = "Ready:") -> None:
    """Upload files on the Data page and wait for them to be read."""
    go(page, "Data")
    page.set_input_files("input[type=file]", [str(p) for p in paths])
    page.get_by_text(ready).first.wait_for(timeout=90_000)
    settle(page)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@dataclass
class Received:
    """Every WebSocket frame the server sent one page, as bytes."""

    frames: list[bytes] = field(default_factory=list)

    def attach(self, page) -> Received:
        def on_socket(socket) -> None:
            socket.on("framereceived", lambda payload: self.frames.append(
                payload if isinstance(payload, bytes) else payload.encode()))
        page.on("websocket", on_socket)
        return self

    def since(self, start: int) -> bytes:
        return b"\n".join(self.frames[start:])

    def all(self) -> bytes:
        return self.since(0)
