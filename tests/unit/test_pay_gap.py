"""The pay gap: mean and median against plain numpy on the sample file, the decomposition on
a hand-worked table, the bottleneck reweighting, the AfC estimate against published points."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres_core.indicators import afc_pay_points, bottleneck_effect, pay_gap, read_indicator_file
from wres_core.indicators.pay_gap import afc_implied_staff, bootstrap_gaps

REPO = Path(__file__).resolve().parents[2]
PAY_FILE = REPO / "sample_data" / "trust_pay_extract.csv"
REFERENCE = REPO / "tests" / "reference_values"


def staff(rows: list[tuple[str, str, float, int]]) -> pd.DataFrame:
    """(band, ethnicity, hourly pay, how many) -> one row per person."""
    out = [(band, eth, pay) for band, eth, pay, n in rows for _ in range(n)]
    return pd.DataFrame(out, columns=["band", "ethnicity", "hourly_pay"])


def test_mean_and_median_gap_match_plain_numpy_on_the_sample_file():
    raw = pd.read_csv(PAY_FILE)
    letter = raw["Ethnic Origin"].str[0]
    white = raw.loc[letter.isin(list("ABC")), "Basic Hourly Rate"].to_numpy(float)
    bme = raw.loc[letter.isin(list("DEFGHJKLMNPRS")), "Basic Hourly Rate"].to_numpy(float)
    result = pay_gap(read_indicator_file(PAY_FILE).pay, n_bootstrap=200)
    assert result.mean_gap == pytest.approx((white.mean() - bme.mean()) / white.mean())
    assert result.median_gap == pytest.approx(
        (np.median(white) - np.median(bme)) / np.median(white))
    assert (result.white_n, result.bme_n) == (len(white), len(bme))
    assert result.explained_by_bands + result.within_bands == pytest.approx(result.mean_gap)


def test_hand_worked_decomposition():
    # Band 2 pays 10/h, band 7 pays 30/h (White) and 27/h (BME).
    # White: 50 at band 2, 50 at band 7 -> mean 20. BME: 80 at band 2, 20 at band 7 ->
    # mean (800 + 540) / 100 = 13.4. Mean gap (20 - 13.4) / 20 = 0.33.
    # m* = 0.5 x 10 + 0.5 x 27 = 18.5: explained (18.5 - 13.4) / 20 = 0.255,
    # within (20 - 18.5) / 20 = 0.075.
    table = staff([("2", "White", 10, 50), ("7", "White", 30, 50),
                   ("2", "BME", 10, 80), ("7", "BME", 27, 20), ("5", "Unknown", 15, 5)])
    result = pay_gap(table, n_bootstrap=200)
    assert result.mean_gap == pytest.approx(0.33)
    assert result.explained_by_bands == pytest.approx(0.255)
    assert result.within_bands == pytest.approx(0.075)
    assert result.unknown_n == 5
    # Median: White's middle is between 10 and 30 -> 20; BME's is 10 -> gap 0.5.
    assert result.median_gap == pytest.approx(0.5)
    bands = {b.band: b for b in result.by_band}
    assert bands["7"].mean_gap == pytest.approx(0.1)
    assert bands["2"].mean_gap == pytest.approx(0.0)
    # Quartiles: 200 staff ranked by pay; the lowest 50 are all paid 10 (130 people at 10).
    shares = [q.bme_share for q in result.quartiles]
    assert [q.staff for q in result.quartiles] == [50, 50, 50, 50]
    assert shares[3] == pytest.approx(0.0)  # the top 50 are the 50 White staff at 30/h


def test_bottleneck_reweighting_moves_staff_until_the_ratio_is_1_25():
    table = staff([("7", "White", 30, 100), ("8a", "White", 40, 50),
                   ("7", "BME", 29, 100), ("8a", "BME", 39, 10)])
    gap = pay_gap(table, n_bootstrap=100).mean_gap
    effect = bottleneck_effect(table, gap, "band:7-8a", "Band 7 to band 8a")
    # Ratio now (50/100)/(10/100) = 5. Moving k: (10 + k) / (100 - k) = 0.5 / 1.25 = 0.4
    # -> k = (40 - 10) / 1.4 = 21.43.
    assert effect.ratio == pytest.approx(5.0)
    assert effect.moved == pytest.approx(30 / 1.4)
    assert (10 + effect.moved) / (100 - effect.moved) == pytest.approx(0.4)
    # BME mean after: (100 x 29 + 10 x 39 + k x (39 - 29)) / 110; White mean 33.33.
    bme_after = (2900 + 390 + effect.moved * 10) / 110
    white = (3000 + 2000) / 150
    assert effect.gap_after == pytest.approx((white - bme_after) / white)
    assert effect.fall == pytest.approx(gap - effect.gap_after)
    assert effect.fall > 0


def test_a_step_already_within_range_has_no_effect():
    table = staff([("7", "White", 30, 100), ("8a", "White", 50, 20),
                   ("7", "BME", 30, 100), ("8a", "BME", 50, 20)])
    effect = bottleneck_effect(table, 0.0, "band:7-8a", "Band 7 to band 8a")
    assert effect.moved == 0 and effect.fall == pytest.approx(0.0)


def test_bootstrap_is_seeded_and_brackets_the_gap():
    rng = np.random.default_rng(1)
    white, bme = rng.normal(20, 4, 800), rng.normal(18, 4, 300)
    first = bootstrap_gaps(white, bme, n_bootstrap=300, seed=7, level=0.95)
    again = bootstrap_gaps(white, bme, n_bootstrap=300, seed=7, level=0.95)
    assert first == again
    gap = (white.mean() - bme.mean()) / white.mean()
    assert first[0][0] < gap < first[0][1]


def test_bundled_afc_points_match_the_published_2024_25_scale():
    published = pd.read_csv(REFERENCE / "afc_pay_points_2024_published.csv", dtype={"band": str})
    bundled = afc_pay_points().set_index(["band", "point"])["annual_pay"]
    for row in published.itertuples():
        assert bundled[(row.band, row.point)] == row.annual_pay, row.provenance


def test_afc_estimate_is_labelled_and_leaves_out_vsm_and_medical():
    workforce = pd.DataFrame({"band": ["2", "5", "VSM", "Consultant", "5"],
                              "ethnicity": ["White", "BME", "White", "BME", "White"],
                              "headcount": [10, 10, 1, 3, 10]})
    rows = afc_implied_staff(workforce)
    assert len(rows) == 30 and rows.attrs["left_out"] == 4
    result = pay_gap(rows, estimate=True, n_bootstrap=100)
    assert result.estimate and "estimate" in result.note
    # Band 2 average point 23,615; band 5 average (29,970 + 32,324 + 36,483) / 3.
    band5 = (29970 + 32324 + 36483) / 3
    white_mean = (23615 + band5) / 2
    assert result.mean_gap == pytest.approx((white_mean - band5) / white_mean)


def test_no_bme_staff_is_an_error():
    with pytest.raises(ValueError, match="needs White and BME"):
        pay_gap(staff([("2", "White", 10, 5)]))
