"""Tests for wres_core.funnel: funnel limits on the log-ratio scale (FunnelPlotR method).

The hand-worked example lives in tests/reference_values/funnel_hand_worked_*.csv with the
arithmetic written out in the ``working`` column; none of its numbers come from funnel.py.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wres_core import funnel
from wres_core.funnel import (
    NOT_ASSESSED_TOO_FEW,
    NOT_ASSESSED_ZERO_CELL,
    SIGNIFICANTLY_HIGHER,
    SIGNIFICANTLY_LOWER,
    SIMILAR,
    STRONGLY_HIGHER,
    STRONGLY_LOWER,
    FunnelResult,
    fit_headcount_precision,
    funnel_curve,
    funnel_curve_by_headcount,
    funnel_limits,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference_values"
RTOL4 = 5e-5  # 4 significant figures, with margin


def _read(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _float(text: str) -> float:
    return float(text) if text != "" else math.nan


# --- the hand-worked example -----------------------------------------------------------------


@pytest.fixture(scope="module")
def hand():
    orgs = _read("funnel_hand_worked_orgs.csv")
    summary = {
        row["quantity"]: float(row["value"]) for row in _read("funnel_hand_worked_summary.csv")
    }
    limits = _read("funnel_hand_worked_limits.csv")
    y = np.array([_float(r["y"]) for r in orgs])
    s = np.array([_float(r["s"]) for r in orgs])
    return orgs, summary, limits, funnel_limits(y, s)


def test_hand_worked_scalars(hand):
    _, summary, _, res = hand
    assert res.n == summary["n"]
    assert res.theta == pytest.approx(summary["theta"], rel=RTOL4)
    assert res.target_ratio == pytest.approx(summary["target_ratio"], rel=RTOL4)
    assert res.winsor_bounds[0] == pytest.approx(summary["winsor_low"], rel=RTOL4)
    assert res.winsor_bounds[1] == pytest.approx(summary["winsor_high"], rel=RTOL4)
    assert res.phi == pytest.approx(summary["phi"], rel=RTOL4)
    assert res.tau2 == pytest.approx(summary["tau2"], rel=RTOL4)
    assert res.tau == pytest.approx(summary["tau"], rel=RTOL4)
    assert res.overdispersion_adjusted is True
    assert res.note == ""


def test_hand_worked_per_organisation(hand):
    orgs, _, _, res = hand
    for i, row in enumerate(orgs):
        if row["org"] == "K":
            assert not res.included[i]
            assert math.isnan(res.z[i]) and math.isnan(res.z_winsorised[i])
            continue
        assert res.included[i]
        assert res.z[i] == pytest.approx(float(row["z"]), rel=RTOL4, abs=1e-12)
        assert res.z_winsorised[i] == pytest.approx(
            float(row["z_winsorised"]), rel=RTOL4, abs=1e-12
        )
        assert res.z_adjusted()[i] == pytest.approx(float(row["z_adjusted"]), rel=RTOL4, abs=1e-9)
    assert list(res.verdicts()) == [r["verdict_adjusted"] for r in orgs]
    assert list(res.verdicts(adjusted=False)) == [r["verdict_unadjusted"] for r in orgs]
    assert not res.strongly_outside().any()


def test_hand_worked_limits(hand):
    _, _, limits, res = hand
    for row in limits:
        low, high = res.limits(
            float(row["s"]), level=float(row["level"]), adjusted=row["adjusted"] == "true"
        )
        assert float(low) == pytest.approx(float(row["low"]), rel=RTOL4), row["working"]
        assert float(high) == pytest.approx(float(row["high"]), rel=RTOL4), row["working"]


def test_hand_worked_limits_vectorised_match_scalar(hand):
    _, _, _, res = hand
    low, high = res.limits(np.array([0.25, 0.5]))
    assert low == pytest.approx([0.6328189, 0.4003325], rel=RTOL4)
    assert high == pytest.approx([1.930098, 3.050971], rel=RTOL4)


def test_small_hand_example_strong_verdicts_and_zero_cells():
    # Five orgs with s = 0.1 (w = 100) and y = 0, 0, 0, 0.5, -0.5, then a zero cell (log 0)
    # and an unknown ratio. theta = 0; z = 0, 0, 0, 5, -5. Sorted z: -5 0 0 0 5.
    # Type 7: p=0.1 -> h=1.4 -> -5 + 0.4*5 = -3; p=0.9 -> h=4.6 -> 0 + 0.6*5 = 3.
    # zw = 0, 0, 0, 3, -3; phi = 18/5 = 3.6;
    # tau2 = (5*3.6 - 4) / (500 - 5*100^2/500) = 14 / 400 = 0.035.
    # Adjusted: z_adj(0.5) = 0.5 / sqrt(0.01 + 0.035) = 0.5 / 0.2121320 = 2.357023
    #   -> significantly higher (1.959964 < 2.357 <= 3.090232), not strongly.
    # Unadjusted: z = 5 > 3.090232 -> strongly higher; -5 -> strongly lower.
    y = [0.0, 0.0, 0.0, 0.5, -0.5, -np.inf, np.nan]
    s = [0.1, 0.1, 0.1, 0.1, 0.1, np.inf, 0.2]
    res = funnel_limits(y, s)
    assert res.n == 5
    assert res.theta == pytest.approx(0.0, abs=1e-15)
    assert res.winsor_bounds == pytest.approx((-3.0, 3.0))
    assert res.phi == pytest.approx(3.6, rel=RTOL4)
    assert res.tau2 == pytest.approx(0.035, rel=RTOL4)
    assert res.z_adjusted()[3] == pytest.approx(2.357023, rel=RTOL4)
    # 95% adjusted limits at s = 0.1: exp(-/+ 1.959964 * 0.2121320) = exp(-/+ 0.4157711)
    low, high = res.limits(0.1)
    assert (float(low), float(high)) == pytest.approx((0.6598410, 1.515518), rel=RTOL4)

    zc = NOT_ASSESSED_ZERO_CELL
    assert list(res.verdicts()) == [
        SIMILAR, SIMILAR, SIMILAR, SIGNIFICANTLY_HIGHER, SIGNIFICANTLY_LOWER, zc, zc
    ]
    assert list(res.verdict_labels()) == list(res.verdicts())
    assert list(res.verdicts(adjusted=False)) == list(res.verdicts())
    assert list(res.verdict_labels(adjusted=False)) == [
        SIMILAR, SIMILAR, SIMILAR, STRONGLY_HIGHER, STRONGLY_LOWER, zc, zc
    ]
    assert list(res.strongly_outside(adjusted=False)) == [
        False, False, False, True, True, False, False
    ]
    # The excluded orgs are still in every per-organisation array.
    assert res.y.shape == res.s.shape == res.z.shape == res.included.shape == (7,)
    assert list(res.included) == [True] * 5 + [False, False]
    assert np.isnan(res.precision[5:]).all()
    assert res.ratio[5] == 0.0


def test_zero_cells_do_not_change_the_estimates(hand):
    _, _, _, res = hand
    y = np.r_[res.y[:10], np.inf, np.nan, 0.3, 0.2]
    s = np.r_[res.s[:10], np.inf, 0.3, np.nan, 0.0]
    more = funnel_limits(y, s)
    assert more.n == 10
    assert (more.theta, more.phi, more.tau2) == pytest.approx((res.theta, res.phi, res.tau2))
    assert list(more.verdicts()[10:]) == [NOT_ASSESSED_ZERO_CELL] * 4


# --- FunnelPlotR's documented behaviour ------------------------------------------------------


def test_no_adjustment_when_phi_at_most_one():
    # s = 0.5, y = 0.1, -0.1, 0.2, -0.2: theta = 0, z = 0.2, -0.2, 0.4, -0.4, phi < 1.
    res = funnel_limits([0.1, -0.1, 0.2, -0.2], [0.5] * 4)
    assert res.phi < 1
    assert res.tau2 == 0.0
    s = np.linspace(0.0, 2.0, 11)
    for level in (0.95, 0.998):
        adj = res.limits(s, level=level, adjusted=True)
        unadj = res.limits(s, level=level, adjusted=False)
        np.testing.assert_array_equal(adj[0], unadj[0])
        np.testing.assert_array_equal(adj[1], unadj[1])


def test_tau2_zero_for_phi_between_n_minus_1_over_n_and_1():
    # No winsorisation, s = 1, y = +/-0.97 (5 each): theta = 0, phi = 0.97^2 = 0.9409.
    # (n-1)/n = 0.9 < phi <= 1: this module gives tau2 = 0 (no overdispersion). FunnelPlotR's
    # tau_func would give (9.409 - 9) / (10 - 1) = 0.04544 because it tests n*phi < n-1.
    res = funnel_limits([0.97, -0.97] * 5, [1.0] * 10, winsor=None)
    assert res.phi == pytest.approx(0.9409, rel=RTOL4)
    assert res.tau2 == 0.0


def test_tau2_positive_when_overdispersed():
    rng = np.random.default_rng(20240531)
    n = 215
    s = rng.uniform(0.08, 0.4, n)
    true_effect = rng.normal(0.2, 0.3, n)  # heterogeneity: tau = 0.3, tau2 = 0.09
    y = rng.normal(true_effect, s)
    res = funnel_limits(y, s)
    assert res.phi > 1
    assert 0.03 < res.tau2 < 0.2
    low_adj, high_adj = res.limits(0.1)
    low_un, high_un = res.limits(0.1, adjusted=False)
    assert low_adj < low_un and high_adj > high_un
    # Fewer orgs flagged once the limits allow for the heterogeneity.
    n_out_adj = np.sum(res.verdicts() != SIMILAR)
    n_out_un = np.sum(res.verdicts(adjusted=False) != SIMILAR)
    assert n_out_adj < n_out_un


def test_no_overdispersion_without_heterogeneity():
    rng = np.random.default_rng(7)
    n = 215
    s = rng.uniform(0.08, 0.4, n)
    y = rng.normal(0.2, s)
    res = funnel_limits(y, s)
    assert res.phi < 1  # winsorising pulls a chi-square(1) mean below 1
    assert res.tau2 == 0.0
    assert res.theta == pytest.approx(0.2, abs=0.05)


def test_limits_at_infinite_precision():
    overdispersed = funnel_limits([0.0, 0.0, 0.0, 0.5, -0.5], [0.1] * 5)  # tau2 = 0.035
    tau = math.sqrt(0.035)
    for s in (0.0, 1e-9):
        low, high = overdispersed.limits(s, level=0.95)
        assert float(low) == pytest.approx(math.exp(-1.959964 * tau), rel=1e-9)
        assert float(high) == pytest.approx(math.exp(1.959964 * tau), rel=1e-9)
        low, high = overdispersed.limits(s, level=0.998)
        assert float(high) == pytest.approx(math.exp(3.090232 * tau), rel=1e-9)
    calm = funnel_limits([0.1, -0.1, 0.2, -0.2], [0.5] * 4)  # tau2 = 0
    low, high = calm.limits(1e-12)
    assert float(low) == pytest.approx(calm.target_ratio, rel=1e-9)
    assert float(high) == pytest.approx(calm.target_ratio, rel=1e-9)
    curve = funnel_curve(overdispersed, precision_grid=[1e3, 1e6, 1e9])
    assert curve["high95"][-1] == pytest.approx(math.exp(1.959964 * tau), rel=1e-6)
    assert curve["high95_unadjusted"][-1] == pytest.approx(1.0, abs=1e-6)


def test_unadjusted_default_when_requested():
    res = funnel_limits([0.0, 0.0, 0.0, 0.5, -0.5], [0.1] * 5, adjust_overdispersion=False)
    assert res.overdispersion_adjusted is False
    assert res.tau2 == pytest.approx(0.035)  # still estimated, for reporting
    assert res.limits(0.1) == res.limits(0.1, adjusted=False)
    assert list(res.verdict_labels())[3] == STRONGLY_HIGHER
    assert list(res.verdict_labels(adjusted=True))[3] == SIGNIFICANTLY_HIGHER


def test_point_on_limit_counts_as_inside():
    # Unadjusted z = 1.959964 exactly -> similar (FunnelPlotR outliers_func uses <= / >=).
    # theta = 0 by symmetry, s = 1.
    res = funnel_limits([1.959964, -1.959964], [1.0, 1.0], adjust_overdispersion=False)
    assert list(res.verdicts()) == [SIMILAR, SIMILAR]


# --- edge cases ------------------------------------------------------------------------------


def test_one_usable_organisation():
    res = funnel_limits([0.4, np.nan], [0.2, 0.1])
    assert res.n == 1
    assert res.theta == pytest.approx(0.4)
    assert res.tau2 == 0.0 and res.phi == 0.0
    assert "only 1 organisation" in res.note
    assert list(res.verdicts()) == [NOT_ASSESSED_TOO_FEW, NOT_ASSESSED_ZERO_CELL]
    assert not res.assessable


def test_no_usable_organisation():
    res = funnel_limits([np.inf, -np.inf], [np.inf, np.inf])
    assert res.n == 0
    assert math.isnan(res.theta) and math.isnan(res.phi) and res.tau2 == 0.0
    assert "no organisation" in res.note
    assert list(res.verdicts()) == [NOT_ASSESSED_ZERO_CELL] * 2
    curve = funnel_curve(res)
    assert curve["precision"].size == 0 and curve["low95"].size == 0


def test_empty_input():
    res = funnel_limits([], [])
    assert res.n == 0 and res.verdicts().shape == (0,)


def test_two_organisations_are_assessed():
    res = funnel_limits([0.0, 1.0], [0.5, 0.5])
    assert res.n == 2 and res.theta == pytest.approx(0.5)
    assert res.assessable
    assert set(res.verdicts()) <= {SIMILAR, SIGNIFICANTLY_HIGHER, SIGNIFICANTLY_LOWER}


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match=r"same length \(got 3 and 2\)"):
        funnel_limits([0.1, 0.2, 0.3], [0.1, 0.2])


def test_two_dimensional_input_raises():
    with pytest.raises(ValueError, match="one-dimensional"):
        funnel_limits([[0.1, 0.2]], [[0.1, 0.2]])


@pytest.mark.parametrize("winsor", [(0.9, 0.1), (-0.1, 0.9), (0.1, 1.5)])
def test_invalid_winsor_raises(winsor):
    with pytest.raises(ValueError, match="winsor"):
        funnel_limits([0.1, 0.2], [0.1, 0.2], winsor=winsor)


def test_invalid_level_raises():
    res = funnel_limits([0.1, 0.2], [0.1, 0.2])
    with pytest.raises(ValueError, match="level"):
        res.limits(0.1, level=95)


def test_other_levels_use_normal_quantile():
    res = funnel_limits([0.1, -0.1, 0.2, -0.2], [0.5] * 4)
    _, high = res.limits(1.0, level=0.9)
    assert float(high) == pytest.approx(math.exp(1.6448536), rel=1e-6)
    assert funnel.z_for_level(0.95) == 1.959964
    assert funnel.z_for_level(0.998) == 3.090232


def test_result_is_frozen_and_arrays_read_only(hand):
    _, _, _, res = hand
    assert isinstance(res, FunnelResult)
    with pytest.raises(AttributeError):
        res.theta = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        res.y[0] = 1.0


def test_input_arrays_not_modified():
    y = np.array([0.1, np.nan, 0.3])
    s = np.array([0.1, 0.2, 0.3])
    funnel_limits(y, s)
    assert np.isnan(y[1]) and y[0] == 0.1


def test_winsor_none_uses_raw_z():
    res = funnel_limits([0.0, 0.0, 0.0, 0.5, -0.5], [0.1] * 5, winsor=None)
    np.testing.assert_array_equal(res.z, res.z_winsorised)
    assert res.phi == pytest.approx(50 / 5)


# --- curves ----------------------------------------------------------------------------------


def test_funnel_curve_default_grid(hand):
    _, _, _, res = hand
    curve = funnel_curve(res, n_points=50)
    expected_keys = {
        "precision", "standard_error", "target",
        "low95", "high95", "low998", "high998",
        "low95_unadjusted", "high95_unadjusted", "low998_unadjusted", "high998_unadjusted",
    }
    assert set(curve) == expected_keys
    assert all(v.shape == (50,) for v in curve.values())
    # precision of A-D is 4, of E-J 2: grid from 1 (half the smallest) to 4.
    assert curve["precision"][0] == pytest.approx(1.0)
    assert curve["precision"][-1] == pytest.approx(4.0)
    assert np.all(np.diff(curve["precision"]) > 0)
    # Limits narrow as precision rises and nest: 99.8% outside 95% outside target.
    assert np.all(np.diff(curve["high95"]) < 0) and np.all(np.diff(curve["low95"]) > 0)
    assert np.all(curve["low998"] < curve["low95"])
    assert np.all(curve["low95"] < curve["target"])
    assert np.all(curve["target"] < curve["high95"])
    assert np.all(curve["high95"] < curve["high998"])
    # At precision 4 (s = 0.25) they match the hand-worked limits.
    assert curve["high95"][-1] == pytest.approx(1.930098, rel=RTOL4)
    assert curve["low998_unadjusted"][-1] == pytest.approx(0.5104013, rel=RTOL4)


def test_funnel_curve_given_grid(hand):
    _, _, _, res = hand
    curve = funnel_curve(res, precision_grid=[2.0, 4.0])
    assert curve["low95"] == pytest.approx([0.4003325, 0.6328189], rel=RTOL4)
    assert curve["high998_unadjusted"] == pytest.approx([5.181611, 2.393024], rel=RTOL4)
    zero = funnel_curve(res, precision_grid=[0.0])
    assert zero["low95"][0] == 0.0 and np.isinf(zero["high95"][0])
    with pytest.raises(ValueError, match="precision_grid"):
        funnel_curve(res, precision_grid=[-1.0])


def test_headcount_precision_fit_recovers_model():
    # s^2 = 0.01 + 4 / x exactly -> alpha = 0.01, beta = 4.
    x = np.array([10.0, 25, 50, 100, 400, 1000])
    s = np.sqrt(0.01 + 4.0 / x)
    model = fit_headcount_precision(x, s)
    assert model.alpha == pytest.approx(0.01, rel=1e-6)
    assert model.beta == pytest.approx(4.0, rel=1e-6)
    assert model.precision(100.0) == pytest.approx(1 / math.sqrt(0.05))
    with pytest.raises(ValueError, match="same length"):
        fit_headcount_precision(x, s[:-1])
    with pytest.raises(ValueError, match="no organisation"):
        fit_headcount_precision([0.0], [0.1])


def test_funnel_curve_by_headcount():
    x = np.array([10.0, 25, 50, 100, 400, 1000, 0])
    s = np.r_[np.sqrt(0.01 + 4.0 / x[:-1]), np.inf]
    y = np.array([0.3, -0.2, 0.1, 0.05, 0.0, 0.02, -np.inf])
    res = funnel_limits(y, s)
    curve = funnel_curve_by_headcount(res, x, n_points=20)
    assert curve["headcount"][0] == pytest.approx(10.0)
    assert curve["headcount"][-1] == pytest.approx(1000.0)
    low, high = res.limits(math.sqrt(0.01 + 4.0 / 1000))
    assert curve["high95"][-1] == pytest.approx(float(high), rel=1e-6)
    assert curve["low95"][-1] == pytest.approx(float(low), rel=1e-6)
    with pytest.raises(ValueError, match="one value per organisation"):
        funnel_curve_by_headcount(res, x[:-1])


# --- properties ------------------------------------------------------------------------------

finite_y = st.floats(-3, 3, allow_nan=False)
finite_s = st.floats(0.01, 2, allow_nan=False)
any_y = st.one_of(finite_y, st.just(np.inf), st.just(-np.inf), st.just(np.nan))
any_s = st.one_of(finite_s, st.just(np.inf), st.just(np.nan), st.just(0.0))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(any_y, any_s), max_size=30))
def test_never_raises_or_warns_and_shapes_hold(pairs):
    y = [p[0] for p in pairs]
    s = [p[1] for p in pairs]
    res = funnel_limits(y, s)
    assert res.n == int(res.included.sum())
    assert res.tau2 >= 0
    verdicts = res.verdict_labels()
    assert verdicts.shape == (len(pairs),)
    assert all(v == NOT_ASSESSED_ZERO_CELL for v in verdicts[~res.included])
    funnel_curve(res, n_points=5)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(finite_y, finite_s), min_size=2, max_size=40), st.randoms())
def test_permutation_invariance_and_nesting(pairs, rnd):
    y = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs])
    res = funnel_limits(y, s)
    order = list(range(len(pairs)))
    rnd.shuffle(order)
    shuffled = funnel_limits(y[order], s[order])
    assert shuffled.theta == pytest.approx(res.theta, abs=1e-9)
    assert shuffled.phi == pytest.approx(res.phi, rel=1e-9, abs=1e-12)
    assert shuffled.tau2 == pytest.approx(res.tau2, rel=1e-9, abs=1e-12)
    assert list(shuffled.verdicts()) == list(res.verdicts()[order])
    # The target lies between the weighted extremes and limits nest around it.
    assert y.min() - 1e-9 <= res.theta <= y.max() + 1e-9
    l95, h95 = res.limits(s)
    l998, h998 = res.limits(s, level=0.998)
    assert np.all(l998 <= l95) and np.all(l95 <= res.target_ratio)
    assert np.all(res.target_ratio <= h95) and np.all(h95 <= h998)
    # Adjusted limits are never narrower than unadjusted ones.
    lu, hu = res.limits(s, adjusted=False)
    assert np.all(l95 <= lu * (1 + 1e-12)) and np.all(h95 >= hu * (1 - 1e-12))
    # Strong implies significant.
    strong = res.strongly_outside()
    assert np.all(res.verdicts()[strong] != SIMILAR)


# --- a national comparison at once (its speed: benchmarks/bench_unit_speed.py) --------------


def test_sixteen_stages_of_215_organisations():
    """The shape the peers page computes: 16 stages of 215 trusts, with infinite ratios
    (zero counts) among them, each give limits, verdicts and a curve."""
    rng = np.random.default_rng(3)
    for _ in range(16):
        s = rng.uniform(0.05, 0.6, 215)
        y = rng.normal(rng.normal(0.2, 0.25, 215), s)
        y[rng.integers(0, 215, 5)] = np.inf
        res = funnel_limits(y, s)
        assert len(res.verdict_labels()) == 215
        low, high = res.limits(s, level=0.998)
        assert np.all(np.isfinite(low)) and np.all(low < high)
        curve = funnel_curve(res)
        assert len(curve)
