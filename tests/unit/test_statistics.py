"""wres_core.statistics: the rules of disparity_statistics, edge cases and bad arguments.

Published reference values are in test_statistics_reference.py; cross-checks against scipy
over random tables and property tests are in test_statistics_vectorised.py.
"""

from __future__ import annotations

import doctest
import importlib
import math

import numpy as np
import pytest

from wres_core import statistics
from wres_core.statistics import (
    DisparityEstimates,
    adjust_p_values,
    conditional_odds_ratio_interval,
    detectable_ratio,
    disparity_statistics,
    fisher_exact_p,
    koopman_interval,
    ratio_change_test,
    wilson_interval,
)

Z95 = 1.959963984540054  # qnorm(0.975)


def test_public_api_is_exported():
    for name in statistics.__all__:
        assert hasattr(statistics, name)
    assert {"disparity_statistics", "wilson_interval", "adjust_p_values", "fisher_exact_p",
            "conditional_odds_ratio_interval", "koopman_interval",
            "ratio_change_test"} <= set(statistics.__all__)


@pytest.mark.parametrize("module", [
    "_conditional_interval", "_detectable_ratio", "_disparity", "_fisher_exact",
    "_koopman_interval", "_log_intervals", "_p_value_adjustment", "_pearson_chi_square",
    "_ratio_change", "_wilson_interval"])
def test_docstring_worked_examples(module):
    result = doctest.testmod(importlib.import_module(f"wres_core.statistics.{module}"),
                             optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# --- orientation and the tier identity ------------------------------------------------------

def test_tier_identity_lower_to_upper_is_the_product_of_the_steps():
    # Lower W1000/B500, middle W400/B100, upper W100/B10.
    est = disparity_statistics("odds", [400, 100, 100], [1000, 400, 1000], [100, 10, 10],
                               [500, 100, 500])
    assert est.ratio.tolist() == [2.0, 2.5, 5.0]
    assert est.ratio[0] * est.ratio[1] == est.ratio[2]


def test_ratio_above_one_is_adverse_to_bme_staff():
    # White staff twice as likely to be in the upper band (odds), or to pass (risk).
    odds = disparity_statistics("odds", 100, 100, 50, 100)
    risk = disparity_statistics("risk", 50, 100, 25, 100)
    assert odds.ratio[0] == 2.0
    assert risk.ratio[0] == 2.0


def test_odds_kind_is_the_odds_ratio_and_risk_kind_the_relative_risk():
    est_odds = disparity_statistics("odds", 30, 70, 10, 90)
    assert est_odds.ratio[0] == pytest.approx((30 * 90) / (70 * 10))
    est_risk = disparity_statistics("risk", 30, 100, 10, 100)
    assert est_risk.ratio[0] == pytest.approx(0.3 / 0.1)


# --- result object --------------------------------------------------------------------------

def test_result_fields_lengths_and_dtypes():
    est = disparity_statistics("odds", [3, 300, 0], [10, 900, 5], [1, 100, 4], [20, 800, 6])
    assert isinstance(est, DisparityEstimates)
    assert len(est) == 3
    for name in ("white_to", "white_from", "bme_to", "bme_from"):
        assert getattr(est, name).dtype == np.int64
    for name in ("ratio", "ci_low", "ci_high", "p_value", "detectable_ratio"):
        assert getattr(est, name).dtype == float and len(getattr(est, name)) == 3
    for name in ("ci_method", "test", "note"):
        assert getattr(est, name).dtype == object
        assert all(isinstance(v, str) for v in getattr(est, name))
    for name in ("small_counts", "zero_cell", "corrected"):
        assert getattr(est, name).dtype == bool
    low, high = est.confidence_interval()
    assert low is est.ci_low and high is est.ci_high
    with pytest.raises(AttributeError):
        est.ratio = np.zeros(3)  # frozen


def test_row_gives_plain_python_scalars():
    est = disparity_statistics("odds", [3, 300], [10, 900], [1, 100], [20, 800])
    row = est.row(1)
    assert row["kind"] == "odds" and row["level"] == 0.95
    assert type(row["white_to"]) is int and row["white_to"] == 300
    assert type(row["ratio"]) is float
    assert type(row["small_counts"]) is bool
    assert type(row["ci_method"]) is str and row["ci_method"] == "log (Woolf)"
    assert type(row["note"]) is str
    assert set(row) == {f.name for f in DisparityEstimates.__dataclass_fields__.values()}


def test_scalars_and_lists_are_accepted_and_empty_batches_work():
    assert len(disparity_statistics("risk", 5, 10, 3, 10)) == 1
    empty = disparity_statistics("odds", [], [], [], [])
    assert len(empty) == 0 and empty.ratio.shape == (0,)


def test_whole_number_floats_are_counts():
    est = disparity_statistics("odds", np.array([3.0]), [10], [1], [20])
    assert est.white_to.dtype == np.int64 and est.ratio[0] == pytest.approx(6.0)


# --- small-count rule, interval method and test ---------------------------------------------

def test_auto_uses_exact_and_fisher_for_small_tables_log_and_pearson_otherwise():
    est = disparity_statistics("odds", [3, 300], [10, 900], [1, 100], [20, 800])
    assert est.small_counts.tolist() == [True, False]
    assert est.ci_method.tolist() == ["exact (conditional)", "log (Woolf)"]
    assert est.test.tolist() == ["Fisher's exact", "Pearson chi-square"]
    risk = disparity_statistics("risk", [3, 300], [10, 900], [1, 100], [20, 800])
    assert risk.ci_method.tolist() == ["score (Koopman)", "log (Katz)"]
    assert risk.test.tolist() == ["Fisher's exact", "Pearson chi-square"]


def test_small_when_an_expected_count_is_below_five_even_if_every_cell_is_not():
    # Cells 5, 200, 5, 10: rows 205 and 15, columns 10 and 210, N = 220;
    # smallest expected count 15 x 10 / 220 = 0.68.
    est = disparity_statistics("odds", [5, 50], [200, 200], [5, 50], [10, 100])
    assert est.small_counts.tolist() == [True, False]


def test_risk_small_count_rule_uses_the_test_table():
    # 98 of 100 White and 90 of 100 BME pass: cells 98, 2, 90, 10 -> "2" is below 5.
    est = disparity_statistics("risk", 98, 100, 90, 100)
    assert est.small_counts[0]
    assert est.test[0] == "Fisher's exact"
    # The p-value is Fisher's on [[98, 2], [90, 10]], not on the ratio table.
    assert est.p_value[0] == pytest.approx(fisher_exact_p(98, 2, 90, 10)[0], rel=1e-12)


def test_ci_method_log_and_exact_apply_to_every_table():
    counts = ([3, 300], [10, 900], [1, 100], [20, 800])
    log = disparity_statistics("odds", *counts, ci_method="log")
    assert log.ci_method.tolist() == ["log (Woolf)", "log (Woolf)"]
    assert log.test.tolist() == ["Fisher's exact", "Pearson chi-square"]  # p rule unchanged
    exact = disparity_statistics("odds", *counts, ci_method="exact")
    assert exact.ci_method.tolist() == ["exact (conditional)"] * 2
    assert exact.test.tolist() == ["Fisher's exact"] * 2
    low, high = conditional_odds_ratio_interval(*counts)
    np.testing.assert_allclose(exact.ci_low, low, rtol=1e-12)
    np.testing.assert_allclose(exact.ci_high, high, rtol=1e-12)


def test_log_interval_is_woolf():
    est = disparity_statistics("odds", 30, 70, 10, 90, ci_method="log")
    se = math.sqrt(1 / 30 + 1 / 70 + 1 / 10 + 1 / 90)
    centre = math.log(30 * 90 / (70 * 10))
    assert est.ci_low[0] == pytest.approx(math.exp(centre - Z95 * se), rel=1e-12)
    assert est.ci_high[0] == pytest.approx(math.exp(centre + Z95 * se), rel=1e-12)


def test_level_changes_the_interval_width():
    narrow = disparity_statistics("odds", 30, 70, 10, 90, level=0.80)
    wide = disparity_statistics("odds", 30, 70, 10, 90, level=0.99)
    assert wide.ci_low[0] < narrow.ci_low[0] < narrow.ratio[0] < narrow.ci_high[0]
    assert narrow.ci_high[0] < wide.ci_high[0]
    assert narrow.level == 0.80


# --- zero cells -----------------------------------------------------------------------------

@pytest.mark.parametrize(("cells", "ratio", "field"), [
    ((0, 10, 3, 20), 0.0, "white_to"),
    ((4, 0, 3, 20), math.inf, "white_from"),
    ((4, 10, 0, 20), math.inf, "bme_to"),
    ((4, 10, 3, 0), 0.0, "bme_from"),
])
@pytest.mark.parametrize("ci_method", ["auto", "log", "exact"])
def test_odds_zero_in_each_position(cells, ratio, field, ci_method):
    est = disparity_statistics("odds", *cells, ci_method=ci_method)
    assert est.ratio[0] == ratio
    assert est.zero_cell[0] and not est.corrected[0]
    assert est.ci_method[0] == "exact (conditional)"  # whatever ci_method asks for
    assert est.test[0] == "Fisher's exact"
    low, high = conditional_odds_ratio_interval(*cells)
    assert (est.ci_low[0], est.ci_high[0]) == (low[0], high[0])
    if ratio == 0.0:
        assert est.ci_low[0] == 0.0 and math.isfinite(est.ci_high[0])
    else:
        assert est.ci_high[0] == math.inf and est.ci_low[0] > 0
    assert f"({field} = 0)" in est.note[0]
    assert ("infinite" if ratio else "is 0") in est.note[0]
    assert "log interval is undefined" in est.note[0]


@pytest.mark.parametrize(("counts", "ratio", "field"), [
    ((0, 10, 3, 20), 0.0, "white_to"),
    ((4, 10, 0, 20), math.inf, "bme_to"),
])
def test_risk_zero_passing(counts, ratio, field):
    est = disparity_statistics("risk", *counts, ci_method="log")
    assert est.ratio[0] == ratio
    assert est.zero_cell[0]
    assert est.ci_method[0] == "score (Koopman)"
    low, high = koopman_interval(*counts)
    assert (est.ci_low[0], est.ci_high[0]) == (low[0], high[0])
    assert f"({field} = 0)" in est.note[0]


def test_risk_everyone_failing_or_passing_is_not_a_zero_cell():
    # 10 of 10 White pass: a zero in the test table but the ratio and Katz are defined.
    est = disparity_statistics("risk", 10, 10, 5, 10)
    assert not est.zero_cell[0]
    assert est.ratio[0] == 2.0
    assert est.small_counts[0] and est.ci_method[0] == "score (Koopman)"


def test_both_products_zero_give_nan_ratio_and_the_whole_range():
    # Nobody at the upper level (odds) / nobody passes (risk).
    odds = disparity_statistics("odds", 0, 10, 0, 20)
    assert math.isnan(odds.ratio[0]) and odds.zero_cell[0]
    assert (odds.ci_low[0], odds.ci_high[0]) == (0.0, math.inf)
    assert odds.p_value[0] == 1.0
    assert "no ratio can be computed" in odds.note[0]
    risk = disparity_statistics("risk", 0, 10, 0, 20)
    assert math.isnan(risk.ratio[0]) and risk.zero_cell[0]
    assert (risk.ci_low[0], risk.ci_high[0]) == (0.0, math.inf)


@pytest.mark.parametrize("kind", ["odds", "risk"])
def test_haldane_corrects_only_zero_cell_tables(kind):
    counts = ([0, 30, 4], [10, 70, 10], [3, 10, 0], [20, 90, 20])
    plain = disparity_statistics(kind, *counts)
    corrected = disparity_statistics(kind, *counts, haldane=True)
    assert corrected.corrected.tolist() == [True, False, True]
    label = "log (Woolf, +0.5 corrected)" if kind == "odds" else "log (Katz, +0.5 corrected)"
    assert corrected.ci_method[0] == corrected.ci_method[2] == label
    # The table without a zero is untouched.
    for name in ("ratio", "ci_low", "ci_high", "p_value"):
        assert getattr(corrected, name)[1] == getattr(plain, name)[1]
    # +0.5 in every cell of the test table.
    if kind == "odds":
        expected = (0.5 * 20.5) / (10.5 * 3.5)
        se = math.sqrt(1 / 0.5 + 1 / 10.5 + 1 / 3.5 + 1 / 20.5)
    else:  # 0.5 of 11 against 3.5 of 21
        expected = (0.5 / 11) / (3.5 / 21)
        se = math.sqrt(1 / 0.5 - 1 / 11 + 1 / 3.5 - 1 / 21)
    assert corrected.ratio[0] == pytest.approx(expected, rel=1e-12)
    assert corrected.ci_low[0] == pytest.approx(math.exp(math.log(expected) - Z95 * se),
                                                rel=1e-12)
    assert corrected.ci_high[0] == pytest.approx(math.exp(math.log(expected) + Z95 * se),
                                                 rel=1e-12)
    assert corrected.p_value[0] == plain.p_value[0]  # Fisher needs no correction
    assert "Haldane" in corrected.note[0]
    assert math.isfinite(corrected.ratio[2])


def test_haldane_applies_even_when_exact_is_requested():
    est = disparity_statistics("odds", 0, 10, 3, 20, ci_method="exact", haldane=True)
    assert est.corrected[0] and est.ci_method[0] == "log (Woolf, +0.5 corrected)"


# --- invalid and empty stages -------------------------------------------------------------

def _assert_all_nan(est, i):
    for name in ("ratio", "ci_low", "ci_high", "p_value", "detectable_ratio"):
        assert math.isnan(getattr(est, name)[i]), name
    assert est.ci_method[i] == "" and est.test[i] == ""
    assert not est.small_counts[i] and not est.zero_cell[i] and not est.corrected[i]


@pytest.mark.parametrize(("kind", "counts", "words"), [
    ("odds", (0, 0, 3, 20), "No White staff at either level"),
    ("odds", (4, 10, 0, 0), "No BME staff at either level"),
    ("odds", (0, 0, 0, 0), "No staff at either level"),
    ("risk", (0, 0, 3, 20), "No White staff entered this stage"),
    ("risk", (4, 10, 0, 0), "No BME staff entered this stage"),
    ("risk", (12, 10, 3, 20), "More White staff passed this stage than entered it"),
    ("risk", (2, 10, 30, 20), "More BME staff passed this stage than entered it"),
    ("odds", (-1, 10, 3, 20), "negative"),
    ("risk", (4, 10, 3, -20), "negative"),
])
def test_invalid_and_empty_stages_give_nan_and_a_note(kind, counts, words):
    # A valid stage in the same batch is unaffected: one bad row does not stop a file.
    batch = [[value, good] for value, good in zip(counts, (30, 70, 10, 90), strict=True)]
    est = disparity_statistics(kind, *batch)
    _assert_all_nan(est, 0)
    assert words in est.note[0]
    assert math.isfinite(est.ratio[1]) and est.note[1] == ""


# --- detectable ratio ---------------------------------------------------------------------

def test_detectable_ratio_odds_by_hand():
    # 200 White (50 up) and 200 BME (50 up): p = 0.25, SE0 = sqrt(2/50 + 2/150).
    expected = math.exp(Z95 * math.sqrt(2 / 50 + 2 / 150))
    est = disparity_statistics("odds", 50, 150, 50, 150)
    assert est.detectable_ratio[0] == pytest.approx(expected, rel=1e-12)
    assert detectable_ratio("odds", 50, 150, 50, 150)[0] == pytest.approx(expected, rel=1e-12)


def test_detectable_ratio_risk_by_hand():
    # 400 White and 100 BME enter, 100 in all pass: p = 0.2.
    expected = math.exp(Z95 * math.sqrt(0.8 / (400 * 0.2) + 0.8 / (100 * 0.2)))
    est = disparity_statistics("risk", 85, 400, 15, 100)
    assert est.detectable_ratio[0] == pytest.approx(expected, rel=1e-12)


def test_detectable_ratio_shrinks_with_more_staff_and_is_nan_where_undefined():
    small = detectable_ratio("odds", 5, 15, 5, 15)[0]
    large = detectable_ratio("odds", 500, 1500, 500, 1500)[0]
    assert small > large > 1
    assert math.isnan(detectable_ratio("odds", 0, 15, 0, 15)[0])  # nobody moves up
    assert math.isnan(detectable_ratio("risk", 10, 10, 20, 20)[0])  # everybody passes
    assert math.isnan(detectable_ratio("risk", 0, 0, 20, 20)[0])


# --- argument checking --------------------------------------------------------------------

def test_unknown_ci_method():
    with pytest.raises(ValueError, match="ci_method must be one of"):
        disparity_statistics("odds", 1, 2, 3, 4, ci_method="wald")


def test_unknown_kind():
    with pytest.raises(ValueError, match="kind must be 'odds' or 'risk'"):
        disparity_statistics("rate", 1, 2, 3, 4)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, 95, "high", None])
def test_level_outside_zero_one(level):
    with pytest.raises(ValueError, match="level must be"):
        disparity_statistics("odds", 1, 2, 3, 4, level=level)
    with pytest.raises(ValueError, match="level must be"):
        wilson_interval(1, 2, level=level)
    with pytest.raises(ValueError, match="level must be"):
        conditional_odds_ratio_interval(1, 2, 3, 4, level=level)
    with pytest.raises(ValueError, match="level must be"):
        ratio_change_test(1, 0.5, 2, 1, 0.5, 2, level=level)


def test_arrays_of_different_length():
    with pytest.raises(ValueError, match="same length"):
        disparity_statistics("odds", [1, 2], [3, 4], [5], [6, 7])
    with pytest.raises(ValueError, match="same length"):
        fisher_exact_p([1, 2], [3], [4], [5])
    with pytest.raises(ValueError, match="same length"):
        wilson_interval([1, 2], [3])
    with pytest.raises(ValueError, match="same length"):
        ratio_change_test([1, 2], 0.5, 2, 1, 0.5, 2)


@pytest.mark.parametrize("bad", [[1.5], [np.nan], ["three"], [[1, 2]], [True]])
def test_counts_must_be_whole_numbers(bad):
    with pytest.raises(ValueError, match="white_to must"):
        disparity_statistics("odds", bad, [1], [1], [1])


def test_haldane_must_be_a_bool():
    with pytest.raises(ValueError, match="haldane must be True or False"):
        disparity_statistics("odds", 1, 2, 3, 4, haldane="yes")


def test_low_level_functions_reject_negative_counts():
    with pytest.raises(ValueError, match="negative"):
        fisher_exact_p(-1, 2, 3, 4)
    with pytest.raises(ValueError, match="negative"):
        koopman_interval(1, -2, 3, 4)
    with pytest.raises(ValueError, match="negative"):
        wilson_interval(-1, 4)
    with pytest.raises(ValueError, match="must not exceed"):
        wilson_interval(5, 4)


# --- Wilson interval edge cases -----------------------------------------------------------

def test_wilson_zero_trials_is_nan_and_extremes_are_pinned():
    interval = wilson_interval([0, 0, 7], [0, 7, 7])
    assert math.isnan(interval.proportion[0]) and math.isnan(interval.low[0])
    assert math.isnan(interval.high[0])
    assert interval.low[1] == 0.0 and interval.proportion[1] == 0.0
    assert interval.high[2] == 1.0 and interval.proportion[2] == 1.0
    assert len(interval) == 3 and interval.level == 0.95
    # Closed form at x = 0: upper bound z^2 / (n + z^2).
    assert interval.high[1] == pytest.approx(Z95**2 / (7 + Z95**2), rel=1e-12)


# --- p-value adjustment: NaN, groups, arguments -------------------------------------------

def test_adjust_nan_stays_nan_and_is_not_counted():
    p = [0.01, np.nan, 0.04, 0.03, np.nan, 0.005]
    adjusted = adjust_p_values(p, method="holm")
    assert np.isnan(adjusted[[1, 4]]).all()
    # m = 4, as for [0.01, 0.04, 0.03, 0.005]: Holm gives 0.03, 0.06, 0.06, 0.02.
    np.testing.assert_allclose(adjusted[[0, 2, 3, 5]], [0.03, 0.06, 0.06, 0.02], rtol=1e-12)
    assert np.isnan(adjust_p_values([np.nan, np.nan], method="bh")).all()


def test_adjust_groups_are_separate_families():
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.01, 0.02, np.nan])
    groups = np.array(["A", "A", "A", "A", "B", "B", "B"])
    for method in ("holm", "bh"):
        grouped = adjust_p_values(p, method=method, groups=groups)
        np.testing.assert_array_equal(grouped[:4], adjust_p_values(p[:4], method=method))
        np.testing.assert_array_equal(grouped[4:6], adjust_p_values(p[4:6], method=method))
        assert np.isnan(grouped[6])
    # B by hand: Holm 2 x 0.01 = 0.02, max(0.02, 1 x 0.02) = 0.02; BH 0.02, 0.02.
    np.testing.assert_allclose(adjust_p_values(p, "holm", groups)[4:6], [0.02, 0.02])


def test_adjust_interleaved_groups_of_many_families_in_one_call():
    rng = np.random.default_rng(7)
    p = rng.uniform(0, 0.2, 3000)
    p[rng.uniform(size=3000) < 0.1] = np.nan
    groups = rng.integers(0, 400, 3000)
    for method in ("holm", "bh"):
        grouped = adjust_p_values(p, method=method, groups=groups)
        for label in np.unique(groups)[:25]:
            members = groups == label
            np.testing.assert_array_equal(grouped[members],
                                          adjust_p_values(p[members], method=method))


def test_adjust_keeps_tiny_p_values_exact():
    p = [1e-300, 2e-300, 0.5]
    np.testing.assert_allclose(adjust_p_values(p, "holm", groups=[7, 7, 8]),
                               [2e-300, 2e-300, 0.5], rtol=1e-14)


def test_adjust_arguments():
    with pytest.raises(ValueError, match="method must be 'holm' or 'bh'"):
        adjust_p_values([0.1], method="bonferroni")
    with pytest.raises(ValueError, match="between 0 and 1"):
        adjust_p_values([0.1, 1.2])
    with pytest.raises(ValueError, match="one label per p-value"):
        adjust_p_values([0.1, 0.2], groups=[1])
    assert adjust_p_values([0.01, 0.02], method="BH").tolist() == [0.02, 0.02]
    assert adjust_p_values([], method="holm").shape == (0,)


# --- exact machinery edge cases -------------------------------------------------------------

def test_fisher_single_possible_table_has_p_one():
    # Empty table, empty column, empty column: the margins allow one table only.
    assert fisher_exact_p([0, 5, 0], [0, 0, 7], [0, 4, 0], [0, 0, 3]).tolist() == [1.0] * 3


def test_conditional_interval_bounds_at_the_support_ends():
    low, high = conditional_odds_ratio_interval([0, 5, 0], [5, 0, 0], [3, 2, 0], [2, 4, 4])
    assert low[0] == 0.0 and math.isfinite(high[0])   # a = 0: at the bottom of the support
    assert high[1] == math.inf and low[1] > 0         # b = 0: at the top
    assert (low[2], high[2]) == (0.0, math.inf)       # empty column: one possible table


def test_exact_interval_for_a_table_with_a_support_in_the_thousands():
    # Support of the top-left cell: 0 .. 9000. Checked against scipy's nchypergeom_fisher.
    from scipy.stats import nchypergeom_fisher

    a, b, c, d = 6000, 14000, 3000, 9000
    low, high = conditional_odds_ratio_interval(a, b, c, d)
    dist_low = nchypergeom_fisher(a + b + c + d, a + b, a + c, low[0])
    dist_high = nchypergeom_fisher(a + b + c + d, a + b, a + c, high[0])
    assert dist_low.sf(a - 1) == pytest.approx(0.025, rel=1e-7)
    assert dist_high.cdf(a) == pytest.approx(0.025, rel=1e-7)
    est = disparity_statistics("odds", a, b, c, d, ci_method="exact")
    assert est.ci_low[0] == low[0] and est.ci_high[0] == high[0]


def test_ratio_change_undefined_inputs_give_nan():
    result = ratio_change_test([2.0, 0.0, math.inf, np.nan], [1.0, 0.0, 1.0, 1.0],
                               [4.0, 3.0, math.inf, 2.0], [1.0] * 4, [0.5] * 4, [2.0] * 4)
    assert math.isfinite(result.p_value[0])
    assert np.isnan(result.p_value[1:]).all() and np.isnan(result.ratio[1:]).all()
    assert len(result) == 4
