"""The command line with scorecard files: indicator 3 in text and JSON, pay_gap in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from wres_core.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
WORKFORCE = str(SAMPLE / "national_workforce.csv")
DISCIPLINARY = str(SAMPLE / "national_disciplinary.csv")
PAY = str(SAMPLE / "trust_pay_extract.csv")
TRUST = "SYN041"


def expected_indicator_3(year: int = 2024) -> float:
    raw = pd.read_csv(DISCIPLINARY)
    rows = raw[(raw["Organisation code"] == TRUST)
               & (raw["Financial year"] == f"{year - 1}/{str(year)[2:]}")].set_index("Ethnicity")
    rate = rows["Entered formal disciplinary process"] / rows["Headcount"]
    return rate["BME"] / rate["White"]


def test_text_output_has_indicator_3(capsys):
    assert main(["analyse", WORKFORCE, DISCIPLINARY, "--org", TRUST]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("3  "))
    assert "Entering the formal disciplinary" in line
    assert f"{expected_indicator_3():.2f}" in line
    assert "BME staff were" in out


def test_json_output_has_indicators_and_an_estimated_pay_gap(capsys):
    assert main(["analyse", WORKFORCE, DISCIPLINARY, "--org", TRUST, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    ids = [i["id"] for i in document["indicators"]]
    assert ids == [f"indicator:{n}" for n in range(1, 10)]
    third = document["indicators"][2]
    assert third["ratio"] == pytest.approx(expected_indicator_3())
    for key in ("label", "ci_low", "ci_high", "p_value", "adverse", "sentence"):
        assert key in third
    assert document["indicators"][4]["available"] is False
    assert document["pay_gap"]["estimate"] is True


def test_staff_level_file_with_hourly_pay_gives_pay_gap(capsys):
    assert main(["analyse", PAY, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    gap = document["pay_gap"]
    raw = pd.read_csv(PAY)
    letter = raw["Ethnic Origin"].str[0]
    white = raw.loc[letter.isin(list("ABC")), "Basic Hourly Rate"].mean()
    bme = raw.loc[letter.isin(list("DEFGHJKLMNPRS")), "Basic Hourly Rate"].mean()
    assert gap["estimate"] is False
    assert gap["mean_gap"] == pytest.approx((white - bme) / white)
    assert gap["explained_by_bands"] + gap["within_bands"] == pytest.approx(gap["mean_gap"])
    assert {"mean_gap", "median_gap", "mean_ci", "by_band"} <= set(gap)
    assert len(gap["mean_ci"]) == 2 and gap["by_band"]


def test_rolling_option(capsys):
    assert main(["analyse", WORKFORCE, DISCIPLINARY, "--org", TRUST, "--json",
                 "--rolling"]) == 0
    third = json.loads(capsys.readouterr().out)["indicators"][2]
    assert third["rolling"] is True and third["years_used"] == "2023-2024"


def test_only_scorecard_files_is_a_usage_error(capsys):
    assert main(["analyse", DISCIPLINARY]) == 2
    assert "add a workforce file" in capsys.readouterr().err
