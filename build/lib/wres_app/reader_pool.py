"""Reading uploads in worker processes, so that one file cannot hurt the room.

Every session of the server is a thread of one Python process: a file read in a session's
thread shares the process's one interpreter lock (GIL) and memory with everyone else. A large
or hostile upload read there slows every other person's pages (its pure-Python parsing takes
the GIL in turns with their page runs) and can take the memory the whole room needs; if the
operating system then kills the process, everyone's session ends.

Here each upload is read by :func:`wres_core.ingest.read_table` in a worker: a new Python
process (``python -m wres_app.reader_pool``) that reads one file and ends.

- The reading runs beside the server, on its own CPU time and its own GIL.
- A worker may use at most ``WORKER_MEMORY_BYTES`` of address space: beyond that its reading
  fails with ``MemoryError``, which ``read_table`` turns into its documented ``IngestError``;
  a worker that dies all the same, or runs past ``WORKER_SECONDS``, is ended and the user told.
- At most ``WORKERS`` files are read at once, whoever uploads them; the others wait their
  turn, so a room uploading at the same moment cannot multiply the server's memory.
- The bytes go to the worker through a pipe, never through a file; the worker's error output
  is discarded, so no value from a file can reach the server's log; nothing of one person's
  file stays behind for the next, since every worker ends after one file.

The cost is the worker's start (importing the readers, about half a second on an idle
machine). The result (the clean table and its report, or the error) comes back to the
uploading session only. Where a worker cannot be started the file is read in the session's
thread, as before.
"""

from __future__ import annotations

import contextlib
import pickle
import resource
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wres_core.errors import IngestError
from wres_core.ingest import IngestResult, read_table

#: Files read at the same time; more wait their turn.
WORKERS = 2
#: Address space a worker may use (its reading fails with the memory error beyond it). A
#: worker with the readers imported maps about 1.7 GB, little of it resident.
WORKER_MEMORY_BYTES = 6 * 1024 ** 3
#: A worker still reading after this long is ended.
WORKER_SECONDS = 180
_ROOT = Path(__file__).resolve().parent.parent

_slots = threading.BoundedSemaphore(WORKERS)


def read_upload_bytes(data: bytes, name: str,
                      overrides: Mapping[str, Any]) -> IngestResult | IngestError:
    """Read one uploaded file in a worker process (see the module's docstring)."""
    request = pickle.dumps((data, name, dict(overrides)), protocol=pickle.HIGHEST_PROTOCOL)
    with _slots:
        try:
            worker = subprocess.Popen(
                [sys.executable, "-m", "wres_app.reader_pool", str(WORKER_MEMORY_BYTES)],
                cwd=_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL)
        except OSError:
            return _read_here(data, name, overrides)
        try:
            output, _ = worker.communicate(request, timeout=WORKER_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()
            return _stopped(name, f"it was still being read after {WORKER_SECONDS} s")
    if worker.returncode != 0 or not output:
        return _stopped(name, "it needed more memory than the app allows one file "
                              f"({WORKER_MEMORY_BYTES / 1024 ** 3:.0f} GB)")
    status, value = pickle.loads(output)  # our own worker's answer
    if status == "error":
        return IngestError(value.pop("source"), value.pop("problem"), value.pop("expected"),
                           value.pop("action"), **value)
    return value


def _stopped(name: str, why: str) -> IngestError:
    return IngestError(
        name, f"Reading this file was stopped: {why}.",
        "a workforce or recruitment table that fits in memory.",
        "Check that the file is the extract you meant to upload; split a very large file (by "
        "year or organisation) and upload the parts.")


def _read_here(data: bytes, name: str,
               overrides: Mapping[str, Any]) -> IngestResult | IngestError:
    try:
        return read_table(data, name=name, **overrides)
    except IngestError as error:
        return error


def _answer(data: bytes, name: str, overrides: Mapping[str, Any]) -> tuple[str, Any]:
    """In the worker: the result, or the error's parts (IngestError does not pickle)."""
    try:
        return "ok", read_table(data, name=name, **overrides)
    except IngestError as error:
        return "error", {"source": error.source, "problem": error.problem,
                         "expected": error.expected, "action": error.action,
                         "row": error.row, "column": error.column}


def _worker(memory_bytes: int) -> None:
    # A platform that refuses the cap still gets the isolation.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    data, name, overrides = pickle.load(sys.stdin.buffer)
    answer = _answer(data, name, overrides)
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _worker(int(sys.argv[1]))
