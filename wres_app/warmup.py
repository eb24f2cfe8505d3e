"""Every trust's first pages of the sample, built before anyone asks for them.

A workshop room opens the app at once and each person picks their own trust. Each trust's
first funnel page costs the server about half a second (its four charts and the protected
view behind its download buttons) and its first peers page as much again (the comparison,
the funnel plot, the strip chart), under one interpreter lock: thirty people picking thirty
trusts at the same moment wait up to thirty times that. The sample is bundled, not user
data, so those values can be built once for everyone (``state.sample_page_memo``), and here
they are built for every trust of the sample, at the default options and each trust's latest
year, in a background thread started with the server (:func:`wres_app.state.warm_sample`).

The thread gives way to people: before each step it waits while any page is being run, so
it uses the server only while nobody is waiting for it (a person arriving mid-step waits for
that one step at most, a tenth of a second or so). On a two-CPU machine the 215 trusts take
about three minutes of an idle server.

``WRES_WARM_PAGES=off`` turns it off (the tests do: each builds only what it shows).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from wres_app import state
from wres_app.downloads import protected_key
from wres_app.funnel_view import bottleneck_groups, funnel_charts, funnel_texts
from wres_app.peer_view import (
    DEFAULT_KIND,
    DEFAULT_X_AXIS,
    comparison_table,
    funnel_plot,
    funnel_plot_chart,
    funnel_plot_key,
    stage_labels,
    strip_chart,
    strip_rows,
    strip_rows_key,
)
from wres_core.analysis import AllResults
from wres_core.exports.disclosure import DEFAULT_THRESHOLD, DisclosureRule
from wres_core.exports.protected import protect
from wres_core.options import AnalysisOptions
from wres_core.peers import DEFAULT_K, default_funnel_stage, peer_group

WARM_SWITCH = "WRES_WARM_PAGES"
#: The export rule of a new session: the sidebar's suppression on, the Report page's threshold.
DEFAULT_RULE = DisclosureRule(threshold=DEFAULT_THRESHOLD)
#: A page run shows as a thread of this name while it runs (Streamlit's script runner).
SCRIPT_THREAD = "ScriptRunner.scriptThread"
#: How often the warm-up looks again while people's pages are running.
GIVE_WAY_SECONDS = 0.05


def warm_pages_wanted() -> bool:
    return os.environ.get(WARM_SWITCH, "all").strip().lower() not in ("off", "0", "no", "false")


def people_running() -> bool:
    """Whether any session's page is being run right now."""
    return any(t.name == SCRIPT_THREAD and t.is_alive() for t in threading.enumerate())


def give_way() -> None:
    while people_running():
        time.sleep(GIVE_WAY_SECONDS)


def warm_trust(results: AllResults, code: str, year: int, options: AnalysisOptions,
               between: Callable[[], None] = lambda: None) -> None:
    """Build one trust's default funnel and peers pages, calling ``between()`` before each
    step (a tenth of a second or so each; the warm-up gives way there)."""
    analysis = results.trust(code, year)
    groups = list(bottleneck_groups(analysis))
    charts = funnel_charts(analysis, groups[0] if groups else None, large=False,
                           level=options.level)
    for call in charts.drawn():
        between()
        call.warm()
    between()
    funnel_texts(analysis, groups[0] if groups else None, charts.overall_share,
                 state.sample_page_memo)
    between()
    state.sample_page_memo(protected_key(analysis, DEFAULT_RULE),
                           lambda: protect(analysis, DEFAULT_RULE))
    universe = state.sample_peer_universe(options)
    group = peer_group(universe, code, year, DEFAULT_KIND, k=DEFAULT_K)
    if len(group.codes) < 3:
        return  # the page stops there too
    memo = state.sample_page_memo
    between()
    table = comparison_table(universe, group, options=options, adjusted=True, memo=memo)
    if table.empty:
        return
    chosen = default_funnel_stage(table)
    between()
    points, curves, funnel = funnel_plot(universe, group, chosen, DEFAULT_X_AXIS,
                                         options=options, adjusted=True, memo=memo)
    between()
    funnel_plot_chart(points, curves, funnel, label=stage_labels(table)[chosen],
                      x_axis=DEFAULT_X_AXIS, synthetic=True, large=False,
                      level=options.level,
                      source=funnel_plot_key(options, group, True, chosen,
                                             DEFAULT_X_AXIS)).warm()
    between()
    rows = strip_rows(universe, group, chosen[1], options=options, adjusted=True, memo=memo)
    between()
    strip_chart(rows, synthetic=True, large=False,
                source=strip_rows_key(options, group, True, chosen[1])).warm()


def warm_every_trust(options: AnalysisOptions | None = None) -> int:
    """Warm each trust of the sample at its latest year; the number of trusts warmed."""
    options = options or AnalysisOptions()
    results = state.sample_results(options)
    codes = [str(c) for c in results.organisations["org_code"]]
    for code in codes:
        years = results.years_for(code)
        if years:
            warm_trust(results, code, int(years[-1]), options, between=give_way)
    return len(codes)
