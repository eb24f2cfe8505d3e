"""Fisher's exact test for many 2x2 tables at once, with R's two-sided rule."""

from __future__ import annotations

import numpy as np

from wres_core.statistics._noncentral_hypergeometric import (
    Margins,
    chunks,
    log_base_weights,
    window_around,
    window_edges_negligible,
)
from wres_core.statistics._validation import as_count_arrays, require_non_negative

#: R's fisher.test counts a table as "as or less likely" when its probability is at most
#: the observed one times (1 + 1e-7), so that ties survive floating-point rounding.
RELATIVE_TOLERANCE = 1e-7

#: Half-width of the first window in standard deviations of the central distribution, beyond
#: the distance from its mean to the observed cell.
WINDOW_SDS = 15.0


def fisher_exact_p(a, b, c, d) -> np.ndarray:
    """Two-sided p-value of Fisher's exact test for each table ``[[a, b], [c, d]]``.

    **Method.** Conditional on all four margins the top-left cell follows the (central)
    hypergeometric distribution; the two-sided p-value is the total probability of the tables
    that are no more likely than the one observed [1]_:

        p = sum over x of P(x)  for all x with  P(x) <= P(a) * (1 + 1e-7),

    the rule of R's ``fisher.test`` [2]_ (the factor ``1 + 1e-7`` keeps tied probabilities tied
    despite rounding). This is not twice the one-sided p-value.

    **Edge cases.** A table whose margins allow only one table (for example an empty row or
    column) has p = 1. Negative counts raise ``ValueError``.

    **Speed.** All tables are evaluated together: probabilities are built by a running product
    over a window of the support around the mean wide enough that the ignored probability is
    below 1e-17 of the observed table's (checked for every table and widened where needed).

    Parameters
    ----------
    a, b, c, d : array-like of int
        The four cells, row by row. Any length; scalars are treated as length 1.

    Returns
    -------
    numpy.ndarray of float
        One p-value per table.

    Examples
    --------
    Fisher's tea-tasting experiment (Agresti 2002; R's ``example(fisher.test)``), table
    ``[[3, 1], [1, 3]]``: R prints ``p-value = 0.4857``.

    >>> float(fisher_exact_p(3, 1, 1, 3)[0])  # doctest: +ELLIPSIS
    0.4857...

    References
    ----------
    .. [1] Agresti A. Categorical Data Analysis, 2nd edn. Wiley, 2002, section 3.5.
    .. [2] R Core Team. fisher.test, package stats. https://stat.ethz.ch/R-manual/R-devel/
       library/stats/html/fisher.test.html
    """
    names = ("a", "b", "c", "d")
    cells = as_count_arrays(names, (a, b, c, d))
    require_non_negative(names, cells)
    return fisher_exact_p_of(Margins.of(*cells))


def fisher_exact_p_of(margins: Margins) -> np.ndarray:
    """Fisher's two-sided p-values for tables given by their margins (no argument checks)."""
    p_value = np.ones(len(margins.a))
    total = margins.m + margins.n
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(total > 0, margins.k * margins.m / total, 0.0)
        variance = np.where(
            total > 1,
            margins.k * margins.m * margins.n * (total - margins.k) / (total**2 * (total - 1)),
            0.0)
    half_width = np.abs(margins.a - mean) + WINDOW_SDS * np.sqrt(variance) + WINDOW_SDS
    pending = np.flatnonzero(margins.lo < margins.hi)  # one possible table: p stays 1
    log_tolerance = np.log1p(RELATIVE_TOLERANCE)
    while pending.size:
        batch = margins.take(pending)
        start, length = window_around(mean[pending], half_width[pending], batch)
        retry = []
        for rows, width in chunks(length):
            part = batch.take(rows)
            log_weights = log_base_weights(part, start[rows], length[rows], width)
            observed_column = (part.a - start[rows]).astype(np.int64)
            observed = log_weights[np.arange(len(rows)), observed_column]
            safe = window_edges_negligible(log_weights, length[rows], start[rows], part, observed)
            weight = np.exp(log_weights - log_weights.max(axis=1, keepdims=True))
            as_extreme = log_weights <= (observed + log_tolerance)[:, None]
            p = np.einsum("ij,ij->i", weight, as_extreme) / weight.sum(axis=1)
            p_value[pending[rows[safe]]] = np.minimum(p[safe], 1.0)
            retry.append(rows[~safe])
        unsafe = np.concatenate(retry)
        half_width[pending[unsafe]] *= 2.0
        pending = pending[unsafe]
    return p_value
