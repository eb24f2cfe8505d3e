"""At most a few script runs at once in the server, the others waiting their turn.

Every session's run is a thread of one Python process, and threads take the interpreter lock
(GIL) in turns of 5 ms. When a room of thirty clicks at once, thirty runs share it: each takes
thirty times as long as alone, so all finish together at the end, and the event loop that
sends their pages to the browsers gets a thirty-first of the lock meanwhile, so even a run
that has finished waits to be sent. With a few runs at a time the same work is done in turns:
the first people have their page at once and the last no later than before. Measured with 30
sessions clicking at once (``benchmarks/bench_room.py --browsers 0``): opening the funnel,
p95 3.8 s with no limit and 2.2 s with two runs at a time; see ``benchmarks/RESULTS.md``.

A run waits for a slot before it starts and gives it back when it ends (however it ends: a
rerun and ``st.stop`` are exceptions). A run that waits on something outside the GIL (an
upload read in a worker process, see :mod:`wres_app.reader_pool`) gives its slot back while
it waits (:meth:`RunSlots.given_back`), so a slow file cannot hold the room up.

``WRES_RUNS_AT_ONCE`` sets the number (0: no limit).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Script runs at once; more wait their turn. Two keeps both CPUs of a small server busy
#: (one run computing while another's page is being sent) without sharing the lock thinly.
DEFAULT_RUNS_AT_ONCE = 2
RUNS_AT_ONCE_SWITCH = "WRES_RUNS_AT_ONCE"


class RunSlots:
    """``size`` slots (0: no limit); a thread holds at most one."""

    def __init__(self, size: int):
        self.size = size
        self._slots = threading.BoundedSemaphore(size) if size > 0 else None
        self._holding = threading.local()

    def holding(self) -> bool:
        return getattr(self._holding, "slot", False)

    @contextmanager
    def run_slot(self) -> Iterator[None]:
        """Hold one of the slots for the length of a script run."""
        if self._slots is None or self.holding():
            yield
            return
        self._slots.acquire()
        self._holding.slot = True
        try:
            yield
        finally:
            self._holding.slot = False
            self._slots.release()

    @contextmanager
    def given_back(self) -> Iterator[None]:
        """Let another run go while this one waits outside the interpreter lock."""
        if self._slots is None or not self.holding():
            yield
            return
        self._holding.slot = False
        self._slots.release()
        try:
            yield
        finally:
            self._slots.acquire()
            self._holding.slot = True


def runs_at_once() -> int:
    value = os.environ.get(RUNS_AT_ONCE_SWITCH, "").strip()
    return int(value) if value.isdigit() else DEFAULT_RUNS_AT_ONCE


#: The server's slots, shared by every session.
SLOTS = RunSlots(runs_at_once())
run_slot = SLOTS.run_slot
slot_given_back = SLOTS.given_back
