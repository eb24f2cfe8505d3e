"""A frame's rows as dicts of plain Python values, built a column at a time.

``DataFrame.to_dict("records")`` converts cell by cell: with ``--all`` on the national sample
the CLI spent seconds in it (hundreds of small frames, thirty-odd columns each).
:func:`frame_records` gives the same dicts from whole columns (``Series.tolist``), so results
can be read row by row without pandas row access.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def _column_values(column: pd.Series) -> list:
    values = column.tolist()
    # to_dict writes a missing value of a nullable column (pd.NA) as None: do the same.
    if getattr(column.dtype, "na_value", None) is pd.NA:
        values = [None if value is pd.NA else value for value in values]
    return values


def column_values(frame: pd.DataFrame, columns: Sequence[str] | None = None
                  ) -> dict[str, list]:
    """Every column of ``frame`` (or those named) as a list of native Python values (the
    values of :func:`frame_records`), for reading a few rows by position."""
    if columns is None:
        return {name: _column_values(column) for name, column in frame.items()}
    return {name: _column_values(frame[name]) for name in columns}


def frame_records(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict]:
    """``frame.to_dict("records")``: one dict per row, column name to native Python value;
    with ``columns``, only those (each column converted costs time: name only those used)."""
    if not frame.columns.is_unique:
        raise ValueError("frame_records needs unique column names.")
    values = column_values(frame, columns)
    names = list(values)
    return [dict(zip(names, row, strict=True)) for row in zip(*values.values(), strict=True)]


__all__ = ["column_values", "frame_records"]
