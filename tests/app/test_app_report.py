"""The Report page: it runs, previews what will be hidden, builds the pack in memory on click,
and warns when suppression is off."""

from __future__ import annotations

import io

import openpyxl
from apptest_helpers import SAMPLE, assert_ok, switch, texts
from pypdf import PdfReader

PACK_KEY = "_report_pack"


def test_report_page_previews_hidden_cells_and_builds_the_pack(app):
    at = switch(app, "report")
    assert at.title[0].value == "Workshop pack"
    preview = next(t.value for t in at.table if "Why" in t.value.columns)
    assert len(preview) and any("count from 1 to 7" in why for why in preview["Why"])
    assert PACK_KEY not in at.session_state, "nothing is built before the click"
    at.button(key="report_build").click()
    assert_ok(at.run())
    _, pack = at.session_state[PACK_KEY]
    org = at.session_state["selection"].org_code
    assert pack.pdf.startswith(b"%PDF") and pack.pdf_name.endswith(".pdf")
    text = PdfReader(io.BytesIO(pack.pdf)).pages[0].extract_text()
    assert org in text and "SYNTHETIC DATA" in text
    workbook = openpyxl.load_workbook(io.BytesIO(pack.xlsx))
    assert "Stages" in workbook.sheetnames


def test_threshold_setting_changes_what_is_hidden(app):
    at = switch(app, "report")
    before = next(t.value for t in at.table if "Why" in t.value.columns)
    at.number_input(key="suppress_threshold").set_value(2)
    assert_ok(at.run())
    after = [t.value for t in at.table if "Why" in t.value.columns]
    assert not after or len(after[0]) < len(before)


def test_suppression_off_warns_before_download(app):
    at = app
    at.session_state["suppress_exports"] = False
    at = switch(at, "report")
    assert any("Suppression is off" in t for t in texts(at.warning))


def test_pack_of_an_uploaded_extract_reports_the_rows_left_out(uploaded_app):
    # The ESR sample extract: 12 rows with a non-AfC band, 5 with an unknown ethnicity label
    # and 3 repeated assignment numbers are left out (counted in test_app_data).
    extract = SAMPLE / "trust_esr_extract.csv"
    at = switch(uploaded_app({extract.name: extract.read_bytes()}), "report")
    at.button(key="report_build").click()
    assert_ok(at.run())
    _, pack = at.session_state[PACK_KEY]
    workbook = openpyxl.load_workbook(io.BytesIO(pack.xlsx))
    rows = list(workbook["Data quality"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "File")
    record = dict(zip(rows[header], rows[header + 1]))
    assert record["File"] == extract.name and record["Rows left out"] == 12 + 5 + 3
    readme = dict(workbook["README"].iter_rows(values_only=True))
    # Uploaded, but its trust's name ends "(synthetic)": the pack still says so on every page.
    assert readme["Synthetic data"].startswith("YES")
    assert extract.name in readme["Data source"]


def test_threshold_set_on_the_report_page_holds_on_every_page(app):
    # Streamlit forgets a widget's value while its page is not shown: the threshold chosen
    # here must still rule the funnel page's downloads and come back when the page does.
    at = switch(app, "report")
    at.number_input(key="suppress_threshold").set_value(3)
    assert_ok(at.run())
    at = switch(at, "funnel")
    assert "Counts 1 to 3 shown as *" in " ".join(texts(at.sidebar.caption))
    at = switch(at, "report")
    assert at.number_input(key="suppress_threshold").value == 3
    assert "Counts from 1 to 3 are shown as" in " ".join(texts(at.markdown))
