"""A trust and year given twice in a scorecard table: never the first row silently.

An exact copy is counted once with a note; rows that differ only in a column the reader does
not read (a staff group) are parts, added together; any other repeat is an error naming the
file and the rows. Every file here is written by hand; the expected counts are added up by
hand from its rows.
"""

from __future__ import annotations

import pytest

from wres_core.errors import IngestError
from wres_core.indicators import read_indicator_file

EVENTS_HEADER = "Organisation code,Year,Ethnicity,Headcount,Disciplinary\n"
WIDE_SURVEY_HEADER = "Trust,Year,Indicator,BME %,White %,BME respondents,White respondents\n"


def read(text: str, name: str = "returns.csv"):
    return read_indicator_file(text.encode("utf-8"), name=name)


def test_an_exact_copy_of_a_row_is_counted_once_with_a_note():
    file = read(EVENTS_HEADER + "RA1,2024,White,100,3\nRA1,2024,BME,50,2\n"
                                "RA1,2024,White,100,3\n")
    row = file.events.iloc[0]
    assert (row["white_events"], row["white_headcount"]) == (3, 100)   # not 6 of 200
    assert (row["bme_events"], row["bme_headcount"]) == (2, 50)
    assert [(e.row, e.reason) for e in file.excluded] == [(4, "duplicate key")]
    assert "returns.csv: row 4 repeats an earlier row exactly: counted once." in file.notes


def test_two_different_rows_for_one_trust_year_and_group_are_an_error():
    with pytest.raises(IngestError) as caught:
        read(EVENTS_HEADER + "RA1,2024,White,100,3\nRA1,2024,BME,50,2\nRA1,2024,White,120,4\n")
    error = caught.value
    assert error.source == "returns.csv"
    assert error.problem.startswith("Rows 2 and 4 give the same organisation, year and ethnic "
                                    "group (RA1, 2024, White) with different values in "
                                    "'Headcount', 'Disciplinary'")
    assert error.action.startswith("Keep one row per organisation, year and ethnic group")


def test_rows_that_differ_in_a_column_not_read_are_parts_added_together():
    file = read("Organisation code,Year,Staff group,Ethnicity,Headcount,Disciplinary\n"
                "RA1,2024,Clinical,White,100,3\nRA1,2024,Non-clinical,White,60,1\n"
                "RA1,2024,Clinical,BME,50,2\n")
    row = file.events.iloc[0]
    assert (row["white_events"], row["white_headcount"]) == (4, 160)
    assert file.excluded == ()
    assert any("rows 2 and 3 repeat the organisation, year and ethnic group but differ in "
               "'Staff group' (not read): their counts were added together." in note
               for note in file.notes), file.notes


def test_detailed_groups_are_still_added_into_bme():
    """Asian and Black are different groups, not a repeat."""
    file = read(EVENTS_HEADER + "RA1,2024,White,100,3\nRA1,2024,Asian,30,1\n"
                                "RA1,2024,Black,20,2\n")
    row = file.events.iloc[0]
    assert (row["bme_events"], row["bme_headcount"]) == (3, 50)
    assert file.excluded == ()


def test_the_same_rows_in_another_year_or_trust_are_no_repeat():
    file = read(EVENTS_HEADER + "RA1,2024,White,100,3\nRA1,2023,White,100,3\n"
                                "RB2,2024,White,100,3\n")
    assert len(file.events) == 3 and file.excluded == ()


def test_a_wide_survey_table_with_one_indicator_twice_is_an_error():
    with pytest.raises(IngestError) as caught:
        read(WIDE_SURVEY_HEADER + "RA1,2024,7,49,59,800,2400\n"
                                  "RA1,2024,Indicator 7,45,59,800,2400\n", name="survey.csv")
    assert caught.value.source == "survey.csv"
    assert caught.value.problem.startswith("Rows 2 and 3 give the same organisation, year and "
                                           "indicator (RA1, 2024, 7)")


def test_a_wide_survey_row_given_twice_is_counted_once():
    file = read(WIDE_SURVEY_HEADER + "RA1,2024,7,49,59,800,2400\nRA1,2024,7,49,59,800,2400\n")
    assert len(file.survey) == 1
    assert [e.row for e in file.excluded] == [3]


def test_a_long_survey_with_detailed_groups_is_an_error_not_the_first_group():
    """Asian and Black are both BME: the old reader took Asian's 25% as the BME figure."""
    with pytest.raises(IngestError) as caught:
        read("Trust,Year,Indicator,Ethnicity,Percent,Respondents\n"
             "RA1,2024,5,White,20,300\nRA1,2024,5,Asian,25,100\nRA1,2024,5,Black,30,80\n")
    error = caught.value
    assert error.problem.startswith("Rows 3 and 4 give the same organisation, year, indicator "
                                    "and group (White or BME)")
    assert "the survey publishes the BME figure itself" in error.action
