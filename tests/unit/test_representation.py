"""Tests for wres_core.representation: headcounts, BME share with Wilson interval, unknowns."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from wres_core import schema, synthetic
from wres_core.bands import AFC_BANDS, MEDICAL_GRADES
from wres_core.representation import (
    REPRESENTATION_COLUMNS,
    band_representation,
    overall_representation,
)

ETHNICITY_OF = {"White": "White", "Asian": "BME", "Black": "BME", "BME (not specified)": "BME",
                "Unknown": "Unknown"}


def workforce(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["org_code", "year", "staff_group", "band",
                                        "ethnic_group", "headcount"])
    frame["ethnicity"] = frame["ethnic_group"].map(ETHNICITY_OF)
    frame["org_name"], frame["region"], frame["org_type"] = "Trust", "London", "Acute"
    return schema.conform(frame)


def wilson(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval, from its textbook formula."""
    z = stats.norm.ppf(0.5 + level / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


ROWS = [("T1", 2024, "Clinical", "5", "White", 300), ("T1", 2024, "Clinical", "5", "Asian", 150),
        ("T1", 2024, "Non-clinical", "5", "Black", 50), ("T1", 2024, "Clinical", "5",
                                                         "Unknown", 25),
        ("T1", 2024, "Clinical", "8a", "White", 40), ("T1", 2024, "Clinical", "8a",
                                                      "BME (not specified)", 2),
        ("T1", 2024, "Non-clinical", "3", "Unknown", 4),
        ("T1", 2024, "Medical", "Consultant", "White", 60), ("T1", 2024, "Medical",
                                                             "Consultant", "Asian", 40)]


def test_bme_share_and_wilson_interval_per_band():
    frame = band_representation(workforce(ROWS))
    assert list(frame.columns) == list(REPRESENTATION_COLUMNS)
    rep = frame.set_index("band")
    band5 = rep.loc["5"]
    assert (band5["white"], band5["bme"], band5["unknown"], band5["total"]) == (300, 200, 25,
                                                                                525)
    assert math.isclose(band5["bme_share"], 200 / 500), "BME / (White + BME): unknown left out"
    low, high = wilson(200, 500)
    assert math.isclose(band5["ci_low"], low, rel_tol=1e-9), (band5["ci_low"], low)
    assert math.isclose(band5["ci_high"], high, rel_tol=1e-9), (band5["ci_high"], high)
    assert math.isclose(band5["unknown_share"], 25 / 525), "unknown / all staff in the band"
    band8a = rep.loc["8a"]
    low, high = wilson(2, 42)
    assert math.isclose(band8a["ci_low"], low, rel_tol=1e-9) and math.isclose(
        band8a["ci_high"], high, rel_tol=1e-9), "Wilson stays inside [0, 1] for small counts"
    assert low > 0


def test_band_with_only_unknown_staff_is_shown_with_undefined_share():
    rep = band_representation(workforce(ROWS)).set_index("band")
    band3 = rep.loc["3"]
    assert (band3["white"], band3["bme"], band3["unknown"]) == (0, 0, 4)
    assert math.isnan(band3["bme_share"]) and band3["unknown_share"] == 1.0


def test_bands_in_ladder_order_with_medical_grades_after_and_empty_bands_left_out():
    rep = band_representation(workforce(ROWS))
    assert [str(b) for b in rep["band"]] == ["3", "5", "8a", "Consultant"], rep["band"].tolist()
    no_medical = band_representation(workforce(ROWS), include_medical=False)
    assert "Consultant" not in set(no_medical["band"].astype(str))


def test_staff_group_restricts_afc_bands_only():
    rep = band_representation(workforce(ROWS), staff_group="Clinical").set_index("band")
    assert rep.loc["5", "bme"] == 150, "the Non-clinical Black staff are left out"
    assert "3" not in rep.index, "band 3 staff are all non-clinical"
    assert rep.loc["Consultant", "total"] == 100, "medical grades are always medical staff"


def test_level_changes_the_interval():
    wide = band_representation(workforce(ROWS), level=0.99).set_index("band").loc["5"]
    low, high = wilson(200, 500, 0.99)
    assert math.isclose(wide["ci_low"], low, rel_tol=1e-9) and math.isclose(
        wide["ci_high"], high, rel_tol=1e-9)


def test_overall_representation_is_the_whole_afc_workforce():
    overall = overall_representation(workforce(ROWS)).iloc[0]
    assert overall["band"] == "All AfC bands"
    assert (overall["white"], overall["bme"], overall["unknown"]) == (340, 202, 29)
    assert math.isclose(overall["bme_share"], 202 / 542)
    assert math.isclose(overall["unknown_share"], 29 / 571)
    everyone = overall_representation(workforce(ROWS), afc_only=False).iloc[0]
    assert everyone["band"] == "All staff" and everyone["total"] == 571 + 100


def test_synthetic_file_matches_plain_sums():
    table = synthetic.generate_workforce(n_trusts=5, years=(2024,), seed=5)
    rep = band_representation(table)
    plain = table.assign(band=table["band"].astype(str), who=table["ethnicity"].astype(str))
    sums = plain.pivot_table(index=["org_code", "band"], columns="who", values="headcount",
                             aggfunc="sum", fill_value=0)
    merged = rep.assign(band=rep["band"].astype(str)).merge(
        sums.reset_index(), on=["org_code", "band"])
    assert len(merged) == len(rep) == len(sums), (len(merged), len(rep), len(sums))
    assert (merged["white"] == merged["White"]).all() and (merged["bme"] == merged["BME"]).all()
    assert (merged["unknown"] == merged["Unknown"]).all()
    assert np.allclose(merged["bme_share"], merged["BME"] / (merged["White"] + merged["BME"]))
    order = {b: i for i, b in enumerate(AFC_BANDS + MEDICAL_GRADES)}
    for _, org in rep.groupby("org_code"):
        positions = [order[str(b)] for b in org["band"]]
        assert positions == sorted(positions), "ladder order within each trust"
