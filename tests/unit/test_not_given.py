"""A trust read from its own extract has no region or trust type: every place that names the
trust says "region not given" and "type not given", never a bare "Not given" (which, beside
the trust's name, reads as a missing name)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pypdf import PdfReader
from test_disclosure import workforce
from test_exports_xlsx import COUNTS

from wres_core import schema
from wres_core.analysis import analyse_trust
from wres_core.exports.pack import build_pack, pack_context
from wres_core.exports.xlsx import workbook_bytes
from wres_core.formatting import format_given, is_given


@pytest.mark.parametrize(("value", "expected"), [
    ("Midlands", "Midlands"), (" Acute ", "Acute"), (schema.DEFAULT_REGION, "region not given"),
    ("", "region not given"), (None, "region not given"), (float("nan"), "region not given")])
def test_format_given(value, expected) -> None:
    assert format_given(value, "region") == expected
    assert is_given(value) == (expected == str(value).strip())


@pytest.fixture(scope="module")
def own_trust():
    table = workforce(COUNTS, name="Westmere Trust")
    table["region"], table["org_type"] = schema.DEFAULT_REGION, schema.DEFAULT_ORG_TYPE
    return pack_context(analyse_trust(table), data_source="westmere.csv")


def test_the_pdf_title_page_says_not_given_in_words(own_trust) -> None:
    first = PdfReader(io.BytesIO(build_pack(own_trust).pdf)).pages[0].extract_text()
    assert "region not given · type not given" in first, first
    assert "Not given" not in first


def test_the_workbook_readme_says_not_given_in_words(own_trust) -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(own_trust)))
    readme = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert readme["Region, type"] == "region not given, type not given"
