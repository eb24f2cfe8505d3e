"""A large CSV file's first look and parse, started before pandas is imported.

A fresh process that reads a large staff-level extract spends about 0.4 s importing pandas
and the reading steps, one CPU busy, and about as long again in Arrow's parse, which releases
the GIL. So :func:`read_table <wres_core.ingest.api.read_table>`, given the path of a large
file in a process that has not yet imported the steps, calls :func:`start` before importing
them: it counts the file's lines (and looks for a NUL byte), then starts a thread that parses
the columns whose headers are known column names, while the imports run on the other CPU.
The count is made before the thread starts, not in it: numpy takes the GIL back after every
block, and in turns with an import it took three times as long (and as much CPU).

Nothing here decides how the file is read. ``source._open_csv`` reads the head the usual way
and then uses the count, and the parsed table, only where they are what it would have made
itself (same bytes before the data, same delimiter, same width, the header where it found
it); anything else is thrown away and the file read as before. The thread parses only a file
within the caller's :class:`~wres_core.ingest.limits.ReadLimits` (size, columns and, from its
own line count, rows), so it reads nothing the reader would refuse to read.

The sniffing helpers shared with ``source`` (delimiter, the head's lines, the line count)
live here because this module must not import pandas: only numpy and pyarrow.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from collections.abc import Container
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

if TYPE_CHECKING:
    from wres_core.ingest.limits import ReadLimits

HEAD_BYTES = 1 << 20  # bytes sniffed for encoding, delimiter and header
SNIFF_LINES = 400  # lines of the head parsed for the header and the sample
HEADER_SEARCH_LINES = 30  # as source.HEADER_SEARCH_ROWS: the header is among the first lines
DELIMITERS = (",", ";", "\t", "|")
UTF8_BOM = b"\xef\xbb\xbf"

#: Smaller files parse in a moment: a thread would save nothing.
PREFETCH_MIN_BYTES = 16 << 20
#: A wider file is left to the usual read of the columns it needs.
PREFETCH_MAX_COLUMNS = 1_000
#: A column whose values in the head are mostly distinct (staff numbers, names) is parsed as
#: strings: a dictionary of a million distinct values costs Arrow more than the strings do.
DISTINCT_SHARE = 0.5
#: Bytes Arrow parses at a time (as ``source._ARROW_BLOCK``, and for the same reason: memory).
PREFETCH_BLOCK = 1 << 20


# --- the head -------------------------------------------------------------------------------


def decode_head(head: bytes) -> tuple[str, str]:
    """The head as text and the encoding used ("utf-8" or "cp1252")."""
    cut = head.rfind(b"\n")
    body = head[: cut + 1] if cut >= 0 and len(head) >= HEAD_BYTES else head
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), "cp1252"


def head_lines(head_text: str, truncated: bool) -> list[str]:
    """The head's first lines (line breaks removed); a last line cut short is dropped."""
    lines = head_text.split("\n")
    if truncated and len(lines) > 1:
        lines = lines[:-1]
    if lines and lines[-1] == "":
        lines = lines[:-1]
    return lines[:SNIFF_LINES]


def split_record(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def choose_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most lines into the same number (>1) of fields."""
    lines = [line for line in lines if line.strip()][:SNIFF_LINES]
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(split_record(line, delimiter)) for line in lines]
        if not counts:
            continue
        values, freq = np.unique(counts, return_counts=True)
        mode = int(values[np.argmax(freq)])
        if mode < 2:
            continue
        tail = counts[-min(len(counts), 50):]
        score = (sum(1 for c in tail if c == mode) / len(tail), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- the line count -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scan:
    lines: int  # lines in the file (a last line without a line break counts)
    first_nul: int  # byte offset of the first NUL byte, or -1


SCAN_STEP = 1 << 22  # small enough to stay in the processor's cache


def scan(data: bytes | pa.Buffer) -> Scan:
    """Count the lines and find the first NUL byte, a block at a time, without copying the
    file (numpy compares a block in place: about 0.03 s for a 241 MB extract)."""
    array = np.frombuffer(data, dtype=np.uint8)
    return _scan_blocks(array[start:start + SCAN_STEP]
                        for start in range(0, len(array), SCAN_STEP))


def scan_file(path: Path, offset: int) -> Scan:
    """:func:`scan` of a file on disk from ``offset``, read a block at a time into one buffer
    (reading a memory map instead would make all of it resident at once)."""
    buffer = bytearray(SCAN_STEP)

    def blocks():
        with open(path, "rb") as file:
            file.seek(offset)
            while got := file.readinto(buffer):
                yield np.frombuffer(buffer, dtype=np.uint8, count=got)

    return _scan_blocks(blocks())


def _scan_blocks(blocks) -> Scan:
    newlines, first_nul, seen, last = 0, -1, 0, 10
    # One array of flags for every block (as large as the first), not a fresh one per block.
    flags = np.empty(0, dtype=bool)
    for block in blocks:
        if len(flags) < len(block):
            flags = np.empty(len(block), dtype=bool)
        newlines += int(np.count_nonzero(np.equal(block, 10, out=flags[:len(block)])))
        if first_nul < 0 and block.min() == 0:  # min: one pass, no array of booleans
            first_nul = seen + int(np.argmax(block == 0))
        seen += len(block)
        last = int(block[-1])
    ends_open = seen > 0 and last != 10
    return Scan(newlines + int(ends_open), first_nul)


# --- the columns worth parsing -------------------------------------------------------------


def _header_key(text: str) -> str:
    """``values.header_key``: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@lru_cache(maxsize=1)
def alias_keys() -> frozenset[str]:
    """The header keys of ``data/column_aliases.csv``, as ``values.column_aliases`` reads
    them (values imports pandas, so it cannot be asked here; a test keeps the two equal).

    Which columns the reader loads is decided only after the imports (``plan``); the thread
    guesses the columns with known names, which the plan of a staff-level extract reads.
    When the plan wants another, the prefetch's parse is not used.
    """
    text = resources.files("wres_core.data").joinpath("column_aliases.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return frozenset(_header_key(row["alias"]) for row in csv.DictReader(lines))


# --- the early parse ------------------------------------------------------------------------


@dataclass
class Prefetch:
    """A file's line count and parse, under way in a thread (see :func:`start`).

    ``parsed`` holds the ``columns`` (named ``c0``, ``c1``, ... by position) as
    ``dictionary<int32, string>``, those in ``strings`` as strings, one row per line from
    ``offset`` (the header and any title rows included), or is ``None``
    when the parse was not tried (a NUL byte, too many rows) or failed (Arrow's message is
    not kept: the usual read, if it is needed, meets the same problem and handles it).
    """

    path: Path
    offset: int  # bytes before the first line (a UTF-8 byte-order mark)
    delimiter: str
    width: int  # fields of the first line
    columns: frozenset[int]  # the columns parsed: those whose first-line names are known
    strings: frozenset[int]  # columns parsed as strings, not dictionaries
    scan: Scan  # the whole file's, from ``offset``
    parsed: Future[pa.Table | None] | None = field(repr=False)
    #: The head's lines ``delimiter`` was chosen from: the reader, given the same lines,
    #: takes it instead of choosing again.
    sniffed: tuple[str, ...] = field(default=(), repr=False)

    def take_parsed(self) -> pa.Table | None:
        """The parsed table, once: afterwards this object no longer holds it in memory."""
        found, self.parsed = self.parsed, None
        return found.result() if found is not None else None

    def discard(self) -> None:
        """Let the parsed table go (when its thread ends) without waiting for it."""
        self.parsed = None


def worthwhile() -> bool:
    """Whether the reading steps are still to be imported: only then is there something to
    overlap the parse with (a second file in the same process is read the usual way)."""
    return "wres_core.ingest.build" not in sys.modules


def start(source: object, limits: ReadLimits) -> Prefetch | None:
    """Start counting and parsing ``source`` in a thread, when it is the path of a large
    UTF-8 CSV file within ``limits`` and there are imports to overlap; else ``None``."""
    if not isinstance(source, str | os.PathLike) or not worthwhile():
        return None
    path = Path(source)
    try:
        size = path.stat().st_size
        if not path.is_file() or not PREFETCH_MIN_BYTES <= size <= limits.max_unpacked_bytes:
            return None
        with open(path, "rb") as file:
            head = file.read(HEAD_BYTES)
    except OSError:
        return None  # the usual read says what is wrong
    offset = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
    text, encoding = decode_head(head[offset:])
    if encoding != "utf-8" or "\x00" in text:
        return None  # transcoded, UTF-16 or damaged: read the usual way
    lines = [line.rstrip("\r") for line in head_lines(text, size > len(head))]
    if not lines:
        return None
    delimiter = choose_delimiter(lines)
    width = len(split_record(lines[0], delimiter))
    if not 2 <= width <= min(PREFETCH_MAX_COLUMNS, limits.max_columns) or (
            lines[0].count('"') % 2):
        return None
    columns = _known_columns(lines, delimiter)
    if not columns:
        return None
    strings = _mostly_distinct([split_record(line, delimiter) for line in lines[1:]], width)
    try:
        counted = scan_file(path, offset)
    except OSError:
        return None
    parsed = None
    if _parse_allowed(counted, len(columns), size, limits.max_rows):
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wres-csv-prefetch")
        parsed = executor.submit(_parse_known_columns, path, offset, delimiter, width, columns,
                                 strings)
        executor.shutdown(wait=False)  # its thread ends when the parse does
    return Prefetch(path, offset, delimiter, width, columns, strings, counted, parsed,
                    sniffed=tuple(lines))


def _parse_allowed(counted: Scan, columns: int, size: int, max_rows: int) -> bool:
    """Whether the reader would parse a file so counted (no NUL byte, not too many rows),
    and its codes stay well under its size (not fields of a byte or two)."""
    return (counted.first_nul < 0 and counted.lines - 1 <= max_rows
            and counted.lines * columns * 4 <= 2 * size)


def _known_columns(lines: list[str], delimiter: str) -> frozenset[int]:
    """The columns named with known names in the first line that has any (the header, as a
    guess: ``source.find_header`` decides, and the parse is used only if it agrees)."""
    for line in lines[:HEADER_SEARCH_LINES]:
        known = frozenset(j for j, cell in enumerate(split_record(line, delimiter))
                          if _header_key(cell) in alias_keys())
        if known:
            return known
    return frozenset()


def _mostly_distinct(records: list[list[str]], width: int) -> frozenset[int]:
    """Columns whose values in these records are mostly distinct (see DISTINCT_SHARE)."""
    rows = [record for record in records if len(record) == width]
    if not rows:
        return frozenset()
    return frozenset(j for j in range(width)
                     if len({row[j] for row in rows}) > DISTINCT_SHARE * len(rows))


def arrow_csv_options(names: list[str], delimiter: str, block_size: int,
                      wanted: list[int], strings: Container[int]) -> dict:
    """The options of the reader's Arrow parse (``source._pyarrow_load``) and of the
    prefetch's, which must parse alike: every value of the ``wanted`` columns a dictionary
    code, or a string for those in ``strings``; no line break inside a value (what makes it
    fast: the reader checks the row count); blank values missing."""
    dictionary = pa.dictionary(pa.int32(), pa.string())
    return dict(
        read_options=pcsv.ReadOptions(column_names=names, block_size=block_size),
        parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                        newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pcsv.ConvertOptions(
            column_types={names[i]: pa.string() if i in strings else dictionary
                          for i in wanted},
            include_columns=[names[i] for i in wanted] or names[:1], null_values=[""],
            strings_can_be_null=True, quoted_strings_can_be_null=True))


def _parse_known_columns(path: Path, offset: int, delimiter: str, width: int,
                         columns: frozenset[int], strings: frozenset[int]) -> pa.Table | None:
    """The ``columns`` of the file, parsed as the reader's own Arrow parse parses them."""
    names = [f"c{i}" for i in range(width)]
    try:
        with pa.OSFile(str(path)) as stream:
            stream.seek(offset)
            return pcsv.read_csv(stream, **arrow_csv_options(names, delimiter, PREFETCH_BLOCK,
                                                             sorted(columns), strings))
    except (pa.ArrowInvalid, OSError):
        return None
