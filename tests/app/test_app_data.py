"""Uploading: the Data page reports rows read, used and left out (checked against the file
itself), bad files get a plain error and no exception, and the funnel then shows the upload."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from apptest_helpers import MESSY_CSV, SAMPLE, assert_ok, stage_table, switch, texts

ESR = SAMPLE / "trust_esr_extract.csv"
XLSX = SAMPLE / "trust_wres_template.xlsx"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
NO_BAND = b"org_code,year,ethnicity,headcount\nSYN001,2024,White,5\nSYN001,2024,BME,3\n"


def metrics(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def exclusions(at) -> dict[str, int]:
    frames = [f.value for f in at.dataframe if "Reason" in f.value.columns]
    return {r["Reason"]: int(r["Rows"]) for frame in frames for r in frame.to_dict("records")}


def per_band(table: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(band, White or Group) -> headcount, read off the band steps of a stage table."""
    steps = table[table["Stage"].str.startswith("Band ")]
    out = {}
    for row in steps.to_dict("records"):
        low, high = row["Stage"].removeprefix("Band ").split(" to ")
        for who in ("White", "Group"):
            out[(low, who)] = int(row[f"{who} from"])
            out[(high.removeprefix("band "), who)] = int(row[f"{who} to"])
    return out


def test_esr_extract_and_wide_template(uploaded_app, app):
    esr = pd.read_csv(ESR, encoding="cp1252", dtype=str)
    bad_band = int(esr["Pay Band"].str.strip().isin(["Bank", "Non-AfC Local"]).sum())
    bad_ethnicity = int((esr["Ethnic Origin"].str.strip() == "Any other background").sum())
    duplicates = int(esr["Assignment Number"].duplicated().sum())
    assert (len(esr), bad_band, bad_ethnicity, duplicates) == (6030, 12, 5, 3)
    left_out = bad_band + bad_ethnicity + duplicates
    template_rows = len(pd.read_excel(XLSX, sheet_name="Indicator 1", header=4, engine="openpyxl"))

    at = uploaded_app({ESR.name: ESR.read_bytes(), XLSX.name: XLSX.read_bytes()})
    switch(at, "data")
    assert texts(at.error) == []
    assert metrics(at) == [
        ("Read as", "Workforce"), ("Rows read", f"{len(esr):,}"),
        ("Rows used", f"{len(esr) - left_out:,}"), ("Rows left out", f"{left_out:,}"),
        ("Read as", "Workforce"), ("Rows read", f"{template_rows}"),
        ("Rows used", f"{template_rows}"), ("Rows left out", "0")]
    assert metrics(at)[1:4] == [("Rows read", "6,030"), ("Rows used", "6,010"),
                                ("Rows left out", "20")]
    assert exclusions(at) == {"unrecognised band": 12, "unrecognised ethnicity": 5,
                              "duplicate staff number": 3}
    assert texts(at.success) == ["Ready: 2 organisation(s), years 2024. Choose the trust and "
                                 "year in the sidebar, then open the Progression funnel."]

    switch(at, "funnel")
    assert at.selectbox(key="org_code").value == "SYN041"
    assert texts(at.main.title) == [
        "Progression funnel: Abbot’s Marrow University Hospitals Trust \\(synthetic\\), 2024"]
    assert texts(at.main.caption)[0].startswith("SYN041 · ")
    esr_table = stage_table(at)

    # The extract is SYN041's 2024 staff with 17 of them given labels that cannot be read (the
    # national file has them in proper bands): per band and group, its counts are at most the
    # national sample's, and 1 to 17 lower in all.
    app.selectbox(key="org_code").set_value("SYN041").run()
    national = per_band(stage_table(app))
    extract = per_band(esr_table)
    assert national.keys() == extract.keys()
    shortfall = [national[k] - extract[k] for k in national]
    assert min(shortfall) >= 0 and 1 <= sum(shortfall) <= 17

    at.selectbox(key="org_code").set_value("SYN084").run()
    assert_ok(at)
    assert texts(at.main.title) == [
        "Progression funnel: Sparrowmere Mental Health Trust \\(synthetic\\), 2024"]


def test_peers_of_an_uploaded_single_trust_are_said_to_be_synthetic(uploaded_app):
    at = uploaded_app({ESR.name: ESR.read_bytes()})
    switch(at, "peers")
    errors = texts(at.main.error)
    assert len(errors) == 1
    assert errors[0].startswith("**These peers are synthetic.** Your trust is being compared "
                                "with the fictional trusts of the bundled sample")


def test_uploaded_trust_without_type_or_region_can_be_given_them_for_peers(
        uploaded_app, national_workforce):
    """The ESR extract says nothing of the trust's type or region: the peers page asks, and
    the chosen type and region define the peer groups (counted here from the raw CSV)."""
    at = uploaded_app({ESR.name: ESR.read_bytes()})
    switch(at, "peers")
    assert at.selectbox(key="peer_own_type").value == "Acute"
    at.selectbox(key="peer_own_type").set_value("Mental health and learning disability").run()
    at.selectbox(key="peer_own_region").set_value("London").run()
    at.selectbox(key="peer_kind").set_value("type_region").run()
    assert_ok(at)
    orgs = national_workforce[national_workforce["year"] == 2024].drop_duplicates("org_code")
    chosen = orgs[(orgs["org_type"] == "Mental health and learning disability")
                  & (orgs["region"] == "London") & (orgs["org_code"] != "SYN041")]
    summary = next(t for t in texts(at.main.markdown) if t.startswith("Compared with"))
    # The trust itself joins its peers: one more than the synthetic London MH trusts.
    assert summary.startswith(f"Compared with {len(chosen) + 1} mental health and learning "
                              "disability trusts in London"), summary


def test_messy_semicolon_file_lists_its_exclusions(uploaded_app):
    at = uploaded_app({"messy.csv": MESSY_CSV})
    switch(at, "data")
    assert texts(at.error) == []
    assert metrics(at) == [("Read as", "Workforce"), ("Rows read", "10"), ("Rows used", "7"),
                           ("Rows left out", "3")]
    assert exclusions(at) == {"unrecognised band": 1, "unrecognised ethnicity": 1,
                              "negative count": 1}
    switch(at, "funnel")
    assert texts(at.main.title) == ["Progression funnel: Messy Test Trust, 2024"]


def test_exclusion_lines_are_nested_list_items_not_literal_dashes(uploaded_app):
    at = uploaded_app({"messy.csv": MESSY_CSV})
    switch(at, "data")
    summary = next(t for t in texts(at.main.markdown) if t.startswith("- messy"))
    assert "excluded" in summary
    assert not re.search(r"^-\s+\\-", summary, flags=re.MULTILINE), summary


@pytest.mark.parametrize(("name", "data", "problem"), [
    ("x.csv", PNG, "This looks like a PNG image, not a table."),
    ("empty.csv", b"", "The file is empty."),
    ("noband.csv", NO_BAND, "No band column was found."),
])
def test_a_bad_file_gets_an_error_naming_the_problem(uploaded_app, name, data, problem):
    at = uploaded_app({name: data})
    switch(at, "data")
    errors = texts(at.main.error)
    assert len(errors) == 1
    assert errors[0].replace("\\", "").startswith(f"**This file could not be read.** {problem}")
    assert "**What to do:**" in errors[0]
    for page in ("funnel", "peers"):
        switch(at, page)
        assert any(t.startswith("No data") for t in texts(at.main.warning)), page


def test_a_bad_file_beside_a_good_one(uploaded_app):
    at = uploaded_app({"x.csv": PNG, "messy.csv": MESSY_CSV})
    switch(at, "data")
    assert len(texts(at.main.error)) == 1
    assert ("Rows used", "7") in metrics(at)
    switch(at, "funnel")
    assert texts(at.main.title) == ["Progression funnel: Messy Test Trust, 2024"]


def test_unrecognised_labels_mapped_by_hand_are_counted(uploaded_app):
    """Mapping 'Band 99' to band 9 and 'Martian' to Unknown brings both rows back in."""
    at = uploaded_app({"messy.csv": MESSY_CSV})
    switch(at, "data")
    keys = [s.key for s in at.selectbox if s.key]
    band_key = next(k for k in keys if k.endswith("_map_Pay band_Band 99"))
    ethnicity_key = next(k for k in keys if k.endswith("_map_Ethnicity_Martian"))
    at.selectbox(key=band_key).set_value("9")
    at.selectbox(key=ethnicity_key).set_value("Unknown")
    next(b for b in at.button if b.label == "Read the file again with these choices").click()
    assert_ok(at.run())
    assert metrics(at) == [("Read as", "Workforce"), ("Rows read", "10"), ("Rows used", "9"),
                           ("Rows left out", "1")]
    assert exclusions(at) == {"negative count": 1}


def test_a_file_without_a_recognised_band_column_can_be_mapped_by_hand(uploaded_app):
    """'Scale point' is no band alias: the file fails with a clear message, the column pickers
    still appear, and choosing the column reads the file."""
    content = (b"Trust;Scale point;Ethnic origin;Staff\n"
               b"RYY Hand Mapped Trust;Band 5;A;30\n"
               b"RYY Hand Mapped Trust;Band 5;N;10\n"
               b"RYY Hand Mapped Trust;Band 6;A;20\n"
               b"RYY Hand Mapped Trust;Band 6;N;4\n")
    at = uploaded_app({"grades.csv": content})
    switch(at, "data")
    errors = texts(at.main.error)
    assert len(errors) == 1 and "No band column was found" in errors[0], errors
    band_picker = next(s for s in at.selectbox if s.key and s.key.endswith("_col_band"))
    band_picker.set_value("Scale point")
    next(b for b in at.button if b.label == "Read the file again with these choices").click()
    assert_ok(at.run())
    assert texts(at.main.error) == []
    assert metrics(at) == [("Read as", "Workforce"), ("Rows read", "4"), ("Rows used", "4"),
                           ("Rows left out", "0")]


INTERNAL_NAMES = re.compile(r"org_code|org_name|org_type|staff_id|staff_group|ethnic_group|"
                            r"band_map|ethnicity_map|_map\b")


def every_text(at) -> list[str]:
    """Every label, value, option and table heading on the page, as the user sees them."""
    out = []

    def walk(node):
        for attr in ("label", "body", "placeholder", "help"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                out.append(value)
        proto = getattr(node, "proto", None)
        for attr in ("label", "body", "help"):
            value = getattr(proto, attr, None)
            if isinstance(value, str):
                out.append(value)
        out.extend(str(o) for o in getattr(node, "options", []) or [])
        if getattr(node, "type", "") in ("markdown", "caption", "alert", "error", "warning",
                                         "info", "success", "metric", "subheader", "title"):
            out.append(str(node.value))
        if getattr(node, "type", "") == "arrow_data_frame":
            out.extend(str(c) for c in node.value.columns)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return [t.replace("\\", "") for t in out]


def test_the_data_page_names_fields_in_words_not_internal_names(uploaded_app):
    grades = (b"Trust;Scale point;Ethnic origin;Staff\nRYY Hand Mapped Trust;Band 5;A;30\n")
    at = uploaded_app({"messy.csv": MESSY_CSV, "trust_esr_extract.csv": ESR.read_bytes(),
                       "grades.csv": grades})
    switch(at, "data")
    shown = every_text(at)
    leaks = [t for t in shown if INTERNAL_NAMES.search(t)]
    assert leaks == [], leaks
    # The column pickers and the column line name the fields as people do.
    labels = {s.label for s in at.selectbox}
    assert {"Organisation code", "Trust type", "Staff number (one row per person)",
            "Pay band"} <= labels
    columns = [line for t in shown for line in t.splitlines()
               if line.startswith("- Columns: Organisation code: column ")]
    assert columns and "Region: not in the file" in columns[0], columns


def test_an_xls_file_is_accepted_and_told_to_be_saved_as_xlsx(uploaded_app):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)   # an OLE2 (.xls) header
    at = uploaded_app({"old.xls": ole})
    switch(at, "data")
    uploader = at.get("file_uploader")[0]
    assert ".xls" in list(uploader.proto.type)
    errors = [t.replace("\\", "") for t in texts(at.main.error)]
    assert len(errors) == 1 and "old-style Excel .xls" in errors[0], errors
    assert "save it as .xlsx" in errors[0]


def test_a_trust_without_region_or_type_says_not_given_in_words(uploaded_app):
    at = uploaded_app({"messy.csv": MESSY_CSV})
    caption = texts(at.main.caption)[0].replace("\\", "")
    assert caption.startswith("RXX · region not given · type not given · "), caption


def test_a_file_without_a_year_says_year_not_given_in_title_and_sidebar(uploaded_app):
    no_year = (b"Organisation code;Pay band;Ethnicity;Headcount\n"
               b"RQQ;Band 5;A;30\nRQQ;Band 5;N;10\nRQQ;Band 6;A;20\nRQQ;Band 6;N;4\n")
    at = uploaded_app({"no_year.csv": no_year})
    title = texts(at.main.title)[0]
    assert title.endswith(", year not given"), title
    year_box = at.selectbox(key="year")
    assert year_box.options == ["year not given"]


def test_the_scorecard_of_a_trust_without_region_or_type_says_not_given_in_words(
        uploaded_app):
    at = uploaded_app({"messy.csv": MESSY_CSV})
    switch(at, "scorecard")
    assert_ok(at)
    caption = texts(at.main.caption)[0].replace("\\", "")
    assert " · RXX · region not given · type not given · " in caption, caption
    assert "Not given" not in caption
