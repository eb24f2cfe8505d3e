"""Presentation mode: opened by ``?present=1`` (a bookmark) or the sidebar toggle, kept in the
URL across page switches, and on the funnel page the bottleneck headline and the headline
figures come first, in bigger type."""

from __future__ import annotations

import re

from apptest_helpers import APP, TIMEOUT, assert_ok, switch, texts
from streamlit.testing.v1 import AppTest

PRESENT_CSS = "[data-testid=\"stMetricValue\"]"


def presentation_css(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if PRESENT_CSS in h.proto.body]


def metric_rem(css: str) -> float:
    match = re.search(r'\[data-testid="stMetricValue"\][^{]*\{\s*font-size: ([\d.]+)rem', css)
    assert match, css
    return float(match.group(1))


def headline_boxes(at: AppTest) -> list[str]:
    return [t for t in texts(at.main.error) + texts(at.main.success)
            if t.startswith(("The bottleneck is", "The biggest", "No band step", "No clear"))
            or "bottleneck" in t.lower()]


def page_order(at: AppTest) -> list[str]:
    """The main area's headline box, metrics and introduction, in the order drawn."""
    order = []

    def walk(node):
        kind = getattr(node, "type", "")
        if kind == "metric":
            order.append("metric")
        elif kind in ("error", "success") or (kind == "alert" and "bottleneck" in str(
                getattr(node, "value", "")).lower()):
            order.append("headline")
        elif kind == "markdown" and str(node.value).startswith("Each stage compares"):
            order.append("intro")
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return order


def test_the_query_parameter_opens_presentation_mode_with_the_headline():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["present"] = "1"
    assert_ok(at.run())
    assert at.toggle(key="large_type").value is True
    css = presentation_css(at)
    assert len(css) == 1
    # Streamlit draws metric values at 2.25rem; presentation mode at least 1.5 times that.
    assert metric_rem(css[0]) >= 1.5 * 2.25
    boxes = headline_boxes(at)
    assert len(boxes) == 1, texts(at.main.error) + texts(at.main.success)
    assert len(at.metric) >= 3
    # The bottleneck box and the figures come before the introduction: the first screen of
    # a projector holds them. Without presentation mode the introduction comes first.
    order = page_order(at)
    assert order.index("headline") < order.index("metric") < order.index("intro"), order
    assert at.query_params["present"] == "1"
    at.toggle(key="large_type").set_value(False).run()
    order = page_order(assert_ok(at))
    assert order.index("intro") < order.index("headline") < order.index("metric"), order


def test_without_the_parameter_presentation_mode_is_off():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    assert_ok(at.run())
    assert at.toggle(key="large_type").value is False
    assert presentation_css(at) == []
    assert "present" not in at.query_params


def test_the_toggle_and_the_url_stay_in_step_across_pages(app):
    app.toggle(key="large_type").set_value(True).run()
    assert_ok(app)
    assert "present" in app.query_params
    for name in ("peers", "data", "method", "funnel"):
        switch(app, name)
        assert app.toggle(key="large_type").value is True, name
        assert "present" in app.query_params, name
        assert len(presentation_css(app)) == 1, name
    app.toggle(key="large_type").set_value(False).run()
    assert_ok(app)
    assert "present" not in app.query_params
    assert presentation_css(app) == []
