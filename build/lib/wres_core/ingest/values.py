"""Reading one cell value: years, counts, organisations, staff groups, stages, totals.

Every function here reads one *distinct* label; the ingest step calls them once per distinct
value of a column and spreads the answers over the rows with integer codes, so their speed does
not matter for a million-row extract.
"""

from __future__ import annotations

import csv
import math
import re
from functools import lru_cache
from importlib import resources

from wres_core.ethnicity import clean_label
from wres_core.schema import MAX_HEADCOUNT

# --- alias table --------------------------------------------------------------------------


def header_key(text: object) -> str:
    """Lower case, letters and digits only: ``"Pay Band"`` and ``"pay_band"`` -> ``"payband"``."""
    return re.sub(r"[^a-z0-9]+", "", str(text).lower())


def _read_data_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("wres_core.data").joinpath(name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


@lru_cache(maxsize=1)
def column_aliases() -> dict[str, str]:
    """Header key -> canonical column, from ``data/column_aliases.csv`` (first row wins)."""
    table: dict[str, str] = {}
    for row in _read_data_csv("column_aliases.csv"):
        table.setdefault(header_key(row["alias"]), row["column"].strip())
    return table


@lru_cache(maxsize=1)
def alias_rank() -> dict[str, int]:
    """Header key -> position in the alias table (lower wins when two headers compete)."""
    return {header_key(row["alias"]): i for i, row in enumerate(_read_data_csv(
        "column_aliases.csv"))}


@lru_cache(maxsize=1)
def staff_group_labels() -> dict[str, str]:
    """Cleaned staff group label -> WRES staff group, from ``data/staff_group_labels.csv``."""
    return {clean_label(row["label"]): row["staff_group"].strip()
            for row in _read_data_csv("staff_group_labels.csv")}


STAGE_COLUMNS = ("applied", "shortlisted", "appointed")


def stage_of(label: object) -> str | None:
    """``"Shortlisted"``, ``"Number of applications"`` -> the canonical stage, else ``None``."""
    column = column_aliases().get(header_key(label))
    return column if column in STAGE_COLUMNS else None


def staff_group_of(label: object) -> str | None:
    """ESR / NHS staff group label -> Clinical, Non-clinical, Medical or All staff."""
    return staff_group_labels().get(clean_label(str(label)))


# --- totals -------------------------------------------------------------------------------

_TOTAL_KEYS = frozenset({
    "total", "totals", "grandtotal", "subtotal", "all", "alltotal", "overall", "allbands",
    "allgrades", "allstaff", "totalstaff", "allethnicities", "allethnicgroups", "allgroups",
    "allethnicity", "alltrusts", "allorganisations", "allorganizations", "allorgs", "england",
    "englandtotal", "national", "nationaltotal", "allstaffgroups", "totalheadcount",
})


def is_total_label(label: object) -> bool:
    """A label that names a total or subtotal row (``Total``, ``All staff``, ``England``)."""
    return header_key(label) in _TOTAL_KEYS


_PERCENT_WORDS = re.compile(
    r"%|\b(percent|percentage|pct|proportion|share|rate|ratio|likelihood|relative|average"
    r"|mean|median)\b", re.IGNORECASE)


def is_rate_header(header: str) -> bool:
    """A header of a percentage or rate column (``White %``, ``BME proportion``)."""
    return bool(_PERCENT_WORDS.search(header))


# --- counts -------------------------------------------------------------------------------

_INT = re.compile(r"^[+-]?\d+$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")

NON_NUMERIC = "non-numeric count"
NEGATIVE = "negative count"
NON_INTEGER = "non-integer count"
TOO_LARGE = "count too large"
#: The reasons a count cell is not a count, in the order rows are excluded for them.
COUNT_PROBLEMS = (NON_NUMERIC, NEGATIVE, NON_INTEGER, TOO_LARGE)


def parse_count(label: str) -> tuple[int, str | None]:
    """Read one count cell: ``(value, None)`` or ``(0, reason)`` when it is not a count.

    ``"12"``, ``" 1,234 "``, ``"12.0"`` are counts; ``"-3"`` is a negative count; ``"12.5"`` and
    ``"2,5"`` non-integer counts; ``"*"``, ``"<5"``, ``"n/a"`` non-numeric counts; a whole
    number above :data:`wres_core.schema.MAX_HEADCOUNT` (2,000,000), such as ``"10^18"``
    written out or ``"1e18"``, is a count too large to be a headcount. A negative number is
    a negative count however large.
    """
    text = str(label).strip().replace("\u00a0", "").replace(" ", "")
    if _INT.match(text):
        value = int(text)
    elif _THOUSANDS.match(text):
        value = int(text.replace(",", ""))
    elif _FLOAT.match(text):
        number = float(text)
        if math.isinf(number):  # "1e999": a number, far too large
            return 0, NEGATIVE if number < 0 else TOO_LARGE
        if not number.is_integer():
            return 0, NEGATIVE if number < 0 else NON_INTEGER
        value = int(number)
    elif _DECIMAL_COMMA.match(text):
        return 0, NEGATIVE if text.startswith("-") else NON_INTEGER
    else:
        return 0, NON_NUMERIC
    if value < 0:
        return 0, NEGATIVE
    if value > MAX_HEADCOUNT:
        return 0, TOO_LARGE
    return value, None


def looks_numeric(label: str) -> bool:
    return parse_count(label)[1] in (None, NEGATIVE, NON_INTEGER, TOO_LARGE)


# --- years --------------------------------------------------------------------------------

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_FY = re.compile(r"^(?:fy\s*)?(\d{4})\s*[/\-–_ ]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_FY_SHORT = re.compile(r"^(?:fy\s*)?(\d{2})\s*[/\-–]\s*(\d{2})$", re.IGNORECASE)
_FY_TWO = re.compile(r"^fy\s*(\d{2}|\d{4})$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T].*)?$")
_NAMED = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?[\s\-/])?([A-Za-z]{3,9})\.?[\s\-/,]+"
                    r"(\d{4}|\d{2})(?:[ T].*)?$")
_YEAR_NUMBER = re.compile(r"^(\d{4})(?:\.0+)?$")
MIN_YEAR, MAX_YEAR = 1990, 2100


def _ok(year: int) -> int | None:
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _full(two_or_four: str) -> int:
    return int(two_or_four) if len(two_or_four) == 4 else 2000 + int(two_or_four)


def parse_year(label: str) -> int | None:
    """The snapshot year a label stands for, or ``None``.

    Financial years give their end year (``2023/24``, ``2023-24``, ``FY2023/24``, ``23/24`` ->
    2024, the year of the 31 March snapshot); dates give their calendar year (``31/03/2024``,
    ``2024-03-31``, ``Mar-24``, ``March 2024`` -> 2024); ``2024`` is 2024.
    """
    text = str(label).strip()
    match = _YEAR_NUMBER.match(text)
    if match:
        return _ok(int(match.group(1)))
    match = _FY.match(text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        end_year = int(end) if len(end) == 4 else start - start % 100 + int(end)
        if end_year == start + 1 or (len(end) == 2 and (start + 1) % 100 == int(end)):
            return _ok(start + 1)
    match = _FY_SHORT.match(text)
    if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
        return _ok(2000 + int(match.group(2)))
    match = _FY_TWO.match(text)
    if match:
        return _ok(_full(match.group(1)))
    match = _ISO.match(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return _ok(int(match.group(1)))
    match = _DMY.match(text)
    if match and 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(1)) <= 31:
        return _ok(_full(match.group(3)))
    match = _NAMED.match(text)
    if match and match.group(2)[:3].lower() in _MONTHS:
        return _ok(_full(match.group(3)))
    return None


_FY_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})\s*[/\-–_]\s*(\d{2}|20\d{2})(?!\d)")
_YMD_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])([0-2]\d|3[01])(?!\d)")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def year_in_text(text: str) -> int | None:
    """A snapshot year mentioned in a file name or title (``WRES 2023-24`` -> 2024)."""
    for match in _FY_IN_TEXT.finditer(text):
        start, end = int(match.group(1)), match.group(2)
        if (len(end) == 2 and (start + 1) % 100 == int(end)) or (
                len(end) == 4 and int(end) == start + 1):
            return start + 1
    match = _YMD_IN_TEXT.search(text)
    if match:
        return int(match.group(1))
    years = sorted({int(y) for y in _YEAR_IN_TEXT.findall(text)})
    if len(years) == 1:
        return years[0]
    if len(years) == 2 and years[1] == years[0] + 1:  # "1 April 2023 to 31 March 2024"
        return years[1]
    return None


# --- organisations ------------------------------------------------------------------------

_CODE_FIRST = re.compile(r"^([A-Z0-9]{3,8})\s*(?:[-–:|]\s*|\s+)(\S.*)$")
_CODE_LAST = re.compile(r"^(\S.*?)\s*[(\[]([A-Z0-9]{3,8})[)\]]$")


def _looks_like_code(token: str) -> bool:
    # ODS codes: trusts are R + two characters (RXH, R1F); others carry a digit (SYN123, 00L).
    return bool(re.search(r"\d", token)) or bool(re.fullmatch(r"R[A-Z0-9]{2}", token))


def split_org(label: str) -> tuple[str, str]:
    """``"SYN123 Ashvale Acute Trust"`` -> ``("SYN123", "Ashvale Acute Trust")``.

    Also ``"RXH - Brighton"`` and ``"Brighton (RXH)"``. A label with no code is its own code.
    """
    text = str(label).strip()
    match = _CODE_FIRST.match(text)
    if match and _looks_like_code(match.group(1)):
        return match.group(1), match.group(2).strip()
    match = _CODE_LAST.match(text)
    if match and _looks_like_code(match.group(2)):
        return match.group(2), match.group(1).strip()
    return text, text
