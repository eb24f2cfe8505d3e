"""Reading each layout: aggregate, wide, staff-level and the three recruitment forms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres_core import schema
from wres_core.errors import IngestError
from wres_core.ingest import build, read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def counts(table: pd.DataFrame, *columns: str) -> dict[tuple, int]:
    """{(values of columns...): headcount} for easy comparison."""
    sums = table.groupby(list(columns), observed=True)["headcount"].sum()
    return {tuple(str(v) for v in (key if isinstance(key, tuple) else (key,))): int(n)
            for key, n in sums.items() if n}


def check_clean(table: pd.DataFrame, kind: str = "workforce") -> None:
    expected = schema.conform(table, kind)
    pd.testing.assert_frame_equal(table, expected)
    key = list(schema.WORKFORCE_KEY if kind == "workforce" else schema.RECRUITMENT_KEY)
    assert not table.duplicated(key).any()
    assert (table["headcount"] > 0).all()


# --- aggregate ----------------------------------------------------------------------------


def test_aggregate_two_trusts() -> None:
    result = read_table(FIXTURES / "aggregate_two_trusts.csv")
    table, report = result.table, result.report
    check_clean(table)
    assert result.kind == "workforce" and result.layout == "aggregate"
    assert report.rows_read == 13 and report.rows_used == 13 and report.rows_excluded == 0
    assert report.organisations == ("SYN101", "SYN202")
    assert report.years == (2023, 2024)  # 2022/23 -> 2023, 2023/24 -> 2024
    assert counts(table, "org_code", "staff_group", "band", "ethnic_group") == {
        ("SYN101", "Clinical", "5", "White"): 120, ("SYN101", "Clinical", "5", "Asian"): 45,
        ("SYN101", "Clinical", "5", "Black"): 30, ("SYN101", "Clinical", "6", "White"): 80,
        ("SYN101", "Clinical", "6", "Asian"): 20, ("SYN101", "Non-clinical", "3", "White"): 60,
        ("SYN101", "Non-clinical", "3", "Unknown"): 4,
        ("SYN101", "Medical", "Consultant", "White"): 25,
        ("SYN101", "Medical", "Consultant", "Asian"): 18,
        ("SYN202", "Clinical", "7", "White"): 40, ("SYN202", "Clinical", "7", "Mixed"): 2,
        ("SYN202", "Non-clinical", "2", "White"): 35, ("SYN202", "Non-clinical", "2", "Other"): 3,
    }
    first = table[table["org_code"] == "SYN202"].iloc[0]
    assert (first["org_name"], first["region"], first["org_type"]) == (
        "Brookfield Community Trust (synthetic)", "South West", "Community")
    assert report.column_mapping == {
        "org_code": "Organisation code", "org_name": "Organisation name",
        "region": "NHS England region", "org_type": "Trust type", "year": "Financial year",
        "staff_group": "Staff group", "band": "AfC band", "ethnicity": "Ethnic category",
        "headcount": "Staff count"}
    assert report.column_matches["band"] == "alias 'AfC band'"
    assert result.headers[0] == "Organisation code"
    assert list(result.preview.columns) == list(result.headers)
    assert len(result.preview) == 13 and result.preview.iloc[0, 8] == "120"
    assert all(str(t) == "string" for t in result.preview.dtypes)


def test_unknown_by_band_share() -> None:
    report = read_table(FIXTURES / "aggregate_two_trusts.csv").report
    row = report.unknown_by_band.set_index("band").loc["3"]
    assert (row["unknown"], row["known"], row["total"]) == (4, 60, 64)
    assert row["unknown_share"] == pytest.approx(4 / 64)
    assert list(report.unknown_by_band.columns) == ["band", "unknown", "known", "total",
                                                    "unknown_share"]


def test_national_sample_round_trips() -> None:
    """The clean table written as CSV reads back as exactly the same table."""
    path = SAMPLE / "national_workforce.csv"
    if not path.exists():
        pytest.skip("sample data not generated")
    result = read_table(path)
    expected = schema.conform(pd.read_csv(path, keep_default_na=False, dtype={"year": int}))
    expected = expected.sort_values(
        ["org_code", "year", "staff_group", "band", "ethnicity", "ethnic_group"],
        kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(result.table, expected)
    assert result.report.rows_excluded == 0
    # "ethnicity" (White/BME/Unknown) and "ethnic_group" both name ethnicity: the detailed
    # one is read.
    assert result.report.column_mapping["ethnicity"] == "ethnic_group"


# --- wide ---------------------------------------------------------------------------------


def test_wide_template_with_title_block() -> None:
    result = read_table(FIXTURES / "wide_template_title.csv")
    table, report = result.table, result.report
    check_clean(table)
    assert result.layout == "wide"
    assert report.rows_read == 7 and report.rows_used == 5 and report.rows_excluded == 2
    reasons = {(e.reason, e.column): (e.count, e.rows, e.examples) for e in report.exclusions}
    assert reasons == {("total row", "Staff group"): (1, (12,), ("Total",)),
                       ("non-numeric count", "BME"): (1, (9,), ("x",))}
    # Organisation and year come from the title block.
    assert report.organisations == ("SYN303",)
    assert table["org_name"].iloc[0] == "Cedarwood Mental Health Trust (synthetic)"
    assert report.years == (2024,)
    assert "from the title block" in report.column_matches["year"]
    assert counts(table, "staff_group", "band", "ethnicity") == {
        ("Clinical", "5", "White"): 30, ("Clinical", "5", "BME"): 20,
        ("Clinical", "5", "Unknown"): 3, ("Clinical", "8a", "White"): 12,
        ("Clinical", "8a", "BME"): 3, ("Non-clinical", "2", "White"): 50,
        ("Non-clinical", "2", "BME"): 10, ("Non-clinical", "2", "Unknown"): 3,
        ("Non-clinical", "3", "White"): 40, ("Non-clinical", "3", "Unknown"): 1,
        ("Medical", "Consultant", "White"): 10, ("Medical", "Consultant", "BME"): 12,
        ("Medical", "Consultant", "Unknown"): 1}
    assert set(table["ethnic_group"].astype(str)) == {"White", "BME (not specified)",
                                                      "Unknown"}
    assert any("Header found on row 5" in n for n in report.notes)
    assert any("1 blank count cell read as 0" in n for n in report.notes)
    assert any("'BME %'" in n for n in report.notes)  # percentage column not used


def test_wide_detailed_groups_and_bme_subtotal() -> None:
    text = ("Band,White,Asian,Black,Mixed,Other,BME,Not stated\n"
            "Band 5,10,4,3,1,2,10,1\n"
            "Band 6,8,2,2,0,1,5,0\n")
    result = read_table(text.encode(), name="wres_2023.csv")
    assert result.report.years == (2023,)  # from the file name
    assert counts(result.table, "band", "ethnic_group") == {
        ("5", "White"): 10, ("5", "Asian"): 4, ("5", "Black"): 3, ("5", "Mixed"): 1,
        ("5", "Other"): 2, ("5", "Unknown"): 1, ("6", "White"): 8, ("6", "Asian"): 2,
        ("6", "Black"): 2, ("6", "Other"): 1}
    assert any("subtotals" in n and "'BME'" in n for n in result.report.notes)


def test_wide_nhs_code_headers_and_total_check() -> None:
    text = ("Grade,A,B,C,H,N,Z,Total\n"
            "Band 2,5,1,1,2,3,1,13\n"
            "Band 3,4,0,1,1,1,0,99\n")
    result = read_table(text.encode(), name="codes.csv")
    assert counts(result.table, "band", "ethnicity") == {
        ("2", "White"): 7, ("2", "BME"): 5, ("2", "Unknown"): 1,
        ("3", "White"): 5, ("3", "BME"): 2}
    assert any("differs from the sum" in n and "rows 3" in n for n in result.report.notes)
    assert result.report.years == (0,) and not result.report.year_given
    assert result.report.column_matches["year"] == (
        "default not given (no year column, title line or year in the file name)")


def test_wide_unrecognised_header_reported_and_mappable() -> None:
    text = "Band,White,BME,Martian\nBand 5,10,4,7\n"
    result = read_table(text.encode(), name="w.csv")
    assert result.report.unrecognised == {"column headers": {"Martian": 1}}
    assert int(result.table["headcount"].sum()) == 14
    mapped = read_table(text.encode(), name="w.csv",
                        ethnicity_map={"Martian": "Other"})
    assert counts(mapped.table, "ethnic_group") == {("White",): 10,
                                                     ("BME (not specified)",): 4,
                                                     ("Other",): 7}


# --- staff --------------------------------------------------------------------------------


@pytest.mark.parametrize("most_bincount_keys", [build._BINCOUNT_MAX_KEYS, 0],
                         ids=["keys counted with bincount", "keys summed by a group-by"])
def test_staff_extract(monkeypatch, most_bincount_keys) -> None:
    # A national extract of many years can have more keys than bincount is given: the
    # group-by that sums them must count the same people.
    monkeypatch.setattr(build, "_BINCOUNT_MAX_KEYS", most_bincount_keys)
    result = read_table(FIXTURES / "staff_extract.csv")
    table, report = result.table, result.report
    check_clean(table)
    assert result.layout == "staff"
    assert (report.rows_read, report.rows_used, report.rows_excluded) == (13, 10, 3)
    got = {(e.reason, e.column): (e.count, e.rows, e.examples) for e in report.exclusions}
    assert got == {
        ("unrecognised band", "Pay Band"): (1, (11,), ("Bank",)),
        ("unrecognised ethnicity", "Ethnic Origin"): (1, (12,), ("Martian",)),
        ("duplicate staff number", "Assignment Number"): (1, (10,), ("10000002-1",)),
    }
    assert report.unrecognised == {"Pay Band": {"Bank": 1}, "Ethnic Origin": {"Martian": 1}}
    assert counts(table, "year", "staff_group", "band", "ethnic_group") == {
        ("2024", "Clinical", "5", "White"): 1, ("2024", "Clinical", "5", "Asian"): 1,
        ("2024", "Clinical", "5", "Black"): 1, ("2024", "Clinical", "3", "Unknown"): 1,
        ("2024", "Non-clinical", "8a", "White"): 1, ("2024", "Non-clinical", "8a", "Unknown"): 1,
        ("2024", "Medical", "Consultant", "Asian"): 1,
        ("2024", "Medical", "Trainee doctor", "White"): 1,
        ("2023", "Clinical", "6", "White"): 1, ("2023", "Clinical", "5", "Asian"): 1}
    assert report.organisations == ("SYN404",)
    assert table["org_name"].iloc[0] == "Dunmore Teaching Hospitals Trust (synthetic)"
    assert "split into code and name" in report.column_matches["org"]
    assert any("1 row with a blank ethnicity counted as Unknown" in n for n in report.notes)


def test_staff_band_and_ethnicity_maps_apply_first() -> None:
    result = read_table(FIXTURES / "staff_extract.csv",
                        band_map={"Bank": "Band 2"}, ethnicity_map={"martian": "BME"})
    report = result.report
    assert report.rows_used == 12 and report.unrecognised == {}
    assert [e.reason for e in report.exclusions] == ["duplicate staff number"]
    got = counts(result.table, "year", "staff_group", "band", "ethnic_group")
    assert got[("2024", "Non-clinical", "2", "White")] == 1
    assert got[("2024", "Non-clinical", "2", "BME (not specified)")] == 1


def test_esr_sample_extract() -> None:
    path = SAMPLE / "trust_esr_extract.csv"
    if not path.exists():
        pytest.skip("sample data not generated")
    report = read_table(path).report
    assert report.rows_read == 6030
    assert report.excluded_by_reason() == {"unrecognised band": 12,
                                           "unrecognised ethnicity": 5,
                                           "duplicate staff number": 3}
    assert report.unrecognised["Pay Band"] == {"Bank": 6, "Non-AfC Local": 6}
    assert any("Windows-1252" in n for n in report.notes)
    assert report.organisations == ("SYN041",) and report.years == (2024,)


# --- the same data in three layouts -------------------------------------------------------


def _people() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    orgs = {"SYN001": "Ashvale Acute Trust (synthetic)",
            "SYN002": "Brookfield Community Trust (synthetic)"}
    bands = {"Band 2": "2", "Band 5": "5", "Band 8 - Range A": "8a", "Consultant": "Consultant"}
    groups = ["A White - British", "H Asian or Asian British - Indian",
              "N Black or Black British - African", "D Mixed - White & Black Caribbean",
              "S Any Other Ethnic Group", "Z Not Stated"]
    rows = []
    for code, org_name in orgs.items():
        for year in (2023, 2024):
            for band in bands:
                for group in groups:
                    for _ in range(int(rng.integers(0, 6))):
                        rows.append((f"{code} {org_name}", f"31/03/{year}", band, group))
    return pd.DataFrame(rows, columns=["Organisation", "Snapshot date", "Pay band",
                                       "Ethnic origin"])


def test_staff_aggregate_and_wide_give_identical_tables() -> None:
    people = _people()
    staff_csv = people.assign(**{"Staff ID": [f"P{i:05d}" for i in range(len(people))]})
    staff = read_table(staff_csv.to_csv(index=False).encode(), name="staff.csv").table

    agg = people.groupby(list(people.columns)).size().rename("Count").reset_index()
    aggregate = read_table(agg.to_csv(index=False).encode(), name="agg.csv").table

    short = {"A White - British": "White", "H Asian or Asian British - Indian": "Asian",
             "N Black or Black British - African": "Black",
             "D Mixed - White & Black Caribbean": "Mixed", "S Any Other Ethnic Group": "Other",
             "Z Not Stated": "Not stated"}
    wide = (people.assign(group=people["Ethnic origin"].map(short))
            .pivot_table(index=["Organisation", "Snapshot date", "Pay band"], columns="group",
                         aggfunc="size", fill_value=0).reset_index())
    wide.columns.name = None
    wide_result = read_table(wide.to_csv(index=False).encode(), name="wide.csv")
    assert wide_result.layout == "wide"

    assert len(staff) > 20
    pd.testing.assert_frame_equal(staff, aggregate)
    pd.testing.assert_frame_equal(staff, wide_result.table)
    assert int(staff["headcount"].sum()) == len(people)


# --- recruitment --------------------------------------------------------------------------

EXPECTED_RECRUITMENT = {
    ("applied", "White"): 400, ("applied", "BME"): 350, ("applied", "Unknown"): 20,
    ("shortlisted", "White"): 120, ("shortlisted", "BME"): 70, ("shortlisted", "Unknown"): 5,
    ("appointed", "White"): 40, ("appointed", "BME"): 15, ("appointed", "Unknown"): 1,
}


@pytest.mark.parametrize(("file", "form"), [
    ("recruitment_long.csv", "long"),
    ("recruitment_stage_wide.csv", "stage-wide"),
    ("recruitment_ethnicity_wide.csv", "ethnicity-wide"),
])
def test_recruitment_forms(file: str, form: str) -> None:
    result = read_table(FIXTURES / file)
    check_clean(result.table, "recruitment")
    assert (result.kind, result.layout, result.report.form) == ("recruitment", "recruitment",
                                                                form)
    assert counts(result.table, "stage", "ethnicity") == EXPECTED_RECRUITMENT
    assert set(result.table["band"].astype(str)) == {"All"}
    assert set(result.table["staff_group"].astype(str)) == {"All staff"}
    assert result.report.rows_excluded == 0
    assert list(result.table.columns) == list(schema.RECRUITMENT_COLUMNS)


def test_recruitment_by_band_and_stage_values_without_stage_header() -> None:
    text = ("Pay band,Measure,White,BME\n"
            "Band 5,Shortlisted,30,20\nBand 5,Appointed,10,4\n"
            "Band 6,Shortlisted,12,6\nBand 6,Appointed,5,1\n"
            "Total,Shortlisted,42,26\n")
    result = read_table(text.encode(), name="rec_2024.csv")
    assert result.report.form == "ethnicity-wide"
    assert "recruitment stages" in result.report.column_matches["stage"]
    assert counts(result.table, "band", "stage", "ethnicity") == {
        ("5", "shortlisted", "White"): 30, ("5", "shortlisted", "BME"): 20,
        ("5", "appointed", "White"): 10, ("5", "appointed", "BME"): 4,
        ("6", "shortlisted", "White"): 12, ("6", "shortlisted", "BME"): 6,
        ("6", "appointed", "White"): 5, ("6", "appointed", "BME"): 1}
    assert [(e.reason, e.rows) for e in result.report.exclusions] == [("total row", (6,))]


def test_recruitment_nesting_problem_is_noted() -> None:
    text = "Ethnicity,Shortlisted,Appointed\nWhite,10,12\nBME,8,2\n"
    result = read_table(text.encode(), name="r.csv")
    assert any("more people were appointed than shortlisted" in n
               for n in result.report.notes)


def test_kind_and_layout_overrides() -> None:
    text = "Band,Ethnicity,Count\nBand 5,White,3\nBand 5,BME,2\n"
    as_staff = read_table(text.encode(), name="x.csv", layout="staff")
    assert as_staff.layout == "staff"
    assert int(as_staff.table["headcount"].sum()) == 2  # each row one person
    assert any("each row is one person" in n for n in as_staff.report.notes)
    with pytest.raises(IngestError, match="No recruitment stages"):
        read_table(text.encode(), name="x.csv", kind="recruitment")


def test_mapping_overrides_detection() -> None:
    text = ("Where,When,Level,Heritage,How many,Band\n"
            "SYN9 X Trust,2024,Band 5,White,3,junk\nSYN9 X Trust,2024,Band 6,Asian,2,junk\n")
    result = read_table(text.encode(), name="m.csv", mapping={
        "org": "Where", "year": "When", "band": "Level", "ethnicity": "Heritage",
        "headcount": "How many"})
    assert result.report.column_matches["band"] == "your mapping ('Level')"
    assert counts(result.table, "org_code", "band", "ethnic_group") == {
        ("SYN9", "5", "White"): 3, ("SYN9", "6", "Asian"): 2}
    # None switches a detected column off.
    text2 = "Band,Ethnicity,Count,Region\nBand 5,White,3,London\n"
    off = read_table(text2.encode(), name="m.csv", mapping={"region": None})
    assert off.table["region"].iloc[0] == schema.DEFAULT_REGION
    assert off.report.column_matches["region"] == "not used (your mapping)"


@pytest.mark.parametrize("width", [6, 20, 70])
def test_staff_numbers_of_any_width_with_spaces(width: int) -> None:
    """Repeats are found exactly whatever the length of the number; spaces do not hide them."""
    ids = [f"{i:0{width}d}" for i in range(5)]
    rows = [f"{ids[0]},Band 5,White", f" {ids[1]} ,Band 5,White", f"{ids[1]},Band 6,BME",
            f"{ids[2]},Band 5,White", ",Band 5,White", ",Band 5,White",
            f"{ids[3]},Band 5,Asian", f"{ids[0]},Band 7,White"]
    text = "Employee number,Band,Ethnicity\n" + "\n".join(rows) + "\n"
    report = read_table(text.encode(), name="s.csv").report
    (exclusion,) = report.exclusions
    assert (exclusion.reason, exclusion.count, exclusion.rows) == (
        "duplicate staff number", 2, (4, 9))
    assert exclusion.examples == (ids[1], ids[0])
    assert report.rows_used == 6  # blank numbers are not repeats of each other


def test_staff_duplicates_in_an_excel_extract() -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Assignment Number", "Pay Band", "Ethnic Origin", "Organisation"],
                [101, "Band 5", "A White - British", "SYN1 A Trust"],
                [101, "Band 5", "A White - British", "SYN2 B Trust"],
                [101.0, "Band 6", "H Asian or Asian British - Indian", "SYN1 A Trust"]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    report = read_table(buffer.getvalue(), name="esr.xlsx").report
    # 101 in another organisation is another person; 101.0 is 101 again in SYN1.
    assert [(e.reason, e.rows, e.examples) for e in report.exclusions] == [
        ("duplicate staff number", (4,), ("101",))]


def test_wide_template_with_staff_group_heading_rows() -> None:
    text = (b"WRES 2023/24\nPay band,White,BME,Unknown\nNon-clinical staff,,,\nBand 2,5,1,0\n"
            b"Band 3,4,1,\nClinical workforce,,,\nBand 2,7,3,0\nBand 5,9,4,1\n"
            b"Medical and Dental,,,\nConsultant,3,2,0\n")
    result = read_table(text, name="h.csv")
    report = result.report
    assert [(e.reason, e.rows) for e in report.exclusions] == [("heading row", (3, 6, 9))]
    assert report.unrecognised == {}
    assert counts(result.table, "staff_group", "band", "ethnicity") == {
        ("Non-clinical", "2", "White"): 5, ("Non-clinical", "2", "BME"): 1,
        ("Non-clinical", "3", "White"): 4, ("Non-clinical", "3", "BME"): 1,
        ("Clinical", "2", "White"): 7, ("Clinical", "2", "BME"): 3,
        ("Clinical", "5", "White"): 9, ("Clinical", "5", "BME"): 4,
        ("Clinical", "5", "Unknown"): 1, ("Medical", "Consultant", "White"): 3,
        ("Medical", "Consultant", "BME"): 2}
    assert any("1 blank count cell read as 0" in n for n in report.notes)


def test_rows_split_by_another_column_are_added() -> None:
    text = (b"Band,Gender,Ethnicity,Count\nBand 5,Female,White,3\nBand 5,Male,White,2\n"
            b"Band 5,Male,White,2\n")
    result = read_table(text, name="g.csv")
    assert counts(result.table, "band", "ethnicity") == {("5", "White"): 5}
    assert [(e.reason, e.rows) for e in result.report.exclusions] == [("duplicate key", (4,))]
    assert any("differ in 'Gender'" in n for n in result.report.notes)
