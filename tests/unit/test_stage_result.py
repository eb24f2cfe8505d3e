"""Tests for wres_core.stage_result: the one definition of a stage's fields and what derives
from it (column tuples, headings, export and JSON columns)."""

from __future__ import annotations

from dataclasses import fields

import pandas as pd

from wres_core import schema
from wres_core.ratios import stage_ratios
from wres_core.reports import DISPLAY_HEADINGS, STAGE_JSON_NUMBERS, STAGE_JSON_TEXT
from wres_core.stage_result import (
    EXPORT_COLUMNS,
    STAGE_COUNT_COLUMNS,
    STAGE_RESULT_COLUMNS,
    STATISTIC_COLUMNS,
    StageResult,
)
from wres_core.stages import stage_counts


def small_workforce() -> pd.DataFrame:
    rows = [("T1", 2024, "Clinical", band, ethnicity, ethnicity, n)
            for band, ethnicity, n in (("5", "White", 300), ("5", "BME", 120),
                                       ("6", "White", 200), ("6", "BME", 40))]
    frame = pd.DataFrame(rows, columns=["org_code", "year", "staff_group", "band", "ethnicity",
                                        "ethnic_group", "headcount"])
    frame["ethnic_group"] = frame["ethnic_group"].replace({"BME": "Black"})
    frame["org_name"], frame["region"], frame["org_type"] = "Trust", "London", "Acute"
    return schema.conform(frame)


def test_every_column_list_is_made_of_stage_result_fields_in_their_order():
    names = [f.name for f in fields(StageResult)]
    assert list(STAGE_RESULT_COLUMNS) == names
    assert STAGE_COUNT_COLUMNS + STATISTIC_COLUMNS == STAGE_RESULT_COLUMNS
    assert set(EXPORT_COLUMNS) <= set(names)
    assert [c for c in names if c in EXPORT_COLUMNS] == list(EXPORT_COLUMNS)
    assert set(DISPLAY_HEADINGS) - {"interval"} <= set(names)
    assert set(STAGE_JSON_NUMBERS) | set(STAGE_JSON_TEXT) == (set(EXPORT_COLUMNS) | {"id"}) - {
        "org_code", "year", "stage_id", "note"}


def test_the_pipeline_makes_exactly_the_fields_and_a_row_reads_back_by_name():
    counts = stage_counts(small_workforce())
    assert list(counts.columns) == list(STAGE_COUNT_COLUMNS)
    table = stage_ratios(counts)
    assert list(table.columns) == list(STAGE_RESULT_COLUMNS)
    stage = StageResult.from_row(table.iloc[0].to_dict())
    # (200 / 300) / (40 / 120) = 2, by hand.
    assert stage.stage_id == "band:5-6" and abs(stage.ratio - 2.0) < 1e-12
    assert isinstance(stage.white_from, int) and isinstance(stage.significant, bool)
    assert stage.confidence_interval() == (stage.ci_low, stage.ci_high)
