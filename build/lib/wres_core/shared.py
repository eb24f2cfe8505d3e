"""Results that one process shares between many users, made safe to share.

The app computes the bundled synthetic sample's results once and hands the same objects to
every browser session. A page that edited one of them in place (``frame.loc[...] = ...``,
``frame["x"] += 1``, a new column) would change what every other session sees. Two guards
stop that:

- :func:`freeze` marks every numpy array inside the shared object read-only, so that an
  in-place edit of a number in the shared object fails with ``ValueError: assignment
  destination is read-only`` rather than spreading silently (see its limits);
- :func:`handout` gives each caller its own view: every ``DataFrame`` is a shallow copy
  (pandas copy-on-write: no data are copied until the caller writes, and then only the
  caller's copy changes), every dict or list a deep copy, nested frozen dataclasses and tuples
  handed out the same way. Column replacement, string edits and in-place methods on a handed-out
  frame therefore never reach the shared one.

Only objects built from bundled, non-user data are shared this way; uploads never are (see
``docs/architecture.md``, "What is shared between sessions").
"""

from __future__ import annotations

import copy
import dataclasses
from typing import TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")


def freeze_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark the numpy arrays that hold ``frame``'s data and index read-only.

    It reaches the arrays pandas writes into (its blocks, and inside extension arrays the
    codes of a categorical, the data and mask of a nullable integer), not the views a column
    hands out, which would leave the real store writable. Returns the same frame, for chaining.

    Limits: Arrow-backed string columns (pandas' default string dtype) are replaced, not
    written into, by an assignment, so this cannot stop one; and while copies handed out by
    :func:`handout` are alive, pandas' copy-on-write copies a block of the frozen frame on
    assignment instead of failing. Both reach only code that holds the shared object itself;
    everyone else gets a :func:`handout`, which is what guards the shared object.
    """
    for block in frame._mgr.blocks:
        _freeze_values(block.values)
    _freeze_values(getattr(frame.index, "_data", None))
    return frame


#: Where pandas' own extension arrays keep their numpy stores.
_STORES = ("_ndarray", "_codes", "_data", "_mask")


def _freeze_values(values: object) -> None:
    if isinstance(values, np.ndarray):
        values.flags.writeable = False
        return
    for store in _STORES:
        array = getattr(values, store, None)
        if isinstance(array, np.ndarray):
            array.flags.writeable = False


def freeze(value: T) -> T:
    """Freeze every ``DataFrame`` and numpy array reachable through dataclass fields, tuples,
    dicts and the instance's cached properties. Returns ``value`` itself."""
    for part in _parts(value):
        if isinstance(part, pd.DataFrame):
            freeze_frame(part)
        elif isinstance(part, np.ndarray):
            part.flags.writeable = False
    return value


def _parts(value: object, seen: set[int] | None = None) -> list[object]:
    """Everything reachable from ``value`` (frames and arrays are leaves)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    found: list[object] = [value]
    if isinstance(value, pd.DataFrame | np.ndarray):
        return found
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        children = list(vars(value).values())
    elif isinstance(value, dict):
        children = list(value.values())
    elif isinstance(value, tuple | list | frozenset | set):
        children = list(value)
    else:
        children = []
    for child in children:
        found.extend(_parts(child, seen))
    return found


def handout(value: T) -> T:
    """A copy of a shared object that its caller may change without touching the original.

    Frames are shallow (copy-on-write) copies, so a handout costs microseconds, not a copy of
    the data. Dataclasses are rebuilt field by field; their cached properties (instance
    entries that are not fields, such as ``AllResults._row_index``) are carried over as they
    are, since they are derived from frames that cannot change.
    """
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = {f.name for f in dataclasses.fields(value) if f.init}
        copied = dataclasses.replace(value, **{n: handout(getattr(value, n)) for n in names})
        for name, cached in vars(value).items():
            if name not in names:
                vars(copied)[name] = cached
        return copied
    if isinstance(value, tuple):
        return type(value)(handout(v) for v in value) if type(value) is tuple else value
    if isinstance(value, dict | list | set):
        return copy.deepcopy(value)
    return value
