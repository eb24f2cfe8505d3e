"""Shared set-up for the AppTest tests: a fresh app per test, the sample files, and uploads put
into session state the way the Data page puts them there (``wres_app.state.add_upload``).

AppTest runs ``app.py`` in this process, so ``st.cache_resource`` (the analysed synthetic
sample) is shared by every test: only the first run of each option set pays for the analysis.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from apptest_helpers import APP, SAMPLE, TIMEOUT, assert_ok, uploads_state
from streamlit.testing.v1 import AppTest

from wres_app.state import SOURCE_UPLOAD


@pytest.fixture
def app() -> AppTest:
    """The app on the synthetic sample, default page run once."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    return assert_ok(at.run())


@pytest.fixture
def uploaded_app() -> Callable[[dict[str, bytes]], AppTest]:
    """Make an app whose session holds these uploads with the source set to them, run once."""
    def make(files: dict[str, bytes]) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.session_state["uploads"] = uploads_state(files)
        at.session_state["source"] = SOURCE_UPLOAD
        return assert_ok(at.run())
    return make


@pytest.fixture(scope="session")
def national_workforce() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "national_workforce.csv", dtype={"band": str})


@pytest.fixture(scope="session")
def national_recruitment() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "national_recruitment.csv")
