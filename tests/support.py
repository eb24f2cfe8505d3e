"""Small builders shared by several test folders (imported as ``tests.support``)."""

from __future__ import annotations

import io

import openpyxl

# A small semicolon-separated counts file with three rows that must be left out: a negative
# count, a band nobody knows and an ethnicity label nobody knows. Encode it as the test needs
# (the app tests use Windows-1252).
MESSY_CSV_TEXT = (
    "Organisation code;Organisation name;Year;Pay band;Ethnicity;Headcount\n"
    "RXX;Messy Test Trust;2024;Band 5;White British;40\n"
    "RXX;Messy Test Trust;2024;Band 5;Indian;20\n"
    "RXX;Messy Test Trust;2024;Band 6;White British;30\n"
    "RXX;Messy Test Trust;2024;Band 6;Indian;-3\n"
    "RXX;Messy Test Trust;2024;Band 7;White British;20\n"
    "RXX;Messy Test Trust;2024;Band 7;Indian;6\n"
    "RXX;Messy Test Trust;2024;Band 8a;White British;8\n"
    "RXX;Messy Test Trust;2024;Band 8a;African;2\n"
    "RXX;Messy Test Trust;2024;Band 99;White British;7\n"
    "RXX;Messy Test Trust;2024;Band 6;Martian;4\n"
)


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsx file in memory with the given sheets (name -> rows), in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
