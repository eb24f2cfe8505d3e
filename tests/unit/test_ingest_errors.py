"""Bad files: fatal problems raise IngestError with a useful message; row problems are
reported with reasons, counts and row numbers."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from tests.support import workbook_bytes
from wres_core.errors import IngestError
from wres_core.ingest import read_table

xlsx = workbook_bytes


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


GOOD = b"Band,Ethnicity,Count\nBand 5,White,3\n"
CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

BAD_FILES = [
    ("empty", b"", r"bad\.csv: The file is empty\."),
    ("blank lines only", b"\r\n \n\t\n", r"The file is empty"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", r"looks like a PDF document, not a table"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"looks like a PNG image"),
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", r"looks like a JPEG image"),
    ("zip of csv", zipped({"data.csv": GOOD}), r"looks like a zip archive, not a table"),
    ("docx", zipped({"word/document.xml": b"<w/>"}), r"looks like a Word document"),
    ("html", b"<!DOCTYPE html><html><body><table><tr><td>Band</td></tr></table></body></html>",
     r"looks like a web page \(HTML\).*download the data as CSV"),
    ("binary junk", bytes(range(256)) * 8, r"looks like a binary file"),
    ("encrypted xlsx", CFB + "EncryptedPackage".encode("utf-16-le"),
     r"password-protected.*remove the password"),
    ("old xls", CFB + b"Workbook", r"old-style Excel \.xls.*save it as \.xlsx or CSV"),
    ("truncated xlsx", xlsx({"S": [["Band", "White"], ["Band 5", 1]]})[:300],
     r"damaged"),
    ("corrupt xlsx", zipped({"[Content_Types].xml": b"<nope", "xl/workbook.xml": b"<nope"}),
     r"Excel workbook is damaged"),
    ("xlsx with no table", xlsx({"Notes": [["Just a note"], ["Another"]], "Empty": []}),
     r"No sheet of the workbook holds a table \(sheets: 'Notes', 'Empty'\)"),
    ("json", b'{"band": "5", "ethnicity": "White"}', r"looks like a JSON document"),
    ("xml", b'<?xml version="1.0"?><Workbook></Workbook>', r"looks like an XML document"),
    ("broken gzip", b"\x1f\x8b\x08\x00garbage", r"gzip-compressed but could not be"),
    ("no band column", b"Ethnicity,Count\nWhite,3\n",
     r"No band column was found\. Expected: a column such as 'Pay band'.*'Ethnicity', 'Count'"),
    ("no ethnicity column", b"Band,Count\nBand 5,3\n",
     r"No ethnicity column was found.*What to do: Rename the ethnicity column"),
    ("header only", b"Band,Ethnicity,Count\n",
     r"header row but no data rows.*header found on row 1"),
    ("header only after title", b"My title\n\nBand,Ethnicity,Count\n\n",
     r"header row but no data rows.*header found on row 3"),
    ("every row excluded", b"Band,Ethnicity,Count\nBand 10,White,3\nBand 11,Martian,-1\n",
     r"Every one of the 2 data rows was excluded \(2 unrecognised band in 'Band' "
     r"\(rows 2, 3; e\.g\. 'Band 10', 'Band 11'\)\)"),
    ("recruitment without shortlisted or appointed", b"Ethnicity,Applied\nWhite,3\nBME,2\n",
     r"neither a shortlisted nor an appointed column"),
    ("recruitment long with applied only",
     b"Stage,Ethnicity,Count\nApplied,White,3\nApplied,BME,2\n",
     r"neither shortlisted nor appointed rows \(stages found: applied\)"),
    ("recruitment with no stages", b"Stage,Band,Count\nApplied,Band 5,3\n",
     r"No ethnicity column was found"),
    ("single column of text", b"hello\nworld\n", r"No band column|No ethnicity column"),
]


@pytest.mark.parametrize(("content", "pattern"), [(c, p) for _, c, p in BAD_FILES],
                         ids=[i for i, _, _ in BAD_FILES])
def test_bad_files_raise_ingest_error(content: bytes, pattern: str) -> None:
    with pytest.raises(IngestError, match=pattern) as info:
        read_table(content, name="bad.csv")
    error = info.value
    assert error.source == "bad.csv" and str(error).startswith("bad.csv")
    assert error.problem and error.expected and error.action
    assert "Expected:" in str(error) and "What to do:" in str(error)
    assert "unexpected error" not in str(error)


def test_aggregate_layout_without_count_column() -> None:
    with pytest.raises(IngestError, match=r"No count column was found \(layout 'aggregate'"):
        read_table(b"Band,Ethnicity\nBand 5,White\n", name="x.csv", layout="aggregate")


def test_recruitment_long_without_count() -> None:
    with pytest.raises(IngestError, match="No count column was found for the stage"):
        read_table(b"Stage,Ethnicity\nShortlisted,White\n", name="x.csv")


def test_wide_layout_without_ethnic_headers() -> None:
    with pytest.raises(IngestError, match="cannot be read as a wide table"):
        read_table(b"Band,Ethnicity,Count\nBand 5,White,1\n", name="x.csv", layout="wide")


def test_missing_path() -> None:
    with pytest.raises(IngestError, match=r"There is no file at '.*nowhere\.csv'"):
        read_table("/nonexistent/nowhere.csv")


@pytest.mark.parametrize(("options", "pattern"), [
    ({"layout": "tall"}, r"layout='tall' is not a layout"),
    ({"kind": "finance"}, r"kind='finance' is not a kind"),
    ({"band_map": {"Band 5": "Band 55"}}, r"band_map maps 'band 5' to 'Band 55'"),
    ({"ethnicity_map": {"White": "Martian"}}, r"ethnicity_map maps a label to 'Martian'"),
    ({"mapping": {"band": "Grade"}}, r"mapping points 'band' at a column 'Grade'.*'Band'"),
    ({"mapping": {"colour": "Band"}}, r"mapping names 'colour'"),
    ({"layout": "recruitment", "kind": "workforce"}, r"layout='recruitment' was asked for"),
])
def test_bad_options(options: dict, pattern: str) -> None:
    with pytest.raises(IngestError, match=pattern):
        read_table(GOOD, name="x.csv", **options)


def test_excel_named_sheet_missing() -> None:
    with pytest.raises(IngestError, match=r"no sheet called 'Data'.*'Cover'"):
        read_table(xlsx({"Cover": [["Hello"]]}), name="w.xlsx", sheet="Data")


def test_gzip_of_nothing() -> None:
    with pytest.raises(IngestError, match="compressed file is empty"):
        read_table(gzip.compress(b""), name="x.csv.gz")


# --- row exclusions -----------------------------------------------------------------------

MESSY = """\
Org code,Year,Staff group,Band,Ethnicity,Count
SYN1,2024,Clinical,Band 5,White,10
SYN1,2024,Clinical,Band 5,Asian,4
SYN1,2024,Clinical,,White,2
SYN1,2024,Clinical,Band 42,White,2
SYN1,2024,Clinical,Band 6,Martian,3
SYN1,last year,Clinical,Band 6,White,3
SYN1,2024,Chefs,Band 6,White,3
SYN1,2024,Clinical,Band 6,White,*
SYN1,2024,Clinical,Band 6,White,-4
SYN1,2024,Clinical,Band 6,White,2.5
SYN1,2024,Clinical,Band 5,White,11
SYN1,2024,Clinical,Total,White,16
SYN1,2024,Clinical,Band 6,BME,
,2024,Clinical,Band 6,BME,1
SYN1,2024,Clinical,Band 6,Black,1,extra
SYN1,2024,Non-clinical,Band 3,White,1 234
"""


def test_every_exclusion_reason_with_rows_and_examples() -> None:
    result = read_table(MESSY.encode(), name="messy.csv")
    report = result.report
    got = {(e.reason, e.column): (e.count, e.rows, e.examples) for e in report.exclusions}
    assert got == {
        ("wrong number of fields", None): (1, (16,), ()),
        ("total row", "Band"): (1, (13,), ("Total",)),
        ("blank required field", "Band"): (1, (4,), ("(blank)",)),
        ("blank required field", "Count"): (1, (14,), ("(blank)",)),
        ("blank required field", "Org code"): (1, (15,), ("(blank)",)),
        ("unrecognised band", "Band"): (1, (5,), ("Band 42",)),
        ("unrecognised ethnicity", "Ethnicity"): (1, (6,), ("Martian",)),
        ("unrecognised year", "Year"): (1, (7,), ("last year",)),
        ("unrecognised staff group", "Staff group"): (1, (8,), ("Chefs",)),
        ("non-numeric count", "Count"): (1, (9,), ("*",)),
        ("negative count", "Count"): (1, (10,), ("-4",)),
        ("non-integer count", "Count"): (1, (11,), ("2.5",)),
        ("duplicate key", None): (1, (12,), ("SYN1 / 2024 / 5 / White",)),
    }
    assert report.rows_read == 16 and report.rows_used == 3
    assert report.rows_read == report.rows_used + report.rows_excluded
    assert sum(e.count for e in report.exclusions) == report.rows_excluded
    assert report.unrecognised == {"Band": {"Band 42": 1}, "Ethnicity": {"Martian": 1},
                                   "Year": {"last year": 1}, "Staff group": {"Chefs": 1}}
    assert {(str(b), str(g)): int(n) for b, g, n in zip(
        result.table["band"], result.table["ethnic_group"], result.table["headcount"])} == {
        ("5", "White"): 10, ("5", "Asian"): 4, ("3", "White"): 1234}
    lines = report.summary_lines()
    assert lines[0] == "messy.csv: read 16 rows as workforce data (one row per count)."
    assert lines[1] == "Used 3 rows; left out 13:"
    assert "  - 1 row excluded: unrecognised band in column 'Band'; e.g. 'Band 42'. Row 5." \
        in lines


def test_row_numbers_listed_up_to_twenty_but_all_counted() -> None:
    body = "".join(f"Band {i % 3 + 20},White,1\n" for i in range(45))
    text = "Band,Ethnicity,Count\nBand 5,White,1\n" + body
    report = read_table(text.encode(), name="many.csv").report
    (exclusion,) = report.exclusions
    assert exclusion.count == 45
    assert exclusion.rows == tuple(range(3, 23))
    assert set(exclusion.examples) == {"Band 20", "Band 21", "Band 22"}
    assert report.unrecognised["Band"] == {"Band 20": 15, "Band 21": 15, "Band 22": 15}
    assert "(first 20 listed)" in exclusion.describe()


def test_total_staff_group_rows_beside_groups_are_totals() -> None:
    text = ("Staff group,Band,White,BME\nClinical,Band 5,3,2\nNon-clinical,Band 5,1,1\n"
            "All staff,Band 5,4,3\n")
    report = read_table(text.encode(), name="t.csv").report
    assert [(e.reason, e.rows) for e in report.exclusions] == [("total row", (4,))]


def test_medical_rules() -> None:
    text = ("Staff group,Band,Ethnicity,Count\n"
            "Nursing and Midwifery Registered,Consultant,White,2\n"
            "Medical and Dental,Band 6,White,3\n"
            "Medical and Dental,Specialty Registrar,Asian,1\n")
    result = read_table(text.encode(), name="m.csv")
    got = {(str(s), str(b)): int(n) for s, b, n in zip(
        result.table["staff_group"], result.table["band"], result.table["headcount"])}
    assert got == {("Medical", "Consultant"): 2, ("Clinical", "6"): 3,
                   ("Medical", "Trainee doctor"): 1}
    notes = " ".join(result.report.notes)
    assert "1 rows in medical grades had another staff group" in notes
    assert "1 rows on AfC bands had staff group Medical" in notes and "(rows 3)" in notes
