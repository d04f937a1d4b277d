"""Answering: retrieve, prompt the chat model, check and number the citations."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from backend.access import Scope
from backend.domain import Answer, Citation, ScoredChunk
from backend.ports import ChatModel
from backend.rag.answerability import AnswerabilityModel
from backend.rag.chinese_script import chinese_script
from backend.rag.citations import (ABOUT_THE_QUESTION, asked_terms, attribute, best_sentence,
                                   best_span, cited_span, claim_of, figures_disagree,
                                   keep_supported, quote_in, renumber, rests_on, shared_terms,
                                   terms, unnamed)
from backend.rag.definitions import definition_in
from backend.rag.followup import Rewrite, Turn, rewrite, subject_of
from backend.rag.prompt import build_messages
from backend.rag.retrieve import Retriever
from backend.rag.safety import addresses_reader, strip_foreign_links, without_instructions
from backend.rag.text import (Alternatives, has_cjk, is_heading, is_headline, is_index_entry,
                              is_link_list, mostly_cjk)

log = logging.getLogger("citeqa")

NOT_COVERED = {
    "en": "The documents do not cover this question.",
    "zh-Hans": "文件中没有涵盖这个问题的内容。",
    "zh-Hant": "文件中沒有涵蓋這個問題的內容。",
}


def reply_language(question: str) -> str:
    """The language a refusal is written in: English unless the question is mainly Chinese
    (a Chinese name in an English question keeps it English), then Simplified or Traditional
    as the question writes it (``chinese_script``)."""
    if not mostly_cjk(question):
        return "en"
    return chinese_script(question)


@dataclass
class Token:
    text: str


@dataclass
class Final:
    answer: Answer


class Cancelled(Exception):
    """The asker went away before the answer was complete."""


class Busy(Exception):
    """More questions are waiting for the model than the queue allows; ask again later."""


class AnswerSlots:
    """Places on the model: ``capacity`` questions running or waiting in all, at most
    ``per_user`` of them one user's, so one user cannot fill the queue for everyone."""

    def __init__(self, capacity: int, per_user: int) -> None:
        self.capacity = capacity
        self.per_user = max(1, per_user)
        self._lock = threading.Lock()
        self._taken: Counter[object] = Counter()

    def acquire(self, user: object) -> None:
        with self._lock:
            if self._taken[user] >= self.per_user:
                raise Busy(f"you already have {self.per_user} question(s) waiting for the model")
            if sum(self._taken.values()) >= self.capacity:
                raise Busy("the answer queue is full")
            self._taken[user] += 1

    def release(self, user: object) -> None:
        with self._lock:
            self._taken[user] -= 1
            if self._taken[user] <= 0:
                del self._taken[user]

    def in_use(self) -> int:
        with self._lock:
            return sum(self._taken.values())


_END = object()


class AnswerStream:
    """The events of one answer: Token..., then one Final. The work runs in a thread of its
    own, so a consumer that goes away (a closed connection, an abandoned generator) holds
    nothing: ``close()`` (or garbage collection) cancels it, and the model is free again
    within one token or one prompt-evaluation step."""

    def __init__(self, work, release, cancel: threading.Event | None = None) -> None:
        self.cancel = cancel or threading.Event()
        self._events: queue.SimpleQueue = queue.SimpleQueue()
        self._release = release
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True,
                                        name="answer")
        self._thread.start()

    def _run(self, work) -> None:
        try:
            for event in work(self.cancel):
                self._events.put(event)
                if self.cancel.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            self._events.put(exc)
        finally:
            self._release()
            self._events.put(_END)

    def __iter__(self) -> Iterator[Token | Final]:
        try:
            while True:
                event = self._events.get()
                if event is _END:
                    return
                if isinstance(event, BaseException):
                    raise event
                yield event
        finally:
            self.close()  # the consumer stopped early or finished: either way, stop the work

    def close(self) -> None:
        self.cancel.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the work to end; True if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def __del__(self) -> None:
        self.cancel.set()


# the least share of an English question's terms its answer's sentence holds: under it, the
# sentence is about a neighbouring fact. Chosen as the trust set's answerability operating
# point is (wrongful refusals at most 0.10), on half of XQuAD's questions that the trust set
# does not ask (scripts/make_trust_sets.py, unseen.jsonl; split by a hash of the question):
# 0.35 of a 0.05 grid. On the other half it refuses 3 of 19 answered near-miss questions and 3
# of 261 right answers (README, "Answer trust")
ENGLISH_SHARE = 0.35


def only_brushes(question: str, sentence: str, strength: float, asked: str) -> bool:
    """The best sentence only brushes the question: it holds under two of its terms
    (``strength`` under ``ABOUT_THE_QUESTION``) or, both in English, about a third of them
    at most (under ``ENGLISH_SHARE``).
    Quoted, it answers another question ("Northwind Games release notes" for "When was
    Skyline: Ocean Rift released?"; "It's only fair that you should pay more for oil." for
    which painting an oil sketch of 1821 was), as a model's answer resting on it does. The
    share is fitted on English only: a Chinese question's terms are character bigrams, many
    spanning two words, and a sentence holding Chinese may hold a term in a translation the
    dictionary lacks, so only the count holds there. A sentence in another script than the
    question ``asked`` is exempt: it shares terms only where the dictionary translates them, so
    a count says little (the gate exempts such passages likewise)."""
    if mostly_cjk(sentence) != mostly_cjk(asked):
        return False
    count = len(asked_terms(question))
    if strength < min(ABOUT_THE_QUESTION, count):
        return True
    english = not has_cjk(asked) and not has_cjk(sentence)
    return english and strength < ENGLISH_SHARE * count


def names_unseen(question: str, passages: Sequence[ScoredChunk],
                 alternatives: Alternatives | None = None,
                 documents: Callable[[set[int]], list[str]] | None = None) -> bool:
    """Whether the question names something (a word it capitalises: "Ekstraklasa", "TUMAS")
    that no passage mentions, in its text, its section or its document's name, nor anywhere
    else in their ``documents`` (document ids -> their chunks' texts): the passages are about
    something else, however many other words they share ("Who won the Ekstraklasa Championship
    in 2000?" over tennis results). The rest of a document counts because a handbook may name
    its company once, on its first page, and not in the passage on leave."""
    seen = [" ".join((subject_of(p.chunk.filename), p.chunk.section or "", p.chunk.text))
            for p in passages]
    if not unnamed(question, seen, alternatives):
        return False
    return documents is None or bool(unnamed(
        question, seen + documents({p.chunk.document_id for p in passages}), alternatives))


RELATED = 3  # passages listed under a refusal


def related(question: str, found: Sequence[ScoredChunk]) -> list[Citation]:
    """The closest passages under "not covered": the asker sees what the search found and can
    judge the refusal, and each one's best-matching sentence is marked as in a citation."""
    return [Citation(n, s.chunk, s.score, best_span(question, s.chunk.text, s.chunk.section))
            for n, s in enumerate(found[:RELATED], start=1)]


class AnswerService:
    def __init__(self, retriever: Retriever, chat_model: ChatModel, max_answer_tokens: int,
                 queue: int = 8, queue_per_user: int = 2, evidence_tokens: int = 0,
                 answerability: AnswerabilityModel | None = None,
                 observe: Callable[[dict[str, float]], None] | None = None,
                 record: Callable[[object, str, Answer], int | None] | None = None) -> None:
        """``observe`` receives each finished answer's timings (ms per stage), for metrics;
        ``record`` logs an answer given to a user (the asker, the question as asked, the
        answer) and returns its id in the log."""
        self.retriever = retriever
        self.observe = observe or (lambda timings: None)
        self.record = record or (lambda user, question, answer: None)
        self.answerability = answerability
        self.evidence_tokens = evidence_tokens
        self.chat_model = chat_model
        self.max_answer_tokens = max_answer_tokens
        # one question at a time runs on the model; ``queue`` more may wait, the rest are refused
        self.slots = AnswerSlots(queue + 1, queue_per_user)

    def answer(self, question: str, top_k: int, scope: Scope | None = None, user: object = None,
               cancel: threading.Event | None = None, history: Sequence[Turn] = ()) -> Answer:
        """The checked answer; Busy when the model's queue is full. Setting ``cancel`` (the
        client went away) stops the work and raises Cancelled."""
        final = None
        for event in self.stream(question, top_k, scope, user, cancel, history):
            if isinstance(event, Final):
                final = event.answer
        if final is None:
            raise Cancelled("the question was cancelled")
        return final

    def stream(self, question: str, top_k: int, scope: Scope | None = None,
               user: object = None, cancel: threading.Event | None = None,
               history: Sequence[Turn] = ()) -> AnswerStream:
        """Tokens as the model writes them, then one Final with the checked, numbered answer.

        ``history`` holds the conversation's earlier turns: a follow-up ("And for hotels?") is
        searched and answered as the standalone question they make (``Answer.search_query``).

        Raises Busy at once when the model's queue (or ``user``'s share of it) is full. Only
        passages in ``scope`` (None: all) are retrieved. Setting ``cancel`` (or closing the
        stream) stops the work.
        """
        self.slots.acquire(user)
        try:
            def work(flag: threading.Event) -> Iterator[Token | Final]:
                asked = self.rewrite(question, history, scope)
                return self._logged(self._stream(asked.search, top_k, scope, flag, asked.focus,
                                                 asked.continues), user, question)

            return AnswerStream(work, lambda: self.slots.release(user), cancel)
        except BaseException:
            self.slots.release(user)
            raise

    def rewrite(self, question: str, history: Sequence[Turn], scope: Scope | None = None) -> Rewrite:
        """The follow-up made standalone; a pronoun stands for the subject of a document that
        best answers the previous question (of the best three passages) among those ``scope``
        lets the asker see. The relevance gate is off here: the previous question must name the
        subject anyway, and a Chinese question about an English document often ranks its
        passage first just under the gate's bar."""
        def topic(previous: str) -> list[str]:
            found = self.retriever.retrieve(previous, 3, mode="hybrid", gate=False,
                                           scope=scope).chunks
            return list(dict.fromkeys(subject_of(s.chunk.filename) for s in found))

        lexicon = self.retriever.expansion.translator
        return rewrite(question, history, topic,
                       lexicon.english_pairs if lexicon is not None else None)

    def _logged(self, events: Iterator[Token | Final], user: object,
                question: str) -> Iterator[Token | Final]:
        """The events, the final answer logged for its asker (none without one: evaluations)."""
        for event in events:
            if isinstance(event, Final):
                self.observe(event.answer.timings_ms)
                if user is not None:
                    try:
                        event.answer.id = self.record(user, question, event.answer)
                    except Exception:  # noqa: BLE001 - the answer matters more than its log entry
                        log.exception("could not log the answer")
            yield event

    def _stream(self, question: str, top_k: int, scope: Scope | None,
                cancel: threading.Event, focus: str = "",
                continues: bool = False) -> Iterator[Token | Final]:
        started = time.perf_counter()
        retrieval = self.retriever.retrieve(question, top_k, scope=scope)
        # sentences that talk to the model ("ignore previous instructions...") are not evidence
        for s in retrieval.chunks:
            s.chunk = replace(s.chunk, text=without_instructions(s.chunk.text))
        timings = dict(retrieval.timings_ms)
        if cancel.is_set():  # gone during retrieval: do not start the model
            return
        # the other forms of the question's terms count as its terms (an English question
        # about a Chinese passage, "License" for "licence"), for the decision and (as
        # searched) for the sentences the model reads
        alternatives = self.retriever.expansion.alternatives(question, terms)
        answerable = bool(retrieval.chunks) and not names_unseen(
            question, retrieval.chunks, alternatives, self.retriever.kb.document_texts) and (
            self.answerability is None
            or self.answerability.answerable(question, retrieval.chunks, focus, alternatives))
        if not answerable:  # decided on the evidence: the model is not asked to guess
            text = NOT_COVERED[reply_language(question)]
            yield Token(text)
            timings.update(generate=0.0, total=(time.perf_counter() - started) * 1000)
            yield Final(Answer(text, [], timings, self.chat_model.name, grounded=False, mode="none",
                               search_query=question, related=related(question, retrieval.chunks)))
            return

        budget = self.chat_model.context_window - self.max_answer_tokens
        messages, used = build_messages(
            question, [s.chunk for s in retrieval.chunks], self.chat_model.count_tokens, budget,
            self.evidence_tokens, retrieval.keyword_query)
        gen_start = time.perf_counter()
        parts: list[str] = []
        for piece in self.chat_model.stream(messages, self.max_answer_tokens, cancel):
            parts.append(piece)
            yield Token(piece)
        if cancel.is_set():
            return
        timings["generate"] = (time.perf_counter() - gen_start) * 1000

        by_id = {s.chunk.id: s for s in retrieval.chunks}
        passages = [by_id[c.id] for c in used]
        # a Chinese question is matched with English sentences through its translations, when
        # no passage is in Chinese (the glosses would make an English sentence the best match)
        foreign_only = mostly_cjk(question) and not any(mostly_cjk(p.chunk.text) for p in passages)
        matching = retrieval.keyword_query if foreign_only else question
        # an English phrase's translations are whole Chinese words; a Chinese word's are its
        # gloss words one by one ("leave" for 婚假, marriage leave): enough to judge coverage,
        # too loose to choose the quote by (an English sentence on annual leave would win)
        quote_translations = None if has_cjk(question) else alternatives
        text, citations, mode = self._cite(question, "".join(parts).strip(), passages, focus,
                                           matching, quote_translations,
                                           required=focus if continues else "")
        timings["total"] = (time.perf_counter() - started) * 1000
        yield Final(Answer(text, citations, timings, self.chat_model.name,
                           grounded=bool(citations), mode=mode, search_query=question,
                           related=[] if citations else related(question, passages)))

    @staticmethod
    def _cite(question: str, raw: str, passages: list[ScoredChunk], focus: str = "",
              matching: str | None = None, translations: Alternatives | None = None,
              required: str = ""):
        """Checked answer text, its citations, and its mode: "generated", "extractive" or
        "definition" (the documents' definition of the term asked about, quoted).

        Sentences the cited passage does not support are dropped; if none is left, the answer
        quotes the source sentence that best matches the question instead of guessing.
        ``matching``: the question's words to match sentences with (its translations added),
        when not the question's own; the refusal's language stays the question's.
        ``translations``: the question's terms in the other language, so the quote can be a
        sentence in the other language (an English question about a Chinese passage).
        ``required``: what a continuing follow-up asks about ("餐费" for "那餐费呢？"), which
        the quote must hold where a sentence does.
        """
        lang, asked = reply_language(question), question
        question = matching or question
        texts = [p.chunk.text for p in passages]
        checked = keep_supported(attribute(raw, texts), texts, question)
        definition = definition_in(asked, texts, _quotable)
        if definition is not None:  # the documents' own definition, not a paraphrase of it
            checked, quote_span = _quoted(texts, *definition)
            mode = "definition"
        else:
            decided = _checked_or_quoted(question, asked, checked, passages, focus, translations,
                                         required)
            if decided is None:
                return NOT_COVERED[lang], [], "none"
            checked, mode, quote_span = decided
        checked = strip_foreign_links(checked, texts)
        text, order = renumber(checked, len(passages))
        citations = []
        for n, old in enumerate(order, start=1):
            chunk = passages[old - 1].chunk
            claim = claim_of(text, n)
            # a quote's span is what it quotes (an announcement with what it announces)
            span = quote_span or cited_span(chunk.text, claim or text, question, chunk.section)
            citations.append(Citation(n, chunk, passages[old - 1].score, span))
        return text, citations, mode


def _quoted(texts: Sequence[str], index: int, sentence: str) -> tuple[str, tuple[int, int] | None]:
    """The answer quoting ``sentence`` of passage ``index``, and the span it quotes."""
    quote, span = quote_in(texts[index], sentence, quotable=lambda s: not addresses_reader(s))
    return f"\"{quote}\" [{index + 1}]", span


def _quotable(sentence: str) -> bool:
    """A heading names a topic and states nothing: never the quote; nor a sentence addressing
    the reader, a headline, a list of links or an index entry."""
    return not (addresses_reader(sentence) or is_heading(sentence) or is_headline(sentence)
                or is_link_list(sentence) or is_index_entry(sentence))


def _checked_or_quoted(question: str, asked: str, checked: str, passages: Sequence[ScoredChunk],
                       focus: str, translations: Alternatives | None, required: str
                       ) -> tuple[str, str, tuple[int, int] | None] | None:
    """The model's checked answer, or the quote that replaces it (text, mode, quote span);
    None when the passages do not answer the question after all."""
    texts = [p.chunk.text for p in passages]
    # a sentence is read under its document's subject too: "SnowNLP" is named by the
    # document, not by each line of its feature list
    headings = [" > ".join(x for x in (subject_of(p.chunk.filename), p.chunk.section) if x)
                for p in passages]
    best = best_sentence(question, texts, headings, quotable=_quotable, focus=focus,
                         translations=translations, required=required)
    if best is not None and only_brushes(question, best[1], best[2], asked):
        return None  # quoted, or as the model's answer resting on it, it answers another question
    # Grounded is not enough: an answer sharing no term with the question while a source
    # sentence matches it well, stating none of the figures of the source sentence that
    # best matches the question, or resting on another sentence than that one, answers
    # something else. Quote the source instead: a small model copies a neighbouring
    # sentence or mixes two (measured on the public trust set: the model's own answers
    # held the asked-for fact 7 times in 28, the quotes that replace them 20 times).
    answer_terms = shared_terms(question, checked) if checked else 0
    # the document's name helps choose among its sentences but never makes one about the
    # question: no sentence of leave_policy.docx is about "Which algorithm does the leave
    # policy use?" for its file's name
    about = best_sentence(question, texts, [p.chunk.section for p in passages],
                          quotable=_quotable, focus=focus, translations=translations,
                          required=required) if checked and best is not None else None
    best_strength = about[2] if about is not None else 0.0
    if checked and answer_terms == 0 and best_strength < ABOUT_THE_QUESTION:
        # the answer is about something else and no source sentence is about the question:
        # the passages only brushed the question (one shared word), they do not answer it
        return None
    off_question = checked and best is not None and (
        (answer_terms == 0 and best_strength >= ABOUT_THE_QUESTION)
        or figures_disagree(checked, best[1])
        or not rests_on(checked, best[0] + 1, texts[best[0]], best[1], question,
                        passages[best[0]].chunk.section))
    mode, quote_span = "generated", None
    if not checked or off_question:
        if best is None:
            return None
        checked, quote_span = _quoted(texts, best[0], best[1])
        mode = "extractive"
    return checked, mode, quote_span
