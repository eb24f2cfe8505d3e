"""Tests for wres_core.synthetic: determinism, schema, realism, staff-level rows, sample files.

Most tests use a dozen trusts; the realism tests share one full-size (default) national run.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from wres_core import schema, synthetic
from wres_core.bands import AFC_BANDS, MEDICAL_GRADES, normalise_band, normalise_bands
from wres_core.ethnicity import match_ethnicity, normalise_ethnicities

SMALL = 12
SEED = 7
REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data"
LOWER = ("1", "2", "3", "4", "5")
UPPER = ("8a", "8b", "8c", "8d", "9", "VSM")


# --- helpers ----------------------------------------------------------------------------------


def bme_share(frame: pd.DataFrame) -> float:
    counts = frame.groupby("ethnicity", observed=True)["headcount"].sum()
    bme, white = counts.get("BME", 0), counts.get("White", 0)
    return bme / (bme + white)


def odds_ratio(frame: pd.DataFrame, lower: tuple[str, ...], upper: tuple[str, ...]) -> float:
    """(white upper / white lower) / (BME upper / BME lower) from summed counts."""
    band = frame["band"].astype(str)
    tier = np.where(band.isin(lower), "lower", np.where(band.isin(upper), "upper", "other"))
    counts = frame.assign(tier=tier).groupby(["tier", "ethnicity"], observed=True)[
        "headcount"].sum()
    wu, wl, bu, bl = (int(counts.get(key, 0)) for key in (
        ("upper", "White"), ("lower", "White"), ("upper", "BME"), ("lower", "BME")))
    if bu == 0:  # no BME staff in the upper tier: as unequal as it gets
        return float("inf")
    return (wu / wl) / (bu / bl)


def stage_ratio(frame: pd.DataFrame, start: str, end: str) -> float:
    counts = frame.groupby(["ethnicity", "stage"], observed=True)["headcount"].sum()
    return ((counts[("White", end)] / counts[("White", start)])
            / (counts[("BME", end)] / counts[("BME", start)]))


def aggregate_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Staff-level rows back to workforce counts with a plain groupby (no ingest package)."""
    bands = {label: normalise_band(label) for label in rows["Pay Band"].unique()}
    groups = {}
    for label in rows["Ethnic Origin"].unique():
        match = match_ethnicity(label)
        groups[label] = match.group
    staff = {k.lower(): v for k, v in synthetic.ESR_STAFF_GROUPS.items()}
    frame = pd.DataFrame({
        "org_code": rows["Organisation"].str.strip().str.split(" ").str[0],
        "year": rows["Snapshot Date"].str[-4:].astype("int64"),
        "staff_group": rows["Staff Group"].str.strip().str.lower().map(staff),
        "band": rows["Pay Band"].map(bands),
        "ethnic_group": rows["Ethnic Origin"].map(
            lambda x: groups[x] if isinstance(x, str) else "Unknown"),
    })
    assert frame.notna().all().all()
    return (frame.groupby(list(frame.columns)).size().rename("headcount").reset_index()
            .sort_values(list(frame.columns)).reset_index(drop=True))


def workforce_counts(workforce: pd.DataFrame) -> pd.DataFrame:
    keys = ["org_code", "year", "staff_group", "band", "ethnic_group"]
    out = workforce[keys + ["headcount"]].copy()
    for key in ("org_code", "staff_group", "band", "ethnic_group"):
        out[key] = out[key].astype(str)
    return out.sort_values(keys).reset_index(drop=True)


@pytest.fixture(scope="module")
def national():
    return synthetic.generate_workforce(), synthetic.generate_recruitment()


@pytest.fixture(scope="module")
def small_workforce():
    return synthetic.generate_workforce(SMALL, years=(2023, 2024), seed=SEED)


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_gives_identical_frames():
    for make in (synthetic.generate_workforce, synthetic.generate_recruitment):
        a = make(SMALL, years=(2023, 2024), seed=SEED)
        synthetic._model.cache_clear()  # really rebuild, not just hit the cache
        b = make(SMALL, years=(2023, 2024), seed=SEED)
        pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(synthetic.generate_organisations(SMALL, SEED),
                                  synthetic.generate_organisations(SMALL, SEED))


def test_different_seed_gives_different_frames():
    a = synthetic.generate_workforce(SMALL, years=(2024,), seed=SEED)
    b = synthetic.generate_workforce(SMALL, years=(2024,), seed=SEED + 1)
    assert not a.equals(b)
    ra = synthetic.generate_recruitment(SMALL, years=(2024,), seed=SEED)
    rb = synthetic.generate_recruitment(SMALL, years=(2024,), seed=SEED + 1)
    assert not ra.equals(rb)


def test_each_year_is_drawn_from_its_own_stream():
    one = synthetic.generate_workforce(SMALL, years=(2024,), seed=SEED)
    three = synthetic.generate_workforce(SMALL, years=(2022, 2023, 2024), seed=SEED)
    pd.testing.assert_frame_equal(one, three[three["year"] == 2024].reset_index(drop=True))
    rec_one = synthetic.generate_recruitment(SMALL, years=(2024,), seed=SEED)
    rec_two = synthetic.generate_recruitment(SMALL, years=(2023, 2024), seed=SEED)
    pd.testing.assert_frame_equal(rec_one,
                                  rec_two[rec_two["year"] == 2024].reset_index(drop=True))


# --- schema -----------------------------------------------------------------------------------


def test_workforce_has_the_canonical_schema(small_workforce):
    wf = small_workforce
    assert tuple(wf.columns) == schema.WORKFORCE_COLUMNS
    for column in schema.WORKFORCE_COLUMNS:
        assert wf[column].dtype == schema.COLUMN_DTYPES[column], column
    assert (wf["headcount"] > 0).all()
    assert not wf.duplicated(list(schema.WORKFORCE_KEY)).any()
    assert set(wf["year"]) == {2023, 2024}
    medical = wf["staff_group"] == "Medical"
    assert wf.loc[medical, "band"].isin(MEDICAL_GRADES).all()
    assert wf.loc[~medical, "band"].isin(AFC_BANDS).all()
    assert wf.loc[~medical, "staff_group"].isin(["Clinical", "Non-clinical"]).all()
    expected = wf["ethnic_group"].astype(str).map(
        {"White": "White", "Unknown": "Unknown"}).fillna("BME")
    assert (wf["ethnicity"].astype(str) == expected).all()
    assert set(wf["ethnic_group"].astype(str)) <= set(synthetic.WORKFORCE_GROUPS)


def test_recruitment_has_the_canonical_schema_and_nested_counts():
    rec = synthetic.generate_recruitment(SMALL, years=(2022, 2023, 2024), seed=SEED)
    assert tuple(rec.columns) == schema.RECRUITMENT_COLUMNS
    for column in schema.RECRUITMENT_COLUMNS:
        assert rec[column].dtype == schema.COLUMN_DTYPES[column], column
    assert (rec["headcount"] > 0).all()
    assert (rec["band"] == schema.ALL_BANDS).all()
    assert (rec["staff_group"] == schema.DEFAULT_STAFF_GROUP).all()
    assert not rec.duplicated(list(schema.RECRUITMENT_KEY)).any()
    wide = rec.pivot_table(index=["org_code", "year", "ethnic_group"], columns="stage",
                           values="headcount", aggfunc="sum", fill_value=0, observed=True)
    assert (wide["appointed"] <= wide["shortlisted"]).all()
    assert (wide["shortlisted"] <= wide["applied"]).all()
    assert set(rec["ethnic_group"].astype(str)) == set(synthetic.WORKFORCE_GROUPS)


def test_recruitment_trusts_match_workforce_trusts():
    wf = synthetic.generate_workforce(SMALL, years=(2024,), seed=SEED)
    rec = synthetic.generate_recruitment(SMALL, years=(2024,), seed=SEED)
    cols = list(schema.ORG_COLUMNS)
    pd.testing.assert_frame_equal(wf[cols].drop_duplicates().reset_index(drop=True),
                                  rec[cols].drop_duplicates().reset_index(drop=True))


# --- organisations ----------------------------------------------------------------------------


def test_organisations_are_plainly_fictional():
    orgs = synthetic.generate_organisations()
    assert len(orgs) == 215
    assert orgs["org_code"].str.fullmatch(r"SYN\d{3}").all()
    assert list(orgs["org_code"]) == [f"SYN{i:03d}" for i in range(1, 216)]
    assert orgs["org_name"].str.endswith("(synthetic)").all()
    assert not orgs["org_name"].str.contains(r"\bNHS\b").any()
    assert orgs["org_name"].is_unique


def test_organisation_types_regions_and_sizes():
    orgs = synthetic.generate_organisations()
    types = orgs["org_type"].value_counts()
    assert types.to_dict() == {"Acute": 122, "Mental health and learning disability": 56,
                               "Community": 15, "Acute specialist": 12, "Ambulance": 10}
    regions = orgs["region"].value_counts()
    assert set(regions.index) == set(synthetic.REGIONS)
    assert 30 <= regions["London"] <= 40
    assert regions["Midlands"] > regions["East of England"]
    ambulance = orgs[orgs["org_type"] == "Ambulance"]
    assert set(ambulance["region"]) == set(synthetic.REGIONS)
    for org_type, (lo, hi) in synthetic.SIZE_RANGES.items():
        sizes = orgs.loc[orgs["org_type"] == org_type, "size"]
        assert sizes.between(lo, hi).all(), org_type
    for column in ("bme_base", "ladder_multiplier", "unknown_rate", "appointment_rr"):
        assert orgs[column].notna().all()


@pytest.mark.parametrize("n", [1, 5, 40, 600])
def test_any_number_of_trusts(n):
    orgs = synthetic.generate_organisations(n, SEED)
    assert len(orgs) == n
    assert orgs["org_code"].is_unique and orgs["org_name"].is_unique
    assert orgs["org_code"].str.fullmatch(r"SYN\d{3,}").all()
    wf = synthetic.generate_workforce(n, years=(2024,), seed=SEED)
    assert wf["org_code"].nunique() == n


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="n_trusts"):
        synthetic.generate_workforce(0)
    with pytest.raises(ValueError, match="years"):
        synthetic.generate_workforce(SMALL, years=())


# --- realism (one full-size national run) -----------------------------------------------------


def test_national_bme_share_by_year(national):
    wf, _ = national
    for year, target in synthetic.TARGET_BME_SHARE.items():
        assert abs(100 * bme_share(wf[wf["year"] == year]) - 100 * target) < 1.5, year


def test_band_and_regional_shares_2024(national):
    wf, _ = national
    latest = wf[wf["year"] == 2024]
    afc = {b: bme_share(latest[latest["band"] == b]) for b in AFC_BANDS}
    assert max(afc, key=afc.get) == "5"
    assert 0.38 <= afc["5"] <= 0.46
    assert 0.10 <= afc["VSM"] <= 0.15
    assert 0.40 <= bme_share(latest[latest["staff_group"] == "Medical"]) <= 0.50
    region = {r: bme_share(latest[latest["region"] == r]) for r in synthetic.REGIONS}
    assert 0.38 <= region["London"] <= 0.52
    assert sorted(region, key=region.get)[:2] == ["South West", "North East and Yorkshire"] or \
        sorted(region, key=region.get)[:2] == ["North East and Yorkshire", "South West"]
    assert max(region, key=region.get) == "London"
    assert bme_share(latest[latest["org_type"] == "Ambulance"]) < 0.10
    vsm_2020 = bme_share(wf[(wf["year"] == 2020) & (wf["band"] == "VSM")])
    assert 0.06 <= vsm_2020 <= 0.10


def test_band_mix_unknown_and_detailed_groups(national):
    wf, _ = national
    latest = wf[wf["year"] == 2024]
    mix = latest.groupby("band", observed=True)["headcount"].sum()
    mix = mix / mix.sum()
    assert mix["5"] == mix[list(AFC_BANDS)].max()
    assert mix["1"] < 0.01 and mix["VSM"] < 0.005
    assert 0.09 <= mix[list(MEDICAL_GRADES)].sum() <= 0.15
    per_trust = latest.groupby(["org_code", "band"], observed=True)["headcount"].sum().unstack()
    assert per_trust["9"].isna().any() or (per_trust["9"] == 0).any()
    assert per_trust["VSM"].notna().all()
    total = latest.groupby("org_code")["headcount"].sum()
    unknown = latest[latest["ethnicity"] == "Unknown"].groupby("org_code")["headcount"].sum()
    assert (unknown / total).between(0.003, 0.09).all()
    bme = latest[latest["ethnicity"] == "BME"].groupby("ethnic_group", observed=True)[
        "headcount"].sum()
    share = bme / bme.sum()
    assert 0.45 <= share["Asian"] <= 0.58 and 0.22 <= share["Black"] <= 0.35
    london = latest[(latest["ethnicity"] == "BME") & (latest["region"] == "London")]
    london = london.groupby("ethnic_group", observed=True)["headcount"].sum()
    assert london["Black"] / london.sum() > share["Black"]


def test_disparity_along_the_ladder(national):
    wf, _ = national
    for year in synthetic.DEFAULT_YEARS:
        ratio = odds_ratio(wf[wf["year"] == year], LOWER, UPPER)
        assert 1.8 <= ratio <= 3.5, (year, ratio)
    latest = wf[(wf["year"] == 2024) & (wf["staff_group"] != "Medical")]
    steps = {f"{a}->{b}": odds_ratio(latest, (a,), (b,))
             for a, b in itertools.pairwise(AFC_BANDS[4:9])}
    ordered = sorted(steps, key=steps.get, reverse=True)
    assert ordered[:2] == ["7->8a", "8a->8b"]
    assert all(v > 1 for v in steps.values())
    trusts = pd.Series({code: odds_ratio(frame, LOWER, UPPER)
                        for code, frame in wf[wf["year"] == 2024].groupby("org_code")})
    assert (trusts < 1.25).sum() >= 3  # a few trusts near parity
    assert trusts.median() > 1.8 and (trusts > 3).sum() >= 20


def test_recruitment_ratios(national):
    _, rec = national
    for year, target in synthetic.TARGET_INDICATOR2.items():
        ratio = stage_ratio(rec[rec["year"] == year], "shortlisted", "appointed")
        assert 1.4 <= ratio <= 1.75 and abs(ratio - target) < 0.05, (year, ratio)
        shortlisting = stage_ratio(rec[rec["year"] == year], "applied", "shortlisted")
        assert 1.2 <= shortlisting <= 1.4, (year, shortlisting)
    latest = rec[rec["year"] == 2024]
    regions = [stage_ratio(latest[latest["region"] == r], "shortlisted", "appointed")
               for r in synthetic.REGIONS]
    assert max(regions) - min(regions) >= 0.4
    assert min(regions) >= 1.0 and max(regions) <= 2.3
    trusts = pd.Series({code: stage_ratio(frame, "shortlisted", "appointed")
                        for code, frame in latest.groupby("org_code")})
    assert 0.70 <= (trusts > 1.25).mean() <= 0.90


def test_recruitment_volumes(national):
    wf, rec = national
    latest = rec[rec["year"] == 2024]
    staff = wf[wf["year"] == 2024].groupby("org_code")["headcount"].sum()
    stages = latest.groupby(["org_code", "stage"], observed=True)["headcount"].sum().unstack()
    per_head = stages.div(staff, axis=0)
    assert per_head["applied"].between(4, 14).all()
    assert per_head["appointed"].between(0.05, 1.5).all()
    unknown = latest[(latest["ethnicity"] == "Unknown") & (latest["stage"] == "applied")]
    assert 0.01 < unknown["headcount"].sum() / stages["applied"].sum() < 0.1


# --- staff-level rows -------------------------------------------------------------------------


def test_clean_staff_rows_aggregate_back_to_the_workforce(small_workforce):
    rows = synthetic.staff_level_rows(small_workforce, seed=SEED, messy=False)
    assert list(rows.columns) == ["Assignment Number", "Organisation", "Staff Group",
                                  "Pay Band", "Ethnic Origin", "Snapshot Date"]
    assert len(rows) == small_workforce["headcount"].sum()
    assert rows["Assignment Number"].is_unique
    assert rows["Snapshot Date"].str.fullmatch(r"31/03/20\d\d").all()
    assert rows["Organisation"].str.fullmatch(r"SYN\d{3} .+ \(synthetic\)").all()
    assert rows["Ethnic Origin"].notna().all()
    assert set(rows["Staff Group"]) <= set(synthetic.ESR_STAFF_GROUPS)
    pd.testing.assert_frame_equal(aggregate_rows(rows), workforce_counts(small_workforce))


def test_messy_staff_rows_are_messy_but_still_recognised(small_workforce):
    rows = synthetic.staff_level_rows(small_workforce, seed=SEED, messy=True)
    _, unrecognised_bands = normalise_bands(rows["Pay Band"])
    _, unrecognised_groups = normalise_ethnicities(rows["Ethnic Origin"])
    assert unrecognised_bands == [] and unrecognised_groups == []
    assert rows["Ethnic Origin"].isna().any()
    assert rows["Pay Band"].str.endswith(" ").any()
    assert rows["Pay Band"].str.contains("AfC Band 8 - Range").any()
    assert (rows["Pay Band"] == rows["Pay Band"].str.lower()).any()
    assert rows["Ethnic Origin"].str.match(r"[A-Z][A-Z0-9] ", na=False).any()  # sub-codes
    assert rows["Staff Group"].str.endswith(" ").any()
    pd.testing.assert_frame_equal(aggregate_rows(rows), workforce_counts(small_workforce))


def test_every_label_the_generator_can_write_is_recognised():
    for band in AFC_BANDS + MEDICAL_GRADES:
        for label, _ in synthetic._pay_band_labels(band, messy=True):
            assert normalise_band(label) == band, label
    for group in synthetic.WORKFORCE_GROUPS:
        for label, _ in synthetic._ethnic_labels(group, messy=True):
            match = match_ethnicity(label)
            assert match is not None and match.group == group, label
    assert all(normalise_band(b) is None for b in synthetic.UNRECOGNISED_BANDS)
    assert match_ethnicity(synthetic.UNRECOGNISED_ETHNICITY) is None


def test_data_quality_issues_are_counted(small_workforce):
    rows = synthetic.staff_level_rows(small_workforce, seed=SEED)
    bad, issues = synthetic.add_data_quality_issues(rows, seed=SEED)
    assert len(bad) == len(rows) + 3
    assert bad["Assignment Number"].duplicated().sum() == 3
    assert bad["Pay Band"].isin(synthetic.UNRECOGNISED_BANDS).sum() == issues.unrecognised_band_rows
    assert (bad["Ethnic Origin"] == synthetic.UNRECOGNISED_ETHNICITY).sum() == 5
    assert set(bad.loc[bad["Assignment Number"].duplicated(), "Assignment Number"]) == set(
        issues.duplicated_assignments)


def test_staff_level_rows_of_a_national_workforce():
    """A national workforce (280 trusts, 1.4 million staff) gives one row per person (its
    speed: benchmarks/bench_unit_speed.py)."""
    workforce = synthetic.generate_workforce(280, years=(2024,), seed=SEED)
    assert workforce["headcount"].sum() > 1_400_000
    rows = synthetic.staff_level_rows(workforce, seed=SEED)
    assert len(rows) == workforce["headcount"].sum()
    assert rows["Assignment Number"].is_unique


# --- bundled sample files ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return synthetic.write_sample_data(tmp_path_factory.mktemp("sample"))


def test_bundled_sample_files_are_up_to_date_and_deterministic(written):
    for path in written.values():
        bundled = SAMPLE / path.name
        assert bundled.exists(), f"{bundled} is missing: run python -m wres_core.synthetic"
        assert bundled.read_bytes() == path.read_bytes(), (
            f"{bundled.name} differs from the generator's output: run "
            "python -m wres_core.synthetic")
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert str(synthetic.DEFAULT_SEED) in readme and "synthetic" in readme
    for name in synthetic.SAMPLE_FILES.values():
        assert name in readme


def test_national_files_have_canonical_columns(written):
    wf = pd.read_csv(written["national_workforce"])
    assert tuple(wf.columns) == schema.WORKFORCE_COLUMNS
    assert wf["org_code"].nunique() == 215 and set(wf["year"]) == set(synthetic.DEFAULT_YEARS)
    assert (wf["headcount"] > 0).all()
    rec = pd.read_csv(written["national_recruitment"])
    assert tuple(rec.columns) == schema.RECRUITMENT_COLUMNS
    assert written["national_workforce"].stat().st_size < 16_000_000


def test_esr_extract_is_windows_1252_with_known_problems(written):
    raw = written["trust_esr_extract"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert not text.isascii() and "\r\n" in text
    rows = pd.read_csv(written["trust_esr_extract"], encoding="cp1252", dtype=str,
                       keep_default_na=False)
    assert 5000 <= len(rows) <= 8000
    assert rows["Assignment Number"].duplicated().sum() == 3
    assert rows["Organisation"].str.strip().nunique() == 1
    assert rows["Snapshot Date"].eq("31/03/2024").all()
    _, unrecognised = normalise_bands(rows["Pay Band"])
    assert unrecognised == sorted(synthetic.UNRECOGNISED_BANDS)
    _, unrecognised = normalise_ethnicities(rows["Ethnic Origin"].replace("", np.nan))
    assert unrecognised == [synthetic.UNRECOGNISED_ETHNICITY]
    assert (rows["Ethnic Origin"] == "").any()


def test_esr_extract_matches_the_national_file_for_its_trust(written):
    rows = pd.read_csv(written["trust_esr_extract"], encoding="cp1252", dtype=str)
    rows = rows.drop_duplicates("Assignment Number")
    rows = rows[~rows["Pay Band"].isin(synthetic.UNRECOGNISED_BANDS)
                & (rows["Ethnic Origin"] != synthetic.UNRECOGNISED_ETHNICITY)]
    got = aggregate_rows(rows)
    code = got["org_code"].iloc[0]
    wf = pd.read_csv(written["national_workforce"], dtype={"band": str})
    wf = wf[(wf["org_code"] == code) & (wf["year"] == 2024)]
    expected = workforce_counts(wf)
    merged = expected.merge(got, on=list(expected.columns[:-1]), how="outer",
                            suffixes=("_national", "_extract")).fillna(0)
    missing = (merged["headcount_national"] - merged["headcount_extract"])
    assert (missing >= 0).all()
    assert missing.sum() == 12 + 5  # the rows given unrecognised labels


def test_wres_template_layout(written):
    book = openpyxl.load_workbook(written["trust_wres_template"], read_only=True)
    assert book.sheetnames == ["Notes", "Indicator 1", "Recruitment"]
    sheet = list(book["Indicator 1"].iter_rows(values_only=True))
    assert sheet[0][0].startswith("Workforce Race Equality Standard")
    code = re.search(r"SYN\d{3}", sheet[1][0]).group(0)
    assert sheet[2][0] == "Snapshot: 31 March 2024"
    assert all(v is None for v in sheet[3])
    assert list(sheet[4]) == ["Staff group", "Pay band", "White", "BME", "Unknown/Null"]
    body = pd.DataFrame(sheet[5:], columns=list(sheet[4]))
    assert len(body) == 2 * len(AFC_BANDS) + len(MEDICAL_GRADES)
    assert list(body["Staff group"].unique()) == ["Clinical", "Non-clinical", "Medical"]
    assert [normalise_band(b) for b in body["Pay band"]] == list(synthetic.CELL_BANDS)
    assert all(isinstance(v, int) for row in sheet[5:] for v in row[2:])
    wf = synthetic.generate_workforce(years=(2024,))
    wf = wf[wf["org_code"] == code]
    totals = wf.groupby("ethnicity", observed=True)["headcount"].sum()
    assert body["White"].sum() == totals["White"] and body["BME"].sum() == totals["BME"]
    rec = list(book["Recruitment"].iter_rows(values_only=True))
    assert list(rec[4]) == ["Ethnicity", "Applied", "Shortlisted", "Appointed"]
    assert [r[0] for r in rec[5:]] == ["White", "BME", "Unknown"]
    for _, applied, shortlisted, appointed in rec[5:]:
        assert applied >= shortlisted >= appointed > 0
