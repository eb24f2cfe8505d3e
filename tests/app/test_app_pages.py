"""Every page runs on the sample; the sidebar's choices survive page switches; the synthetic
banner is on the sample and only there."""

from __future__ import annotations

import pytest
from apptest_helpers import PAGES, SAMPLE, assert_ok, switch, texts

SYNTHETIC_BANNER = "**Synthetic sample data.**"
SIDEBAR_WARNING = "**Synthetic data.**"
TITLES = {"funnel": "Progression funnel: ", "peers": "Peer comparison", "data": "Data",
          "method": "Method", "about": "About WRES Explorer"}


def test_every_page_runs_on_the_sample(app):
    for name in (*PAGES, "funnel"):
        switch(app, name)
        main_titles = texts(app.main.title)
        assert main_titles and main_titles[0].startswith(TITLES[name]), (name, main_titles)
        assert texts(app.sidebar.title) == ["WRES Explorer"]
        # The sidebar says the data are synthetic on every page.
        assert any(t.startswith(SIDEBAR_WARNING) for t in texts(app.sidebar.warning)), name


def test_method_and_about_pages_show_their_text(app):
    switch(app, "method")
    method = "\n".join(texts(app.main.markdown))
    assert len(method) > 500 and "has no 'Methods' section" not in method
    switch(app, "about")
    assert any(t.startswith("Version ") for t in texts(app.main.caption))


def test_sidebar_choices_survive_page_switches(app):
    # Set together, one rerun: every new option set costs a whole-sample analysis.
    app.selectbox(key="org_code").set_value("SYN041")
    app.selectbox(key="year").set_value(2022)
    app.radio(key="opt_groups").set_value("detailed")
    app.selectbox(key="opt_ci").set_value("exact")
    app.select_slider(key="opt_level").set_value(0.99)
    app.toggle(key="large_type").set_value(True)
    app.toggle(key="suppress_exports").set_value(False)
    assert_ok(app.run())
    chosen = {"org_code": "SYN041", "year": 2022, "opt_groups": "detailed", "opt_ci": "exact",
              "opt_level": 0.99, "large_type": True, "suppress_exports": False}
    for name in ("peers", "data", "method", "about", "funnel"):
        switch(app, name)
        for key, value in chosen.items():
            assert app.session_state[key] == value, (name, key)
        assert app.selectbox(key="org_code").value == "SYN041"
        assert app.radio(key="opt_groups").value == "detailed"
        assert app.toggle(key="large_type").value is True
    # Back on the funnel: the page uses them.
    title = texts(app.main.title)[0]
    assert "Abbot’s Marrow" in title and title.endswith(", 2022")
    assert any(t.startswith("**Asian:** ") for t in texts(app.error) + texts(app.success))
    assert "99% intervals" in texts(app.main.caption)[0]


def test_synthetic_banner_on_the_sample(app):
    for name in ("funnel", "peers"):
        switch(app, name)
        assert any(t.startswith(SYNTHETIC_BANNER) for t in texts(app.main.info)), name


@pytest.mark.parametrize("page", ["funnel", "peers"])
def test_no_synthetic_banner_on_uploaded_data(uploaded_app, page):
    at = uploaded_app({"trust_esr_extract.csv": (SAMPLE / "trust_esr_extract.csv").read_bytes()})
    switch(at, page)
    assert not any(t.startswith(SYNTHETIC_BANNER) for t in texts(at.info))
    assert not any(t.startswith(SIDEBAR_WARNING) for t in texts(at.sidebar.warning))
    assert at.radio(key="source").value == "upload"


def test_large_type_toggle_adds_the_css(app):
    def large_css() -> list[str]:
        return [h.proto.body for h in app.get("html") if "font-size: 20px" in h.proto.body]

    assert large_css() == []
    app.toggle(key="large_type").set_value(True).run()
    assert_ok(app)
    assert len(large_css()) == 1
    switch(app, "peers")
    assert len(large_css()) == 1
    app.toggle(key="large_type").set_value(False).run()
    assert large_css() == []
