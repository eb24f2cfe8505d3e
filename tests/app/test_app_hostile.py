"""Hostile files uploaded on the Data page: each refused file shows its documented message
(and no exception), and the files that must be read are read, with labels shown as text.

The files come from ``tests/hostile_files.py``. Refused files go up together in one session
(the page reads each on its own and shows one error per file), which keeps the set quick.
"""

from __future__ import annotations

import re

import pytest
from apptest_helpers import switch, texts

from tests.hostile_files import BY_KEY, FORMULA_NAME, HOSTILE, SCRIPT_NAME

REFUSED = [h for h in HOSTILE if h.error]
APP_PREFIX = "**This file could not be read.** "


def unescaped(text: str) -> str:
    r"""Markdown as a reader sees it: ``\*`` is ``*``; the page's bold labels become the
    plain ``Expected:`` and ``What to do:`` of the error's own text."""
    text = re.sub(r"\\(.)", r"\1", text)
    return (text.replace("\n\n**Expected:** ", " Expected: ")
            .replace("\n\n**What to do:** ", " What to do: "))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, bytes]]:
    folder = tmp_path_factory.mktemp("hostile_app")
    out = {}
    for hostile in HOSTILE:
        path = hostile.build(folder)
        out[hostile.key] = (path.name, path.read_bytes())
    return out


def test_every_refused_file_shows_its_message(uploaded_app, built) -> None:
    at = uploaded_app(dict(built[h.key] for h in REFUSED))
    switch(at, "data")
    errors = texts(at.main.error)
    assert len(errors) == len(REFUSED), errors
    for hostile, shown in zip(REFUSED, errors):
        assert shown.startswith(APP_PREFIX), shown[:200]
        assert re.search(hostile.error, unescaped(shown.removeprefix(APP_PREFIX))), (
            hostile.key, shown[:400])
    assert not texts(at.main.success)  # nothing is "Ready"
    switch(at, "funnel")
    assert any(t.startswith("No data") for t in texts(at.main.warning))


def test_files_that_must_be_read_are_read(uploaded_app, built) -> None:
    keys = ["huge_count", "long_but_allowed_label", "million_rows", "utf16_no_bom",
            "utf16_be_no_bom"]
    at = uploaded_app(dict(built[k] for k in keys))
    switch(at, "data")
    assert texts(at.main.error) == []
    rows_used = [m.value for m in at.metric if m.label == "Rows used"]
    assert rows_used == ["23", "24", "1,000,000", "24", "24"]
    reasons = [r for f in at.dataframe if "Reason" in f.value.columns
               for r in f.value.to_dict("records")]
    assert [(r["Reason"], r["Column"], r["Rows"], r["Row numbers (first 20)"], r["Examples"])
            for r in reasons] == [("count too large", "Headcount", 1, "4",
                                   "1000000000000000000")]
    summary = "\n".join(unescaped(t) for t in texts(at.main.markdown))
    assert ("1 label in column 'Organisation name' was longer than 200 characters and was cut "
            "to 200 (first on row 2).") in summary
    assert "Encoding: UTF-16 big-endian without a byte-order mark, read as text." in summary


@pytest.mark.parametrize(("key", "name"), [("script_label", SCRIPT_NAME),
                                           ("formula_label", FORMULA_NAME)])
def test_markup_and_formula_labels_are_shown_as_text(uploaded_app, built, key, name) -> None:
    at = uploaded_app(dict([built[key]]))
    switch(at, "funnel")
    (title,) = texts(at.main.title)
    assert unescaped(title) == f"Progression funnel: {name}, 2024"
    assert title != unescaped(title), "the label must be escaped, not passed as markup"


def test_long_label_is_cut_on_the_funnel_page(uploaded_app, built) -> None:
    at = uploaded_app(dict([built["long_but_allowed_label"]]))
    switch(at, "funnel")
    (title,) = texts(at.main.title)
    name = unescaped(title).removeprefix("Progression funnel: ").removesuffix(", 2024")
    assert name == "Long Name Trust " + "y" * 183 + "\u2026"
    assert BY_KEY["long_but_allowed_label"].error is None
