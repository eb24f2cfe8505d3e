"""Altair charts of the analysis: the progression funnel, the stage chart and peer funnel plots.

Charts are built here, not in the app, so that the exported packs draw the same pictures.
Design rules: the Okabe-Ito colour-blind-safe palette; ratios on a log axis (a ratio of 2 and
a ratio of 1/2 are the same distance from parity); the parity line at 1 and the non-adverse
range 0.80-1.25 shaded; tooltips with the exact numbers; a ``description`` on every chart for
screen readers; a "1" tick on every ratio axis; the bottleneck marked where a chart shows it;
and a ``large`` option with bigger type for projectors (presentation mode).

Widths given here are for exports; the app draws every chart at the width of its column
(``st.altair_chart(..., width="stretch")``), so legends sit below the plot where a chart may
be narrow, and nothing is clipped on a 1280x720 projector.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from wres_core.bands import AFC_BANDS, MEDICAL_GRADES, band_label
from wres_core.formatting import format_interval, format_p_value, format_ratio, format_share
from wres_core.options import NON_ADVERSE_HIGH, NON_ADVERSE_LOW

# Okabe & Ito (2008), "Color universal design": distinguishable with common colour blindness.
WHITE_COLOUR = "#0072B2"     # blue
BME_COLOUR = "#E69F00"       # orange
UNKNOWN_COLOUR = "#999999"   # grey
ADVERSE_COLOUR = "#D55E00"   # vermillion
FAVOURABLE_COLOUR = "#56B4E9"  # sky blue
WITHIN_COLOUR = "#555555"    # dark grey
TRUST_COLOUR = "#D55E00"
PEER_COLOUR = "#0072B2"
SHADE_COLOUR = "#009E73"     # bluish green, light, for the non-adverse range

VERDICT_COLOURS = {
    "adverse": ADVERSE_COLOUR, "within range": WITHIN_COLOUR, "favourable": FAVOURABLE_COLOUR,
    "not defined": UNKNOWN_COLOUR,
}


def _sizes(large: bool) -> dict[str, int]:
    return {"label": 18 if large else 12, "title": 20 if large else 13,
            "heading": 24 if large else 15, "point": 220 if large else 90,
            "stroke": 4 if large else 2.5}


BOTTLENECK_LABEL = "bottleneck"
# An adverse step beyond chance whose zero count keeps it from being sized (and named as the
# bottleneck): Bottleneck.flagged_stage_ids.
FLAGGED_LABEL = "zero count, beyond chance"

# Ticks offered on a ratio (log) axis: parity, the non-adverse range's ends and the usual
# 1-2-5 steps; those inside the axis's domain are drawn, so 1 is always labelled.
RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, NON_ADVERSE_LOW, 1.0, NON_ADVERSE_HIGH, 2.0,
               5.0, 10.0, 20.0, 50.0, 100.0)


def ratio_ticks(domain: tuple[float, float]) -> list[float]:
    """The :data:`RATIO_TICKS` inside ``domain`` (1 always included: every ratio axis's domain
    contains parity, see :func:`_log_domain`)."""
    low, high = domain
    return [t for t in RATIO_TICKS if low <= t <= high or t == 1.0]


def ratio_axis(title: str, domain: tuple[float, float]) -> alt.Axis:
    """A log-scale ratio axis with ticks at :func:`ratio_ticks`, written as 0.8, 1, 1.25, 2."""
    return alt.Axis(title=title, values=ratio_ticks(domain), format="~g", grid=True)


def _config(large: bool, legend_orient: str = "bottom") -> alt.Config:
    """Type sizes, legend place and a frameless view: every chart's configuration."""
    s = _sizes(large)
    return alt.Config(
        axis=alt.AxisConfig(labelFontSize=s["label"], titleFontSize=s["title"], labelLimit=400),
        legend=alt.LegendConfig(labelFontSize=s["label"], titleFontSize=s["title"],
                                orient=legend_orient, labelLimit=400),
        title=alt.TitleConfig(fontSize=s["heading"], anchor="start"),
        view=alt.ViewConfig(strokeWidth=0))


def _configure(chart: alt.TopLevelMixin, large: bool,
               legend_orient: str = "bottom") -> alt.TopLevelMixin:
    return chart.properties(config=_config(large, legend_orient))


# Encodings are given as typed channels (alt.X2("end:Q"), not x2="end:Q"): Altair matches a
# plain string or dict against the schema to find its channel, a fifth of a chart's build.


def _layers(*layers: alt.Chart, **properties: object) -> alt.LayerChart:
    """The layers as one chart with its properties (and ``config``) set at once.

    Built in one step because every ``+``, ``.properties()`` and ``.configure_*()`` of a layered
    chart copies each of its layers deeply: five such steps were two fifths of the time the
    server spent on a trust's first charts.
    """
    return alt.LayerChart(layer=list(layers), **properties)


# --- the progression funnel ---------------------------------------------------------------


def funnel_data(representation: pd.DataFrame, include_medical: bool = False) -> pd.DataFrame:
    """Long frame (band, group, headcount, share text) for the funnel chart."""
    bands = list(AFC_BANDS) + (list(MEDICAL_GRADES) if include_medical else [])
    rep = representation[representation["band"].astype(str).isin(bands)]
    rows = []
    for _, r in rep.iterrows():
        for group, column in (("White", "white"), ("BME", "bme"), ("Unknown", "unknown")):
            rows.append({
                "band": band_label(str(r["band"])), "group": group,
                "headcount": int(r[column]), "band_total": int(r["total"]),
                "bme_share": format_share(r["bme_share"]),
                "interval": f"{format_share(r['ci_low'])} to {format_share(r['ci_high'])}",
                "unknown_share": format_share(r["unknown_share"]),
            })
    return pd.DataFrame(rows, columns=["band", "group", "headcount", "band_total", "bme_share",
                                       "interval", "unknown_share"])


# Both halves of the funnel use this band scale, so that drawn side by side as two charts
# their rows line up (a point mark would otherwise get a point scale, offset from the bars).
_BAND_ROWS = alt.Scale(type="band", paddingInner=0.1, paddingOuter=0.05)


def _funnel_bands(representation: pd.DataFrame) -> list[str]:
    """Band labels present, top band first (the order the funnel is drawn in)."""
    present = {band_label(str(b)) for b in representation["band"]
               if str(b) in AFC_BANDS}
    return [band_label(b) for b in reversed(AFC_BANDS) if band_label(b) in present]


def funnel_headcount_chart(representation: pd.DataFrame, *, group_name: str = "BME",
                           large: bool = False, configure: bool = True) -> alt.Chart:
    """Headcount by band (White / BME / unknown), bars centred like a funnel."""
    data = funnel_data(representation)
    present = _funnel_bands(representation)
    colour = alt.Color("group:N", title="Ethnicity", scale=alt.Scale(
        domain=["White", "BME", "Unknown"], range=[WHITE_COLOUR, BME_COLOUR, UNKNOWN_COLOUR]),
        legend=alt.Legend(labelExpr=f"datum.label == 'BME' ? '{group_name}' : datum.label"))
    tooltip = [alt.Tooltip("band:N", title="Band"), alt.Tooltip("group:N", title="Group"),
               alt.Tooltip("headcount:Q", title="Headcount", format=","),
               alt.Tooltip("band_total:Q", title="All staff in band", format=","),
               alt.Tooltip("bme_share:N", title=f"{group_name} share of known"),
               alt.Tooltip("unknown_share:N", title="Ethnicity unknown")]
    bars = alt.Chart(data).mark_bar().encode(
        # Centred bars make a funnel; their axis numbers would mean nothing, so the exact
        # headcounts are in the tooltips and the text description instead.
        y=alt.Y("band:N", sort=present, title=None, scale=_BAND_ROWS),
        x=alt.X("headcount:Q", stack="center", title="Staff in each band (bars centred)",
                axis=alt.Axis(labels=False, ticks=False, grid=False)),
        color=colour, order=alt.Order("group_order:Q"), tooltip=tooltip,
    ).transform_calculate(
        group_order="datum.group == 'White' ? 0 : datum.group == 'BME' ? 1 : 2"
    ).properties(width=420 if not large else 560, height=alt.Step(30 if large else 24),
                 # A subtitle like the share chart's, so that side by side their rows align.
                 title=alt.TitleParams("Headcount by band",
                                       subtitle="White, ethnic minority and unknown staff"))
    return _configure(bars, large) if configure else bars


def funnel_share_chart(representation: pd.DataFrame, overall_share: float, *,
                       group_name: str = "BME", large: bool = False,
                       band_labels: bool = True, configure: bool = True) -> alt.LayerChart:
    """The BME share of each band with its Wilson interval and a line at the trust-wide
    share; the share axis runs 0-100% so it never stops short of a band's share."""
    s = _sizes(large)
    present = _funnel_bands(representation)
    shares = representation[representation["band"].astype(str).isin(AFC_BANDS)].copy()
    shares["band"] = [band_label(str(b)) for b in shares["band"]]
    shares["share_text"] = [format_share(v) for v in shares["bme_share"]]
    shares["interval_text"] = [f"{format_share(a)} to {format_share(b)}"
                               for a, b in zip(shares["ci_low"], shares["ci_high"])]
    base = alt.Chart(shares[["band", "bme_share", "ci_low", "ci_high", "share_text",
                             "interval_text", "bme", "white"]])
    share_tooltip = [alt.Tooltip("band:N", title="Band"),
                     alt.Tooltip("share_text:N", title=f"{group_name} share"),
                     alt.Tooltip("interval_text:N", title="95% interval"),
                     alt.Tooltip("bme:Q", title=group_name, format=","),
                     alt.Tooltip("white:Q", title="White", format=",")]
    x_share = alt.X("bme_share:Q", title=f"{group_name} share of staff with known ethnicity",
                    axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("band:N", sort=present, title=None, scale=_BAND_ROWS,
              axis=alt.Axis() if band_labels else None)
    rules = base.mark_rule(strokeWidth=s["stroke"], color=BME_COLOUR).encode(
        y=y, x=alt.X("ci_low:Q"), x2=alt.X2("ci_high:Q"), tooltip=share_tooltip)
    points = base.mark_point(filled=True, size=s["point"], color=BME_COLOUR).encode(
        y=y, x=x_share, tooltip=share_tooltip)
    overall = alt.Chart(pd.DataFrame({"share": [overall_share],
                                      "text": [f"Trust-wide {format_share(overall_share)}"]}))
    overall_rule = overall.mark_rule(strokeDash=[6, 4], color=WITHIN_COLOUR,
                                     strokeWidth=2).encode(
        x=alt.X("share:Q"), tooltip=[alt.Tooltip("text:N", title="All AfC staff")])
    finish = (dict(description=funnel_description(representation, overall_share, group_name),
                   config=_config(large)) if configure else {})
    return _layers(overall_rule, rules, points,
                   width=300 if not large else 380, height=alt.Step(30 if large else 24),
                   title=alt.TitleParams(f"{group_name} share per band",
                                         subtitle="dashed line: the trust-wide share"),
                   **finish)


def funnel_chart(representation: pd.DataFrame, overall_share: float, *, group_name: str = "BME",
                 large: bool = False, title: str | None = None) -> alt.TopLevelMixin:
    """Headcount by band (White / BME / unknown, centred like a funnel) beside the BME share
    of each band with its Wilson interval and a line at the trust-wide share (for exports;
    the app draws the two halves side by side at its columns' width)."""
    bars = funnel_headcount_chart(representation, group_name=group_name, large=large,
                                  configure=False)
    share_chart = funnel_share_chart(representation, overall_share, group_name=group_name,
                                     large=large, band_labels=False, configure=False)
    chart = alt.hconcat(bars, share_chart, spacing=10).resolve_scale(y="shared")
    description = funnel_description(representation, overall_share, group_name)
    chart = chart.properties(description=description, title=title or "")
    return _configure(chart, large)


def funnel_description(representation: pd.DataFrame, overall_share: float,
                       group_name: str = "BME") -> str:
    """A text version of the funnel chart, for screen readers and the page's caption."""
    rep = representation[representation["band"].astype(str).isin(AFC_BANDS)]
    if rep.empty:
        return "No Agenda for Change staff in the data."
    parts = [f"{band_label(str(r['band']))}: {int(r['total']):,} staff, {group_name} "
             f"{format_share(r['bme_share'])}" for _, r in rep.iterrows()]
    return (f"Headcount and {group_name} share by pay band, bottom to top. Trust-wide "
            f"{group_name} share {format_share(overall_share)}. " + "; ".join(parts) + ".")


# --- the stage chart ----------------------------------------------------------------------


def _log_domain(values: list[np.ndarray]) -> tuple[float, float]:
    finite = np.concatenate([np.asarray(v, float) for v in values])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    low = min(0.5, finite.min() if finite.size else 0.5)
    high = max(2.0, finite.max() if finite.size else 2.0)
    # Keep absurd intervals (tiny counts) from squashing everything else.
    low, high = max(low / 1.15, 0.01), min(high * 1.15, 100.0)
    return low, high


def stage_chart_data(stages: pd.DataFrame) -> tuple[pd.DataFrame, tuple[float, float]]:
    """Stage rows with display columns clipped to the axis, plus the axis domain."""
    data = stages.copy()
    domain = _log_domain([data["ratio"], data["ci_low"], data["ci_high"]])
    lo, hi = domain

    def clip(values: pd.Series) -> np.ndarray:
        v = values.to_numpy(dtype=float)
        return np.clip(np.where(v <= 0, lo, v), lo, hi)

    data["x_ratio"] = clip(data["ratio"])
    data["x_low"] = clip(data["ci_low"])
    data["x_high"] = clip(data["ci_high"])
    data["ratio_text"] = [format_ratio(v) for v in data["ratio"]]
    data["interval_text"] = [format_interval(a, b) for a, b in zip(data["ci_low"],
                                                                   data["ci_high"])]
    data["p_text"] = [format_p_value(v) for v in data["p_value"]]
    data["p_adj_text"] = [format_p_value(v) for v in data["p_adjusted"]]
    data["counts_text"] = [f"White {a:,} of {b:,}; {c} {d:,} of {e:,}" if k == "recruitment"
                           else f"White {b:,} -> {a:,}; {c} {e:,} -> {d:,}"
                           for k, a, b, c, d, e in zip(data["kind"], data["white_to"],
                                                       data["white_from"], data["comparison"],
                                                       data["bme_to"], data["bme_from"])]
    data["display_label"] = [
        f"{lab} ({c})" if c != "BME" else lab for lab, c in zip(data["label"],
                                                                data["comparison"])]
    data["significance"] = np.where(data["significant"], "significant", "not significant")
    data = data[data["x_ratio"].notna()]
    return data, domain


#: What identifies a stage's row in a chart's data, kept beside the columns a chart draws.
_ROW_KEYS = ("stage_id", "comparison", "label", "ratio")


def _drawn(data: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Only the columns a chart encodes (and the row keys): the stage tables have 40-odd
    columns, and Altair sanitises and sends every one (two thirds of the stage chart's
    build time on the server, and all of it to each browser)."""
    keep = list(dict.fromkeys([c for c in (*_ROW_KEYS, *columns) if c in data.columns]))
    return data[keep]


def _mark_bottleneck(labels: pd.Series, is_bottleneck: pd.Series | np.ndarray,
                     is_flagged: pd.Series | np.ndarray | None = None) -> list[str]:
    """Axis labels with the bottleneck named as such ("Band 5 to band 6 (bottleneck)"), and
    flagged zero-count steps ("Band 9 to VSM (zero count, beyond chance)")."""
    flagged = np.zeros(len(labels), bool) if is_flagged is None else np.asarray(is_flagged)
    return [f"{label} ({BOTTLENECK_LABEL})" if mark else
            f"{label} ({FLAGGED_LABEL})" if flag else label
            for label, mark, flag in zip(labels, is_bottleneck, flagged)]


def _bold_bottleneck_labels() -> alt.ExprRef:
    return alt.expr(f"indexof(datum.label, '({BOTTLENECK_LABEL})') >= 0 || "
                    f"indexof(datum.label, '({FLAGGED_LABEL})') >= 0 ? 'bold' : 'normal'")


def stage_chart(stages: pd.DataFrame, *, large: bool = False, title: str | None = None,
                level: float = 0.95, bottleneck: tuple[str, str] | None = None,
                flagged: tuple[tuple[str, str], ...] = ()) -> alt.TopLevelMixin:
    """Each stage's ratio on a log axis with its interval; parity at 1; 0.80-1.25 shaded;
    adverse stages coloured; recruitment stages first, then the band steps, then the tiers.

    ``bottleneck`` is the (stage id, comparison group) of the bottleneck: its row is labelled
    "(bottleneck)" in bold and its point ringed in black. ``flagged`` are (stage id, group)
    pairs of adverse steps beyond chance with a zero count: labelled so, in bold.
    """
    data, domain = stage_chart_data(stages)
    s = _sizes(large)
    data["is_bottleneck"] = ((data["stage_id"] == bottleneck[0])
                             & (data["comparison"] == bottleneck[1])) if bottleneck else False
    is_flagged = [(sid, group) in set(flagged)
                  for sid, group in zip(data["stage_id"], data["comparison"])]
    data["display_label"] = _mark_bottleneck(data["display_label"], data["is_bottleneck"],
                                             is_flagged)
    order = list(dict.fromkeys(data["display_label"]))
    y = alt.Y("display_label:N", sort=order, title=None,
              axis=alt.Axis(labelFontWeight=_bold_bottleneck_labels()))
    x_scale = alt.Scale(type="log", domain=list(domain), clamp=True)
    level_text = f"{level * 100:g}%"
    tooltip = [alt.Tooltip("label:N", title="Stage"), alt.Tooltip("comparison:N", title="Group"),
               alt.Tooltip("ratio_text:N", title="Ratio (White vs group)"),
               alt.Tooltip("interval_text:N", title=f"{level_text} interval"),
               alt.Tooltip("ci_method:N", title="Interval method"),
               alt.Tooltip("p_text:N", title="p"), alt.Tooltip("p_adj_text:N", title="Adjusted p"),
               alt.Tooltip("test:N", title="Test"), alt.Tooltip("counts_text:N", title="Counts"),
               alt.Tooltip("verdict:N", title="Range")]
    shade = alt.Chart(pd.DataFrame({"low": [NON_ADVERSE_LOW], "high": [NON_ADVERSE_HIGH],
                                    "text": ["Non-adverse range 0.80-1.25"]})).mark_rect(
        color=SHADE_COLOUR, opacity=0.15).encode(
        x=alt.X("low:Q", scale=x_scale), x2=alt.X2("high:Q"),
        tooltip=[alt.Tooltip("text:N", title="")])
    parity = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
        color="black", strokeWidth=1.5).encode(x=alt.X("x:Q", scale=x_scale))
    colour = alt.Color("verdict:N", title="Ratio", scale=alt.Scale(
        domain=list(VERDICT_COLOURS), range=list(VERDICT_COLOURS.values())))
    data = _drawn(data, ("display_label", "x_low", "x_high", "x_ratio", "verdict",
                         "significance", "is_bottleneck", "ratio_text", "interval_text",
                         "ci_method", "p_text", "p_adj_text", "test", "counts_text"))
    base = alt.Chart(data)
    intervals = base.mark_rule(strokeWidth=s["stroke"]).encode(
        y=y, x=alt.X("x_low:Q", scale=x_scale, axis=ratio_axis(
            "Ratio, White vs ethnic minority staff (log scale; above 1 adverse)", domain)),
        x2=alt.X2("x_high:Q"), color=colour, tooltip=tooltip)
    points = base.mark_point(filled=True, size=s["point"]).encode(
        y=y, x=alt.X("x_ratio:Q", scale=x_scale), color=colour,
        shape=alt.Shape("significance:N", title="After adjustment", scale=alt.Scale(
            domain=["significant", "not significant"], range=["circle", "diamond"])),
        tooltip=tooltip)
    ring = alt.Chart(data[data["is_bottleneck"]]).mark_point(
        shape="circle", filled=False, size=s["point"] * 3.5, color="black",
        strokeWidth=s["stroke"]).encode(y=y, x=alt.X("x_ratio:Q", scale=x_scale),
                                        tooltip=tooltip)
    return _layers(shade, parity, intervals, points, ring,
                   width=560 if not large else 760, height=alt.Step(34 if large else 26),
                   title=title or "", description=stage_description(stages, level),
                   config=_config(large))


def stage_description(stages: pd.DataFrame, level: float = 0.95) -> str:
    """A text version of the stage chart, for screen readers."""
    if stages.empty:
        return "No stages could be computed."
    parts = [f"{r['label']} ({r['comparison']}): ratio {format_ratio(r['ratio'])}, "
             f"{level * 100:g}% interval {format_interval(r['ci_low'], r['ci_high'])}, "
             f"{r['verdict']}{', significant' if r['significant'] else ''}"
             for _, r in stages.iterrows()]
    return ("Ratios of White to ethnic minority staff's likelihood of progressing, stage by "
            "stage; above 1 is adverse. " + "; ".join(parts) + ".")


def ladder_waterfall_chart(contributions: pd.DataFrame, *, group_name: str = "BME",
                           large: bool = False,
                           bottleneck: str | None = None) -> alt.TopLevelMixin:
    """The ladder's disparity building up step by step (a waterfall on a log axis).

    Each bar runs from the ladder's ratio below a step to the ratio above it, so the bars
    chain from parity (1) at the first band to the whole ladder's ratio at the top; adverse
    steps push right, favourable steps pull left. Steps with a zero count are left out.
    ``bottleneck`` is the bottleneck's stage id: its bar is outlined in black and its label
    reads "(bottleneck)" in bold.
    """
    s = _sizes(large)
    data = contributions[np.isfinite(contributions["log_ratio"].astype(float))].copy()
    data["end"] = data["cumulative_ratio"].astype(float)
    data["start"] = data["end"] / data["ratio"].astype(float)
    data["ratio_text"] = [format_ratio(v) for v in data["ratio"]]
    data["interval_text"] = [format_interval(a, b) for a, b in zip(data["ci_low"],
                                                                   data["ci_high"])]
    data["share_text"] = [format_share(v, 0) for v in data["adverse_share"]]
    data["cumulative_text"] = [format_ratio(v) for v in data["end"]]
    data["is_bottleneck"] = data["stage_id"] == bottleneck
    data["display_label"] = _mark_bottleneck(data["label"], data["is_bottleneck"])
    order = list(dict.fromkeys(data["display_label"]))
    domain = _log_domain([data["start"], data["end"]])
    x_scale = alt.Scale(type="log", domain=list(domain), clamp=True)
    bars = alt.Chart(_drawn(data, ("display_label", "start", "end", "verdict", "is_bottleneck",
                                   "ratio_text", "interval_text", "cumulative_text",
                                   "share_text"))).mark_bar(height=18 if large else 14).encode(
        y=alt.Y("display_label:N", sort=order, title=None,
                axis=alt.Axis(labelFontWeight=_bold_bottleneck_labels())),
        x=alt.X("start:Q", scale=x_scale, axis=ratio_axis(
            f"Ratio over the ladder so far, White vs {group_name} (log scale)", domain)),
        x2=alt.X2("end:Q"),
        color=alt.Color("verdict:N", title="Step", scale=alt.Scale(
            domain=list(VERDICT_COLOURS), range=list(VERDICT_COLOURS.values()))),
        stroke=alt.StrokeValue(None, condition={"test": "datum.is_bottleneck",
                                                "value": "black"}),
        strokeWidth=alt.StrokeWidthValue(0, condition={"test": "datum.is_bottleneck",
                                                       "value": s["stroke"]}),
        tooltip=[alt.Tooltip("label:N", title="Step"),
                 alt.Tooltip("ratio_text:N", title="Step ratio"),
                 alt.Tooltip("interval_text:N", title="Interval"),
                 alt.Tooltip("cumulative_text:N", title="Ladder ratio after this step"),
                 alt.Tooltip("share_text:N", title="Share of adverse build-up")])
    parity = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(
        color="black", strokeWidth=1.5).encode(x=alt.X("x:Q", scale=x_scale))
    parts = "; ".join(f"{r['label']}: step ratio {format_ratio(r['ratio'])}, ladder ratio "
                      f"{format_ratio(r['end'])}"
                      + (" (the bottleneck)" if r["is_bottleneck"] else "")
                      for _, r in data.iterrows())
    return _layers(parity, bars, width=560 if not large else 760,
                   height=alt.Step(30 if large else 24),
                   description=f"The ladder's disparity step by step. {parts}.",
                   config=_config(large))


# --- peer comparison ----------------------------------------------------------------------

# What the precision axis means, in words a board member reads without a statistics course:
# precision is 1 / standard error, so trusts with narrower intervals sit further right.
PRECISION_AXIS_TITLE = "How sure: narrower intervals to the right"

PEER_VERDICT_COLOURS = {
    "strongly higher": "#A13C00", "significantly higher": ADVERSE_COLOUR, "similar": "#777777",
    "significantly lower": "#56B4E9", "strongly lower": "#0072B2",
    "not assessed (zero cell)": "#CCCCCC",
    "not assessed (fewer than 2 organisations)": "#CCCCCC",
}


def peer_funnel_chart(points: pd.DataFrame, curves: pd.DataFrame, *, stage_label: str,
                      target: float, x_axis: str = "precision", synthetic: bool = False,
                      large: bool = False, level: float = 0.95) -> alt.TopLevelMixin:
    """A funnel plot for one stage: peers' ratios against their precision (1 / standard
    error) or their ethnic minority headcount, with 95% and 99.8% limits around the peer
    target, the trust highlighted. Peers with a zero count cannot be placed and are left out
    (the page says how many)."""
    s = _sizes(large)
    data = points[points["included"]].copy()
    data["ratio_text"] = [format_ratio(v) for v in data["ratio"]]
    data["interval_text"] = [format_interval(a, b) for a, b in zip(data["ci_low"],
                                                                   data["ci_high"])]
    data["who"] = np.where(data["is_trust"], "This trust", "Peer")
    data["counts_text"] = [f"White {wf:,} -> {wt:,}; group {bf:,} -> {bt:,}" for wf, wt, bf, bt
                           in zip(data["white_from"], data["white_to"], data["bme_from"],
                                  data["bme_to"])]
    x_field = "precision" if x_axis == "precision" else "bme_headcount"
    x_title = (PRECISION_AXIS_TITLE if x_axis == "precision"
               else "Ethnic minority staff in the stage (headcount)")
    curve = curves
    curve_x = "precision" if x_axis == "precision" else "headcount"
    # The axis follows the organisations, not the limits: at low precision the 99.8% limits
    # run off to extremes that would squash every point into a line.
    domain = _log_domain([data["ratio"], curve["low95"].iloc[-1:], curve["high95"].iloc[-1:]])
    domain = (domain[0] / 1.5, domain[1] * 1.5)
    y_scale = alt.Scale(type="log", domain=list(domain), clamp=True)
    long = curve.melt(id_vars=[curve_x], value_vars=["low95", "high95", "low998", "high998"],
                      var_name="limit", value_name="value")
    long["band"] = np.where(long["limit"].str.endswith("998"), "99.8% limits", "95% limits")
    long["side"] = np.where(long["limit"].str.startswith("low"), "low", "high")
    lines = alt.Chart(long).mark_line(strokeWidth=1.5).encode(
        x=alt.X(f"{curve_x}:Q", title=x_title),
        # Short enough to stay within the plot's height in large type: a longer axis title
        # pushed the chart's own title out of the top of the frame.
        y=alt.Y("value:Q", scale=y_scale, axis=ratio_axis(
            "Ratio (log scale; above 1 adverse)", domain)),
        detail=alt.Detail("limit:N"),
        strokeDash=alt.StrokeDash("band:N", title="Control limits", scale=alt.Scale(
            domain=["95% limits", "99.8% limits"], range=[[6, 3], [1, 0]])),
        color=alt.ColorValue("#444444"))
    target_rule = alt.Chart(pd.DataFrame({"y": [target],
                                          "text": [f"Peer target {format_ratio(target)}"]})
                            ).mark_rule(color="#009E73", strokeWidth=2).encode(
        y=alt.Y("y:Q", scale=y_scale), tooltip=[alt.Tooltip("text:N", title="")])
    tooltip = [alt.Tooltip("org_name:N", title="Organisation"),
               alt.Tooltip("org_code:N", title="Code"),
               alt.Tooltip("ratio_text:N", title="Ratio"),
               alt.Tooltip("interval_text:N", title=f"{level * 100:g}% interval"),
               alt.Tooltip("counts_text:N", title="Counts"),
               alt.Tooltip("verdict:N", title="Against peers")]
    data = _drawn(data, (x_field, "org_name", "org_code", "ratio_text", "interval_text",
                         "counts_text", "verdict", "who", "is_trust"))
    peers = alt.Chart(data[~data["is_trust"]]).mark_circle(size=s["point"] * 0.6,
                                                            opacity=0.75).encode(
        x=alt.X(f"{x_field}:Q"), y=alt.Y("ratio:Q", scale=y_scale),
        color=alt.Color("verdict:N", title="Against peers", scale=alt.Scale(
            domain=list(PEER_VERDICT_COLOURS), range=list(PEER_VERDICT_COLOURS.values()))),
        tooltip=tooltip)
    trust = alt.Chart(data[data["is_trust"]]).mark_point(
        shape="diamond", size=s["point"] * 3, filled=True, color=TRUST_COLOUR,
        stroke="black", strokeWidth=1.5).encode(
        x=alt.X(f"{x_field}:Q"), y=alt.Y("ratio:Q", scale=y_scale), tooltip=tooltip)
    label = alt.Chart(data[data["is_trust"]]).mark_text(
        align="left", dx=12, fontSize=s["label"], fontWeight="bold").encode(
        x=alt.X(f"{x_field}:Q"), y=alt.Y("ratio:Q", scale=y_scale), text=alt.Text("who:N"))
    title = f"{stage_label}: funnel plot{' (synthetic peers)' if synthetic else ''}"
    trust_rows = data[data["is_trust"]]
    trust_text = (f"This trust: ratio {format_ratio(trust_rows['ratio'].iloc[0])}, "
                  f"{trust_rows['verdict'].iloc[0]}. " if len(trust_rows) else "")
    return _layers(lines, target_rule, peers, trust, label,
                   width=620 if not large else 820, height=380 if not large else 460,
                   title=title, description=(
                       f"Funnel plot of {len(data)} organisations for {stage_label}. Peer "
                       f"target {format_ratio(target)}. {trust_text}"
                       f"{(data['verdict'] != 'similar').sum()} organisations lie outside the "
                       "95% limits."),
                   config=_config(large, legend_orient="right"))


def peer_strip_chart(stage_rows: pd.DataFrame, *, synthetic: bool = False,
                     large: bool = False) -> alt.TopLevelMixin:
    """Every stage's peer ratios as a strip (one dot per peer), peer median as a tick and the
    trust as a large diamond, on a log axis with parity and the non-adverse range."""
    s = _sizes(large)
    data = stage_rows[np.isfinite(stage_rows["ratio"].astype(float))
                      & (stage_rows["ratio"].astype(float) > 0)].copy()
    data["ratio_text"] = [format_ratio(v) for v in data["ratio"]]
    data["interval_text"] = [format_interval(a, b) for a, b in zip(data["ci_low"],
                                                                   data["ci_high"])]
    order = list(dict.fromkeys(stage_rows.sort_values("order", kind="stable")["label"]))
    domain = _log_domain([data["ratio"]])
    x_scale = alt.Scale(type="log", domain=list(domain), clamp=True)
    y = alt.Y("label:N", sort=order, title=None)
    tooltip = [alt.Tooltip("org_name:N", title="Organisation"),
               alt.Tooltip("label:N", title="Stage"),
               alt.Tooltip("ratio_text:N", title="Ratio"),
               alt.Tooltip("interval_text:N", title="Interval")]
    shade = alt.Chart(pd.DataFrame({"low": [NON_ADVERSE_LOW], "high": [NON_ADVERSE_HIGH]})
                      ).mark_rect(color=SHADE_COLOUR, opacity=0.15).encode(
        x=alt.X("low:Q", scale=x_scale), x2=alt.X2("high:Q"))
    parity = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="black").encode(
        x=alt.X("x:Q", scale=x_scale))
    # Every peer's every stage (about 2,000 rows): only what the ticks draw and tell.
    data = _drawn(data, ("org_name", "ratio_text", "interval_text", "is_trust"))
    peers = alt.Chart(data[~data["is_trust"]]).mark_tick(
        color=PEER_COLOUR, opacity=0.35, thickness=2, size=16 if large else 12).encode(
        x=alt.X("ratio:Q", scale=x_scale, axis=ratio_axis(
            "Ratio, White vs ethnic minority staff (log scale; above 1 adverse)", domain)),
        y=y, tooltip=tooltip)
    medians = data[~data["is_trust"]].groupby("label", as_index=False)["ratio"].median()
    medians["text"] = [f"Peer median {format_ratio(v)}" for v in medians["ratio"]]
    median_marks = alt.Chart(medians).mark_tick(color="black", thickness=3,
                                                size=22 if large else 18).encode(
        x=alt.X("ratio:Q", scale=x_scale), y=y, tooltip=[alt.Tooltip("text:N", title="")])
    trust = alt.Chart(data[data["is_trust"]]).mark_point(
        shape="diamond", filled=True, size=s["point"] * 2, color=TRUST_COLOUR,
        stroke="black").encode(x=alt.X("ratio:Q", scale=x_scale), y=y, tooltip=tooltip)
    trust_rows = data[data["is_trust"]]
    return _layers(shade, parity, peers, median_marks, trust,
                   width=620 if not large else 820, height=alt.Step(30 if large else 24),
                   title="Every stage against peers" + (" (synthetic peers)" if synthetic
                                                        else ""),
                   description="Each stage's ratio for this trust against its peers. "
                   + "; ".join(f"{r['label']}: {format_ratio(r['ratio'])}"
                               for _, r in trust_rows.iterrows()),
                   config=_config(large))
