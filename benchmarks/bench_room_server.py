"""Benchmark: the server's side of a workshop room, without thirty browsers on the same CPUs.

Run from the repository root:

    python benchmarks/bench_room_server.py [--users 30] [--rows 5000] [--spread 0] [--warm wait|off]

``bench_room.py`` drives real browsers, but on a two-CPU machine thirty Chromium renderers
take most of the CPU and the figures say more about them than about the server. Here each
person is a Streamlit ``AppTest`` session, all in this one process and each in its own
thread, as the sessions of one server are: they share its interpreter lock, its caches and
the upload readers. Each person goes through the same steps as in ``bench_room.py`` (open the
funnel, change the trust, open peers, open the Data page, upload their own ~5,000-row
staff-level CSV through the uploader, open the funnel again) as fast as the app answers, and
each step is timed from the action to the script run finished: the time the server needs to
answer, which a person with their own computer waits for, plus their own browser's drawing
(about 0.1 to 1 s alone, see ``bench_room.py``). As a baseline measured in the same run, the
same steps are first timed for one person alone.

Nothing is asserted; the target from issue 11 is p95 under 3 s per step with no errors.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_room import (  # noqa: E402
    STEPS,
    load_average,
    runs_table,
    server_runs,
    staff_csv,
    step_table,
    verdict,
)

TIMEOUT = 300


def person(number: int, csv: Path, times: dict[str, list[float]], errors: list[str],
           lock: threading.Lock, delay: float) -> None:
    from streamlit.testing.v1 import AppTest

    time.sleep(delay)
    code = f"SYN{2 + (number * 7) % 200:03d}"
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)

    def upload() -> None:
        if not len(at.file_uploader):
            shown = [t.value for t in at.title] + [e.value for e in at.error][:2]
            raise LookupError(f"no file uploader on the page; it shows {shown}")
        at.file_uploader[0].set_value((csv.name, csv.read_bytes(), "text/csv"))

    steps = [
        ("open funnel", lambda: None),
        ("change trust", lambda: at.selectbox(key="org_code").set_value(code)),
        ("open peers", lambda: at.switch_page("app_pages/peers.py")),
        ("open data", lambda: at.switch_page("app_pages/data.py")),
        ("upload", upload),
        ("funnel again", lambda: at.switch_page("app_pages/funnel.py")),
    ]
    for step, action in steps:
        start = time.perf_counter()
        try:
            action()
            at.run()
        except Exception as error:  # a timeout: count it, stop this person
            with lock:
                errors.append(f"person {number}, {step}: {type(error).__name__}: {error}"[:200])
            return
        took = time.perf_counter() - start
        if at.exception:
            with lock:
                errors.append(f"person {number}, {step}: exception shown: "
                              f"{at.exception[0].value[:120]}")
        with lock:
            times[step].append(took)


def room(people: list[Path], spread: float) -> tuple[dict[str, list[float]], list[str], float]:
    times: dict[str, list[float]] = {step: [] for step in STEPS}
    errors: list[str] = []
    lock = threading.Lock()
    rng = random.Random(11)
    threads = [threading.Thread(target=person, args=(i, csv, times, errors, lock,
                                                     rng.uniform(0, spread)))
               for i, csv in enumerate(people)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--spread", type=float, default=0.0,
                        help="people arrive at random within this many seconds (0: at once)")
    parser.add_argument("--warm", choices=("wait", "off"), default="wait",
                        help="wait: the room arrives once the warm-up of every trust's first "
                             "pages (wres_app.warmup) is done; off: without the warm-up")
    args = parser.parse_args()
    if args.warm == "off":
        os.environ["WRES_WARM_PAGES"] = "off"

    folder = Path(tempfile.mkdtemp(prefix="bench_room_server_"))
    run_log = folder / "server_runs.log"
    os.environ["WRES_RUN_LOG"] = str(run_log)  # app.py logs each run's time (run_log.py)
    files = [staff_csv(number, args.rows, folder)[0] for number in range(args.users + 1)]
    print(f"{args.users} people (AppTest sessions in one process), staff-level files of "
          f"{args.rows:,} rows; arrivals within {args.spread:g} s")

    _, alone_errors, _ = room(files[-1:], 0.0)  # warms the shared sample and caches too
    if args.warm == "wait":
        from wres_app import state

        started = time.perf_counter()
        if state._warm_thread is not None:
            state._warm_thread.join()
        print(f"warm-up of every trust's first pages: done {time.perf_counter() - started:.0f} s "
              "after the first visit")
    alone_again, _, _ = room(files[-1:], 0.0)
    load_before = load_average()
    log_offset = run_log.stat().st_size if run_log.exists() else 0
    cpu_before = time.process_time()
    times, errors, wall = room(files[:-1], args.spread)
    cpu = time.process_time() - cpu_before
    print(f"whole room {wall:.1f} s; this process's CPU time {cpu:.1f} s "
          f"({cpu / wall:.0%} of one CPU; upload readers not included)")
    print(f"load average before {load_before}, after {load_average()}")
    def alone(step: str, p95: float) -> str:
        return f"{alone_again[step][0]:7.2f}" if alone_again[step] else f"{'-':>7}"

    worst = step_table(times, "alone s", alone)
    runs_table(server_runs(run_log, log_offset))
    print("(a step's time above is its script run plus AppTest's own work in this process: "
          "building the session, parsing every element of the page it gets back)")
    verdict(worst, alone_errors + errors, f" on the server's side, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
