"""The workshop pack's Excel workbook (openpyxl), built in memory.

One sheet per table, after a README sheet that says what each holds: Representation, Stages,
Bottleneck, Band steps (each step's share of the ladder's disparity), Peers, Trends and
Targets (when given), Data quality, Methods. Numbers are stored as numbers (ratios as
displayed, shares as fractions shown as percentages); hidden figures are the text ``*``;
every text cell is neutralised against formula injection
(:mod:`wres_core.exports.safe_text`), so the workbook holds no formula.
Header rows are bold and frozen, column widths set, long text wrapped.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from wres_core.exports import tables
from wres_core.exports.disclosure import SUPPRESSED
from wres_core.exports.safe_text import neutralise
from wres_core.exports.tables import PackContext
from wres_core.formatting import format_given, format_year

MAX_WIDTH = 60
WRAP_OVER = 40
P_FORMAT = '[<0.001]"<0.001";0.000'
SHARE_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"


def _number_format(heading: str) -> str | None:
    lower = heading.lower()
    if lower in ("p", "adjusted p"):
        return P_FORMAT
    if "share" in lower:
        return SHARE_FORMAT
    if lower.startswith(("white", "group", "bme", "unknown", "total", "rows")):
        return COUNT_FORMAT
    return None


def _write_sheet(workbook: Workbook, title: str, frame: pd.DataFrame,
                 intro: tuple[str, ...] = ()) -> None:
    """One table: optional intro lines, a bold frozen header, then the rows."""
    sheet = workbook.create_sheet(title)
    for line in intro:
        sheet.append([neutralise(line)])
    header_row = len(intro) + 1
    headings = [neutralise(str(c)) for c in frame.columns]
    sheet.append(headings)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for record in frame.itertuples(index=False, name=None):
        sheet.append([_cell_value(v) for v in record])
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for index, heading in enumerate(frame.columns, start=1):
        values = [str(v) for v in frame.iloc[:, index - 1]] + [str(heading)]
        width = min(MAX_WIDTH, max(8, max(len(v) for v in values) + 2))
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        number_format = _number_format(str(heading))
        wrap = max(len(v) for v in values) > WRAP_OVER
        for row in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
            for cell in row:
                if number_format and isinstance(cell.value, (int, float)):
                    cell.number_format = number_format
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _cell_value(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if hasattr(value, "item"):      # numpy scalars
        value = value.item()
    if isinstance(value, str):
        return neutralise(value)
    return value


SHEETS: dict[str, tuple[str, Callable[[PackContext], pd.DataFrame]]] = {
    "Representation": ("Headcount by band and ethnicity, the BME share of staff with known "
                       "ethnicity (Wilson interval) and the unknown share.",
                       lambda c: tables.representation_table(c.protected)),
    "Stages": ("Every stage's ratio (White vs ethnic minority staff; above 1 is adverse) with "
               "its interval, test and a plain-English sentence.",
               lambda c: tables.stage_table(c.protected)),
    "Bottleneck": ("The bottleneck: the adverse, significant band step with the largest ratio.",
                   lambda c: tables.bottleneck_table(c.protected)),
    "Band steps": ("Each band step's ratio and its share of the disparity that builds up on "
                   "the ladder (steps above parity).",
                   lambda c: tables.step_table(c.protected)),
    "Peers": ("Each stage against the peer group: peer median and quartiles, rank, pooled "
              "ratio and funnel-plot limits.", tables.peer_table),
    "Trends": ("Each stage's change from its first to its latest year, and the verdict from "
               "the yearly trend (Altman and Bland 2003 for the change).", lambda c: c.trends),
    "Targets": ("How many more ethnic minority staff (or appointments) would bring each "
                "stage to 1.25 and to parity, other counts held the same; rounded up.",
                lambda c: c.targets),
    "Data quality": ("How each file was read: rows used and left out, and why.",
                     tables.data_quality_table),
    "Methods": ("How every figure is computed, in plain words, with references.",
                lambda c: pd.DataFrame(tables.methods_paragraphs(), columns=["Topic", "Text"])),
}


def _readme(context: PackContext, present: list[str]) -> pd.DataFrame:
    analysis = context.analysis
    unknown, total, share = tables.unknown_ethnicity(context.protected)
    rows = [
        ("Organisation", f"{analysis.org.name} ({analysis.org.code})"),
        ("Region, type", f"{format_given(analysis.org.region, 'region')}, "
                          f"{format_given(analysis.org.type, 'type')}"),
        ("Year", f"31 March {analysis.year} snapshot" if analysis.year
         else format_year(analysis.year)),
        ("Data source", context.data_source),
        ("Synthetic data", "YES: every trust and number is fictional." if context.synthetic
         else "no"),
        ("Created", context.created.isoformat()),
        ("Options", f"{analysis.options.level_percent} intervals ({analysis.options.ci_method}),"
                    f" {analysis.options.adjust} adjustment, tiers "
                    f"{analysis.options.tiers.describe()}"),
        ("Ethnicity unknown", f"{_count(unknown)} of {_count(total)} AfC staff "
                              f"({_percent(share)}); left out of every ratio"),
        ("Disclosure control", tables.disclosure_note(context.protected)),
        ("Reading ratios", "Above 1 is adverse to ethnic minority staff; 0.80 to 1.25 is NHS "
                           "England's non-adverse range."),
    ]
    rows += [(f"Sheet: {name}", SHEETS[name][0]) for name in present]
    missing = [name for name in ("Trends", "Targets") if name not in present]
    if missing:
        rows.append((" and ".join(missing), "Not in this workbook: they need the trends and "
                     "targets analyses (and, for trends, two or more years of data)."))
    return pd.DataFrame(rows, columns=["Item", "Value"])


def _count(value: object) -> str:
    return value if isinstance(value, str) else f"{value:,}"


def _percent(share: object) -> str:
    return share if isinstance(share, str) else f"{share:.1%}"


def workbook_bytes(context: PackContext) -> bytes:
    """The workbook as ``.xlsx`` bytes (never written to disk here)."""
    frames = {name: build(context) for name, (_, build) in SHEETS.items()}
    present = [name for name, frame in frames.items() if frame is not None]
    workbook = Workbook()
    workbook.remove(workbook.active)
    _write_sheet(workbook, "README", _readme(context, present))
    hidden_note = (f"{SUPPRESSED} = hidden to protect small numbers: "
                   + tables.disclosure_note(context.protected)) if context.protected.rule.enabled \
        else "No figure is hidden: disclosure control was off for this workbook."
    for name in present:
        intro = (SHEETS[name][0],)
        if name not in ("Data quality", "Methods"):
            intro += (hidden_note,)
        if name == "Peers" and context.peer_description:
            intro += (f"Peer group: {context.peer_description}"
                      + (" (SYNTHETIC peers)" if context.peers_synthetic else ""),)
        if name == "Peers" and context.peer_note:
            intro += (context.peer_note,)
        _write_sheet(workbook, name, frames[name], intro)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

