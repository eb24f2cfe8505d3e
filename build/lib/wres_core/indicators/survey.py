"""WRES indicators 5 to 8: NHS Staff Survey percentages by ethnicity, and their difference.

For each indicator the survey gives the percentage of BME and of White respondents answering
a question a given way, with the number of respondents. The gap is the difference of two
independent proportions in percentage points, BME minus White, with Newcombe's hybrid score
interval. The adverse direction is said in words: for 5, 6 and 8 (harassment, bullying or
abuse; discrimination) a *higher* BME percentage is adverse; for 7 (believing the trust
provides equal opportunities for career progression or promotion) a *lower* one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from wres_core.formatting import format_p
from wres_core.statistics import wilson_interval


@dataclass(frozen=True)
class SurveyIndicator:
    """One survey indicator: its label and whether a higher BME percentage is adverse."""

    id: str
    label: str
    short: str
    higher_is_adverse: bool


SURVEY_INDICATORS = {
    "indicator:5": SurveyIndicator(
        "indicator:5", "Harassment, bullying or abuse from patients, relatives or the public "
        "in the last 12 months", "Harassment from the public", True),
    "indicator:6": SurveyIndicator(
        "indicator:6", "Harassment, bullying or abuse from staff in the last 12 months",
        "Harassment from staff", True),
    "indicator:7": SurveyIndicator(
        "indicator:7", "Believing the trust provides equal opportunities for career "
        "progression or promotion", "Equal opportunities for progression", False),
    "indicator:8": SurveyIndicator(
        "indicator:8", "Discrimination at work from a manager, team leader or colleague in "
        "the last 12 months", "Discrimination from a manager or colleague", True),
}

SAMPLE_NOTE = ("Survey respondents are a sample of staff (those who replied), so the interval "
               "is about sampling; it cannot correct for who chose to reply.")


@dataclass(frozen=True, eq=False)
class ProportionDifference:
    """Differences ``p1 - p2`` of independent proportions with their intervals (arrays)."""

    p1: np.ndarray
    p2: np.ndarray
    difference: np.ndarray
    low: np.ndarray
    high: np.ndarray
    level: float

    def confidence_interval(self) -> tuple[np.ndarray, np.ndarray]:
        return self.low, self.high


def newcombe_difference(x1, n1, x2, n2, level: float = 0.95) -> ProportionDifference:
    """Newcombe's hybrid score interval for ``p1 - p2`` (method 10 of Newcombe 1998 [1]_).

    **Method.** With ``(l1, u1)`` and ``(l2, u2)`` the Wilson score intervals of ``p1 = x1/n1``
    and ``p2 = x2/n2`` (:func:`~wres_core.statistics.wilson_interval`) and ``d = p1 - p2``:

        low  = d - sqrt((p1 - l1)^2 + (u2 - p2)^2),
        high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).

    It stays inside [-1, 1], is not degenerate when a proportion is 0 or 1, and has coverage
    close to nominal for small samples (Newcombe's comparison of eleven methods).

    **Edge cases.** ``n = 0`` in either group gives NaN. Invalid counts raise ``ValueError``
    (from :func:`wilson_interval`).

    Examples
    --------
    Newcombe (1998) Table II, example (a): 56/70 against 48/80, interval 0.0524 to 0.3339.

    >>> ci = newcombe_difference(56, 70, 48, 80)
    >>> round(float(ci.low[0]), 4), round(float(ci.high[0]), 4)
    (0.0524, 0.3339)

    References
    ----------
    .. [1] Newcombe RG. Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Stat Med 1998;17:873-890.
    """
    first = wilson_interval(x1, n1, level)
    second = wilson_interval(x2, n2, level)
    p1, p2 = first.proportion, second.proportion
    d = p1 - p2
    low = d - np.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    high = d + np.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return ProportionDifference(p1=p1, p2=p2, difference=d, low=low, high=high, level=level)


def two_proportion_p(x1, n1, x2, n2) -> np.ndarray:
    """Two-sided p-value of the pooled z test of ``p1 = p2`` (Pearson's chi-square, 1 df).

    NaN when a group has no respondents or the pooled proportion is 0 or 1.
    """
    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (x1 / n1 - x2 / n2) / se
    # ndtr (the normal CDF) rather than scipy.stats: the CLI starts without scipy.stats.
    return np.where(se > 0, 2 * ndtr(-np.abs(z)), np.nan)


SURVEY_COLUMNS = ("org_code", "year", "indicator", "label", "bme_percent", "white_percent",
                  "bme_respondents", "white_respondents", "difference_points", "ci_low",
                  "ci_high", "p_value", "higher_is_adverse", "verdict", "adverse",
                  "favourable", "significant", "sentence", "note")


def survey_indicators(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Indicators 5-8 for every organisation, year and indicator of ``table``.

    ``table`` has ``org_code, year, indicator, bme_percent, white_percent, bme_respondents,
    white_respondents`` (percentages 0-100 as published). The number answering is taken as
    ``round(percent x respondents / 100)``. ``difference_points`` and the interval are BME
    minus White in percentage points. ``verdict`` is ``"adverse"`` when the interval lies
    wholly on the adverse side of 0, ``"favourable"`` when wholly on the other, else ``"no
    clear difference"``; ``adverse`` follows the point difference's side, as the WRES does.
    """
    table = table.reset_index(drop=True)
    bme_n = table["bme_respondents"].to_numpy(np.int64)
    white_n = table["white_respondents"].to_numpy(np.int64)
    bme_x = np.rint(table["bme_percent"].to_numpy(float) * bme_n / 100).astype(np.int64)
    white_x = np.rint(table["white_percent"].to_numpy(float) * white_n / 100).astype(np.int64)
    diff = newcombe_difference(bme_x, bme_n, white_x, white_n, level)
    out = table[["org_code", "year", "indicator", "bme_percent", "white_percent",
                 "bme_respondents", "white_respondents"]].copy()
    out["label"] = out["indicator"].map(lambda i: SURVEY_INDICATORS[i].label)
    higher = out["indicator"].map(lambda i: SURVEY_INDICATORS[i].higher_is_adverse).to_numpy(
        bool)
    out["higher_is_adverse"] = higher
    # The published percentages, not the rounded counts, give the point difference.
    out["difference_points"] = table["bme_percent"].to_numpy(float) - table[
        "white_percent"].to_numpy(float)
    out["ci_low"] = diff.low * 100
    out["ci_high"] = diff.high * 100
    out["p_value"] = two_proportion_p(bme_x, bme_n, white_x, white_n)
    sign = np.where(higher, 1.0, -1.0)  # +1: a positive difference is adverse
    adverse_low = np.where(higher, out["ci_low"], -out["ci_high"])
    adverse_high = np.where(higher, out["ci_high"], -out["ci_low"])
    out["verdict"] = np.select(
        [np.isnan(out["ci_low"]), adverse_low > 0, adverse_high < 0],
        ["not defined", "adverse", "favourable"], default="no clear difference").astype(object)
    out["adverse"] = (out["difference_points"] * sign) > 0
    out["favourable"] = (out["difference_points"] * sign) < 0
    out["significant"] = np.nan_to_num(out["p_value"].to_numpy(float), nan=1.0) < 1 - level
    out["note"] = np.where((bme_n == 0) | (white_n == 0),
                           "no respondents in one group: no difference can be given", "")
    out["sentence"] = [survey_sentence(r, level) for r in out.itertuples(index=False)]
    return out[list(SURVEY_COLUMNS)]


def survey_sentence(row, level: float = 0.95) -> str:
    """Plain English for one survey indicator row."""
    info = SURVEY_INDICATORS[row.indicator]
    if np.isnan(row.ci_low):
        return f"{info.short}: no difference can be given ({row.note})."
    direction = "higher" if row.difference_points > 0 else "lower"
    if row.difference_points == 0:
        direction = "the same"
    adverse_words = ("a higher BME percentage is adverse" if info.higher_is_adverse
                     else "a lower BME percentage is adverse")
    verdict = {"adverse": "adverse to BME staff", "favourable": "favourable to BME staff",
               "no clear difference": "the interval includes no difference"}[row.verdict]
    points = abs(row.difference_points)
    gap = (f"{points:.1f} points {direction}" if row.difference_points else "no different")
    return (f"{info.short}: {row.bme_percent:.1f}% of BME respondents against "
            f"{row.white_percent:.1f}% of White respondents, {gap} for BME staff "
            f"({level * 100:g}% CI {row.ci_low:+.1f} to {row.ci_high:+.1f} points; "
            f"p {format_p(row.p_value)}); {adverse_words}: {verdict}.")
