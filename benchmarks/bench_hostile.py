"""Benchmark: time to message and peak memory of the command line on every hostile file.

Builds the hostile files of ``tests/hostile_files.py`` in a temporary folder and runs
``python -m wres_core analyse FILE`` on each in a child process whose address space is
capped (4 GB: see ``tests/hostile_files.py``; ``--no-limit`` lifts it), killed after
``--timeout`` seconds. Prints,
per file, the exit code, the seconds to the message, the child's peak RSS (from ``os.wait4``)
and the first line of the message, beside the same figures for a small good file measured in
the same run (the baseline: starting Python and importing the package).

    python benchmarks/bench_hostile.py [--timeout 30] [--no-limit] [--only KEY ...]
                                       [--repo OTHER_CHECKOUT]

``--repo`` runs another checkout's code on the same files (for example the main branch, to
compare before and after a change); the files always come from this checkout.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile_files import CLI_TIMEOUT_S, HOSTILE, REPO, good_csv, run_cli


def _first_line(run) -> str:
    text = (run.stderr if run.exit_code else run.stdout).strip()
    if text.startswith("{"):
        return "(JSON document)"
    return text.splitlines()[0][:110] if text else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=CLI_TIMEOUT_S)
    parser.add_argument("--no-limit", action="store_true", help="do not cap the address space")
    parser.add_argument("--only", nargs="*", help="keys of the files to run")
    parser.add_argument("--repo", type=Path, default=REPO, help="checkout whose code runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        good = base / "good.csv"
        good.write_text(good_csv(), encoding="utf-8")
        limited = not args.no_limit
        baseline = run_cli(good, timeout=args.timeout, memory_limit=limited, repo=args.repo)
        print(f"code from {args.repo}")
        print(f"{'file':26} {'exit':>4} {'s':>6} {'x base':>6} {'RSS MB':>7}  message")
        print(f"{'(baseline: good.csv)':26} {baseline.exit_code:4} {baseline.seconds:6.2f} "
              f"{1.0:6.1f} {baseline.max_rss_mb:7.0f}  {_first_line(baseline)}")
        for hostile in HOSTILE:
            if args.only and hostile.key not in args.only:
                continue
            path = hostile.build(base)
            run = run_cli(path, *hostile.cli_args, timeout=args.timeout, memory_limit=limited,
                          repo=args.repo)
            status = "KILL" if run.timed_out else f"{run.exit_code:4}"
            print(f"{hostile.key:26} {status:>4} {run.seconds:6.2f} "
                  f"{run.seconds / baseline.seconds:6.1f} {run.max_rss_mb:7.0f}  "
                  f"{_first_line(run)}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
