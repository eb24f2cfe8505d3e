"""``python -m wres_core report``: writes the workshop pack, exits 2 on a bad file or trust."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader
from test_disclosure import workforce
from test_exports_xlsx import COUNTS, EVIL

from wres_core.cli import main


def small_file(tmp_path) -> str:
    frame = workforce(COUNTS, name=EVIL)
    path = tmp_path / "trust.csv"
    frame.assign(band=frame["band"].astype(str)).to_csv(path, index=False)
    return str(path)


def test_report_writes_the_pdf_and_the_workbook_and_prints_their_paths(tmp_path, capsys):
    out = tmp_path / "packs"
    code = main(["report", small_file(tmp_path), "--out", str(out)])
    printed = capsys.readouterr().out.split()
    assert code == 0
    assert printed == [str(out / "wres_pack_T1_2024.pdf"), str(out / "wres_pack_T1_2024.xlsx")]
    text = PdfReader(io.BytesIO((out / "wres_pack_T1_2024.pdf").read_bytes())).pages[0]
    assert EVIL in text.extract_text()
    workbook = openpyxl.load_workbook(out / "wres_pack_T1_2024.xlsx")
    stages = {row[0]: row for row in workbook["Stages"].iter_rows(values_only=True)}
    assert stages["Band 8b to band 8c"][9] == "*", "suppressed by default (counts 1-7)"


def test_suppress_zero_exports_exact_counts(tmp_path, capsys):
    out = tmp_path / "exact"
    assert main(["report", small_file(tmp_path), "--suppress", "0", "--out", str(out)]) == 0
    workbook = openpyxl.load_workbook(out / "wres_pack_T1_2024.xlsx")
    stages = {row[0]: row for row in workbook["Stages"].iter_rows(values_only=True)}
    # (38 / 87) / (2 / 10) = 2.18, written as the app writes it.
    assert stages["Band 8b to band 8c"][8] == 2 and stages["Band 8b to band 8c"][9] == 2.18


def test_a_bad_file_exits_2_with_the_ingest_message(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    code = main(["report", str(bad), "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "bad.csv" in err and "band column" in err
    assert not (tmp_path / "x").exists(), "nothing written"


def test_an_unknown_organisation_exits_2(tmp_path, capsys):
    code = main(["report", small_file(tmp_path), "--org", "NOPE", "--out", str(tmp_path)])
    assert code == 2 and "NOPE" in capsys.readouterr().err
