"""How long each page run took on the server, for the room benchmark (off unless asked for).

With ``WRES_RUN_LOG=/path/to/file`` set when the server starts, app.py appends one line per
script run: the page's URL path and the run's wall time in seconds (``funnel 0.071``). It is
what ``benchmarks/bench_room.py`` reports as the server's own share of each step, apart from
the browsers' drawing. Nothing else is written: no organisation, no file name, no value from
any upload (the log is a local file, and only when the person running the server asks).
"""

from __future__ import annotations

import os
import threading
import time

RUN_LOG_SWITCH = "WRES_RUN_LOG"
_write_lock = threading.Lock()


def run_started() -> float:
    return time.perf_counter()


def run_finished(started: float, page: str) -> None:
    """Append ``page seconds`` to the run log, when one was asked for."""
    path = os.environ.get(RUN_LOG_SWITCH)
    if not path:
        return
    line = f"{page or 'funnel'} {time.perf_counter() - started:.4f}\n"
    with _write_lock, open(path, "a", encoding="utf-8") as log:
        log.write(line)
