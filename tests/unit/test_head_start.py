"""wres_app.head_start: the worker that reads an upload also makes its first analysis and
funnel charts, exactly as the session would make them itself (the same frames, the same spec
keys and specs; the charts sent after the file), and a head start that cannot be made never
stops the file being read."""

from __future__ import annotations

import json

import pandas as pd

from wres_app import chart_cache, head_start, reader_pool
from wres_app.funnel_view import bottleneck_groups, funnel_charts
from wres_core.analysis import analyse_dataset, largest_org
from wres_core.ingest import IngestResult, read_table
from wres_core.ingest.api import combine_results

# Two trusts: the larger (RDD, 160 staff in 2024) is the one the sidebar opens on.
TWO_TRUSTS = (b"Organisation code,Organisation name,Year,Pay band,Ethnicity,Headcount\n"
              b"RCC,Small Test Trust,2024,Band 5,White British,20\n"
              b"RCC,Small Test Trust,2024,Band 5,Indian,10\n"
              b"RCC,Small Test Trust,2024,Band 6,White British,15\n"
              b"RCC,Small Test Trust,2024,Band 6,Indian,5\n"
              b"RDD,Large Test Trust,2024,Band 5,White British,60\n"
              b"RDD,Large Test Trust,2024,Band 5,Indian,40\n"
              b"RDD,Large Test Trust,2024,Band 6,White British,45\n"
              b"RDD,Large Test Trust,2024,Band 6,Indian,10\n"
              b"RDD,Large Test Trust,2024,Band 7,White British,4\n"
              b"RDD,Large Test Trust,2024,Band 7,Indian,1\n")
RECRUITMENT_ONLY = (b"Organisation code,Year,Ethnicity,Applied,Shortlisted,Appointed\n"
                    b"RCC,2024,White,100,30,10\nRCC,2024,BME,80,15,3\n")


def test_the_worker_makes_what_the_session_would():
    result, made = reader_pool.read_upload_with_head_start(TWO_TRUSTS, "two.csv", {})
    assert isinstance(result, IngestResult) and made is not None
    here = read_table(TWO_TRUSTS, name="two.csv")
    data = combine_results([here])
    results = analyse_dataset(data.workforce, data.recruitment, made.options)
    for name in ("stages", "bottlenecks", "contributions", "representation", "overall"):
        pd.testing.assert_frame_equal(getattr(made.results, name), getattr(results, name))
    # The charts are the larger trust's (the one the sidebar opens on), keyed by content.
    assert largest_org(data.workforce) == "RDD"
    analysis = results.trust("RDD", 2024)
    calls = funnel_charts(analysis, next(iter(bottleneck_groups(analysis))), large=False,
                          level=made.options.level).drawn()
    specs = made.charts.result(timeout=60)  # sent after the file
    assert made.org == "RDD"
    assert len(specs) == len(calls) == 4
    for call, (key, stored) in zip(calls, specs):
        assert key == chart_cache.spec_key(call.build, call.args, call.kwargs, shared=False)
        assert json.loads(stored.text) == json.loads(chart_cache._build(
            call.build, call.args, call.kwargs).text)


def test_a_file_without_staff_gets_an_analysis_and_no_charts():
    result, made = reader_pool.read_upload_with_head_start(RECRUITMENT_ONLY, "rec.csv", {})
    assert isinstance(result, IngestResult)
    assert made is not None and made.org is None
    assert made.charts.result(timeout=60) == ()


def test_a_head_start_that_fails_leaves_the_file_read(monkeypatch):
    def broken(result):
        raise ValueError("no head start today")

    monkeypatch.setattr(head_start, "prepare", broken)
    result = read_table(TWO_TRUSTS, name="two.csv")
    assert reader_pool._head_start(result) is None
    status, value, made = reader_pool._answer(TWO_TRUSTS, "two.csv", {}, True)
    assert status == "ok" and isinstance(value, IngestResult) and made is None


def test_charts_that_fail_leave_the_analysis(monkeypatch):
    def broken(head):
        raise ValueError("no charts today")

    monkeypatch.setattr(head_start, "chart_specs", broken)
    made = head_start.prepare(read_table(TWO_TRUSTS, name="two.csv"))
    assert reader_pool._head_start_charts(made) == ()


def test_an_unreadable_file_has_no_head_start():
    result, made = reader_pool.read_upload_with_head_start(b"", "empty.csv", {})
    assert made is None and "empty" in result.problem


def test_a_large_file_gets_no_head_start(monkeypatch):
    """A national file's analysis takes seconds: it is left to the session, so that the
    worker's time limit is the reading's own."""
    monkeypatch.setattr(reader_pool, "HEAD_START_MAX_ROWS", 5)
    result = read_table(TWO_TRUSTS, name="two.csv")
    assert len(result.table) > 5
    assert reader_pool._head_start(result) is None
