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
