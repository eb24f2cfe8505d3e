"""A CSV given as a path is read again from disk for its line count and Arrow's parse (so the
memory map never becomes resident as a whole); it must read exactly as the same bytes do.

Expected counts follow from how the files are built: row ``i`` is Black when ``i % 3 == 0``.
"""

from __future__ import annotations

import pytest

from wres_core.errors import IngestError
from wres_core.ingest import read_table, source

ROWS = 36_000  # about 1.1 MB: past the first megabyte that is sniffed from memory


def _staff_csv(bom: bool) -> bytes:
    # Ethnicity first: a file offset a few bytes out would cut the first row's label.
    lines = ["Ethnicity,Staff number,Organisation code,Year,Pay band"]
    lines += [f"{'Black' if i % 3 == 0 else 'White'},P{i:07d},RXX,2024,Band 5"
              for i in range(ROWS)]
    return (b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "utf8-bom"])
def test_a_path_reads_as_its_bytes(tmp_path, monkeypatch, bom: bool) -> None:
    def no_slow_reader(*args, **kwargs):
        raise AssertionError("the file should be read by Arrow, not by the Python reader")

    monkeypatch.setattr(source, "_python_csv", no_slow_reader)
    data = _staff_csv(bom)
    assert len(data) > source.HEAD_BYTES
    path = tmp_path / "staff.csv"
    path.write_bytes(data)
    for result in (read_table(path), read_table(data, name="staff.csv")):
        counts = result.table.groupby("ethnicity", observed=True)["headcount"].sum()
        assert counts.to_dict() == {"White": 24_000, "BME": 12_000}
        assert result.report.rows_used == ROWS
        assert result.report.layout == "staff"


def test_a_nul_byte_past_the_first_megabyte_is_found_on_disk(tmp_path) -> None:
    data = bytearray(_staff_csv(bom=True))
    where = data.index(b"P0029000")  # data row 29,001: file line 29,002
    data[where + 3] = 0
    path = tmp_path / "staff.csv"
    path.write_bytes(bytes(data))
    with pytest.raises(IngestError, match=r"Line 29,002, column 'Staff number': This cell "
                                          r"holds a NUL \(zero\) byte"):
        read_table(path)
