"""Applicant-level recruitment files on the Data page, a file without organisation or year
given to its trust with the "belongs to" pickers, and a total staff group beside its parts
(issue 12, items 4, 5 and 6).

Expected counts are the hand counts of tests/fixtures/ingest/applicants_status.csv (see
tests/unit/test_ingest_applicants.py for the rows behind each figure).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from apptest_helpers import SAMPLE, assert_ok, stage_table, switch, texts

ESR = SAMPLE / "trust_esr_extract.csv"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
STATUS = FIXTURES / "applicants_status.csv"
# A second trust (RAA, 2024) beside the ESR trust: the applicant file could belong to either,
# so it is attached only when the user says which.
OTHER_TRUST = FIXTURES / "staff_groups_total_and_parts.csv"
REREAD = "Read the file again with these choices"


def metrics(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def outcome_table(at):
    return next(f.value for f in at.dataframe if "Outcome in the file" in f.value.columns)


def test_an_applicant_file_given_to_the_esr_trust_shows_its_stages_on_the_funnel(
        uploaded_app):
    at = uploaded_app({ESR.name: ESR.read_bytes(), STATUS.name: STATUS.read_bytes(),
                       OTHER_TRUST.name: OTHER_TRUST.read_bytes()})
    switch(at, "funnel")
    at.selectbox(key="org_code").set_value("SYN041").run()
    assert any("No recruitment data" in t for t in texts(at.main.info) + texts(
        at.main.warning)), "before 'belongs to', SYN041 has no recruitment data"
    switch(at, "data")
    key = f"belong_{hashlib.sha256(STATUS.read_bytes()).hexdigest()[:12]}"
    assert sorted(at.selectbox(key=f"{key}_org").options[1:]) == [
        "Abbot’s Marrow University Hospitals Trust (synthetic) (SYN041)", "RAA (RAA)"]
    at.selectbox(key=f"{key}_org").set_value("SYN041")
    at.number_input(key=f"{key}_year").set_value(2024)
    next(b for b in at.button if b.label == "Use these").click()
    assert_ok(at.run())
    assert ("Rows used", "28") in metrics(at) and ("Rows left out", "2") in metrics(at)
    assert texts(at.success) == ["Ready: 2 organisation(s), years 2024. Choose the trust and "
                                 "year in the sidebar, then open the Progression funnel."]

    switch(at, "funnel")
    at.selectbox(key="org_code").set_value("SYN041").run()
    assert not any("No recruitment data" in t for t in texts(at.main.info) + texts(
        at.main.warning)), "the funnel still says there is no recruitment data"
    table = stage_table(at).set_index("Stage")
    counts = {stage: tuple(int(table.loc[stage, c]) for c in
                           ("White from", "White to", "Group from", "Group to"))
              for stage in table.index if not stage.startswith(("Band ", "Lower", "Middle"))}
    # White 13 applied, 7 shortlisted, 4 appointed; BME 12, 5, 1.
    assert counts == {"Applied to shortlisted": (13, 7, 12, 5),
                      "Shortlisted to appointed": (7, 4, 5, 1)}, counts


def test_the_outcome_mapping_is_shown_and_can_be_corrected(uploaded_app):
    at = uploaded_app({STATUS.name: STATUS.read_bytes()})
    switch(at, "data")
    shown = {r["Outcome in the file"]: (r["Counted as"], r["Applicants"], r["From"])
             for r in outcome_table(at).to_dict("records")}
    assert shown["Withdrawn"] == ("Applied only", 3, "the status table")
    assert shown["On hold"] == ("Not recognised: left out", 2, "not recognised")
    assert shown["Offer declined"] == ("Appointed (and shortlisted, applied)", 1,
                                       "the status table")
    assert ("Rows left out", "2") in metrics(at)
    # The unrecognised outcome is offered as an outcome, not as an ethnicity label.
    keys = [s.key for s in at.selectbox if s.key]
    assert not [k for k in keys if "_map_Application status" in k], keys
    at.selectbox(key=next(k for k in keys if k.endswith("_status_On hold"))).set_value(
        "applied")
    at.selectbox(key=next(k for k in keys if k.endswith("_status_Offer declined"))).set_value(
        "shortlisted")
    next(b for b in at.button if b.label == REREAD).click()
    assert_ok(at.run())
    assert metrics(at) == [("Read as", "Recruitment"), ("Rows read", "30"),
                           ("Rows used", "30"), ("Rows left out", "0")]
    shown = {r["Outcome in the file"]: (r["Counted as"], r["Applicants"], r["From"])
             for r in outcome_table(at).to_dict("records")}
    assert shown["On hold"] == ("Applied only", 2, "your mapping")
    assert shown["Offer declined"] == ("Shortlisted (and applied)", 1, "your mapping")


def test_a_total_beside_its_parts_is_said_on_the_data_page(uploaded_app):
    """Issue 12 item 6: the note with both sums, and the rows left out, as the unit test's
    hand count of staff_groups_total_and_parts.csv gives them."""
    at = uploaded_app({OTHER_TRUST.name: OTHER_TRUST.read_bytes()})
    switch(at, "data")
    page = " ".join(t.replace("\\", "") for t in texts(at.main.markdown))
    assert "Staff group 'All staff' is the total of 'Clinical', 'Non-clinical'" in page
    assert "(RAA 2024, band 7: parts 14, total 16): the total was counted there" in page
    left_out = {r["Reason"]: r["Rows"] for f in at.dataframe if "Reason" in f.value.columns
                for r in f.value.to_dict("records")}
    assert left_out == {"total row": 5, "part of a staff group total": 4}
    assert ("Rows used", "16") in metrics(at)
