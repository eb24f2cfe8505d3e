"""Comparing two independent ratios (e.g. one stage in two years): Altman & Bland (2003)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from wres_core.statistics._validation import as_float_arrays, check_level, two_sided_z


@dataclass(frozen=True, eq=False)
class RatioChange:
    """The ratio of two ratios with its interval and test (float arrays of one length).

    ``ratio = ratio1 / ratio2``; ``log_ratio`` is its logarithm d and ``standard_error`` is
    SE(d); ``standard_error_1`` and ``_2`` are the standard errors of log(ratio1) and
    log(ratio2) recovered from their intervals; ``z = d / SE(d)``; ``p_value`` is two-sided.
    """

    ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    log_ratio: np.ndarray
    standard_error: np.ndarray
    standard_error_1: np.ndarray
    standard_error_2: np.ndarray
    z: np.ndarray
    p_value: np.ndarray
    level: float

    def __len__(self) -> int:
        return len(self.ratio)


def ratio_change_test(ratio1, low1, high1, ratio2, low2, high2,
                      level: float = 0.95) -> RatioChange:
    """Test whether two independent ratios differ, from their estimates and intervals.

    **Method** (Altman & Bland 2003, "Interaction revisited: the difference between two
    estimates" [1]_). Ratios are compared on the log scale. The standard error of each log
    ratio is recovered from its ``level`` confidence interval,

        SE_i = (log(high_i) - log(low_i)) / (2 z),

    and for the difference ``d = log(ratio1) - log(ratio2)``

        SE(d) = sqrt(SE_1^2 + SE_2^2),   z = d / SE(d),
        ratio of ratios = exp(d), interval exp(d -/+ z_level SE(d)),

    with a two-sided normal p-value. The two estimates must be independent (different years
    or different organisations; not overlapping stages of one table) and the intervals must
    be symmetric on the log scale (log intervals; an exact interval makes this approximate).

    **Edge cases.** A zero or infinite ratio or bound, or NaN, gives NaN in that row.

    Examples
    --------
    Altman & Bland's example (hormone replacement therapy and non-vertebral fractures):
    relative risks 0.67 (0.46 to 0.98) in women under 60 and 0.88 (0.71 to 1.08) over 60 give
    d = -0.2726 with SE(d) = 0.2206, a ratio of relative risks of 0.76 (0.49 to 1.17) and
    z = -1.24.

    >>> r = ratio_change_test(0.67, 0.46, 0.98, 0.88, 0.71, 1.08)
    >>> round(float(r.log_ratio[0]), 4), round(float(r.standard_error[0]), 4)
    (-0.2726, 0.2206)

    References
    ----------
    .. [1] Altman DG, Bland JM. Interaction revisited: the difference between two estimates.
       BMJ 2003;326:219. doi:10.1136/bmj.326.7382.219
    """
    level = check_level(level)
    names = ("ratio1", "low1", "high1", "ratio2", "low2", "high2")
    r1, l1, h1, r2, l2, h2 = as_float_arrays(names, (ratio1, low1, high1, ratio2, low2, high2))
    z_level = two_sided_z(level)
    usable = np.ones(len(r1), dtype=bool)
    for values in (r1, l1, h1, r2, l2, h2):
        usable &= np.isfinite(values) & (values > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        se1 = (np.log(h1) - np.log(l1)) / (2 * z_level)
        se2 = (np.log(h2) - np.log(l2)) / (2 * z_level)
        d = np.log(r1) - np.log(r2)
        se = np.sqrt(se1**2 + se2**2)
        z = d / se
        columns = {
            "ratio": np.exp(d), "ci_low": np.exp(d - z_level * se),
            "ci_high": np.exp(d + z_level * se), "log_ratio": d, "standard_error": se,
            "standard_error_1": se1, "standard_error_2": se2, "z": z,
            "p_value": 2 * ndtr(-np.abs(z)),
        }
    # Undefined rows (zero, infinite or missing inputs) are NaN in every column.
    return RatioChange(**{name: np.where(usable, values, np.nan)
                          for name, values in columns.items()}, level=level)
