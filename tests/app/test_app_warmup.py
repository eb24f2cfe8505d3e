"""The warm-up (wres_app.warmup): after a trust is warmed, its first funnel and peers pages,
as a new visitor sees them, build nothing: no chart spec, no protected view, no peer
comparison, no headline figures or tables. A trust that was not warmed builds them (the
counters can see a build).

AppTest runs the pages in this process, so they find what the warm-up kept in the
process-wide memo of sample values, as a server's sessions do.
"""

from __future__ import annotations

import json
import threading
import time

import pandas as pd
import pyarrow as pa
import pytest
from apptest_helpers import APP, TIMEOUT, assert_ok, counting, page_path
from streamlit.testing.v1 import AppTest

from wres_app import chart_cache, downloads, funnel_view, peer_view, state, warmup
from wres_app.funnel_view import bottleneck_groups, funnel_charts
from wres_core.options import AnalysisOptions
from wres_core.peers import DEFAULT_K, default_funnel_stage, peer_group

WARMED = "SYN123"
NOT_WARMED = "SYN124"


@pytest.fixture
def builds(monkeypatch) -> dict[str, int]:
    """Counts of what a page builds rather than finds: chart specs, protected views, peer
    comparisons, funnel plots and strip tables."""
    counts = {"chart": 0, "protect": 0, "comparison": 0, "funnel": 0, "strip": 0,
              "table hashed": 0, "texts": 0}

    monkeypatch.setattr(chart_cache, "cached_spec",
                        counting(counts, "chart", chart_cache.cached_spec))
    real_fingerprint = chart_cache.fingerprint

    def fingerprint(value):  # a sample chart's tables are named by their source, not hashed
        if isinstance(value, pd.DataFrame | pd.Series):
            counts["table hashed"] += 1
        return real_fingerprint(value)

    monkeypatch.setattr(chart_cache, "fingerprint", fingerprint)
    monkeypatch.setattr(downloads, "protect", counting(counts, "protect", downloads.protect))
    monkeypatch.setattr(funnel_view, "headline_figures",  # the funnel page's figures, tables
                        counting(counts, "texts", funnel_view.headline_figures))
    monkeypatch.setattr(peer_view, "peer_comparison",
                        counting(counts, "comparison", peer_view.peer_comparison))
    monkeypatch.setattr(peer_view, "peer_funnel_data",
                        counting(counts, "funnel", peer_view.peer_funnel_data))
    monkeypatch.setattr(peer_view, "peer_stage_table",
                        counting(counts, "strip", peer_view.peer_stage_table))
    return counts


def visit_funnel_and_peers(code: str) -> AppTest:
    at = assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    at.selectbox(key="org_code").set_value(code)
    assert_ok(at.run())
    at.switch_page(page_path("peers"))
    return assert_ok(at.run())


def forget_sample_page_values() -> None:
    with state._sample_page_lock:
        state._sample_page_values.clear()


def test_a_warmed_trust_builds_nothing_on_its_first_funnel_and_peers_pages(builds):
    forget_sample_page_values()
    # The default trust's first page (every visit starts there), so that the counts below
    # are the two trusts' own.
    assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    results = state.sample_results(AnalysisOptions())
    warmup.warm_trust(results, WARMED, int(results.years_for(WARMED)[-1]), AnalysisOptions())
    for name in builds:
        builds[name] = 0

    visit_funnel_and_peers(WARMED)
    assert builds == {"chart": 0, "protect": 0, "comparison": 0, "funnel": 0, "strip": 0,
                      "table hashed": 0, "texts": 0}

    visit_funnel_and_peers(NOT_WARMED)
    # Its four funnel-page charts and two peer charts, its protected view, its comparison.
    assert builds["chart"] == 6
    assert builds["protect"] == 1
    assert builds["comparison"] == builds["funnel"] == builds["strip"] == 1
    assert builds["texts"] == 1  # its headline figures and tables, once


def test_the_warm_up_gives_way_while_a_page_is_running():
    finished = threading.Event()

    def a_page_run() -> None:
        finished.wait(5)

    page = threading.Thread(target=a_page_run, name=warmup.SCRIPT_THREAD)
    page.start()
    try:
        assert warmup.people_running()
        waiter = threading.Thread(target=warmup.give_way)
        waiter.start()
        time.sleep(3 * warmup.GIVE_WAY_SECONDS)
        assert waiter.is_alive()  # still waiting for the page
        finished.set()
        waiter.join(5)
        assert not waiter.is_alive()
    finally:
        finished.set()
        page.join()


@pytest.mark.parametrize(("value", "wanted"), [(None, True), ("all", True), ("off", False),
                                               ("0", False), ("OFF ", False)])
def test_the_warm_up_switch(monkeypatch, value, wanted):
    if value is None:
        monkeypatch.delenv(warmup.WARM_SWITCH, raising=False)
    else:
        monkeypatch.setenv(warmup.WARM_SWITCH, value)
    assert warmup.warm_pages_wanted() is wanted


# --- the specs the warm-up and the pages keep are Altair's, data included -------------------


def _without_data(spec: object) -> object:
    """``spec`` with every data set's name and the data sets themselves left out."""
    if isinstance(spec, dict):
        return {k: ("<data>" if k == "data" else _without_data(v))
                for k, v in spec.items() if k != "datasets"}
    if isinstance(spec, list):
        return [_without_data(v) for v in spec]
    return spec


def _layer_rows(spec: dict, datasets: dict[str, list[dict]]) -> list[list[dict]]:
    """Each layer's rows, in the spec's order (top-level data first)."""
    return [datasets[part["data"]["name"]] for part in [spec, *spec.get("layer", [])]
            if "name" in part.get("data", {})]


def _same_value(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float | int):
        return abs(a - b) <= 1e-12 * max(1.0, abs(a))
    return a == b


@pytest.mark.parametrize("code", ["SYN007", "SYN150"])
def test_kept_specs_are_valid_and_carry_altairs_own_rows(code):
    """The specs kept (built without validation, tables passed to Arrow as they are) are the
    specs Altair makes itself, validated against the Vega-Lite schema, row for row."""
    options = AnalysisOptions()
    results = state.sample_results(options)
    year = int(results.years_for(code)[-1])
    analysis = results.trust(code, year)
    calls = funnel_charts(analysis, next(iter(bottleneck_groups(analysis))), large=False,
                          level=options.level).drawn()
    universe = state.sample_peer_universe(options)
    group = peer_group(universe, code, year, peer_view.DEFAULT_KIND, k=DEFAULT_K)
    def memo(key, compute):  # nothing kept: the test builds each value itself
        return compute()

    table = peer_view.comparison_table(universe, group, options=options, adjusted=True,
                                       memo=memo)
    stage = default_funnel_stage(table)
    points, curves, funnel = peer_view.funnel_plot(universe, group, stage, "precision",
                                                   options=options, adjusted=True, memo=memo)
    calls.append(peer_view.funnel_plot_chart(points, curves, funnel, label="a stage",
                                             x_axis="precision", synthetic=True, large=False,
                                             level=0.95))
    rows = peer_view.strip_rows(universe, group, stage[1], options=options, adjusted=True,
                                memo=memo)
    calls.append(peer_view.strip_chart(rows, synthetic=True, large=False))
    assert len(calls) == 6

    for call in calls:
        name = call.build.__name__
        altair_spec = call.build(*call.args, **call.kwargs).to_dict()  # validates
        call.warm()
        key = ("chart", *chart_cache.spec_key(call.build, call.args, call.kwargs,
                                              shared=True, source=call.source))
        stored = state._sample_page_values[key]
        ours = json.loads(stored.text)
        assert _without_data(ours) == _without_data(altair_spec), name
        our_rows = _layer_rows(ours, {n: pa.ipc.open_stream(data).read_all().to_pylist()
                                      for n, data in stored.datasets})
        altair_rows = _layer_rows(altair_spec, altair_spec["datasets"])
        assert len(our_rows) == len(altair_rows) > 0, name
        for mine, theirs in zip(our_rows, altair_rows):
            assert len(mine) == len(theirs), name
            for a, b in zip(mine, theirs):
                assert set(a) == set(b), (name, set(a) ^ set(b))
                assert all(_same_value(a[k], b[k]) for k in b), (
                    name, {k: (a[k], b[k]) for k in b if not _same_value(a[k], b[k])})


# --- a sample chart's source stands for its tables --------------------------------------------


@pytest.mark.parametrize("options", [
    AnalysisOptions(),
    AnalysisOptions(groups="detailed", level=0.9),
    AnalysisOptions(staff_group="Clinical"),
], ids=["default", "detailed groups at 90%", "clinical staff"])
def test_a_chart_source_never_stands_for_two_different_tables(options):
    """``ChartCall.source`` replaces the fingerprint of a sample chart's tables in its key: two
    calls with one source must have the same tables. Every funnel-page chart of several
    trusts, each comparison group, both type sizes, and the peers page's two charts."""
    results = state.sample_results(options)
    universe = state.sample_peer_universe(options)
    content_by_source: dict = {}
    for code in ("SYN007", "SYN150", "SYN201"):
        for year in [int(y) for y in results.years_for(code)[-2:]]:
            analysis = results.trust(code, year)
            calls = [call for group in bottleneck_groups(analysis) for large in (False, True)
                     for call in funnel_charts(analysis, group, large=large,
                                               level=options.level).drawn()]
            group = peer_group(universe, code, year, peer_view.DEFAULT_KIND, k=DEFAULT_K)
            memo = lambda key, compute: compute()  # noqa: E731 - nothing kept
            table = peer_view.comparison_table(universe, group, options=options,
                                               adjusted=True, memo=memo)
            for stage in list(dict.fromkeys(zip(table["stage_id"], table["comparison"])))[:3]:
                for x_axis in peer_view.X_AXIS_LABELS:
                    points, curves, funnel = peer_view.funnel_plot(
                        universe, group, stage, x_axis, options=options, adjusted=True,
                        memo=memo)
                    calls.append(peer_view.funnel_plot_chart(
                        points, curves, funnel, label="a stage", x_axis=x_axis,
                        synthetic=True, large=False, level=options.level,
                        source=peer_view.funnel_plot_key(options, group, True, stage, x_axis)))
                rows = peer_view.strip_rows(universe, group, stage[1], options=options,
                                            adjusted=True, memo=memo)
                calls.append(peer_view.strip_chart(
                    rows, synthetic=True, large=False,
                    source=peer_view.strip_rows_key(options, group, True, stage[1])))
            for call in calls:
                assert call.source is not None, call.build.__name__
                key = (call.build.__name__, call.source)
                content = chart_cache.fingerprint(call.args)
                assert content_by_source.setdefault(key, content) == content, key
    assert len(content_by_source) > 20
