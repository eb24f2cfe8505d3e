"""Files that name no organisation or year: never today's year, attached to their neighbours.

Issue 12: a recruitment file with only ``Ethnicity, Shortlisted, Appointed`` became a separate
organisation "ORG" in the current year next to the ESR trust it belongs to.
"""

from __future__ import annotations

import contextlib
import io
import math
from pathlib import Path

from wres_core import schema
from wres_core.analysis import analyse_dataset
from wres_core.cli import main
from wres_core.ingest import load_dataset, read_table

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
ESR = SAMPLE / "trust_esr_extract.csv"
RECRUITMENT = b"Ethnicity,Shortlisted,Appointed\nWhite,120,40\nBME,70,15\nNot stated,5,1\n"
TWO_TRUSTS = (b"Organisation code,Financial year,Pay band,Ethnic group,Headcount\n"
              b"RAA,2023/24,Band 5,White,10\nRAA,2023/24,Band 6,BME,4\n"
              b"RBB,2023/24,Band 5,White,12\nRBB,2023/24,Band 6,BME,3\n")


def test_a_file_with_no_year_is_not_given_today_s_year():
    report = read_table(RECRUITMENT, name="recruitment.csv").report
    assert report.years == (schema.YEAR_NOT_GIVEN,) and not report.year_given
    assert not report.org_given and report.organisations == (schema.DEFAULT_ORG_CODE,)
    assert any("the year is shown as 'not given'" in n for n in report.notes), report.notes
    assert "year not given" in " ".join(report.summary_lines())


def test_the_year_and_organisation_can_be_given_for_such_a_file():
    result = read_table(RECRUITMENT, name="recruitment.csv", default_year=2023,
                        default_org=("RXX", "Riverside Trust"))
    assert result.report.years == (2023,) and result.report.organisations == ("RXX",)
    assert result.report.column_matches["year"] == "default 2023 (given by you)"
    assert set(result.table["org_name"]) == {"Riverside Trust"}


def test_it_attaches_to_the_only_trust_and_year_beside_it():
    data = load_dataset([ESR, ("recruitment.csv", RECRUITMENT)])
    assert set(data.recruitment["org_code"]) == {"SYN041"}
    assert set(data.recruitment["year"]) == {2024}
    assert any(n.startswith("recruitment.csv names no organisation or year: attached to ")
               and "(SYN041), 2024" in n for n in data.notes), data.notes
    analysis = analyse_dataset(data.workforce, data.recruitment).trust("SYN041", 2024)
    assert analysis.has_recruitment
    stage = analysis.stage("recruitment:shortlisted-appointed")
    # (40 / 120) / (15 / 70) by hand.
    assert math.isclose(stage.ratio, (40 / 120) / (15 / 70), rel_tol=1e-12)


def test_with_several_trusts_beside_it_it_is_left_apart_and_the_user_asked():
    data = load_dataset([("two.csv", TWO_TRUSTS), ("recruitment.csv", RECRUITMENT)])
    assert set(data.recruitment["org_code"]) == {schema.DEFAULT_ORG_CODE}
    assert any("could belong to: say which on the Data page" in n for n in data.notes)


def test_the_cli_year_is_the_year_of_a_file_that_has_none(tmp_path):
    path = tmp_path / "recruitment.csv"
    path.write_bytes(RECRUITMENT)
    for argv, expected in ((["analyse", str(path)], ": year not given"),
                           (["analyse", str(path), "--year", "2023"], ": 2023")):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(argv) == 0
        assert out.getvalue().splitlines()[0].endswith(expected), out.getvalue()[:200]


def test_esr_sub_codes_are_counted_by_their_code_with_the_disagreement_noted():
    # tests/fixtures/ingest/esr_subcodes.csv, counted by hand from the file.
    result = read_table(Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
                        / "esr_subcodes.csv")
    report = result.report
    assert (report.rows_read, report.rows_used, report.rows_excluded) == (11, 11, 0)
    counts = (result.table.groupby(["band", "ethnic_group"], observed=True)["headcount"].sum()
              .to_dict())
    assert {(str(b), g): int(n) for (b, g), n in counts.items()} == {
        ("5", "Other"): 2, ("6", "Other"): 1, ("5", "Black"): 1, ("6", "Black"): 1,
        ("5", "Asian"): 1, ("7", "Asian"): 1, ("5", "White"): 1, ("6", "White"): 1,
        ("7", "White"): 1, ("7", "Unknown"): 1}
    assert ("3 rows with ethnicity 'SC Filipino': 'Filipino' is Asian in the label table, but "
            "code SC is Other: counted as Other (both BME).") in report.notes, report.notes
    assert not [n for n in report.notes if "Nigerian" in n or "Sri Lankan" in n]


def _workbook(tmp_path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "return.xlsx"
    book.save(path)
    return path


TABLE = [["Pay band", "White", "BME", "Ethnicity unknown/null", "Total"],
         ["Band 5", 120, 45, 6, 171], ["Band 6", 80, 20, 3, 103], ["Total", 200, 65, 9, 274]]


def test_a_cover_sheet_gives_the_organisation_and_year_and_unknowns_are_counted(tmp_path):
    path = _workbook(tmp_path, {
        "Cover": [["WRES data return"], ["Organisation", "QW4 Westmere Hospitals Trust"],
                  ["Reporting year", "2023/24"]],
        "Indicator 1": TABLE})
    result = read_table(path)
    report = result.report
    assert report.organisations == ("QW4",) and report.years == (2024,)
    assert set(result.table["org_name"]) == {"Westmere Hospitals Trust"}
    assert report.column_matches["org_code"] == (
        "default 'QW4' (from 'Organisation' in sheet 'Cover')"), report.column_matches
    assert "sheet 'Cover'" in report.column_matches["year"], report.column_matches["year"]
    counts = result.table.groupby(["band", "ethnicity"], observed=True)["headcount"].sum()
    assert {(str(b), e): int(n) for (b, e), n in counts.items()} == {
        ("5", "White"): 120, ("5", "BME"): 45, ("5", "Unknown"): 6,
        ("6", "White"): 80, ("6", "BME"): 20, ("6", "Unknown"): 3}
    assert report.excluded_by_reason() == {"total row": 1}


def test_a_title_block_with_a_code_and_a_name_on_separate_lines(tmp_path):
    path = _workbook(tmp_path, {"Data": [["Organisation code: RLW"],
                                         ["Trust name: Walsall Healthcare"],
                                         ["Year: 2023-24"], [], *TABLE]})
    report = read_table(path).report
    assert report.organisations == ("RLW",) and report.years == (2024,)
    assert report.column_matches["org_code"] == (
        "default 'RLW' (from 'Organisation code' in the title block and 'Trust name' in the "
        "title block)"), report.column_matches
