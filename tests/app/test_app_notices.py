"""The "rows left out" notice: every analysis page says when rows of the user's files were left
out, with the count and a link to the Data page; the Data, Method and About pages do not.

The messy file's three bad rows (a negative count, an unknown band, an unknown ethnicity) are
known from the file itself (tests/support.py), not from the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import APP, MESSY_CSV, assert_ok, texts

from wres_app.notices import LeftOut, left_out

NOT_ANALYSIS = {"data.py", "method.py", "about.py"}
ANALYSIS_PAGES = sorted(p.name for p in (Path(APP).parent / "app_pages").glob("*.py")
                        if p.name not in NOT_ANALYSIS)
MESSY_BAD_ROWS = 3
CLEAN_CSV = (b"Organisation code,Organisation name,Year,Pay band,Ethnicity,Headcount\n"
             b"RCC,Clean Test Trust,2024,Band 5,White British,40\n"
             b"RCC,Clean Test Trust,2024,Band 5,Indian,20\n"
             b"RCC,Clean Test Trust,2024,Band 6,White British,30\n"
             b"RCC,Clean Test Trust,2024,Band 6,Indian,10\n")
NOT_A_TABLE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def notices(at) -> list[str]:
    return [w for w in texts(at.warning) if "left out" in w or "could not be read" in w]


def data_links(at) -> list[str]:
    """Labels of the page links that lead to the Data page (url path "data")."""
    return [link.proto.label for link in at.get("page_link") if link.proto.page == "data"]


@pytest.mark.parametrize("page", ANALYSIS_PAGES)
def test_every_analysis_page_says_how_many_rows_were_left_out(uploaded_app, page):
    at = uploaded_app({"messy.csv": MESSY_CSV})
    assert_ok(at.switch_page(f"app_pages/{page}").run())
    [notice] = notices(at)
    assert f"{MESSY_BAD_ROWS} rows of your file were left out" in notice
    assert "The Data page lists each one and why." in notice
    assert data_links(at), "no link to the Data page"


@pytest.mark.parametrize("page", sorted(NOT_ANALYSIS))
def test_data_method_and_about_pages_have_no_notice(uploaded_app, page):
    at = uploaded_app({"messy.csv": MESSY_CSV})
    assert_ok(at.switch_page(f"app_pages/{page}").run())
    assert notices(at) == []


def test_no_notice_on_the_sample_or_a_clean_file(app, uploaded_app):
    assert notices(app) == []
    clean = uploaded_app({"clean.csv": CLEAN_CSV})
    assert clean.session_state["org_code"] == "RCC"
    assert notices(clean) == []


def test_a_file_that_could_not_be_read_is_named(uploaded_app):
    at = uploaded_app({"clean.csv": CLEAN_CSV, "picture <b>x</b>.csv": NOT_A_TABLE})
    [notice] = notices(at)
    assert "1 file could not be read" in notice
    assert "picture \\<b\\>x\\</b\\>\\.csv" in notice  # the user's file name, escaped


def test_two_files_rows_are_added_up(uploaded_app):
    at = uploaded_app({"messy.csv": MESSY_CSV, "clean.csv": CLEAN_CSV})
    [notice] = notices(at)
    assert f"{MESSY_BAD_ROWS} rows of your 2 files were left out" in notice


def test_message_wording():
    assert LeftOut(rows=1, files_read=1).message().startswith(
        "**1 row of your file was left out** (unreadable or invalid values): the figures on "
        "this page do not include it.")
    both = LeftOut(rows=0, files_read=0, unreadable=("a.csv", "b.csv", "c.csv", "d.csv"))
    assert "**4 files could not be read** ('a\\.csv', 'b\\.csv', 'c\\.csv' and 1 more)" in (
        both.message())
    assert not left_out([]).any
