"""Ethnicity labels to WRES categories (White / BME / Unknown) and detailed groups.

Accepted forms, tried in this order for each distinct label:

1. blank or missing, or ``NA`` / ``N/A`` / ``#N/A`` (not available) -> Unknown;
2. an NHS ethnic category code, ``A`` to ``Z`` (the codes that exist: A-H, J-N, P, R, S, X, Z);
3. an ESR two-character local sub-code whose first letter is the parent code (``C2``, ``LK``);
4. an ESR label that starts with a code (``A White - British``, ``Z Not Stated``,
   ``SC Filipino``): the code decides. When the rest of the label is a known label of another
   detailed group in the *same* WRES category (``SC Filipino``: code S is Other, the words are
   Asian in our label table; both are BME), the row is counted with the code's group and the
   disagreement is noted (``EthnicityMatch.note``). Only a true conflict, a code and words in
   different WRES categories (a White code with a Black label), is reported, not guessed;
5. free text found in the package's label table (``data/ethnicity_labels.csv``) after
   normalising case, punctuation and spacing (``BAME``, ``White Other``, ``Prefer not to say``,
   ``Mixed - White and Asian``).

Anything else is *unrecognised*: returned as such so that ingest can report it and the user can
map it by hand. Nothing is guessed from keywords.

WRES rule: White = codes A, B, C; BME = D to S (Mixed, Asian, Black, Chinese, any other);
Unknown = X, Z, blank or refused. Chinese (R) is in the "Other" detailed group, as in the NHS
Data Dictionary's ethnic category list.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from wres_core.schema import ETHNIC_GROUP_DTYPE, ETHNICITY_DTYPE


@dataclass(frozen=True)
class EthnicityMatch:
    """How one label was read: WRES category, detailed group and NHS code ("" if none)."""

    category: str
    group: str
    code: str
    rule: str
    note: str = ""   # e.g. the label's words and its code name different detailed groups


def _category_of_group(group: str) -> str:
    if group == "White":
        return "White"
    if group == "Unknown":
        return "Unknown"
    return "BME"


@lru_cache(maxsize=1)
def code_groups() -> dict[str, str]:
    """NHS ethnic category code -> detailed group, from ``data/ethnicity_codes.csv``."""
    text = resources.files("wres_core.data").joinpath("ethnicity_codes.csv").read_text("utf-8")
    return {row["code"]: row["group"] for row in csv.DictReader(text.splitlines())}


@lru_cache(maxsize=1)
def label_table() -> dict[str, tuple[str, str]]:
    """Normalised free-text label -> (code, group), from ``data/ethnicity_labels.csv``."""
    text = resources.files("wres_core.data").joinpath("ethnicity_labels.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {row["label"]: (row["code"], row["group"]) for row in csv.DictReader(lines)}


@lru_cache(maxsize=1)
def subcode_descriptions() -> dict[str, str]:
    """Two-character local sub-code -> description, from ``data/ethnicity_subcodes.csv`` (the
    NHS Data Dictionary's list; the file names its source). Reading does not need it: a sub-code
    is read by its first letter. It says what a sub-code means, e.g. in data-quality notes."""
    text = resources.files("wres_core.data").joinpath("ethnicity_subcodes.csv").read_text(
        "utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {row["code"]: row["description"] for row in csv.DictReader(lines)}


_PUNCTUATION = re.compile(r"[-/\\,;:.()\[\]'\"_*]+")


def clean_label(label: str) -> str:
    """Lower case, ``&`` to ``and``, punctuation to spaces, spaces collapsed."""
    text = str(label).strip().lower().replace("&", " and ").replace("+", " and ")
    text = _PUNCTUATION.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


_HEADER_PREFIX = re.compile(r"^(ethnicity|ethnic (origin|group|category)) ")
_ESR_PREFIX = re.compile(r"^([A-Z][A-Z0-9]?)\s*[-:]?\s+(\S.*)$")


def match_ethnicity(label: object) -> EthnicityMatch | None:
    """Read one ethnicity label; ``None`` when it is not recognised.

    >>> match_ethnicity("A White - British").category
    'White'
    >>> m = match_ethnicity("LK"); (m.category, m.group, m.code)
    ('BME', 'Asian', 'L')
    >>> match_ethnicity("Prefer not to say").category
    'Unknown'
    >>> match_ethnicity("Martian") is None
    True
    """
    if label is None or (isinstance(label, float) and label != label) or label is pd.NA:
        return EthnicityMatch("Unknown", "Unknown", "", "blank")
    raw = str(label).strip()
    if not raw:
        return EthnicityMatch("Unknown", "Unknown", "", "blank")
    codes = code_groups()
    upper = raw.upper()
    # "NA" in a spreadsheet almost always means "not available", not an ESR sub-code of N
    # (Black African): reading it as Black would move people between groups silently.
    if upper in ("NA", "N/A", "#N/A"):
        return EthnicityMatch("Unknown", "Unknown", "", "not available")
    # 2 and 3: a bare code or a two-character ESR sub-code.
    # Two-character sub-codes must be in capitals: lower-case "na" means "not available".
    if (re.fullmatch(r"[A-Za-z]|[A-Z][A-Z0-9]", raw)) and upper[0] in codes:
        group = codes[upper[0]]
        return EthnicityMatch(_category_of_group(group), group, upper[0],
                              "code" if len(raw) == 1 else "ESR sub-code")
    table = label_table()
    cleaned = clean_label(raw)
    # 4: an ESR label "A White - British" or "C2 White Other" (code in capitals).
    prefix = _ESR_PREFIX.match(raw)
    if prefix and prefix.group(1)[0] in codes:
        group = codes[prefix.group(1)[0]]
        rest = table.get(clean_label(prefix.group(2)))
        category = _category_of_group(group)
        if rest is None or rest[1] == group or (rest[1] == "BME (not specified)"
                                                and category == "BME"):
            return EthnicityMatch(category, group, prefix.group(1)[0], "ESR label")
        if _category_of_group(rest[1]) == category:
            # ESR's local sub-codes do not always sit where a free-text lookup puts the words
            # (Filipino is S, any other ethnic group, in the NHS list): the code decides.
            return EthnicityMatch(
                category, group, prefix.group(1)[0], "ESR label",
                note=f"'{prefix.group(2).strip()}' is {rest[1]} in the label table, but code "
                     f"{prefix.group(1)} is {group}: counted as {group} (both {category})")
        if cleaned not in table:
            return None  # code and words in different categories: report, do not pick one
    # 5: free text, also as a column header that repeats the word ("Ethnicity unknown/null",
    # "Ethnic origin: not stated").
    found = table.get(cleaned)
    if found is None:
        prefix_words = _HEADER_PREFIX.match(cleaned)
        if prefix_words:
            found = table.get(cleaned[prefix_words.end():])
    if found is not None:
        code, group = found
        return EthnicityMatch(_category_of_group(group), group, code, "label table")
    return None


def normalise_ethnicities(values: pd.Series) -> tuple[pd.DataFrame, list[str]]:
    """Normalise a column of ethnicity labels.

    Returns a frame with ``ethnicity`` (White / BME / Unknown), ``ethnic_group`` and
    ``ethnic_code`` columns aligned with ``values`` (missing where unrecognised), and the
    sorted distinct labels that were not recognised. Each distinct label is read once.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    matches = [match_ethnicity(u) for u in uniques]
    unrecognised = sorted({str(u) for u, m in zip(uniques, matches) if m is None})
    blank = match_ethnicity(None)
    # Missing values (code -1) are blank ethnicity: Unknown, not unrecognised.
    matches.append(blank)
    codes = codes.copy()
    codes[codes < 0] = len(matches) - 1
    category = pd.Categorical([m.category if m else None for m in matches], dtype=ETHNICITY_DTYPE)
    group = pd.Categorical([m.group if m else None for m in matches], dtype=ETHNIC_GROUP_DTYPE)
    code = pd.array([m.code if m else None for m in matches], dtype="string")
    frame = pd.DataFrame({
        "ethnicity": category.take(codes),
        "ethnic_group": group.take(codes),
        "ethnic_code": code.take(codes),
    }, index=values.index)
    return frame, unrecognised


def code_word_disagreements(labels: list[str]) -> dict[str, str]:
    """Label -> note, for the ESR labels read by their code although their words name another
    detailed group of the same WRES category (``SC Filipino``: see :func:`match_ethnicity`)."""
    found = {}
    for label in labels:
        match = match_ethnicity(label)
        if match is not None and match.note:
            found[label] = match.note
    return found
