"""The prefetch (``ingest.prefetch``): a large CSV's line count and parse started before the
heavy imports. Whatever it finds, a file must read exactly as it does without it, and a file
the reader refuses must be refused with the same message.

The prefetch runs only for large files in a process that has not imported the reading steps
yet; here both conditions are lifted (``force_prefetch``) so that small, hand-made files go
through it. Expected counts follow from how the files are built: row ``i`` is Black when
``i % 3 == 0``.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wres_core.errors import IngestError
from wres_core.ingest import prefetch, read_table, source
from wres_core.ingest.limits import LIMITS, ReadLimits
from wres_core.ingest.values import column_aliases

ROWS = 3_000
HEADER = "Staff number,Organisation code,Year,Pay band,Ethnicity,Comment"


def _rows(count: int = ROWS) -> list[str]:
    # A comment column with no known name: the prefetch leaves it out; the plan too.
    return [f"P{i:07d},RXX,2024,Band {5 + i % 2},{'Black' if i % 3 == 0 else 'White'},c{i % 7}"
            for i in range(count)]


def _write(tmp_path: Path, text: str, prefix: bytes = b"") -> Path:
    path = tmp_path / "staff.csv"
    path.write_bytes(prefix + text.encode("utf-8"))
    return path


@pytest.fixture
def force_prefetch(monkeypatch):
    """Start the prefetch for any file, and count how often its parse is used."""
    monkeypatch.setattr(prefetch, "worthwhile", lambda: True)
    monkeypatch.setattr(prefetch, "PREFETCH_MIN_BYTES", 0)
    used = []
    original = source._prefetched_columns

    def counted(*args, **kwargs):
        table = original(*args, **kwargs)
        used.append(table is not None)
        return table

    monkeypatch.setattr(source, "_prefetched_columns", counted)
    return used


def _read_both(path: Path, monkeypatch, **options):
    """read_table's result (or error message) with the prefetch, then without it."""
    out = []
    for on in (True, False):
        monkeypatch.setattr(prefetch, "worthwhile", lambda on=on: on)
        try:
            out.append(read_table(path, **options))
        except IngestError as error:
            out.append(str(error))
    return out


def _same(with_prefetch, without) -> None:
    if isinstance(without, str):
        assert with_prefetch == without
        return
    assert with_prefetch.table.equals(without.table)
    assert with_prefetch.report.notes == without.report.notes
    assert with_prefetch.report.exclusions == without.report.exclusions
    assert with_prefetch.preview.equals(without.preview)


def test_the_prefetch_reads_the_columns_with_known_names_and_the_counts_are_right(
        tmp_path, force_prefetch) -> None:
    path = _write(tmp_path, HEADER + "\n" + "\n".join(_rows()) + "\n")
    early = prefetch.start(path, LIMITS)
    assert early is not None
    assert early.columns == {0, 1, 2, 3, 4}  # not 'Comment'
    assert early.strings == {0}  # staff numbers: every one distinct
    assert early.scan == prefetch.Scan(lines=ROWS + 1, first_nul=-1)
    result = read_table(path)
    assert force_prefetch == [True]  # its parse was used, not made again
    counts = result.table.groupby("ethnicity", observed=True)["headcount"].sum()
    assert counts.to_dict() == {"White": 2_000, "BME": 1_000}
    bands = result.table.groupby("band", observed=True)["headcount"].sum()
    assert bands[bands > 0].to_dict() == {"5": 1_500, "6": 1_500}


def test_factors_from_the_prefetch_equal_the_usual_ones(tmp_path, force_prefetch) -> None:
    # A title row as wide as the table: the prefetch parses it (and the header) as data,
    # and their cells must not reach the labels. Labels in the order they first occur.
    text = "Workforce extract,,,,,\n" + HEADER + "\n" + "\n".join(_rows()[::-1]) + "\n"
    path = _write(tmp_path, text, prefix=prefetch.UTF8_BOM)
    columns, high = [0, 3, 4], frozenset({0})
    early = prefetch.start(path, LIMITS)
    with_early = source.open_table(path, "staff.csv", None, LIMITS, early).load(columns, high)
    without = source.open_table(path, "staff.csv", None, LIMITS).load(columns, high)
    assert force_prefetch == [True]
    assert with_early.nrows == without.nrows == ROWS
    assert np.array_equal(with_early.rownums, without.rownums)
    assert with_early.rownums[0] == 3  # title row 1, header row 2
    for i in (3, 4):
        assert with_early.factors[i].labels == without.factors[i].labels
        assert np.array_equal(with_early.factors[i].codes, without.factors[i].codes)
    # Written last to first: row 2,999 (Band 6, White) comes first, then 2,997 is Black.
    assert with_early.factors[3].labels == ["Band 6", "Band 5"]
    assert with_early.factors[4].labels == ["White", "Black"]
    ids_early, ids_usual = with_early.ids(0), without.ids(0)
    assert np.array_equal(ids_early.hash, ids_usual.hash)
    assert ids_early.text(np.array([0, 1])) == ["P0002999", "P0002998"]


HOSTILE = {
    "quoted line break": lambda rows: rows[:10] + ['P1,RXX,2024,Band 5,White,"two\nlines"']
    + rows[10:],
    "unclosed quote": lambda rows: rows[:10] + ['P1,RXX,2024,Band 5,"White,x'] + rows[10:],
    "ragged row": lambda rows: rows[:10] + ["P1,RXX,2024,Band 5,White,c,extra"] + rows[10:],
    "blank line in the middle": lambda rows: rows[:10] + [""] + rows[10:],
    "blank lines at the end": lambda rows: [*rows, "", ""],
    "repeated staff numbers": lambda rows: rows + rows[:25],
    "padded labels": lambda rows: [r.replace("Band 5", "  Band 5 ") for r in rows],
    "lone carriage return": lambda rows: rows[:10] + ["P1,RXX,2024,Band 5,White,c\rP2,RXX,"
                                                      "2024,Band 5,White,c"] + rows[10:],
}


@pytest.mark.parametrize("damage", list(HOSTILE))
def test_a_damaged_file_reads_as_it_does_without_the_prefetch(tmp_path, monkeypatch,
                                                              force_prefetch, damage) -> None:
    path = _write(tmp_path, HEADER + "\n" + "\n".join(HOSTILE[damage](_rows())) + "\n")
    _same(*_read_both(path, monkeypatch))
    # Arrow refuses a ragged row and an unclosed quote's line in the thread, as it would here.
    assert force_prefetch == [damage not in ("unclosed quote", "ragged row")]


def test_a_nul_byte_is_refused_with_its_line_and_nothing_is_parsed(tmp_path, monkeypatch,
                                                                    force_prefetch) -> None:
    rows = _rows(40_000)
    rows[39_000] = rows[39_000].replace("RXX", "R\x00X")  # past the first megabyte
    path = _write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    assert path.stat().st_size > prefetch.HEAD_BYTES * 1.2
    early = prefetch.start(path, LIMITS)
    assert early.scan.first_nul > prefetch.HEAD_BYTES
    assert early.take_parsed() is None
    with_prefetch, without = _read_both(path, monkeypatch)
    assert "Line 39,002, column 'Organisation code'" in with_prefetch
    assert with_prefetch == without


def test_too_many_rows_are_refused_before_the_prefetch_parses(tmp_path, monkeypatch,
                                                              force_prefetch) -> None:
    path = _write(tmp_path, HEADER + "\n" + "\n".join(_rows()) + "\n")
    limits = ReadLimits(max_rows=2_999)
    early = prefetch.start(path, limits)
    assert early.scan.lines == 3_001
    assert early.take_parsed() is None
    with_prefetch, without = _read_both(path, monkeypatch, limits=limits)
    assert "The file has 3,000 lines below the header; at most 2,999" in with_prefetch
    assert with_prefetch == without


def test_a_file_over_the_size_limit_or_with_a_nul_in_its_head_is_not_prefetched(
        tmp_path, force_prefetch) -> None:
    path = _write(tmp_path, HEADER + "\n" + "\n".join(_rows()) + "\n")
    assert prefetch.start(path, ReadLimits(max_unpacked_bytes=1_000)) is None
    path.write_bytes(path.read_bytes().replace(b"RXX", b"R\x00X", 1))
    assert prefetch.start(path, LIMITS) is None


def test_not_utf8_after_the_head_reads_as_without_the_prefetch(tmp_path, monkeypatch,
                                                               force_prefetch) -> None:
    rows = _rows(40_000)  # past the first megabyte, which is sniffed
    rows[-5] = rows[-5].replace("RXX", "R\u00e9X")
    path = tmp_path / "staff.csv"
    path.write_bytes((HEADER + "\n" + "\n".join(rows[:-5]) + "\n").encode()
                     + ("\n".join(rows[-5:]) + "\n").encode("cp1252"))
    with_prefetch, without = _read_both(path, monkeypatch)
    _same(with_prefetch, without)
    assert "read again as Windows-1252" in " ".join(with_prefetch.report.notes)


def test_a_wanted_column_the_prefetch_left_out_is_parsed_as_usual(tmp_path, monkeypatch,
                                                                  force_prefetch) -> None:
    # 'Comment' has no known name, so the prefetch leaves it out; mapped by hand it is read.
    path = _write(tmp_path, HEADER + "\n" + "\n".join(_rows()) + "\n")
    with_prefetch, without = _read_both(path, monkeypatch, mapping={"staff_group": "Comment"})
    assert force_prefetch[0] is False  # discarded: it lacks the column
    _same(with_prefetch, without)


def test_the_prefetch_knows_the_same_column_names_as_the_reader() -> None:
    assert prefetch.alias_keys() == frozenset(column_aliases())


def test_reading_leaves_garbage_collection_as_it_was(tmp_path) -> None:
    # read_table pauses collection while it imports the steps, and only then.
    path = _write(tmp_path, HEADER + "\n" + "\n".join(_rows(30)) + "\n")
    assert read_table(path).report.rows_used == 30
    assert gc.isenabled()
    gc.disable()
    try:
        read_table(path)
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()


def test_importing_the_reader_does_not_import_pandas() -> None:
    # The prefetch overlaps pandas' import only if that import comes after it starts.
    code = ("import sys; from wres_core.ingest import read_table, LIMITS; "
            "print('pandas' in sys.modules, 'wres_core.ingest.build' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2]).stdout.split()
    assert out == ["False", "False"]
