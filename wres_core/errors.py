"""The one exception type that ingest raises for a file it cannot read."""

from __future__ import annotations


class IngestError(ValueError):
    """A file could not be read as a workforce or recruitment table.

    The message always says which file, what is wrong, what was expected and what the user can
    do. Attributes keep the parts so that the app can lay them out.
    """

    def __init__(self, source: str, problem: str, expected: str, action: str,
                 *, row: int | None = None, column: str | None = None) -> None:
        self.source = source
        self.problem = problem
        self.expected = expected
        self.action = action
        self.row = row
        self.column = column
        where = source
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {problem} Expected: {expected} What to do: {action}")
