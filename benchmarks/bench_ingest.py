"""Benchmark: the reader's speed and memory, each figure beside its baseline (issue 12, item 7).

Every figure is printed beside a baseline measured in the same run, on the same files, so that
the ratio is fair even on a busy machine (the load average is printed too):

1. a 40,000 x 10 staff-level .xlsx sheet: ``open_table`` + loading every column (our reader)
   and ``read_table`` (the whole read) against bare python-calamine (open, read the sheet,
   to Python values) and openpyxl read-only (values of every cell), in this process;
2. the 1.5-million-row staff-level CSV (ESR-like: Assignment Number, Organisation, Staff Group,
   Pay Band, Ethnic Origin, Gender, Age Band, FTE, Snapshot Date; ~200 organisations, messy
   labels, some blank ethnicity, a few repeated assignment numbers): a whole process running
   ``read_table`` against a whole process running a bare ``pyarrow.csv.read_csv`` of the same
   file, wall time and CPU time, ratio (target at most 1.5), best of the rounds and each
   round's; our modules are byte-compiled first, as an install compiles them; every timed
   process follows a throwaway one that touches 2 GB (``_warm_memory``:
   this virtual machine hands idle memory back to its host, which made the baseline swing);
3. the peak resident memory (``ru_maxrss`` of each child, from ``os.wait4``) of both
   processes, against the file's size (target at most 3 times);
4. the command line's start-up (importing ``wres_core.cli``, ``peers`` and ``analysis``, as
   ``tests/unit/test_import_cost.py`` does) with and without ``import scipy.stats``.

    python benchmarks/bench_ingest.py [--rows 1500000] [--sheet-rows 40000] [--repeat 3]
                                      [--cp1252] [--skip-xlsx] [--skip-csv] [--against DIR]

``--against DIR`` also times ``read_table`` from another checkout (for example main's
worktree) in the same alternation, so a change is measured against its parent fairly.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PLACES = ["Ashvale", "Brookfield", "Cedarwood", "Dunmore", "Elmbridge", "Fairhaven",
          "Glenmoor", "Hartley", "Abbot’s Marrow", "Saint Agnès"]  # ’ and è test encodings
KINDS = ["Acute", "Community", "Mental Health", "Teaching", "General", "Hospitals",
         "Healthcare", "Partnership", "Ambulance", "University", "District", "Royal", "County",
         "City", "Valley", "Coast", "Moor", "Vale", "Park", "Hill"]
STAFF_GROUPS = ["Nursing and Midwifery Registered", "Additional Clinical Services",
                "Administrative and Clerical", "Allied Health Professionals",
                "Estates and Ancillary", "Medical and Dental", "Healthcare Scientists",
                "Add Prof Scientific and Technic", "Students"]
BANDS = ["Band 1", "Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7",
         "Band 8 - Range A", "Band 8 - Range B", "Band 8 - Range C", "Band 8 - Range D",
         "Band 9", "Very Senior Manager", "band 5 ", " Band 6", "AfC Band 8A"]
GRADES = ["Consultant", "Specialty Doctor", "Foundation Year 1", "Specialty Registrar"]
ETHNIC = ["A White - British", "B White - Irish", "C White - Any other White background",
          "C2 White Northern Irish", "D Mixed - White & Black Caribbean",
          "F Mixed - White & Asian", "H Asian or Asian British - Indian",
          "J Asian or Asian British - Pakistani", "LK Asian Sri Lankan", "LE Asian Sri Lankan",
          "M Black or Black British - Caribbean", "N Black or Black British - African",
          "PE Black Unspecified", "R Chinese", "S Any Other Ethnic Group", "Z Not Stated",
          "Unspecified", ""]
ETHNIC_WEIGHTS = np.array([50, 3, 8, 1, 1, 1, 8, 3, 2, 1, 3, 7, 1, 1, 2, 5, 1, 2], float)


def write_extract(path: Path, rows: int, seed: int = 20240331, encoding: str = "utf-8") -> None:
    rng = np.random.default_rng(seed)
    orgs = np.array([f"SYN{100 + i} {p} {k} Trust (synthetic)"
                     for i, (p, k) in enumerate((p, k) for p in PLACES for k in KINDS)],
                    dtype=object)
    org = rng.integers(0, len(orgs), rows)
    group = rng.choice(len(STAFF_GROUPS), rows, p=[.25, .2, .22, .1, .06, .1, .03, .03, .01])
    medical = group == STAFF_GROUPS.index("Medical and Dental")
    band = np.where(medical,
                    rng.choice(np.array(GRADES, dtype=object), rows),
                    rng.choice(np.array(BANDS, dtype=object), rows,
                               p=[.01, .12, .14, .1, .2, .17, .12, .05, .03, .02, .01, .01, .01,
                                  .005, .005, .0]))
    ethnic = rng.choice(np.array(ETHNIC, dtype=object), rows,
                        p=ETHNIC_WEIGHTS / ETHNIC_WEIGHTS.sum())
    number = rng.integers(10_000_000, 99_999_999, rows)
    repeat = rng.random(rows) < 0.001  # a few people listed twice
    number[1:][repeat[1:]] = number[:-1][repeat[1:]]
    org[1:][repeat[1:]] = org[:-1][repeat[1:]]
    suffix = np.where(rng.random(rows) < 0.1, "-2", "-1")
    snapshot = rng.choice(np.array(["31/03/2023", "31/03/2024"], dtype=object), rows)
    gender = rng.choice(np.array(["Female", "Male"], dtype=object), rows, p=[.77, .23])
    age = rng.choice(np.array(["<=20 Years", "21-25", "26-30", "31-35", "36-40", "41-45",
                               "46-50", "51-55", "56-60", "61-65", ">=71 Years"], dtype=object),
                     rows)
    fte = rng.choice(np.array(["1", "0.8", "0.6", "1.0", "0.53"], dtype=object), rows)
    table = pa.table({
        "Assignment Number": pa.array(np.char.add(number.astype(str), suffix)),
        "Organisation": pa.array(orgs[org]),
        "Staff Group": pa.array(np.array(STAFF_GROUPS, dtype=object)[group]),
        "Pay Band": pa.array(band),
        "Ethnic Origin": pa.array(ethnic),
        "Gender": pa.array(gender),
        "Age Band": pa.array(age),
        "FTE": pa.array(fte),
        "Snapshot Date": pa.array(snapshot),
    })
    pcsv.write_csv(table, str(path), pcsv.WriteOptions(quoting_style="needed"))
    if encoding != "utf-8":
        path.write_bytes(path.read_bytes().decode("utf-8").encode(encoding))


def write_workbook(path: Path, rows: int, seed: int = 20240331) -> None:
    """A staff-level sheet of ``rows`` x 10 (numbers, text and dates, as ESR exports them)."""
    import datetime as dt

    import openpyxl

    rng = np.random.default_rng(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Staff")
    sheet.append(["Assignment Number", "Organisation", "Staff Group", "Pay Band",
                  "Ethnic Origin", "Gender", "Age Band", "FTE", "Snapshot Date", "Hours"])
    groups = rng.integers(0, len(STAFF_GROUPS), rows)
    bands = rng.integers(0, len(BANDS), rows)
    ethnic = rng.choice(len(ETHNIC), rows, p=ETHNIC_WEIGHTS / ETHNIC_WEIGHTS.sum())
    fte = rng.choice([1.0, 0.8, 0.6, 0.53], rows)
    snapshot = dt.datetime(2024, 3, 31)
    for i in range(rows):
        sheet.append([10_000_000 + i, "SYN101 Ashvale Acute Trust (synthetic)",
                      STAFF_GROUPS[groups[i]], BANDS[bands[i]], ETHNIC[ethnic[i]],
                      "Female" if i % 4 else "Male", "31-35", float(fte[i]), snapshot,
                      round(float(fte[i]) * 37.5, 2)])
    book.save(path)


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def _load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} CPUs"


_SPIN_CHILD = "x = 0\nfor i in range(3_000_000): x += i"


def _cpus_free() -> str:
    """How many CPUs this run really has: two CPU-bound children at once against one alone.

    The load average counts other machines' work on a shared host poorly; the bare read uses
    both CPUs and read_table overlaps its imports with its parse only when a second CPU is
    free, so the time ratio depends on this."""
    def spin() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", _SPIN_CHILD])

    start = time.perf_counter()
    spin().wait()
    alone = time.perf_counter() - start
    start = time.perf_counter()
    pair = [spin(), spin()]
    for child in pair:
        child.wait()
    together = time.perf_counter() - start
    return (f"about {2 * alone / together:.1f} CPUs free (two CPU-bound processes at once "
            f"took {together / alone:.2f} times as long as one)")


def bench_xlsx(folder: Path, rows: int, repeat: int) -> None:
    import openpyxl
    import python_calamine

    from wres_core.ingest import read_table
    from wres_core.ingest.limits import LIMITS
    from wres_core.ingest.source import open_table

    path = folder / "staff_40k.xlsx"
    start = time.perf_counter()
    write_workbook(path, rows)
    print(f"\n1. xlsx: wrote a {rows:,} x 10 sheet, {path.stat().st_size / 1e6:.1f} MB, in "
          f"{time.perf_counter() - start:.1f} s ({_load_average()})")
    data = path.read_bytes()

    def bare_calamine():
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return book.get_sheet_by_name("Staff").to_python(skip_empty_area=False)

    def bare_openpyxl():
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [row for row in book["Staff"].iter_rows(values_only=True)]
        finally:
            book.close()

    def ours():
        raw = open_table(data, "staff_40k.xlsx", None, LIMITS)
        return raw.load(range(len(raw.headers)))

    t_calamine, values = _best(bare_calamine, repeat)
    assert len(values) == rows + 1
    t_ours, loaded = _best(ours, repeat)
    assert loaded.nrows == rows
    t_whole, result = _best(lambda: read_table(data, name="staff_40k.xlsx"), repeat)
    t_openpyxl, _ = _best(bare_openpyxl, 1)
    print(f"   bare python-calamine (sheet to Python values): {t_calamine:7.3f} s")
    print(f"   our reader (open_table + every column loaded): {t_ours:7.3f} s   "
          f"{t_ours / t_calamine:.2f} x calamine")
    print(f"   read_table (the whole read, {result.report.rows_used:,} rows used):  "
          f"{t_whole:7.3f} s   {t_whole / t_calamine:.2f} x calamine")
    print(f"   openpyxl read-only (every cell's value, once): {t_openpyxl:7.3f} s   "
          f"{t_openpyxl / t_calamine:.2f} x calamine  (the reader before issue 12)")
    print(f"   ({_load_average()})")


_ARROW_CHILD = ("import sys, pyarrow.csv as c; "
                "c.read_csv(sys.argv[1], read_options=c.ReadOptions(encoding=sys.argv[2]))")
_OURS_CHILD = "import sys; from wres_core.ingest import read_table; read_table(sys.argv[1])"


_WARM_CHILD = "import numpy as np; np.ones(1 << 28)"  # 2 GB written once, then freed


def _compiled(checkout: Path) -> None:
    """Byte-compile a checkout's ``wres_core`` once, as installing it or its first run would:
    this machine sets PYTHONDONTWRITEBYTECODE, so without this every timed process compiled
    our modules from source (about 0.1 s) while pandas and pyarrow came compiled."""
    compileall.compile_dir(str(checkout / "wres_core"), quiet=1)


def _warm_memory() -> None:
    """Touch 2 GB in a throwaway process before each timed one.

    This machine is a virtual machine whose kernel hands memory no process uses back to the
    host (``kdamond``); a process that then allocates its first 700 MB waits for the host at
    every page. Unwarmed, the bare read's time swung from 0.43 s to 0.96 s within an hour,
    55-70% of its CPU in the kernel; warmed, it takes 0.40-0.47 s with about 15% in the
    kernel, as on a machine with memory of its own (figures in RESULTS.md, session 6)."""
    subprocess.run([sys.executable, "-c", _WARM_CHILD], check=True)


def _kernel_share(runs: list[tuple[float, float, float, float]]) -> str:
    shares = sorted(r[3] / r[1] for r in runs if r[1] > 0)
    return f"{shares[0]:.0%}-{shares[-1]:.0%}" if shares else "unknown"


def _child(code: str, *args: str, cwd: Path = REPO
           ) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds, peak resident MB and kernel CPU seconds of a fresh Python
    running ``code`` (in ``cwd``, whose ``wres_core`` it imports)."""
    _warm_memory()
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=cwd)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"child failed ({child.returncode}): {code}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, usage.ru_stime


def bench_csv(folder: Path, rows: int, repeat: int, cp1252: bool,
              against: Path | None = None) -> None:
    path = folder / "esr_extract_2024.csv"
    start = time.perf_counter()
    write_extract(path, rows, encoding="cp1252" if cp1252 else "utf-8")
    size_mb = path.stat().st_size / 1e6
    print(f"\n2-3. staff-level CSV: wrote {rows:,} rows, {size_mb:.0f} MB, in "
          f"{time.perf_counter() - start:.1f} s ({_load_average()}; {_cpus_free()})")
    encoding = "cp1252" if cp1252 else "utf8"  # the baseline is told; read_table finds out
    for checkout in (REPO, against) if against is not None else (REPO,):
        _compiled(checkout)
    arrow, ours, other = [], [], []
    for _ in range(repeat):  # alternate, so that all see the same load
        arrow.append(_child(_ARROW_CHILD, str(path), encoding))
        ours.append(_child(_OURS_CHILD, str(path)))
        if against is not None:
            other.append(_child(_OURS_CHILD, str(path), cwd=against))
    a_wall, a_cpu, a_rss = (min(x[i] for x in arrow) for i in range(3))
    o_wall, o_cpu, o_rss = (min(x[i] for x in ours) for i in range(3))
    print(f"   whole process, best of {repeat}:        wall s   CPU s   peak RSS MB")
    print(f"   bare pyarrow.csv.read_csv        {a_wall:8.2f} {a_cpu:7.2f} {a_rss:10.0f}")
    print(f"   read_table                       {o_wall:8.2f} {o_cpu:7.2f} {o_rss:10.0f}")
    if other:
        t_wall, t_cpu, t_rss = (min(x[i] for x in other) for i in range(3))
        print(f"   read_table in {str(against)[-18:]:18s} {t_wall:8.2f} {t_cpu:7.2f} "
              f"{t_rss:10.0f}   (--against; time ratio {t_wall / a_wall:.2f})")
    print(f"   time ratio (wall): {o_wall / a_wall:.2f} (target at most 1.5); CPU: "
          f"{o_cpu / a_cpu:.2f}; {_cpus_free()}")
    # Each round's ratio too: the spread says how steady the machine was (_warm_memory).
    rounds = sorted(o[0] / a[0] for a, o in zip(arrow, ours))
    print(f"   each round's ratio (ours / bare, run one after the other): median "
          f"{float(np.median(rounds)):.2f}, from {rounds[0]:.2f} to {rounds[-1]:.2f}; bare "
          f"wall {min(x[0] for x in arrow):.2f}-{max(x[0] for x in arrow):.2f} s, kernel "
          f"share of its CPU {_kernel_share(arrow)}")
    print(f"   peak RSS / file size: {o_rss / size_mb:.2f} (target at most 3); the bare "
          f"pyarrow read: {a_rss / size_mb:.2f}")
    print(f"   ({_load_average()})")


_START_CODE = "import wres_core.cli, wres_core.peers, wres_core.analysis"


def bench_start(repeat: int) -> None:
    _compiled(REPO)
    without = min(_child(_START_CODE)[0] for _ in range(repeat))
    with_stats = min(_child("import scipy.stats; " + _START_CODE)[0] for _ in range(repeat))
    bare = min(_child("pass")[0] for _ in range(repeat))
    print(f"\n4. command line start-up (best of {repeat}, whole process):")
    print(f"   python alone:                      {bare:.2f} s")
    print(f"   the CLI's imports (no scipy.stats): {without:.2f} s")
    print(f"   the same with import scipy.stats:  {with_stats:.2f} s  "
          f"(+{with_stats - without:.2f} s)")
    print(f"   ({_load_average()})")


def main() -> None:
    """Write the files, time each reader beside its baseline and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--sheet-rows", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cp1252", action="store_true",
                        help="write the CSV in Windows-1252 instead of UTF-8")
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--skip-csv", action="store_true")
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout whose read_table is timed alongside")
    args = parser.parse_args()
    print(f"bench_ingest: {_load_average()}, pyarrow {pa.__version__}")
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_xlsx:
            bench_xlsx(Path(folder), args.sheet_rows, args.repeat)
        if not args.skip_csv:
            bench_csv(Path(folder), args.rows, args.repeat, args.cp1252, args.against)
    bench_start(args.repeat)


if __name__ == "__main__":
    main()
