"""The significance page: every stage with its test and why, counts and ratio equal to a
calculation from the raw sample CSV, the how-to-read panel, and detailed groups side by side."""

from __future__ import annotations

import pytest
from apptest_helpers import assert_ok, switch, texts

TRUST, YEAR = "SYN041", 2024


def band_counts(workforce, org, year, band):
    rows = workforce[(workforce["org_code"] == org) & (workforce["year"] == year)
                     & (workforce["band"] == band)
                     & workforce["staff_group"].isin(["Clinical", "Non-clinical"])]
    return {e: int(rows.loc[rows["ethnicity"] == e, "headcount"].sum()) for e in ("White", "BME")}


def table(at):
    for frame in at.dataframe:
        if "Why this test" in frame.value.columns:
            return frame.value.set_index(["Stage", "Group"])
    raise AssertionError("no significance table")


@pytest.fixture
def significance(app):
    app.selectbox(key="org_code").set_value(TRUST).run()
    return switch(app, "significance")


def test_every_stage_with_counts_ratio_test_and_reason(significance, national_workforce):
    lower = band_counts(national_workforce, TRUST, YEAR, "7")
    upper = band_counts(national_workforce, TRUST, YEAR, "8a")
    ratio = (upper["White"] / lower["White"]) / (upper["BME"] / lower["BME"])
    row = table(significance).loc[("Band 7 to band 8a", "BME")]
    assert (row["White from"], row["White to"], row["Group from"], row["Group to"]) == (
        lower["White"], upper["White"], lower["BME"], upper["BME"])
    assert row["Ratio"] == f"{ratio:.2f}" == "5.96"
    assert row["Test"] == "Pearson chi-square"
    assert row["Why this test"].startswith("numbers large enough")
    assert row["Range"] == "adverse" and row["Significant"] == "yes"
    # A band step with a handful of staff gets the exact test, and says why.
    small = table(significance).loc[("Band 9 to VSM", "BME")]
    assert small["Test"] == "Fisher's exact" and small["Why this test"].startswith("small")
    columns = table(significance).columns
    assert "95% interval" in columns and "Adjusted p (Holm)" in columns
    assert "Smallest detectable ratio" in columns and "In plain English" in columns


def test_how_to_read_panel_and_census_framing(significance):
    text = " ".join(texts(significance.main.markdown))
    assert ("could a random allocation of these staff to bands produce a gap this large?"
            in text)
    assert "Why small trusts get wide intervals" in text
    assert "Why we adjust for several stages" in text
    assert [e.label for e in significance.main.expander] == ["How to read this"]
    assert "Synthetic sample data" in texts(significance.info)[0]


def test_detailed_groups_and_options_follow(significance):
    significance.radio(key="opt_groups").set_value("detailed").run()
    assert_ok(significance)
    groups = set(table(significance).index.get_level_values("Group"))
    assert groups == {"Mixed", "Asian", "Black", "Other"}
    significance.selectbox(key="opt_adjust").set_value("bh").run()
    significance.select_slider(key="opt_level").set_value(0.99).run()
    columns = table(assert_ok(significance)).columns
    assert "99% interval" in columns and "Adjusted p (Benjamini-Hochberg)" in columns
