"""Chart images (PNG and SVG) for exports, drawn from the protected view of an analysis.

The charts are the app's own Altair specifications (:mod:`wres_core.charts`), rendered by
vl-convert (a Rust build of Vega with its own fonts: no browser and no network request; the
specs use inline data only). Images that leave the tool must not show what the tables hide,
so the data are the protected ones: a stage whose figures are hidden is left off the stage
chart; a band with a hidden count has no share point and its hidden segments are drawn at
zero width (the caption says which bands); the band-step waterfall is drawn only when no
step's share is hidden. For print, the unknown-ethnicity grey is lightened so that the
funnel's three groups stay apart in greyscale (``PRINT_UNKNOWN_COLOUR``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from wres_core import charts
from wres_core.bands import AFC_BANDS, band_label
from wres_core.exports.disclosure import SUPPRESSED
from wres_core.exports.protected import ProtectedAnalysis

PNG_SCALE = 2
#: In greyscale the palette's orange (BME, luminance ~162 of 255) and grey (unknown, ~153)
#: print alike; exported images draw unknown in a lighter grey (~204) so that White (~87),
#: BME and unknown stay three distinct tones.
PRINT_UNKNOWN_COLOUR = "#CCCCCC"


def _print_spec(chart: alt.TopLevelMixin) -> str:
    """The chart's Vega-Lite JSON for print (the spec was validated when the chart was built
    in wres_core.charts; validating again only costs time)."""
    spec = chart.to_json(validate=False)
    return spec.replace(charts.UNKNOWN_COLOUR, PRINT_UNKNOWN_COLOUR).replace(
        charts.UNKNOWN_COLOUR.lower(), PRINT_UNKNOWN_COLOUR)


def chart_png(chart: alt.TopLevelMixin, scale: float = PNG_SCALE) -> bytes:
    return vl_convert.vegalite_to_png(_print_spec(chart), scale=scale)


def chart_svg(chart: alt.TopLevelMixin) -> bytes:
    return vl_convert.vegalite_to_svg(_print_spec(chart)).encode("utf-8")


def _numeric(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        out[column] = pd.to_numeric(out[column].where(out[column] != SUPPRESSED),
                                     errors="coerce")
    return out


def drawable_stages(protected: ProtectedAnalysis) -> pd.DataFrame:
    """The stage rows that can be drawn: hidden stages left out, columns numeric again."""
    stages = protected.stages
    keep = [(s, c) not in protected.hidden_stages for s, c in zip(stages["stage_id"],
                                                                  stages["comparison"])]
    # The rows left hold the exact values again: give every column back its own dtype (an
    # object column of floats would carry NaN into the JSON spec, which is not JSON).
    out = stages[keep].astype(protected.analysis.stage_table.dtypes.to_dict())
    return out.reset_index(drop=True)


def bands_with_hidden_counts(protected: ProtectedAnalysis) -> list[str]:
    rep = protected.representation
    hidden = rep[["white", "bme", "unknown"]].eq(SUPPRESSED).any(axis=1)
    return [band_label(str(b)) for b in rep.loc[hidden, "band"] if str(b) in AFC_BANDS]


def protected_funnel_chart(protected: ProtectedAnalysis, *, large: bool = False
                           ) -> alt.TopLevelMixin | None:
    """The funnel (headcount by band, share per band) with hidden figures not drawn."""
    rep = protected.representation
    overall = protected.overall
    if rep.empty or overall.empty:
        return None
    rep = _numeric(rep, ("white", "bme", "unknown", "total", "bme_share", "ci_low", "ci_high",
                         "unknown_share"))
    for column in ("white", "bme", "unknown", "total"):
        rep[column] = rep[column].fillna(0).astype(int)
    share = overall["bme_share"].iloc[0]
    share = float(share) if share != SUPPRESSED else float("nan")
    return charts.funnel_chart(rep, share, large=large)


def protected_stage_chart(protected: ProtectedAnalysis, *, large: bool = False
                          ) -> alt.TopLevelMixin | None:
    stages = drawable_stages(protected)
    if stages.empty:
        return None
    return charts.stage_chart(stages, large=large, level=protected.analysis.options.level)


def protected_waterfall_chart(protected: ProtectedAnalysis, *, large: bool = False
                              ) -> alt.TopLevelMixin | None:
    """The ladder waterfall of the first comparison group, or None when its shares are
    hidden (every bar's position depends on every step below it)."""
    contributions = protected.analysis.contributions
    if contributions.empty:
        return None
    group = contributions["comparison"].iloc[0]
    if protected.shares_hidden(group):
        return None
    return charts.ladder_waterfall_chart(contributions[contributions["comparison"] == group],
                                         group_name=group, large=large)


def without_hidden_stages(rows: pd.DataFrame, protected: ProtectedAnalysis) -> pd.DataFrame:
    """Peer rows (one per trust and stage, with ``stage_id`` and ``comparison``) without the
    stages whose figures are hidden for the protected trust: its point would show them."""
    keep = [(s, c) not in protected.hidden_stages for s, c in zip(rows["stage_id"],
                                                                  rows["comparison"])]
    return rows[keep].reset_index(drop=True)
