"""Wilson's score interval for a single proportion."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wres_core.statistics._validation import as_count_arrays, check_level, two_sided_z


@dataclass(frozen=True, eq=False)
class ProportionInterval:
    """Proportions with their confidence intervals (float arrays of one length)."""

    proportion: np.ndarray
    low: np.ndarray
    high: np.ndarray
    level: float

    def __len__(self) -> int:
        return len(self.proportion)


def wilson_interval(successes, trials, level: float = 0.95) -> ProportionInterval:
    """Wilson score interval for each proportion ``successes / trials``.

    **Method** (Wilson 1927 [1]_; method 3 of Newcombe 1998 [2]_): the proportions p that the
    score test does not reject, which solve ``(p_hat - p)^2 = z^2 p (1 - p) / n``:

        centre = (x + z^2/2) / (n + z^2),
        half   = z sqrt(x (n - x) / n + z^2 / 4) / (n + z^2),
        interval = centre -/+ half.

    Unlike the Wald interval it never leaves [0, 1] and is not degenerate at 0 or n.

    **Edge cases.** ``trials = 0`` gives NaN for the proportion and both bounds. Negative
    counts or ``successes > trials`` raise ``ValueError``.

    Examples
    --------
    Newcombe (1998), Table I, example (a): 81 of 263, Wilson interval 0.2553 to 0.3662.

    >>> ci = wilson_interval(81, 263)
    >>> round(float(ci.low[0]), 4), round(float(ci.high[0]), 4)
    (0.2553, 0.3662)

    References
    ----------
    .. [1] Wilson EB. Probable inference, the law of succession, and statistical inference.
       J Am Stat Assoc 1927;22:209-212.
    .. [2] Newcombe RG. Two-sided confidence intervals for the single proportion: comparison
       of seven methods. Stat Med 1998;17:857-872.
    """
    level = check_level(level)
    x, n = as_count_arrays(("successes", "trials"), (successes, trials))
    if np.any(x < 0) or np.any(n < 0):
        raise ValueError("successes and trials must not be negative.")
    if np.any(x > n):
        raise ValueError("successes must not exceed trials.")
    x, n = x.astype(float), n.astype(float)
    z = two_sided_z(level)
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        proportion = np.where(n > 0, x / n, np.nan)
        centre = (x + z2 / 2) / (n + z2)
        half = z * np.sqrt(x * (n - x) / n + z2 / 4) / (n + z2)
        low = np.where(n > 0, np.maximum(centre - half, 0.0), np.nan)
        high = np.where(n > 0, np.minimum(centre + half, 1.0), np.nan)
    # At x = 0 (or x = n) the bound is exactly 0 (1); pin it against rounding.
    low = np.where(x == 0, np.where(n > 0, 0.0, np.nan), low)
    high = np.where((x == n) & (n > 0), 1.0, high)
    return ProportionInterval(proportion=proportion, low=low, high=high, level=level)
