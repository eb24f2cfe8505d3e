"""Recruitment files with one row per applicant (NHS Jobs, Trac and similar exports).

Two shapes are read:

* **flags**: an ethnicity column and yes/no columns per stage (``Shortlisted Y/N``,
  ``Appointed Y/N``; also Yes/No, TRUE/FALSE, 1/0);
* **status**: an ethnicity column and one outcome column (``Status``, ``Outcome``,
  ``Application status`` ...) whose values say how far the applicant got ("Not shortlisted",
  "Interviewed", "Offered", "Withdrawn" ...), read through the one status table
  ``data/applicant_statuses.csv`` (correctable with ``status_map``).

The counting rule, stated once (:func:`stage_reached` applies it): every applicant counted is
counted as **applied**; one who reached shortlisting is also counted as **shortlisted**; one
appointed is counted at all three stages. A flags row marked appointed but not shortlisted is
counted as shortlisted too, with a note. A blank outcome (an application still open) counts
as applied only; a withdrawal with no stage given counts as applied only; a value the table
does not know is left out and listed by value, to be mapped by hand.

The counts become three 0/1 count columns (applied, shortlisted, appointed) per row, which
the reader then aggregates exactly like a stage-wide recruitment file: the result is the same
recruitment table (``schema.RECRUITMENT_COLUMNS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from wres_core.errors import IngestError
from wres_core.ingest.source import Factor, RawTable
from wres_core.ingest.values import _read_data_csv, header_key, stage_of

if TYPE_CHECKING:  # the reader's per-row state and plan (they import this module)
    from wres_core.ingest.build import _Rows
    from wres_core.ingest.plan import Plan

Unrecognised = dict[str, dict[str, int]]

FLAGS = "applicant flags"
STATUS = "applicant status"
#: The plan forms of a one-row-per-applicant file.
FORMS = (FLAGS, STATUS)
STAGES = ("applied", "shortlisted", "appointed")
LEFT_OUT = "left out"
#: What a status value may be mapped to (the Data page's choices).
STAGE_CHOICES = (*STAGES, LEFT_OUT)
#: The exclusion reason of an applicant whose outcome is mapped to "left out".
OUTCOME_LEFT_OUT = "outcome not counted"

_YES = frozenset({"y", "yes", "true", "t", "1"})
_NO = frozenset({"n", "no", "false", "f", "0"})
#: Pseudo column numbers of the three 0/1 count columns (real columns are >= 0).
_COUNT_KEYS = (-101, -102, -103)
#: Share of a column's sample values that must be known statuses for it to be read as one
#: when its header does not say so.
_STATUS_VALUE_SHARE = 0.6


@lru_cache(maxsize=1)
def status_stages() -> dict[str, str]:
    """Status value (after ``header_key``) -> stage, from ``data/applicant_statuses.csv``."""
    table: dict[str, str] = {}
    for row in _read_data_csv("applicant_statuses.csv"):
        table.setdefault(header_key(row["status"]), row["stage"].strip())
    return table


def _flag(value: str) -> bool | None:
    text = value.strip().casefold()
    return True if text in _YES else False if text in _NO else None


def _sample_values(raw: RawTable, index: int) -> list[str]:
    return [r[index] for r in raw.sample if r[index] and r[index].strip()]


def _keys_repeat(raw: RawTable, columns: Mapping[str, int]) -> bool:
    """Rows of the sample repeat their (organisation, year, band, staff group, ethnicity):
    one row per applicant, not one row per count."""
    key_columns = [columns[c] for c in ("org_code", "org_name", "org", "year", "band",
                                        "staff_group", "ethnicity", "stage_value")
                   if c in columns]
    keys = [tuple(r[i] for i in key_columns) for r in raw.sample]
    return len(set(keys)) < len(keys)


_FLAG_SUFFIXES = ("yesno", "yn", "flag", "tf", "10")
#: How each furthest stage reads in a flags file's outcome table.
_FLAG_OUTCOMES = ("not shortlisted", "shortlisted, not appointed", "appointed")
#: Share of the sample's stage cells that must be yes/no values for a flags file.
_FLAG_SHARE = 0.8


def _flag_headers(raw: RawTable, columns: dict[str, int], how: dict[str, str],
                  taken: set[int]) -> list[tuple[int, str]]:
    """Stage columns whose headers carry a yes/no mark (``Shortlisted Y/N``, ``Appointed
    (Yes/No)``, ``Shortlisted flag``), put into ``columns`` under their stage."""
    found = []
    for i, header in enumerate(raw.headers):
        key = header_key(header)
        if i in taken or not key.endswith(_FLAG_SUFFIXES):
            continue
        suffix = next(x for x in _FLAG_SUFFIXES if key.endswith(x))
        stage = stage_of(key.removesuffix(suffix))
        if stage and stage not in columns:
            columns[stage] = i
            how[stage] = f"'{header}' (a yes/no column)"
            taken.add(i)
            found.append((i, stage))
    return found


def _one_row_per_applicant(raw: RawTable, columns: dict[str, int]) -> bool:
    """A stage column without counts lists applicants when its rows repeat their key or it
    holds outcomes that are not stage names ("Withdrawn"); otherwise it is a count file
    missing its count column (and the reader says so)."""
    index = columns["stage"]
    if any(stage_of(v) is None and header_key(v) in status_stages()
           for v in _sample_values(raw, index)):
        return True
    return _keys_repeat(raw, {**columns, "stage_value": index})


def _mostly_outcomes(values: list[str]) -> bool:
    table = status_stages()
    known = sum(1 for v in values if header_key(v) in table)
    return len(set(values)) >= 2 and known >= _STATUS_VALUE_SHARE * len(values)


def detect_form(raw: RawTable, columns: dict[str, int], how: dict[str, str], taken: set[int],
                stage_columns: list[tuple[int, str]], kind: str | None) -> str | None:
    """:data:`FLAGS`, :data:`STATUS` or ``None``; a status column found is put in
    ``columns["status"]`` (a ``stage`` column without counts becomes the status column).

    An outcome column found by its header (``Status``, ``Outcome``: see the alias table) is
    read only when most of its values are outcomes the status table knows, or when the caller
    mapped it; otherwise it is dropped (an extract's ``Status`` of ``Active``)."""
    if kind == "workforce" or "ethnicity" not in columns or "headcount" in columns:
        if "status" in columns:
            taken.discard(columns.pop("status"))
            how.pop("status", None)
        return None
    if not stage_columns:
        stage_columns = _flag_headers(raw, columns, how, taken)
    flag_columns = [(i, s) for i, s in stage_columns if s != "applied"]
    if flag_columns and "status" not in columns:
        values = [v for i, _ in flag_columns for v in _sample_values(raw, i)]
        flags = sum(1 for v in values if _flag(v) is not None)
        if values and flags >= _FLAG_SHARE * len(values):
            words = any(v.strip().casefold() not in ("0", "1") for v in values)
            if words or _keys_repeat(raw, columns):
                return FLAGS
    if "status" in columns and not how["status"].startswith("your mapping") and \
            not _mostly_outcomes(_sample_values(raw, columns["status"])):
        taken.discard(columns.pop("status"))  # e.g. an extract's "Status: Active"
        how.pop("status")
    if "status" not in columns and "stage" in columns and _one_row_per_applicant(
            raw, columns):
        columns["status"] = columns.pop("stage")
        how["status"] = how.pop("stage", f"'{raw.headers[columns['status']]}'") + \
            " (no count column: one row per applicant)"
    if "status" not in columns:
        for i in range(len(raw.headers)):
            if i in taken or i in columns.values():
                continue
            if _mostly_outcomes(_sample_values(raw, i)):
                columns["status"] = i
                how["status"] = f"values of '{raw.headers[i]}' are applicant outcomes"
                break
    if "status" in columns:
        taken.add(columns["status"])
        return STATUS
    return None


def stage_reached(shortlisted: np.ndarray, appointed: np.ndarray) -> np.ndarray:
    """The furthest stage per applicant (0 applied, 1 shortlisted, 2 appointed): the nesting
    rule in one place: appointed implies shortlisted, and everyone counted applied."""
    return np.where(appointed, 2, np.where(shortlisted, 1, 0)).astype(np.int64)


def _stage_index(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else -1


def check_status_map(status_map: Mapping[str, str] | None, source: str) -> dict[str, str]:
    """A caller's ``status_map`` keyed like the table; raises on a stage it does not know."""
    out = {}
    for value, stage in (status_map or {}).items():
        target = str(stage).strip().casefold()
        if target not in STAGE_CHOICES:
            raise IngestError(source, f"status_map maps '{value}' to '{stage}', which is not a "
                              "recruitment stage.", f"one of {', '.join(STAGE_CHOICES)}.",
                              "Correct the status mapping and read the file again.")
        out[header_key(value)] = target
    return out


@dataclass(frozen=True)
class Outcome:
    """One outcome value of an applicant file and how it was counted (for the report)."""

    value: str        # as written in the file ("(blank)" for an empty cell)
    stage: str        # applied, shortlisted, appointed, left out, or "not recognised"
    applicants: int
    how: str          # "the status table", "your mapping", "blank: still open" ...


def count_stages(rows: _Rows, factors: dict[int, Factor], plan: Plan,
                 status_map: Mapping[str, str] | None, counts: dict[int, np.ndarray],
                 notes: list[str], unrecognised: Unrecognised
                 ) -> tuple[list[tuple[int, int, int]], tuple[Outcome, ...]]:
    """Each applicant row as three 0/1 counts (applied, shortlisted, appointed).

    Fills ``counts`` under pseudo column numbers and returns the reader's value columns
    ``(column, group -1 = the row's, stage index)`` and the outcomes for the report. Rows
    whose outcome is not known are excluded through ``rows`` (the reader's per-row state).
    """
    headers = rows.raw.headers
    if plan.form == FLAGS:
        reached, outcomes = _reached_from_flags(rows, factors, plan, notes)
    else:
        reached, outcomes = _reached_from_status(rows, factors[plan.columns["status"]],
                                                 plan.columns["status"], headers,
                                                 check_status_map(status_map, rows.raw.source),
                                                 notes, unrecognised)
    value_columns = []
    for stage, key in enumerate(_COUNT_KEYS):
        counts[key] = (reached >= stage).astype(np.int64)
        value_columns.append((key, -1, stage))
    return value_columns, outcomes


def _reached_from_flags(rows: _Rows, factors: dict[int, Factor], plan: Plan,
                        notes: list[str]) -> tuple[np.ndarray, tuple[Outcome, ...]]:
    headers = rows.raw.headers
    flags = {}
    for col, stage in plan.stage_columns:
        if stage == "applied":
            notes.append(f"Column '{headers[col]}' is not used: every row is one applicant, "
                         "counted as applied.")
            continue
        factor = factors[col]
        per_label = [_flag(label) for label in factor.labels]
        known = np.array([v is not None for v in per_label] + [True])
        yes = np.array([bool(v) for v in per_label] + [False])
        unknown_rows = ~known[factor.codes]
        if unknown_rows.any():  # not mappable by hand: say so plainly instead
            found = np.bincount(factor.codes[unknown_rows], minlength=len(factor.labels))
            shown = ", ".join(f"'{factor.labels[i]}' ({int(found[i]):,})"
                              for i in np.flatnonzero(found))
            notes.append(f"Values in '{headers[col]}' that are neither yes nor no: {shown}; "
                         "those applicants are left out. Correct them in the file (Y or N).")
            rows.exclude(unknown_rows, "unrecognised stage", col)
        blank = int((factor.codes < 0).sum())
        if blank:
            notes.append(f"{blank:,} blank cell{'s' if blank != 1 else ''} in '{headers[col]}' "
                         "read as No.")
        flags[stage] = yes[factor.codes]
    none = np.zeros(rows.n, dtype=bool)
    shortlisted, appointed = flags.get("shortlisted", none), flags.get("appointed", none)
    skipped = appointed & ~shortlisted & rows.ok
    if "shortlisted" in flags and skipped.any():
        notes.append(f"{int(skipped.sum()):,} applicant{'s' if skipped.sum() != 1 else ''} "
                     "marked appointed but not shortlisted: counted as shortlisted too (an "
                     "appointed applicant was shortlisted).")
    reached = stage_reached(shortlisted, appointed)
    ok = rows.ok
    outcomes = tuple(Outcome(value=value, stage=stage,
                             applicants=int((ok & (reached == i)).sum()),
                             how="the yes/no columns")
                     for i, (value, stage) in enumerate(zip(_FLAG_OUTCOMES, STAGES)))
    return reached, outcomes


def _reached_from_status(rows: _Rows, factor: Factor, col: int, headers: list[str],
                         user_map: dict[str, str], notes: list[str],
                         unrecognised: Unrecognised) -> tuple[np.ndarray, tuple[Outcome, ...]]:
    table = status_stages()
    stages, hows = [], []
    for label in factor.labels:
        key = header_key(label)
        if key in user_map:
            stages.append(user_map[key])
            hows.append("your mapping")
        elif key in table:
            stages.append(table[key])
            hows.append("the status table")
        else:
            stages.append(None)
            hows.append("not recognised")
    per_label = np.array([_stage_index(s) if s else -1 for s in stages] + [0],
                         dtype=np.int64)
    reached = per_label[factor.codes]          # code -1 (blank) picks the appended 0: applied
    per_row = np.bincount(factor.codes[factor.codes >= 0], minlength=len(factor.labels))
    unknown = np.array([s is None for s in stages] + [False])
    left_out = np.array([s == LEFT_OUT for s in stages] + [False])
    if unknown[:-1].any():
        unrecognised.setdefault(headers[col], {}).update(dict(sorted(
            ((factor.labels[i], int(per_row[i])) for i in np.flatnonzero(unknown[:-1])),
            key=lambda kv: (-kv[1], kv[0]))))
    rows.exclude(unknown[factor.codes], "unrecognised stage", col)
    rows.exclude(left_out[factor.codes], OUTCOME_LEFT_OUT, col)
    outcomes = [Outcome(label, stage or "not recognised", int(per_row[i]), how)
                for i, (label, stage, how) in enumerate(zip(factor.labels, stages, hows))]
    blank = int((factor.codes < 0).sum())
    if blank:
        outcomes.append(Outcome("(blank)", "applied", blank, "blank: counted as applied"))
        notes.append(f"{blank:,} applicant{'s' if blank != 1 else ''} with a blank "
                     f"'{headers[col]}': counted as applied only (no outcome recorded yet).")
    for i, (label, stage) in enumerate(zip(factor.labels, stages)):
        if "withdr" in header_key(label) and stage in STAGES:
            n = int(per_row[i])
            notes.append(f"{n:,} applicant{'s' if n != 1 else ''} withdrew ('{label}'): "
                         f"counted as {stage}" + (" only" if stage == "applied" else "")
                         + ".")
    outcomes.sort(key=lambda o: (-o.applicants, o.value))
    return reached, tuple(outcomes)
