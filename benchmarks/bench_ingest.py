"""Benchmark: read a 1.5-million-row staff-level extract.

Writes a seeded, ESR-like CSV (Assignment Number, Organisation, Staff Group, Pay Band, Ethnic
Origin, Gender, Age Band, FTE, Snapshot Date; ~200 organisations, messy labels, some blank
ethnicity, a few repeated assignment numbers) to a temporary folder, then times
``pyarrow.csv.read_csv`` alone and ``wres_core.ingest.read_table`` (read, normalise, check,
aggregate to headcounts by organisation x year x staff group x band x ethnic group) on the same
file, and prints both, their ratio and peak memory. The target is a ratio under 3.

    python benchmarks/bench_ingest.py [--rows 1500000] [--repeat 3] [--cp1252]
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wres_core.ingest import read_table

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


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    """Write the extract, time both readers and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cp1252", action="store_true",
                        help="write the file in Windows-1252 instead of UTF-8")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "esr_extract_2024.csv"
        start = time.perf_counter()
        write_extract(path, args.rows, encoding="cp1252" if args.cp1252 else "utf-8")
        print(f"wrote {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB in "
              f"{time.perf_counter() - start:.1f} s")
        # The baseline is told the encoding; read_table has to find it out.
        options = pcsv.ReadOptions(encoding="cp1252" if args.cp1252 else "utf8")
        t_arrow, table = _best(lambda: pcsv.read_csv(path, read_options=options), args.repeat)
        del table
        t_ours, result = _best(lambda: read_table(path), args.repeat)
        report = result.report
        del result
        gc.collect()
        tracemalloc.start()
        read_table(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pyarrow.csv.read_csv: {t_arrow:.3f} s")
    print(f"read_table:           {t_ours:.3f} s")
    print(f"ratio:                {t_ours / t_arrow:.2f} (target < 3)")
    print(f"peak memory: tracemalloc {peak / 1e6:.0f} MB (Python and numpy allocations); "
          f"max RSS {rss:.0f} MB (whole process, includes pyarrow)")
    print(f"rows read {report.rows_read:,}, used {report.rows_used:,}, excluded "
          f"{report.rows_excluded:,}: {report.excluded_by_reason()}")


if __name__ == "__main__":
    main()
