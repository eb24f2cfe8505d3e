"""WRES Explorer's calculation package: ingest, stages, ratios, statistics, peers, reports.

Pure functions and typed results; nothing here imports Streamlit, so the CLI
(``python -m wres_core``), the tests and the app all use the same code.
"""

__version__ = "0.1.0"
