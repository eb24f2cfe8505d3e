"""Values a page keeps for the user's uploads (``state.page_memo``) follow the uploads: a file
replaced by another with the same trust and year but other counts is new data, and the peers
page shows the new figures, not those kept from the old file."""

from __future__ import annotations

from apptest_helpers import assert_ok, switch, uploads_state

from tests.room_support import ALPHA


def _peer_dataframe_text(at) -> str:
    return "\n".join(frame.value.to_csv() for frame in at.dataframe)


def test_a_replaced_upload_gives_new_peer_figures(uploaded_app):
    at = uploaded_app({ALPHA.file: ALPHA.csv()})
    switch(at, "peers")
    before = _peer_dataframe_text(at)
    # Same trust and year; band 8a's ethnic minority staff trebled.
    changed = ALPHA.csv().replace(b"Band 8a,Indian,1193", b"Band 8a,Indian,3579")
    assert changed != ALPHA.csv()
    at.session_state["uploads"] = uploads_state({ALPHA.file: changed})
    assert_ok(at.run())
    after = _peer_dataframe_text(at)
    assert after != before
