"""Indicator 9: board BME share minus workforce BME share, in points, on a hand-worked board."""

from __future__ import annotations

import pandas as pd
import pytest

from wres_core.indicators import board_indicator


def test_hand_worked_board():
    # 6 executive voting (1 BME), 6 non-executive voting (2 BME), 2 non-voting BME executives,
    # 1 voting member of unknown ethnicity; workforce 30% BME.
    board = pd.DataFrame([
        ("White", "Executive", True, 5), ("BME", "Executive", True, 1),
        ("White", "Non-executive", True, 4), ("BME", "Non-executive", True, 2),
        ("BME", "Executive", False, 2), ("Unknown", "Non-executive", True, 1)],
        columns=["ethnicity", "role", "voting", "count"])
    result = board_indicator(board, 0.30, org_code="T", year=2024)
    # Voting, known: 3 BME of 12 = 25%; 25 - 30 = -5 points.
    assert result.voting.bme == 3 and result.voting.white == 9
    assert result.difference_points == pytest.approx(-5.0)
    assert result.executive.share == pytest.approx(1 / 6)
    assert result.non_executive.share == pytest.approx(2 / 6)
    assert result.adverse
    assert "unknown ethnicity" in result.note
    assert result.ci_low < -5.0 < result.ci_high


def test_board_indicators_for_several_trusts_and_years_at_once():
    from wres_core.indicators.board import board_indicators

    board = pd.DataFrame([
        # A 2024: the hand-worked board above (3 BME of 12 voting, 1 unknown).
        ("A", 2024, "White", "Executive", True, 5), ("A", 2024, "BME", "Executive", True, 1),
        ("A", 2024, "White", "Non-executive", True, 4),
        ("A", 2024, "BME", "Non-executive", True, 2),
        ("A", 2024, "BME", "Executive", False, 2),
        ("A", 2024, "Unknown", "Non-executive", True, 1),
        # A 2023: 1 BME of 10 voting, all executive.
        ("A", 2023, "White", "Executive", True, 9), ("A", 2023, "BME", "Executive", True, 1),
        # B 2024: only non-voting members: no share.
        ("B", 2024, "BME", "Executive", False, 3)],
        columns=["org_code", "year", "ethnicity", "role", "voting", "count"])
    shares = {("A", 2024): 0.30, ("A", 2023): 0.20, ("B", 2024): 0.40}
    table = board_indicators(board, shares).set_index(["org_code", "year"])
    a24, a23, b24 = table.loc[("A", 2024)], table.loc[("A", 2023)], table.loc[("B", 2024)]
    assert (a24["voting_bme"], a24["voting_white"], a24["voting_unknown"]) == (3, 9, 1)
    assert a24["difference_points"] == pytest.approx(25 - 30)
    assert a24["executive_share"] == pytest.approx(1 / 6)
    assert a24["non_executive_share"] == pytest.approx(2 / 6)
    assert a24["adverse"] and "1 voting member(s) of unknown ethnicity" in a24["note"]
    assert a23["difference_points"] == pytest.approx(10 - 20)
    assert a23["non_executive_bme"] == 0 and a23["note"] == ""
    assert pd.isna(b24["difference_points"]) and not b24["adverse"]
    assert b24["note"] == "no voting board members of known ethnicity"
