"""Data: upload files, see how each was read, correct it, and see what was left out."""

import streamlit as st

from wres_app import state
from wres_app.text import (
    column_matches_markdown,
    field_label,
    in_words,
    plain,
    summary_markdown,
)
from wres_core.bands import BAND_ORDER
from wres_core.errors import IngestError
from wres_core.formatting import format_year
from wres_core.ingest import peek_table
from wres_core.ingest.applicants import LEFT_OUT, STAGE_CHOICES
from wres_core.schema import ETHNIC_GROUPS

INTRO = ("Upload workforce files (an ESR staff-level extract, the WRES data-collection "
         "spreadsheet, a table of headcounts by band and ethnicity) and recruitment files "
         "(applied, shortlisted and appointed by ethnicity, or one row per applicant with "
         "their outcome, as NHS Jobs and Trac export), as CSV or Excel, several at once. "
         "Each file is read on its own; you can correct how it was read below. **Your files "
         "stay in this browser session's memory**: they are never written to disk or shared.")
LAYOUTS = {None: "Detect automatically", "aggregate": "Counts (one row per count)",
           "wide": "Wide (one column per ethnic group)", "staff": "Staff-level (one row "
           "per person)", "recruitment": "Recruitment counts"}
MAPPABLE_COLUMNS = ("org_code", "org_name", "region", "org_type", "year", "staff_group",
                    "band", "ethnicity", "headcount", "stage", "staff_id", "status")
NOT_USED = "(not in this file)"
EXCLUDE = "(leave out)"
ETHNICITY_CHOICES = ("White", "BME", "Unknown") + tuple(
    g for g in ETHNIC_GROUPS if g not in ("White", "Unknown"))
OUTCOMES_HEADING = ("**How each applicant outcome was counted.** An applicant counted as "
                    "appointed is also counted as shortlisted and applied; one shortlisted is "
                    "also counted as applied. Change any of them under 'Correct how this file "
                    "is read'.")
STAGE_WORDS = {"applied": "Applied only", "shortlisted": "Shortlisted (and applied)",
               "appointed": "Appointed (and shortlisted, applied)", LEFT_OUT: "Left out",
               "not recognised": "Not recognised: left out"}

st.title("Data")
st.markdown(INTRO)

# --- the bundled sample -------------------------------------------------------------------
if state.current_source() == state.SOURCE_SAMPLE:
    st.info("You are looking at the **synthetic sample**: about 215 fictional trusts "
            "(codes SYN001 onwards) over 2020-2024, with recruitment counts. Nothing in it is "
            "real. Upload your own files below to analyse them instead.", icon=":material/science:")

# --- uploading ----------------------------------------------------------------------------
generation = st.session_state.setdefault("uploader_generation", 0)
# .xls is accepted here so that the reader can say what to do with it (save it as .xlsx),
# rather than the uploader refusing the file without a word.
files = st.file_uploader("Add files", type=["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "gz"],
                         accept_multiple_files=True, key=f"uploader_{generation}")
if files:
    for file in files:
        state.add_upload(file.name, file.getvalue())
    # A fresh uploader next run: the files now live in the session store, not the widget.
    st.session_state["uploader_generation"] = generation + 1
    st.session_state["_pending_source"] = state.SOURCE_UPLOAD
    st.rerun()

uploads = state.uploads()
if not uploads:
    st.caption("No files uploaded yet. Accepted layouts and examples are on the Method page "
               "and in the README.")
    st.stop()


def outcome_pickers(key: str, outcomes, status_map: dict[str, str]) -> None:
    """One stage picker per outcome value of an applicant file (the value may be re-mapped;
    a blank outcome is always counted as applied)."""
    st.markdown("**Applicant outcomes**: the stage each outcome counts as")
    grid = st.columns(2)
    for i, outcome in enumerate(o for o in outcomes if o.value != "(blank)"):
        current = status_map.get(outcome.value, outcome.stage)
        current = current if current in STAGE_CHOICES else LEFT_OUT
        chosen = grid[i % 2].selectbox(
            f"'{outcome.value}' ({outcome.applicants:,} "
            f"applicant{'s' if outcome.applicants != 1 else ''})", STAGE_CHOICES,
            index=STAGE_CHOICES.index(current), format_func=STAGE_WORDS.get,
            key=f"{key}_status_{outcome.value}")
        if chosen != outcome.stage or outcome.value in status_map:
            status_map[outcome.value] = chosen


def correction_form(upload: state.Upload, headers: tuple[str, ...],
                    unrecognised: dict[str, dict[str, int]], report=None) -> None:
    """Column pickers, layout and sheet choice, and hand mapping of unrecognised labels (and
    of an applicant file's outcomes)."""
    overrides = dict(upload.overrides)
    key = f"fix_{upload.digest[:12]}"
    with st.form(key):
        layout = st.selectbox("Layout", list(LAYOUTS), format_func=LAYOUTS.get,
                              index=list(LAYOUTS).index(overrides.get("layout")),
                              key=f"{key}_layout")
        sheet = None
        if upload.name.lower().endswith((".xlsx", ".xlsm")):
            sheet = st.text_input("Excel sheet (blank: the sheet that holds a table)",
                                  value=overrides.get("sheet") or "", key=f"{key}_sheet") or None
        st.markdown("**Columns**: which column of the file holds each field")
        mapping = dict(overrides.get("mapping") or {})
        choices = [None, NOT_USED, *headers]
        picked = {}
        grid = st.columns(3)
        for i, canonical in enumerate(MAPPABLE_COLUMNS):
            current = mapping.get(canonical)
            current = NOT_USED if canonical in mapping and current is None else current
            picked[canonical] = grid[i % 3].selectbox(
                field_label(canonical), choices,
                index=choices.index(current) if current in choices else 0,
                format_func=lambda c: "(detect)" if c is None else c,
                key=f"{key}_col_{canonical}")
        band_map = dict(overrides.get("band_map") or {})
        ethnicity_map = dict(overrides.get("ethnicity_map") or {})
        status_map = dict(overrides.get("status_map") or {})
        outcome_columns = set()
        if report is not None and report.outcomes:
            outcome_columns = {report.column_mapping.get(c) for c in
                               ("status", "shortlisted", "appointed")}
            if report.form == "applicant status":
                outcome_pickers(key, report.outcomes, status_map)
        for column, labels in unrecognised.items():
            if column in outcome_columns:  # outcomes are mapped above, not as labels
                continue
            is_band = "band" in column.lower() or column == "band"
            st.markdown(f"**Labels not recognised in '{plain(column)}'**: choose what each "
                        "means, or leave it out")
            options = [EXCLUDE, *(BAND_ORDER if is_band else ETHNICITY_CHOICES)]
            target = band_map if is_band else ethnicity_map
            for label, rows in list(labels.items())[:30]:
                value = st.selectbox(f"'{label}' ({rows:,} rows)", options,
                                     index=options.index(target.get(label, EXCLUDE)),
                                     key=f"{key}_map_{column}_{label}")
                if value == EXCLUDE:
                    target.pop(label, None)
                else:
                    target[label] = value
        if st.form_submit_button("Read the file again with these choices"):
            new = {"layout": layout, "sheet": sheet,
                   "mapping": {c: (None if v == NOT_USED else v) for c, v in picked.items()
                               if v is not None} or None,
                   "band_map": band_map or None, "ethnicity_map": ethnicity_map or None,
                   "status_map": status_map or None}
            state.set_overrides(upload.name, {k: v for k, v in new.items() if v})
            st.rerun()


def belongs_to_form(upload: state.Upload, report, known: dict[str, str],
                    years: list[int]) -> None:
    """'Belongs to' pickers for a file that names no organisation or no year."""
    overrides = dict(upload.overrides)
    asks_org = not report.org_given or "default_org" in overrides
    asks_year = not report.year_given or "default_year" in overrides
    missing = " or ".join(w for w, ask in (("organisation", asks_org), ("year", asks_year))
                          if ask)
    key = f"belong_{upload.digest[:12]}"
    with st.form(key):
        st.markdown(f"**Belongs to.** This file names no {missing}: say which trust and year "
                    "its counts are for.")
        org = year = None
        columns = st.columns(2)
        if asks_org:
            codes = [None, *known]
            current = (overrides.get("default_org") or (None,))[0]
            org = columns[0].selectbox(
                "Trust", codes, index=codes.index(current) if current in codes else 0,
                format_func=lambda c: "(not given)" if c is None else f"{known[c]} ({c})",
                key=f"{key}_org")
        if asks_year:
            year = columns[1].number_input(
                "Year (31 March snapshot)", min_value=2000, max_value=2100, step=1,
                value=int(overrides.get("default_year") or (years[-1] if years else 2024)),
                key=f"{key}_year")
        if st.form_submit_button("Use these"):
            if asks_org:
                overrides.pop("default_org", None)
                if org is not None:
                    overrides["default_org"] = (org, known[org])
            if asks_year:
                overrides["default_year"] = int(year)
            state.set_overrides(upload.name, overrides)
            st.rerun()


# Each file read once (cached): the trusts and years the files name feed the pickers.
results = {upload.name: state.read_upload(upload) for upload in uploads.values()}
named_orgs: dict[str, str] = {}
named_years: set[int] = set()
for read in results.values():
    if not isinstance(read, IngestError) and read.report.org_given:
        named_orgs.update(read.table[["org_code", "org_name"]].drop_duplicates("org_code")
                          .astype(str).itertuples(index=False, name=None))
    if not isinstance(read, IngestError) and read.report.year_given:
        named_years |= {int(y) for y in read.report.years}

for upload in list(uploads.values()):
    with st.container(border=True):
        head = st.columns([4, 1])
        head[0].subheader(plain(upload.name))
        if head[1].button("Remove", key=f"remove_{upload.digest[:12]}"):
            state.remove_upload(upload.name)
            st.rerun()
        result = results[upload.name]
        if isinstance(result, IngestError):
            st.error(f"**This file could not be read.** {plain(in_words(result.problem))}\n\n"
                     f"**Expected:** {plain(in_words(result.expected))}\n\n"
                     f"**What to do:** {plain(in_words(result.action))}",
                     icon=":material/error:")
            try:
                peek = peek_table(upload.data, name=upload.name,
                                  sheet=upload.overrides.get("sheet"))
            except IngestError:
                continue
            with st.expander("Correct how this file is read", expanded=True):
                correction_form(upload, peek.headers, {})
            st.dataframe(peek.preview, hide_index=True)
            continue
        report = result.report
        figures = st.columns([1.5, 1, 1, 1])  # "Recruitment" fits at 1280 px wide
        figures[0].metric("Read as", f"{result.kind}".capitalize(),
                          help=f"Layout: {LAYOUTS.get(result.layout, result.layout)}")
        figures[1].metric("Rows read", f"{report.rows_read:,}")
        figures[2].metric("Rows used", f"{report.rows_used:,}")
        figures[3].metric("Rows left out", f"{report.rows_excluded:,}")
        if (not report.org_given or not report.year_given
                or {"default_org", "default_year"} & set(upload.overrides)):
            belongs_to_form(upload, report, named_orgs, sorted(named_years))
        # The report's own "Columns:" line names the internal fields: shown in words instead.
        lines = [in_words(line) for line in report.summary_lines()
                 if not line.startswith(("Columns: ", "Applicant outcomes: "))]
        summary = summary_markdown(lines)
        if report.column_matches:
            summary += "\n- " + column_matches_markdown(report.column_matches)
        st.markdown(summary)
        if report.exclusions:
            st.markdown("**Rows left out, and why**")
            st.dataframe([{"Reason": e.reason, "Column": e.column or "", "Rows": e.count,
                           "Row numbers (first 20)": ", ".join(map(str, e.rows)),
                           "Examples": ", ".join(e.examples)} for e in report.exclusions],
                         hide_index=True)
        if report.outcomes:
            st.markdown(OUTCOMES_HEADING)
            st.dataframe([{"Outcome in the file": o.value, "Counted as": STAGE_WORDS[o.stage],
                           "Applicants": o.applicants, "From": o.how}
                          for o in report.outcomes], hide_index=True)
        if len(report.unknown_by_band):
            with st.expander("Unknown ethnicity by band"):
                st.dataframe(report.unknown_by_band, hide_index=True)
        with st.expander("Correct how this file is read",
                         expanded=bool(report.unrecognised)):
            correction_form(upload, result.headers, report.unrecognised, report)
        with st.expander("Preview (first 20 rows as read)"):
            st.dataframe(result.preview, hide_index=True)

dataset = state.upload_dataset()
if dataset is not None and dataset.notes:
    st.warning("\n\n".join(plain(in_words(note)) for note in dataset.notes))
if dataset is not None:
    st.success(f"Ready: {len(dataset.organisations)} organisation(s), years "
               f"{', '.join(map(format_year, dataset.years))}. Choose the trust and year in the "
               "sidebar, then open the Progression funnel.")
