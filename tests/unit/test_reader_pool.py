"""wres_app.reader_pool: an upload is read in a worker process; the answer is the same as
reading it here, errors come back as the documented IngestError, and a worker that runs out of
its memory cap gives a message, not a crash of the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from wres_app import reader_pool
from wres_core.errors import IngestError
from wres_core.ingest import IngestResult, read_table

GOOD = (b"Organisation code,Organisation name,Year,Pay band,Ethnicity,Headcount\n"
        b"RCC,Clean Test Trust,2024,Band 5,White British,40\n"
        b"RCC,Clean Test Trust,2024,Band 5,Indian,20\n"
        b"RCC,Clean Test Trust,2024,Band 6,White British,30\n"
        b"RCC,Clean Test Trust,2024,Band 6,Indian,10\n")


def test_a_file_read_in_a_worker_is_read_as_here():
    here = read_table(GOOD, name="clean.csv")
    there = reader_pool.read_upload_bytes(GOOD, "clean.csv", {})
    assert isinstance(there, IngestResult)
    assert there.table.equals(here.table)
    assert there.report.rows_used == 4


def test_an_unreadable_file_gives_the_ingest_error():
    answer = reader_pool.read_upload_bytes(b"", "empty.csv", {})
    assert isinstance(answer, IngestError)
    assert answer.source == "empty.csv"
    assert "empty" in answer.problem


def test_a_worker_over_its_memory_cap_gives_a_message(monkeypatch):
    """A cap below what the worker has already mapped (the readers map about 1.7 GB): any
    reading fails for want of memory; the server does not, and the user is told why."""
    monkeypatch.setattr(reader_pool, "WORKER_MEMORY_BYTES", 600 * 1024 ** 2)
    answer = reader_pool.read_upload_bytes(GOOD, "clean.csv", {})
    assert isinstance(answer, IngestError)
    assert answer.source == "clean.csv"
    # Arrow's or Python's error inside the worker, or the worker dying at its cap.
    assert (answer.problem == "The file is too large to read in the memory available."
            or answer.problem.startswith("Reading this file was stopped: it needed more "
                                         "memory than the app allows one file"))


def test_a_worker_that_dies_gives_a_message(monkeypatch):
    # A cap so small that the worker cannot even take the file in: it dies; the server
    # stands and the user is told.
    monkeypatch.setattr(reader_pool, "WORKER_MEMORY_BYTES", 1024 ** 2)
    answer = reader_pool.read_upload_bytes(GOOD * 2000, "clean.csv", {})
    assert isinstance(answer, IngestError)
    assert "more memory than the app allows one file" in answer.problem


def test_a_worker_past_its_time_is_ended(monkeypatch):
    monkeypatch.setattr(reader_pool, "WORKER_SECONDS", 0.001)
    answer = reader_pool.read_upload_bytes(GOOD, "clean.csv", {})
    assert isinstance(answer, IngestError)
    assert "still being read after 0.001 s" in answer.problem


def test_workers_come_from_one_zygote_with_the_readers_loaded():
    # The zygote is started once and has Arrow and pandas loaded before any file comes: a
    # worker forked from it starts with them (a fresh interpreter would import them again).
    reader_pool.read_upload_bytes(GOOD, "clean.csv", {})
    zygote = reader_pool._zygote[0]
    reader_pool.read_upload_bytes(GOOD, "clean.csv", {})
    assert reader_pool._zygote[0] is zygote and zygote.poll() is None
    maps = Path(f"/proc/{zygote.pid}/maps").read_text()
    assert "libarrow" in maps and "pandas" in maps


def test_the_zygote_started_early_serves_the_first_upload():
    # The server's warm-up starts it before anyone uploads; the first upload then uses it.
    reader_pool.start_early()
    zygote = reader_pool._zygote[0]
    assert zygote.poll() is None
    reader_pool.start_early()  # once per process
    assert reader_pool._zygote[0] is zygote
    result = reader_pool.read_upload_bytes(GOOD, "clean.csv", {})
    assert isinstance(result, IngestResult) and result.report.rows_used == 4
    assert reader_pool._zygote[0] is zygote


def test_a_worker_that_cannot_start_reads_here(monkeypatch):
    def refuse(*args, **kwargs):
        raise reader_pool._NoWorker

    monkeypatch.setattr(reader_pool, "_ask_zygote", refuse)
    assert isinstance(reader_pool.read_upload_bytes(GOOD, "clean.csv", {}), IngestResult)


@pytest.mark.parametrize("overrides", [{"layout": "aggregate"}])
def test_corrections_reach_the_worker(overrides):
    answer = reader_pool.read_upload_bytes(GOOD, "clean.csv", overrides)
    assert isinstance(answer, IngestResult) and answer.layout == "aggregate"
