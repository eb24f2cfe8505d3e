"""``python -m wres_core``: see :mod:`wres_core.cli`."""

import sys

from wres_core.cli import main

sys.exit(main())
