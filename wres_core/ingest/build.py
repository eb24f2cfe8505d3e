"""From a raw table and a plan to the clean, aggregated table and its report.

Everything here works on integer codes: each column is a :class:`~.source.Factor`, each
distinct label is read once (bands, ethnicities, years, counts ...) and the answers are spread
over the rows with ``numpy.take``. Each excluded row gets exactly one reason, the first that
applies in :data:`~.report.EXCLUSION_REASONS` order, so the reasons add up to the rows left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
_MEDICAL = np.array([b in MEDICAL_GRADES for b in BANDS])
_AFC = np.array([b in AFC_BANDS for b in BANDS])
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
        mask = mask & (self.reason == 0)
        if not mask.any():
            return
        code = _REASON[reason]
        self.reason[mask] = code
        col = -1 if column is None else column
        self.column[mask] = col
        if examples is not None:
            self.examples.setdefault((code, col), []).extend(examples)

    @property
    def ok(self) -> np.ndarray:
        return self.reason == 0

    def exclusions(self) -> tuple[Exclusion, ...]:
        out = []
        if not self.n:
            return ()
        pair = self.reason.astype(np.int64) * (len(self.raw.headers) + 2) + (self.column + 1)
        present = np.unique(pair[self.reason > 0])
        for value in present:
            code, col = divmod(int(value), len(self.raw.headers) + 2)
            col -= 1
            mask = pair == value
            examples = self.examples.get((code, col))
            if examples is None and col >= 0 and col in self.factors:
                factor = self.factors[col]
                codes = pd.unique(factor.codes[mask][:10000])
                examples = [factor.labels[c] if c >= 0 else "(blank)" for c in codes]
            shown = tuple(dict.fromkeys(examples or []))[:MAX_EXAMPLES]
            out.append(Exclusion(
                reason=EXCLUSION_REASONS[code - 1],
                column=self.raw.headers[col] if col >= 0 else None,
                count=int(mask.sum()), rows=_first_rows(self.rownums, mask),
                examples=tuple(cut_label(str(e)) for e in shown)))
        return tuple(out)


def _mapped_labels(labels: list[str], mapping: dict[str, str]) -> list[str | None]:
    return [mapping.get(label.casefold()) for label in labels]


def build(raw: RawTable, plan: Plan, options: Options
          ) -> tuple[pd.DataFrame, DataQualityReport]:
    """The clean table and the report for a planned raw table."""
    name = raw.source
    cols = plan.columns
    headers = raw.headers
    notes = list(raw.notes) + list(plan.notes)
    how = dict(plan.how)
    wanted = set(cols.values()) | {i for i, *_ in plan.ethnic_columns}
    wanted |= {i for i, _ in plan.stage_columns} | set(plan.split_columns)
    wanted |= set(plan.unrecognised_headers)
    if plan.total_column is not None:
        wanted.add(plan.total_column)
    high = frozenset({cols["staff_id"]}) if "staff_id" in cols else frozenset()
    loaded = raw.load(sorted(wanted), high)
    notes.extend(n for n in loaded.notes if n not in notes)
    n = loaded.nrows
    if n == 0:
        raise IngestError(name, "The file has a header row but no data rows under it.",
                          "at least one row of data below the header "
                          f"(header found on row {raw.header_row}).",
                          "Check that you exported the data and not just the column names.")
    rows = _Rows(raw, loaded)
    f = loaded.factors
    unrecognised: dict[str, dict[str, int]] = {}

    def note_unrecognised(col: int, label_bad: np.ndarray) -> None:
        factor = f[col]
        if not label_bad.any():
            return
        counts = np.bincount(factor.codes[factor.codes >= 0], minlength=len(factor.labels))
        found = {factor.labels[i]: int(counts[i]) for i in np.flatnonzero(label_bad)}
        found = dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))
        unrecognised.setdefault(headers[col], {}).update(found)

    rows.exclude(loaded.ragged, "wrong number of fields")

    # --- organisations --------------------------------------------------------------------
    org_codes: list[str] = []
    org_names: list[str] = []
    org_index: dict[str, int] = {}

    def org_id(code: str, org_name: str) -> int:
        i = org_index.get(code)
        if i is None:
            i = org_index[code] = len(org_codes)
            org_codes.append(code)
            org_names.append(org_name)
        return i

    name_col = None
    org_given = True   # False: no organisation anywhere in the file (the default is used)
    if "org_code" in cols:
        code_col = cols["org_code"]
        factor = f[code_col]
        per_label = np.array([org_id(_code_text(lab), _code_text(lab)) for lab in factor.labels]
                             + [0], dtype=np.int64)[:-1]
        org = _spread(per_label, factor.codes, -1)
        _exclude_totals_and_blanks(rows, factor, code_col, org < 0)
        name_col = cols.get("org_name", cols.get("org"))
        if name_col is not None:
            how.setdefault("org_name", f"alias '{headers[name_col]}'")
    elif "org" in cols:
        code_col = cols["org"]
        factor = f[code_col]
        split = [split_org(lab) for lab in factor.labels]
        per_label = np.array([org_id(c, nm) for c, nm in split] + [0], dtype=np.int64)[:-1]
        org = _spread(per_label, factor.codes, -1)
        _exclude_totals_and_blanks(rows, factor, code_col, org < 0)
        n_split = sum(1 for (c, nm) in split if c != nm)
        if n_split:
            how["org"] = how["org"] + " (split into code and name)"
            notes.append(f"Organisation labels like '{factor.labels[0]}' were split into a code "
                         "and a name.")
    elif "org_name" in cols:
        code_col = cols["org_name"]
        factor = f[code_col]
        per_label = np.array([org_id(lab, lab) for lab in factor.labels] + [0],
                             dtype=np.int64)[:-1]
        org = _spread(per_label, factor.codes, -1)
        _exclude_totals_and_blanks(rows, factor, code_col, org < 0)
        how["org_code"] = f"the name in '{headers[code_col]}' (no code column)"
    else:
        code, org_name, source_text = _default_org(raw, options.default_org)
        org_given = code != schema.DEFAULT_ORG_CODE
        org_id(code, org_name)
        org = np.zeros(n, dtype=np.int64)
        how["org_code"] = f"default '{code}' ({source_text})"
        notes.append(f"No organisation column: every row counted for '{code}' "
                     f"({org_name}), {source_text}.")
    n_orgs = len(org_codes)
    if name_col is not None:
        names = _first_label_per_group(org, f[name_col], n_orgs)
        for i, label in enumerate(names):
            if label is not None:
                org_names[i] = (split_org(label)[1]
                                if _canonical_of(cols, name_col) == "org" else label)
    regions = _attribute(org, f, cols.get("region"), n_orgs, schema.DEFAULT_REGION)
    org_types = _attribute(org, f, cols.get("org_type"), n_orgs, schema.DEFAULT_ORG_TYPE)
    for canonical, default in (("region", schema.DEFAULT_REGION),
                               ("org_type", schema.DEFAULT_ORG_TYPE)):
        if canonical not in cols:
            how.setdefault(canonical, f"default '{default}'")

    # --- year -----------------------------------------------------------------------------
    year_given = True
    if "year" in cols:
        col = cols["year"]
        factor = f[col]
        parsed = np.array([parse_year(lab) or 0 for lab in factor.labels] + [0],
                          dtype=np.int64)[:-1]
        year = _spread(parsed, factor.codes, 0)
        years = np.unique(parsed[parsed > 0])
        year_idx = _spread(np.searchsorted(years, parsed).clip(0, max(len(years) - 1, 0)),
                           factor.codes, 0)
        rows.exclude(factor.codes < 0, "blank required field", col)
        note_unrecognised(col, parsed == 0)
        rows.exclude(year == 0, "unrecognised year", col)
        if len(set(parsed[parsed > 0]) | set()) and any(
                "/" in lab or "-" in lab for lab in factor.labels[:50]):
            notes.append("Years: financial years give their end year (2023/24 -> 2024); dates "
                         "give their calendar year.")
    else:
        default_year, source_text = _default_year(raw, options.default_year)
        year_given = default_year != schema.YEAR_NOT_GIVEN
        year = np.full(n, default_year, dtype=np.int64)
        years = np.array([default_year], dtype=np.int64)
        year_idx = np.zeros(n, dtype=np.int64)
        shown = default_year if year_given else "not given"
        how["year"] = f"default {shown} ({source_text})"
        notes.append(f"No year column: every row counted for {shown}, {source_text}."
                     if year_given else
                     f"No year in the file ({source_text}): the year is shown as 'not "
                     "given'. Say which year it is on the Data page ('belongs to'), or with "
                     "--year on the command line.")

    # --- staff group ----------------------------------------------------------------------
    sg_raw = np.zeros(n, dtype=np.int64)
    heading_labels = np.zeros(0, dtype=bool)
    nesting = None  # a total staff group beside its parts: see staff_group_totals
    if "staff_group" in cols:
        col = cols["staff_group"]
        factor = f[col]
        sg_raw = factor.codes
        smap = lookup_map(options.staff_group_map)
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
        # "Total" / "All staff" is the whole workforce; beside staff groups it is their
        # total, counted once by staff_group_totals.count_once below.
        per_label = np.where(totals, _ALL_STAFF, per_label)
        sg = _spread(per_label, factor.codes, -1)
        nesting = staff_group_totals.column_nesting(plan, factor, groups, col)
        if "band" in cols:  # "Total" with no band of its own: a grand total row
            rows.exclude(staff_group_totals.grand_totals(totals, factor, f[cols["band"]]),
                         "total row", col)
        rows.exclude(factor.codes < 0, "blank required field", col)
        note_unrecognised(col, (per_label < 0) & ~totals)
        rows.exclude(sg < 0, "unrecognised staff group", col)
    else:
        sg = np.full(n, _ALL_STAFF, dtype=np.int64)
        how["staff_group"] = f"default '{schema.DEFAULT_STAFF_GROUP}'"
        if "band" in cols and (plan.ethnic_columns or plan.stage_columns):
            sg, heading_labels = _section_headings(rows, f, cols["band"], plan, sg, how, notes)
            sg_raw = sg.copy()  # sections keep their rows apart in the duplicate check
            if heading_labels.any():
                nesting = staff_group_totals.section_nesting(plan, sg_raw, cols["band"])

    # --- band -----------------------------------------------------------------------------
    if "band" in cols:
        col = cols["band"]
        factor = f[col]
        bmap = lookup_map(options.band_map)
        for key, value in bmap.items():
            if normalise_band(value) is None:
                raise IngestError(name, f"band_map maps '{key}' to '{value}', which is not a "
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
        if plan.kind == "workforce" or (~is_all & (per_label >= 0)).any():
            rows.exclude(_spread(is_all, factor.codes, False), "total row", col)
        rows.exclude(factor.codes < 0, "blank required field", col)
        headings = heading_labels if len(heading_labels) else np.zeros(len(per_label), bool)
        note_unrecognised(col, (per_label < 0) & ~total_labels & ~headings)
        rows.exclude(band < 0, "unrecognised band", col)
    else:
        band = np.full(n, _ALL_BAND, dtype=np.int64)
        how["band"] = f"default '{schema.ALL_BANDS}' (counts for all bands)"
        notes.append("No band column: the recruitment counts are for all bands together "
                     f"(band '{schema.ALL_BANDS}').")

    # --- ethnicity (one column) -----------------------------------------------------------
    emap = lookup_map(options.ethnicity_map)
    group = eth_raw = None
    if "ethnicity" in cols:
        col = cols["ethnicity"]
        factor = f[col]
        per_label = _ethnic_groups(factor.labels, emap, name)
        group = _spread(per_label, factor.codes, _UNKNOWN_GROUP)
        notes += _disagreement_notes(factor, emap)
        total_labels = np.array([is_total_label(lab) for lab in factor.labels] + [False])[:-1]
        rows.exclude(_spread(total_labels, factor.codes, False), "total row", col)
        note_unrecognised(col, (per_label < 0) & ~total_labels)
        rows.exclude(group < 0, "unrecognised ethnicity", col)
        cleaned: dict[str, int] = {}
        per_clean = np.array([cleaned.setdefault(clean_label(lab), len(cleaned))
                              for lab in factor.labels] + [0], dtype=np.int64)[:-1]
        eth_raw = _spread(per_clean, factor.codes, -1)
        blank = int((factor.codes < 0).sum())
        if blank:
            notes.append(f"{blank:,} row{'s' if blank != 1 else ''} with a blank ethnicity "
                         "counted as Unknown.")

    # --- stage (one column) ---------------------------------------------------------------
    stage = None
    if "stage" in cols:
        col = cols["stage"]
        factor = f[col]
        stages = [stage_of(lab) for lab in factor.labels]
        per_label = np.array([STAGES.index(s) if s else -1 for s in stages] + [0],
                             dtype=np.int64)[:-1]
        totals = np.array([is_total_label(lab) for lab in factor.labels] + [False])[:-1]
        stage = _spread(per_label, factor.codes, -1)
        rows.exclude(_spread(totals, factor.codes, False), "total row", col)
        rows.exclude(factor.codes < 0, "blank required field", col)
        note_unrecognised(col, (per_label < 0) & ~totals)
        rows.exclude(stage < 0, "unrecognised stage", col)

    # --- counts ---------------------------------------------------------------------------
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
        rows.exclude(f[col].codes < 0, "blank required field", col)
        for reason in COUNT_PROBLEMS:
            rows.exclude(_spread(kind_of == reason, f[col].codes, False), reason, col)
        counts[col] = _spread(value, f[col].codes, 0)
    for col, _, _ in value_columns:
        value, kind_of = _parse_counts(f[col])
        for reason in COUNT_PROBLEMS:
            rows.exclude(_spread(kind_of == reason, f[col].codes, False), reason, col)
        counts[col] = _spread(value, f[col].codes, 0)
        blank_cells += int(((f[col].codes < 0) & rows.ok).sum())
    if blank_cells:
        notes.append(f"{blank_cells:,} blank count cell{'s' if blank_cells != 1 else ''} read "
                     "as 0.")
    outcomes: tuple[applicants.Outcome, ...] = ()
    if plan.form in applicants.FORMS:  # one row per applicant: three 0/1 counts per row
        value_columns, outcomes = applicants.count_stages(
            rows, f, plan, options.status_map, counts, notes, unrecognised)
    for col in plan.unrecognised_headers:
        filled = int((f[col].codes >= 0).sum())
        unrecognised.setdefault("column headers", {})[headers[col]] = filled

    # --- duplicates -----------------------------------------------------------------------
    if plan.layout == "staff" and "staff_id" in cols:
        col = cols["staff_id"]
        ids = loaded.ids(col)
        where = np.flatnonzero(rows.ok & ids.valid)
        oy = (org.clip(0) * max(len(years), 1) + year_idx)[where].astype(np.uint64)
        first_pass = ids.hash[where] ^ ((oy + np.uint64(1)) * np.uint64(0xC2B2AE3D27D4EB4F))
        maybe = pd.Series(first_pass.view(np.int64)).duplicated(keep=False).to_numpy()
        if maybe.any():  # check the candidates exactly: a hash can collide
            rows_maybe = where[maybe]
            exact = pd.DataFrame(ids.keys[rows_maybe])
            exact["oy"] = oy[maybe]
            dup = rows_maybe[exact.duplicated(keep="first").to_numpy()]
            mask = np.zeros(n, dtype=bool)
            mask[dup] = True
            rows.exclude(mask, "duplicate staff number", col, ids.text(dup[:50]))
        how["staff_id"] = how.get("staff_id", "") + " (repeats within an organisation and " \
                                                    "year are duplicates)"
    elif plan.layout != "staff" and plan.form not in applicants.FORMS:
        _exclude_duplicate_keys(rows, plan, f, org, year, sg_raw, band, eth_raw, stage,
                                org_codes, notes)

    # --- every row excluded? ------------------------------------------------------------
    exclusions = rows.exclusions()
    ok = rows.ok
    if not ok.any():
        reasons = "; ".join(
            f"{e.count:,} {e.reason}" + (f" in '{e.column}'" if e.column else "")
            + f" (rows {', '.join(str(r) for r in e.rows[:5])}"
            + (f"; e.g. {', '.join(repr(x) for x in e.examples[:3])}" if e.examples else "")
            + ")" for e in exclusions[:4])
        raise IngestError(name, f"Every one of the {n:,} data rows was excluded ({reasons}).",
                          "rows with a recognised band and ethnicity and a whole-number count.",
                          "Look at the first rows listed, fix the labels or map them by hand "
                          "(band_map, ethnicity_map), and read the file again.")

    # --- the medical rule -----------------------------------------------------------------
    medical = _MEDICAL[band.clip(0)] & ok & (band >= 0)
    changed = medical & (sg != _SG_INDEX["Medical"])
    if changed.any() and "staff_group" in cols:
        notes.append(f"{int(changed.sum()):,} rows in medical grades had another staff "
                     "group; they are counted as Medical (rows "
                     + ", ".join(str(r) for r in _first_rows(rows.rownums, changed)) + ").")
    sg = np.where(medical, _SG_INDEX["Medical"], sg)
    afc_medical = ok & _AFC[band.clip(0)] & (band >= 0) & (sg == _SG_INDEX["Medical"])
    if afc_medical.any():
        notes.append(f"{int(afc_medical.sum()):,} rows on AfC bands had staff group Medical; "
                     "the band is kept and they are counted as Clinical (rows "
                     + ", ".join(str(r) for r in _first_rows(rows.rownums, afc_medical))
                     + ").")
        sg = np.where(afc_medical, _SG_INDEX["Clinical"], sg)

    # --- long form and aggregation --------------------------------------------------------
    where = np.flatnonzero(ok)
    parts = []
    if plan.layout == "staff":
        parts.append((where, group[where], None, np.ones(len(where), dtype=np.int64)))
    elif plan.layout == "aggregate" or plan.form == "long":
        c = counts[cols["headcount"]]
        parts.append((where, group[where], stage[where] if stage is not None else None,
                      c[where]))
    else:
        for col, g, s in value_columns:
            groups_here = np.full(len(where), g, dtype=np.int64) if g >= 0 else group[where]
            if s >= 0:
                stages_here = np.full(len(where), s, dtype=np.int64)
            elif stage is not None:
                stages_here = stage[where]
            else:
                stages_here = None
            parts.append((where, groups_here, stages_here, counts[col][where]))
    parts = staff_group_totals.count_once(
        rows, parts, nesting, org=org, year=year_idx, band=band, staff_group=sg,
        org_codes=org_codes, years=years, band_names=BANDS, notes=notes)
    exclusions, ok = rows.exclusions(), rows.ok
    if plan.total_column is not None:
        _check_totals(f[plan.total_column], where, counts, value_columns, rows.rownums, notes,
                      headers[plan.total_column])
    is_recruitment = plan.kind == "recruitment"
    idx = np.concatenate([p[0] for p in parts])
    g_all = np.concatenate([p[1] for p in parts]).astype(np.int64)
    s_all = (np.concatenate([p[2] for p in parts]).astype(np.int64) if is_recruitment
             else np.zeros(len(idx), dtype=np.int64))  # workforce parts carry no stage
    c_all = np.concatenate([p[3] for p in parts]).astype(np.int64)
    table = _aggregate(org[idx], year_idx[idx], sg[idx], band[idx], g_all, s_all, c_all,
                       all_ones=plan.layout == "staff", is_recruitment=is_recruitment,
                       org_codes=org_codes, org_names=org_names, regions=regions,
                       org_types=org_types, years=years)
    kind = plan.kind
    if is_recruitment:
        present = set(table["stage"].astype(str))
        if not present & {"shortlisted", "appointed"}:
            raise IngestError(name, "The recruitment counts have neither shortlisted nor "
                              "appointed rows" + (f" (stages found: {', '.join(sorted(present))})"
                                                  if present else "") + ".",
                              "counts of people shortlisted and appointed (applied is "
                              "optional).", "Add the shortlisted and appointed counts, or "
                              "check the stage labels.")
        notes.extend(_nesting_notes(table))
    table = schema.conform(table, kind)

    # --- report ---------------------------------------------------------------------------
    mapping: dict[str, str] = {k: headers[v] for k, v in cols.items()}
    if plan.ethnic_columns:
        mapping["ethnicity"] = ", ".join(headers[i] for i, *_ in plan.ethnic_columns)
        how["ethnicity"] = "headers read as ethnic groups: " + ", ".join(
            f"'{headers[i]}' -> {g}" for i, _, g in plan.ethnic_columns)
    for i, s in plan.stage_columns:
        mapping[s] = headers[i]
    used = int(ok.sum())
    report = DataQualityReport(
        source=name, kind=kind, layout=plan.layout, rows_read=n, rows_used=used,
        rows_excluded=n - used, exclusions=exclusions,
        unknown_by_band=_unknown_table(table, is_recruitment),
        organisations=tuple(sorted(table["org_code"].astype(str).unique())),
        years=tuple(int(y) for y in sorted(table["year"].unique())),
        column_mapping=mapping, unrecognised=unrecognised,
        notes=tuple(dict.fromkeys(notes)), column_matches=how, form=plan.form,
        org_given=org_given, year_given=year_given, outcomes=outcomes,
        ignored_columns=tuple((headers[i], why) for i, why in plan.ignored_columns))
    return table, report


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
    rows.exclude(_spread(totals, factor.codes, False), "total row", col)
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


def _aggregate(org: np.ndarray, year_idx: np.ndarray, sg: np.ndarray, band: np.ndarray,
               group: np.ndarray, stage: np.ndarray, count: np.ndarray, *, all_ones: bool,
               is_recruitment: bool, org_codes: list[str], org_names: list[str],
               regions: list[str], org_types: list[str], years: np.ndarray) -> pd.DataFrame:
    sizes = (max(len(org_codes), 1), max(len(years), 1), len(STAFF_GROUPS), len(BANDS),
             len(GROUPS), len(STAGES) if is_recruitment else 1)
    key = np.zeros(len(org), dtype=np.int64)
    for part, size in zip((org, year_idx, sg, band, group, stage), sizes):
        key = key * size + part
    total = int(np.prod(np.array(sizes, dtype=np.float64)))
    if all_ones and total <= 50_000_000:
        summed = np.bincount(key, minlength=total)
        keys = np.flatnonzero(summed)
        values = summed[keys].astype(np.int64)
    else:
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
    org_code_arr = np.array(org_codes, dtype=object)
    frame = pd.DataFrame({
        "org_code": pd.array(org_code_arr[o], dtype="string"),
        "org_name": pd.array(np.array(org_names, dtype=object)[o], dtype="string"),
        "region": pd.array(np.array(regions, dtype=object)[o], dtype="string"),
        "org_type": pd.array(np.array(org_types, dtype=object)[o], dtype="string"),
        "year": years[y].astype(np.int64) if len(years) else np.zeros(0, np.int64),
        "staff_group": pd.Categorical.from_codes(s, dtype=schema.STAFF_GROUP_DTYPE),
        "band": pd.Categorical.from_codes(b, dtype=schema.BAND_DTYPE),
        "ethnicity": pd.Categorical(
            np.array([_category_of(GROUPS[i]) for i in range(len(GROUPS))], dtype=object)[g],
            dtype=schema.ETHNICITY_DTYPE),
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
