"""Reading uploads in worker processes, so that one file cannot hurt the room.

Every session of the server is a thread of one Python process: a file read in a session's
thread shares the process's one interpreter lock (GIL) and memory with everyone else. A large
or hostile upload read there slows every other person's pages (its pure-Python parsing takes
the GIL in turns with their page runs) and can take the memory the whole room needs; if the
operating system then kills the process, everyone's session ends.

Here each upload is read by :func:`wres_core.ingest.read_table` in a worker: a process that
reads one file and ends. Workers are forked from a *zygote*: a clean Python process
(``python -m wres_app.reader_pool --zygote``), started once beside the server, that imports
the readers and then only forks. A worker so starts in milliseconds with the readers loaded,
instead of a fresh interpreter spending half a second of CPU importing pandas and the readers
for every upload (thirty people uploading at once all paid it: ``benchmarks/bench_room.py``).
The zygote is not forked from the server (whose threads make forking unsafe), and it is our
own rather than multiprocessing's fork server, which re-runs the main module in every worker:
in a Streamlit server that is the app's script.

- The reading runs beside the server, on its own CPU time and its own GIL.
- A worker may use at most ``WORKER_MEMORY_BYTES`` of address space: beyond that its reading
  fails with ``MemoryError``, which ``read_table`` turns into its documented ``IngestError``;
  a worker that dies all the same, or runs past ``WORKER_SECONDS``, is ended and the user told.
- At most ``WORKERS`` files are read at once, whoever uploads them; the others wait their
  turn, so a room uploading at the same moment cannot multiply the server's memory.
- The bytes go to the worker through a socket pair, never through a file; the zygote and its
  workers have no error output, so no value from a file can reach the server's log; nothing of
  one person's file stays behind for the next, since every worker ends after one file.

The result (the clean table and its report, or the error) comes back to the uploading
session only. Where no worker can be started the file is read in the session's thread.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import os
import pickle
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import wres_core.ingest.build  # noqa: F401 - the readers themselves: see below
from wres_app import run_slots
from wres_core.errors import IngestError
from wres_core.ingest import IngestResult, read_table
from wres_core.ingest.api import out_of_memory

# Importing wres_core.ingest does not import pandas and the reading steps (read_table imports
# them when first called, after starting a large file's parse); the zygote imports them here,
# so that every worker forked from it starts with them loaded.

#: Files read at the same time; more wait their turn.
WORKERS = 2
#: Address space a worker may use (its reading fails with the memory error beyond it). A
#: worker with the readers imported maps about 1.7 GB, little of it resident.
WORKER_MEMORY_BYTES = 6 * 1024 ** 3
#: A worker still reading after this long is ended.
WORKER_SECONDS = 180
_ROOT = Path(__file__).resolve().parent.parent
_LENGTH = struct.Struct("!Q")

_slots = threading.BoundedSemaphore(WORKERS)
_zygote_lock = threading.Lock()
_zygote: tuple[subprocess.Popen, socket.socket] | None = None


class _NoWorker(Exception):
    """No worker could be started (no zygote, no process left)."""


def _start_zygote() -> tuple[subprocess.Popen, socket.socket]:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "wres_app.reader_pool", "--zygote", str(theirs.fileno())],
            cwd=_ROOT, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        theirs.close()
    return process, ours


def start_early() -> None:
    """Start the zygote now (the server's warm-up does), so that the first upload of the day
    does not wait for it to import the readers (1.5-2 s here)."""
    global _zygote
    with _zygote_lock:
        if _zygote is None or _zygote[0].poll() is not None:
            _zygote = _start_zygote()


def _ask_zygote(channel: socket.socket) -> None:
    """Have the zygote fork a worker that serves the other end of ``channel``'s pair."""
    global _zygote
    with _zygote_lock:
        for _attempt in range(2):  # a zygote that has died is started again, once
            try:
                if _zygote is None or _zygote[0].poll() is not None:
                    _zygote = _start_zygote()
                socket.send_fds(_zygote[1], [b"w"], [channel.fileno()])
                return
            except OSError:
                _retire(_zygote)
                _zygote = None
        raise _NoWorker


def _retire_at_exit() -> None:
    """The zygote ends with the process that started it (the server, a test run)."""
    _retire(_zygote)


atexit.register(_retire_at_exit)


def _retire(zygote: tuple[subprocess.Popen, socket.socket] | None) -> None:
    """End a zygote that is no longer used (rather than leave it running unowned)."""
    if zygote is None:
        return
    process, channel = zygote
    with contextlib.suppress(OSError):
        channel.close()
    if process.poll() is None:
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _send(connection: socket.socket, payload: bytes) -> None:
    connection.sendall(_LENGTH.pack(len(payload)) + payload)


def _receive(connection: socket.socket) -> bytes:
    """One length-prefixed message; EOFError when the other end closes first."""
    def exactly(size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = connection.recv(min(left, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    return exactly(_LENGTH.unpack(exactly(_LENGTH.size))[0])


def read_upload_bytes(data: bytes, name: str,
                      overrides: Mapping[str, Any]) -> IngestResult | IngestError:
    """Read one uploaded file in a worker process (see the module's docstring)."""
    return read_upload_with_head_start(data, name, overrides, head_start=False)[0]


def read_upload_with_head_start(data: bytes, name: str, overrides: Mapping[str, Any], *,
                                head_start: bool = True
                                ) -> tuple[IngestResult | IngestError, Any]:
    """Read one uploaded file in a worker process and, with ``head_start``, have the worker
    also make the file's first analysis and charts (:mod:`wres_app.head_start`): the result
    and the :class:`~wres_app.head_start.HeadStart`, or None where none was made."""
    request = pickle.dumps((data, name, dict(overrides), WORKER_MEMORY_BYTES, head_start),
                           protocol=pickle.HIGHEST_PROTOCOL)
    # Waiting for a worker (or for another file's turn) takes no CPU here: other people's
    # runs go meanwhile (wres_app/run_slots.py).
    with run_slots.slot_given_back(), _slots:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            try:
                _ask_zygote(theirs)
            except _NoWorker:
                return _read_here(data, name, overrides), None
            finally:
                theirs.close()
            ours.settimeout(WORKER_SECONDS)
            pid = None
            try:
                pid = _LENGTH.unpack(_receive(ours))[0]
                _send(ours, request)
                output = _receive(ours)
            except TimeoutError:
                if pid is not None:
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                return _stopped(name, f"it was still being read after {WORKER_SECONDS} s"), None
            except (EOFError, OSError):  # the worker died: its memory cap, or killed
                output = b""
            prepared = None
            if output:
                status, value, prepared = pickle.loads(output)  # our own worker's answer
            if prepared is not None:
                # The worker goes on to make the charts: they are collected beside the
                # session, which takes them when it draws (head_start.HeadStart.charts).
                prepared = _collect_charts(prepared, ours)
                ours = None
        finally:
            if ours is not None:
                ours.close()
    if not output:
        return _stopped(name, "it needed more memory than the app allows one file "
                              f"({WORKER_MEMORY_BYTES / 1024 ** 3:.0f} GB)"), None
    if status == "error":
        return IngestError(value.pop("source"), value.pop("problem"), value.pop("expected"),
                           value.pop("action"), **value), None
    return value, prepared


def _collect_charts(head: Any, connection: socket.socket) -> Any:
    """``head`` with a future of the chart specs its worker sends after the file (empty if
    they do not come: the worker died, or took longer than a worker may)."""
    charts: Future = Future()

    def collect() -> None:
        specs: tuple = ()
        try:
            specs = pickle.loads(_receive(connection))
        except (EOFError, OSError, TimeoutError, pickle.UnpicklingError):
            pass
        finally:
            connection.close()
            charts.set_result(specs)

    threading.Thread(target=collect, name="head-start-charts", daemon=True).start()
    return dataclasses.replace(head, charts=charts)


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


#: What the operating system says when a worker at its memory cap asks for more (memory, or
#: a thread's stack): Arrow reports it as an error of its own, not as a MemoryError.
_OUT_OF_ROOM = ("Resource temporarily unavailable", "Cannot allocate memory", "bad_alloc")


def _out_of_room(error: IngestError) -> bool:
    cause = error.__cause__
    return cause is not None and any(words in str(cause) for words in _OUT_OF_ROOM)


def _answer(data: bytes, name: str, overrides: Mapping[str, Any],
            head_start: bool) -> tuple[str, Any, Any]:
    """In the worker: the result and its head start's analysis, or the error's parts
    (IngestError does not pickle)."""
    try:
        result = read_table(data, name=name, **overrides)
    except IngestError as error:
        if _out_of_room(error):
            error = out_of_memory(error.source)
        return "error", {"source": error.source, "problem": error.problem,
                         "expected": error.expected, "action": error.action,
                         "row": error.row, "column": error.column}, None
    return "ok", result, _head_start(result) if head_start else None


def _head_start_charts(head: Any) -> tuple:
    """In the worker, after the file has gone: its first charts (none if they cannot be
    made: the session then builds them itself)."""
    try:
        from wres_app import head_start

        return head_start.chart_specs(head)
    except Exception:  # anything at all: the session builds them as before
        return ()


#: Clean-table rows above which a worker makes no head start: a trust's file has a few
#: hundred rows a year; a national file's analysis (seconds) is left to the session, so that
#: the worker's time limit stays the reading's own.
HEAD_START_MAX_ROWS = 20_000


def _head_start(result: IngestResult) -> Any:
    """The file's first analysis (its charts follow, :func:`_head_start_charts`); None if it
    cannot be made (the session then makes it itself): a head start never stops a file from
    being read."""
    if len(result.table) > HEAD_START_MAX_ROWS:
        return None
    try:
        from wres_app import head_start  # the zygote has it imported (see the end)

        return head_start.prepare(result)
    except Exception:  # anything at all: the session computes as before
        return None


def _work(connection: socket.socket) -> None:
    """In a worker: say who it is, read the one file the connection brings, answer."""
    _send(connection, _LENGTH.pack(os.getpid()))
    data, name, overrides, memory_bytes, head_start = pickle.loads(_receive(connection))
    # A platform that refuses the cap still gets the isolation.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    answer = _answer(data, name, overrides, head_start)
    _send(connection, pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    if answer[2] is not None:
        _send(connection, pickle.dumps(_head_start_charts(answer[2]),
                                       protocol=pickle.HIGHEST_PROTOCOL))


def _serve_as_zygote(control_fd: int) -> None:
    """The zygote: with the readers imported (above), fork one worker per request, until the
    server closes its end."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as they end
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 1, 1)
        except OSError:
            return
        if not message:
            return  # the server has gone
        for fd in fds:
            if os.fork() == 0:
                code = 1
                try:
                    control.close()
                    _work(socket.socket(fileno=fd))
                    code = 0
                finally:
                    os._exit(code)
            os.close(fd)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--zygote"]:
        # What a worker's head start needs (the analysis, Altair, the chart code), imported
        # once here so that every worker starts with it: not at the top, since the server
        # imports this module from wres_app.state, which the chart code imports.
        import wres_app.head_start  # noqa: F401
        _serve_as_zygote(int(sys.argv[2]))
