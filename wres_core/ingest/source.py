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
import gzip
import io
import math
import os
import threading
import warnings
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute
import pyarrow.csv as pcsv

from wres_core.errors import IngestError
from wres_core.ethnicity import match_ethnicity
from wres_core.ingest.values import column_aliases, header_key, parse_count, stage_of

HEAD_BYTES = 1 << 20  # bytes sniffed for encoding, delimiter and header
SNIFF_LINES = 400  # lines of the head parsed for the header and the sample
HEADER_SEARCH_ROWS = 30  # the header must be within the first rows
SAMPLE_ROWS = 200  # data rows kept for detection
PREVIEW_ROWS = 20
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

Source = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO


@dataclass
class Factor:
    """A column as integer codes (-1 = blank) into distinct, stripped, non-empty labels."""

    codes: np.ndarray
    labels: list[str]


@dataclass
class Loaded:
    factors: dict[int, Factor]  # staff-number columns: see ids()
    nrows: int
    rownums: np.ndarray  # int64 file row numbers, 1-based, counting title and header rows
    ragged: np.ndarray  # bool: the row had more non-empty fields than there are headers
    notes: list[str] = field(default_factory=list)

    def ids(self, column: int) -> IdColumn:
        """A staff-number column as an :class:`IdColumn`."""
        found = self.factors[column]
        if isinstance(found, _Background):
            found = found.get()
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

    def load(self, columns: Sequence[int], high_cardinality: frozenset[int] = frozenset()
             ) -> Loaded:
        return self.loader(columns, high_cardinality)

    def preview(self) -> pd.DataFrame:
        rows = self.sample[:PREVIEW_ROWS]
        return pd.DataFrame(
            {h: pd.array([r[i] for r in rows], dtype="string")
             for i, h in enumerate(self.headers)})


# --- small helpers ------------------------------------------------------------------------


def _factor_from(codes: np.ndarray, labels: Sequence[object]) -> Factor:
    """Strip labels, send blanks to -1 and merge labels that become equal."""
    remap = np.full(len(labels) + 1, -1, dtype=np.int64)
    index: dict[str, int] = {}
    out: list[str] = []
    for i, label in enumerate(labels):
        if label is None:
            continue
        text = str(label).strip()
        if not text:
            continue
        j = index.get(text)
        if j is None:
            j = index[text] = len(out)
            out.append(text)
        remap[i] = j
    return Factor(remap[np.asarray(codes, dtype=np.int64)], out)


def factor_of_values(values: Sequence[str]) -> Factor:
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return _factor_from(codes, list(uniques))


def make_headers(cells: Sequence[str]) -> list[str]:
    """Header texts made unique and non-empty (``Column 3``, ``Band (2)``)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        text = " ".join(str(cell).split()) or f"Column {i + 1}"
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
    title block.
    """
    rows = list(rows[:HEADER_SEARCH_ROWS])
    filled = [sum(1 for c in r if c) for r in rows]
    if not filled or max(filled) == 0:
        return None
    widest = max(filled)
    need = max(2 if widest >= 2 else 1, math.ceil(widest / 2))
    best: tuple[int, int] | None = None
    best_index = None
    for i, row in enumerate(rows):
        if filled[i] < need:
            continue
        recognised = sum(1 for c in row if _recognised(c))
        numeric = sum(1 for c in row if c and parse_count(c)[1] is None)
        score = (2 * recognised - numeric, -i)
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


def read_bytes(source: Source, name: str) -> bytes | pa.Buffer:
    """The file's content, in memory; paths are memory-mapped, uploads never touch the disk."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise IngestError(name, f"There is no file at '{path}'.",
                              "the path of an existing CSV or Excel file.",
                              "Check the path and the file name, then try again.")
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
        data = read()
    except (OSError, ValueError) as exc:
        raise IngestError(name, f"The file could not be read ({exc}).",
                          "a readable CSV or Excel file.", "Upload the file again.") from exc
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


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


def open_table(source: Source, name: str, sheet: str | None) -> RawTable:
    """Read any supported file into a :class:`RawTable`, or raise :class:`IngestError`."""
    data = read_bytes(source, name)
    head = _head(data, 8192)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise IngestError(name, "The file is empty.",
                          "a CSV or Excel file with a header row and at least one data row.",
                          "Check that you picked the right file and that it was saved with "
                          "its data.")
    if head.startswith(b"\x1f\x8b"):
        try:
            data = gzip.decompress(_to_bytes(data))
        except (OSError, EOFError, zlib.error) as exc:
            raise IngestError(name, "The file is gzip-compressed but could not be "
                              f"decompressed ({exc}).", "a complete .csv.gz file.",
                              "Compress the CSV again or upload it uncompressed.") from exc
        head = _head(data, 8192)
        if head.startswith((b"PK\x03\x04", b"\x1f\x8b")):
            raise _not_a_table(name, "a compressed archive inside a .gz file")
        if not head.strip():
            raise IngestError(name, "The compressed file is empty.",
                              "a CSV with a header row and data rows inside the .gz file.",
                              "Check that the right CSV was compressed.")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _open_xlsx(_to_bytes(data), name, sheet)
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
    return _open_csv(data, name)


# --- CSV ----------------------------------------------------------------------------------


def _decode_head(head: bytes) -> tuple[str, str]:
    """The head as text and the encoding used ("utf-8" or "cp1252")."""
    cut = head.rfind(b"\n")
    body = head[: cut + 1] if cut >= 0 and len(head) >= HEAD_BYTES else head
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), "cp1252"


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls > max(8, len(text[:4096]) // 50)


def _split_record(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def choose_delimiter(lines: Sequence[str]) -> str:
    """The delimiter that splits most lines into the same number (>1) of fields."""
    lines = [line for line in lines if line.strip()][:SNIFF_LINES]
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(_split_record(line, delimiter)) for line in lines]
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


def _open_csv(data: bytes | pa.Buffer, name: str) -> RawTable:
    notes: list[str] = []
    head = _head(data)
    # Encoding: UTF-16 (Excel's "Unicode text") and UTF-8 BOMs, then UTF-8, else Windows-1252.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = _to_bytes(data).decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_a_table(name, "a damaged UTF-16 text file") from exc
        data = text.encode("utf-8")
        head = _head(data)
        notes.append("Encoding: UTF-16 (Excel 'Unicode text'), read as text.")
        encoding = "utf-16"
    elif head.startswith(b"\xef\xbb\xbf"):
        data = data.slice(3) if isinstance(data, pa.Buffer) else data[3:]
        head = _head(data)
        encoding = "utf-8-sig"
    else:
        encoding = ""
    head_text, head_encoding = _decode_head(head)
    if _looks_binary(head_text):
        raise _not_a_table(name, "a binary file (an image, archive or program file)")
    if head_encoding == "cp1252" and encoding == "":
        data, encoding = _transcode_cp1252(data, notes)
        head = _head(data)
        head_text, _ = _decode_head(head)
    elif encoding == "":
        encoding = "utf-8"
    stripped = head_text.lstrip().lower()
    if stripped.startswith(("<!doctype html", "<html", "<head", "<body", "<table")) or (
            stripped.startswith("<") and "<table" in stripped[:5000]):
        raise _not_a_table(name, "a web page (HTML)",
                           "If this came from a website, download the data as CSV or Excel "
                           "rather than saving the page.")
    if stripped.startswith("<?xml"):
        raise _not_a_table(name, "an XML document",
                           "If it is an Excel 2003 XML workbook, open it in Excel and save it "
                           "as .xlsx or CSV.")
    if stripped.startswith(("{", "[")) and stripped.rstrip().endswith(("}", "]")):
        raise _not_a_table(name, "a JSON document")
    if encoding == "utf-8":
        notes.append("Encoding: UTF-8.")
    elif encoding == "utf-8-sig":
        notes.append("Encoding: UTF-8 with a byte-order mark.")

    truncated = _size(data) > len(head)
    lines = head_text.split("\n")
    if truncated and len(lines) > 1:
        lines = lines[:-1]
    if lines and lines[-1] == "":
        lines = lines[:-1]
    lines = lines[:SNIFF_LINES]
    delimiter = choose_delimiter([line.rstrip("\r") for line in lines])
    records = [_split_record(line.rstrip("\r"), delimiter) for line in lines]
    header_index = find_header([[c.strip() for c in r] for r in records])
    if header_index is None:
        raise IngestError(name, "The file has no rows with text in them.",
                          "a header row naming the columns, then one row per count.",
                          "Check that you picked the right file.")
    # Quoted fields that span lines before the data, or old Mac line ends: parse it all in
    # Python, which numbers records as a spreadsheet does.
    simple = all(line.count('"') % 2 == 0 for line in lines[: header_index + 1]) and not (
        "\r" in head_text and "\n" not in head_text)
    delimiter_note = f"Delimiter: {DELIMITER_NAMES[delimiter]}."
    notes.append(delimiter_note)
    if not simple:
        return _python_csv(data, name, delimiter, notes)

    header = make_headers([c.strip() for c in records[header_index]])
    title = [" ".join(c.strip() for c in r if c.strip()) for r in records[:header_index]]
    title = [t for t in title if t]
    sample, sample_rows = [], []
    body_text = "\n".join(lines[header_index + 1:])
    try:
        body_records = list(csv.reader(io.StringIO(body_text, newline=""),
                                       delimiter=delimiter))
    except csv.Error:
        return _python_csv(data, name, delimiter, notes)
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

    def load(columns: Sequence[int], high: frozenset[int]) -> Loaded:
        try:
            loaded = _pyarrow_load(data, start, header, delimiter, columns, high, header_row)
            slow_notes: list[str] = []
        except _NotUtf8:
            loaded = None
            slow_notes = ["Some bytes after the first megabyte are not UTF-8; the file was "
                          "read again as Windows-1252."]
        if loaded is None:  # ragged rows, blank lines or quoted line breaks: parse in Python
            table = _python_csv(data, name, delimiter, slow_notes)
            result = table.load(columns, high)
            result.notes.extend(table.notes)
            return result
        return loaded

    return RawTable(name, header, sample, sample_rows, title, notes, header_row, load)


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


class _Ragged(Exception):
    pass


def _pyarrow_load(data: bytes | pa.Buffer, start: int, header: list[str], delimiter: str,
                  columns: Sequence[int], high: frozenset[int], header_row: int
                  ) -> Loaded | None:
    names = [f"c{i}" for i in range(len(header))]
    buffer = data if isinstance(data, pa.Buffer) else pa.py_buffer(data)
    body = buffer.slice(min(start, buffer.size))
    wanted = sorted(set(columns))
    if body.size == 0 or (body.size < 4096 and not body.to_pybytes().strip()):
        return Loaded({i: Factor(np.zeros(0, np.int64), []) for i in wanted}, 0,
                      np.zeros(0, np.int64), np.zeros(0, bool))
    dictionary = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pcsv.read_csv(
            pa.BufferReader(body),
            read_options=pcsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char='"',
                                            double_quote=True, newlines_in_values=False,
                                            ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                column_types={names[i]: (pa.string() if i in high else dictionary)
                              for i in wanted},
                include_columns=[names[i] for i in wanted] or names[:1],
                null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except pa.ArrowInvalid as exc:  # ragged rows, bad quoting: the Python reader copes
        if "utf8" in str(exc).lower():
            raise _NotUtf8 from exc
        return None
    n = table.num_rows
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
        if i in high:  # staff numbers: read in a thread while the rest goes on
            factors[i] = _Background(lambda column=column: _id_column(column))
        else:
            factors[i] = _factor_of_chunked(column)
    rownums = np.arange(header_row + 1, header_row + 1 + n, dtype=np.int64)
    return Loaded(factors, n, rownums, np.zeros(n, dtype=bool))


class _NotUtf8(Exception):
    pass


_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass
class IdColumn:
    """Staff numbers, for finding repeats without turning a million of them into Python.

    ``keys`` holds each number exactly (its bytes as unsigned integers, or a code), ``hash``
    folds them into one integer for a fast first pass; ``valid`` is False for blanks.
    """

    valid: np.ndarray
    keys: np.ndarray  # (rows, k) uint64
    hash: np.ndarray  # (rows,) uint64
    text: Callable[[np.ndarray], list[str]]  # row positions -> the numbers as written

    @classmethod
    def from_factor(cls, factor: Factor) -> IdColumn:
        codes = factor.codes
        keys = codes.clip(0).astype(np.uint64)[:, None]
        labels = factor.labels
        return cls(codes >= 0, keys, keys[:, 0] * _MIX,
                   lambda rows: [labels[c] for c in codes[rows]])


def _fold(keys: np.ndarray) -> np.ndarray:
    out = np.zeros(len(keys), dtype=np.uint64)
    for j in range(keys.shape[1]):
        out = (out * _MIX) ^ keys[:, j]
    return out * _MIX


def _id_column(column: pa.ChunkedArray) -> IdColumn:
    """Staff numbers as fixed-width bytes read as integers, all in Arrow and numpy."""
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(column).cast(pa.binary())
    lengths = pc.binary_length(trimmed)
    widest = pc.max(lengths).as_py() or 0
    valid = np.asarray(pc.fill_null(pc.greater(lengths, 0), False).to_numpy(
        zero_copy_only=False), dtype=bool)

    def text(rows: np.ndarray) -> list[str]:
        values = trimmed.take(pa.array(np.asarray(rows, dtype=np.int64))).to_pylist()
        return [v.decode("utf-8", "replace") if v is not None else "" for v in values]

    if widest > 64:  # long identifiers: exact codes from a dictionary instead
        encoded = trimmed.combine_chunks().dictionary_encode()
        codes = np.asarray(encoded.indices.fill_null(0).to_numpy(zero_copy_only=False),
                           dtype=np.uint64)[:, None]
        return IdColumn(valid, codes, _fold(codes), text)
    width = max(8, -(-widest // 8) * 8)
    padded = pc.binary_slice(pc.binary_join_element_wise(
        pc.fill_null(trimmed, b""), pa.scalar(b"\x00" * width), b""), 0, width)
    fixed = padded.cast(pa.binary(width))
    parts = []
    for chunk in fixed.chunks:
        data = np.frombuffer(chunk.buffers()[1], dtype=np.uint8)
        data = data[chunk.offset * width:(chunk.offset + len(chunk)) * width]
        parts.append(data.view(np.uint64).reshape(len(chunk), width // 8))
    keys = np.concatenate(parts) if parts else np.zeros((0, width // 8), np.uint64)
    return IdColumn(valid, keys, _fold(keys), text)


class _Background:
    """A value computed in a thread (pyarrow releases the GIL) while the reader goes on."""

    def __init__(self, work: Callable[[], object]) -> None:
        self._result: list[object] = []

        def run() -> None:
            try:
                self._result.append(work())
            except BaseException as exc:  # handed to the reader, never lost
                self._result.append(exc)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def get(self) -> object:
        self._thread.join()
        found = self._result[0]
        if isinstance(found, BaseException):
            raise found
        return found


def _factor_of_chunked(column: pa.ChunkedArray) -> Factor:
    table = pa.table({"x": column}).unify_dictionaries()
    column = table.column(0)
    if column.num_chunks == 0:
        return Factor(np.zeros(0, np.int64), [])
    dictionary = column.chunk(0).dictionary
    parts = [np.asarray(chunk.indices.fill_null(-1).to_numpy(zero_copy_only=False),
                        dtype=np.int64) for chunk in column.chunks]
    codes = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    return _factor_from(codes, dictionary.to_pylist())


def _python_csv(data: bytes | pa.Buffer, name: str, delimiter: str, notes: list[str]
                ) -> RawTable:
    raw = _to_bytes(data)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        converted, _ = _transcode_cp1252(raw, notes)
        text = converted.to_pybytes().decode("utf-8")
    if _looks_binary(text[:8192]):
        raise _not_a_table(name, "a binary file")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _not_a_table(name, f"a file that cannot be parsed as CSV ({exc})") from exc
    return _materialised(name, [[c.strip() for c in r] for r in records],
                         list(range(1, len(records) + 1)), notes)


def _materialised(name: str, records: list[list[str]], rownums: list[int], notes: list[str],
                  what: str = "file") -> RawTable:
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
    header = make_headers((header_cells + [""] * width)[:width])
    title = [" ".join(c for c in r if c) for r in records[:header_index]]
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
        factors = {i: factor_of_values([r[i] for r in rows]) for i in set(columns)}
        return Loaded(factors, n, np.asarray(numbers, dtype=np.int64),
                      np.asarray(ragged, dtype=bool), [])

    sample = rows[:SAMPLE_ROWS]
    return RawTable(name, header, sample, numbers[:SAMPLE_ROWS], title, notes, header_row, load)


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


def _open_xlsx(raw: bytes, name: str, sheet: str | None) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(name, "The file starts like a zip/Excel file but is damaged "
                          f"({exc}).", "a complete Excel .xlsx workbook or a CSV file.",
                          "Open it in Excel and save it again, or export it as CSV.") from exc
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
    import openpyxl  # slow to import; only needed here

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise IngestError(name, f"The Excel workbook is damaged and could not be opened "
                          f"({type(exc).__name__}: {exc}).", "a complete Excel .xlsx workbook.",
                          "Open it in Excel and save it again, or export the sheet as CSV."
                          ) from exc
    try:
        return _read_book(book, name, sheet)
    except IngestError:
        raise
    except Exception as exc:  # damaged sheet XML surfaces while iterating
        raise IngestError(name, f"A sheet of the workbook could not be read "
                          f"({type(exc).__name__}: {exc}).", "a complete Excel .xlsx workbook.",
                          "Open it in Excel and save it again, or export the sheet as CSV."
                          ) from exc
    finally:
        book.close()


def _sheet_rows(worksheet: object, limit: int | None = None) -> list[list[str]]:
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for values in worksheet.iter_rows(min_row=1, max_row=limit, min_col=1,
                                          values_only=True):
            rows.append([_cell_text(v) for v in values])
    return rows


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


def _read_book(book: object, name: str, sheet: str | None) -> RawTable:
    names = [ws.title for ws in book.worksheets]
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
        scores = []
        for ws in book.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            scores.append((_score_sheet(_sheet_rows(ws, HEADER_SEARCH_ROWS + 20)), ws.title))
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
    rows = _sheet_rows(book[chosen])
    if not any(any(r) for r in rows):
        raise IngestError(name, f"Sheet '{chosen}' is empty.",
                          "a sheet with a header row and rows of data.",
                          "Pick the sheet that holds the table.")
    return _materialised(name, rows, list(range(1, len(rows) + 1)), notes,
                         what=f"sheet '{chosen}'")
