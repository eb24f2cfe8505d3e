"""The workshop pack's PDF, read back with pypdf: content, suppression and page furniture."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from test_disclosure import workforce
from test_exports_xlsx import COUNTS, EVIL, HIDDEN, expected_ratios

from wres_core.analysis import analyse_trust
from wres_core.exports.pack import build_pack, pack_context


@pytest.fixture(scope="module")
def pages() -> list[str]:
    analysis = analyse_trust(workforce(COUNTS, name=EVIL + " (synthetic)"))
    pack = build_pack(pack_context(analysis, data_source="hand-made counts"))
    reader = PdfReader(io.BytesIO(pack.pdf))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5), "A4 width"
    return [page.extract_text() for page in reader.pages]


def test_title_page_names_the_organisation_year_and_source(pages):
    assert EVIL in pages[0] and "2024" in pages[0] and "hand-made counts" in pages[0]


def test_every_page_is_numbered_dated_and_marked_synthetic(pages):
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, number
        assert "SYNTHETIC DATA" in text and "Created " in text, number


def test_every_stage_label_with_its_ratio_or_a_star(pages):
    text = "\n".join(pages)
    lines = text.splitlines()
    for label, ratio in expected_ratios().items():
        row = next(line for line in lines if line.startswith(label + " BME"))
        if label in HIDDEN:
            assert ratio not in row and "*" in row, row
        else:
            assert ratio in row, (row, ratio)


def test_the_issue_example_ratio_is_nowhere(pages):
    # Band 8b -> 8c: (38/87)/(2/10) = 2.18 would solve back to BME = 2.
    text = "\n".join(pages)
    before_appendix = text[:text.index("Appendix: methods in plain words")]
    assert "2.18" not in before_appendix


def test_methods_appendix_and_references(pages):
    text = "\n".join(pages)
    assert "Appendix: methods in plain words" in text
    assert "Woolf B (1955)" in text and "Spiegelhalter" in text
