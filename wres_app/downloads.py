"""Download buttons the pages call: tables as CSV and charts as PNG/SVG, after disclosure control.

Every download goes through the one rule of :mod:`wres_core.exports.disclosure`, chosen in the
sidebar (the suppression toggle) and on the Report page (threshold and rounding), and through
the protected view of the trust's analysis (:func:`protected_analysis`), so that a download
never shows what the pack hides. Chart images are drawn only when their button is clicked
(Streamlit runs the callable then), from the protected data.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import streamlit as st

from wres_app import state
from wres_app.state import page_memo
from wres_core import charts
from wres_core.analysis import TrustAnalysis
from wres_core.exports import images
from wres_core.exports.disclosure import DEFAULT_THRESHOLD, DisclosureRule
from wres_core.exports.pack import file_stem
from wres_core.exports.protected import ProtectedAnalysis, protect
from wres_core.reports import peer_table_csv, stage_table_csv

THRESHOLD_KEY = "suppress_threshold"
ROUND_KEY = "suppress_round5"


def current_reports() -> tuple:
    """The ingest reports of the data in use (the sample's, or the readable uploads')."""
    if state.current_source() == state.SOURCE_SAMPLE:
        return state.sample_dataset().reports
    dataset = state.upload_dataset()
    return dataset.reports if dataset is not None else ()


def disclosure_setting(key: str, default: object) -> object:
    """The Report page's setting ``key`` (its threshold or rounding), on every page.

    Streamlit forgets a widget's value while its page is not shown, so the last value set is
    kept apart as well; the Report page puts it back into its widget when shown again.
    """
    kept = f"_kept_{key}"
    if key in st.session_state:
        st.session_state[kept] = st.session_state[key]
    return st.session_state.get(kept, default)


def export_rule(suppress: bool) -> DisclosureRule:
    """The rule of every export: off when the sidebar's toggle is off; otherwise the Report
    page's threshold (default 7) and rounding."""
    if not suppress:
        return DisclosureRule(threshold=0)
    threshold = int(disclosure_setting(THRESHOLD_KEY, DEFAULT_THRESHOLD))
    round_to = 5 if disclosure_setting(ROUND_KEY, False) else 0
    return DisclosureRule(threshold=threshold, round_to=round_to)


def protected_analysis(analysis: TrustAnalysis, rule: DisclosureRule) -> ProtectedAnalysis:
    """The trust's protected view: for the sample, built once for every visitor (half a second
    each, on every first page of every session before); for uploads, once in this session."""
    return page_memo(protected_key(analysis, rule), lambda: protect(analysis, rule))


def protected_key(analysis: TrustAnalysis, rule: DisclosureRule) -> tuple:
    """What a protected view depends on besides the data (the warm-up keeps the sample's)."""
    return ("protected", analysis.org.code, analysis.year, analysis.options, rule)


def stage_csv_button(analysis: TrustAnalysis, rule: DisclosureRule) -> None:
    """The funnel page's stage table as CSV (counts and derived figures protected)."""
    def data() -> bytes:  # made on click (Streamlit calls it then), not on every rerun
        return stage_table_csv(analysis.stage_table, suppress=rule.enabled, rule=rule,
                               representation=analysis.representation,
                               overall=analysis.overall, tiers=analysis.options.tiers)

    st.download_button("Download the stage table (CSV)", data, on_click="ignore",
                       file_name=f"{file_stem(analysis)}_stages.csv", mime="text/csv",
                       help=rule.describe(), key="download_stage_csv")


def peer_csv_button(table, group, analysis: TrustAnalysis, rule: DisclosureRule, *,
                    synthetic: bool, kind: str) -> None:
    protected = protected_analysis(analysis, rule) if rule.enabled else None

    def data() -> bytes:  # made on click, not on every rerun
        return peer_table_csv(table, group, synthetic=synthetic, protected=protected)

    st.download_button("Download the peer comparison (CSV)", data, on_click="ignore",
                       file_name=f"{file_stem(analysis)}_peers_{kind}.csv", mime="text/csv",
                       help=rule.describe(), key="download_peer_csv")


def chart_buttons(name: str, build: Callable[[], alt.TopLevelMixin | None], stem: str,
                  key: str, disabled_reason: str = "") -> None:
    """PNG and SVG buttons for one chart, built and rendered only on click.

    ``build`` makes the (protected) chart; Streamlit calls the download callables on another
    thread, outside the script, so ``build`` must only use what it captured (the protected
    view), never session state.
    """
    def png() -> bytes:
        chart = build()
        return images.chart_png(chart) if chart is not None else b""

    def svg() -> bytes:
        chart = build()
        return images.chart_svg(chart) if chart is not None else b""

    disabled = bool(disabled_reason)
    help_text = disabled_reason or ("Drawn from the exported figures: anything shown as * in "
                                    "the downloads is not drawn.")
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(f"{name} (PNG)", png, file_name=f"{stem}.png", mime="image/png",
                         key=f"{key}_png", on_click="ignore", disabled=disabled,
                         help=help_text)
    right.download_button(f"{name} (SVG)", svg, file_name=f"{stem}.svg", mime="image/svg+xml",
                          key=f"{key}_svg", on_click="ignore", disabled=disabled,
                          help=help_text)


def funnel_chart_buttons(analysis: TrustAnalysis, rule: DisclosureRule, *,
                         large: bool = False) -> None:
    protected = protected_analysis(analysis, rule)
    chart_buttons("Funnel chart",
                  lambda: images.protected_funnel_chart(protected, large=large),
                  f"{file_stem(analysis)}_funnel", "download_funnel_chart",
                  "" if len(protected.representation) else "No AfC staff to draw.")


def stage_chart_buttons(analysis: TrustAnalysis, rule: DisclosureRule, *,
                        large: bool = False) -> None:
    protected = protected_analysis(analysis, rule)
    drawable = len(protected.stages) > len(protected.hidden_stages)
    chart_buttons("Stage chart", lambda: images.protected_stage_chart(protected, large=large),
                  f"{file_stem(analysis)}_stages", "download_stage_chart",
                  "" if drawable else "Every stage rests on a count that exports hide.")


def waterfall_chart_buttons(analysis: TrustAnalysis, rule: DisclosureRule, *,
                            large: bool = False) -> None:
    protected = protected_analysis(analysis, rule)
    group = (analysis.contributions["comparison"].iloc[0] if len(analysis.contributions)
             else None)
    hidden = group is None or protected.shares_hidden(group)
    chart_buttons("Band-step chart",
                  lambda: images.protected_waterfall_chart(protected, large=large),
                  f"{file_stem(analysis)}_band_steps", "download_waterfall_chart",
                  "Not available: the steps' shares rest on counts that exports hide."
                  if hidden else "")


def peer_chart_buttons(name: str, build: Callable[[], alt.TopLevelMixin],
                       analysis: TrustAnalysis, rule: DisclosureRule,
                       stage: tuple[str, str] | None, key: str) -> None:
    """A peer chart (``build`` makes it, on click), offered only when the trust's own point
    for ``stage`` (or, for a chart of every stage, any stage: ``stage`` None) rests on no
    hidden count."""
    protected = protected_analysis(analysis, rule)
    hidden = (protected.stage_hidden(*stage) if stage is not None
              else bool(protected.hidden_stages))
    reason = ("Not available: the trust's point rests on a count that exports hide."
              if hidden else "")
    chart_buttons(name, build, f"{file_stem(analysis)}_{key}", f"download_{key}",
                  reason)


def peer_strip_chart_buttons(strip_rows, analysis: TrustAnalysis, rule: DisclosureRule, *,
                             synthetic: bool, large: bool = False) -> None:
    """The every-stage strip chart, without the stages whose figures exports hide."""
    protected = protected_analysis(analysis, rule)
    rows = images.without_hidden_stages(strip_rows, protected)
    chart_buttons("Every-stage chart",
                  lambda: charts.peer_strip_chart(rows, synthetic=synthetic, large=large),
                  f"{file_stem(analysis)}_peers_every_stage", "download_peer_strip_chart",
                  "" if len(rows) else "Every stage rests on a count that exports hide.")
