"""Hostile files (bombs, broken quoting, huge cells, odd encodings, markup in labels): each
gets the documented message or is read as plain text, and every limit of
``wres_core.ingest.limits`` has a test with a generated file.

The files come from ``tests/hostile_files.py``, generated once per session into a temporary
folder. Small limits (``ReadLimits(...)``) stand in for the defaults where a file at the
default limit would take long to write.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest

from tests.hostile_files import (
    BY_KEY,
    FORMULA_NAME,
    HEADER,
    HOSTILE,
    ORG,
    SCRIPT_NAME,
    good_csv,
    good_rows,
)
from tests.support import workbook_bytes
from wres_core import schema
from wres_core.errors import IngestError
from wres_core.ingest import LIMITS, ReadLimits, peek_table, read_table
from wres_core.ingest import source as ingest_source


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="session")
def hostile_path(hostile_dir: Path):
    built: dict[str, Path] = {}

    def get(key: str) -> Path:
        if key not in built:
            built[key] = BY_KEY[key].build(hostile_dir)
        return built[key]
    return get


REFUSED = [h for h in HOSTILE if h.error]


@pytest.mark.parametrize("hostile", REFUSED, ids=[h.key for h in REFUSED])
def test_hostile_file_gets_its_message(hostile, hostile_path) -> None:
    path = hostile_path(hostile.key)
    with pytest.raises(IngestError, match=hostile.error) as info:
        read_table(path)
    error = info.value
    assert error.source == path.name
    assert error.expected and error.action
    assert "unexpected error" not in str(error)


@pytest.mark.parametrize("hostile", REFUSED, ids=[h.key for h in REFUSED])
def test_hostile_upload_gets_its_message_from_bytes_too(hostile, hostile_path) -> None:
    """The app reads uploads as bytes: same message."""
    path = hostile_path(hostile.key)
    with pytest.raises(IngestError, match=hostile.error):
        read_table(path.read_bytes(), name=path.name)


# --- files that must be read, as plain text ---------------------------------------------------


def test_huge_count_is_too_large_not_non_numeric(hostile_path) -> None:
    report = read_table(hostile_path("huge_count")).report
    assert report.excluded_by_reason() == {"count too large": 1}
    (exclusion,) = report.exclusions
    assert (exclusion.column, exclusion.rows, exclusion.examples) == (
        "Headcount", (4,), ("1000000000000000000",))
    assert report.rows_used == 23


def test_long_label_is_cut_to_200_and_reported(hostile_path) -> None:
    result = read_table(hostile_path("long_but_allowed_label"))
    (name,) = set(result.table["org_name"])
    assert len(name) == schema.MAX_LABEL_CHARS == 200
    assert name == ("Long Name Trust " + "y" * 183 + "\u2026")
    assert any(n == "1 label in column 'Organisation name' was longer than 200 characters and "
               "was cut to 200 (first on row 2)." for n in result.report.notes)
    assert all(len(str(v)) <= 200 for v in result.preview["Organisation name"])


def test_million_identical_rows_are_counted(hostile_path) -> None:
    result = read_table(hostile_path("million_rows"))
    assert result.report.rows_used == 1_000_000
    assert result.table["headcount"].tolist() == [1_000_000]


@pytest.mark.parametrize("key", ["utf16_no_bom", "utf16_be_no_bom"])
def test_utf16_without_bom_is_read(key, hostile_path) -> None:
    result = read_table(hostile_path(key))
    assert set(result.table["org_name"]) == {"Hôpital Trust"}
    assert result.report.rows_used == 24
    assert BY_KEY[key].cli.replace("\\", "") in result.report.notes


@pytest.mark.parametrize(("key", "name"), [("script_label", SCRIPT_NAME),
                                           ("formula_label", FORMULA_NAME)])
def test_markup_and_formulas_in_labels_come_through_as_text(key, name, hostile_path) -> None:
    result = read_table(hostile_path(key))
    assert set(result.table["org_name"]) == {name}
    assert set(result.table["org_code"]) == {ORG}


# --- each limit, with a file just over it ------------------------------------------------------


def test_plain_file_over_the_size_limit() -> None:
    small = ReadLimits(max_unpacked_bytes=1_000)
    with pytest.raises(IngestError, match=r"This file is 1\.2 KB; the largest file read is 1 KB\."):
        read_table(good_csv().encode(), name="big.csv", limits=small)
    assert read_table(good_csv().encode(), name="ok.csv").report.rows_used == 24


def test_plain_path_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(good_csv())
    with pytest.raises(IngestError, match=r"This file is 1\.2 KB"):
        read_table(path, limits=ReadLimits(max_unpacked_bytes=1_000))


def test_gzip_over_the_unpacked_size_limit() -> None:
    """No ratio here (the grace is above the size): only the size limit applies."""
    packed = gzip.compress(good_csv().encode())
    limits = ReadLimits(max_unpacked_bytes=1_000, ratio_grace_bytes=10**9)
    with pytest.raises(IngestError, match=r"This file expands to more than 1 KB when unpacked "
                                          r"\(\d+ bytes packed\)\."):
        read_table(packed, name="x.csv.gz", limits=limits)


def test_gzip_ratio_applies_only_above_the_grace_size() -> None:
    text = (HEADER + f"{ORG},T,2024,Band 5,White,1\n" * 20_000).encode()  # 200:1 packed
    packed = gzip.compress(text)
    assert len(text) / len(packed) > 100
    assert read_table(packed, name="x.csv.gz").report.rows_read == 20_000  # under the grace
    with pytest.raises(IngestError, match=r"more than 100 times its size when unpacked"):
        read_table(packed, name="x.csv.gz", limits=ReadLimits(ratio_grace_bytes=100_000))


def test_gzip_of_several_members_and_zero_padding_is_read_whole() -> None:
    rows = good_rows()
    packed = (gzip.compress((HEADER + "".join(rows[:10])).encode())
              + gzip.compress("".join(rows[10:]).encode()) + b"\x00" * 64)
    assert read_table(packed, name="x.csv.gz").report.rows_used == 24


@pytest.mark.parametrize(("packed", "pattern"), [
    (gzip.compress(good_csv().encode())[:-20], r"ends before the end of the compressed data"),
    (gzip.compress(good_csv().encode()) + b"trailing", r"bytes after the compressed data"),
])
def test_damaged_gzip(packed: bytes, pattern: str) -> None:
    with pytest.raises(IngestError, match=r"gzip-compressed but could not be decompressed.*"
                       + pattern):
        read_table(packed, name="x.csv.gz")


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_xlsx_parts_over_the_unpacked_total() -> None:
    book = workbook_bytes({"Data": [["Band", "Ethnicity", "Count"], ["Band 5", "White", 3]]})
    total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(book)).infolist())
    with pytest.raises(IngestError, match=r"This file expands to more than 5 KB when unpacked "
                                          r"\(its parts add up to \d+(\.\d)? KB\)"):
        read_table(book, name="w.xlsx", limits=ReadLimits(max_unpacked_bytes=5_000))
    assert total > 5_000
    assert read_table(book, name="w.xlsx").report.rows_used == 1


def test_xlsx_with_too_many_parts() -> None:
    parts = {f"xl/media/p{i}.xml": b"<x/>" for i in range(30)}
    parts["xl/workbook.xml"] = b"<workbook/>"
    with pytest.raises(IngestError, match=r"more than 20 parts when unpacked \(it has 31\)"):
        read_table(_zip(parts), name="w.xlsx", limits=ReadLimits(max_archive_members=20))


def test_xlsx_part_ratio_is_read_from_the_zip_directory() -> None:
    """A part that packs 200:1 is refused before openpyxl sees the workbook."""
    parts = {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * 2_000_000}
    with pytest.raises(IngestError, match=r"its part 'xl/worksheets/sheet1\.xml' is \d+(\.\d)? "
                                          r"KB packed and 2 MB unpacked"):
        read_table(_zip(parts), name="w.xlsx", limits=ReadLimits(ratio_grace_bytes=1_000_000))


def test_csv_over_the_row_limit() -> None:
    with pytest.raises(IngestError, match=r"The file has 24 lines below the header; at most 20 "
                                          r"data rows are read\."):
        read_table(good_csv().encode(), name="x.csv", limits=ReadLimits(max_rows=20))
    assert read_table(good_csv().encode(), name="x.csv",
                      limits=ReadLimits(max_rows=24)).report.rows_used == 24


def test_xlsx_over_the_row_limit() -> None:
    rows = [line.strip().split(",") for line in good_csv().splitlines()]
    book = workbook_bytes({"Data": rows})
    with pytest.raises(IngestError, match=r"The file has 24 rows below the header; at most 10 "
                                          r"data rows are read\."):
        read_table(book, name="w.xlsx", limits=ReadLimits(max_rows=10))


def test_xlsx_stops_reading_rows_past_the_limit() -> None:
    """Too many rows stop the reading 30 rows (the header search) past the limit, before the
    rows are turned into text (calamine parses the sheet whole first: its size is bounded by
    the archive checks and the grid budget, see source.CALAMINE_MAX_GRID_CELLS)."""
    rows = [line.strip().split(",") for line in good_csv().splitlines()] * 3
    with pytest.raises(IngestError, match=r"The file has 11 rows or more below the header; at "
                                          r"most 10 data rows"):
        read_table(workbook_bytes({"Data": rows}), name="w.xlsx",
                   limits=ReadLimits(max_rows=10))


def test_csv_over_the_column_limit_names_the_line() -> None:
    text = "Title line\n" + ",".join(f"c{i}" for i in range(12)) + "\n" + "1," * 11 + "1\n"
    with pytest.raises(IngestError, match=r"The file has 12 columns \(line 2\); at most 10"):
        read_table(text.encode(), name="x.csv", limits=ReadLimits(max_columns=10))


def test_xlsx_over_the_column_limit() -> None:
    book = workbook_bytes({"Data": [["Band", "Ethnicity", "Count", *[f"x{i}" for i in range(9)]],
                                    ["Band 5", "White", 3]]})
    with pytest.raises(IngestError, match=r"The file has 11 columns \(row 1\); at most 10"):
        read_table(book, name="w.xlsx", limits=ReadLimits(max_columns=10))


def test_cell_over_the_limit_in_csv_fast_path() -> None:
    """Past the first megabyte the fast reader reads the cell; the limit still applies."""
    rows = good_rows() * 2_000  # about 1.2 MB
    rows[-3] = f"{ORG},Hostile Test Trust,2024,Band 9{'z' * 300},White,1\n"
    text = HEADER + "".join(rows)
    assert len(text.encode()) > ingest_source.HEAD_BYTES
    with pytest.raises(IngestError, match=r"Row 47,999, column 'Pay band': This cell holds 306 "
                                          r"characters; a cell may hold at most 250"):
        read_table(text.encode(), name="x.csv", limits=ReadLimits(max_cell_chars=250))


def test_cell_over_the_limit_in_xlsx() -> None:
    book = workbook_bytes({"Data": [["Band", "Ethnicity", "Count"],
                                    ["Band 5", "White " + "w" * 300, 3]]})
    with pytest.raises(IngestError, match=r"Row 2, column 'B': This cell holds 306 characters"):
        read_table(book, name="w.xlsx", limits=ReadLimits(max_cell_chars=250))


def test_limits_default_to_the_documented_values() -> None:
    """The values docs/data-formats.md gives (a change detector: change both together)."""
    assert (LIMITS.max_unpacked_bytes, LIMITS.max_ratio, LIMITS.ratio_grace_bytes,
            LIMITS.max_archive_members, LIMITS.max_columns, LIMITS.max_rows,
            LIMITS.max_cell_chars) == (1_000_000_000, 100, 10_000_000, 10_000, 1_000,
                                       5_000_000, 32_767)
    assert (schema.MAX_LABEL_CHARS, schema.MAX_HEADCOUNT) == (200, 2_000_000)


# --- no silent loss: quoting ------------------------------------------------------------------


def test_unbalanced_quote_past_the_first_megabyte_is_found() -> None:
    """Past the sniffed head the fast reader runs; its row count gives the quote away."""
    rows = good_rows() * 2_000
    rows[40_000] = rows[40_000].replace("Hostile", '"Hostile', 1)
    rows[40_003] = rows[40_003].replace("Trust", 'Trust"', 1)
    text = HEADER + "".join(rows)
    with pytest.raises(IngestError, match=r"Line 40,002, column 'Organisation name': A quote "
                                          r"mark \(\"\) opens a field here that is not closed "
                                          r"until line 40,005, so lines 40,003 to 40,005 \(3 "
                                          r"rows\)"):
        read_table(text.encode(), name="x.csv")


def test_quote_never_closed() -> None:
    rows = good_rows()
    rows[20] = rows[20].replace("Hostile", '"Hostile', 1)
    with pytest.raises(IngestError, match=r"Line 22, column 'Organisation name': A quote mark "
                                          r"\(\"\) opens a field here that is not closed until "
                                          r"line 25, so lines 23 to 25 \(3 rows\)"):
        read_table((HEADER + "".join(rows)).encode(), name="x.csv")


def test_line_breaks_inside_quotes_are_still_read() -> None:
    """An address or comment over several lines is no unbalanced quote."""
    text = ("Band,Ethnicity,Count,Comment\n"
            'Band 5,White,3,"first line, with a comma\nsecond line"\n'
            "Band 6,BME,2,ok\n")
    report = read_table(text.encode(), name="x.csv").report
    assert (report.rows_read, report.rows_used) == (2, 2)


# --- out of memory ----------------------------------------------------------------------------


@pytest.mark.parametrize("error", [MemoryError, pa.ArrowMemoryError])
@pytest.mark.parametrize("reader", [read_table, peek_table])
def test_out_of_memory_anywhere_in_reading_is_an_ingest_error(monkeypatch, error, reader):
    def exhausted(*args, **kwargs):
        raise error("malloc of size 5368709120 failed")

    monkeypatch.setattr("wres_core.ingest.source.open_table", exhausted)
    with pytest.raises(IngestError, match=r"x\.csv: The file is too large to read in the memory "
                                          r"available\."):
        reader(good_csv().encode(), name="x.csv")


def test_an_error_at_one_place_starts_its_problem_with_the_place() -> None:
    """The app shows only ``problem``: it must carry the place itself, once."""
    error = IngestError("x.csv", "Bad cell.", "a good cell.", "Fix it.", line=7,
                        column="Pay band")
    assert (error.line, error.row, error.column) == (7, None, "Pay band")
    assert error.problem == "Line 7, column 'Pay band': Bad cell."
    assert str(error) == ("x.csv: Line 7, column 'Pay band': Bad cell. Expected: a good cell. "
                          "What to do: Fix it.")
    assert IngestError("x.csv", "Bad.", "e", "a").problem == "Bad."


def test_long_staff_numbers_are_compared_whole_but_shown_cut() -> None:
    """Two staff numbers alike in their first 200 characters are two people; the repeat of
    one is a duplicate, and its example in the report is cut to 200."""
    first, second = "9" * 250 + "1", "9" * 250 + "2"
    text = ("Assignment number,Pay band,Ethnic origin\n"
            f"{first},Band 5,A\n{second},Band 5,A\n{first},Band 6,N\n")
    report = read_table(text.encode(), name="staff.csv").report
    (exclusion,) = report.exclusions
    assert (exclusion.reason, exclusion.count, exclusion.rows) == ("duplicate staff number", 1,
                                                                   (4,))
    assert exclusion.examples == ("9" * 199 + "\u2026",)


def test_staff_numbers_repeat_whatever_their_length_and_neighbours() -> None:
    """Staff numbers are compared as whole strings, eight bytes at a time: a short number
    beside different neighbours, a number padded with spaces, and numbers that share their
    first eight bytes are each told apart or matched correctly. Hand-counted: row 5 repeats
    row 2 (after trimming) and row 8 repeats row 4; nothing else repeats."""
    text = ("Assignment number,Pay band,Ethnic origin\n"
            "12345678-1,Band 5,A\n"      # row 2
            "12345678-2,Band 5,A\n"      # row 3: differs from row 2 in its second word only
            "9,Band 5,A\n"               # row 4
            " 12345678-1 ,Band 6,N\n"    # row 5: row 2 again, with spaces
            "123456789,Band 5,A\n"       # row 6
            "12345678,Band 5,A\n"        # row 7: the first eight bytes of rows 2, 3 and 6
            "9,Band 7,N\n"               # row 8: row 4 again, beside other numbers
            "12345678-2x,Band 5,A\n")    # row 9: row 3 with one more byte
    report = read_table(text.encode(), name="staff.csv").report
    (exclusion,) = report.exclusions
    assert (exclusion.reason, exclusion.count, exclusion.rows) == ("duplicate staff number", 2,
                                                                   (5, 8))
    assert report.rows_used == 6
