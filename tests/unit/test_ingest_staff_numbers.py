"""Staff numbers hashed for the duplicate check (``ingest.staff_numbers``).

Expected values are written out by hand: which positions hold a repeated number, and which
numbers are equal once white space is stripped.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from wres_core.ingest.staff_numbers import IdColumn, maybe_repeated, staff_number_column


@pytest.mark.parametrize("values, repeated", [
    ([5, 7, 5, 9], [0, 2]),
    ([1, 2, 3], []),
    ([4, 4, 4, 8, 8], [0, 1, 2, 3, 4]),
    ([], []),
], ids=["one pair", "all distinct", "a triple and a pair", "empty"])
def test_maybe_repeated_marks_exactly_the_repeated_values(values, repeated) -> None:
    out = maybe_repeated(np.array(values, dtype=np.uint64))
    assert np.flatnonzero(out).tolist() == repeated


def test_maybe_repeated_finds_the_pairs_among_a_million() -> None:
    values = np.arange(1_000_000, dtype=np.uint64) * np.uint64(2_654_435_761)
    values[[10, 500_000]] = values[999_999]  # rows 10, 500,000 and 999,999 are equal
    assert np.flatnonzero(maybe_repeated(values)).tolist() == [10, 500_000, 999_999]


def _column(numbers: list[str | None]) -> IdColumn:
    return staff_number_column(pa.chunked_array([pa.array(numbers, pa.string())]))


def test_a_number_hashes_alike_whatever_else_the_column_holds() -> None:
    # A title row parsed with the numbers must not change their hashes.
    alone = _column(["12345678-1", "87654321-2"])
    beside_long = _column(["A title row much longer than any staff number", "12345678-1",
                           "87654321-2"])
    assert alone.hash.tolist() == beside_long.hash[1:].tolist()


def test_white_space_is_stripped_and_blanks_are_not_numbers() -> None:
    ids = _column([" 12345678-1", "12345678-1 ", "", None, "12345678-2"])
    assert ids.valid.tolist() == [True, True, False, False, True]
    assert ids.hash[0] == ids.hash[1]
    assert ids.hash[0] != ids.hash[4]
    assert ids.repeated.tolist()[:2] == [True, True]
    assert ids.text(np.array([1, 4])) == ["12345678-1", "12345678-2"]
