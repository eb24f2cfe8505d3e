"""Session state and caching for the app: what is loaded, with which options.

Privacy rule: uploaded bytes live only in this session's ``st.session_state`` (memory), keyed
by their SHA-256, and every result computed from them is memoised in the same session's state,
never in Streamlit's process-wide caches where another session could reach it. Only the
bundled synthetic sample goes through ``st.cache_resource``, shared by all sessions: none of
the shared functions takes an argument that could carry user data (their arguments are the
analysis options), and what they return is frozen (:func:`wres_core.shared.freeze`) and
handed to each caller as its own copy-on-write view (:func:`wres_core.shared.handout`), so
that no session's edit can reach another's.

A room arriving at once: the sample is read once, its stage counts are kept per
(comparison groups, tiers, staff group), since the other options (interval, level,
adjustment, +0.5 correction) only change the statistics, and the results of up to
``SAMPLE_RESULTS_KEPT`` option sets are kept (``SAMPLE_DETAILED_RESULTS_KEPT`` for the
detailed groups, four times the size). :func:`warm_sample` computes the default ones in a
background thread when the app is first imported, before the first page asks for them.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from wres_app import reader_pool
from wres_app.reader_pool import read_upload_with_head_start
from wres_core.analysis import AllResults, analyse_dataset, largest_org
from wres_core.bands import TierDefinition
from wres_core.errors import IngestError
from wres_core.ingest import Dataset, IngestResult, combine_results, load_dataset
from wres_core.options import AnalysisOptions
from wres_core.peers import PeerUniverse
from wres_core.shared import freeze, freeze_frame, handout
from wres_core.stages import stage_counts

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_FILES = ("national_workforce.csv", "national_recruitment.csv")

SOURCE_SAMPLE = "sample"
SOURCE_UPLOAD = "upload"

_MEMO_KEY = "_session_memo"
#: Values kept per session: its files as read, their results per option set, protected
#: views, peer comparisons and funnel plots (a few each per page visited).
_MEMO_SIZE = 32


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


#: Option sets whose sample results the process keeps: about 20 MB each for all BME staff
#: together (``groups="bme"``), about 80 MB each for the detailed groups.
SAMPLE_RESULTS_KEPT = 32
SAMPLE_DETAILED_RESULTS_KEPT = 6
#: (groups, tiers, staff group) combinations whose sample stage counts are kept.
SAMPLE_COUNTS_KEPT = 24


@st.cache_resource(show_spinner="Loading the synthetic sample...")
def _shared_sample_dataset() -> Dataset:
    return freeze(load_dataset([SAMPLE_DIR / name for name in SAMPLE_FILES]))


@st.cache_resource(show_spinner="Counting staff at every stage of the sample...",
                   max_entries=SAMPLE_COUNTS_KEPT)
def _shared_sample_counts(groups: str, tiers: TierDefinition,
                          staff_group: str | None) -> pd.DataFrame:
    data = _shared_sample_dataset()
    return freeze_frame(stage_counts(data.workforce, data.recruitment, groups=groups,
                                     tiers=tiers, staff_group=staff_group))


def _analyse_sample(options: AnalysisOptions) -> AllResults:
    data = _shared_sample_dataset()
    counts = _shared_sample_counts(options.groups, options.tiers, options.staff_group)
    results = analyse_dataset(data.workforce, data.recruitment, options, counts=counts)
    results.trust(str(results.organisations["org_code"].iloc[0]))  # builds the row index once
    return freeze(results)


@st.cache_resource(show_spinner="Analysing every trust in the sample...",
                   max_entries=SAMPLE_RESULTS_KEPT)
def _shared_sample_results(options: AnalysisOptions) -> AllResults:
    return _analyse_sample(options)


@st.cache_resource(show_spinner="Analysing every group in every trust of the sample...",
                   max_entries=SAMPLE_DETAILED_RESULTS_KEPT)
def _shared_sample_detailed_results(options: AnalysisOptions) -> AllResults:
    return _analyse_sample(options)


def sample_dataset() -> Dataset:
    """The bundled synthetic national sample (shared by all sessions: it is not user data);
    the caller's own copy-on-write view."""
    return handout(_shared_sample_dataset())


def sample_results(options: AnalysisOptions) -> AllResults:
    """Every trust of the sample analysed with ``options``; the caller's own view of the
    results all sessions share."""
    shared = (_shared_sample_detailed_results if options.groups == "detailed"
              else _shared_sample_results)
    return handout(shared(options))


#: Page values computed from the sample alone (a peer comparison, a chart's spec: a few kB
#: to 100 kB each) kept for the process: room for the warm-up's nine or ten per trust of the
#: sample (215 trusts, :mod:`wres_app.warmup`) and for what people choose besides.
SAMPLE_PAGE_VALUES_KEPT = 4096
_sample_page_values: OrderedDict[tuple, Any] = OrderedDict()
_sample_page_lock = threading.Lock()


def sample_page_memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """Memoise, for every session, a value a page computes from the sample alone.

    Call it only where ``current_source()`` is the sample and ``key`` holds everything the
    value depends on besides the sample (the options, the trust, the page's choices). The
    value is frozen when kept and each caller gets its own view (as for the sample results).
    Computed outside the lock: two sessions asking at once may each compute it once.
    """
    with _sample_page_lock:
        if key in _sample_page_values:
            _sample_page_values.move_to_end(key)
            return handout(_sample_page_values[key])
    value = freeze(compute())
    with _sample_page_lock:
        _sample_page_values[key] = value
        while len(_sample_page_values) > SAMPLE_PAGE_VALUES_KEPT:
            _sample_page_values.popitem(last=False)
    return handout(value)


def page_memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """Memoise ``compute()``: for every session when the data in use is the sample (``key``
    then holds everything the value depends on besides the sample), in this session only when
    it is the user's uploads, keyed by them too (a file replaced or corrected is new data)."""
    if current_source() == SOURCE_SAMPLE:
        return sample_page_memo(key, compute)
    return session_memo((*key, _uploads_key()), compute)


_warm_lock = threading.Lock()
_warm_thread: threading.Thread | None = None


def warm_sample() -> threading.Thread:
    """Start computing the sample's default results in a background thread, once per process,
    then every trust's default funnel and peers pages (:mod:`wres_app.warmup`).

    Called by app.py on every run; only the first call starts the thread. The first visitor's
    page then finds the sample being computed (and waits on the same cache entry) instead of
    every visitor of the first seconds queueing behind one another's runs.
    """
    global _warm_thread
    with _warm_lock:
        if _warm_thread is None:
            _warm_thread = threading.Thread(target=_warm_sample_and_pages,
                                            name="wres-warm-sample", daemon=True)
            _warm_thread.start()
        return _warm_thread


def _warm_sample_and_pages() -> None:
    _warm()
    from wres_app import warmup  # it builds on this module

    if warmup.warm_pages_wanted():
        reader_pool.start_early()  # the first upload then finds it ready
        warmup.warm_every_trust()


@st.cache_resource(show_spinner=False)
def _warm() -> bool:
    """The default sample results, computed inside a cached function so that the cached
    functions it calls show no spinner (there is no page to show it on in this thread)."""
    sample_results(AnalysisOptions())
    return True


def read_upload(upload: Upload) -> IngestResult | IngestError:
    """One uploaded file read with its corrections (memoised in this session by digest), in a
    worker process (``wres_app.reader_pool``)."""
    return _read_with_head_start(upload)[0]


def _read_with_head_start(upload: Upload) -> tuple[IngestResult | IngestError, Any]:
    """The file as read, and the first analysis and charts its worker made beside it
    (``wres_app.head_start``; None when it made none)."""
    key = ("file", upload.digest, upload.name, _freeze(upload.overrides))
    # In a worker process: a slow or hostile file costs only its own session time.
    return session_memo(key, lambda: read_upload_with_head_start(
        upload.data, upload.name, upload.overrides))


def upload_dataset() -> Dataset | None:
    """The user's readable files combined into one dataset; None when none can be read."""
    results = [r for r in (read_upload(u) for u in uploads().values())
               if isinstance(r, IngestResult)]
    if not results:
        return None
    key = ("dataset", _uploads_key())
    return session_memo(key, lambda: combine_results(results))


def main_upload_org() -> str | None:
    """The organisation the sidebar opens on for the user's files: the one with the most staff
    (in its latest year) in the workforce files, a tie going to the earliest file uploaded.

    With the user's own trust uploaded beside a few others (peers, a neighbour), the largest
    workforce is almost always theirs; the first code alphabetically often is not. None when
    no workforce file was read (recruitment only).
    """
    data = upload_dataset()
    if data is None or not len(data.workforce):
        return None
    return session_memo(("main_org", _uploads_key()), lambda: largest_org(data.workforce))


def upload_results(options: AnalysisOptions) -> AllResults | None:
    data = upload_dataset()
    if data is None:
        return None
    key = ("results", _uploads_key(), options)

    def analyse() -> AllResults:
        made = _head_start_results(options)
        return made if made is not None else analyse_dataset(data.workforce,
                                                             data.recruitment, options)

    return session_memo(key, analyse)


def _head_start_results(options: AnalysisOptions) -> AllResults | None:
    """The analysis the worker made beside the one file uploaded, when it is the one asked for
    (the session's data are that file alone; the options are the ones it used); the charts it
    goes on to make are expected in the session too. None otherwise."""
    files = list(uploads().values())
    if len(files) != 1:
        return None
    result, head = _read_with_head_start(files[0])
    if head is None or not isinstance(result, IngestResult) or head.options != options:
        return None
    if head.charts is not None:
        from wres_app import chart_cache  # it imports this module

        chart_cache.expect_session_specs(head.charts)
    return head.results


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


def sample_peer_universe(options: AnalysisOptions) -> PeerUniverse:
    """Every trust of the synthetic sample as peers (analysed with ``options``)."""
    return PeerUniverse.from_results(sample_results(options), synthetic=True,
                                     source="the bundled synthetic national sample")


def peer_source(options: AnalysisOptions, org_code: str, year: int) -> PeerSource | None:
    """Where peers come from for the chosen trust.

    The sample: the synthetic national file. Uploaded files holding at least MIN_PEER_ORGS
    organisations: those files. Fewer: the user's trust placed among the synthetic national
    sample's trusts, flagged ``synthetic`` so that every peer view says so plainly.
    """
    if current_source() == SOURCE_SAMPLE:
        return PeerSource(sample_peer_universe(options), year, "")
    own = current_results(options)
    if own is None:
        return None
    if len(own.organisations) >= MIN_PEER_ORGS:
        universe = PeerUniverse.from_results(own, synthetic=False, source="your uploaded files")
        return PeerSource(universe, year, "")
    synthetic = sample_peer_universe(options)
    if year in synthetic.years:
        return PeerSource(synthetic.with_trust(own, org_code, year), year, "")
    peer_year = max(synthetic.years)
    return PeerSource(synthetic.with_trust(own, org_code, year, as_year=peer_year), peer_year,
                      f"The synthetic sample has no {year}: your {year} figures are set "
                      f"against its {peer_year} trusts.")
