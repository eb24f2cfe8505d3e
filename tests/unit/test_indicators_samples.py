"""The synthetic scorecard files: fictional, small, reproducible, at the published levels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wres_core.synthetic_indicators import INDICATOR_FILES, write_indicator_samples

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.mark.parametrize("name", INDICATOR_FILES.values())
def test_files_are_small_and_fictional(name):
    path = SAMPLE / name
    assert path.stat().st_size < 2_000_000
    frame = pd.read_csv(path)
    organisation = frame.columns[frame.columns.str.startswith("Organisation")][0]
    assert frame[organisation].astype(str).str.startswith("SYN").all()


def test_national_indicator_3_is_about_1_1_to_1_2():
    # Domain brief: 1.14 (2021), 1.14 (2022), 1.03 (2023); the sample aims at 1.1-1.2.
    raw = pd.read_csv(SAMPLE / "national_disciplinary.csv")
    sums = raw.groupby(["Financial year", "Ethnicity"])[
        ["Entered formal disciplinary process", "Headcount"]].sum()
    rate = sums["Entered formal disciplinary process"] / sums["Headcount"]
    ratio = rate.xs("BME", level="Ethnicity") / rate.xs("White", level="Ethnicity")
    assert ratio.between(1.05, 1.3).all(), ratio


def test_national_indicator_7_is_about_49_against_59():
    raw = pd.read_csv(SAMPLE / "national_staff_survey.csv")
    latest = raw[(raw["Year"] == raw["Year"].max()) & (raw["Indicator"] == 7)]
    mean = latest.groupby("Ethnicity")["Percent"].mean()
    assert mean["BME"] == pytest.approx(49, abs=1.5)
    assert mean["White"] == pytest.approx(59, abs=1.5)


def test_generator_is_reproducible(tmp_path):
    paths = write_indicator_samples(tmp_path)
    for key, path in paths.items():
        assert path.read_bytes() == (SAMPLE / INDICATOR_FILES[key]).read_bytes(), key
