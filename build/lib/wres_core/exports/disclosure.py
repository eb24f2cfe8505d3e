"""Disclosure control: what may leave the tool when counts are small.

Calculations always use the exact counts and the screen shows them. Everything exported (CSV,
Excel, PDF, chart images) goes through :func:`protect`, which applies one rule
(:class:`DisclosureRule`) in three steps:

1. **Primary suppression.** A count from 1 to ``threshold`` (default 7, as NHS workforce
   publications do) is shown as ``*``. Zero is shown: it identifies no one.
2. **Secondary suppression of cells.** Some published figures are sums of others: a band's
   total is White + BME + unknown; a tier's count is the sum of its bands'; the trust's AfC
   count is the sum of every band's. If exactly one figure of such a sum is hidden, it can be
   solved back by subtraction, so a second one is hidden too, repeatedly until no sum has
   exactly one hidden figure. The second figure is chosen to cost the reader least: first
   figures outside the trust-wide headline row, then figures no ratio is computed from
   (totals, unknown counts), then the smallest; a last pass shows again every second figure
   that no sum needs any more (the greedy pass depends on the order of the sums).
3. **Secondary suppression of derived figures.** Every figure computed from a hidden count is
   hidden too: a stage's ratio, interval, p-values, test, range verdict, significance,
   smallest detectable ratio and sentence (the example that motivated this rule: White 87 -> 38
   and BME 10 -> ``*`` with a ratio of 2.1839 solves exactly to BME = 2); a band's shares and
   their intervals; the band steps' shares of the ladder's disparity and the whole ladder's
   ratio (each share's denominator sums every adverse step); the trust's own figures against
   peers (ratio, rank, percentile, limits at its precision, verdict).

Optionally (``round_to=5``), every other count is rounded to the nearest 5, as some NHS
publications do; totals are rounded on their own, so rounded figures need not add up.

Limits (said in the exports' notes): the heuristic of step 2 protects each sum on its own, as
the usual "at least two hidden cells per sum" rule does, not against every combination of sums
solved together; ratios and shares are computed from exact counts and shown to three
significant figures, so with rounding on they narrow a rounded count down; Holm or
Benjamini-Hochberg adjusted p-values of the other stages depend on a hidden stage's p-value
only through the adjustment's ordering.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from wres_core.bands import AFC_BANDS, DEFAULT_TIERS, MEDICAL_GRADES, TierDefinition
from wres_core.stage_result import STATISTIC_COLUMNS

SUPPRESSED = "*"
DEFAULT_THRESHOLD = 7

#: The groups of the representation table (band x ethnicity headcounts).
REPRESENTATION_GROUPS = ("White", "BME", "Unknown")
TOTAL = "Total"
OVERALL = "All AfC bands"

#: Stage-table columns computed from a stage's four counts (all hidden with them): every
#: statistic of the one definition of a stage result, but the note, which says why.
STAGE_DERIVED_COLUMNS = tuple(c for c in STATISTIC_COLUMNS if c != "note")
RATIO_INPUT_COLUMNS = ("white_from", "white_to", "bme_from", "bme_to")

#: Peer-table columns that depend on the trust's own counts.
PEER_OWN_COLUMNS = ("ratio", "ci_low", "ci_high", "rank", "percentile", "low95", "high95",
                    "low998", "high998", "verdict", "sentence")

#: Representation columns and the counts each is computed from.
SHARE_INPUTS = {"bme_share": ("White", "BME"), "ci_low": ("White", "BME"),
                "ci_high": ("White", "BME"),
                "unknown_share": ("White", "BME", "Unknown", TOTAL)}

Cell = tuple[str, str, str]      # (scope, unit, group): ("band", "8b", "BME")


@dataclass(frozen=True)
class DisclosureRule:
    """How exports hide small counts.

    ``threshold``: counts from 1 to it are shown as ``*`` (0 turns disclosure control off).
    ``round_to``: other counts are rounded to the nearest multiple of it (0 or 1: not rounded).
    """

    threshold: int = DEFAULT_THRESHOLD
    round_to: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, int) or self.threshold < 0:
            raise ValueError(f"The suppression threshold must be a whole number of at least 0 "
                             f"(0 turns suppression off), not {self.threshold!r}.")
        if not isinstance(self.round_to, int) or self.round_to < 0:
            raise ValueError(f"Rounding must be to a whole number (5, or 0 for none), not "
                             f"{self.round_to!r}.")

    @property
    def enabled(self) -> bool:
        return self.threshold > 0

    def is_small(self, count: int) -> bool:
        return self.enabled and 1 <= count <= self.threshold

    def shown_count(self, count: int) -> int:
        """An unsuppressed count as exported: rounded half up to ``round_to`` if asked."""
        if self.round_to <= 1:
            return int(count)
        return int(math.floor(count / self.round_to + 0.5) * self.round_to)

    def describe(self) -> str:
        if not self.enabled:
            return "No disclosure control: every count is exported exactly."
        text = (f"Counts from 1 to {self.threshold} are shown as {SUPPRESSED}, and so is every "
                "figure computed from them or that would reveal them by subtraction")
        if self.round_to > 1:
            text += f"; other counts are rounded to the nearest {self.round_to}"
        return text + ". Calculations use the exact counts."


NO_SUPPRESSION = DisclosureRule(threshold=0)


@dataclass(frozen=True)
class Suppression:
    """One hidden count: which, its exact value (never exported), and why."""

    cell: Cell
    value: int
    primary: bool
    reason: str


@dataclass(frozen=True)
class SumConstraint:
    """A published figure that is the sum of other published (or implied) figures."""

    total: Cell
    members: tuple[Cell, ...]
    description: str

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (self.total, *self.members)


@dataclass
class CellTable:
    """The counts of one trust and year that exports publish, and the sums that tie them.

    Built by :func:`cell_table`; ``used`` are cells some ratio is computed from, ``headline``
    the trust-wide cells, ``implied`` cells never shown but computable (the BME staff not in a
    detailed group), which can be hidden (if small) but cannot be chosen to hide another.
    """

    values: dict[Cell, int] = field(default_factory=dict)
    constraints: list[SumConstraint] = field(default_factory=list)
    used: set[Cell] = field(default_factory=set)
    headline: set[Cell] = field(default_factory=set)
    implied: set[Cell] = field(default_factory=set)

    def add(self, cell: Cell, value: object) -> None:
        if value is None or pd.isna(value):
            return
        self.values[cell] = int(value)


def _band_cell(band: str, group: str) -> Cell:
    return ("band", str(band), group)


def stage_cells(stage_id: str, comparison: str) -> dict[str, Cell]:
    """The four cells a stage's ratio is computed from, by stage-table column name.

    ``band:7-8a`` -> band 7 and band 8a; ``tier:lower-upper`` -> the lower and upper tiers;
    ``recruitment:shortlisted-appointed`` -> the shortlisted and appointed counts.
    """
    scope, _, span = stage_id.partition(":")
    start, _, end = span.partition("-")
    if scope == "band":
        bands = {b.lower(): b for b in AFC_BANDS}
        start, end = bands.get(start, start), bands.get(end, end)
    return {"white_from": (scope, start, "White"), "white_to": (scope, end, "White"),
            "bme_from": (scope, start, comparison), "bme_to": (scope, end, comparison)}


def cell_table(stage_table: pd.DataFrame, representation: pd.DataFrame | None = None,
               overall: pd.DataFrame | None = None,
               tiers: TierDefinition = DEFAULT_TIERS) -> CellTable:
    """Every count the exports of one trust and year show, with the sums that tie them."""
    table = CellTable()
    for row in stage_table.to_dict("records"):
        cells = stage_cells(row["stage_id"], row["comparison"])
        for column, cell in cells.items():
            table.add(cell, row[column])
            table.used.add(cell)
    if representation is not None:
        for row in representation.to_dict("records"):
            band = str(row["band"])
            for group in REPRESENTATION_GROUPS:
                table.add(_band_cell(band, group), row[group.lower()])
            table.add(_band_cell(band, TOTAL), row["total"])
            table.constraints.append(SumConstraint(
                _band_cell(band, TOTAL), tuple(_band_cell(band, g) for g in REPRESENTATION_GROUPS),
                f"{_band_name(band)}: total = White + BME + unknown"))
    if overall is not None and len(overall):
        row = overall.iloc[0]
        for group in (*REPRESENTATION_GROUPS, TOTAL):
            column = TOTAL.lower() if group == TOTAL else group.lower()
            cell = ("overall", OVERALL, group)
            table.add(cell, row[column])
            table.headline.add(cell)
        table.constraints.append(SumConstraint(
            ("overall", OVERALL, TOTAL),
            tuple(("overall", OVERALL, g) for g in REPRESENTATION_GROUPS),
            "all AfC staff: total = White + BME + unknown"))
    afc = [b for b in AFC_BANDS if _band_cell(b, "White") in table.values]
    groups = sorted({cell[2] for cell in table.values if cell[0] in ("band", "tier")}
                    - {TOTAL})
    if overall is not None and len(overall) and representation is not None:
        for group in (*REPRESENTATION_GROUPS, TOTAL):
            members = tuple(_band_cell(b, group) for b in afc if _band_cell(b, group)
                            in table.values)
            table.constraints.append(SumConstraint(
                ("overall", OVERALL, group), members,
                f"all AfC staff: {group.lower()} = the sum of every band's"))
    _tier_constraints(table, tiers, groups)
    _detailed_group_constraints(table, afc, groups)
    return table


def _band_name(band: str) -> str:
    return band if band == "VSM" or band in MEDICAL_GRADES else f"band {band}"


def _tier_constraints(table: CellTable, tiers: TierDefinition, groups: Iterable[str]) -> None:
    """A tier's count is the sum of its bands'. If the bands do not add up to it (tiers other
    than those assumed), the tier is tied to every AfC band so that hiding is conservative."""
    for name in ("lower", "middle", "upper"):
        for group in groups:
            tier = ("tier", name, group)
            if tier not in table.values:
                continue
            members = tuple(_band_cell(b, group) for b in getattr(tiers, name)
                            if _band_cell(b, group) in table.values)
            if sum(table.values[m] for m in members) != table.values[tier]:
                members = tuple(c for c in table.values
                                if c[0] == "band" and c[2] == group and c[1] in AFC_BANDS)
            table.constraints.append(SumConstraint(
                tier, members, f"the {name} tier's {group} count = the sum of its bands'"))


def _detailed_group_constraints(table: CellTable, afc: list[str], groups: list[str]) -> None:
    """With detailed groups, a band's BME count = its groups' counts + BME staff in no group
    (the remainder, implied though not shown)."""
    detailed = [g for g in groups if g not in REPRESENTATION_GROUPS]
    if not detailed:
        return
    for band in afc:
        bme = _band_cell(band, "BME")
        members = [_band_cell(band, g) for g in detailed if _band_cell(band, g) in table.values]
        if bme not in table.values or not members:
            continue
        remainder = table.values[bme] - sum(table.values[m] for m in members)
        if remainder:
            cell = _band_cell(band, "BME not in a detailed group")
            table.values[cell] = remainder
            table.implied.add(cell)
            members.append(cell)
        table.constraints.append(SumConstraint(
            bme, tuple(members), f"{_band_name(band)}: BME = the detailed groups' counts"))


def suppress_cells(table: CellTable, rule: DisclosureRule) -> dict[Cell, Suppression]:
    """Primary then secondary suppression of the cells (see the module docstring)."""
    if not rule.enabled:
        return {}
    hidden: dict[Cell, Suppression] = {
        cell: Suppression(cell, value, True, f"a count from 1 to {rule.threshold}")
        for cell, value in table.values.items() if rule.is_small(value)}
    changed = True
    while changed:
        changed = False
        for constraint in table.constraints:
            cells = [c for c in constraint.cells if c in table.values]
            if sum(c in hidden for c in cells) != 1:
                continue
            candidates = [c for c in cells if c not in hidden and c not in table.implied]
            if not candidates:
                continue
            pick = min(candidates, key=lambda c: (c in table.headline, c in table.used,
                                                  table.values[c], c))
            hidden[pick] = Suppression(
                pick, table.values[pick], False,
                f"would give back a hidden count by subtraction ({constraint.description})")
            changed = True
    return _release_unneeded(table, hidden)


def _release_unneeded(table: CellTable, hidden: dict[Cell, Suppression]
                      ) -> dict[Cell, Suppression]:
    """Show again every secondary cell that no sum needs any more.

    The greedy pass depends on the order of the sums: a cell hidden early (say the trust's
    White total, while one band's White count was the only hidden one) may be redundant once
    later sums have hidden a second band. Latest first, a secondary cell is released when
    every sum it belongs to still has zero or at least two hidden figures without it.
    """
    by_cell: dict[Cell, list[SumConstraint]] = {}
    for constraint in table.constraints:
        for cell in constraint.cells:
            by_cell.setdefault(cell, []).append(constraint)
    for cell in [c for c, s in reversed(list(hidden.items())) if not s.primary]:
        without = {c for c in hidden if c != cell}
        if all(sum(c in without for c in constraint.cells if c in table.values) != 1
               for constraint in by_cell.get(cell, [])):
            del hidden[cell]
    return hidden


def suppress_small_counts(frame: pd.DataFrame,
                          columns: tuple[str, ...] = RATIO_INPUT_COLUMNS,
                          maximum: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Primary suppression only, column by column: counts from 1 to ``maximum`` become ``*``
    (the columns become text).

    A building block kept for tables with no derived figures; exports of analyses use
    :func:`protect`, which also hides what would reveal those counts.
    """
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            values = out[column]
            small = (values >= 1) & (values <= maximum)
            out[column] = values.astype("string").where(~small, SUPPRESSED)
    return out
