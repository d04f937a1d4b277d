"""Chat: ask a question, watch the answer stream in, open the cited passages."""

import contextlib
import time

import streamlit as st

from frontend.api_client import ApiClient, ApiError, SignedOut
from frontend.i18n import t
from frontend.render import answer_html, citation_anchor, draft_html, md_escape, passage_html

api: ApiClient = st.session_state["api"]
st.title(t("Ask your documents"))
st.caption(t("Answers come only from the company's documents; every claim cites its source."))
history: list[dict] = st.session_state.setdefault("history", [])
MAX_TURNS = 6


def where(c: dict) -> str:
    if c.get("page"):
        return t("page {page}", page=c["page"])
    return c.get("section") or ""


def show_citations(citations: list[dict], related: bool = False, key: str | None = None) -> None:
    """Citation cards, each after an anchor the answer's ``[n]`` links to (answer ``key``);
    ``related``: a refusal's closest passages, labelled as such."""
    if related and citations:
        st.caption(t("Related passages (the search found them, but they do not answer it):"))
    for c in citations:
        if key is not None and not related:
            st.html(f'<span id="{citation_anchor(key, c["n"])}"></span>')
        mark = t("Related") if related else f"[{c['n']}]"
        label = f"{mark} {c['filename']}" + (f" — {where(c)}" if where(c) else "")
        with st.expander(md_escape(label)):
            st.html(passage_html(c["text"], c.get("span")))
            whole_page(c, f"{key or 'related'}-{c['n']}-{c['chunk_id']}")
            try:
                url = api.file_url(c["document_id"])
            except (ApiError, OSError):
                continue  # the document was deleted or its access changed since the answer
            st.link_button(t("Open document"), url, icon=":material/open_in_new:")


def whole_page(c: dict, key: str) -> None:
    """On demand: the cited page (PDF: the page image with the span boxed) or the section's
    whole text with the span highlighted."""
    if not st.toggle(t("Show the whole page"), key=f"page-{key}"):
        return
    cache = st.session_state.setdefault("pages", {})
    wanted = (c["chunk_id"], tuple(c.get("span") or ()))
    try:
        if wanted not in cache:
            view = api.page_view(c["chunk_id"], c.get("span"))
            image = api.page_image(c["chunk_id"], c.get("span")) if view["image"] else None
            cache[wanted] = (view, image)
        view, image = cache[wanted]
    except (ApiError, OSError) as exc:
        st.caption(t("The page cannot be shown: {error}", error=md_escape(str(exc))))
        return
    if image:
        st.image(image, caption=t("page {page}", page=view["page"]))
    else:
        st.html(passage_html(view["text"], view["span"]))


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
        st.caption(t("Thanks for your feedback."))
        return
    left, right, _ = st.columns([1, 1, 4])
    if left.button(t("Helpful"), icon=":material/thumb_up:", key=f"up-{answer_id}"):
        st.session_state[f"rating-{answer_id}"] = "up"
    if right.button(t("Not helpful"), icon=":material/thumb_down:", key=f"down-{answer_id}"):
        st.session_state[f"rating-{answer_id}"] = "down"
    rating = st.session_state.get(f"rating-{answer_id}")
    if rating is None:
        return
    with st.form(f"feedback-{answer_id}"):
        comment = st.text_input(t("What was wrong or missing? (optional)") if rating == "down"
                                else t("Anything to add? (optional)"), max_chars=2000)
        if st.form_submit_button(t("Send feedback")):
            try:
                api.feedback(answer_id, rating, comment)
            except (ApiError, OSError) as exc:
                st.error(t("The feedback could not be sent: {error}", error=md_escape(str(exc))))
            else:
                turn["rated"] = rating
                st.rerun()


def searched_note(turn: dict) -> None:
    """A follow-up's standalone question, as searched."""
    if turn.get("search_query") and turn["search_query"] != turn.get("question"):
        st.caption(t("Searched for: {query}", query=md_escape(turn["search_query"])))


def answers_are_quotes() -> bool:
    """Whether the backend runs without a language model (CITEQA_ANSWER_MODE=quote): asked once
    a session. A reopened conversation's turns carry no model name to tell by."""
    if "answers_are_quotes" not in st.session_state:
        try:
            mode = api.health().get("answer_mode")
        except (ApiError, OSError):
            return False  # not known now: ask again on the next run
        st.session_state["answers_are_quotes"] = mode == "quote"
    return st.session_state["answers_are_quotes"]


def quoted_note(turn: dict) -> None:
    """Why the answer is a quote: the documents define the term asked about, no model runs, or
    the model's own answer could not be verified."""
    if turn.get("mode") == "definition":
        st.caption(t("Quoted: the documents' own definition of the term."))
        return
    if turn.get("mode") != "extractive":
        return
    if answers_are_quotes():
        st.caption(t("Quoted from the best-matching source (answers here are quotes, no "
                     "language model writes them)."))
    else:
        st.caption(t("Quoted from the best-matching source: the model's own answer "
                     "could not be verified against the documents."))


def reopen(conversation_id: int) -> None:
    """Show a saved conversation; the next question continues it."""
    saved = api.conversation(conversation_id)
    turns: list[dict] = []
    for t in saved["history"]:
        turns.append({"role": "user", "content": t["question"]})
        turns.append({"role": "assistant", "content": t["answer"], "citations": t["citations"],
                      "related": [], "answer_id": t["answer_id"], "key": t["answer_id"],
                      "rated": t["rating"], "question": t["question"],
                      "search_query": t["search_query"], "mode": t["mode"]})
    st.session_state["history"], st.session_state["conversation_id"] = turns, conversation_id


def start_new() -> None:
    st.session_state["history"], st.session_state["conversation_id"] = [], None


def forget(conversation_id: int) -> None:
    api.delete_conversation(conversation_id)
    if st.session_state.get("conversation_id") == conversation_id:
        start_new()


def conversation_list() -> None:
    """The sidebar: a new conversation, and the user's saved ones to reopen or delete."""
    st.button(t("New conversation"), icon=":material/add_comment:", on_click=start_new,
              use_container_width=True)
    try:
        saved = api.conversations()
    except (ApiError, OSError):
        st.caption(t("Saved conversations could not be loaded."))
        return
    if saved:
        st.caption(t("Your conversations"))
    current = st.session_state.get("conversation_id")
    for conv in saved[:30]:
        left, right = st.columns([5, 1], vertical_alignment="center")
        title = conv["title"] or t("(no question yet)")
        left.button(md_escape(title[:60]), key=f"open-{conv['id']}", on_click=reopen,
                    args=(conv["id"],), use_container_width=True,
                    type="primary" if conv["id"] == current else "secondary",
                    help=md_escape(title))
        right.button("", key=f"forget-{conv['id']}", icon=":material/delete:", on_click=forget,
                     args=(conv["id"],), help=t("Delete this conversation"))


with st.sidebar:
    conversation_list()

for turn in history:
    with st.chat_message(turn["role"]):
        if turn["role"] == "user":
            st.html(passage_html(turn["content"]))
        else:
            st.html(answer_html(turn["content"], key=turn_key(turn),
                                cited=frozenset(c["n"] for c in turn.get("citations", []))))
            searched_note(turn)
        if turn.get("citations"):
            show_citations(turn["citations"], key=turn_key(turn))
        if turn.get("related"):
            show_citations(turn["related"], related=True)
        if turn["role"] == "assistant":
            quoted_note(turn)
            feedback_controls(turn)

if question := st.chat_input(t("Ask a question, e.g. What is our travel reimbursement limit?")):
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
            started = st.session_state.get("conversation_id") is None
            if started:
                st.session_state["conversation_id"] = api.new_conversation()["id"]
            with contextlib.closing(api.ask_stream(
                    question, history=earlier,
                    conversation_id=st.session_state["conversation_id"])) as events:
                text, shown = "", 0.0
                for event in events:
                    if event.kind == "token":
                        text += event.data["text"]
                        if time.monotonic() - shown > 0.05:  # redraw at most 20 times a second
                            placeholder.html(draft_html(
                                text, t("Draft: being checked against the sources…")))
                            shown = time.monotonic()
                    else:
                        final.update(event.data)
            # the checked answer replaces the raw stream: unsupported sentences are removed;
            # its [n] markers link to the citation cards below
            key = turn_key(final)
            placeholder.html(answer_html(final.get("answer", ""), key=key,
                                         cited=frozenset(c["n"] for c in final.get("citations", []))))
            # kept with the turn: the page is drawn again from the history at the next click
            turn = {"role": "assistant", "content": final.get("answer", ""),
                    "citations": final.get("citations", []), "related": final.get("related", []),
                    "answer_id": final.get("answer_id"), "key": key, "question": question,
                    "search_query": final.get("search_query"), "mode": final.get("mode")}
            searched_note(turn)
            show_citations(turn["citations"], key=key)
            show_citations(turn["related"], related=True)
            quoted_note(turn)
            history.append(turn)
            if started:  # the sidebar lists the new conversation under its first question
                st.rerun()
            feedback_controls(turn)
        except SignedOut as exc:
            placeholder.error(md_escape(str(exc)))
            st.session_state.pop("me", None)
        except (ApiError, OSError) as exc:
            placeholder.error(t("The API could not answer: {error}", error=md_escape(str(exc))))
