"""The workshop pack's Excel workbook, opened with openpyxl: content, suppression, no formula.

Ratios are recomputed here from the hand-made counts: (White to / White from) /
(BME to / BME from), written as the app writes them (2 decimals below 10, 1 below 100).
"""

from __future__ import annotations

import io
import itertools

import openpyxl
import pytest
from test_disclosure import workforce

from wres_core.analysis import analyse_trust
from wres_core.exports.pack import pack_context
from wres_core.exports.xlsx import workbook_bytes

EVIL = '=HYPERLINK("http://x")'
COUNTS = {"5": (400, 200, 20), "6": (300, 120, 15), "7": (200, 60, 10), "8a": (120, 20, 9),
          "8b": (87, 10, 8), "8c": (38, 2, 9), "9": (20, 9, 3)}
LABELS = {("5", "6"): "Band 5 to band 6", ("6", "7"): "Band 6 to band 7",
          ("7", "8a"): "Band 7 to band 8a", ("8a", "8b"): "Band 8a to band 8b",
          ("8b", "8c"): "Band 8b to band 8c", ("8c", "9"): "Band 8c to band 9"}
# Stages resting on a count from 1 to 7 (8c's 2), or on band 9's 9, hidden so that the upper
# tier's 41 cannot give the 2 back: worked by hand.
HIDDEN = {"Band 8b to band 8c", "Band 8c to band 9"}


def shown(ratio: float) -> str:
    return f"{ratio:.1f}" if ratio >= 10 else f"{ratio:.2f}"


def expected_ratios() -> dict[str, str]:
    out = {}
    for low, high in itertools.pairwise(COUNTS):
        (wf, bf, _), (wt, bt, _) = COUNTS[low], COUNTS[high]
        out[LABELS[(low, high)]] = shown((wt / wf) / (bt / bf))
    return out


@pytest.fixture(scope="module")
def workbook():
    analysis = analyse_trust(workforce(COUNTS, name=EVIL))
    data = workbook_bytes(pack_context(analysis, data_source=f"{EVIL}.csv"))
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(sheet, header: str) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(values) if row[0] == header)
    heads = values[start]
    return [dict(zip(heads, row)) for row in values[start + 1:]]


def test_one_sheet_per_table_after_a_readme(workbook):
    assert workbook.sheetnames[0] == "README"
    for name in ("Representation", "Stages", "Bottleneck", "Band steps", "Peers",
                 "Data quality", "Methods"):
        assert name in workbook.sheetnames, name
    readme = {r["Item"]: r["Value"] for r in rows(workbook["README"], "Item")}
    assert "Sheet: Stages" in readme and "Disclosure control" in readme


def test_no_formula_anywhere_and_the_evil_name_is_inert(workbook):
    texts = []
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (
                        sheet.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    assert any(t.startswith("'" + EVIL) for t in texts), "organisation name kept, as text"


def test_every_stage_label_and_ratio_as_displayed(workbook):
    stages = {r["Stage"]: r for r in rows(workbook["Stages"], "Stage") if r["Stage"]}
    for label, ratio in expected_ratios().items():
        if label in HIDDEN:
            assert stages[label]["Ratio"] == "*", label
        else:
            assert isinstance(stages[label]["Ratio"], float), "numbers stored as numbers"
            assert shown(stages[label]["Ratio"]) == ratio, label


def test_no_exported_ratio_or_interval_rests_on_a_suppressed_count(workbook):
    for row in rows(workbook["Stages"], "Stage"):
        counts = [row["White from"], row["White to"], row["Group from"], row["Group to"]]
        if "*" in counts:
            assert (row["Ratio"], row["CI low"], row["CI high"], row["Adjusted p"]) == (
                "*", "*", "*", "*"), row["Stage"]
    band = {r["Band or grade"]: r for r in rows(workbook["Representation"], "Band or grade")}
    assert band["Band 8c"]["BME"] == "*" and band["Band 8c"]["BME share of known"] == "*"
    assert band["Band 5"]["White"] == 400 and isinstance(band["Band 5"]["BME share of known"],
                                                         float)


def test_header_rows_frozen_and_columns_sized(workbook):
    sheet = workbook["Stages"]
    header = next(cell.row for cell in sheet["A"] if cell.value == "Stage")
    assert sheet.freeze_panes == f"A{header + 1}", "frozen just below the header row"
    assert all(cell.font.bold for cell in sheet[header] if cell.value)
    assert sheet.column_dimensions["A"].width >= len("Lower to upper tier (1-5 to 8a-VSM)")


def test_csv_exports_neutralise_formula_text_and_keep_numbers():
    import csv

    from wres_core.reports import stage_table_csv

    analysis = analyse_trust(workforce(COUNTS, name=EVIL))
    table = analysis.stage_table.assign(org_code=EVIL, label="@SUM(A1:A9)")
    text = stage_table_csv(table).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["org_code"] for r in rows} == {"'" + EVIL}
    assert {r["label"] for r in rows} == {"'@SUM(A1:A9)"}
    assert rows[0]["white_from"] == "400", "numbers are not prefixed"
