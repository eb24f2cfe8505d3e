"""Turning a file (path, bytes or file object) into a raw table of text cells.

A raw table knows its headers, the file row number of every data row and a sample of rows for
detecting the layout; its columns are loaded on demand as :class:`Factor` s (integer codes plus
distinct labels), which is all the later steps need. CSV files are read with pyarrow when they
are regular (the fast path) and with Python's csv module otherwise, so that ragged rows, blank
lines and quoted line breaks are still counted and numbered as a spreadsheet would show them.
Nothing is ever written to disk.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute
import pyarrow.csv as pcsv

from wres_core.errors import IngestError
from wres_core.ethnicity import match_ethnicity
from wres_core.ingest.limits import LIMITS, ReadLimits, describe_bytes
from wres_core.ingest.prefetch import (
    HEAD_BYTES,
    HEADER_SEARCH_LINES,
    SCAN_STEP,
    UTF8_BOM,
    Prefetch,
    Scan,
    arrow_csv_options,
    choose_delimiter,
    decode_head,
    head_lines,
    scan,
    scan_file,
    split_record,
)
from wres_core.ingest.staff_numbers import IdColumn, staff_number_column
from wres_core.ingest.values import column_aliases, header_key, parse_count, stage_of
from wres_core.schema import MAX_LABEL_CHARS

HEADER_SEARCH_ROWS = HEADER_SEARCH_LINES  # the header must be within the first rows
SAMPLE_ROWS = 200  # data rows kept for detection
PREVIEW_ROWS = 20
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

Source = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO


@dataclass
class Factor:
    """A column as integer codes (-1 = blank) into distinct, stripped, non-empty labels.

    Labels longer than :data:`~wres_core.schema.MAX_LABEL_CHARS` are cut to it (ending in
    an ellipsis); ``long_labels`` keeps (label index, length before cutting) for each, so that
    the report can say so and a cell over the reading limit can be refused with its row.
    """

    codes: np.ndarray  # int32, per row: index into labels (-1 = blank); may be read-only
    labels: list[str]
    long_labels: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Loaded:
    #: Staff-number columns may hold a Future of an IdColumn (read in a thread): see ids().
    factors: dict[int, Factor]
    nrows: int
    rownums: np.ndarray  # int64 file row numbers, 1-based, counting title and header rows
    ragged: np.ndarray  # bool: the row had more non-empty fields than there are headers
    notes: list[str] = field(default_factory=list)
    high: frozenset[int] = frozenset()  # staff-number columns: never cut

    def ids(self, column: int) -> IdColumn:
        """A staff-number column as an :class:`IdColumn`."""
        found = self.factors[column]
        if isinstance(found, Future):
            found = found.result()
        return found if isinstance(found, IdColumn) else IdColumn.from_factor(found)


@dataclass
class RawTable:
    source: str
    headers: list[str]
    sample: list[list[str]]  # first data rows, text, padded to len(headers)
    sample_rownums: list[int]
    title: list[str]  # non-empty text of the rows above the header
    notes: list[str]
    header_row: int  # file row number of the header
    loader: Callable[[Sequence[int], frozenset[int]], Loaded]
    limits: ReadLimits = LIMITS
    #: "key: value" lines from a workbook's other sheets (a cover sheet), with the sheet's
    #: name: where an organisation or year may be given when the table's sheet has none.
    cover: tuple[tuple[str, str], ...] = ()

    def load(self, columns: Sequence[int], high_cardinality: frozenset[int] = frozenset()
             ) -> Loaded:
        """The columns as factors; refuses a cell over the limit, notes labels cut."""
        loaded = self.loader(columns, high_cardinality)
        for column, factor in loaded.factors.items():
            if isinstance(factor, Factor) and factor.long_labels:
                self._check_long_labels(column, factor, loaded)
        return loaded

    def _check_long_labels(self, column: int, factor: Factor, loaded: Loaded) -> None:
        def first_row(label: int) -> int:
            return int(loaded.rownums[np.flatnonzero(factor.codes == label)[0]])

        label, length = max(factor.long_labels, key=lambda item: item[1])
        if length > self.limits.max_cell_chars:
            raise cell_too_long(self.source, length, self.limits, row=first_row(label),
                                column=self.headers[column])
        if column in loaded.high:
            return
        count = len(factor.long_labels)
        row = min(first_row(j) for j, _ in factor.long_labels)
        loaded.notes.append(
            f"{count:,} label{'s' if count != 1 else ''} in column '{self.headers[column]}' "
            f"{'were' if count != 1 else 'was'} longer than {MAX_LABEL_CHARS} characters and "
            f"{'were' if count != 1 else 'was'} cut to {MAX_LABEL_CHARS} (first on row {row}).")

    def preview(self) -> pd.DataFrame:
        rows = self.sample[:PREVIEW_ROWS]
        return pd.DataFrame(
            {h: pd.array([cut_label(r[i]) for r in rows], dtype="string")
             for i, h in enumerate(self.headers)})


# --- small helpers ------------------------------------------------------------------------


def cut_label(text: str) -> str:
    """``text`` if it has at most :data:`~wres_core.schema.MAX_LABEL_CHARS` characters, else
    its start and an ellipsis, that many characters in all."""
    if len(text) <= MAX_LABEL_CHARS:
        return text
    return text[:MAX_LABEL_CHARS - 1] + "\u2026"


def _factor_from(codes: np.ndarray, labels: Sequence[object], cut: bool = True) -> Factor:
    """Strip labels, send blanks to -1, cut long labels and merge labels that become equal.

    With ``cut=False`` (staff numbers, compared exactly) long labels are kept whole but still
    listed in ``long_labels``.
    """
    remap = np.full(len(labels) + 1, -1, dtype=np.int32)
    index: dict[str, int] = {}
    out: list[str] = []
    long_labels: dict[int, int] = {}
    for i, label in enumerate(labels):
        if label is None:
            continue
        text = str(label).strip()
        if not text:
            continue
        length = len(text)
        if length > MAX_LABEL_CHARS and cut:
            text = cut_label(text)
        j = index.get(text)
        if j is None:
            j = index[text] = len(out)
            out.append(text)
        if length > MAX_LABEL_CHARS:
            long_labels[j] = max(length, long_labels.get(j, 0))
        remap[i] = j
    codes = np.asarray(codes)
    if len(out) == len(labels) and (remap[:-1] == np.arange(len(labels))).all():
        # Every label kept as it was (the usual case): the codes need no remapping.
        return Factor(codes.astype(np.int32, copy=False), out, list(long_labels.items()))
    return Factor(remap[codes], out, list(long_labels.items()))  # int32 codes


def factor_of_values(values: Sequence[str], cut: bool = True) -> Factor:
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return _factor_from(codes, list(uniques), cut)


def make_headers(cells: Sequence[str]) -> list[str]:
    """Header texts made unique and non-empty (``Column 3``, ``Band (2)``)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        text = cut_label(" ".join(str(cell).split())) or f"Column {i + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        seen.setdefault(text, 1)
        out.append(text)
    return out


def _recognised(cell: str) -> bool:
    if not cell:
        return False
    if header_key(cell) in column_aliases() or stage_of(cell):
        return True
    return len(cell) <= 60 and match_ethnicity(cell) is not None


def find_header(rows: Sequence[Sequence[str]]) -> int | None:
    """Index of the header row among the first rows, or ``None`` if no row looks like one.

    Candidates have at least half as many non-empty cells as the widest row (and at least two
    when any row has two); among them the header has the most recognised column names (aliases
    or ethnic groups) and the fewest numbers; ties go to the earliest row. Rows above it are the
    title block. A row with numbers is not a candidate when an earlier candidate without
    numbers has text in every column where it has one: that row is data under a header whose
    names are not known (``Site, Heritage, Step, Qty`` above ``RXX, White, Applied, 5``, whose
    recognised labels would otherwise outscore the header's).
    """
    rows = list(rows[:HEADER_SEARCH_ROWS])
    filled = [sum(1 for c in r if c) for r in rows]
    if not filled or max(filled) == 0:
        return None
    widest = max(filled)
    need = max(2 if widest >= 2 else 1, math.ceil(widest / 2))
    best: tuple[int, int] | None = None
    best_index = None
    text_rows: list[set[int]] = []  # earlier candidates without numbers: their filled columns
    for i, row in enumerate(rows):
        if filled[i] < need:
            continue
        numbers = {j for j, c in enumerate(row) if c and parse_count(c)[1] is None}
        if numbers and any(numbers <= named for named in text_rows):
            continue  # data under an earlier row that names its number columns
        if not numbers:
            text_rows.append({j for j, c in enumerate(row) if c})
        recognised = sum(1 for c in row if _recognised(c))
        score = (2 * recognised - len(numbers), -i)
        if best is None or score > best:
            best, best_index = score, i
    return best_index


# --- getting the bytes --------------------------------------------------------------------


def source_name(source: Source, name: str | None) -> str:
    if name:
        return str(name)
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    file_name = getattr(source, "name", None)
    if isinstance(file_name, str) and file_name:
        return Path(file_name).name
    return "uploaded file"


def read_bytes(source: Source, name: str, limits: ReadLimits = LIMITS) -> bytes | pa.Buffer:
    """The file's content, in memory; paths are memory-mapped, uploads never touch the disk.

    A file larger than ``limits.max_unpacked_bytes`` is refused before it is read.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        if len(source) > limits.max_unpacked_bytes:
            raise file_too_large(name, len(source), limits)
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise IngestError(name, f"There is no file at '{path}'.",
                              "the path of an existing CSV or Excel file.",
                              "Check the path and the file name, then try again.")
        if path.stat().st_size > limits.max_unpacked_bytes:
            raise file_too_large(name, path.stat().st_size, limits)
        try:
            if path.stat().st_size > HEAD_BYTES:
                with pa.memory_map(str(path), "r") as mapped:
                    return mapped.read_buffer()
            return path.read_bytes()
        except (OSError, pa.ArrowException) as exc:
            raise IngestError(name, f"The file could not be opened ({exc}).",
                              "a readable CSV or Excel file.",
                              "Check that the file is not open elsewhere or locked, and that "
                              "you may read it.") from exc
    read = getattr(source, "read", None)
    if read is None:
        raise IngestError(name, f"This is a {type(source).__name__}, not a file.",
                          "a path, the bytes of a file or an open binary file.",
                          "Pass the file itself (or its path) to read_table.")
    try:
        data = read(limits.max_unpacked_bytes + 1)
    except (OSError, ValueError) as exc:
        raise IngestError(name, f"The file could not be read ({exc}).",
                          "a readable CSV or Excel file.", "Upload the file again.") from exc
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limits.max_unpacked_bytes:
        raise file_too_large(name, len(data), limits)
    return bytes(data)


# --- limits ---------------------------------------------------------------------------------


def file_too_large(name: str, size: int, limits: ReadLimits) -> IngestError:
    most = describe_bytes(limits.max_unpacked_bytes)
    return IngestError(name, f"This file is {describe_bytes(size)}; the largest file read is "
                       f"{most}.", f"a file of at most {most} (a national ESR extract of 1.5 "
                       "million staff is about 250 MB as CSV).",
                       "Split the file (for example by year or organisation) and read the "
                       "parts together.")


def unpacked_too_large(name: str, limit: str, detail: str, limits: ReadLimits) -> IngestError:
    """The one error for a compressed file (.csv.gz, .xlsx) that unpacks past a limit."""
    return IngestError(
        name, f"This file expands to more than {limit} when unpacked ({detail}).",
        f"a compressed file that unpacks to at most "
        f"{describe_bytes(limits.max_unpacked_bytes)} and to at most {limits.max_ratio:g} "
        "times its own size (CSV and Excel files usually unpack to 3 to 20 times their size).",
        "Check that this is the file you meant to use: a file that unpacks this far is "
        "usually damaged or built to overload the reader (a 'zip bomb'). A genuine extract "
        "this large can be split by year or organisation and the parts read together.")


def cell_too_long(name: str, length: int | str, limits: ReadLimits, *, row: int | None = None,
                  line: int | None = None, column: str | None = None) -> IngestError:
    held = f"{length:,}" if isinstance(length, int) else length
    return IngestError(
        name, f"This cell holds {held} characters; a cell may hold at most "
        f"{limits.max_cell_chars:,} (as in Excel).",
        "labels, dates and counts of ordinary length in every cell.",
        "Look at the file around that row: a cell this long usually means a damaged file or "
        "a missing line break or quote mark. Fix it in a spreadsheet or a text editor and "
        "save the file again.", row=row, line=line, column=column)


_OUTPUT_STEP = 1 << 24  # bytes unpacked per step, so that no step can run away
_INPUT_STEP = 1 << 20


def gunzip_bounded(data: bytes | pa.Buffer, name: str, limits: ReadLimits = LIMITS
                   ) -> pa.Buffer:
    """A gzip file unpacked a block at a time, stopping at the limits.

    Output comes ``_OUTPUT_STEP`` bytes at a time (``zlib``'s ``max_length``), so memory
    never runs past the limit by more than a step. It stops with :func:`unpacked_too_large`
    when the output passes ``limits.max_unpacked_bytes``, or passes
    ``limits.ratio_grace_bytes`` while being more than ``limits.max_ratio`` times the input
    consumed so far (Apache POI's rule for zip entries). Concatenated gzip members are read
    one after another (as ``gzip.decompress`` does); zero bytes after the last are ignored.
    """
    view = memoryview(data)
    packed = len(view)
    out = bytearray()
    pos = 0  # input handed to a decompressor so far
    pending = b""  # input handed over but not yet consumed
    decompressor = None
    members = 0
    while True:
        if not pending and pos < packed:
            pending = bytes(view[pos:pos + _INPUT_STEP])
            pos += len(pending)
        if not pending:
            break
        if decompressor is None:
            if members and not pending.strip(b"\x00") and not bytes(view[pos:]).strip(b"\x00"):
                break  # zero padding after the last member
            if not pending.startswith(b"\x1f\x8b"):
                raise _gzip_damaged(name, "there are bytes after the compressed data that are "
                                    "not another compressed part")
            decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            members += 1
        try:
            out += decompressor.decompress(pending, _OUTPUT_STEP)
        except zlib.error as exc:
            raise _gzip_damaged(name, str(exc)) from exc
        pending = decompressor.unconsumed_tail
        _check_unpacked(name, len(out), pos - len(pending), limits)
        if decompressor.eof:
            pending = decompressor.unused_data + pending
            decompressor = None
    if decompressor is not None:
        try:
            out += decompressor.flush()
        except zlib.error as exc:
            raise _gzip_damaged(name, str(exc)) from exc
        _check_unpacked(name, len(out), packed, limits)
        if not decompressor.eof:
            raise _gzip_damaged(name, "it ends before the end of the compressed data, as if "
                                "cut short")
    return pa.py_buffer(out)


def _check_unpacked(name: str, unpacked: int, consumed: int, limits: ReadLimits) -> None:
    if unpacked > limits.ratio_grace_bytes and unpacked > limits.max_ratio * consumed:
        raise unpacked_too_large(
            name, f"{limits.max_ratio:g} times its size",
            f"its first {describe_bytes(consumed)} unpack to more than "
            f"{describe_bytes(unpacked)}", limits)
    if unpacked > limits.max_unpacked_bytes:
        raise unpacked_too_large(name, describe_bytes(limits.max_unpacked_bytes),
                                 f"{describe_bytes(consumed)} packed", limits)


def _gzip_damaged(name: str, why: str) -> IngestError:
    return IngestError(name, f"The file is gzip-compressed but could not be decompressed "
                       f"({why}).", "a complete .csv.gz file.",
                       "Compress the CSV again or upload it uncompressed.")


def check_archive(archive: zipfile.ZipFile, name: str, limits: ReadLimits = LIMITS) -> None:
    """The parts of a zip archive (an .xlsx), checked in its directory before any is unpacked.

    Each part's declared size and packed size give its ratio; all parts' declared sizes give
    the unpacked total. Python's ``zipfile`` stops reading each part at its declared size
    (and then fails on the CRC), so a part that lies about its size cannot unpack further.
    """
    members = archive.infolist()
    if len(members) > limits.max_archive_members:
        raise unpacked_too_large(name, f"{limits.max_archive_members:,} parts",
                                 f"it has {len(members):,}", limits)
    for member in members:
        if member.file_size > limits.ratio_grace_bytes and (
                member.file_size > limits.max_ratio * max(member.compress_size, 1)):
            raise unpacked_too_large(
                name, f"{limits.max_ratio:g} times its size",
                f"its part '{member.filename[:100]}' is {describe_bytes(member.compress_size)} "
                f"packed and {describe_bytes(member.file_size)} unpacked", limits)
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        raise unpacked_too_large(name, describe_bytes(limits.max_unpacked_bytes),
                                 f"its parts add up to {describe_bytes(total)}", limits)


def _head(data: bytes | pa.Buffer, n: int = HEAD_BYTES) -> bytes:
    if isinstance(data, pa.Buffer):
        return data.slice(0, min(n, data.size)).to_pybytes()
    return data[:n]


def _size(data: bytes | pa.Buffer) -> int:
    return data.size if isinstance(data, pa.Buffer) else len(data)


def _to_bytes(data: bytes | pa.Buffer) -> bytes:
    return data.to_pybytes() if isinstance(data, pa.Buffer) else data


def _not_a_table(name: str, what: str, action: str | None = None) -> IngestError:
    return IngestError(
        name, f"This looks like {what}, not a table.",
        "a CSV file (comma, semicolon, tab or pipe separated) or an Excel .xlsx workbook with "
        "one row per count, band or member of staff.",
        action or "Export the data from its source as CSV or .xlsx and upload that file.")


def open_table(source: Source, name: str, sheet: str | None,
               limits: ReadLimits = LIMITS, early: Prefetch | None = None) -> RawTable:
    """Read any supported file into a :class:`RawTable`, or raise :class:`IngestError`.

    ``early`` is the line count and parse of ``source`` (a path) that ``prefetch.start``
    began; they are used where they are what this read would make itself.
    """
    data = read_bytes(source, name, limits)
    # A file on disk is read again from disk where the whole of it is needed (the line count,
    # Arrow's parse): reading a memory map would make all of it resident at once.
    path = Path(source) if isinstance(source, str | os.PathLike) else None
    head = _head(data, 8192)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise IngestError(name, "The file is empty.",
                          "a CSV or Excel file with a header row and at least one data row.",
                          "Check that you picked the right file and that it was saved with "
                          "its data.")
    if head.startswith(b"\x1f\x8b"):
        path = None
        data = gunzip_bounded(data, name, limits)
        head = _head(data, 8192)
        if head.startswith((b"PK\x03\x04", b"\x1f\x8b")):
            raise _not_a_table(name, "a compressed archive inside a .gz file")
        if not head.strip():
            raise IngestError(name, "The compressed file is empty.",
                              "a CSV with a header row and data rows inside the .gz file.",
                              "Check that the right CSV was compressed.")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _open_xlsx(_to_bytes(data), name, sheet, limits)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raw = _to_bytes(data)
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise IngestError(name, "The workbook is password-protected (encrypted).",
                              "an Excel .xlsx workbook without a password, or a CSV file.",
                              "Open it in Excel, remove the password (File > Info > Protect "
                              "Workbook) or save a copy as CSV, then upload that.")
        raise IngestError(name, "This is an old-style Excel .xls (or other Office) file.",
                          "an Excel .xlsx workbook or a CSV file.",
                          "Open it in Excel and save it as .xlsx or CSV, then upload that.")
    for magic, what in ((b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"),
                        (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
                        (b"BM", None), (b"Rar!", "a RAR archive"),
                        (b"7z\xbc\xaf", "a 7-Zip archive"), (b"{\\rtf", "an RTF document"),
                        (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image")):
        if what and head.startswith(magic):
            raise _not_a_table(name, what)
    return _open_csv(data, name, limits, _OnDisk(path, 0) if path is not None else None,
                     early if path is not None else None)


# --- CSV ----------------------------------------------------------------------------------


def _looks_binary(text: str) -> bool:
    """Many control characters (NUL included) in the first 4,096: not text.

    A stray NUL byte or two is not enough: that is a damaged cell, reported with its line
    (see :func:`_nul_error`).
    """
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls > max(8, len(text[:4096]) // 50)


def _utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when the head has UTF-16's pattern of NUL bytes.

    Text that is mostly Latin letters, digits and punctuation, written as UTF-16 without a
    byte-order mark, has a NUL as every second byte (the odd bytes for little-endian, the
    even ones for big-endian) and almost none in between.
    """
    sample = head[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0) / (len(sample) // 2)
    odd = sample[1::2].count(0) / (len(sample) // 2)
    if odd >= 0.7 and even <= 0.05:
        return "utf-16-le"
    if even >= 0.7 and odd <= 0.05:
        return "utf-16-be"
    return None


def _line_at(data: bytes | pa.Buffer, offset: int) -> tuple[int, str]:
    """The line number (1-based) of a byte offset, and that line's text."""
    view = memoryview(data)
    line = 1
    for start in range(0, offset, SCAN_STEP):
        line += bytes(view[start:min(start + SCAN_STEP, offset)]).count(b"\n")
    begin = bytes(view[max(0, offset - HEAD_BYTES):offset]).rfind(b"\n")
    begin = begin + 1 + max(0, offset - HEAD_BYTES) if begin >= 0 else max(0, offset - HEAD_BYTES)
    end = bytes(view[offset:offset + HEAD_BYTES]).find(b"\n")
    end = offset + end if end >= 0 else min(len(view), offset + HEAD_BYTES)
    return line, bytes(view[begin:end]).decode("utf-8", "replace").rstrip("\r")


def _nul_error(name: str, data: bytes | pa.Buffer, offset: int, delimiter: str,
               header: Sequence[str], header_line: int) -> IngestError:
    line, text = _line_at(data, offset)
    column = None
    if line > header_line:
        cells = split_record(text, delimiter)
        where = next((j for j, cell in enumerate(cells) if "\x00" in cell), None)
        if where is not None and where < len(header):
            column = header[where]
    return IngestError(name, "This cell holds a NUL (zero) byte, which a text file does not "
                       "hold: the file is damaged there, or was saved in an encoding other than "
                       "UTF-8, Windows-1252 or UTF-16.", "plain text in every cell.",
                       "Open the file in a spreadsheet program or text editor, retype that "
                       "cell, and save the file again as CSV (UTF-8).", line=line,
                       column=column)


def _too_many_columns(name: str, found: int, limits: ReadLimits, where: str) -> IngestError:
    return IngestError(name, f"The file has {found:,} columns ({where}); at most "
                       f"{limits.max_columns:,} are read.",
                       f"a table of at most {limits.max_columns:,} columns (ESR extracts and "
                       "the WRES templates have well under 200).",
                       "Delete the columns you do not need (keep the organisation, year, "
                       "staff group, band, ethnicity and count columns) and save the file "
                       "again.")


def _too_many_rows(name: str, found: int, limits: ReadLimits, what: str) -> IngestError:
    return IngestError(name, f"The file has {found:,} {what} below the header; at most "
                       f"{limits.max_rows:,} data rows are read.",
                       f"at most {limits.max_rows:,} rows (the whole NHS in England employs "
                       "about 1.5 million staff).",
                       "Split the file (for example by year or organisation) and read the "
                       "parts together.")


@dataclass(frozen=True)
class _OnDisk:
    """Where ``data`` is on disk: its file, and the bytes of the file before it (a BOM)."""

    path: Path
    offset: int


def _open_csv(data: bytes | pa.Buffer, name: str, limits: ReadLimits = LIMITS,
              on_disk: _OnDisk | None = None, early: Prefetch | None = None) -> RawTable:
    notes: list[str] = []
    head = _head(data)
    # Encoding: UTF-16 (Excel's "Unicode text") and UTF-8 BOMs, then UTF-8, else Windows-1252.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = _to_bytes(data).decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_a_table(name, "a damaged UTF-16 text file") from exc
        data = text.encode("utf-8")
        on_disk = None
        head = _head(data)
        notes.append("Encoding: UTF-16 (Excel 'Unicode text'), read as text.")
        encoding = "utf-16"
    elif head.startswith(UTF8_BOM):
        data = data.slice(3) if isinstance(data, pa.Buffer) else data[3:]
        on_disk = replace(on_disk, offset=3) if on_disk is not None else None
        head = _head(data)
        encoding = "utf-8-sig"
    elif codec := _utf16_without_bom(head):
        try:
            text = _to_bytes(data).decode(codec)
        except UnicodeDecodeError as exc:
            raise _not_a_table(name, "a damaged UTF-16 text file") from exc
        data = text.encode("utf-8")
        on_disk = None
        head = _head(data)
        order = "little" if codec.endswith("le") else "big"
        notes.append(f"Encoding: UTF-16 {order}-endian without a byte-order mark, read as "
                     "text.")
        encoding = "utf-16"
    else:
        encoding = ""
    head_text, head_encoding = decode_head(head)
    if _looks_binary(head_text):
        raise _not_a_table(name, "a binary file (an image, archive or program file)")
    if head_encoding == "cp1252" and encoding == "":
        data, encoding = _transcode_cp1252(data, notes)
        on_disk = None
        head = _head(data)
        head_text, _ = decode_head(head)
    elif encoding == "":
        encoding = "utf-8"
    stripped = head_text.lstrip()
    start_lower = stripped[:5000].lower()[:5000]  # not the whole megabyte: only its start is read
    if start_lower.startswith(("<!doctype html", "<html", "<head", "<body", "<table")) or (
            start_lower.startswith("<") and "<table" in start_lower):
        raise _not_a_table(name, "a web page (HTML)",
                           "If this came from a website, download the data as CSV or Excel "
                           "rather than saving the page.")
    if start_lower.startswith("<?xml"):
        raise _not_a_table(name, "an XML document",
                           "If it is an Excel 2003 XML workbook, open it in Excel and save it "
                           "as .xlsx or CSV.")
    if stripped.startswith(("{", "[")) and stripped.rstrip().endswith(("}", "]")):
        raise _not_a_table(name, "a JSON document")
    if encoding == "utf-8":
        notes.append("Encoding: UTF-8.")
    elif encoding == "utf-8-sig":
        notes.append("Encoding: UTF-8 with a byte-order mark.")

    lines = head_lines(head_text, truncated=_size(data) > len(head))
    sniffed = tuple(line.rstrip("\r") for line in lines)
    # The prefetch chose from the same lines, most often: its choice, then (same function).
    delimiter = (early.delimiter if early is not None and early.sniffed == sniffed
                 else choose_delimiter(list(sniffed)))
    records = [split_record(line.rstrip("\r"), delimiter) for line in lines]
    wide = next((i for i, r in enumerate(records) if len(r) > limits.max_columns), None)
    if wide is not None:  # before looking for the header, which costs time per cell
        raise _too_many_columns(name, len(records[wide]), limits, f"line {wide + 1:,}")
    header_index = find_header([[c.strip() for c in r] for r in records])
    if header_index is None:
        raise IngestError(name, "The file has no rows with text in them.",
                          "a header row naming the columns, then one row per count.",
                          "Check that you picked the right file.")
    header_cells = [c.strip() for c in records[header_index]]
    if early is not None and (on_disk is None or early.offset != on_disk.offset):
        early.discard()  # transcoded, or read from other bytes: not what this read would make
        early = None
    scan = _count_lines(data, on_disk, early)
    if scan.first_nul >= 0:
        raise _nul_error(name, data, scan.first_nul, delimiter, make_headers(header_cells),
                         header_index + 1)
    if scan.lines - header_index - 1 > limits.max_rows:
        raise _too_many_rows(name, scan.lines - header_index - 1, limits, "lines")
    # Quoted fields that span lines before the data, or old Mac line ends: parse it all in
    # Python, which numbers records as a spreadsheet does.
    simple = all(line.count('"') % 2 == 0 for line in lines[: header_index + 1]) and not (
        "\r" in head_text and "\n" not in head_text)
    delimiter_note = f"Delimiter: {DELIMITER_NAMES[delimiter]}."
    notes.append(delimiter_note)
    if not simple:
        if early is not None:
            early.discard()  # the Python reader reads it all
        return _python_csv(data, name, delimiter, notes, limits)

    header = make_headers(header_cells)
    title = [cut_label(" ".join(c.strip() for c in r if c.strip()))
             for r in records[:header_index]]
    title = [t for t in title if t]
    sample, sample_rows = [], []
    body_text = "\n".join(lines[header_index + 1:])
    try:
        body_records = list(csv.reader(io.StringIO(body_text, newline=""),
                                       delimiter=delimiter))
    except csv.Error:
        if early is not None:
            early.discard()  # the Python reader reads it all
        return _python_csv(data, name, delimiter, notes, limits)
    for i, record in enumerate(body_records, start=header_index + 2):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        sample.append((cells + [""] * len(header))[: len(header)])
        sample_rows.append(i)
        if len(sample) >= SAMPLE_ROWS:
            break
    notes.append(f"Header found on row {header_index + 1}" + (
        "; rows above it read as a title." if header_index else "."))
    start = len("\n".join(lines[: header_index + 1]).encode("utf-8")) + 1
    header_row = header_index + 1

    body_lines = scan.lines - header_row
    if early is not None and (early.delimiter != delimiter or early.width != len(header)):
        early.discard()  # the thread split the lines otherwise: its parse is not this one
        early = None
    early_rows = _EarlyRows(early, header_cells, header_index) if early is not None else None

    def load(columns: Sequence[int], high: frozenset[int]) -> Loaded:
        try:
            loaded = _pyarrow_load(data, start, header, delimiter, columns, high, header_row,
                                   body_lines, on_disk, early_rows)
            slow_notes: list[str] = []
        except _NotUtf8:
            loaded = None
            slow_notes = ["Some bytes after the first megabyte are not UTF-8; the file was "
                          "read again as Windows-1252."]
        if loaded is None:  # ragged rows, blank lines or quoted line breaks: parse in Python
            table = _python_csv(data, name, delimiter, slow_notes, limits)
            result = table.loader(columns, high)
            result.notes.extend(table.notes)
            return result
        return loaded

    return RawTable(name, header, sample, sample_rows, title, notes, header_row, load, limits)


def _transcode_cp1252(data: bytes | pa.Buffer, notes: list[str]) -> tuple[pa.Buffer, str]:
    """Windows-1252 to UTF-8, a block at a time (a single-byte code can be cut anywhere)."""
    view = memoryview(data)
    out = bytearray()
    bad = 0
    block = 1 << 24
    for start in range(0, len(view), block):
        text = bytes(view[start:start + block]).decode("cp1252", errors="replace")
        bad += text.count("\ufffd")
        out += text.encode("utf-8")
    notes.append("Encoding: Windows-1252 (not UTF-8); converted to UTF-8."
                 + (f" {bad} bytes had no Windows-1252 meaning and were replaced." if bad
                    else ""))
    return pa.py_buffer(out), "cp1252"


#: Bytes Arrow parses at a time. Its threads hold several blocks and their parsed fields at
#: once: reading six columns of a 241 MB extract took 380 MB with 16 MB blocks, 195 MB with
#: 4 MB and 175 MB with 1 MB (Arrow alone). 4 MB parsed a little faster (0.55 s against
#: 0.7 s), but whole reads with it peaked at up to 740 MB, too close to 3 times the file.
_ARROW_BLOCK = 1 << 20
#: A row longer than a block fails the parse; it is parsed again in blocks this large (then a
#: cell over the reading limit is refused with its row, as any other).
_ARROW_LONG_ROW_BLOCK = 1 << 24


def _count_lines(data: bytes | pa.Buffer, on_disk: _OnDisk | None,
                 early: Prefetch | None) -> Scan:
    """The file's lines and first NUL byte: counted by the prefetch if one was started (before
    the imports), else now."""
    if early is not None:
        return early.scan
    return scan_file(on_disk.path, on_disk.offset) if on_disk is not None else scan(data)


@dataclass
class _EarlyRows:
    """A prefetch's parse and where this read found the header in it (see
    :func:`_prefetched_columns`)."""

    early: Prefetch
    header_cells: list[str]  # stripped, as split by the csv module
    header_index: int  # 0-based line of the header below ``early.offset``


def _prefetched_columns(found: _EarlyRows, names: list[str], wanted: list[int],
                        high: frozenset[int]) -> pa.Table | None:
    """The prefetch's parse cut to what this read's own parse returns, or ``None``.

    That is: the rows below the header, the wanted columns, staff-number columns as strings
    and the rest as dictionaries holding only labels of those rows, listed in the order they
    first occur, as this read's parse lists them (the header and title rows' cells, parsed
    too, are dropped from the first chunk's dictionary; a column the prefetch parsed as
    strings is encoded here). ``None`` when the
    parse was not made or failed, lacks a wanted column, or when its header row is not the
    one found here (a row split otherwise): the file is then parsed as if there had been no
    prefetch.
    """
    table = found.early.take_parsed()
    first_data = found.header_index + 1
    if table is None or table.num_rows < first_data or not wanted or not (
            found.early.columns.issuperset(wanted)):
        return None  # not parsed, or not every column this read wants
    header_row = table.slice(found.header_index, 1).to_pylist()[0]
    if any((header_row[names[i]] or "").strip() != found.header_cells[i]
           for i in found.early.columns):
        return None
    table = table.slice(first_data)
    columns = {}
    for i in wanted:
        column = table.column(names[i])
        if i in high:
            columns[names[i]] = column.cast(pa.string())
        elif i in found.early.strings:
            columns[names[i]] = pa.chunked_array(
                [pyarrow.compute.dictionary_encode(chunk) for chunk in column.chunks],
                type=pa.dictionary(pa.int32(), pa.string()))
        elif column.num_chunks:
            first = pyarrow.compute.dictionary_encode(column.chunk(0).cast(pa.string()))
            columns[names[i]] = pa.chunked_array([first, *column.chunks[1:]],
                                                 type=column.type)
        else:
            columns[names[i]] = column
    return pa.table(columns)


def _pyarrow_load(data: bytes | pa.Buffer, start: int, header: list[str], delimiter: str,
                  columns: Sequence[int], high: frozenset[int], header_row: int,
                  body_lines: int, on_disk: _OnDisk | None = None,
                  early_rows: _EarlyRows | None = None) -> Loaded | None:
    """The columns read by Arrow, or ``None`` when the Python reader must read the file.

    Arrow is told that no value holds a line break (which is what makes it fast), so it must
    return exactly one row per line below the header; when it does not (or fails), some
    quoted field spans lines, and the Python reader, which checks quoting, takes over.
    ``early_rows``: the prefetch thread's parse, used instead of parsing again when it fits.
    """
    names = [f"c{i}" for i in range(len(header))]
    buffer = data if isinstance(data, pa.Buffer) else pa.py_buffer(data)
    body = buffer.slice(min(start, buffer.size))
    wanted = sorted(set(columns))
    if body.size == 0 or (body.size < 4096 and not body.to_pybytes().strip()):
        return Loaded({i: Factor(np.zeros(0, np.int64), []) for i in wanted}, 0,
                      np.zeros(0, np.int64), np.zeros(0, bool))
    def read(block_size: int) -> pa.Table:
        if on_disk is not None:  # from disk: reading the memory map would keep it resident
            stream = pa.OSFile(str(on_disk.path))
            stream.seek(on_disk.offset + min(start, buffer.size))
        else:
            stream = pa.BufferReader(body)
        with stream:
            return pcsv.read_csv(stream, **arrow_csv_options(names, delimiter, block_size,
                                                             wanted, high))

    table = (_prefetched_columns(early_rows, names, wanted, high) if early_rows is not None
             else None)
    try:
        try:
            table = table if table is not None else read(_ARROW_BLOCK)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc):
                raise
            table = read(_ARROW_LONG_ROW_BLOCK)  # a row longer than a block: a huge cell
    except pa.ArrowInvalid as exc:  # ragged rows, bad quoting: the Python reader copes
        if "utf8" in str(exc).lower():
            raise _NotUtf8 from exc
        return None
    n = table.num_rows
    if n != body_lines:  # a quoted field spans lines (perhaps an unbalanced quote)
        return None
    if n and wanted:
        blank = None
        for i in wanted:
            nulls = table.column(names[i]).is_null()
            blank = nulls if blank is None else pa.compute.and_(blank, nulls)
        blank_rows = np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)
        if blank_rows.any():
            last = np.flatnonzero(~blank_rows)
            end = int(last[-1]) + 1 if len(last) else 0
            if blank_rows[:end].any():
                return None  # blank rows in the middle: the Python reader numbers them
            table = table.slice(0, end)  # blank lines at the end
            n = end
    factors: dict[int, Factor] = {}
    for i in wanted:
        column = table.column(names[i])
        if i in high:  # staff numbers: read in a thread (Arrow releases the GIL) meanwhile
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wres-staff-ids")
            factors[i] = executor.submit(staff_number_column, column)
            executor.shutdown(wait=False)  # its thread ends when the column is read
        else:
            factors[i] = _factor_of_chunked(column)
    rownums = np.arange(header_row + 1, header_row + 1 + n, dtype=np.int64)
    return Loaded(factors, n, rownums, np.zeros(n, dtype=bool), high=frozenset(high))


class _NotUtf8(Exception):
    pass


def _factor_of_chunked(column: pa.ChunkedArray) -> Factor:
    table = pa.table({"x": column}).unify_dictionaries()
    column = table.column(0)
    if column.num_chunks == 0:
        return Factor(np.zeros(0, np.int64), [])
    dictionary = column.chunk(0).dictionary
    # One int32 array for all chunks, blanks -1: often the codes as they are (_factor_from).
    indices = pa.concat_arrays([chunk.indices for chunk in column.chunks]).fill_null(-1)
    return _factor_from(indices.to_numpy(zero_copy_only=False), dictionary.to_pylist())


def _python_csv(data: bytes | pa.Buffer, name: str, delimiter: str, notes: list[str],
                limits: ReadLimits = LIMITS) -> RawTable:
    raw = _to_bytes(data)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        converted, _ = _transcode_cp1252(raw, notes)
        text = converted.to_pybytes().decode("utf-8")
    del raw
    if _looks_binary(text[:8192]):
        raise _not_a_table(name, "a binary file")
    records: list[list[str]] = []
    spans: list[tuple[int, int, int]] = []  # record index, first line, last line
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last_line = 0
    try:
        for record in reader:
            if reader.line_num > last_line + 1:
                spans.append((len(records), last_line + 1, reader.line_num))
            records.append(record)
            last_line = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise cell_too_long(name, f"more than {csv.field_size_limit():,}", limits,
                                line=last_line + 1) from exc
        raise _not_a_table(name, f"a file that cannot be parsed as CSV ({exc})") from exc
    del text
    _check_quoting(name, records, spans, delimiter)
    return _materialised(name, [[c.strip() for c in r] for r in records],
                         list(range(1, len(records) + 1)), notes, limits=limits)


def _check_quoting(name: str, records: list[list[str]], spans: list[tuple[int, int, int]],
                   delimiter: str) -> None:
    """Refuse a quote mark that swallows rows: a quoted field spanning lines that hold rows.

    A field may hold line breaks (an address, a comment); but when a line inside it has as
    many delimiters as a row of the table (the widest of the first rows, less one), that
    line is a row the quote has swallowed: a quote was opened and not closed where it should
    have been. The error names the line where the quote opens and where it closes.
    """
    if not spans:
        return
    width = max((len(r) for r in records[:HEADER_SEARCH_ROWS]), default=0)
    need = max(1, width - 2)
    header_index = find_header([[c.strip() for c in r] for r in records[:HEADER_SEARCH_ROWS]])
    header = make_headers(records[header_index]) if header_index is not None else []
    for index, first, last in spans:
        for j, cell in enumerate(records[index]):
            if not any(line.count(delimiter) >= need for line in cell.split("\n")[1:]):
                continue
            column = header[j] if header_index is not None and index > header_index and (
                j < len(header)) else None
            raise IngestError(
                name, f'A quote mark (") opens a field here that is not closed until line '
                f"{last:,}, so lines {first + 1:,} to {last:,} ({last - first:,} rows) would be "
                "read as part of this one cell and lost.",
                'quote marks in pairs: a field that starts with " ends with ", and a quote '
                'mark inside a quoted field is written twice ("").',
                f"Open the file in a text editor, remove the stray quote mark on line "
                f"{first:,} (or close it), and read the file again; or export the file from "
                "its source again.", line=first, column=column)


def _materialised(name: str, records: list[list[str]], rownums: list[int], notes: list[str],
                  what: str = "file", limits: ReadLimits = LIMITS) -> RawTable:
    """A raw table from rows already in memory (Python-parsed CSV or an Excel sheet)."""
    header_index = find_header(records)
    if header_index is None:
        raise IngestError(name, f"The {what} has no rows with text in them.",
                          "a header row naming the columns, then one row per count.",
                          "Check that you picked the right file or sheet.")
    header_cells = list(records[header_index])
    if what == "file":  # CSV: the header row sets the width; longer rows are flagged
        width = len(header_cells)
    else:  # a sheet: up to the last header cell; cells to its right are ignored
        width = max((j + 1 for j, c in enumerate(header_cells) if c), default=1)
    if width > limits.max_columns:
        raise _too_many_columns(name, width, limits, f"row {rownums[header_index]:,}")
    if len(records) - header_index - 1 > limits.max_rows:
        raise _too_many_rows(name, len(records) - header_index - 1, limits, "rows")
    header = make_headers((header_cells + [""] * width)[:width])
    title = [cut_label(" ".join(c for c in r if c)) for r in records[:header_index]]
    title = [t for t in title if t]
    rows: list[list[str]] = []
    numbers: list[int] = []
    ragged: list[bool] = []
    blank = ignored = 0
    for record, number in zip(records[header_index + 1:], rownums[header_index + 1:]):
        if not any(record[:width]) and (what != "file" or not any(record)):
            blank += 1
            ignored += any(record)
            continue
        extra = any(record[width:])
        rows.append((list(record) + [""] * width)[:width] if len(record) != width
                    else list(record))
        numbers.append(number)
        ragged.append(extra and what == "file")
        ignored += extra and what != "file"
    if ignored:
        notes = [*notes, f"{ignored} row{'s' if ignored != 1 else ''} had cells to the right "
                 "of the last named column; those cells were ignored."]
    notes = [*notes, f"Header found on row {rownums[header_index]}" + (
        "; rows above it read as a title." if header_index else ".")]
    if blank:
        notes = [*notes, f"{blank} blank row{'s' if blank != 1 else ''} skipped."]
    header_row = rownums[header_index]
    n = len(rows)

    def load(columns: Sequence[int], high: frozenset[int]) -> Loaded:
        factors = {i: factor_of_values([r[i] for r in rows], cut=i not in high)
                   for i in set(columns)}
        return Loaded(factors, n, np.asarray(numbers, dtype=np.int64),
                      np.asarray(ragged, dtype=bool), [], high=frozenset(high))

    sample = rows[:SAMPLE_ROWS]
    return RawTable(name, header, sample, numbers[:SAMPLE_ROWS], title, notes, header_row, load,
                    limits)


# --- Excel --------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


#: The largest cell grid python-calamine is given. calamine turns a sheet into a dense grid
#: from A1 to its last cell (32 bytes a cell) and, when that cannot be allocated, aborts the
#: whole process instead of raising: a workbook of a few KB with one cell in A1 and one in
#: XFD1048576 asks for 550 GB. 20 million cells is about 640 MB; a workbook whose sheets could
#: be larger is read with openpyxl, which streams rows and reads only the columns it needs.
CALAMINE_MAX_GRID_CELLS = 20_000_000
_INFLATE_BLOCK = 1 << 23  # bytes of a part unpacked at a time while it is checked
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a zip member's local file header


def _open_xlsx(raw: bytes, name: str, sheet: str | None, limits: ReadLimits = LIMITS
               ) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(name, "The file starts like a zip/Excel file but is damaged "
                          f"({exc}).", "a complete Excel .xlsx workbook or a CSV file.",
                          "Open it in Excel and save it again, or export it as CSV.") from exc
    check_archive(archive, name, limits)
    if "xl/workbook.xml" not in members:
        if "word/document.xml" in members:
            what = "a Word document"
        elif "ppt/presentation.xml" in members:
            what = "a PowerPoint presentation"
        elif "content.xml" in members:
            what = "an OpenDocument file (LibreOffice)"
        else:
            what = "a zip archive"
        raise _not_a_table(name, what, "Open it and save the table as Excel .xlsx or CSV, "
                                       "then upload that file.")
    # Every part is unpacked once here, so that calamine (whose zip reader trusts the data,
    # not the directory) only ever sees parts that unpack to exactly what check_archive
    # allowed.
    try:
        grid = _checked_grid_cells(raw, archive)
    except zipfile.BadZipFile as exc:
        raise _damaged_workbook(name, exc) from exc
    book = (_open_calamine(raw, name) if grid is not None and grid <= CALAMINE_MAX_GRID_CELLS
            else _open_openpyxl(raw, name))
    try:
        return _read_book(book, name, sheet, limits)
    except IngestError:
        raise
    except Exception as exc:  # damaged sheet XML surfaces while reading a sheet
        raise IngestError(name, f"A sheet of the workbook could not be read "
                          f"({type(exc).__name__}: {exc}).", "a complete Excel .xlsx workbook.",
                          "Open it in Excel and save it again, or export the sheet as CSV."
                          ) from exc
    finally:
        book.close()


def _damaged_workbook(name: str, exc: Exception) -> IngestError:
    return IngestError(name, f"The Excel workbook is damaged and could not be opened "
                       f"({type(exc).__name__}: {exc}).", "a complete Excel .xlsx workbook.",
                       "Open it in Excel and save it again, or export the sheet as CSV.")


# --- Checking an .xlsx's parts before calamine reads them ---------------------------------


def _checked_grid_cells(raw: bytes, archive: zipfile.ZipFile) -> int | None:
    """Unpack every part, refusing one that is not what the zip directory says; the number
    of cells of the grids calamine could build from all the workbook's sheets.

    ``None`` when a part is packed by a method other than stored or deflate (Excel writes
    only those): such a workbook is left to openpyxl, read through Python's zipfile.

    Raises ``zipfile.BadZipFile`` when a part unpacks to a different size than declared or
    fails its CRC, as Python's zipfile would (which stops at the declared size and checks
    the CRC, but does not check that the data ends there).
    """
    total = 0
    for member in archive.infolist():
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return None
        extent = _GridExtent()
        for block in _unpacked_blocks(raw, member):
            extent.scan(block)
        total += extent.cells()  # calamine keeps each sheet it has read
    return total


def _unpacked_blocks(raw: bytes, member: zipfile.ZipInfo):
    """A part's bytes a block at a time, checked against its declared size and CRC."""
    sig, *_, name_len, extra_len = _LOCAL_HEADER.unpack_from(raw, member.header_offset)
    if sig != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"Bad local header for file {member.filename!r}")
    start = member.header_offset + _LOCAL_HEADER.size + name_len + extra_len
    packed = memoryview(raw)[start:start + member.compress_size]
    declared = member.file_size
    crc = 0
    size = 0
    if member.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(packed), _INFLATE_BLOCK):
            block = bytes(packed[offset:offset + _INFLATE_BLOCK])
            crc = zlib.crc32(block, crc)
            size += len(block)
            yield block
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        for offset in range(0, len(packed), _INFLATE_BLOCK):
            pending = packed[offset:offset + _INFLATE_BLOCK]
            while pending:
                block = inflater.decompress(pending, max(declared - size, 0) + 1)
                pending = inflater.unconsumed_tail
                if size + len(block) > declared:
                    crc = zlib.crc32(block[:declared - size], crc)
                    if crc != member.CRC:
                        raise zipfile.BadZipFile(f"Bad CRC-32 for file {member.filename!r}")
                    raise zipfile.BadZipFile(f"File {member.filename!r} unpacks to more than "
                                             f"the {declared:,} bytes its directory declares")
                crc = zlib.crc32(block, crc)
                size += len(block)
                if block:
                    yield block
                if inflater.eof:
                    break
        if not inflater.eof and size == declared:
            if crc != member.CRC:
                raise zipfile.BadZipFile(f"Bad CRC-32 for file {member.filename!r}")
            raise zipfile.BadZipFile(f"File {member.filename!r} does not end where its "
                                     "directory says")
    if size != declared:
        raise zipfile.BadZipFile(f"File {member.filename!r} unpacks to {size:,} bytes, not "
                                 f"the {declared:,} its directory declares")
    if crc != member.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {member.filename!r}")


class _GridExtent:
    """How large a grid a sheet's XML can make calamine build, from its cell references.

    A cell names its place (``r="C12"``) or, without ``r``, follows the cell before it; a row
    likewise. So rows are at most the largest row named plus the rows not counted, and
    columns the largest column named plus the most cells in one row. It over-counts
    (``r="`` in text, other attributes called ``r``), which only sends a workbook to
    openpyxl; it cannot under-count. Blocks are scanned in order; the last bytes of each are
    kept for the next, so a reference cut by a block boundary is still read.
    """

    _KEEP = 16  # bytes of one block kept for the next (longest reference: r="XFD1048576")

    def __init__(self) -> None:
        self.max_row = self.max_column = 0
        self.rows = 0  # row elements seen
        self.most_cells = 0  # the most cell elements in one row
        self._open_cells = 0  # cell elements in the row not yet closed by another row
        self._tail = b""

    def scan(self, block: bytes, final: bool = False) -> None:
        data = self._tail + block
        a = np.frombuffer(data, dtype=np.uint8)
        usable = len(a) if final else max(len(a) - self._KEEP, 0)
        self._tail = data[usable:]
        if usable == 0:
            return
        padded = np.concatenate([a, np.zeros(self._KEEP + 16, dtype=np.uint8)])
        head = a[:usable]
        # r=" after white space: a reference (of a cell or a row). Look only around each '='.
        eq = np.flatnonzero(head == 0x3D)
        eq = eq[eq >= 2]
        refs = eq[(padded[eq - 1] == 0x72) & (padded[eq + 1] == 0x22)
                  & _is_space(padded[eq - 2])]
        if len(refs):
            row, column = _parse_references(padded, refs + 2)
            self.max_row = max(self.max_row, int(row.max()))
            self.max_column = max(self.max_column, int(column.max()))
        # <c and <row elements (or x:c, x:row with a namespace prefix): look after each < or :
        tag = np.flatnonzero((head == 0x3C) | (head == 0x3A))
        one, two = padded[tag + 1], padded[tag + 2]
        cells = tag[(one == 0x63) & _ends_name(two)]
        rows = tag[(one == 0x72) & (two == 0x6F) & (padded[tag + 3] == 0x77)
                   & _ends_name(padded[tag + 4])]
        self.rows += len(rows)
        before = np.searchsorted(cells, rows)  # cells before each row element
        if len(rows) == 0:
            self._open_cells += len(cells)
        else:
            self._open_cells += int(before[0])
            between = np.diff(before)
            self.most_cells = max(self.most_cells, self._open_cells,
                                  int(between.max()) if len(between) else 0)
            self._open_cells = len(cells) - int(before[-1])
        self.most_cells = max(self.most_cells, self._open_cells)

    def cells(self) -> int:
        self.scan(b"", final=True)
        return (self.max_row + self.rows) * (self.max_column + self.most_cells)


def _is_space(byte: np.ndarray) -> np.ndarray:
    return (byte == 0x20) | (byte == 0x0A) | (byte == 0x0D) | (byte == 0x09)


def _ends_name(byte: np.ndarray) -> np.ndarray:
    """Bytes that end an element's name: white space, '>' or '/'."""
    return _is_space(byte) | (byte == 0x3E) | (byte == 0x2F)


def _parse_references(padded: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column numbers of references ``C12`` starting at ``starts`` (vectorised).

    Anything that is not 0-3 letters then 0-7 digits counts as the largest sheet there is,
    so that an odd reference sends the workbook to openpyxl rather than being missed.
    """
    window = padded[starts[:, None] + np.arange(12)]
    upper = (window >= 0x41) & (window <= 0x5A)
    letters = np.argmin(np.column_stack([upper, np.zeros(len(starts), bool)]), axis=1)
    column = np.zeros(len(starts), dtype=np.int64)
    for j in range(3):
        column = np.where(j < letters, column * 26 + (window[:, j].astype(np.int64) - 0x40),
                          column)
    digits_window = np.take_along_axis(window, np.minimum(letters, 3)[:, None] + np.arange(9),
                                       axis=1)
    digit = (digits_window >= 0x30) & (digits_window <= 0x39)
    digits = np.argmin(np.column_stack([digit, np.zeros(len(starts), bool)]), axis=1)
    row = np.zeros(len(starts), dtype=np.int64)
    for j in range(7):
        row = np.where(j < digits, row * 10 + (digits_window[:, j].astype(np.int64) - 0x30),
                       row)
    odd = (letters > 3) | (digits > 7)
    row = np.where(odd, 1 << 20, row)
    column = np.where(odd, 1 << 14, column)
    return row, column


# --- Reading a workbook's sheets -----------------------------------------------------------


class _CalamineBook:
    """A workbook read with python-calamine (Rust): the sheets and their cells."""

    def __init__(self, raw: bytes) -> None:
        import python_calamine  # imported here: only Excel files need it

        self._book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        worksheet = python_calamine.SheetTypeEnum.WorkSheet
        visible = python_calamine.SheetVisibleEnum.Visible
        self.sheets = [(m.name, m.visible == visible) for m in self._book.sheets_metadata
                       if m.typ == worksheet]
        self._loaded: dict[str, object] = {}

    def values(self, title: str, limit: int | None) -> tuple[int, list[list[object]]]:
        """The sheet's height (rows from row 1) and its first ``limit`` rows of values."""
        sheet = self._loaded.get(title)
        if sheet is None:
            sheet = self._loaded[title] = self._book.get_sheet_by_name(title)
        end = sheet.end
        height = end[0] + 1 if end is not None else 0
        if height == 0:
            return 0, []
        return height, sheet.to_python(skip_empty_area=False, nrows=limit)

    def close(self) -> None:
        self._loaded.clear()
        self._book.close()


class _OpenpyxlBook:
    """A workbook read with openpyxl in read-only mode, for what calamine must not read
    (see :data:`CALAMINE_MAX_GRID_CELLS`): it streams rows and reads only the first
    ``max_columns + 1`` columns, so a sparse sheet costs only its cells."""

    def __init__(self, raw: bytes) -> None:
        import openpyxl  # slow to import; only needed here

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True,
                                                data_only=True)
        self.sheets = [(ws.title, getattr(ws, "sheet_state", "visible") == "visible")
                       for ws in self._book.worksheets]

    def rows(self, title: str, columns: int, limit: int | None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield from self._book[title].iter_rows(min_row=1, max_row=limit, min_col=1,
                                                   max_col=columns, values_only=True)

    def close(self) -> None:
        self._book.close()


_Book = _CalamineBook | _OpenpyxlBook


def _open_calamine(raw: bytes, name: str) -> _CalamineBook:
    try:
        return _CalamineBook(raw)
    except Exception as exc:  # calamine raises its own kinds on a damaged workbook
        raise _damaged_workbook(name, exc) from exc


def _open_openpyxl(raw: bytes, name: str) -> _OpenpyxlBook:
    try:
        return _OpenpyxlBook(raw)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _damaged_workbook(name, exc) from exc


_NO_CELLS: list[str] = []  # an empty row of a sheet (never changed: rows are only read)


def _sheet_rows(book: _Book, title: str, name: str, limits: ReadLimits,
                limit: int | None = None) -> list[list[str]]:
    """A sheet's cells as text, row by row; at most ``limits.max_columns`` + 1 columns are
    read (one more, to see that a table is too wide), and too many rows or too long a cell
    stop the reading."""
    columns = limits.max_columns + 1
    most = limits.max_rows + HEADER_SEARCH_ROWS
    if isinstance(book, _CalamineBook):
        height, values = book.values(title, limit)
        if height > most and (limit is None or limit > most):
            # as the streaming reader says it: it stops one row past the most it reads
            raise _too_many_rows(name, most + 1 - HEADER_SEARCH_ROWS, limits, "rows or more")
        empty: object = ""  # calamine's empty cell
    else:
        values = book.rows(title, columns, limit)
        empty = None
    rows = []
    known: dict[tuple[type, object], str] = {}  # a sheet repeats its numbers and dates

    def text(value: object) -> str:
        key = (value.__class__, value)  # the class too: True == 1 == 1.0 in a dict
        found = known.get(key)
        if found is None:
            found = known[key] = _cell_text(value)
        return found

    for row in values:
        if row.count(empty) == len(row):  # one shared list for every empty row: a sparse
            rows.append(_NO_CELLS)        # sheet can have a million of them
            continue
        cells = [v.strip() if v.__class__ is str else text(v) for v in row[:columns]]
        longest = max(map(len, cells), default=0)
        if longest > limits.max_cell_chars:
            column = next(j for j, c in enumerate(cells) if len(c) == longest)
            raise cell_too_long(name, longest, limits, row=len(rows) + 1,
                                column=_column_letter(column))
        rows.append(cells)
        if len(rows) > most:  # the header is in the first rows, so this many are data
            raise _too_many_rows(name, len(rows) - HEADER_SEARCH_ROWS, limits,
                                 "rows or more")
    return rows


def _column_letter(index: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA``: a column as Excel names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _score_sheet(rows: list[list[str]]) -> tuple[int, int]:
    index = find_header(rows)
    if index is None:
        return (-1, 0)
    header = rows[index]
    recognised = sum(1 for c in header if _recognised(c))
    filled = sum(1 for c in header if c)
    if filled < 2:
        return (-1, 0)
    data_rows = sum(1 for r in rows[index + 1:] if any(r))
    return (recognised, data_rows)


def _read_book(book: _Book, name: str, sheet: str | None, limits: ReadLimits) -> RawTable:
    names = [title for title, _ in book.sheets]
    if sheet is not None:
        match = [n for n in names if n == sheet] or [
            n for n in names if n.strip().lower() == str(sheet).strip().lower()]
        if not match:
            raise IngestError(name, f"The workbook has no sheet called '{sheet}'.",
                              f"one of its sheets: {', '.join(repr(n) for n in names)}.",
                              "Pick one of those sheets, or leave the sheet empty to let the "
                              "app find the table.")
        chosen = match[0]
        notes = [f"Sheet: '{chosen}' (as asked)."]
    else:
        scores = [(_score_sheet(_sheet_rows(book, title, name, limits, HEADER_SEARCH_ROWS + 20)),
                   title) for title, visible in book.sheets if visible]
        scores = [s for s in scores if s[0][0] >= 0]
        if not scores:
            raise IngestError(name, "No sheet of the workbook holds a table "
                              f"(sheets: {', '.join(repr(n) for n in names)}).",
                              "a sheet with a header row naming the columns and rows of data "
                              "under it.", "Check that you picked the right workbook, or copy "
                              "the table into a sheet of its own.")
        best = max(scores, key=lambda s: (s[0], -names.index(s[1])))
        chosen = best[1]
        notes = [f"Sheet: '{chosen}'" + (
            f" (the workbook has {len(names)} sheets; this one holds the table)."
            if len(names) > 1 else ".")]
    rows = _sheet_rows(book, chosen, name, limits)
    if not any(any(r) for r in rows):
        raise IngestError(name, f"Sheet '{chosen}' is empty.",
                          "a sheet with a header row and rows of data.",
                          "Pick the sheet that holds the table.")
    raw = _materialised(name, rows, list(range(1, len(rows) + 1)), notes,
                        what=f"sheet '{chosen}'", limits=limits)
    cover = tuple((line, title) for title in names if title != chosen
                  for line in _cover_lines(_sheet_rows(book, title, name, limits, COVER_ROWS)))
    return replace(raw, cover=cover)


#: How many rows of a workbook's other sheets are read for an organisation or a year.
COVER_ROWS = 40


def _cover_lines(rows: list[list[str]]) -> list[str]:
    """A cover sheet's rows as "key: value" lines: a label cell and the cell after it
    (``Organisation | QW4 Westmere ...``) or one cell that says it all."""
    lines = []
    for row in rows:
        cells = [c.strip() for c in row if c and c.strip()]
        if not cells:
            continue
        if len(cells) >= 2 and not cells[0].endswith(":"):
            lines.append(cut_label(f"{cells[0]}: {' '.join(cells[1:])}"))
        else:
            lines.append(cut_label(" ".join(cells)))
    return lines
