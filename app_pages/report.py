"""Report: the workshop pack (PDF and Excel) for the chosen trust and year, small counts hidden."""

import streamlit as st

from wres_app import run_slots, state
from wres_app.downloads import (
    ROUND_KEY,
    THRESHOLD_KEY,
    current_reports,
    disclosure_setting,
    export_rule,
    protected_analysis,
)
from wres_app.layout import synthetic_banner
from wres_app.text import plain
from wres_core.exports.disclosure import DEFAULT_THRESHOLD
from wres_core.exports.pack import build_pack, pack_context
from wres_core.peers import PEER_GROUP_LABELS

INTRO = ("The workshop pack is a document to leave behind: a **PDF** for the board and the "
         "staff networks (the bottleneck, headline figures with intervals, the funnel and "
         "stage charts, the stage table in plain English, the peer comparison, data quality "
         "and the methods) and an **Excel workbook** with every table for analysts. Both are "
         "built here, in memory, when you ask; nothing is written to disk or sent anywhere.")
SUPPRESSION_OFF = ("**Suppression is off** (sidebar, *Display and export*): the pack will "
                   "show every count exactly. Counts by band and ethnicity can identify "
                   "people: turn it on before sharing the pack outside the trust.")
PACK_KEY = "_report_pack"
PEER_KINDS = [k for k in PEER_GROUP_LABELS if k != "custom"]

selection = st.session_state["selection"]
synthetic_banner(selection.synthetic)
st.title("Workshop pack")
results = selection.results
if results is None or selection.org_code is None or selection.year is None:
    st.warning("No data yet: choose the synthetic sample in the sidebar, or upload your files "
               "on the Data page.")
    st.stop()

analysis = results.trust(selection.org_code, selection.year)
st.markdown(INTRO)
st.caption(f"{plain(analysis.org.name)} ({plain(analysis.org.code)}), {analysis.year} · "
           f"{selection.options.level_percent} intervals · tiers "
           f"{selection.options.tiers.describe()}")

# --- the disclosure rule ------------------------------------------------------------------
st.subheader("Small numbers")
if selection.suppress_exports:
    settings = st.columns(2)
    # The last values set, kept while another page was shown (Streamlit forgets them).
    st.session_state.setdefault(THRESHOLD_KEY,
                                disclosure_setting(THRESHOLD_KEY, DEFAULT_THRESHOLD))
    st.session_state.setdefault(ROUND_KEY, disclosure_setting(ROUND_KEY, False))
    settings[0].number_input("Hide counts from 1 to", min_value=1, max_value=20,
                             step=1, key=THRESHOLD_KEY,
                             help="NHS workforce publications commonly hide counts from 1 "
                                  "to 7. Zero is shown: it identifies no one.")
    settings[1].toggle("Round other counts to the nearest 5", key=ROUND_KEY,
                       help="As some NHS publications do. Totals are rounded on their own, "
                            "so rounded figures need not add up.")
else:
    st.warning(SUPPRESSION_OFF)
rule = export_rule(selection.suppress_exports)
protected = protected_analysis(analysis, rule)
st.markdown(rule.describe())

preview = protected.preview()
if rule.enabled and len(preview):
    st.markdown(f"**What the pack will hide** ({len(protected.hidden)} count(s), the figures "
                f"of {len(protected.hidden_stages)} stage(s)), each shown as \\* in the "
                "downloads. The screen keeps the exact numbers; only what you download is "
                "changed.")
    # st.table renders Markdown in its cells: escape them, so that "*" stays a star.
    st.table(preview.drop(columns="Shown as").map(plain).set_index("Figure"))
elif rule.enabled:
    st.success("No count in this trust's pack is small enough to hide.")

# --- peers --------------------------------------------------------------------------------
st.subheader("Peer comparison in the pack")
peer_kind = st.selectbox("Peer group", PEER_KINDS, format_func=PEER_GROUP_LABELS.get,
                         key="report_peer_kind")

# --- build and download ---------------------------------------------------------------------
st.subheader("Build and download")
settings_key = (analysis.org.code, analysis.year, selection.options, rule, peer_kind,
                state.current_source())
if st.button("Build the workshop pack", type="primary", key="report_build"):
    with st.status("Building the workshop pack...", expanded=True) as status:
        st.write("Comparing with peers...")
        source = state.peer_source(selection.options, analysis.org.code, analysis.year)
        names = ", ".join(state.uploads()) if not selection.synthetic else ""
        context = pack_context(
            analysis, results=results, rule=rule, synthetic=selection.synthetic,
            data_source=("the bundled synthetic sample" if selection.synthetic
                         else f"your uploaded files ({names})"),
            reports=current_reports(),
            universe=source.universe if source else None, peer_kind=peer_kind)
        st.write("Drawing the charts and writing the PDF and the workbook...")
        # Seconds of work for one person: the others' runs are not held behind it
        # (wres_app/run_slots.py); nothing here waits for another session.
        with run_slots.slot_given_back():
            pack = build_pack(context)
        st.session_state[PACK_KEY] = (settings_key, pack)
        status.update(label="The workshop pack is ready.", state="complete", expanded=False)

built = st.session_state.get(PACK_KEY)
if built is not None and built[0] == settings_key:
    pack = built[1]
    columns = st.columns([1, 1.4, 1.6])
    columns[0].download_button("Download the PDF", pack.pdf, file_name=pack.pdf_name,
                               mime="application/pdf", key="download_pdf", on_click="ignore",
                               icon=":material/picture_as_pdf:")
    columns[1].download_button(
        "Download the Excel workbook", pack.xlsx, file_name=pack.xlsx_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="download_xlsx", on_click="ignore", icon=":material/table_view:")
    st.caption(f"PDF {len(pack.pdf) / 1024:,.0f} kB · workbook {len(pack.xlsx) / 1024:,.0f} kB")
elif built is not None:
    st.info("The settings changed since the pack was built: build it again.")
