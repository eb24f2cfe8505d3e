"""Tests for wres_core.stages: which stages exist and their White/BME counts.

Counts are checked against plain pandas sums written here, not against the engine.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wres_core import schema, synthetic
from wres_core.bands import AFC_BANDS, MEDICAL_GRADES, TierDefinition
from wres_core.ratios import stage_ratios
from wres_core.stages import (
    STAGE_COUNT_COLUMNS,
    ComparisonGroups,
    band_presence,
    band_step_id,
    stage_counts,
)

ETHNICITY_OF = {"White": "White", "Mixed": "BME", "Asian": "BME", "Black": "BME",
                "Other": "BME", "BME (not specified)": "BME", "Unknown": "Unknown"}


def workforce(rows, org_name: str = "Test trust") -> pd.DataFrame:
    """Clean workforce table from (org, year, staff_group, band, ethnic_group, headcount)."""
    frame = pd.DataFrame(rows, columns=["org_code", "year", "staff_group", "band",
                                        "ethnic_group", "headcount"])
    frame["ethnicity"] = frame["ethnic_group"].map(ETHNICITY_OF)
    frame["org_name"], frame["region"], frame["org_type"] = org_name, "London", "Acute"
    return schema.conform(frame)


def recruitment(rows) -> pd.DataFrame:
    """Clean recruitment table from (org, year, ethnic_group, stage, headcount)."""
    frame = pd.DataFrame(rows, columns=["org_code", "year", "ethnic_group", "stage",
                                        "headcount"])
    frame["ethnicity"] = frame["ethnic_group"].map(ETHNICITY_OF)
    frame["org_name"], frame["region"], frame["org_type"] = "Test trust", "London", "Acute"
    frame["staff_group"], frame["band"] = "All staff", "All"
    return schema.conform(frame, "recruitment")


def spread(total: int, bands: tuple[str, ...]) -> list[tuple[str, int]]:
    """Split a headcount over bands, unevenly (some bands may get nobody)."""
    weights = np.arange(1, len(bands) + 1, dtype=float)
    parts = np.floor(total * weights / weights.sum()).astype(int)
    parts[-1] += total - parts.sum()
    assert parts.sum() == total
    return [(band, n) for band, n in zip(bands, parts.tolist()) if n > 0]


def tier_table() -> pd.DataFrame:
    """The domain example: lower W 1000 / B 500, middle W 400 / B 100, upper W 100 / B 10,
    spread over the bands of each default tier and over both AfC staff groups."""
    tiers = TierDefinition()
    rows = []
    for tier, white, bme in ((tiers.lower, 1000, 500), (tiers.middle, 400, 100),
                             (tiers.upper, 100, 10)):
        for group, share in (("Clinical", 0.6), ("Non-clinical", 0.4)):
            w, b = round(white * share), round(bme * share)
            rows += [("T1", 2024, group, band, "White", n) for band, n in spread(w, tier)]
            rows += [("T1", 2024, group, band, "Asian", n) for band, n in spread(b, tier)]
    rows.append(("T1", 2024, "Clinical", "5", "Unknown", 77))
    rows.append(("T1", 2024, "Medical", "Consultant", "White", 300))
    return workforce(rows)


# --- the tier identity ------------------------------------------------------------------------


def test_tier_stages_reproduce_the_domain_example_exactly():
    results = stage_ratios(stage_counts(tier_table())).set_index("stage_id")
    expected = {"tier:lower-middle": (1000, 400, 500, 100, 2.0),
                "tier:middle-upper": (400, 100, 100, 10, 2.5),
                "tier:lower-upper": (1000, 100, 500, 10, 5.0)}
    for stage_id, (wf, wt, bf, bt, ratio) in expected.items():
        row = results.loc[stage_id]
        counts = (row["white_from"], row["white_to"], row["bme_from"], row["bme_to"])
        assert counts == (wf, wt, bf, bt), f"{stage_id}: counts {counts}"
        assert row["ratio"] == ratio, f"{stage_id}: ratio {row['ratio']!r}, expected {ratio}"
        assert row["ratio_kind"] == "odds" and row["kind"] == "tier", stage_id
    product = results.loc["tier:lower-middle", "ratio"] * results.loc["tier:middle-upper", "ratio"]
    assert product == results.loc["tier:lower-upper", "ratio"], (
        "lower->upper must equal lower->middle x middle->upper exactly")


def test_tier_labels_follow_the_tier_definition():
    tiers = TierDefinition.from_cut_points("5", "8b")
    counts = stage_counts(tier_table(), tiers=tiers).set_index("stage_id")
    assert counts.loc["tier:lower-upper", "from_label"] == "bands 1-4", counts.loc[
        "tier:lower-upper"]
    assert counts.loc["tier:lower-upper", "to_label"] == "bands 8b-VSM"
    assert "(1-4 to 8b-VSM)" in counts.loc["tier:lower-upper", "label"]
    table = tier_table()
    afc = table[table["band"].isin(AFC_BANDS) & (table["ethnicity"] == "White")]
    middle = afc[afc["band"].isin(tiers.middle)]["headcount"].sum()
    assert counts.loc["tier:lower-middle", "white_to"] == middle, "middle tier = bands 5-8a"


def test_a_tier_with_no_staff_gives_no_tier_stage():
    rows = [("T1", 2024, "Clinical", band, group, 10) for band in ("3", "5", "6")
            for group in ("White", "Black")]
    ids = set(stage_counts(workforce(rows))["stage_id"])
    assert "tier:lower-middle" in ids, ids
    assert not {"tier:middle-upper", "tier:lower-upper"} & ids, (
        f"no one in the upper tier, so no stage leads to it: {ids}")


# --- band steps -------------------------------------------------------------------------------


def full_ladder(org: str = "T1", year: int = 2024, skip: tuple[str, ...] = ()) -> list[tuple]:
    rows = []
    for i, band in enumerate(AFC_BANDS):
        if band in skip:
            continue
        rows.append((org, year, "Clinical", band, "White", 40 + i))
        rows.append((org, year, "Clinical", band, "Black", 20 + 2 * i))
    return rows


def test_full_ladder_step_ids_run_from_band_1_2_to_9_vsm():
    counts = stage_counts(workforce(full_ladder()))
    steps = counts[counts["kind"] == "band"]
    expected = [band_step_id(a, b) for a, b in itertools.pairwise(AFC_BANDS)]
    assert steps["stage_id"].tolist() == expected, steps["stage_id"].tolist()
    assert expected[0] == "band:1-2" and expected[-1] == "band:9-vsm", expected
    assert steps.set_index("stage_id").loc["band:7-8a", "label"] == "Band 7 to band 8a"
    assert steps.set_index("stage_id").loc["band:9-vsm", "label"] == "Band 9 to VSM"
    assert (steps["ratio_kind"] == "odds").all()


def test_missing_bands_join_their_present_neighbours():
    counts = stage_counts(workforce(full_ladder(skip=("1", "8d", "9"))))
    ids = counts.loc[counts["kind"] == "band", "stage_id"].tolist()
    assert ids[0] == "band:2-3", ids
    assert "band:8c-vsm" in ids and ids[-1] == "band:8c-vsm", ids
    assert not [i for i in ids if "8d" in i or ":9" in i or "-9" in i], ids
    step = counts.set_index("stage_id").loc["band:8c-vsm"]
    # band 8c is index 9, VSM index 12 in full_ladder's counts
    assert (step["white_from"], step["white_to"], step["bme_from"], step["bme_to"]) == (
        49, 52, 38, 44), step
    assert (step["from_label"], step["to_label"]) == ("band 8c", "VSM")


def test_a_band_with_only_unknown_ethnicity_staff_is_present():
    rows = full_ladder(skip=("9",)) + [("T1", 2024, "Non-clinical", "9", "Unknown", 3)]
    counts = stage_counts(workforce(rows)).set_index("stage_id")
    assert "band:8d-9" in counts.index and "band:9-vsm" in counts.index, counts.index.tolist()
    assert "band:8d-vsm" not in counts.index
    step = counts.loc["band:8d-9"]
    assert (step["white_to"], step["bme_to"]) == (0, 0), "Unknown staff never enter counts"


def test_presence_is_per_organisation_and_year():
    rows = full_ladder("A", 2023) + full_ladder("A", 2024, skip=("8d",)) + full_ladder(
        "B", 2024, skip=("9", "VSM"))
    counts = stage_counts(workforce(rows))
    ids = {key: set(g["stage_id"]) for key, g in counts.groupby(["org_code", "year"])}
    assert "band:8c-8d" in ids[("A", 2023)] and "band:8c-9" not in ids[("A", 2023)]
    assert "band:8c-9" in ids[("A", 2024)] and "band:8c-8d" not in ids[("A", 2024)]
    assert "band:8c-8d" in ids[("B", 2024)] and not any(
        "vsm" in i or "-9" in i for i in ids[("B", 2024)]), ids[("B", 2024)]
    presence = band_presence(workforce(rows))
    assert presence.loc[("A", 2024), "8d"] == 0 and presence.loc[("A", 2023), "8d"] > 0
    assert list(presence.columns) == list(AFC_BANDS)


def test_medical_grades_never_appear_in_stages():
    rows = full_ladder() + [("T1", 2024, "Medical", grade, group, 50)
                            for grade in MEDICAL_GRADES for group in ("White", "Asian")]
    with_medical = stage_counts(workforce(rows))
    without = stage_counts(workforce(full_ladder()))
    pd.testing.assert_frame_equal(with_medical, without)
    for grade in MEDICAL_GRADES:
        assert not with_medical["stage_id"].str.contains(grade.lower()).any(), grade
        assert not with_medical["to_label"].str.contains(grade).any(), grade


def test_staff_group_filter_counts_only_that_group():
    rows = []
    for band in ("4", "5", "6"):
        rows += [("T1", 2024, "Clinical", band, "White", 100), ("T1", 2024, "Clinical", band,
                                                                "Black", 30)]
    rows += [("T1", 2024, "Non-clinical", "4", "White", 7), ("T1", 2024, "Non-clinical", "4",
                                                             "Black", 1),
             ("T1", 2024, "Non-clinical", "8a", "White", 5)]
    table = workforce(rows)
    clinical = stage_counts(table, staff_group="Clinical").set_index("stage_id")
    non_clinical = stage_counts(table, staff_group="Non-clinical").set_index("stage_id")
    everyone = stage_counts(table).set_index("stage_id")
    assert set(clinical.index) == {"band:4-5", "band:5-6", "tier:lower-middle"}, clinical.index
    assert clinical.loc["band:4-5", "white_from"] == 100
    assert set(non_clinical.index) == {"band:4-8a", "tier:lower-upper"}, non_clinical.index
    assert non_clinical.loc["band:4-8a", ["white_from", "bme_from", "white_to", "bme_to"]
                            ].tolist() == [7, 1, 5, 0]
    assert everyone.loc["band:4-5", "white_from"] == 107
    assert "band:6-8a" in everyone.index


def test_detailed_groups_compare_each_group_with_white():
    rows = []
    for band, counts in (("5", {"White": 100, "Mixed": 5, "Asian": 40, "Black": 30, "Other": 8,
                                "BME (not specified)": 9, "Unknown": 11}),
                         ("6", {"White": 80, "Mixed": 3, "Asian": 20, "Black": 10, "Other": 0,
                                "BME (not specified)": 4, "Unknown": 6})):
        rows += [("T1", 2024, "Clinical", band, g, n) for g, n in counts.items() if n]
    table = workforce(rows)
    detailed = stage_counts(table, groups="detailed")
    step = detailed[detailed["stage_id"] == "band:5-6"].set_index("comparison")
    assert step.index.tolist() == ["Mixed", "Asian", "Black", "Other"], step.index.tolist()
    for group, (b_from, b_to) in {"Mixed": (5, 3), "Asian": (40, 20), "Black": (30, 10),
                                  "Other": (8, 0)}.items():
        assert (step.loc[group, "bme_from"], step.loc[group, "bme_to"]) == (b_from, b_to), group
        assert (step.loc[group, "white_from"], step.loc[group, "white_to"]) == (100, 80), group
    bme = stage_counts(table, groups=ComparisonGroups("bme")).set_index("stage_id")
    # BME includes the "not specified" rows (92 = 5+40+30+8+9; 37 = 3+20+10+0+4), no Unknown.
    assert (bme.loc["band:5-6", "bme_from"], bme.loc["band:5-6", "bme_to"]) == (92, 37)
    assert step["bme_from"].sum() == 92 - 9, "not-specified rows are in no detailed group"


def test_unknown_comparison_mode_is_rejected():
    with pytest.raises(ValueError, match="bme' or 'detailed"):
        ComparisonGroups("asian")


# --- recruitment stages -----------------------------------------------------------------------


def test_recruitment_stages_are_nested_counts_with_relative_risk():
    rec = recruitment([("T1", 2024, "White", "applied", 1000), ("T1", 2024, "White",
                                                                "shortlisted", 200),
                       ("T1", 2024, "White", "appointed", 50),
                       ("T1", 2024, "Black", "applied", 600), ("T1", 2024, "Asian", "applied",
                                                               400),
                       ("T1", 2024, "Black", "shortlisted", 90), ("T1", 2024, "Asian",
                                                                  "shortlisted", 60),
                       ("T1", 2024, "Black", "appointed", 12), ("T1", 2024, "Asian",
                                                                "appointed", 8),
                       ("T1", 2024, "Unknown", "applied", 99)])
    counts = stage_counts(workforce(full_ladder()), rec)
    first = counts.iloc[:2].set_index("stage_id")
    assert first.index.tolist() == ["recruitment:applied-shortlisted",
                                    "recruitment:shortlisted-appointed"], "recruitment first"
    assert first["ratio_kind"].eq("risk").all() and first["kind"].eq("recruitment").all()
    assert first.loc["recruitment:applied-shortlisted", ["white_from", "white_to", "bme_from",
                                                         "bme_to"]].tolist() == [1000, 200,
                                                                                1000, 150]
    assert first.loc["recruitment:shortlisted-appointed", ["white_from", "white_to",
                                                           "bme_from", "bme_to"]].tolist() == [
        200, 50, 150, 20]
    kinds = counts["kind"].tolist()
    assert kinds == sorted(kinds, key=["recruitment", "band", "tier"].index), kinds
    results = stage_ratios(counts).set_index("stage_id")
    assert math.isclose(results.loc["recruitment:applied-shortlisted", "ratio"],
                        (200 / 1000) / (150 / 1000)), "relative risk"


def test_a_stage_no_white_person_reached_is_a_zero_not_a_missing_stage():
    # Zero counts are absent from clean tables: no White row at "appointed" anywhere.
    rec = recruitment([("T1", 2024, "White", "applied", 300), ("T1", 2024, "White",
                                                               "shortlisted", 20),
                       ("T1", 2024, "Black", "applied", 200), ("T1", 2024, "Black",
                                                               "shortlisted", 30),
                       ("T1", 2024, "Black", "appointed", 6)])
    results = stage_ratios(stage_counts(schema.empty_table(), rec)).set_index("stage_id")
    assert "recruitment:shortlisted-appointed" in results.index, results.index.tolist()
    row = results.loc["recruitment:shortlisted-appointed"]
    assert row[["white_from", "white_to", "bme_from", "bme_to"]].tolist() == [20, 0, 30, 6]
    assert row["ratio"] == 0.0, row["ratio"]


def test_recruitment_without_workforce_and_without_anyone_entering():
    rec = recruitment([("T1", 2024, "White", "applied", 10), ("T1", 2024, "Black", "applied",
                                                              5)])
    counts = stage_counts(schema.empty_table(), rec)
    assert counts["stage_id"].tolist() == ["recruitment:applied-shortlisted"], (
        "no one shortlisted in the file: only the first stage, with zero passing")
    assert counts[["white_to", "bme_to"]].iloc[0].tolist() == [0, 0]
    empty = stage_counts(schema.empty_table(), None)
    assert list(empty.columns) == list(STAGE_COUNT_COLUMNS) and empty.empty


# --- the vectorised build against a plain loop ------------------------------------------------


def reference_stages(table: pd.DataFrame, tiers: TierDefinition) -> dict:
    """Stages of every organisation-year by a plain loop (independent of the engine)."""
    out = {}
    afc = table[table["band"].astype(str).isin(AFC_BANDS)]
    for (org, year), rows in afc.groupby(["org_code", "year"]):
        by_band = rows.groupby([rows["band"].astype(str), rows["ethnicity"].astype(str)])[
            "headcount"].sum()
        totals = rows.groupby(rows["band"].astype(str))["headcount"].sum()
        present = [b for b in AFC_BANDS if totals.get(b, 0) > 0]

        def count(bands, who, by_band=by_band):
            return int(sum(by_band.get((b, who), 0) for b in bands))

        for low, high in itertools.pairwise(present):
            out[(org, int(year), band_step_id(low, high))] = (
                count([low], "White"), count([high], "White"), count([low], "BME"),
                count([high], "BME"))
        for low, high in (("lower", "middle"), ("middle", "upper"), ("lower", "upper")):
            a, b = getattr(tiers, low), getattr(tiers, high)
            if any(x in present for x in a) and any(x in present for x in b):
                out[(org, int(year), f"tier:{low}-{high}")] = (
                    count(a, "White"), count(b, "White"), count(a, "BME"), count(b, "BME"))
    return out


@st.composite
def random_workforce(draw):
    rows = []
    for org in ("A", "B", "C")[: draw(st.integers(1, 3))]:
        for year in (2023, 2024)[: draw(st.integers(1, 2))]:
            bands = draw(st.lists(st.sampled_from(AFC_BANDS), min_size=0, max_size=8,
                                  unique=True))
            for band in bands:
                for group in draw(st.lists(st.sampled_from(list(ETHNICITY_OF)), min_size=1,
                                           max_size=4, unique=True)):
                    staff = draw(st.sampled_from(["Clinical", "Non-clinical"]))
                    rows.append((org, year, staff, band, group, draw(st.integers(1, 60))))
    rows.append(("A", 2024, "Medical", "Consultant", "White", 5))
    return workforce(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_workforce())
def test_stage_counts_match_a_plain_loop(table):
    tiers = TierDefinition()
    counts = stage_counts(table)
    got = {(r.org_code, int(r.year), r.stage_id): (r.white_from, r.white_to, r.bme_from, r.bme_to)
           for r in counts.itertuples()}
    expected = reference_stages(table, tiers)
    assert got == expected, f"engine {got}\nloop {expected}"
    assert set(counts["comparison"]) <= {"BME"}
    band_rows = counts[counts["kind"] == "band"]
    for _, family in band_rows.groupby(["org_code", "year"]):
        assert family["order"].is_monotonic_increasing, "band steps run up the ladder"
        assert (family["to_label"].iloc[:-1].to_numpy() == family["from_label"].iloc[1:]
                .to_numpy()).all(), "each step starts where the previous one ended"


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(AFC_BANDS), min_size=2, max_size=13, unique=True),
       st.data())
def test_band_step_log_ratios_sum_to_the_ladder_log_ratio(bands, data):
    """Telescoping: the product of neighbouring-band odds ratios is the first-to-last one."""
    bands = sorted(bands, key=AFC_BANDS.index)
    white = {b: data.draw(st.integers(1, 5000), label=f"white {b}") for b in bands}
    bme = {b: data.draw(st.integers(1, 5000), label=f"bme {b}") for b in bands}
    rows = [("T1", 2024, "Clinical", b, "White", white[b]) for b in bands]
    rows += [("T1", 2024, "Non-clinical", b, "Black", bme[b]) for b in bands]
    results = stage_ratios(stage_counts(workforce(rows)))
    steps = results[results["kind"] == "band"]
    assert len(steps) == len(bands) - 1, steps["stage_id"].tolist()
    first, last = bands[0], bands[-1]
    ladder = math.log((white[last] / white[first]) / (bme[last] / bme[first]))
    total = float(np.log(steps["ratio"].to_numpy()).sum())
    assert math.isclose(total, ladder, rel_tol=1e-9, abs_tol=1e-9), (
        f"sum of step log ratios {total} != ladder log ratio {ladder} for bands {bands}")


def test_synthetic_national_counts_match_plain_sums():
    table = synthetic.generate_workforce(n_trusts=8, years=(2023, 2024), seed=11)
    counts = stage_counts(table)
    got = {(r.org_code, int(r.year), r.stage_id): (r.white_from, r.white_to, r.bme_from, r.bme_to)
           for r in counts.itertuples()}
    expected = reference_stages(table, TierDefinition())
    assert got == expected
    assert len(counts) > 8 * 2 * 10, len(counts)
