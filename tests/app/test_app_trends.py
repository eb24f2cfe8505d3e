"""The trends page: the change between two chosen years equals Altman & Bland's test worked
here from the raw sample CSV; the verdicts, charts and peer choice render; one year of data
says that trends need two or more years."""

from __future__ import annotations

import math

import pytest
from apptest_helpers import MESSY_CSV, assert_ok, switch, texts
from scipy.stats import norm

TRUST = "SYN041"


def counts(workforce, year, band):
    rows = workforce[(workforce["org_code"] == TRUST) & (workforce["year"] == year)
                     & (workforce["band"] == band)
                     & workforce["staff_group"].isin(["Clinical", "Non-clinical"])]
    return {e: int(rows.loc[rows["ethnicity"] == e, "headcount"].sum()) for e in ("White", "BME")}


def log_ratio_and_se(workforce, year):
    """Band 7 to 8a: log odds ratio and Woolf's SE, by hand."""
    low, high = counts(workforce, year, "7"), counts(workforce, year, "8a")
    cells = (high["White"], low["White"], high["BME"], low["BME"])
    log_ratio = math.log(cells[0] * cells[3] / (cells[1] * cells[2]))
    return log_ratio, math.sqrt(sum(1 / c for c in cells))


def table(at):
    for frame in at.dataframe:
        if "Change interval" in frame.value.columns:
            return frame.value.set_index(["Stage", "Group"])
    raise AssertionError("no trend table")


@pytest.fixture
def trends(app):
    app.selectbox(key="org_code").set_value(TRUST).run()
    return switch(app, "trends")


@pytest.mark.parametrize(("first", "last"), [(2020, 2024), (2022, 2023)])
def test_change_between_chosen_years_from_the_raw_csv(trends, national_workforce, first, last):
    trends.selectbox(key="trend_from").set_value(first).run()
    trends.selectbox(key="trend_to").set_value(last).run()
    assert_ok(trends)
    y1, se1 = log_ratio_and_se(national_workforce, first)
    y2, se2 = log_ratio_and_se(national_workforce, last)
    d, se = y2 - y1, math.hypot(se1, se2)
    row = table(trends).loc[("Band 7 to band 8a", "BME")]
    assert row["Change"] == f"x{math.exp(d):.2f} ({first} to {last})"
    assert row["Change interval"] == (f"{math.exp(d - 1.959964 * se):.2f} to "
                                      f"{math.exp(d + 1.959964 * se):.2f}")
    assert row["Change p"] == f"{2 * norm.sf(abs(d / se)):.2f}"
    assert row["Years"] == 5
    assert row["Verdict"] in ("improving", "no clear change", "worsening")


def test_stage_and_peer_group_choices_render(trends):
    trends.selectbox(key="trend_stage").set_value(("band:7-8a", "BME")).run()
    for kind in ("region", "size", "all"):
        trends.selectbox(key="trend_peer_kind").set_value(kind).run()
        assert_ok(trends)
    caption = " ".join(texts(trends.main.caption)).replace("\\", "")
    assert "Peer median of all 215 trusts (synthetic, fictional trusts)" in caption


def test_one_year_says_trends_need_two_or_more(uploaded_app):
    at = uploaded_app({"messy.csv": MESSY_CSV})
    at = switch(at, "trends")
    assert "Trends need two or more years" in " ".join(texts(at.info))
    assert not at.dataframe
