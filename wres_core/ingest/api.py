"""Public entry points: :func:`read_table` for one file, :func:`load_dataset` for several.

This module imports neither pandas nor the reading steps when it is imported: each function
imports what it uses. :func:`read_table` in a fresh process starts parsing a large CSV file
first (``ingest.prefetch``) and only then imports the steps, so the two overlap.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, BinaryIO

from wres_core.errors import IngestError
from wres_core.ingest import prefetch
from wres_core.ingest.limits import LIMITS, ReadLimits

if TYPE_CHECKING:
    import pandas as pd

    from wres_core.ingest.report import DataQualityReport

SourceLike = str | os.PathLike | bytes | BinaryIO


@dataclass(frozen=True, eq=False)
class IngestResult:
    """One file read: the clean table, how it was read and what was left out."""

    table: pd.DataFrame  # schema.conform'd, one row per key, zero counts absent
    kind: str  # "workforce" or "recruitment"
    layout: str  # "aggregate", "wide", "staff" or "recruitment"
    report: DataQualityReport
    headers: tuple[str, ...]  # the source columns, for column pickers
    preview: pd.DataFrame  # the first 20 source rows as read, all text


def read_table(source: SourceLike, *, name: str | None = None, sheet: str | None = None,
               layout: str | None = None, kind: str | None = None,
               mapping: Mapping[str, str | None] | None = None,
               band_map: Mapping[str, str] | None = None,
               ethnicity_map: Mapping[str, str] | None = None,
               staff_group_map: Mapping[str, str] | None = None,
               default_org: tuple[str, str] | None = None, default_year: int | None = None,
               status_map: Mapping[str, str] | None = None,
               limits: ReadLimits = LIMITS) -> IngestResult:
    """Read one workforce or recruitment file into the clean table.

    ``source`` is a path, the bytes of a file or an open binary file (bytes are never written
    to disk). ``name`` is the file name to report (and to take a default year from).
    ``sheet`` names the Excel sheet (default: the sheet that holds a table). ``layout``
    ("aggregate", "wide", "staff", "recruitment") and ``kind`` ("workforce", "recruitment")
    override detection. ``mapping`` {canonical column: source column, or None to ignore one}
    overrides header matching. ``band_map``, ``ethnicity_map`` and ``staff_group_map``
    {raw label: canonical value} are applied before the normalisers. ``default_org`` (code,
    name) and ``default_year`` say what a file that names no organisation or no year belongs
    to; without them such a file gets ``schema.DEFAULT_ORG_CODE`` and
    ``schema.YEAR_NOT_GIVEN`` ("not given"), never today's year. ``status_map`` {outcome
    value: "applied", "shortlisted", "appointed" or "left out"} corrects how a one-row-per-
    applicant file's outcomes are counted (before ``data/applicant_statuses.csv``; see
    :mod:`wres_core.ingest.applicants`). ``limits`` bounds what the
    file may hold (size unpacked, ratio, columns, rows, cell length: see
    :mod:`wres_core.ingest.limits`).

    Raises :class:`~wres_core.errors.IngestError`, and nothing else, when the file cannot be
    read; everything short of that is in the result's report. Running out of memory anywhere
    in reading (``MemoryError``, ``pyarrow.ArrowMemoryError``) is that error too.
    """
    early = prefetch.start(source, limits)  # first: the imports below overlap its parse
    with _collection_paused():
        from wres_core.ingest import source as files
        from wres_core.ingest.build import Options, build
        from wres_core.ingest.plan import plan_columns

    label = files.source_name(source, name)
    try:
        raw = files.open_table(source, label, sheet, limits, early)
        plan = plan_columns(raw, layout=layout, kind=kind, mapping=mapping,
                            ethnicity_map=ethnicity_map)
        table, report = build(raw, plan, Options(band_map, ethnicity_map, staff_group_map,
                                                 default_org, default_year, status_map))
        return IngestResult(table=table, kind=report.kind, layout=report.layout,
                            report=report, headers=tuple(raw.headers), preview=raw.preview())
    except IngestError:
        raise
    except MemoryError as exc:  # pyarrow.ArrowMemoryError is a MemoryError too
        raise out_of_memory(label) from exc
    except Exception as exc:  # last resort: nothing but IngestError may escape
        raise IngestError(label, "An unexpected error stopped the file being read "
                          f"({type(exc).__name__}: {exc}).",
                          "a CSV or Excel table in one of the documented layouts.",
                          "Check the file against docs/data-formats.md; if it looks right, "
                          "report this with the file.") from exc


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No garbage collection while the reading steps are imported (the first time: pandas
    and the steps, about 0.5 s of a fresh process, on the way to the file's rows). Those
    imports make tens of thousands of objects that live as long as the process, so the
    collections they set off find nothing and cost about 0.03 s."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame()


@dataclass(frozen=True, eq=False)
class Dataset:
    """Several files read together: one workforce table, one recruitment table."""

    workforce: pd.DataFrame
    recruitment: pd.DataFrame
    reports: tuple[DataQualityReport, ...]
    #: Keys found in more than one file: key columns, first file (kept), later file (dropped)
    #: and both counts.
    overlaps: pd.DataFrame = field(default_factory=_empty_frame)
    notes: tuple[str, ...] = ()

    @property
    def organisations(self) -> pd.DataFrame:
        """One row per organisation: code, name, region, type."""
        import pandas as pd

        from wres_core import schema

        parts = [t.loc[:, list(schema.ORG_COLUMNS)] for t in (self.workforce, self.recruitment)
                 if len(t)]
        if not parts:
            return pd.DataFrame({c: pd.Series([], dtype="string")
                                 for c in ("code", "name", "region", "type")})
        orgs = pd.concat(parts, ignore_index=True).drop_duplicates("org_code")
        orgs = orgs.sort_values("org_code").reset_index(drop=True)
        return orgs.rename(columns={"org_code": "code", "org_name": "name",
                                    "org_type": "type"}).astype("string")

    @property
    def years(self) -> tuple[int, ...]:
        found = set(self.workforce["year"].tolist()) | set(self.recruitment["year"].tolist())
        return tuple(sorted(int(y) for y in found))


@dataclass(frozen=True, eq=False)
class TablePeek:
    """A file's header and first rows, for correcting how it is read."""

    headers: tuple[str, ...]
    preview: pd.DataFrame
    notes: tuple[str, ...]


def out_of_memory(label: str) -> IngestError:
    """The error for a file that ran out of memory while being read."""
    return IngestError(label, "The file is too large to read in the memory available.",
                       "a file that fits in memory (a few million rows at most).",
                       "Split the file (for example by year or organisation) and read "
                       "the parts.")


def peek_table(source: SourceLike, *, name: str | None = None, sheet: str | None = None,
               limits: ReadLimits = LIMITS) -> TablePeek:
    """The headers and first rows of a file, without reading the rest of it.

    Used when :func:`read_table` fails for want of a column: the user can then pick the
    columns by hand. Raises :class:`~wres_core.errors.IngestError` when even this fails.
    """
    from wres_core.ingest.source import open_table, source_name

    label = source_name(source, name)
    try:
        raw = open_table(source, label, sheet, limits)
    except IngestError:
        raise
    except MemoryError as exc:
        raise out_of_memory(label) from exc
    except Exception as exc:  # nothing but IngestError may escape
        raise IngestError(label, f"The file could not be opened ({type(exc).__name__}).",
                          "a CSV or Excel table.", "Check the file opens in a spreadsheet "
                          "program, then try again.") from exc
    return TablePeek(tuple(raw.headers), raw.preview(), tuple(raw.notes))


def load_dataset(sources: Iterable[SourceLike | tuple[str, bytes]], **options: object
                 ) -> Dataset:
    """Read several files; workforce files are stacked, recruitment files are stacked.

    Each source is a path, bytes, an open file or a ``(name, bytes)`` pair; ``options`` go to
    :func:`read_table` for every file. See :func:`combine_results` for how files are joined.
    """
    results = []
    for item in sources:
        if isinstance(item, tuple):
            file_name, content = item
            results.append(read_table(content, name=file_name, **options))
        else:
            results.append(read_table(item, **options))
    return combine_results(results)


def combine_results(results: Iterable[IngestResult]) -> Dataset:
    """Join files already read: workforce tables are stacked, recruitment tables stacked.

    A key (organisation x year x staff group x band x ethnic group [x stage]) found in two
    files is counted once, from the first file, and listed in ``overlaps`` and ``notes``.
    """
    import pandas as pd

    from wres_core import schema

    results, attach_notes = attach_to_neighbours(list(results))
    tables: dict[str, list[tuple[str, pd.DataFrame]]] = {"workforce": [], "recruitment": []}
    reports = []
    for result in results:
        reports.append(result.report)
        tables[result.kind].append((result.report.source, result.table))
    overlaps = []
    notes = []
    merged = {}
    for kind, items in tables.items():
        key = list(schema.WORKFORCE_KEY if kind == "workforce" else schema.RECRUITMENT_KEY)
        kept: list[pd.DataFrame] = []
        seen: pd.DataFrame | None = None
        for source, table in items:
            if seen is not None and len(table):
                joined = table.reset_index().merge(seen, on=key, how="inner",
                                                   suffixes=("", "_first"))
                if len(joined):
                    clash = joined[key + ["first_source", "headcount_first", "headcount"]]
                    clash = clash.rename(columns={"first_source": "kept_from",
                                                  "headcount_first": "kept_headcount",
                                                  "headcount": "dropped_headcount"})
                    clash.insert(len(key), "dropped_from", source)
                    overlaps.append(clash)
                    notes.append(f"{len(joined):,} {kind} counts in {source} were already in "
                                 f"{clash['kept_from'].iloc[0]}; the first file's counts were "
                                 "kept and these were not added again.")
                    table = table.drop(index=joined["index"].to_numpy())
            kept.append(table)
            stamp = table.loc[:, key + ["headcount"]].copy()
            stamp["first_source"] = source
            seen = stamp if seen is None else pd.concat([seen, stamp], ignore_index=True)
        if kept:
            merged[kind] = schema.conform(pd.concat(kept, ignore_index=True), kind)
        else:
            merged[kind] = schema.empty_table(kind)
    return Dataset(workforce=merged["workforce"], recruitment=merged["recruitment"],
                   reports=tuple(reports),
                   overlaps=pd.concat(overlaps, ignore_index=True) if overlaps
                   else pd.DataFrame(), notes=tuple(attach_notes + notes))


def attach_to_neighbours(results: list[IngestResult]) -> tuple[list[IngestResult], list[str]]:
    """Give a file that names no organisation or no year the one its neighbours name.

    A recruitment file with only ``Ethnicity, Shortlisted, Appointed`` read beside one trust's
    ESR extract belongs to that trust and year; left alone it would be a separate
    organisation with no year. When the files that name both hold exactly one (organisation,
    year) that fits (the same organisation, if the file names one; the same year, likewise),
    the file is attached to it, with a note. With several that fit, it is left as it is and a
    note asks the user to say which it belongs to.
    """
    from wres_core import schema

    named = {}
    for result in results:
        if result.report.org_given and result.report.year_given and len(result.table):
            orgs = result.table[list(schema.ORG_COLUMNS) + ["year"]].drop_duplicates(
                ["org_code", "year"])
            for row in orgs.itertuples(index=False):
                named.setdefault((str(row.org_code), int(row.year)), row)
    out, notes = [], []
    for result in results:
        report = result.report
        if (report.org_given and report.year_given) or not len(result.table) or not named:
            out.append(result)
            continue
        fits = [key for key in named
                if (not report.org_given or key[0] in report.organisations)
                and (not report.year_given or key[1] in report.years)]
        missing = " or ".join(w for w, given in (("organisation", report.org_given),
                                                 ("year", report.year_given)) if not given)
        if len(fits) != 1:
            notes.append(f"{report.source} names no {missing}, and the other files hold "
                         f"{len(fits)} trusts and years it could belong to: say which on the "
                         "Data page ('belongs to').")
            out.append(result)
            continue
        row = named[fits[0]]
        table = result.table.copy()
        if not report.org_given:
            for column in schema.ORG_COLUMNS:
                table[column] = getattr(row, column)
        if not report.year_given:
            table["year"] = int(row.year)
        note = (f"{report.source} names no {missing}: attached to {row.org_name} "
                f"({row.org_code}), {int(row.year)}, the only trust and year in the other "
                "files that fits.")
        notes.append(note)
        report = replace(report, organisations=(str(row.org_code),), years=(int(row.year),),
                         notes=(*report.notes, note))
        out.append(replace(result, table=schema.conform(table, result.kind), report=report))
    return out, notes
