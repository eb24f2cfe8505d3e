"""Indicators 3 and 4: relative likelihoods on hand-worked tables and the published example."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from wres_core.indicators import relative_likelihoods, two_year_rolling


def counts(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["org_code", "year", "indicator", "white_events",
                                       "white_headcount", "bme_events", "bme_headcount"])


def test_published_disciplinary_example_gives_1_71():
    # WRES worked example: 1.2% of BME staff against 0.7% of White staff entering the formal
    # disciplinary process is a relative likelihood of 1.2 / 0.7 = 1.714.
    result = relative_likelihoods(counts([("T", 2024, "indicator:3", 7, 1000, 12, 1000)]))
    row = result.iloc[0]
    assert round(row["ratio"], 2) == 1.71
    assert row["ratio"] == pytest.approx(1.2 / 0.7)
    assert row["bme_rate"] == pytest.approx(0.012) and row["white_rate"] == pytest.approx(0.007)
    assert "BME staff were 1.71 times as likely as White staff" in row["sentence"]


@pytest.mark.parametrize("indicator, white, bme", [
    # Indicator 4 puts White in the numerator, indicator 3 BME: the same 2x2 table placed the
    # other way round must give the same ratio and interval.
    ("indicator:4", (27, 39), (7, 21)),
    ("indicator:3", (7, 21), (27, 39)),
])
def test_orientation_and_katz_interval_match_epitools(indicator, white, bme):
    # epitools riskratio.wald on 27/39 against 7/21 (Kahn et al., Biostatistics For Dummies,
    # Listing 13-1): 2.076923 (1.09512 to 3.938939), chi-square p 0.00744125.
    table = counts([("T", 2024, indicator, white[0], white[1], bme[0], bme[1])])
    row = relative_likelihoods(table, ci_method="log").iloc[0]
    assert row["ratio"] == pytest.approx(2.076923, abs=1e-6)
    assert row["ci_low"] == pytest.approx(1.09512, abs=1e-5)
    assert row["ci_high"] == pytest.approx(3.938939, abs=1e-6)
    assert row["p_value"] == pytest.approx(0.00744125, abs=1e-8)
    assert row["verdict"] == "adverse" and row["adverse"] and row["significant"]


def test_hand_worked_training_ratio_below_one_is_favourable():
    # White 100 of 1000 (10%), BME 150 of 500 (30%): 0.10 / 0.30 = 0.333.
    row = relative_likelihoods(counts([("T", 2024, "indicator:4", 100, 1000, 150, 500)])
                               ).iloc[0]
    assert row["ratio"] == pytest.approx(1 / 3)
    assert row["verdict"] == "favourable" and not row["adverse"]


def test_zero_events_in_denominator_group_is_infinite_with_a_finite_lower_bound():
    row = relative_likelihoods(counts([("T", 2024, "indicator:3", 0, 800, 4, 200)])).iloc[0]
    assert math.isinf(row["ratio"])
    assert math.isfinite(row["ci_low"]) and row["ci_low"] > 1


def test_two_year_rolling_sums_counts_of_both_years():
    table = counts([("T", 2023, "indicator:3", 10, 1000, 6, 300),
                    ("T", 2024, "indicator:3", 4, 1100, 9, 400)])
    rolled = two_year_rolling(table).set_index("year")
    # 2024 = 2023 + 2024: White 14 of 2100, BME 15 of 700; 2023 keeps its own year.
    assert rolled.loc[2024, ["white_events", "white_headcount", "bme_events",
                             "bme_headcount"]].tolist() == [14, 2100, 15, 700]
    assert rolled.loc[2024, "years_used"] == "2023-2024"
    assert rolled.loc[2023, "years_used"] == "2023"
    result = relative_likelihoods(table, rolling=True).set_index("year")
    assert result.loc[2024, "ratio"] == pytest.approx((15 / 700) / (14 / 2100))
    assert "two-year rolling" in result.loc[2024, "sentence"]


def test_unknown_indicator_is_refused():
    with pytest.raises(ValueError, match="Unknown indicator"):
        relative_likelihoods(counts([("T", 2024, "indicator:2", 1, 10, 1, 10)]))


def test_peer_position_ranks_and_flags_an_outlier():
    from wres_core.indicators.relative_likelihood import peer_position

    # 19 trusts at parity (10 of 1,000 in each group) and one with 40 of 1,000 BME staff
    # entering disciplinary against 10 of 1,000 White: ratio 4, far outside the funnel.
    rows = [(f"P{i:02d}", 2024, "indicator:3", 10, 1000, 10, 1000) for i in range(19)]
    rows.append(("OUT", 2024, "indicator:3", 10, 1000, 40, 1000))
    results = relative_likelihoods(counts(rows))
    position = peer_position(results, "OUT")
    assert position["n"] == 20 and position["rank"] == 1
    assert position["median"] == pytest.approx(1.0)
    assert position["verdict"] == "significantly higher"
    assert peer_position(results, "P01")["verdict"] == "similar"
    assert peer_position(results.head(5), "P01") is None  # too few trusts


def test_peer_positions_rank_every_trust_at_once():
    from wres_core.indicators.relative_likelihood import peer_positions

    # 11 trusts, 10 of 1,000 White staff entering disciplinary in each; BME staff k of 1,000,
    # so the ratio is k / 10: T0..T9 have k = 5, 10, 10, 15, 20, 25, 30, 35, 40, 45 and "NIL"
    # has no BME staff (ratio not defined). Finite ratios 0.5, 1, 1, 1.5, ..., 4.5: median
    # (2.0 + 2.5) / 2 = 2.25; rank = 1 + the number of finite ratios strictly above.
    ks = [5, 10, 10, 15, 20, 25, 30, 35, 40, 45]
    rows = [(f"T{i}", 2024, "indicator:3", 10, 1000, k, 1000) for i, k in enumerate(ks)]
    rows.append(("NIL", 2024, "indicator:3", 10, 1000, 0, 0))
    positions = peer_positions(relative_likelihoods(counts(rows)))
    assert positions["n"].tolist() == [11] * 11
    assert positions["median"].iloc[0] == pytest.approx(2.25)
    ranks = dict(zip(positions["org_code"], positions["rank"], strict=True))
    assert [ranks[f"T{i}"] for i in range(10)] == [10, 8, 8, 7, 6, 5, 4, 3, 2, 1]
    assert math.isnan(ranks["NIL"])
    assert peer_positions(relative_likelihoods(counts(rows[:9]))) is None  # fewer than 10


def test_sentences_can_be_left_for_the_rows_shown():
    table = counts([("T", 2024, "indicator:3", 7, 1000, 12, 1000)])
    assert relative_likelihoods(table, sentences=False)["sentence"].tolist() == [""]
    assert relative_likelihoods(table)["sentence"].iloc[0].startswith(
        "BME staff were 1.71 times as likely")
