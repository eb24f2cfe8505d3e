"""Settings that keep the app from reaching outside the machine (the browser test
tests/browser/test_browser_outbound.py checks the running app; these name the cause quickly).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_config_names_the_server_address_and_turns_off_usage_statistics():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # Without it the headless server looks up its network and external IP at start.
    assert config["browser"]["serverAddress"] == "localhost"
    assert config["browser"]["gatherUsageStats"] is False


def test_no_page_icon_is_a_material_icon():
    """Streamlit fetches a ":material/...:" page icon (the favicon) from fonts.gstatic.com;
    Material icons anywhere else come from its bundled font."""
    offenders = []
    # Our own code only: app.py, app_pages/, wres_app/, wres_core/ (a virtual environment in
    # the clone holds Streamlit's own demos, which may use Material icons).
    for path in [REPO / "app.py", *(p for d in ("app_pages", "wres_app", "wres_core")
                                    for p in (REPO / d).rglob("*.py"))]:
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"page_icon\s*=\s*[\"']:material/", text):
            offenders.append(str(path.relative_to(REPO)))
    assert not offenders
