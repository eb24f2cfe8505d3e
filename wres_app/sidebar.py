"""The shared sidebar: data source, organisation and year, analysis and display options.

Drawn by ``app.py`` on every run before the page, so its widgets (and their values in
``st.session_state``) survive page switches.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from wres_app import downloads, state
from wres_app.layout import (
    PRESENT_KEY,
    PRESENT_PARAM,
    PRESENT_VALUE,
    presentation_requested,
    sync_presentation_param,
)
from wres_core.analysis import AllResults
from wres_core.bands import AFC_BANDS, TierDefinition
from wres_core.exports.disclosure import SUPPRESSED, DisclosureRule
from wres_core.formatting import format_year
from wres_core.options import ADJUSTMENT_LABELS, AnalysisOptions

CI_LABELS = {
    "auto": "Automatic (exact for small counts)",
    "log": "Log (Woolf / Katz)",
    "exact": "Exact / score for every stage",
}
GROUP_LABELS = {"bme": "All ethnic minority (BME) staff together",
                "detailed": "Each group: Asian, Black, Mixed, Other"}
STAFF_LABELS = {None: "All AfC staff", "Clinical": "Clinical", "Non-clinical": "Non-clinical"}
LEVELS = (0.90, 0.95, 0.99)


@dataclass(frozen=True)
class Selection:
    """What the sidebar chose: options, and the trust and year (None if nothing loaded)."""

    options: AnalysisOptions
    results: AllResults | None
    org_code: str | None
    year: int | None
    large: bool
    suppress_exports: bool
    synthetic: bool


def _options() -> AnalysisOptions:
    with st.sidebar.expander("Analysis options", expanded=False):
        groups = st.radio("Compare White staff with", list(GROUP_LABELS),
                          format_func=GROUP_LABELS.get, key="opt_groups")
        staff_group = st.selectbox("Staff group", list(STAFF_LABELS),
                                   format_func=STAFF_LABELS.get, key="opt_staff_group",
                                   help="Medical and dental staff are not on the Agenda for "
                                        "Change ladder and are shown separately.")
        ci_method = st.selectbox("Confidence interval", list(CI_LABELS),
                                 format_func=CI_LABELS.get, key="opt_ci")
        level = st.select_slider("Confidence level", LEVELS, value=0.95, key="opt_level",
                                 format_func=lambda v: f"{v:.0%}")
        adjust = st.selectbox("Adjust p-values across a trust's stages",
                              list(ADJUSTMENT_LABELS), format_func=ADJUSTMENT_LABELS.get,
                              key="opt_adjust")
        st.markdown("**Tiers** (default lower 1-5, middle 6-7, upper 8a-VSM)")
        middle = st.selectbox("Middle tier starts at band", AFC_BANDS[1:-1], index=4,
                              key="opt_middle")
        upper = st.selectbox("Upper tier starts at band", AFC_BANDS[2:], index=5,
                             key="opt_upper")
        try:
            tiers = TierDefinition.from_cut_points(middle, upper)
        except ValueError as error:
            st.error(f"{error} Using the default tiers.")
            tiers = TierDefinition()
        haldane = st.checkbox("Show +0.5-corrected ratios where a count is zero",
                              key="opt_haldane",
                              help="Off by default: a zero count gives a ratio of 0 or "
                                   "infinity with an exact interval. On: the ratio and a log "
                                   "interval use +0.5 in every cell, flagged in the table.")
    return AnalysisOptions(groups=groups, staff_group=staff_group, ci_method=ci_method,
                           level=level, adjust=adjust, tiers=tiers, haldane=haldane)


def _suppression_caption(rule: DisclosureRule) -> str:
    """The export rule in a few words (the Report page sets the threshold and rounding)."""
    if not rule.enabled:
        return "Exports show every count as it is."
    text = f"Counts 1 to {rule.threshold} shown as {SUPPRESSED}"
    if rule.round_to > 1:
        text += f", others rounded to {rule.round_to}"
    return text + "; change this on the Report page."


#: The organisation the user picked in the sidebar (set only by their own change of it).
ORG_CHOSEN_KEY = "_org_chosen"


def _remember_org_choice() -> None:
    # .get: with thirty AppTest sessions in one process, the widget's value was once missing
    # when its callback ran (a KeyError on its widget id in bench_room_server.py).
    chosen = st.session_state.get("org_code")
    if chosen is not None:
        st.session_state[ORG_CHOSEN_KEY] = chosen


def _default_org(codes: list[str]) -> str:
    """Before the user picks one: with their files, the organisation with the most staff (their
    own trust, usually, rather than the first code alphabetically); with the sample, the first."""
    if state.current_source() == state.SOURCE_UPLOAD:
        main = state.main_upload_org()
        if main in codes:
            return main
    return codes[0]


def _pick_org(results: AllResults) -> tuple[str | None, int | None]:
    orgs = results.organisations
    if orgs.empty:
        return None, None
    codes = orgs["org_code"].tolist()
    names = dict(zip(orgs["org_code"], orgs["org_name"]))
    # The default follows the data (a second upload can bring a larger trust) until the user
    # picks an organisation; their pick is then kept while the data hold it.
    chosen = st.session_state.get(ORG_CHOSEN_KEY)
    st.session_state["org_code"] = chosen if chosen in codes else _default_org(codes)
    org_code = st.sidebar.selectbox(
        "Organisation", codes, key="org_code", on_change=_remember_org_choice,
        format_func=lambda c: f"{names.get(c, c)} ({c})")
    years = results.years_for(org_code)
    if not years:
        return org_code, None
    if st.session_state.get("year") not in years:
        st.session_state["year"] = years[-1]
    year = st.sidebar.selectbox("Year (31 March snapshot)", list(reversed(years)), key="year",
                                format_func=format_year)
    return org_code, int(year)


def _presentation_toggle() -> bool:
    """Presentation mode, on from the start when the URL says ``?present=1``."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = presentation_requested()
    present = st.sidebar.toggle(
        "Presentation mode (projector)", key=PRESENT_KEY,
        help="Bigger headline figures and chart text, the bottleneck and the headline "
             "figures on the first screen, charts at full width. Bookmark the page with "
             f"?{PRESENT_PARAM}={PRESENT_VALUE} in its address to open it this way.")
    sync_presentation_param(present)
    return present


def draw_sidebar() -> Selection:
    st.sidebar.title("WRES Explorer")
    large = _presentation_toggle()
    has_uploads = bool(state.uploads())
    # The Data page asks to switch to the user's files after an upload; widgets can only be
    # changed before they are drawn, hence the hand-over through session state.
    if "_pending_source" in st.session_state:
        st.session_state["source"] = st.session_state.pop("_pending_source")
    choices = [state.SOURCE_SAMPLE, state.SOURCE_UPLOAD] if has_uploads else [
        state.SOURCE_SAMPLE]
    if st.session_state.get("source") not in choices:
        st.session_state["source"] = choices[0]
    st.sidebar.radio(
        "Data", choices, key="source",
        format_func=lambda s: ("Synthetic sample (fictional trusts)" if s == state.SOURCE_SAMPLE
                               else "Your uploaded files"))
    synthetic = state.current_source() == state.SOURCE_SAMPLE
    if synthetic:
        st.sidebar.warning("**Synthetic data.** Every trust, code and number in the sample "
                           "is made up. Upload your own files on the Data page.",
                           icon=":material/science:")
    elif not has_uploads:
        st.sidebar.info("Upload files on the Data page.")
    options = _options()
    results = state.current_results(options)
    org_code = year = None
    if results is not None:
        org_code, year = _pick_org(results)
    with st.sidebar.expander("Display and export", expanded=False):
        suppress = st.toggle("Suppress small counts in exports", value=True,
                             key="suppress_exports",
                             help="NHS publications hide small counts that could identify "
                                  "people. Calculations always use the exact numbers.")
        st.caption(_suppression_caption(downloads.export_rule(suppress)))
    return Selection(options, results, org_code, year, large, suppress, synthetic)
