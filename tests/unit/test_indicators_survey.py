"""Indicators 5-8: Newcombe's interval against Newcombe (1998) Table II; adverse direction."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wres_core.indicators import newcombe_difference, survey_indicators

REFERENCE = Path(__file__).resolve().parents[1] / "reference_values"
TABLE_II = pd.read_csv(REFERENCE / "statistics_newcombe_difference.csv")


@pytest.mark.parametrize("case", TABLE_II.to_dict("records"),
                         ids=[f"{r.x1}/{r.n1}-{r.x2}/{r.n2}" for r in TABLE_II.itertuples()])
def test_newcombe_hybrid_score_matches_table_ii(case):
    ci = newcombe_difference(case["x1"], case["n1"], case["x2"], case["n2"])
    assert float(ci.low[0]) == pytest.approx(case["ci_low"], abs=5e-5), case["provenance"]
    assert float(ci.high[0]) == pytest.approx(case["ci_high"], abs=5e-5), case["provenance"]


def test_newcombe_is_vectorised_and_nan_without_respondents():
    ci = newcombe_difference([56, 0], [70, 0], [48, 1], [80, 5])
    assert float(ci.low[0]) == pytest.approx(0.0524, abs=5e-5)
    assert pd.isna(ci.low[1]) and pd.isna(ci.high[1])


def survey(rows):
    return pd.DataFrame(rows, columns=["org_code", "year", "indicator", "bme_percent",
                                       "white_percent", "bme_respondents",
                                       "white_respondents"])


def test_indicator_7_lower_for_bme_is_adverse_and_5_higher_is_adverse():
    # 49% of 1000 BME against 59% of 3000 White respondents (the national picture for 7);
    # the same gap on indicator 5 is favourable, since there a higher BME figure is adverse.
    table = survey([("T", 2024, "indicator:7", 49.0, 59.0, 1000, 3000),
                    ("T", 2024, "indicator:5", 49.0, 59.0, 1000, 3000)])
    result = survey_indicators(table).set_index("indicator")
    assert result.loc["indicator:7", "difference_points"] == pytest.approx(-10.0)
    assert result.loc["indicator:7", "verdict"] == "adverse"
    assert result.loc["indicator:7", "adverse"]
    assert result.loc["indicator:5", "verdict"] == "favourable"
    assert "a lower BME percentage is adverse" in result.loc["indicator:7", "sentence"]
    # Hand check of the interval's width: Wald SE of the difference is about 1.8 points, so a
    # 95% interval of about +/- 3.5 points around -10.
    low, high = result.loc["indicator:7", ["ci_low", "ci_high"]]
    assert -14.0 < low < -13.0 and -7.0 < high < -6.0


def test_small_difference_is_no_clear_difference():
    result = survey_indicators(survey([("T", 2024, "indicator:8", 7.0, 6.0, 50, 60)]))
    assert result.iloc[0]["verdict"] == "no clear difference"
