"""wres_app.reader_pool: an upload is read in a worker process; the answer is the same as
reading it here, errors come back as the documented IngestError, and a worker that runs out of
its memory cap gives a message, not a crash of the server."""

from __future__ import annotations

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
    """A cap too small for the readers themselves (they map about 1.7 GB): the worker dies,
    the server does not, and the user is told why."""
    monkeypatch.setattr(reader_pool, "WORKER_MEMORY_BYTES", 600 * 1024 ** 2)
    answer = reader_pool.read_upload_bytes(GOOD, "clean.csv", {})
    assert isinstance(answer, IngestError)
    assert answer.source == "clean.csv"
    assert "more memory than the app allows one file" in answer.problem


def test_a_worker_that_cannot_start_reads_here(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no processes left")

    monkeypatch.setattr(reader_pool.subprocess, "Popen", refuse)
    assert isinstance(reader_pool.read_upload_bytes(GOOD, "clean.csv", {}), IngestResult)


@pytest.mark.parametrize("overrides", [{"layout": "aggregate"}])
def test_corrections_reach_the_worker(overrides):
    answer = reader_pool.read_upload_bytes(GOOD, "clean.csv", overrides)
    assert isinstance(answer, IngestResult) and answer.layout == "aggregate"
