"""The workshop pack for one trust and year: the PDF and the Excel workbook together.

:func:`pack_context` gathers what the pack shows (the protected analysis, the peer comparison,
the files' data quality) and :func:`build_pack` writes both documents in memory. The app's
Report page and ``python -m wres_core report`` both call these two functions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from wres_core.analysis import AllResults, OrgInfo, TrustAnalysis
from wres_core.exports.disclosure import DisclosureRule
from wres_core.exports.pdf import pdf_bytes
from wres_core.exports.progress import protected_targets, protected_trends
from wres_core.exports.protected import protect
from wres_core.exports.tables import PackContext, file_quality
from wres_core.exports.xlsx import workbook_bytes
from wres_core.peers import DEFAULT_K, PeerUniverse, peer_comparison, peer_group

SYNTHETIC_SUFFIX = "(synthetic)"
MIN_PEERS = 3


@dataclass(frozen=True)
class Pack:
    """The two documents of a pack, with the file names to save them under."""

    pdf: bytes
    xlsx: bytes
    stem: str

    @property
    def pdf_name(self) -> str:
        return f"{self.stem}.pdf"

    @property
    def xlsx_name(self) -> str:
        return f"{self.stem}.xlsx"


def looks_synthetic(org: OrgInfo) -> bool:
    """The bundled sample's organisations all end their names with "(synthetic)"."""
    return org.name.strip().endswith(SYNTHETIC_SUFFIX)


def file_stem(analysis: TrustAnalysis) -> str:
    """``wres_pack_SYN041_2024``; characters outside letters, digits, ``-`` and ``_``
    (the code comes from the user's file) become ``_``."""
    code = re.sub(r"[^A-Za-z0-9_-]", "_", analysis.org.code)[:40]
    return f"wres_pack_{code}_{analysis.year or 'no_year'}"


def pack_context(analysis: TrustAnalysis, *, results: AllResults | None = None,
                 rule: DisclosureRule | None = None,
                 synthetic: bool = False, data_source: str = "", reports=(),
                 universe: PeerUniverse | None = None, peer_kind: str = "type",
                 k: int = DEFAULT_K, adjust_overdispersion: bool = True,
                 created: dt.date | None = None) -> PackContext:
    """Everything one pack shows, protected by ``rule`` (default: counts 1-7 hidden).

    ``universe`` and ``peer_kind`` choose the peer comparison (none without a universe);
    ``reports`` are the ingest ``DataQualityReport`` objects of the files read; ``results``
    (every year of the data) gives the trends over the years.
    """
    protected = protect(analysis, rule)
    peers = None
    description = note = ""
    peers_synthetic = False
    if universe is not None:
        peers_synthetic = universe.synthetic
        try:
            group = peer_group(universe, analysis.org.code, analysis.year, peer_kind, k=k)
        except KeyError as error:
            note = str(error).strip("'\"")
        else:
            description, note = group.description, group.note
            if len(group.codes) >= MIN_PEERS:
                table = peer_comparison(universe, group,
                                        adjust_overdispersion=adjust_overdispersion)
                peers = protected.peers(table)
    return PackContext(
        protected=protected, synthetic=synthetic or looks_synthetic(analysis.org),
        data_source=data_source or "the files given", files=file_quality(reports),
        peers=peers, peer_description=description, peers_synthetic=peers_synthetic,
        peer_note=note, created=created or dt.date.today(),
        trends=protected_trends(results, protected), targets=protected_targets(protected))


def build_pack(context: PackContext) -> Pack:
    """The PDF and the workbook of one pack, in memory."""
    return Pack(pdf=pdf_bytes(context), xlsx=workbook_bytes(context),
                stem=file_stem(context.analysis))
