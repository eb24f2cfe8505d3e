"""Charts drawn from a Vega-Lite spec built once, not rebuilt on every rerun.

Building an Altair chart and turning it into Vega-Lite (with Altair's JSON-schema validation)
cost a page 60-80% of its server time on every rerun (py-spy of the funnel page, issue 11),
and Streamlit converts every Altair chart under one process-wide lock, so a room of people
queued behind one another's charts. A chart here is built by its ``wres_core.charts``
function once per distinct input, turned into a spec once, and drawn with
``st.vega_lite_chart``, which takes no lock.

The key is the chart function and a fingerprint of its arguments' *content* (tables hashed
row by row), so a cached spec can never stand for other data than the arguments given; for
the sample, a chart may instead name what its tables are computed from (``ChartCall.source``:
the trust, year, options and group), which stands for them.

Where specs live follows the privacy rule of :mod:`wres_app.state`: while the session shows
the bundled synthetic sample (``state.SOURCE_SAMPLE``), no upload takes part in any chart, and
the specs go in the process-wide memo of page values that every session shares
(``state.sample_page_memo``) (held as JSON text and
immutable Arrow bytes, so no session can edit another's copy). Otherwise they are kept in the
session's own state only.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

# The conversion st.vega_lite_chart itself applies to a data set given as records.
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from wres_app import run_slots, state

#: Specs kept per session (its uploads).
SESSION_SPECS_KEPT = 24
_SESSION_KEY = "_chart_specs"
_EXPECTED_KEY = "_chart_specs_expected"
#: How long a page waits for the specs an upload's worker is making before building them.
EXPECTED_SPECS_WAIT_SECONDS = 10



def fingerprint(value: Any) -> Any:
    """A hashable stand-in for ``value`` that changes whenever its content does."""
    if isinstance(value, pd.DataFrame | pd.Series):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        digest = hashlib.blake2b(digest_size=16)
        digest.update(repr((list(frame.columns), [str(t) for t in frame.dtypes],
                            frame.shape)).encode())
        try:
            digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        except TypeError:  # a column of unhashable objects (lists, dicts)
            digest.update(pickle.dumps(frame, protocol=5))
        return ("frame", digest.hexdigest())
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape,
                hashlib.blake2b(np.ascontiguousarray(value).tobytes(), digest_size=16).hexdigest())
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), fingerprint(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(fingerprint(v) for v in value))
    try:
        hash(value)
    except TypeError:
        return ("pickled", hashlib.blake2b(pickle.dumps(value, protocol=5),
                                           digest_size=16).hexdigest())
    return value


def chart_spec(build: Callable[..., Any], *args: Any, source: tuple | None = None,
               **kwargs: Any) -> dict:
    """The Vega-Lite spec of ``build(*args, **kwargs)`` (an Altair chart), built once per
    distinct content of the arguments; the caller's own copy.

    ``source``: for a chart of the sample, what its table arguments are computed from (see
    :class:`ChartCall`); it then stands for them in the key, instead of their fingerprint.
    """
    return _spec(build, args, kwargs, shared=state.current_source() == state.SOURCE_SAMPLE,
                 source=source)


def warm_sample_chart(build: Callable[..., Any], *args: Any, source: tuple | None = None,
                      **kwargs: Any) -> None:
    """Build and keep, for every session, the spec of a chart drawn from the sample alone
    (for :mod:`wres_app.warmup`, outside any session)."""
    _spec(build, args, kwargs, shared=True, source=source)


def spec_key(build: Callable[..., Any], args: tuple, kwargs: dict, *, shared: bool,
             source: tuple | None = None) -> tuple:
    """What a spec is kept under: the chart function, its tables and its other arguments."""
    # The sample's tables are the same for every visitor with the same source (trust, year,
    # options, group): hashing them row by row on every rerun was a tenth of a funnel or
    # peers run (py-spy, a room of 30). Uploads are always keyed by content.
    tables = ("source", source) if shared and source is not None else fingerprint(args)
    return (build.__module__, build.__qualname__, tables,
            fingerprint(sorted(kwargs.items())))


def _build(build: Callable[..., Any], args: tuple, kwargs: dict) -> CachedSpec:
    with _frames_by_name() as frames:
        # Not validated against the Vega-Lite schema here (a third of the build): the charts
        # the pages draw are, by tests/unit/test_charts.py.
        spec = build(*args, **kwargs).to_dict(validate=False)
    return cached_spec(spec, frames)


def _spec(build: Callable[..., Any], args: tuple, kwargs: dict, *, shared: bool,
          source: tuple | None = None) -> dict:
    key = spec_key(build, args, kwargs, shared=shared, source=source)

    def make() -> CachedSpec:
        return _build(build, args, kwargs)

    stored = state.sample_page_memo(("chart", *key), make) if shared else _in_session(key, make)
    spec = json.loads(stored.text)
    if stored.datasets:
        spec["datasets"] = dict(stored.datasets)
    return spec


@dataclass(frozen=True)
class CachedSpec:
    """A spec as kept: its JSON text, and its data sets apart as Arrow bytes (immutable)."""

    text: str
    datasets: tuple[tuple[str, bytes], ...]


def cached_spec(spec: dict, frames: dict[str, pd.DataFrame] | None = None) -> CachedSpec:
    """Keep ``spec`` with its named data sets already in the Arrow form Streamlit sends.

    ``frames`` are the data sets the spec names, as :func:`_frames_by_name` collected them;
    data sets inlined in the spec (as records) are converted too. Streamlit turns a data set
    given as records into Arrow on every call (a fifth of a rerun's time with the charts
    cached) and passes bytes through as they are; the same conversion, done once here, gives
    the same bytes.
    """
    spec = dict(spec)
    datasets = {str(name): pd.DataFrame(rows)
                for name, rows in (spec.pop("datasets", None) or {}).items()}
    datasets.update(frames or {})
    converted = tuple((name, convert_anything_to_arrow_bytes(_as_altair_sends(frame)))
                      for name, frame in datasets.items())
    return CachedSpec(json.dumps(spec), converted)


# --- a chart's tables passed to Streamlit as they are --------------------------------------
#
# Altair turns each layer's table into JSON-safe records (its sanitising: a sixth of a chart's
# build) and names them by a hash of their JSON; Streamlit then turns the records back into a
# table for Arrow. While a spec is built here, Altair's data transformer instead names each
# table by its place in the spec and leaves it as it is, to go to Arrow once. Anywhere
# else (the pack's images, any other thread) it is Altair's own transformer, unchanged.

_collecting = threading.local()
_ALTAIR_TRANSFORMER = alt.data_transformers.get()
_TRANSFORMER_NAME = "wres_frames_by_name"


def _frame_by_name(data: Any) -> dict:
    frames = getattr(_collecting, "frames", None)
    if frames is None or not isinstance(data, pd.DataFrame):
        return _ALTAIR_TRANSFORMER(data)
    # The name only has to be unique within this one spec (its cache key is its arguments'
    # fingerprint): the layers that share one table object share its name.
    name = frames.setdefault(id(data), (f"data-{len(frames)}", data))[0]
    return {"name": name}


@contextmanager
def _frames_by_name() -> Iterator[dict[str, pd.DataFrame]]:
    """While building a spec: the tables its layers name, by name."""
    by_object: dict[int, tuple[str, pd.DataFrame]] = {}
    named: dict[str, pd.DataFrame] = {}
    _collecting.frames = by_object
    try:
        yield named
    finally:
        _collecting.frames = None
        named.update(by_object.values())


alt.data_transformers.register(_TRANSFORMER_NAME, _frame_by_name)
alt.data_transformers.enable(_TRANSFORMER_NAME)


def _as_altair_sends(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as Altair's sanitising leaves it in the ways a chart can see: infinite
    numbers become missing (a zero count's ratio), and the index is not data."""
    frame = frame.reset_index(drop=True)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values.dtype) and np.isinf(values.to_numpy()).any():
            frame[column] = values.where(np.isfinite(values.to_numpy()))
    return frame


def session_spec(call: ChartCall) -> tuple[tuple, CachedSpec]:
    """A chart of an upload built outside any session (in its reader worker, see
    :mod:`wres_app.head_start`), with the key a session keeps it under: its content's."""
    return (spec_key(call.build, call.args, call.kwargs, shared=False),
            _build(call.build, call.args, call.kwargs))


def keep_session_specs(specs: tuple[tuple[tuple, CachedSpec], ...]) -> None:
    """Keep specs made by :func:`session_spec` in this session, as if it had built them."""
    for key, stored in specs:
        _in_session(key, lambda stored=stored: stored)


def expect_session_specs(specs: Future) -> None:
    """Specs a worker is making for this session (:mod:`wres_app.head_start`): taken the
    first time the session misses a spec, waiting for them if need be (waiting costs no CPU
    here; building them would cost as much again)."""
    st.session_state.setdefault(_EXPECTED_KEY, []).append(specs)


def _take_expected_specs() -> bool:
    """Keep the specs the session was told to expect; whether there were any."""
    expected = st.session_state.get(_EXPECTED_KEY)
    if not expected:
        return False
    st.session_state[_EXPECTED_KEY] = []
    for future in expected:
        with run_slots.slot_given_back():
            try:
                specs = future.result(timeout=EXPECTED_SPECS_WAIT_SECONDS)
            except TimeoutError:
                continue
        keep_session_specs(specs)
    return True


def _in_session(key: tuple, make: Callable[[], CachedSpec]) -> CachedSpec:
    specs: OrderedDict = st.session_state.setdefault(_SESSION_KEY, OrderedDict())
    if key not in specs and _take_expected_specs():
        specs = st.session_state[_SESSION_KEY]
    if key in specs:
        specs.move_to_end(key)
        return specs[key]
    stored = specs[key] = make()
    while len(specs) > SESSION_SPECS_KEPT:
        specs.popitem(last=False)
    return stored


@dataclass(frozen=True)
class ChartCall:
    """One chart as a page draws it: its ``wres_core.charts`` function and arguments.

    The page draws it; :mod:`wres_app.warmup` builds the same spec ahead of the first visitor,
    so both must get their calls from the one function that makes them (e.g.
    :func:`wres_app.funnel_view.funnel_charts`).
    """

    build: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    #: What ``args`` are computed from when the session shows the sample, complete enough
    #: that two calls with the same source have the same ``args`` (e.g. the trust, year,
    #: options and group: ``wres_app.funnel_view``); None: keyed by the tables' content.
    source: tuple | None = None

    def draw(self, where: Any = None, width: str | int = "stretch") -> None:
        draw_chart(self.build, *self.args, where=where, width=width, source=self.source,
                   **self.kwargs)

    def warm(self) -> None:
        warm_sample_chart(self.build, *self.args, source=self.source, **self.kwargs)


def draw_chart(build: Callable[..., Any], *args: Any, where: Any = None,
               width: str | int = "stretch", source: tuple | None = None,
               **kwargs: Any) -> None:
    """Draw ``build(*args, **kwargs)`` in ``where`` (a column or container; the page when
    None) from its cached spec."""
    target = st if where is None else where
    target.vega_lite_chart(spec=chart_spec(build, *args, source=source, **kwargs),
                           width=width)
