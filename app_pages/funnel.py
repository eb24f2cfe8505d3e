"""Progression funnel: where on the ladder does this trust's disparity build up?"""

import streamlit as st

from wres_app import downloads
from wres_app.layout import synthetic_banner
from wres_app.text import plain
from wres_core.bands import MEDICAL_GRADES
from wres_core.charts import funnel_chart, funnel_description, ladder_waterfall_chart, stage_chart
from wres_core.reports import (
    headline_figures,
    representation_display_table,
    stage_display_table,
)

INTRO = ("Each stage compares how likely White staff are to progress with how likely ethnic "
         "minority staff are, given where each group starts. **Above 1 is adverse** to ethnic "
         "minority staff; 0.80 to 1.25 is NHS England's non-adverse range.")
NO_RECRUITMENT = ("No recruitment data for this trust and year, so the recruitment stages "
                  "(applied, shortlisted, appointed) are not shown: the ladder is shown alone. "
                  "Add a recruitment file on the Data page to include them.")

selection = st.session_state["selection"]
synthetic_banner(selection.synthetic)
results = selection.results
if results is None or selection.org_code is None or selection.year is None:
    st.title("Progression funnel")
    st.warning("No data to show yet. Choose the synthetic sample in the sidebar, or upload "
               "your files on the Data page (any problem reading them is explained there).")
    st.stop()

analysis = results.trust(selection.org_code, selection.year)
rule = downloads.export_rule(selection.suppress_exports)   # what every download may show
options = selection.options
st.title(f"Progression funnel: {plain(analysis.org.name)}, {analysis.year}")
st.caption(f"{plain(analysis.org.code)} · {plain(analysis.org.region)} · "
           f"{plain(analysis.org.type)} · {options.level_percent} intervals · "
           f"tiers {options.tiers.describe()}"
           + (f" · {options.staff_group} staff" if options.staff_group else ""))
st.markdown(INTRO)

# --- the headline: the bottleneck ----------------------------------------------------------
st.subheader("Where is the bottleneck?")
for bottleneck in analysis.bottlenecks:
    prefix = f"**{bottleneck.comparison}:** " if options.groups == "detailed" else ""
    box = st.error if bottleneck.stage_id else st.success
    box(prefix + bottleneck.sentence)

stages = analysis.stage_table
overall = analysis.overall.iloc[0] if len(analysis.overall) else None
figures = headline_figures(analysis)
for column, figure in zip(st.columns(max(len(figures), 1)), figures):
    column.metric(figure.label, figure.value, help=figure.explanation)
    column.caption(figure.detail)

if not analysis.has_recruitment:
    st.info(NO_RECRUITMENT)

# --- the funnel ---------------------------------------------------------------------------
st.subheader("Who is in each band")
if analysis.representation.empty or overall is None:
    st.warning("This trust has no Agenda for Change staff in this year.")
else:
    st.altair_chart(funnel_chart(analysis.representation, float(overall["bme_share"]),
                                 large=selection.large), width="content")
    st.caption(funnel_description(analysis.representation, float(overall["bme_share"])))
    downloads.funnel_chart_buttons(analysis, rule, large=selection.large)

# --- the stages ---------------------------------------------------------------------------
st.subheader("Every stage, with its interval")
if stages.empty:
    st.warning("No stage could be computed: the data need White and ethnic minority staff in "
               "at least two bands.")
    st.stop()
st.altair_chart(stage_chart(stages, large=selection.large, level=options.level),
                width="content")
st.caption("Points are ratios, lines their intervals (log scale). Circles are significant "
           "after adjustment, diamonds are not. The shaded band is the non-adverse range "
           "0.80-1.25; the black line is parity.")
downloads.stage_chart_buttons(analysis, rule, large=selection.large)

contributions = analysis.contributions
if len(contributions):
    first_group = contributions["comparison"].iloc[0]
    st.subheader("How the disparity builds up, band by band")
    waterfall = ladder_waterfall_chart(contributions[contributions["comparison"] == first_group],
                                       group_name=first_group, large=selection.large)
    st.altair_chart(waterfall, width="content")
    st.caption("Each bar is one band step: it starts at the ladder's ratio below the step and "
               "ends at the ratio above it, so the bars chain from parity at the first band to "
               "the whole ladder's ratio at the top. Bars to the right are adverse steps.")
    downloads.waterfall_chart_buttons(analysis, rule, large=selection.large)

st.subheader("Stage table")
st.dataframe(stage_display_table(stages), hide_index=True, width="stretch")
small = stages[stages["detectable_ratio"] > 2]
if len(small):
    st.caption(f"{len(small)} stage(s) have so few staff that only ratios above 2 could be "
               "shown to be significant (see 'Smallest detectable ratio'): read them with care.")
downloads.stage_csv_button(analysis, rule)

medical = representation_display_table(analysis.representation, MEDICAL_GRADES)
if len(medical):
    st.subheader("Medical and dental staff (not on the AfC ladder)")
    st.dataframe(medical, hide_index=True)
