"""The scorecard page in headless Chromium: it runs without an exception, the nine
indicators and the pay gap fit on a 1280x720 projector screen, and the rolling option works.
Screenshots at 1400x1000 and 1280x720 are saved to test-artifacts/."""

from __future__ import annotations

import pytest
from browser_helpers import ARTIFACTS, EXCEPTION, MAIN, settle

LINK = "Scorecard and pay gap"


def open_scorecard(page, url: str) -> None:
    page.goto(url)
    settle(page)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=LINK).click()
    page.locator(MAIN, has_text="WRES scorecard").first.wait_for(timeout=120_000)
    page.locator(f"{MAIN} [data-testid=stDataFrame]").first.wait_for(timeout=60_000)
    settle(page)


@pytest.mark.parametrize("width, height", [(1400, 1000), (1280, 720)])
def test_scorecard_fits_one_screen(browser, server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        since = server.log_size()
        open_scorecard(page, server.url)
        assert page.locator(EXCEPTION).count() == 0
        table = page.locator(f"{MAIN} [data-testid=stDataFrame]").first
        box = table.bounding_box()
        # The whole table (nine indicators and the pay gap) is visible without scrolling.
        assert box is not None and box["y"] + box["height"] <= height, box
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"scorecard_{width}x{height}.png"))
        assert server.errors(since) == ""
    finally:
        context.close()


def test_rolling_option_and_detail(page, server):
    open_scorecard(page, server.url)
    text = page.locator(MAIN).inner_text()
    assert "In plain English" in text and "Ethnicity pay gap" in text
    page.get_by_text("Indicators 3 and 4 as two-year rolling figures").click()
    settle(page)
    assert page.locator(EXCEPTION).count() == 0
    page.locator(MAIN, has_text="two-year rolling").first.wait_for()
