"""Spreadsheet formula injection: text from a user's file must never run as a formula.

A spreadsheet treats a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK("http://x")`` in an organisation name would become a live link), and a leading
tab or carriage return can hide such a start. As OWASP's "CSV Injection" page recommends, every
text cell that starts with one of these characters is prefixed with a single quote, so that it
is read as text. Numbers stay numbers: only ``str`` values are changed.

Reference: OWASP Foundation, "CSV Injection" (owasp.org/www-community/attacks/CSV_Injection).
"""

from __future__ import annotations

import pandas as pd

#: Characters that make a spreadsheet read a text cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(value: object) -> object:
    """``'=HYPERLINK("http://x")'`` -> ``"'=HYPERLINK(\\"http://x\\")"``; other values unchanged.

    >>> neutralise("-5 staff"), neutralise(-5), neutralise("Band 5")
    ("'-5 staff", -5, 'Band 5')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and every column heading) neutralised."""
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
                or isinstance(dtype, pd.CategoricalDtype)):
            out[column] = out[column].astype(object).map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out
