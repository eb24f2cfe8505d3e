"""The .xlsx reader: python-calamine for speed, openpyxl where calamine must not read.

Expected texts are the rule in ``source._cell_text`` written out by hand (what the reader
gave when it read every workbook with openpyxl): whole numbers without ``.0``, dates as ISO
dates, date-times at midnight as dates, booleans as TRUE / FALSE, text stripped.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import textwrap
import zipfile
import zlib

import pytest

from tests.hostile_files import REPO
from tests.support import workbook_bytes
from wres_core.errors import IngestError
from wres_core.ingest import read_table, source
from wres_core.ingest.limits import LIMITS

VALUES = [12, 12.0, 12.5, -3, dt.datetime(2024, 3, 31), dt.datetime(2024, 3, 31, 10, 30),
          dt.date(2024, 1, 2), dt.time(10, 15), True, False, "  padded  ", 0]
TEXTS = ["12", "12", "12.5", "-3", "2024-03-31", "2024-03-31 10:30:00", "2024-01-02",
         "10:15:00", "TRUE", "FALSE", "padded", "0"]
HEADERS = [f"h{i}" for i in range(len(VALUES))]


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch) -> str:
    """Each test runs with both readers; openpyxl by lowering calamine's grid budget to 0."""
    if request.param == "openpyxl":
        monkeypatch.setattr(source, "CALAMINE_MAX_GRID_CELLS", 0)
    return request.param


def test_cells_read_as_the_same_text_by_both_readers(reader: str) -> None:
    book = workbook_bytes({"Data": [HEADERS, VALUES]})
    raw = source.open_table(book, "w.xlsx", None, LIMITS)
    assert raw.sample[0] == TEXTS, reader


def test_the_reader_used_is_calamine_unless_the_budget_says_otherwise(reader: str,
                                                                         monkeypatch) -> None:
    """Guards the fixture above: the two runs really use two readers."""
    used = []
    for cls in (source._CalamineBook, source._OpenpyxlBook):
        original = cls.__init__

        def record(self, raw, original=original, cls=cls):
            used.append(cls.__name__)
            original(self, raw)

        monkeypatch.setattr(cls, "__init__", record)
    source.open_table(workbook_bytes({"Data": [HEADERS, VALUES]}), "w.xlsx", None, LIMITS)
    assert used == (["_CalamineBook"] if reader == "calamine" else ["_OpenpyxlBook"])


def test_blank_rows_and_a_gap_are_counted_the_same_by_both_readers(reader: str) -> None:
    rows = [["Band", "Ethnicity", "Count"], ["Band 5", "White", 3], [], [],
            ["Band 6", "Black", 0.0], [None, None, None], ["Band 6", "White", 2]]
    result = read_table(workbook_bytes({"Data": rows}), name="w.xlsx")
    assert result.report.rows_used == 3
    assert "3 blank rows skipped." in result.report.notes
    table = result.table
    counts = dict(zip(zip(table["band"].astype(str), table["ethnic_group"].astype(str)),
                      table["headcount"].tolist()))
    assert counts == {("5", "White"): 3, ("6", "White"): 2}  # Band 6 Black: 0, absent


def test_a_hidden_sheet_is_not_chosen(reader: str) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Hidden"
    for row in [["Band", "Ethnicity", "Count"], ["Band 5", "White", 99]]:
        hidden.append(row)
    hidden.sheet_state = "hidden"
    shown = book.create_sheet("Shown")
    for row in [["Band", "Ethnicity", "Count"], ["Band 5", "White", 4]]:
        shown.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_table(buffer.getvalue(), name="w.xlsx")
    assert result.table["headcount"].tolist() == [4]
    assert any(note.startswith("Sheet: 'Shown'") for note in result.report.notes)


def test_a_far_away_cell_does_not_make_calamine_build_a_huge_grid() -> None:
    """A1 and XFD1048576 in a file of a few KB: calamine would ask for 550 GB and abort the
    process. Run in a child, so that a regression fails this test instead of killing pytest."""
    code = textwrap.dedent("""
        import io, openpyxl
        from wres_core.ingest import read_table
        book = openpyxl.Workbook()
        sheet = book.active
        for row in [["Band", "Ethnicity", "Count"], ["Band 5", "White", 3]]:
            sheet.append(row)
        sheet["XFD1048576"] = "far away"
        buffer = io.BytesIO()
        book.save(buffer)
        print(read_table(buffer.getvalue(), name="far.xlsx").report.rows_used)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "1"


def test_grid_extent_counts_references_and_cells_without_them() -> None:
    extent = source._GridExtent()
    extent.scan(b'<sheetData><row r="3"><c r="B3"><v>1</v></c><c r="AA3"/></row>'
                b'<row><c><v>2</v></c><c><v>3</v></c><c><v>4</v></c></row></sheetData>')
    # rows: row 3 named, plus 2 row elements; columns: AA = 27, plus 3 cells in one row
    assert extent.cells() == (3 + 2) * (27 + 3)


def test_grid_extent_reads_a_reference_cut_by_a_block_boundary() -> None:
    extent = source._GridExtent()
    extent.scan(b'<row r="1"><c r="XF')
    extent.scan(b'D1048576"><v>1</v></c></row>')
    assert extent.max_column == 16384
    assert extent.max_row == 1048576


def _with_declared_size(book: bytes, part: str, declared: int) -> bytes:
    """The workbook with ``part``'s sizes in the zip set to ``declared`` and its CRC to that
    of its first ``declared`` bytes: Python's zipfile reads it without complaint."""
    archive = zipfile.ZipFile(io.BytesIO(book))
    info = archive.getinfo(part)
    crc = zlib.crc32(archive.read(part)[:declared])
    data = bytearray(book)
    local = info.header_offset
    data[local + 14:local + 18] = crc.to_bytes(4, "little")
    data[local + 22:local + 26] = declared.to_bytes(4, "little")
    central = data.find(b"PK\x01\x02")  # the central directory's entries
    while central >= 0:
        name_len = int.from_bytes(data[central + 28:central + 30], "little")
        if data[central + 46:central + 46 + name_len] == part.encode():
            data[central + 16:central + 20] = crc.to_bytes(4, "little")
            data[central + 24:central + 28] = declared.to_bytes(4, "little")
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_a_part_that_unpacks_past_its_declared_size_is_refused() -> None:
    book = workbook_bytes({"Data": [["Band", "Ethnicity", "Count"], ["Band 5", "White", 3]]})
    part = "xl/worksheets/sheet1.xml"
    real = zipfile.ZipFile(io.BytesIO(book)).getinfo(part).file_size
    lying = _with_declared_size(book, part, real - 50)
    assert len(zipfile.ZipFile(io.BytesIO(lying)).read(part)) == real - 50  # zipfile trusts it
    with pytest.raises(IngestError, match=r"The Excel workbook is damaged and could not be "
                       r"opened \(BadZipFile: File 'xl/worksheets/sheet1\.xml' unpacks to more "
                       rf"than the {real - 50:,} bytes its directory declares\)"):
        read_table(lying, name="w.xlsx")
