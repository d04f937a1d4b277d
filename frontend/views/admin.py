"""Documents (admins): upload files for groups and follow each file through parsing and
embedding; a searchable, sortable list; re-index, change groups or delete several at once."""

import time

import streamlit as st

from frontend.api_client import ApiClient, ApiError, RateLimited, poll_interval
from frontend.i18n import t
from frontend.render import md_escape

api: ApiClient = st.session_state["api"]
st.title(t("Documents"))
if notice := st.session_state.pop("notice", None):  # set before a rerun, shown after it
    st.success(notice)  # built with md_escape'd names
STAGES = {"queued": "⏳", "parsing": "📄", "embedding": "🧮", "ingested": "✅", "replaced": "✅",
          "unchanged": "✅", "failed": "❌"}


def status_text(status: str) -> str:
    return {"queued": t("queued"), "parsing": t("parsing"), "embedding": t("embedding"),
            "ingested": t("ingested"), "replaced": t("replaced"), "unchanged": t("unchanged"),
            "failed": t("failed"), "ready": t("ready"), "done": t("done"),
            "running": t("running")}.get(status, status)


def follow(job_id: str) -> None:
    """Each file's stage (queued, parsing, embedding, then its result) until the job ends."""
    bar, lines = st.progress(0.0, text=t("indexing…")), st.empty()
    deadline, polls = time.time() + 600, 0
    while True:
        try:
            state = api.job(job_id)
        except RateLimited as busy:  # the user's budget is spent (questions in other tabs)
            if time.time() + busy.retry_after > deadline:
                raise
            time.sleep(busy.retry_after)
            continue
        files = state["files"]
        finished = sum(f["status"] not in ("queued", "parsing", "embedding") for f in files)
        bar.progress(finished / max(1, len(files)),
                     text=t("indexing… {done}/{total}", done=finished, total=len(files)))
        with lines.container():
            for f in files:
                text = f"{STAGES.get(f['status'], '')} {f['filename']}: {status_text(f['status'])}"
                if f["status"] == "failed":
                    st.error(md_escape(f"{f['filename']}: {f.get('error')}"))
                    continue
                if f.get("chunks"):
                    text += " " + t("({n} chunks)", n=f["chunks"])
                if f.get("note"):
                    text += f"; {f['note']}"
                st.write(md_escape(text))
        if state["status"] not in ("queued", "running") or time.time() > deadline:
            bar.progress(1.0, text=t("upload {status}", status=status_text(state["status"])))
            return
        polls += 1
        time.sleep(poll_interval(polls))


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
        follow(job["job_id"])
if reindexing := st.session_state.pop("reindex_job", None):
    follow(reindexing)

try:
    docs = api.documents()
except (ApiError, OSError) as exc:
    st.error(t("Cannot reach the API: {error}", error=md_escape(str(exc))))
    st.stop()

SORTS = {"Newest first": (lambda d: d["updated_at"], True), "Name": (lambda d: d["filename"].lower(), False),
         "Type": (lambda d: (d["doc_type"], d["filename"].lower()), False),
         "Most chunks": (lambda d: d["chunks"], True), "Status": (lambda d: d["status"], False)}
st.subheader(t("{n} documents", n=len(docs)))
left, right = st.columns([3, 1])
query = left.text_input(t("Search by name, group or uploader"), key="doc_search").strip().lower()
order = right.selectbox(t("Sort by"), list(SORTS), format_func=t, key="doc_sort")
shown = [d for d in docs if not query or query in " ".join(
    [d["filename"], *d["access"], d.get("uploaded_by") or ""]).lower()]
key, descending = SORTS[order]
shown.sort(key=key, reverse=descending)


def act(action, done: str) -> None:
    try:
        action()
        st.session_state["notice"] = done
    except (ApiError, OSError) as exc:
        st.session_state["notice"] = md_escape(str(exc))
    st.rerun()


selected = [d for d in shown if st.session_state.get(f"pick-{d['id']}")]
with st.container(border=True):
    st.caption(t("{n} selected", n=len(selected)))
    a, b, c = st.columns([1, 2, 1.2], vertical_alignment="bottom")
    if a.button(t("Re-index"), disabled=not selected, icon=":material/refresh:",
                help=t("Read the files again with today's parsers (OCR, tables)")):
        job = api.reindex([d["id"] for d in selected])
        for d in selected:
            st.session_state.pop(f"pick-{d['id']}", None)
        st.session_state["reindex_job"] = job["job_id"]
        st.rerun()
    bulk_groups = b.text_input(t("Groups (empty: everyone)"), key="bulk_groups")
    if c.button(t("Change groups"), disabled=not selected):
        act(lambda: [api.set_groups(d["id"], [g for g in bulk_groups.split(",") if g.strip()])
                     for d in selected], md_escape(t("Access of {n} documents changed", n=len(selected))))
    confirm = st.checkbox(t("Yes, delete the selected documents"), key="bulk_confirm",
                          disabled=not selected)
    if st.button(t("Delete selected"), disabled=not (selected and confirm), icon=":material/delete:"):
        act(lambda: [api.delete(d["id"]) for d in selected],
            md_escape(t("Deleted {n} documents", n=len(selected))))

widths = [0.4, 3.2, 0.7, 0.8, 0.9, 1.5, 1.6, 0.8, 1]
for col, label in zip(st.columns(widths), ["", t("Name"), t("Type"), t("Pages"), t("Chunks"),
                                           t("Groups"), t("Uploaded"), t("Status"), ""]):
    col.caption(label)
for d in shown:
    cols = st.columns(widths, vertical_alignment="center")
    cols[0].checkbox(t("Select"), key=f"pick-{d['id']}", label_visibility="collapsed")
    cols[1].markdown(f"**{md_escape(d['filename'])}**")
    cols[2].write(d["doc_type"])
    cols[3].write(t("{n} pages", n=d["pages"]) if d["pages"] else "—")
    cols[4].write(t("{n} chunks", n=d["chunks"]))
    with cols[5].popover(md_escape(", ".join(d["access"])), icon=":material/group:"):
        new = st.text_input(t("Groups (empty: everyone)"), key=f"acc-{d['id']}",
                            value="" if d["access"] == ["public"] else ", ".join(d["access"]))
        if st.button(t("Save"), key=f"save-{d['id']}"):
            act(lambda: api.set_groups(d["id"], [g for g in new.split(",") if g.strip()]),
                md_escape(t("Access of {name} changed", name=d["filename"])))
    cols[6].write(md_escape(f"{d.get('uploaded_by') or '—'}, {d['created_at'][:10]}"))
    cols[7].write(status_text(d["status"]))
    if cols[8].button(t("Delete"), key=f"del-{d['id']}"):
        act(lambda: api.delete(d["id"]), md_escape(t("Deleted {name}", name=d["filename"])))
