"""frame_records: the rows pandas' own DataFrame.to_dict("records") gives, from whole columns."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from wres_core.records import column_values, frame_records


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b and type(a) is type(b)


@pytest.fixture
def mixed() -> pd.DataFrame:
    # One column of each dtype the result tables hold, each with a missing value where the
    # dtype allows one.
    return pd.DataFrame({
        "code": pd.array(["R1", None, "R3"], dtype="string"),   # nullable: NA
        "label": pd.Series(["a", None, "c"], dtype="str"),      # NaN-backed strings
        "year": np.array([2022, 2023, 2024], dtype=np.int64),
        "ratio": [1.5, np.nan, np.inf],
        "adverse": [True, False, True],
        "band": pd.Categorical(["5", "6", "5"]),
        "count": pd.array([1, None, 3], dtype="Int64"),
        "text": ["x", None, "z"],                                # object
    })


def test_frame_records_are_pandas_to_dict_records(mixed):
    expected = mixed.to_dict("records")
    got = frame_records(mixed)
    assert len(got) == len(expected)
    for row, want in zip(got, expected, strict=True):
        assert list(row) == list(want)
        for key in want:
            assert same(row[key], want[key]), (key, row[key], want[key])


def test_column_values_are_the_records_columns(mixed):
    columns = column_values(mixed)
    records = mixed.to_dict("records")
    for name, values in columns.items():
        assert all(same(v, r[name]) for v, r in zip(values, records, strict=True)), name


def test_empty_frame_and_repeated_column_names():
    assert frame_records(pd.DataFrame({"a": []})) == []
    with pytest.raises(ValueError, match="unique column names"):
        frame_records(pd.DataFrame([[1, 2]], columns=["a", "a"]))
