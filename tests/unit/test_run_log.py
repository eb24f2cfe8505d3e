"""wres_app/run_log.py: one line per page run, page and seconds, only when asked for."""

from __future__ import annotations

import re

from wres_app import run_log


def test_nothing_is_written_unless_a_log_is_asked_for(monkeypatch, tmp_path):
    monkeypatch.delenv(run_log.RUN_LOG_SWITCH, raising=False)
    monkeypatch.chdir(tmp_path)
    run_log.run_finished(run_log.run_started(), "peers")
    assert list(tmp_path.iterdir()) == []


def test_a_run_is_logged_as_its_page_and_seconds(monkeypatch, tmp_path):
    path = tmp_path / "runs.log"
    monkeypatch.setenv(run_log.RUN_LOG_SWITCH, str(path))
    started = run_log.run_started()
    run_log.run_finished(started, "peers")
    run_log.run_finished(started, "")  # the default page's URL path is empty
    lines = path.read_text().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"peers \d+\.\d{4}", lines[0])
    assert re.fullmatch(r"funnel \d+\.\d{4}", lines[1])
