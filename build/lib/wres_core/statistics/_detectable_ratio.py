"""The smallest ratio a stage's numbers could show as significant."""

from __future__ import annotations

import numpy as np

from wres_core.statistics._validation import as_count_arrays, check_level, two_sided_z

KINDS = ("odds", "risk")


def detectable_ratio(kind: str, white_to, white_from, bme_to, bme_from,
                     level: float = 0.95) -> np.ndarray:
    """Smallest ratio above 1 that would reach significance with these numbers (~50% power).

    A ratio near 1 with a wide interval is "no evidence", not "no disparity"; this says how
    large a disparity the stage's numbers could have detected. Keep the margins (group sizes
    and the overall proportion moving up or passing) fixed, assume parity, and take the
    standard error of the log ratio at parity, SE0. A true log ratio of ``z * SE0`` would be
    estimated above the significance threshold about half the time, so

        detectable_ratio = exp(z * SE0),   z = two-sided normal quantile for ``level``.

    * ``kind="odds"`` (band and tier stages; ``from`` and ``to`` are disjoint headcounts):
      ``nW = white_to + white_from``, ``nB = bme_to + bme_from``,
      ``p = (white_to + bme_to) / (nW + nB)``, the Woolf variance at parity:
      ``SE0 = sqrt(1/(nW p) + 1/(nW (1-p)) + 1/(nB p) + 1/(nB (1-p)))``.
    * ``kind="risk"`` (recruitment; ``to`` is nested in ``from``): ``nW = white_from``,
      ``nB = bme_from``, ``p = (white_to + bme_to) / (nW + nB)``, the Katz variance at parity:
      ``SE0 = sqrt((1-p)/(nW p) + (1-p)/(nB p))``.

    **Edge cases.** NaN where undefined: an empty group, ``p = 0`` (nobody moves up or
    passes) or ``p = 1`` (everybody does, so no ratio above 1 is possible), negative counts or,
    for risk, ``to > from``.

    Examples
    --------
    200 White and 200 BME staff, a quarter of each at the upper level (``p = 0.25``): SE0 =
    sqrt(2/50 + 2/150) = 0.2309, so at 95% the detectable odds ratio is
    exp(1.959964 x 0.2309) = 1.572.

    >>> round(float(detectable_ratio("odds", 50, 150, 50, 150)[0]), 3)
    1.572
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'odds' or 'risk', not {kind!r}.")
    level = check_level(level)
    names = ("white_to", "white_from", "bme_to", "bme_from")
    counts = as_count_arrays(names, (white_to, white_from, bme_to, bme_from))
    return detectable_ratio_of(kind, *(np.asarray(v, dtype=float) for v in counts), level)


def detectable_ratio_of(kind, white_to, white_from, bme_to, bme_from, level) -> np.ndarray:
    """Detectable ratios for float counts (no argument checks)."""
    valid = (white_to >= 0) & (white_from >= 0) & (bme_to >= 0) & (bme_from >= 0)
    if kind == "odds":
        n_white, n_bme = white_to + white_from, bme_to + bme_from
    else:
        n_white, n_bme = white_from, bme_from
        valid &= (white_to <= white_from) & (bme_to <= bme_from)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (white_to + bme_to) / (n_white + n_bme)
        if kind == "odds":
            variance = (1 / (n_white * p) + 1 / (n_white * (1 - p))
                        + 1 / (n_bme * p) + 1 / (n_bme * (1 - p)))
        else:
            variance = (1 - p) / (n_white * p) + (1 - p) / (n_bme * p)
        detectable = np.exp(two_sided_z(level) * np.sqrt(variance))
    defined = valid & (n_white > 0) & (n_bme > 0) & (p > 0) & (p < 1)
    return np.where(defined, detectable, np.nan)
