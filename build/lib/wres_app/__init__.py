"""Streamlit helpers for WRES Explorer's pages: session state, the shared sidebar, layout.

Statistics and data handling live in ``wres_core``; this package only draws.
"""
