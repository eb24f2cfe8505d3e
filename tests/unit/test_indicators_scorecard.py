"""The scorecard from indicator results computed once for every trust, against hand-worked
counts, and the same from a scorecard that computes its own trust's results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wres_core import synthetic
from wres_core.analysis import analyse_dataset
from wres_core.indicators.scorecard import build_scorecard, indicator_results
from wres_core.options import AnalysisOptions

YEARS = (2023, 2024)


@pytest.fixture(scope="module")
def workforce() -> pd.DataFrame:
    return synthetic.generate_workforce(n_trusts=3, years=YEARS, seed=7)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    # SYN001: 12 of 1,000 BME against 7 of 1,000 White staff: 1.714. SYN002: 10 of 500 BME
    # against 10 of 1,000 White: 2.0. SYN003: events only; headcounts from the workforce.
    rows = [("SYN001", 2024, 7, 1000, 12, 1000), ("SYN002", 2024, 10, 1000, 10, 500),
            ("SYN003", 2024, 30, None, 20, None)]
    frame = pd.DataFrame(rows, columns=["org_code", "year", "white_events", "white_headcount",
                                        "bme_events", "bme_headcount"])
    frame["indicator"] = "indicator:3"
    return frame.astype({"white_headcount": "Int64", "bme_headcount": "Int64"})


def workforce_heads(workforce: pd.DataFrame, code: str, year: int) -> pd.Series:
    rows = workforce[(workforce["org_code"] == code) & (workforce["year"] == year)]
    return rows.groupby("ethnicity", observed=True)["headcount"].sum()


def test_shared_results_give_each_trust_its_own_figures(workforce, events):
    results = analyse_dataset(workforce)
    shared = indicator_results(workforce, events=events, level=0.95)
    heads = workforce_heads(workforce, "SYN003", 2024)
    expected = {"SYN001": 12 / 7, "SYN002": 2.0,
                "SYN003": (20 / heads["BME"]) / (30 / heads["White"])}
    for code, ratio in expected.items():
        analysis = results.trust(code, 2024)
        for given in (shared, None):  # looked up, or computed for this trust alone
            third = build_scorecard(analysis, workforce, events=events,
                                    results=given).item("indicator:3")
            assert third.value == pytest.approx(ratio, rel=1e-12), (code, given)
            assert third.fields["peers"] is None  # 3 trusts: too few for a funnel
    filled = build_scorecard(results.trust("SYN003", 2024), workforce, events=events,
                             results=shared).item("indicator:3")
    assert "Headcounts taken from the workforce file" in filled.note
    assert filled.fields["white_headcount"] == heads["White"]
    assert np.isnan(build_scorecard(results.trust("SYN001", 2024), workforce, events=events,
                                    results=shared).item("indicator:5").value)  # no survey


def test_results_for_other_options_are_refused(workforce, events):
    analysis = analyse_dataset(workforce, options=AnalysisOptions(level=0.9)).trust(
        "SYN001", 2024)
    shared = indicator_results(workforce, events=events, level=0.95)
    with pytest.raises(ValueError, match="same options"):
        build_scorecard(analysis, workforce, events=events, results=shared)
