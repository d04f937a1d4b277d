"""Answering: retrieve, prompt the chat model, check and number the citations."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from backend.access import Scope
from backend.domain import Answer, Citation, ScoredChunk
from backend.ports import ChatModel
from backend.rag.citations import (attribute, best_sentence, figures_disagree, keep_supported,
                                   renumber, shared_terms)
from backend.rag.prompt import build_messages
from backend.rag.retrieve import Retriever
from backend.rag.safety import strip_foreign_links, without_instructions
from backend.rag.text import has_cjk

NOT_COVERED = {
    "en": "The documents do not cover this question.",
    "zh": "文件中沒有涵蓋這個問題的內容。",
}


@dataclass
class Token:
    text: str


@dataclass
class Final:
    answer: Answer


class Busy(Exception):
    """More questions are waiting for the model than the queue allows; ask again later."""


class AnswerService:
    def __init__(self, retriever: Retriever, chat_model: ChatModel, max_answer_tokens: int,
                 queue: int = 8) -> None:
        self.retriever = retriever
        self.chat_model = chat_model
        self.max_answer_tokens = max_answer_tokens
        # one question at a time runs on the model; ``queue`` more may wait, the rest are refused
        self._slots = threading.BoundedSemaphore(queue + 1)

    def answer(self, question: str, top_k: int, scope: Scope | None = None) -> Answer:
        """The checked answer; Busy when the model's queue is full."""
        final = None
        for event in self.stream(question, top_k, scope):  # to the end: that frees the slot
            if isinstance(event, Final):
                final = event.answer
        if final is None:
            raise RuntimeError("answer stream ended without a final event")
        return final

    def stream(self, question: str, top_k: int,
               scope: Scope | None = None) -> Iterator[Token | Final]:
        """Tokens as the model writes them, then one Final with the checked, numbered answer.

        Raises Busy on the first ``next()`` when the model's queue is full. Only passages in
        ``scope`` (None: all) are retrieved.
        """
        if not self._slots.acquire(blocking=False):
            raise Busy("the answer queue is full")
        try:
            yield from self._stream(question, top_k, scope)
        finally:
            self._slots.release()

    def _stream(self, question: str, top_k: int, scope: Scope | None) -> Iterator[Token | Final]:
        started = time.perf_counter()
        retrieval = self.retriever.retrieve(question, top_k, scope=scope)
        # sentences that talk to the model ("ignore previous instructions...") are not evidence
        for s in retrieval.chunks:
            s.chunk = replace(s.chunk, text=without_instructions(s.chunk.text))
        timings = dict(retrieval.timings_ms)
        if not retrieval.chunks:
            text = NOT_COVERED["zh" if has_cjk(question) else "en"]
            yield Token(text)
            timings.update(generate=0.0, total=(time.perf_counter() - started) * 1000)
            yield Final(Answer(text, [], timings, self.chat_model.name, grounded=False, mode="none"))
            return

        budget = self.chat_model.context_window - self.max_answer_tokens
        messages, used = build_messages(
            question, [s.chunk for s in retrieval.chunks], self.chat_model.count_tokens, budget
        )
        gen_start = time.perf_counter()
        parts: list[str] = []
        for piece in self.chat_model.stream(messages, self.max_answer_tokens):
            parts.append(piece)
            yield Token(piece)
        timings["generate"] = (time.perf_counter() - gen_start) * 1000

        by_id = {s.chunk.id: s for s in retrieval.chunks}
        passages = [by_id[c.id] for c in used]
        text, citations, mode = self._cite(question, "".join(parts).strip(), passages)
        timings["total"] = (time.perf_counter() - started) * 1000
        yield Final(Answer(text, citations, timings, self.chat_model.name,
                           grounded=bool(citations), mode=mode))

    @staticmethod
    def _cite(question: str, raw: str, passages: list[ScoredChunk]):
        """Checked answer text, its citations, and whether it is "generated" or "extractive".

        Sentences the cited passage does not support are dropped; if none is left, the answer
        quotes the source sentence that best matches the question instead of guessing.
        """
        texts = [p.chunk.text for p in passages]
        checked = keep_supported(attribute(raw, texts), texts, question)
        best = best_sentence(question, texts, [p.chunk.section for p in passages])
        # Grounded is not enough: an answer sharing no term with the question while a source
        # sentence shares several, or stating none of the figures of the source sentence that
        # best matches the question, answers something else. Quote the source instead.
        answer_terms = shared_terms(question, checked) if checked else 0
        best_terms = shared_terms(question, best[1]) if best is not None else 0
        if checked and answer_terms == 0 and best_terms < 2:
            # the answer is about something else and no source sentence is about the question:
            # the passages only brushed the question (one shared word), they do not answer it
            return NOT_COVERED["zh" if has_cjk(question) else "en"], [], "none"
        off_question = checked and best is not None and (
            (answer_terms == 0 and best_terms >= 2) or figures_disagree(checked, best[1]))
        mode = "generated"
        if not checked or off_question:
            if best is None:
                return NOT_COVERED["zh" if has_cjk(question) else "en"], [], "none"
            index, sentence = best
            checked, mode = f"\"{sentence}\" [{index + 1}]", "extractive"
        checked = strip_foreign_links(checked, texts)
        text, order = renumber(checked, len(passages))
        citations = [Citation(n, passages[old - 1].chunk, passages[old - 1].score)
                     for n, old in enumerate(order, start=1)]
        return text, citations, mode
