"""Targets: what would it take to close each gap, what if staff moved, and by when?"""

import streamlit as st

from wres_app import state
from wres_app.chart_cache import draw_chart
from wres_app.layout import synthetic_banner
from wres_app.text import plain
from wres_core.bands import AFC_BANDS, band_label
from wres_core.reports import (
    pace_display_table,
    target_display_table,
    what_if_display_table,
)
from wres_core.schema import DETAILED_BME_GROUPS
from wres_core.targets import StaffMove, representation_trajectory, stage_targets, what_if
from wres_core.trend_charts import trajectory_chart, what_if_chart
from wres_core.trends import MIN_YEARS_FOR_SLOPE, stage_trends

INTRO = ("For each stage: how many more ethnic minority staff in the upper band or tier (or how "
         "many more ethnic minority appointments) would bring the ratio to **1.25**, the edge of "
         "NHS England's non-adverse range, and to **parity (1.0)**, every other count held "
         "fixed. Figures are rounded **up**, so that meeting them meets the target.")
DEFAULT_TARGET_YEAR = 2028

selection = st.session_state["selection"]
synthetic_banner(selection.synthetic)
results = selection.results
if results is None or selection.org_code is None or selection.year is None:
    st.title("Targets")
    st.warning("No data to show yet. Choose the synthetic sample in the sidebar, or upload "
               "your files on the Data page.")
    st.stop()

analysis = results.trust(selection.org_code, selection.year)
options = selection.options
st.title(f"Targets: {plain(analysis.org.name)}, {analysis.year}")
st.markdown(INTRO)
stages = analysis.stage_table
if stages.empty:
    st.warning("No stage could be computed: the data need White and ethnic minority staff in "
               "at least two bands.")
    st.stop()

# --- 1. what it would take ---------------------------------------------------------------
st.subheader("What it would take")
targets = stage_targets(stages)
st.dataframe(target_display_table(targets), hide_index=True, width="stretch")
st.caption("Band and tier stages: extra ethnic minority people in the upper band or tier, with "
           "the lower band and White staff unchanged. Recruitment: extra ethnic minority "
           "appointments from the same shortlist. See the Method page for the formula.")

# --- 2. what-if --------------------------------------------------------------------------
st.subheader("What if?")
st.markdown("Move staff between bands, or change the number of appointments, and see every "
            "stage and the bottleneck recomputed beside the actual figures.")
bands = [b for b in AFC_BANDS if b in set(analysis.representation["band"].astype(str))]
groups = ["BME", *DETAILED_BME_GROUPS, "White"] if options.groups == "detailed" else [
    "BME", "White"]
group_names = {"BME": "Ethnic minority (BME)", "White": "White"}
bottleneck = analysis.bottleneck
from_default, to_default = (0, min(1, len(bands) - 1))
if bottleneck is not None and bottleneck.stage_id and bottleneck.stage_id.startswith("band:"):
    low, high = bottleneck.stage_id.removeprefix("band:").split("-")
    lookup = {b.lower(): i for i, b in enumerate(bands)}
    from_default, to_default = lookup.get(low, from_default), lookup.get(high, to_default)
if len(bands) < 2:
    bands = list(AFC_BANDS)  # a recruitment-only trust: moves would find no staff, and say so
inputs = st.columns([2, 1, 1, 1])
group = inputs[0].selectbox("Staff to move", groups, format_func=lambda g: group_names.get(g, g),
                            key="whatif_group")
from_band = inputs[1].selectbox("From band", bands, index=from_default, format_func=band_label,
                                key="whatif_from")
to_band = inputs[2].selectbox("To band", bands, index=to_default, format_func=band_label,
                              key="whatif_to")
count = inputs[3].number_input("How many", min_value=0, max_value=100_000, value=0, step=1,
                               key="whatif_count")
appointed = 0
if analysis.has_recruitment:
    appointed = st.number_input("Change in ethnic minority appointments (from the same "
                                "shortlist; negative for fewer)", min_value=-100_000,
                                max_value=100_000, value=0, step=1, key="whatif_appointed")

dataset = (state.sample_dataset() if state.current_source() == state.SOURCE_SAMPLE
           else state.upload_dataset())
try:
    result = what_if(dataset.workforce, dataset.recruitment, analysis.org.code, analysis.year,
                     moves=[StaffMove(group, from_band, to_band, int(count))],
                     appointment_changes=[("BME", int(appointed))] if appointed else [],
                     options=options, actual=analysis)
except ValueError as error:
    st.error(str(error))
    result = None
if result is not None:
    sides = st.columns(2)
    for column, title, side in ((sides[0], "Actual", result.actual),
                                (sides[1], "What-if", result.scenario)):
        column.markdown(f"**{title}**")
        for b in side.bottlenecks:
            prefix = f"**{b.comparison}:** " if options.groups == "detailed" else ""
            (column.error if b.stage_id else column.success)(prefix + plain(b.sentence))
    st.dataframe(what_if_display_table(result.comparison), hide_index=True, width="stretch")
    draw_chart(what_if_chart, result.comparison, large=selection.large, width="content")
    st.caption("Blue: the actual ratio and interval; orange: after the what-if. Ratios, "
               "intervals, tests and the bottleneck are recomputed from the new counts by the "
               "same method. Nothing is saved: this changes no data.")

# --- 3. time to target -------------------------------------------------------------------
st.subheader("Time to target at the current pace")
years = results.years_for(analysis.org.code)
if len(years) < MIN_YEARS_FOR_SLOPE:
    st.info(f"The pace needs a trend line, and a trend line needs three or more years; this "
            f"trust has {len(years)} ({', '.join(map(str, years))}). Trends need two or more "
            "years, the pace three.")
else:
    own = results.stages[results.stages["org_code"] == analysis.org.code]
    summary = stage_trends(own, level=options.level).summary
    st.dataframe(pace_display_table(summary), hide_index=True, width="stretch")
    st.caption(f"If the trend of {years[0]}-{years[-1]} continued: the first year in which the "
               "fitted line reaches 1.25 and parity. The range comes from the trend's "
               f"{options.level_percent} interval; *not at this pace* when the trend is flat "
               "or worsening (or the year lies more than 50 years ahead).")

# --- 4. representation trajectory --------------------------------------------------------
st.subheader("Representation trajectory (Model Employer)")
upper = tuple(options.tiers.upper)
default_year = max(DEFAULT_TARGET_YEAR, analysis.year + 1)
target_year = st.number_input("Target year", min_value=analysis.year + 1,
                              max_value=analysis.year + 30, value=default_year, step=1,
                              key="trajectory_year")
try:
    trajectory = representation_trajectory(results.representation, results.overall,
                                           analysis.org.code, start_year=analysis.year,
                                           target_year=int(target_year), bands=upper)
except ValueError as error:
    st.warning(str(error))
    st.stop()
st.markdown(f"In the spirit of NHS England's Model Employer ambition: the ethnic minority "
            f"share of {band_label(upper[0])} to {band_label(upper[-1])} reaching the "
            f"trust's overall share, **{trajectory.target_share:.1%}**, by "
            f"{trajectory.target_year}, in equal steps each year.")
if trajectory.note:
    st.info(trajectory.note)
milestones = trajectory.milestones
table = milestones.pivot(index="band", columns="year", values="milestone_bme")
table = table.reindex(list(dict.fromkeys(milestones["band"])))
now = milestones.drop_duplicates("band").set_index("band")
table.insert(0, "Share now", [f"{s:.1%}" for s in now.loc[table.index, "share_now"]])
table.columns = [str(c) for c in table.columns]
st.dataframe(table.reset_index().rename(columns={"band": "Band"}), hide_index=True,
             width="stretch")
st.caption("Ethnic minority headcount each year (milestones rounded up), each band's size held "
           "at today's headcount of staff with known ethnicity.")
draw_chart(trajectory_chart, milestones, trajectory.target_share, large=selection.large,
           width="content")
