"""Reading the scorecard's files: headers as written in real returns, staff-level yes/no
columns, wide survey tables, and clear messages for what cannot be read."""

from __future__ import annotations

import pytest

from wres_core.errors import IngestError
from wres_core.indicators import read_indicator_file
from wres_core.indicators.readers import detect_kinds, survey_indicator_of


def read(text: str, name: str = "file.csv"):
    return read_indicator_file(text.encode("utf-8"), name=name)


def test_count_table_with_return_headers_and_detailed_groups():
    file = read("Organisation code,Financial year,Ethnic group,Staff in post,"
                "Entered formal disciplinary process\n"
                "SYN001,2023/24,White,1000,7\nSYN001,2023/24,Asian,600,8\n"
                "SYN001,2023/24,Black,400,4\nSYN001,2023/24,Not stated,50,1\n")
    assert file.kinds == ("disciplinary",)
    row = file.events.iloc[0]
    assert row["year"] == 2024 and row["indicator"] == "indicator:3"
    # Asian and Black are BME: 12 of 1,000; Not stated is counted apart.
    assert (row["bme_events"], row["bme_headcount"]) == (12, 1000)
    assert (row["white_events"], row["white_headcount"]) == (7, 1000)
    assert (row["unknown_events"], row["unknown_headcount"]) == (1, 50)


def test_staff_level_yes_no_column_counts_people():
    lines = ["Assignment Number,Ethnic Origin,Accessed non-mandatory training"]
    lines += [f"{i},A White - British,{'Yes' if i < 3 else 'No'}" for i in range(10)]
    lines += [f"{i},LK Asian Sri Lankan,{'Yes' if i < 11 else 'No'}" for i in range(10, 15)]
    file = read("\n".join(lines) + "\n")
    row = file.events.iloc[0]
    assert row["indicator"] == "indicator:4"
    assert (row["white_events"], row["white_headcount"]) == (3, 10)
    assert (row["bme_events"], row["bme_headcount"]) == (1, 5)


def test_count_table_without_headcount_leaves_it_missing():
    file = read("Ethnicity,CPD\nWhite,500\nBME,200\n")
    assert file.events["white_headcount"].isna().all()
    assert file.events.iloc[0]["bme_events"] == 200


def test_bad_rows_are_reported_with_row_column_and_reason():
    file = read("Ethnicity,Headcount,Disciplinary\nWhite,100,3\nBME,50,*\nMartian,10,1\n"
                "BME,5,9\n")
    reasons = {(e.row, e.column): e.reason for e in file.excluded}
    assert reasons[(3, "Disciplinary")] == "non-numeric count"
    assert reasons[(4, "Ethnicity")] == "unrecognised ethnicity"
    assert reasons[(5, "Disciplinary")] == "more events than staff"


def test_wide_survey_table():
    file = read("Trust,Year,Indicator,BME %,White %,BME respondents,White respondents\n"
                "SYN001 Test Trust (synthetic),2024,Indicator 7,49,59,800,2400\n")
    row = file.survey.iloc[0]
    assert (row["org_code"], row["indicator"]) == ("SYN001", "indicator:7")
    assert (row["bme_percent"], row["white_respondents"]) == (49, 2400)


@pytest.mark.parametrize("label, expected", [
    ("5", "indicator:5"), ("WRES indicator 8", "indicator:8"),
    ("Believe the trust provides equal opportunities", "indicator:7"),
    ("Harassment from patients or the public", "indicator:5"), ("KF99 pay", None)])
def test_survey_indicator_labels(label, expected):
    assert survey_indicator_of(label) == expected


def test_board_file_with_one_row_per_member():
    file = read("Ethnicity,Board role,Voting member\nWhite,Executive Director,Yes\n"
                "BME,Non-executive director,Yes\nBME,Executive,No\nWhite,Chair,Yes\n")
    board = file.board.set_index(["ethnicity", "role", "voting"])["count"]
    assert board[("White", "Non-executive", True)] == 1
    assert board[("BME", "Executive", False)] == 1


def test_pay_from_annual_salary_and_contracted_hours():
    file = read("Pay Band,Ethnic Origin,Annual Salary,Contracted Hours\n"
                "Band 5,A White - British,29970,37.5\nBand 5,H Indian,14985,18.75\n")
    pay = file.pay["hourly_pay"].tolist()
    assert pay[0] == pytest.approx(29970 / (37.5 * 365 / 7))
    assert pay[1] == pytest.approx(pay[0])


def test_detects_kinds_from_headers_only():
    assert detect_kinds(["Ethnicity", "Headcount"]) == ()
    assert detect_kinds(["Pay band", "Ethnic origin", "Basic Hourly Rate"]) == ("pay",)


def test_a_file_with_no_scorecard_columns_says_what_to_do():
    with pytest.raises(IngestError, match="No scorecard table was recognised") as error:
        read("Band,Ethnicity,Headcount\n5,White,10\n", name="workforce.csv")
    assert error.value.source == "workforce.csv"
    assert "Rename the columns" in error.value.action


def test_survey_without_respondents_is_refused_with_a_reason():
    with pytest.raises(IngestError, match="respondents"):
        read("Indicator,Ethnicity,Percent\n7,BME,49\n7,White,59\n")


def test_only_ingest_errors_escape(monkeypatch):
    import wres_core.indicators.readers as readers

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(readers, "_text_frame", broken)
    with pytest.raises(IngestError, match=r"unexpected error.*boom"):
        read("Ethnicity,Headcount,Disciplinary\nWhite,10,1\n")


def test_not_a_table_is_refused_by_ingest_rules():
    with pytest.raises(IngestError, match="PDF"):
        read_indicator_file(b"%PDF-1.4 binary", name="report.pdf")
