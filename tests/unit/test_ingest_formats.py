"""File formats: encodings, delimiters, compression, Excel sheets and title blocks."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

from tests.support import workbook_bytes
from wres_core.errors import IngestError
from wres_core.ingest import read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"

ROWS = [["Organisation", "Year", "Pay band", "Ethnic origin", "Headcount"],
        ["SYN7 Fairhaven’s Trust (synthetic)", "2024", "Band 5", "White British", "10"],
        ["SYN7 Fairhaven’s Trust (synthetic)", "2024", "Band 5", "Indian", "4"],
        ["SYN7 Fairhaven’s Trust (synthetic)", "2024", "Band 6", "Not stated", "1"]]
EXPECTED = {("5", "White"): 10, ("5", "Asian"): 4, ("6", "Unknown"): 1}


def text_of(delimiter: str = ",", newline: str = "\n") -> str:
    return newline.join(delimiter.join(r) for r in ROWS) + newline


def summary(table: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(str(b), str(g)): int(n) for (b, g), n in
            table.groupby(["band", "ethnic_group"], observed=True)["headcount"].sum().items()}


@pytest.mark.parametrize(("delimiter", "label"), [(",", "comma"), (";", "semicolon"),
                                                  ("\t", "tab"), ("|", "pipe")])
def test_delimiters(delimiter: str, label: str) -> None:
    result = read_table(text_of(delimiter).encode(), name="d.csv")
    assert summary(result.table) == EXPECTED
    assert f"Delimiter: {label}." in result.report.notes
    assert result.table["org_name"].iloc[0] == "Fairhaven’s Trust (synthetic)"


@pytest.mark.parametrize(("encoded", "note"), [
    (text_of().encode("utf-8"), "Encoding: UTF-8."),
    (b"\xef\xbb\xbf" + text_of().encode("utf-8"), "Encoding: UTF-8 with a byte-order mark."),
    (text_of(newline="\r\n").encode("cp1252"), "Encoding: Windows-1252"),
    (text_of(delimiter="\t").encode("utf-16"), "Encoding: UTF-16"),
])
def test_encodings(encoded: bytes, note: str) -> None:
    result = read_table(encoded, name="e.csv")
    assert summary(result.table) == EXPECTED
    assert any(n.startswith(note) for n in result.report.notes)
    # The BOM never leaks into the first header.
    assert result.headers[0] == "Organisation"
    assert result.table["org_name"].iloc[0] == "Fairhaven’s Trust (synthetic)"


def test_cp1252_fixture_file(tmp_path: Path) -> None:
    result = read_table(FIXTURES / "aggregate_cp1252_semicolon.csv")
    assert result.table["org_name"].iloc[0] == "Elmbridge’s Hospital Trust (synthetic)"
    assert summary(result.table) == EXPECTED
    assert "Delimiter: semicolon." in result.report.notes


def test_cp1252_after_the_first_megabyte(tmp_path: Path) -> None:
    """Non-UTF-8 bytes late in a big file: read again as Windows-1252, nothing lost."""
    line = "SYN7 X Trust,2024,Band 5,White British\n"  # one row per person: staff layout
    body = "Organisation,Year,Pay band,Ethnic origin\n" + line * 40_000
    body += "SYN8 Café Trust,2024,Band 5,Indian\n"
    path = tmp_path / "late.csv"
    path.write_bytes(body.encode("cp1252"))
    result = read_table(path)
    assert result.report.rows_read == 40_001 and result.report.rows_used == 40_001
    assert "Café Trust" in set(result.table["org_name"].astype(str))
    assert any("Windows-1252" in n for n in result.report.notes)


def test_gzip_csv(tmp_path: Path) -> None:
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(text_of().encode()))
    assert summary(read_table(path).table) == EXPECTED


def test_file_object_and_path_string(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(text_of(), encoding="utf-8")
    with path.open("rb") as handle:
        from_handle = read_table(handle)
    assert from_handle.report.source == "f.csv"
    assert summary(read_table(str(path)).table) == EXPECTED
    assert summary(from_handle.table) == EXPECTED
    assert read_table(io.BytesIO(text_of().encode())).report.source == "uploaded file"


def test_quoted_fields_line_breaks_and_blank_lines_keep_row_numbers() -> None:
    text = ('Band,Ethnicity,Count,Comment\n'
            'Band 5,White,3,"two\nlines"\n'
            '\n'
            'Band 5,"Black, African",2,ok\n'
            'Band 99,White,1,\n')
    report = read_table(text.encode(), name="q.csv").report
    assert report.rows_read == 3 and report.rows_used == 2
    # Row numbers count records as a spreadsheet shows them: header 1, rows 2, (3 blank), 4, 5.
    assert [(e.reason, e.rows) for e in report.exclusions] == [("unrecognised band", (5,))]
    assert any("1 blank row skipped" in n for n in report.notes)


def test_ragged_row_is_excluded_not_shifted() -> None:
    text = "Band,Ethnicity,Count\nBand 5,White,3\nBand 5,White,2,surprise\nBand 6,BME,1\n"
    report = read_table(text.encode(), name="r.csv").report
    assert (report.rows_read, report.rows_used) == (3, 2)
    assert [(e.reason, e.rows) for e in report.exclusions] == [("wrong number of fields", (3,))]


def test_trailing_delimiters_and_short_rows() -> None:
    text = "Band,Ethnicity,Count,\nBand 5,White,3,\nBand 5,BME\n"
    report = read_table(text.encode(), name="t.csv").report
    assert [(e.reason, e.column, e.rows) for e in report.exclusions] == [
        ("blank required field", "Count", (3,))]


# --- Excel --------------------------------------------------------------------------------




COVER = [["About this workbook"], ["Synthetic data for tests."], [], ["Contact: nobody"]]
DATA_SHEET = [
    ["WRES data collection (synthetic)"],
    ["Organisation: SYN808 Glenmoor Trust (synthetic)"],
    ["Snapshot date", dt.datetime(2023, 3, 31)],
    [],
    ["Staff group", "Pay band", "White", "BME", "Not stated"],
    ["Clinical", "Band 5", 30, 20, 3],
    ["Clinical", "Band 6", 25.0, 7, None],
    ["Non-clinical", "Band 3", 40, 10, 1],
    ["Clinical", "Band 10", 1, 1, 1],
]


def test_excel_cover_sheet_and_title_block() -> None:
    data = workbook_bytes({"Cover": COVER, "Indicator 1": DATA_SHEET})
    result = read_table(data, name="template.xlsx")
    report = result.report
    assert result.layout == "wide"
    assert any("Sheet: 'Indicator 1'" in n for n in report.notes)
    assert any("Header found on row 5" in n for n in report.notes)
    assert report.organisations == ("SYN808",)
    assert report.years == (2023,)  # from the title block's date
    assert (report.rows_read, report.rows_used) == (4, 3)
    assert [(e.reason, e.column, e.rows, e.examples) for e in report.exclusions] == [
        ("unrecognised band", "Pay band", (9,), ("Band 10",))]
    assert summary(result.table) == {
        ("5", "White"): 30, ("5", "BME (not specified)"): 20, ("5", "Unknown"): 3,
        ("6", "White"): 25, ("6", "BME (not specified)"): 7,
        ("3", "White"): 40, ("3", "BME (not specified)"): 10, ("3", "Unknown"): 1}
    assert result.preview.iloc[1].tolist() == ["Clinical", "Band 6", "25", "7", ""]


def test_excel_named_sheet_and_dates_in_cells() -> None:
    rows = [["Org code", "Snapshot date", "Band", "Ethnicity", "n"],
            ["SYN1", dt.datetime(2024, 3, 31), "Band 5", "White", 3],
            ["SYN1", dt.datetime(2024, 3, 31), "Band 5", "Black", 2]]
    data = workbook_bytes({"Summary": [["x", "y"], ["1", "2"]], "Long": rows})
    result = read_table(data, name="book.xlsx", sheet="long")  # case-insensitive
    assert result.report.years == (2024,)
    assert summary(result.table) == {("5", "White"): 3, ("5", "Black"): 2}
    with pytest.raises(IngestError, match=r"no sheet called 'Missing'.*'Summary', 'Long'"):
        read_table(data, name="book.xlsx", sheet="Missing")


def test_sample_wres_template_workbook() -> None:
    path = SAMPLE / "trust_wres_template.xlsx"
    if not path.exists():
        pytest.skip("sample data not generated")
    result = read_table(path)
    assert result.layout == "wide" and result.report.rows_excluded == 0
    assert result.report.organisations == ("SYN084",) and result.report.years == (2024,)
    recruitment = read_table(path, sheet="Recruitment")
    assert recruitment.kind == "recruitment" and recruitment.report.form == "stage-wide"
    assert recruitment.report.years == (2024,)
