"""Which row is the header (``source.find_header``), on hand-made tables.

A data row with recognised labels (an ethnic group, a recruitment stage) used to outscore a
header whose names the reader does not know; a row with numbers under an earlier row that has
text in those columns is data, never the header.
"""

from __future__ import annotations

from wres_core.ingest import peek_table
from wres_core.ingest.source import find_header

UNKNOWN_NAMES = [["Site", "Heritage", "Step", "Qty"],
                 ["RXX", "White", "Applied", "5"],
                 ["RXX", "Black", "Applied", "2"]]


def test_a_data_row_with_known_labels_is_not_taken_for_a_header_of_unknown_names() -> None:
    # Before: row 1 scored 2 x 2 recognised - 1 number = 3 against the header's 0.
    assert find_header(UNKNOWN_NAMES) == 0


def test_the_file_shows_the_header_of_unknown_names_for_mapping_by_hand() -> None:
    data = "\n".join(",".join(row) for row in UNKNOWN_NAMES).encode()
    assert peek_table(data, name="x.csv").headers == ("Site", "Heritage", "Step", "Qty")


def test_a_title_row_above_the_header_is_still_a_title() -> None:
    rows = [["Recruitment 2024"], ["Site", "Heritage", "Step", "Qty"],
            ["RXX", "White", "Applied", "5"]]
    assert find_header(rows) == 1


def test_a_header_with_years_for_names_is_still_the_header() -> None:
    # Numbers in the header itself, and no row above naming those columns.
    rows = [["Organisation", "2023", "2024"], ["RXX", "120", "130"], ["RYY", "80", "85"]]
    assert find_header(rows) == 0


def test_a_header_of_known_names_below_a_row_of_numbers_is_found() -> None:
    # The rule looks only upwards: numbers above do not hide the header below them.
    rows = [["1", "2", "3"], ["Organisation", "Band", "Ethnicity"], ["RXX", "5", "White"]]
    assert find_header(rows) == 1
