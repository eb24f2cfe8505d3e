"""Which organisation the sidebar opens on with several uploads: the one with the most staff
(the user's own trust, usually), not the first code alphabetically; and the user's own pick is
kept once made, across pages and further uploads."""

from __future__ import annotations

from apptest_helpers import assert_ok, switch, uploads_state


def trust_csv(code: str, name: str, white: int, bme: int) -> bytes:
    """A two-band counts file for one trust in 2024: 2 x (white + bme) staff in all."""
    rows = [f"{code},{name},2024,{band},{group},{count}"
            for band in ("Band 5", "Band 6")
            for group, count in (("White British", white), ("Indian", bme))]
    header = "Organisation code,Organisation name,Year,Pay band,Ethnicity,Headcount"
    return ("\n".join([header, *rows]) + "\n").encode()


# Codes chosen to sort the other way from size: RAA (40 staff) before RZZ (400).
SMALL_NEIGHBOUR = trust_csv("RAA", "Small Neighbour Trust", 15, 5)
MAIN_TRUST = trust_csv("RZZ", "Main Test Trust", 150, 50)
MIDDLE_TRUST = trust_csv("RMM", "Middle Test Trust", 120, 30)     # 300 staff
TWIN_OF_SMALL = trust_csv("RAB", "Twin Test Trust", 15, 5)         # 40 staff, as RAA


def test_opens_on_the_trust_with_most_staff_not_the_first_code(uploaded_app):
    at = uploaded_app({"neighbour.csv": SMALL_NEIGHBOUR, "ours.csv": MAIN_TRUST})
    assert at.selectbox(key="org_code").options[:2] == [
        "Small Neighbour Trust (RAA)", "Main Test Trust (RZZ)"]
    assert at.selectbox(key="org_code").value == "RZZ"
    switch(at, "funnel")
    assert at.main.title[0].value == "Progression funnel: Main Test Trust, 2024"


def test_equal_sizes_open_on_the_first_file_uploaded(uploaded_app):
    at = uploaded_app({"twin.csv": TWIN_OF_SMALL, "neighbour.csv": SMALL_NEIGHBOUR})
    assert at.selectbox(key="org_code").value == "RAB"


def test_the_users_pick_is_kept_across_pages_and_further_uploads(uploaded_app):
    at = uploaded_app({"neighbour.csv": SMALL_NEIGHBOUR, "ours.csv": MAIN_TRUST})
    assert_ok(at.selectbox(key="org_code").set_value("RAA").run())
    assert at.selectbox(key="org_code").value == "RAA"
    switch(at, "data")
    switch(at, "funnel")
    assert at.selectbox(key="org_code").value == "RAA"
    at.session_state["uploads"] = uploads_state({"neighbour.csv": SMALL_NEIGHBOUR,
                                                 "ours.csv": MAIN_TRUST,
                                                 "middle.csv": MIDDLE_TRUST})
    assert_ok(at.run())
    assert at.selectbox(key="org_code").value == "RAA"


def test_before_any_pick_the_default_follows_a_larger_upload(uploaded_app):
    at = uploaded_app({"neighbour.csv": SMALL_NEIGHBOUR, "middle.csv": MIDDLE_TRUST})
    assert at.selectbox(key="org_code").value == "RMM"
    at.session_state["uploads"] = uploads_state({"neighbour.csv": SMALL_NEIGHBOUR,
                                                 "middle.csv": MIDDLE_TRUST,
                                                 "ours.csv": MAIN_TRUST})
    assert_ok(at.run())
    assert at.selectbox(key="org_code").value == "RZZ"


def test_a_pick_missing_from_the_data_falls_back_to_the_default(uploaded_app):
    """A sample trust picked before switching to the user's files is not in them."""
    at = uploaded_app({"neighbour.csv": SMALL_NEIGHBOUR, "ours.csv": MAIN_TRUST})
    at.session_state["_org_chosen"] = "SYN041"
    assert_ok(at.run())
    assert at.selectbox(key="org_code").value == "RZZ"
