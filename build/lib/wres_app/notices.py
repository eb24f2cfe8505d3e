"""Notices that app.py draws above every analysis page, so that new pages get them unasked.

The one notice today: rows of the user's files that were left out. The figures on an analysis
page are computed without those rows; a user who never opens the Data page must still learn
that (a single dropped count can turn a band's headline around). The Data page itself, the
Method page and the About page show no such notice: they are not analyses, and the Data page
lists every left-out row already.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

from wres_app import state
from wres_app.text import plain
from wres_core.errors import IngestError
from wres_core.ingest import DataQualityReport, IngestResult

#: Files named when some could not be read at all (the rest are counted).
MAX_FILES_NAMED = 3


@dataclass(frozen=True)
class LeftOut:
    """What of the user's files the analysis does not include.

    rows: source rows excluded while reading (every reason in the files' data-quality
    reports); files_read: files read; unreadable: names of files that could not be read at
    all; duplicate_counts: counts already given by an earlier file, not added again.
    """

    rows: int
    files_read: int
    unreadable: tuple[str, ...] = ()
    duplicate_counts: int = 0

    @property
    def any(self) -> bool:
        return bool(self.rows or self.unreadable or self.duplicate_counts)

    def message(self) -> str:
        """The notice as Markdown; file names are escaped (they come from the user)."""
        parts = []
        if self.rows:
            files = "your file" if self.files_read == 1 else f"your {self.files_read} files"
            parts.append(f"**{self.rows:,} row{'s' if self.rows != 1 else ''} of {files} "
                         f"{'were' if self.rows != 1 else 'was'} left out** (unreadable or "
                         "invalid values): the figures on this page do not include "
                         f"{'them' if self.rows != 1 else 'it'}.")
        if self.unreadable:
            named = ", ".join(f"'{plain(name)}'" for name in self.unreadable[:MAX_FILES_NAMED])
            more = len(self.unreadable) - MAX_FILES_NAMED
            named += f" and {more} more" if more > 0 else ""
            count = len(self.unreadable)
            parts.append(f"**{count} file{'s' if count != 1 else ''} could not be read** "
                         f"({named}): {'they are' if count != 1 else 'it is'} not included.")
        if self.duplicate_counts:
            parts.append(f"{self.duplicate_counts:,} count"
                         f"{'s' if self.duplicate_counts != 1 else ''} already given by an "
                         "earlier file were not added again.")
        parts.append("The Data page lists each one and why.")
        return " ".join(parts)


def left_out(reports: Iterable[DataQualityReport], unreadable: Iterable[str] = (),
             duplicate_counts: int = 0) -> LeftOut:
    """Sum what the files' data-quality reports say was excluded."""
    reports = tuple(reports)
    return LeftOut(rows=sum(int(r.rows_excluded) for r in reports), files_read=len(reports),
                   unreadable=tuple(unreadable), duplicate_counts=int(duplicate_counts))


def session_left_out() -> LeftOut | None:
    """What this session's uploads leave out, or None when the sample is shown.

    Uses the files as the session has read them (memoised in the session: nothing is read
    again to draw the notice).
    """
    if state.current_source() != state.SOURCE_UPLOAD:
        return None
    reports, unreadable = [], []
    for upload in state.uploads().values():
        result = state.read_upload(upload)
        if isinstance(result, IngestResult):
            reports.append(result.report)
        elif isinstance(result, IngestError):
            unreadable.append(upload.name)
    dataset = state.upload_dataset()
    duplicates = len(dataset.overlaps) if dataset is not None else 0
    return left_out(reports, unreadable, duplicates)


def draw_left_out_notice(data_page: st.Page) -> None:
    """A warning with the count and a link to the Data page, when anything was left out."""
    summary = session_left_out()
    if summary is None or not summary.any:
        return
    with st.container(border=True, key="left_out_notice"):
        st.warning(summary.message(), icon=":material/warning:")
        st.page_link(data_page, label="See what was left out, and why, on the Data page",
                     icon=":material/upload_file:")
