"""The floor for ``bench_room.py --app benchmarks/room_floor_app.py``: a near-empty Streamlit
app that draws what each of the room's six steps waits for (the same page titles, the same
organisation box, an uploader that answers "Ready:") and nothing else: no chart, no table, no
analysis. What a room of N real browsers costs with this app is what any Streamlit app costs
on the machine, so it is the least our app's figures could be there.

    streamlit run benchmarks/room_floor_app.py
"""

import csv
import io

import streamlit as st

TRUSTS = [f"SYN{number:03d} Sample trust {number}" for number in range(1, 216)]


def funnel() -> None:
    name = st.session_state.get("uploaded_name") or st.session_state.organisation
    st.title(f"Progression funnel: {name}")
    st.caption(st.session_state.organisation.split(" ", 1)[0])


def peers() -> None:
    st.title("Peer comparison")


def data() -> None:
    st.title("Data")
    upload = st.file_uploader("Your files")
    if upload is not None:
        rows = csv.DictReader(io.StringIO(upload.getvalue().decode("utf-8")))
        organisation = next(rows)["Organisation"]
        st.session_state.uploaded_name = organisation.split(" ", 1)[1]
        st.success(f"Ready: {organisation}")


with st.sidebar:
    st.selectbox("Organisation", TRUSTS, key="organisation")
st.navigation([st.Page(funnel, title="Progression funnel"),
               st.Page(peers, title="Peer comparison"),
               st.Page(data, title="Data")]).run()
