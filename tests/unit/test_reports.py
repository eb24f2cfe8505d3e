"""Tests for wres_core.reports: suppression, CSV export, display table and the JSON document."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest

from wres_core import schema
from wres_core.analysis import analyse_trust
from wres_core.exports.disclosure import suppress_small_counts
from wres_core.reports import (
    DISPLAY_HEADINGS,
    EXPORT_COLUMNS,
    analysis_to_json,
    stage_display_table,
    stage_table_csv,
)

ETHNICITY_OF = {"White": "White", "Black": "BME", "Unknown": "Unknown"}


def workforce(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["org_code", "year", "staff_group", "band",
                                        "ethnic_group", "headcount"])
    frame["ethnicity"] = frame["ethnic_group"].map(ETHNICITY_OF)
    frame["org_name"], frame["region"], frame["org_type"] = "Small trust", "Midlands", "Acute"
    return schema.conform(frame)


@pytest.fixture(scope="module")
def analysis():
    # Band 8a has no BME staff (infinite ratio); band 8b only Unknown staff (undefined).
    rows = [("T1", 2024, "Clinical", band, group, n) for band, group, n in (
        ("5", "White", 300), ("5", "Black", 120), ("5", "Unknown", 9), ("6", "White", 200),
        ("6", "Black", 40), ("7", "White", 90), ("7", "Black", 6), ("8a", "White", 12),
        ("8b", "Unknown", 2))]
    return analyse_trust(workforce(rows))


def test_suppression_hides_counts_from_one_to_seven_but_not_zero():
    frame = pd.DataFrame({"white_from": [0, 1, 7, 8, 250], "white_to": [3, 0, 9, 7, 1],
                          "bme_from": [8, 8, 8, 8, 8], "bme_to": [0, 0, 0, 0, 0],
                          "ratio": [1.0, 2.0, 3.0, 4.0, 5.0]})
    out = suppress_small_counts(frame)
    assert out["white_from"].tolist() == ["0", "*", "*", "8", "250"]
    assert out["white_to"].tolist() == ["*", "0", "9", "*", "*"]
    assert out["bme_to"].tolist() == ["0"] * 5, "zero identifies no one"
    assert out["ratio"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0], "only count columns change"
    assert frame["white_from"].tolist() == [0, 1, 7, 8, 250], "the input is not modified"


def test_stage_csv_has_a_bom_the_export_columns_and_suppressed_counts(analysis):
    raw = stage_table_csv(analysis.stage_table)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads it"
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns) == list(EXPORT_COLUMNS)
    step = table.set_index("stage_id").loc["band:6-7"]
    # Band 7's 6 Black staff are hidden; the middle tier's 46 (bands 6 + 7) would give them
    # back by subtraction from band 6's 40, so band 6's count is hidden as well.
    assert (step["white_from"], step["white_to"], step["bme_from"], step["bme_to"]) == (
        "200", "90", "*", "*"), step
    tiers = table.set_index("stage_id")
    assert tiers.loc["tier:lower-middle", "bme_to"] == "46"
    assert step["ratio"] == "*" and step["ci_low"] == "*" and step["p_adjusted"] == "*"
    assert table.set_index("stage_id").loc["band:7-8a", "bme_to"] == "0"
    unsuppressed = pd.read_csv(io.BytesIO(stage_table_csv(analysis.stage_table,
                                                          suppress=False)))
    assert unsuppressed.set_index("stage_id").loc["band:6-7", "bme_to"] == 6


def test_display_table_formats_numbers(analysis):
    display = stage_display_table(analysis.stage_table)
    assert list(display.columns) == list(DISPLAY_HEADINGS.values())
    row = display.set_index("Stage").loc["Band 7 to band 8a"]
    assert row["Ratio"] == "infinity" and row["Interval"].endswith("to infinity"), row
    assert row["Significant"] in ("yes", "no")


def test_json_document_shape_and_values(analysis):
    document = analysis_to_json(analysis, {"files": []})
    text = json.dumps(document, allow_nan=False)
    parsed = json.loads(text)
    for key in ("org", "year", "representation", "stages", "bottleneck", "data_quality"):
        assert key in parsed, key
    assert parsed["org"] == {"code": "T1", "name": "Small trust", "region": "Midlands",
                             "type": "Acute"}
    assert parsed["year"] == 2024 and isinstance(parsed["year"], int)
    band5 = parsed["representation"][0]
    assert band5["band"] == "5" and (band5["white"], band5["bme"], band5["unknown"]) == (
        300, 120, 9)
    assert math.isclose(band5["bme_share"], 120 / 420)
    stage_keys = {"id", "label", "kind", "white_from", "white_to", "bme_from", "bme_to",
                  "ratio", "ci_low", "ci_high", "ci_method", "p_value", "p_adjusted", "test",
                  "adverse", "significant", "sentence", "note"}
    for stage in parsed["stages"]:
        assert stage_keys <= set(stage), stage_keys - set(stage)
        assert isinstance(stage["adverse"], bool) and isinstance(stage["significant"], bool)
        assert isinstance(stage["white_from"], int), stage["white_from"]
    assert parsed["bottleneck"]["id"] == parsed["bottlenecks"][0]["id"]


def test_non_finite_values_become_null_with_a_note(analysis):
    parsed = json.loads(json.dumps(analysis_to_json(analysis), allow_nan=False))
    stages = {s["id"]: s for s in parsed["stages"]}
    infinite = stages["band:7-8a"]
    assert infinite["ratio"] is None and infinite["ci_high"] is None, infinite
    assert "ratio is infinite" in infinite["note"] and "ci_high is infinite" in infinite["note"]
    assert "No BME staff at the upper level" in infinite["note"], "the engine's own note kept"
    undefined = stages["band:8a-8b"]
    assert undefined["ratio"] is None and "ratio is not defined" in undefined["note"]
    assert undefined["p_value"] is None and "p_value is not defined" in undefined["note"]
    band8b = next(r for r in parsed["representation"] if r["band"] == "8b")
    assert band8b["bme_share"] is None and "bme_share is not defined" in band8b["note"]
    finite = stages["band:5-6"]
    assert finite["note"] == "" and isinstance(finite["ratio"], float)


def test_the_haldane_option_adds_a_display_column_beside_the_real_ratio():
    # Band 7 -> 8a: White 90 -> 12, BME 6 -> 0. +0.5 in every cell, by hand:
    # (12.5 / 90.5) / (0.5 / 6.5) = 1.80.
    from wres_core.options import AnalysisOptions

    rows = [("T1", 2024, "Clinical", band, group, n) for band, group, n in (
        ("5", "White", 300), ("5", "Black", 120), ("6", "White", 200), ("6", "Black", 40),
        ("7", "White", 90), ("7", "Black", 6), ("8a", "White", 12))]
    plain = stage_display_table(analyse_trust(workforce(rows)).stage_table)
    shown = stage_display_table(analyse_trust(workforce(rows),
                                              options=AnalysisOptions(haldane=True)).stage_table)
    heading = "+0.5-corrected ratio (display only)"
    assert heading not in plain.columns
    row = shown.set_index("Stage").loc["Band 7 to band 8a"]
    assert row["Ratio"] == "infinity", "the real ratio stays as it is"
    assert row[heading].startswith(f"{(12.5 / 90.5) / (0.5 / 6.5):.2f} ("), row[heading]
    assert (shown.drop(columns=heading) == plain).all().all()
