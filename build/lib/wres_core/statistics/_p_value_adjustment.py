"""Holm and Benjamini-Hochberg adjustment of p-values, within groups, vectorised."""

from __future__ import annotations

import numpy as np

#: Accepted spellings of each method (R's p.adjust uses "holm", "BH" and its alias "fdr").
METHODS = {"holm": "holm", "bh": "bh", "fdr": "bh", "benjamini-hochberg": "bh"}


def adjust_p_values(p_values, method: str = "holm", groups=None) -> np.ndarray:
    """Adjust p-values for multiple testing, separately within each group.

    **Methods**, for the m non-missing p-values of a group sorted as p(1) <= ... <= p(m):

    * ``"holm"`` (Holm 1979 [1]_; controls the family-wise error rate under any dependence):
      adjusted p(i) = min(1, max over j <= i of (m - j + 1) p(j)).
    * ``"bh"`` (Benjamini & Hochberg 1995 [2]_; controls the false discovery rate for
      independent or positively dependent tests; alias ``"fdr"``):
      adjusted p(i) = min(1, min over j >= i of m p(j) / j).

    Both match R's ``p.adjust`` [3]_. Ties keep the order of appearance, which does not change
    the adjusted values.

    **Missing values.** NaN stays NaN and does not count in m (as R's ``p.adjust`` with
    ``n = sum(!is.na(p))``), so a stage with no test does not dilute the others.

    **Groups.** ``groups`` (any array of labels, one per p-value) adjusts each group as its own
    family, e.g. the stages of one trust and year; all groups are done in one vectorised pass
    (a segmented running max/min), so thousands of trusts x years cost one call.

    Parameters
    ----------
    p_values : array-like of float
        Values in [0, 1] or NaN.
    method : {"holm", "bh"}
    groups : array-like, optional
        Family label of each p-value; ``None`` treats all as one family.

    Returns
    -------
    numpy.ndarray of float, same length as ``p_values``.

    Examples
    --------
    Holm on 0.01, 0.04, 0.03, 0.005 (m = 4): sorted 0.005, 0.01, 0.03, 0.04 give 4 x 0.005,
    3 x 0.01, 2 x 0.03 and max(0.06, 0.04), so

    >>> adjust_p_values([0.01, 0.04, 0.03, 0.005]).round(4).tolist()
    [0.03, 0.06, 0.06, 0.02]

    References
    ----------
    .. [1] Holm S. A simple sequentially rejective multiple test procedure. Scand J Stat
       1979;6:65-70.
    .. [2] Benjamini Y, Hochberg Y. Controlling the false discovery rate: a practical and
       powerful approach to multiple testing. J R Stat Soc B 1995;57:289-300.
    .. [3] R Core Team. p.adjust, package stats.
    """
    if not isinstance(method, str) or method.lower() not in METHODS:
        raise ValueError(f"method must be 'holm' or 'bh' (Benjamini-Hochberg), not {method!r}.")
    method = METHODS[method.lower()]
    p = np.atleast_1d(np.asarray(p_values, dtype=float))
    if p.ndim != 1:
        raise ValueError(f"p_values must be one-dimensional, not of shape {p.shape}.")
    present = ~np.isnan(p)
    if np.any((p[present] < 0) | (p[present] > 1)):
        raise ValueError("p_values must lie between 0 and 1 (or be NaN).")
    if groups is None:
        labels = np.zeros(len(p), dtype=np.int64)
    else:
        group_array = np.atleast_1d(np.asarray(groups))
        if group_array.shape != p.shape:
            raise ValueError(f"groups must have one label per p-value ({len(p)}), not "
                             f"shape {group_array.shape}.")
        labels = np.unique(group_array, return_inverse=True)[1].reshape(-1)

    adjusted = np.full(len(p), np.nan)
    index = np.flatnonzero(present)
    if not index.size:
        return adjusted
    # Sort by group, then p; stable so ties keep their order.
    order = index[np.lexsort((p[index], labels[index]))]
    sorted_p, sorted_group = p[order], labels[order]
    new_group = np.r_[True, sorted_group[1:] != sorted_group[:-1]]
    group_start = np.flatnonzero(new_group)
    group_size = np.diff(np.r_[group_start, len(order)])
    start_of_row = np.repeat(group_start, group_size)
    rank = np.arange(len(order)) - start_of_row + 1  # 1-based rank within the group
    m = np.repeat(group_size, group_size).astype(float)

    if method == "holm":
        raw = np.minimum((m - rank + 1) * sorted_p, 1.0)
        values = _segmented_running(raw, start_of_row, np.maximum)
    else:
        raw = np.minimum(m * sorted_p / rank, 1.0)
        # A running minimum from the end of each group: reverse, run, reverse back.
        reverse_start = (len(order) - 1) - (start_of_row + np.repeat(group_size, group_size) - 1)
        values = _segmented_running(raw[::-1], reverse_start[::-1], np.minimum)[::-1]
    adjusted[order] = values
    return adjusted


def _segmented_running(values: np.ndarray, segment_start: np.ndarray, combine) -> np.ndarray:
    """Running max/min restarting at each segment, by doubling steps (O(n log longest)).

    ``segment_start[i]`` is the index where row i's segment begins; segments are contiguous.
    Exact (no offsets added to the values, so tiny p-values keep full precision).
    """
    result = values.copy()
    position = np.arange(len(values))
    longest = int(np.max(position - segment_start)) + 1 if len(values) else 0
    shift = 1
    while shift < longest:
        reach = position[shift:] - shift >= segment_start[shift:]
        combined = combine(result[shift:], result[:-shift])
        result[shift:] = np.where(reach, combined, result[shift:])
        shift *= 2
    return result
