"""A total staff group beside its parts is counted once (issue 12, item 6).

The expected counts are worked out by hand from the fixture and the inline tables.
"""

from __future__ import annotations

from pathlib import Path

from wres_core.ingest import read_table

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / \
    "staff_groups_total_and_parts.csv"


def by_group(table) -> dict[tuple[str, str, str], int]:
    counts = table.groupby(["staff_group", "band", "ethnicity"], observed=True)["headcount"].sum()
    return {(str(s), str(b), str(e)): int(n) for (s, b, e), n in counts.items() if n}


def test_total_and_parts_file_counts_each_person_once():
    result = read_table(FIXTURE)
    # Band 5: All staff 30 / 20 / 2 = Clinical 18 / 15 / 1 + Non-clinical 12 / 5 / 1: parts
    # kept. Band 6: 16 / 6 = 10 / 5 + 6 / 1: parts kept. Band 7: All staff 12 / 4, parts
    # 7 + 3 / 3 + 1 = 10 / 4 (14 against 16): the total kept. Band 8a: parts only; band 9:
    # All staff only. Nothing is counted twice.
    assert by_group(result.table) == {
        ("Clinical", "5", "White"): 18, ("Clinical", "5", "BME"): 15,
        ("Clinical", "5", "Unknown"): 1, ("Non-clinical", "5", "White"): 12,
        ("Non-clinical", "5", "BME"): 5, ("Non-clinical", "5", "Unknown"): 1,
        ("Clinical", "6", "White"): 10, ("Clinical", "6", "BME"): 5,
        ("Non-clinical", "6", "White"): 6, ("Non-clinical", "6", "BME"): 1,
        ("All staff", "7", "White"): 12, ("All staff", "7", "BME"): 4,
        ("Clinical", "8a", "White"): 5, ("Clinical", "8a", "BME"): 1,
        ("Non-clinical", "8a", "White"): 2, ("All staff", "9", "White"): 2}
    assert int(result.table["headcount"].sum()) == 52 + 22 + 16 + 8 + 2
    report = result.report
    assert [(e.reason, e.column, e.count, e.rows) for e in report.exclusions] == [
        ("total row", "Staff group", 5, (2, 3, 4, 11, 12)),
        ("part of a staff group total", "Staff group", 4, (19, 20, 21, 22))]
    assert ("Staff group 'All staff' is the total of 'Clinical', 'Non-clinical' in the same "
            "file: added up, people would be counted twice. In 2 organisation, year and band "
            "groups the parts add up to the total (74 people): the parts were counted and the "
            "5 total rows left out. In 1 group the parts do not add up to the total (RAA 2024, "
            "band 7: parts 14, total 16): the total was counted there and the 4 part rows left "
            "out, so those have no staff-group breakdown.") in report.notes, report.notes


def test_an_all_staff_section_above_its_parts_in_a_wide_template():
    text = (b"Pay band,White,BME,Not stated\n"
            b"All staff,,,\nBand 5,30,20,2\nBand 6,10,5,1\n"
            b"Clinical staff,,,\nBand 5,18,15,1\nBand 6,6,4,1\n"
            b"Non-clinical staff,,,\nBand 5,12,5,1\nBand 6,4,1,0\n")
    result = read_table(text, name="template.csv")
    # 52 + 16 people, once: the sections add up to the All staff section, so they are kept.
    assert int(result.table["headcount"].sum()) == 68
    assert by_group(result.table)[("Clinical", "5", "BME")] == 15
    assert "All staff" not in set(result.table["staff_group"].astype(str))
    assert [(e.reason, e.count, e.rows) for e in result.report.exclusions] == [
        ("heading row", 3, (2, 5, 8)), ("total row", 2, (3, 4))]


def test_a_wres_group_beside_the_esr_groups_it_is_made_of():
    text = (b"Staff group,Band,Ethnicity,Headcount\n"
            b"Clinical,Band 5,White,30\nNursing and midwifery registered,Band 5,White,18\n"
            b"Allied health professionals,Band 5,White,12\n"
            b"Clinical,Band 6,White,9\nNursing and midwifery registered,Band 6,White,4\n"
            b"Allied health professionals,Band 6,White,3\n")
    result = read_table(text, name="groups.csv")
    # Band 5: 18 + 12 = 30, the parts kept (30, not 60); band 6: 4 + 3 = 7 against 9, the
    # total kept (9, not 16).
    assert by_group(result.table) == {("Clinical", "5", "White"): 30,
                                      ("Clinical", "6", "White"): 9}
    assert [(e.reason, e.rows) for e in result.report.exclusions] == [
        ("total row", (2,)), ("part of a staff group total", (6, 7))]


def test_parts_alone_are_added_up_as_before():
    text = (b"Staff group,Band,Ethnicity,Headcount\n"
            b"Nursing and midwifery registered,Band 5,White,18\n"
            b"Allied health professionals,Band 5,White,12\nAdmin and clerical,Band 5,White,7\n")
    result = read_table(text, name="groups.csv")
    assert by_group(result.table) == {("Clinical", "5", "White"): 30,
                                      ("Non-clinical", "5", "White"): 7}
    assert result.report.rows_excluded == 0


def test_one_row_per_person_has_no_totals():
    text = (b"Assignment number,Staff group,Pay band,Ethnic origin\n"
            b"1,All staff,Band 5,A\n2,Clinical,Band 5,A\n3,Nursing and midwifery,Band 5,N\n")
    result = read_table(text, name="staff.csv")
    assert result.layout == "staff"
    assert int(result.table["headcount"].sum()) == 3 and result.report.rows_excluded == 0


RECRUITMENT = ("Staff group,Ethnicity,Applied,Shortlisted,Appointed\n"
               "All staff,White,100,30,10\nAll staff,BME,80,20,4\n"
               "Clinical,White,60,20,7\nClinical,BME,50,12,3\n"
               "Non-clinical,White,40,10,3\nNon-clinical,BME,30,8,{last}\n")


def by_stage(table) -> dict[tuple[str, str, str], int]:
    counts = table.groupby(["staff_group", "stage", "ethnicity"], observed=True)["headcount"].sum()
    return {(str(g), str(s), str(e)): int(n) for (g, s, e), n in counts.items() if n}


def test_recruitment_totals_beside_staff_groups_are_compared_stage_by_stage():
    # Parts add up at every stage (60 + 40 = 100, 50 + 30 = 80, 20 + 10 = 30, 12 + 8 = 20,
    # 7 + 3 = 10, 3 + 1 = 4): the parts are counted, the All staff rows left out.
    result = read_table(RECRUITMENT.format(last=1).encode(), name="recruitment.csv")
    assert by_stage(result.table)[("Clinical", "appointed", "BME")] == 3
    assert int(result.table["headcount"].sum()) == 100 + 80 + 30 + 20 + 10 + 4
    assert [(e.reason, e.rows) for e in result.report.exclusions] == [("total row", (2, 3))]
    assert any("the parts add up to the total (244 counts)" in n for n in result.report.notes)
    # Non-clinical BME appointed 0: parts 3 + 0 = 3 appointed against the total's 4. The
    # total is counted at every stage, and the parts left out.
    result = read_table(RECRUITMENT.format(last=0).encode(), name="recruitment.csv")
    assert by_stage(result.table) == {
        ("All staff", "applied", "White"): 100, ("All staff", "shortlisted", "White"): 30,
        ("All staff", "appointed", "White"): 10, ("All staff", "applied", "BME"): 80,
        ("All staff", "shortlisted", "BME"): 20, ("All staff", "appointed", "BME"): 4}
    assert [(e.reason, e.rows) for e in result.report.exclusions] == [
        ("part of a staff group total", (4, 5, 6, 7))]
    assert any("(ORG year not given, all bands: parts 243, total 244)" in n
               for n in result.report.notes), result.report.notes
