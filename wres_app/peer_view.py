"""The values and charts of the peers page, as the page computes and draws them.

One definition for the page (app_pages/peers.py) and for the warm-up (:mod:`wres_app.warmup`
computes the default view of every trust of the sample before anyone asks). ``memo`` is where
a value is kept: the page's ``state.page_memo`` (for the sample, kept for every visitor; for
uploads, in the session only) or the warm-up's ``state.sample_page_memo``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from wres_app.chart_cache import ChartCall
from wres_core.charts import peer_funnel_chart, peer_strip_chart
from wres_core.funnel import FunnelResult
from wres_core.options import AnalysisOptions
from wres_core.peers import (
    PEER_GROUP_LABELS,
    PeerGroup,
    PeerUniverse,
    peer_comparison,
    peer_funnel_data,
    peer_stage_table,
)

Memo = Callable[[tuple, Callable[[], Any]], Any]

#: The page's first choices: the peer group box's first entry and the horizontal axis.
DEFAULT_KIND = next(iter(PEER_GROUP_LABELS))
X_AXIS_LABELS = {"precision": "How sure (precision)",
                 "headcount": "Ethnic minority headcount"}
DEFAULT_X_AXIS = next(iter(X_AXIS_LABELS))


def comparison_table(universe: PeerUniverse, group: PeerGroup, *, options: AnalysisOptions,
                     adjusted: bool, memo: Memo) -> pd.DataFrame:
    return memo(("comparison", options, group, adjusted),
                lambda: peer_comparison(universe, group, adjust_overdispersion=adjusted))


def stage_labels(table: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Each (stage id, group) of the comparison with the label its stage box shows."""
    return {(r["stage_id"], r["comparison"]): (r["label"] if r["comparison"] == "BME"
                                              else f"{r['label']} ({r['comparison']})")
            for r in table[["stage_id", "comparison", "label"]].to_dict("records")}


def funnel_plot_key(options: AnalysisOptions, group: PeerGroup, adjusted: bool,
                    stage: tuple[str, str], x_axis: str) -> tuple:
    """What one stage's funnel plot is computed from (its memo key, and its chart's source:
    the peer group names the trust, year and peers)."""
    return ("funnel", options, group, adjusted, stage, x_axis)


def funnel_plot(universe: PeerUniverse, group: PeerGroup, stage: tuple[str, str],
                x_axis: str, *, options: AnalysisOptions, adjusted: bool,
                memo: Memo) -> tuple[pd.DataFrame, pd.DataFrame, FunnelResult]:
    """The points, limit curves and funnel of one stage."""
    return memo(funnel_plot_key(options, group, adjusted, stage, x_axis),
                lambda: peer_funnel_data(universe, group, stage[0], stage[1],
                                         adjust_overdispersion=adjusted, x_axis=x_axis))


def funnel_plot_chart(points: pd.DataFrame, curves: pd.DataFrame, funnel: FunnelResult, *,
                      label: str, x_axis: str, synthetic: bool, large: bool,
                      level: float, source: tuple | None = None) -> ChartCall:
    """``source``: the plot's :func:`funnel_plot_key` (see ``ChartCall.source``)."""
    return ChartCall(peer_funnel_chart, (points, curves), {
        "stage_label": label, "target": funnel.target_ratio, "x_axis": x_axis,
        "synthetic": synthetic, "large": large, "level": level}, source)


def strip_rows_key(options: AnalysisOptions, group: PeerGroup, adjusted: bool,
                   comparison: str) -> tuple:
    """What the strip chart's rows are computed from (memo key and chart source)."""
    return ("every stage", options, group, adjusted, comparison)


def strip_rows(universe: PeerUniverse, group: PeerGroup, comparison: str, *,
               options: AnalysisOptions, adjusted: bool, memo: Memo) -> pd.DataFrame:
    """Every stage's peer ratios for one comparison group (the strip chart's rows)."""
    return memo(strip_rows_key(options, group, adjusted, comparison),
                lambda: peer_stage_table(universe, group, comparison))


def strip_chart(rows: pd.DataFrame, *, synthetic: bool, large: bool,
                source: tuple | None = None) -> ChartCall:
    """``source``: the rows' :func:`strip_rows_key` (see ``ChartCall.source``)."""
    return ChartCall(peer_strip_chart, (rows,), {"synthetic": synthetic, "large": large},
                     source)
