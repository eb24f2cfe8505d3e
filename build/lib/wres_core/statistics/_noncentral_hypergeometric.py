"""Fisher's noncentral hypergeometric distribution, evaluated for many 2x2 tables at once.

Conditional on its margins, the top-left cell ``x`` of a 2x2 table ``[[a, b], [c, d]]`` has
the distribution

    P(X = x; psi) = C(m, x) C(n, k - x) psi^x / sum_u C(m, u) C(n, k - u) psi^u,

with ``m = a + b``, ``n = c + d``, ``k = a + c`` and support ``lo = max(0, k - n)`` to
``hi = min(k, m)``; ``psi`` is the odds ratio (``psi = 1`` gives the central hypergeometric
distribution behind Fisher's exact test). Both the exact p-value and the exact conditional
interval need this distribution over the support of every table in a batch, so this module

* builds the log weights ``log C(m, x) C(n, k - x)`` by a running sum of the log ratio of
  consecutive terms (one logarithm per support point, no log-gamma calls),
* evaluates them only in a *window* of the support where the mass is not negligible, checks
  the window edges afterwards and widens the window for any table where they were not, and
* pads tables of similar window width into one 2-D array (rows = tables) so that numpy
  processes a chunk of tables per operation.

The window is safe because the distribution is that of a sum of independent Bernoulli
variables (its generating polynomial has only real roots), so its tails are sub-Gaussian;
the edge check makes the result independent of that argument anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

#: Log weights this far below the reference are treated as zero (exp(-40) ~ 4e-18).
NEGLIGIBLE_LOG_WEIGHT = -40.0

#: Number of (table x support point) cells processed in one chunk; bounds peak memory.
CHUNK_CELLS = 1 << 18

#: Tables whose windows differ in width by less than this factor share a chunk.
WIDTH_GROWTH = 1.5

#: Narrow windows up to this width share one chunk (padding is cheaper than another chunk).
MIN_CHUNK_WIDTH = 24


@dataclass(frozen=True)
class Margins:
    """Margins and support of a batch of tables ``[[a, b], [c, d]]``, as float arrays."""

    a: np.ndarray
    m: np.ndarray
    n: np.ndarray
    k: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def of(cls, a, b, c, d) -> Margins:
        a, b, c, d = (np.asarray(v, dtype=float) for v in (a, b, c, d))
        m, n, k = a + b, c + d, a + c
        return cls(a=a, m=m, n=n, k=k, lo=np.maximum(0.0, k - n), hi=np.minimum(k, m))

    def take(self, rows: np.ndarray) -> Margins:
        return Margins(*(getattr(self, f)[rows] for f in ("a", "m", "n", "k", "lo", "hi")))


def chunks(widths: np.ndarray) -> Iterator[tuple[np.ndarray, int]]:
    """Split rows into chunks of similar width: yields (row indices, padded width)."""
    widths = np.maximum(np.asarray(widths, dtype=np.int64), 1)
    order = np.argsort(widths, kind="stable")
    sorted_widths = widths[order]
    start, total = 0, len(order)
    while start < total:
        limit = max(int(np.ceil(sorted_widths[start] * WIDTH_GROWTH)), MIN_CHUNK_WIDTH)
        stop = int(np.searchsorted(sorted_widths, limit, side="right"))
        stop = min(stop, start + max(1, CHUNK_CELLS // limit))
        yield order[start:stop], int(sorted_widths[stop - 1])
        start = stop


def log_base_weights(margins: Margins, start: np.ndarray, length: np.ndarray,
                     width: int) -> np.ndarray:
    """``log C(m, x) C(n, k - x)`` for ``x = start + j``, ``j < length``, up to a constant.

    Rows are tables, columns are ``j = 0 .. width - 1``; column 0 is 0 and columns at or beyond
    ``length`` are ``-inf`` (padding that carries no probability). The running sum uses

        w(x + 1) / w(x) = (m - x)(k - x) / ((x + 1)(n - k + x + 1)),

    which is positive for ``lo <= x < hi``.
    """
    rows = len(start)
    weights = np.zeros((rows, width))
    if width == 1:
        return weights
    j = np.arange(width - 1, dtype=float)
    x = start[:, None] + j[None, :]
    in_window = j[None, :] < (length - 1)[:, None]
    numerator = (margins.m[:, None] - x) * (margins.k[:, None] - x)
    denominator = (x + 1.0) * (margins.n[:, None] - margins.k[:, None] + x + 1.0)
    steps = np.full((rows, width - 1), -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.log(numerator / denominator, out=steps, where=in_window)
    np.cumsum(steps, axis=1, out=weights[:, 1:])
    return weights


def window_edges_negligible(log_weights: np.ndarray, length: np.ndarray, start: np.ndarray,
                            margins: Margins, reference: np.ndarray) -> np.ndarray:
    """True where both window edges are support ends or carry negligible weight.

    ``reference`` is the log weight the edges are compared with (per row): the mode's for an
    interval bound, the observed table's for a p-value.
    """
    rows = np.arange(len(start))
    first = log_weights[:, 0]
    last = log_weights[rows, length - 1]
    left_ok = (start <= margins.lo) | (first - reference < NEGLIGIBLE_LOG_WEIGHT)
    right_ok = (start + length - 1 >= margins.hi) | (last - reference < NEGLIGIBLE_LOG_WEIGHT)
    return left_ok & right_ok


def window_around(centre: np.ndarray, half_width: np.ndarray,
                  margins: Margins) -> tuple[np.ndarray, np.ndarray]:
    """Window ``[centre - half_width, centre + half_width]`` clipped to the support."""
    start = np.maximum(margins.lo, np.floor(centre - half_width))
    stop = np.minimum(margins.hi, np.ceil(centre + half_width))
    length = (stop - start + 1).astype(np.int64)
    return start, length


def solve_tail_bound(log_weights: np.ndarray, observed: np.ndarray, upper_tail: bool,
                     log_target: float, theta_start: np.ndarray,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``log P(X >= observed; psi) = log_target`` (or ``X <= observed``) for log psi.

    ``log_weights`` are the base weights of the window (rows = tables) and ``observed`` is the
    column of the observed cell in each row. ``upper_tail=True`` gives the lower confidence
    bound (the tail ``X >= observed`` grows with psi), ``False`` the upper bound.

    Safeguarded Newton iteration on theta = log psi: G(theta) = +/-(log tail - log_target) is
    increasing, its derivative is +/-(E[X | tail] - E[X]), and a bisection step replaces any
    Newton step that leaves the current bracket. Returns theta and the log weights of the
    tilted distribution at theta relative to its maximum (for the window-edge check).
    """
    rows, width = log_weights.shape
    j = np.arange(width, dtype=float)
    tail = (j[None, :] >= observed[:, None]) if upper_tail else (j[None, :] <= observed[:, None])
    tail = tail.astype(float)
    tail_j = tail * j[None, :]
    sign = 1.0 if upper_tail else -1.0
    # Counts in a 2x2 table keep |log psi| of any bound far below 200 (e^200 ~ 1e87).
    bracket_low = np.full(rows, -200.0)
    bracket_high = np.full(rows, 200.0)
    theta = np.clip(theta_start, -199.0, 199.0)
    tilted = log_weights
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for _ in range(200):
            tilted = log_weights + theta[:, None] * j[None, :]
            tilted -= tilted.max(axis=1, keepdims=True)
            weight = np.exp(tilted)
            total = weight.sum(axis=1)
            total_j = weight @ j
            in_tail = np.einsum("ij,ij->i", weight, tail)
            in_tail_j = np.einsum("ij,ij->i", weight, tail_j)
            value = sign * (np.log(in_tail) - np.log(total) - log_target)
            slope = sign * (in_tail_j / in_tail - total_j / total)
            below = value < 0  # -inf (empty tail) counts as below; nan never occurs
            bracket_low = np.where(below, theta, bracket_low)
            bracket_high = np.where(below, bracket_high, theta)
            step = theta - value / slope
            bisect = ~np.isfinite(step) | (step <= bracket_low) | (step >= bracket_high)
            new_theta = np.where(bisect, 0.5 * (bracket_low + bracket_high), step)
            converged = (np.abs(new_theta - theta) <= 1e-12 * (1.0 + np.abs(theta))) | (
                bracket_high - bracket_low <= 1e-12 * (1.0 + np.abs(theta)))
            theta = new_theta
            if converged.all():
                break
        tilted = log_weights + theta[:, None] * j[None, :]
        tilted -= tilted.max(axis=1, keepdims=True)
    return theta, tilted
