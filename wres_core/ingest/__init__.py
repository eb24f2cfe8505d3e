"""Reading workforce and recruitment files into the clean tables of :mod:`wres_core.schema`.

``read_table`` reads one CSV / Excel file (four layouts: aggregate, wide, staff-level and
recruitment) and returns the clean table with a data-quality report; ``load_dataset`` reads
several. See ``docs/data-formats.md`` for what is accepted.
"""

import importlib

#: Each public name and the module that defines it. They are imported when first used (PEP
#: 562), not with the package: importing the package must stay light, so that read_table can
#: start parsing a large CSV before pandas and the reading steps are imported (see
#: ``ingest.prefetch``) and the two overlap.
_DEFINED_IN = {
    "Dataset": "api",
    "IngestResult": "api",
    "TablePeek": "api",
    "combine_results": "api",
    "load_dataset": "api",
    "peek_table": "api",
    "read_table": "api",
    "LIMITS": "limits",
    "ReadLimits": "limits",
    "EXCLUSION_REASONS": "report",
    "DataQualityReport": "report",
    "Exclusion": "report",
}

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


def __getattr__(name: str) -> object:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found once; later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
