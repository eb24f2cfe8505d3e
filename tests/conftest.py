"""Settings every test shares.

The app's warm-up (``wres_app.warmup``: every trust's first pages of the sample built in the
background when the server starts) is off in the tests, here and in the servers the browser
tests start (they inherit this environment): each test builds only what it shows, and a
background thread would only compete with the tests for the CPU.
``tests/app/test_app_warmup.py`` tests the warm-up itself.
"""

import os

os.environ.setdefault("WRES_WARM_PAGES", "off")
