"""A total staff group beside its parts in one file: count each person once.

A file may hold "All staff" (or "Total", "All") rows next to the staff groups they add up
(Clinical, Non-clinical, or the ESR / AfC staff groups), or a WRES group as a whole
("Clinical") next to the ESR groups it is made of ("Nursing and Midwifery Registered",
"Allied Health Professionals"), or a wide template with an "All staff" section above the
Clinical and Non-clinical sections. Added up as they stand, these count people twice.

The rule, for each organisation, year and band where a total and its parts both appear
(each band on its own: a file may give totals for some bands only):

* the parts are compared with the total, cell by cell (ethnic group, and stage for
  recruitment);
* when they add up to it exactly, the **parts** are counted and the total rows left out as
  "total row": the numbers are the total's, and the staff groups stay available;
* when they do not, the **total** is counted (the default: it is the file's own figure for
  everyone) and the part rows left out as "part of a staff group total", with a note giving
  both sums.

The nesting has three levels: 0 the whole workforce ("All staff", "Total"), 1 a WRES staff
group as a whole ("Clinical", "Non-clinical staff", "Medical"), 2 anything finer (ESR and NHS
workforce statistics groups). Level 1 against level 2 is settled first, within each WRES
group; then level 0 against what is left. Files with one row per person or per applicant
have no totals: each row is someone, so nothing here applies to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wres_core import schema
from wres_core.ethnicity import clean_label
from wres_core.formatting import format_year
from wres_core.ingest import applicants
from wres_core.ingest.values import is_total_label

if TYPE_CHECKING:  # the reader's per-row state and plan (they import this module)
    from wres_core.ingest.build import _Rows
    from wres_core.ingest.plan import Plan
    from wres_core.ingest.source import Factor

#: The reader's long parts: (rows, ethnic group, stage or None, count) arrays.
Parts = list[tuple[np.ndarray, np.ndarray, "np.ndarray | None", np.ndarray]]

TOTAL_ROW = "total row"
PART_ROW = "part of a staff group total"
WHOLE, GROUP, PART = 0, 1, 2
#: How a WRES staff group names itself as a whole ("clinical", "clinical staff").
_GROUP_NAMES = frozenset(name for group in schema.STAFF_GROUPS if group !=
                         schema.DEFAULT_STAFF_GROUP
                         for name in (clean_label(group), clean_label(group) + " staff"))


@dataclass(frozen=True)
class Nesting:
    """Per row: the staff group label it had, and that label's level."""

    labels: tuple[str, ...]      # label per code
    codes: np.ndarray            # per row, index into labels (-1 blank)
    level: np.ndarray            # per label: WHOLE, GROUP or PART
    column: int                  # the column the labels came from (for the exclusions)


def _per_person(plan: Plan) -> bool:
    return plan.layout == "staff" or plan.form in applicants.FORMS


def column_nesting(plan: Plan, factor: Factor, groups: list[str | None], column: int
                   ) -> Nesting | None:
    """The nesting of a staff group column; ``groups`` is each label's WRES staff group."""
    if _per_person(plan):
        return None
    level = np.array([WHOLE if is_total_label(label) or group == schema.DEFAULT_STAFF_GROUP
                      else GROUP if clean_label(label) in _GROUP_NAMES else PART
                      for label, group in zip(factor.labels, groups)] + [PART],
                     dtype=np.int64)[:-1]
    return Nesting(tuple(factor.labels), factor.codes, level, column)


def grand_totals(total_labels: np.ndarray, staff_group: Factor, band: Factor) -> np.ndarray:
    """Rows whose staff group is a total and whose band is blank, in a file that also has
    staff groups: the file's grand total row ("Total, , 167, 45"), not a staff group."""
    total_labels = np.asarray(total_labels, dtype=bool)
    if total_labels.all():  # "All staff" alone is the whole workforce, not a total row
        return np.zeros(len(staff_group.codes), dtype=bool)
    return np.append(total_labels, False)[staff_group.codes] & (band.codes < 0)


def section_nesting(plan: Plan, section_group: np.ndarray, column: int) -> Nesting | None:
    """The nesting of a wide template's staff group sections (heading rows)."""
    if _per_person(plan):
        return None
    level = np.array([WHOLE if g == schema.DEFAULT_STAFF_GROUP else GROUP
                      for g in schema.STAFF_GROUPS], dtype=np.int64)
    return Nesting(tuple(schema.STAFF_GROUPS), section_group, level, column)


def count_once(rows: _Rows, parts: Parts, nesting: Nesting | None, *, org: np.ndarray,
               year: np.ndarray, band: np.ndarray, staff_group: np.ndarray,
               org_codes: list[str], years: np.ndarray, band_names: tuple[str, ...],
               notes: list[str]) -> Parts:
    """The reader's long parts with each person counted once (see the module's rule).

    ``parts`` is the reader's list of ``(rows, ethnic group, stage or None, count)`` arrays;
    rows left out are excluded through ``rows`` (the reader's per-row state) and dropped
    from the parts returned.
    """
    if nesting is None or not len(parts):
        return parts
    row = np.concatenate([p[0] for p in parts])
    if not len(row):
        return parts
    level = np.where(nesting.codes[row] >= 0, nesting.level[nesting.codes[row].clip(0)], PART)
    if len(np.unique(level)) < 2:  # no total beside parts
        return parts
    cells = pd.DataFrame({
        "row": row, "org": org[row], "year": year[row], "band": band[row],
        "group": np.concatenate([p[1] for p in parts]),
        "stage": np.concatenate([p[2] if p[2] is not None else np.zeros(len(p[0]), np.int64)
                                 for p in parts]),
        "count": np.concatenate([p[3] for p in parts]), "level": level,
        "wres_group": staff_group[row], "label": nesting.codes[row]})
    # Recruitment cells add up applied, shortlisted and appointed: counts, not people.
    unit = "counts" if any(p[2] is not None for p in parts) else "people"
    left_out = np.zeros(rows.n, dtype=bool)
    totals_out = np.zeros(rows.n, dtype=bool)
    reports = []
    # Level 1 against level 2, within each WRES group; then level 0 against the rest.
    for total_level, scope in ((GROUP, ["org", "year", "band", "wres_group"]),
                               (WHOLE, ["org", "year", "band"])):
        live = cells[~left_out[cells["row"]] & ~totals_out[cells["row"]]]
        live = live[live["level"] >= total_level]
        role = np.where(live["level"] == total_level, "total", "parts")
        live = live.assign(role=role)
        both = live.groupby(scope)["role"].transform("nunique") == 2
        live = live[both.to_numpy()]
        if not len(live):
            continue
        sums = live.pivot_table(index=[*scope, "group", "stage"], columns="role",
                                values="count", aggfunc="sum", fill_value=0, observed=True)
        agree = (sums["total"] == sums["parts"]).groupby(level=scope).all()
        scope_sums = sums.groupby(level=scope)[["total", "parts"]].sum()
        keyed = live.set_index(scope).index
        agrees = agree.reindex(keyed).to_numpy()
        is_total = (live["role"] == "total").to_numpy()
        drop_total = live["row"].to_numpy()[agrees & is_total]
        drop_parts = live["row"].to_numpy()[~agrees & ~is_total]
        totals_out[drop_total] = True
        left_out[drop_parts] = True
        reports.append(_note(live, agree, scope_sums, nesting, org_codes, years, band_names,
                             drop_total, drop_parts, unit))
    if not (left_out.any() or totals_out.any()):
        return parts
    for mask, reason in ((totals_out, TOTAL_ROW), (left_out, PART_ROW)):
        shown = np.unique(nesting.codes[mask])
        rows.exclude(mask, reason, nesting.column,
                     [nesting.labels[c] for c in shown if c >= 0])
    notes.extend(n for n in reports if n)
    keep = ~(left_out | totals_out)
    return [(p[0][keep[p[0]]], p[1][keep[p[0]]],
             None if p[2] is None else p[2][keep[p[0]]], p[3][keep[p[0]]]) for p in parts]


def _rows(rows: np.ndarray, what: str = "total") -> str:
    n = len(set(rows.tolist()))
    return f"{n:,} {what} row{'s' if n != 1 else ''}"


def _names(live: pd.DataFrame, nesting: Nesting, role: str) -> str:
    codes = sorted(set(live.loc[live["role"] == role, "label"].tolist()))
    return ", ".join(f"'{nesting.labels[c]}'" for c in codes if c >= 0)


def _where(key: tuple, org_codes: list[str], years: np.ndarray,
           band_names: tuple[str, ...]) -> str:
    org, year, band = key[:3]
    band_text = band_names[band]
    band_text = "all bands" if band_text == schema.ALL_BANDS else f"band {band_text}"
    return f"{org_codes[org]} {format_year(int(years[year]))}, {band_text}"


def _note(live, agree, scope_sums, nesting, org_codes, years, band_names,
          drop_total, drop_parts, unit) -> str:
    total_names, part_names = _names(live, nesting, "total"), _names(live, nesting, "parts")
    out = [f"Staff group {total_names} is the total of {part_names} in the same file: added "
           "up, people would be counted twice."]
    n_agree = int(agree.sum())
    if n_agree:
        people = int(scope_sums.loc[agree[agree].index, "total"].sum())
        out.append(f"In {n_agree} organisation, year and band group{'s' if n_agree != 1 else ''}"
                   f" the parts add up to the total ({people:,} {unit}): the parts were counted "
                   f"and the {_rows(drop_total)} left out.")
    differ = agree[~agree].index
    if len(differ):
        shown = "; ".join(
            f"{_where(key, org_codes, years, band_names)}: parts "
            f"{int(scope_sums.loc[key, 'parts']):,}, total {int(scope_sums.loc[key, 'total']):,}"
            for key in list(differ)[:5]) + ("; ..." if len(differ) > 5 else "")
        out.append(f"In {len(differ)} group{'s' if len(differ) != 1 else ''} the parts do not "
                   f"add up to the total ({shown}): the total was counted there and the "
                   f"{_rows(drop_parts, 'part')} left out, so those have no staff-group "
                   "breakdown.")
    return " ".join(out)
