"""The command line with scorecard files: indicator 3 in text and JSON, pay_gap in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
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


def raw_indicator_3(year: int = 2024) -> pd.Series:
    """Every trust's indicator 3 worked out from the raw disciplinary file with pandas."""
    raw = pd.read_csv(DISCIPLINARY)
    raw = raw[raw["Financial year"] == f"{year - 1}/{str(year)[2:]}"]
    rate = (raw["Entered formal disciplinary process"] / raw["Headcount"]).groupby(
        [raw["Organisation code"], raw["Ethnicity"]]).sum().unstack()
    return rate["BME"] / rate["White"]


def test_all_trusts_get_their_own_indicator_3_and_peer_rank(capsys):
    """--all computes the indicators once for every trust: each document must still hold its
    own trust's figure, and its rank among all trusts, as worked out from the raw file."""
    assert main(["analyse", WORKFORCE, DISCIPLINARY, "--all", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # --all is written compact, on one line
    expected = raw_indicator_3()
    finite = expected[np.isfinite(expected)]
    documents = json.loads(out)["orgs"]
    assert len(documents) == len(expected) == 215
    for document in documents:
        code, third = document["org"]["code"], document["indicators"][2]
        assert document["year"] == 2024
        assert third["ratio"] == pytest.approx(expected[code], rel=1e-12), code
        peers = third["peers"]
        assert peers["n"] == 215
        assert peers["median"] == pytest.approx(finite.median(), rel=1e-12)
        assert peers["rank"] == 1 + int((finite > expected[code]).sum()), code


def test_a_file_without_organisation_or_year_counts_for_every_trust(tmp_path, capsys):
    # No organisation and no year: with --all, each trust's scorecard takes these counts as
    # its own for its year: 12 of 1,000 BME against 7 of 1,000 White staff, 12 / 7 = 1.714.
    path = tmp_path / "disciplinary.csv"
    path.write_text("Ethnicity,Headcount,Entered formal disciplinary process\n"
                    "White,1000,7\nBME,1000,12\n")
    assert main(["analyse", WORKFORCE, str(path), "--all", "--json"]) == 0
    documents = json.loads(capsys.readouterr().out)["orgs"]
    assert len(documents) == 215
    assert [d["indicators"][2]["ratio"] for d in documents] == [pytest.approx(12 / 7)] * 215
    assert all(d["indicators"][2]["peers"] is None for d in documents)  # no trust named


def test_one_trusts_document_stays_indented(capsys):
    assert main(["analyse", WORKFORCE, DISCIPLINARY, "--org", TRUST, "--json"]) == 0
    assert capsys.readouterr().out.startswith('{\n "org": {')
