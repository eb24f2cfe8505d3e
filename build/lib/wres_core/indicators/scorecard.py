"""The WRES scorecard: the nine indicators and the ethnicity pay gap of one trust and year.

:func:`build_scorecard` assembles, from the trust's ladder analysis
(:class:`~wres_core.analysis.TrustAnalysis`) and whatever scorecard files are loaded:

1. representation across the AfC bands: the lower-to-upper tier ratio (and BME shares);
2. appointment from shortlisting (the recruitment stage of the analysis);
3. and 4. the relative likelihoods of :mod:`~wres_core.indicators.relative_likelihood`;
5. to 8. the staff survey differences of :mod:`~wres_core.indicators.survey`;
9. the board of :mod:`~wres_core.indicators.board`;

and the pay gap of :mod:`~wres_core.indicators.pay_gap` (from the pay file, or estimated from
AfC pay points when there is none). Each item has its figure, interval, verdict and, when the
previous year is loaded, a trend in words and an arrow. An indicator with no data says what
file would give it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wres_core.analysis import TrustAnalysis
from wres_core.formatting import format_interval, format_ratio, format_share
from wres_core.indicators.board import board_indicator
from wres_core.indicators.pay_gap import PayGapResult, afc_implied_staff, gap_verdict, pay_gap
from wres_core.indicators.relative_likelihood import (
    CENSUS_NOTE,
    EVENT_INDICATORS,
    peer_position,
    relative_likelihoods,
)
from wres_core.indicators.survey import SAMPLE_NOTE, SURVEY_INDICATORS, survey_indicators

#: Indicator number -> (short label, the file that provides it when it is missing).
INDICATOR_LABELS = {
    "indicator:1": ("Representation across AfC bands (lower to upper tier)",
                    "a workforce file"),
    "indicator:2": ("Appointed from shortlisting", "a recruitment file"),
    "indicator:3": (EVENT_INDICATORS["indicator:3"][0], "a disciplinary file"),
    "indicator:4": (EVENT_INDICATORS["indicator:4"][0], "a training (CPD) file"),
    **{k: (v.short, "a staff survey file") for k, v in SURVEY_INDICATORS.items()},
    "indicator:9": ("Board BME share minus workforce BME share", "a board file"),
}
#: Short names for a card or a column heading (the full label is in INDICATOR_LABELS).
SHORT_LABELS = {
    "indicator:1": "Representation (tiers)", "indicator:2": "Appointed from shortlist",
    "indicator:3": "Disciplinary", "indicator:4": "Training / CPD",
    "indicator:5": "Harassment: public", "indicator:6": "Harassment: staff",
    "indicator:7": "Equal opportunities", "indicator:8": "Discrimination",
    "indicator:9": "Board vs workforce",
}
RATIO_CHANGE = 0.05     # a ratio that moves by less than 5% is "about the same"
POINTS_CHANGE = 1.0     # survey and board: less than 1 point is "about the same"


@dataclass(frozen=True)
class ScorecardItem:
    """One line of the scorecard."""

    id: str                  # "indicator:1" ... "indicator:9"
    label: str
    kind: str                # "ratio", "difference" (points), "missing"
    value: float             # ratio, or difference in percentage points
    ci_low: float
    ci_high: float
    p_value: float
    verdict: str             # "adverse", "within range", "favourable", "no clear difference"..
    adverse: bool
    figure: str              # the value as shown
    interval: str            # the interval as shown
    sentence: str
    trend: str = ""          # "worse", "better", "about the same" or "" (no previous year)
    previous: float = math.nan
    fields: dict = field(default_factory=dict, hash=False, compare=False)  # JSON extras
    note: str = ""

    @property
    def number(self) -> str:
        return self.id.removeprefix("indicator:")

    @property
    def short_label(self) -> str:
        return SHORT_LABELS[self.id]

    @property
    def arrow(self) -> str:
        """An arrow for the trend in the adverse direction: up is worse for BME staff."""
        return {"worse": "↑ worse", "better": "↓ better", "about the same": "→ same"}.get(
            self.trend, "")

    def confidence_interval(self) -> tuple[float, float]:
        return self.ci_low, self.ci_high


@dataclass(frozen=True, eq=False)
class Scorecard:
    org_code: str
    org_name: str
    year: int
    level: float
    items: tuple[ScorecardItem, ...]
    pay_gap: PayGapResult | None
    pay_gap_previous: float = math.nan
    notes: tuple[str, ...] = ()

    def item(self, indicator: str) -> ScorecardItem:
        for item in self.items:
            if item.id == indicator:
                return item
        raise KeyError(indicator)


def _trend(now: float, before: float, *, ratio: bool, higher_is_worse: bool = True) -> str:
    if any(map(lambda v: v is None or not math.isfinite(v), (now, before))):
        return ""
    change = (math.log(now / before) if ratio and now > 0 and before > 0 else now - before)
    threshold = math.log(1 + RATIO_CHANGE) if ratio else POINTS_CHANGE
    if abs(change) < threshold:
        return "about the same"
    return "worse" if (change > 0) == higher_is_worse else "better"


def _missing(indicator: str, why: str | None = None) -> ScorecardItem:
    label, source = INDICATOR_LABELS[indicator]
    text = why or f"Not available: load {source} to add it."
    return ScorecardItem(indicator, label, "missing", math.nan, math.nan, math.nan, math.nan,
                         "not available", False, "-", "", text, note=text)


def _stage_item(indicator: str, analysis: TrustAnalysis, stage_id: str,
                previous: TrustAnalysis | None) -> ScorecardItem:
    table = analysis.stage_table
    rows = table[table["stage_id"] == stage_id]
    if rows.empty:
        return _missing(indicator)
    stage = analysis.stage(stage_id, str(rows["comparison"].iloc[0]))
    before = math.nan
    if previous is not None:
        earlier = previous.stage_table
        earlier = earlier[(earlier["stage_id"] == stage_id)
                          & (earlier["comparison"] == stage.comparison)]
        if len(earlier):
            before = float(earlier["ratio"].iloc[0])
    fields = {name: getattr(stage, name) for name in (
        "comparison", "white_from", "white_to", "bme_from", "bme_to", "ci_method", "p_adjusted",
        "test", "significant", "verdict", "detectable_ratio")}
    fields["stage_id"] = stage_id
    if indicator == "indicator:1" and len(analysis.overall):
        fields["bme_share"] = float(analysis.overall["bme_share"].iloc[0])
    label = INDICATOR_LABELS[indicator][0]
    return ScorecardItem(indicator, label, "ratio", stage.ratio, stage.ci_low, stage.ci_high,
                         stage.p_value, stage.verdict, bool(stage.adverse),
                         format_ratio(stage.ratio), format_interval(stage.ci_low, stage.ci_high),
                         stage.sentence, _trend(stage.ratio, before, ratio=True), before,
                         fields, stage.note)


def _for_trust(table: pd.DataFrame | None, org_code: str) -> pd.DataFrame | None:
    """The trust's rows; a file with no organisation column (code "") counts as the trust's."""
    if table is None or table.empty:
        return None
    rows = table[(table["org_code"] == org_code) | (table["org_code"] == "")]
    return rows if len(rows) else None


def _in_year(rows: pd.DataFrame | None, year: int) -> pd.DataFrame | None:
    """Rows of ``year``; rows whose year is not stated (-1) count as that year."""
    if rows is None:
        return None
    rows = rows.assign(year=rows["year"].where(rows["year"] >= 0, year))
    return rows


def workforce_headcounts(workforce: pd.DataFrame, org_code: str) -> pd.DataFrame:
    """White and BME headcounts per year of one trust, all staff groups (for 3, 4 and 9)."""
    rows = workforce[workforce["org_code"] == org_code]
    table = rows.pivot_table(index="year", columns="ethnicity", values="headcount",
                             aggfunc="sum", fill_value=0)
    return table.reindex(columns=["White", "BME"], fill_value=0)


def _event_items(events: pd.DataFrame | None, heads: pd.DataFrame, org_code: str, year: int,
                 level: float, rolling: bool) -> list[ScorecardItem]:
    rows = _in_year(_for_trust(events, org_code), year)
    items = []
    for indicator in ("indicator:3", "indicator:4"):
        mine = None if rows is None else rows[rows["indicator"] == indicator].copy()
        if mine is None or mine.empty or year not in set(mine["year"]):
            items.append(_missing(indicator))
            continue
        notes = [CENSUS_NOTE]
        for group in ("white", "bme"):
            column = f"{group}_headcount"
            missing = mine[column].isna()
            if missing.any():
                source = heads["White" if group == "white" else "BME"]
                mine.loc[missing, column] = mine.loc[missing, "year"].map(source)
                notes.insert(0, "Headcounts taken from the workforce file loaded beside it.")
        mine = mine.dropna(subset=["white_headcount", "bme_headcount"])
        if mine.empty or year not in set(mine["year"]):
            items.append(_missing(indicator, "Not available: the file has no headcount and "
                                  "the workforce file has none for this year."))
            continue
        mine["org_code"] = org_code
        mine = mine.astype({"white_headcount": "int64", "bme_headcount": "int64"})
        results = relative_likelihoods(mine, level=level, rolling=rolling).set_index("year")
        row = results.loc[year]
        before = float(results.loc[year - 1, "ratio"]) if year - 1 in results.index else math.nan
        fields = {name: (row[name].item() if hasattr(row[name], "item") else row[name])
                  for name in ("white_events", "white_headcount", "bme_events",
                               "bme_headcount", "white_rate", "bme_rate", "ci_method", "test",
                               "significant", "verdict", "rolling", "years_used")}
        peers = _event_peers(events, indicator, code=org_code, year=year, level=level,
                             rolling=rolling)
        fields["peers"] = peers
        sentence = str(row["sentence"])
        if peers is not None:
            sentence += (f" Against the {peers['n']} trusts in the files (median "
                         f"{format_ratio(peers['median'])}) it ranks {peers['rank']} (1 = most "
                         f"adverse); on a funnel plot it is {peers['verdict']}"
                         + (" to its peers." if peers["verdict"] == "similar"
                            else " than its peers." if peers["verdict"].startswith(
                                ("significantly", "strongly")) else "."))
        items.append(ScorecardItem(
            indicator, INDICATOR_LABELS[indicator][0], "ratio", float(row["ratio"]),
            float(row["ci_low"]), float(row["ci_high"]), float(row["p_value"]),
            str(row["verdict"]), bool(row["adverse"]), format_ratio(row["ratio"]),
            format_interval(row["ci_low"], row["ci_high"]), sentence,
            _trend(float(row["ratio"]), before, ratio=True), before, fields,
            " ".join(filter(None, [str(row["note"]), *notes]))))
    return items


def _event_peers(events: pd.DataFrame, indicator: str, *, code: str, year: int, level: float,
                 rolling: bool) -> dict | None:
    """The trust's indicator among every trust of the events table with headcounts."""
    rows = events[(events["indicator"] == indicator) & (events["org_code"] != "")]
    rows = rows.dropna(subset=["white_headcount", "bme_headcount"])
    rows = rows[rows["year"].isin([year, year - 1] if rolling else [year])]
    if rows["org_code"].nunique() < 2:
        return None
    rows = rows.astype({"white_headcount": "int64", "bme_headcount": "int64"})
    everyone = relative_likelihoods(rows, level=level, rolling=rolling)
    return peer_position(everyone[everyone["year"] == year], code)


def _points(value: float) -> str:
    return "not defined" if not math.isfinite(value) else f"{value:+.1f} pts"


def _survey_items(survey: pd.DataFrame | None, org_code: str, year: int, level: float
                  ) -> list[ScorecardItem]:
    rows = _in_year(_for_trust(survey, org_code), year)
    results = (survey_indicators(rows.assign(org_code=org_code), level)
               if rows is not None and len(rows) else None)
    items = []
    for indicator, info in SURVEY_INDICATORS.items():
        mine = None if results is None else results[results["indicator"] == indicator]
        if mine is None or year not in set(mine["year"]):
            items.append(_missing(indicator))
            continue
        mine = mine.set_index("year")
        row = mine.loc[year]
        before = (float(mine.loc[year - 1, "difference_points"]) if year - 1 in mine.index
                  else math.nan)
        fields = {name: (row[name].item() if hasattr(row[name], "item") else row[name])
                  for name in ("bme_percent", "white_percent", "bme_respondents",
                               "white_respondents", "difference_points", "higher_is_adverse",
                               "significant")}
        fields["adverse_direction"] = ("higher for BME staff is adverse" if
                                       info.higher_is_adverse else
                                       "lower for BME staff is adverse")
        items.append(ScorecardItem(
            indicator, info.short, "difference", float(row["difference_points"]),
            float(row["ci_low"]), float(row["ci_high"]), float(row["p_value"]),
            str(row["verdict"]), bool(row["adverse"]),
            _points(float(row["difference_points"])),
            f"{row['ci_low']:+.1f} to {row['ci_high']:+.1f} pts", str(row["sentence"]),
            _trend(float(row["difference_points"]), before, ratio=False,
                   higher_is_worse=info.higher_is_adverse), before, fields,
            " ".join(filter(None, [str(row["note"]), SAMPLE_NOTE]))))
    return items


def _board_item(board: pd.DataFrame | None, heads: pd.DataFrame, org_code: str, year: int,
                level: float) -> ScorecardItem:
    rows = _in_year(_for_trust(board, org_code), year)
    if rows is None or year not in set(rows["year"]) or year not in heads.index:
        return _missing("indicator:9")

    def for_year(y: int):
        share = heads.loc[y, "BME"] / max(heads.loc[y, "White"] + heads.loc[y, "BME"], 1)
        return board_indicator(rows[rows["year"] == y], float(share), org_code=org_code,
                               year=y, level=level)

    result = for_year(year)
    before = (for_year(year - 1).difference_points
              if year - 1 in set(rows["year"]) and year - 1 in heads.index else math.nan)
    fields = {"board_share": result.voting.share, "workforce_share": result.workforce_share,
              "difference_points": result.difference_points,
              "voting_bme": result.voting.bme, "voting_white": result.voting.white,
              "executive_share": result.executive.share,
              "executive_bme": result.executive.bme, "executive_white": result.executive.white,
              "non_executive_share": result.non_executive.share,
              "non_executive_bme": result.non_executive.bme,
              "non_executive_white": result.non_executive.white}
    verdict = "adverse" if result.difference_points < 0 else "not adverse"
    return ScorecardItem(
        "indicator:9", INDICATOR_LABELS["indicator:9"][0], "difference",
        result.difference_points, result.ci_low, result.ci_high, math.nan, verdict,
        result.adverse, _points(result.difference_points),
        f"{result.ci_low:+.1f} to {result.ci_high:+.1f} pts", result.sentence,
        # Lower (more negative) is worse for indicator 9.
        _trend(result.difference_points, before, ratio=False, higher_is_worse=False), before,
        fields, "; ".join(filter(None, [result.note, "The workforce share is a census (all "
                                        "staff groups); the interval is the board share's "
                                        "Wilson interval."])))


def _bottleneck_step(analysis: TrustAnalysis) -> tuple[str, str] | None:
    bottleneck = analysis.bottleneck
    if bottleneck and bottleneck.stage_id and bottleneck.stage_id.startswith("band:"):
        return bottleneck.stage_id, bottleneck.label
    return None


def trust_pay_gap(analysis: TrustAnalysis, workforce: pd.DataFrame, pay: pd.DataFrame | None,
                  level: float = 0.95) -> tuple[PayGapResult | None, str]:
    """The trust's pay gap from its pay rows, or estimated from AfC pay points; and a note."""
    rows = _in_year(_for_trust(pay, analysis.org.code), analysis.year)
    step = _bottleneck_step(analysis)
    if rows is not None:
        year_rows = rows[rows["year"] == analysis.year]
        note = ""
        if year_rows.empty:
            latest = int(rows["year"].max())
            year_rows = rows[rows["year"] == latest]
            note = f"Pay from {latest}: the pay file has no rows for {analysis.year}."
        try:
            return pay_gap(year_rows, level=level, bottleneck=step), note
        except ValueError as error:
            return None, str(error)
    staff = afc_implied_staff(workforce[(workforce["org_code"] == analysis.org.code)
                                        & (workforce["year"] == analysis.year)])
    try:
        result = pay_gap(staff, level=level, bottleneck=step, estimate=True,
                         basis="estimated from Agenda for Change pay points by band")
    except ValueError as error:
        return None, str(error)
    left_out = staff.attrs.get("left_out", 0)
    return result, (f"{left_out:,} staff on medical or VSM pay left out of the estimate."
                    if left_out else "")


def build_scorecard(analysis: TrustAnalysis, workforce: pd.DataFrame, *,
                    events: pd.DataFrame | None = None, survey: pd.DataFrame | None = None,
                    board: pd.DataFrame | None = None, pay: pd.DataFrame | None = None,
                    previous: TrustAnalysis | None = None, rolling: bool = False,
                    with_pay_gap: bool = True) -> Scorecard:
    """The nine indicators and the pay gap of ``analysis``'s trust and year.

    ``workforce`` is the clean workforce table (headcounts for 3, 4 and 9 when the files
    have none; the AfC estimate of the pay gap). ``events``, ``survey``, ``board`` and
    ``pay`` are the tables of :class:`~wres_core.indicators.readers.IndicatorFile` (several
    files concatenated); ``previous`` is the same trust's analysis a year earlier, for the
    trend of indicators 1 and 2. ``rolling`` gives 3 and 4 as two-year rolling figures.
    """
    level = analysis.options.level
    code, year = analysis.org.code, analysis.year
    heads = workforce_headcounts(workforce, code)
    items = [_stage_item("indicator:1", analysis, "tier:lower-upper", previous),
             _stage_item("indicator:2", analysis, "recruitment:shortlisted-appointed",
                         previous),
             *_event_items(events, heads, code, year, level, rolling),
             *_survey_items(survey, code, year, level),
             _board_item(board, heads, code, year, level)]
    gap, note = trust_pay_gap(analysis, workforce, pay, level) if with_pay_gap else (None, "")
    return Scorecard(code, analysis.org.name, year, level, tuple(items), gap,
                     notes=tuple(filter(None, [note])))


# --- JSON -----------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def indicator_record(item: ScorecardItem) -> dict:
    """One indicator as the CLI's JSON writes it (``null`` for undefined numbers)."""
    record = {"id": item.id, "label": item.label, "kind": item.kind,
              "available": item.kind != "missing"}
    if item.kind == "ratio":
        record.update(ratio=item.value, ci_low=item.ci_low, ci_high=item.ci_high,
                      p_value=item.p_value)
    elif item.kind == "difference":
        record.update(ci_low=item.ci_low, ci_high=item.ci_high, p_value=item.p_value)
    record.update(item.fields)
    record.update(verdict=item.verdict, adverse=item.adverse, trend=item.trend or None,
                  previous=item.previous, sentence=item.sentence, note=item.note)
    return _json_value(record)


def pay_gap_record(result: PayGapResult | None) -> dict | None:
    """The pay gap as the CLI's JSON writes it (gaps as fractions of White pay)."""
    if result is None:
        return None
    record = {
        "estimate": result.estimate, "basis": result.basis,
        "mean_gap": result.mean_gap, "median_gap": result.median_gap,
        "mean_ci": list(result.mean_ci), "median_ci": list(result.median_ci),
        "level": result.level, "bootstrap": {"resamples": result.n_bootstrap,
                                             "seed": result.seed},
        "white_n": result.white_n, "bme_n": result.bme_n, "unknown_n": result.unknown_n,
        "white_mean": result.white_mean, "bme_mean": result.bme_mean,
        "white_median": result.white_median, "bme_median": result.bme_median,
        "explained_by_bands": result.explained_by_bands, "within_bands": result.within_bands,
        "by_band": [vars(band) for band in result.by_band],
        "quartiles": [vars(q) for q in result.quartiles],
        "bottleneck": vars(result.bottleneck) if result.bottleneck else None,
        "sentence": result.sentence, "note": result.note,
    }
    return _json_value(record)


SCORECARD_TABLE_COLUMNS = ("#", "Indicator", "Figure", "Interval", "Verdict", "Trend")


def scorecard_table(scorecard: Scorecard) -> pd.DataFrame:
    """The scorecard as one table of text, one row per indicator and one for the pay gap.

    Figures: ratios (1-4), BME minus White in points (5-9), the mean pay gap as a share of
    White pay. Trend: the change on the previous year in words, with an arrow (up = worse for
    BME staff), blank when that year is not loaded.
    """
    rows = [(item.number, item.short_label, item.figure, item.interval, item.verdict,
             item.arrow) for item in scorecard.items]
    gap = scorecard.pay_gap
    if gap is None:
        rows.append(("Pay", "Pay gap (mean)", "-", "", "not available", ""))
    else:
        rows.append(("Pay", "Pay gap (mean, estimate)" if gap.estimate else "Pay gap (mean)",
                     format_share(gap.mean_gap),
                     f"{format_share(gap.mean_ci[0])} to {format_share(gap.mean_ci[1])}",
                     gap_verdict(gap.mean_gap), ""))
    return pd.DataFrame(rows, columns=list(SCORECARD_TABLE_COLUMNS))


def scorecard_text(scorecard: Scorecard) -> str:
    """The scorecard as lines of text for the CLI."""
    lines = [f"WRES scorecard {scorecard.year} ({scorecard.level * 100:g}% intervals)", ""]
    header = f"{'#':<3}{'Indicator':<46}{'Figure':>18}  {'Interval':<22}{'Verdict':<20}Trend"
    lines += [header, "-" * len(header)]
    for item in scorecard.items:
        lines.append(f"{item.number:<3}{item.label:<46.46}{item.figure:>18}  "
                     f"{item.interval:<22.22}{item.verdict:<20.20}{item.arrow}")
    lines.append("")
    for item in scorecard.items:
        if item.kind != "missing":
            lines.append(f"{item.number}. {item.sentence}")
    if scorecard.pay_gap is not None:
        lines += ["", "Pay gap: " + scorecard.pay_gap.sentence]
        if scorecard.pay_gap.note:
            lines.append(f"  ({scorecard.pay_gap.note})")
    lines += [f"  {note}" for note in scorecard.notes]
    return "\n".join(lines)


__all__ = ["INDICATOR_LABELS", "SHORT_LABELS", "Scorecard", "ScorecardItem",
           "build_scorecard", "indicator_record", "pay_gap_record", "scorecard_table",
           "scorecard_text", "trust_pay_gap", "workforce_headcounts"]
