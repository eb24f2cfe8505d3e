"""An uploaded disciplinary file with a blank headcount: the scorecard page says which rows
were left out and why, as the Data page does for a workforce file."""

from __future__ import annotations

import hashlib

from apptest_helpers import switch, texts
from test_app_scorecard import TRUST, trust_workforce_csv

DISCIPLINARY = (f"Organisation code,Financial year,Ethnicity,Headcount,"
                f"Entered formal disciplinary process\n"
                f"{TRUST},2023/24,White,,30\n"          # row 2: blank headcount
                f"{TRUST},2023/24,White British,4000,20\n"
                f"{TRUST},2023/24,BME,2000,15\n").encode()


def test_rows_left_out_of_a_scorecard_file_are_listed(uploaded_app):
    at = uploaded_app({"trust.csv": trust_workforce_csv()})
    at.session_state["scorecard_uploads"] = {
        "disc.csv": (hashlib.sha256(DISCIPLINARY).hexdigest(), DISCIPLINARY)}
    at = switch(at, "scorecard")
    warnings = [t.replace("\\", "") for t in texts(at.main.warning)]
    [left_out] = [w for w in warnings if w.startswith("disc.csv")]
    assert left_out.startswith("disc.csv: read 3 rows as disciplinary data. Used 2 rows; left "
                               "out 1:")
    assert ("- 1 row excluded: blank required field in column 'Headcount'; e.g. '(blank)'. "
            "Row 2.") in left_out


def test_a_clean_scorecard_file_gets_no_warning(uploaded_app):
    clean = DISCIPLINARY.replace(b"White,,30", b"White,1000,30")
    at = uploaded_app({"trust.csv": trust_workforce_csv()})
    at.session_state["scorecard_uploads"] = {
        "disc.csv": (hashlib.sha256(clean).hexdigest(), clean)}
    at = switch(at, "scorecard")
    assert not [t for t in texts(at.main.warning) if "disc" in t]
