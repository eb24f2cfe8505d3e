"""WRES Explorer: where ethnic minority NHS staff fall behind on the career ladder.

Start with `streamlit run app.py`. This file sets up the page, draws the shared sidebar
(data source, organisation, year, analysis options) and the notices every analysis page
carries, and hands over to the chosen page in app_pages/. Every calculation is in wres_core;
pages only draw.
"""

import streamlit as st

from wres_app import run_log, run_slots, state
from wres_app.layout import apply_large_type, configure_page
from wres_app.notices import draw_left_out_notice
from wres_app.sidebar import draw_sidebar

DATA_PAGE = st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:")
METHOD_PAGE = st.Page("app_pages/method.py", title="Method", icon=":material/functions:")
ABOUT_PAGE = st.Page("app_pages/about.py", title="About", icon=":material/info:")
#: Every other page is an analysis page and shows the "rows left out" notice.
NOT_ANALYSIS_PAGES = (DATA_PAGE, METHOD_PAGE, ABOUT_PAGE)

PAGES = [
    st.Page("app_pages/funnel.py", title="Progression funnel",
            icon=":material/stacked_bar_chart:", default=True),
    st.Page("app_pages/peers.py", title="Peer comparison", icon=":material/groups:"),
    st.Page("app_pages/significance.py", title="Significance", icon=":material/query_stats:"),
    st.Page("app_pages/trends.py", title="Trends", icon=":material/trending_up:"),
    st.Page("app_pages/targets.py", title="Targets", icon=":material/flag:"),
    st.Page("app_pages/scorecard.py", title="Scorecard and pay gap", icon=":material/checklist:"),
    st.Page("app_pages/report.py", title="Workshop pack", icon=":material/picture_as_pdf:"),
    DATA_PAGE,
    METHOD_PAGE,
    ABOUT_PAGE,
]

run_started = run_log.run_started()
# A few runs at a time, the others waiting their turn (see wres_app/run_slots.py).
with run_slots.run_slot():
    # The first run in this server process starts computing the shared sample's default
    # results in the background; later runs find them cached (see wres_app/state.py).
    state.warm_sample()
    configure_page()
    navigation = st.navigation(PAGES)
    selection = draw_sidebar()
    st.session_state["selection"] = selection
    apply_large_type(selection.large)
    if navigation.url_path not in {page.url_path for page in NOT_ANALYSIS_PAGES}:
        draw_left_out_notice(DATA_PAGE)
    try:
        navigation.run()
    finally:  # also when the page stops early (st.stop) or reruns
        run_log.run_finished(run_started, navigation.url_path)
