"""The code passes ruff's checks (configured in pyproject.toml), so lint failures fail CI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing() -> None:
    command = ([shutil.which("ruff")] if shutil.which("ruff")
               else [sys.executable, "-m", "ruff"])
    result = subprocess.run([*command, "check", "--no-cache", str(REPO)], capture_output=True,
                            text=True, cwd=REPO, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
