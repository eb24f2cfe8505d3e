"""The running app in headless Chromium: every page, before and after uploading files, shows no
exception; a bookmarked page URL on a fresh server still runs app.py (sidebar included).

Pages are reached by clicking the sidebar links: page.goto would start a new session and lose
the uploads. Screenshots of every page are saved to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

from tests.support import MESSY_CSV_TEXT

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"

RUN_DONE = "[data-testid=stApp][data-test-script-state=notRunning]"
MAIN = "[data-testid=stMainBlockContainer]"
EXCEPTION = "[data-testid=stException]"
PAGES = {  # sidebar link -> start of the page's title
    "Progression funnel": "Progression funnel",
    "Peer comparison": "Peer comparison",
    "Data": "Data",
    "Method": "Method",
    "About": "About WRES Explorer",
}
SLUGS = {"Progression funnel": "funnel", "Peer comparison": "peers", "Data": "data",
         "Method": "method", "About": "about"}
MESSY_CSV = MESSY_CSV_TEXT
MESSY_REASONS = ("negative count in column 'Headcount'", "unrecognised band in column 'Pay band'",
                 "unrecognised ethnicity in column 'Ethnicity'")


def settle(page) -> None:
    """Wait for the script run to finish, pause, and wait again (a rerun may follow)."""
    page.wait_for_selector(RUN_DONE, state="attached")
    page.wait_for_timeout(500)
    page.wait_for_selector(RUN_DONE, state="attached")


def main_title(page) -> str:
    return page.locator(f"{MAIN} h1").first.inner_text(timeout=30_000)


def go(page, link: str) -> str:
    """Click a sidebar link, wait for the page, check it has no exception; its main text."""
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=link).click()
    page.locator(f"{MAIN} h1", has_text=PAGES[link]).first.wait_for()
    settle(page)
    assert page.locator(EXCEPTION).count() == 0, f"exception on {link}"
    assert main_title(page).startswith(PAGES[link])
    return page.locator(MAIN).inner_text()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_bookmarked_data_url_on_a_fresh_server_runs_app_py(start_server, page):
    fresh = start_server()
    page.goto(f"{fresh.url}/data")
    settle(page)
    page.locator(f"{MAIN} h1", has_text="Data").first.wait_for()
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_role("heading", name="WRES Explorer").wait_for()
    assert "Synthetic sample (fictional trusts)" in sidebar.inner_text()
    assert page.locator(EXCEPTION).count() == 0
    shot(page, "fresh-server-data-url")
    assert not fresh.errors()


def test_every_page_on_the_sample(server, page):
    since = server.log_size()
    page.goto(server.url)
    settle(page)
    assert main_title(page).startswith("Progression funnel: ")
    for link in (*PAGES, "Progression funnel"):
        text = go(page, link)
        if link in ("Progression funnel", "Peer comparison"):
            assert "Synthetic sample data." in text
        if link == "Progression funnel":
            assert "The bottleneck is" in text or "No band step" in text
        if link == "Peer comparison":
            assert "Compared with" in text
        shot(page, f"sample-{SLUGS[link]}")
    assert not server.errors(since)


def test_uploads_then_every_page(server, page, tmp_path):
    messy = tmp_path / "messy_semicolon.csv"
    messy.write_bytes(MESSY_CSV.encode("cp1252"))
    since = server.log_size()
    page.goto(server.url)
    settle(page)
    go(page, "Data")
    page.set_input_files("input[type=file]", [
        str(REPO / "sample_data" / "trust_esr_extract.csv"),
        str(REPO / "sample_data" / "trust_wres_template.xlsx"), str(messy)])
    page.get_by_text("Ready: 3 organisation(s)").wait_for(timeout=60_000)
    settle(page)
    assert page.locator(EXCEPTION).count() == 0
    shot(page, "upload-data-first")

    for link in PAGES:
        text = go(page, link)
        if link == "Progression funnel":
            assert "Synthetic sample data." not in text
            assert any(s in text for s in ("The bottleneck is", "No band step", "There are no "))
        if link == "Peer comparison":
            assert "These peers are synthetic." in text
        if link == "Data":
            for reason in MESSY_REASONS:
                assert reason in text, reason
            for name in ("trust_esr_extract.csv", "trust_wres_template.xlsx",
                         "messy_semicolon.csv"):
                assert name in text
            assert "6,030" in text and "6,010" in text
        shot(page, f"upload-{SLUGS[link]}")
    sidebar = page.locator("[data-testid=stSidebar]").inner_text()
    assert "Your uploaded files" in sidebar
    assert not server.errors(since)


def test_peer_funnel_against_headcount(server, page):
    page.goto(server.url)
    settle(page)
    go(page, "Peer comparison")
    page.get_by_text("Ethnic minority headcount").click()
    settle(page)
    shot(page, "sample-peers-headcount-axis")
    assert page.locator(EXCEPTION).count() == 0
