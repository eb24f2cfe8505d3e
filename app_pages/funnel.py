"""Progression funnel: where on the ladder does this trust's disparity build up?"""

import streamlit as st

from wres_app import downloads, state
from wres_app.funnel_view import bottleneck_groups, funnel_charts, funnel_texts
from wres_app.layout import synthetic_banner
from wres_app.text import given, plain
from wres_core.formatting import format_year

INTRO = ("Each stage compares how likely White staff are to progress with how likely ethnic "
         "minority staff are, given where each group starts. **Above 1 is adverse** to ethnic "
         "minority staff; 0.80 to 1.25 is NHS England's non-adverse range.")
NO_RECRUITMENT = ("No recruitment data for this trust and year, so the recruitment stages "
                  "(applied, shortlisted, appointed) are not shown: the ladder is shown alone. "
                  "Add a recruitment file on the Data page to include them.")
GROUP_PICKER = "Ethnic minority group shown"
DETAIL_LABEL = "The statistics behind this, step by step"
STAGE_CAPTION = ("Points are ratios, lines their intervals (log scale). Circles are significant "
                 "after adjustment, diamonds are not; the bottleneck is ringed, and a step "
                 "beyond chance that a zero count keeps from being sized is labelled so. "
                 "The shaded band "
                 "is the non-adverse range 0.80-1.25; the black line is parity.")
WATERFALL_CAPTION = ("Each bar is one band step: it starts at the ladder's ratio below the step "
                     "and ends at the ratio above it, so the bars chain from parity at the "
                     "first band to the whole ladder's ratio at the top. Bars to the right are "
                     "adverse steps; the bottleneck is outlined.")

selection = st.session_state["selection"]
present = selection.large
synthetic_banner(selection.synthetic, compact=present)
results = selection.results
if results is None or selection.org_code is None or selection.year is None:
    st.title("Progression funnel")
    st.warning("No data to show yet. Choose the synthetic sample in the sidebar, or upload "
               "your files on the Data page (any problem reading them is explained there).")
    st.stop()

analysis = results.trust(selection.org_code, selection.year)
rule = downloads.export_rule(selection.suppress_exports)   # what every download may show
options = selection.options
st.title(f"Progression funnel: {plain(analysis.org.name)}, {format_year(analysis.year)}")
st.caption(f"{plain(analysis.org.code)} · {given(analysis.org.region, 'region')} · "
           f"{given(analysis.org.type, 'type')} · {options.level_percent} intervals · "
           f"tiers {options.tiers.describe()}"
           + (f" · {options.staff_group} staff" if options.staff_group else ""))
if not present:
    st.markdown(INTRO)

# --- which group: all BME staff, or one detailed group at a time ---------------------------
bottlenecks = bottleneck_groups(analysis)
groups = list(bottlenecks)  # Asian, Black, Mixed, Other: the sidebar's order
group = groups[0] if groups else None
if len(groups) > 1:
    # A widget's value is forgotten while another page is shown: the last group picked is
    # kept apart, so that coming back to this page shows the same group.
    if st.session_state.get("funnel_group") not in groups:
        last = st.session_state.get("_funnel_group_last")
        st.session_state["funnel_group"] = last if last in groups else groups[0]
    # A segmented control can be clicked off; the first group then stands in.
    group = st.segmented_control(GROUP_PICKER, groups, key="funnel_group") or groups[0]
    st.session_state["_funnel_group_last"] = group

# --- the headline: the bottleneck, in one sentence -----------------------------------------
st.subheader("Where is the bottleneck?" if len(groups) < 2 else
             f"Where is the bottleneck for {group} staff?")
bottleneck = bottlenecks.get(group)
if bottleneck is not None:
    # Red: a bottleneck; amber: an adverse step that a zero count keeps from being sized;
    # green: no clear bottleneck.
    box = (st.error if bottleneck.stage_id else
           st.warning if bottleneck.flagged_stage_ids else st.success)
    box((f"**{group}:** " if len(groups) > 1 else "") + bottleneck.headline)

stages = analysis.stage_table
charts = funnel_charts(analysis, group, large=present, level=options.level)
texts = funnel_texts(analysis, group, charts.overall_share, state.page_memo)
figures = texts.figures
for column, figure in zip(st.columns(max(len(figures), 1)), figures):
    column.metric(figure.label, figure.value, help=figure.explanation)
    column.caption(figure.detail)

if bottleneck is not None and bottleneck.detail:
    with st.expander(DETAIL_LABEL):
        st.markdown(bottleneck.detail)
if present:
    st.markdown(INTRO)
if not analysis.has_recruitment:
    st.info(NO_RECRUITMENT)

# --- the funnel ---------------------------------------------------------------------------
st.subheader("Who is in each band")
if charts.headcount is None or charts.share is None:
    st.warning("This trust has no Agenda for Change staff in this year.")
else:
    halves = st.columns(2)
    charts.headcount.draw(where=halves[0])
    charts.share.draw(where=halves[1])
    st.caption(texts.description)
    downloads.funnel_chart_buttons(analysis, rule, large=selection.large)

# --- the stages ---------------------------------------------------------------------------
st.subheader("Every stage, with its interval" if len(groups) < 2 else
             f"Every stage for {group} staff, with its interval")
if charts.stages is None:
    st.warning("No stage could be computed: the data need White and ethnic minority staff in "
               "at least two bands.")
    st.stop()
charts.stages.draw()
st.caption(STAGE_CAPTION)
downloads.stage_chart_buttons(analysis, rule, large=selection.large)

if charts.waterfall is not None:
    st.subheader("How the disparity builds up, band by band")
    charts.waterfall.draw()
    st.caption(WATERFALL_CAPTION)
    downloads.waterfall_chart_buttons(analysis, rule, large=selection.large)

st.subheader("Stage table")
st.dataframe(texts.stage_table, hide_index=True, width="stretch")
small = stages[stages["detectable_ratio"] > 2]
if len(small):
    st.caption(f"{len(small)} stage(s) have so few staff that only ratios above 2 could be "
               "shown to be significant (see 'Smallest detectable ratio'): read them with care.")
downloads.stage_csv_button(analysis, rule)

medical = texts.medical
if len(medical):
    st.subheader("Medical and dental staff (not on the AfC ladder)")
    st.dataframe(medical, hide_index=True)
