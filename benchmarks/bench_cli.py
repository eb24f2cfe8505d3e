"""Benchmark: the whole command line on the national sample files, against a naive scipy loop.

Run from anywhere:

    python benchmarks/bench_cli.py [--runs 3] [--sample 500] [--seed 20240331]

It times, end to end in a subprocess (interpreter start, imports, reading both CSV files,
every stage of every trust and year, bottlenecks, representation, JSON written to a pipe):

    python -m wres_core analyse sample_data/national_workforce.csv \\
        sample_data/national_recruitment.csv --all --json

best of ``--runs`` (target: under 5 s on a 2-core machine), and the peak resident memory of
those runs (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``: the largest child, i.e. the
CLI, since no other child process is started before it is read).

As the baseline, in the same run, a naive approach: a Python loop over every trust x year x
stage calling, per table, ``scipy.stats.contingency.odds_ratio(kind="conditional")`` and its
``confidence_interval()`` plus ``scipy.stats.fisher_exact`` (band and tier stages), or
``scipy.stats.contingency.relative_risk(...).confidence_interval()`` plus ``fisher_exact``
(recruitment stages). Looping over all ~17,700 tables would take minutes, so a random subset
of ``--sample`` tables (seeded) is timed and the time extrapolated to all tables; the output
says so. The tables themselves (the stage counts) are built once with the engine and are
not part of the naive time, so the comparison flatters the naive loop: it leaves out reading
the files, p-value adjustment, bottlenecks, sentences and JSON.

Nothing is asserted; the script prints the figures (and writes them as JSON with --output).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WORKFORCE = REPO / "sample_data" / "national_workforce.csv"
RECRUITMENT = REPO / "sample_data" / "national_recruitment.csv"
COMMAND = [sys.executable, "-m", "wres_core", "analyse", str(WORKFORCE), str(RECRUITMENT),
           "--all", "--json"]
TARGET_SECONDS = 5.0


def time_cli(runs: int) -> tuple[list[float], int, int]:
    """Wall times of ``runs`` CLI runs, the bytes of JSON written, and the peak RSS (KiB)."""
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(COMMAND, cwd=REPO, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"the CLI failed ({done.returncode}):\n{done.stderr.decode()}")
        size = len(done.stdout)
        document = json.loads(done.stdout)
        if len(document["orgs"]) != 215:
            raise SystemExit(f"expected 215 organisations, got {len(document['orgs'])}")
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if sys.platform == "darwin":
        peak //= 1024
    return times, size, peak


def stage_tables() -> dict[str, np.ndarray]:
    """Every trust x year x stage table of the national files, as the CLI builds them."""
    from wres_core.ingest import load_dataset
    from wres_core.stages import stage_counts

    dataset = load_dataset([WORKFORCE, RECRUITMENT])
    counts = stage_counts(dataset.workforce, dataset.recruitment)
    return {"ratio_kind": counts["ratio_kind"].to_numpy(),
            **{c: counts[c].to_numpy(dtype=np.int64)
               for c in ("white_to", "white_from", "bme_to", "bme_from")}}


def naive_loop(tables: dict[str, np.ndarray], rows: np.ndarray) -> int:
    """Per table: the scipy ratio, its interval and Fisher's test. Returns tables skipped."""
    from scipy.stats import fisher_exact
    from scipy.stats.contingency import odds_ratio, relative_risk

    skipped = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in rows:
            wt, wf = int(tables["white_to"][i]), int(tables["white_from"][i])
            bt, bf = int(tables["bme_to"][i]), int(tables["bme_from"][i])
            try:
                if tables["ratio_kind"][i] == "odds":
                    table = [[wt, wf], [bt, bf]]
                    odds_ratio(table, kind="conditional").confidence_interval(0.95)
                else:
                    relative_risk(wt, wf, bt, bf).confidence_interval(0.95)
                    table = [[wt, wf - wt], [bt, bf - bt]]
                fisher_exact(table)
            except ValueError:  # an empty group: scipy refuses the table
                skipped += 1
    return skipped


def time_trends() -> tuple[float, float, int]:
    """In process: the whole analysis of every trust and year, and then the trends, targets
    and their JSON keys for every trust and stage (what ``--json`` adds with several years)."""
    from wres_core.analysis import analyse_dataset
    from wres_core.ingest import load_dataset
    from wres_core.reports import stage_trend_json
    from wres_core.targets import stage_targets
    from wres_core.trends import stage_trends

    dataset = load_dataset([WORKFORCE, RECRUITMENT])
    start = time.perf_counter()
    results = analyse_dataset(dataset.workforce, dataset.recruitment)
    analysis = time.perf_counter() - start
    start = time.perf_counter()
    trends = stage_trends(results.stages)
    stage_trend_json(trends, stage_targets(results.stages), len(results.years))
    return analysis, time.perf_counter() - start, len(trends.summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="CLI runs (best is reported)")
    parser.add_argument("--sample", type=int, default=500,
                        help="tables in the timed naive loop (extrapolated to all)")
    parser.add_argument("--seed", type=int, default=20240331)
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPU(s)")
    print("command:", " ".join(["python", *COMMAND[1:]]).replace(str(REPO) + os.sep, ""))
    times, size, peak_kib = time_cli(args.runs)
    best = min(times)
    print(f"CLI --all --json, end to end: best {best:.2f} s of {args.runs} "
          f"({', '.join(f'{t:.2f}' for t in times)} s); {size / 1e6:.1f} MB of JSON; "
          f"target < {TARGET_SECONDS:.0f} s: {'met' if best < TARGET_SECONDS else 'NOT met'}")
    print(f"CLI peak memory (max RSS of the child processes): {peak_kib / 1024:.0f} MiB")

    analysis_s, trends_s, n_trends = time_trends()
    print(f"in process: trends, targets and their JSON keys for all {n_trends:,} trust x "
          f"stage series: {trends_s:.2f} s, beside the analysis of every trust and year: "
          f"{analysis_s:.2f} s")

    tables = stage_tables()
    total = len(tables["white_to"])
    rng = np.random.default_rng(args.seed)
    rows = rng.choice(total, size=min(args.sample, total), replace=False)
    start = time.perf_counter()
    skipped = naive_loop(tables, rows)
    naive_sample = time.perf_counter() - start
    naive_total = naive_sample * total / len(rows)
    kinds = dict(zip(*np.unique(tables["ratio_kind"][rows], return_counts=True)))
    print(f"naive scipy loop: {naive_sample:.2f} s for a random {len(rows)} of {total:,} "
          f"tables ({kinds.get('odds', 0)} odds, {kinds.get('risk', 0)} risk; {skipped} "
          f"refused by scipy), extrapolated to all {total:,}: {naive_total:.1f} s "
          "(statistics only: no file reading, adjustment, bottlenecks or JSON)")
    print(f"speed-up of the whole CLI over the naive statistics loop: "
          f"{naive_total / best:.1f}x")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps({
            "cli_best_s": best, "cli_runs_s": times, "cli_peak_rss_mib": peak_kib / 1024,
            "json_bytes": size, "tables": total, "naive_sample": len(rows),
            "naive_sample_s": naive_sample, "naive_extrapolated_s": naive_total,
            "naive_skipped": skipped, "speed_up": naive_total / best,
            "trends_s": trends_s, "analysis_s": analysis_s}, indent=1))


if __name__ == "__main__":
    main()
