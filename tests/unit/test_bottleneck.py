"""Tests for wres_core.bottleneck: each band step's share of the ladder, and the bottleneck."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from wres_core import schema
from wres_core.bands import AFC_BANDS
from wres_core.bottleneck import BOTTLENECK_COLUMNS, find_bottlenecks, step_contributions
from wres_core.options import AnalysisOptions
from wres_core.ratios import stage_ratios
from wres_core.stages import stage_counts

ETHNICITY_OF = {"White": "White", "Black": "BME", "Asian": "BME", "Unknown": "Unknown"}


def ladder(bands: dict[str, tuple[int, int]], org: str = "T1", year: int = 2024,
           recruitment: dict[str, tuple[int, int]] | None = None):
    """Clean tables from {band: (white, bme)} and {stage: (white, bme)}."""
    rows = []
    for band, (white, bme) in bands.items():
        if white:
            rows.append((org, year, "Clinical", band, "White", "White", white))
        if bme:
            rows.append((org, year, "Clinical", band, "BME", "Black", bme))
    frame = pd.DataFrame(rows, columns=["org_code", "year", "staff_group", "band",
                                        "ethnicity", "ethnic_group", "headcount"])
    frame["org_name"], frame["region"], frame["org_type"] = "Trust", "London", "Acute"
    wf = schema.conform(frame)
    rec = None
    if recruitment:
        rows = []
        for stage, (white, bme) in recruitment.items():
            rows.append((org, year, "White", "White", stage, white))
            rows.append((org, year, "BME", "Asian", stage, bme))
        rec = pd.DataFrame(rows, columns=["org_code", "year", "ethnicity", "ethnic_group",
                                          "stage", "headcount"])
        rec["org_name"], rec["region"], rec["org_type"] = "Trust", "London", "Acute"
        rec["staff_group"], rec["band"] = "All staff", "All"
        rec = schema.conform(rec, "recruitment")
    return wf, rec


def results_for(bands, recruitment=None, options=None) -> pd.DataFrame:
    wf, rec = ladder(bands, recruitment=recruitment)
    return stage_ratios(stage_counts(wf, rec), options or AnalysisOptions())


# band 5 -> 6 about 2.0 (significant), 6 -> 7 about 4.0 (significant), 7 -> 8a about 6 with
# few staff (not significant), 8a -> 8b below parity.
STEEP = {"5": (2000, 1000), "6": (1000, 250), "7": (1000, 62), "8a": (60, 1), "8b": (20, 1)}


def test_bottleneck_is_the_adverse_significant_step_with_the_largest_ratio():
    results = results_for(STEEP)
    steps = results[results["kind"] == "band"].set_index("stage_id")
    assert steps.loc["band:7-8a", "adverse"] and not steps.loc["band:7-8a", "significant"], (
        "the steepest step is not significant with one BME person in band 8a")
    assert steps.loc["band:6-7", "ratio"] > steps.loc["band:5-6", "ratio"] > 1.25
    assert steps.loc[["band:5-6", "band:6-7"], "significant"].all()
    found = find_bottlenecks(results)
    assert list(found.columns) == list(BOTTLENECK_COLUMNS)
    assert len(found) == 1 and found.loc[0, "stage_id"] == "band:6-7", found.loc[0, "stage_id"]
    sentence = found.loc[0, "sentence"]
    assert sentence.startswith("The bottleneck is band 6 to band 7: relative to their numbers "
                               "in band 6, White staff were 4.03 times as likely as BME staff "
                               "to be in band 7 (95% CI "), sentence
    assert found.loc[0, "ratio"] == steps.loc["band:6-7", "ratio"]


def test_no_bottleneck_when_no_step_is_both_adverse_and_significant():
    bands = {"5": (40, 20), "6": (30, 10), "7": (20, 4), "8a": (5, 1)}
    results = results_for(bands)
    assert not (results["adverse"] & results["significant"]).any()
    found = find_bottlenecks(results).iloc[0]
    assert pd.isna(found["stage_id"]), found["stage_id"]
    steps = results[(results["kind"] == "band") & results["adverse"]]
    largest = steps.sort_values("ratio").iloc[-1]
    sentence = found["sentence"]
    assert "there is no clear bottleneck" in sentence, sentence
    assert f"the largest adverse step, {largest['label'].lower()}" in sentence, sentence
    assert "could be chance" in sentence and "At recruitment" not in sentence, sentence


def test_an_infinite_adverse_significant_step_is_the_bottleneck():
    # Band 3 -> 4: 305 White -> 216, 11 BME -> none (SYN010 2021 in the sample files).
    bands = {"2": (400, 20), "3": (305, 11), "4": (216, 0), "5": (300, 100)}
    results = results_for(bands)
    step = results.set_index("stage_id").loc["band:3-4"]
    assert math.isinf(step["ratio"]) and step["adverse"] and step["significant"], step
    found = find_bottlenecks(results).iloc[0]
    assert found["stage_id"] == "band:3-4", found["stage_id"]
    sentence = found["sentence"]
    assert "there were no BME staff in band 4, against 11 in band 3" in sentence, sentence
    assert "so the ratio is infinite" in sentence and "could be chance" not in sentence


def test_recruitment_stage_named_when_adverse_and_significant():
    recruitment = {"applied": (5000, 5000), "shortlisted": (1000, 700), "appointed": (300, 120)}
    results = results_for(STEEP, recruitment)
    rec = results[results["kind"] == "recruitment"].set_index("stage_id")
    assert rec["adverse"].all() and rec["significant"].all(), rec[["ratio", "p_adjusted"]]
    found = find_bottlenecks(results).iloc[0]
    largest = rec["ratio"].idxmax()
    assert found["recruitment_stage_id"] == largest, (found["recruitment_stage_id"], largest)
    assert found["sentence"].endswith(
        f"At recruitment, {rec.loc[largest, 'label'].lower()} is also adverse and significant "
        f"(ratio {rec.loc[largest, 'ratio']:.2f})."), found["sentence"]
    fair = {"applied": (5000, 5000), "shortlisted": (1000, 1000), "appointed": (300, 290)}
    found = find_bottlenecks(results_for(STEEP, fair)).iloc[0]
    assert pd.isna(found["recruitment_stage_id"]) and "recruitment" not in found["sentence"]
    flat = {"5": (40, 20), "6": (30, 10), "7": (20, 4)}
    found = find_bottlenecks(results_for(flat, recruitment)).iloc[0]
    assert "no clear bottleneck" in found["sentence"]
    assert "is adverse and significant" in found["sentence"], (
        "no 'also' when the ladder has no bottleneck: " + found["sentence"])


def test_contributions_sum_to_one_when_the_ladder_is_adverse():
    results = results_for(STEEP)
    steps = step_contributions(results)
    ratios = steps["ratio"].to_numpy()
    first, last = STEEP["5"], STEEP["8b"]
    ladder_ratio = (last[0] / first[0]) / (last[1] / first[1])
    assert math.isclose(steps["ladder_ratio"].iloc[0], ladder_ratio, rel_tol=1e-12)
    assert math.isclose(steps["ladder_ratio"].iloc[0], float(np.prod(ratios)), rel_tol=1e-12)
    assert math.isclose(steps["cumulative_ratio"].iloc[-1], ladder_ratio, rel_tol=1e-12)
    expected = np.log(ratios) / math.log(ladder_ratio)
    assert np.allclose(steps["contribution"], expected, rtol=1e-12)
    assert math.isclose(steps["contribution"].sum(), 1.0, rel_tol=1e-12)
    positive = np.log(ratios).clip(min=0)
    assert np.allclose(steps["adverse_share"], positive / positive.sum(), rtol=1e-12)
    assert math.isclose(steps.loc[np.log(ratios) > 0, "adverse_share"].sum(), 1.0)
    assert (steps.loc[np.log(ratios) <= 0, "adverse_share"] == 0).all()
    assert (steps["ladder_from"] == "band 5").all() and (steps["ladder_to"] == "band 8b").all()
    share = steps.set_index("stage_id").loc["band:6-7", "adverse_share"]
    sentence = find_bottlenecks(results).loc[0, "sentence"]
    assert f"It accounts for {share * 100:.0f}% of the disparity" in sentence, sentence


def test_contribution_is_left_undefined_when_the_ladder_is_not_adverse():
    # Band 4 -> 5 strongly favourable (many BME staff start at band 5) outweighs the rest.
    bands = {"4": (500, 20), "5": (500, 400), "6": (400, 150), "7": (300, 80)}
    steps = step_contributions(results_for(bands))
    assert steps["ladder_ratio"].iloc[0] < 1, steps["ladder_ratio"].iloc[0]
    assert steps["contribution"].isna().all(), "shares of a favourable total mean nothing"
    adverse = steps["ratio"] > 1
    assert math.isclose(steps.loc[adverse, "adverse_share"].sum(), 1.0, rel_tol=1e-12)


def test_zero_count_steps_are_left_out_and_named():
    bands = {"5": (500, 200), "6": (400, 100), "7": (300, 40), "8a": (6, 0), "8b": (3, 1)}
    results = results_for(bands)
    steps = step_contributions(results).set_index("stage_id")
    assert not steps.loc["band:7-8a", "significant"], "the zero step is not the bottleneck"
    for zero in ("band:7-8a", "band:8a-8b"):
        assert not np.isfinite(steps.loc[zero, "log_ratio"]), zero
        assert math.isnan(steps.loc[zero, "contribution"]), zero
        assert math.isnan(steps.loc[zero, "adverse_share"]), zero
    finite = steps.loc[["band:5-6", "band:6-7"]]
    assert math.isclose(finite["adverse_share"].sum(), 1.0)
    assert math.isclose(steps["ladder_ratio"].iloc[0], float(np.prod(finite["ratio"])))
    note = steps["ladder_note"].iloc[0]
    assert note == "leaving out band 7 to band 8a, band 8a to band 8b (zero counts)", note
    sentence = find_bottlenecks(results).loc[0, "sentence"]
    assert note in sentence, sentence


def test_families_are_separate_per_organisation_year_and_comparison():
    a, _ = ladder(STEEP, org="A")
    b, _ = ladder({"5": (100, 100), "6": (100, 100)}, org="B", year=2023)
    table = pd.concat([a, b], ignore_index=True)
    results = stage_ratios(stage_counts(table, groups="bme"))
    found = find_bottlenecks(results).set_index(["org_code", "year"])
    assert found.loc[("A", 2024), "stage_id"] == "band:6-7"
    assert pd.isna(found.loc[("B", 2023), "stage_id"])
    alone = find_bottlenecks(results[results["org_code"] == "A"]).iloc[0]
    assert alone["sentence"] == found.loc[("A", 2024), "sentence"], "no cross-talk"


@st.composite
def random_ladder(draw):
    bands = draw(st.lists(st.sampled_from(AFC_BANDS), min_size=2, max_size=8, unique=True))
    bands = sorted(bands, key=AFC_BANDS.index)
    return {b: (draw(st.integers(1, 3000)), draw(st.integers(1, 1500))) for b in bands}


@settings(max_examples=60, deadline=None)
@given(random_ladder())
def test_shares_and_bottleneck_hold_for_any_ladder_without_zero_cells(bands):
    results = results_for(bands)
    steps = step_contributions(results)
    logs = np.log(steps["ratio"].to_numpy())
    first, last = bands[next(iter(bands))], bands[list(bands)[-1]]
    ladder_log = math.log((last[0] / first[0]) / (last[1] / first[1]))
    assert math.isclose(logs.sum(), ladder_log, rel_tol=1e-9, abs_tol=1e-9)
    if ladder_log > 1e-12:
        assert math.isclose(steps["contribution"].sum(), 1.0, rel_tol=1e-9)
    else:
        assert steps["contribution"].isna().all()
    if (logs > 0).any():
        assert math.isclose(steps.loc[logs > 0, "adverse_share"].sum(), 1.0, rel_tol=1e-9)
    found = find_bottlenecks(results).iloc[0]
    eligible = steps[steps["adverse"] & steps["significant"]]
    if eligible.empty:
        assert pd.isna(found["stage_id"]) and "no clear bottleneck" in found["sentence"]
    else:
        assert found["ratio"] == eligible["ratio"].max(), (found["stage_id"], eligible)
        label = found["label"][0].lower() + found["label"][1:]
        assert found["sentence"].startswith(f"The bottleneck is {label}"), found["sentence"]
