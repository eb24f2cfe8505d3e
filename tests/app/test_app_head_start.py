"""An upload's first analysis and funnel charts come from its reader worker
(wres_app.head_start): with one file and the default options the session analyses nothing
and builds no chart for its first funnel page; with other options, or two files, it does, as
before (the worker's values are used only where they are what the session would compute)."""

from __future__ import annotations

import pytest
from apptest_helpers import assert_ok, counting, switch

from tests.room_support import ALPHA, BETA
from wres_app import chart_cache, state
from wres_core.options import AnalysisOptions


@pytest.fixture
def session_work(monkeypatch) -> dict[str, int]:
    """Analyses run and chart specs built in this process (AppTest's sessions), not in the
    reader worker."""
    counts = {"analysed": 0, "charts built": 0}
    state.sample_results(AnalysisOptions())  # the sample's own analysis, before counting

    monkeypatch.setattr(state, "analyse_dataset",
                        counting(counts, "analysed", state.analyse_dataset))
    monkeypatch.setattr(chart_cache, "cached_spec",
                        counting(counts, "charts built", chart_cache.cached_spec))
    return counts


def test_one_file_first_funnel_page_is_made_by_the_worker(uploaded_app, session_work):
    at = uploaded_app({ALPHA.file: ALPHA.csv()})
    switch(at, "funnel")
    assert any(ALPHA.name in title.value for title in at.title)
    assert len(at.get("vega_lite_chart")) == 4
    assert session_work == {"analysed": 0, "charts built": 0}


def test_other_options_are_analysed_in_the_session(uploaded_app, session_work):
    at = uploaded_app({ALPHA.file: ALPHA.csv()})
    at.select_slider(key="opt_level").set_value(0.9)
    assert_ok(at.run())
    switch(at, "funnel")
    assert session_work["analysed"] == 1 and session_work["charts built"] == 4


def test_two_files_are_analysed_in_the_session(uploaded_app, session_work):
    at = uploaded_app({ALPHA.file: ALPHA.csv(), BETA.file: BETA.csv()})
    switch(at, "funnel")
    assert session_work["analysed"] == 1
