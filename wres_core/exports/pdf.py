"""The workshop pack as a PDF (fpdf2), built in memory without a browser.

A4 portrait. Every page carries the organisation, the date the pack was made, its page number
and, when the data are the bundled synthetic sample, "SYNTHETIC DATA" in the header. Pages:
a title page (organisation, year, data source, how to read a ratio, the disclosure rule); the
bottleneck; headline figures with their intervals; the funnel (headcount and BME share by
band) and the stage chart, drawn by vl-convert from the app's own Altair specs; the stage
table with intervals and a sentence per stage; each band step's share of the ladder's
disparity; the peer comparison; trends and targets when given; the data-quality summary; and
a methods appendix taken from the README's Methods section, with its references.

Everything is written from the protected view (:mod:`wres_core.exports.protected`), so a
figure hidden in the tables is hidden here too. Greyscale: tables carry every verdict in words;
the charts mark significance by shape and the non-adverse range by a shaded band.

Font: DejaVu Sans (shipped in ``fonts/`` under its free licence, Bitstream Vera terms), so
names with any accent or typographic apostrophe print as written on any machine.
"""

from __future__ import annotations

import struct
from io import BytesIO
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from wres_core.exports import images, tables
from wres_core.exports.disclosure import SUPPRESSED
from wres_core.exports.tables import PackContext
from wres_core.formatting import (
    format_given,
    format_interval,
    format_p_value,
    format_ratio,
    format_share,
    format_year,
)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
MARGIN = 15
GREY_FILL = (225, 225, 225)
PRODUCT = "WRES Explorer workshop pack"
SYNTHETIC_MARK = "SYNTHETIC DATA: every trust and number in this pack is fictional"

FUNNEL_CAPTION = ("Left: headcount in each Agenda for Change band (White, BME, unknown ethnicity, "
                  "bars centred). Right: the BME share of staff with known ethnicity in each "
                  "band, with its Wilson interval; the dashed line is the trust-wide share.")
STAGE_CAPTION = ("Each stage's ratio (point) and interval (line) on a log scale. Above 1 is "
                 "adverse to ethnic minority staff. The shaded band is NHS England's "
                 "non-adverse range 0.80-1.25; the black line is parity. Circles are "
                 "significant after adjustment, diamonds are not.")


def _text(value: object, kind: str = "") -> str:
    """A table cell as text: ``*`` kept, ratios and p-values as the app writes them."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return "-"
    if kind == "ratio":
        return format_ratio(float(value))
    if kind == "p":
        return format_p_value(float(value))
    if kind == "share":
        return format_share(float(value))
    if kind == "count":
        return f"{int(value):,}"
    return str(value)


def _interval(low: object, high: object) -> str:
    if SUPPRESSED in (low, high):
        return SUPPRESSED
    if isinstance(low, str) or isinstance(high, str):      # "not defined", "infinity"
        return f"{low} to {high}"
    return format_interval(float(low), float(high))


class PackPDF(FPDF):
    """A4 pages with the pack's header and footer."""

    def __init__(self, context: PackContext) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.context = context
        self.set_margins(MARGIN, MARGIN + 4, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_title(f"{PRODUCT}: {context.title}")
        self.set_author("WRES Explorer")

    def header(self) -> None:
        self.set_y(7)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(80)
        self.cell(0, 4, f"{PRODUCT} · {self.context.title}", align="L")
        if self.context.synthetic:
            self.set_y(7)
            self.set_font(FONT, "B", 7.5)
            self.set_text_color(0)
            self.cell(0, 4, "SYNTHETIC DATA", align="R")
        self.set_text_color(0)
        self.set_y(MARGIN + 4)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(80)
        left = f"Created {self.context.created.isoformat()}"
        if self.context.synthetic:
            left += " · " + SYNTHETIC_MARK
        self.cell(0, 4, left, align="L")
        self.set_x(MARGIN)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)

    # --- building blocks -------------------------------------------------------------------

    def heading(self, text: str, size: float = 14) -> None:
        if self.get_y() > self.h - 50:
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def paragraph(self, text: str, size: float = 9.5, bold_lead: str = "") -> None:
        self.set_x(self.l_margin)
        if bold_lead:
            self.set_font(FONT, "B", size)
            self.write(size * 0.5, bold_lead + " ")
        self.set_font(FONT, "", size)
        self.write(size * 0.5, text)
        self.ln(size * 0.5 + 1.5)

    def boxed(self, text: str, size: float = 10) -> None:
        """A bordered, light-grey box (reads the same in greyscale)."""
        self.set_font(FONT, "B", size)
        self.set_fill_color(*GREY_FILL)
        self.multi_cell(0, size * 0.55, text, border=1, fill=True, align="L", padding=2,
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def chart(self, heading: str, png: bytes, width: float, caption: str) -> None:
        """A heading, the chart and its caption, on a new page if the chart would not fit."""
        pixels_wide, pixels_high = struct.unpack(">II", png[16:24])   # the PNG IHDR chunk
        height = width * pixels_high / pixels_wide
        if self.get_y() + height + 30 > self.page_break_trigger:
            self.add_page()
        self.heading(heading)
        self.image(BytesIO(png), x=self.l_margin, w=width)
        self.ln(1)
        self.paragraph(caption, size=8)

    def table(self, rows: list[list[str]], headings: list[str], widths: tuple[float, ...],
              size: float = 7.5, align: tuple[str, ...] | None = None) -> None:
        self.set_font(FONT, "", size)
        self.set_fill_color(255)
        style = FontFace(emphasis="BOLD", fill_color=GREY_FILL)
        with super().table(col_widths=widths, text_align=align or "LEFT",
                           headings_style=style, line_height=size * 0.5,
                           first_row_as_headings=True, width=self.epw,
                           padding=0.8, cell_fill_mode="NONE") as grid:
            for row in [headings, *rows]:
                line = grid.row()
                for value in row:
                    line.cell(value)
        self.ln(2)


# --- sections -----------------------------------------------------------------------------


def _year_line(year: int) -> str:
    return f"Year: the 31 March {year} snapshot" if year else "Year: not given in the files"


def _title_page(pdf: PackPDF, context: PackContext) -> None:
    analysis = context.analysis
    org = analysis.org
    pdf.add_page()
    pdf.ln(18)
    pdf.set_font(FONT, "B", 22)
    pdf.multi_cell(0, 10, "Where do ethnic minority staff fall behind?", align="L",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 13)
    pdf.multi_cell(0, 7, "Workforce Race Equality Standard: racial disparity ratios on the "
                         "career ladder", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, org.name, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    for line in (f"Organisation code {org.code} · {format_given(org.region, 'region')} · "
                 f"{format_given(org.type, 'type')}",
                 _year_line(analysis.year),
                 f"Data source: {context.data_source}",
                 f"Created {context.created.strftime('%d %B %Y')} with WRES Explorer"):
        pdf.multi_cell(0, 6, line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    if context.synthetic:
        pdf.boxed(SYNTHETIC_MARK + ". It was made by a seeded generator to look like the "
                  "national picture, to show how the pack reads: do not draw conclusions about "
                  "any real trust from it.", size=11)
    pdf.heading("How to read this pack", 12)
    pdf.paragraph(
        "Each stage compares how likely White staff are to progress with how likely ethnic "
        "minority staff are, given where each group starts: ratio = (White to / White from) / "
        "(BME to / BME from). Above 1 is adverse to ethnic minority staff; 1 is parity; NHS "
        "England treats 0.80 to 1.25 as the non-adverse range. Every ratio comes with its "
        f"{analysis.options.level_percent} confidence interval and a test adjusted for the "
        f"number of stages ({analysis.options.adjust}). Headcounts are a census of the "
        "trust's staff, not a sample: a test asks whether a gap this large could arise by "
        "chance from the way people happen to move between bands, not whether the count "
        "itself is uncertain.")
    pdf.heading("Small numbers", 12)
    pdf.paragraph(tables.disclosure_note(context.protected))


def _bottleneck_section(pdf: PackPDF, context: PackContext) -> None:
    pdf.add_page()
    pdf.heading("Where is the bottleneck?")
    for bottleneck in context.protected.bottlenecks:
        prefix = (f"{bottleneck.comparison}: " if context.analysis.options.groups == "detailed"
                  else "")
        pdf.boxed(prefix + bottleneck.headline, size=10.5)
        if bottleneck.detail:
            pdf.paragraph(bottleneck.detail, size=9)
    pdf.heading("Headline figures", 12)
    rows = _headline_rows(context)
    pdf.table(rows, ["Figure", "Value", "Interval or detail"], (55, 25, 100), size=9)


def _headline_rows(context: PackContext) -> list[list[str]]:
    protected = context.protected
    level = context.analysis.options.level_percent
    rows = []
    if len(protected.overall):
        row = protected.overall.iloc[0]
        known = (SUPPRESSED if SUPPRESSED in (row["white"], row["bme"])
                 else f"{int(row['white']) + int(row['bme']):,}")
        rows.append(["BME share of AfC staff", _text(row["bme_share"], "share"),
                     f"Wilson {level} interval {_text(row['ci_low'], 'share')} to "
                     f"{_text(row['ci_high'], 'share')}; {_text(row['bme'], 'count')} BME of "
                     f"{known} with known ethnicity"])
        rows.append(["Ethnicity unknown", _text(row["unknown_share"], "share"),
                     f"{_text(row['unknown'], 'count')} of {_text(row['total'], 'count')} AfC "
                     "staff; left out of every ratio"])
    stages = protected.stages
    for stage_id, label in (("tier:lower-upper", "Lower to upper tier"),
                            ("recruitment:shortlisted-appointed",
                             "Appointed from shortlisting (indicator 2)")):
        for record in stages[stages["stage_id"] == stage_id].to_dict("records"):
            group = "" if record["comparison"] == "BME" else f" ({record['comparison']})"
            significant = record["significant"]
            words = (SUPPRESSED if significant == SUPPRESSED else
                     "significant" if significant else "not significant")
            rows.append([label + group, _text(record["ratio"], "ratio"),
                         f"{level} CI {_interval(record['ci_low'], record['ci_high'])}; "
                         f"{record['verdict']}, {words}"])
    return rows


def _charts_section(pdf: PackPDF, context: PackContext) -> None:
    protected = context.protected
    funnel = images.protected_funnel_chart(protected)
    if funnel is not None:
        caption = FUNNEL_CAPTION
        hidden = images.bands_with_hidden_counts(protected)
        if hidden:
            caption += (f" Counts shown as * in the tables are not drawn (their segments have "
                        f"zero width, and shares resting on them have no point): "
                        f"{', '.join(hidden)}.")
        pdf.chart("Who is in each band", images.chart_png(funnel), pdf.epw, caption)
    stage = images.protected_stage_chart(protected)
    if stage is not None:
        caption = STAGE_CAPTION
        left_out = _hidden_stage_labels(context)
        if left_out:
            caption += f" Not drawn, because their figures are shown as *: {left_out}."
        pdf.chart("Every stage, with its interval", images.chart_png(stage), pdf.epw, caption)


def _hidden_stage_labels(context: PackContext) -> str:
    stages = context.protected.stages
    labels = [r["label"] for r in stages.to_dict("records")
              if (r["stage_id"], r["comparison"]) in context.protected.hidden_stages]
    return ", ".join(labels)


def _stage_table_section(pdf: PackPDF, context: PackContext) -> None:
    pdf.heading("Stage table")
    level = context.analysis.options.level_percent
    headings = ["Stage", "Group", "White from → to", "Group from → to", "Ratio",
                f"{level} CI", "Adj. p", "Range", "Signif."]
    rows = []
    for r in context.protected.stages.to_dict("records"):
        significant = r["significant"]
        rows.append([r["label"], r["comparison"],
                     f"{_text(r['white_from'], 'count')} → {_text(r['white_to'], 'count')}",
                     f"{_text(r['bme_from'], 'count')} → {_text(r['bme_to'], 'count')}",
                     _text(r["ratio"], "ratio"), _interval(r["ci_low"], r["ci_high"]),
                     _text(r["p_adjusted"], "p"), str(r["verdict"]),
                     significant if isinstance(significant, str) else
                     ("yes" if significant else "no")])
    pdf.table(rows, headings, (42, 12, 24, 22, 12, 24, 13, 18, 11), size=7)
    pdf.paragraph("Counts are White and ethnic minority staff at the start (from) and end (to) "
                  "of each stage. Adj. p is the p-value adjusted across the trust's stages; "
                  "Signif. says whether it is below 1 minus the confidence level. * = hidden "
                  "(see Small numbers on the first page).", size=7.5)
    pdf.heading("Each stage in plain English", 12)
    for r in context.protected.stages.to_dict("records"):
        label = r["label"] + ("" if r["comparison"] == "BME" else f" ({r['comparison']})")
        pdf.paragraph(str(r["sentence"]), size=8.5, bold_lead=label + ".")


def _steps_section(pdf: PackPDF, context: PackContext) -> None:
    steps = tables.step_table(context.protected)
    if steps.empty:
        return
    title = "How the disparity builds up, band by band"
    waterfall = images.protected_waterfall_chart(context.protected)
    if waterfall is not None:
        pdf.chart(title, images.chart_png(waterfall), pdf.epw * 0.85,
                  "Each bar is one band step, from the ladder's ratio below the step to the "
                  "ratio above it (log scale); bars to the right of parity are adverse steps.")
    else:
        pdf.heading(title)
        pdf.paragraph("The shares of the ladder's disparity are not shown: each share is "
                      "computed from every adverse step, and some steps rest on counts shown "
                      "as *.", size=8.5)
    rows = [[_text(v, kind) for v, kind in zip(row, ("", "", "ratio", "ratio", "ratio", "",
                                                     "ratio", "share"))]
            for row in steps.itertuples(index=False, name=None)]
    pdf.table(rows, list(steps.columns), (34, 14, 18, 16, 16, 22, 30, 30), size=7)


def _peers_section(pdf: PackPDF, context: PackContext) -> None:
    pdf.heading("Against peer trusts")
    peers = tables.peer_table(context)
    if peers.empty:
        pdf.paragraph(context.peer_note or "No peer comparison was made for this pack.")
        return
    if context.peers_synthetic:
        pdf.boxed("These peers are synthetic: the comparison shows how the method works, not "
                  "how the trust compares with real NHS trusts.", size=9)
    pdf.paragraph(f"Peer group: {context.peer_description}. Each stage's ratio is placed on a "
                  "funnel plot of the peers' ratios (as the NHS-R FunnelPlotR package, "
                  "allowing for overdispersion): outside the 95% limits is significantly "
                  "higher (more adverse) or lower than peers." +
                  (f" {context.peer_note}" if context.peer_note else ""), size=8.5)
    rows = []
    for r in context.peers.to_dict("records"):
        rank = r["rank"] if isinstance(r["rank"], str) else (
            "-" if pd.isna(r["rank"]) else f"{int(r['rank'])} of {int(r['n'])}")
        rows.append([r["label"] + ("" if r["comparison"] == "BME" else f" ({r['comparison']})"),
                     _text(r["ratio"], "ratio"), _text(r["median"], "ratio"),
                     _interval(r["q1"], r["q3"]), rank, _interval(r["low95"], r["high95"]),
                     str(r["verdict"])])
    pdf.table(rows, ["Stage", "Trust", "Peer median", "Peer quartiles", "Rank",
                     "95% limits", "Against peers"], (46, 14, 18, 26, 18, 26, 32), size=7)


def _trends_section(pdf: PackPDF, context: PackContext) -> None:
    """Trends over the years and targets, when the pack has them."""
    trends, targets = context.trends, context.targets
    if trends is not None and len(trends):
        pdf.heading("Has the dial shifted? Each stage over the years")
        rows = [[_stage_name(r), f"{r['From year']}-{r['To year']}",
                 _text(r["Ratio then"], "ratio"), _text(r["Ratio now"], "ratio"),
                 _change_text(r),
                 _text(r["Change p"], "p"), str(r["Verdict"]),
                 _text(r["Reaches 1.25 in (if the pace held)"])]
                for r in trends.to_dict("records")]
        pdf.table(rows, ["Stage", "Years", "Then", "Now", "Change (interval)", "p", "Verdict",
                         "1.25 reached in"], (44, 18, 13, 13, 32, 13, 25, 22), size=7)
        pdf.paragraph("Change is the latest ratio divided by the first (below 1: less adverse), "
                      "with its interval and a z-test on the log scale (Altman and Bland 2003); "
                      "the verdict uses the weighted yearly trend when there are three or more "
                      "years. The year 1.25 is reached assumes the pace continues: a projection, "
                      "not a forecast.", size=7.5)
    if targets is not None and len(targets):
        pdf.heading("What would close the gap? Targets per stage")
        rows = [[_stage_name(r), _text(r["Ratio"], "ratio"), _text(r["More needed for 1.25"]),
                 _text(r["More needed for parity"]), str(r["Of what"]), str(r["Note"])]
                for r in targets.to_dict("records")]
        pdf.table(rows, ["Stage", "Ratio", "For 1.25", "For parity", "More of", "Note"],
                  (44, 14, 16, 18, 34, 54), size=7)
        pdf.paragraph("How many more ethnic minority staff in the upper band or tier (or "
                      "appointments, for recruitment stages) would bring the ratio to 1.25 or "
                      "to parity, every other count held the same; rounded up.", size=7.5)


def _change_text(record: dict) -> str:
    change = record["Change (ratio of ratios)"]
    if change == SUPPRESSED:
        return SUPPRESSED
    return (f"{_text(change, 'ratio')} "
            f"({_interval(record['Change CI low'], record['Change CI high'])})")


def _stage_name(record: dict) -> str:
    return record["Stage"] + ("" if record["Group"] == "BME" else f" ({record['Group']})")


def _data_quality_section(pdf: PackPDF, context: PackContext) -> None:
    pdf.heading("Data quality")
    unknown, total, share = tables.unknown_ethnicity(context.protected)
    share_text = share if isinstance(share, str) else format_share(share)
    pdf.paragraph(f"Ethnicity unknown (codes X, Z, blank, not stated): {_text(unknown, 'count')} "
                  f"of {_text(total, 'count')} AfC staff in {format_year(context.analysis.year)} "
                  f"({share_text}). They are left out of every ratio and share, and counted "
                  "here.", size=9)
    quality = tables.data_quality_table(context)
    if len(quality):
        rows = [[str(row[0]), str(row[1]), str(row[2]), f"{row[3]:,}", f"{row[4]:,}",
                 f"{row[5]:,}", str(row[6])] for row in quality.itertuples(index=False)]
        pdf.table(rows, list(quality.columns), (40, 20, 18, 17, 17, 17, 51), size=7)
        pdf.paragraph("Rows are rows of the files read (people in a staff-level extract, "
                      "counts in an aggregate file), for every organisation in the files.",
                      size=7.5)


def _methods_appendix(pdf: PackPDF) -> None:
    pdf.add_page()
    pdf.heading("Appendix: methods in plain words")
    for heading, text in tables.methods_paragraphs():
        if heading == "References":
            pdf.heading("References", 11)
            pdf.paragraph(text, size=7.5)
        else:
            pdf.paragraph(text, size=8, bold_lead=f"{heading}." if heading else "")


def pdf_bytes(context: PackContext) -> bytes:
    """The workshop pack as PDF bytes (never written to disk here)."""
    pdf = PackPDF(context)
    _title_page(pdf, context)
    _bottleneck_section(pdf, context)
    _charts_section(pdf, context)
    _stage_table_section(pdf, context)
    _steps_section(pdf, context)
    _peers_section(pdf, context)
    _trends_section(pdf, context)
    _data_quality_section(pdf, context)
    _methods_appendix(pdf)
    return bytes(pdf.output())
