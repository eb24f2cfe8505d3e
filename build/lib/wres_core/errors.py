"""The one exception type that ingest raises for a file it cannot read."""

from __future__ import annotations


class IngestError(ValueError):
    """A file could not be read as a workforce or recruitment table.

    The message always says which file, what is wrong, what was expected and what the user can
    do. Attributes keep the parts so that the app can lay them out. When the problem is at one
    place in the file, ``line`` (a line of a text file, as a text editor numbers it), ``row``
    (a row as a spreadsheet shows it) and ``column`` (a header) say where, and ``problem``
    starts with that place ("Line 6, column 'Organisation name': ..."), so that a page which
    shows only ``problem`` still shows where.
    """

    def __init__(self, source: str, problem: str, expected: str, action: str,
                 *, row: int | None = None, column: str | None = None,
                 line: int | None = None) -> None:
        self.source = source
        self.expected = expected
        self.action = action
        self.row = row
        self.column = column
        self.line = line
        where = []
        if line is not None:
            where.append(f"line {line:,}")
        if row is not None:
            where.append(f"row {row:,}")
        if column is not None:
            where.append(f"column '{column}'")
        if where:
            place = ", ".join(where)
            problem = f"{place[0].upper()}{place[1:]}: {problem}"
        self.problem = problem
        super().__init__(f"{source}: {problem} Expected: {expected} What to do: {action}")
