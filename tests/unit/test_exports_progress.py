"""Trends and targets in the pack (wres_core.exports.progress), protected like the rest.

Skipped where wres_core.trends / wres_core.targets are not installed (they are built apart).
Targets worked by hand: band 7 -> 8a with White 200 -> 120 and BME 60 -> 20 has ratio
(120/200)/(20/60) = 1.8; x more BME staff in band 8a give (120 * 60) / (200 (20 + x)), which is
1 at x = 16 and 1.25 at x = 8.8, so 9 people.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_disclosure import LADDER, workforce

from wres_core.analysis import analyse_dataset
from wres_core.exports.protected import protect


def test_targets_by_hand_and_hidden_with_their_stage():
    pytest.importorskip("wres_core.targets")
    from wres_core.exports.progress import protected_targets

    analysis = analyse_dataset(workforce(LADDER)).trust("T1")
    targets = protected_targets(protect(analysis)).set_index("Stage")
    assert targets.loc["Band 7 to band 8a", "More needed for parity"] == 16
    assert targets.loc["Band 7 to band 8a", "More needed for 1.25"] == 9
    assert targets.loc["Band 8b to band 8c", "More needed for parity"] == "*"


def test_trends_hidden_when_a_year_hides_the_stage():
    pytest.importorskip("wres_core.trends")
    from wres_core.exports.progress import protected_trends

    later = {**LADDER, "8c": (40, 12, 9)}     # band 8c's BME 2 becomes 12 a year later
    earlier = workforce(LADDER)
    frame = workforce(later)
    frame["year"] = 2025
    results = analyse_dataset(pd.concat([earlier, frame], ignore_index=True))
    protected = protect(results.trust("T1", 2025))
    assert not protected.stage_hidden("band:8b-8c", "BME"), "shown in 2025 alone"
    trends = protected_trends(results, protected).set_index("Stage")
    assert trends.loc["Band 8b to band 8c", "Ratio now"] == "*", "2024's 2 would be needed"
    assert trends.loc["Band 5 to band 6", "From year"] == 2024
    assert isinstance(trends.loc["Band 5 to band 6", "Ratio now"], float)
