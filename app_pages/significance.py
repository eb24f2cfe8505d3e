"""Significance: is each stage's gap beyond chance, and how sure are we?"""

import streamlit as st

from wres_app.chart_cache import draw_chart
from wres_app.layout import read_text, synthetic_banner
from wres_app.text import plain
from wres_core.formatting import format_ratio
from wres_core.reports import significance_display_table
from wres_core.trend_charts import forest_chart

INTRO = ("Every stage of the ladder with its counts, its ratio and interval, the test used and "
         "why, and the p-value before and after allowing for the number of stages tested. "
         "**Above 1 is adverse** to ethnic minority staff; 0.80 to 1.25 is NHS England's "
         "non-adverse range.")

selection = st.session_state["selection"]
synthetic_banner(selection.synthetic)
results = selection.results
if results is None or selection.org_code is None or selection.year is None:
    st.title("Significance")
    st.warning("No data to show yet. Choose the synthetic sample in the sidebar, or upload "
               "your files on the Data page.")
    st.stop()

analysis = results.trust(selection.org_code, selection.year)
options = selection.options
st.title(f"Significance: {plain(analysis.org.name)}, {analysis.year}")
st.caption(f"{options.level_percent} intervals · interval method: {options.ci_method} · "
           f"tests two-sided at {options.alpha:.0%}, adjusted across each group's stages")
st.markdown(INTRO)

with st.expander("How to read this", expanded=False):
    st.markdown(read_text("how_to_read_significance.md"))

stages = analysis.stage_table
if stages.empty:
    st.warning("No stage could be computed: the data need White and ethnic minority staff in "
               "at least two bands.")
    st.stop()

significant = stages[stages["significant"] & stages["adverse"]]
st.subheader("In brief")
st.markdown(f"{len(significant)} of {len(stages)} stages are adverse (above 1.25) **and** "
            "significant after adjustment"
            + (": " + "; ".join(plain(f"{label} ({format_ratio(ratio)})" if comparison == "BME"
                                      else f"{label}, {comparison} ({format_ratio(ratio)})")
                                for label, comparison, ratio in zip(
                                    significant["label"], significant["comparison"],
                                    significant["ratio"])) + "." if len(significant) else "."))

st.subheader("Forest plot of every stage")
draw_chart(forest_chart, stages, large=selection.large, level=options.level, width="content")
st.caption("Points are ratios, lines their intervals (log scale). Circles are significant after "
           "adjustment, diamonds are not. The shaded band is the non-adverse range; the black "
           "line is parity. An infinite ratio or bound is drawn at the edge of the axis.")

st.subheader("Every stage, with its test")
st.dataframe(significance_display_table(stages, options), hide_index=True, width="stretch")
wide = stages[stages["detectable_ratio"] > 2]
if len(wide):
    st.caption(f"{len(wide)} stage(s) have so few staff that only ratios above 2 could be "
               "shown to be significant (see 'Smallest detectable ratio').")
