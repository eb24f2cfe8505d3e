"""wres_core.shared: frozen frames refuse in-place edits; handed-out copies never change the
original, whatever the caller does to them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from wres_core.shared import freeze, freeze_frame, handout


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "count": [10, 20, 30], "ratio": [1.5, 0.9, 2.0], "name": ["a", "b", "c"],
        "band": pd.Categorical(["5", "6", "7"]), "maybe": pd.array([1, None, 3], dtype="Int64"),
    }, index=[7, 8, 9])


@pytest.mark.parametrize("edit", [
    lambda f: f.loc.__setitem__((7, "count"), 99),
    lambda f: f.iloc.__setitem__((0, 1), 99.0),
    lambda f: f.loc.__setitem__((7, "band"), "6"),
    lambda f: f.loc.__setitem__((7, "maybe"), 5),
], ids=["int", "float", "categorical", "nullable int"])
def test_a_frozen_frame_refuses_in_place_edits(edit):
    frozen = freeze_frame(frame())
    with pytest.raises(ValueError, match="read-only"):
        edit(frozen)
    pd.testing.assert_frame_equal(frozen, frame())


EDITS = {
    "cell": lambda f: f.loc.__setitem__((7, "count"), 99),
    "string cell": lambda f: f.loc.__setitem__((7, "name"), "EDITED"),
    "column replaced": lambda f: f.__setitem__("ratio", 0.0),
    "augmented": lambda f: f.__setitem__("count", f["count"] + 1),
    "new column": lambda f: f.__setitem__("extra", 1),
    "column dropped": lambda f: f.pop("name"),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_handed_out_frame_can_be_edited_without_touching_the_original(edit):
    shared = freeze_frame(frame())
    mine = handout(shared)
    edit(mine)
    pd.testing.assert_frame_equal(shared, frame())


@dataclasses.dataclass(frozen=True, eq=False)
class Report:
    table: pd.DataFrame
    mapping: dict[str, str]


@dataclasses.dataclass(frozen=True, eq=False)
class Bundle:
    main: pd.DataFrame
    reports: tuple[Report, ...]
    codes: frozenset[str]


def test_nested_dataclasses_are_frozen_and_handed_out_whole():
    shared = freeze(Bundle(frame(), (Report(frame(), {"a": "b"}),), frozenset({"X"})))
    assert not shared.reports[0].table._mgr.blocks[0].values.flags.writeable
    mine = handout(shared)
    assert mine is not shared and mine.reports[0] is not shared.reports[0]
    mine.reports[0].table.loc[7, "name"] = "EDITED"
    mine.reports[0].mapping["a"] = "EDITED"
    pd.testing.assert_frame_equal(shared.reports[0].table, frame())
    assert shared.reports[0].mapping == {"a": "b"}
    assert mine.codes == shared.codes


@dataclasses.dataclass(frozen=True, eq=False)
class WithCache:
    table: pd.DataFrame


def test_cached_properties_are_carried_over():
    """A cached property (an instance entry that is not a field) built once on the shared
    object is not rebuilt for every copy."""
    shared = WithCache(frame())
    index = np.arange(3)
    vars(shared)["_index"] = index
    assert vars(handout(shared))["_index"] is index
