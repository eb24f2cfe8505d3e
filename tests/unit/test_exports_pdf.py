"""The workshop pack's PDF, read back with pypdf: content, suppression and page furniture."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from test_disclosure import workforce
from test_exports_xlsx import COUNTS, EVIL, HIDDEN, expected_ratios

from wres_core.analysis import analyse_trust
from wres_core.exports import images
from wres_core.exports.pack import build_pack, pack_context
from wres_core.exports.protected import protect


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


def test_exported_chart_images_leave_hidden_figures_out():
    analysis = analyse_trust(workforce(COUNTS, name="Small trust"))
    protected = protect(analysis)
    stage = images.protected_stage_chart(protected)
    data = [row for rows in stage.to_dict()["datasets"].values() for row in rows]
    labels = {row.get("label") for row in data}
    assert "Band 8b to band 8c" not in labels and "Band 7 to band 8a" in labels
    funnel = images.protected_funnel_chart(protected)
    rows = [row for rows in funnel.to_dict()["datasets"].values() for row in rows]
    shares = {row["band"]: row.get("bme_share") for row in rows if "share_text" in row}
    assert shares["Band 8c"] is None, "no share point resting on band 8c's 2 BME staff"
    assert shares["Band 5"] is not None
    png = images.chart_png(stage)
    assert png.startswith(b"\x89PNG") and images.chart_svg(stage).startswith(b"<svg")
    assert images.protected_waterfall_chart(protected) is None, "its shares are hidden"
