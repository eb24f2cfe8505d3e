"""Tests for wres_core.peers: who is in each peer group, and the trust against its peers.

Membership, medians, quartiles, ranks, percentiles and pooled ratios are recomputed here from
the bundled sample CSV files with plain pandas.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from wres_core.analysis import analyse_dataset
from wres_core.bands import AFC_BANDS
from wres_core.ingest import load_dataset
from wres_core.peers import (
    PEER_COLUMNS,
    PEER_GROUP_KINDS,
    PeerUniverse,
    peer_comparison,
    peer_group,
    verdict_phrase,
)

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
TRUST, YEAR = "SYN041", 2024


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The national workforce file as plain text columns (no ingest)."""
    return pd.read_csv(SAMPLE / "national_workforce.csv", dtype={"band": str})


@pytest.fixture(scope="module")
def dataset():
    return load_dataset([SAMPLE / "national_workforce.csv", SAMPLE / "national_recruitment.csv"])


@pytest.fixture(scope="module")
def results(dataset):
    return analyse_dataset(dataset.workforce, dataset.recruitment)


@pytest.fixture(scope="module")
def universe(results) -> PeerUniverse:
    return PeerUniverse.from_results(results, synthetic=True, source="sample national file")


def organisations(raw: pd.DataFrame) -> pd.DataFrame:
    year = raw[raw["year"] == YEAR]
    return year.drop_duplicates("org_code").set_index("org_code")[["org_type", "region"]]


def afc_figures(raw: pd.DataFrame) -> pd.DataFrame:
    afc = raw[(raw["year"] == YEAR) & raw["band"].isin(AFC_BANDS)]
    wide = afc.pivot_table(index="org_code", columns="ethnicity", values="headcount",
                           aggfunc="sum", fill_value=0)
    return pd.DataFrame({"total": wide.sum(axis=1),
                         "bme_share": wide["BME"] / (wide["BME"] + wide["White"])})


# --- membership -------------------------------------------------------------------------------


def test_kind_groups_have_exactly_the_right_members(universe, raw):
    orgs = organisations(raw)
    me = orgs.loc[TRUST]
    expected = {
        "type": set(orgs.index[orgs["org_type"] == me["org_type"]]),
        "region": set(orgs.index[orgs["region"] == me["region"]]),
        "type_region": set(orgs.index[(orgs["org_type"] == me["org_type"])
                                      & (orgs["region"] == me["region"])]),
        "all": set(orgs.index),
    }
    assert len(expected["all"]) == 215 and len(expected["type"]) == 122
    for kind, members in expected.items():
        group = peer_group(universe, TRUST, YEAR, kind)
        assert set(group.codes) == members, (kind, set(group.codes) ^ members)
        assert len(group.codes) == len(members), f"{kind}: no duplicates"
        assert TRUST in group.codes and group.org_code == TRUST and group.year == YEAR
    assert peer_group(universe, TRUST, YEAR, "type").description == "122 acute trusts"
    assert peer_group(universe, TRUST, YEAR, "region").description.endswith(
        f"trusts in {me['region']}")


@pytest.mark.parametrize(("kind", "column", "log"), [("size", "total", True),
                                                     ("diversity", "bme_share", False)])
def test_nearest_groups_are_the_k_nearest_including_the_trust(universe, raw, kind, column,
                                                              log):
    figures = afc_figures(raw)[column].astype(float)
    values = np.log(figures) if log else figures
    distance = (values - values[TRUST]).abs()
    for k in (5, 20):
        group = peer_group(universe, TRUST, YEAR, kind, k=k)
        assert len(group.codes) == k and group.codes[0] == TRUST, group.codes
        chosen = distance[list(group.codes)]
        others = distance.drop(list(group.codes))
        assert chosen.max() <= others.min(), (
            f"{kind} k={k}: a trust outside the group is nearer than one inside")
    assert "nearest in" in peer_group(universe, TRUST, YEAR, kind).description


def test_custom_group_keeps_the_trust_and_names_codes_not_found(universe):
    group = peer_group(universe, TRUST, YEAR, "custom", custom=("SYN001", "NOPE", "SYN002",
                                                                "SYN001"))
    assert group.codes == (TRUST, "SYN001", "SYN002"), group.codes
    assert "NOPE" in group.note and "Not found for 2024" in group.note, group.note
    tiny = peer_group(universe, TRUST, YEAR, "custom", custom=("SYN001",))
    assert "too few for a fair comparison" in tiny.note, tiny.note


def test_bad_kind_and_missing_trust_are_rejected(universe):
    assert set(PEER_GROUP_KINDS) == {"type", "region", "type_region", "size", "diversity",
                                     "all", "custom"}
    with pytest.raises(ValueError, match="Peer group must be one of"):
        peer_group(universe, TRUST, YEAR, "county")
    with pytest.raises(KeyError, match="no AfC data for 2019"):
        peer_group(universe, TRUST, 2019, "type")
    with pytest.raises(KeyError, match="not among the peers"):
        peer_group(universe, "XYZ", YEAR, "type")


# --- comparison -------------------------------------------------------------------------------


def quantile7(values: np.ndarray, q: float) -> float:
    """R type 7 by hand, with infinities handled as limits."""
    v = np.sort(values)
    h = (len(v) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(v) - 1)
    if h == lo or v[lo] == v[hi]:
        return float(v[lo])
    return float(v[lo] + (h - lo) * (v[hi] - v[lo]))


def test_comparison_figures_match_an_independent_calculation(universe, results):
    group = peer_group(universe, TRUST, YEAR, "type")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = peer_comparison(universe, group)
    assert list(table.columns) == list(PEER_COLUMNS)
    stages = results.stages
    mine = stages[(stages["org_code"] == TRUST) & (stages["year"] == YEAR)]
    assert len(table) == len(mine), "one row per stage of the trust"
    peers = stages[(stages["year"] == YEAR) & stages["org_code"].isin(group.codes)]
    for row in table.to_dict("records"):
        rows = peers[(peers["stage_id"] == row["stage_id"])
                     & (peers["comparison"] == row["comparison"])]
        ratios = rows["ratio"].to_numpy(dtype=float)
        defined = ratios[~np.isnan(ratios)]
        own = float(rows.loc[rows["org_code"] == TRUST, "ratio"].iloc[0])
        label = row["stage_id"]
        assert row["n"] == len(rows), label
        if np.isfinite(defined).all():
            assert row["median"] == pytest.approx(float(np.median(defined)), rel=1e-12), label
            assert row["q1"] == pytest.approx(float(pd.Series(defined).quantile(0.25)),
                                              rel=1e-12), label
            assert row["q3"] == pytest.approx(float(pd.Series(defined).quantile(0.75)),
                                              rel=1e-12), label
        else:
            for name, q in (("median", 0.5), ("q1", 0.25), ("q3", 0.75)):
                assert row[name] == quantile7(defined, q), (label, name)
        assert row["rank"] == 1 + int((defined > own).sum()), label
        assert row["percentile"] == pytest.approx(100 * (defined < own).sum() / len(defined)), (
            label)
        wt, wf, bt, bf = (rows[c].sum() for c in ("white_to", "white_from", "bme_to",
                                                  "bme_from"))
        assert row["pooled"] == pytest.approx((wt / wf) / (bt / bf), rel=1e-12), label
        assert row["ratio"] == own or (math.isnan(own) and math.isnan(row["ratio"]))


def test_verdicts_agree_with_the_funnel_limits(universe, results):
    checked = 0
    seen = set()
    stages = results.stages
    cases = [(TRUST, kind) for kind in ("type", "region")] + [
        (code, "all") for code in (TRUST, "SYN001", "SYN017", "SYN090", "SYN150", "SYN200")]
    for code, kind in cases:
        group = peer_group(universe, code, YEAR, kind)
        table = peer_comparison(universe, group)
        for row in table.to_dict("records"):
            ratio, verdict = row["ratio"], row["verdict"]
            if verdict == "not assessed (zero cell)":
                assert not np.isfinite(ratio) or ratio == 0, row
                continue
            if verdict == "not assessed (fewer than 2 organisations)":
                peers = stages[(stages["year"] == YEAR) & stages["org_code"].isin(group.codes)
                               & (stages["stage_id"] == row["stage_id"])
                               & (stages["comparison"] == row["comparison"])]
                usable = (peers[["white_to", "white_from", "bme_to", "bme_from"]] > 0).all(
                    axis=1)
                assert usable.sum() < 2, (row["stage_id"], usable.sum())
                continue
            checked += 1
            assert row["low998"] < row["low95"] < row["target"] < row["high95"] < row["high998"]
            expected = ("strongly higher" if ratio > row["high998"] else
                        "significantly higher" if ratio > row["high95"] else
                        "strongly lower" if ratio < row["low998"] else
                        "significantly lower" if ratio < row["low95"] else "similar")
            assert verdict == expected, (code, kind, row["stage_id"], ratio, row["low95"],
                                         row["high95"], verdict)
            seen.add(verdict)
    assert checked > 60, checked
    assert {"similar", "significantly higher", "significantly lower"} <= seen, seen


def test_limits_are_built_from_the_target_and_the_trusts_standard_error(universe, results):
    group = peer_group(universe, TRUST, YEAR, "type")
    row = peer_comparison(universe, group).set_index("stage_id").loc["band:5-6"]
    stages = results.stages
    peers = stages[(stages["year"] == YEAR) & stages["org_code"].isin(group.codes)
                   & (stages["stage_id"] == "band:5-6")]
    cells = peers[["white_to", "white_from", "bme_to", "bme_from"]].to_numpy(dtype=float)
    usable = (cells > 0).all(axis=1)
    y = np.log(peers["ratio"].to_numpy()[usable])
    s = np.sqrt((1 / cells[usable]).sum(axis=1))
    w = 1 / s**2
    assert row["target"] == pytest.approx(math.exp((w * y).sum() / w.sum()), rel=1e-10)
    own = peers["org_code"].to_numpy()[usable] == TRUST
    s_own = float(s[own][0])
    for level, low, high in ((0.95, "low95", "high95"), (0.998, "low998", "high998")):
        z = {0.95: 1.959964, 0.998: 3.090232}[level]
        half = z * math.sqrt(s_own**2 + row["tau2"])
        assert row[low] == pytest.approx(row["target"] * math.exp(-half), rel=1e-10), low
        assert row[high] == pytest.approx(row["target"] * math.exp(half), rel=1e-10), high
    assert stats.norm.ppf(0.975) == pytest.approx(1.959964, abs=1e-6)


def test_sentences_say_when_peers_are_synthetic(results):
    for synthetic, flagged in ((True, True), (False, False)):
        universe = PeerUniverse.from_results(results, synthetic=synthetic, source="x")
        table = peer_comparison(universe, peer_group(universe, TRUST, YEAR, "type"))
        compared = table[~table["verdict"].str.startswith("not assessed")]
        assert len(compared), "some stages are compared"
        has_flag = compared["sentence"].str.contains("122 acute trusts (synthetic)", regex=False)
        assert has_flag.all() if flagged else not has_flag.any(), compared["sentence"].iloc[0]
        assert compared["sentence"].str.contains("1 = most adverse)", regex=False).all()


def test_with_trust_replaces_an_organisation_with_the_same_code(universe, dataset):
    workforce = dataset.workforce[(dataset.workforce["org_code"] == TRUST)
                                  & (dataset.workforce["year"] == YEAR)].copy()
    workforce["org_name"] = workforce["org_name"].astype("string").str.replace(
        "(synthetic)", "(uploaded)")
    workforce["org_type"] = "Community"
    # Double the BME staff in band 8a: the trust's own 7 -> 8a ratio halves.
    more = (workforce["band"] == "8a") & (workforce["ethnicity"] == "BME")
    workforce.loc[more, "headcount"] *= 2
    own = analyse_dataset(workforce)
    merged = universe.with_trust(own, TRUST, YEAR)
    rows = merged.organisations[merged.organisations["org_code"] == TRUST]
    assert len(rows) == 1 and rows.iloc[0]["org_name"].endswith("(uploaded)"), rows
    assert len(merged.organisations) == len(universe.organisations)
    mine = merged.stages[merged.stages["org_code"] == TRUST]
    assert set(mine["year"]) == {YEAR} and set(mine["kind"]) == {"band", "tier"}, (
        "the uploaded trust-year only, no recruitment of the old one")
    before = universe.stages[(universe.stages["org_code"] == TRUST)
                             & (universe.stages["year"] == YEAR)].set_index("stage_id")
    after = mine.set_index("stage_id")
    assert after.loc["band:7-8a", "ratio"] == pytest.approx(before.loc["band:7-8a", "ratio"]
                                                            / 2, rel=1e-12)
    others = merged.stages[merged.stages["org_code"] != TRUST]
    assert len(others) == (universe.stages["org_code"] != TRUST).sum()
    group = peer_group(merged, TRUST, YEAR, "type")
    assert group.description.endswith("community trusts"), "the uploaded type is used"
    table = peer_comparison(merged, group).set_index("stage_id")
    assert table.loc["band:7-8a", "ratio"] == after.loc["band:7-8a", "ratio"]


def test_zero_sums_and_infinite_ratios_do_not_break_the_comparison(universe, results):
    # Band 9 to VSM has many zero cells across trusts; a tiny custom group can sum to zero.
    stages = results.stages
    vsm = stages[(stages["year"] == YEAR) & (stages["stage_id"] == "band:9-vsm")]
    no_bme = vsm[(vsm["bme_from"] == 0) & (vsm["bme_to"] == 0)]["org_code"].tolist()
    infinite = vsm[np.isinf(vsm["ratio"])]["org_code"].tolist()
    assert len(no_bme) >= 2 and len(infinite) >= 2, (len(no_bme), len(infinite))
    group = peer_group(universe, no_bme[0], YEAR, "custom", custom=tuple(no_bme[1:3]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = peer_comparison(universe, group).set_index("stage_id")
        row = table.loc["band:9-vsm"]
        assert math.isnan(row["pooled"]) and pd.isna(row["rank"]), row
        assert str(table["rank"].dtype) == "Int64"
        many = peer_group(universe, infinite[0], YEAR, "custom", custom=tuple(infinite[1:4]))
        row = peer_comparison(universe, many).set_index("stage_id").loc["band:9-vsm"]
        assert math.isinf(row["median"]) and row["rank"] == 1, row


def test_with_attributes_sets_one_organisations_type_and_region(universe):
    changed = universe.with_attributes(TRUST, org_type="Community", region="London")
    orgs = changed.organisations.set_index("org_code")
    assert (orgs.loc[TRUST, "org_type"], orgs.loc[TRUST, "region"]) == ("Community", "London")
    others = universe.organisations.set_index("org_code").drop(index=TRUST)
    assert orgs.drop(index=TRUST).equals(others), "no other organisation changes"
    group = peer_group(changed, TRUST, YEAR, "type_region")
    members = orgs.loc[list(group.codes)]
    assert (members["org_type"] == "Community").all() and (members["region"] == "London").all()


# The case: a ratio of 2.42 against a 99.8% limit of 2.34 is 3.4% beyond it, so
# "above", never "well above"; 2.50 is 6.8% beyond it (2.50 / 2.34 = 1.068), so "well above".
@pytest.mark.parametrize(("verdict", "ratio", "starts"), [
    ("strongly higher", 2.42, "above the upper 99.8% limit of its peers (2.34)"),
    ("strongly higher", 2.45, "above the upper 99.8% limit"),     # 2.45 / 2.34 = 1.047
    ("strongly higher", 2.50, "well above the upper 99.8% limit of its peers (2.34)"),
    ("significantly higher", 2.0, "above the upper 95% limit of its peers (1.90), within"),
    ("strongly lower", 0.43, "below the lower 99.8% limit of its peers (0.45)"),  # 0.45/0.43=1.047
    ("strongly lower", 0.40, "well below the lower 99.8% limit"),              # 0.45/0.40=1.125
    ("significantly lower", 0.5, "below the lower 95% limit of its peers (0.55), within"),
    ("similar", 1.2, "in line with its peers (within the 95% limits)"),
])
def test_verdict_phrase_follows_the_limits_exactly(verdict, ratio, starts):
    phrase = verdict_phrase(verdict, ratio, (0.55, 1.90), (0.45, 2.34))
    assert phrase.startswith(starts), phrase


def test_sentences_say_above_a_limit_only_when_the_ratio_is_above_it(universe):
    table = pd.concat([peer_comparison(universe, peer_group(universe, code, YEAR, "type"))
                       for code in ("SYN001", "SYN041", "SYN100", "SYN150")])
    above = table[table["sentence"].str.contains("above the upper 99.8% limit", regex=False)]
    assert len(above), "the sample has trusts beyond the 99.8% limit"
    assert (above["ratio"] > above["high998"]).all()
    well = table[table["sentence"].str.contains("well above", regex=False)]
    assert (well["ratio"] >= 1.05 * well["high998"]).all()
    within = table[table["sentence"].str.contains("in line with its peers", regex=False)]
    assert ((within["ratio"] <= within["high95"]) & (within["ratio"] >= within["low95"])).all()


def test_peer_charts_have_a_1_tick_and_plain_axis_titles(universe):
    from wres_core.charts import PRECISION_AXIS_TITLE, peer_funnel_chart, peer_strip_chart
    from wres_core.peers import peer_funnel_data, peer_stage_table

    group = peer_group(universe, TRUST, YEAR, "type")
    points, curves, funnel = peer_funnel_data(universe, group, "band:7-8a", "BME")
    spec = peer_funnel_chart(points, curves, stage_label="Band 7 to band 8a",
                             target=funnel.target_ratio).to_dict()
    text = str(spec)
    assert PRECISION_AXIS_TITLE in text and "standard error" not in text
    strip = peer_strip_chart(peer_stage_table(universe, group, "BME")).to_dict()
    for chart in (spec, strip):
        axes = [layer["encoding"][c]["axis"] for layer in chart["layer"]
                for c in ("x", "y") if "axis" in layer.get("encoding", {}).get(c, {})
                and layer["encoding"][c].get("scale", {}).get("type") == "log"]
        assert axes and all(1.0 in axis["values"] for axis in axes)
