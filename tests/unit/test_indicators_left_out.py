"""Rows a disciplinary or training file leaves out (a blank headcount, say) are counted with
their reason and listed as ingest lists a workforce file's: reason, column, how many, which
rows, a few values. Files written by hand; every count below is added up by hand."""

from __future__ import annotations

from wres_core.indicators import read_indicator_file
from wres_core.ingest.report import EXCLUSION_REASONS
from wres_core.ingest.report import Exclusion as IngestExclusion

DISCIPLINARY = ("Organisation code,Year,Ethnicity,Headcount,Disciplinary\n"
                "RA1,2024,White,,3\n"             # row 2: blank headcount
                "RA1,2024,White British,100,2\n"
                "RA1,2024,BME,50,2\n"
                "RA1,2024,Asian, ,1\n"            # row 5: blank (a space) headcount
                "RA1,2024,Black,n/a,1\n")         # row 6: not a number


def read(text: str, name: str = "disciplinary.csv"):
    return read_indicator_file(text.encode("utf-8"), name=name)


def test_blank_headcounts_are_counted_as_left_out_with_their_rows():
    file = read(DISCIPLINARY)
    assert (file.rows_read, file.rows_used, file.rows_excluded) == (5, 2, 3)
    assert file.exclusions() == (
        IngestExclusion(reason="blank required field", column="Headcount", count=2,
                        rows=(2, 5), examples=("(blank)",)),
        IngestExclusion(reason="non-numeric count", column="Headcount", count=1, rows=(6,),
                        examples=("n/a",)))
    # Only rows 3 and 4 are counted: White 2 of 100, BME 2 of 50.
    row = file.events.iloc[0]
    assert (row["white_events"], row["white_headcount"]) == (2, 100)
    assert (row["bme_events"], row["bme_headcount"]) == (2, 50)


def test_the_reasons_are_ingests_own_words():
    file = read(DISCIPLINARY)
    assert {e.reason for e in file.exclusions()} <= set(EXCLUSION_REASONS)


def test_summary_lines_read_like_a_workforce_files():
    lines = read(DISCIPLINARY).summary_lines()
    assert lines == [
        "disciplinary.csv: read 5 rows as disciplinary data.",
        "Used 2 rows; left out 3:",
        "  - 2 rows excluded: blank required field in column 'Headcount'; e.g. '(blank)'. "
        "Rows 2, 5.",
        "  - 1 row excluded: non-numeric count in column 'Headcount'; e.g. 'n/a'. Row 6."]


def test_a_training_file_with_a_blank_headcount_says_so_too():
    file = read("Ethnicity,Headcount,Accessed non-mandatory training\n"
                "White,200,80\nBME,,30\nBME,100,40\n", name="training.csv")
    assert file.rows_excluded == 1
    [left_out] = file.exclusions()
    assert (left_out.reason, left_out.column, left_out.rows) == (
        "blank required field", "Headcount", (3,))
    assert file.summary_lines()[:2] == ["training.csv: read 3 rows as training data.",
                                        "Used 2 rows; left out 1:"]


def test_a_clean_file_says_every_row_was_used():
    file = read("Ethnicity,Headcount,Disciplinary\nWhite,100,3\nBME,50,2\n")
    assert file.exclusions() == ()
    assert file.summary_lines() == ["disciplinary.csv: read 2 rows as disciplinary data.",
                                    "Used all 2 rows."]
