"""Property: whatever the file, read_table returns a clean table and a consistent report, or
raises IngestError (and never an unexpected error)."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wres_core import schema
from wres_core.errors import IngestError
from wres_core.ingest import read_table

HEADERS = ["Band", "Pay band", "Grade", "Ethnicity", "Ethnic origin", "Count", "n", "Total",
           "Headcount", "Org code", "Organisation", "Trust", "Year", "Snapshot date",
           "Staff group", "Stage", "Applied", "Shortlisted", "Appointed", "Assignment number",
           "White", "BME", "Not stated", "Unknown/Null", "Asian", "Black", "Mixed", "Other",
           "A", "N", "Z", "Region", "BME %", "", "Notes"]
CELLS = ["Band 5", "band 6 ", "8a", "Band 8 - Range B", "VSM", "Consultant", "Band 10", "Total",
         "All", "White", "BME", "A White - British", "LK Asian Sri Lankan", "Z Not Stated",
         "Martian", "NA", "Shortlisted", "Appointed", "Applied", "2023/24", "31/03/2024", "2024",
         "FY2022/23", "SYN1 Trust", "RXH Brighton", "Clinical", "Medical and Dental",
         "Non-clinical", "Chefs", "0", "1", "7", "12", "-3", "2.5", "1,234", "*", "", " ", "é",
         "’", '"', "a,b", "x\ny", "1e3", "99999999999999999999", "nan", "NULL"]

cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=8),
                 st.integers(-5, 10**6).map(str))
header = st.one_of(st.sampled_from(HEADERS), st.text(max_size=10))


@st.composite
def tables(draw: st.DrawFn) -> tuple[bytes, str]:
    width = draw(st.integers(1, 7))
    heads = draw(st.lists(header, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=width + 2), max_size=25))
    title = draw(st.lists(st.text(max_size=30), max_size=3))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    quote = draw(st.booleans())

    def fmt(value: str) -> str:
        if quote or any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [fmt(t) for t in title] + [delimiter.join(fmt(h) for h in heads)]
    lines += [delimiter.join(fmt(c) for c in row) for row in rows]
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # junk bytes somewhere
        junk = draw(st.binary(max_size=12))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + junk + data[at:]
    return data, draw(st.sampled_from(["x.csv", "wres_2023-24.csv", "upload"]))


def check(data: bytes, name: str, **options: object) -> None:
    try:
        result = read_table(data, name=name, **options)
    except IngestError as error:
        assert "unexpected error" not in str(error), str(error)
        assert error.source == name
        return
    report = result.report
    assert report.rows_read == report.rows_used + report.rows_excluded
    assert sum(e.count for e in report.exclusions) == report.rows_excluded
    assert report.rows_used > 0
    for exclusion in report.exclusions:
        assert 0 < len(exclusion.rows) <= min(20, exclusion.count)
        assert list(exclusion.rows) == sorted(exclusion.rows)
    kind = result.kind
    pd.testing.assert_frame_equal(result.table, schema.conform(result.table, kind))
    key = list(schema.WORKFORCE_KEY if kind == "workforce" else schema.RECRUITMENT_KEY)
    assert not result.table.duplicated(key).any()
    assert (result.table["headcount"] > 0).all()
    assert len(result.preview) <= 20
    assert list(result.preview.columns) == list(result.headers)
    assert report.summary_lines()


@st.composite
def plausible_tables(draw: st.DrawFn) -> tuple[bytes, str]:
    """Tables that have the columns a layout needs, with messy cells: most are read."""
    form = draw(st.sampled_from(["aggregate", "staff", "wide", "recruitment"]))
    required = {"aggregate": ["Band", "Ethnicity", "Count"],
                "staff": ["Pay band", "Ethnic origin", "Assignment number"],
                "wide": ["Grade", "White", "BME", "Not stated"],
                "recruitment": ["Ethnicity", "Shortlisted", "Appointed"]}[form]
    extra = draw(st.lists(st.sampled_from(HEADERS), max_size=3))
    heads = draw(st.permutations(required + extra))
    good = {"Band": ["Band 5", "6", "8a", "Consultant", "VSM"],
            "Pay band": ["Band 5", "band 2 ", "Band 8 - Range C"],
            "Grade": ["Band 3", "Specialty Doctor", "9"],
            "Ethnicity": ["White", "BME", "Asian", "Not stated", ""],
            "Ethnic origin": ["A White - British", "LK Asian Sri Lankan", "Z Not Stated"]}
    rows = []
    for _ in range(draw(st.integers(0, 30))):
        row = []
        for h in heads:
            if draw(st.integers(0, 9)) == 0:
                row.append(draw(cell))  # some mess
            elif h in good:
                row.append(draw(st.sampled_from(good[h])))
            else:
                row.append(str(draw(st.integers(0, 40))))
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))

    def fmt(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(fmt(h) for h in heads)]
    lines += [delimiter.join(fmt(c) for c in row) for row in rows]
    data = "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "cp1252"])), "replace")
    return data, "plausible.csv"


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables())
def test_random_csv_tables(table: tuple[bytes, str]) -> None:
    check(*table)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plausible_tables())
def test_plausible_messy_tables(table: tuple[bytes, str]) -> None:
    check(*table)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    check(data, "junk.bin")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(st.none(), st.sampled_from(CELLS),
                                   st.integers(-3, 500), st.floats(allow_nan=True)),
                         max_size=6), max_size=12),
       st.lists(header, min_size=1, max_size=6))
def test_random_workbooks(rows: list[list[object]], heads: list[str]) -> None:
    def printable(value: object) -> object:  # openpyxl refuses control characters
        if isinstance(value, str):
            return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
        return value

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([printable(h) for h in heads])
    for row in rows:
        sheet.append([printable(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    check(buffer.getvalue(), "book.xlsx")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from(["aggregate", "wide", "staff", "recruitment"]))
def test_random_tables_with_forced_layout(table: tuple[bytes, str], layout: str) -> None:
    check(*table, layout=layout)
