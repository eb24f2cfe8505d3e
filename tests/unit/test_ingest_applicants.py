"""Recruitment files with one row per applicant (issue 12, item 5).

Expected counts are worked out by hand from the fixtures, row by row (the comments below give
the rows behind each figure), not produced by the reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wres_core.analysis import analyse_dataset
from wres_core.errors import IngestError
from wres_core.ingest import load_dataset, read_table
from wres_core.ingest.applicants import status_stages

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
STATUS = FIXTURES / "applicants_status.csv"
FLAGS = FIXTURES / "applicants_flags.csv"
ESR = Path(__file__).resolve().parents[2] / "sample_data" / "trust_esr_extract.csv"


def by_stage(table, column: str = "ethnicity") -> dict[tuple[str, str], int]:
    counts = table.groupby(["stage", column], observed=True)["headcount"].sum()
    return {(str(s), str(e)): int(n) for (s, e), n in counts.items() if n}


# applicants_status.csv, by hand. White: AP-1001..1012, 1028 (On hold: left out), 1030.
#   applied 13; shortlisted = Shortlisted 1004, Interviewed 1005 1006, Offered 1007,
#   Appointed 1008 1009, Offer declined 1012 = 7; appointed = 1007 1008 1009 1012 = 4.
# BME: AP-1013..1024 (1023 On hold: left out), 1029. applied 12; shortlisted = 1017 1018 1019
#   1020 1029 = 5; appointed = 1020 = 1.
# Not stated: AP-1025..1027: applied 3, shortlisted 1026 1027 = 2, appointed 1027 = 1.
STATUS_COUNTS = {
    ("applied", "White"): 13, ("shortlisted", "White"): 7, ("appointed", "White"): 4,
    ("applied", "BME"): 12, ("shortlisted", "BME"): 5, ("appointed", "BME"): 1,
    ("applied", "Unknown"): 3, ("shortlisted", "Unknown"): 2, ("appointed", "Unknown"): 1,
}


def test_a_status_file_is_counted_into_the_three_stages():
    result = read_table(STATUS)
    report = result.report
    assert (result.kind, result.layout, report.form) == ("recruitment", "recruitment",
                                                         "applicant status")
    assert by_stage(result.table) == STATUS_COUNTS
    # Detailed groups: Asian = Indian 1013 1017 1021, Pakistani 1015 1024, Bangladeshi 1019;
    # Black = 1014 1016 1020 1029 (1023 left out); Mixed = 1022; Other (Chinese) = 1018.
    detail = by_stage(result.table, "ethnic_group")
    assert {k: v for k, v in detail.items() if k[1] in ("Asian", "Black", "Mixed", "Other")} == {
        ("applied", "Asian"): 6, ("shortlisted", "Asian"): 2,
        ("applied", "Black"): 4, ("shortlisted", "Black"): 2, ("appointed", "Black"): 1,
        ("applied", "Mixed"): 1, ("applied", "Other"): 1, ("shortlisted", "Other"): 1}
    assert set(result.table["band"].astype(str)) == {"All"}


def test_withdrawn_blank_and_unknown_outcomes_are_reported():
    report = read_table(STATUS).report
    assert (report.rows_read, report.rows_used, report.rows_excluded) == (30, 28, 2)
    assert [(e.reason, e.column, e.count, e.rows) for e in report.exclusions] == [
        ("unrecognised stage", "Application status", 2, (24, 29))]   # AP-1023, AP-1028
    assert report.unrecognised == {"Application status": {"On hold": 2}}
    assert "3 applicants withdrew ('Withdrawn'): counted as applied only." in report.notes
    assert ("2 applicants with a blank 'Application status': counted as applied only (no "
            "outcome recorded yet).") in report.notes
    outcomes = {o.value: (o.stage, o.applicants, o.how) for o in report.outcomes}
    assert outcomes["Withdrawn"] == ("applied", 3, "the status table")
    assert outcomes["(blank)"] == ("applied", 2, "blank: counted as applied")
    assert outcomes["On hold"] == ("not recognised", 2, "not recognised")
    assert outcomes["Offer declined"] == ("appointed", 1, "the status table")
    assert sum(o.applicants for o in report.outcomes) == 30
    assert any(line.startswith("Applicant outcomes: 'Not shortlisted' -> applied (6); ")
               for line in report.summary_lines())


def test_correcting_the_mapping_changes_the_counts_as_worked_by_hand():
    # "On hold" -> applied brings back AP-1023 (BME) and AP-1028 (White) as applied only;
    # "Offer declined" -> shortlisted takes AP-1012 (White) out of appointed.
    result = read_table(STATUS, status_map={"Offer declined": "shortlisted",
                                            "on hold": "applied"})
    assert by_stage(result.table) == {
        **STATUS_COUNTS, ("applied", "White"): 14, ("appointed", "White"): 3,
        ("applied", "BME"): 13}
    assert result.report.rows_excluded == 0
    outcomes = {o.value: (o.stage, o.how) for o in result.report.outcomes}
    assert outcomes["Offer declined"] == ("shortlisted", "your mapping")


def test_an_outcome_mapped_to_left_out_is_not_counted_and_the_rows_say_why():
    # Withdrawn: AP-1010 (White), AP-1021 and AP-1022 (BME).
    result = read_table(STATUS, status_map={"Withdrawn": "left out", "On hold": "applied"})
    counts = by_stage(result.table)
    assert (counts[("applied", "White")], counts[("applied", "BME")]) == (13, 11)
    assert [(e.reason, e.count) for e in result.report.exclusions] == [
        ("outcome not counted", 3)]


def test_a_mapping_to_something_that_is_not_a_stage_is_refused():
    with pytest.raises(IngestError, match="status_map maps 'Withdrawn' to 'gone', which is not "
                                          "a recruitment stage"):
        read_table(STATUS, status_map={"Withdrawn": "gone"})


def test_the_status_table_nests_every_value_into_a_known_stage():
    assert set(status_stages().values()) <= {"applied", "shortlisted", "appointed"}
    assert status_stages()["shortlistingrejected"] == "applied"       # Trac's wording
    assert status_stages()["interviewreserve"] == "shortlisted"


# applicants_flags.csv, by hand. White A0001..A0010 (A0024 'Maybe': left out): shortlisted
#   Y = 0001 0002 0004 0006 0008 = 5 (0010 blank = No); appointed 0001 0006 = 2.
# BME A0011..A0020: shortlisted 0011 0013 0016, plus 0019 (appointed, not shortlisted) = 4;
#   appointed 0013 0019 = 2. Unknown A0021..A0023: shortlisted 0021 = 1, appointed 0.
def test_a_flags_file_is_counted_with_its_organisation_and_year():
    result = read_table(FLAGS)
    report = result.report
    assert report.form == "applicant flags"
    assert by_stage(result.table) == {
        ("applied", "White"): 10, ("shortlisted", "White"): 5, ("appointed", "White"): 2,
        ("applied", "BME"): 10, ("shortlisted", "BME"): 4, ("appointed", "BME"): 2,
        ("applied", "Unknown"): 3, ("shortlisted", "Unknown"): 1}
    assert report.organisations == ("RXX",) and report.years == (2024,)
    assert [(e.reason, e.column, e.rows, e.examples) for e in report.exclusions] == [
        ("unrecognised stage", "Shortlisted Y/N", (25,), ("Maybe",))]
    assert "1 blank cell in 'Shortlisted Y/N' read as No." in report.notes
    assert ("Values in 'Shortlisted Y/N' that are neither yes nor no: 'Maybe' (1); those "
            "applicants are left out. Correct them in the file (Y or N).") in report.notes
    assert ("1 applicant marked appointed but not shortlisted: counted as shortlisted too (an "
            "appointed applicant was shortlisted).") in report.notes


@pytest.mark.parametrize(("yes", "no"), [("Yes", "No"), ("TRUE", "FALSE"), ("1", "0"),
                                         ("y", "n")])
def test_flag_spellings(yes: str, no: str):
    text = (f"Ethnicity,Shortlisted,Appointed\nWhite,{yes},{yes}\nWhite,{yes},{no}\n"
            f"White,{no},{no}\nBME,{yes},{no}\nBME,{no},{no}\n")
    result = read_table(text.encode(), name="flags.csv")
    assert result.report.form == "applicant flags"
    assert by_stage(result.table) == {
        ("applied", "White"): 3, ("shortlisted", "White"): 2, ("appointed", "White"): 1,
        ("applied", "BME"): 2, ("shortlisted", "BME"): 1}


def test_counts_of_one_and_zero_in_a_count_file_stay_counts():
    # One row per ethnicity: a stage-wide count file that happens to hold 1s and 0s.
    result = read_table(b"Ethnicity,Applied,Shortlisted,Appointed\nWhite,3,1,0\nBME,2,1,1\n",
                        name="counts.csv")
    assert result.report.form == "stage-wide"
    assert by_stage(result.table) == {("applied", "White"): 3, ("shortlisted", "White"): 1,
                                      ("applied", "BME"): 2, ("shortlisted", "BME"): 1,
                                      ("appointed", "BME"): 1}


def test_a_staff_extract_with_a_status_column_stays_a_workforce_file():
    result = read_table(b"Pay band,Ethnic origin,Status\nBand 5,A,Active\nBand 6,N,Active\n"
                        b"Band 6,A,Active\n", name="esr.csv")
    assert (result.kind, result.layout) == ("workforce", "staff")
    assert int(result.table["headcount"].sum()) == 3


def test_an_applicant_file_without_organisation_attaches_to_the_trust_beside_it():
    data = load_dataset([ESR, STATUS])
    assert set(data.recruitment["org_code"]) == {"SYN041"}
    assert set(data.recruitment["year"]) == {2024}
    stage = analyse_dataset(data.workforce, data.recruitment).trust("SYN041", 2024).stage(
        "recruitment:shortlisted-appointed")
    # White 4 of 7 shortlisted appointed, BME 1 of 5 (hand counts above).
    assert stage.ratio == pytest.approx((4 / 7) / (1 / 5), rel=1e-12)


def test_an_outcome_column_is_found_by_its_values_whatever_its_header():
    text = (b"Candidate,Ethnicity,Progress\n1,White,Interviewed\n2,White,Not shortlisted\n"
            b"3,BME,Offered\n4,BME,Withdrawn\n")
    result = read_table(text, name="progress.csv")
    assert result.report.column_matches["status"] == ("values of 'Progress' are applicant "
                                                      "outcomes")
    # White: 2 applied, 1 shortlisted (Interviewed); BME: 2 applied, 1 shortlisted and
    # appointed (Offered).
    assert by_stage(result.table) == {("applied", "White"): 2, ("shortlisted", "White"): 1,
                                      ("applied", "BME"): 2, ("shortlisted", "BME"): 1,
                                      ("appointed", "BME"): 1}
