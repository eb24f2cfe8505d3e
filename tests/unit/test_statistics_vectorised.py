"""Vectorised results equal per-table computations by independent code, and properties.

scipy (``fisher_exact``, ``odds_ratio``, ``relative_risk``, ``chi2_contingency``) is the
independent implementation for Fisher's test, the exact conditional interval, Woolf, Katz and
Pearson; for Koopman's interval it is Nam's closed-form cubic solution as in R's
``PropCIs::riskscoreci`` (transcribed below). Each is computed one table at a time.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, fisher_exact, norm
from scipy.stats.contingency import odds_ratio, relative_risk

from wres_core.statistics import (
    adjust_p_values,
    conditional_odds_ratio_interval,
    disparity_statistics,
    fisher_exact_p,
    katz_interval,
    koopman_interval,
    pearson_chi_square_p,
    wilson_interval,
    woolf_interval,
)


def random_tables(seed: int, size: int, allow_zero: bool = True,
                  scales: tuple[int, ...] = (3, 10, 40, 200, 600)) -> np.ndarray:
    """Tables of mixed sizes: a handful of staff up to hundreds, some with zero cells."""
    rng = np.random.default_rng(seed)
    scale = rng.choice(scales, size=(size, 1))
    cells = rng.poisson(scale * rng.uniform(0.2, 1.5, size=(size, 4)))
    if not allow_zero:
        cells = np.maximum(cells, 1)
    # No empty row or column: scipy's functions reject or warn on those.
    cells[:, 0] += (cells[:, 0] + cells[:, 1] == 0) | (cells[:, 0] + cells[:, 2] == 0)
    cells[:, 3] += (cells[:, 2] + cells[:, 3] == 0) | (cells[:, 1] + cells[:, 3] == 0)
    return cells


TABLES = random_tables(2024, 300)
#: Supports in the thousands (scipy's per-table interval is slow there, so only a few).
LARGE_TABLES = random_tables(2025, 4, scales=(3000, 8000))


def test_fisher_p_equals_scipy_per_table():
    tables = np.vstack([TABLES, LARGE_TABLES])
    ours = fisher_exact_p(*tables.T)
    for (a, b, c, d), value in zip(tables, ours, strict=True):
        expected = fisher_exact([[a, b], [c, d]]).pvalue
        assert value == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(("tables", "level"), [
    pytest.param(TABLES, 0.95, id="300 tables"),
    pytest.param(TABLES[:100], 0.9, id="100 tables at 90%"),
    pytest.param(LARGE_TABLES, 0.95, id="supports in the thousands", marks=pytest.mark.slow),
])
def test_conditional_interval_equals_scipy_per_table(tables, level):
    low, high = conditional_odds_ratio_interval(*tables.T, level=level)
    for (a, b, c, d), lo, hi in zip(tables, low, high, strict=True):
        ci = odds_ratio([[a, b], [c, d]], kind="conditional").confidence_interval(level)
        assert lo == pytest.approx(ci.low, rel=1e-6, abs=1e-300)
        assert hi == pytest.approx(ci.high, rel=1e-6)


def test_woolf_and_pearson_equal_scipy_per_table():
    tables = random_tables(7, 200, allow_zero=False)
    low, high = woolf_interval(*tables.T)
    p = pearson_chi_square_p(*tables.T)
    for (a, b, c, d), lo, hi, value in zip(tables, low, high, p, strict=True):
        ci = odds_ratio([[a, b], [c, d]], kind="sample").confidence_interval(0.95)
        assert (lo, hi) == pytest.approx((ci.low, ci.high), rel=1e-10)
        expected = chi2_contingency([[a, b], [c, d]], correction=False).pvalue
        assert value == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_katz_equals_scipy_relative_risk_per_table():
    tables = random_tables(8, 200, allow_zero=False)
    x1, x2 = tables[:, 0], tables[:, 2]
    n1, n2 = x1 + tables[:, 1], x2 + tables[:, 3]
    low, high = katz_interval(x1, n1, x2, n2)
    for row, lo, hi in zip(zip(x1, n1, x2, n2, strict=True), low, high, strict=True):
        result = relative_risk(exposed_cases=int(row[0]), exposed_total=int(row[1]),
                               control_cases=int(row[2]), control_total=int(row[3]))
        ci = result.confidence_interval(0.95)
        assert (lo, hi) == pytest.approx((ci.low, ci.high), rel=1e-10)


def nam_riskscoreci(x1: int, n1: int, x2: int, n2: int, level: float = 0.95):
    """Koopman's interval by Nam's (1995) cubic, transcribed from R's PropCIs::riskscoreci.

    Valid for 0 < x1 < n1, 0 < x2 < n2 and the zero cases; PropCIs iterates when x = n.
    """
    z = abs(norm.ppf((1 - level) / 2))
    if x1 == 0 and x2 == 0:
        return 0.0, math.inf
    a1 = n2 * (n2 * (n2 + n1) * x1 + n1 * (n2 + x1) * z**2)
    a2 = -n2 * (n2 * n1 * (x2 + x1) + 2 * (n2 + n1) * x2 * x1 + n1 * (n2 + x2 + 2 * x1) * z**2)
    a3 = 2 * n2 * n1 * x2 * (x2 + x1) + (n2 + n1) * x2**2 * x1 + n2 * n1 * (x2 + x1) * z**2
    a4 = -n1 * x2**2 * (x2 + x1)
    b1, b2, b3 = a2 / a1, a3 / a1, a4 / a1
    c1 = b2 - b1**2 / 3
    c2 = b3 - b1 * b2 / 3 + 2 * b1**3 / 27
    ceta = math.acos(math.sqrt(27) * c2 / (2 * c1 * math.sqrt(-c1)))
    roots = [-2 * math.sqrt(-c1 / 3) * math.cos(math.pi / 3 - ceta / 3) - b1 / 3,
             -2 * math.sqrt(-c1 / 3) * math.cos(math.pi / 3 + ceta / 3) - b1 / 3,
             2 * math.sqrt(-c1 / 3) * math.cos(ceta / 3) - b1 / 3]
    p0_up = min(roots)
    p0_low = sum(roots) - p0_up - max(roots)

    def bound(p0: float) -> float:
        return (1 - (n1 - x1) * (1 - p0) / (x2 + n1 - (n2 + n1) * p0)) / p0

    if x2 == 0:
        return bound(p0_low), math.inf
    if x1 == 0:
        return 0.0, bound(p0_up)
    return bound(p0_low), bound(p0_up)


def test_koopman_equals_nam_closed_form_per_table():
    rng = np.random.default_rng(11)
    n1 = rng.integers(1, 400, 300)
    n2 = rng.integers(1, 400, 300)
    x1 = rng.binomial(n1, rng.uniform(0, 1, 300))
    x2 = rng.binomial(n2, rng.uniform(0, 1, 300))
    # Nam's cubic as transcribed needs x < n (PropCIs iterates otherwise).
    keep = (x1 < n1) & (x2 < n2)
    x1, n1, x2, n2 = x1[keep], n1[keep], x2[keep], n2[keep]
    low, high = koopman_interval(x1, n1, x2, n2)
    # The trigonometric cubic solution loses up to ~1e-6 relative precision (checked with
    # mpmath on (2, 174, 378, 388)); the bisection here solves the score equation to ~1e-15.
    for row, lo, hi in zip(zip(x1, n1, x2, n2, strict=True), low, high, strict=True):
        expected = nam_riskscoreci(*(int(v) for v in row))
        assert lo == pytest.approx(expected[0], rel=1e-5, abs=1e-300)
        assert hi == pytest.approx(expected[1], rel=1e-5)
    assert (x1 == 0).sum() > 0 and (x2 == 0).sum() > 0  # the zero cases are exercised


def test_disparity_statistics_equals_per_table_rules():
    """Each row of one vectorised call equals the documented rule applied table by table."""
    ours = disparity_statistics("odds", *TABLES.T)
    for i, (a, b, c, d) in enumerate(TABLES):
        table = [[a, b], [c, d]]
        expected_small = min(a, b, c, d) < 5 or (
            min(a + b, c + d) * min(a + c, b + d) / (a + b + c + d) < 5)
        zero = min(a, b, c, d) == 0
        assert ours.small_counts[i] == expected_small
        assert ours.zero_cell[i] == zero
        if zero or expected_small:
            ci = odds_ratio(table, kind="conditional").confidence_interval()
            assert ours.ci_method[i] == "exact (conditional)"
        else:
            ci = odds_ratio(table, kind="sample").confidence_interval()
            assert ours.ci_method[i] == "log (Woolf)"
        assert ours.ci_low[i] == pytest.approx(ci.low, rel=1e-6, abs=1e-300)
        assert ours.ci_high[i] == pytest.approx(ci.high, rel=1e-6)
        if expected_small:
            assert ours.test[i] == "Fisher's exact"
            p = fisher_exact(table).pvalue
        else:
            assert ours.test[i] == "Pearson chi-square"
            p = chi2_contingency(table, correction=False).pvalue
        assert ours.p_value[i] == pytest.approx(p, rel=1e-9, abs=1e-300)
        with np.errstate(divide="ignore", invalid="ignore"):
            sample = (a * d) / (b * c) if b * c else (math.inf if a * d else math.nan)
        assert ours.ratio[i] == pytest.approx(sample, rel=1e-12, nan_ok=True)


def test_batch_results_do_not_depend_on_batch_composition():
    whole = disparity_statistics("odds", *TABLES.T, ci_method="exact")
    for start in (0, 150):
        part = disparity_statistics("odds", *TABLES[start:start + 37].T, ci_method="exact")
        for name in ("ratio", "ci_low", "ci_high", "p_value"):
            np.testing.assert_allclose(getattr(part, name),
                                       getattr(whole, name)[start:start + 37], rtol=1e-10)


# --- properties -------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=60)
big_counts = st.integers(min_value=0, max_value=5000)


@settings(max_examples=60, deadline=None)
@given(st.tuples(counts, counts, counts, counts),
       st.sampled_from(["auto", "log", "exact"]), st.sampled_from(["odds", "risk"]))
def test_swapping_the_groups_inverts_ratio_and_interval(cells, ci_method, kind):
    wt, wf, bt, bf = cells
    if kind == "risk":
        wt, bt = min(wt, wf), min(bt, bf)
    one = disparity_statistics(kind, wt, wf, bt, bf, ci_method=ci_method)
    other = disparity_statistics(kind, bt, bf, wt, wf, ci_method=ci_method)
    assert one.ci_method[0] == other.ci_method[0]
    if math.isnan(one.ratio[0]):
        assert math.isnan(other.ratio[0])
        return
    with np.errstate(divide="ignore"):
        assert other.ratio[0] == pytest.approx(1 / one.ratio[0], rel=1e-9)
        assert other.ci_low[0] == pytest.approx(1 / one.ci_high[0], rel=1e-6)
        assert other.ci_high[0] == pytest.approx(1 / one.ci_low[0], rel=1e-6)
    assert other.p_value[0] == pytest.approx(one.p_value[0], rel=1e-9)
    assert other.detectable_ratio[0] == pytest.approx(one.detectable_ratio[0], rel=1e-12,
                                                      nan_ok=True)


@settings(max_examples=60, deadline=None)
@given(st.tuples(big_counts, big_counts, big_counts, big_counts))
def test_log_and_score_intervals_contain_the_ratio(cells):
    wt, wf, bt, bf = cells
    odds = disparity_statistics("odds", wt, wf, bt, bf, ci_method="log")
    risk = disparity_statistics("risk", min(wt, wf), wf, min(bt, bf), bf)
    for est in (odds, risk):
        if np.isfinite(est.ratio[0]) and est.ratio[0] > 0:
            assert est.ci_low[0] <= est.ratio[0] * (1 + 1e-9)
            assert est.ratio[0] <= est.ci_high[0] * (1 + 1e-9)
        if not math.isnan(est.p_value[0]):
            assert 0 <= est.p_value[0] <= 1


@settings(max_examples=60, deadline=None)
@given(st.tuples(counts, counts, counts, counts))
def test_exact_interval_excludes_one_exactly_when_one_sided_fisher_is_below_alpha(cells):
    a, b, c, d = cells
    low, high = conditional_odds_ratio_interval(a, b, c, d)
    if a + b == 0 or c + d == 0 or a + c == 0 or b + d == 0:
        assert (low[0], high[0]) == (0.0, math.inf)
        return
    greater = fisher_exact([[a, b], [c, d]], alternative="greater").pvalue
    less = fisher_exact([[a, b], [c, d]], alternative="less").pvalue
    if min(greater, less) < 0.025 * (1 - 1e-6):
        assert low[0] > 1 or high[0] < 1
    elif min(greater, less) > 0.025 * (1 + 1e-6):
        assert low[0] <= 1 <= high[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(0, 1), st.just(math.nan)), min_size=0, max_size=40),
       st.integers(1, 4))
def test_adjusted_p_values_are_bounded_and_ordered(p, families):
    p = np.array(p, dtype=float)
    groups = np.arange(len(p)) % families
    holm = adjust_p_values(p, "holm", groups)
    bh = adjust_p_values(p, "bh", groups)
    present = ~np.isnan(p)
    assert np.array_equal(np.isnan(holm), ~present) and np.array_equal(np.isnan(bh), ~present)
    assert np.all(holm[present] >= p[present] - 1e-15)
    assert np.all(bh[present] >= p[present] - 1e-15)
    assert np.all(bh[present] <= holm[present] + 1e-15)
    assert np.all(holm[present] <= 1) and np.all(bh[present] <= 1)
    for g in range(families):
        member = present & (groups == g)
        order = np.argsort(p[member], kind="stable")
        assert np.all(np.diff(holm[member][order]) >= -1e-15)  # monotone in p
        assert np.all(np.diff(bh[member][order]) >= -1e-15)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 500), st.integers(0, 500), st.sampled_from([0.8, 0.95, 0.99]))
def test_wilson_interval_contains_the_proportion_within_zero_one(x, extra, level):
    n = x + extra
    interval = wilson_interval(x, n, level=level)
    if n == 0:
        assert math.isnan(interval.low[0])
        return
    assert 0 <= interval.low[0] <= x / n <= interval.high[0] <= 1
