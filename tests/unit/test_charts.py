"""Tests for wres_core.charts: every ratio axis has a "1" tick, the bottleneck is marked, axis
titles are in plain words, legends sit below narrow charts, and the two halves of the funnel
line up.

The trust is a small hand-made ladder: band 5 -> 6 has ratio (1000/2000) / (250/1000) = 2.0,
band 6 -> 7 (1000/1000) / (62/250) = 4.03, band 7 -> 8a (60/1000) / (6/62) = 0.62.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from wres_core import schema
from wres_core.analysis import analyse_dataset
from wres_core.charts import (
    PRECISION_AXIS_TITLE,
    funnel_chart,
    funnel_headcount_chart,
    funnel_share_chart,
    ladder_waterfall_chart,
    ratio_ticks,
    stage_chart,
)

LADDER = {"5": (2000, 1000), "6": (1000, 250), "7": (1000, 62), "8a": (60, 6)}


@pytest.fixture(scope="module")
def analysis():
    rows = []
    for band, (white, bme) in LADDER.items():
        rows.append(("T1", 2024, "Clinical", band, "White", "White", white))
        rows.append(("T1", 2024, "Clinical", band, "BME", "Black", bme))
    frame = pd.DataFrame(rows, columns=["org_code", "year", "staff_group", "band",
                                        "ethnicity", "ethnic_group", "headcount"])
    frame["org_name"], frame["region"], frame["org_type"] = "Trust", "London", "Acute"
    return analyse_dataset(schema.conform(frame)).trust("T1", 2024)


def spec(chart) -> dict:
    return chart.to_dict()


def layers(chart_spec: dict) -> list[dict]:
    return chart_spec.get("layer", [chart_spec])


def rows_of(chart_spec: dict, layer: dict) -> list[dict]:
    return chart_spec["datasets"][layer["data"]["name"]]


def ratio_axes(chart_spec: dict) -> list[dict]:
    axes = []
    for layer in layers(chart_spec):
        for channel in ("x", "y"):
            encoding = layer.get("encoding", {}).get(channel, {})
            if encoding.get("scale", {}).get("type") == "log" and "axis" in encoding:
                axes.append(encoding["axis"])
    return axes


@pytest.mark.parametrize(("domain", "expected"), [
    ((0.43, 2.3), [0.5, 0.8, 1.0, 1.25, 2.0]),
    ((0.9, 1.1), [1.0]),                          # a narrow axis still shows parity
    ((1.2, 12.0), [1.0, 1.25, 2.0, 5.0, 10.0]),
    ((0.05, 0.9), [0.05, 0.1, 0.2, 0.5, 0.8, 1.0]),
])
def test_ratio_ticks_always_include_parity(domain, expected):
    assert ratio_ticks(domain) == expected


def test_stage_chart_has_a_1_tick_and_rings_the_bottleneck(analysis):
    bottleneck = analysis.bottleneck
    assert bottleneck.stage_id == "band:6-7"   # 4.03 with 1000 and 250 staff below it
    chart_spec = spec(stage_chart(analysis.stage_table,
                                  bottleneck=(bottleneck.stage_id, bottleneck.comparison)))
    axes = ratio_axes(chart_spec)
    assert axes and all(1.0 in axis["values"] for axis in axes)
    assert all("Precision" not in json.dumps(axis) for axis in axes)
    ring = [layer for layer in layers(chart_spec)
            if layer["mark"].get("filled") is False and layer["mark"].get("color") == "black"]
    assert len(ring) == 1
    assert [r["display_label"] for r in rows_of(chart_spec, ring[0])] == [
        "Band 6 to band 7 (bottleneck)"]


def test_stage_chart_without_a_bottleneck_marks_nothing(analysis):
    chart_spec = spec(stage_chart(analysis.stage_table))
    labels = [r["display_label"] for layer in layers(chart_spec)
              for r in rows_of(chart_spec, layer) if "display_label" in r]
    assert labels and not any("bottleneck" in label for label in labels)


def test_a_one_stage_chart_keeps_its_legend_below_the_plot(analysis):
    chart_spec = spec(stage_chart(analysis.stage_table.iloc[:1]))
    # Beside a one-row plot a legend taller than the plot is cut; below it, never.
    assert chart_spec["config"]["legend"]["orient"] == "bottom"


def test_waterfall_outlines_the_bottleneck_and_has_a_1_tick(analysis):
    chart_spec = spec(ladder_waterfall_chart(analysis.contributions, bottleneck="band:6-7"))
    axes = ratio_axes(chart_spec)
    assert axes and all(1.0 in axis["values"] for axis in axes)
    bars = next(layer for layer in layers(chart_spec) if layer["mark"]["type"] == "bar")
    marked = [r["display_label"] for r in rows_of(chart_spec, bars) if r["is_bottleneck"]]
    assert marked == ["Band 6 to band 7 (bottleneck)"]
    assert "stroke" in bars["encoding"]
    assert "(the bottleneck)" in chart_spec["description"]


def test_funnel_halves_share_one_band_scale(analysis):
    share = float(analysis.overall.iloc[0]["bme_share"])
    heads = spec(funnel_headcount_chart(analysis.representation))
    shares = spec(funnel_share_chart(analysis.representation, share))
    head_scale = heads["encoding"]["y"]["scale"]
    share_scales = [layer["encoding"]["y"]["scale"] for layer in layers(shares)
                    if "y" in layer.get("encoding", {})]
    assert share_scales and all(scale == head_scale for scale in share_scales)
    assert head_scale["type"] == "band"
    # The combined chart (for exports) still has both halves.
    assert len(spec(funnel_chart(analysis.representation, share))["hconcat"]) == 2


def test_the_precision_axis_is_titled_in_plain_words():
    assert PRECISION_AXIS_TITLE == "How sure: narrower intervals to the right"
