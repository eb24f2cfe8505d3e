"""How numbers are written for people: ratios, intervals, p-values, shares.

One place, so that the app, the CLI's text output and the exported packs agree.
"""

from __future__ import annotations

import math


def format_ratio(value: float | None) -> str:
    """``2.1034`` -> ``"2.10"``; large values with fewer decimals, values below 0.1 with two
    significant figures (``0.0043`` -> ``"0.0043"``); inf -> ``"infinity"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not defined"
    if math.isinf(value):
        return "infinity" if value > 0 else "-infinity"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if 0 < value < 0.1:
        # Two significant figures, so a small ratio never prints as "0.00".
        return f"{value:.2g}"
    return f"{value:.2f}"


def format_interval(low: float | None, high: float | None) -> str:
    """``(1.5, 2.2)`` -> ``"1.50 to 2.20"``."""
    return f"{format_ratio(low)} to {format_ratio(high)}"


def format_p(p: float | None) -> str:
    """A p-value with its relation sign: ``"< 0.001"``, ``"= 0.004"``, ``"= 0.21"``."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "not tested"
    if p < 0.001:
        return "< 0.001"
    if p < 0.01:
        return f"= {p:.3f}"
    if p > 0.99:
        return "> 0.99"
    return f"= {p:.2f}"


def format_p_value(p: float | None) -> str:
    """A p-value for a table cell: ``"<0.001"``, ``"0.004"``, ``"0.21"``."""
    text = format_p(p)
    return text.replace("= ", "").replace("< ", "<").replace("> ", ">")


def format_share(value: float | None, digits: int = 1) -> str:
    """``0.4231`` -> ``"42.3%"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not defined"
    return f"{value * 100:.{digits}f}%"


def lower_first(text: str) -> str:
    """``"Band 9 to VSM"`` -> ``"band 9 to VSM"``: for a label inside a sentence."""
    return text[:1].lower() + text[1:]


def format_year(year: int | None) -> str:
    """``2024`` -> ``"2024"``; the year of a file that holds none -> ``"year not given"``."""
    # 0 is schema.YEAR_NOT_GIVEN (formatting imports nothing from the package).
    return "year not given" if not year else str(int(year))


#: Missing values as text, besides the schema's own default (see :func:`is_given`).
_MISSING_TEXTS = frozenset({"", "nan", "<NA>", "None"})


def is_given(value: object) -> bool:
    """False for a field the data left out: the schema's default for a region or trust type
    ("Not given", as ingest fills it in), blank or missing."""
    from wres_core.schema import DEFAULT_ORG_TYPE, DEFAULT_REGION  # schema imports pandas

    text = "" if value is None else str(value).strip()
    return text not in _MISSING_TEXTS | {DEFAULT_REGION, DEFAULT_ORG_TYPE}


def format_given(value: object, what: str) -> str:
    """``"London"`` -> ``"London"``; a field the data left out -> ``"region not given"`` (for
    ``what="region"``): a trust read from its own extract has no region or type, and "Not
    given, Not given" beside its name reads as two missing names."""
    return str(value).strip() if is_given(value) else f"{what} not given"
