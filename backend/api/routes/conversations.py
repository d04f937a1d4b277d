"""Saved conversations: each user's own, to reopen (with their citations) or delete."""

from fastapi import APIRouter, HTTPException

from backend.api.deps import ContainerDep, PrincipalDep
from backend.api.routes.feedback import RATING_NAMES
from backend.api.schemas import (CitationOut, ConversationDetail, ConversationIn, ConversationOut,
                                 SavedTurn)

router = APIRouter(tags=["conversations"])


def _out(row, turns: int) -> ConversationOut:
    return ConversationOut(id=row.id, title=row.title, created_at=row.created_at,
                           updated_at=row.updated_at, turns=turns)


@router.post("/conversations", status_code=201, response_model=ConversationOut)
def create_conversation(body: ConversationIn, principal: PrincipalDep, c: ContainerDep) -> ConversationOut:
    """Start a conversation; send its ``id`` as ``conversation_id`` with each question. A user
    keeps CITEQA_MAX_CONVERSATIONS of them; starting one more deletes the least recently used."""
    row = c.store.create_conversation(principal.user_id, body.title.strip(),
                                      keep=c.settings.max_conversations)
    return _out(row, 0)


@router.get("/conversations", response_model=list[ConversationOut])
def list_conversations(principal: PrincipalDep, c: ContainerDep) -> list[ConversationOut]:
    """Your conversations, the last used first."""
    return [_out(row, n) for row, n in c.store.conversations_of(principal.user_id)]


@router.get("/conversations/{conversation_id}", response_model=ConversationDetail)
def get_conversation(conversation_id: int, principal: PrincipalDep, c: ContainerDep) -> ConversationDetail:
    """One of your conversations with every turn: question, answer, what was searched, your
    rating and the citations, with the passages' text as they read now."""
    found = c.store.conversation(conversation_id, principal.user_id)
    if found is None:
        raise HTTPException(404, f"no conversation {conversation_id} of yours")
    row, turns = found
    chunks = c.store.chunks_by_ids({cit["chunk_id"] for t in turns for cit in t.citations})
    visible = {d: principal.can_see(doc.access or []) for d in {ch.document_id for ch in chunks.values()}
               if (doc := c.store.get_document(d)) is not None}
    history = []
    for t in turns:
        cited = []
        for cit in t.citations:
            chunk = chunks.get(cit["chunk_id"])
            if chunk is None or not visible.get(chunk.document_id):
                continue  # deleted, re-indexed (new chunk ids) or no longer yours to see
            cited.append(CitationOut(n=cit["n"], document_id=chunk.document_id,
                                     filename=chunk.filename, page=chunk.page,
                                     section=chunk.section, chunk_id=chunk.id, text=chunk.text,
                                     score=0.0, span=cit.get("span")))
        history.append(SavedTurn(answer_id=t.id, question=t.question, answer=t.answer,
                                 search_query=t.search_query, mode=t.mode, refused=t.refused,
                                 rating=RATING_NAMES.get(t.rating), created_at=t.created_at,
                                 citations=cited))
    return ConversationDetail(**_out(row, len(turns)).model_dump(), history=history)


@router.delete("/conversations/{conversation_id}", status_code=204)
def delete_conversation(conversation_id: int, principal: PrincipalDep, c: ContainerDep) -> None:
    """Delete one of your conversations, its questions and answers with it."""
    if not c.store.delete_conversation(conversation_id, principal.user_id):
        raise HTTPException(404, f"no conversation {conversation_id} of yours")
