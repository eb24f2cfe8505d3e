"""The exported view of one trust's analysis, after disclosure control.

:func:`protect` applies a :class:`~wres_core.exports.disclosure.DisclosureRule` to a
:class:`~wres_core.analysis.TrustAnalysis` and returns a :class:`ProtectedAnalysis`: the same
tables (stage table, representation, trust-wide row, band-step shares, bottleneck, peers) with
every hidden figure replaced by ``*``. Every export (CSV, Excel, PDF, chart images) is written
from this view, never from the exact tables, so one rule decides what leaves the tool.

Columns keep the stage table's names (``stage_id``, ``white_from`` ... ``sentence``); a value
is either the exact figure (counts possibly rounded) or the string ``"*"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from wres_core.analysis import TrustAnalysis
from wres_core.bands import band_label
from wres_core.exports.disclosure import (
    OVERALL,
    PEER_OWN_COLUMNS,
    REPRESENTATION_GROUPS,
    SHARE_INPUTS,
    STAGE_DERIVED_COLUMNS,
    SUPPRESSED,
    TOTAL,
    Cell,
    DisclosureRule,
    Suppression,
    cell_table,
    stage_cells,
    suppress_cells,
)
from wres_core.formatting import format_interval, format_ratio, format_share, lower_first

STAGE_SUPPRESSED_SENTENCE = ("Not shown: this stage's figures are computed from a count shown "
                             "as * (a small number, or one hidden so that a small number cannot "
                             "be found by subtraction).")
STAGE_SUPPRESSED_NOTE = "suppressed: computed from a count shown as *"
PEER_SUPPRESSED_SENTENCE = ("Not shown: the trust's figures for this stage are computed from a "
                            "count shown as *.")


@dataclass(frozen=True)
class BottleneckExport:
    """The bottleneck as exported: figures ``*`` where they rest on hidden counts."""

    comparison: str
    stage_id: str | None
    label: str | None
    ratio: float | str
    ci_low: float | str
    ci_high: float | str
    p_adjusted: float | str
    adverse_share: float | str
    ladder_ratio: float | str
    headline: str
    detail: str

    @property
    def sentence(self) -> str:
        return f"{self.headline} {self.detail}".strip()


@dataclass(frozen=True, eq=False)
class ProtectedAnalysis:
    """One trust's analysis as it may leave the tool (see the module docstring).

    ``hidden`` maps each hidden count to why it is hidden (its exact value is kept for the
    on-screen preview only and is never written to an export).
    """

    analysis: TrustAnalysis
    rule: DisclosureRule
    hidden: dict[Cell, Suppression]
    hidden_stages: frozenset[tuple[str, str]]
    stages: pd.DataFrame
    representation: pd.DataFrame
    overall: pd.DataFrame
    contributions: pd.DataFrame
    bottlenecks: tuple[BottleneckExport, ...]

    def stage_hidden(self, stage_id: str, comparison: str) -> bool:
        return (stage_id, comparison) in self.hidden_stages

    def peers(self, table: pd.DataFrame) -> pd.DataFrame:
        """A :func:`wres_core.peers.peer_comparison` table with the trust's own figures hidden
        for every stage that is hidden here (the peers' median, quartiles, pooled ratio and
        target are sums or order statistics over many trusts and are kept)."""
        out = table.astype(object).copy()
        hidden = [(s, c) in self.hidden_stages for s, c in zip(out["stage_id"],
                                                               out["comparison"])]
        for column in PEER_OWN_COLUMNS:
            if column in out.columns:
                out.loc[hidden, column] = SUPPRESSED
        if "sentence" in out.columns:
            out.loc[hidden, "sentence"] = PEER_SUPPRESSED_SENTENCE
        return out

    def preview(self) -> pd.DataFrame:
        """What will be hidden, for the screen: one row per hidden count or stage, with why.

        Exact values are not listed: the screen shows them already, and the preview may be
        screenshotted.
        """
        rows = [{"Figure": describe_cell(s.cell), "Shown as": SUPPRESSED,
                 "Why": s.reason[:1].upper() + s.reason[1:] + "."}
                for s in sorted(self.hidden.values(), key=lambda s: (not s.primary, s.cell))
                if s.cell[2] != "BME not in a detailed group"]
        for record in self.stages.to_dict("records"):
            if (record["stage_id"], record["comparison"]) in self.hidden_stages:
                label = record["label"] + ("" if record["comparison"] == "BME"
                                           else f" ({record['comparison']})")
                rows.append({"Figure": f"{label}: ratio, interval, p-values, sentence",
                             "Shown as": SUPPRESSED,
                             "Why": "Computed from a count shown as *."})
        if self.shares_hidden():
            rows.append({"Figure": "Each band step's share of the ladder's disparity, and the "
                                   "whole ladder's ratio", "Shown as": SUPPRESSED,
                         "Why": "Every share is computed from every adverse step, including "
                                "one shown as *."})
        return pd.DataFrame(rows, columns=["Figure", "Shown as", "Why"])

    def shares_hidden(self, comparison: str | None = None) -> bool:
        return any(stage.startswith("band:") and (comparison is None or group == comparison)
                   for stage, group in self.hidden_stages)


def describe_cell(cell: Cell) -> str:
    """``("band", "8b", "BME")`` -> ``"Band 8b: BME headcount"``."""
    scope, unit, group = cell
    what = "total headcount" if group == TOTAL else (
        "unknown-ethnicity headcount" if group == "Unknown" else f"{group} headcount")
    if scope == "band":
        return f"{band_label(unit)}: {what}"
    if scope == "tier":
        return f"{unit.capitalize()} tier: {what}"
    if scope == "overall":
        return f"All AfC staff: {what}"
    return f"Recruitment, {unit}: {group} count"


def _shown(cell: Cell, exact: object, hidden: dict[Cell, Suppression],
           rule: DisclosureRule) -> object:
    if cell in hidden:
        return SUPPRESSED
    if exact is None or pd.isna(exact):
        return exact
    return rule.shown_count(int(exact))


def protect_stage_table(stage_table: pd.DataFrame, hidden: dict[Cell, Suppression],
                        rule: DisclosureRule) -> tuple[pd.DataFrame, frozenset]:
    """The stage table with hidden counts and every figure derived from them as ``*``,
    and the (stage_id, comparison) pairs hidden."""
    table = stage_table.astype(object).copy()
    hidden_stages = set()
    for index, record in table.iterrows():
        cells = stage_cells(record["stage_id"], record["comparison"])
        for column, cell in cells.items():
            table.at[index, column] = _shown(cell, record[column], hidden, rule)
        if any(cell in hidden for cell in cells.values()):
            hidden_stages.add((record["stage_id"], record["comparison"]))
            for column in STAGE_DERIVED_COLUMNS:
                if column in table.columns:
                    table.at[index, column] = SUPPRESSED
            table.at[index, "sentence"] = STAGE_SUPPRESSED_SENTENCE
            table.at[index, "note"] = STAGE_SUPPRESSED_NOTE
    return table, frozenset(hidden_stages)


def _protected_representation(frame: pd.DataFrame, scope: str,
                              hidden: dict[Cell, Suppression],
                              rule: DisclosureRule) -> pd.DataFrame:
    out = frame.astype(object).copy()
    for index, record in out.iterrows():
        unit = OVERALL if scope == "overall" else str(record["band"])
        cells = {g: (scope, unit, g) for g in (*REPRESENTATION_GROUPS, TOTAL)}
        for group, cell in cells.items():
            column = group.lower()
            out.at[index, column] = _shown(cell, record[column], hidden, rule)
        for column, inputs in SHARE_INPUTS.items():
            if any(cells[g] in hidden for g in inputs):
                out.at[index, column] = SUPPRESSED
    return out


def _protected_contributions(analysis: TrustAnalysis, hidden_stages: frozenset,
                             shares_hidden: dict[str, bool]) -> pd.DataFrame:
    columns = ["comparison", "stage_id", "label", "ratio", "ci_low", "ci_high", "verdict",
               "cumulative_ratio", "adverse_share", "contribution", "ladder_ratio"]
    frame = analysis.contributions
    if frame.empty:
        return pd.DataFrame(columns=columns)
    out = frame[columns].astype(object).copy()
    for index, record in out.iterrows():
        if (record["stage_id"], record["comparison"]) in hidden_stages:
            out.loc[index, ["ratio", "ci_low", "ci_high", "verdict"]] = SUPPRESSED
        if shares_hidden.get(record["comparison"], False):
            out.loc[index, ["cumulative_ratio", "adverse_share", "contribution",
                            "ladder_ratio"]] = SUPPRESSED
    return out


def _bottleneck_export(bottleneck, stages: pd.DataFrame, hidden_stages: frozenset,
                       shares_hidden: bool, rounded: bool) -> BottleneckExport:
    """The bottleneck as exported. The analysis's own headline and detail are used when
    nothing they rest on is hidden; otherwise (or when counts are rounded: the words of a
    zero-count bottleneck quote counts) they are said again from the figures shown."""
    group = bottleneck.comparison
    family_hidden = any(c == group for _, c in hidden_stages)
    stage_hidden = (bottleneck.stage_id, group) in hidden_stages
    figures = {name: getattr(bottleneck, name) for name in ("ratio", "ci_low", "ci_high",
                                                            "p_adjusted")}
    if stage_hidden:
        figures = dict.fromkeys(figures, SUPPRESSED)
    shares = {"adverse_share": bottleneck.adverse_share, "ladder_ratio": bottleneck.ladder_ratio}
    if shares_hidden:
        shares = dict.fromkeys(shares, SUPPRESSED)
    if not family_hidden and not rounded:
        headline, detail = bottleneck.headline, bottleneck.detail
    else:
        headline, detail = _bottleneck_words(bottleneck, stages, hidden_stages, stage_hidden,
                                             shares_hidden)
        if bottleneck.stage_id and not stage_hidden and bottleneck.headline.startswith(
                "The bottleneck is"):
            # This form quotes the step's ratio and interval only, both shown.
            headline = bottleneck.headline
    return BottleneckExport(group, bottleneck.stage_id, bottleneck.label, headline=headline,
                            detail=detail, **figures, **shares)


def _bottleneck_words(bottleneck, stages: pd.DataFrame, hidden_stages: frozenset,
                      stage_hidden: bool, shares_hidden: bool) -> tuple[str, str]:
    """(headline, detail) of the bottleneck without any figure that rests on a hidden count."""
    group = bottleneck.comparison
    by_id = {(r["stage_id"], r["comparison"]): r for r in stages.to_dict("records")}
    details = []
    if bottleneck.stage_id is None:
        headline = ("No band step is both adverse (above 1.25) and statistically significant, "
                    "so there is no clear bottleneck on the pay-band ladder.")
    elif stage_hidden:
        headline = (f"The bottleneck is {lower_first(bottleneck.label)}; its figures are not "
                    "shown because they rest on small counts.")
    else:
        row = by_id[(bottleneck.stage_id, group)]
        interval = format_interval(row["ci_low"], row["ci_high"])
        headline = (f"The bottleneck is {lower_first(bottleneck.label)}: the ratio is "
                    f"{format_ratio(row['ratio'])} (interval {interval}).")
        details.append(row["sentence"])
        if shares_hidden:
            details.append("Its share of the ladder's disparity is not given, because other "
                           "band steps rest on small counts.")
        elif not math.isnan(bottleneck.adverse_share):
            details.append(f"It accounts for {format_share(bottleneck.adverse_share, 0)} of the "
                           "disparity that builds up at the ladder's steps above parity.")
    recruitment = bottleneck.recruitment_stage_id
    if recruitment and (recruitment, group) not in hidden_stages:
        row = by_id[(recruitment, group)]
        also = " also" if bottleneck.stage_id else ""
        details.append(f"At recruitment, {lower_first(row['label'])} is{also} adverse and "
                       f"significant (ratio {format_ratio(row['ratio'])}).")
    return headline, " ".join(details)


def protect(analysis: TrustAnalysis, rule: DisclosureRule | None = None) -> ProtectedAnalysis:
    """The exported view of ``analysis`` under ``rule`` (default: counts 1-7 hidden)."""
    rule = rule or DisclosureRule()
    cells = cell_table(analysis.stage_table, analysis.representation, analysis.overall,
                       analysis.options.tiers)
    hidden = suppress_cells(cells, rule)
    stages, hidden_stages = protect_stage_table(analysis.stage_table, hidden, rule)
    comparisons = analysis.stage_table["comparison"].unique().tolist()
    shares_hidden = {c: any(s.startswith("band:") and g == c for s, g in hidden_stages)
                     for c in comparisons}
    return ProtectedAnalysis(
        analysis=analysis, rule=rule, hidden=hidden, hidden_stages=hidden_stages,
        stages=stages,
        representation=_protected_representation(analysis.representation, "band", hidden,
                                                  rule),
        overall=_protected_representation(analysis.overall, "overall", hidden, rule),
        contributions=_protected_contributions(analysis, hidden_stages, shares_hidden),
        bottlenecks=tuple(_bottleneck_export(b, stages, hidden_stages,
                                             shares_hidden.get(b.comparison, False),
                                             rule.round_to > 1)
                          for b in analysis.bottlenecks))
