"""The peers page: every kind of peer group renders, and the summary sentence names the peers
counted here from the raw sample CSV."""

from __future__ import annotations

import json

import pytest
from apptest_helpers import assert_ok, switch, texts

TRUST, YEAR = "SYN041", 2024


def summary(at) -> str:
    sentences = [t for t in texts(at.main.markdown) if t.startswith("Compared with")]
    assert len(sentences) == 1
    return sentences[0].replace("\\", "")


@pytest.fixture
def peers(app):
    app.selectbox(key="org_code").set_value(TRUST).run()
    return switch(app, "peers")


def test_every_peer_group_kind_renders(peers, national_workforce):
    orgs = national_workforce[national_workforce["year"] == YEAR].drop_duplicates("org_code")
    me = orgs.set_index("org_code").loc[TRUST]
    assert (me["org_type"], me["region"]) == ("Acute", "North West")
    same_type = int((orgs["org_type"] == me["org_type"]).sum())
    same_region = int((orgs["region"] == me["region"]).sum())
    both = int(((orgs["org_type"] == me["org_type"]) & (orgs["region"] == me["region"])).sum())
    expected = {
        "type": f"Compared with {same_type} acute trusts (synthetic, fictional trusts), ",
        "region": f"Compared with {same_region} trusts in North West (synthetic, fictional ",
        "type_region": f"Compared with {both} acute trusts in North West (synthetic, ",
        "size": "Compared with the 20 trusts nearest in size (AfC headcount) (synthetic, ",
        "diversity": "Compared with the 20 trusts nearest in BME share of AfC staff (synthetic",
        "all": f"Compared with all {len(orgs)} trusts (synthetic, fictional trusts), ",
    }
    assert peers.selectbox(key="peer_kind").value == "type"
    for kind, start in expected.items():
        peers.selectbox(key="peer_kind").set_value(kind).run()
        assert_ok(peers)
        sentence = summary(peers)
        assert sentence.startswith(start), (kind, sentence)
        assert "Abbot’s Marrow University Hospitals Trust (synthetic)" in sentence
        assert texts(peers.main.caption)[0] == (
            f"Peers from the bundled synthetic national sample, {YEAR}.")
        assert [b.proto.label for b in peers.get("download_button")][-1] == (
            "Download the peer comparison (CSV)")
    # A custom group with no trusts chosen is too small: the page says so and compares nothing.
    peers.selectbox(key="peer_kind").set_value("custom").run()
    assert_ok(peers)
    assert "Only 1 trust in this peer group" in " ".join(texts(peers.main.warning))
    assert not [t for t in texts(peers.main.markdown) if t.startswith("Compared with")]


def test_custom_group_and_nearest_k(peers):
    peers.selectbox(key="peer_kind").set_value("custom").run()
    peers.multiselect(key="peer_custom").select("SYN002").select("SYN003").select("SYN004")
    peers.run()
    assert summary(assert_ok(peers)).startswith("Compared with 4 chosen trusts")
    peers.selectbox(key="peer_kind").set_value("size").run()
    peers.slider(key="peer_k").set_value(7).run()
    assert summary(assert_ok(peers)).startswith("Compared with the 7 trusts nearest in size")


def test_stage_choice_and_unadjusted_limits(peers):
    peers.selectbox(key="peer_stage").set_value(("band:7-8a", "BME")).run()
    caption = texts(assert_ok(peers).main.caption)[1].replace("\\", "")
    # The same 5.96 as the funnel page's stage table (checked there against the raw CSV).
    assert caption.startswith("Compared with 122 acute trusts (synthetic), ")
    assert "band 7 to band 8a" in caption and "5.96" in caption
    peers.toggle(key="peer_adjust").set_value(False).run()
    caption = texts(assert_ok(peers).main.caption)[1].replace("\\", "")
    assert "band 7 to band 8a" in caption and "5.96" in caption


def test_headcount_axis(peers):
    peers.radio(key="peer_x_axis").set_value("headcount").run()
    assert_ok(peers)


def shown_in_box(selectbox) -> str:
    """The option the browser shows: the value the script sent, else the default index."""
    proto = selectbox.proto
    return proto.raw_value if proto.set_value else proto.options[proto.default]


def funnel_title(at) -> str:
    titles = [json.loads(chart.proto.spec).get("title", "") for chart in at.get("vega_lite_chart")]
    funnels = [t for t in titles if isinstance(t, str) and ": funnel plot" in t]
    assert len(funnels) == 1, titles
    return funnels[0].split(": funnel plot")[0]


def funnel_caption(at) -> str:
    captions = [t.replace("\\", "") for t in texts(at.main.caption)]
    return next(t for t in captions if "the trust's ratio for" in t)


def assert_box_chart_caption_agree(at) -> str:
    shown = shown_in_box(at.selectbox(key="peer_stage"))
    assert funnel_title(at) == shown
    stage = shown[0].lower() + shown[1:]
    assert f"the trust's ratio for {stage} is" in funnel_caption(at), funnel_caption(at)
    return shown


def test_stage_box_chart_and_caption_agree_after_the_group_changes(app):
    # SYN001 (the first trust): its default stage against acute trusts is band 2 to band 3,
    # against the list below it is the lower-to-upper tier; the box once showed the new
    # default while the chart kept the old one.
    at = switch(app, "peers")
    assert assert_box_chart_caption_agree(at) == "Band 2 to band 3"
    at.selectbox(key="peer_kind").set_value("custom").run()
    at.multiselect(key="peer_custom").select("SYN002").select("SYN003").run()
    assert_ok(at)
    assert assert_box_chart_caption_agree(at) == "Band 2 to band 3"
    # A stage chosen by hand stays chosen, and described, when the group changes again.
    at.selectbox(key="peer_stage").set_value(("band:7-8a", "BME")).run()
    assert assert_box_chart_caption_agree(assert_ok(at)) == "Band 7 to band 8a"
    for kind in ("region", "all", "type"):
        at.selectbox(key="peer_kind").set_value(kind).run()
        assert assert_box_chart_caption_agree(assert_ok(at)) == "Band 7 to band 8a", kind
