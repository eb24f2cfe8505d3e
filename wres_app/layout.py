"""Page furniture shared by every page: page config, large type, the synthetic-data banner."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

TEXT_DIR = Path(__file__).resolve().parent / "txt"

# Our own constant CSS (never user content): bigger type for projectors.
_LARGE_TYPE_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.2rem; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stDataFrame"] { font-size: 1.1rem; }
</style>
"""


def configure_page() -> None:
    """Called once, first thing in app.py."""
    # An emoji, not a ":material/...:" icon: for the page icon (the favicon) Streamlit's page
    # fetches a Material icon from fonts.gstatic.com, whereas icons elsewhere come from the
    # font bundled with Streamlit.
    st.set_page_config(page_title="WRES Explorer", page_icon="📊",
                       layout="wide", initial_sidebar_state="expanded")


def apply_large_type(large: bool) -> None:
    if large:
        st.html(_LARGE_TYPE_CSS)


def synthetic_banner(synthetic: bool) -> None:
    """Every page that shows numbers says plainly when they are synthetic."""
    if synthetic:
        st.info("**Synthetic sample data.** The trusts, codes and numbers shown are fictional, "
                "made by a seeded generator to look like the national picture. Upload your own "
                "files on the Data page.", icon=":material/science:")


def read_text(name: str) -> str:
    """Long prose lives in wres_app/txt/*.md, not in page code."""
    return (TEXT_DIR / name).read_text(encoding="utf-8")


def readme_section(heading: str) -> str:
    """One ``## heading`` section of the README, so the Method page and the README never
    disagree."""
    readme = (TEXT_DIR.parent.parent / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == f"## {heading}"), None)
    if start is None:
        return f"The README has no '{heading}' section."
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
               len(lines))
    return "\n".join(lines[start + 1:end]).strip()
