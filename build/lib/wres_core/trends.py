"""Has the dial shifted? Each stage's ratio across years: the change and the yearly trend.

For every organisation, comparison group and stage of a multi-year result (the ``stages``
frame of :class:`wres_core.analysis.AllResults`), in one vectorised pass (groupby sums, no
loop per trust):

* **points**: the stage's ratio and interval in every year with data, with the log ratio and
  its Woolf (band and tier stages) or Katz (recruitment stages) standard error;
* **change** between two years (first and last by default): the ratio of the two ratios with
  its interval and a z-test on the log scale, Altman & Bland (2003) [1]_, through
  :func:`wres_core.statistics.ratio_change_test`;
* **slope** over three or more years: a weighted least-squares fit of log ratio on year with
  weights 1 / SE^2, so that one odd year does not decide the verdict (a small year with a wide
  interval counts for little);
* a **verdict**: "improving" (the ratio falls significantly: less adverse to ethnic minority
  staff), "worsening" (rises significantly), "no clear change", or "not assessed";
* **time to target**: the first calendar year in which the fitted line reaches 1.25 (the edge
  of the non-adverse range) and 1.0 (parity) if the pace continued, with a range from the
  slope's interval.

Stages with a zero count in a year have no finite standard error: that year is left out of
the fit and of the change test, and the ``note`` says so.

References
----------
.. [1] Altman DG, Bland JM. Interaction revisited: the difference between two estimates. BMJ
   2003;326:219. doi:10.1136/bmj.326.7382.219
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from wres_core.options import NON_ADVERSE_HIGH
from wres_core.statistics import log_ratio_standard_error, ratio_change_test

#: One trend is one organisation x comparison group x stage.
TREND_KEY = ["org_code", "comparison", "stage_id"]

IMPROVING, NO_CLEAR_CHANGE, WORSENING, NOT_ASSESSED = (
    "improving", "no clear change", "worsening", "not assessed")
TREND_VERDICTS = (IMPROVING, NO_CLEAR_CHANGE, WORSENING, NOT_ASSESSED)

#: Parity and the edge of the non-adverse range: the two targets.
PARITY = 1.0
TARGETS = {"non_adverse": NON_ADVERSE_HIGH, "parity": PARITY}

#: Years after the last year of data beyond which "at the current pace" is not given a year.
PACE_HORIZON_YEARS = 50

MIN_YEARS_FOR_SLOPE = 3

POINT_COLUMNS = ("org_code", "comparison", "stage_id", "label", "kind", "order", "year",
                 "ratio", "ci_low", "ci_high", "log_ratio", "standard_error", "usable")

SUMMARY_COLUMNS = (
    "org_code", "comparison", "stage_id", "label", "kind", "order", "n_years", "n_usable",
    "first_year", "last_year", "latest_ratio",
    "from_year", "to_year", "ratio_from", "ratio_to", "ratio_of_ratios", "change_low",
    "change_high", "change_z", "change_p", "change_verdict",
    "slope", "slope_se", "intercept", "dispersion", "factor_per_year", "factor_low",
    "factor_high", "slope_p", "slope_verdict", "verdict", "verdict_basis",
    "year_non_adverse", "year_non_adverse_earliest", "year_non_adverse_latest",
    "year_parity", "year_parity_earliest", "year_parity_latest", "note",
)


@dataclass(frozen=True, eq=False)
class StageTrends:
    """Trends of many stages: ``points`` (one row per stage and year, see POINT_COLUMNS) and
    ``summary`` (one row per organisation x comparison x stage, see SUMMARY_COLUMNS).

    ``level`` is the confidence level of every interval, tests are two-sided at 1 - level.
    """

    points: pd.DataFrame
    summary: pd.DataFrame
    level: float
    from_year: int | None
    to_year: int | None

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(int(y) for y in self.points["year"].unique()))

    def for_org(self, org_code: str) -> StageTrends:
        def pick(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["org_code"] == org_code].reset_index(drop=True)
        return StageTrends(pick(self.points), pick(self.summary), self.level, self.from_year,
                           self.to_year)


def trend_points(stages: pd.DataFrame) -> pd.DataFrame:
    """The stage rows with ``log_ratio`` and its ``standard_error`` (Woolf for odds ratios,
    Katz for relative risks, from the counts); ``usable`` is False where a zero count makes
    the standard error infinite (such years are left out of fits and change tests).

    The log ratio is taken from the counts, not from the ``ratio`` column, so that it matches
    the standard error even when a +0.5-corrected ratio is shown.
    """
    out = stages[[c for c in POINT_COLUMNS if c in stages.columns]
                 + ["ratio_kind", "white_to", "white_from", "bme_to", "bme_from"]].copy()
    se = np.full(len(out), np.nan)
    for kind in ("odds", "risk"):
        mask = (out["ratio_kind"] == kind).to_numpy()
        if mask.any():
            se[mask] = log_ratio_standard_error(
                kind, *(out.loc[mask, c].to_numpy() for c in ("white_to", "white_from",
                                                               "bme_to", "bme_from")))
    counts = {c: out[c].to_numpy(dtype=float) for c in ("white_to", "white_from", "bme_to",
                                                        "bme_from")}
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = (np.log(counts["white_to"]) + np.log(counts["bme_from"])
                     - np.log(counts["white_from"]) - np.log(counts["bme_to"]))
    usable = np.isfinite(se) & np.isfinite(log_ratio)
    out["log_ratio"] = np.where(usable, log_ratio, np.nan)
    out["standard_error"] = np.where(usable, se, np.nan)
    out["usable"] = usable
    return out.sort_values([*TREND_KEY, "year"], kind="stable")[list(POINT_COLUMNS)
                                                                ].reset_index(drop=True)


def log_ratio_change(log_to, se_to, log_from, se_from, level: float = 0.95):
    """Altman & Bland's test of the change from one ratio to another, from log ratios and
    their standard errors: :func:`wres_core.statistics.ratio_change_test` of
    exp(log_to) against exp(log_from), each with its log interval exp(log -/+ z SE), so that
    the test recovers exactly these standard errors.

    ratio of ratios = exp(log_to - log_from), SE(d) = sqrt(se_to^2 + se_from^2), z = d / SE(d).
    """
    z = -ndtri((1 - level) / 2)

    def interval(log_ratio, se) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        log_ratio, se = np.asarray(log_ratio, dtype=float), np.asarray(se, dtype=float)
        return np.exp(log_ratio), np.exp(log_ratio - z * se), np.exp(log_ratio + z * se)

    return ratio_change_test(*interval(log_to, se_to), *interval(log_from, se_from),
                             level=level)


def _change(points: pd.DataFrame, keys: pd.DataFrame, from_year: int | None,
            to_year: int | None, level: float) -> pd.DataFrame:
    """Per trend: ratio of the ``to`` year's ratio to the ``from`` year's (default: the last
    and first years with a row for that stage), Altman & Bland's z-test."""
    years = keys[TREND_KEY].copy()
    years["from_year"] = keys["first_year"] if from_year is None else from_year
    years["to_year"] = keys["last_year"] if to_year is None else to_year
    cols = TREND_KEY + ["year", "log_ratio", "standard_error", "ratio", "usable"]
    start = years.merge(points[cols].rename(columns={"year": "from_year"}),
                        on=[*TREND_KEY, "from_year"], how="left")
    end = years.merge(points[cols].rename(columns={"year": "to_year"}),
                      on=[*TREND_KEY, "to_year"], how="left")
    change = log_ratio_change(end["log_ratio"], end["standard_error"], start["log_ratio"],
                              start["standard_error"], level)
    out = years.assign(
        ratio_from=start["ratio"].to_numpy(dtype=float), ratio_to=end["ratio"].to_numpy(
            dtype=float),
        ratio_of_ratios=change.ratio, change_low=change.ci_low, change_high=change.ci_high,
        change_z=change.z, change_p=change.p_value)
    same = out["from_year"].to_numpy() == out["to_year"].to_numpy()
    for name in ("ratio_of_ratios", "change_low", "change_high", "change_z", "change_p"):
        out.loc[same, name] = np.nan
    out["from_missing"] = start["usable"].isna().to_numpy()
    out["to_missing"] = end["usable"].isna().to_numpy()
    out["change_verdict"] = _verdict(out["ratio_of_ratios"].to_numpy(dtype=float),
                                     out["change_p"].to_numpy(dtype=float), level)
    return out


def _verdict(ratio: np.ndarray, p_value: np.ndarray, level: float) -> np.ndarray:
    """improving (a ratio of ratios below 1, significant), worsening (above 1, significant),
    no clear change, or not assessed (undefined)."""
    significant = p_value < (1 - level)
    return np.select([np.isnan(ratio) | np.isnan(p_value), significant & (ratio < 1),
                      significant & (ratio > 1)],
                     [NOT_ASSESSED, IMPROVING, WORSENING], default=NO_CLEAR_CHANGE
                     ).astype(object)


def _slopes(points: pd.DataFrame, keys: pd.DataFrame, level: float) -> pd.DataFrame:
    """Weighted least squares of log ratio on year per trend (usable years only).

    With w = 1/SE^2 and weighted means x_bar, y_bar:
        b = sum w (x - x_bar)(y - y_bar) / sum w (x - x_bar)^2,   a = y_bar - b x_bar,
        SE(b)^2 = max(1, phi) / sum w (x - x_bar)^2,   phi = sum w (y - a - b x)^2 / (n - 2).
    """
    used = points[points["usable"]]
    x = used["year"].to_numpy(dtype=float)
    y = used["log_ratio"].to_numpy(dtype=float)
    w = 1 / used["standard_error"].to_numpy(dtype=float) ** 2
    # Plain arrays as keys: Series keys would align on the index, which skips unusable rows.
    groups = [used[k].to_numpy() for k in TREND_KEY]
    sums = pd.DataFrame({"n": 1, "w": w, "wx": w * x, "wy": w * y}).groupby(
        groups, sort=False).sum()
    sums["x_bar"] = sums["wx"] / sums["w"]
    sums["y_bar"] = sums["wy"] / sums["w"]
    index = pd.MultiIndex.from_arrays(groups)
    dx = x - sums["x_bar"].reindex(index).to_numpy()
    dy = y - sums["y_bar"].reindex(index).to_numpy()
    moments = pd.DataFrame({"sxx": w * dx * dx, "sxy": w * dx * dy}).groupby(
        groups, sort=False).sum()
    sums = sums.join(moments)
    fit = sums["n"] >= MIN_YEARS_FOR_SLOPE
    with np.errstate(divide="ignore", invalid="ignore"):
        sums["slope"] = np.where(fit & (sums["sxx"] > 0), sums["sxy"] / sums["sxx"], np.nan)
    sums["intercept"] = sums["y_bar"] - sums["slope"] * sums["x_bar"]
    residual = dy - sums["slope"].reindex(index).to_numpy() * dx
    rss = pd.Series(w * residual**2).groupby(groups, sort=False).sum().reindex(sums.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        sums["dispersion"] = rss.to_numpy() / (sums["n"] - 2)
        sums["slope_se"] = np.sqrt(np.maximum(1.0, sums["dispersion"]) / sums["sxx"])
    z = -ndtri((1 - level) / 2)
    sums["slope_se"] = sums["slope_se"].where(sums["slope"].notna())
    sums["dispersion"] = sums["dispersion"].where(sums["slope"].notna())
    sums["factor_per_year"] = np.exp(sums["slope"])
    sums["factor_low"] = np.exp(sums["slope"] - z * sums["slope_se"])
    sums["factor_high"] = np.exp(sums["slope"] + z * sums["slope_se"])
    sums["slope_p"] = 2 * ndtr(-np.abs(sums["slope"] / sums["slope_se"]))
    sums = sums.rename(columns={"n": "n_usable"})
    out = keys[TREND_KEY].merge(
        sums[["n_usable", "x_bar", "y_bar", "slope", "slope_se", "intercept", "dispersion",
              "factor_per_year", "factor_low", "factor_high", "slope_p"]].reset_index(
            names=TREND_KEY), on=TREND_KEY, how="left")
    out["n_usable"] = out["n_usable"].fillna(0).astype(int)
    out["slope_verdict"] = _verdict(out["factor_per_year"].to_numpy(dtype=float),
                                    out["slope_p"].to_numpy(dtype=float), level)
    return out


def pace_year(x_bar, y_bar, slope, target: float, last_year) -> np.ndarray:
    """First calendar year at or after ``last_year`` in which the fitted line
    exp(y_bar + slope (year - x_bar)) is at or below ``target``; NaN when the slope is not
    negative (flat or worsening) or the year lies more than PACE_HORIZON_YEARS ahead.

    The line through the weighted means is the same line as exp(a + b year); pivoting there
    also gives the range: the same formula with the slope's interval bounds.
    """
    x_bar, y_bar, slope, last_year = (np.asarray(v, dtype=float) for v in (x_bar, y_bar,
                                                                          slope, last_year))
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = x_bar + (np.log(target) - y_bar) / slope
    # 1e-9 keeps a crossing that is a whole year up to rounding on that year.
    year = np.maximum(np.ceil(crossing - 1e-9), last_year)
    reachable = (slope < 0) & np.isfinite(year) & (year <= last_year + PACE_HORIZON_YEARS)
    return np.where(reachable, year, np.nan)


def stage_trends(stages: pd.DataFrame, *, level: float = 0.95, from_year: int | None = None,
                 to_year: int | None = None) -> StageTrends:
    """Change, slope, verdict and time to target for every stage of every organisation.

    Parameters
    ----------
    stages
        The ``stages`` frame of :class:`~wres_core.analysis.AllResults` (any number of
        organisations and years).
    level
        Confidence level of the change's and the slope's intervals; tests at 1 - level.
    from_year, to_year
        The two years of the change (default: each stage's first and last year with data).

    The verdict comes from the slope when three or more years have a finite standard error,
    else from the change; ``verdict_basis`` says which.
    """
    if from_year is not None and to_year is not None and from_year >= to_year:
        raise ValueError(f"The change runs from an earlier year to a later one: from "
                         f"{from_year} to {to_year} is not that.")
    points = trend_points(stages)
    keys = points.groupby(TREND_KEY, sort=False).agg(
        label=("label", "last"), kind=("kind", "last"), order=("order", "last"),
        n_years=("year", "size"), first_year=("year", "min"), last_year=("year", "max"),
        latest_ratio=("ratio", "last")).reset_index()
    change = _change(points, keys, from_year, to_year, level)
    slopes = _slopes(points, keys, level)
    out = keys.merge(change, on=TREND_KEY).merge(slopes, on=TREND_KEY)
    use_slope = out["n_usable"] >= MIN_YEARS_FOR_SLOPE
    out["verdict"] = np.where(use_slope, out["slope_verdict"], out["change_verdict"])
    out["verdict_basis"] = np.select(
        [use_slope, out["change_verdict"] != NOT_ASSESSED], ["slope", "change"],
        default="none")
    for name, target in TARGETS.items():
        # The earliest year comes from the steepest fall in the slope's interval.
        slopes = {"": out["slope"], "_earliest": np.log(out["factor_low"]),
                  "_latest": np.log(out["factor_high"])}
        for suffix, slope in slopes.items():
            year = pace_year(out["x_bar"], out["y_bar"], slope, target, out["last_year"])
            out[f"year_{name}{suffix}"] = pd.array(year, dtype="Int64")
    out["note"] = _notes(out, points)
    return StageTrends(points, out[list(SUMMARY_COLUMNS)], level, from_year, to_year)


def _notes(summary: pd.DataFrame, points: pd.DataFrame) -> list[str]:
    """Why a change or slope is missing: one year only, a zero count, a year without data."""
    zero_years = (points[~points["usable"]].groupby(TREND_KEY, sort=False)["year"]
                  .agg(lambda years: ", ".join(str(int(y)) for y in years)))
    zero = zero_years.reindex(pd.MultiIndex.from_frame(summary[TREND_KEY])).to_numpy()
    notes = []
    for row, zeros in zip(summary[["n_years", "from_year", "to_year", "from_missing",
                                   "to_missing", "n_usable"]].itertuples(index=False),
                          zero):
        parts = []
        if row.n_years < 2:
            parts.append("only one year: trends need two or more years")
        if isinstance(zeros, str):
            parts.append(f"a zero count in {zeros} gives no finite standard error, so that "
                         "year is left out of the trend line and of any change test")
        if row.from_missing or row.to_missing:
            missing = [str(int(y)) for y, gone in ((row.from_year, row.from_missing),
                                                   (row.to_year, row.to_missing)) if gone]
            parts.append(f"no such stage in {' and '.join(missing)}")
        if row.n_years >= 2 and row.n_usable < MIN_YEARS_FOR_SLOPE:
            parts.append("fewer than three usable years: no trend line")
        notes.append("; ".join(parts))
    return notes


def fitted_line(summary_row: dict | pd.Series) -> pd.DataFrame:
    """The fitted trend exp(a + b year) of one summary row at each year from its first to its
    last (empty when there is no slope), for drawing beside the yearly ratios."""
    if pd.isna(summary_row["slope"]):
        return pd.DataFrame(columns=["year", "fitted"])
    years = np.arange(int(summary_row["first_year"]), int(summary_row["last_year"]) + 1)
    return pd.DataFrame({"year": years, "fitted": np.exp(
        summary_row["intercept"] + summary_row["slope"] * years)})


def peer_median_by_year(stages: pd.DataFrame, codes: tuple[str, ...], stage_id: str,
                        comparison: str) -> pd.DataFrame:
    """The peer group's median ratio (and quartiles, and the number of peers) per year for
    one stage, the trust itself included, as a reference line beside the trust's trend.

    Peers whose ratio is not defined that year are left out; infinite ratios count (they sort
    above every finite one).
    """
    rows = stages[(stages["stage_id"] == stage_id) & (stages["comparison"] == comparison)
                  & stages["org_code"].isin(codes)]
    rows = rows[rows["ratio"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=["year", "median", "q1", "q3", "n"])
    grouped = rows.groupby("year")["ratio"]
    out = pd.DataFrame({"median": grouped.median(), "q1": grouped.quantile(0.25),
                        "q3": grouped.quantile(0.75), "n": grouped.size()})
    return out.reset_index()
