"""Peer comparison: is this trust's ratio worse than trusts like it, or what everyone sees?"""

import streamlit as st

from wres_app import downloads, peer_view, state
from wres_app.layout import synthetic_banner
from wres_app.peer_view import X_AXIS_LABELS
from wres_app.text import plain
from wres_core.formatting import format_year
from wres_core.peers import (
    DEFAULT_K,
    PEER_GROUP_LABELS,
    default_funnel_stage,
    peer_group,
    peer_summary_sentence,
)
from wres_core.reports import peer_display_table

INTRO = ("A ratio means more beside trusts like yours. Each stage's ratio is placed on a "
         "**funnel plot**: the funnel shows how far a trust's ratio can stray from the peer "
         "target by chance alone, given its numbers, so small trusts are not flagged for "
         "noise. Outside the 95% limits is *significantly* higher or lower; outside 99.8% is "
         "*strongly* so. Higher means more adverse to ethnic minority staff.")
SYNTHETIC_PEERS = ("**These peers are synthetic.** Your trust is being compared with the "
                   "fictional trusts of the bundled sample, not with real NHS trusts: use this "
                   "page to learn how the comparison works, not to judge your trust. Upload a "
                   "national file (with at least {n} organisations) on the Data page for a real "
                   "comparison.")

selection = st.session_state["selection"]
synthetic_banner(selection.synthetic, compact=selection.large)
st.title("Peer comparison")
if selection.results is None or selection.org_code is None or selection.year is None:
    st.warning("No data to compare yet: choose the synthetic sample in the sidebar or upload "
               "files on the Data page.")
    st.stop()

source = state.peer_source(selection.options, selection.org_code, selection.year)
if source is None:
    st.warning("No peer data available.")
    st.stop()
universe = source.universe
if universe.synthetic and not selection.synthetic:
    st.error(SYNTHETIC_PEERS.format(n=state.MIN_PEER_ORGS), icon=":material/warning:")
if source.note:
    st.warning(source.note)
st.markdown(INTRO)

# A trust read from its own file often has no type or region; they define its peer groups.
missing = universe.missing_attribute_choices(selection.org_code)
if missing:
    st.info("Your file does not say this trust's type or region. Choose them to compare it "
            "with trusts of the same type or region.")
    choices = st.columns(2)
    chosen_type = chosen_region = None
    if "org_type" in missing:
        chosen_type = choices[0].selectbox("Trust type", missing["org_type"],
                                           key="peer_own_type")
    if "region" in missing:
        chosen_region = choices[1].selectbox("Region", missing["region"], key="peer_own_region")
    universe = universe.with_attributes(selection.org_code, org_type=chosen_type,
                                        region=chosen_region)

controls = st.columns([2, 1, 1.5])  # room for the toggle's label at 1280 px
kind = controls[0].selectbox("Peer group", list(PEER_GROUP_LABELS),
                             format_func=PEER_GROUP_LABELS.get, key="peer_kind")
k = DEFAULT_K
custom: tuple[str, ...] = ()
if kind in ("size", "diversity"):
    k = controls[1].slider("Number of trusts", 5, 60, DEFAULT_K, key="peer_k")
elif kind == "custom":
    codes = universe.organisations["org_code"].astype(str).tolist()
    names = dict(zip(universe.organisations["org_code"], universe.organisations["org_name"]))
    custom = tuple(st.multiselect("Trusts to compare with", codes, key="peer_custom",
                                  format_func=lambda c: f"{names.get(c, c)} ({c})"))
adjusted = controls[2].toggle("Allow for overdispersion", value=True, key="peer_adjust",
                              help="Widen the limits by the between-trust variation that "
                                   "chance alone does not explain (Spiegelhalter 2005), as "
                                   "FunnelPlotR does. Off: limits from sampling error only.")

try:
    group = peer_group(universe, selection.org_code, source.year, kind, k=k, custom=custom)
except KeyError as error:
    st.warning(str(error).strip("'\""))
    st.stop()
if group.note:
    st.warning(group.note)
if len(group.codes) < 3:
    st.stop()  # a funnel plot of one or two trusts would only mislead

# For the sample, each value once for every visitor (they ask for the same few); for
# uploads, once in this session.
memo = state.page_memo
table = peer_view.comparison_table(universe, group, options=selection.options,
                                   adjusted=adjusted, memo=memo)
org_name = universe.organisations.set_index("org_code").loc[selection.org_code, "org_name"]
st.subheader("In plain words")
st.markdown(plain(peer_summary_sentence(table, group, org_name, universe.synthetic)))
st.caption(f"Peers from {universe.source}, {format_year(source.year)}.")

if table.empty:
    st.stop()

st.subheader("One stage on a funnel plot")
stage_choices = list(dict.fromkeys(zip(table["stage_id"], table["comparison"])))
labels = peer_view.stage_labels(table)
# The selected stage lives in session state, set on every run, never through ``index=``: a
# default index that changes with the peer group changed what the browser showed but not the
# value Python kept, so the box named one stage while the chart drew another. Setting it
# each run also tells the browser the value explicitly. A stage that the new peer group does
# not have falls back to the default.
current_stage = st.session_state.get("peer_stage")
st.session_state["peer_stage"] = (current_stage if current_stage in stage_choices
                                  else default_funnel_stage(table))
plot_columns = st.columns([3, 1])
chosen = plot_columns[0].selectbox("Stage", stage_choices, format_func=labels.get,
                                   key="peer_stage")
x_axis = plot_columns[1].radio("Horizontal axis", list(X_AXIS_LABELS),
                               format_func=X_AXIS_LABELS.get, key="peer_x_axis")
points, curves, funnel = peer_view.funnel_plot(universe, group, chosen, x_axis,
                                                options=selection.options, adjusted=adjusted,
                                                memo=memo)
row = table[(table["stage_id"] == chosen[0]) & (table["comparison"] == chosen[1])].iloc[0]
funnel_chart = peer_view.funnel_plot_chart(points, curves, funnel, label=labels[chosen],
                                           x_axis=x_axis, synthetic=universe.synthetic,
                                           large=selection.large,
                                           level=selection.options.level,
                                           source=peer_view.funnel_plot_key(
                                               selection.options, group, adjusted, chosen,
                                               x_axis))
funnel_chart.draw()
left_out = int((~points["included"]).sum())
st.caption(plain(row["sentence"]) + (
    f" {left_out} peer(s) with a zero count cannot be placed on the plot." if left_out else ""))
# Downloads follow the export rule: the trust's own figures hidden where its counts are.
analysis = selection.results.trust(selection.org_code, selection.year)
rule = downloads.export_rule(selection.suppress_exports)
downloads.peer_chart_buttons("Funnel plot",
                             lambda: funnel_chart.build(*funnel_chart.args,
                                                        **funnel_chart.kwargs),
                             analysis, rule, chosen, "peer_funnel")

st.subheader("Every stage against peers")
strip_rows = peer_view.strip_rows(universe, group, chosen[1], options=selection.options,
                                  adjusted=adjusted, memo=memo)
peer_view.strip_chart(strip_rows, synthetic=universe.synthetic, large=selection.large,
                      source=peer_view.strip_rows_key(selection.options, group, adjusted,
                                                      chosen[1])).draw()
st.caption("Each faint tick is a peer trust, the black tick the peer median, the diamond "
           "this trust. The shaded band is the non-adverse range 0.80-1.25.")
downloads.peer_strip_chart_buttons(strip_rows, analysis, rule, synthetic=universe.synthetic,
                                   large=selection.large)

st.subheader("Stage table against peers")
st.dataframe(peer_display_table(table), hide_index=True, width="stretch")
downloads.peer_csv_button(table, group, analysis, rule, synthetic=universe.synthetic,
                          kind=kind)
