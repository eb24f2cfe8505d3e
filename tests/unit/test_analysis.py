"""Tests for wres_core.analysis: the national pass, slicing one trust, and analyse_trust."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from wres_core import synthetic
from wres_core.analysis import (
    AllResults,
    Bottleneck,
    StageResult,
    TrustAnalysis,
    analyse_dataset,
    analyse_trust,
)
from wres_core.options import AnalysisOptions

YEARS = (2022, 2023, 2024)


@pytest.fixture(scope="module")
def tables():
    workforce = synthetic.generate_workforce(n_trusts=6, years=YEARS, seed=21)
    recruitment = synthetic.generate_recruitment(n_trusts=6, years=YEARS, seed=21)
    return workforce, recruitment


@pytest.fixture(scope="module")
def results(tables) -> AllResults:
    return analyse_dataset(*tables)


def test_slicing_the_national_pass_equals_analysing_one_trust_alone(tables, results):
    workforce, recruitment = tables
    for code in ("SYN001", "SYN004"):
        for year in (2022, 2024):
            sliced = results.trust(code, year)
            alone = analyse_trust(workforce, recruitment, code, year)
            pd.testing.assert_frame_equal(sliced.stage_table, alone.stage_table,
                                          obj=f"{code} {year} stages")
            pd.testing.assert_frame_equal(sliced.representation, alone.representation,
                                          obj=f"{code} {year} representation")
            # Sums of log ratios may differ in the last bit with the grouping.
            for mine, theirs in zip(sliced.bottlenecks, alone.bottlenecks, strict=True):
                for field, value in vars(mine).items():
                    other = getattr(theirs, field)
                    if isinstance(value, float):
                        assert value == pytest.approx(other, rel=1e-12, nan_ok=True), field
                    else:
                        assert value == other, (code, year, field)
            assert set(sliced.stage_table["org_code"]) == {code}
            assert set(sliced.stage_table["year"]) == {year}


def test_year_defaults_to_the_latest_and_bad_year_or_code_says_what_exists(results):
    assert results.trust("SYN002").year == 2024
    assert results.years == YEARS and results.years_for("SYN002") == YEARS
    with pytest.raises(KeyError, match="years with data: 2022, 2023, 2024"):
        results.trust("SYN002", 2019)
    with pytest.raises(KeyError, match="Codes found: SYN001"):
        results.trust("NOPE")


def test_analyse_trust_needs_a_code_when_there_are_several(tables):
    workforce, recruitment = tables
    with pytest.raises(ValueError, match="The data hold 6 organisations; name one of: SYN001"):
        analyse_trust(workforce, recruitment)
    single = workforce[workforce["org_code"] == "SYN003"]
    only = analyse_trust(single)
    assert only.org.code == "SYN003" and not only.has_recruitment


def test_trust_analysis_accessors(results):
    analysis = results.trust("SYN001", 2023)
    assert isinstance(analysis, TrustAnalysis)
    assert analysis.org.type in synthetic.ORG_TYPES and analysis.org.region in synthetic.REGIONS
    assert analysis.has_recruitment
    stages = analysis.stages
    assert len(stages) == len(analysis.stage_table) and all(
        isinstance(s, StageResult) for s in stages)
    first = stages[0]
    assert isinstance(first.white_from, int) and isinstance(first.ratio, float)
    assert isinstance(first.significant, bool)
    assert first.confidence_interval() == (first.ci_low, first.ci_high)
    tier = analysis.stage("tier:lower-upper")
    row = analysis.stage_table.set_index("stage_id").loc["tier:lower-upper"]
    assert math.isclose(tier.ratio, (row["white_to"] / row["white_from"])
                        / (row["bme_to"] / row["bme_from"]), rel_tol=1e-12)
    with pytest.raises(KeyError, match="No stage 'band:x-y' for SYN001 in 2023"):
        analysis.stage("band:x-y")
    assert isinstance(analysis.bottleneck, Bottleneck)
    assert analysis.bottleneck.comparison == "BME"
    assert len(analysis.overall) == 1 and analysis.overall.iloc[0]["band"] == "All AfC bands"


def test_detailed_groups_give_one_bottleneck_per_group(tables):
    workforce, recruitment = tables
    analysis = analyse_trust(workforce, recruitment, "SYN005",
                             options=AnalysisOptions(groups="detailed"))
    assert [b.comparison for b in analysis.bottlenecks] == ["Mixed", "Asian", "Black", "Other"]
    assert set(analysis.stage_table["comparison"]) == {"Mixed", "Asian", "Black", "Other"}
    assert analysis.stage("band:5-6", "Black").comparison == "Black"


def test_options_flow_through_to_every_part(tables):
    workforce, recruitment = tables
    options = AnalysisOptions(staff_group="Non-clinical", level=0.9, adjust="none")
    analysis = analyse_trust(workforce, recruitment, "SYN002", 2024, options)
    plain = workforce[(workforce["org_code"] == "SYN002") & (workforce["year"] == 2024)
                      & (workforce["staff_group"] == "Non-clinical")
                      & (workforce["band"] == "5") & (workforce["ethnicity"] == "White")]
    assert analysis.stage("band:5-6").white_from == int(plain["headcount"].sum())
    assert (analysis.stage_table["p_adjusted"] == analysis.stage_table["p_value"]).all()
    assert analysis.stage_table["sentence"].str.contains("90% CI").any()
    assert analysis.options is options


def test_a_trust_with_recruitment_only_in_a_year(tables):
    workforce, recruitment = tables
    late = recruitment.assign(year=recruitment["year"] + 1)
    late = late[late["year"] == 2025]
    results = analyse_dataset(workforce, pd.concat([recruitment, late], ignore_index=True))
    analysis = results.trust("SYN001")
    assert analysis.year == 2025 and analysis.has_recruitment
    assert set(analysis.stage_table["kind"]) == {"recruitment"}, "no ladder in 2025"
    assert analysis.representation.empty
