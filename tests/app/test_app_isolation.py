"""Session isolation: two people uploading at once never see each other's data.

Several AppTest instances in one process share that process's Streamlit caches
(``st.cache_resource``), module globals and threads, as the sessions of one server do, so they
are a fair model of a workshop room. Each of two sessions uploads its own file through the Data
page's uploader, with its own organisation code, name, marker string and headcounts; on every
page, after page switches and reruns interleaved with the other session's, everything the
session sends to its browser (every element's protobuf message: text, tables, chart data,
widget options) holds its own values and none of the other's. A third session opened
afterwards sees only the synthetic sample.

The shared sample results are frozen and handed out as copies: a script that edits them in
place changes only its own copy, and an edit of the shared object itself fails.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from apptest_helpers import APP, TIMEOUT, assert_ok
from streamlit.testing.v1 import AppTest

from tests.room_support import ALPHA, BETA, PEOPLE, Person
from wres_app import state
from wres_core.options import AnalysisOptions

PAGE_FILES = sorted(p.name for p in (Path(APP).parent / "app_pages").glob("*.py"))

def sent(at: AppTest) -> bytes:
    """Every element message of the last run, as sent to the browser (charts' data, tables as
    Arrow, text, widget options and values)."""
    parts: list[bytes] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return b"\n".join(parts)


def upload(at: AppTest, who: Person) -> AppTest:
    """Upload through the Data page's uploader, as a user does."""
    assert_ok(at.switch_page("app_pages/data.py").run())
    at.file_uploader[0].set_value((who.file, who.csv(), "text/csv"))
    return assert_ok(at.run())


def check(at: AppTest, mine: Person | None, where: str) -> None:
    seen = sent(at)
    for other in PEOPLE:
        if other is not mine:
            leaked = other.found_in(seen)
            assert not leaked, f"{where}: shows {other.code}'s {leaked}"
    if mine is not None and where.endswith(("funnel.py", "data.py")):
        # The session's own upload is shown (so the check above looks at real pages).
        assert mine.name.encode() in seen, f"{where}: own upload not shown"


def visit_every_page(sessions: list[tuple[AppTest, Person]]) -> None:
    """Each page in turn in every session, interleaved, and each page run twice."""
    for page in PAGE_FILES:
        for _ in range(2):
            for at, mine in sessions:
                assert_ok(at.switch_page(f"app_pages/{page}").run())
                check(at, mine, f"session {mine.code} on {page}")


@pytest.fixture
def two_sessions() -> tuple[AppTest, AppTest]:
    alpha = assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    beta = assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    upload(alpha, ALPHA)
    upload(beta, BETA)
    return alpha, beta


def test_uploads_are_what_each_session_analyses(two_sessions):
    alpha, beta = two_sessions
    for at, who in ((alpha, ALPHA), (beta, BETA)):
        assert at.session_state["source"] == state.SOURCE_UPLOAD
        assert_ok(at.switch_page("app_pages/funnel.py").run())
        assert at.session_state["org_code"] == who.code
        assert who.name in at.main.title[0].value


def test_two_sessions_never_see_each_others_uploads(two_sessions):
    alpha, beta = two_sessions
    visit_every_page([(alpha, ALPHA), (beta, BETA)])
    # Reruns with changed options (a new shared-sample computation in between) and back.
    alpha.toggle(key="large_type").set_value(True).run()
    beta.selectbox(key="opt_ci").set_value("exact").run()
    visit_every_page([(alpha, ALPHA), (beta, BETA)])


def test_a_fresh_session_sees_only_the_sample(two_sessions):
    alpha, beta = two_sessions
    visit_every_page([(alpha, ALPHA), (beta, BETA)])
    fresh = assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    assert fresh.session_state["source"] == state.SOURCE_SAMPLE
    assert "uploads" not in fresh.session_state or not fresh.session_state["uploads"]
    for page in PAGE_FILES:
        assert_ok(fresh.switch_page(f"app_pages/{page}").run())
        check(fresh, None, f"fresh session on {page}")
    assert_ok(fresh.switch_page("app_pages/funnel.py").run())
    assert fresh.session_state["org_code"].startswith("SYN")
    assert b"(synthetic)" in sent(fresh)


# --- the shared sample results are read-only ---------------------------------------------------

EDITING_SCRIPT = '''
import streamlit as st
from tests.room_support import ALPHA, BETA, PEOPLE, Person
from wres_app import state
from wres_core.options import AnalysisOptions

results = state.sample_results(AnalysisOptions())
results.stages.loc[0, "ratio"] = 999.0
results.stages.loc[0, "sentence"] = "EDITED BY ANOTHER SESSION"
results.stages["verdict"] = "EDITED"
results.organisations.loc[0, "org_name"] = "EDITED TRUST"
data = state.sample_dataset()
data.workforce.loc[0, "headcount"] = 10 ** 9
st.write("edited")
'''


def _sample_first_row():
    results = state.sample_results(AnalysisOptions())
    data = state.sample_dataset()
    return (float(results.stages.loc[0, "ratio"]), results.stages.loc[0, "sentence"],
            set(results.stages["verdict"]), results.organisations.loc[0, "org_name"],
            int(data.workforce.loc[0, "headcount"]))


def test_an_in_place_edit_of_the_sample_results_does_not_reach_other_sessions():
    before = _sample_first_row()
    assert before[0] != 999.0 and "EDITED" not in before[1]
    editor = AppTest.from_string(EDITING_SCRIPT, default_timeout=TIMEOUT)
    assert_ok(editor.run())
    assert _sample_first_row() == before
    # And the real app, run after the edit, shows the sample as it was.
    at = assert_ok(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run())
    assert b"EDITED" not in sent(at)


FRAMES = ("stages", "bottlenecks", "contributions", "representation", "overall",
          "organisations")


def test_the_shared_results_hold_only_read_only_arrays():
    """The object every session's copy comes from: every numpy array behind its frames is
    read-only, so code that reached it directly could not change a number in place."""
    shared = state._shared_sample_results(AnalysisOptions())
    writable = [(name, str(block.dtype)) for name in FRAMES
                for block in getattr(shared, name)._mgr.blocks
                if isinstance(block.values, np.ndarray) and block.values.flags.writeable]
    assert not writable
    data = state._shared_sample_dataset()
    assert not [str(b.dtype) for b in data.workforce._mgr.blocks
                if isinstance(b.values, np.ndarray) and b.values.flags.writeable]


def test_each_caller_gets_its_own_copy_of_the_shared_results():
    shared = state._shared_sample_results(AnalysisOptions())
    mine, yours = state.sample_results(AnalysisOptions()), state.sample_results(AnalysisOptions())
    assert mine is not shared and mine.stages is not shared.stages
    mine.stages.loc[0, "ratio"] = 999.0
    mine.representation["bme"] = 0
    assert float(yours.stages.loc[0, "ratio"]) != 999.0
    assert float(shared.stages.loc[0, "ratio"]) != 999.0
    assert int(shared.representation["bme"].sum()) > 0
