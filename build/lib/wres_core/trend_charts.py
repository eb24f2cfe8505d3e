"""Altair charts for significance, trends and targets: the forest plot, each stage's ratio
over the years (beside the peer median), the ethnic minority share per band over time, the
what-if beside the actual figures and the representation trajectory.

The same design rules as :mod:`wres_core.charts` (whose palette and type sizes are reused):
ratios on a log axis, parity at 1 and the non-adverse range 0.80-1.25 shaded, tooltips with
the exact numbers, a ``description`` for screen readers and a ``large`` option for projectors.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from wres_core.bands import AFC_BANDS, band_label
from wres_core.charts import (
    ADVERSE_COLOUR,
    BME_COLOUR,
    PEER_COLOUR,
    SHADE_COLOUR,
    TRUST_COLOUR,
    VERDICT_COLOURS,
    WHITE_COLOUR,
    WITHIN_COLOUR,
    _configure,
    _sizes,
)
from wres_core.formatting import format_interval, format_p_value, format_ratio, format_share
from wres_core.options import NON_ADVERSE_HIGH, NON_ADVERSE_LOW

RATIO_TITLE = "Ratio, White vs ethnic minority staff (log scale; above 1 adverse)"
LOW_CLIP, HIGH_CLIP = 0.05, 50.0


def _display_label(label: str, comparison: str) -> str:
    return label if comparison == "BME" else f"{label} ({comparison})"


def _log_domain(*columns: pd.Series) -> list[float]:
    values = np.concatenate([np.asarray(c, dtype=float) for c in columns]) if columns else []
    values = values[np.isfinite(values) & (values > 0)]
    low = min(0.5, values.min()) if values.size else 0.5
    high = max(2.0, values.max()) if values.size else 2.0
    return [max(low / 1.15, LOW_CLIP), min(high * 1.15, HIGH_CLIP)]


def _clip(values: pd.Series, domain: list[float]) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return np.clip(np.where(v <= 0, domain[0], v), domain[0], domain[1])


def _range_layers(x_or_y: str, scale: alt.Scale) -> list[alt.Chart]:
    """The shaded non-adverse range and the parity line, on the x or the y axis."""
    shade_data = pd.DataFrame({"low": [NON_ADVERSE_LOW], "high": [NON_ADVERSE_HIGH],
                               "text": ["Non-adverse range 0.80-1.25"]})
    channel = alt.X if x_or_y == "x" else alt.Y
    second = {"x2": "high:Q"} if x_or_y == "x" else {"y2": "high:Q"}
    shade = alt.Chart(shade_data).mark_rect(color=SHADE_COLOUR, opacity=0.15).encode(
        channel("low:Q", scale=scale), **second, tooltip=[alt.Tooltip("text:N", title="")])
    parity = alt.Chart(pd.DataFrame({"v": [1.0]})).mark_rule(color="black",
                                                             strokeWidth=1.5).encode(
        channel("v:Q", scale=scale))
    return [shade, parity]


# --- significance: the forest plot ----------------------------------------------------------


def forest_chart(stages: pd.DataFrame, *, large: bool = False,
                 level: float = 0.95) -> alt.TopLevelMixin:
    """Every stage's ratio and interval, one row per stage, with the detailed comparison
    groups side by side (one panel each) when there are several."""
    data = stages.copy()
    domain = _log_domain(data["ratio"], data["ci_low"], data["ci_high"])
    data["x_ratio"] = _clip(data["ratio"], domain)
    data["x_low"] = _clip(data["ci_low"], domain)
    data["x_high"] = _clip(data["ci_high"], domain)
    data = data[np.isfinite(data["ratio"].astype(float)) | np.isinf(data["ratio"].astype(
        float))]
    data["ratio_text"] = [format_ratio(v) for v in data["ratio"]]
    data["interval_text"] = [format_interval(a, b) for a, b in zip(data["ci_low"],
                                                                   data["ci_high"])]
    data["p_text"] = [format_p_value(v) for v in data["p_adjusted"]]
    data["significance"] = np.where(data["significant"], "significant", "not significant")
    s = _sizes(large)
    order = list(dict.fromkeys(data.sort_values("order", kind="stable")["label"]))
    scale = alt.Scale(type="log", domain=domain, clamp=True)
    y = alt.Y("label:N", sort=order, title=None)
    tooltip = [alt.Tooltip("label:N", title="Stage"), alt.Tooltip("comparison:N", title="Group"),
               alt.Tooltip("ratio_text:N", title="Ratio"),
               alt.Tooltip("interval_text:N", title=f"{level * 100:g}% interval"),
               alt.Tooltip("ci_method:N", title="Interval method"),
               alt.Tooltip("p_text:N", title="Adjusted p"), alt.Tooltip("test:N", title="Test")]
    colour = alt.Color("verdict:N", title="Ratio", scale=alt.Scale(
        domain=list(VERDICT_COLOURS), range=list(VERDICT_COLOURS.values())))
    groups = list(dict.fromkeys(data["comparison"]))
    x_title = RATIO_TITLE if len(groups) == 1 else "Ratio (log scale; above 1 adverse)"
    base = alt.Chart()
    rules = base.mark_rule(strokeWidth=s["stroke"]).encode(
        y=y, x=alt.X("x_low:Q", scale=scale, title=x_title), x2="x_high:Q", color=colour,
        tooltip=tooltip)
    points = base.mark_point(filled=True, size=s["point"]).encode(
        y=y, x=alt.X("x_ratio:Q", scale=scale), color=colour,
        shape=alt.Shape("significance:N", title="After adjustment", scale=alt.Scale(
            domain=["significant", "not significant"], range=["circle", "diamond"])),
        tooltip=tooltip)
    width = (300 if len(groups) > 1 else 560) if not large else (
        380 if len(groups) > 1 else 760)
    layered = alt.layer(*_range_layers("x", scale), rules, points, data=data).properties(
        width=width, height=alt.Step(30 if large else 24))
    if len(groups) > 1:
        chart = layered.facet(column=alt.Column("comparison:N", sort=groups,
                                                title="Compared with White staff",
                                                header=alt.Header(labelFontSize=s["title"])))
    else:
        chart = layered
    description = "; ".join(
        f"{_display_label(r['label'], r['comparison'])}: {r['ratio_text']} "
        f"({r['interval_text']}), {r['verdict']}"
        f"{', significant' if r['significant'] else ''}" for _, r in data.iterrows())
    chart = chart.properties(description="Forest plot of every stage's ratio. " + description)
    return _configure(chart, large)


# --- trends -------------------------------------------------------------------------------


def trend_small_multiples(points: pd.DataFrame, *, large: bool = False, columns: int = 3,
                          level: float = 0.95) -> alt.TopLevelMixin:
    """One small panel per stage: its ratio each year with the interval, on a shared log
    axis (so panels compare), with parity and the non-adverse range."""
    data = points.copy()
    domain = _log_domain(data["ratio"], data["ci_low"], data["ci_high"])
    data["y_ratio"] = _clip(data["ratio"], domain)
    data["y_low"] = _clip(data["ci_low"], domain)
    data["y_high"] = _clip(data["ci_high"], domain)
    data = data[data["ratio"].notna()]
    data["ratio_text"] = [format_ratio(v) for v in data["ratio"]]
    data["interval_text"] = [format_interval(a, b) for a, b in zip(data["ci_low"],
                                                                   data["ci_high"])]
    data["panel"] = [_display_label(a, b) for a, b in zip(data["label"], data["comparison"])]
    s = _sizes(large)
    order = list(dict.fromkeys(data.sort_values(["comparison", "order"], kind="stable")[
        "panel"]))
    scale = alt.Scale(type="log", domain=domain, clamp=True)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    tooltip = [alt.Tooltip("panel:N", title="Stage"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("ratio_text:N", title="Ratio"),
               alt.Tooltip("interval_text:N", title=f"{level * 100:g}% interval")]
    # Facet layers share the panel's data, so the reference lines are constant columns.
    data["edge"], data["parity"] = NON_ADVERSE_HIGH, 1.0
    low_rule = alt.Chart().mark_rule(color=SHADE_COLOUR, strokeDash=[4, 3]).encode(
        y=alt.Y("edge:Q", scale=scale))
    parity = alt.Chart().mark_rule(color="black").encode(y=alt.Y("parity:Q", scale=scale))
    bars = alt.Chart().mark_rule(strokeWidth=s["stroke"], color=WITHIN_COLOUR).encode(
        x=x, y=alt.Y("y_low:Q", scale=scale, title="Ratio (log scale)"), y2="y_high:Q",
        tooltip=tooltip)
    line = alt.Chart().mark_line(color=ADVERSE_COLOUR, strokeWidth=s["stroke"] / 1.5).encode(
        x=x, y=alt.Y("y_ratio:Q", scale=scale))
    dots = alt.Chart().mark_point(filled=True, size=s["point"] * 0.7,
                                  color=ADVERSE_COLOUR).encode(
        x=x, y=alt.Y("y_ratio:Q", scale=scale), tooltip=tooltip)
    panel = alt.layer(low_rule, parity, bars, line, dots, data=data).properties(
        width=220 if not large else 300, height=150 if not large else 200)
    chart = panel.facet(facet=alt.Facet("panel:N", sort=order, title=None,
                                        header=alt.Header(labelFontSize=s["label"],
                                                          labelLimit=320)),
                        columns=columns)
    chart = chart.properties(description=(
        "Each stage's ratio per year with its interval, one panel per stage. The dashed green "
        "line is 1.25, the edge of the non-adverse range; the black line is parity."))
    return _configure(chart, large)


def trend_with_peers_chart(points: pd.DataFrame, peers: pd.DataFrame | None, *,
                           stage_label: str, fitted: pd.DataFrame | None = None,
                           synthetic_peers: bool = False, large: bool = False,
                           level: float = 0.95) -> alt.TopLevelMixin:
    """One stage: the trust's ratio each year with its interval, the fitted trend line (when
    given: year, fitted) and the peer group's median ratio per year (when given: year,
    median, q1, q3)."""
    data = points[points["ratio"].notna()].copy()
    columns = [data["ratio"], data["ci_low"], data["ci_high"]]
    if peers is not None and len(peers):
        columns += [peers["q1"], peers["q3"]]
    domain = _log_domain(*columns)
    scale = alt.Scale(type="log", domain=domain, clamp=True)
    s = _sizes(large)
    for name in ("ratio", "ci_low", "ci_high"):
        data[f"y_{name}"] = _clip(data[name], domain)
    data["ratio_text"] = [format_ratio(v) for v in data["ratio"]]
    data["interval_text"] = [format_interval(a, b) for a, b in zip(data["ci_low"],
                                                                   data["ci_high"])]
    data["series"] = "This trust"
    x = alt.X("year:O", title="Year (31 March snapshot)", axis=alt.Axis(labelAngle=0))
    colour = alt.Color("series:N", title=None, scale=alt.Scale(
        domain=["This trust", "Peer median", "Trend line"],
        range=[TRUST_COLOUR, PEER_COLOUR, WITHIN_COLOUR]))
    tooltip = [alt.Tooltip("year:O", title="Year"), alt.Tooltip("ratio_text:N", title="Ratio"),
               alt.Tooltip("interval_text:N", title=f"{level * 100:g}% interval")]
    layers = [
        alt.Chart(pd.DataFrame({"v": [NON_ADVERSE_HIGH]})).mark_rule(
            color=SHADE_COLOUR, strokeDash=[4, 3], strokeWidth=2).encode(
            y=alt.Y("v:Q", scale=scale)),
        alt.Chart(pd.DataFrame({"v": [1.0]})).mark_rule(color="black").encode(
            y=alt.Y("v:Q", scale=scale)),
        alt.Chart(data).mark_rule(strokeWidth=s["stroke"], color=TRUST_COLOUR,
                                  opacity=0.6).encode(
            x=x, y=alt.Y("y_ci_low:Q", scale=scale, title="Ratio (log scale; above 1 adverse)"),
            y2="y_ci_high:Q", tooltip=tooltip),
        alt.Chart(data).mark_line(point=alt.OverlayMarkDef(filled=True, size=s["point"]),
                                  strokeWidth=s["stroke"]).encode(
            x=x, y=alt.Y("y_ratio:Q", scale=scale), color=colour, tooltip=tooltip),
    ]
    if fitted is not None and len(fitted):
        line = fitted.assign(series="Trend line",
                             y_fitted=_clip(fitted["fitted"], domain),
                             fitted_text=[format_ratio(v) for v in fitted["fitted"]])
        layers.append(alt.Chart(line).mark_line(strokeDash=[6, 4], strokeWidth=2).encode(
            x=x, y=alt.Y("y_fitted:Q", scale=scale), color=colour,
            tooltip=[alt.Tooltip("year:O", title="Year"),
                     alt.Tooltip("fitted_text:N", title="Trend line")]))
    if peers is not None and len(peers):
        peer = peers.assign(series="Peer median", y_median=_clip(peers["median"], domain),
                            y_q1=_clip(peers["q1"], domain), y_q3=_clip(peers["q3"], domain),
                            median_text=[format_ratio(v) for v in peers["median"]],
                            quartile_text=[format_interval(a, b) for a, b in
                                           zip(peers["q1"], peers["q3"])])
        peer_tooltip = [alt.Tooltip("year:O", title="Year"),
                        alt.Tooltip("median_text:N", title="Peer median"),
                        alt.Tooltip("quartile_text:N", title="Peer quartiles"),
                        alt.Tooltip("n:Q", title="Peers")]
        layers.insert(2, alt.Chart(peer).mark_area(color=PEER_COLOUR, opacity=0.12).encode(
            x=x, y=alt.Y("y_q1:Q", scale=scale), y2="y_q3:Q", tooltip=peer_tooltip))
        layers.append(alt.Chart(peer).mark_line(
            point=alt.OverlayMarkDef(shape="square", size=s["point"] * 0.6),
            strokeWidth=s["stroke"] / 1.5).encode(
            x=x, y=alt.Y("y_median:Q", scale=scale), color=colour, tooltip=peer_tooltip))
    title = stage_label + (" (synthetic peers)" if synthetic_peers and peers is not None
                           else "")
    chart = alt.layer(*layers).properties(width=560 if not large else 760,
                                          height=300 if not large else 400, title=title)
    text = "; ".join(f"{int(y)}: {format_ratio(r)}" for y, r in zip(data["year"],
                                                                    data["ratio"]))
    chart = chart.properties(description=f"{stage_label}, the trust's ratio per year: {text}.")
    return _configure(chart, large)


def share_trend_chart(representation: pd.DataFrame, *, large: bool = False,
                      columns: int = 5, level: float = 0.95) -> alt.TopLevelMixin:
    """The ethnic minority share of each AfC band per year, with its Wilson interval, one
    small panel per band (bottom of the ladder first)."""
    rep = representation[representation["band"].astype(str).isin(AFC_BANDS)].copy()
    rep["band_name"] = [band_label(str(b)) for b in rep["band"]]
    rep["share_text"] = [format_share(v) for v in rep["bme_share"]]
    rep["interval_text"] = [f"{format_share(a)} to {format_share(b)}"
                            for a, b in zip(rep["ci_low"], rep["ci_high"])]
    order = [band_label(b) for b in AFC_BANDS if band_label(b) in set(rep["band_name"])]
    s = _sizes(large)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    y_scale = alt.Scale(domain=[0, 1])
    tooltip = [alt.Tooltip("band_name:N", title="Band"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("share_text:N", title="Ethnic minority share"),
               alt.Tooltip("interval_text:N", title=f"{level * 100:g}% interval"),
               alt.Tooltip("bme:Q", title="Ethnic minority", format=","),
               alt.Tooltip("white:Q", title="White", format=",")]
    band = alt.Chart().mark_area(color=BME_COLOUR, opacity=0.25).encode(
        x=x, y=alt.Y("ci_low:Q", scale=y_scale), y2="ci_high:Q")
    line = alt.Chart().mark_line(color=BME_COLOUR, point=alt.OverlayMarkDef(
        filled=True, size=s["point"] * 0.5, color=BME_COLOUR), strokeWidth=2).encode(
        x=x, y=alt.Y("bme_share:Q", scale=y_scale, axis=alt.Axis(format="%"),
                     title="Ethnic minority share"), tooltip=tooltip)
    panel = alt.layer(band, line, data=rep).properties(width=140 if not large else 200,
                                                       height=110 if not large else 150)
    chart = panel.facet(facet=alt.Facet("band_name:N", sort=order, title=None,
                                        header=alt.Header(labelFontSize=s["label"])),
                        columns=columns)
    latest = rep[rep["year"] == rep["year"].max()]
    text = "; ".join(f"{b}: {t}" for b, t in zip(latest["band_name"], latest["share_text"]))
    chart = chart.properties(description=f"Ethnic minority share per band over time. "
                                         f"Latest year: {text}.")
    return _configure(chart, large)


# --- targets ------------------------------------------------------------------------------


def what_if_chart(comparison: pd.DataFrame, *, large: bool = False) -> alt.TopLevelMixin:
    """Each stage's actual ratio and interval beside the what-if's, on a log axis."""
    rows = []
    for r in comparison.to_dict("records"):
        label = _display_label(r["label"], r["comparison"])
        for which, prefix in (("Actual", ""), ("What-if", "new_")):
            rows.append({"label": label, "which": which, "ratio": r[f"{prefix}ratio"],
                         "ci_low": r[f"{prefix}ci_low"], "ci_high": r[f"{prefix}ci_high"],
                         "order": r.get("order", 0)})
    data = pd.DataFrame(rows)
    domain = _log_domain(data["ratio"], data["ci_low"], data["ci_high"])
    for name in ("ratio", "ci_low", "ci_high"):
        data[f"x_{name}"] = _clip(data[name], domain)
    data = data[data["ratio"].notna()]
    data["ratio_text"] = [format_ratio(v) for v in data["ratio"]]
    data["interval_text"] = [format_interval(a, b) for a, b in zip(data["ci_low"],
                                                                   data["ci_high"])]
    s = _sizes(large)
    scale = alt.Scale(type="log", domain=domain, clamp=True)
    order = list(dict.fromkeys(data["label"]))
    colour = alt.Color("which:N", title=None, scale=alt.Scale(
        domain=["Actual", "What-if"], range=[WHITE_COLOUR, BME_COLOUR]))
    y = alt.Y("label:N", sort=order, title=None)
    offset = alt.YOffset("which:N", sort=["Actual", "What-if"])
    tooltip = [alt.Tooltip("label:N", title="Stage"), alt.Tooltip("which:N", title=""),
               alt.Tooltip("ratio_text:N", title="Ratio"),
               alt.Tooltip("interval_text:N", title="Interval")]
    rules = alt.Chart(data).mark_rule(strokeWidth=s["stroke"]).encode(
        y=y, yOffset=offset, x=alt.X("x_ci_low:Q", scale=scale, title=RATIO_TITLE),
        x2="x_ci_high:Q", color=colour, tooltip=tooltip)
    points = alt.Chart(data).mark_point(filled=True, size=s["point"]).encode(
        y=y, yOffset=offset, x=alt.X("x_ratio:Q", scale=scale), color=colour,
        tooltip=tooltip)
    chart = alt.layer(*_range_layers("x", scale), rules, points).properties(
        width=560 if not large else 760, height=alt.Step(16 if large else 12))
    chart = chart.properties(description="Each stage's ratio, actual and after the what-if.")
    return _configure(chart, large)


def trajectory_chart(milestones: pd.DataFrame, target_share: float, *,
                     large: bool = False) -> alt.TopLevelMixin:
    """The milestone share of each upper band per year on its way to the target share."""
    data = milestones.copy()
    data["share_text"] = [format_share(v) for v in data["milestone_share"]]
    s = _sizes(large)
    order = list(dict.fromkeys(data["band"]))
    tooltip = [alt.Tooltip("band:N", title="Band"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("share_text:N", title="Milestone share"),
               alt.Tooltip("milestone_bme:Q", title="Ethnic minority headcount"),
               alt.Tooltip("extra_bme:Q", title="More than today")]
    lines = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(filled=True,
                                                               size=s["point"] * 0.5),
                                      strokeWidth=s["stroke"] / 1.5).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("milestone_share:Q", title="Ethnic minority share (milestone)",
                axis=alt.Axis(format="%")),
        color=alt.Color("band:N", sort=order, title="Band",
                        scale=alt.Scale(scheme="dark2")), tooltip=tooltip)
    target = alt.Chart(pd.DataFrame({"v": [target_share],
                                     "text": [f"Trust-wide share {format_share(target_share)}"]})
                       ).mark_rule(color="black", strokeDash=[6, 4], strokeWidth=2).encode(
        y="v:Q", tooltip=[alt.Tooltip("text:N", title="")])
    chart = (target + lines).properties(width=560 if not large else 760,
                                        height=280 if not large else 380)
    chart = chart.properties(description=(
        f"Milestones for the ethnic minority share of each upper band, reaching the trust-wide "
        f"share of {format_share(target_share)}."))
    return _configure(chart, large)
