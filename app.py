"""WRES Explorer: where ethnic minority NHS staff fall behind on the career ladder.

Start with `streamlit run app.py`. This file sets up the page, draws the shared sidebar
(data source, organisation, year, analysis options) and hands over to the chosen page in
app_pages/. Every calculation is in wres_core; pages only draw.
"""

import streamlit as st

from wres_app.layout import apply_large_type, configure_page
from wres_app.sidebar import draw_sidebar

configure_page()

PAGES = [
    st.Page("app_pages/funnel.py", title="Progression funnel", icon=":material/stacked_bar_chart:",
            default=True),
    st.Page("app_pages/peers.py", title="Peer comparison", icon=":material/groups:"),
    st.Page("app_pages/report.py", title="Workshop pack", icon="📄"),
    st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:"),
    st.Page("app_pages/method.py", title="Method", icon=":material/functions:"),
    st.Page("app_pages/about.py", title="About", icon=":material/info:"),
]

navigation = st.navigation(PAGES)
selection = draw_sidebar()
st.session_state["selection"] = selection
apply_large_type(selection.large)
navigation.run()
