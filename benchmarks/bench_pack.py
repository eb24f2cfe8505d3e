"""Workshop pack speed: the PDF and the Excel workbook of one trust, after the data are loaded.

Target (issue 10): under 5 seconds for one trust once the data are loaded and analysed (the
app caches the analysis). The first build in a process also pays for starting vl-convert and
reading the font; both are printed. Baseline, measured in the same run: the same charts
rendered with Altair's schema validation on (``to_json()``, what a first version did), and
the stage-table CSV, the cheapest export, for scale.

    python benchmarks/bench_pack.py [--org SYN041 --org SYN120] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import vl_convert

# Run from anywhere: the repository root holds the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wres_core.analysis import analyse_dataset
from wres_core.exports import images
from wres_core.exports.pack import build_pack, pack_context
from wres_core.exports.pdf import pdf_bytes
from wres_core.exports.xlsx import workbook_bytes
from wres_core.ingest import load_dataset
from wres_core.peers import PeerUniverse
from wres_core.reports import stage_table_csv

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TARGET_SECONDS = 5.0


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


def render(charts: list, *, validate: bool) -> list[bytes]:
    return [vl_convert.vegalite_to_png(c.to_json(validate=validate), scale=images.PNG_SCALE)
            for c in charts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", action="append", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    orgs = args.org or ["SYN041", "SYN120"]

    data = load_dataset([SAMPLE / "national_workforce.csv", SAMPLE / "national_recruitment.csv"])
    results = analyse_dataset(data.workforce, data.recruitment)
    universe = PeerUniverse.from_results(results, synthetic=True, source="sample")

    first = results.trust(orgs[0])
    cold, pack = timed(lambda: build_pack(pack_context(first, universe=universe,
                                                      reports=data.reports)))
    print(f"first pack in this process (vl-convert start, font read): {cold:.2f} s, "
          f"PDF {len(pack.pdf) / 1024:.0f} kB, workbook {len(pack.xlsx) / 1024:.0f} kB")

    for org in orgs:
        analysis = results.trust(org)
        totals, contexts, pdfs, workbooks = [], [], [], []
        for _ in range(args.repeat):
            t_context, context = timed(pack_context, analysis, universe=universe,
                                       reports=data.reports)
            t_pdf, _ = timed(pdf_bytes, context)
            t_xlsx, _ = timed(workbook_bytes, context)
            contexts.append(t_context)
            pdfs.append(t_pdf)
            workbooks.append(t_xlsx)
            totals.append(t_context + t_pdf + t_xlsx)
        csv_seconds = statistics.median(timed(stage_table_csv, analysis.stage_table)[0]
                                        for _ in range(args.repeat))
        protected = context.protected
        charts = [images.protected_funnel_chart(protected), images.protected_stage_chart(protected)]
        validated = statistics.median(timed(render, charts, validate=True)[0]
                                      for _ in range(args.repeat))
        unvalidated = statistics.median(timed(render, charts, validate=False)[0]
                                        for _ in range(args.repeat))
        total = statistics.median(totals)
        print(f"{org} ({analysis.org.name}): pack {total:.2f} s (median of {args.repeat}; "
              f"target < {TARGET_SECONDS:.0f} s: {'met' if total < TARGET_SECONDS else 'NOT met'})"
              f" = context and peers {statistics.median(contexts):.2f} s + PDF "
              f"{statistics.median(pdfs):.2f} s + workbook {statistics.median(workbooks):.2f} s")
        print(f"    baseline: the two charts with schema validation {validated:.2f} s, without "
              f"{unvalidated:.2f} s ({validated / unvalidated:.1f}x); stage CSV "
              f"{csv_seconds * 1000:.0f} ms (the pack is {total / csv_seconds:.0f}x it)")


if __name__ == "__main__":
    main()
