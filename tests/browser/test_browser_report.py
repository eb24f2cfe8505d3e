"""The Report page in Chromium: build the workshop pack, download the PDF and the workbook,
and read them back. Screenshots at 1400x1000 and at the projector's 1280x720."""

from __future__ import annotations

import csv
import io

import openpyxl
from pypdf import PdfReader
from test_browser_app import ARTIFACTS, EXCEPTION, MAIN, settle, shot


def test_download_the_workshop_pack(server, page):
    since = server.log_size()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(server.url)
    settle(page)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Workshop pack").click()
    page.locator(f"{MAIN} h1", has_text="Workshop pack").first.wait_for()
    settle(page)
    text = page.locator(MAIN).inner_text()
    assert "What the pack will hide" in text
    page.get_by_role("button", name="Build the workshop pack").click()
    page.get_by_text("The workshop pack is ready.").wait_for(timeout=60_000)
    settle(page)
    assert page.locator(EXCEPTION).count() == 0
    shot(page, "report-1400x1000")
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Download the PDF").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename.startswith("wres_pack_") and pdf.suggested_filename.endswith(
        ".pdf")
    data = pdf.path().read_bytes()
    reader = PdfReader(io.BytesIO(data))
    first = reader.pages[0].extract_text()
    assert "SYNTHETIC DATA" in first and "(synthetic)" in first
    (ARTIFACTS / pdf.suggested_filename).write_bytes(data)
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Download the Excel workbook").click()
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    assert workbook.sheetnames[0] == "README" and "Stages" in workbook.sheetnames
    page.set_viewport_size({"width": 1280, "height": 720})
    settle(page)
    shot(page, "report-1280x720")
    assert not server.errors(since)


def test_funnel_page_downloads_are_protected(server, page):
    """The stage table CSV and the stage chart PNG from the funnel page, as a user gets them."""
    since = server.log_size()
    page.goto(server.url)
    settle(page)
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download the stage table (CSV)").click()
    text = csv_download.value.path().read_text(encoding="utf-8-sig")
    header, *rows = text.splitlines()
    columns = header.split(",")
    assert "ratio" in columns and rows
    for row in csv.reader(rows):
        record = dict(zip(columns, row))
        counts = [record[c] for c in ("white_from", "white_to", "bme_from", "bme_to")]
        if "*" in counts:
            assert record["ratio"] == "*" and record["ci_low"] == "*", record["stage_id"]
    with page.expect_download() as png_download:
        page.get_by_role("button", name="Stage chart (PNG)").click()
    assert png_download.value.path().read_bytes().startswith(b"\x89PNG")
    assert page.locator(EXCEPTION).count() == 0
    assert not server.errors(since)
