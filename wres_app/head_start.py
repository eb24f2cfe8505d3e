"""An upload's first analysis and first funnel charts, made in its reader worker.

After an upload, the person's next runs analyse the file (0.1 s of CPU for a 5,000-row
extract) and build its trust's four funnel charts (0.15 s). In the server those hold the one
interpreter lock (GIL) that every session shares, so thirty people uploading together queued
behind one another's analyses (``benchmarks/bench_room.py --browsers 0``). The worker that has
just read the file (:mod:`wres_app.reader_pool`) has its own interpreter and CPU: it makes
them there, for what the pages show first (the default analysis options; the trust the
sidebar opens on, at its latest year; the first comparison group; normal type size). The
analysis comes back with the file (the sidebar needs it at once); the charts follow while the
person reads the Data page, so that the upload is not kept waiting for them.

They are used only where they are exactly what the session would compute itself:
- the analysis, when the session's data are this one file and its options are the defaults
  (:func:`wres_app.state.upload_results`);
- the chart specs, under their own content key (``chart_cache.spec_key``: the fingerprint of
  the tables), so a spec can only ever be found by a chart drawn from the same tables.
A head start that cannot be made (any error) is simply not sent: the session computes as
before.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

from wres_app import chart_cache
from wres_app.funnel_view import bottleneck_groups, funnel_charts
from wres_core.analysis import AllResults, analyse_dataset, largest_org
from wres_core.ingest import IngestResult
from wres_core.ingest.api import combine_results
from wres_core.options import AnalysisOptions


@dataclass(frozen=True)
class HeadStart:
    """What a worker made beside the file it read: the analysis (sent with the file) and, in
    the session, the funnel charts it goes on to make (sent after the file, while the person
    reads the Data page)."""

    options: AnalysisOptions
    results: AllResults
    #: The trust the sidebar opens on (None: the file has no workforce).
    org: str | None
    #: In the session: the worker's chart specs, when they come (see reader_pool).
    charts: Future | None = None


def prepare(result: IngestResult) -> HeadStart:
    """In the worker: the default analysis of the file alone."""
    data = combine_results([result])
    options = AnalysisOptions()
    results = analyse_dataset(data.workforce, data.recruitment, options)
    org = largest_org(data.workforce) if len(data.workforce) else None
    return HeadStart(options, results, org)


def chart_specs(head: HeadStart) -> tuple[tuple[tuple, chart_cache.CachedSpec], ...]:
    """In the worker, after the file has been sent: the funnel charts of the trust the
    sidebar opens on, at its latest year, for the first group, with their session keys."""
    if head.org is None:
        return ()
    years = head.results.years_for(head.org)
    if not years:
        return ()
    analysis = head.results.trust(head.org, years[-1])
    group = next(iter(bottleneck_groups(analysis)), None)
    charts = funnel_charts(analysis, group, large=False, level=head.options.level)
    return tuple(chart_cache.session_spec(call) for call in charts.drawn())
