"""The command line on every hostile file: the documented message on stderr and exit status
2 (or, for a file that must be read, exit 0 and the expected output), within the issue's
bounds: 30 s (the child is killed after that; a limit, not a speed assertion) and 1.5 GB
resident (the child's peak RSS, from ``os.wait4``), with the child's address space capped so
that a runaway fails instead of taking the machine's memory.

Starting Python and importing the package is most of each run, so the runs go three at a
time (in a module fixture) and each test checks its own.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.hostile_files import CLI_MAX_RSS_MB, HOSTILE, CliRun, quality_text, run_cli


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CliRun]:
    folder = tmp_path_factory.mktemp("hostile_cli")

    def run(hostile) -> tuple[str, CliRun]:
        return hostile.key, run_cli(hostile.build(folder), *hostile.cli_args)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(run, HOSTILE))


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.key for h in HOSTILE])
def test_cli_on_hostile_file(hostile, cli_runs: dict[str, CliRun]) -> None:
    run = cli_runs[hostile.key]
    assert not run.timed_out, f"no message within the time limit; stderr: {run.stderr[-500:]}"
    assert run.max_rss_mb < CLI_MAX_RSS_MB, f"peak RSS {run.max_rss_mb:.0f} MB"
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.exit_code == hostile.cli_exit, (run.exit_code, run.stderr[-1000:])
    if hostile.cli_exit:
        assert re.search(hostile.cli, run.stderr), run.stderr
        assert run.stdout == ""
    elif "--json" in hostile.cli_args:
        text = quality_text(json.loads(run.stdout))
        assert re.search(hostile.cli, text, flags=re.MULTILINE), text
    else:
        assert re.search(hostile.cli, run.stdout, flags=re.MULTILINE), run.stdout[:1000]
