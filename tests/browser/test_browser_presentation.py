"""Presentation mode in a real browser, at the sizes of a projector (1280x720) and a wide
screen (1920x1080): the bottleneck headline and the headline figures on the first screen,
figures drawn at least 1.5 times their normal size, the sidebar closed, and no chart wider
than its column (so no axis or legend is clipped). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
RUN_DONE = "[data-testid=stApp][data-test-script-state=notRunning]"
MAIN = "[data-testid=stMainBlockContainer]"
METRIC_VALUE = "[data-testid=stMetricValue]"
HEADLINE = f"{MAIN} [data-testid=stAlert]:has-text('bottleneck')"
CHART = f"{MAIN} [data-testid=stVegaLiteChart]"
PROJECTOR = {"width": 1280, "height": 720}


def settle(page) -> None:
    """Wait for the script run to finish, pause (charts draw), and wait again."""
    page.wait_for_selector(RUN_DONE, state="attached", timeout=60_000)
    page.wait_for_timeout(1500)
    page.wait_for_selector(RUN_DONE, state="attached", timeout=60_000)


def open_page(browser, url: str, viewport: dict):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    settle(page)
    page.locator(METRIC_VALUE).first.wait_for()
    return context, page


def metric_font_sizes(page) -> list[float]:
    """The computed font size (px) of each headline figure's text."""
    return page.eval_on_selector_all(
        METRIC_VALUE, "els => els.map(e => parseFloat(getComputedStyle("
        "e.querySelector('div, p, span') || e).fontSize))")


def boxes(page, selector: str) -> list[dict]:
    return [page.locator(selector).nth(i).bounding_box()
            for i in range(page.locator(selector).count())]


def clipped_charts(page) -> list[str]:
    """Charts whose drawing is wider than the element that holds it (cut on the right)."""
    return page.eval_on_selector_all(CHART, """els => els.flatMap(e => {
        const drawn = e.querySelector('canvas, svg');
        if (!drawn) return [];
        const box = e.getBoundingClientRect(), inner = drawn.getBoundingClientRect();
        return inner.right > box.right + 1 || inner.width > box.width + 1
            ? [`${Math.round(inner.width)} px drawing in ${Math.round(box.width)} px`] : [];
    })""")


def shot(page, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def test_projector_first_screen_holds_the_headline_and_bigger_figures(server, browser):
    normal_context, normal = open_page(browser, server.url, PROJECTOR)
    normal_sizes = metric_font_sizes(normal)
    shot(normal, "presentation-off-1280x720")
    normal_context.close()

    context, page = open_page(browser, f"{server.url}/?present=1", PROJECTOR)
    try:
        shot(page, "presentation-1280x720")
        sizes = metric_font_sizes(page)
        assert len(sizes) == len(normal_sizes) >= 3
        assert min(sizes) >= 1.5 * max(normal_sizes), (sizes, normal_sizes)
        headline = page.locator(HEADLINE)
        assert headline.count() == 1
        box = headline.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], box
        for metric in boxes(page, METRIC_VALUE):
            assert metric["y"] + metric["height"] <= PROJECTOR["height"], metric
        # The sidebar starts closed: the main area has the whole width.
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.get_attribute("data-collapsed") == "true"
        box = sidebar.bounding_box()
        assert box["x"] + box["width"] <= 0, box
        assert "present=1" in page.url
        assert clipped_charts(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PROJECTOR, {"width": 1920, "height": 1080}],
                         ids=["1280x720", "1920x1080"])
def test_presentation_charts_use_their_width_without_clipping(server, browser, viewport):
    size = f"{viewport['width']}x{viewport['height']}"
    context, page = open_page(browser, f"{server.url}/?present=1", viewport)
    try:
        shot(page, f"presentation-funnel-{size}")
        # Every chart drawn (scrolled into view) and none cut.
        for i in range(page.locator(CHART).count()):
            page.locator(CHART).nth(i).scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        assert clipped_charts(page) == []
        main_width = page.locator(MAIN).bounding_box()["width"]
        widths = [b["width"] for b in boxes(page, CHART)]
        # The stage chart and the waterfall take the main area's width (less padding).
        assert sorted(widths)[-1] >= 0.85 * main_width, (widths, main_width)
        page.locator(CHART).nth(2).scroll_into_view_if_needed()
        shot(page, f"presentation-funnel-stages-{size}")
        # The sidebar is closed, so the bookmark way: a new session on the peers page.
        page.goto(f"{server.url}/peers?present=1")
        settle(page)
        page.locator(CHART).first.wait_for()
        page.wait_for_timeout(1000)
        assert clipped_charts(page) == []
        assert "present=1" in page.url
        page.locator(CHART).first.scroll_into_view_if_needed()
        shot(page, f"presentation-peers-{size}")
    finally:
        context.close()


def test_wide_window_without_presentation_mode(server, browser):
    context, page = open_page(browser, server.url, {"width": 1400, "height": 1000})
    try:
        shot(page, "normal-funnel-1400x1000")
        assert clipped_charts(page) == []
        page.get_by_role("link", name="Peer comparison").click()
        settle(page)
        page.locator(CHART).first.wait_for()
        page.wait_for_timeout(1000)
        # The peer funnel plot once drew 350 px wide on a 1400 px screen.
        funnel = page.locator(CHART).first.bounding_box()
        assert funnel["width"] >= 700, funnel
        assert clipped_charts(page) == []
        page.locator(CHART).first.scroll_into_view_if_needed()
        shot(page, "normal-peers-1400x1000")
    finally:
        context.close()


def test_the_toggle_puts_present_1_in_the_address_and_page_switches_keep_it(server, browser):
    context, page = open_page(browser, server.url, {"width": 1400, "height": 1000})
    sidebar = page.locator("[data-testid=stSidebar]")
    try:
        normal = max(metric_font_sizes(page))
        sidebar.get_by_text("Presentation mode (projector)").click()
        settle(page)
        assert page.url.endswith("/?present=1"), page.url
        # Turning the mode on closes the sidebar too; open it to switch pages.
        assert sidebar.get_attribute("data-collapsed") == "true"
        page.get_by_label("Expand sidebar").click()
        page.get_by_role("link", name="Peer comparison").click()
        settle(page)
        assert page.url.endswith("/peers?present=1"), page.url
        page.get_by_role("link", name="Progression funnel").click()
        settle(page)
        assert page.url.endswith("/?present=1"), page.url
        assert min(metric_font_sizes(page)) >= 1.5 * normal
        sidebar.get_by_text("Presentation mode (projector)").click()
        settle(page)
        assert "present" not in page.url
        assert max(metric_font_sizes(page)) == normal
    finally:
        context.close()
