"""Users, groups and API keys (admins): list, add, change role and groups, reset a password,
create and revoke keys, delete."""

import pandas as pd
import streamlit as st

from frontend.api_client import ApiClient, ApiError
from frontend.i18n import t
from frontend.render import md_escape

api: ApiClient = st.session_state["api"]
st.title(t("Users and keys"))
if notice := st.session_state.pop("users_notice", None):
    st.success(notice)
if new_key := st.session_state.pop("new_key", None):
    st.warning(t("Copy this API key now: it is shown only once."))
    st.code(new_key, language=None)


def split_groups(text: str) -> list[str]:
    return [g.strip() for g in text.split(",") if g.strip()]


def attempt(action, done: str) -> None:
    try:
        action()
    except (ApiError, OSError) as exc:
        st.error(md_escape(str(exc)))
    else:
        st.session_state["users_notice"] = done
        st.rerun()


try:
    users = api.users()
    groups = api.groups()
except (ApiError, OSError) as exc:
    st.error(t("The API could not answer: {error}", error=md_escape(str(exc))))
    st.stop()

st.dataframe(pd.DataFrame([{"name": u["name"], "role": u["role"], "groups": ", ".join(u["groups"]),
                            "password": "yes" if u["has_password"] else "no (keys only)",
                            "created": u["created_at"][:10]} for u in users]),
             hide_index=True, width="stretch")
if groups:
    st.caption(t("Groups in use: {groups}", groups=md_escape("; ".join(
        f"{g} ({n['users']} users, {n['documents']} documents)" for g, n in groups.items()))))


def add_user() -> None:
    with st.form("add_user", clear_on_submit=True):
        name = st.text_input(t("Name"))
        role = st.selectbox(t("Role"), ["member", "admin"], format_func=t)
        new_groups = st.text_input(t("Groups"), placeholder=t("e.g. hr, finance"))
        password = st.text_input(t("Password (at least 8 characters; empty: API keys only)"),
                                 type="password")
        if st.form_submit_button(t("Add user")):
            attempt(lambda: api.add_user(name.strip(), role, split_groups(new_groups), password),
                    f"Added {md_escape(name.strip())}.")


def change_user(names: list[str]) -> None:
    who = st.selectbox(t("User"), names, key="change_who")
    user = next(u for u in users if u["name"] == who)
    with st.form("change_user"):
        # keyed per user: choosing another user shows that user's values, not the last typed
        role = st.selectbox(t("Role"), ["member", "admin"], key=f"role-{who}", format_func=t,
                            index=["member", "admin"].index(user["role"]))
        new_groups = st.text_input(t("Groups"), value=", ".join(user["groups"]), key=f"groups-{who}")
        password = st.text_input(t("New password (empty: unchanged)"), type="password")
        if st.form_submit_button(t("Save changes")):
            changes = {"role": role, "groups": split_groups(new_groups)}
            if password:
                changes["password"] = password
            attempt(lambda: api.update_user(who, **changes), f"Saved {md_escape(who)}.")
    confirm = st.checkbox(t("Yes, delete {name} and revoke their keys", name=md_escape(who)),
                          key="confirm_delete")
    if st.button(t("Delete user"), disabled=not confirm, icon=":material/delete:"):
        attempt(lambda: api.delete_user(who), f"Deleted {md_escape(who)}.")


def api_keys(names: list[str]) -> None:
    owner = st.selectbox(t("User"), names, key="keys_owner")
    try:
        owned = api.keys(owner)
    except (ApiError, OSError) as exc:
        st.error(md_escape(str(exc)))
        owned = []
    if not owned:
        st.caption(t("{name} has no API keys yet.", name=md_escape(owner)))
    else:
        st.dataframe(pd.DataFrame([{"id": k["id"], "label": k["label"], "starts with": k["prefix"],
                                    "created": k["created_at"][:10],
                                    "status": "revoked" if k["revoked"] else "active"}
                                   for k in owned]), hide_index=True, width="stretch")
    with st.form("add_key", clear_on_submit=True):
        label = st.text_input(t("Label"), placeholder=t("e.g. intranet search script"))
        if st.form_submit_button(t("Create key")):
            try:
                created = api.add_key(owner, label)
            except (ApiError, OSError) as exc:
                st.error(md_escape(str(exc)))
            else:
                st.session_state["new_key"] = created["key"]
                st.session_state["users_notice"] = f"Created a key for {md_escape(owner)}."
                st.rerun()
    active = [k for k in owned if not k["revoked"]]
    if active:
        key_id = st.selectbox(t("Key to revoke"), [k["id"] for k in active],
                              format_func=lambda i: next(f"{k['id']}: {k['prefix']}… {k['label']}"
                                                         for k in active if k["id"] == i))
        if st.button(t("Revoke key"), icon=":material/key_off:"):
            attempt(lambda: api.revoke_key(key_id), f"Revoked key {key_id}.")


# a control, not tabs: tabs jump back to the first after each rerun (choosing a user is one)
# the options stay English keys (a language switch keeps the task); their labels are translated
section = st.segmented_control("Task", ["Add a user", "Change a user", "API keys"],
                               default="Add a user", key="users_section", format_func=t,
                               label_visibility="collapsed")
names = [u["name"] for u in users]
# a block of its own per task: the frontend then replaces the last task's widgets rather than
# matching them by position, which could leave a stale form beside the new one
with st.container(key=f"users-task-{section}"):
    if section == "Change a user":
        change_user(names)
    elif section == "API keys":
        api_keys(names)
    else:
        add_user()
