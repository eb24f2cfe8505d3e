"""The charts, headline figures and tables of the funnel page for one trust and group, as the
page shows them.

One definition for the page (app_pages/funnel.py draws these) and for the warm-up
(:mod:`wres_app.warmup` builds them for every trust of the sample before anyone asks):
if the two made their calls apart, a page that changed its arguments would silently stop
finding what was warmed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from wres_app.chart_cache import ChartCall
from wres_core.analysis import Bottleneck, TrustAnalysis
from wres_core.bands import MEDICAL_GRADES
from wres_core.charts import (
    funnel_description,
    funnel_headcount_chart,
    funnel_share_chart,
    ladder_waterfall_chart,
    stage_chart,
)
from wres_core.reports import (
    Headline,
    headline_figures,
    representation_display_table,
    stage_display_table,
)

#: ``state.page_memo`` (the page) or ``state.sample_page_memo`` (the warm-up): (key, compute)
#: -> the value, kept for everyone when the data are the sample.
Memo = Callable[[tuple, Callable[[], Any]], Any]


@dataclass(frozen=True)
class FunnelCharts:
    """The funnel page's charts; None where the page draws none (and says why)."""

    overall_share: float | None
    headcount: ChartCall | None
    share: ChartCall | None
    stages: ChartCall | None
    waterfall: ChartCall | None

    def drawn(self) -> list[ChartCall]:
        return [c for c in (self.headcount, self.share, self.stages, self.waterfall)
                if c is not None]


@dataclass(frozen=True)
class FunnelTexts:
    """The funnel page's figures and tables for one group: the same for everyone who looks
    at this trust, year, options and group, so built once (about 40 ms of a page's run)."""

    figures: tuple[Headline, ...]
    description: str | None  # the funnel chart in words; None without AfC staff
    stage_table: pd.DataFrame
    medical: pd.DataFrame  # medical and dental grades, not on the AfC ladder


def funnel_texts(analysis: TrustAnalysis, group: str | None, overall_share: float | None,
                 memo: Memo) -> FunnelTexts:
    """:class:`FunnelTexts` of ``analysis`` for ``group``, through ``memo``."""
    key = ("funnel texts", analysis.org.code, analysis.year, analysis.options, group)

    def build() -> FunnelTexts:
        return FunnelTexts(
            tuple(headline_figures(analysis, comparison=group)),
            (funnel_description(analysis.representation, overall_share)
             if overall_share is not None and not analysis.representation.empty else None),
            stage_display_table(analysis.stage_table),
            representation_display_table(analysis.representation, MEDICAL_GRADES))

    return memo(key, build)


def bottleneck_groups(analysis: TrustAnalysis) -> dict[str, Bottleneck]:
    """Each comparison group's bottleneck, groups in the sidebar's order (the first is the
    page's default)."""
    by_group = {b.comparison: b for b in analysis.bottlenecks}
    return {group: by_group[group] for group in sorted(by_group)}


def funnel_charts(analysis: TrustAnalysis, group: str | None, *, large: bool,
                  level: float) -> FunnelCharts:
    """The charts the funnel page draws for ``group`` (None: the trust has no group)."""
    groups = bottleneck_groups(analysis)
    bottleneck = groups.get(group)
    # Every table below is computed from the trust's analysis (its trust, year and options)
    # and the group alone.
    source = ("trust", analysis.org.code, analysis.year, analysis.options, group)
    overall = analysis.overall.iloc[0] if len(analysis.overall) else None
    headcount = share = None
    overall_share = None
    if not analysis.representation.empty and overall is not None:
        overall_share = float(overall["bme_share"])
        headcount = ChartCall(funnel_headcount_chart, (analysis.representation,),
                              {"large": large}, source)
        share = ChartCall(funnel_share_chart, (analysis.representation, overall_share),
                          {"large": large}, source)

    stages = analysis.stage_table
    stage_call = None
    if not stages.empty:
        marked = ((bottleneck.stage_id, group)
                  if bottleneck is not None and bottleneck.stage_id else None)
        shown = stages[stages["comparison"] == group] if len(groups) > 1 else stages
        flagged = (tuple((stage_id, group) for stage_id in bottleneck.flagged_stage_ids)
                   if bottleneck is not None else ())
        stage_call = ChartCall(stage_chart, (shown,), {"large": large, "level": level,
                                                       "bottleneck": marked,
                                                       "flagged": flagged}, source)

    contributions = analysis.contributions
    steps = (contributions[contributions["comparison"] == group] if len(contributions)
             else contributions)
    waterfall = None
    if not stages.empty and len(steps):
        waterfall = ChartCall(ladder_waterfall_chart, (steps,), {
            "group_name": group, "large": large,
            "bottleneck": bottleneck.stage_id if bottleneck is not None else None}, source)
    return FunnelCharts(overall_share, headcount, share, stage_call, waterfall)
