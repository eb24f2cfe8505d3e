"""The limits on what one file may hold, in one place.

A file that breaks a limit is refused with an :class:`~wres_core.errors.IngestError` that names
the limit, before the work it would cost is done: compressed files are unpacked a block at a
time and stop at the limit; the parts of an ``.xlsx`` (a zip archive) are checked in the zip's
directory before any is unpacked. The defaults sit far above real extracts (a national ESR
staff-level extract of 1.5 million rows is about 250 MB as CSV, 10 to 20 times its size when
gzipped, and has under 200 columns) and far below what would hurt a shared server.

To change a limit for one call pass ``read_table(..., limits=ReadLimits(max_rows=...))``; to
change it everywhere (the app and the command line) edit :data:`LIMITS` below. The limits are
documented, with their reasons, in ``docs/data-formats.md`` ("Limits").

The length to which labels are cut for display and export is not a reading limit but a rule
of the clean table: :data:`wres_core.schema.MAX_LABEL_CHARS`.

References: the ratio and the grace size follow Apache POI's ``ZipSecureFile`` (a minimum
inflate ratio of 0.01, i.e. 100:1, checked once an entry is large enough to matter); the cell
length is Excel's own limit ("Excel specifications and limits": 32,767 characters per cell).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    """What one file may hold; every field is checked by ``wres_core.ingest``."""

    #: Bytes a file may hold once unpacked (a plain CSV: its size; a .csv.gz: the CSV inside;
    #: an .xlsx: all its parts together).
    max_unpacked_bytes: int = 1_000_000_000
    #: Unpacked size over packed size, for a .csv.gz as a whole and for each part of an .xlsx.
    max_ratio: float = 100.0
    #: Files (or parts) that unpack to less than this are not held to ``max_ratio``: a small,
    #: very regular file packs well and costs nothing to read.
    ratio_grace_bytes: int = 10_000_000
    #: Parts of an .xlsx archive (a workbook has a few dozen).
    max_archive_members: int = 10_000
    #: Columns of the header row.
    max_columns: int = 1_000
    #: Data rows (for a CSV: lines below the header).
    max_rows: int = 5_000_000
    #: Characters in one cell (Excel's own limit, so no spreadsheet writes a longer one).
    max_cell_chars: int = 32_767

    def __post_init__(self) -> None:
        if self.max_cell_chars >= ReadLimits.max_cell_chars:
            return  # the default (far above a label) needs no check, nor schema's import
        # Imported only here: schema imports pandas, and read_table starts parsing a large
        # CSV before pandas is imported (see ingest.prefetch), with these limits in hand.
        from wres_core.schema import MAX_LABEL_CHARS

        if self.max_cell_chars < MAX_LABEL_CHARS:  # only cells longer than a label are measured
            raise ValueError(f"max_cell_chars must be at least {MAX_LABEL_CHARS}")


#: The limits the app and the command line use.
LIMITS = ReadLimits()


def describe_bytes(size: float) -> str:
    """``1_000_000_000`` -> ``"1 GB"``, ``4_666_454`` -> ``"4.7 MB"`` (decimal units)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            value = size / scale
            text = f"{value:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{int(size)} bytes"
