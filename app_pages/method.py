"""Method: how every number is computed, with references (the README's Methods section)."""

import streamlit as st

from wres_app.layout import readme_section

st.title("Method")
st.markdown(readme_section("Methods"))
