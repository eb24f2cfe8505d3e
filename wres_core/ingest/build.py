"""From a raw table and a plan to the clean, aggregated table and its report.

Everything here works on integer codes: each column is a :class:`~.source.Factor`, each
distinct label is read once (bands, ethnicities, years, counts ...) and the answers are spread
over the rows with ``numpy.take``. Each excluded row gets exactly one reason, the first that
applies in :data:`~.report.EXCLUSION_REASONS` order, so the reasons add up to the rows left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from wres_core import schema
from wres_core.bands import AFC_BANDS, BAND_ORDER, MEDICAL_GRADES, normalise_band, normalise_bands
from wres_core.errors import IngestError
from wres_core.ethnicity import clean_label, code_word_disagreements, normalise_ethnicities
from wres_core.ingest import applicants, staff_group_totals
from wres_core.ingest.plan import Plan, ethnicity_target, lookup_map
from wres_core.ingest.report import (
    EXCLUSION_REASONS,
    MAX_EXAMPLES,
    MAX_ROWS_LISTED,
    DataQualityReport,
    Exclusion,
    unknown_by_band,
)
from wres_core.ingest.source import Factor, Loaded, RawTable, cut_label
from wres_core.ingest.staff_numbers import maybe_repeated
from wres_core.ingest.values import (
    COUNT_PROBLEMS,
    header_key,
    is_total_label,
    parse_count,
    parse_year,
    split_org,
    staff_group_of,
    stage_of,
    year_in_text,
)

GROUPS = schema.ETHNIC_GROUPS
STAFF_GROUPS = schema.STAFF_GROUPS
STAGES = schema.RECRUITMENT_STAGES
BANDS = BAND_ORDER
_BAND_INDEX = {b: i for i, b in enumerate(BANDS)}
_GROUP_INDEX = {g: i for i, g in enumerate(GROUPS)}
_SG_INDEX = {g: i for i, g in enumerate(STAFF_GROUPS)}
_REASON = {r: i + 1 for i, r in enumerate(EXCLUSION_REASONS)}
_ALL_BAND = _BAND_INDEX[schema.ALL_BANDS]
#: Per band index, and False last for an unrecognised band (-1).
_MEDICAL = np.array([b in MEDICAL_GRADES for b in BANDS] + [False])
_AFC = np.array([b in AFC_BANDS for b in BANDS] + [False])
_UNKNOWN_GROUP = _GROUP_INDEX["Unknown"]
_ALL_STAFF = _SG_INDEX[schema.DEFAULT_STAFF_GROUP]


@dataclass
class Options:
    band_map: Mapping[str, str] | None = None
    ethnicity_map: Mapping[str, str] | None = None
    staff_group_map: Mapping[str, str] | None = None
    #: What a file that has no organisation or year belongs to, when the user says so.
    default_org: tuple[str, str] | None = None   # (code, name)
    default_year: int | None = None
    #: Applicant files: {outcome value: stage}, before the status table (applicants.py).
    status_map: Mapping[str, str] | None = None


def _spread(per_label: np.ndarray, codes: np.ndarray, blank: object) -> np.ndarray:
    """Per-label values to per-row values; blank cells (code -1) get ``blank``."""
    table = np.append(per_label, np.array([blank], dtype=per_label.dtype))
    return table[codes]  # code -1 picks the appended blank value


def _first_rows(rownums: np.ndarray, mask: np.ndarray) -> tuple[int, ...]:
    where = np.flatnonzero(mask)[:MAX_ROWS_LISTED]
    return tuple(int(r) for r in rownums[where])


class _Rows:
    """Per-row state: the reason each row is excluded (0 = used) and the column at fault."""

    def __init__(self, raw: RawTable, loaded: Loaded) -> None:
        self.raw = raw
        self.n = loaded.nrows
        self.rownums = loaded.rownums
        self.reason = np.zeros(self.n, dtype=np.int8)
        self.column = np.full(self.n, -1, dtype=np.int32)
        self.examples: dict[tuple[int, int], list[str]] = {}
        self.factors = loaded.factors

    def exclude(self, mask: np.ndarray, reason: str, column: int | None = None,
                examples: list[str] | None = None) -> None:
        if not mask.any():  # the usual case: checked first, without the rows' reasons
            return
        mask = mask & (self.reason == 0)
        if not mask.any():
            return
        code = _REASON[reason]
        self.reason[mask] = code
        col = -1 if column is None else column
        self.column[mask] = col
        if examples is not None:
            self.examples.setdefault((code, col), []).extend(examples)

    def exclude_labels(self, factor: Factor, flagged: np.ndarray, reason: str,
                       column: int) -> None:
        """Exclude the rows whose label is ``flagged`` (one flag per label of ``factor``);
        when no label is, no row is looked at."""
        if flagged.any():
            self.exclude(_spread(flagged, factor.codes, False), reason, column)

    @property
    def ok(self) -> np.ndarray:
        return self.reason == 0

    def exclusions(self) -> tuple[Exclusion, ...]:
        out = []
        if not self.n:
            return ()
        # Only the rows left out are looked at (in a large file, a few of a million).
        excluded = np.flatnonzero(self.reason > 0)
        pair = (self.reason[excluded].astype(np.int64) * (len(self.raw.headers) + 2)
                + (self.column[excluded] + 1))
        for value in np.unique(pair):
            code, col = divmod(int(value), len(self.raw.headers) + 2)
            col -= 1
            rows = excluded[pair == value]  # in file order
            examples = self.examples.get((code, col))
            if examples is None and col >= 0 and col in self.factors:
                factor = self.factors[col]
                codes = pd.unique(factor.codes[rows[:10000]])
                examples = [factor.labels[c] if c >= 0 else "(blank)" for c in codes]
            shown = tuple(dict.fromkeys(examples or []))[:MAX_EXAMPLES]
            out.append(Exclusion(
                reason=EXCLUSION_REASONS[code - 1],
                column=self.raw.headers[col] if col >= 0 else None,
                count=len(rows),
                rows=tuple(int(r) for r in self.rownums[rows[:MAX_ROWS_LISTED]]),
                examples=tuple(cut_label(str(e)) for e in shown)))
        return tuple(out)


@dataclass
class _Context:
    """What every step of :func:`build` reads, and the notes and matches it adds to."""

    raw: RawTable
    plan: Plan
    options: Options
    loaded: Loaded
    rows: _Rows
    notes: list[str]
    how: dict[str, str]
    #: header -> {label: rows}: labels no normaliser knew, for the report.
    unrecognised: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.raw.source

    @property
    def cols(self) -> dict[str, int]:
        return self.plan.columns

    @property
    def headers(self) -> list[str]:
        return self.raw.headers

    @property
    def f(self) -> dict[int, Factor]:
        return self.loaded.factors

    @property
    def n(self) -> int:
        return self.loaded.nrows

    def note_unrecognised(self, col: int, label_bad: np.ndarray) -> None:
        """Count the rows of each label of ``col`` flagged in ``label_bad``, for the report."""
        factor = self.f[col]
        if not label_bad.any():
            return
        counts = np.bincount(factor.codes[factor.codes >= 0], minlength=len(factor.labels))
        found = {factor.labels[i]: int(counts[i]) for i in np.flatnonzero(label_bad)}
        found = dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))
        self.unrecognised.setdefault(self.headers[col], {}).update(found)


@dataclass
class _Organisations:
    index: np.ndarray  # per row: index into codes (-1 = none)
    codes: list[str]
    names: list[str]
    regions: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    given: bool = True  # False: no organisation anywhere in the file (the default is used)

    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def add(self, code: str, name: str) -> int:
        """The index of organisation ``code``, added with ``name`` if new."""
        found = self._index.get(code)
        if found is None:
            found = self._index[code] = len(self.codes)
            self.codes.append(code)
            self.names.append(name)
        return found


@dataclass
class _Years:
    value: np.ndarray  # per row: the year (0 = unrecognised)
    distinct: np.ndarray  # sorted years found
    index: np.ndarray  # per row: index into distinct
    given: bool = True  # False: no year anywhere in the file


@dataclass
class _StaffGroups:
    index: np.ndarray  # per row: index into STAFF_GROUPS (-1 = unrecognised)
    as_written: np.ndarray  # per row: the label's code, which keeps rows apart in the dup check
    heading_labels: np.ndarray  # per band label: True if it is a section heading
    #: A total staff group beside its parts (see staff_group_totals), or None.
    nesting: staff_group_totals.Nesting | None = None


@dataclass
class _Ethnicity:
    group: np.ndarray | None = None  # per row: index into GROUPS (-1 = unrecognised)
    #: per label: the cleaned label's code, and the column's codes (see as_written)
    cleaned: np.ndarray | None = None
    codes: np.ndarray | None = None

    @property
    def as_written(self) -> np.ndarray | None:
        """Per row: the cleaned label's code, for the duplicate-key check (made only when
        that check runs: a staff-level file has no keys to check)."""
        if self.cleaned is None:
            return None
        return _spread(self.cleaned, self.codes, -1)


@dataclass
class _Counts:
    value_columns: list[tuple[int, int, int]]  # column, group index, stage index (-1 = none)
    by_column: dict[int, np.ndarray]  # column -> per-row count
    #: Applicant files: how each outcome value was counted (applicants.py).
    outcomes: tuple[applicants.Outcome, ...] = ()


def build(raw: RawTable, plan: Plan, options: Options
          ) -> tuple[pd.DataFrame, DataQualityReport]:
    """The clean table and the report for a planned raw table."""
    ctx = _load_planned_columns(raw, plan, options)
    orgs = _read_organisations(ctx)
    _name_organisations(ctx, orgs)
    years = _read_years(ctx)
    staff_groups = _read_staff_groups(ctx)
    band = _read_bands(ctx, staff_groups.heading_labels)
    ethnicity = _read_ethnicity(ctx)
    stage = _read_stages(ctx)
    counts = _read_counts(ctx)
    _exclude_duplicates(ctx, orgs, years, staff_groups, band, ethnicity, stage)
    exclusions = _refuse_if_every_row_excluded(ctx)
    ok = ctx.rows.ok
    sg = _apply_medical_rule(ctx, staff_groups.index, band, ok)
    table = _aggregate_used_rows(ctx, orgs, years, sg, band, ethnicity, stage, counts, ok,
                                 staff_groups.nesting)
    # Counting a total staff group once may leave out more rows (staff_group_totals).
    exclusions, ok = ctx.rows.exclusions(), ctx.rows.ok
    table = _check_recruitment_table(ctx, table)
    table = schema.conform(table, plan.kind)
    report = _report(ctx, table, exclusions, ok, orgs, years, counts.outcomes)
    return table, report


def _load_planned_columns(raw: RawTable, plan: Plan, options: Options) -> _Context:
    """Load the columns the plan reads; refuse a file with no data rows."""
    cols = plan.columns
    wanted = set(cols.values()) | {i for i, *_ in plan.ethnic_columns}
    wanted |= {i for i, _ in plan.stage_columns} | set(plan.split_columns)
    wanted |= set(plan.unrecognised_headers)
    if plan.total_column is not None:
        wanted.add(plan.total_column)
    high = frozenset({cols["staff_id"]}) if "staff_id" in cols else frozenset()
    loaded = raw.load(sorted(wanted), high)
    notes = list(raw.notes) + list(plan.notes)
    notes.extend(n for n in loaded.notes if n not in notes)
    if loaded.nrows == 0:
        raise IngestError(raw.source, "The file has a header row but no data rows under it.",
                          "at least one row of data below the header "
                          f"(header found on row {raw.header_row}).",
                          "Check that you exported the data and not just the column names.")
    rows = _Rows(raw, loaded)
    rows.exclude(loaded.ragged, "wrong number of fields")
    return _Context(raw=raw, plan=plan, options=options, loaded=loaded, rows=rows,
                    notes=notes, how=dict(plan.how))


def _read_organisations(ctx: _Context) -> _Organisations:
    """Each row's organisation, from a code, a combined or a name column, or the default."""
    cols, f, headers = ctx.cols, ctx.f, ctx.headers
    orgs = _Organisations(index=np.zeros(0, dtype=np.int64), codes=[], names=[])
    if "org_code" in cols:
        code_col = cols["org_code"]
        factor = f[code_col]
        per_label = np.array([orgs.add(_code_text(lab), _code_text(lab))
                              for lab in factor.labels] + [0], dtype=np.int64)[:-1]
        orgs.index = _spread(per_label, factor.codes, -1)
        _exclude_totals_and_blanks(ctx.rows, factor, code_col, orgs.index < 0)
    elif "org" in cols:
        code_col = cols["org"]
        factor = f[code_col]
        split = [split_org(lab) for lab in factor.labels]
        per_label = np.array([orgs.add(c, nm) for c, nm in split] + [0], dtype=np.int64)[:-1]
        orgs.index = _spread(per_label, factor.codes, -1)
        _exclude_totals_and_blanks(ctx.rows, factor, code_col, orgs.index < 0)
        n_split = sum(1 for (c, nm) in split if c != nm)
        if n_split:
            ctx.how["org"] = ctx.how["org"] + " (split into code and name)"
            ctx.notes.append(f"Organisation labels like '{factor.labels[0]}' were split into a "
                             "code and a name.")
    elif "org_name" in cols:
        code_col = cols["org_name"]
        factor = f[code_col]
        per_label = np.array([orgs.add(lab, lab) for lab in factor.labels] + [0],
                             dtype=np.int64)[:-1]
        orgs.index = _spread(per_label, factor.codes, -1)
        _exclude_totals_and_blanks(ctx.rows, factor, code_col, orgs.index < 0)
        ctx.how["org_code"] = f"the name in '{headers[code_col]}' (no code column)"
    else:
        code, org_name, source_text = _default_org(ctx.raw, ctx.options.default_org)
        orgs.given = code != schema.DEFAULT_ORG_CODE
        orgs.add(code, org_name)
        orgs.index = np.zeros(ctx.n, dtype=np.int64)
        ctx.how["org_code"] = f"default '{code}' ({source_text})"
        ctx.notes.append(f"No organisation column: every row counted for '{code}' "
                         f"({org_name}), {source_text}.")
    return orgs


def _name_organisations(ctx: _Context, orgs: _Organisations) -> None:
    """Each organisation's name, region and type: the first given in file order."""
    cols, f = ctx.cols, ctx.f
    name_col = None
    if "org_code" in cols:
        name_col = cols.get("org_name", cols.get("org"))
        if name_col is not None:
            ctx.how.setdefault("org_name", f"alias '{ctx.headers[name_col]}'")
    n_orgs = len(orgs.codes)
    if name_col is not None:
        names = _first_label_per_group(orgs.index, f[name_col], n_orgs)
        for i, label in enumerate(names):
            if label is not None:
                orgs.names[i] = (split_org(label)[1]
                                 if _canonical_of(cols, name_col) == "org" else label)
    orgs.regions = _attribute(orgs.index, f, cols.get("region"), n_orgs, schema.DEFAULT_REGION)
    orgs.types = _attribute(orgs.index, f, cols.get("org_type"), n_orgs,
                            schema.DEFAULT_ORG_TYPE)
    for canonical, default in (("region", schema.DEFAULT_REGION),
                               ("org_type", schema.DEFAULT_ORG_TYPE)):
        if canonical not in cols:
            ctx.how.setdefault(canonical, f"default '{default}'")


def _read_years(ctx: _Context) -> _Years:
    """Each row's year, from the year column, or one year for the whole file."""
    if "year" not in ctx.cols:
        return _default_file_year(ctx)
    col = ctx.cols["year"]
    factor = ctx.f[col]
    parsed = np.array([parse_year(lab) or 0 for lab in factor.labels] + [0],
                      dtype=np.int64)[:-1]
    year = _spread(parsed, factor.codes, 0)
    years = np.unique(parsed[parsed > 0])
    year_idx = _spread(np.searchsorted(years, parsed).clip(0, max(len(years) - 1, 0)),
                       factor.codes, 0)
    ctx.rows.exclude(factor.codes < 0, "blank required field", col)
    ctx.note_unrecognised(col, parsed == 0)
    ctx.rows.exclude(year == 0, "unrecognised year", col)
    if (parsed > 0).any() and any("/" in lab or "-" in lab for lab in factor.labels[:50]):
        ctx.notes.append("Years: financial years give their end year (2023/24 -> 2024); dates "
                         "give their calendar year.")
    return _Years(value=year, distinct=years, index=year_idx)


def _default_file_year(ctx: _Context) -> _Years:
    """No year column: the year given, or found in a title, a cover sheet or the file name."""
    default_year, source_text = _default_year(ctx.raw, ctx.options.default_year)
    year_given = default_year != schema.YEAR_NOT_GIVEN
    shown = default_year if year_given else "not given"
    ctx.how["year"] = f"default {shown} ({source_text})"
    ctx.notes.append(f"No year column: every row counted for {shown}, {source_text}."
                     if year_given else
                     f"No year in the file ({source_text}): the year is shown as 'not "
                     "given'. Say which year it is on the Data page ('belongs to'), or with "
                     "--year on the command line.")
    return _Years(value=np.full(ctx.n, default_year, dtype=np.int64),
                  distinct=np.array([default_year], dtype=np.int64),
                  index=np.zeros(ctx.n, dtype=np.int64), given=year_given)


def _read_staff_groups(ctx: _Context) -> _StaffGroups:
    """Each row's staff group, from the staff-group column, heading rows, or All staff."""
    cols, n = ctx.cols, ctx.n
    if "staff_group" not in cols:
        sg = np.full(n, _ALL_STAFF, dtype=np.int64)
        ctx.how["staff_group"] = f"default '{schema.DEFAULT_STAFF_GROUP}'"
        plan = ctx.plan
        if "band" in cols and (plan.ethnic_columns or plan.stage_columns):
            sg, heading_labels = _section_headings(ctx.rows, ctx.f, cols["band"], plan, sg,
                                                   ctx.how, ctx.notes)
            nesting = (staff_group_totals.section_nesting(plan, sg, cols["band"])
                       if heading_labels.any() else None)
            # sections keep their rows apart in the duplicate check
            return _StaffGroups(sg, sg.copy(), heading_labels, nesting)
        return _StaffGroups(sg, np.zeros(n, dtype=np.int64), np.zeros(0, dtype=bool))
    col = cols["staff_group"]
    factor = ctx.f[col]
    smap = lookup_map(ctx.options.staff_group_map)
    groups = []
    for label in factor.labels:
        mapped = smap.get(label.casefold())
        if mapped is not None:
            groups.append(staff_group_of(mapped) or (mapped if mapped in _SG_INDEX
                                                     else None))
        else:
            groups.append(staff_group_of(label))
    per_label = np.array([_SG_INDEX[g] if g else -1 for g in groups] + [0],
                         dtype=np.int64)[:-1]
    totals = np.array([is_total_label(lab) or g == schema.DEFAULT_STAFF_GROUP
                       for lab, g in zip(factor.labels, groups)] + [False])[:-1]
    # "Total" / "All staff" is the whole workforce; beside staff groups it is their total,
    # counted once by staff_group_totals.count_once when the rows are aggregated.
    per_label = np.where(totals, _ALL_STAFF, per_label)
    sg = _spread(per_label, factor.codes, -1)
    nesting = staff_group_totals.column_nesting(ctx.plan, factor, groups, col)
    if "band" in cols:  # "Total" with no band of its own: a grand total row
        ctx.rows.exclude(staff_group_totals.grand_totals(totals, factor, ctx.f[cols["band"]]),
                         "total row", col)
    ctx.rows.exclude(factor.codes < 0, "blank required field", col)
    ctx.note_unrecognised(col, (per_label < 0) & ~totals)
    ctx.rows.exclude(sg < 0, "unrecognised staff group", col)
    return _StaffGroups(sg, factor.codes, np.zeros(0, dtype=bool), nesting)


def _read_bands(ctx: _Context, heading_labels: np.ndarray) -> np.ndarray:
    """Each row's band index into BANDS (-1 = unrecognised), or All bands without a column."""
    if "band" not in ctx.cols:
        ctx.how["band"] = f"default '{schema.ALL_BANDS}' (counts for all bands)"
        ctx.notes.append("No band column: the recruitment counts are for all bands together "
                         f"(band '{schema.ALL_BANDS}').")
        return np.full(ctx.n, _ALL_BAND, dtype=np.int64)
    col = ctx.cols["band"]
    factor = ctx.f[col]
    bmap = lookup_map(ctx.options.band_map)
    for key, value in bmap.items():
        if normalise_band(value) is None:
            raise IngestError(ctx.name, f"band_map maps '{key}' to '{value}', which is not a "
                              "band.", "AfC bands 1-9, 8a-8d, VSM, or a medical grade "
                              f"({', '.join(MEDICAL_GRADES)}).",
                              "Correct the band mapping and read the file again.")
    mapped = [bmap.get(lab.casefold()) for lab in factor.labels]
    texts = pd.Series([m if m is not None else lab for m, lab in zip(mapped, factor.labels)],
                      dtype=object)
    canon, _ = normalise_bands(texts)
    per_label = np.asarray(canon.cat.codes, dtype=np.int64)
    band = _spread(per_label, factor.codes, -1)
    total_labels = np.array([is_total_label(lab) for lab in factor.labels] + [False])[:-1]
    is_all = (per_label == _ALL_BAND) | total_labels
    if ctx.plan.kind == "workforce" or (~is_all & (per_label >= 0)).any():
        ctx.rows.exclude_labels(factor, is_all, "total row", col)
    ctx.rows.exclude(factor.codes < 0, "blank required field", col)
    headings = heading_labels if len(heading_labels) else np.zeros(len(per_label), bool)
    ctx.note_unrecognised(col, (per_label < 0) & ~total_labels & ~headings)
    ctx.rows.exclude(band < 0, "unrecognised band", col)
    return band


def _read_ethnicity(ctx: _Context) -> _Ethnicity:
    """Each row's ethnic group from the one ethnicity column (a wide file has none)."""
    if "ethnicity" not in ctx.cols:
        return _Ethnicity()
    emap = lookup_map(ctx.options.ethnicity_map)
    col = ctx.cols["ethnicity"]
    factor = ctx.f[col]
    per_label = _ethnic_groups(factor.labels, emap, ctx.name)
    group = _spread(per_label, factor.codes, _UNKNOWN_GROUP)
    ctx.notes.extend(_disagreement_notes(factor, emap))
    total_labels = np.array([is_total_label(lab) for lab in factor.labels] + [False])[:-1]
    ctx.rows.exclude_labels(factor, total_labels, "total row", col)
    ctx.note_unrecognised(col, (per_label < 0) & ~total_labels)
    ctx.rows.exclude(group < 0, "unrecognised ethnicity", col)
    cleaned: dict[str, int] = {}
    per_clean = np.array([cleaned.setdefault(clean_label(lab), len(cleaned))
                          for lab in factor.labels] + [0], dtype=np.int64)[:-1]
    blank = int((factor.codes < 0).sum())
    if blank:
        ctx.notes.append(f"{blank:,} row{'s' if blank != 1 else ''} with a blank ethnicity "
                         "counted as Unknown.")
    return _Ethnicity(group, per_clean, factor.codes)


def _read_stages(ctx: _Context) -> np.ndarray | None:
    """Each row's stage index into STAGES from the one stage column, if there is one."""
    if "stage" not in ctx.cols:
        return None
    col = ctx.cols["stage"]
    factor = ctx.f[col]
    stages = [stage_of(lab) for lab in factor.labels]
    per_label = np.array([STAGES.index(s) if s else -1 for s in stages] + [0],
                         dtype=np.int64)[:-1]
    totals = np.array([is_total_label(lab) for lab in factor.labels] + [False])[:-1]
    stage = _spread(per_label, factor.codes, -1)
    ctx.rows.exclude_labels(factor, totals, "total row", col)
    ctx.rows.exclude(factor.codes < 0, "blank required field", col)
    ctx.note_unrecognised(col, (per_label < 0) & ~totals)
    ctx.rows.exclude(stage < 0, "unrecognised stage", col)
    return stage


def _read_counts(ctx: _Context) -> _Counts:
    """Each row's counts: the count column, or one column per ethnic group or per stage."""
    plan, cols, f = ctx.plan, ctx.cols, ctx.f
    value_columns: list[tuple[int, int, int]] = []  # column, group index, stage index
    if plan.layout == "wide" or plan.form == "ethnicity-wide":
        value_columns = [(i, _GROUP_INDEX[g], -1) for i, _, g in plan.ethnic_columns]
    elif plan.form == "stage-wide":
        value_columns = [(i, -1, STAGES.index(s)) for i, s in plan.stage_columns]
    counts: dict[int, np.ndarray] = {}
    blank_cells = 0
    if plan.layout in ("aggregate",) or plan.form == "long":
        col = cols["headcount"]
        value, kind_of = _parse_counts(f[col])
        ctx.rows.exclude(f[col].codes < 0, "blank required field", col)
        for reason in COUNT_PROBLEMS:
            ctx.rows.exclude_labels(f[col], kind_of == reason, reason, col)
        counts[col] = _spread(value, f[col].codes, 0)
    for col, _, _ in value_columns:
        value, kind_of = _parse_counts(f[col])
        for reason in COUNT_PROBLEMS:
            ctx.rows.exclude_labels(f[col], kind_of == reason, reason, col)
        counts[col] = _spread(value, f[col].codes, 0)
        blank_cells += int(((f[col].codes < 0) & ctx.rows.ok).sum())
    if blank_cells:
        ctx.notes.append(f"{blank_cells:,} blank count cell{'s' if blank_cells != 1 else ''} "
                         "read as 0.")
    outcomes: tuple[applicants.Outcome, ...] = ()
    if plan.form in applicants.FORMS:  # one row per applicant: three 0/1 counts per row
        value_columns, outcomes = applicants.count_stages(
            ctx.rows, f, plan, ctx.options.status_map, counts, ctx.notes, ctx.unrecognised)
    for col in plan.unrecognised_headers:
        filled = int((f[col].codes >= 0).sum())
        ctx.unrecognised.setdefault("column headers", {})[ctx.headers[col]] = filled
    return _Counts(value_columns, counts, outcomes)


def _exclude_duplicates(ctx: _Context, orgs: _Organisations, years: _Years,
                        staff_groups: _StaffGroups, band: np.ndarray, ethnicity: _Ethnicity,
                        stage: np.ndarray | None) -> None:
    """Leave out repeated people (staff-level files) or repeated keys (count files)."""
    if ctx.plan.layout == "staff" and "staff_id" in ctx.cols:
        _exclude_duplicate_staff_numbers(ctx, orgs, years)
    elif ctx.plan.layout != "staff" and ctx.plan.form not in applicants.FORMS:
        _exclude_duplicate_keys(ctx.rows, ctx.plan, ctx.f, orgs.index, years.value,
                                staff_groups.as_written, band, ethnicity.as_written, stage,
                                orgs.codes, ctx.notes)


def _exclude_duplicate_staff_numbers(ctx: _Context, orgs: _Organisations, years: _Years
                                     ) -> None:
    """A staff number seen again in the same organisation and year is the same person."""
    col = ctx.cols["staff_id"]
    ids = ctx.loaded.ids(col)
    rows = ctx.rows
    # Only numbers that occur more than once in the file can repeat within an organisation
    # and year (ids.repeated, found while the other columns were read).
    where = np.flatnonzero(rows.ok & ids.valid & ids.repeated)
    oy = orgs.index[where].clip(0) * max(len(years.distinct), 1) + years.index[where]
    oy = oy.astype(np.uint64)
    first_pass = ids.hash[where] ^ ((oy + np.uint64(1)) * np.uint64(0xC2B2AE3D27D4EB4F))
    maybe = maybe_repeated(first_pass)
    if maybe.any():  # check the candidates exactly: a hash can collide
        rows_maybe = where[maybe]
        exact = pd.DataFrame({"id": ids.exact(rows_maybe), "oy": oy[maybe]})
        dup = rows_maybe[exact.duplicated(keep="first").to_numpy()]
        mask = np.zeros(ctx.n, dtype=bool)
        mask[dup] = True
        rows.exclude(mask, "duplicate staff number", col, ids.text(dup[:50]))
    ctx.how["staff_id"] = ctx.how.get("staff_id", "") + " (repeats within an organisation " \
                                                        "and year are duplicates)"
    # Nothing reads the staff numbers after this (their exclusions carry their examples):
    # free them (about 60 MB for 1.5 million) before the rows are aggregated.
    del ctx.loaded.factors[col]


def _refuse_if_every_row_excluded(ctx: _Context) -> tuple[Exclusion, ...]:
    """The exclusions; an error naming the main reasons when no row is left."""
    exclusions = ctx.rows.exclusions()
    if not ctx.rows.ok.any():
        reasons = "; ".join(
            f"{e.count:,} {e.reason}" + (f" in '{e.column}'" if e.column else "")
            + f" (rows {', '.join(str(r) for r in e.rows[:5])}"
            + (f"; e.g. {', '.join(repr(x) for x in e.examples[:3])}" if e.examples else "")
            + ")" for e in exclusions[:4])
        raise IngestError(ctx.name, f"Every one of the {ctx.n:,} data rows was excluded "
                          f"({reasons}).",
                          "rows with a recognised band and ethnicity and a whole-number count.",
                          "Look at the first rows listed, fix the labels or map them by hand "
                          "(band_map, ethnicity_map), and read the file again.")
    return exclusions


def _apply_medical_rule(ctx: _Context, sg: np.ndarray, band: np.ndarray, ok: np.ndarray
                        ) -> np.ndarray:
    """Medical grades are Medical; AfC bands marked Medical are Clinical (with notes)."""
    rownums = ctx.rows.rownums
    medical = _MEDICAL[band] & ok  # band -1 (unrecognised) picks _MEDICAL's last: False
    changed = medical & (sg != _SG_INDEX["Medical"])
    if changed.any() and "staff_group" in ctx.cols:
        ctx.notes.append(f"{int(changed.sum()):,} rows in medical grades had another staff "
                         "group; they are counted as Medical (rows "
                         + ", ".join(str(r) for r in _first_rows(rownums, changed)) + ").")
    sg = np.where(medical, _SG_INDEX["Medical"], sg)
    afc_medical = ok & _AFC[band] & (sg == _SG_INDEX["Medical"])
    if afc_medical.any():
        ctx.notes.append(f"{int(afc_medical.sum()):,} rows on AfC bands had staff group "
                         "Medical; the band is kept and they are counted as Clinical (rows "
                         + ", ".join(str(r) for r in _first_rows(rownums, afc_medical))
                         + ").")
        sg = np.where(afc_medical, _SG_INDEX["Clinical"], sg)
    return sg


def _aggregate_used_rows(ctx: _Context, orgs: _Organisations, years: _Years, sg: np.ndarray,
                         band: np.ndarray, ethnicity: _Ethnicity, stage: np.ndarray | None,
                         counts: _Counts, ok: np.ndarray,
                         nesting: staff_group_totals.Nesting | None) -> pd.DataFrame:
    """The used rows in long form (one part per count column), each person once, summed per
    key."""
    plan = ctx.plan
    group = ethnicity.group
    is_recruitment = plan.kind == "recruitment"
    org_labels = dict(org_codes=orgs.codes, org_names=orgs.names, regions=orgs.regions,
                      org_types=orgs.types, years=years.distinct)
    if plan.layout == "staff" and nesting is None and plan.total_column is None:
        # One person a row, each counted once: the rows' keys are counted where they are,
        # without gathering the used rows first (a million rows, five columns).
        return _aggregate(orgs.index, years.index, sg, band, group, None, None,
                          all_ones=True, is_recruitment=is_recruitment, used=ok,
                          **org_labels)
    where = np.flatnonzero(ok)
    parts = []
    if plan.layout == "staff":
        parts.append((where, group[where], None, np.ones(len(where), dtype=np.int64)))
    elif plan.layout == "aggregate" or plan.form == "long":
        c = counts.by_column[ctx.cols["headcount"]]
        parts.append((where, group[where], stage[where] if stage is not None else None,
                      c[where]))
    else:
        for col, g, s in counts.value_columns:
            groups_here = np.full(len(where), g, dtype=np.int64) if g >= 0 else group[where]
            if s >= 0:
                stages_here = np.full(len(where), s, dtype=np.int64)
            elif stage is not None:
                stages_here = stage[where]
            else:
                stages_here = None
            parts.append((where, groups_here, stages_here, counts.by_column[col][where]))
    parts = staff_group_totals.count_once(
        ctx.rows, parts, nesting, org=orgs.index, year=years.index, band=band, staff_group=sg,
        org_codes=orgs.codes, years=years.distinct, band_names=BANDS, notes=ctx.notes)
    if plan.total_column is not None:
        _check_totals(ctx.f[plan.total_column], where, counts.by_column, counts.value_columns,
                      ctx.rows.rownums, ctx.notes, ctx.headers[plan.total_column])
    idx = _joined([p[0] for p in parts])
    g_all = _joined([p[1] for p in parts])
    s_all = (_joined([p[2] for p in parts]) if is_recruitment
             else np.zeros(len(idx), dtype=np.int64))  # workforce parts carry no stage
    c_all = _joined([p[3] for p in parts])
    return _aggregate(orgs.index[idx], years.index[idx], sg[idx], band[idx], g_all, s_all,
                      c_all, all_ones=plan.layout == "staff", is_recruitment=is_recruitment,
                      **org_labels)


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    """The parts' arrays end to end as int64, without a copy when there is one int64 part."""
    joined = arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
    return joined.astype(np.int64, copy=False)


def _check_recruitment_table(ctx: _Context, table: pd.DataFrame) -> pd.DataFrame:
    """Recruitment needs shortlisted or appointed counts; note stages that do not nest."""
    if ctx.plan.kind != "recruitment":
        return table
    present = set(table["stage"].astype(str))
    if not present & {"shortlisted", "appointed"}:
        raise IngestError(ctx.name, "The recruitment counts have neither shortlisted nor "
                          "appointed rows" + (f" (stages found: {', '.join(sorted(present))})"
                                              if present else "") + ".",
                          "counts of people shortlisted and appointed (applied is "
                          "optional).", "Add the shortlisted and appointed counts, or "
                          "check the stage labels.")
    ctx.notes.extend(_nesting_notes(table))
    return table


def _report(ctx: _Context, table: pd.DataFrame, exclusions: tuple[Exclusion, ...],
            ok: np.ndarray, orgs: _Organisations, years: _Years,
            outcomes: tuple[applicants.Outcome, ...] = ()) -> DataQualityReport:
    """How the file was read: columns matched, rows used and left out, notes."""
    plan, headers, how = ctx.plan, ctx.headers, ctx.how
    mapping: dict[str, str] = {k: headers[v] for k, v in ctx.cols.items()}
    if plan.ethnic_columns:
        mapping["ethnicity"] = ", ".join(headers[i] for i, *_ in plan.ethnic_columns)
        how["ethnicity"] = "headers read as ethnic groups: " + ", ".join(
            f"'{headers[i]}' -> {g}" for i, _, g in plan.ethnic_columns)
    for i, s in plan.stage_columns:
        mapping[s] = headers[i]
    used = int(ok.sum())
    is_recruitment = plan.kind == "recruitment"
    return DataQualityReport(
        source=ctx.name, kind=plan.kind, layout=plan.layout, rows_read=ctx.n, rows_used=used,
        rows_excluded=ctx.n - used, exclusions=exclusions,
        unknown_by_band=_unknown_table(table, is_recruitment),
        organisations=tuple(sorted(table["org_code"].astype(str).unique())),
        years=tuple(int(y) for y in sorted(table["year"].unique())),
        column_mapping=mapping, unrecognised=ctx.unrecognised,
        notes=tuple(dict.fromkeys(ctx.notes)), column_matches=how, form=plan.form,
        org_given=orgs.given, year_given=years.given, outcomes=outcomes,
        ignored_columns=tuple((headers[i], why) for i, why in plan.ignored_columns))


# --- helpers ------------------------------------------------------------------------------


_HEADING_WORDS = re.compile(r"\b(staff|workforce|workers|employees|group|section)\b")


def _section_headings(rows: _Rows, f: dict[int, Factor], band_col: int, plan: Plan,
                      sg: np.ndarray, how: dict[str, str], notes: list[str]
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Staff groups given as heading rows of a wide template.

    A row whose band cell names a staff group (``Clinical staff``, ``Non-clinical``) and whose
    count cells are all blank starts a section: the rows under it, up to the next heading,
    belong to that staff group. The heading rows themselves are left out as "heading row".
    """
    factor = f[band_col]
    groups = []
    for label in factor.labels:
        text = clean_label(label)
        group = staff_group_of(text) or staff_group_of(_HEADING_WORDS.sub(" ", text))
        groups.append(_SG_INDEX[group] if group else -1)
    per_label = np.array(groups + [0], dtype=np.int64)[:-1]
    heading_group = _spread(per_label, factor.codes, -1)
    value_cols = [i for i, *_ in plan.ethnic_columns] + [i for i, _ in plan.stage_columns]
    blank = np.ones(rows.n, dtype=bool)
    for col in value_cols:
        blank &= f[col].codes < 0
    heading = (heading_group >= 0) & blank
    if not heading.any():
        return sg, np.zeros(len(per_label), dtype=bool)
    is_heading_label = np.zeros(len(per_label), dtype=bool)
    is_heading_label[np.unique(factor.codes[heading])] = True
    position = np.where(heading, np.arange(rows.n), -1)
    last = np.maximum.accumulate(position)
    filled = np.where(last >= 0, heading_group[last.clip(0)], sg)
    rows.exclude(heading, "heading row", band_col)
    labels = sorted({factor.labels[c] for c in factor.codes[heading]})
    how["staff_group"] = "heading rows in '" + rows.raw.headers[band_col] + "': " + ", ".join(
        f"'{x}'" for x in labels)
    notes.append("Staff groups read from heading rows (" + ", ".join(f"'{x}'" for x in labels)
                 + "): each applies to the rows under it.")
    return filled, is_heading_label


def _canonical_of(cols: dict[str, int], index: int) -> str | None:
    for k, v in cols.items():
        if v == index:
            return k
    return None


def _code_text(label: str) -> str:
    text = label.strip()
    return text.upper() if len(text) <= 10 and " " not in text else text


def _exclude_totals_and_blanks(rows: _Rows, factor: Factor, col: int, bad: np.ndarray) -> None:
    totals = np.array([is_total_label(lab) for lab in factor.labels] + [False])[:-1]
    rows.exclude_labels(factor, totals, "total row", col)
    rows.exclude(bad, "blank required field", col)


def _first_label_per_group(group: np.ndarray, factor: Factor, n_groups: int
                           ) -> list[str | None]:
    """For each group, the first non-blank label of ``factor`` in file order."""
    out: list[str | None] = [None] * n_groups
    valid = (group >= 0) & (factor.codes >= 0)
    if not valid.any():
        return out
    pairs = group[valid] * (len(factor.labels) + 1) + factor.codes[valid]
    for value in pd.unique(pairs):
        g, code = divmod(int(value), len(factor.labels) + 1)
        if out[g] is None:
            out[g] = factor.labels[code]
    return out


def _attribute(org: np.ndarray, f: dict[int, Factor], col: int | None, n_orgs: int,
               default: str) -> list[str]:
    if col is None:
        return [default] * n_orgs
    found = _first_label_per_group(org, f[col], n_orgs)
    return [v if v is not None else default for v in found]


#: Title or cover-sheet keys (after header_key) that give an organisation: a code, a name,
#: or a label that may hold both ("QW4 Westmere Hospitals Trust").
_ORG_CODE_KEYS = ("organisationcode", "organizationcode", "orgcode", "odscode", "trustcode",
                  "providercode")
_ORG_NAME_KEYS = ("organisationname", "organizationname", "trustname", "providername")
_ORG_KEYS = ("organisation", "organization", "trust", "org", "provider", "employer")
_KEY_VALUE = re.compile(r"^\s*([A-Za-z][A-Za-z ()/_-]{1,40}?)\s*[:=]\s*(\S.*)$")


def _title_lines(raw: RawTable) -> list[tuple[str, str]]:
    """(line, where it came from): the title block first, then a workbook's other sheets."""
    return ([(line, "the title block") for line in raw.title]
            + [(line, f"sheet '{sheet}'") for line, sheet in raw.cover])


def _default_org(raw: RawTable, given: tuple[str, str] | None) -> tuple[str, str, str]:
    if given is not None:
        return given[0], given[1], "given by you"
    code = name = None
    where = []
    for line, source in _title_lines(raw):
        match = _KEY_VALUE.match(line)
        if not match:
            continue
        key, value = header_key(match.group(1)), match.group(2).strip()
        if key in _ORG_CODE_KEYS and code is None:
            code = split_org(value)[0]
            where.append(f"'{match.group(1).strip()}' in {source}")
        elif key in _ORG_NAME_KEYS and name is None:
            name = value
            where.append(f"'{match.group(1).strip()}' in {source}")
        elif key in _ORG_KEYS and code is None:
            code, found_name = split_org(value)
            name = name or found_name
            where.append(f"'{match.group(1).strip()}' in {source}")
    if code is None and name is None:
        return schema.DEFAULT_ORG_CODE, schema.DEFAULT_ORG_NAME, "the default"
    if code is None:
        code, name = split_org(name)
    return code, name or code, "from " + " and ".join(dict.fromkeys(where))


def _default_year(raw: RawTable, given: int | None) -> tuple[int, str]:
    if given is not None:
        return int(given), "given by you"
    for line, source in _title_lines(raw):
        found = year_in_text(line)
        if found:
            return found, f"from {source} ('{line[:60]}')"
    found = year_in_text(raw.source)
    if found:
        return found, f"from the file name '{raw.source}'"
    # Never today's year silently: a recruitment file read in 2026 is not 2026's data.
    return schema.YEAR_NOT_GIVEN, "no year column, title line or year in the file name"


def _disagreement_notes(factor: Factor, emap: dict[str, str]) -> list[str]:
    """A note per ESR label counted by its code although its words name another group."""
    found = code_word_disagreements([lab for lab in factor.labels
                                     if lab.casefold() not in emap])
    if not found:
        return []
    rows = np.bincount(factor.codes[factor.codes >= 0], minlength=len(factor.labels))
    index = {lab: i for i, lab in enumerate(factor.labels)}
    return [f"{int(rows[index[lab]]):,} rows with ethnicity '{lab}': {note}."
            for lab, note in found.items()]


def _ethnic_groups(labels: list[str], emap: dict[str, str], name: str) -> np.ndarray:
    """Group index per label (-1 = unrecognised); the caller's map first, then the tables."""
    mapped = [emap.get(lab.casefold()) for lab in labels]
    frame, _ = normalise_ethnicities(pd.Series(labels, dtype=object))
    groups = np.asarray(frame["ethnic_group"].cat.codes, dtype=np.int64)
    # The frame's group categories are schema.ETHNIC_GROUPS in order, like GROUPS.
    for i, value in enumerate(mapped):
        if value is not None:
            groups[i] = _GROUP_INDEX[ethnicity_target(value, name)[1]]
    return groups


def _parse_counts(factor: Factor) -> tuple[np.ndarray, np.ndarray]:
    parsed = [parse_count(lab) for lab in factor.labels]
    values = np.array([v for v, _ in parsed] + [0], dtype=np.int64)[:-1]
    kinds = np.array([k or "" for _, k in parsed] + [""], dtype=object)[:-1]
    return values, kinds


def _exclude_duplicate_keys(rows: _Rows, plan: Plan, f: dict[int, Factor], org: np.ndarray,
                            year: np.ndarray, sg_raw: np.ndarray, band: np.ndarray,
                            eth_raw: np.ndarray | None, stage: np.ndarray | None,
                            org_codes: list[str], notes: list[str]) -> None:
    ok = np.flatnonzero(rows.ok)
    if len(ok) < 2:
        return
    key = {"org": org[ok], "year": year[ok], "sg": sg_raw[ok], "band": band[ok]}
    if eth_raw is not None:
        key["eth"] = eth_raw[ok]
    if stage is not None:
        key["stage"] = stage[ok]
    frame = pd.DataFrame(key)
    dup_key = frame.duplicated(keep="first").to_numpy()
    if not dup_key.any():
        return
    splits = [c for c in plan.split_columns if c in f]
    if splits:
        for c in splits:
            frame[f"x{c}"] = f[c].codes[ok]
        dup = frame.duplicated(keep="first").to_numpy()
        if (dup_key & ~dup).any():
            notes.append("Some rows repeat organisation, year, staff group, band and ethnicity "
                         "but differ in " + ", ".join(f"'{rows.raw.headers[c]}'"
                                                      for c in splits)
                         + "; their counts were added together.")
    else:
        dup = dup_key
    mask = np.zeros(rows.n, dtype=bool)
    mask[ok[dup]] = True
    examples = []
    band_names = BANDS
    for i in ok[dup][:MAX_EXAMPLES]:
        parts = [org_codes[org[i]], str(year[i]), band_names[band[i]] if band[i] >= 0 else "?"]
        if eth_raw is not None and "ethnicity" in plan.columns:
            factor = f[plan.columns["ethnicity"]]
            code = factor.codes[i]
            parts.append(factor.labels[code] if code >= 0 else "(blank)")
        if stage is not None and stage[i] >= 0:
            parts.append(STAGES[stage[i]])
        examples.append(" / ".join(parts))
    rows.exclude(mask, "duplicate key", None, examples)


def _check_totals(factor: Factor, where: np.ndarray, counts: dict[int, np.ndarray],
                  value_columns: list[tuple[int, int, int]], rownums: np.ndarray,
                  notes: list[str], header: str) -> None:
    values, kinds = _parse_counts(factor)
    total = _spread(values, factor.codes, -1)[where]
    good = _spread(kinds == "", factor.codes, False)[where] & (factor.codes[where] >= 0)
    summed = np.zeros(len(where), dtype=np.int64)
    for col, _, _ in value_columns:
        summed += counts[col][where]
    differ = good & (total != summed)
    if differ.any():
        listed = ", ".join(str(r) for r in rownums[where[differ]][:MAX_ROWS_LISTED])
        notes.append(f"In {int(differ.sum()):,} rows the '{header}' column differs from the sum "
                     f"of the ethnic group columns (rows {listed}); the group columns were "
                     "used.")


#: The most keys (organisations x years x staff groups x bands x groups x stages) counted
#: with ``np.bincount`` (8 bytes a key); more are summed with a pandas group-by.
_BINCOUNT_MAX_KEYS = 50_000_000


def _aggregate(org: np.ndarray, year_idx: np.ndarray, sg: np.ndarray, band: np.ndarray,
               group: np.ndarray, stage: np.ndarray | None, count: np.ndarray | None, *,
               all_ones: bool, is_recruitment: bool, org_codes: list[str],
               org_names: list[str], regions: list[str], org_types: list[str],
               years: np.ndarray, used: np.ndarray | None = None) -> pd.DataFrame:
    """The rows summed per key (organisation, year, staff group, band, ethnic group and
    stage), as the clean table's columns. ``all_ones``: every row counts 1 (``count`` is not
    read); ``used``: only these rows count (with ``all_ones``); ``stage`` ``None``: stage 0."""
    sizes = (max(len(org_codes), 1), max(len(years), 1), len(STAFF_GROUPS), len(BANDS),
             len(GROUPS), len(STAGES) if is_recruitment else 1)
    key = org.astype(np.int64)
    for part, size in zip((year_idx, sg, band, group, stage), sizes[1:]):
        if size == 1:  # every value is 0: the key as it is
            continue
        key *= size  # in place: a million-row key is not copied twice per column
        if part is not None:  # None: stage 0
            key += part
    total = int(np.prod(np.array(sizes, dtype=np.float64)))
    if all_ones and total <= _BINCOUNT_MAX_KEYS:
        if used is not None:
            key[~used] = total  # one more key, for the rows left out, dropped below
        summed = np.bincount(key, minlength=total + 1)[:total]
        keys = np.flatnonzero(summed)
        values = summed[keys].astype(np.int64)
    else:
        if count is None:
            count = np.ones(len(key), dtype=np.int64)
        if used is not None:
            key, count = key[used], count[used]
        series = pd.Series(count, dtype="int64").groupby(key, sort=True).sum()
        series = series[series > 0]
        keys = series.index.to_numpy(dtype=np.int64)
        values = series.to_numpy(dtype=np.int64)
    decoded = []
    rest = keys
    for size in reversed(sizes):
        rest, part = np.divmod(rest, size)
        decoded.append(part)
    o, y, s, b, g, st = reversed(decoded)
    frame = pd.DataFrame({
        "org_code": _strings_at(org_codes, o),
        "org_name": _strings_at(org_names, o),
        "region": _strings_at(regions, o),
        "org_type": _strings_at(org_types, o),
        "year": years[y].astype(np.int64) if len(years) else np.zeros(0, np.int64),
        "staff_group": pd.Categorical.from_codes(s, dtype=schema.STAFF_GROUP_DTYPE),
        "band": pd.Categorical.from_codes(b, dtype=schema.BAND_DTYPE),
        "ethnicity": pd.Categorical.from_codes(_CATEGORY_CODE[g], dtype=schema.ETHNICITY_DTYPE),
        "ethnic_group": pd.Categorical.from_codes(g, dtype=schema.ETHNIC_GROUP_DTYPE),
        "stage": pd.Categorical.from_codes(st if is_recruitment else np.zeros(len(keys), int),
                                           dtype=schema.STAGE_DTYPE),
        "headcount": values,
    })
    order = ["org_code", "year", "staff_group", "band", "ethnicity", "ethnic_group"]
    if is_recruitment:
        order.append("stage")
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def _category_of(group: str) -> str:
    return group if group in ("White", "Unknown") else "BME"


#: Per ethnic group (GROUPS), the code of its category in ``schema.ETHNICITY_DTYPE``.
_CATEGORY_CODE = np.array([schema.ETHNICITY_DTYPE.categories.get_loc(_category_of(group))
                           for group in GROUPS], dtype=np.int8)


def _strings_at(labels: list[str], index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``labels[index]`` as a string column, taken in Arrow (not from Python objects)."""
    return pd.array(pa.array(labels, pa.string()).take(index), dtype="string")


def _unknown_table(table: pd.DataFrame, is_recruitment: bool) -> pd.DataFrame:
    if is_recruitment and len(table):
        first = min(table["stage"].cat.codes.unique())
        table = table[table["stage"].cat.codes == first]
    bands = np.asarray(table["band"].cat.codes, dtype=np.int64)
    unknown = (table["ethnicity"] == "Unknown").to_numpy()
    counts = table["headcount"].to_numpy(dtype=np.int64)
    return unknown_by_band(bands, unknown, counts, BANDS)


def _nesting_notes(table: pd.DataFrame) -> list[str]:
    key = ["org_code", "year", "staff_group", "band", "ethnic_group"]
    wide = table.pivot_table(index=key, columns="stage", values="headcount", aggfunc="sum",
                             observed=True, fill_value=0)
    out = []
    for lower, upper in (("shortlisted", "applied"), ("appointed", "shortlisted")):
        if lower in wide.columns and upper in wide.columns:
            bad = wide[lower] > wide[upper]
            if bad.any():
                out.append(f"In {int(bad.sum())} group(s) more people were {lower} than "
                           f"{upper} (e.g. {' / '.join(str(x) for x in bad[bad].index[0])}); "
                           "check the stage counts.")
    return out
