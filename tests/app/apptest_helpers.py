"""Helpers for the AppTest tests (imported by conftest.py and the test modules).

The module has an unusual name because tests/ has no packages: every module under it is
imported by its bare name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.support import MESSY_CSV_TEXT
from wres_app.state import Upload

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
SAMPLE = REPO / "sample_data"
TIMEOUT = 60

PAGES = ("funnel", "peers", "data", "method", "about")

# A small semicolon-separated, Windows-1252 counts file with three rows that must be left out:
# a negative count, a band nobody knows and an ethnicity label nobody knows.
MESSY_CSV = MESSY_CSV_TEXT.encode("cp1252")


def page_path(name: str) -> str:
    return f"app_pages/{name}.py"


def uploads_state(files: dict[str, bytes]) -> dict[str, Upload]:
    """The ``uploads`` session-state entry as ``state.add_upload`` builds it."""
    return {name: Upload(name, data, hashlib.sha256(data).hexdigest())
            for name, data in files.items()}


def assert_ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements: Iterable) -> list[str]:
    return [str(element.value) for element in elements]


def stage_table(at: AppTest) -> pd.DataFrame:
    """The funnel page's stage table (the dataframe with an 'Interval method' column)."""
    for frame in at.dataframe:
        if "Interval method" in frame.value.columns:
            return frame.value
    raise AssertionError("no stage table on the page")


def switch(at: AppTest, name: str) -> AppTest:
    return assert_ok(at.switch_page(page_path(name)).run())




def counting(counts: dict[str, int], name: str, real: Callable) -> Callable:
    """``real``, adding one to ``counts[name]`` on every call (to count what a page builds
    rather than finds)."""
    def wrapper(*args, **kwargs):
        counts[name] += 1
        return real(*args, **kwargs)
    return wrapper
