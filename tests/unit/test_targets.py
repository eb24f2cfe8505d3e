"""Tests for wres_core.targets: targets recomputed by putting them back into the ratio, the
what-if on hand-made tables, and the representation trajectory worked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres_core.analysis import analyse_dataset, analyse_trust
from wres_core.ingest import load_dataset
from wres_core.schema import conform
from wres_core.targets import (
    StaffMove,
    extra_needed,
    representation_trajectory,
    stage_targets,
    what_if,
)

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def ratio(wt, wf, bt, bf):
    """The disparity ratio written out independently of the code under test (infinite when
    no ethnic minority staff are in the upper group)."""
    with np.errstate(divide="ignore"):
        return (np.asarray(wt, float) / np.asarray(wf, float)) / (
            np.asarray(bt, float) / np.asarray(bf, float))


@pytest.fixture(scope="module")
def national(sample_results):
    return stage_targets(sample_results.stages)


@pytest.fixture(scope="module")
def sample_results(sample_dataset):
    return analyse_dataset(sample_dataset.workforce, sample_dataset.recruitment)


@pytest.fixture(scope="module")
def sample_dataset():
    return load_dataset([SAMPLE / "national_workforce.csv", SAMPLE / "national_recruitment.csv"])


@pytest.mark.parametrize(("column", "target"), [("to_parity", 1.0),
                                                ("to_non_adverse", 1.25)])
def test_targets_bring_every_national_ratio_to_the_target(national, column, target):
    rows = national[national[column] > 0]
    assert len(rows) > 1000, "the sample should have many stages above the target"
    wt, wf, bt, bf = (rows[c].to_numpy(float) for c in ("white_to", "white_from", "bme_to",
                                                        "bme_from"))
    exact = ratio(wt, wf, bt + rows[column].to_numpy(float), bf)
    np.testing.assert_allclose(exact, target, rtol=1e-9)
    people = rows[f"{column}_people"].to_numpy(float)
    # Rounded up: that many people meets the target, one fewer does not (within one person).
    assert (ratio(wt, wf, bt + people, bf) <= target * (1 + 1e-12)).all()
    assert (ratio(wt, wf, bt + people - 1, bf) > target).all()
    # Recruitment targets never need more appointments than were shortlisted.
    recruitment = rows["kind"].to_numpy() == "recruitment"
    assert (bt[recruitment] + people[recruitment] <= bf[recruitment]).all()


def test_targets_met_are_zero_with_a_note(national):
    within = national[(national["ratio"] > 1.0) & (national["ratio"] <= 1.25)]
    assert (within["to_non_adverse"] == 0).all() and (within["to_parity"] > 0).all()
    assert set(within["target_note"]) == {"already within the non-adverse range"}
    below = national[national["ratio"] <= 1.0]
    assert (below["to_parity_people"] == 0).all()
    assert set(below["target_note"]) == {"already at or below parity"}


def test_extra_needed_by_hand():
    # 175 of 419 White and 11 of 157 BME: ratio 5.961. To 1.25: 175 * 157 / (419 * 1.25) - 11
    # = 41.458; to parity 54.573. No BME staff in the upper band: 12 * 2 / 11 = 2.18 to parity.
    assert extra_needed(175, 419, 11, 157, 1.25)[0] == pytest.approx(41.458234, abs=1e-6)
    assert extra_needed(175, 419, 11, 157, 1.0)[0] == pytest.approx(54.572792, abs=1e-6)
    assert extra_needed(12, 11, 0, 2, 1.0)[0] == pytest.approx(24 / 11)
    assert np.isnan(extra_needed(5, 0, 1, 2, 1.0)[0])


def workforce_table(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """(band, ethnicity, ethnic group, headcount) rows of one trust in 2024."""
    return conform(pd.DataFrame([{
        "org_code": "T1", "org_name": "Trust one", "region": "London", "org_type": "Acute",
        "year": 2024, "staff_group": "All staff", "band": band, "ethnicity": ethnicity,
        "ethnic_group": group, "headcount": n} for band, ethnicity, group, n in rows]))


def recruitment_table(white: tuple[int, int, int], bme: tuple[int, int, int]) -> pd.DataFrame:
    rows = []
    for ethnicity, counts in (("White", white), ("BME", bme)):
        for stage, n in zip(("applied", "shortlisted", "appointed"), counts):
            rows.append({"org_code": "T1", "org_name": "Trust one", "region": "London",
                         "org_type": "Acute", "year": 2024, "staff_group": "All staff",
                         "band": "All", "ethnicity": ethnicity,
                         "ethnic_group": "White" if ethnicity == "White" else "Asian",
                         "stage": stage, "headcount": n})
    return conform(pd.DataFrame(rows), "recruitment")


LADDER = workforce_table([
    ("5", "White", "White", 1000), ("5", "BME", "Asian", 300), ("5", "BME", "Black", 200),
    ("6", "White", "White", 600), ("6", "BME", "Asian", 150), ("6", "BME", "Black", 100),
    ("7", "White", "White", 400), ("7", "BME", "Asian", 60), ("7", "BME", "Black", 40),
    ("8a", "White", "White", 200), ("8a", "BME", "Asian", 6), ("8a", "BME", "Black", 4),
])


def test_what_if_moves_staff_and_recomputes_ratio_and_bottleneck():
    actual = analyse_trust(LADDER, org_code="T1", year=2024)
    # Band 7 to 8a: (200/400) / (10/100) = 5.0, the bottleneck.
    assert actual.stage("band:7-8a").ratio == pytest.approx(5.0)
    assert actual.bottleneck.stage_id == "band:7-8a"
    result = what_if(LADDER, None, "T1", 2024, moves=[StaffMove("BME", "7", "8a", 30)])
    new = result.scenario.stage("band:7-8a")
    # 30 BME staff from band 7 to 8a: BME 70 in band 7 and 40 in 8a: (200/400)/(40/70) = 0.875.
    assert (new.bme_from, new.bme_to) == (70, 40)
    assert new.ratio == pytest.approx(0.875)
    # Band 6 to 7 loses 30 BME above it: (400/600) / (70/250) = 2.381, now the bottleneck.
    assert result.scenario.stage("band:6-7").ratio == pytest.approx((400 / 600) / (70 / 250))
    assert result.scenario.bottleneck.stage_id == "band:6-7"
    row = result.comparison.set_index("stage_id").loc["band:7-8a"]
    assert row["ratio"] == pytest.approx(5.0) and row["new_ratio"] == pytest.approx(0.875)
    assert bool(row["changed"])
    assert not bool(result.comparison.set_index("stage_id").loc["band:5-6", "changed"])
    # The interval is recomputed too (Woolf: sqrt(1/200 + 1/400 + 1/40 + 1/70)).
    se = np.sqrt(1 / 200 + 1 / 400 + 1 / 40 + 1 / 70)
    assert new.ci_low == pytest.approx(0.875 * np.exp(-1.959964 * se), rel=1e-5)


def test_what_if_takes_largest_group_first_and_refuses_too_many():
    result = what_if(LADDER, None, "T1", 2024, moves=[StaffMove("BME", "7", "8a", 70)])
    table = result.scenario.stage_table
    assert table.set_index("stage_id").loc["band:7-8a", "bme_to"] == 80
    with pytest.raises(ValueError, match="Band 7 has 100 BME staff, so 101 cannot be moved"):
        what_if(LADDER, None, "T1", 2024, moves=[StaffMove("BME", "7", "8a", 101)])


def test_what_if_appointments():
    recruitment = recruitment_table((1000, 200, 50), (800, 100, 10))
    result = what_if(LADDER, recruitment, "T1", 2024, appointment_changes=[("BME", 15)])
    stage = result.scenario.stage("recruitment:shortlisted-appointed")
    # (50/200) / (25/100) = 1.0
    assert stage.bme_to == 25 and stage.ratio == pytest.approx(1.0)
    assert result.actual.stage("recruitment:shortlisted-appointed").ratio == pytest.approx(2.5)
    with pytest.raises(ValueError, match="must lie between 0 and 100"):
        what_if(LADDER, recruitment, "T1", 2024, appointment_changes=[("BME", 91)])


def test_trajectory_worked_by_hand():
    results = analyse_dataset(LADDER)
    trajectory = representation_trajectory(results.representation, results.overall, "T1",
                                           target_year=2028)
    # Overall share 860 / 3060 = 0.281046; band 8a: 10 of 210 = 0.047619. By 2028 the
    # milestone is ceil(0.281046 * 210) = ceil(59.02) = 60; in 2026, halfway: share
    # 0.164333, ceil(34.51) = 35.
    assert trajectory.target_share == pytest.approx(860 / 3060)
    band = trajectory.milestones[trajectory.milestones["band"] == "Band 8a"].set_index("year")
    assert band.loc[2024, "milestone_bme"] == 10
    assert band.loc[2026, "milestone_bme"] == 35
    assert band.loc[2028, "milestone_bme"] == 60 and band.loc[2028, "extra_bme"] == 50
    with pytest.raises(ValueError, match="must come after the data's year 2024"):
        representation_trajectory(results.representation, results.overall, "T1",
                                  target_year=2024)
