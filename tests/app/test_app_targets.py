"""The targets page: targets equal the closed form worked from the raw CSV, the what-if moves
staff and appointments and updates the ratio and the bottleneck, the pace and the trajectory
render and follow the target year."""

from __future__ import annotations

import math

import pytest
from apptest_helpers import MESSY_CSV, assert_ok, switch, texts

TRUST, YEAR = "SYN041", 2024


def band(workforce, name):
    rows = workforce[(workforce["org_code"] == TRUST) & (workforce["year"] == YEAR)
                     & (workforce["band"] == name)
                     & workforce["staff_group"].isin(["Clinical", "Non-clinical"])]
    return {e: int(rows.loc[rows["ethnicity"] == e, "headcount"].sum()) for e in ("White", "BME")}


def frame(at, column):
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with {column!r}")


@pytest.fixture
def targets(app):
    app.selectbox(key="org_code").set_value(TRUST).run()
    return switch(app, "targets")


def test_targets_from_the_raw_csv(targets, national_workforce):
    low, high = band(national_workforce, "7"), band(national_workforce, "8a")
    # x = W_to B_from / (W_from T) - B_to, rounded up.
    need = {t: math.ceil(high["White"] * low["BME"] / (low["White"] * t) - high["BME"])
            for t in (1.25, 1.0)}
    row = frame(targets, "More needed for 1.25").set_index("Stage").loc["Band 7 to band 8a"]
    assert row["More needed for 1.25"] == str(need[1.25]) == "42"
    assert row["More needed for parity"] == str(need[1.0]) == "55"
    assert row["Counted as"] == "more ethnic minority staff in band 8a"
    table = frame(targets, "More needed for 1.25").set_index("Stage")
    assert table.loc["Band 8a to band 8b", "Note"] == "already at or below parity"


def test_what_if_moves_staff_and_updates_ratio_and_bottleneck(targets, national_workforce):
    # The bottleneck (band 7 to 8a) is offered first.
    assert targets.selectbox(key="whatif_from").value == "7"
    assert targets.selectbox(key="whatif_to").value == "8a"
    sentences = texts(targets.main.error)
    assert all("bottleneck is band 7 to band 8a" in s.replace("\\", "") for s in sentences)
    targets.number_input(key="whatif_count").set_value(20).run()
    assert_ok(targets)
    low, high = band(national_workforce, "7"), band(national_workforce, "8a")
    new = (high["White"] / low["White"]) / ((high["BME"] + 20) / (low["BME"] - 20))
    table = frame(targets, "What-if ratio").set_index("Stage")
    assert table.loc["Band 7 to band 8a", "Actual ratio"] == "5.96"
    assert table.loc["Band 7 to band 8a", "What-if ratio"] == f"{new:.2f}" == "1.85"
    # With 20 moved up the largest adverse significant step is band 5 to 6,
    # (722 / 643) / (294 / 511) = 1.95: the what-if's bottleneck.
    five, six = band(national_workforce, "5"), band(national_workforce, "6")
    five_six = (six["White"] / five["White"]) / (six["BME"] / five["BME"])
    assert table.loc["Band 5 to band 6", "What-if ratio"] == f"{five_six:.2f}" == "1.95"
    actual, scenario = [s.replace("\\", "") for s in texts(targets.main.error)]
    assert "bottleneck is band 7 to band 8a" in actual
    assert "bottleneck is band 5 to band 6" in scenario


def test_what_if_appointments_and_a_clear_error(targets, national_recruitment):
    rec = national_recruitment[(national_recruitment["org_code"] == TRUST)
                               & (national_recruitment["year"] == YEAR)]
    n = {(e, s): int(rec[(rec["ethnicity"] == e) & (rec["stage"] == s)]["headcount"].sum())
         for e in ("White", "BME") for s in ("shortlisted", "appointed")}
    targets.number_input(key="whatif_appointed").set_value(30).run()
    assert_ok(targets)
    new = ((n["White", "appointed"] / n["White", "shortlisted"])
           / ((n["BME", "appointed"] + 30) / n["BME", "shortlisted"]))
    table = frame(targets, "What-if ratio").set_index("Stage")
    assert table.loc["Shortlisted to appointed", "What-if ratio"] == f"{new:.2f}"
    targets.number_input(key="whatif_count").set_value(100_000).run()
    assert_ok(targets)
    assert any("cannot be moved out of it" in t for t in texts(targets.main.error))


def test_pace_and_trajectory_follow_the_target_year(targets):
    pace = frame(targets, "Reaches 1.25")
    assert len(pace) == 15
    trajectory = frame(targets, "Share now")
    assert [c for c in trajectory.columns if c.isdigit()] == ["2024", "2025", "2026", "2027",
                                                              "2028"]
    targets.number_input(key="trajectory_year").set_value(2030).run()
    trajectory = frame(assert_ok(targets), "Share now")
    assert [c for c in trajectory.columns if c.isdigit()][-1] == "2030"
    assert trajectory["Band"].iloc[-1] == "Band 8a to VSM"


def test_one_year_upload_has_no_pace(uploaded_app):
    at = switch(uploaded_app({"messy.csv": MESSY_CSV}), "targets")
    assert any("three or more years" in t for t in texts(at.info))
    assert frame(at, "More needed for 1.25") is not None
