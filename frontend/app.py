"""citeqa web UI: ``streamlit run frontend/app.py`` (or ``citeqa ui``)."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # streamlit runs this as a script

from frontend.api_client import ApiError, login  # noqa: E402
from frontend.i18n import COOKIE as LANGUAGE_COOKIE  # noqa: E402
from frontend.i18n import LANGUAGES, current, t  # noqa: E402
from frontend.render import md_escape  # noqa: E402
from frontend.session import COOKIE, sessions, write_cookie  # noqa: E402

st.set_page_config(page_title="citeqa", page_icon=":material/menu_book:", layout="wide")


def sign_in() -> None:
    st.title(t("Sign in to citeqa"))
    with st.form("login"):
        username = st.text_input(t("User name"))
        password = st.text_input(t("Password"), type="password")
        submitted = st.form_submit_button(t("Sign in"))
    if submitted:
        try:
            api = login(username, password)
            st.session_state["me"] = api.me()
        except (ApiError, OSError) as exc:
            st.error(md_escape(str(exc)))
        else:
            st.session_state["api"] = api
            sid, lifetime = sessions().open(api, st.session_state["me"])
            st.session_state["sid"] = sid
            st.session_state["cookie"] = (sid, lifetime)  # written by the next run
            st.rerun()


def sign_out() -> None:
    sessions().close(st.session_state.get("sid"))
    for key in ("api", "me", "history", "conversation_id", "sid"):
        st.session_state.pop(key, None)
    st.session_state["cookie"] = ("", 0)  # deleted by the next run


def restore() -> None:
    """A reload or a link opens a new Streamlit session: take over the signed-in one whose id
    the browser's cookie holds, if the API still accepts its token."""
    sid = st.context.cookies.get(COOKIE)
    found = sessions().get(sid)
    if found is None:
        return
    api, _ = found
    try:
        st.session_state["me"] = api.me()
    except (ApiError, OSError):
        sessions().close(sid)
        return
    st.session_state["api"], st.session_state["sid"] = api, sid


if "me" not in st.session_state:
    restore()
if pending := st.session_state.pop("cookie", None):
    with st.sidebar:
        write_cookie(*pending)


def role_name(role: str) -> str:
    return t("admin") if role == "admin" else t("member")


def choose_language() -> None:
    """English or Traditional Chinese, remembered in a cookie for a year."""
    chosen = st.session_state["language_choice"]
    st.session_state["lang"] = chosen
    st.session_state["language_cookie"] = chosen


with st.sidebar:
    st.selectbox("Language / 語言", list(LANGUAGES), index=list(LANGUAGES).index(current()), key="language_choice",
                 format_func=LANGUAGES.get, on_change=choose_language)
    if language := st.session_state.pop("language_cookie", None):
        write_cookie(language, 365 * 24 * 3600, LANGUAGE_COOKIE)


views = Path(__file__).parent / "views"
me = st.session_state.get("me")
if me is None:
    st.navigation([st.Page(sign_in, title=t("Sign in"), icon=":material/login:")]).run()
else:
    pages = [st.Page(views / "ask.py", title=t("Ask"), icon=":material/chat:", default=True)]
    if me["role"] == "admin":
        pages.append(st.Page(views / "admin.py", title=t("Documents"), icon=":material/folder:",
                             url_path="documents"))
        pages.append(st.Page(views / "dashboard.py", title=t("Dashboard"),
                             icon=":material/monitoring:", url_path="dashboard"))
        pages.append(st.Page(views / "users.py", title=t("Users and keys"), icon=":material/group:",
                             url_path="users"))
    with st.sidebar:
        if me["groups"]:
            st.caption(t("Signed in as **{name}** ({role}; groups: {groups})",
                         name=md_escape(me["name"]), role=role_name(me["role"]),
                         groups=md_escape(", ".join(me["groups"]))))
        else:
            st.caption(t("Signed in as **{name}** ({role})", name=md_escape(me["name"]),
                         role=role_name(me["role"])))
        st.button(t("Sign out"), on_click=sign_out, icon=":material/logout:")
    st.navigation(pages).run()
