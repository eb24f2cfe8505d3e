"""Ratio, interval, test, flags and sentence for every stage of every organisation at once.

:func:`stage_ratios` takes the counts from :func:`wres_core.stages.stage_counts` and adds the
statistics from :func:`wres_core.statistics.disparity_statistics` (one vectorised call per ratio
kind, not a loop per organisation), p-values adjusted across each organisation-year's stages,
the range flags and a plain-English sentence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wres_core.options import NON_ADVERSE_HIGH, NON_ADVERSE_LOW, AnalysisOptions
from wres_core.sentences import stage_sentence
from wres_core.stage_result import STAGE_RESULT_COLUMNS
from wres_core.statistics import adjust_p_values, disparity_statistics


def range_verdict(ratio: np.ndarray) -> np.ndarray:
    """"adverse" above 1.25, "favourable" below 0.80, "within range" between, "not defined"."""
    ratio = np.asarray(ratio, dtype=float)
    return np.select(
        [np.isnan(ratio), ratio > NON_ADVERSE_HIGH, ratio < NON_ADVERSE_LOW],
        ["not defined", "adverse", "favourable"], default="within range").astype(object)


def stage_ratios(counts: pd.DataFrame, options: AnalysisOptions | None = None) -> pd.DataFrame:
    """Add statistics to stage counts.

    The family for the multiple-testing adjustment is one organisation, year and comparison
    group: all its recruitment, band and tier stages together. ``significant`` uses the
    adjusted p-value at ``1 - options.level``.
    """
    options = options or AnalysisOptions()
    out = counts.reset_index(drop=True).copy()
    n = len(out)
    columns = {
        "ratio": np.full(n, np.nan), "ci_low": np.full(n, np.nan), "ci_high": np.full(n, np.nan),
        "ci_method": np.full(n, "", dtype=object), "p_value": np.full(n, np.nan),
        "test": np.full(n, "", dtype=object), "small_counts": np.zeros(n, bool),
        "zero_cell": np.zeros(n, bool), "corrected": np.zeros(n, bool),
        "detectable_ratio": np.full(n, np.nan), "note": np.full(n, "", dtype=object),
    }
    # Display only (the sidebar's +0.5 option): the Haldane-corrected ratio and interval of
    # stages with a zero count, NaN elsewhere and when the option is off.
    corrected = {name: np.full(n, np.nan)
                 for name in ("corrected_ratio", "corrected_ci_low", "corrected_ci_high")}
    for kind in ("odds", "risk"):
        mask = (out["ratio_kind"] == kind).to_numpy()
        if not mask.any():
            continue
        counts_of_kind = [out.loc[mask, c].to_numpy()
                          for c in ("white_to", "white_from", "bme_to", "bme_from")]
        # The analysis never uses the +0.5 correction: bottlenecks, shares, p-values,
        # sentences and peer figures are the same with the option on or off.
        estimates = disparity_statistics(kind, *counts_of_kind, ci_method=options.ci_method,
                                         level=options.level)
        # The frame's statistic columns are named as DisparityEstimates' fields.
        for name, values in columns.items():
            values[mask] = getattr(estimates, name)
        if options.haldane:
            shown = disparity_statistics(kind, *counts_of_kind, ci_method=options.ci_method,
                                         level=options.level, haldane=True)
            for name in ("ratio", "ci_low", "ci_high"):
                corrected[f"corrected_{name}"][mask] = np.where(shown.corrected,
                                                                getattr(shown, name), np.nan)
            columns["corrected"][mask] = shown.corrected
    for name, values in {**columns, **corrected}.items():
        out[name] = values
    if options.adjust == "none" or n == 0:
        out["p_adjusted"] = out["p_value"]
    else:
        family = pd.factorize(pd.MultiIndex.from_frame(
            out[["org_code", "year", "comparison"]]))[0]
        out["p_adjusted"] = adjust_p_values(out["p_value"].to_numpy(), method=options.adjust,
                                            groups=family)
    out["verdict"] = range_verdict(out["ratio"].to_numpy())
    out["adverse"] = out["verdict"] == "adverse"
    out["favourable"] = out["verdict"] == "favourable"
    out["significant"] = (out["p_adjusted"] < options.alpha).fillna(False).astype(bool)
    out["sentence"] = stage_sentences(out, options)
    return out[list(STAGE_RESULT_COLUMNS)]


def stage_sentences(results: pd.DataFrame, options: AnalysisOptions) -> list[str]:
    """The plain-English sentence of each row of a stage-results frame (fields read by name)."""
    adjusted = options.adjust != "none"
    return [stage_sentence(row, level=options.level, adjusted=adjusted)
            for row in results.itertuples(index=False)]
