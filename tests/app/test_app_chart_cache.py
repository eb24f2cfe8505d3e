"""Charts drawn from cached Vega-Lite specs (wres_app.chart_cache): shared for the sample,
kept in the session for uploads, and never standing for other data than the page's own.

AppTest sessions in one process share the process-wide cache as a server's sessions do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
from apptest_helpers import APP, TIMEOUT, assert_ok
from streamlit.testing.v1 import AppTest

from tests.room_support import ALPHA, BETA, Person
from wres_app import chart_cache, state

CHART_PAGES = ("funnel.py", "peers.py", "significance.py", "trends.py", "targets.py")


def shared_bytes() -> bytes:
    """Everything the process-wide caches of chart specs and page values hold."""
    parts = []
    for value in list(state._sample_page_values.values()):
        if isinstance(value, chart_cache.CachedSpec):
            parts.append(value.text.encode())
            parts.extend(data for _, data in value.datasets)
        else:
            parts.append(repr(value).encode())
    return b"\n".join(parts)


def shared_chart_keys() -> set:
    return {key for key in list(state._sample_page_values) if key[0] == "chart"}


def session_bytes(at: AppTest) -> bytes:
    specs = at.session_state.get(chart_cache._SESSION_KEY, {})
    return b"\n".join(stored.text.encode() + b"".join(d for _, d in stored.datasets)
                      for stored in specs.values())


def upload(at: AppTest, who: Person) -> AppTest:
    assert_ok(at.switch_page("app_pages/data.py").run())
    at.file_uploader[0].set_value((who.file, who.csv(), "text/csv"))
    return assert_ok(at.run())


def stage_chart_ratios(at: AppTest) -> dict[str, float]:
    """The stage chart's ratio per stage label, as sent to the browser."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if spec.get("description", "").startswith("Ratios of White to ethnic minority"):
            frames = [pa.ipc.open_stream(d.data.data).read_pandas()
                      for d in chart.proto.datasets]
            rows = max(frames, key=len)
            # An infinite ratio travels as null (JSON has no infinity): drawn at the axis edge.
            return {str(label): float(ratio) if ratio == ratio else float("inf")
                    for label, ratio in zip(rows["label"], rows["ratio"])}
    raise AssertionError("no stage chart on the page")


def test_charts_of_uploads_stay_in_their_own_session():
    alpha = upload(assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()), ALPHA)
    beta = upload(assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()), BETA)
    for page in CHART_PAGES:
        for at in (alpha, beta):
            assert_ok(at.switch_page(f"app_pages/{page}").run())
    shared = shared_bytes()
    for who in (ALPHA, BETA):
        assert not who.found_in(shared), f"{who.code}'s upload reached the shared caches"
    # Each session's charts were cached, in its own state, with its own data only.
    assert ALPHA.marker.encode() in session_bytes(alpha) or ALPHA.code.encode() in (
        session_bytes(alpha))
    assert not BETA.found_in(session_bytes(alpha))
    assert not ALPHA.found_in(session_bytes(beta))


def test_the_sample_charts_are_built_once_for_every_visitor():
    first = assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    kept = shared_chart_keys()
    assert kept, "the sample's funnel charts are in the shared cache"
    second = assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    assert shared_chart_keys() == kept, "the second visitor built no chart again"
    assert chart_cache._SESSION_KEY not in second.session_state
    assert stage_chart_ratios(first) == stage_chart_ratios(second)


def test_another_trust_gets_its_own_charts_not_the_last_ones():
    at = assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    for org in ("SYN041", "SYN120", "SYN041"):
        assert_ok(at.selectbox(key="org_code").set_value(org).run())
        analysis = at.session_state["selection"].results.trust(org, at.session_state[
            "selection"].year)
        expected = {str(label): float(ratio) for label, ratio in
                    zip(analysis.stage_table["label"], analysis.stage_table["ratio"])
                    if ratio == ratio}  # a stage with no ratio at all is not drawn
        assert stage_chart_ratios(at) == expected, org


def test_no_page_draws_an_altair_chart_directly():
    # st.altair_chart converts under a process-wide lock and swaps Altair's global data
    # transformer meanwhile, which would break a spec being built by chart_cache at that
    # moment in another session: every chart goes through chart_cache.draw_chart.
    root = Path(APP).parent
    callers = [str(path.relative_to(root)) for folder in ("app_pages", "wres_app")
               for path in (root / folder).glob("*.py")
               if re.search(r"\.altair_chart\(", path.read_text())]
    assert callers == []
