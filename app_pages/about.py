"""About: what the tool is, who made it for whom, and what happens to your data."""

import streamlit as st

from wres_app.layout import read_text
from wres_core import __version__

st.title("About WRES Explorer")
st.markdown(read_text("about.md"))
st.caption(f"Version {__version__}")
