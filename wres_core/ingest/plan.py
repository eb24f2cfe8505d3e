"""Which column is which, and which layout the file has.

Headers are matched against the alias table (``data/column_aliases.csv``) after lower-casing and
dropping everything but letters and digits; a caller's ``mapping`` wins over the table. Headers
that are not aliases but read as ethnic groups (``White``, ``BME``, ``Not stated``, ``A``) are
the count columns of a wide file. The layout then follows from what was found; see
:func:`plan_columns`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wres_core.errors import IngestError
from wres_core.ethnicity import match_ethnicity
from wres_core.ingest import applicants
from wres_core.ingest.source import RawTable
from wres_core.ingest.values import (
    STAGE_COLUMNS,
    alias_rank,
    column_aliases,
    header_key,
    is_rate_header,
    is_total_label,
    looks_numeric,
    stage_of,
)

LAYOUTS = ("aggregate", "wide", "staff", "recruitment")
KINDS = ("workforce", "recruitment")
#: Names a caller may use as keys of ``mapping``.
MAPPABLE = ("org_code", "org_name", "org", "region", "org_type", "year", "staff_group", "band",
            "ethnicity", "headcount", "stage", "staff_id", *STAGE_COLUMNS, "status")

_GROUP_NAMES = {"white": ("White", "White"), "bme": ("BME", "BME (not specified)"),
                "unknown": ("Unknown", "Unknown"), "mixed": ("BME", "Mixed"),
                "asian": ("BME", "Asian"), "black": ("BME", "Black"), "other": ("BME", "Other"),
                "bmenotspecified": ("BME", "BME (not specified)")}


def ethnicity_target(value: object, source: str) -> tuple[str, str]:
    """A caller's ``ethnicity_map`` value -> (category, group); raises if not understood."""
    key = header_key(value)
    if key in _GROUP_NAMES:
        return _GROUP_NAMES[key]
    match = match_ethnicity(value) if str(value).strip() else None
    if match is None:
        raise IngestError(source, f"ethnicity_map maps a label to '{value}', which is not an "
                          "ethnic category or group.",
                          "White, BME, Unknown, or a group: Mixed, Asian, Black, Other.",
                          "Correct the mapping and read the file again.")
    return match.category, match.group


def lookup_map(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """A caller's label map keyed by stripped, case-folded label."""
    return {str(k).strip().casefold(): v for k, v in (mapping or {}).items()}


@dataclass
class Plan:
    kind: str
    layout: str
    form: str  # recruitment: long / stage-wide / ethnicity-wide
    columns: dict[str, int]  # canonical -> column index
    how: dict[str, str]  # canonical -> how it was matched
    ethnic_columns: list[tuple[int, str, str]] = field(default_factory=list)  # col, cat, group
    stage_columns: list[tuple[int, str]] = field(default_factory=list)  # col, stage
    total_column: int | None = None
    split_columns: list[int] = field(default_factory=list)
    unrecognised_headers: list[int] = field(default_factory=list)
    #: Columns of numbers that are not read, with why (for the report, the CLI, the Data page).
    ignored_columns: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _numeric_share(raw: RawTable, index: int) -> tuple[float, int]:
    values = [r[index] for r in raw.sample if r[index]]
    if not values:
        return 0.0, 0
    return sum(1 for v in values if looks_numeric(v)) / len(values), len(values)


def _detail(raw: RawTable, index: int) -> int:
    """How many distinct ethnic groups (and NHS codes) the sample of a column names."""
    found = set()
    for value in {r[index] for r in raw.sample if r[index]}:
        match = match_ethnicity(value)
        if match is not None:
            found.add((match.group, match.code))
    return len(found)


def _headers_text(raw: RawTable) -> str:
    shown = ", ".join(f"'{h}'" for h in raw.headers[:15])
    return shown + (f" and {len(raw.headers) - 15} more" if len(raw.headers) > 15 else "")


@dataclass
class _Matches:
    """Columns matched so far: canonical -> index, how each was matched, and notes."""

    columns: dict[str, int] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    disabled: set[str] = field(default_factory=set)  # canonical names the caller switched off
    taken: set[int] = field(default_factory=set)  # column indexes already spoken for


@dataclass
class _EthnicHeaders:
    """Headers that are not aliases: ethnic groups, rates, a row total."""

    columns: list[tuple[int, str, str, str]]  # col, category, group, code
    rate_columns: list[int]
    total_column: int | None


def plan_columns(raw: RawTable, *, layout: str | None, kind: str | None,
                 mapping: Mapping[str, str | None] | None,
                 ethnicity_map: Mapping[str, str] | None) -> Plan:
    """Match columns and choose the layout.

    Layout rules (``layout=`` / ``kind=`` override them):

    * recruitment when a stage column is found (by alias, or a column whose values are all
      stage names such as ``Shortlisted``), or when there are stage count columns (``Applied``,
      ``Shortlisted``, ``Appointed``). Its form is *long* (stage column + count column +
      ethnicity column), *stage-wide* (ethnicity column + stage count columns) or
      *ethnicity-wide* (stage column + one count column per ethnic group);
    * otherwise workforce: *aggregate* with an ethnicity column and a count column, *staff*
      with an ethnicity column and no count column, *wide* with no ethnicity column and
      headers that are ethnic groups.
    """
    kind = _check_layout_and_kind(raw.source, layout, kind)
    found = _apply_mapping(raw, mapping)
    _match_aliases(raw, found)
    ethnic = _ethnic_headers(raw, found.taken, ethnicity_map)
    if kind != "workforce":
        _find_stage_column_by_values(raw, found, ethnic.columns)
    stage_columns = [(found.columns[s], s) for s in STAGE_COLUMNS if s in found.columns]
    # One row per applicant (yes/no stage columns, or an outcome column): applicants.py.
    applicant_form = applicants.detect_form(raw, found.columns, found.how, found.taken,
                                            stage_columns, kind)
    stage_columns = [(found.columns[s], s) for s in STAGE_COLUMNS if s in found.columns]
    if kind is None:
        kind = ("recruitment" if ("stage" in found.columns or stage_columns or applicant_form)
                else "workforce")
    plan = Plan(kind=kind, layout="", form="", columns=found.columns, how=found.how,
                notes=found.notes)
    if kind == "workforce":
        _choose_workforce_layout(raw, plan, layout, ethnic.columns)
    else:
        _choose_recruitment_form(raw, plan, stage_columns, ethnic.columns, applicant_form)
    used_ethnic = _place_ethnic_columns(raw, plan, ethnic, found.taken)
    _drop_columns_the_layout_does_not_read(raw, plan, ethnic.rate_columns)
    _sort_remaining_columns(raw, plan, used_ethnic, ethnic, found.taken)
    return plan


def _check_layout_and_kind(name: str, layout: str | None, kind: str | None) -> str | None:
    """Refuse unknown or contradictory ``layout`` / ``kind``; the kind they imply."""
    if layout is not None and layout not in LAYOUTS:
        raise IngestError(name, f"layout='{layout}' is not a layout this reader knows.",
                          f"one of {', '.join(LAYOUTS)}, or None to detect it.",
                          "Pass one of those names, or leave layout out.")
    if kind is not None and kind not in KINDS:
        raise IngestError(name, f"kind='{kind}' is not a kind of data this reader knows.",
                          "'workforce', 'recruitment', or None to detect it.",
                          "Pass one of those names, or leave kind out.")
    if layout == "recruitment":
        if kind == "workforce":
            raise IngestError(name, "layout='recruitment' was asked for with kind='workforce'.",
                              "a recruitment layout with recruitment data.",
                              "Drop one of the two options.")
        return "recruitment"
    if layout is not None and kind is None:
        return "workforce"
    return kind


def _apply_mapping(raw: RawTable, mapping: Mapping[str, str | None] | None) -> _Matches:
    """The caller's mapping: each canonical name to the column it names, or switched off."""
    name, headers = raw.source, raw.headers
    found = _Matches()
    for canonical, wanted in (mapping or {}).items():
        if canonical not in MAPPABLE:
            raise IngestError(name, f"mapping names '{canonical}', which is not a column this "
                              "reader fills.", f"keys among {', '.join(MAPPABLE)}.",
                              "Correct the mapping and read the file again.")
        if wanted is None or str(wanted).strip() == "":
            found.disabled.add(canonical)
            found.how[canonical] = "not used (your mapping)"
            continue
        matching = [i for i, h in enumerate(headers) if h == wanted] or [
            i for i, h in enumerate(headers) if header_key(h) == header_key(wanted)]
        if not matching:
            raise IngestError(name, f"mapping points '{canonical}' at a column '{wanted}' "
                              "that the file does not have.",
                              f"one of the file's columns: {_headers_text(raw)}.",
                              "Pick one of those columns in the mapping.")
        found.columns[canonical] = matching[0]
        found.taken.add(matching[0])
        found.how[canonical] = f"your mapping ('{headers[matching[0]]}')"
    return found


def _match_aliases(raw: RawTable, found: _Matches) -> None:
    """Headers in the alias table; of two for the same name, the best-ranked is used."""
    headers = raw.headers
    aliases, ranks = column_aliases(), alias_rank()
    candidates: dict[str, list[tuple[int, int]]] = {}
    # "N" is both the alias "n" (a count) and NHS code N (Black African): among other code
    # headers (A, B, C ...) it is the code.
    letters = [h for h in headers if len(h.strip()) == 1 and match_ethnicity(h.strip())]
    for i, header in enumerate(headers):
        if i in found.taken or (len(letters) >= 3 and header.strip() in ("N", "n")):
            continue
        canonical = aliases.get(header_key(header))
        if canonical and canonical not in found.columns and canonical not in found.disabled:
            candidates.setdefault(canonical, []).append((ranks[header_key(header)], i))
    for canonical, ranked in candidates.items():
        ranked.sort()
        if canonical == "ethnicity" and len(ranked) > 1:
            # e.g. "ethnicity" (White/BME) beside "ethnic_group" (Asian, Black ...): read the
            # more detailed one.
            ranked.sort(key=lambda rank_col: (-_detail(raw, rank_col[1]), rank_col[0]))
        chosen = ranked[0][1]
        found.columns[canonical] = chosen
        found.taken.add(chosen)
        found.how[canonical] = f"alias '{headers[chosen]}'"
        for _, other in ranked[1:]:
            found.notes.append(f"Column '{headers[other]}' also names {canonical}; "
                               f"'{headers[chosen]}' was used instead.")
            found.taken.add(other)


def _ethnic_headers(raw: RawTable, taken: set[int], ethnicity_map: Mapping[str, str] | None
                    ) -> _EthnicHeaders:
    """Headers that are ethnic groups (count columns of a wide file), rates and a total."""
    emap = lookup_map(ethnicity_map)
    ethnic: list[tuple[int, str, str, str]] = []  # col, category, group, code
    rate_columns: list[int] = []
    total_column = None
    for i, header in enumerate(raw.headers):
        if i in taken:
            continue
        if is_rate_header(header):
            rate_columns.append(i)
            continue
        if is_total_label(header):
            total_column = i if total_column is None else total_column
            continue
        mapped = emap.get(header.strip().casefold())
        if mapped is not None:
            category, group = ethnicity_target(mapped, raw.source)
            ethnic.append((i, category, group, "mapped"))
            continue
        match = match_ethnicity(header)
        if match is not None and match.rule != "blank":
            ethnic.append((i, match.category, match.group, match.code))
    return _EthnicHeaders(ethnic, rate_columns, total_column)


def _find_stage_column_by_values(raw: RawTable, found: _Matches,
                                 ethnic: list[tuple[int, str, str, str]]) -> None:
    """Without a stage alias, a column whose values are all stage names is the stage column."""
    if "stage" in found.columns or "stage" in found.disabled or not raw.sample:
        return
    for i in range(len(raw.headers)):
        if i in found.taken or any(i == e[0] for e in ethnic):
            continue
        values = {r[i] for r in raw.sample if r[i]}
        if values and all(stage_of(v) or is_total_label(v) for v in values) and any(
                stage_of(v) for v in values):
            found.columns["stage"] = i
            found.taken.add(i)
            found.how["stage"] = f"values of '{raw.headers[i]}' are recruitment stages"
            break


def _no_ethnicity_error(raw: RawTable) -> IngestError:
    return IngestError(
        raw.source, "No ethnicity column was found, and no columns are named after ethnic "
        "groups.",
        "a column such as 'Ethnic origin', 'Ethnicity' or 'Ethnic group', or one count column "
        "per ethnic group ('White', 'BME', 'Not stated' ...). The file's columns are: "
        f"{_headers_text(raw)}.",
        "Rename the ethnicity column, or choose it in the column mapping.",
        column=None)


def _no_count_error(raw: RawTable, what: str) -> IngestError:
    return IngestError(
        raw.source, f"No count column was found {what}.",
        "a column such as 'Count', 'Headcount', 'Staff count', 'Number' or 'n'. The "
        f"file's columns are: {_headers_text(raw)}.",
        "Rename the count column, or choose it in the column mapping; a file with one row "
        "per person needs no count column (layout 'staff').")


def _choose_workforce_layout(raw: RawTable, plan: Plan, layout: str | None,
                             ethnic: list[tuple[int, str, str, str]]) -> None:
    """Aggregate, staff or wide; drop recruitment columns; refuse what cannot be read."""
    name, headers, columns, notes = raw.source, raw.headers, plan.columns, plan.notes
    has_ethnicity = "ethnicity" in columns
    for s in STAGE_COLUMNS:
        if s in columns:
            notes.append(f"Column '{headers[columns.pop(s)]}' looks like a recruitment "
                         "count but the file was read as workforce data; it is not used.")
    if "stage" in columns:
        notes.append(f"Column '{headers[columns.pop('stage')]}' (stage) is not used in "
                     "workforce data.")
    chosen = layout
    if chosen is None:
        if has_ethnicity:
            chosen = "aggregate" if "headcount" in columns else "staff"
        elif ethnic:
            chosen = "wide"
        else:
            raise _no_ethnicity_error(raw)
    if chosen in ("aggregate", "staff") and not has_ethnicity:
        raise _no_ethnicity_error(raw)
    if chosen == "aggregate" and "headcount" not in columns:
        raise _no_count_error(raw, "(layout 'aggregate' needs one count per row)")
    if chosen == "wide" and not ethnic:
        raise IngestError(
            name, "No column is named after an ethnic group, so the file cannot be read "
            "as a wide table.", "one count column per ethnic group, such as 'White', "
            "'BME', 'Not stated', 'Asian', 'Black' or NHS codes 'A'..'Z'. The file's "
            f"columns are: {_headers_text(raw)}.",
            "Rename the columns, map them with ethnicity_map, or pick another layout.")
    if "band" not in columns:
        raise IngestError(
            name, "No band column was found.",
            "a column such as 'Pay band', 'AfC band', 'Band' or 'Grade'. The file's "
            f"columns are: {_headers_text(raw)}.",
            "Rename the band column, or choose it in the column mapping.")
    plan.layout = chosen


def _choose_recruitment_form(raw: RawTable, plan: Plan, stage_columns: list[tuple[int, str]],
                             ethnic: list[tuple[int, str, str, str]],
                             applicant_form: str | None = None) -> None:
    """Long, stage-wide or ethnicity-wide; drop the count columns that form does not read."""
    name, headers, columns, notes = raw.source, raw.headers, plan.columns, plan.notes
    has_ethnicity = "ethnicity" in columns
    plan.layout = "recruitment"
    if applicant_form is not None:
        plan.form = applicant_form
    elif "stage" in columns and has_ethnicity:
        if "headcount" not in columns:
            raise _no_count_error(raw, "for the stage and ethnicity columns")
        plan.form = "long"
    elif stage_columns and has_ethnicity:
        plan.form = "stage-wide"
    elif "stage" in columns and ethnic:
        plan.form = "ethnicity-wide"
    elif not has_ethnicity and not ethnic:
        raise _no_ethnicity_error(raw)
    else:
        raise IngestError(
            name, "No recruitment stages were found.",
            "a 'Stage' column (Applied / Shortlisted / Appointed) with counts, or count "
            "columns named 'Applied', 'Shortlisted' and 'Appointed'. The file's columns "
            f"are: {_headers_text(raw)}.",
            "Rename the columns, or choose them in the column mapping.")
    if plan.form in ("stage-wide", applicants.FLAGS):
        if not any(s in ("shortlisted", "appointed") for _, s in stage_columns):
            raise IngestError(
                name, "The recruitment counts have neither a shortlisted nor an "
                "appointed column.", "counts of people shortlisted and appointed (applied "
                "is optional).", "Add the shortlisted and appointed counts.")
        plan.stage_columns = stage_columns
        if "headcount" in columns:
            notes.append(f"Column '{headers[columns.pop('headcount')]}' is not used: "
                         "counts come from the stage columns.")
    else:
        for s in STAGE_COLUMNS:
            if s in columns:
                notes.append(f"Column '{headers[columns.pop(s)]}' is not used: the "
                             "stage comes from the stage column.")


def _is_wide_form(plan: Plan) -> bool:
    return plan.layout == "wide" or plan.form == "ethnicity-wide"


def _place_ethnic_columns(raw: RawTable, plan: Plan, ethnic: _EthnicHeaders, taken: set[int]
                          ) -> list[tuple[int, str, str, str]]:
    """The ethnic group columns a wide form reads (and its row total); none otherwise."""
    headers, columns, notes = raw.headers, plan.columns, plan.notes
    if _is_wide_form(plan):
        if "headcount" in columns:  # "Total" next to ethnic columns is a row total
            total = columns.pop("headcount")
            plan.how.pop("headcount", None)
            if ethnic.total_column is None:
                ethnic.total_column = total
            taken.discard(total)
        kept = _drop_subtotals(ethnic.columns, headers, notes)
        plan.ethnic_columns = [(i, c, g) for i, c, g, _ in kept]
        plan.total_column = ethnic.total_column
        if ethnic.total_column is not None:
            notes.append(f"Column '{headers[ethnic.total_column]}' read as a row total: it is "
                         "checked against the ethnic group columns, not added to them.")
        return kept
    if ethnic.columns:
        notes.append("Columns named after ethnic groups (" + ", ".join(
            f"'{headers[i]}'" for i, *_ in ethnic.columns[:6]) + ") are not used: the "
            f"ethnicity comes from '{headers[columns['ethnicity']]}'.")
    return []


def _drop_columns_the_layout_does_not_read(raw: RawTable, plan: Plan, rate_columns: list[int]
                                           ) -> None:
    """Counts in a staff-level file, staff numbers in a count file, percentages anywhere."""
    headers, columns, notes = raw.headers, plan.columns, plan.notes
    if plan.layout == "staff":
        if "headcount" in columns:
            notes.append(f"Column '{headers[columns.pop('headcount')]}' is not used: each row "
                         "is one person.")
    elif "staff_id" in columns:
        notes.append(f"Column '{headers[columns.pop('staff_id')]}' (staff number) is not used: "
                     "the file has counts, not one row per person.")
    if rate_columns:
        notes.append("Percentage or rate columns are not used: " + ", ".join(
            f"'{headers[i]}'" for i in rate_columns[:6]) + ".")
        plan.ignored_columns += [(i, "a percentage or rate: counts are read, not rates")
                                 for i in rate_columns]


def _sort_remaining_columns(raw: RawTable, plan: Plan,
                            used_ethnic: list[tuple[int, str, str, str]],
                            ethnic: _EthnicHeaders, taken: set[int]) -> None:
    """Columns nothing reads: numbers are ignored (and said so), text splits rows apart."""
    headers = raw.headers
    wide_form = _is_wide_form(plan)
    used = (set(plan.columns.values()) | {i for i, *_ in used_ethnic}
            | {i for i, _ in plan.stage_columns})
    if ethnic.total_column is not None and wide_form:
        used.add(ethnic.total_column)
    for i in range(len(headers)):
        if i in used or i in ethnic.rate_columns or i in taken:
            continue
        share, filled = _numeric_share(raw, i)
        if plan.layout == "staff" or not filled:
            continue
        if share >= 0.8:
            if wide_form:
                plan.unrecognised_headers.append(i)
                plan.ignored_columns.append((i, "its header is not an ethnic group"))
            else:
                plan.ignored_columns.append((i, f"numbers, but not a column the {plan.layout} "
                                                "layout reads"))
        else:
            plan.split_columns.append(i)
    if plan.unrecognised_headers:
        plan.notes.append("Columns of numbers whose headers are not ethnic groups were not "
                          "used: " + ", ".join(f"'{headers[i]}'"
                                               for i in plan.unrecognised_headers[:8])
                          + ". If one is an ethnic group, map it with ethnicity_map.")


def _drop_subtotals(ethnic: list[tuple[int, str, str, str]], headers: list[str],
                    notes: list[str]) -> list[tuple[int, str, str, str]]:
    """Drop generic columns that are subtotals of specific ones in the same file.

    ``White`` next to ``White British`` / ``White Irish``, ``Asian`` next to ``Indian``, or
    ``BME`` next to ``Asian`` / ``Black`` ... would count people twice.
    """
    specific_groups = {g for _, _, g, code in ethnic if code not in ("", "mapped")}
    bme_detail = {g for _, c, g, code in ethnic
                  if c == "BME" and g != "BME (not specified)" and code != "mapped"}
    keep, dropped = [], []
    for item in ethnic:
        i, _category, group, code = item
        generic_of_specific = code == "" and group in specific_groups and group != "Unknown"
        bme_total = group == "BME (not specified)" and bool(bme_detail)
        if generic_of_specific or bme_total:
            dropped.append(headers[i])
        else:
            keep.append(item)
    if dropped:
        notes.append("Read as subtotals of other ethnic group columns and not added: "
                     + ", ".join(f"'{d}'" for d in dropped) + ".")
    return keep
