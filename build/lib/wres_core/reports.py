"""What leaves the tool: display tables, CSV downloads and the CLI's JSON document.

Calculations always use exact counts. Every CSV goes through the one disclosure rule of
:mod:`wres_core.exports.disclosure` (counts from 1 to 7 shown as ``*``, with everything that
would reveal them) and through formula-injection neutralising (:mod:`wres_core.exports.safe_text`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wres_core.analysis import TrustAnalysis
from wres_core.bands import DEFAULT_TIERS, TierDefinition, band_label
from wres_core.exports.disclosure import (
    DEFAULT_THRESHOLD,
    RATIO_INPUT_COLUMNS,
    DisclosureRule,
    cell_table,
    suppress_cells,
)
from wres_core.exports.protected import ProtectedAnalysis, protect_stage_table
from wres_core.exports.safe_text import neutralise_frame
from wres_core.formatting import format_interval, format_p_value, format_ratio, format_share
from wres_core.options import ADJUSTMENT_LABELS, NON_ADVERSE_HIGH
from wres_core.stage_result import EXPORT_COLUMNS, HEADINGS, NUMERIC_EXPORT_COLUMNS

COUNT_COLUMNS = RATIO_INPUT_COLUMNS
SUPPRESSION_MAX = DEFAULT_THRESHOLD    # the one threshold: wres_core.exports.disclosure



def _display_headings() -> dict[str, str]:
    """The stage first, then StageResult's headings in field order, with the interval (two
    fields shown as one) after the ratio."""
    headings = {"label": HEADINGS["label"]}
    for name, heading in HEADINGS.items():
        headings.setdefault(name, heading)
        if name == "ratio":
            headings["interval"] = "Interval"
    return headings


#: Stage table column -> heading shown to people.
DISPLAY_HEADINGS = _display_headings()
CORRECTED_HEADING = {"corrected_ratio": "+0.5-corrected ratio (display only)"}


def _formatted_stages(stage_table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a stage table with the ratio, interval, p-values and flags as people read
    them (one place for every on-screen stage table)."""
    table = stage_table.copy()
    table["interval"] = [format_interval(a, b) for a, b in zip(table["ci_low"],
                                                               table["ci_high"])]
    table["ratio"] = [format_ratio(v) for v in table["ratio"]]
    table["p_value"] = [format_p_value(v) for v in table["p_value"]]
    table["p_adjusted"] = [format_p_value(v) for v in table["p_adjusted"]]
    table["detectable_ratio"] = [format_ratio(v) for v in table["detectable_ratio"]]
    table["significant"] = table["significant"].map({True: "yes", False: "no"})
    return table


def stage_display_table(stage_table: pd.DataFrame) -> pd.DataFrame:
    """The stage table as people read it: formatted ratio, interval and p-values."""
    table = _formatted_stages(stage_table)
    columns = list(DISPLAY_HEADINGS)
    if table["corrected"].any():
        # The +0.5 option is display-only: the corrected figure sits beside the real ratio.
        table["corrected_ratio"] = [
            f"{format_ratio(r)} ({format_interval(lo, hi)})" if shown else ""
            for shown, r, lo, hi in zip(table["corrected"], table["corrected_ratio"],
                                        table["corrected_ci_low"], table["corrected_ci_high"])]
        columns.insert(columns.index("interval") + 1, "corrected_ratio")
    return table[columns].rename(columns={**DISPLAY_HEADINGS, **CORRECTED_HEADING})


def stage_table_csv(stage_table: pd.DataFrame, *, suppress: bool = True,
                    rule: DisclosureRule | None = None,
                    representation: pd.DataFrame | None = None,
                    overall: pd.DataFrame | None = None,
                    tiers: TierDefinition = DEFAULT_TIERS) -> bytes:
    """The stage table as CSV (UTF-8 with BOM, so Excel reads it).

    With ``suppress`` (the default) it goes through the one disclosure rule of every export
    (:mod:`wres_core.exports.disclosure`): counts from 1 to ``rule.threshold`` and the counts
    that would reveal them by subtraction are ``*``, and so is every figure computed from
    them. Pass the trust's ``representation``, ``overall`` and ``tiers`` so that the sums
    across tables are protected too. Text cells are neutralised against formula injection.
    """
    table = stage_table
    if suppress:
        rule = rule or DisclosureRule()
        hidden = suppress_cells(cell_table(stage_table, representation, overall, tiers), rule)
        table, _ = protect_stage_table(stage_table, hidden, rule)
    return csv_bytes(table[list(EXPORT_COLUMNS)])


def csv_bytes(table: pd.DataFrame) -> bytes:
    """Any exported table as CSV: UTF-8 with BOM, text cells neutralised (OWASP)."""
    return neutralise_frame(table).to_csv(index=False).encode("utf-8-sig")


# --- JSON ------------------------------------------------------------------------------


def _number(value: Any, notes: list[str], name: str) -> float | int | None:
    """JSON has no inf or nan: they become null, with a note saying what they were."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
        return int(value)
    value = float(value)
    if math.isnan(value):
        notes.append(f"{name} is not defined")
        return None
    if math.isinf(value):
        notes.append(f"{name} is {'infinite' if value > 0 else 'minus infinity'}")
        return None
    return value


def _record(row: dict, numeric: tuple[str, ...], other: tuple[str, ...]) -> dict:
    notes: list[str] = []
    out: dict[str, Any] = {}
    for key in other:
        value = row[key]
        out[key] = value.item() if hasattr(value, "item") else value
    for key in numeric:
        out[key] = _number(row[key], notes, key)
    existing = row.get("note") or ""
    if notes:
        # "...undefined with a zero count; ratio is infinite; ci_high is infinite", not "count.;"
        out["note"] = "; ".join(filter(None, [existing.rstrip().rstrip("."), *notes]))
    else:
        out["note"] = existing
    return out


# The JSON names a stage by "id"; organisation and year are the document's; the note is
# written by _record (with what an infinite or undefined number was).
STAGE_JSON_NUMBERS = tuple(c for c in NUMERIC_EXPORT_COLUMNS if c != "year")
STAGE_JSON_TEXT = ("id", *(c for c in EXPORT_COLUMNS if c not in NUMERIC_EXPORT_COLUMNS
                           and c not in ("org_code", "stage_id", "note")))


def analysis_to_json(analysis: TrustAnalysis, data_quality: dict | None = None,
                     peers: dict[tuple[str, str], dict] | None = None,
                     trends: dict[tuple[str, str], dict] | None = None) -> dict:
    """The JSON document of one trust and year (see the README's CLI section).

    ``peers`` maps (stage id, comparison) to the stage's peer summary, added as ``peers``;
    ``trends`` maps it to extra keys (``trend``, ``change``, ``slope``, ``targets``: see
    :func:`stage_trend_json`) merged into the stage's record.
    """
    stages = []
    for row in analysis.stage_table.to_dict("records"):
        row = {**row, "id": row["stage_id"]}
        record = _record(row, STAGE_JSON_NUMBERS, STAGE_JSON_TEXT)
        record["adverse"] = bool(record["adverse"])
        record["significant"] = bool(record["significant"])
        if peers is not None:
            record["peers"] = peers.get((row["stage_id"], row["comparison"]))
        if trends is not None:
            record.update(trends.get((row["stage_id"], row["comparison"]), {}))
        stages.append(record)
    representation = [
        _record({**r, "band": str(r["band"])},
                ("white", "bme", "unknown", "bme_share", "ci_low", "ci_high", "unknown_share"),
                ("band",))
        for r in analysis.representation.to_dict("records")
    ]
    bottlenecks = []
    for b in analysis.bottlenecks:
        record = _record(
            {"id": b.stage_id, "label": b.label, "comparison": b.comparison,
             "ratio": b.ratio, "ci_low": b.ci_low, "ci_high": b.ci_high,
             "p_adjusted": b.p_adjusted, "contribution": b.contribution,
             "adverse_share": b.adverse_share,
             "ladder_ratio": b.ladder_ratio, "recruitment_id": b.recruitment_stage_id,
             "flagged_ids": list(b.flagged_stage_ids), "headline": b.headline,
             "detail": b.detail, "sentence": b.sentence},
            ("ratio", "ci_low", "ci_high", "p_adjusted", "contribution", "adverse_share",
             "ladder_ratio"),
            ("id", "label", "comparison", "recruitment_id", "flagged_ids", "headline", "detail",
             "sentence"))
        bottlenecks.append(record)
    return {
        "org": {"code": analysis.org.code, "name": analysis.org.name,
                "region": analysis.org.region, "type": analysis.org.type},
        "year": analysis.year or None,   # None: the files hold no year (schema.YEAR_NOT_GIVEN)
        "options": {"groups": analysis.options.groups,
                    "staff_group": analysis.options.staff_group,
                    "ci_method": analysis.options.ci_method, "level": analysis.options.level,
                    "adjust": analysis.options.adjust,
                    "tiers": analysis.options.tiers.describe()},
        "representation": representation,
        "stages": stages,
        "bottleneck": bottlenecks[0] if bottlenecks else None,
        "bottlenecks": bottlenecks,
        "has_recruitment": analysis.has_recruitment,
        "data_quality": data_quality or {},
    }


# --- significance, trends and targets ------------------------------------------------------

FISHER_TEST = "Fisher's exact"
PEARSON_TEST = "Pearson chi-square"


def test_reasons(stage_table: pd.DataFrame, ci_method: str) -> list[str]:
    """Why each stage's test was chosen, in plain words (the rule is in
    :func:`wres_core.statistics.disparity_statistics`)."""
    reasons = []
    for test in stage_table["test"]:
        if test == FISHER_TEST and ci_method == "exact":
            reasons.append("exact methods were chosen for every stage (sidebar)")
        elif test == FISHER_TEST:
            reasons.append("small numbers (a count, or a count expected by chance, below 5): "
                           "the exact test makes no large-sample approximation")
        elif test == PEARSON_TEST:
            reasons.append("numbers large enough for the chi-square approximation to be "
                           "accurate")
        else:
            reasons.append("not tested: a group has no one at the lower step")
    return reasons


SIGNIFICANCE_HEADINGS = {
    "label": "Stage", "comparison": "Group", "white_from": "White from", "white_to": "White to",
    "bme_from": "Group from", "bme_to": "Group to", "ratio": "Ratio", "interval": "Interval",
    "ci_method": "Interval method", "p_value": "p", "p_adjusted": "Adjusted p",
    "test": "Test", "why": "Why this test", "verdict": "Range", "significant": "Significant",
    "detectable_ratio": "Smallest detectable ratio", "sentence": "In plain English",
}


def significance_display_table(stage_table: pd.DataFrame, options: Any) -> pd.DataFrame:
    """Every stage with its counts, ratio, interval (method and level), p and adjusted p,
    the test and why, the range verdict, the smallest detectable ratio and the sentence."""
    table = _formatted_stages(stage_table)
    table["why"] = test_reasons(stage_table, options.ci_method)
    headings = dict(SIGNIFICANCE_HEADINGS)
    headings["interval"] = f"{options.level_percent} interval"
    headings["p_adjusted"] = f"Adjusted p ({ADJUSTMENT_LABELS[options.adjust]})"
    return table[list(headings)].rename(columns=headings)


TREND_HEADINGS = {
    "label": "Stage", "comparison": "Group", "n_years": "Years", "latest_ratio": "Latest ratio",
    "change": "Change", "change_interval": "Change interval", "change_p": "Change p",
    "factor": "Trend per year", "factor_interval": "Trend interval", "slope_p": "Trend p",
    "verdict": "Verdict", "note": "Note",
}


def trend_display_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per stage: the change between the two years (ratio of ratios), the yearly trend
    (factor per year) with intervals and p-values, and the verdict."""
    out = summary.sort_values(["comparison", "order"], kind="stable").copy()
    out["latest_ratio"] = [format_ratio(v) for v in out["latest_ratio"]]
    out["change"] = [f"x{format_ratio(v)} ({int(a)} to {int(b)})" if not pd.isna(v) else "-"
                     for v, a, b in zip(out["ratio_of_ratios"], out["from_year"],
                                        out["to_year"])]
    out["change_interval"] = [format_interval(a, b) if not pd.isna(a) else "-"
                              for a, b in zip(out["change_low"], out["change_high"])]
    out["change_p"] = [format_p_value(v) if not pd.isna(v) else "-" for v in out["change_p"]]
    out["factor"] = [f"x{format_ratio(v)}" if not pd.isna(v) else "-"
                     for v in out["factor_per_year"]]
    out["factor_interval"] = [format_interval(a, b) if not pd.isna(a) else "-"
                              for a, b in zip(out["factor_low"], out["factor_high"])]
    out["slope_p"] = [format_p_value(v) if not pd.isna(v) else "-" for v in out["slope_p"]]
    return out[list(TREND_HEADINGS)].rename(columns=TREND_HEADINGS)


def _year_text(year: Any) -> str:
    return "not at this pace" if year is None or pd.isna(year) else str(int(year))


TARGET_HEADINGS = {
    "label": "Stage", "comparison": "Group", "ratio": "Ratio", "to_non_adverse_people":
    "More needed for 1.25", "to_parity_people": "More needed for parity",
    "target_what": "Counted as", "target_note": "Note",
}


def target_display_table(targets: pd.DataFrame) -> pd.DataFrame:
    """Per stage: extra ethnic minority people (or appointments) for 1.25 and for parity,
    rounded up (see :mod:`wres_core.targets`)."""
    out = targets.sort_values(["comparison", "order"], kind="stable").copy()
    out["ratio"] = [format_ratio(v) for v in out["ratio"]]
    for column in ("to_non_adverse_people", "to_parity_people"):
        out[column] = [f"{int(v):,}" if not pd.isna(v) else "-" for v in out[column]]
    out["target_what"] = ["more " + w if w == "appointments" else "more ethnic minority " + w
                          for w in out["target_what"]]
    return out[list(TARGET_HEADINGS)].rename(columns=TARGET_HEADINGS)


PACE_HEADINGS = {
    "label": "Stage", "comparison": "Group", "latest_ratio": "Latest ratio",
    "factor": "Trend per year", "non_adverse": "Reaches 1.25", "non_adverse_range": "Range",
    "parity": "Reaches parity", "parity_range": "Range ",
}


def pace_display_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per stage: the year the fitted trend reaches 1.25 and 1.0 at the current pace, with
    the range from the slope's interval ("not at this pace" when flat or worsening; "already
    there" when the latest ratio is at or below the target)."""
    out = summary.sort_values(["comparison", "order"], kind="stable").copy()
    out["latest_ratio_value"] = out["latest_ratio"].astype(float)
    out["latest_ratio"] = [format_ratio(v) for v in out["latest_ratio"]]
    out["factor"] = [f"x{format_ratio(v)}" if not pd.isna(v) else "-"
                     for v in out["factor_per_year"]]
    for name, target in (("non_adverse", NON_ADVERSE_HIGH), ("parity", 1.0)):
        # A stage already at or below the target in its latest year needs no pace.
        met = out["latest_ratio_value"] <= target
        out[name] = np.where(met, "already there",
                             [_year_text(v) for v in out[f"year_{name}"]])
        out[f"{name}_range"] = np.where(met, "-", [
            f"{_year_text(a)} to {_year_text(b)}" if not pd.isna(a) else "-"
            for a, b in zip(out[f"year_{name}_earliest"], out[f"year_{name}_latest"])])
    return out[list(PACE_HEADINGS)].rename(columns=PACE_HEADINGS)


WHAT_IF_HEADINGS = {
    "label": "Stage", "comparison": "Group", "actual_ratio": "Actual ratio",
    "actual_interval": "Actual interval", "actual_verdict": "Actual range",
    "new_ratio_text": "What-if ratio", "new_interval": "What-if interval",
    "new_verdict": "What-if range", "new_significant_text": "What-if significant",
}


def what_if_display_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """The what-if's stages beside the actual ones (changed stages only first)."""
    out = comparison.copy()
    out["actual_ratio"] = [format_ratio(v) for v in out["ratio"]]
    out["actual_interval"] = [format_interval(a, b) for a, b in zip(out["ci_low"],
                                                                    out["ci_high"])]
    out["actual_verdict"] = out["verdict"]
    out["new_ratio_text"] = [format_ratio(v) for v in out["new_ratio"]]
    out["new_interval"] = [format_interval(a, b) for a, b in zip(out["new_ci_low"],
                                                                 out["new_ci_high"])]
    out["new_significant_text"] = out["new_significant"].map({True: "yes", False: "no"})
    return out[list(WHAT_IF_HEADINGS)].rename(columns=WHAT_IF_HEADINGS)




def _json_number(value: Any, notes: list[str], name: str) -> float | int | None:
    """A float, int or None for JSON (pandas NA and NaN become None, with a note)."""
    if value is None or value is pd.NA:
        notes.append(f"{name} is not defined")
        return None
    return _number(value, notes, name)


def _json_year(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def stage_trend_json(trends: Any, targets: pd.DataFrame, year_count: int
                     ) -> dict[tuple[str, int], dict[tuple[str, str], dict]]:
    """Per (org, year), then per (stage id, comparison): the ``trend``, ``change``, ``slope`` and
    ``targets`` keys of the stage's JSON record (see the README's CLI section).

    ``trends`` is a :class:`wres_core.trends.StageTrends` of the same stages, ``targets`` the
    frame of :func:`wres_core.targets.stage_targets`. ``trend`` and ``change`` appear when the
    files hold two or more years (``year_count``), ``slope`` with three or more; ``targets``
    always (its years are null without a slope). Built once for every organisation, with
    plain dictionaries, so that ``--all`` stays fast.
    """
    key = ["org_code", "comparison", "stage_id"]
    per_trend: dict[tuple[str, str, str], dict] = {}
    if year_count >= 2:
        # Plain lists, one pass: a groupby over thousands of stages costs seconds.
        points = trends.points
        columns = [points[c].tolist() for c in (*key, "year")]
        values = [[_finite_or_none(v) for v in points[c].to_numpy(dtype=float)]
                  for c in ("ratio", "ci_low", "ci_high")]
        for org, comparison, stage, year, ratio, low, high in zip(*columns, *values):
            per_trend.setdefault((org, comparison, stage), {"trend": []})["trend"].append(
                {"year": int(year), "ratio": ratio, "ci_low": low, "ci_high": high})
    for row in trends.summary.to_dict("records"):
        out = per_trend.setdefault((row["org_code"], row["comparison"], row["stage_id"]), {})
        out["_years"] = {"year_non_adverse": _json_year(row["year_non_adverse"]),
                         "year_parity": _json_year(row["year_parity"])}
        if year_count >= 2:
            notes: list[str] = []
            change = {"from_year": int(row["from_year"]), "to_year": int(row["to_year"])}
            for name, column in (("ratio_of_ratios", "ratio_of_ratios"),
                                 ("ci_low", "change_low"), ("ci_high", "change_high"),
                                 ("p_value", "change_p")):
                change[name] = _json_number(row[column], notes, name)
            change["verdict"] = row["change_verdict"]
            change["note"] = "; ".join(filter(None, [row["note"]] + notes)) if notes else ""
            out["change"] = change
        if year_count >= 3:
            notes = []
            slope = {}
            for name, column in (("factor_per_year", "factor_per_year"),
                                 ("ci_low", "factor_low"), ("ci_high", "factor_high"),
                                 ("p_value", "slope_p")):
                slope[name] = _json_number(row[column], notes, name)
            slope["verdict"] = row["slope_verdict"]
            slope["years_used"] = int(row["n_usable"])
            slope["note"] = "; ".join(filter(None, [row["note"]] + notes)) if notes else ""
            out["slope"] = slope
    documents: dict[tuple[str, int], dict[tuple[str, str], dict]] = {}
    columns = ["org_code", "year", "comparison", "stage_id", "to_parity", "to_non_adverse",
               "target_unit", "target_note"]
    latest = trends.summary.set_index(key)["last_year"].to_dict() if len(trends.summary) else {}
    for org, year, comparison, stage, parity, non_adverse, unit, note in targets[
            columns].itertuples(index=False, name=None):
        extra = per_trend.get((org, comparison, stage), {})
        record = {k: v for k, v in extra.items() if not k.startswith("_")}
        years = extra.get("_years", {"year_non_adverse": None, "year_parity": None})
        if latest.get((org, comparison, stage)) != year:
            # The pace is measured to the last year of data; from an earlier year's counts
            # it would mix two years.
            years = {"year_non_adverse": None, "year_parity": None}
        record["targets"] = {"to_parity": _finite_or_none(parity),
                             "to_non_adverse": _finite_or_none(non_adverse), **years,
                             "unit": unit, "note": note}
        documents.setdefault((org, int(year)), {})[(stage, comparison)] = record
    return documents


def _finite_or_none(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


# --- peer comparison ---------------------------------------------------------------------

PEER_HEADINGS = {
    "label": "Stage", "comparison": "Group", "ratio": "Ratio", "interval": "Interval",
    "median": "Peer median",
    "quartiles": "Peer quartiles", "rank": "Rank (1 = most adverse)", "percentile": "Percentile",
    "pooled": "Pooled peers", "target": "Funnel target", "limits_95": "95% limits",
    "limits_998": "99.8% limits", "verdict": "Against peers",
}


def peer_display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The peer comparison as people read it."""
    out = table.copy()
    out["interval"] = [format_interval(a, b) for a, b in zip(out["ci_low"], out["ci_high"])]
    out["quartiles"] = [format_interval(a, b) for a, b in zip(out["q1"], out["q3"])]
    out["limits_95"] = [format_interval(a, b) for a, b in zip(out["low95"], out["high95"])]
    out["limits_998"] = [format_interval(a, b) for a, b in zip(out["low998"], out["high998"])]
    out["rank"] = [f"{r} of {n}" if r is not None and not pd.isna(r) else "-"
                   for r, n in zip(out["rank"], out["n"])]
    out["percentile"] = [f"{p:.0f}" if not pd.isna(p) else "-" for p in out["percentile"]]
    for column in ("ratio", "median", "pooled", "target"):
        out[column] = [format_ratio(v) for v in out[column]]
    return out[list(PEER_HEADINGS)].rename(columns=PEER_HEADINGS)


def peer_table_csv(table: pd.DataFrame, group: object, *, synthetic: bool,
                   protected: ProtectedAnalysis | None = None) -> bytes:
    """The peer comparison as CSV; says in every row when the peers are synthetic. With
    ``protected`` (the trust's protected view), the trust's own figures are hidden for every
    stage whose counts are hidden."""
    out = protected.peers(table) if protected is not None else table.copy()
    out.insert(0, "peer_group", getattr(group, "description", ""))
    out.insert(1, "peers_are_synthetic", synthetic)
    return csv_bytes(out)


# --- headline figures and representation tables for the funnel page ---------------------


@dataclass(frozen=True)
class Headline:
    """One headline figure: a label, the value as text, and the explanation behind it."""

    label: str
    value: str
    explanation: str
    detail: str = ""     # one short line under the figure, e.g. its interval
    kind: str = "share"  # "share" (of staff) or "ratio" (a stage's disparity ratio)


def headline_figures(analysis: TrustAnalysis, comparison: str | None = None) -> list[Headline]:
    """BME share, unknown share, the lower-to-upper tier ratio and indicator 2 (when there).

    The two ratios are those of ``comparison`` (a detailed group when each group is compared
    with White; by default the first group analysed).
    """
    figures = []
    if len(analysis.overall):
        row = analysis.overall.iloc[0]
        known = int(row["white"] + row["bme"])
        figures.append(Headline(
            "BME share of AfC staff", format_share(row["bme_share"]),
            f"{int(row['bme']):,} BME of {known:,} staff with known ethnicity (Wilson interval "
            f"{format_share(row['ci_low'])} to {format_share(row['ci_high'])}).",
            f"{int(row['bme']):,} of {known:,} with known ethnicity"))
        figures.append(Headline(
            "Ethnicity unknown", format_share(row["unknown_share"]),
            f"{int(row['unknown']):,} of {int(row['total']):,} AfC staff; left out of every "
            "ratio.", "left out of every ratio"))
    stages = analysis.stage_table
    if comparison is None and len(stages):
        comparison = stages["comparison"].iloc[0]
    stages = stages[stages["comparison"] == comparison]
    level = analysis.options.level_percent
    for stage_id, label in (("tier:lower-upper", "Lower to upper tier"),
                            ("recruitment:shortlisted-appointed", "Appointed from shortlisting")):
        match = stages[stages["stage_id"] == stage_id]
        if len(match):
            row = match.iloc[0]
            significance = "significant" if row["significant"] else "not significant"
            figures.append(Headline(
                label + ("" if row["comparison"] == "BME" else f" ({row['comparison']})"),
                format_ratio(row["ratio"]),
                f"{level} CI {format_interval(row['ci_low'], row['ci_high'])}. "
                f"{row['sentence']}",
                f"{level} CI {format_interval(row['ci_low'], row['ci_high'])}; "
                f"{row['verdict']}, {significance}", kind="ratio"))
    return figures


REPRESENTATION_HEADINGS = {
    "band": "Band or grade", "white": "White", "bme": "BME", "unknown": "Unknown",
    "bme_share": "BME share", "interval": "Interval", "unknown_share": "Unknown share",
}


def representation_display_table(representation: pd.DataFrame,
                                 bands: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Headcounts and shares per band as people read them (optionally some bands only)."""
    rep = representation
    if bands is not None:
        rep = rep[rep["band"].astype(str).isin(bands)]
    out = rep.assign(
        band=[band_label(str(b)) for b in rep["band"]],
        bme_share=[format_share(v) for v in rep["bme_share"]],
        interval=[f"{format_share(a)} to {format_share(b)}"
                  for a, b in zip(rep["ci_low"], rep["ci_high"])],
        unknown_share=[format_share(v) for v in rep["unknown_share"]])
    return out[list(REPRESENTATION_HEADINGS)].rename(columns=REPRESENTATION_HEADINGS)
