"""WRES indicators 3 and 4: relative likelihoods with the staff headcount as denominator.

* Indicator 3 -- BME staff entering the formal disciplinary process relative to White staff:
  ``(BME entering / BME headcount) / (White entering / White headcount)``.
* Indicator 4 -- White staff accessing non-mandatory training or CPD relative to BME staff:
  ``(White accessing / White headcount) / (BME accessing / BME headcount)``.

Both are oriented so that **above 1 is adverse** to ethnic minority staff (indicator 3 has BME
staff in the numerator because entering a disciplinary process is bad for the person; 4 has
White staff in the numerator because training is good for them). Each is a ratio of two
proportions (a relative risk) of the same shape as recruitment stages, so the same machinery
gives the interval and test: :func:`wres_core.statistics.disparity_statistics` with
``kind="risk"``, the *advantaged-by-the-ratio* group passed in the ``white_*`` slots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wres_core.formatting import format_interval, format_p, format_ratio, format_share
from wres_core.funnel import funnel_limits
from wres_core.options import NON_ADVERSE_HIGH, NON_ADVERSE_LOW
from wres_core.ratios import range_verdict
from wres_core.statistics import disparity_statistics, log_ratio_standard_error

#: Fewer trusts than this in a year: no peer comparison (a funnel needs a crowd).
MIN_PEERS = 10

#: The two relative-likelihood indicators: id -> (label, event words, group in numerator).
EVENT_INDICATORS = {
    "indicator:3": ("Entering the formal disciplinary process", "to enter the formal "
                    "disciplinary process", "BME"),
    "indicator:4": ("Accessing non-mandatory training or CPD", "to access non-mandatory "
                    "training or CPD", "White"),
}

#: Said with every headcount-based test: the staff are a census, not a sample.
CENSUS_NOTE = ("Headcounts are a census of the trust's staff, not a sample: the interval and "
               "test ask whether a gap this size could arise by chance if each member of staff "
               "had the same likelihood, i.e. whether the process itself looks unequal.")

RESULT_COLUMNS = ("org_code", "year", "indicator", "label", "white_events", "white_headcount",
                  "bme_events", "bme_headcount", "white_rate", "bme_rate", "ratio", "ci_low",
                  "ci_high", "ci_method", "p_value", "test", "verdict", "adverse",
                  "favourable", "significant", "rolling", "years_used", "note", "sentence")


@dataclass(frozen=True)
class EventCounts:
    """Counts for one indicator, organisation and year (or two-year window)."""

    indicator: str
    white_events: int
    white_headcount: int
    bme_events: int
    bme_headcount: int


def two_year_rolling(counts: pd.DataFrame) -> pd.DataFrame:
    """Each year's counts summed with the previous year's (the two-year rolling average).

    ``counts`` has ``org_code, year, indicator, white_events, white_headcount, bme_events,
    bme_headcount``. The rolling figure for year Y sums Y and Y-1 (events and headcounts
    separately) -- the ratio of the two-year totals, which weights each year by its
    headcount. A year whose previous year is missing keeps its own counts and says so in
    ``years_used`` (a single year).
    """
    value_columns = ["white_events", "white_headcount", "bme_events", "bme_headcount"]
    key = ["org_code", "indicator"]
    previous = counts[key + ["year"] + value_columns].copy()
    previous["year"] = previous["year"] + 1
    merged = counts.merge(previous, on=key + ["year"], how="left", suffixes=("", "_prev"))
    has_previous = merged["white_headcount_prev"].notna().to_numpy()
    for column in value_columns:
        merged[column] = (merged[column] + merged[f"{column}_prev"].fillna(0)).astype("int64")
    merged["years_used"] = np.where(has_previous,
                                    (merged["year"] - 1).astype(str) + "-"
                                    + merged["year"].astype(str),
                                    merged["year"].astype(str))
    merged["rolling"] = True
    return merged[list(counts.columns) + ["years_used", "rolling"]]


def relative_likelihoods(counts: pd.DataFrame, *, level: float = 0.95, ci_method: str = "auto",
                         rolling: bool = False) -> pd.DataFrame:
    """Indicators 3 and 4 for every row of ``counts`` in one vectorised call.

    ``counts``: ``org_code, year, indicator`` (``"indicator:3"`` or ``"indicator:4"``),
    ``white_events, white_headcount, bme_events, bme_headcount`` (integers; events are people
    entering the process, or accessing training, within the headcount). With ``rolling``,
    each year is first summed with the previous one (:func:`two_year_rolling`).

    **Method.** For indicator 3 the ratio is ``(bme_events / bme_headcount) / (white_events /
    white_headcount)``; for 4 the reverse. Interval and test as
    :func:`~wres_core.statistics.disparity_statistics` (``kind="risk"``): Katz's log interval
    for large counts, Koopman's score interval for small ones (any cell or expected count
    below 5); Pearson's chi-square or Fisher's exact test. One test per indicator: not
    adjusted. ``significant`` is ``p < 1 - level``.

    **Edge cases.** No events in the numerator group gives 0; none in the denominator group
    gives infinity (interval from the score method); no staff of a group gives NaN, with a
    note. ``verdict`` is ``"adverse"`` above 1.25, ``"favourable"`` below 0.80.

    Example: 1.2% of BME staff (12 of 1,000) against 0.7% of White staff (7 of 1,000)
    entering disciplinary gives 1.2 / 0.7 = 1.71.
    """
    counts = counts.reset_index(drop=True)
    if rolling:
        counts = two_year_rolling(counts)
    else:
        counts = counts.assign(years_used=counts["year"].astype(str), rolling=False)
    unknown = sorted(set(counts["indicator"]) - set(EVENT_INDICATORS))
    if unknown:
        raise ValueError(f"Unknown indicator {unknown[0]!r}; expected one of "
                         f"{', '.join(EVENT_INDICATORS)}.")
    bme_first = (counts["indicator"] == "indicator:3").to_numpy()
    white_events = counts["white_events"].to_numpy(np.int64)
    white_headcount = counts["white_headcount"].to_numpy(np.int64)
    bme_events = counts["bme_events"].to_numpy(np.int64)
    bme_headcount = counts["bme_headcount"].to_numpy(np.int64)
    # The group whose rate is the numerator goes in disparity_statistics' "white" slots.
    top_to = np.where(bme_first, bme_events, white_events)
    top_from = np.where(bme_first, bme_headcount, white_headcount)
    bottom_to = np.where(bme_first, white_events, bme_events)
    bottom_from = np.where(bme_first, white_headcount, bme_headcount)
    estimates = disparity_statistics("risk", top_to, top_from, bottom_to, bottom_from,
                                     ci_method=ci_method, level=level)
    out = counts[["org_code", "year", "indicator", "white_events", "white_headcount",
                  "bme_events", "bme_headcount", "rolling", "years_used"]].copy()
    out["label"] = out["indicator"].map(lambda i: EVENT_INDICATORS[i][0])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["white_rate"] = np.where(white_headcount > 0, white_events / white_headcount,
                                     np.nan)
        out["bme_rate"] = np.where(bme_headcount > 0, bme_events / bme_headcount, np.nan)
    for name in ("ratio", "ci_low", "ci_high", "ci_method", "p_value", "test", "note"):
        out[name] = getattr(estimates, name)
    out["verdict"] = range_verdict(estimates.ratio)
    out["adverse"] = out["verdict"] == "adverse"
    out["favourable"] = out["verdict"] == "favourable"
    out["significant"] = np.nan_to_num(estimates.p_value, nan=1.0) < 1 - level
    out["sentence"] = [event_sentence(row, level) for row in out.itertuples(index=False)]
    return out[list(RESULT_COLUMNS)]


def event_sentence(row, level: float = 0.95) -> str:
    """One plain-English sentence for an indicator 3 or 4 row (any object with the fields)."""
    _label, doing, first = EVENT_INDICATORS[row.indicator]
    second = "White" if first == "BME" else "BME"
    first_rate, second_rate = ((row.bme_rate, row.white_rate) if first == "BME"
                               else (row.white_rate, row.bme_rate))
    window = f" (two-year rolling, {row.years_used})" if row.rolling else ""
    if np.isnan(row.ratio):
        return (f"No ratio can be given{window}: "
                + ("there are no White or no BME staff in the headcount."
                   if not (row.white_headcount and row.bme_headcount)
                   else "neither group had anyone " + doing.removeprefix("to ") + "."))
    rates = f"{format_share(first_rate)} of {first} staff against {format_share(second_rate)} "\
            f"of {second} staff"
    interval = f"{level * 100:g}% CI {format_interval(row.ci_low, row.ci_high)}"
    if row.ratio > NON_ADVERSE_HIGH:
        word = "adverse"
    elif row.ratio < NON_ADVERSE_LOW:
        word = "favourable to BME staff"
    else:
        word = f"within the non-adverse range {NON_ADVERSE_LOW:.2f}-{NON_ADVERSE_HIGH:.2f}"
    chance = ("unlikely to be chance" if row.significant else "could be chance") + \
        f" (p {format_p(row.p_value)})"
    return (f"{first} staff were {format_ratio(row.ratio)} times as likely as {second} staff "
            f"{doing}{window} ({rates}; {interval}): {word}, and {chance}.")


def peer_position(results: pd.DataFrame, org_code: str) -> dict | None:
    """Where one trust's indicator sits among all trusts of ``results`` (one indicator, year).

    ``results`` is :func:`relative_likelihoods` output for every trust of one year. Gives the
    number of trusts, their median ratio, the trust's rank (1 = most adverse) and a funnel
    verdict as for the ladder's stages (:func:`wres_core.funnel.funnel_limits` on the log
    ratio with Katz standard errors, overdispersion-adjusted 95% limits: "significantly
    higher", "similar" or "significantly lower" than the peers). None with fewer than
    ``MIN_PEERS`` trusts or when the trust is not among them.
    """
    results = results.reset_index(drop=True)
    mine = np.flatnonzero((results["org_code"] == org_code).to_numpy())
    if len(results) < MIN_PEERS or not len(mine):
        return None
    bme_first = (results["indicator"] == "indicator:3").to_numpy()
    cols = {c: results[c].to_numpy(np.int64) for c in ("white_events", "white_headcount",
                                                       "bme_events", "bme_headcount")}
    top_to = np.where(bme_first, cols["bme_events"], cols["white_events"])
    top_from = np.where(bme_first, cols["bme_headcount"], cols["white_headcount"])
    bottom_to = np.where(bme_first, cols["white_events"], cols["bme_events"])
    bottom_from = np.where(bme_first, cols["white_headcount"], cols["bme_headcount"])
    se = log_ratio_standard_error("risk", top_to, top_from, bottom_to, bottom_from)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log(results["ratio"].to_numpy(float))
    funnel = funnel_limits(log_ratio, se)
    verdict = str(funnel.verdicts()[mine[0]]) if funnel.assessable else "not assessable"
    ratios = results["ratio"].to_numpy(float)
    finite = ratios[np.isfinite(ratios)]
    own = ratios[mine[0]]
    rank = int((finite > own).sum() + 1) if np.isfinite(own) else None
    return {"n": len(results), "median": float(np.median(finite)) if len(finite)
            else float("nan"), "rank": rank, "target": float(funnel.target_ratio),
            "verdict": verdict}
