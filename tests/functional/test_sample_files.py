"""End-to-end checks on the bundled sample files: different layouts of the same trust give the
same analysis, and the whole national file analyses cleanly.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wres_core import synthetic
from wres_core.analysis import analyse_dataset, analyse_trust
from wres_core.cli import main
from wres_core.ingest import load_dataset, read_table
from wres_core.options import AnalysisOptions

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
ESR = SAMPLE / "trust_esr_extract.csv"
TEMPLATE = SAMPLE / "trust_wres_template.xlsx"
NATIONAL = [SAMPLE / "national_workforce.csv", SAMPLE / "national_recruitment.csv"]

#: Columns that must agree between two layouts of the same trust (all but the org's name,
#: which the ESR extract spells with its own capitalisation and spaces).
COMPARED = ["year", "comparison", "stage_id", "label", "kind", "white_from", "white_to",
            "bme_from", "bme_to", "ratio", "ci_low", "ci_high", "ci_method", "p_value",
            "p_adjusted", "test", "verdict", "significant", "sentence"]


@pytest.fixture(scope="module")
def national():
    return load_dataset(NATIONAL)


@pytest.fixture(scope="module")
def national_results(national):
    return analyse_dataset(national.workforce, national.recruitment)


def one_trust(table: pd.DataFrame, code: str, year: int) -> pd.DataFrame:
    return table[(table["org_code"] == code) & (table["year"] == year)]


@pytest.fixture(scope="module")
def esr_rows() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The extract as shipped, and the 17 people whose labels it spoils, as generated.

    The generator gives 17 people an unrecognised pay band or ethnicity; the national file
    counts them with their real labels (tests/unit/test_synthetic.py checks the difference
    is exactly those 17). Their real rows come from re-running the seeded generator.
    """
    shipped = pd.read_csv(ESR, encoding="cp1252", dtype=str, keep_default_na=False)
    latest = synthetic.generate_workforce(years=(2024,))
    clean = synthetic.staff_level_rows(latest[latest["org_code"] == "SYN041"],
                                       seed=synthetic.DEFAULT_SEED, messy=True)
    clean = clean.astype(str)
    junk = shipped["Pay Band"].isin(synthetic.UNRECOGNISED_BANDS) | (
        shipped["Ethnic Origin"] == synthetic.UNRECOGNISED_ETHNICITY)
    assert junk.sum() == 17, junk.sum()
    originals = clean.set_index("Assignment Number").loc[
        shipped.loc[junk, "Assignment Number"]].reset_index()
    return shipped, originals


def as_bytes(rows: pd.DataFrame) -> bytes:
    return rows.to_csv(index=False, lineterminator="\r\n").encode("cp1252")


OPTIONS = [AnalysisOptions(), AnalysisOptions(groups="detailed"),
           AnalysisOptions(staff_group="Non-clinical", ci_method="exact")]
OPTION_IDS = ["bme", "detailed", "non-clinical-exact"]


def assert_same_analysis(left, right) -> None:
    assert len(left.stage_table) >= 13, len(left.stage_table)
    pd.testing.assert_frame_equal(left.stage_table[COMPARED], right.stage_table[COMPARED],
                                  check_exact=True)
    rep_columns = ["band", "white", "bme", "unknown", "bme_share", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(left.representation[rep_columns],
                                  right.representation[rep_columns])
    assert [b.sentence for b in left.bottlenecks] == [b.sentence for b in right.bottlenecks]


@pytest.mark.parametrize("options", OPTIONS, ids=OPTION_IDS)
def test_esr_extract_with_its_junk_labels_repaired_equals_the_national_rows(
        national, esr_rows, options):
    """Put the 17 people's real labels back (duplicates stay): the extract then gives
    exactly the national file's stage table, so ingest drops the duplicates and nothing
    else."""
    shipped, originals = esr_rows
    repaired = shipped.copy()
    where = repaired["Assignment Number"].isin(originals["Assignment Number"])
    by_number = originals.set_index("Assignment Number")
    for column in ("Pay Band", "Ethnic Origin"):
        repaired.loc[where, column] = repaired.loc[where, "Assignment Number"].map(
            by_number[column])
    esr = load_dataset([("trust_esr_extract.csv", as_bytes(repaired))])
    assert esr.reports[0].excluded_by_reason() == {"duplicate staff number": 3}
    from_esr = analyse_trust(esr.workforce, None, "SYN041", 2024, options)
    from_national = analyse_trust(one_trust(national.workforce, "SYN041", 2024), None,
                                  "SYN041", 2024, options)
    assert_same_analysis(from_esr, from_national)


@pytest.mark.parametrize("options", OPTIONS, ids=OPTION_IDS)
def test_esr_extract_as_shipped_equals_the_national_rows_less_its_junk_rows(
        national, esr_rows, options):
    _, originals = esr_rows
    esr = load_dataset([ESR])
    report = esr.reports[0]
    assert report.layout == "staff" and report.rows_read == 6030, report.layout
    assert report.excluded_by_reason() == {"unrecognised band": 12,
                                           "unrecognised ethnicity": 5,
                                           "duplicate staff number": 3}, (
        "the deliberate junk rows are left out")
    # The national rows less the 17 people the extract cannot place.
    junk = read_table(as_bytes(originals), name="junk.csv").table
    assert junk["headcount"].sum() == 17
    key = ["staff_group", "band", "ethnicity", "ethnic_group"]
    mine = one_trust(national.workforce, "SYN041", 2024)
    less = mine.merge(junk[key + ["headcount"]], on=key, how="left", suffixes=("", "_junk"))
    assert less["headcount_junk"].sum() == 17, "every junk person is in the national rows"
    less["headcount"] = less["headcount"] - less["headcount_junk"].fillna(0).astype("int64")
    expected = analyse_trust(less.drop(columns="headcount_junk"), None, "SYN041", 2024,
                             options)
    from_esr = analyse_trust(esr.workforce, None, "SYN041", 2024, options)
    assert_same_analysis(from_esr, expected)
    # Against the national rows themselves, counts differ by those people only.
    full = analyse_trust(mine, None, "SYN041", 2024, options).stage_table
    difference = (full[["white_from", "white_to", "bme_from", "bme_to"]]
                  - from_esr.stage_table[["white_from", "white_to", "bme_from", "bme_to"]])
    assert (difference >= 0).all().all() and difference.to_numpy().max() <= 17


def test_wres_template_gives_the_same_analysis_as_the_national_rows(national):
    workforce = read_table(TEMPLATE).table
    recruitment = read_table(TEMPLATE, sheet="Recruitment").table
    from_template = analyse_trust(workforce, recruitment, "SYN084", 2024)
    from_national = analyse_trust(one_trust(national.workforce, "SYN084", 2024),
                                  one_trust(national.recruitment, "SYN084", 2024),
                                  "SYN084", 2024)
    assert from_template.has_recruitment and from_national.has_recruitment
    pd.testing.assert_frame_equal(from_template.stage_table[COMPARED],
                                  from_national.stage_table[COMPARED], check_exact=True)
    assert from_template.bottleneck == from_national.bottleneck


def test_cli_on_the_esr_extract_reports_what_was_left_out():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["analyse", str(ESR), "--json"]) == 0
    document = json.loads(out.getvalue())
    assert document["org"]["code"] == "SYN041" and document["year"] == 2024
    quality = document["data_quality"]
    assert quality["files"][0]["rows_excluded"] == 20
    assert quality["files"][0]["unrecognised"] == {
        "Pay Band": {"Bank": 6, "Non-AfC Local": 6},
        "Ethnic Origin": {"Any other background": 5}}
    assert quality["unknown_ethnicity"] > 47, "blanks and 'Not stated' are unknown"
    assert not document["has_recruitment"]


def test_whole_national_file_is_consistent(national, national_results):
    stages = national_results.stages
    assert len(national_results.organisations) == 215
    assert set(stages["year"]) == {2020, 2021, 2022, 2023, 2024}
    # Every defined ratio is (white_to / white_from) / (bme_to / bme_from).
    finite = stages[np.isfinite(stages["ratio"]) & (stages["ratio"] > 0)]
    expected = ((finite["white_to"] / finite["white_from"])
                / (finite["bme_to"] / finite["bme_from"]))
    assert np.allclose(finite["ratio"], expected, rtol=1e-12)
    # The tier identity holds for every trust-year and comparison.
    tiers = stages[stages["kind"] == "tier"].pivot_table(
        index=["org_code", "year", "comparison"], columns="stage_id", values="ratio")
    usable = tiers.dropna()
    usable = usable[np.isfinite(usable).all(axis=1) & (usable > 0).all(axis=1)]
    assert len(usable) > 1000, len(usable)
    assert np.allclose(usable["tier:lower-middle"] * usable["tier:middle-upper"],
                       usable["tier:lower-upper"], rtol=1e-12)
    # One bottleneck row per trust-year; each named one is adverse and significant.
    bottlenecks = national_results.bottlenecks
    assert len(bottlenecks) == len(stages[["org_code", "year"]].drop_duplicates())
    named = bottlenecks.dropna(subset=["stage_id"]).merge(
        stages, on=["org_code", "year", "comparison", "stage_id"], suffixes=("", "_stage"))
    assert named["adverse"].all() and named["significant"].all()
    assert (named["kind"] == "band").all()
    # National indicator 2, as documented in sample_data/README.md (1.50 in 2024).
    rec = national.recruitment[national.recruitment["year"] == 2024]
    sums = rec.groupby(["ethnicity", "stage"], observed=True)["headcount"].sum()
    indicator2 = ((sums[("White", "appointed")] / sums[("White", "shortlisted")])
                  / (sums[("BME", "appointed")] / sums[("BME", "shortlisted")]))
    assert math.isclose(round(indicator2, 2), 1.50), indicator2
    trust_level = stages[(stages["year"] == 2024)
                         & (stages["stage_id"] == "recruitment:shortlisted-appointed")]
    share_adverse = (trust_level["ratio"] > 1.25).mean()
    assert 0.7 < share_adverse < 0.9, share_adverse


def test_the_haldane_option_changes_only_the_displayed_ratio(national, national_results):
    """Issue 8: the +0.5 correction is display-only. Every trust and year of the national
    sample, with the option on and off: bottlenecks, contributions, stage statistics and peer
    figures are identical field by field; only the corrected display columns differ."""
    from wres_core.peers import PeerUniverse, peer_comparison, peer_group

    corrected = analyse_dataset(national.workforce, national.recruitment,
                                AnalysisOptions(haldane=True))
    plain = national_results
    assert plain.stages["zero_cell"].sum() > 50, "the sample must have zero-cell stages"
    pd.testing.assert_frame_equal(corrected.bottlenecks, plain.bottlenecks)
    pd.testing.assert_frame_equal(corrected.contributions.drop(columns=DISPLAY_ONLY),
                                  plain.contributions.drop(columns=DISPLAY_ONLY))
    pd.testing.assert_frame_equal(corrected.stages.drop(columns=DISPLAY_ONLY),
                                  plain.stages.drop(columns=DISPLAY_ONLY))
    shown = corrected.stages[corrected.stages["corrected"]]
    assert len(shown) and (shown["zero_cell"]).all() and np.isfinite(shown["corrected_ratio"]).all()
    assert plain.stages["corrected_ratio"].isna().all()
    for results in (plain, corrected):
        universe = PeerUniverse.from_results(results, synthetic=True, source="sample")
        group = peer_group(universe, "SYN001", 2024, "type")
        table = peer_comparison(universe, group)
        if results is plain:
            expected = table
        else:
            pd.testing.assert_frame_equal(table, expected)


#: The stage columns that exist only to show the +0.5-corrected ratio.
DISPLAY_ONLY = ["corrected", "corrected_ratio", "corrected_ci_low", "corrected_ci_high"]
