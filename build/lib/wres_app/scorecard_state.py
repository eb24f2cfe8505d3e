"""Scorecard files for the app: the bundled synthetic ones (shared cache) and the user's own.

The same privacy rule as :mod:`wres_app.state`: uploaded scorecard files stay in this
session's memory (``st.session_state``), results computed from them are memoised in the same
session only, and only the bundled synthetic files go through ``st.cache_resource``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from wres_app import state
from wres_core.errors import IngestError
from wres_core.indicators import IndicatorFile, Scorecard, build_scorecard, read_indicator_file
from wres_core.options import AnalysisOptions
from wres_core.synthetic_indicators import INDICATOR_FILES

_UPLOADS_KEY = "scorecard_uploads"


@dataclass(frozen=True, eq=False)
class ScorecardTables:
    """The scorecard's tables from several files (None where no file gives one)."""

    files: tuple[IndicatorFile, ...]
    errors: tuple[IngestError, ...] = ()

    def table(self, name: str) -> pd.DataFrame | None:
        frames = [getattr(f, name) for f in self.files if getattr(f, name) is not None]
        return pd.concat(frames, ignore_index=True) if frames else None


@st.cache_resource(show_spinner="Reading the synthetic scorecard files...")
def sample_tables() -> ScorecardTables:
    return ScorecardTables(tuple(read_indicator_file(state.SAMPLE_DIR / name)
                                 for name in INDICATOR_FILES.values()))


def uploads() -> dict[str, tuple[str, bytes]]:
    """File name -> (SHA-256, bytes) of the scorecard files uploaded in this session."""
    return st.session_state.setdefault(_UPLOADS_KEY, {})


def add_upload(name: str, data: bytes) -> None:
    uploads()[name] = (hashlib.sha256(data).hexdigest(), data)


def remove_upload(name: str) -> None:
    uploads().pop(name, None)


def _uploads_key() -> tuple:
    return tuple((name, digest) for name, (digest, _data) in uploads().items())


def upload_tables() -> ScorecardTables:
    def read() -> ScorecardTables:
        files, errors = [], []
        for name, (_digest, data) in uploads().items():
            try:
                files.append(read_indicator_file(data, name=name))
            except IngestError as error:
                errors.append(error)
        return ScorecardTables(tuple(files), tuple(errors))

    return state.session_memo(("scorecard_tables", _uploads_key()), read)


def current_tables() -> ScorecardTables:
    return sample_tables() if state.current_source() == state.SOURCE_SAMPLE else upload_tables()


def _build(options: AnalysisOptions, org_code: str, year: int, rolling: bool,
           sample: bool) -> Scorecard | None:
    results = state.current_results(options)
    dataset = state.sample_dataset() if sample else state.upload_dataset()
    if results is None or dataset is None:
        return None
    analysis = results.trust(org_code, year)
    previous = (results.trust(org_code, year - 1)
                if year - 1 in results.years_for(org_code) else None)
    tables = sample_tables() if sample else upload_tables()
    return build_scorecard(analysis, dataset.workforce, events=tables.table("events"),
                           survey=tables.table("survey"), board=tables.table("board"),
                           pay=tables.table("pay"), previous=previous, rolling=rolling)


@st.cache_resource(show_spinner="Building the scorecard...", max_entries=64)
def _sample_scorecard(options: AnalysisOptions, org_code: str, year: int,
                      rolling: bool) -> Scorecard | None:
    return _build(options, org_code, year, rolling, sample=True)


def scorecard(options: AnalysisOptions, org_code: str, year: int,
              rolling: bool) -> Scorecard | None:
    """The chosen trust's scorecard (shared cache for the sample, session memo for uploads)."""
    if state.current_source() == state.SOURCE_SAMPLE:
        return _sample_scorecard(options, org_code, year, rolling)
    ladder = tuple((u.name, u.digest, repr(u.overrides)) for u in state.uploads().values())
    key = ("scorecard", ladder, _uploads_key(), options, org_code, year, rolling)
    return state.session_memo(key, lambda: _build(options, org_code, year, rolling,
                                                  sample=False))
