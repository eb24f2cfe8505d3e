"""Log-scale (Woolf and Katz) confidence intervals for an odds ratio and a relative risk."""

from __future__ import annotations

import numpy as np

from wres_core.statistics._validation import (
    as_count_arrays,
    check_level,
    require_non_negative,
    two_sided_z,
)


def woolf_interval(a, b, c, d, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Woolf's log interval for the odds ratio ``(a d) / (b c)`` of ``[[a, b], [c, d]]``.

    **Method** (Woolf 1955 [1]_): on the log scale the sample odds ratio is approximately
    normal with standard error

        SE = sqrt(1/a + 1/b + 1/c + 1/d),   interval = exp(log(OR) -/+ z SE),

    with z the two-sided normal quantile for ``level`` (1.959964 for 95%). This is epitools'
    ``oddsratio.wald`` [2]_.

    **Edge cases.** With a zero cell the interval is undefined and both bounds are NaN (use
    the exact conditional interval, or add 0.5 to every cell first). Negative counts raise.

    Examples
    --------
    Kahn et al., Biostatistics For Dummies (2nd edn, 2023), Figure 13-2, obesity and
    hypertension ``[[14, 7], [12, 27]]``: ``oddsratio.wald`` gives 4.5 with limits "1.448095"
    and "13.98389".

    >>> low, high = woolf_interval(14, 7, 12, 27)
    >>> round(float(low[0]), 6), round(float(high[0]), 5)
    (1.448095, 13.98389)

    References
    ----------
    .. [1] Woolf B. On estimating the relation between blood group and disease. Ann Hum Genet
       1955;19:251-253.
    .. [2] Aragon TJ. epitools: Epidemiology Tools, R package, ``oddsratio.wald``.
    """
    level = check_level(level)
    names = ("a", "b", "c", "d")
    cells = as_count_arrays(names, (a, b, c, d))
    require_non_negative(names, cells)
    a, b, c, d = (np.asarray(v, dtype=float) for v in cells)
    return woolf_interval_of(a, b, c, d, level)


def woolf_standard_error_of(a, b, c, d) -> np.ndarray:
    """Woolf's standard error of log(OR), ``sqrt(1/a + 1/b + 1/c + 1/d)``; NaN with a zero."""
    defined = (a > 0) & (b > 0) & (c > 0) & (d > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(defined, np.sqrt(1 / a + 1 / b + 1 / c + 1 / d), np.nan)


def woolf_interval_of(a, b, c, d, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Woolf bounds for float cells (no checks); NaN where a cell is zero."""
    z = two_sided_z(level)
    defined = (a > 0) & (b > 0) & (c > 0) & (d > 0)
    se = woolf_standard_error_of(a, b, c, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log(a) + np.log(d) - np.log(b) - np.log(c)
        low = np.where(defined, np.exp(log_ratio - z * se), np.nan)
        high = np.where(defined, np.exp(log_ratio + z * se), np.nan)
    return low, high


def katz_interval(x1, n1, x2, n2, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Katz's log interval for the relative risk ``(x1 / n1) / (x2 / n2)``.

    **Method** (Katz et al. 1978 [1]_, method C): on the log scale

        SE = sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2),   interval = exp(log(RR) -/+ z SE).

    This is epitools' ``riskratio.wald`` [2]_ and scipy's ``relative_risk`` interval.

    **Edge cases.** ``x1 = 0`` or ``x2 = 0`` makes the interval undefined (NaN); use the
    Koopman score interval. When both groups have every trial a success the standard error is
    0 and the interval is the single point 1. Rows with ``n = 0`` or ``x > n`` give NaN.

    Examples
    --------
    Kahn et al., Biostatistics For Dummies (2nd edn, 2023), Listing 13-1, ``riskratio.wald``
    of ``matrix(c(14, 12, 7, 27), 2)``: 27 of 39 against 7 of 21, "2.076923 1.09512 3.938939".

    >>> low, high = katz_interval(27, 39, 7, 21)
    >>> round(float(low[0]), 5), round(float(high[0]), 6)
    (1.09512, 3.938939)

    References
    ----------
    .. [1] Katz D, Baptista J, Azen SP, Pike MC. Obtaining confidence intervals for the risk
       ratio in cohort studies. Biometrics 1978;34:469-474.
    .. [2] Aragon TJ. epitools: Epidemiology Tools, R package, ``riskratio.wald``.
    """
    level = check_level(level)
    names = ("x1", "n1", "x2", "n2")
    counts = as_count_arrays(names, (x1, n1, x2, n2))
    require_non_negative(names, counts)
    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in counts)
    return katz_interval_of(x1, n1, x2, n2, level)


def katz_standard_error_of(x1, n1, x2, n2) -> np.ndarray:
    """Katz's standard error of log(RR), ``sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)``; NaN where
    undefined (a zero numerator, or x > n)."""
    defined = (x1 > 0) & (x2 > 0) & (x1 <= n1) & (x2 <= n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        # max(.., 0) guards rounding when x = n in both groups (variance exactly 0).
        se = np.sqrt(np.maximum(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2, 0.0))
    return np.where(defined, se, np.nan)


def katz_interval_of(x1, n1, x2, n2, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Katz bounds for float counts (no checks); NaN where undefined."""
    z = two_sided_z(level)
    defined = (x1 > 0) & (x2 > 0) & (x1 <= n1) & (x2 <= n2)
    se = katz_standard_error_of(x1, n1, x2, n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log(x1) - np.log(n1) - np.log(x2) + np.log(n2)
        low = np.where(defined, np.exp(log_ratio - z * se), np.nan)
        high = np.where(defined, np.exp(log_ratio + z * se), np.nan)
    return low, high


def log_ratio_standard_error(kind: str, white_to, white_from, bme_to, bme_from) -> np.ndarray:
    """Standard error of the log disparity ratio of each stage (for funnel plots).

    ``kind="odds"``: Woolf, ``sqrt(1/white_to + 1/white_from + 1/bme_to + 1/bme_from)``.
    ``kind="risk"``: Katz, ``sqrt(1/white_to - 1/white_from + 1/bme_to - 1/bme_from)``.
    NaN where a count that the formula divides by is zero (the stage then has a zero cell
    and cannot be placed on a funnel plot).

    The Woolf example above, ``[[14, 7], [12, 27]]``: sqrt(1/14 + 1/7 + 1/12 + 1/27).

    >>> log_ratio_standard_error("odds", [14], [7], [12], [27]).round(4).tolist()
    [0.5785]
    """
    names = ("white_to", "white_from", "bme_to", "bme_from")
    counts = as_count_arrays(names, (white_to, white_from, bme_to, bme_from))
    require_non_negative(names, counts)
    wt, wf, bt, bf = (np.asarray(v, dtype=float) for v in counts)
    if kind == "odds":
        return woolf_standard_error_of(wt, wf, bt, bf)
    if kind == "risk":
        return katz_standard_error_of(wt, wf, bt, bf)
    raise ValueError(f"kind must be 'odds' or 'risk', not {kind!r}.")
