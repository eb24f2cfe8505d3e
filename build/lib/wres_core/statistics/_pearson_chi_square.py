"""Pearson's chi-square test of a 2x2 table, without continuity correction."""

from __future__ import annotations

import numpy as np
from scipy.special import chdtrc

from wres_core.statistics._validation import as_count_arrays, require_non_negative


def pearson_chi_square_p(a, b, c, d) -> np.ndarray:
    """Two-sided p-value of Pearson's chi-square test for each ``[[a, b], [c, d]]``.

    **Method** (Pearson 1900; e.g. Agresti 2002, section 3.2 [1]_), no continuity correction
    (R's ``chisq.test(x, correct = FALSE)``; epitools' ``chi.square`` column):

        X^2 = N (a d - b c)^2 / ((a + b)(c + d)(a + c)(b + d)),   p = P(chi-square_1 > X^2).

    **Edge cases.** A table with an empty row or column has no test (NaN). Negative counts
    raise ``ValueError``. For small tables prefer :func:`fisher_exact_p`.

    Examples
    --------
    Fagerland, Lydersen & Laake (2017), tea-tasting ``[[3, 1], [1, 3]]``: "Pearson chi-squared
    test: P = 0.15730, T = 2.000 (df = 1)".

    >>> round(float(pearson_chi_square_p(3, 1, 1, 3)[0]), 5)
    0.1573

    References
    ----------
    .. [1] Agresti A. Categorical Data Analysis, 2nd edn. Wiley, 2002.
    """
    names = ("a", "b", "c", "d")
    cells = as_count_arrays(names, (a, b, c, d))
    require_non_negative(names, cells)
    return pearson_chi_square_p_of(*(np.asarray(v, dtype=float) for v in cells))


def pearson_chi_square_p_of(a, b, c, d) -> np.ndarray:
    """Pearson p-values for float cells (no checks)."""
    margins_product = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = (a + b + c + d) * (a * d - b * c) ** 2 / margins_product
    return np.where(margins_product > 0, chdtrc(1.0, statistic), np.nan)
