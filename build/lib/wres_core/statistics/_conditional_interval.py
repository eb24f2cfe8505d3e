"""The exact conditional (Cornfield) confidence interval for an odds ratio, vectorised."""

from __future__ import annotations

import numpy as np

from wres_core.statistics._noncentral_hypergeometric import (
    Margins,
    chunks,
    log_base_weights,
    solve_tail_bound,
    window_around,
    window_edges_negligible,
)
from wres_core.statistics._validation import (
    as_count_arrays,
    check_level,
    require_non_negative,
    two_sided_z,
)

#: Half-width of the first window, in (approximate) standard deviations of the top-left cell.
WINDOW_SDS = 15.0


def conditional_odds_ratio_interval(a, b, c, d, level: float = 0.95,
                                    ) -> tuple[np.ndarray, np.ndarray]:
    """Exact conditional confidence interval for the odds ratio of ``[[a, b], [c, d]]``.

    **Method** (Cornfield 1956 [1]_; the interval of R's ``fisher.test`` [2]_). Given its
    margins, the top-left cell X follows Fisher's noncentral hypergeometric distribution with
    the odds ratio psi as parameter. With ``alpha = (1 - level) / 2`` the bounds solve

        lower:  P(X >= a; psi_L) = alpha        upper:  P(X <= a; psi_U) = alpha.

    Each tail is monotone in psi; the equations are solved on log psi by safeguarded Newton
    iteration to about 1e-12, for all tables at once.

    **Edge cases.** ``a`` at the bottom of its support (for example ``a = 0`` or ``d = 0``)
    gives a lower bound of 0, at the top (``b = 0`` or ``c = 0``) an upper bound of infinity;
    a table whose margins allow a single table gives (0, inf). Negative counts raise.

    **Agreement with R.** R solves these equations with ``uniroot``'s default tolerance (about
    1e-4 on psi or 1/psi), so its printed bounds can differ from the exact solution in the
    fourth significant figure; for the tea-tasting table R prints 621.9 for the upper bound,
    whose tail probability is 0.02517 rather than 0.025. This function returns the solution.

    Parameters
    ----------
    a, b, c, d : array-like of int
        The four cells, row by row.
    level : float
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    (low, high) : tuple of numpy.ndarray

    Examples
    --------
    Fisher's tea-tasting table ``[[3, 1], [1, 3]]`` (R's ``example(fisher.test)``): R prints
    ``0.2117329 621.9337505``; the exact solution of the upper equation is 626.2435.

    >>> low, high = conditional_odds_ratio_interval(3, 1, 1, 3)
    >>> round(float(low[0]), 4), round(float(high[0]), 1)
    (0.2117, 626.2)

    References
    ----------
    .. [1] Cornfield J. A statistical problem arising from retrospective studies. Proc Third
       Berkeley Symp Math Stat Prob 1956;4:135-148.
    .. [2] R Core Team. fisher.test, package stats.
       https://stat.ethz.ch/R-manual/R-devel/library/stats/html/fisher.test.html
    """
    level = check_level(level)
    names = ("a", "b", "c", "d")
    cells = as_count_arrays(names, (a, b, c, d))
    require_non_negative(names, cells)
    return conditional_interval_of(Margins.of(*cells), level)


def conditional_interval_of(margins: Margins, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The exact conditional interval for tables given by their margins (no argument checks)."""
    a = margins.a
    b, c = margins.m - a, margins.k - a
    d = margins.n - c
    # Starting values and window widths from the +0.5 (Haldane) log interval; only the speed
    # depends on them, never the answer.
    inverse_sum = 1 / (a + 0.5) + 1 / (b + 0.5) + 1 / (c + 0.5) + 1 / (d + 0.5)
    centre = np.log((a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5)))
    spread = two_sided_z(level) * np.sqrt(inverse_sum)
    cell_sd = np.sqrt(1 / inverse_sum)
    log_alpha = float(np.log((1.0 - level) / 2.0))

    low = np.zeros(len(a))
    high = np.full(len(a), np.inf)
    for bound, needed, start_theta in (
        (low, a > margins.lo, centre - spread),
        (high, a < margins.hi, centre + spread),
    ):
        upper_tail = bound is low  # the lower bound makes the upper tail equal alpha
        half_width = WINDOW_SDS * cell_sd + WINDOW_SDS
        pending = np.flatnonzero(needed)
        while pending.size:
            batch = margins.take(pending)
            start, length = window_around(batch.a, half_width[pending], batch)
            retry = []
            for rows, width in chunks(length):
                part = batch.take(rows)
                log_weights = log_base_weights(part, start[rows], length[rows], width)
                observed = (part.a - start[rows]).astype(np.int64)
                theta, tilted = solve_tail_bound(log_weights, observed, upper_tail, log_alpha,
                                                 start_theta[pending[rows]])
                safe = window_edges_negligible(tilted, length[rows], start[rows], part,
                                               np.zeros(len(rows)))
                bound[pending[rows[safe]]] = np.exp(theta[safe])
                retry.append(rows[~safe])
            unsafe = np.concatenate(retry)
            half_width[pending[unsafe]] *= 2.0
            pending = pending[unsafe]
    return low, high
