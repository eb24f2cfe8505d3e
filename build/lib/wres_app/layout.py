"""Page furniture shared by every page: page config, presentation mode, the synthetic-data
banner."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

TEXT_DIR = Path(__file__).resolve().parent / "txt"

# Presentation mode: the sidebar toggle's session-state key, and the URL query parameter that
# bookmarks it (``?present=1``); the sidebar keeps the two in step.
PRESENT_KEY = "large_type"
PRESENT_PARAM = "present"
PRESENT_VALUE = "1"

# The size of a headline figure in presentation mode, against Streamlit's own 2.25rem (36 px):
# at least 1.5x, so the numbers read from the back of a room.
NORMAL_METRIC_REM = 2.25
PRESENT_METRIC_REM = 3.6

# Our own constant CSS (never user content): a projector at 1280x720. The page top is
# tightened so that the bottleneck headline and the headline figures fit on the first
# screen; metric labels wrap instead of being cut with an ellipsis.
_PRESENTATION_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 3.6rem; padding-bottom: 2rem;
  padding-left: 2rem; padding-right: 2rem; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 2.1rem; padding-top: 0.2rem;
  padding-bottom: 0.3rem; }}
[data-testid="stMainBlockContainer"] h3 {{ font-size: 1.7rem; }}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {{
  font-size: 20px; }}
[data-testid="stAlert"] [data-testid="stMarkdownContainer"] p {{ font-size: 1.5rem;
  line-height: 1.35; }}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{
  font-size: {PRESENT_METRIC_REM}rem !important; line-height: 1.15; }}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {{ font-size: 1.2rem;
  white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }}
[data-testid="stCaptionContainer"] {{ font-size: 1.05rem; }}
[data-testid="stDataFrame"] {{ font-size: 1.1rem; }}
[data-testid="stMainBlockContainer"] [data-baseweb="select"],
[data-testid="stButtonGroup"] button, [data-testid="stButtonGroup"] button * {{
  font-size: 1.15rem; }}
</style>
"""


def presentation_requested() -> bool:
    """Presentation mode as this run should start it: the sidebar toggle's value once the
    session has one, else the URL's ``?present=1`` (a bookmark opened in a new session)."""
    if PRESENT_KEY in st.session_state:
        return bool(st.session_state[PRESENT_KEY])
    return st.query_params.get(PRESENT_PARAM) == PRESENT_VALUE


def configure_page() -> None:
    """Called once, first thing in app.py. In presentation mode the sidebar starts closed
    (Streamlit applies ``initial_sidebar_state`` when the page loads)."""
    sidebar = "collapsed" if presentation_requested() else "expanded"
    # An emoji, not a ":material/...:" icon: for the page icon (the favicon) Streamlit's page
    # fetches a Material icon from fonts.gstatic.com, whereas icons elsewhere come from the
    # font bundled with Streamlit.
    st.set_page_config(page_title="WRES Explorer", page_icon="📊",
                       layout="wide", initial_sidebar_state=sidebar)


def sync_presentation_param(present: bool) -> None:
    """Keep ``?present=1`` in the URL exactly while presentation mode is on, so the address
    bar can be bookmarked, and put it back after a page switch (which clears it)."""
    if present and st.query_params.get(PRESENT_PARAM) != PRESENT_VALUE:
        st.query_params[PRESENT_PARAM] = PRESENT_VALUE
    elif not present and PRESENT_PARAM in st.query_params:
        del st.query_params[PRESENT_PARAM]


# Always on: a headline figure's label wraps onto a second line instead of being cut with an
# ellipsis ("BME share of AfC..."), in narrow columns as on a projector.
_METRIC_LABEL_CSS = """
<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
</style>
"""


def apply_large_type(large: bool) -> None:
    """The app's constant CSS: metric labels that wrap, and in presentation mode bigger type
    and a tighter page top (the name is kept from the older "large type" option)."""
    st.html(_METRIC_LABEL_CSS)
    if large:
        st.html(_PRESENTATION_CSS)


def synthetic_banner(synthetic: bool, *, compact: bool = False) -> None:
    """Every page that shows numbers says plainly when they are synthetic (in one short line
    in presentation mode, where the first screen is precious)."""
    if synthetic and compact:
        st.info("**Synthetic sample data**: every trust, code and number shown is fictional.")
    elif synthetic:
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
