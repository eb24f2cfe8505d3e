"""Who is in each band: White, BME and unknown headcounts and the BME share with its interval.

The BME share of a band is BME / (White + BME): staff whose ethnicity is unknown are left out of
the share, as in WRES, but counted and shown beside it (``unknown_share`` = unknown / all staff
in the band), because a band where a fifth of staff have no recorded ethnicity cannot support a
confident share. The interval is Wilson's score interval (Wilson 1927; recommended by Newcombe
1998 over the simple Wald interval, which fails for small counts and shares near 0 or 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres_core.bands import AFC_BANDS, MEDICAL_GRADES
from wres_core.statistics import wilson_interval

REPRESENTATION_COLUMNS = ("org_code", "year", "band", "white", "bme", "unknown", "total",
                          "bme_share", "ci_low", "ci_high", "unknown_share")


def _ethnicity_counts(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """White, BME, unknown and total headcount per ``keys``."""
    counts = table.groupby([*keys, "ethnicity"], observed=True)["headcount"].sum().unstack(
        "ethnicity", fill_value=0)
    frame = pd.DataFrame({
        name.lower(): counts[name] if name in counts.columns else 0
        for name in ("White", "BME", "Unknown")
    }, index=counts.index).reset_index()
    frame["total"] = frame["white"] + frame["bme"] + frame["unknown"]
    return frame


def _with_shares(frame: pd.DataFrame, level: float) -> pd.DataFrame:
    known = frame["white"] + frame["bme"]
    interval = wilson_interval(frame["bme"].to_numpy(), known.to_numpy(), level=level)
    with np.errstate(invalid="ignore", divide="ignore"):
        unknown_share = frame["unknown"].to_numpy() / frame["total"].to_numpy()
    return frame.assign(bme_share=interval.proportion, ci_low=interval.low,
                        ci_high=interval.high, unknown_share=unknown_share)


def band_representation(workforce: pd.DataFrame, *, level: float = 0.95,
                        staff_group: str | None = None,
                        include_medical: bool = True) -> pd.DataFrame:
    """Headcounts and BME share per organisation x year x band.

    Bands come in ladder order; AfC bands with nobody in them are left out; medical grades
    follow the ladder when ``include_medical``. ``staff_group`` restricts AfC bands to
    ``"Clinical"`` or ``"Non-clinical"`` staff (medical grades are always medical staff).
    """
    bands = list(AFC_BANDS) + (list(MEDICAL_GRADES) if include_medical else [])
    table = workforce[workforce["band"].isin(bands)]
    if staff_group is not None:
        table = table[(table["staff_group"] == staff_group) | table["band"].isin(MEDICAL_GRADES)]
    frame = _ethnicity_counts(table, ["org_code", "year", "band"])
    frame = frame[frame["total"] > 0]
    frame = frame.sort_values(["org_code", "year", "band"], kind="stable")
    return _with_shares(frame.reset_index(drop=True), level)[list(REPRESENTATION_COLUMNS)]


def overall_representation(workforce: pd.DataFrame, *, level: float = 0.95,
                           staff_group: str | None = None,
                           afc_only: bool = True) -> pd.DataFrame:
    """The same figures for the whole organisation (AfC staff only by default, since the
    share is compared with the share in each AfC band)."""
    bands = list(AFC_BANDS) if afc_only else list(AFC_BANDS) + list(MEDICAL_GRADES)
    table = workforce[workforce["band"].isin(bands)]
    if staff_group is not None:
        table = table[table["staff_group"] == staff_group]
    frame = _ethnicity_counts(table, ["org_code", "year"])
    frame["band"] = "All AfC bands" if afc_only else "All staff"
    return _with_shares(frame, level)[list(REPRESENTATION_COLUMNS)]
