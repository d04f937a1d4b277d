"""citeqa web UI: ``streamlit run frontend/app.py`` (or ``citeqa ui``)."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # streamlit runs this as a script

from frontend.api_client import ApiClient  # noqa: E402

st.set_page_config(page_title="citeqa", page_icon=":material/menu_book:", layout="wide")


@st.cache_resource
def client() -> ApiClient:
    return ApiClient()


st.session_state.setdefault("api", client())
views = Path(__file__).parent / "views"
page = st.navigation([
    st.Page(views / "ask.py", title="Ask", icon=":material/chat:", default=True),
    st.Page(views / "admin.py", title="Documents", icon=":material/folder:", url_path="documents"),
])
page.run()
