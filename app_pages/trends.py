"""Trends: has the dial shifted? Each stage's ratio across the years, its change and trend."""

import streamlit as st

from wres_app import state
from wres_app.chart_cache import draw_chart
from wres_app.layout import synthetic_banner
from wres_app.text import plain
from wres_core.peers import PEER_GROUP_LABELS, peer_group
from wres_core.reports import trend_display_table
from wres_core.trend_charts import share_trend_chart, trend_small_multiples, trend_with_peers_chart
from wres_core.trends import (
    IMPROVING,
    WORSENING,
    fitted_line,
    peer_median_by_year,
    stage_trends,
)

INTRO = ("Is each stage getting better or worse? The **change** compares two years: the ratio "
         "of the later year's ratio to the earlier one's, with its interval and a test on the "
         "log scale (Altman & Bland 2003); below 1 means the gap narrowed. Across three or more "
         "years the **trend** is a weighted line through every year's log ratio (years with "
         "more staff count for more), given as the factor the ratio changes by each year, so "
         "that one odd year does not decide the verdict.")
ONE_YEAR = ("**Trends need two or more years.** The data hold {year} only for this trust. "
            "Upload the same kind of file for earlier years (or one file with a year column) "
            "on the Data page to see whether each stage is improving.")
PEER_KINDS = ("type", "region", "type_region", "size", "diversity", "all")

selection = st.session_state["selection"]
synthetic_banner(selection.synthetic)
results = selection.results
if results is None or selection.org_code is None or selection.year is None:
    st.title("Trends")
    st.warning("No data to show yet. Choose the synthetic sample in the sidebar, or upload "
               "your files on the Data page.")
    st.stop()

org = results.org_info(selection.org_code)
options = selection.options
st.title(f"Trends: {plain(org.name)}")
years = results.years_for(selection.org_code)
if len(years) < 2:
    st.info(ONE_YEAR.format(year=years[0] if years else selection.year))
    st.stop()
st.caption(f"{len(years)} years of data, {years[0]} to {years[-1]} · {options.level_percent} "
           "intervals")
st.markdown(INTRO)

choose = st.columns(2)
from_year = choose[0].selectbox("Change from", years[:-1], index=0, key="trend_from")
to_choices = [y for y in years if y > from_year]
to_year = choose[1].selectbox("to", to_choices, index=len(to_choices) - 1, key="trend_to")

own = results.stages[results.stages["org_code"] == selection.org_code]
trends = stage_trends(own, level=options.level, from_year=from_year, to_year=to_year)
summary = trends.summary
if summary.empty:
    st.warning("No stage could be computed for this trust: the data need White and ethnic "
               "minority staff in at least two bands, or recruitment counts.")
    st.stop()

st.subheader("Verdict per stage")
improving = summary[summary["verdict"] == IMPROVING]
worsening = summary[summary["verdict"] == WORSENING]


def names(rows) -> str:
    return "; ".join(plain(r["label"] if r["comparison"] == "BME"
                           else f"{r['label']} ({r['comparison']})")
                     for r in rows.to_dict("records"))


basis = "trend line" if len(years) >= 3 else f"change from {from_year} to {to_year}"
if len(worsening):
    st.error(f"**Worsening** ({len(worsening)}, from the {basis}): {names(worsening)}.")
if len(improving):
    st.success(f"**Improving** ({len(improving)}): {names(improving)}.")
rest = len(summary) - len(improving) - len(worsening)
st.markdown(f"{rest} stage(s) show no clear change or could not be assessed (a zero count, or "
            "too few years); see the table.")
st.dataframe(trend_display_table(summary), hide_index=True, width="stretch")
st.caption("Change: the later year's ratio divided by the earlier one's (below 1: the gap "
           "narrowed). Trend per year: the factor the fitted ratio changes by each year "
           "(x0.90 is 10% smaller each year). A verdict needs a change or trend that is "
           f"significant at {options.alpha:.0%}: *improving* is falling, *worsening* rising.")

st.subheader("Every stage, year by year")
draw_chart(trend_small_multiples, trends.points, large=selection.large, level=options.level,
           width="content")

st.subheader("One stage beside its peers")
stage_keys = list(zip(summary["stage_id"], summary["comparison"]))
labels = {(r["stage_id"], r["comparison"]): (r["label"] if r["comparison"] == "BME"
                                            else f"{r['label']} ({r['comparison']})")
          for r in summary.to_dict("records")}
default = ("tier:lower-upper", stage_keys[0][1]) if (
    "tier:lower-upper", stage_keys[0][1]) in labels else stage_keys[0]
pick = st.columns([3, 2])
chosen = pick[0].selectbox("Stage", stage_keys, index=stage_keys.index(default),
                           format_func=labels.get, key="trend_stage")
kind = pick[1].selectbox("Peer group", PEER_KINDS, format_func=PEER_GROUP_LABELS.get,
                         key="trend_peer_kind")
row = summary[(summary["stage_id"] == chosen[0]) & (summary["comparison"] == chosen[1])].iloc[0]
points = trends.points[(trends.points["stage_id"] == chosen[0])
                       & (trends.points["comparison"] == chosen[1])]
source = state.peer_source(options, selection.org_code, selection.year)
medians, peer_note, synthetic_peers = None, "", False
if source is not None:
    try:
        group = peer_group(source.universe, selection.org_code, source.year, kind)
        medians = peer_median_by_year(source.universe.stages, group.codes, *chosen)
        synthetic_peers = source.universe.synthetic
        peer_note = (f"Peer median of {group.description}"
                     f"{' (synthetic, fictional trusts)' if synthetic_peers else ''}, "
                     "the same trusts every year (this trust included); the shaded band is "
                     "their middle half.")
    except KeyError as error:
        peer_note = str(error).strip("'\"")
draw_chart(trend_with_peers_chart, points, medians, stage_label=labels[chosen],
           fitted=fitted_line(row), synthetic_peers=synthetic_peers, large=selection.large,
           level=options.level, width="content")
if synthetic_peers and not selection.synthetic:
    st.error("**These peers are synthetic**: your trust is drawn beside the fictional trusts "
             "of the bundled sample, not real NHS trusts.")
st.caption(plain(peer_note) + " The dashed grey line is the trust's fitted trend; the dashed "
           "green line is 1.25, the edge of the non-adverse range.")

st.subheader("Ethnic minority share of each band over time")
representation = results.representation[results.representation["org_code"]
                                        == selection.org_code]
draw_chart(share_trend_chart, representation, large=selection.large, level=options.level,
           width="content")
st.caption("Share of staff with known ethnicity in each band, with its Wilson interval.")
