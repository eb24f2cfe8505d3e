"""The scorecard page: the table's figures equal calculations from the raw sample CSVs done
here with plain pandas; the rolling option; uploads with and without scorecard files."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from apptest_helpers import SAMPLE, assert_ok, switch, texts

TRUST, YEAR = "SYN041", 2024


def scorecard_table(at) -> pd.DataFrame:
    for frame in at.dataframe:
        value = frame.value
        value = value.data if hasattr(value, "data") else value  # a pandas Styler
        if "Verdict" in value.columns and "Trend" in value.columns:
            return value.set_index("#")
    raise AssertionError("no scorecard table on the page")


def disciplinary_ratio(year: int, rolling: bool = False) -> float:
    raw = pd.read_csv(SAMPLE / "national_disciplinary.csv")
    years = [f"{y - 1}/{str(y)[2:]}" for y in ((year - 1, year) if rolling else (year,))]
    rows = raw[(raw["Organisation code"] == TRUST) & raw["Financial year"].isin(years)]
    sums = rows.groupby("Ethnicity")[["Entered formal disciplinary process",
                                      "Headcount"]].sum()
    rate = sums["Entered formal disciplinary process"] / sums["Headcount"]
    return rate["BME"] / rate["White"]


@pytest.fixture
def scorecard(app):
    app.selectbox(key="org_code").set_value(TRUST)
    app.selectbox(key="year").set_value(YEAR)
    assert_ok(app.run())
    return switch(app, "scorecard")


def test_page_shows_nine_indicators_and_the_pay_gap(scorecard):
    table = scorecard_table(scorecard)
    assert list(table.index) == [*map(str, range(1, 10)), "Pay"]
    assert texts(scorecard.main.title)[0] == f"WRES scorecard {YEAR}"
    assert any("Abbot" in t for t in texts(scorecard.main.caption))
    assert any("Synthetic sample data" in t for t in texts(scorecard.main.info))
    assert table.loc["3", "Figure"] == f"{disciplinary_ratio(YEAR):.2f}"
    # Every available indicator has an interval and a verdict.
    assert (table["Interval"] != "").all()
    assert table.loc["Pay", "Indicator"] == "Pay gap (mean)"  # the sample has a pay file


def test_survey_figure_is_bme_minus_white_from_the_raw_file(scorecard):
    raw = pd.read_csv(SAMPLE / "national_staff_survey.csv")
    rows = raw[(raw["Organisation code"] == TRUST) & (raw["Year"] == YEAR)
               & (raw["Indicator"] == 7)].set_index("Ethnicity")["Percent"]
    expected = rows["BME"] - rows["White"]
    assert scorecard_table(scorecard).loc["7", "Figure"] == f"{expected:+.1f} pts"
    sentences = "\n".join(texts(scorecard.main.markdown))
    assert "a lower BME percentage is adverse" in sentences


def test_trend_arrows_compare_with_the_previous_year(scorecard):
    table = scorecard_table(scorecard)
    before, now = disciplinary_ratio(YEAR - 1), disciplinary_ratio(YEAR)
    expected = "↑ worse" if now / before > 1.05 else ("↓ better" if now / before < 1 / 1.05
                                                       else "→ same")
    assert table.loc["3", "Trend"] == expected


def test_rolling_option_sums_two_years(scorecard):
    scorecard.toggle(key="scorecard_rolling").set_value(True)
    assert_ok(scorecard.run())
    table = scorecard_table(scorecard)
    assert table.loc["3", "Figure"] == f"{disciplinary_ratio(YEAR, rolling=True):.2f}"


def trust_workforce_csv() -> bytes:
    raw = pd.read_csv(SAMPLE / "national_workforce.csv", dtype={"band": str})
    return raw[raw["org_code"] == TRUST].to_csv(index=False).encode("utf-8")


def test_uploads_without_scorecard_files_say_what_to_add(uploaded_app):
    at = uploaded_app({"trust.csv": trust_workforce_csv()})
    at = switch(at, "scorecard")
    table = scorecard_table(at)
    assert table.loc["3", "Verdict"] == "not available"
    assert table.loc["Pay", "Indicator"] == "Pay gap (mean, estimate)"
    assert any("Estimate." in t for t in texts(at.main.warning))
    assert not any("Synthetic sample data" in t for t in texts(at.main.info))
    notes = "\n".join(texts(at.main.markdown))
    assert "load a disciplinary file" in notes


def test_uploaded_scorecard_files_are_used_and_bad_ones_explained(uploaded_app):
    at = uploaded_app({"trust.csv": trust_workforce_csv()})
    disciplinary = (SAMPLE / "national_disciplinary.csv").read_bytes()
    bad = b"Band,Colour\n5,blue\n"
    at.session_state["scorecard_uploads"] = {
        name: (hashlib.sha256(data).hexdigest(), data)
        for name, data in (("disc.csv", disciplinary), ("odd.csv", bad))}
    at = switch(at, "scorecard")
    assert scorecard_table(at).loc["3", "Figure"] == f"{disciplinary_ratio(YEAR):.2f}"
    errors = texts(at.main.error)
    assert any(e.startswith(r"odd\.csv") and "No scorecard table was recognised" in e
               for e in errors), errors
