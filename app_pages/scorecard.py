"""The WRES scorecard: the nine indicators and the ethnicity pay gap on one screen."""


import pandas as pd
import streamlit as st

from wres_app import scorecard_state
from wres_app.layout import synthetic_banner
from wres_app.text import given, plain
from wres_core.bands import band_label
from wres_core.formatting import format_share
from wres_core.indicators.pay_gap import AFC_PAY_YEAR
from wres_core.indicators.scorecard import scorecard_table

INTRO = ("All nine WRES indicators and the ethnicity pay gap for the chosen trust and year. "
         "Ratios (1-4) read **above 1 as adverse** to ethnic minority staff (0.80-1.25 is the "
         "non-adverse range); survey indicators (5-8) are BME minus White in percentage "
         "points; indicator 9 is the board's BME share minus the workforce's. The arrow "
         "compares with the year before when it is loaded: red is worse for BME staff.")
NO_DATA = ("No data to show yet. Choose the synthetic sample in the sidebar, or upload your "
           "files on the Data page.")
UPLOAD_HELP = ("Disciplinary and training counts, NHS Staff Survey results by ethnicity, "
               "board membership and a staff-level pay extract (CSV or .xlsx). They stay in "
               "this browser session's memory and are never saved. Formats: "
               "docs/data-formats.md.")

selection = st.session_state["selection"]
synthetic_banner(selection.synthetic)
results = selection.results
if results is None or selection.org_code is None or selection.year is None:
    st.title("WRES scorecard")
    st.warning(NO_DATA)
    st.stop()

org = results.org_info(selection.org_code)
# A one-line title (h1, as on every page) so that the whole table fits a 1280x720 projector.
st.title(f"WRES scorecard {selection.year}")
st.caption(f"**{plain(org.name)}** · {plain(org.code)} · {given(org.region, 'region')} · "
           f"{given(org.type, 'type')} · "
           f"{selection.options.level_percent} intervals · ratios above 1 and red verdicts "
           "are adverse to ethnic minority staff")

rolling = bool(st.session_state.get("scorecard_rolling", False))
card = scorecard_state.scorecard(selection.options, selection.org_code, selection.year,
                                 rolling)
if card is None:
    st.warning(NO_DATA)
    st.stop()


def _colour_verdict(value: str) -> str:
    colour = {"adverse": "#b00020", "favourable": "#1b7a3a",
              "BME staff paid less": "#b00020"}.get(value)
    return f"color: {colour}; font-weight: 600" if colour else "color: #555"


def _colour_trend(value: str) -> str:
    return {"↑": "color: #b00020", "↓": "color: #1b7a3a"}.get(value[:1], "color: #555")


table = scorecard_table(card)
styled = table.style.map(_colour_verdict, subset=["Verdict"]).map(_colour_trend,
                                                                   subset=["Trend"])
st.dataframe(styled, hide_index=True, width="stretch", row_height=34,
             height=34 * (len(table) + 1) + 4,
             column_config={"#": st.column_config.TextColumn(width="small"),
                            "Indicator": st.column_config.TextColumn(width="medium"),
                            "Trend": st.column_config.TextColumn(
                                help="Change on the year before, when it is loaded: up (red) "
                                     "is worse for ethnic minority staff.")})
st.caption("Figures: ratios (1-4); BME % vs White % (5-8); points (9); the pay gap as a share "
           "of White hourly pay (above 0: BME staff paid less). Each is said in words "
           "below.")

st.markdown(INTRO)
if not selection.synthetic:
    with st.expander("Add scorecard files (disciplinary, training, survey, board, pay)",
                     expanded=not scorecard_state.uploads()):
        files = st.file_uploader("Scorecard files", type=["csv", "xlsx", "gz"],
                                 accept_multiple_files=True, help=UPLOAD_HELP,
                                 key="scorecard_uploader")
        for file in files or []:
            scorecard_state.add_upload(file.name, file.getvalue())
        for name in list(scorecard_state.uploads()):
            left, right = st.columns([4, 1])
            left.write(plain(name))
            if right.button("Remove", key=f"remove_scorecard_{name}"):
                scorecard_state.remove_upload(name)
                st.rerun()
    for error in scorecard_state.current_tables().errors:
        st.error(plain(str(error)))
    # Rows left out of a scorecard file, listed as the Data page lists a workforce file's.
    for read in scorecard_state.current_tables().files:
        if read.rows_excluded:
            head = " ".join(read.summary_lines()[:2])
            st.warning("\n".join([plain(head), *(f"- {plain(e.describe())}"
                                                  for e in read.exclusions())]))
else:
    st.caption("Indicators 3-9 and the pay gap come from the bundled synthetic scorecard "
               "files (fictional). With your own data, add your files here.")

st.toggle("Indicators 3 and 4 as two-year rolling figures", key="scorecard_rolling",
                    help="Each year's counts summed with the previous year's (events and "
                         "headcounts separately), as some trusts report indicator 3.")

# --- the detail ------------------------------------------------------------------------------
st.subheader("In plain English")
for item in card.items:
    sentence = item.sentence.removeprefix(f"{item.label}: ")
    text = f"**{item.number}. {plain(item.label)}.** {plain(sentence[:1].upper() + sentence[1:])}"
    if item.kind == "missing":
        st.markdown(f"*{item.number}. {plain(item.label)}:* {plain(item.note)}")
    else:
        st.markdown(text)
st.page_link("app_pages/funnel.py", label="Indicators 1 and 2 in detail: the progression "
             "funnel", icon=":material/stacked_bar_chart:")

with st.expander("How to read these figures"):
    notes = sorted({item.note for item in card.items if item.note and item.kind != "missing"})
    for note in notes:
        st.markdown(f"- {plain(note)}")

st.subheader("Ethnicity pay gap")
gap = card.pay_gap
if gap is None:
    st.info("No pay gap: " + plain("; ".join(card.notes) or "no pay data."))
else:
    if gap.estimate:
        st.warning(f"**Estimate.** No pay file is loaded, so this gap is implied by the "
                   f"Agenda for Change {AFC_PAY_YEAR} pay points of each band (the average "
                   "point of the band for every member of staff). It shows the effect of the "
                   "band mix only; add a staff-level pay extract for the real gap.")
    st.markdown(plain(gap.sentence))
    left, right = st.columns(2)
    left.metric("Mean gap", format_share(gap.mean_gap),
                help=f"{gap.level * 100:g}% bootstrap CI {format_share(gap.mean_ci[0])} to "
                     f"{format_share(gap.mean_ci[1])} ({gap.n_bootstrap} resamples, seed "
                     f"{gap.seed})")
    right.metric("Median gap", format_share(gap.median_gap),
                 help=f"{gap.level * 100:g}% bootstrap CI {format_share(gap.median_ci[0])} to "
                      f"{format_share(gap.median_ci[1])}")
    decomposition = pd.DataFrame({
        "Part of the mean gap": ["Band mix (explained by bands)", "Within bands", "Total"],
        "Share of White pay": [format_share(gap.explained_by_bands),
                               format_share(gap.within_bands), format_share(gap.mean_gap)]})
    st.dataframe(decomposition, hide_index=True)
    by_band = pd.DataFrame([{
        "Band": band_label(b.band), "White staff": b.white_n, "BME staff": b.bme_n,
        "White mean £/h": round(b.white_mean, 2), "BME mean £/h": round(b.bme_mean, 2),
        "Mean gap": format_share(b.mean_gap), "Median gap": format_share(b.median_gap)}
        for b in gap.by_band])
    st.markdown("**By band**")
    st.dataframe(by_band, hide_index=True)
    quartiles = pd.DataFrame([{
        "Pay quartile": ["Lowest", "Lower middle", "Upper middle", "Highest"][q.quartile - 1],
        "Staff": q.staff, "BME staff": q.bme, "BME share": format_share(q.bme_share),
        "Hourly pay": f"£{q.low_pay:.2f} to £{q.high_pay:.2f}"} for q in gap.quartiles])
    st.markdown("**Pay quartiles** (staff ranked by hourly pay, four equal groups)")
    st.dataframe(quartiles, hide_index=True)
    if gap.bottleneck is not None:
        st.markdown(f"**If the bottleneck were closed to 1.25.** The reweighting "
                    f"{plain(gap.bottleneck.assumption)}.")
    if gap.note:
        st.caption(plain(gap.note))
for note in card.notes:
    st.caption(plain(note))
