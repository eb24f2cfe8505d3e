"""Benchmark: the whole command line on the national sample files, beside baselines run the same
way in the same run.

Run from anywhere:

    python benchmarks/bench_cli.py [--runs 3] [--sample 500] [--seed 20240331] [--no-naive]

It times, end to end in a subprocess (interpreter start, imports, reading every file,
every stage of every trust and year, bottlenecks, representation, trends and targets, the
scorecard of every trust, JSON written to a file):

    python -m wres_core analyse sample_data/national_*.csv --all --json

(the glob: workforce, recruitment, and the scorecard's board, disciplinary, staff survey and
training files), best of ``--runs`` (target: under 5 s on a 2-core machine; issue 9), and the
peak resident memory of each run (``os.wait4``'s ``ru_maxrss`` of that child alone; Linux
carries the high-water mark across ``exec``, so no child reads below this script's own size
at the fork, about 100 MiB: the start-up baseline shows that floor).

Baselines, each a subprocess timed in the same way and interleaved with the CLI's runs, so a
busy machine slows them alike:

* ``python -c pass``: the interpreter's start;
* a bare ``pandas.read_csv`` of the same CSV files (``import pandas`` included): the floor for
  any tool that reads them;
* unless ``--no-naive``, a naive statistics loop in process: per trust x year x stage,
  ``scipy.stats.contingency.odds_ratio(kind="conditional")`` and its
  ``confidence_interval()`` plus ``scipy.stats.fisher_exact`` (band and tier stages), or
  ``scipy.stats.contingency.relative_risk(...).confidence_interval()`` plus ``fisher_exact``
  (recruitment stages). Looping over all ~17,700 tables would take minutes, so a random subset
  of ``--sample`` tables (seeded) is timed and the time extrapolated to all tables; the output
  says so. The comparison flatters the naive loop: it leaves out reading the files, p-value
  adjustment, bottlenecks, sentences, the scorecard and JSON.

Nothing is asserted; the script prints the figures and the load average (and writes them as
JSON with --output).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SAMPLE = REPO / "sample_data"
NATIONAL = sorted(SAMPLE.glob("national_*.csv"))
WORKFORCE = SAMPLE / "national_workforce.csv"
RECRUITMENT = SAMPLE / "national_recruitment.csv"
COMMAND = [sys.executable, "-m", "wres_core", "analyse", *map(str, NATIONAL), "--all",
           "--json"]
START_ONLY = [sys.executable, "-c", "pass"]
BARE_READ = [sys.executable, "-c",
             "import sys, pandas\nfor name in sys.argv[1:]: pandas.read_csv(name)",
             *map(str, NATIONAL)]
TARGET_SECONDS = 5.0


def run_child(command: list[str]) -> tuple[float, bytes, float]:
    """Wall time, standard output and peak RSS (MiB) of one subprocess run."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{command[:3]} failed ({child.returncode}):\n"
                             f"{err.read().decode()[-2000:]}")
        # ru_maxrss is in KiB on Linux (bytes on macOS).
        peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        return seconds, out.read(), peak


def time_commands(runs: int) -> dict[str, dict]:
    """``runs`` rounds of: start-up, bare read, the CLI (interleaved)."""
    figures = {name: {"times": [], "peak_mib": 0.0}
               for name in ("python -c pass", "bare pandas read", "CLI")}
    size = 0
    for _ in range(runs):
        for name, command in (("python -c pass", START_ONLY), ("bare pandas read", BARE_READ),
                              ("CLI", COMMAND)):
            seconds, stdout, peak = run_child(command)
            figures[name]["times"].append(seconds)
            figures[name]["peak_mib"] = max(figures[name]["peak_mib"], peak)
            if name == "CLI":
                size = len(stdout)
                document = json.loads(stdout)
                if len(document["orgs"]) != 215:
                    raise SystemExit(f"expected 215 organisations, got "
                                     f"{len(document['orgs'])}")
                if not document["orgs"][0]["indicators"][2]["available"]:
                    raise SystemExit("the scorecard files were not read: indicator 3 missing")
    figures["CLI"]["json_bytes"] = size
    return figures


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
    parser.add_argument("--no-naive", action="store_true",
                        help="leave out the naive scipy loop and the in-process trends timing")
    parser.add_argument("--output", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPU(s); load average before: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("command:", " ".join(["python", *COMMAND[1:]]).replace(str(REPO) + os.sep, ""))
    figures = time_commands(args.runs)
    for name, row in figures.items():
        times = row["times"]
        row["best_s"] = min(times)
        print(f"{name:>17}: best {min(times):5.2f} s of {args.runs} "
              f"({', '.join(f'{t:.2f}' for t in times)} s); peak RSS {row['peak_mib']:.0f} MiB")
    best = figures["CLI"]["best_s"]
    print(f"CLI --all --json on all {len(NATIONAL)} national files, end to end: best "
          f"{best:.2f} s, {best - figures['bare pandas read']['best_s']:.2f} s beyond a bare "
          f"pandas read of the same files; {figures['CLI']['json_bytes'] / 1e6:.1f} MB of JSON; "
          f"target < {TARGET_SECONDS:.0f} s: {'met' if best < TARGET_SECONDS else 'NOT met'}")
    result = {"files": [p.name for p in NATIONAL], **{
        name.replace(" ", "_").replace("-", ""): row for name, row in figures.items()}}

    if not args.no_naive:
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
        result.update({"tables": total, "naive_sample": len(rows),
                       "naive_sample_s": naive_sample, "naive_extrapolated_s": naive_total,
                       "naive_skipped": skipped, "speed_up": naive_total / best,
                       "trends_s": trends_s, "analysis_s": analysis_s})
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
