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

Indicators 3 to 9 are computed for every trust and year of the files at once
(:func:`indicator_results`, one vectorised pass per indicator family; the peers of 3 and 4
from the same pass); a scorecard looks its trust's rows up and writes the sentences of only
those rows. Given no :class:`IndicatorResults`, :func:`build_scorecard` makes them for its own
trust.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

import numpy as np
import pandas as pd

from wres_core.analysis import TrustAnalysis
from wres_core.formatting import format_interval, format_ratio, format_share
from wres_core.indicators.board import board_indicators, board_result
from wres_core.indicators.pay_gap import PayGapResult, afc_implied_staff, gap_verdict, pay_gap
from wres_core.indicators.relative_likelihood import (
    CENSUS_NOTE,
    EVENT_INDICATORS,
    event_sentence,
    peer_positions,
    peer_record,
    relative_likelihoods,
)
from wres_core.indicators.survey import (
    SAMPLE_NOTE,
    SURVEY_INDICATORS,
    survey_indicators,
    survey_sentence,
)
from wres_core.records import column_values, frame_records

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
    try:
        stage = analysis.stage(stage_id)
    except KeyError:
        return _missing(indicator)
    before = math.nan
    if previous is not None:
        earlier = previous.stage_table
        found = np.flatnonzero((earlier["stage_id"].to_numpy() == stage_id)
                               & (earlier["comparison"].to_numpy() == stage.comparison))
        if len(found):
            before = float(earlier["ratio"].to_numpy(float)[found[0]])
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


def _trust_rows(table: pd.DataFrame | None, org_code: str, year: int) -> pd.DataFrame | None:
    """The table as one trust and year see it: its rows and those of no organisation, under
    its code; rows of no year as of ``year``."""
    rows = _in_year(_for_trust(table, org_code), year)
    return None if rows is None else rows.assign(org_code=org_code)


def _has_unassigned_rows(table: pd.DataFrame | None) -> bool:
    """Rows of no organisation ("") or no year (-1): whose they are depends on the trust."""
    return table is not None and bool(((table["org_code"] == "") | (table["year"] < 0)).any())


def headcounts_by_trust(workforce: pd.DataFrame) -> pd.DataFrame:
    """White and BME headcounts per organisation and year, all staff groups (for 3, 4 and 9):
    index (``org_code``, ``year``), columns ``White``, ``BME``."""
    sums = workforce.groupby([workforce["org_code"].astype(str), "year", "ethnicity"],
                             observed=True)["headcount"].sum()
    table = sums.unstack("ethnicity", fill_value=0) if len(sums) else pd.DataFrame(
        index=pd.MultiIndex.from_arrays([[], []], names=["org_code", "year"]))
    return table.reindex(columns=["White", "BME"], fill_value=0).astype("int64")


def workforce_headcounts(workforce: pd.DataFrame, org_code: str) -> pd.DataFrame:
    """White and BME headcounts per year of one trust, all staff groups (for 3, 4 and 9)."""
    rows = workforce[workforce["org_code"] == org_code]
    table = headcounts_by_trust(rows)
    return table.droplevel("org_code") if len(table) else table.reset_index(
        "org_code", drop=True)


class _Rows:
    """A result table kept as plain Python columns, one row found by its key.

    Only the rows a scorecard shows become dicts (and get sentences), not every row.
    """

    def __init__(self, frame: pd.DataFrame, key: tuple[str, ...]):
        self._columns = column_values(frame)
        self._position: dict[tuple, int] = {}
        for i, found in enumerate(zip(*(self._columns[k] for k in key))):
            self._position.setdefault(found, i)  # the first row of a repeated key

    def __contains__(self, key: tuple) -> bool:
        return key in self._position

    def get(self, key: tuple) -> dict | None:
        i = self._position.get(key)
        return None if i is None else {name: values[i] for name, values in self._columns.items()}


@dataclass(frozen=True, eq=False)
class IndicatorResults:
    """Indicators 3 to 9 of every trust and year of the scorecard tables, computed once.

    :func:`indicator_results` makes it; :func:`build_scorecard` looks one trust's rows up in
    it rather than computing them (with ``--all``, each trust recomputing every trust's
    indicator 3 and 4 for its peer position made the run quadratic). Keys are
    ``(org_code, indicator, year)`` (``(org_code, year)`` for the board).
    """

    level: float
    rolling: bool
    #: (org_code, year) -> (White, BME) workforce headcount, all staff groups.
    headcounts: dict[tuple[str, int], tuple[int, int]]
    #: Indicators 3 and 4 (relative_likelihoods columns, no sentence) of each trust's own rows.
    events: _Rows | None
    #: Keys of the events rows before headcounts were checked (a row without any is "not
    #: available", with the reason).
    event_keys: frozenset
    #: (org_code, indicator) -> how many groups' headcounts came from the workforce file.
    filled_headcounts: dict[tuple[str, str], int]
    #: (org_code, indicator, year) -> the trust's position among every trust of the files.
    peers: dict[tuple[str, str, int], dict]
    survey: _Rows | None        # survey_indicators columns, no sentence
    board: _Rows | None         # board_indicators columns
    #: Some rows have no organisation or year, so they belong to whichever trust and year
    #: is asked for: build_scorecard then computes that trust's own rows itself.
    per_trust: bool = False


def _own_events(events: pd.DataFrame, heads: dict[tuple[str, int], tuple[int, int]],
                level: float, rolling: bool
                ) -> tuple[_Rows, frozenset, dict[tuple[str, str], int]]:
    """Indicators 3 and 4 of every row of ``events``, a missing headcount taken from the
    workforce (``heads``); rows with none either way are left out."""
    rows = events[events["indicator"].isin(list(EVENT_INDICATORS))].reset_index(drop=True)
    codes = rows["org_code"].astype(str).to_numpy(object)
    indicators = rows["indicator"].to_numpy(object)
    years = rows["year"].to_numpy(np.int64)
    keys = frozenset(zip(codes.tolist(), indicators.tolist(), years.tolist()))
    filled: dict[tuple[str, str], int] = {}
    headcounts = {}
    for slot, column in enumerate(("white_headcount", "bme_headcount")):
        values = rows[column].to_numpy(float, na_value=np.nan)
        missing = np.flatnonzero(np.isnan(values))
        if len(missing):
            values[missing] = [heads.get((codes[i], int(years[i])), (np.nan, np.nan))[slot]
                               for i in missing]
            for key in {(codes[i], indicators[i]) for i in missing}:
                filled[key] = filled.get(key, 0) + 1
        headcounts[column] = values
    usable = ~np.isnan(headcounts["white_headcount"]) & ~np.isnan(headcounts["bme_headcount"])
    counts = rows[usable].assign(
        org_code=codes[usable],
        **{column: values[usable].astype("int64") for column, values in headcounts.items()})
    results = relative_likelihoods(counts, level=level, rolling=rolling, sentences=False)
    return _Rows(results, ("org_code", "indicator", "year")), keys, filled


def _event_peers(events: pd.DataFrame, level: float, rolling: bool
                 ) -> dict[tuple[str, str, int], dict]:
    """Each trust's indicator 3 and 4 among every trust of the events table with headcounts
    (its position in that year: :func:`peer_positions`)."""
    rows = events[(events["org_code"] != "") & events["indicator"].isin(list(EVENT_INDICATORS))]
    rows = rows.dropna(subset=["white_headcount", "bme_headcount"])
    if rows.empty:
        return {}
    rows = rows.astype({"white_headcount": "int64", "bme_headcount": "int64"})
    trusts: dict[tuple[str, int], set] = {}
    for code, indicator, year in zip(rows["org_code"].tolist(), rows["indicator"].tolist(),
                                     rows["year"].tolist()):
        trusts.setdefault((indicator, year), set()).add(code)
    everyone = relative_likelihoods(rows, level=level, rolling=rolling, sentences=False)
    out = {}
    for (indicator, year), group in everyone.groupby(["indicator", "year"], sort=False):
        # A rolling figure's peers are the trusts of both its years.
        among = trusts[(indicator, year)] | (trusts.get((indicator, year - 1), set())
                                             if rolling else set())
        positions = peer_positions(group) if len(among) >= 2 else None
        if positions is None:
            continue
        for position in frame_records(positions):
            out.setdefault((position["org_code"], indicator, int(year)), peer_record(position))
    return out


def _own_results(workforce: pd.DataFrame, events: pd.DataFrame | None,
                 survey: pd.DataFrame | None, board: pd.DataFrame | None, level: float,
                 rolling: bool) -> dict:
    """The per-trust parts of :class:`IndicatorResults` from tables whose rows all have an
    organisation and a year."""
    table = headcounts_by_trust(workforce)
    heads = dict(zip(table.index.tolist(), zip(table["White"].tolist(),
                                               table["BME"].tolist(), strict=True),
                     strict=True))
    own_events, event_keys, filled = (None, frozenset(), {})
    if events is not None and len(events):
        own_events, event_keys, filled = _own_events(events, heads, level, rolling)
    own_survey = None
    if survey is not None and len(survey):
        own_survey = _Rows(survey_indicators(survey, level, sentences=False),
                           ("org_code", "indicator", "year"))
    own_board = None
    if board is not None and len(board):
        shares = {key: bme / max(white + bme, 1) for key, (white, bme) in heads.items()}
        own_board = _Rows(board_indicators(board, shares, level), ("org_code", "year"))
    return {"headcounts": heads, "events": own_events, "event_keys": event_keys,
            "filled_headcounts": filled, "survey": own_survey, "board": own_board}


def indicator_results(workforce: pd.DataFrame, *, events: pd.DataFrame | None = None,
                      survey: pd.DataFrame | None = None, board: pd.DataFrame | None = None,
                      level: float = 0.95, rolling: bool = False,
                      org_codes=None) -> IndicatorResults:
    """Indicators 3 to 9 of every trust and year of the tables, in one vectorised pass each.

    Arguments as :func:`build_scorecard`; ``org_codes`` limits the trusts' own rows to those
    organisations (the peers of indicators 3 and 4 are always every trust of ``events``).
    When a table has rows of no organisation or no year, whose they are depends on the trust
    asked for: only the peers are computed here, and :func:`build_scorecard` computes each
    trust's own rows (``per_trust``).
    """
    peers = _event_peers(events, level, rolling) if events is not None else {}
    tables = {"events": events, "survey": survey, "board": board}
    if any(_has_unassigned_rows(t) for t in tables.values()):
        return IndicatorResults(level, rolling, {}, None, frozenset(), {}, peers, None, None,
                                per_trust=True)
    if org_codes is not None:
        codes = list(org_codes)
        workforce = workforce[workforce["org_code"].isin(codes)]
        tables = {name: None if t is None else t[t["org_code"].isin(codes)]
                  for name, t in tables.items()}
    return IndicatorResults(level, rolling, peers=peers,
                            **_own_results(workforce, **tables, level=level, rolling=rolling))


def _event_items(results: IndicatorResults, org_code: str, year: int) -> list[ScorecardItem]:
    items = []
    for indicator in ("indicator:3", "indicator:4"):
        if (org_code, indicator, year) not in results.event_keys:
            items.append(_missing(indicator))
            continue
        row = results.events.get((org_code, indicator, year))
        if row is None:
            items.append(_missing(indicator, "Not available: the file has no headcount and "
                                  "the workforce file has none for this year."))
            continue
        notes = ["Headcounts taken from the workforce file loaded beside it."] * \
            results.filled_headcounts.get((org_code, indicator), 0) + [CENSUS_NOTE]
        earlier = results.events.get((org_code, indicator, year - 1))
        before = float(earlier["ratio"]) if earlier is not None else math.nan
        fields = {name: row[name] for name in (
            "white_events", "white_headcount", "bme_events", "bme_headcount", "white_rate",
            "bme_rate", "ci_method", "test", "significant", "verdict", "rolling", "years_used")}
        peers = results.peers.get((org_code, indicator, year))
        fields["peers"] = peers
        sentence = event_sentence(SimpleNamespace(**row), results.level)
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


def _points(value: float) -> str:
    return "not defined" if not math.isfinite(value) else f"{value:+.1f} pts"


def _survey_items(results: IndicatorResults, org_code: str, year: int) -> list[ScorecardItem]:
    items = []
    for indicator, info in SURVEY_INDICATORS.items():
        row = None if results.survey is None else results.survey.get((org_code, indicator, year))
        if row is None:
            items.append(_missing(indicator))
            continue
        earlier = results.survey.get((org_code, indicator, year - 1))
        before = float(earlier["difference_points"]) if earlier is not None else math.nan
        fields = {name: row[name] for name in (
            "bme_percent", "white_percent", "bme_respondents", "white_respondents",
            "difference_points", "higher_is_adverse", "significant")}
        fields["adverse_direction"] = ("higher for BME staff is adverse" if
                                       info.higher_is_adverse else
                                       "lower for BME staff is adverse")
        items.append(ScorecardItem(
            indicator, info.short, "difference", float(row["difference_points"]),
            float(row["ci_low"]), float(row["ci_high"]), float(row["p_value"]),
            str(row["verdict"]), bool(row["adverse"]),
            _points(float(row["difference_points"])),
            f"{row['ci_low']:+.1f} to {row['ci_high']:+.1f} pts",
            survey_sentence(SimpleNamespace(**row), results.level),
            _trend(float(row["difference_points"]), before, ratio=False,
                   higher_is_worse=info.higher_is_adverse), before, fields,
            " ".join(filter(None, [str(row["note"]), SAMPLE_NOTE]))))
    return items


def _board_item(results: IndicatorResults, org_code: str, year: int) -> ScorecardItem:
    board, heads = results.board, results.headcounts
    if board is None or (org_code, year) not in board or (org_code, year) not in heads:
        return _missing("indicator:9")
    result = board_result(board.get((org_code, year)), results.level)
    before = math.nan
    if (org_code, year - 1) in board and (org_code, year - 1) in heads:
        before = float(board.get((org_code, year - 1))["difference_points"])
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
                    with_pay_gap: bool = True,
                    results: IndicatorResults | None = None) -> Scorecard:
    """The nine indicators and the pay gap of ``analysis``'s trust and year.

    ``workforce`` is the clean workforce table (headcounts for 3, 4 and 9 when the files
    have none; the AfC estimate of the pay gap). ``events``, ``survey``, ``board`` and
    ``pay`` are the tables of :class:`~wres_core.indicators.readers.IndicatorFile` (several
    files concatenated); ``previous`` is the same trust's analysis a year earlier, for the
    trend of indicators 1 and 2. ``rolling`` gives 3 and 4 as two-year rolling figures.
    ``results``: :func:`indicator_results` of the same tables, workforce, level and
    ``rolling``, when the caller builds many trusts' scorecards (computed here otherwise).
    """
    level = analysis.options.level
    code, year = analysis.org.code, analysis.year
    if results is None:
        results = indicator_results(workforce, events=events, survey=survey, board=board,
                                    level=level, rolling=rolling, org_codes=[code])
    elif (results.level, results.rolling) != (level, rolling):
        raise ValueError(f"The indicator results are for level {results.level} and rolling "
                         f"{results.rolling}, the scorecard for level {level} and rolling "
                         f"{rolling}: compute them with the same options.")
    if results.per_trust:
        own = _own_results(workforce[workforce["org_code"] == code],
                           *(_trust_rows(t, code, year) for t in (events, survey, board)),
                           level=level, rolling=rolling)
        results = replace(results, per_trust=False, **own)
    items = [_stage_item("indicator:1", analysis, "tier:lower-upper", previous),
             _stage_item("indicator:2", analysis, "recruitment:shortlisted-appointed",
                         previous),
             *_event_items(results, code, year),
             *_survey_items(results, code, year),
             _board_item(results, code, year)]
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


__all__ = ["INDICATOR_LABELS", "SHORT_LABELS", "IndicatorResults", "Scorecard",
           "ScorecardItem", "build_scorecard", "headcounts_by_trust", "indicator_record",
           "indicator_results", "pay_gap_record", "scorecard_table", "scorecard_text",
           "trust_pay_gap", "workforce_headcounts"]
