"""The one definition of a stage result's fields, and every field list derived from it.

A stage result is one stage (a recruitment stage, a band step or a tier step) of one
organisation, year and comparison group: the counts it starts from, the ratio, its interval and
test, the flags and the sentence. :class:`StageResult` lists the fields once, in order, each with
its part (``count``: made by :func:`wres_core.stages.stage_counts`; ``statistic``: added by
:func:`wres_core.ratios.stage_ratios`), the heading people read, and whether it is exported.
The column tuples, the display headings, the export columns and the JSON keys are all derived
from it, by name, so a new field is added in one place.

This module imports nothing from the rest of the package, so that ``stages``, ``ratios``,
``sentences``, ``analysis`` and ``reports`` can all read it without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

COUNT = "count"
STATISTIC = "statistic"


def _field(part: str, heading: str | None = None, *, export: bool = False):
    return field(metadata={"part": part, "heading": heading, "export": export})


@dataclass(frozen=True)
class StageResult:
    """One stage of one trust: counts, ratio, interval, test, flags and sentence.

    The ratio is (white_to / white_from) / (bme_to / bme_from): above 1 is adverse to the
    ethnic minority group named in ``comparison``.
    """

    org_code: str = _field(COUNT, export=True)
    year: int = _field(COUNT, export=True)
    comparison: str = _field(COUNT, "Group", export=True)   # "BME" or a detailed group
    stage_id: str = _field(COUNT, export=True)              # e.g. "band:5-6", "tier:lower-upper"
    label: str = _field(COUNT, "Stage", export=True)
    kind: str = _field(COUNT, export=True)                  # "recruitment", "band" or "tier"
    ratio_kind: str = _field(COUNT)                         # "odds" or "risk"
    order: int = _field(COUNT)
    from_label: str = _field(COUNT)
    to_label: str = _field(COUNT)
    white_from: int = _field(COUNT, "White from", export=True)
    white_to: int = _field(COUNT, "White to", export=True)
    bme_from: int = _field(COUNT, "Group from", export=True)
    bme_to: int = _field(COUNT, "Group to", export=True)
    ratio: float = _field(STATISTIC, "Ratio", export=True)
    ci_low: float = _field(STATISTIC, export=True)
    ci_high: float = _field(STATISTIC, export=True)
    ci_method: str = _field(STATISTIC, "Interval method", export=True)
    p_value: float = _field(STATISTIC, "p", export=True)
    p_adjusted: float = _field(STATISTIC, "Adjusted p", export=True)
    test: str = _field(STATISTIC, "Test", export=True)
    verdict: str = _field(STATISTIC, "Range", export=True)   # against 0.80-1.25
    adverse: bool = _field(STATISTIC, export=True)
    favourable: bool = _field(STATISTIC)
    significant: bool = _field(STATISTIC, "Significant", export=True)   # after adjustment
    small_counts: bool = _field(STATISTIC)
    zero_cell: bool = _field(STATISTIC)
    # Display only (the +0.5 option): the Haldane-corrected ratio shown beside the real one.
    corrected: bool = _field(STATISTIC)
    corrected_ratio: float = _field(STATISTIC)
    corrected_ci_low: float = _field(STATISTIC)
    corrected_ci_high: float = _field(STATISTIC)
    detectable_ratio: float = _field(STATISTIC, "Smallest detectable ratio", export=True)
    note: str = _field(STATISTIC, "Note", export=True)
    sentence: str = _field(STATISTIC, "In plain English", export=True)

    def confidence_interval(self) -> tuple[float, float]:
        return self.ci_low, self.ci_high

    @classmethod
    def from_row(cls, row: dict) -> StageResult:
        """From one row of a stage table, fields read by name and cast to their type."""
        cast = {"int": int, "float": float, "bool": bool}
        return cls(**{f.name: cast.get(f.type, lambda v: v)(row[f.name]) for f in fields(cls)})


def _names(part: str | None = None, **flags: bool) -> tuple[str, ...]:
    return tuple(f.name for f in fields(StageResult)
                 if (part is None or f.metadata["part"] == part)
                 and all(f.metadata[k] == v for k, v in flags.items()))


#: Columns of the frame from :func:`wres_core.stages.stage_counts`.
STAGE_COUNT_COLUMNS = _names(COUNT)
#: Columns that :func:`wres_core.ratios.stage_ratios` adds.
STATISTIC_COLUMNS = _names(STATISTIC)
#: Columns of a stage table, in order.
STAGE_RESULT_COLUMNS = STAGE_COUNT_COLUMNS + STATISTIC_COLUMNS
#: Columns written to the CSV export, in order.
EXPORT_COLUMNS = _names(export=True)
#: Column -> heading people read, for the fields that have one, in order.
HEADINGS = {f.name: f.metadata["heading"] for f in fields(StageResult)
            if f.metadata["heading"]}
#: Exported fields holding numbers (JSON turns inf and nan into null with a note).
NUMERIC_EXPORT_COLUMNS = tuple(f.name for f in fields(StageResult)
                               if f.name in EXPORT_COLUMNS and f.type in ("int", "float"))
