"""The command line's start-up does not import scipy.stats or scipy.optimize.

Importing scipy.stats costs most of a second of every CLI start, for one normal quantile that
scipy.special gives; scipy.optimize is needed only by the peers page's headcount fit.
"""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_path_imports_neither_scipy_stats_nor_scipy_optimize():
    code = ("import sys, wres_core.cli, wres_core.peers, wres_core.analysis; "
            "print(sorted(m for m in ('scipy.stats', 'scipy.optimize') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", out
