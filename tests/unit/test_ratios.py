"""Tests for wres_core.ratios: ratio kinds, tests, p-value adjustment per family, flags.

Expected values come from scipy (fisher_exact, chi2_contingency, odds_ratio, relative_risk,
false_discovery_control) and a plain Holm loop written here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats.contingency import odds_ratio, relative_risk

from wres_core import schema
from wres_core.options import AnalysisOptions
from wres_core.ratios import STAGE_RESULT_COLUMNS, range_verdict, stage_ratios
from wres_core.stages import stage_counts

ETHNICITY_OF = {"White": "White", "Mixed": "BME", "Asian": "BME", "Black": "BME",
                "Other": "BME", "BME (not specified)": "BME", "Unknown": "Unknown"}


def workforce(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["org_code", "year", "staff_group", "band",
                                        "ethnic_group", "headcount"])
    frame["ethnicity"] = frame["ethnic_group"].map(ETHNICITY_OF)
    frame["org_name"], frame["region"], frame["org_type"] = "Trust", "London", "Acute"
    return schema.conform(frame)


def counts_frame(tables, kind: str = "band", org: str = "T1", year: int = 2024,
                 comparison: str = "BME") -> pd.DataFrame:
    """A stage-counts frame from (white_from, white_to, bme_from, bme_to) tuples."""
    rows = []
    for i, (wf, wt, bf, bt) in enumerate(tables):
        rows.append({"org_code": org, "year": year, "comparison": comparison,
                     "stage_id": f"{kind}:{i}", "label": f"Step {i}", "kind": kind,
                     "ratio_kind": "risk" if kind == "recruitment" else "odds", "order": i,
                     "from_label": "band 5" if kind != "recruitment" else "shortlisted",
                     "to_label": "band 6" if kind != "recruitment" else "appointed",
                     "white_from": wf, "white_to": wt, "bme_from": bf, "bme_to": bt})
    return pd.DataFrame(rows)


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment, the textbook loop."""
    order = np.argsort(p, kind="stable")
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


# --- ratio kinds ------------------------------------------------------------------------------


BAND_TABLES = [(1000, 400, 500, 100), (400, 100, 100, 10), (300, 280, 60, 61),
               (12, 5, 7, 1), (900, 850, 30, 50)]


def test_band_ratio_is_the_sample_odds_ratio_and_tests_match_scipy():
    results = stage_ratios(counts_frame(BAND_TABLES), AnalysisOptions(adjust="none"))
    for (wf, wt, bf, bt), row in zip(BAND_TABLES, results.to_dict("records")):
        expected = (wt / wf) / (bt / bf)
        assert math.isclose(row["ratio"], expected, rel_tol=1e-12), (row["stage_id"], expected)
        sample = odds_ratio([[wt, wf], [bt, bf]], kind="sample").statistic
        assert math.isclose(row["ratio"], sample, rel_tol=1e-12), "odds ratio of the 2x2 table"
        table = [[wt, wf], [bt, bf]]
        if row["test"] == "Fisher's exact":
            assert row["small_counts"], row
            expected_p = stats.fisher_exact(table).pvalue
        else:
            assert row["test"] == "Pearson chi-square", row["test"]
            expected_p = stats.chi2_contingency(table, correction=False).pvalue
        assert math.isclose(row["p_value"], expected_p, rel_tol=1e-6, abs_tol=1e-300), (
            row["stage_id"], row["p_value"], expected_p)
        assert row["p_adjusted"] == row["p_value"], "adjust='none' leaves p as it is"


def test_small_table_uses_exact_interval_matching_scipy_conditional():
    results = stage_ratios(counts_frame([(12, 5, 7, 1)]))
    row = results.iloc[0]
    assert row["ci_method"] == "exact (conditional)" and row["test"] == "Fisher's exact", row
    ci = odds_ratio([[5, 12], [1, 7]], kind="conditional").confidence_interval(0.95)
    assert math.isclose(row["ci_low"], ci.low, rel_tol=1e-5), (row["ci_low"], ci.low)
    assert math.isclose(row["ci_high"], ci.high, rel_tol=1e-5), (row["ci_high"], ci.high)


def test_recruitment_ratio_is_a_relative_risk():
    tables = [(26403, 3724, 22644, 2214), (3724, 850, 2214, 340), (40, 10, 30, 2)]
    results = stage_ratios(counts_frame(tables, kind="recruitment"),
                           AnalysisOptions(adjust="none"))
    for (wf, wt, bf, bt), row in zip(tables, results.to_dict("records")):
        rr = relative_risk(wt, wf, bt, bf)
        assert math.isclose(row["ratio"], rr.relative_risk, rel_tol=1e-12), row["stage_id"]
        test_table = [[wt, wf - wt], [bt, bf - bt]]
        if row["test"] == "Pearson chi-square":
            expected_p = stats.chi2_contingency(test_table, correction=False).pvalue
            low, high = rr.confidence_interval(0.95)
            assert row["ci_method"] == "log (Katz)", row["ci_method"]
            assert math.isclose(row["ci_low"], low, rel_tol=1e-9), (row["ci_low"], low)
            assert math.isclose(row["ci_high"], high, rel_tol=1e-9), (row["ci_high"], high)
        else:
            expected_p = stats.fisher_exact(test_table).pvalue
            assert row["ci_method"] == "score (Koopman)", row["ci_method"]
        assert math.isclose(row["p_value"], expected_p, rel_tol=1e-6, abs_tol=1e-300), (
            row["p_value"], expected_p)


def test_ci_method_option_is_honoured():
    tables = [(1000, 400, 500, 100)]
    log = stage_ratios(counts_frame(tables), AnalysisOptions(ci_method="log")).iloc[0]
    exact = stage_ratios(counts_frame(tables), AnalysisOptions(ci_method="exact")).iloc[0]
    assert log["ci_method"] == "log (Woolf)" and exact["ci_method"] == "exact (conditional)"
    assert exact["test"] == "Fisher's exact", "exact intervals come with Fisher's test"
    se = math.sqrt(1 / 1000 + 1 / 400 + 1 / 500 + 1 / 100)
    z = stats.norm.ppf(0.975)
    assert math.isclose(log["ci_low"], 2.0 * math.exp(-z * se), rel_tol=1e-9), "Woolf"
    assert math.isclose(log["ci_high"], 2.0 * math.exp(z * se), rel_tol=1e-9), "Woolf"
    narrow = stage_ratios(counts_frame(tables), AnalysisOptions(ci_method="log",
                                                                level=0.9)).iloc[0]
    assert narrow["ci_low"] > log["ci_low"] and narrow["ci_high"] < log["ci_high"], (
        "a 90% interval is narrower than a 95% one")


# --- adjustment, significance and range -------------------------------------------------------


def families() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frames = []
    for org in ("A", "B"):
        for year in (2023, 2024):
            for comparison in ("Asian", "Black"):
                tables = []
                for _ in range(5):
                    wf, bf = rng.integers(50, 400, size=2)
                    wt = rng.integers(5, wf)
                    bt = rng.integers(2, bf)
                    tables.append((int(wf), int(wt), int(bf), int(bt)))
                frames.append(counts_frame(tables, org=org, year=year, comparison=comparison))
    return pd.concat(frames, ignore_index=True)


def test_holm_adjusts_within_each_organisation_year_and_comparison():
    counts = families()
    results = stage_ratios(counts)
    assert list(results.columns) == list(STAGE_RESULT_COLUMNS)
    for key, family in results.groupby(["org_code", "year", "comparison"]):
        expected = holm(family["p_value"].to_numpy())
        assert np.allclose(family["p_adjusted"].to_numpy(), expected, rtol=1e-12, atol=0), key
    whole = holm(results["p_value"].to_numpy())
    assert not np.allclose(whole, results["p_adjusted"]), "not one family across trusts"


def test_benjamini_hochberg_and_none():
    counts = families()
    bh = stage_ratios(counts, AnalysisOptions(adjust="bh"))
    for key, family in bh.groupby(["org_code", "year", "comparison"]):
        expected = stats.false_discovery_control(family["p_value"].to_numpy(), method="bh")
        assert np.allclose(family["p_adjusted"], expected, rtol=1e-12), key
    none = stage_ratios(counts, AnalysisOptions(adjust="none"))
    assert (none["p_adjusted"] == none["p_value"]).all()
    assert none["sentence"].str.contains(r"\(p ").any() and not none["sentence"].str.contains(
        "adjusted p").any(), "sentences say 'p', not 'adjusted p', without adjustment"


def test_significance_uses_the_adjusted_p_value_at_one_minus_level():
    # Five stages with raw p about 0.02: significant alone, not after Holm (x5).
    tables = [(400, 100, 400, 67)] * 5
    raw = stats.chi2_contingency([[100, 400], [67, 400]], correction=False).pvalue
    assert 0.01 < raw < 0.05, raw
    holm_results = stage_ratios(counts_frame(tables))
    assert np.allclose(holm_results["p_adjusted"], min(1.0, 5 * raw))
    assert not holm_results["significant"].any(), "Holm-adjusted p above 0.05"
    unadjusted = stage_ratios(counts_frame(tables), AnalysisOptions(adjust="none"))
    assert unadjusted["significant"].all(), "raw p below 0.05"
    lenient = stage_ratios(counts_frame(tables), AnalysisOptions(level=0.80))
    assert (lenient["p_adjusted"] < 0.20).all() and lenient["significant"].all(), (
        "at level 0.80 the threshold is 0.20")
    assert lenient["sentence"].str.contains("80% CI").all()


def test_a_stage_without_a_test_does_not_count_in_the_family():
    tables = [(400, 100, 400, 73), (400, 100, 0, 0)]
    results = stage_ratios(counts_frame(tables))
    assert math.isnan(results.loc[1, "p_value"]) and math.isnan(results.loc[1, "p_adjusted"])
    assert results.loc[0, "p_adjusted"] == results.loc[0, "p_value"], "m = 1"
    assert not results.loc[1, "significant"] and results.loc[1, "verdict"] == "not defined"


def test_range_verdict_thresholds():
    ratios = [1.25, 1.2500001, 0.8, 0.7999999, 1.0, np.inf, 0.0, np.nan]
    expected = ["within range", "adverse", "within range", "favourable", "within range",
                "adverse", "favourable", "not defined"]
    assert range_verdict(np.array(ratios)).tolist() == expected
    results = stage_ratios(counts_frame([(100, 50, 100, 10), (100, 10, 100, 50),
                                         (100, 50, 100, 45)]))
    assert results["verdict"].tolist() == ["adverse", "favourable", "within range"]
    assert results["adverse"].tolist() == [True, False, False]
    assert results["favourable"].tolist() == [False, True, False]


def test_unknown_ethnicity_never_enters_a_ratio():
    base = [("T1", 2024, "Clinical", band, group, n) for band, group, n in (
        ("5", "White", 300), ("5", "Black", 120), ("6", "White", 200), ("6", "Black", 40),
        ("7", "White", 90), ("7", "Asian", 15))]
    unknown = base + [("T1", 2024, "Clinical", band, "Unknown", n) for band, n in (
        ("5", 500), ("6", 3), ("7", 250))]
    a = stage_ratios(stage_counts(workforce(base)))
    b = stage_ratios(stage_counts(workforce(unknown)))
    pd.testing.assert_frame_equal(a, b)


def test_empty_counts_give_an_empty_result():
    empty = stage_counts(workforce([("T1", 2024, "Medical", "Consultant", "White", 3)]))
    results = stage_ratios(empty)
    assert results.empty and list(results.columns) == list(STAGE_RESULT_COLUMNS)


def test_haldane_option_adds_a_display_ratio_and_changes_nothing_else():
    counts = counts_frame([(100, 10, 100, 0), (100, 10, 100, 5)])
    results = stage_ratios(counts, AnalysisOptions(haldane=True))
    plain = stage_ratios(counts)
    assert results["corrected"].tolist() == [True, False]
    # +0.5 in every cell of [[10, 100], [0, 100]], by hand.
    assert math.isclose(results.loc[0, "corrected_ratio"], (10.5 * 100.5) / (100.5 * 0.5))
    se = math.sqrt(1 / 10.5 + 1 / 100.5 + 1 / 0.5 + 1 / 100.5)
    assert math.isclose(results.loc[0, "corrected_ci_low"],
                        math.exp(math.log(21.0) - 1.959964 * se), rel_tol=1e-6)
    assert math.isnan(results.loc[1, "corrected_ratio"]), "no zero cell, nothing corrected"
    assert math.isinf(results.loc[0, "ratio"]) and results.loc[0, "zero_cell"]
    assert "+0.5" not in results.loc[0, "sentence"]
    display = ["corrected", "corrected_ratio", "corrected_ci_low", "corrected_ci_high"]
    pd.testing.assert_frame_equal(results.drop(columns=display), plain.drop(columns=display))
    assert plain[display[1:]].isna().all().all() and not plain["corrected"].any()


@pytest.mark.parametrize("kwargs", [{"groups": "all"}, {"ci_method": "wald"},
                                    {"level": 1.0}, {"adjust": "bonferroni"},
                                    {"staff_group": "Medical"}])
def test_invalid_options_are_rejected(kwargs):
    with pytest.raises(ValueError):
        AnalysisOptions(**kwargs)
