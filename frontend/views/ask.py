"""Chat: ask a question, watch the answer stream in, open the cited passages."""

import contextlib
import time

import streamlit as st

from frontend.api_client import ApiClient, ApiError, SignedOut
from frontend.render import answer_html, citation_anchor, md_escape, passage_html

api: ApiClient = st.session_state["api"]
st.title("Ask your documents")
st.caption("Answers come only from the company's documents; every claim cites its source.")
history: list[dict] = st.session_state.setdefault("history", [])
MAX_TURNS = 6


def where(c: dict) -> str:
    if c.get("page"):
        return f"page {c['page']}"
    return c.get("section") or ""


def show_citations(citations: list[dict], related: bool = False, key: str | None = None) -> None:
    """Citation cards, each after an anchor the answer's ``[n]`` links to (answer ``key``);
    ``related``: a refusal's closest passages, labelled as such."""
    if related and citations:
        st.caption("Related passages (the search found them, but they do not answer it):")
    for c in citations:
        if key is not None and not related:
            st.html(f'<span id="{citation_anchor(key, c["n"])}"></span>')
        mark = "Related" if related else f"[{c['n']}]"
        label = f"{mark} {c['filename']}" + (f" — {where(c)}" if where(c) else "")
        with st.expander(md_escape(label)):
            st.html(passage_html(c["text"], c.get("span")))
            try:
                url = api.file_url(c["document_id"])
            except (ApiError, OSError):
                continue  # the document was deleted or its access changed since the answer
            st.link_button("Open document", url, icon=":material/open_in_new:")


def turn_key(turn: dict) -> str:
    """Names an answer's citation anchors: its id in the answer log, else its place."""
    return str(turn.get("key") or turn.get("answer_id") or f"t{len(history)}")


def feedback_controls(turn: dict) -> None:
    """Helpful / not helpful, then an optional comment: stored with the question, the answer,
    its citations, the model and timings, for the admins' review and test cases."""
    answer_id = turn.get("answer_id")
    if not answer_id:
        return
    if turn.get("rated"):
        st.caption("Thanks for your feedback.")
        return
    left, right, _ = st.columns([1, 1, 4])
    if left.button("Helpful", icon=":material/thumb_up:", key=f"up-{answer_id}"):
        st.session_state[f"rating-{answer_id}"] = "up"
    if right.button("Not helpful", icon=":material/thumb_down:", key=f"down-{answer_id}"):
        st.session_state[f"rating-{answer_id}"] = "down"
    rating = st.session_state.get(f"rating-{answer_id}")
    if rating is None:
        return
    with st.form(f"feedback-{answer_id}"):
        comment = st.text_input("What was wrong or missing? (optional)" if rating == "down"
                                else "Anything to add? (optional)", max_chars=2000)
        if st.form_submit_button("Send feedback"):
            try:
                api.feedback(answer_id, rating, comment)
            except (ApiError, OSError) as exc:
                st.error(f"The feedback could not be sent: {md_escape(str(exc))}")
            else:
                turn["rated"] = rating
                st.rerun()


for turn in history:
    with st.chat_message(turn["role"]):
        if turn["role"] == "user":
            st.html(passage_html(turn["content"]))
        else:
            st.html(answer_html(turn["content"], key=turn_key(turn),
                                cited=frozenset(c["n"] for c in turn.get("citations", []))))
        if turn.get("citations"):
            show_citations(turn["citations"], key=turn_key(turn))
        if turn.get("related"):
            show_citations(turn["related"], related=True)
        if turn["role"] == "assistant":
            feedback_controls(turn)

if question := st.chat_input("Ask a question, e.g. What is our travel reimbursement limit?"):
    # the conversation so far (the last few turns) lets the API read a follow-up
    earlier = [{"role": t["role"], "content": t["content"]} for t in history[-MAX_TURNS:]]
    history.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.html(passage_html(question))
    with st.chat_message("assistant"):
        final: dict = {}
        placeholder = st.empty()
        try:
            # closing() ends the HTTP stream whatever stops this script (a rerun, a closed tab:
            # Streamlit raises inside the next st call), and the API then stops the model
            with contextlib.closing(api.ask_stream(question, history=earlier)) as events:
                text, shown = "", 0.0
                for event in events:
                    if event.kind == "token":
                        text += event.data["text"]
                        if time.monotonic() - shown > 0.05:  # redraw at most 20 times a second
                            placeholder.html(answer_html(text))
                            shown = time.monotonic()
                    else:
                        final.update(event.data)
            # the checked answer replaces the raw stream: unsupported sentences are removed;
            # its [n] markers link to the citation cards below
            key = turn_key(final)
            placeholder.html(answer_html(final.get("answer", ""), key=key,
                                         cited=frozenset(c["n"] for c in final.get("citations", []))))
            if final.get("search_query") and final["search_query"] != question:
                st.caption(md_escape(f"Searched for: {final['search_query']}"))
            show_citations(final.get("citations", []), key=key)
            show_citations(final.get("related", []), related=True)
            if final.get("mode") == "extractive":
                st.caption("Quoted from the best-matching source: the model's own answer could "
                           "not be verified against the documents.")
            turn = {"role": "assistant", "content": final.get("answer", ""),
                    "citations": final.get("citations", []), "related": final.get("related", []),
                    "answer_id": final.get("answer_id"), "key": key}
            history.append(turn)
            feedback_controls(turn)
        except SignedOut as exc:
            placeholder.error(md_escape(str(exc)))
            st.session_state.pop("me", None)
        except (ApiError, OSError) as exc:
            placeholder.error(f"The API could not answer: {md_escape(str(exc))}")
