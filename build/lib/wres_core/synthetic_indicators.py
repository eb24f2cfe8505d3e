"""Seeded synthetic sample files for the scorecard: disciplinary, training, staff survey,
board and pay. Everything is invented; the trusts are the fictional ``SYN001``-``SYN215`` of
:mod:`wres_core.synthetic`, with headcounts from its workforce.

Levels follow the published national picture (see docs and ``/sample_data/README.md``):

* indicator 3 (BME / White likelihood of entering a formal disciplinary process) about
  1.1-1.2 nationally, with about 1% of White staff entering each year;
* indicator 4 (White / BME likelihood of accessing non-mandatory training) about 1.1;
* staff survey: equal opportunities for progression (indicator 7) believed by about 49% of BME
  and 59% of White respondents; harassment and discrimination higher for BME respondents;
* boards: about 14 voting members, the BME share rising from about 10% (2020) to 16.5% (2024);
* pay: a staff-level extract for one trust with a "Basic Hourly Rate" from the AfC 2024/25
  pay points (BME staff a little more often at a band's entry point), medical and VSM pay
  invented.

Run ``python -m wres_core.synthetic_indicators [DIR]`` to write the files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from wres_core.indicators.pay_gap import ANNUAL_HOURS, afc_pay_points
from wres_core.synthetic import (
    DEFAULT_SEED,
    SNAPSHOT_YEAR,
    generate_organisations,
    generate_workforce,
    sample_trusts,
)

INDICATOR_FILES = {
    "disciplinary": "national_disciplinary.csv",
    "training": "national_training.csv",
    "survey": "national_staff_survey.csv",
    "board": "national_board.csv",
    "pay": "trust_pay_extract.csv",
}

#: National targets by year.
TARGET_DISCIPLINARY_RATIO = {2020: 1.22, 2021: 1.16, 2022: 1.15, 2023: 1.12, 2024: 1.12}
WHITE_DISCIPLINARY_RATE = 0.010
TARGET_TRAINING_RATIO = 1.10
WHITE_TRAINING_RATE = 0.55
#: Survey (BME %, White %) by indicator, for the latest year; earlier years drift a little.
SURVEY_LEVELS = {5: (30.0, 27.5), 6: (28.5, 23.0), 7: (49.0, 59.0), 8: (16.5, 6.5)}
SURVEY_RESPONSE_RATE = 0.45
BOARD_BME_SHARE = {2020: 0.10, 2021: 0.126, 2022: 0.132, 2023: 0.156, 2024: 0.165}
#: Invented annual pay ranges (pounds) for grades not on Agenda for Change.
OTHER_PAY = {"VSM": (125_000, 190_000), "Consultant": (105_000, 140_000),
             "Specialty doctor": (55_000, 90_000), "Trainee doctor": (36_000, 70_000),
             "Other medical": (45_000, 85_000)}


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, 13, *keys])


def _headcounts(workforce: pd.DataFrame) -> pd.DataFrame:
    """White, BME and Unknown headcounts per trust and year (all staff groups)."""
    table = workforce.pivot_table(index=["org_code", "org_name", "year"], columns="ethnicity",
                                  values="headcount", aggfunc="sum", fill_value=0)
    return table.reindex(columns=["White", "BME", "Unknown"], fill_value=0).reset_index()


def _event_file(heads: pd.DataFrame, seed: int, key: int, white_rate: float,
                ratio_by_year: dict[int, float], bme_numerator: bool, column: str
                ) -> pd.DataFrame:
    rng = _rng(seed, key)
    rows = []
    for org, name, year, white, bme, unknown in heads.itertuples(index=False):
        trust_ratio = ratio_by_year[int(year)] * float(np.exp(rng.normal(0, 0.2)))
        trust_white = min(white_rate * float(np.exp(rng.normal(0, 0.15))), 0.85)
        bme_rate = trust_white * trust_ratio if bme_numerator else trust_white / trust_ratio
        rates = {"White": trust_white, "BME": min(bme_rate, 0.95),
                 "Unknown": trust_white}
        for group, staff in (("White", white), ("BME", bme), ("Unknown", unknown)):
            rows.append((org, name, f"{int(year) - 1}/{str(int(year))[2:]}", group,
                         int(staff), int(rng.binomial(int(staff), min(rates[group], 0.95)))))
    return pd.DataFrame(rows, columns=["Organisation code", "Organisation name",
                                       "Financial year", "Ethnicity", "Headcount", column])


def generate_disciplinary(workforce: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Staff entering a formal disciplinary process, by trust, year and ethnicity."""
    return _event_file(_headcounts(workforce), seed, 3, WHITE_DISCIPLINARY_RATE,
                       TARGET_DISCIPLINARY_RATIO, True, "Entered formal disciplinary process")


def generate_training(workforce: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Staff accessing non-mandatory training or CPD, by trust, year and ethnicity."""
    ratios = dict.fromkeys(TARGET_DISCIPLINARY_RATIO, TARGET_TRAINING_RATIO)
    return _event_file(_headcounts(workforce), seed, 4, WHITE_TRAINING_RATE, ratios, False,
                       "Accessed non-mandatory training")


def generate_survey(workforce: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Staff survey indicators 5-8: percentage and respondents by ethnicity (long table)."""
    rng = _rng(seed, 5)
    rows = []
    latest = max(TARGET_DISCIPLINARY_RATIO)
    for org, name, year, white, bme, _unknown in _headcounts(workforce).itertuples(
            index=False):
        # "Year" is the WRES reporting year; the survey ran in the autumn before it.
        drift = (latest - int(year)) * 0.4
        trust_effect = rng.normal(0, 2.0)
        for indicator, (bme_level, white_level) in SURVEY_LEVELS.items():
            sign = -1 if indicator == 7 else 1
            levels = {"BME": bme_level + sign * drift + trust_effect + rng.normal(0, 2.5),
                      "White": white_level + trust_effect + rng.normal(0, 1.5)}
            for group, staff in (("BME", bme), ("White", white)):
                respondents = int(rng.binomial(int(staff), SURVEY_RESPONSE_RATE))
                p = float(np.clip(levels[group], 1, 99)) / 100
                answering = int(rng.binomial(respondents, p)) if respondents else 0
                percent = round(100 * answering / respondents, 1) if respondents else 0.0
                rows.append((org, name, int(year), indicator, group, percent, respondents))
    return pd.DataFrame(rows, columns=["Organisation code", "Organisation name", "Year",
                                       "Indicator", "Ethnicity", "Percent", "Respondents"])


def generate_board(workforce: pd.DataFrame, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Board members by trust, year, role, voting and ethnicity (counts)."""
    rng = _rng(seed, 9)
    heads = _headcounts(workforce)
    rows = []
    for org, name, year, white, bme, _unknown in heads.itertuples(index=False):
        workforce_share = bme / max(white + bme, 1)
        # Boards are less diverse than their workforce, more so where the workforce is diverse.
        p = float(np.clip(BOARD_BME_SHARE[int(year)] * (0.5 + 2.2 * workforce_share)
                          * np.exp(rng.normal(0, 0.3)), 0.0, 0.9))
        for role, voting, size in (("Executive", "Yes", 7), ("Non-executive", "Yes", 7),
                                   ("Executive", "No", 2)):
            n = int(size + rng.integers(-1, 2))
            unknown = int(rng.binomial(n, 0.03))
            bme_members = int(rng.binomial(n - unknown, p))
            for group, count in (("White", n - unknown - bme_members), ("BME", bme_members),
                                 ("Not stated", unknown)):
                if count:
                    rows.append((org, name, int(year), role, voting, group, count))
    return pd.DataFrame(rows, columns=["Organisation code", "Organisation name", "Year",
                                       "Role", "Voting", "Ethnicity", "Count"])


def generate_pay_extract(workforce: pd.DataFrame, org_code: str, seed: int = DEFAULT_SEED
                         ) -> pd.DataFrame:
    """A staff-level pay extract for one trust's latest year, with a Basic Hourly Rate."""
    rng = _rng(seed, 10)
    rows = workforce[(workforce["org_code"] == org_code)
                     & (workforce["year"] == workforce["year"].max())]
    points = afc_pay_points()
    out = []
    number = 20_000_000
    org_label = f"{org_code} {rows['org_name'].iloc[0]}"
    for band, ethnicity, group, count in rows[["band", "ethnicity", "ethnic_group",
                                               "headcount"]].itertuples(index=False):
        band = str(band)
        band_points = points.loc[points["band"] == band, "annual_pay"].to_numpy(float)
        for _ in range(int(count)):
            if len(band_points):
                # BME staff a little more often on the entry point (shorter time in band).
                weights = np.ones(len(band_points))
                weights[0] += 0.6 if ethnicity == "BME" else 0.0
                annual = float(rng.choice(band_points, p=weights / weights.sum()))
            else:
                low, high = OTHER_PAY.get(band, (40_000, 80_000))
                annual = float(rng.uniform(low, high))
                if ethnicity == "BME":
                    annual *= 0.97
            number += 1
            label = {"White": "A White - British", "BME": _bme_label(group),
                     "Unknown": "Z Not Stated"}[ethnicity]
            out.append((str(number), org_label, _band_text(band), label,
                        round(annual / ANNUAL_HOURS, 2), "31/03/2024"))
    frame = pd.DataFrame(out, columns=["Assignment Number", "Organisation", "Pay Band",
                                       "Ethnic Origin", "Basic Hourly Rate", "Snapshot Date"])
    return frame.sample(frac=1.0, random_state=int(rng.integers(0, 2**31))).reset_index(
        drop=True)


def _bme_label(group: str) -> str:
    return {"Mixed": "D Mixed - White & Black Caribbean", "Asian": "H Asian or Asian British "
            "- Indian", "Black": "N Black or Black British - African",
            "Other": "S Any Other Ethnic Group"}.get(group, "S Any Other Ethnic Group")


def _band_text(band: str) -> str:
    if band == "VSM":
        return "Very Senior Manager"
    return f"Band {band}" if band[0].isdigit() else band


def write_indicator_samples(directory: str | Path, seed: int = DEFAULT_SEED
                            ) -> dict[str, Path]:
    """Write the five scorecard sample files into ``directory``; returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    workforce = generate_workforce(seed=seed)
    orgs = generate_organisations(seed=seed)
    esr_code, _template = sample_trusts(orgs)
    assert workforce["year"].max() == SNAPSHOT_YEAR
    frames = {"disciplinary": generate_disciplinary(workforce, seed),
              "training": generate_training(workforce, seed),
              "survey": generate_survey(workforce, seed),
              "board": generate_board(workforce, seed),
              "pay": generate_pay_extract(workforce, esr_code, seed)}
    paths = {}
    for key, frame in frames.items():
        paths[key] = directory / INDICATOR_FILES[key]
        frame.to_csv(paths[key], index=False, lineterminator="\n", encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for path in write_indicator_samples(argv[0] if argv else "sample_data").values():
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
