"""The charts of the funnel page for one trust and group, as the page draws them.

One definition for the page (app_pages/funnel.py draws these) and for the warm-up
(:mod:`wres_app.warmup` builds their specs for every trust of the sample before anyone asks):
if the two made their calls apart, a page that changed its arguments would silently stop
finding what was warmed.
"""

from __future__ import annotations

from dataclasses import dataclass

from wres_app.chart_cache import ChartCall
from wres_core.analysis import Bottleneck, TrustAnalysis
from wres_core.charts import (
    funnel_headcount_chart,
    funnel_share_chart,
    ladder_waterfall_chart,
    stage_chart,
)


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
