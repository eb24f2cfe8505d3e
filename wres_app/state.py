"""Session state and caching for the app: what is loaded, with which options.

Privacy rule: uploaded bytes live only in this session's ``st.session_state`` (memory), keyed
by their SHA-256, and every result computed from them is memoised in the same session's state,
never in Streamlit's process-wide caches where another session could reach it. Only the
bundled synthetic sample goes through ``st.cache_resource``, shared by all sessions.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from wres_core.analysis import AllResults, analyse_dataset
from wres_core.errors import IngestError
from wres_core.ingest import Dataset, IngestResult, combine_results, load_dataset, read_table
from wres_core.options import AnalysisOptions
from wres_core.peers import PeerUniverse

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_FILES = ("national_workforce.csv", "national_recruitment.csv")

SOURCE_SAMPLE = "sample"
SOURCE_UPLOAD = "upload"

_MEMO_KEY = "_session_memo"
_MEMO_SIZE = 12


@dataclass(frozen=True)
class Upload:
    """One uploaded file, in memory, with the user's corrections for reading it."""

    name: str
    data: bytes
    digest: str
    overrides: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def session_memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """Memoise ``compute()`` in this session only (a small LRU in ``st.session_state``)."""
    memo: OrderedDict = st.session_state.setdefault(_MEMO_KEY, OrderedDict())
    if key in memo:
        memo.move_to_end(key)
        return memo[key]
    value = compute()
    memo[key] = value
    while len(memo) > _MEMO_SIZE:
        memo.popitem(last=False)
    return value


def uploads() -> dict[str, Upload]:
    return st.session_state.setdefault("uploads", {})


def add_upload(name: str, data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    store = uploads()
    previous = store.get(name)
    overrides = previous.overrides if previous and previous.digest == digest else {}
    store[name] = Upload(name, data, digest, overrides)


def remove_upload(name: str) -> None:
    uploads().pop(name, None)


def set_overrides(name: str, overrides: dict[str, Any]) -> None:
    store = uploads()
    if name in store:
        old = store[name]
        store[name] = Upload(old.name, old.data, old.digest, dict(overrides))


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def _uploads_key() -> tuple:
    """What the combined uploads depend on: each file's bytes (digest) and corrections."""
    return tuple((u.name, u.digest, _freeze(u.overrides)) for u in uploads().values())


@st.cache_resource(show_spinner="Loading the synthetic sample...")
def sample_dataset() -> Dataset:
    """The bundled synthetic national sample (shared by all sessions: it is not user data)."""
    return load_dataset([SAMPLE_DIR / name for name in SAMPLE_FILES])


@st.cache_resource(show_spinner="Analysing every trust in the sample...", max_entries=16)
def sample_results(options: AnalysisOptions) -> AllResults:
    data = sample_dataset()
    return analyse_dataset(data.workforce, data.recruitment, options)


def read_upload(upload: Upload) -> IngestResult | IngestError:
    """One uploaded file read with its corrections (memoised in this session by digest)."""
    key = ("file", upload.digest, upload.name, _freeze(upload.overrides))

    def read() -> IngestResult | IngestError:
        try:
            return read_table(upload.data, name=upload.name, **upload.overrides)
        except IngestError as error:
            return error

    return session_memo(key, read)


def upload_dataset() -> Dataset | None:
    """The user's readable files combined into one dataset; None when none can be read."""
    results = [r for r in (read_upload(u) for u in uploads().values())
               if isinstance(r, IngestResult)]
    if not results:
        return None
    key = ("dataset", _uploads_key())
    return session_memo(key, lambda: combine_results(results))


def upload_results(options: AnalysisOptions) -> AllResults | None:
    data = upload_dataset()
    if data is None:
        return None
    key = ("results", _uploads_key(), options)
    return session_memo(key, lambda: analyse_dataset(data.workforce, data.recruitment, options))


def current_source() -> str:
    return st.session_state.get("source", SOURCE_SAMPLE)


def current_results(options: AnalysisOptions) -> AllResults | None:
    if current_source() == SOURCE_SAMPLE:
        return sample_results(options)
    return upload_results(options)


#: An upload with at least this many organisations serves as its own national peer file.
MIN_PEER_ORGS = 10


@dataclass(frozen=True)
class PeerSource:
    universe: PeerUniverse
    year: int            # the year the comparison uses
    note: str            # said on the page when not empty


def peer_source(options: AnalysisOptions, org_code: str, year: int) -> PeerSource | None:
    """Where peers come from for the chosen trust.

    The sample: the synthetic national file. Uploaded files holding at least MIN_PEER_ORGS
    organisations: those files. Fewer: the user's trust placed among the synthetic national
    sample's trusts, flagged ``synthetic`` so that every peer view says so plainly.
    """
    if current_source() == SOURCE_SAMPLE:
        universe = PeerUniverse.from_results(sample_results(options), synthetic=True,
                                             source="the bundled synthetic national sample")
        return PeerSource(universe, year, "")
    own = current_results(options)
    if own is None:
        return None
    if len(own.organisations) >= MIN_PEER_ORGS:
        universe = PeerUniverse.from_results(own, synthetic=False, source="your uploaded files")
        return PeerSource(universe, year, "")
    synthetic = PeerUniverse.from_results(sample_results(options), synthetic=True,
                                          source="the bundled synthetic national sample")
    if year in synthetic.years:
        return PeerSource(synthetic.with_trust(own, org_code, year), year, "")
    peer_year = max(synthetic.years)
    return PeerSource(synthetic.with_trust(own, org_code, year, as_year=peer_year), peer_year,
                      f"The synthetic sample has no {year}: your {year} figures are set "
                      f"against its {peer_year} trusts.")
