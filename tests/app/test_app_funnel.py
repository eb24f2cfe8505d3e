"""The funnel page: title and stage table follow the organisation, the numbers in the stage
table equal a calculation from the raw sample CSV done here with plain pandas, and the options
change what is shown."""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pyarrow as pa
import pytest
from apptest_helpers import MESSY_CSV, assert_ok, stage_table, switch, texts

AFC_ORDER = ["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "VSM"]
TIERS = {"lower": AFC_ORDER[:5], "middle": AFC_ORDER[5:7], "upper": AFC_ORDER[7:]}


def shown(ratio: float) -> str:
    """How a ratio is written in the table: 2 decimals, fewer when large."""
    if ratio >= 100:
        return f"{ratio:.0f}"
    if ratio >= 10:
        return f"{ratio:.1f}"
    return f"{ratio:.2f}"


def expected_stages(workforce: pd.DataFrame, recruitment: pd.DataFrame, org: str,
                    year: int) -> dict[str, tuple[int, int, int, int, str]]:
    """Stage label -> (white from, white to, BME from, BME to, ratio as shown), from raw counts.

    Ratio = (White to / White from) / (BME to / BME from); AfC staff are the Clinical and
    Non-clinical rows; band steps join consecutive bands that have staff."""
    rows = workforce[(workforce["org_code"] == org) & (workforce["year"] == year)
                     & workforce["staff_group"].isin(["Clinical", "Non-clinical"])]
    counts = rows.pivot_table(index="band", columns="ethnicity", values="headcount",
                              aggfunc="sum", fill_value=0)
    present = [b for b in AFC_ORDER if b in counts.index and counts.loc[b].sum() > 0]
    out = {}

    def add(label, wf, wt, bf, bt):
        wf, wt, bf, bt = int(wf), int(wt), int(bf), int(bt)
        numerator, denominator = wt * bf, wf * bt
        if denominator:
            ratio = shown(numerator / denominator)
        else:
            ratio = "infinity" if numerator else "not defined"
        out[label] = (wf, wt, bf, bt, ratio)

    for low, high in itertools.pairwise(present):
        label = f"Band {low} to {'VSM' if high == 'VSM' else 'band ' + high}"
        add(label, counts.loc[low, "White"], counts.loc[high, "White"], counts.loc[low, "BME"],
            counts.loc[high, "BME"])
    tier = {name: counts.reindex(bands, fill_value=0)[["White", "BME"]].sum()
            for name, bands in TIERS.items()}
    for a, b, label in (("lower", "middle", "Lower to middle tier (1-5 to 6-7)"),
                        ("middle", "upper", "Middle to upper tier (6-7 to 8a-VSM)"),
                        ("lower", "upper", "Lower to upper tier (1-5 to 8a-VSM)")):
        add(label, tier[a]["White"], tier[b]["White"], tier[a]["BME"], tier[b]["BME"])
    rec = recruitment[(recruitment["org_code"] == org) & (recruitment["year"] == year)]
    stage = rec.pivot_table(index="stage", columns="ethnicity", values="headcount",
                            aggfunc="sum", fill_value=0)
    for a, b, label in (("applied", "shortlisted", "Applied to shortlisted"),
                        ("shortlisted", "appointed", "Shortlisted to appointed")):
        add(label, stage.loc[a, "White"], stage.loc[b, "White"], stage.loc[a, "BME"],
            stage.loc[b, "BME"])
    return out


def shown_stages(at) -> dict[str, tuple[int, int, int, int, str]]:
    table = stage_table(at)
    assert set(table["Group"]) == {"BME"}
    return {r["Stage"]: (int(r["White from"]), int(r["White to"]), int(r["Group from"]),
                         int(r["Group to"]), r["Ratio"]) for r in table.to_dict("records")}


def bottleneck_sentences(at) -> list[str]:
    return [t for t in texts(at.error) + texts(at.warning) + texts(at.success)
            if t.lstrip("*").split(":** ")[-1].startswith(("The bottleneck is", "No band step",
                                                           "There are no "))]


@pytest.mark.parametrize(("org", "year"), [("SYN041", 2024), ("SYN150", 2021)])
def test_stage_table_equals_a_calculation_from_the_raw_csv(app, national_workforce,
                                                           national_recruitment, org, year):
    app.selectbox(key="org_code").set_value(org).run()
    app.selectbox(key="year").set_value(year).run()
    assert_ok(app)
    expected = expected_stages(national_workforce, national_recruitment, org, year)
    assert shown_stages(app) == expected
    if org == "SYN041":
        # The worked example: band 7 to band 8a = (175 / 419) / (11 / 157).
        assert expected["Band 7 to band 8a"] == (419, 175, 157, 11, "5.96")


def test_changing_the_organisation_changes_title_and_table(app, national_workforce):
    names = national_workforce.drop_duplicates("org_code").set_index("org_code")["org_name"]
    first = app.selectbox(key="org_code").value
    before_title, before_table = texts(app.main.title)[0], stage_table(app)
    assert before_title == f"Progression funnel: {names[first]}, 2024".replace(
        "(", "\\(").replace(")", "\\)")
    app.selectbox(key="org_code").set_value("SYN041").run()
    assert_ok(app)
    after_title, after_table = texts(app.main.title)[0], stage_table(app)
    assert after_title == ("Progression funnel: Abbot’s Marrow University Hospitals Trust "
                           "\\(synthetic\\), 2024")
    assert texts(app.main.caption)[0].startswith("SYN041 · North West · Acute · ")
    assert not before_table[["White from", "Ratio"]].equals(after_table[["White from", "Ratio"]])


def test_the_bottleneck_sentence_names_an_adverse_significant_step(app):
    for org in ("SYN001", "SYN041", "SYN100"):
        app.selectbox(key="org_code").set_value(org).run()
        assert_ok(app)
        sentences = bottleneck_sentences(app)
        assert len(sentences) == 1, org
        sentence = sentences[0]
        table = stage_table(app).set_index("Stage")
        if sentence.startswith("The bottleneck is "):
            assert texts(app.error) == [sentence]
            step = sentence.removeprefix("The bottleneck is ").split(":")[0]
            row = table.loc[step[0].upper() + step[1:]]
            assert float(row["Ratio"]) > 1.25 and row["Significant"] == "yes", org
        else:
            assert texts(app.success) == [sentence]


def chart_specs(at) -> list[dict]:
    """Every chart's Vega-Lite spec, with ``rows``: its largest data set (Streamlit sends
    the data apart from the spec, as Arrow)."""
    specs = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]
        spec["rows"] = max(frames, key=len).to_dict("records") if frames else []
        specs.append(spec)
    return specs


def waterfall_spec(at) -> dict:
    found = [spec for spec in chart_specs(at)
             if spec.get("description", "").startswith("The ladder's disparity step by step")]
    assert len(found) == 1, "one waterfall on the page"
    return found[0]


def stage_chart_spec(at) -> dict:
    found = [spec for spec in chart_specs(at)
             if spec.get("description", "").startswith("Ratios of White to ethnic minority")]
    assert len(found) == 1, "one stage chart on the page"
    return found[0]


def chart_rows(spec: dict) -> list[dict]:
    return spec["rows"]


def test_detailed_groups_each_with_its_bottleneck_figures_and_waterfall(app):
    app.selectbox(key="org_code").set_value("SYN041").run()
    app.radio(key="opt_groups").set_value("detailed").run()
    assert_ok(app)
    table = stage_table(app)
    assert set(table["Group"]) == {"Asian", "Black", "Mixed", "Other"}
    assert table.groupby("Group").size().nunique() == 1
    picker = app.segmented_control(key="funnel_group")
    assert picker.options == ["Asian", "Black", "Mixed", "Other"]
    assert picker.value == "Asian"
    waterfalls = {}
    for group in ("Asian", "Black", "Mixed", "Other"):
        app.segmented_control(key="funnel_group").set_value(group).run()
        assert_ok(app)
        sentences = bottleneck_sentences(app)
        assert [s.split(":**")[0].lstrip("*") for s in sentences] == [group], sentences
        # The waterfall is this group's: its title and its steps' ratios are the table's.
        spec = waterfall_spec(app)
        assert f"White vs {group}" in json.dumps(spec["layer"][1]["encoding"]["x"])
        rows = chart_rows(spec)
        group_table = table[table["Group"] == group].set_index("Stage")
        for row in rows:
            assert row["ratio_text"] == group_table.loc[row["label"], "Ratio"], (group, row)
        waterfalls[group] = [r["ratio_text"] for r in rows]
        # The stage chart shows this group's stages only.
        groups_drawn = {r["comparison"] for r in chart_rows(stage_chart_spec(app))}
        assert groups_drawn == {group}
        # The headline figures are this group's tier ratio (the lead's headline_figures).
        metrics = {m.label: m.value for m in app.metric}
        tier = group_table.loc["Lower to upper tier (1-5 to 8a-VSM)", "Ratio"]
        assert tier in metrics.values(), (group, metrics)
    assert len({tuple(v) for v in waterfalls.values()}) == 4, "four different waterfalls"
    # The group picked last is still shown after a visit to another page.
    switch(app, "peers")
    switch(app, "funnel")
    assert app.segmented_control(key="funnel_group").value == "Other"
    assert bottleneck_sentences(app)[0].startswith("**Other:**")


def test_the_bottleneck_is_marked_on_the_stage_chart_and_the_waterfall(app):
    app.selectbox(key="org_code").set_value("SYN041").run()
    assert_ok(app)
    sentence = bottleneck_sentences(app)[0]
    assert sentence.startswith("The bottleneck is band 7 to band 8a")  # README's example
    stage_rows = [r for r in chart_rows(stage_chart_spec(app)) if r["is_bottleneck"]]
    assert [r["display_label"] for r in stage_rows] == ["Band 7 to band 8a (bottleneck)"]
    step_rows = [r for r in chart_rows(waterfall_spec(app)) if r["is_bottleneck"]]
    assert [r["display_label"] for r in step_rows] == ["Band 7 to band 8a (bottleneck)"]


def test_exact_interval_method_changes_the_method_column(app):
    app.selectbox(key="org_code").set_value("SYN041").run()
    before = stage_table(app)["Interval method"]
    assert before.str.startswith("log").sum() >= 10
    app.selectbox(key="opt_ci").set_value("exact").run()
    assert_ok(app)
    after = stage_table(app)["Interval method"]
    assert not after.str.startswith("log").any()
    assert set(after) <= {"exact (conditional)", "score (Koopman)"}
    assert (after != before).sum() >= 10


def test_download_buttons_on_funnel_and_peers(app):
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Funnel chart (PNG)", "Funnel chart (SVG)", "Stage chart (PNG)",
                      "Stage chart (SVG)", "Band-step chart (PNG)", "Band-step chart (SVG)",
                      "Download the stage table (CSV)"]
    switch(app, "peers")
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Funnel plot (PNG)", "Funnel plot (SVG)", "Every-stage chart (PNG)",
                      "Every-stage chart (SVG)", "Download the peer comparison (CSV)"]


def test_a_zero_count_step_beyond_chance_is_amber_and_labelled_on_the_chart(uploaded_app):
    # The messy file's trust: band 5 has 20 ethnic minority staff, band 6 none.
    at = uploaded_app({"messy.csv": MESSY_CSV})
    warnings = [t for t in texts(at.main.warning) if t.startswith("There are no ")]
    assert len(warnings) == 1, texts(at.main.warning)
    assert warnings[0].startswith("There are no ethnic minority staff at band 6, against 20 at "
                                  "band 5")
    assert not texts(at.main.error)
    labels = [r["display_label"] for r in chart_rows(stage_chart_spec(at))]
    assert "Band 5 to band 6 (zero count, beyond chance)" in labels
    assert not any("(bottleneck)" in label for label in labels)
