"""Reading the scorecard's input files: disciplinary, training, survey, board and pay.

Each file is decoded by the ingest package's public :func:`~wres_core.ingest.source.open_table`
(CSV in any of its encodings and delimiters, or .xlsx, header found below a title block), then
its columns are matched here against the aliases below (case, spacing and punctuation ignored)
and mapped into one long table per kind. Nothing is dropped silently: a row that cannot be used
is left out with its row number, column and reason (``IndicatorFile.excluded``), and a file that
cannot be used at all raises :class:`~wres_core.errors.IngestError` saying which file, what was
expected and what to do. So does a count or survey table giving one trust, year (and group or
indicator) twice with different figures; an exact copy of a row is counted once, with a note.

Kinds (a file can hold the first two together):

* ``disciplinary`` / ``training`` -- indicators 3 and 4: a count table (ethnicity, optional
  organisation and year, the number entering / accessing and optionally the headcount) or a
  staff-level file with a yes/no column (one row per member of staff);
* ``survey`` -- indicators 5-8: organisation, year, indicator, ethnicity, percentage,
  respondents (long), or one row per indicator with BME and White columns (wide);
* ``board`` -- indicator 9: ethnicity, role (executive / non-executive), voting, count (or one
  row per member);
* ``pay`` -- a staff-level file with an hourly rate ("Basic Hourly Rate"), or an annual salary
  with contracted hours or FTE, plus band and ethnicity.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wres_core.bands import normalise_band
from wres_core.errors import IngestError
from wres_core.ethnicity import match_ethnicity
from wres_core.ingest.api import out_of_memory
from wres_core.ingest.report import MAX_EXAMPLES, MAX_ROWS_LISTED
from wres_core.ingest.report import Exclusion as LeftOut
from wres_core.ingest.source import open_table, source_name
from wres_core.ingest.values import (
    NEGATIVE,
    NON_INTEGER,
    NON_NUMERIC,
    header_key,
    parse_year,
    split_org,
)

#: Canonical column -> header aliases (compared as ``header_key``: lower case, letters and
#: digits only). The first matching header of a file wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "org": ("Organisation code", "Org code", "Organisation", "Organisation name", "Trust",
            "Trust code", "Provider code", "ODS code", "Org"),
    "org_name": ("Organisation name", "Trust name", "Provider name", "Org name"),
    "year": ("Year", "Financial year", "Reporting year", "Survey year", "Snapshot date",
             "Period"),
    "ethnicity": ("Ethnicity", "Ethnic group", "Ethnic origin", "Ethnic category",
                  "WRES category", "Ethnicity group", "Group"),
    "headcount": ("Headcount", "Staff headcount", "Number of staff", "Staff", "Workforce",
                  "Total staff", "Staff in post"),
    "disciplinary": ("Entered formal disciplinary process", "Entering formal disciplinary "
                     "process", "Entered the formal disciplinary process", "Disciplinary",
                     "Disciplinaries", "Formal disciplinary", "Disciplinary cases",
                     "Number entering formal disciplinary process", "Indicator 3"),
    "training": ("Accessed non-mandatory training", "Accessed non-mandatory training or CPD",
                 "Accessed non-mandatory training and CPD", "Non-mandatory training", "CPD",
                 "Accessed CPD", "Training accessed", "Number accessing non-mandatory "
                 "training", "Indicator 4"),
    "indicator": ("Indicator", "WRES indicator", "Survey indicator", "Question", "Measure"),
    "percent": ("Percent", "Percentage", "Per cent", "%", "Score", "Value", "Result"),
    "respondents": ("Respondents", "Number of respondents", "Responses", "Base", "Base size",
                    "n"),
    "bme_percent": ("BME %", "BME percent", "BME percentage", "BME", "BAME %", "BAME",
                    "Ethnic minority %", "Ethnic minority"),
    "white_percent": ("White %", "White percent", "White percentage", "White"),
    "bme_respondents": ("BME respondents", "BAME respondents", "Ethnic minority respondents",
                        "BME base"),
    "white_respondents": ("White respondents", "White base"),
    "role": ("Role", "Board role", "Member type", "Executive / non-executive",
             "Executive or non-executive", "Board member type", "Type"),
    "voting": ("Voting", "Voting member", "Voting membership", "Voting rights", "Vote"),
    "count": ("Count", "Members", "Number", "Number of members", "Board members"),
    "band": ("Pay band", "Band", "AfC band", "Agenda for Change band", "Grade", "Pay grade",
             "Pay band grade"),
    "hourly_pay": ("Basic Hourly Rate", "Hourly rate", "Hourly pay", "Basic hourly pay",
                   "Hourly basic pay", "Ordinary hourly pay", "Hourly rate of pay",
                   "Basic pay hourly rate"),
    "annual_pay": ("Annual Salary", "Annual salary (FTE)", "Basic annual salary",
                   "Annual basic pay", "Basic salary", "Salary", "Annual pay", "Basic pay"),
    "hours": ("Contracted Hours", "Contracted hours per week", "Weekly hours",
              "Hours per week", "Contract hours"),
    "fte": ("FTE", "WTE", "Assignment FTE", "Full time equivalent", "Whole time equivalent",
            "Contracted WTE"),
}

KINDS = ("disciplinary", "training", "survey", "board", "pay")
EVENT_INDICATOR = {"disciplinary": "indicator:3", "training": "indicator:4"}
YES = {"yes", "y", "true", "1", "entered", "accessed"}
NO = {"no", "n", "false", "0", ""}
FULL_TIME_HOURS = 37.5
WEEKS_PER_YEAR = 365 / 7

EVENT_COLUMNS = ("org_code", "org_name", "year", "indicator", "white_events",
                 "white_headcount", "bme_events", "bme_headcount", "unknown_events",
                 "unknown_headcount")
SURVEY_COLUMNS = ("org_code", "org_name", "year", "indicator", "bme_percent", "white_percent",
                  "bme_respondents", "white_respondents")
BOARD_COLUMNS = ("org_code", "org_name", "year", "ethnicity", "role", "voting", "count")
PAY_COLUMNS = ("org_code", "org_name", "year", "band", "ethnicity", "hourly_pay")
#: A blank cell where a value is needed: ingest's word (``ingest.report.EXCLUSION_REASONS``).
BLANK = "blank required field"


@dataclass(frozen=True)
class Exclusion:
    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True, eq=False)
class IndicatorFile:
    """One scorecard file read: the tables it holds (None where it holds none)."""

    source: str
    kinds: tuple[str, ...]
    events: pd.DataFrame | None = None     # EVENT_COLUMNS; headcounts may be <NA>
    survey: pd.DataFrame | None = None     # SURVEY_COLUMNS
    board: pd.DataFrame | None = None      # BOARD_COLUMNS
    pay: pd.DataFrame | None = None        # PAY_COLUMNS
    rows_read: int = 0
    excluded: tuple[Exclusion, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def excluded_by_reason(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for item in self.excluded:
            out[item.reason] = out.get(item.reason, 0) + 1
        return out

    @property
    def rows_excluded(self) -> int:
        return len(self.excluded)   # one Exclusion per row left out (its first reason)

    @property
    def rows_used(self) -> int:
        return self.rows_read - self.rows_excluded

    def exclusions(self) -> tuple[LeftOut, ...]:
        """The rows left out grouped by reason and column, as ingest reports them
        (:class:`wres_core.ingest.report.Exclusion`: count, first rows, a few values)."""
        groups: dict[tuple[str, str], list[Exclusion]] = {}
        for item in self.excluded:
            groups.setdefault((item.reason, item.column), []).append(item)
        return tuple(
            LeftOut(reason=reason, column=column or None, count=len(items),
                    rows=tuple(sorted(i.row for i in items))[:MAX_ROWS_LISTED],
                    examples=tuple(dict.fromkeys(i.value or "(blank)" for i in items))
                    [:MAX_EXAMPLES])
            for (reason, column), items in groups.items())

    def summary_lines(self) -> list[str]:
        """What was read and left out, in the words of ingest's data-quality report."""
        lines = [f"{self.source}: read {self.rows_read:,} rows as "
                 f"{' and '.join(self.kinds)} data."]
        if self.rows_excluded:
            lines.append(f"Used {self.rows_used:,} rows; left out {self.rows_excluded:,}:")
            lines.extend("  - " + e.describe() for e in self.exclusions())
        else:
            lines.append(f"Used all {self.rows_used:,} rows.")
        return lines


def _alias_keys() -> dict[str, set[str]]:
    return {column: {header_key(a) for a in aliases} for column, aliases in ALIASES.items()}


def match_columns(headers: list[str]) -> dict[str, int]:
    """Canonical column -> index of the first header matching one of its aliases."""
    keys = _alias_keys()
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key and header.strip() == "%":
            key = "%"
        for column, aliases in keys.items():
            if column not in found and (key in aliases or (key == "%" and column == "percent")):
                found[column] = index
                break
    return found


def detect_kinds(headers: list[str]) -> tuple[str, ...]:
    """Which scorecard tables a file's headers describe (empty if none)."""
    cols = match_columns(headers)
    kinds = [k for k in ("disciplinary", "training") if k in cols and "ethnicity" in cols]
    if "indicator" in cols and ("percent" in cols or "bme_percent" in cols):
        kinds.append("survey")
    if "role" in cols and "ethnicity" in cols:
        kinds.append("board")
    if "ethnicity" in cols and "band" in cols and ("hourly_pay" in cols or (
            "annual_pay" in cols and ("hours" in cols or "fte" in cols))):
        kinds.append("pay")
    return tuple(kinds)


def _text_frame(raw) -> tuple[pd.DataFrame, np.ndarray]:
    """Every column of a RawTable as text (blank = ""), and the file row numbers."""
    loaded = raw.load(list(range(len(raw.headers))))
    columns = {}
    for index, header in enumerate(raw.headers):
        found = loaded.factors[index]
        if hasattr(found, "get"):
            found = found.get()
        if hasattr(found, "labels"):
            labels = np.asarray(list(found.labels) + [""], dtype=object)
            columns[header] = labels[found.codes]
        else:  # an identifier column
            columns[header] = np.asarray(found.text(np.arange(loaded.nrows)), dtype=object)
    return pd.DataFrame(columns), np.asarray(loaded.rownums)


def _number(text: str) -> float | None:
    cleaned = str(text).strip().replace(",", "").replace("£", "").replace("%", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _Reader:
    """One file's text table with its row numbers, collecting the rows it leaves out."""

    def __init__(self, name: str, frame: pd.DataFrame, rownums: np.ndarray,
                 cols: dict[str, int]) -> None:
        self.name, self.frame, self.rownums, self.cols = name, frame, rownums, cols
        self.headers = list(frame.columns)
        self.excluded: list[Exclusion] = []
        self.keep = np.ones(len(frame), dtype=bool)
        self.notes: list[str] = []

    def header(self, column: str) -> str:
        return self.headers[self.cols[column]]

    def text(self, column: str) -> np.ndarray:
        if column not in self.cols:
            return np.full(len(self.frame), "", dtype=object)
        return self.frame.iloc[:, self.cols[column]].to_numpy(object)

    def exclude(self, i: int, column: str, reason: str) -> None:
        if self.keep[i]:
            self.keep[i] = False
            value = str(self.frame.iloc[i, self.cols[column]]) if column in self.cols else ""
            self.excluded.append(Exclusion(int(self.rownums[i]), self.header(column)
                                           if column in self.cols else column, value, reason))

    def numbers(self, column: str, *, integer: bool, required: bool = True) -> np.ndarray:
        out = np.full(len(self.frame), np.nan)
        for i, text in enumerate(self.text(column)):
            value = _number(text)
            if value is None:
                if required and self.keep[i]:
                    self.exclude(i, column, BLANK if not str(text).strip()
                                 else NON_NUMERIC if integer else "non-numeric value")
                continue
            if value < 0:
                self.exclude(i, column, NEGATIVE if integer else "negative value")
                continue
            if integer and value != int(value):
                self.exclude(i, column, NON_INTEGER)
                continue
            out[i] = value
        return out

    def ethnicity(self) -> np.ndarray:
        labels = self.text("ethnicity")
        out = np.full(len(labels), "", dtype=object)
        cache: dict[str, str | None] = {}
        for i, label in enumerate(labels):
            if label not in cache:
                match = match_ethnicity(label) if str(label).strip() else None
                cache[label] = match.category if match else (
                    "Unknown" if not str(label).strip() else None)
            category = cache[label]
            if category is None:
                self.exclude(i, "ethnicity", "unrecognised ethnicity")
            else:
                out[i] = category
        return out

    def org_year(self, default_year: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = len(self.frame)
        codes = np.full(n, "", dtype=object)
        names = np.full(n, "", dtype=object)
        for i, label in enumerate(self.text("org")):
            if str(label).strip():
                codes[i], names[i] = split_org(label)
        if "org_name" in self.cols:
            given = self.text("org_name")
            names = np.where([bool(str(g).strip()) for g in given], given, names)
        years = np.full(n, -1, dtype=np.int64)
        if "year" in self.cols:
            cache: dict[str, int | None] = {}
            for i, label in enumerate(self.text("year")):
                if label not in cache:
                    cache[label] = parse_year(label) if str(label).strip() else None
                year = cache[label]
                if year is None:
                    self.exclude(i, "year", "unrecognised year")
                else:
                    years[i] = year
        elif default_year is not None:
            years[:] = default_year
        return codes, names, years

    def fail(self, problem: str, expected: str, action: str,
             column: str | None = None) -> IngestError:
        return IngestError(self.name, problem, expected, action, column=column)


def _yes_no(reader: _Reader, column: str) -> np.ndarray | None:
    """The column as booleans when every non-blank value is a yes/no word, else None."""
    values = [str(v).strip().lower() for v in reader.text(column)]
    if not all(v in YES or v in NO for v in values):
        return None
    if not any(v in YES - {"1"} or v in NO - {"0", ""} for v in values):
        return None  # only digits: a count column, not yes/no
    return np.array([v in YES for v in values])


#: The reason an exact copy of an earlier row is left out (ingest's word for it).
REPEATED_ROW = "duplicate key"


def _repeated_keys(reader: _Reader, key: dict[str, np.ndarray], among: np.ndarray, what: str,
                   expected: str, action: str, *, parts_add_up: bool) -> list[str]:
    """Check the rows kept (and ``among``) that share a key (organisation, year, ...).

    A first row was silently used before; now: an exact copy of an earlier row is left out
    (counted once) with a note; rows that differ only in a column this reader does not read
    (a staff group, say) are parts added together with a note, where counts can be added
    (``parts_add_up``); any other repeat raises :class:`IngestError` naming the rows, since
    which of them is right cannot be told. ``key`` holds per-row values; ``what`` names the
    key's parts in the messages ("organisation, year and ethnic group"); ``expected`` and
    ``action`` are the error's.
    """
    rows = np.flatnonzero(reader.keep & among)
    if len(rows) < 2:
        return []
    frame = pd.DataFrame({name: values[rows] for name, values in key.items()})
    repeated = frame.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return []
    groups = frame[repeated].groupby(list(key), sort=False).indices
    read_columns = set(reader.cols.values())
    copies: list[int] = []
    parts: list[tuple[int, ...]] = []
    unread: set[str] = set()
    for positions in groups.values():
        members = rows[np.flatnonzero(repeated)[positions]]
        cells = reader.frame.iloc[members].map(lambda v: str(v).strip())
        differ = [c for c in range(cells.shape[1]) if cells.iloc[:, c].nunique() > 1]
        file_rows = tuple(int(reader.rownums[i]) for i in members)
        if not differ:
            copies.extend(int(i) for i in members[1:])
        elif parts_add_up and any(c not in read_columns for c in differ):
            parts.append(file_rows)
            unread.update(reader.headers[c] for c in differ if c not in read_columns)
        else:
            shown = " and ".join(str(r) for r in file_rows[:2]) + (
                f" (and {len(file_rows) - 2} more)" if len(file_rows) > 2 else "")
            labels = ", ".join(str(cells.iloc[0, c]) for c in sorted(
                {reader.cols[k] for k in _KEY_COLUMNS if k in reader.cols}))
            columns = ", ".join(f"'{reader.headers[c]}'" for c in differ[:4])
            raise reader.fail(f"Rows {shown} give the same {what} ({labels}) with different "
                              f"values in {columns}; which is right cannot be told.",
                              expected, action)
    notes = []
    for i in copies:
        reader.exclude(i, "ethnicity" if "ethnicity" in reader.cols else "org", REPEATED_ROW)
    if copies:
        listed = ", ".join(str(int(reader.rownums[i])) for i in copies[:MAX_ROWS_LISTED])
        more = f" ({len(copies):,} in all)" if len(copies) > MAX_ROWS_LISTED else ""
        notes.append(f"{reader.name}: row {listed}{more} repeats an earlier row exactly: "
                     "counted once." if len(copies) == 1 else
                     f"{reader.name}: rows {listed}{more} repeat earlier rows exactly: each "
                     "counted once.")
    if parts:
        listed = "; ".join(" and ".join(map(str, group)) for group in parts[:MAX_ROWS_LISTED])
        notes.append(f"{reader.name}: rows {listed} repeat the {what} but differ in "
                     + ", ".join(f"'{h}'" for h in sorted(unread))
                     + " (not read): their counts were added together.")
    return notes


#: The columns that name a row's key, in the order an error message gives them.
_KEY_COLUMNS = ("org", "year", "indicator", "ethnicity")


def _events(reader: _Reader, kind: str, default_year: int | None) -> pd.DataFrame:
    ethnicity = reader.ethnicity()
    codes, names, years = reader.org_year(default_year)
    flags = _yes_no(reader, kind)
    if flags is not None:  # staff level: one row per member of staff
        events = flags.astype(float)
        headcount = np.ones(len(flags))
    else:
        events = reader.numbers(kind, integer=True)
        headcount = (reader.numbers("headcount", integer=True) if "headcount" in reader.cols
                     else np.full(len(events), np.nan))
        bad = np.isfinite(events) & np.isfinite(headcount) & (events > headcount)
        for i in np.flatnonzero(bad):
            reader.exclude(int(i), kind, "more events than staff")
        labels = np.array([str(v).strip().lower() for v in reader.text("ethnicity")],
                          dtype=object)
        reader.notes += _repeated_keys(
            reader, {"org": codes, "year": years, "ethnicity": labels},
            np.ones(len(labels), dtype=bool), "organisation, year and ethnic group",
            "one row per organisation, year and ethnic group (several groups, such as Asian "
            "and Black, are added into BME).",
            "Keep one row per organisation, year and ethnic group: delete the repeated rows, "
            "or add their counts into one row when they are parts of one group; then read the "
            "file again.", parts_add_up=True)
    keep = reader.keep.copy()
    frame = pd.DataFrame({"org_code": codes, "org_name": names, "year": years,
                          "ethnicity": ethnicity, "events": events,
                          "headcount": headcount,
                          "headcount_missing": np.isnan(headcount)})[keep]
    grouped = frame.groupby(["org_code", "org_name", "year", "ethnicity"], sort=True).agg(
        events=("events", "sum"), headcount=("headcount", "sum"),
        headcount_missing=("headcount_missing", "any"))
    # A group's headcount is known only when every row of it gives one (a per-group lambda
    # with sum(min_count=len) said the same, a second a file).
    grouped["headcount"] = grouped["headcount"].mask(grouped.pop("headcount_missing"))
    wide = grouped.unstack("ethnicity")
    out = pd.DataFrame(index=wide.index)
    for group in ("White", "BME", "Unknown"):
        key = group.lower()
        ev = wide["events"].get(group, 0)
        hc = wide["headcount"].get(group, np.nan)
        out[f"{key}_events"] = pd.Series(ev, index=wide.index).fillna(0).astype("int64")
        out[f"{key}_headcount"] = pd.array(pd.Series(hc, index=wide.index).round(),
                                           dtype="Int64")
    out = out.reset_index()
    out.insert(3, "indicator", EVENT_INDICATOR[kind])
    return out[list(EVENT_COLUMNS)]


_INDICATOR_WORDS = (("indicator:5", ("public", "patients")),
                    ("indicator:7", ("equal opportunit", "progression", "promotion")),
                    ("indicator:8", ("discriminat",)),
                    ("indicator:6", ("staff", "colleague", "manager")))


def survey_indicator_of(label: str) -> str | None:
    """``"5"``, ``"Indicator 7"``, ``"WRES 8"`` or question words -> ``"indicator:N"``."""
    text = str(label).strip().lower()
    match = re.search(r"(?<!\d)([5-8])(?!\d)", text)
    if match:
        return f"indicator:{match.group(1)}"
    for indicator, words in _INDICATOR_WORDS:
        if any(w in text for w in words):
            return indicator
    return None


def _survey(reader: _Reader, default_year: int | None) -> pd.DataFrame:
    codes, names, years = reader.org_year(default_year)
    indicators = np.full(len(reader.frame), "", dtype=object)
    for i, label in enumerate(reader.text("indicator")):
        found = survey_indicator_of(label)
        if found is None:
            reader.exclude(i, "indicator", "unrecognised survey indicator (expected 5 to 8)")
        else:
            indicators[i] = found
    if "bme_percent" in reader.cols and "percent" not in reader.cols:  # wide
        for column in ("bme_respondents", "white_respondents"):
            if column not in reader.cols:
                raise reader.fail(f"There is no '{ALIASES[column][0]}' column.",
                                  "BME %, White %, BME respondents and White respondents "
                                  "columns (or a long table with Ethnicity, Percent and "
                                  "Respondents).", "Add the respondent counts the survey "
                                  "publishes beside each percentage.")
        bme_percent = reader.numbers("bme_percent", integer=False)
        white_percent = reader.numbers("white_percent", integer=False)
        bme_respondents = reader.numbers("bme_respondents", integer=True)
        white_respondents = reader.numbers("white_respondents", integer=True)
        reader.notes += _repeated_keys(
            reader, {"org": codes, "year": years, "indicator": indicators},
            np.ones(len(codes), dtype=bool), "organisation, year and indicator",
            "one row per organisation, year and survey indicator.",
            "Keep the row with the survey's published figures and delete the other, then read "
            "the file again.", parts_add_up=False)
        frame = pd.DataFrame({
            "org_code": codes, "org_name": names, "year": years, "indicator": indicators,
            "bme_percent": bme_percent,
            "white_percent": white_percent, "bme_respondents": bme_respondents,
            "white_respondents": white_respondents})
        frame = frame[reader.keep]
    else:
        if "ethnicity" not in reader.cols or "respondents" not in reader.cols:
            raise reader.fail("The survey table needs an ethnicity and a respondents column.",
                              "Organisation, Year, Indicator, Ethnicity, Percent, Respondents.",
                              "Add the number of respondents in each group: the interval "
                              "cannot be computed without it.")
        ethnicity = reader.ethnicity()
        percent = reader.numbers("percent", integer=False)
        respondents = reader.numbers("respondents", integer=True)
        # Two rows of one group (Asian and Black both BME, say) cannot be combined from
        # percentages: the survey publishes the BME figure itself.
        reader.notes += _repeated_keys(
            reader, {"org": codes, "year": years, "indicator": indicators,
                     "group": ethnicity}, np.isin(ethnicity, ["White", "BME"]),
            "organisation, year, indicator and group (White or BME)",
            "one White and one BME row per organisation, year and survey indicator (the "
            "survey's own BME figure, not one row per detailed group).",
            "Keep one White and one BME row for each indicator: the survey publishes the BME "
            "figure itself (percentages of detailed groups cannot be added). Then read the "
            "file again.", parts_add_up=False)
        long = pd.DataFrame({"org_code": codes, "org_name": names, "year": years,
                             "indicator": indicators, "ethnicity": ethnicity,
                             "percent": percent, "respondents": respondents})
        long = long[reader.keep & np.isin(ethnicity, ["White", "BME"])]
        frame = long.pivot_table(index=["org_code", "org_name", "year", "indicator"],
                                 columns="ethnicity", values=["percent", "respondents"],
                                 aggfunc="first")
        frame.columns = [f"{group.lower()}_{value}" for value, group in frame.columns]
        frame = frame.reset_index()
        for column in SURVEY_COLUMNS:
            if column not in frame:
                frame[column] = np.nan
        frame = frame.dropna(subset=["bme_percent", "white_percent", "bme_respondents",
                                     "white_respondents"])
    if len(frame) and (frame[["bme_percent", "white_percent"]] > 100).any().any():
        raise reader.fail("A percentage is above 100.", "percentages from 0 to 100.",
                          "Check the percentage columns.")
    frame = frame.astype({"bme_respondents": "int64", "white_respondents": "int64"})
    return frame[list(SURVEY_COLUMNS)].reset_index(drop=True)


def _role_of(label: str) -> str | None:
    text = str(label).strip().lower().replace("-", " ")
    if text.startswith(("non exec", "non executive", "nonexec", "ned", "chair")):
        return "Non-executive"
    if text.startswith(("exec", "executive", "ed", "chief")):
        return "Executive"
    return None


def _board(reader: _Reader, default_year: int | None) -> pd.DataFrame:
    ethnicity = reader.ethnicity()
    codes, names, years = reader.org_year(default_year)
    roles = np.full(len(ethnicity), "", dtype=object)
    for i, label in enumerate(reader.text("role")):
        role = _role_of(label)
        if role is None:
            reader.exclude(i, "role", "unrecognised board role (expected executive or "
                           "non-executive)")
        else:
            roles[i] = role
    if "voting" in reader.cols:
        voting = np.array([str(v).strip().lower() in YES for v in reader.text("voting")])
    else:
        voting = np.ones(len(roles), dtype=bool)
    counts = (reader.numbers("count", integer=True) if "count" in reader.cols
              else np.ones(len(roles)))
    frame = pd.DataFrame({"org_code": codes, "org_name": names, "year": years,
                          "ethnicity": ethnicity, "role": roles, "voting": voting,
                          "count": counts})[reader.keep]
    frame = frame.groupby(list(BOARD_COLUMNS[:-1]), as_index=False)["count"].sum()
    return frame.astype({"count": "int64"})[list(BOARD_COLUMNS)]


def _pay(reader: _Reader, default_year: int | None) -> tuple[pd.DataFrame, list[str]]:
    notes = []
    ethnicity = reader.ethnicity()
    codes, names, years = reader.org_year(default_year)
    bands = np.full(len(ethnicity), "", dtype=object)
    cache: dict[str, str | None] = {}
    for i, label in enumerate(reader.text("band")):
        if label not in cache:
            cache[label] = normalise_band(label)
        if cache[label] is None:
            reader.exclude(i, "band", "unrecognised band")
        else:
            bands[i] = cache[label]
    if "hourly_pay" in reader.cols:
        hourly = reader.numbers("hourly_pay", integer=False)
        notes.append(f"Pay: '{reader.header('hourly_pay')}' read as hourly pay.")
    else:
        annual = reader.numbers("annual_pay", integer=False)
        if "hours" in reader.cols:
            hours = reader.numbers("hours", integer=False)
            with np.errstate(divide="ignore", invalid="ignore"):
                hourly = annual / (hours * WEEKS_PER_YEAR)
            notes.append(f"Pay: hourly = '{reader.header('annual_pay')}' / "
                         f"('{reader.header('hours')}' x 52.14 weeks); the salary is taken "
                         "as the pay for the hours contracted.")
        else:
            fte = reader.numbers("fte", integer=False)
            with np.errstate(divide="ignore", invalid="ignore"):
                hourly = annual / (fte * FULL_TIME_HOURS * WEEKS_PER_YEAR)
            notes.append(f"Pay: hourly = '{reader.header('annual_pay')}' / "
                         f"('{reader.header('fte')}' x 37.5 hours x 52.14 weeks).")
    for i in np.flatnonzero(reader.keep & ~(np.isfinite(hourly) & (hourly > 0))):
        reader.exclude(int(i), "hourly_pay" if "hourly_pay" in reader.cols else "annual_pay",
                       "pay not positive")
    frame = pd.DataFrame({"org_code": codes, "org_name": names, "year": years, "band": bands,
                          "ethnicity": ethnicity, "hourly_pay": hourly})[reader.keep]
    return frame.reset_index(drop=True), notes


def read_indicator_file(source, *, name: str | None = None, sheet: str | None = None,
                        default_year: int | None = None) -> IndicatorFile:
    """Read one scorecard file (see the module docstring for the kinds it may hold).

    ``default_year`` is used when the file has no year column (the CLI passes the analysis
    year; a missing year otherwise gives ``year = -1``, "not stated"). Raises
    :class:`IngestError`, and nothing else, when the file is not a table, breaks ingest's
    reading limits, or holds none of the scorecard kinds.
    """
    label = source_name(source, name)
    try:
        return _read_indicator_file(source, label, sheet, default_year)
    except IngestError:
        raise
    except MemoryError as exc:
        raise out_of_memory(label) from exc
    except Exception as exc:  # last resort, as ingest's read_table: only IngestError escapes
        raise IngestError(label, "An unexpected error stopped the file being read "
                          f"({type(exc).__name__}: {exc}).",
                          "a scorecard table as in docs/data-formats.md.",
                          "Check the file against docs/data-formats.md; if it looks right, "
                          "report this with the file.") from exc


def _read_indicator_file(source, label: str, sheet: str | None,
                         default_year: int | None) -> IndicatorFile:
    raw = open_table(source, label, sheet)
    kinds = detect_kinds(raw.headers)
    if not kinds:
        raise IngestError(label, "No scorecard table was recognised in the columns "
                          f"({', '.join(raw.headers[:12])}).",
                          "columns as in docs/data-formats.md, e.g. Ethnicity with 'Entered "
                          "formal disciplinary process', 'Accessed non-mandatory training', "
                          "survey Indicator/Percent/Respondents, board Role/Voting, or Pay "
                          "band with 'Basic Hourly Rate'.",
                          "Rename the columns to one of the documented names and try again.")
    frame, rownums = _text_frame(raw)
    cols = match_columns(raw.headers)
    tables: dict[str, pd.DataFrame] = {}
    notes: list[str] = list(raw.notes)
    excluded: list[Exclusion] = []
    events = []
    for kind in kinds:
        reader = _Reader(label, frame, rownums, cols)
        if kind in EVENT_INDICATOR:
            events.append(_events(reader, kind, default_year))
        elif kind == "survey":
            tables["survey"] = _survey(reader, default_year)
        elif kind == "board":
            tables["board"] = _board(reader, default_year)
        else:
            tables["pay"], pay_notes = _pay(reader, default_year)
            notes += pay_notes
        excluded += [e for e in reader.excluded if e not in excluded]
        notes += [n for n in reader.notes if n not in notes]
    if events:
        tables["events"] = pd.concat(events, ignore_index=True)
    if "year" not in cols and default_year is None:
        notes.append("No year column: the year is not stated (the scorecard uses the year "
                     "chosen for the trust).")
    return IndicatorFile(source=label, kinds=kinds, rows_read=len(frame),
                         excluded=tuple(excluded), notes=tuple(notes), **tables)


def peek_kinds(source, *, name: str | None = None) -> tuple[str, ...]:
    """The scorecard kinds a file holds, from its header alone (empty: not a scorecard file).

    Raises :class:`IngestError` only when the file is not a table at all.
    """
    raw = open_table(source, source_name(source, name), None)
    return detect_kinds(raw.headers)
