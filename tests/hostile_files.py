"""Hostile files, generated at test time (never committed): bombs, broken quoting, huge cells.

Every builder writes one file into a folder and returns its path. The bombs are written
block by block: a raw deflate stream flushed with ``Z_FULL_FLUSH`` after each block of
repeated text compresses every block to the same bytes, so a file of a few MB that expands
to gigabytes is written in about a second without compressing gigabytes. Their CRC-32 is
computed over the whole expanded text, so a reader that checks it finds nothing wrong.

``HOSTILE`` lists every file with what ``read_table`` must say about it (a regular
expression for ``pytest.raises(match=...)``, or ``None`` when the file must be read) and
what the command line must print on stderr and exit with. The tests in
``tests/unit/test_ingest_hostile.py``, ``tests/functional/test_hostile_files_cli.py`` and
``tests/app/test_app_hostile.py`` use them; ``benchmarks/bench_hostile.py`` times them.
"""

from __future__ import annotations

import os
import resource
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: The issue's bounds for every hostile file: a message within 30 s and under 1.5 GB resident.
CLI_TIMEOUT_S = 30
CLI_MAX_RSS_MB = 1536
#: The child's address space is capped too, so that a runaway fails instead of swapping the
#: machine. The cap is above the RSS bound because importing numpy, scipy and pyarrow alone
#: reserves about 1.6 GB of address space (mimalloc arenas, thread stacks) with 185 MB resident.
CLI_ADDRESS_SPACE_BYTES = 4 << 30

GiB = 1 << 30
MiB = 1 << 20

HEADER = "Organisation code,Organisation name,Year,Pay band,Ethnicity,Headcount\n"
BANDS = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")
ORG = "SYN900"
ORG_NAME = "Hostile Test Trust"
#: The bombs' rows carry a long run of one letter: deflate packs such a run about 1,000 to 1
#: (a run of text with a longer period packs only about 250 to 1), so the bombs stay small.
PADDED_NAME = "Hostile Test Trust " + "A" * 4000


def good_rows(org_name: str = ORG_NAME) -> list[str]:
    """24 data rows (12 bands x White, BME), counts falling up the ladder, BME faster."""
    rows = []
    for i, band in enumerate(BANDS):
        white = 400 - 30 * i
        bme = max(200 - 18 * i, 2)
        rows.append(f"{ORG},{org_name},2024,Band {band},White,{white}\n")
        rows.append(f"{ORG},{org_name},2024,Band {band},BME,{bme}\n")
    return rows


def good_csv(org_name: str = ORG_NAME) -> str:
    return HEADER + "".join(good_rows(org_name))


# --- deflate streams of repeated text -------------------------------------------------------


@dataclass(frozen=True)
class Deflated:
    """A raw deflate stream kept as parts: ``head + block * times + tail``."""

    head: bytes
    block: bytes
    times: int
    tail: bytes
    crc: int  # CRC-32 of the expanded text
    size: int  # length of the expanded text

    @property
    def compressed_size(self) -> int:
        return len(self.head) + len(self.block) * self.times + len(self.tail)

    def write_to(self, out) -> None:
        out.write(self.head)
        for _ in range(self.times):
            out.write(self.block)
        out.write(self.tail)


def deflate_repeated(prefix: bytes, chunk: bytes, times: int, suffix: bytes) -> Deflated:
    """``prefix + chunk * times + suffix`` as a raw deflate stream, without compressing it all.

    After ``Z_FULL_FLUSH`` the compressor forgets its history, so every later ``chunk``
    compresses to the same bytes as the first.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a fully flushed block must compress the same way every time"
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    size = len(prefix) + len(chunk) * times + len(suffix)
    return Deflated(head, block, times, tail, crc, size)


def _repeat_to(unit: bytes, size: int) -> bytes:
    return unit * max(1, size // len(unit))


# --- zip files written by hand (zipfile cannot store a stream compressed elsewhere) --------


def _write_zip(path: Path, members: list[tuple[str, Deflated, int | None]]) -> Path:
    """A zip of deflated members; the third item overrides the declared size (a liar)."""
    central = []
    with path.open("wb") as out:
        for name, data, declared in members:
            offset = out.tell()
            encoded = name.encode("utf-8")
            size = data.size if declared is None else declared
            fields = (20, 0, 8, 0, 0x21, data.crc, data.compressed_size, size, len(encoded), 0)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded)
            data.write_to(out)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0,
                                       0, 0, offset) + encoded)
        start = out.tell()
        directory = b"".join(central)
        out.write(directory)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                              len(directory), start, 0))
    return path


def _small(text: str) -> Deflated:
    return deflate_repeated(text.encode("utf-8"), b"", 0, b"")


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _cell_row(values: list[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row>{cells}</row>"


def _sheet(expanded: int) -> Deflated:
    header = HEADER.strip().split(",")
    prefix = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
              '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              + _cell_row(header)).encode()
    row = _cell_row([ORG, PADDED_NAME, "2024", "Band 5", "White", "1"]).encode()
    chunk = _repeat_to(row, MiB)
    return deflate_repeated(prefix, chunk, max(1, expanded // len(chunk)),
                            b"</sheetData></worksheet>")


def _workbook(path: Path, sheet: Deflated, declared: int | None = None) -> Path:
    return _write_zip(path, [
        ("[Content_Types].xml", _small(_CONTENT_TYPES), None),
        ("_rels/.rels", _small(_RELS), None),
        ("xl/workbook.xml", _small(_WORKBOOK), None),
        ("xl/_rels/workbook.xml.rels", _small(_WORKBOOK_RELS), None),
        ("xl/worksheets/sheet1.xml", sheet, declared),
    ])


# --- the builders ---------------------------------------------------------------------------


def zip_bomb_xlsx(folder: Path) -> Path:
    """An .xlsx of about 3 MB whose sheet XML expands to 2 GiB (sizes declared honestly)."""
    return _workbook(folder / "zip_bomb.xlsx", _sheet(2 * GiB))


def lying_zip_bomb_xlsx(folder: Path) -> Path:
    """The same bomb, but its zip directory claims the sheet is 1 MB: reads must stop there."""
    return _workbook(folder / "lying_zip_bomb.xlsx", _sheet(2 * GiB), declared=MiB)


def small_workbook(folder: Path) -> Path:
    """A readable workbook written by the same zip writer (the bombs' control)."""
    return _workbook(folder / "small.xlsx", _sheet(64 * 1024))


def gzip_bomb(folder: Path) -> Path:
    """A .csv.gz of about 4 MB that expands to 3 GiB of identical CSV rows."""
    row = f"{ORG},{PADDED_NAME},2024,Band 5,White,1\n".encode()
    data = deflate_repeated(HEADER.encode(), _repeat_to(row, MiB), 3 * GiB // MiB, b"")
    path = folder / "gzip_bomb.csv.gz"
    with path.open("wb") as out:
        out.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")
        data.write_to(out)
        out.write(struct.pack("<II", data.crc, data.size & 0xFFFFFFFF))
    return path


def unbalanced_quote(folder: Path) -> Path:
    """24 data rows; row 6's name opens a quote that only row 23 closes (17 rows inside it)."""
    rows = good_rows()
    rows[4] = rows[4].replace(ORG_NAME, f'"{ORG_NAME}', 1)  # file line 6
    rows[21] = rows[21].replace(ORG_NAME, f'{ORG_NAME}"', 1)  # file line 23
    return _text(folder / "unbalanced_quote.csv", HEADER + "".join(rows))


def huge_count(folder: Path) -> Path:
    """One count of 10^18 (line 4) in an otherwise good file."""
    rows = good_rows()
    rows[2] = rows[2].rsplit(",", 1)[0] + ",1000000000000000000\n"
    return _text(folder / "huge_count.csv", HEADER + "".join(rows))


def many_columns(folder: Path) -> Path:
    """10,000 columns: the six real ones and 9,994 more."""
    extra = [f"Extra {i}" for i in range(9994)]
    lines = [HEADER.strip() + "," + ",".join(extra) + "\n"]
    lines += [row.strip() + "," + ",".join(["more"] * len(extra)) + "\n"
              for row in good_rows()]
    return _text(folder / "many_columns.csv", "".join(lines))


def huge_field(folder: Path) -> Path:
    """A 5 MB organisation name on line 2."""
    rows = good_rows()
    rows[0] = rows[0].replace(ORG_NAME, "A" * (5 * 1000 * 1000), 1)
    return _text(folder / "huge_field.csv", HEADER + "".join(rows))


def long_label(folder: Path) -> Path:
    """A 200,000-character organisation name in every row."""
    return _text(folder / "long_label.csv", good_csv("Trust " + "x" * 199_994))


def long_but_allowed_label(folder: Path) -> Path:
    """A 10,000-character organisation name: within the cell limit, cut to 200 for display."""
    return _text(folder / "long_name.csv", good_csv("Long Name Trust " + "y" * 9_984))


def million_rows(folder: Path) -> Path:
    """A staff-level file of a million identical rows (one person, a million times)."""
    header = "Organisation code,Year,Pay band,Ethnicity\n"
    return _text(folder / "million_rows.csv",
                 header + f"{ORG},2024,Band 5,White\n" * 1_000_000)


def nul_byte(folder: Path) -> Path:
    """A good file with one NUL byte inside the band of line 7."""
    rows = good_rows()
    rows[5] = rows[5].replace("Band 3", "Band\x003", 1)
    return _text(folder / "nul_byte.csv", HEADER + "".join(rows))


def utf16_no_bom(folder: Path) -> Path:
    """The good file in UTF-16 little-endian, as Excel writes it but without the byte-order
    mark, with a name that needs more than ASCII."""
    path = folder / "utf16_no_bom.csv"
    path.write_bytes(good_csv("Hôpital Trust").encode("utf-16-le"))
    return path


def utf16_be_no_bom(folder: Path) -> Path:
    path = folder / "utf16_be_no_bom.csv"
    path.write_bytes(good_csv("Hôpital Trust").encode("utf-16-be"))
    return path


SCRIPT_NAME = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://example.invalid/x","Click me")'


def script_label(folder: Path) -> Path:
    return _text(folder / "script_label.csv", good_csv(SCRIPT_NAME.replace(",", " ")))


def formula_label(folder: Path) -> Path:
    name = '"' + FORMULA_NAME.replace('"', '""') + '"'  # it holds a comma: quote it
    return _text(folder / "formula_label.csv", good_csv(name))


def old_xls(folder: Path) -> Path:
    """The start of an Excel 97-2003 workbook (a compound file holding a 'Workbook' stream)."""
    path = folder / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
                     + "Workbook".encode("utf-16-le") + b"\x00" * 512)
    return path


def _text(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


# --- what each must give ---------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """One hostile file and what must come of it."""

    key: str
    build: Callable[[Path], Path]
    #: regular expression for the IngestError of read_table; None: the file must be read.
    error: str | None
    #: regular expression for the command line's output: stderr when it exits with 2; when
    #: it exits with 0, its stdout (with ``--json``: the data-quality notes and exclusions).
    cli: str
    cli_exit: int = 2
    cli_args: tuple[str, ...] = ()


UNPACKED = r"This file expands to more than 100 times its size when unpacked"
CELL = r"This cell holds {} characters; a cell may hold at most 32,767 \(as in Excel\)\."

HOSTILE = (
    Hostile("zip_bomb_xlsx", zip_bomb_xlsx,
            UNPACKED + r" \(its part 'xl/worksheets/sheet1\.xml' is 3\.9 MB packed and 2\.1 GB "
            r"unpacked\)\.",
            r"error: zip_bomb\.xlsx: " + UNPACKED),
    Hostile("lying_zip_bomb_xlsx", lying_zip_bomb_xlsx,
            r"The Excel workbook is damaged and could not be opened \(BadZipFile: Bad CRC-32 "
            r"for file 'xl/worksheets/sheet1\.xml'\)",
            r"error: lying_zip_bomb\.xlsx: The Excel workbook is damaged"),
    Hostile("gzip_bomb", gzip_bomb,
            UNPACKED + r" \(its first \d+\.\d KB unpack to more than 16\.8 MB\)\.",
            r"error: gzip_bomb\.csv\.gz: " + UNPACKED),
    Hostile("unbalanced_quote", unbalanced_quote,
            r"Line 6, column 'Organisation name': A quote mark \(\"\) opens a field here that "
            r"is not closed until line 23, so lines 7 to 23 \(17 rows\) would be read as part "
            r"of this one cell and lost\.",
            r"error: unbalanced_quote\.csv: Line 6, column 'Organisation name': A quote mark"),
    Hostile("huge_count", huge_count, None, r"excluded: count too large: 1\b", 0, ("--json",)),
    Hostile("many_columns", many_columns,
            r"The file has 10,000 columns \(line 1\); at most 1,000 are read\.",
            r"error: many_columns\.csv: The file has 10,000 columns"),
    Hostile("huge_field", huge_field,
            r"Row 2, column 'Organisation name': " + CELL.format("5,000,000"),
            r"error: huge_field\.csv: Row 2, column 'Organisation name': This cell holds "
            r"5,000,000 characters"),
    Hostile("long_label", long_label,
            r"Line 2: " + CELL.format("more than 131,072"),
            r"error: long_label\.csv: Line 2: This cell holds more than 131,072 characters"),
    Hostile("long_but_allowed_label", long_but_allowed_label, None,
            r"1 label in column 'Organisation name' was longer than 200 characters and was cut "
            r"to 200 \(first on row 2\)\.", 0, ("--json",)),
    Hostile("million_rows", million_rows, None, r"rows used: 1,000,000\b", 0, ("--json",)),
    Hostile("nul_byte", nul_byte,
            r"Line 7, column 'Pay band': This cell holds a NUL \(zero\) byte",
            r"error: nul_byte\.csv: Line 7, column 'Pay band': This cell holds a NUL"),
    Hostile("utf16_no_bom", utf16_no_bom, None,
            r"Encoding: UTF-16 little-endian without a byte-order mark, read as text\.", 0,
            ("--json",)),
    Hostile("utf16_be_no_bom", utf16_be_no_bom, None,
            r"Encoding: UTF-16 big-endian without a byte-order mark, read as text\.", 0,
            ("--json",)),
    Hostile("script_label", script_label, None,
            r"^<script>alert\(1\)</script> \(SYN900\), region not given, type not given: "
            r"2024$", 0),
    Hostile("formula_label", formula_label, None,
            r'^=HYPERLINK\("http://example\.invalid/x","Click me"\) \(SYN900\), region not given, '
            r"type not given: 2024$", 0),
    Hostile("old_xls", old_xls,
            r"This is an old-style Excel \.xls \(or other Office\) file\. Expected: an Excel "
            r"\.xlsx workbook or a CSV file\. What to do: Open it in Excel and save it as \.xlsx "
            r"or CSV",
            r"error: old\.xls: This is an old-style Excel \.xls"),
)


def quality_text(document: dict) -> str:
    """The data-quality part of the command line's ``--json`` output, as lines to search."""
    lines = []
    for file in document["data_quality"]["files"]:
        lines.append(f"rows used: {file['rows_used']:,}")
        lines += [f"excluded: {k}: {v}" for k, v in file["excluded_by_reason"].items()]
        lines += file["notes"]
    return "\n".join(lines)


BY_KEY = {h.key: h for h in HOSTILE}


# --- running the command line on one, bounded -----------------------------------------------


@dataclass(frozen=True)
class CliRun:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float
    timed_out: bool


def _limit_memory() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (CLI_ADDRESS_SPACE_BYTES, CLI_ADDRESS_SPACE_BYTES))


def run_cli(path: Path, *args: str, timeout: float = CLI_TIMEOUT_S,
            memory_limit: bool = True, repo: Path = REPO) -> CliRun:
    """``python -m wres_core analyse PATH`` in a child with its address space capped; the
    child's own peak RSS comes from ``os.wait4``. ``repo`` is the checkout whose code runs
    (another one, to compare before and after a change)."""
    out_path = path.with_suffix(path.suffix + ".stdout")
    err_path = path.with_suffix(path.suffix + ".stderr")
    env = {**os.environ, "PYTHONPATH": str(repo)}
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "wres_core", "analyse", str(path),
                                  *args], stdout=out, stderr=err, cwd=repo, env=env,
                                 preexec_fn=_limit_memory if memory_limit else None)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            child.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
    return CliRun(child.returncode, out_path.read_text("utf-8", "replace"),
                  err_path.read_text("utf-8", "replace"), seconds, usage.ru_maxrss / 1024,
                  killed.is_set())
