"""The data-quality report that comes back with every table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wres_core.formatting import format_year

if TYPE_CHECKING:
    from wres_core.ingest.applicants import Outcome

#: Reasons a source row is excluded, in the order they are checked: a row with several
#: problems is counted once, under the first.
EXCLUSION_REASONS = (
    "wrong number of fields",
    "heading row",
    "total row",
    "blank required field",
    "unrecognised band",
    "unrecognised ethnicity",
    "unrecognised year",
    "unrecognised staff group",
    "unrecognised stage",
    "non-numeric count",
    "negative count",
    "non-integer count",
    "count too large",
    "duplicate staff number",
    "duplicate key",
    "outcome not counted",  # an applicant whose outcome is mapped to "left out"
    "part of a staff group total",  # see ingest/staff_group_totals.py
)

MAX_ROWS_LISTED = 20
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Exclusion:
    """Rows left out for one reason (and one column, where the reason is about a column)."""

    reason: str
    column: str | None
    count: int
    rows: tuple[int, ...]  # the first MAX_ROWS_LISTED file row numbers, as Excel shows them
    examples: tuple[str, ...]  # a few of the offending values

    def describe(self) -> str:
        where = f" in column '{self.column}'" if self.column else ""
        rows = ", ".join(str(r) for r in self.rows)
        more = f" (first {len(self.rows)} listed)" if self.count > len(self.rows) else ""
        examples = ""
        if self.examples:
            examples = "; e.g. " + ", ".join(repr(e) for e in self.examples)
        return (f"{self.count:,} row{'s' if self.count != 1 else ''} excluded: {self.reason}"
                f"{where}{examples}. Row{'s' if len(self.rows) != 1 else ''} {rows}{more}.")


def _empty_unknown_by_band() -> pd.DataFrame:
    return pd.DataFrame({"band": pd.Series([], dtype="string"),
                         "unknown": pd.Series([], dtype="int64"),
                         "known": pd.Series([], dtype="int64"),
                         "total": pd.Series([], dtype="int64"),
                         "unknown_share": pd.Series([], dtype="float64")})


_APPLICANT_FORMS = {"applicant flags": "one row per applicant, with yes/no stage columns",
                    "applicant status": "one row per applicant, with an outcome column"}


@dataclass(frozen=True, eq=False)
class DataQualityReport:
    """What was read, what was used, what was left out and why."""

    source: str
    kind: str  # "workforce" or "recruitment"
    layout: str  # "aggregate", "wide", "staff" or "recruitment"
    rows_read: int
    rows_used: int
    rows_excluded: int
    exclusions: tuple[Exclusion, ...] = ()
    unknown_by_band: pd.DataFrame = field(default_factory=_empty_unknown_by_band)
    organisations: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    column_mapping: dict[str, str] = field(default_factory=dict)
    unrecognised: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    #: canonical column -> how it was found ("alias 'Pay Band'", "your mapping", "default ...").
    column_matches: dict[str, str] = field(default_factory=dict)
    #: for recruitment: "long", "stage-wide" or "ethnicity-wide"; else "".
    form: str = ""
    #: False when the file names no organisation / no year anywhere (column, title, name):
    #: such a file can be attached to the trust and year of the files read beside it.
    org_given: bool = True
    year_given: bool = True
    #: Columns of numbers that were not read: (header, why).
    ignored_columns: tuple[tuple[str, str], ...] = ()
    #: Applicant files: each outcome value, the stage it counted as, and how many applicants
    #: (``ingest.applicants.Outcome``); empty for count files.
    outcomes: tuple[Outcome, ...] = ()

    def excluded_by_reason(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for exclusion in self.exclusions:
            out[exclusion.reason] = out.get(exclusion.reason, 0) + exclusion.count
        return out

    def summary_lines(self) -> list[str]:
        """Plain-English lines for display, most important first."""
        layout = {
            "aggregate": "one row per count",
            "wide": "one column per ethnic group",
            "staff": "one row per member of staff",
            "recruitment": _APPLICANT_FORMS.get(
                self.form, f"recruitment counts ({self.form or 'long'})"),
        }.get(self.layout, self.layout)
        lines = [f"{self.source}: read {self.rows_read:,} rows as {self.kind} data "
                 f"({layout})."]
        if self.rows_excluded:
            lines.append(f"Used {self.rows_used:,} rows; left out {self.rows_excluded:,}:")
            lines.extend("  - " + e.describe() for e in self.exclusions)
        else:
            lines.append(f"Used all {self.rows_used:,} rows.")
        for column, labels in self.unrecognised.items():
            shown = ", ".join(f"'{k}' ({v:,} rows)" for k, v in list(labels.items())[:10])
            more = f" and {len(labels) - 10} more" if len(labels) > 10 else ""
            lines.append(f"Not recognised in {column}: {shown}{more}. Map them by hand if they "
                         "should be counted.")
        if len(self.unknown_by_band):
            unknown = int(self.unknown_by_band["unknown"].sum())
            total = int(self.unknown_by_band["total"].sum())
            if total:
                share = unknown / total
                worst = self.unknown_by_band.sort_values("unknown_share", ascending=False,
                                                         kind="stable").iloc[0]
                lines.append(
                    f"Ethnicity unknown for {unknown:,} of {total:,} ({share:.1%}); highest in "
                    f"band {worst['band']} ({worst['unknown_share']:.1%}).")
        orgs = len(self.organisations)
        shown_orgs = ", ".join(self.organisations[:5]) + (" ..." if orgs > 5 else "")
        years = ", ".join(format_year(y) for y in self.years)
        if not years.startswith("year"):  # format_year's "year not given" says it already
            years = f"year{'s' if len(self.years) != 1 else ''} {years}"
        lines.append(f"{orgs} organisation{'s' if orgs != 1 else ''} ({shown_orgs}); {years}.")
        if self.column_matches:
            lines.append("Columns: " + "; ".join(
                f"{k} <- {v}" for k, v in self.column_matches.items()) + ".")
        if self.ignored_columns:
            lines.append("Not read: " + "; ".join(f"column '{header}' ({why})"
                                                  for header, why in self.ignored_columns)
                         + ".")
        if self.outcomes:
            lines.append("Applicant outcomes: " + "; ".join(
                f"'{o.value}' -> {o.stage} ({o.applicants:,})" for o in self.outcomes) + ".")
        lines.extend(self.notes)
        return lines


def unknown_by_band(bands: np.ndarray, unknown: np.ndarray, counts: np.ndarray,
                    band_names: tuple[str, ...]) -> pd.DataFrame:
    """Unknown-ethnicity counts and share per band (bands are indices into ``band_names``)."""
    n = len(band_names)
    unknown_counts = np.bincount(bands[unknown], weights=counts[unknown], minlength=n)
    totals = np.bincount(bands, weights=counts, minlength=n)
    present = np.flatnonzero(totals > 0)
    unknown_counts = unknown_counts[present].astype("int64")
    totals = totals[present].astype("int64")
    return pd.DataFrame({
        "band": pd.array([band_names[i] for i in present], dtype="string"),
        "unknown": unknown_counts,
        "known": totals - unknown_counts,
        "total": totals,
        "unknown_share": unknown_counts / np.maximum(totals, 1),
    })
