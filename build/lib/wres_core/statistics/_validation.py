"""Argument checks shared by the public statistics functions.

Every public function accepts scalars or array-likes and returns arrays, so the checks turn
their inputs into 1-D arrays of equal length and reject what cannot be a count or a level.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri


def check_level(level: float) -> float:
    """Return ``level`` as a float, or raise if it is not strictly between 0 and 1."""
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise ValueError(f"level must be a number between 0 and 1, not {level!r}.") from None
    if not 0.0 < value < 1.0:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}.")
    return value


def two_sided_z(level: float) -> float:
    """The standard normal quantile z with P(|Z| <= z) = level (1.959964 for 0.95)."""
    return float(ndtri(0.5 + level / 2.0))


def as_count_arrays(names: tuple[str, ...], values: tuple) -> tuple[np.ndarray, ...]:
    """Turn each of ``values`` into a 1-D int64 array; all must have the same length.

    Whole-valued floats (``3.0``) are accepted because pandas often stores counts as floats;
    fractions, NaN and infinities are not counts and raise. Negative counts are *not* rejected
    here: the disparity statistics report them as invalid rows instead of failing the batch.
    """
    arrays = []
    for name, value in zip(names, values, strict=True):
        array = np.atleast_1d(np.asarray(value))
        if array.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, not of shape {array.shape}.")
        if array.dtype == object:
            # pandas' nullable integers arrive as objects; NA becomes NaN and is rejected below.
            try:
                array = array.astype(float)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must hold whole-number counts.") from None
        is_number = np.issubdtype(array.dtype, np.integer) or np.issubdtype(
            array.dtype, np.floating)
        if not is_number:  # bool, strings, dates: not counts
            raise ValueError(f"{name} must hold whole-number counts, not {array.dtype}.")
        if np.issubdtype(array.dtype, np.floating) and (
                not np.all(np.isfinite(array)) or np.any(array != np.round(array))):
            raise ValueError(f"{name} must hold whole-number counts (no fractions or NaN).")
        arrays.append(array.astype(np.int64, copy=False))
    lengths = {len(array) for array in arrays}
    if len(lengths) > 1:
        described = ", ".join(f"{n}={len(a)}" for n, a in zip(names, arrays, strict=True))
        raise ValueError(f"count arrays must all have the same length ({described}).")
    return tuple(arrays)


def as_float_arrays(names: tuple[str, ...], values: tuple) -> tuple[np.ndarray, ...]:
    """Turn each of ``values`` into a 1-D float array; all must have the same length."""
    arrays = [np.atleast_1d(np.asarray(value, dtype=float)) for value in values]
    for name, array in zip(names, arrays, strict=True):
        if array.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, not of shape {array.shape}.")
    lengths = {len(array) for array in arrays}
    if len(lengths) > 1:
        described = ", ".join(f"{n}={len(a)}" for n, a in zip(names, arrays, strict=True))
        raise ValueError(f"arrays must all have the same length ({described}).")
    return tuple(arrays)


def require_non_negative(names: tuple[str, ...], arrays: tuple[np.ndarray, ...]) -> None:
    """Raise if any count is negative (for the low-level functions, which have no notes)."""
    for name, array in zip(names, arrays, strict=True):
        if np.any(array < 0):
            raise ValueError(f"{name} must not contain negative counts.")
