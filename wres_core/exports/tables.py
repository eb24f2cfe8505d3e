"""The workshop pack's tables, as they leave the tool: one definition for Excel, PDF and CSV.

Every table here is built from a :class:`~wres_core.exports.protected.ProtectedAnalysis`, so
hidden figures are ``*``. Ratios are given as displayed (three significant figures, as
:func:`wres_core.formatting.format_ratio` writes them), p-values to three significant figures,
shares as fractions; infinite or undefined values as words. Headings are for people; columns
map one to one to the stage table's own names (``STAGE_HEADINGS``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd

from wres_core.bands import band_label
from wres_core.exports.disclosure import OVERALL, SUPPRESSED
from wres_core.exports.protected import ProtectedAnalysis
from wres_core.formatting import format_ratio, format_year

#: The README's Methods section, shipped with the package (an installed copy has no README);
#: tests/unit/test_methods_text.py checks that the two are the same text.
METHODS_TEXT = "methods.md"


# --- values as displayed ------------------------------------------------------------------


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        not isinstance(value, str) and pd.isna(value))


def shown_ratio(value: object) -> float | str:
    """A ratio as displayed: ``5.961163`` -> ``5.96``; inf -> ``"infinity"``; ``*`` kept."""
    if isinstance(value, str):
        return value
    if _missing(value):
        return "not defined"
    if math.isinf(float(value)):
        return "infinity" if float(value) > 0 else "-infinity"
    return float(format_ratio(float(value)))


def shown_p(value: object) -> float | str:
    if isinstance(value, str):
        return value
    if _missing(value):
        return "not tested"
    return float(f"{float(value):.3g}")


def shown_share(value: object) -> float | str:
    if isinstance(value, str):
        return value
    if _missing(value):
        return "not defined"
    return round(float(value), 4)


def shown_count(value: object) -> int | str:
    if isinstance(value, str):
        return value
    if _missing(value):
        return ""
    return int(value)


def shown_flag(value: object) -> str:
    if isinstance(value, str):
        return value
    return "yes" if bool(value) else "no"


# --- the pack's context: what the tables need besides the analysis -------------------------


@dataclass(frozen=True)
class FileQuality:
    """How one input file was read (row counts; reasons rows were left out)."""

    file: str
    kind: str
    layout: str
    rows_read: int
    rows_used: int
    rows_excluded: int
    reasons: tuple[tuple[str, int], ...] = ()


def file_quality(reports) -> tuple[FileQuality, ...]:
    """From an ingest ``Dataset.reports``."""
    return tuple(FileQuality(r.source, r.kind, r.layout, int(r.rows_read), int(r.rows_used),
                             int(r.rows_excluded), tuple(r.excluded_by_reason().items()))
                 for r in reports)


@dataclass(frozen=True, eq=False)
class PackContext:
    """Everything the workshop pack shows, already protected.

    ``peers`` is a protected peer-comparison table (``ProtectedAnalysis.peers``) or None;
    ``trends`` and ``targets`` are hooks for the year-on-year and target tables (shown when
    given, as protected tables with readable headings).
    """

    protected: ProtectedAnalysis
    synthetic: bool
    data_source: str
    files: tuple[FileQuality, ...] = ()
    peers: pd.DataFrame | None = None
    peer_description: str = ""
    peers_synthetic: bool = False
    peer_note: str = ""
    created: dt.date = field(default_factory=dt.date.today)
    trends: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None

    @property
    def analysis(self):
        return self.protected.analysis

    @property
    def title(self) -> str:
        org = self.analysis.org
        return f"{org.name} ({org.code}), {format_year(self.analysis.year)}"


# --- tables -------------------------------------------------------------------------------

#: Stage-table column -> heading in the pack ("Ethnic minority" is the comparison group).
STAGE_HEADINGS = {
    "label": "Stage", "comparison": "Group", "kind": "Kind", "from_label": "From",
    "to_label": "To", "white_from": "White from", "white_to": "White to",
    "bme_from": "Group from", "bme_to": "Group to", "ratio": "Ratio", "ci_low": "CI low",
    "ci_high": "CI high", "ci_method": "Interval method", "p_value": "p",
    "p_adjusted": "Adjusted p", "test": "Test", "verdict": "Range",
    "significant": "Significant after adjustment",
    "detectable_ratio": "Smallest detectable ratio", "sentence": "In plain English",
    "note": "Note",
}
_RATIO_COLUMNS = ("ratio", "ci_low", "ci_high", "detectable_ratio")
_P_COLUMNS = ("p_value", "p_adjusted")
_COUNT_COLUMNS = ("white_from", "white_to", "bme_from", "bme_to")


def stage_table(protected: ProtectedAnalysis) -> pd.DataFrame:
    stages = protected.stages
    out = pd.DataFrame({column: stages[column] for column in STAGE_HEADINGS})
    for column in _RATIO_COLUMNS:
        out[column] = out[column].map(shown_ratio)
    for column in _P_COLUMNS:
        out[column] = out[column].map(shown_p)
    for column in _COUNT_COLUMNS:
        out[column] = out[column].map(shown_count)
    out["significant"] = out["significant"].map(shown_flag)
    return out.rename(columns=STAGE_HEADINGS).astype(object)


REPRESENTATION_HEADINGS = {
    "band": "Band or grade", "white": "White", "bme": "BME", "unknown": "Unknown",
    "total": "Total", "bme_share": "BME share of known", "ci_low": "BME share CI low",
    "ci_high": "BME share CI high", "unknown_share": "Unknown share",
}


def representation_table(protected: ProtectedAnalysis) -> pd.DataFrame:
    frames = [protected.representation, protected.overall]
    rows = pd.concat([f[list(REPRESENTATION_HEADINGS)] for f in frames if len(f)],
                     ignore_index=True) if any(len(f) for f in frames) else pd.DataFrame(
        columns=list(REPRESENTATION_HEADINGS))
    out = rows.astype(object).copy()
    out["band"] = [b if b == OVERALL else band_label(str(b)) for b in out["band"]]
    for column in ("white", "bme", "unknown", "total"):
        out[column] = out[column].map(shown_count)
    for column in ("bme_share", "ci_low", "ci_high", "unknown_share"):
        out[column] = out[column].map(shown_share)
    return out.rename(columns=REPRESENTATION_HEADINGS)


BOTTLENECK_HEADINGS = {
    "comparison": "Group", "label": "Bottleneck", "ratio": "Ratio", "ci_low": "CI low",
    "ci_high": "CI high", "p_adjusted": "Adjusted p",
    "adverse_share": "Share of the adverse build-up", "ladder_ratio": "Whole ladder ratio",
    "sentence": "In plain English",
}


def bottleneck_table(protected: ProtectedAnalysis) -> pd.DataFrame:
    rows = []
    for b in protected.bottlenecks:
        rows.append({
            "comparison": b.comparison, "label": b.label or "no clear bottleneck",
            "ratio": shown_ratio(b.ratio) if b.stage_id else "",
            "ci_low": shown_ratio(b.ci_low) if b.stage_id else "",
            "ci_high": shown_ratio(b.ci_high) if b.stage_id else "",
            "p_adjusted": shown_p(b.p_adjusted) if b.stage_id else "",
            "adverse_share": shown_share(b.adverse_share) if b.stage_id else "",
            "ladder_ratio": shown_ratio(b.ladder_ratio), "sentence": b.sentence})
    return pd.DataFrame(rows, columns=list(BOTTLENECK_HEADINGS)).rename(
        columns=BOTTLENECK_HEADINGS).astype(object)


STEP_HEADINGS = {
    "label": "Band step", "comparison": "Group", "ratio": "Step ratio", "ci_low": "CI low",
    "ci_high": "CI high", "verdict": "Range",
    "cumulative_ratio": "Ladder ratio after this step",
    "adverse_share": "Share of the adverse build-up",
}


def step_table(protected: ProtectedAnalysis) -> pd.DataFrame:
    steps = protected.contributions
    out = pd.DataFrame({column: steps[column] for column in STEP_HEADINGS}).astype(object)
    for column in ("ratio", "ci_low", "ci_high", "cumulative_ratio"):
        out[column] = out[column].map(shown_ratio)
    out["adverse_share"] = out["adverse_share"].map(shown_share)
    return out.rename(columns=STEP_HEADINGS)


PEER_HEADINGS = {
    "label": "Stage", "comparison": "Group", "ratio": "Trust ratio", "ci_low": "CI low",
    "ci_high": "CI high", "n": "Trusts in the group", "median": "Peer median",
    "q1": "Peer lower quartile", "q3": "Peer upper quartile", "rank": "Rank (1 = most adverse)",
    "percentile": "Percentile", "pooled": "Pooled peer ratio", "target": "Funnel target",
    "low95": "95% limit low", "high95": "95% limit high", "low998": "99.8% limit low",
    "high998": "99.8% limit high", "verdict": "Against peers", "sentence": "In plain English",
}


def peer_table(context: PackContext) -> pd.DataFrame:
    if context.peers is None or context.peers.empty:
        return pd.DataFrame(columns=list(PEER_HEADINGS.values()))
    peers = context.peers
    out = pd.DataFrame({column: peers[column] for column in PEER_HEADINGS}).astype(object)
    for column in ("ratio", "ci_low", "ci_high", "median", "q1", "q3", "pooled", "target",
                   "low95", "high95", "low998", "high998"):
        out[column] = out[column].map(shown_ratio)
    out["rank"] = out["rank"].map(shown_count)
    out["percentile"] = [v if isinstance(v, str) else (
        "not defined" if _missing(v) else round(float(v), 1)) for v in out["percentile"]]
    out["n"] = out["n"].map(shown_count)
    return out.rename(columns=PEER_HEADINGS)


DATA_QUALITY_HEADINGS = ("File", "Kind", "Layout", "Rows read", "Rows used", "Rows left out",
                         "Why rows were left out")


def data_quality_table(context: PackContext) -> pd.DataFrame:
    rows = [(f.file, f.kind, f.layout, f.rows_read, f.rows_used, f.rows_excluded,
             "; ".join(f"{reason}: {count:,}" for reason, count in f.reasons) or "none")
            for f in context.files]
    return pd.DataFrame(rows, columns=list(DATA_QUALITY_HEADINGS)).astype(object)


def unknown_ethnicity(protected: ProtectedAnalysis) -> tuple[object, object, object]:
    """(unknown count, AfC total, unknown share) as exported, ``*`` where hidden."""
    overall = protected.overall
    if overall.empty:
        return "", "", "not defined"
    row = overall.iloc[0]
    return (shown_count(row["unknown"]), shown_count(row["total"]),
            shown_share(row["unknown_share"]))


def methods_text() -> str:
    """The Methods section's Markdown (below its heading), from the package's data."""
    return resources.files("wres_core.data").joinpath(METHODS_TEXT).read_text("utf-8")


def methods_paragraphs() -> list[tuple[str, str]]:
    """The Methods section as (heading, text) paragraphs: the one methods text, the README's
    and the app's Method page's. Markdown emphasis is removed."""
    body = methods_text().strip()
    return [_plain_paragraph(block) for block in re.split(r"\n\s*\n", body)]


def _plain_paragraph(block: str) -> tuple[str, str]:
    """One Markdown paragraph as (bold lead-in heading, plain text)."""
    # Code spans first, so that a `*` inside one is not read as emphasis.
    codes = re.findall(r"`([^`]*)`", block)
    for number, _ in enumerate(codes):
        block = re.sub(r"`[^`]*`", f"\x00{number}\x00", block, count=1)
    text = _join_lines(block.splitlines())
    heading = ""
    match = re.match(r"\*\*(.+?)\*\*\s*(.*)", text, re.DOTALL)
    if match:
        heading, text = match.group(1).rstrip("."), match.group(2)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*([^*]+?)\*(?![\w*])", r"\1", text)
    for number, code in enumerate(codes):
        text = text.replace(f"\x00{number}\x00", code)
    return heading, text


_REFERENCE_START = re.compile(r"^[A-Z][a-zA-Z]+ [A-Z]{1,3}[ ,]")


def _join_lines(lines: list[str]) -> str:
    """Wrapped lines joined into one paragraph; list items and references start new lines."""
    out = ""
    for line in (raw.strip() for raw in lines):
        if line.startswith("- "):
            out += "\n• " + line[2:]
        elif _REFERENCE_START.match(line) and out:
            out += "\n" + line
        else:
            out += (" " if out else "") + line
    return out


def disclosure_note(protected: ProtectedAnalysis) -> str:
    rule = protected.rule
    text = rule.describe()
    if rule.enabled:
        hidden = len(protected.hidden)
        stages = len(protected.hidden_stages)
        text += (f" In this pack {hidden} count(s) and the figures of {stages} stage(s) are "
                 f"shown as {SUPPRESSED}.")
    return text
