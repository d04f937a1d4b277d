"""Chat: ask a question, watch the answer stream in, open the cited passages."""

import re

import streamlit as st

from frontend.api_client import ApiClient, ApiError, SignedOut

api: ApiClient = st.session_state["api"]
st.title("Ask your documents")
st.caption("Answers come only from the company's documents; every claim cites its source.")
history: list[dict] = st.session_state.setdefault("history", [])


def where(c: dict) -> str:
    if c.get("page"):
        return f"page {c['page']}"
    return c.get("section") or ""


def quote(text: str) -> str:
    """The passage verbatim as a Markdown quote: its own *, |, # etc. must not format it."""
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<])", r"\\\1", text)
    return "\n".join(f"> {line}" if line.strip() else ">" for line in escaped.split("\n"))


def show_citations(citations: list[dict]) -> None:
    for c in citations:
        label = f"[{c['n']}] {c['filename']}" + (f" — {where(c)}" if where(c) else "")
        with st.expander(label):
            st.markdown(quote(c["text"]))
            try:
                url = api.file_url(c["document_id"])
            except (ApiError, OSError):
                continue  # the document was deleted or its access changed since the answer
            st.link_button("Open document", url, icon=":material/open_in_new:")


for turn in history:
    with st.chat_message(turn["role"]):
        st.markdown(turn["content"])
        if turn.get("citations"):
            show_citations(turn["citations"])

if question := st.chat_input("Ask a question, e.g. What is our travel reimbursement limit?"):
    history.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        final: dict = {}
        placeholder = st.empty()

        def tokens():
            for event in api.ask_stream(question):
                if event.kind == "token":
                    yield event.data["text"]
                else:
                    final.update(event.data)

        try:
            placeholder.write_stream(tokens())
            # the checked answer replaces the raw stream: unsupported sentences are removed
            placeholder.markdown(final.get("answer", ""))
            show_citations(final.get("citations", []))
            if final.get("mode") == "extractive":
                st.caption("Quoted from the best-matching source: the model's own answer could "
                           "not be verified against the documents.")
            history.append({"role": "assistant", "content": final.get("answer", ""),
                            "citations": final.get("citations", [])})
        except SignedOut as exc:
            placeholder.error(str(exc))
            st.session_state.pop("me", None)
        except (ApiError, OSError) as exc:
            placeholder.error(f"The API could not answer: {exc}")
