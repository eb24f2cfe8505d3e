"""Cell readers (years, counts, organisations, staff groups), the alias table, the label
tables ingest relies on, and load_dataset."""

from __future__ import annotations

import pandas as pd
import pytest

from wres_core import schema
from wres_core.bands import normalise_band
from wres_core.errors import IngestError
from wres_core.ethnicity import match_ethnicity
from wres_core.ingest import load_dataset, read_table
from wres_core.ingest.values import (
    column_aliases,
    header_key,
    parse_count,
    parse_year,
    split_org,
    staff_group_of,
    stage_of,
    year_in_text,
)


@pytest.mark.parametrize(("label", "year"), [
    ("2024", 2024), ("2024.0", 2024), ("2023/24", 2024), ("2023-24", 2024),
    ("FY2023/24", 2024), ("FY 2023-24", 2024), ("2023/2024", 2024), ("23/24", 2024),
    ("1999/00", 2000), ("FY24", 2024), ("31/03/2024", 2024), ("2024-03-31", 2024),
    ("2024-03-31 00:00:00", 2024), ("31-Mar-2024", 2024), ("31 March 2024", 2024),
    ("Mar-24", 2024), ("March 2024", 2024), ("30/09/2023", 2023),
    ("2023/25", None), ("last year", None), ("24", None), ("3024", None), ("", None),
    ("13/13/2024", None),
])
def test_parse_year(label: str, year: int | None) -> None:
    assert parse_year(label) == year


@pytest.mark.parametrize(("text", "year"), [
    ("wres_2023-24.csv", 2024), ("WRES data collection 2022/23", 2023),
    ("esr_20240331.csv", 2024), ("Snapshot: 31 March 2024", 2024),
    ("Recruitment: 1 April 2023 to 31 March 2024", 2024), ("staff.csv", None),
    ("2019 and 2024", None),
])
def test_year_in_text(text: str, year: int | None) -> None:
    assert year_in_text(text) == year


@pytest.mark.parametrize(("label", "expected"), [
    ("12", (12, None)), (" 1,234 ", (1234, None)), ("12.0", (12, None)), ("0", (0, None)),
    ("1 234", (1234, None)), ("-3", (0, "negative count")), ("12.5", (0, "non-integer count")),
    ("2,5", (0, "non-integer count")), ("-2.5", (0, "negative count")),
    ("*", (0, "non-numeric count")), ("<5", (0, "non-numeric count")),
    ("n/a", (0, "non-numeric count")), ("nan", (0, "non-numeric count")),
    ("5 people", (0, "non-numeric count")),
    # Above 2,000,000 (more than the NHS in England employs) a number is no headcount.
    ("2000000", (2_000_000, None)), ("2,000,000", (2_000_000, None)),
    ("2000001", (0, "count too large")), ("2,000,001", (0, "count too large")),
    ("1000000000000000000", (0, "count too large")), ("1e18", (0, "count too large")),
    ("1e30", (0, "count too large")), ("1e999", (0, "count too large")),
    ("-1000000000000000000", (0, "negative count")), ("-1e999", (0, "negative count")),
])
def test_parse_count(label: str, expected: tuple[int, str | None]) -> None:
    assert parse_count(label) == expected


@pytest.mark.parametrize(("label", "expected"), [
    ("SYN123 Ashvale Acute Trust (synthetic)", ("SYN123", "Ashvale Acute Trust (synthetic)")),
    ("RXH - Brighton Hospitals", ("RXH", "Brighton Hospitals")),
    ("RJ1: Guy's", ("RJ1", "Guy's")),
    ("Brighton Hospitals (RXH)", ("RXH", "Brighton Hospitals")),
    ("NHS Blood and Transplant", ("NHS Blood and Transplant",) * 2),
    ("Ashvale Acute Trust (synthetic)", ("Ashvale Acute Trust (synthetic)",) * 2),
    ("RXH", ("RXH", "RXH")),
])
def test_split_org(label: str, expected: tuple[str, str]) -> None:
    assert split_org(label) == expected


@pytest.mark.parametrize(("label", "group"), [
    ("Nursing and Midwifery Registered", "Clinical"), ("Allied Health Professionals", "Clinical"),
    ("Additional Professional Scientific and Technical", "Clinical"),
    ("Add Prof Scientific and Technic", "Clinical"),
    ("Additional Clinical Services", "Clinical"), ("Healthcare Scientists", "Clinical"),
    ("Administrative and Clerical", "Non-clinical"), ("Admin & Clerical", "Non-clinical"),
    ("Estates and Ancillary", "Non-clinical"), ("Medical and Dental", "Medical"),
    ("Clinical", "Clinical"), ("Non-clinical", "Non-clinical"), ("non clinical", "Non-clinical"),
    ("Medical", "Medical"), ("NURSING AND MIDWIFERY REGISTERED ", "Clinical"),
    ("Chefs", None),
])
def test_staff_groups(label: str, group: str | None) -> None:
    assert staff_group_of(label) == group


ALIAS_FAMILIES = {
    "org_code": ["Organisation code", "Org Code", "ODS code", "Trust code"],
    "org": ["Trust", "Organisation"],
    "org_name": ["Organisation name"],
    "region": ["Region", "NHS England region"],
    "org_type": ["Trust type", "Organisation type"],
    "year": ["Year", "Financial year", "Snapshot date", "Reporting period"],
    "staff_group": ["Staff group"],
    "band": ["Pay band", "AfC band", "Band", "Grade"],
    "ethnicity": ["Ethnic origin", "Ethnic category", "Ethnicity", "Ethnic group"],
    "headcount": ["Count", "Headcount", "Staff count", "Number", "n", "Total"],
    "stage": ["Stage", "Recruitment stage"],
    "staff_id": ["Assignment number", "Employee number", "Staff ID"],
    "shortlisted": ["Shortlisted"], "appointed": ["Appointed"], "applied": ["Applied"],
}


@pytest.mark.parametrize(("canonical", "alias"),
                         [(c, a) for c, aliases in ALIAS_FAMILIES.items() for a in aliases])
def test_alias_table(canonical: str, alias: str) -> None:
    for spelling in (alias, alias.upper(), alias.lower().replace(" ", "_"),
                     f" {alias.replace(' ', '-')} "):
        assert column_aliases()[header_key(spelling)] == canonical


@pytest.mark.parametrize(("canonical", "alias"),
                         [(c, a) for c, aliases in ALIAS_FAMILIES.items() for a in aliases
                          if c in ("org_code", "org", "year", "band", "ethnicity")])
def test_alias_families_read_a_file(canonical: str, alias: str) -> None:
    """Each alias, used as a header (in upper case with underscores), is matched."""
    columns = {"org": "Trust", "year": "Year", "band": "Band", "ethnicity": "Ethnicity"}
    if canonical == "org_code":
        columns.pop("org")
    columns[canonical] = alias
    header = [h.upper().replace(" ", "_") for h in [*columns.values(), "Count"]]
    values = {"org": "SYN5 X Trust", "org_code": "SYN5", "year": "2023/24", "band": "Band 5",
              "ethnicity": "White"}
    row = [values[c] for c in columns] + ["3"]
    result = read_table((",".join(header) + "\n" + ",".join(row) + "\n").encode(), name="a.csv")
    assert result.report.column_mapping[canonical] == alias.upper().replace(" ", "_")
    assert result.table.iloc[0][["org_code", "year", "band", "headcount"]].tolist() == [
        "SYN5", 2024, "5", 3]


def test_stage_labels() -> None:
    assert [stage_of(x) for x in ("Applied", "Applications", "Shortlisted", "shortlisting",
                                  "Appointed", "Appointments", "Interviewed")] == [
        "applied", "applied", "shortlisted", "shortlisted", "appointed", "appointed", None]


def test_label_table_additions_and_band_fixes() -> None:
    assert match_ethnicity("Unknown/Null").category == "Unknown"
    assert match_ethnicity("Total BME").group == "BME (not specified)"
    assert normalise_band("Band 5.0") == "5"
    assert normalise_band("Specialty Registrar") == "Trainee doctor"
    assert normalise_band("Specialty Doctor") == "Specialty doctor"
    assert normalise_band("Nurse Consultant") is None
    assert normalise_band("Consultant") == "Consultant"


# --- load_dataset -------------------------------------------------------------------------

WORKFORCE_A = (b"Org code,Year,Band,Ethnicity,Count\nSYN1,2024,Band 5,White,10\n"
               b"SYN1,2024,Band 5,BME,4\n")
WORKFORCE_B = (b"Org code,Year,Band,Ethnicity,Count\nSYN1,2024,Band 5,White,99\n"
               b"SYN2,2024,Band 6,White,7\n")
RECRUITMENT = b"Org code,Year,Ethnicity,Shortlisted,Appointed\nSYN1,2024,White,20,5\n"


def test_load_dataset_stacks_and_reports_overlaps() -> None:
    data = load_dataset([("a.csv", WORKFORCE_A), ("b.csv", WORKFORCE_B),
                         ("r.csv", RECRUITMENT)])
    assert [r.source for r in data.reports] == ["a.csv", "b.csv", "r.csv"]
    pd.testing.assert_frame_equal(data.workforce, schema.conform(data.workforce))
    got = {(o, str(b), str(e)): int(n) for o, b, e, n in zip(
        data.workforce["org_code"], data.workforce["band"], data.workforce["ethnicity"],
        data.workforce["headcount"])}
    # SYN1 band 5 White is in both files: counted once, from the first file.
    assert got == {("SYN1", "5", "White"): 10, ("SYN1", "5", "BME"): 4,
                   ("SYN2", "6", "White"): 7}
    assert len(data.overlaps) == 1
    overlap = data.overlaps.iloc[0]
    assert (overlap["kept_from"], overlap["dropped_from"], overlap["kept_headcount"],
            overlap["dropped_headcount"]) == ("a.csv", "b.csv", 10, 99)
    assert "1 workforce counts in b.csv were already in a.csv" in data.notes[0]
    assert len(data.recruitment) == 2
    assert list(data.recruitment.columns) == list(schema.RECRUITMENT_COLUMNS)
    assert data.years == (2024,)
    assert data.organisations["code"].tolist() == ["SYN1", "SYN2"]
    assert list(data.organisations.columns) == ["code", "name", "region", "type"]


def test_load_dataset_passes_options_and_raises_for_a_bad_file() -> None:
    data = load_dataset([WORKFORCE_A], default_year=2020)
    assert data.recruitment.empty and list(data.recruitment.columns) == list(
        schema.RECRUITMENT_COLUMNS)
    with pytest.raises(IngestError, match=r"bad\.csv: The file is empty"):
        load_dataset([("good.csv", WORKFORCE_A), ("bad.csv", b"")])
