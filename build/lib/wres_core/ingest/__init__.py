"""Reading workforce and recruitment files into the clean tables of :mod:`wres_core.schema`.

``read_table`` reads one CSV / Excel file (four layouts: aggregate, wide, staff-level and
recruitment) and returns the clean table with a data-quality report; ``load_dataset`` reads
several. See ``docs/data-formats.md`` for what is accepted.
"""

from wres_core.ingest.api import (
    Dataset,
    IngestResult,
    TablePeek,
    combine_results,
    load_dataset,
    peek_table,
    read_table,
)
from wres_core.ingest.limits import LIMITS, ReadLimits
from wres_core.ingest.report import EXCLUSION_REASONS, DataQualityReport, Exclusion

__all__ = [
    "EXCLUSION_REASONS",
    "LIMITS",
    "DataQualityReport",
    "Dataset",
    "Exclusion",
    "IngestResult",
    "ReadLimits",
    "TablePeek",
    "combine_results",
    "load_dataset",
    "peek_table",
    "read_table",
]
