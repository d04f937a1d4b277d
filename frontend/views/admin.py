"""Documents (admins): upload files for groups, follow their ingestion, change who may see a
document, delete documents."""

import time

import streamlit as st

from frontend.api_client import ApiClient, ApiError
from frontend.i18n import t
from frontend.render import md_escape

api: ApiClient = st.session_state["api"]
st.title(t("Documents"))
if notice := st.session_state.pop("notice", None):  # set before a rerun, shown after it
    st.success(notice)  # built with md_escape'd names

with st.form("upload", clear_on_submit=True):
    files = st.file_uploader(t("Upload PDF, Word or text files, or scanned pages (PNG, JPEG, TIFF)"),
                             type=["pdf", "docx", "txt", "md", "png", "jpg", "jpeg", "tif", "tiff"],
                             accept_multiple_files=True)
    groups = st.text_input(t("Groups that may see them"),
                           placeholder=t("e.g. hr, finance (empty: everyone)"))
    submitted = st.form_submit_button(t("Upload and index"))

if submitted and not files:
    st.warning(t("Choose one or more files first."))
elif submitted:
    try:
        job = api.upload([(f.name, f.getvalue()) for f in files], groups)
    except ApiError as exc:
        st.error(t("Upload refused: {error}", error=md_escape(str(exc))))
    else:
        bar = st.progress(0.0, text=t("indexing…"))
        state = api.job(job["job_id"])
        deadline = time.time() + 600
        while state["status"] in ("queued", "running") and time.time() < deadline:
            finished = sum(f["status"] not in ("queued",) for f in state["files"])
            bar.progress(finished / max(1, len(state["files"])), text=t("indexing… {done}/{total}", done=finished,
                                                            total=len(state["files"])))
            time.sleep(0.5)
            state = api.job(job["job_id"])
        bar.progress(1.0, text=t("upload {status}", status=state["status"]))
        for f in state["files"]:
            if f["status"] == "failed":
                st.error(md_escape(f"{f['filename']}: {f['error']}"))
            else:
                st.success(md_escape(f"{f['filename']}: {f['status']}"
                                     + (f" ({f['chunks']} chunks)" if f.get("chunks") else "")
                                     + (f"; {f['note']}" if f.get("note") else "")))

try:
    docs = api.documents()
except (ApiError, OSError) as exc:
    st.error(t("Cannot reach the API: {error}", error=md_escape(str(exc))))
    st.stop()

st.subheader(t("{n} documents", n=len(docs)))
for d in docs:
    cols = st.columns([3.5, 0.8, 1, 1, 0.8, 1.6, 1.3])
    cols[0].markdown(f"**{md_escape(d['filename'])}**")
    cols[1].write(d["doc_type"])
    cols[2].write(t("{n} pages", n=d["pages"]) if d["pages"] else "—")
    cols[3].write(t("{n} chunks", n=d["chunks"]))
    cols[4].write(d["status"])
    with cols[5].popover(md_escape(", ".join(d["access"])), icon=":material/group:"):
        new = st.text_input(t("Groups (empty: everyone)"), key=f"acc-{d['id']}",
                            value="" if d["access"] == ["public"] else ", ".join(d["access"]))
        if st.button(t("Save"), key=f"save-{d['id']}"):
            try:
                api.set_groups(d["id"], [g for g in new.split(",") if g.strip()])
                st.session_state["notice"] = md_escape(f"Access of {d['filename']} changed")
            except ApiError as exc:
                st.session_state["notice"] = md_escape(f"Could not change {d['filename']}: {exc}")
            st.rerun()
    if cols[6].button(t("Delete"), key=f"del-{d['id']}"):
        try:
            api.delete(d["id"])
            st.session_state["notice"] = md_escape(f"Deleted {d['filename']}")
        except ApiError as exc:
            st.session_state["notice"] = md_escape(f"Could not delete {d['filename']}: {exc}")
        st.rerun()
