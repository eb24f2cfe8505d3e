"""Tests for wres_core.trends: the change test (Altman & Bland 2003), the weighted slope
(against numpy's polyfit), verdicts, time to target and the notes for missing years.

Expected values come from the published worked example (tests/reference_values/
statistics_altman_bland.csv), from numpy.polyfit on the same table, or are worked by hand in
the comments.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres_core.trends import (
    IMPROVING,
    NO_CLEAR_CHANGE,
    NOT_ASSESSED,
    WORSENING,
    log_ratio_change,
    peer_median_by_year,
    stage_trends,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference_values"


def altman_bland() -> dict[str, float]:
    with (REFERENCE / "statistics_altman_bland.csv").open(encoding="utf-8") as handle:
        return {row["quantity"]: float(row["value"]) for row in csv.DictReader(handle)}


def stage_rows(years, white_to, white_from, bme_to, bme_from, *, org="T1",
               stage_id="band:7-8a", kind="band") -> pd.DataFrame:
    """A stages frame (the columns trends need) for one stage over several years."""
    n = len(years)
    wt, wf, bt, bf = (np.broadcast_to(np.asarray(v), (n,)) for v in (white_to, white_from,
                                                                     bme_to, bme_from))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (wt / wf) / (bt / bf)
    return pd.DataFrame({
        "org_code": org, "year": list(years), "comparison": "BME", "stage_id": stage_id,
        "label": "Band 7 to band 8a", "kind": kind,
        "ratio_kind": "risk" if kind == "recruitment" else "odds", "order": 17,
        "white_to": wt, "white_from": wf, "bme_to": bt, "bme_from": bf, "ratio": ratio,
        "ci_low": np.nan, "ci_high": np.nan})


def test_change_test_matches_altman_and_bland_worked_example():
    ref = altman_bland()
    z = 1.959964
    # SE of each log ratio from its published 95% interval, as the paper does.
    se1 = (math.log(ref["high1"]) - math.log(ref["low1"])) / (2 * z)
    se2 = (math.log(ref["high2"]) - math.log(ref["low2"])) / (2 * z)
    change = log_ratio_change(math.log(ref["ratio1"]), se1, math.log(ref["ratio2"]), se2)
    assert change.log_ratio[0] == pytest.approx(ref["log_ratio"], abs=5e-5)
    assert change.standard_error[0] == pytest.approx(ref["standard_error"], abs=5e-5)
    assert round(float(change.ratio[0]), 2) == ref["ratio"]
    assert round(float(change.ci_low[0]), 2) == ref["ci_low"]
    assert round(float(change.ci_high[0]), 2) == ref["ci_high"]
    assert round(float(change.z[0]), 2) == ref["z"]


def test_change_between_two_years_from_counts_worked_by_hand():
    # 2020: 100 of 400 White and 20 of 200 BME -> odds ratio 100*200/(400*20) = 2.5,
    #       Woolf SE^2 = 1/100 + 1/400 + 1/20 + 1/200 = 0.0675.
    # 2024: 40 BME in the upper band -> ratio 1.25, SE^2 = 0.01 + 0.0025 + 0.025 + 0.005
    #       = 0.0425. d = log(1.25 / 2.5) = -0.693147, SE(d) = sqrt(0.11) = 0.331662,
    #       z = -2.089917, two-sided p = 2 Phi(-2.089917) = 0.036625, CI
    #       exp(d -/+ 1.959964 SE(d)) = 0.26101 to 0.95781.
    stages = stage_rows([2020, 2024], 100, 400, [20, 40], 200)
    row = stage_trends(stages).summary.iloc[0]
    assert (row["from_year"], row["to_year"]) == (2020, 2024)
    assert row["ratio_of_ratios"] == pytest.approx(0.5)
    assert row["change_z"] == pytest.approx(-2.089917, abs=1e-6)
    assert row["change_p"] == pytest.approx(0.036625, abs=1e-6)
    assert row["change_low"] == pytest.approx(0.26101, abs=1e-5)
    assert row["change_high"] == pytest.approx(0.95781, abs=1e-5)
    assert row["change_verdict"] == IMPROVING
    # Two years: no slope, so the verdict comes from the change.
    assert np.isnan(row["slope"]) and row["verdict_basis"] == "change"
    assert "fewer than three usable years" in row["note"]


def test_chosen_years_for_the_change():
    stages = stage_rows([2020, 2021, 2022], 100, 400, [20, 30, 40], 200)
    row = stage_trends(stages, from_year=2021, to_year=2022).summary.iloc[0]
    # 2021: ratio 100*200/(400*30) = 5/3; 2022: 1.25: ratio of ratios 0.75.
    assert row["ratio_of_ratios"] == pytest.approx(0.75)
    with pytest.raises(ValueError, match="from 2022 to 2021"):
        stage_trends(stages, from_year=2022, to_year=2021)


NOISY = dict(years=[2019, 2020, 2021, 2022, 2023, 2024],
             white_to=[120, 95, 140, 100, 90, 70], white_from=[400, 410, 390, 420, 400, 405],
             bme_to=[20, 35, 22, 30, 45, 40], bme_from=[200, 190, 210, 220, 230, 215])
SMOOTH = dict(years=[2021, 2022, 2023, 2024], white_to=[300, 290, 280, 270],
              white_from=[1000] * 4, bme_to=[50, 52, 54, 56], bme_from=[400] * 4)


@pytest.mark.parametrize("table", [NOISY, SMOOTH], ids=["overdispersed", "smooth"])
def test_slope_matches_numpy_polyfit_with_weights(table):
    stages = stage_rows(table["years"], table["white_to"], table["white_from"],
                        table["bme_to"], table["bme_from"])
    row = stage_trends(stages).summary.iloc[0]
    wt, wf, bt, bf = (np.asarray(table[k], dtype=float) for k in ("white_to", "white_from",
                                                                   "bme_to", "bme_from"))
    y = np.log(wt * bf / (wf * bt))
    se = np.sqrt(1 / wt + 1 / wf + 1 / bt + 1 / bf)
    x = np.asarray(table["years"], dtype=float)
    # polyfit's w multiplies the residuals, so w = 1/SE gives weights 1/SE^2.
    coef, cov_unscaled = np.polyfit(x, y, 1, w=1 / se, cov="unscaled")
    _, cov_scaled = np.polyfit(x, y, 1, w=1 / se, cov=True)
    assert row["slope"] == pytest.approx(coef[0], rel=1e-9)
    assert row["intercept"] == pytest.approx(coef[1], rel=1e-9)
    # The slope's variance is the known-variance one, times the dispersion when above 1:
    # polyfit's cov=True scales by chi^2 / (n - 2), i.e. by the dispersion itself.
    expected = max(cov_unscaled[0, 0], cov_scaled[0, 0])
    assert row["slope_se"] ** 2 == pytest.approx(expected, rel=1e-9)
    assert row["factor_per_year"] == pytest.approx(math.exp(coef[0]), rel=1e-9)
    half = 1.959964 * math.sqrt(expected)
    assert row["factor_low"] == pytest.approx(math.exp(coef[0] - half), rel=1e-6)
    assert row["factor_high"] == pytest.approx(math.exp(coef[0] + half), rel=1e-6)
    assert row["verdict_basis"] == "slope"


def test_overdispersed_table_is_the_one_scaled():
    # Guards the parametrised test above: one table must exercise each branch.
    noisy = stage_trends(stage_rows(NOISY["years"], NOISY["white_to"], NOISY["white_from"],
                                    NOISY["bme_to"], NOISY["bme_from"])).summary.iloc[0]
    smooth = stage_trends(stage_rows(SMOOTH["years"], SMOOTH["white_to"],
                                     SMOOTH["white_from"], SMOOTH["bme_to"],
                                     SMOOTH["bme_from"])).summary.iloc[0]
    assert noisy["dispersion"] > 1 > smooth["dispersion"]


def test_verdicts_follow_the_slope_direction():
    falling = stage_rows([2020, 2021, 2022, 2023, 2024], 1000, 2000,
                         [100, 130, 170, 220, 290], 1000)
    rising = stage_rows([2020, 2021, 2022, 2023, 2024], 1000, 2000,
                        [290, 220, 170, 130, 100], 1000, org="T2")
    flat = stage_rows([2020, 2021, 2022, 2023, 2024], 1000, 2000,
                      [200, 205, 195, 200, 202], 1000, org="T3")
    summary = stage_trends(pd.concat([falling, rising, flat])).summary.set_index("org_code")
    assert summary.loc["T1", "verdict"] == IMPROVING
    assert summary.loc["T2", "verdict"] == WORSENING
    assert summary.loc["T3", "verdict"] == NO_CLEAR_CHANGE
    assert summary.loc["T1", "factor_high"] < 1 < summary.loc["T2", "factor_low"]


def test_time_to_target_on_an_exact_halving():
    # Ratios 8, 4, 2 in 2020-2022 (White 800, 400, 200 of 100; BME 100 of 100): the fitted
    # line is exactly log 8 - log 2 (year - 2020), whatever the weights. It reaches 1.25 at
    # 2020 + 3 - log2(1.25) = 2022.68, so first in 2023, and parity exactly in 2023.
    stages = stage_rows([2020, 2021, 2022], [800, 400, 200], 100, 100, 100)
    row = stage_trends(stages).summary.iloc[0]
    assert row["factor_per_year"] == pytest.approx(0.5)
    assert row["year_non_adverse"] == 2023
    assert row["year_parity"] == 2023
    assert row["year_non_adverse_earliest"] <= 2023
    assert row["dispersion"] == pytest.approx(0, abs=1e-18)


def test_no_year_at_the_current_pace_when_worsening():
    stages = stage_rows([2020, 2021, 2022], [200, 400, 800], 100, 100, 100)
    row = stage_trends(stages).summary.iloc[0]
    assert pd.isna(row["year_non_adverse"]) and pd.isna(row["year_parity"])


def test_a_zero_count_year_is_left_out_with_a_note():
    # 2021 has no BME staff in the upper band: no finite SE, so the line uses 2020, 2022, 2023.
    stages = stage_rows([2020, 2021, 2022, 2023], [800, 500, 200, 100], 100,
                        [100, 0, 100, 100], 100)
    trends = stage_trends(stages)
    row = trends.summary.iloc[0]
    assert row["n_years"] == 4 and row["n_usable"] == 3
    assert "a zero count in 2021" in row["note"]
    used = trends.points[trends.points["usable"]]
    coef = np.polyfit(used["year"], used["log_ratio"], 1, w=1 / used["standard_error"])
    assert row["slope"] == pytest.approx(coef[0])


def test_one_year_says_trends_need_two_or_more():
    row = stage_trends(stage_rows([2024], 100, 400, 20, 200)).summary.iloc[0]
    assert row["verdict"] == NOT_ASSESSED
    assert "trends need two or more years" in row["note"]


def test_many_trusts_at_once_equal_each_alone():
    tables = [stage_rows(NOISY["years"], NOISY["white_to"], NOISY["white_from"],
                         NOISY["bme_to"], NOISY["bme_from"], org=f"T{i}") for i in range(3)]
    tables.append(stage_rows([2020, 2024], 100, 400, [20, 40], 200, org="T9"))
    together = stage_trends(pd.concat(tables[::-1], ignore_index=True)).summary
    for table in tables:
        alone = stage_trends(table).summary
        mine = together[together["org_code"] == table["org_code"].iloc[0]]
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone, check_dtype=False)


def test_peer_median_by_year():
    rows = pd.concat([stage_rows([2023, 2024], 100, 400, bt, 200, org=org)
                      for org, bt in (("A", 20), ("B", 40), ("C", 10), ("D", 5))])
    medians = peer_median_by_year(rows, ("A", "B", "C"), "band:7-8a", "BME")
    # Ratios A 2.5, B 1.25, C 5 (D is not a peer): median 2.5 in both years.
    assert medians["median"].tolist() == [2.5, 2.5]
    assert medians["n"].tolist() == [3, 3]


def test_cli_json_has_trend_change_slope_and_targets(capsys):
    import json

    from wres_core.cli import main

    sample = Path(__file__).resolve().parents[2] / "sample_data"
    code = main(["analyse", str(sample / "national_workforce.csv"),
                 str(sample / "national_recruitment.csv"), "--org", "SYN041", "--json",
                 "--from-year", "2021", "--to-year", "2023"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    stage = next(s for s in document["stages"] if s["id"] == "band:7-8a")
    trend = {p["year"]: p for p in stage["trend"]}
    assert sorted(trend) == [2020, 2021, 2022, 2023, 2024]
    change = stage["change"]
    assert (change["from_year"], change["to_year"]) == (2021, 2023)
    assert change["ratio_of_ratios"] == pytest.approx(trend[2023]["ratio"] / trend[2021]["ratio"])
    assert set(stage["slope"]) >= {"factor_per_year", "ci_low", "ci_high", "p_value"}
    # 2024 counts 175 of 419 White, 11 of 157 BME (see test_targets): 175*157/(419*1.25) - 11.
    assert stage["targets"]["to_non_adverse"] == pytest.approx(41.458234, abs=1e-6)
    assert set(stage["targets"]) >= {"to_parity", "to_non_adverse", "year_non_adverse",
                                     "year_parity"}


def test_cli_refuses_a_change_year_not_in_the_files(capsys):
    from wres_core.cli import main

    sample = Path(__file__).resolve().parents[2] / "sample_data"
    code = main(["analyse", str(sample / "national_workforce.csv"), "--org", "SYN041",
                 "--json", "--from-year", "2012"])
    assert code == 2
    assert "--from-year 2012: the files have no such year" in capsys.readouterr().err
