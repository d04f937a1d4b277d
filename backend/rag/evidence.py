"""Evidence windows: the sentences of a passage that bear on the question, with their neighbours.

Prompt evaluation dominates the time to the first token on a CPU (about 190 tokens/s for the
default model on 2 cores), so the model gets only what can hold the answer: the sentences that
share terms with the question (in any language: CJK text matches by character bigrams) and one
sentence either side, in document order. The whole chunk stays the citation's passage.

The budget is measured with the chat model's own token count, not in characters: SmolLM2 reads
about 4.5 characters of English per token but 1.3 of Chinese (and fewer of URLs and markup), so a
budget in characters made a Chinese README's prompt twice as long as an English article's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from backend.rag.citations import match_strength, sentence_strengths
from backend.rag.safety import link_labels

GAP = " … "
# link targets and markup cost tokens and state nothing the model can answer with: a README's
# `[TextRank](http://acl.ldc.upenn.edu/acl2004/emnlp/pdf/Mihalcea.pdf)` is 30 tokens of URL
_RST_LINK = re.compile(r"`([^`<\n]+?)\s*<[^<>`\s]+>`__?")
_HTML_TAG = re.compile(r"</?(?:a|b|i|p|br|img|div|span|center|font|strong|em|sub|sup|hr|h[1-6])"
                       r"\b[^<>]*>", re.IGNORECASE)


def readable(text: str) -> str:
    """``text`` as the model reads it: links as their label (an image as its alt text), HTML
    formatting tags left out. A bare URL stays: it may be the answer."""
    text = link_labels(text)
    text = _RST_LINK.sub(r"\1", text)
    return _HTML_TAG.sub("", text)


def evidence_window(question: str, text: str, heading: str | None = None,
                    budget: int = 600, neighbours: int = 1,
                    length: Callable[[str], int] = len) -> str:
    """The parts of ``text`` worth showing the model for ``question``, at most ``budget`` as
    measured by ``length`` (the model's token count; characters by default). A passage that
    matches no term at all keeps its head: retrieval found it for a reason the terms do not
    show (synonyms)."""
    if length(text) <= budget:
        return text
    spans, strength = sentence_strengths(question, text, heading)
    if not spans:
        return _head(text, budget, length)
    return _window(question, text, spans, strength, heading, budget, neighbours, length)


def _window(question: str, text: str, spans: list[tuple[int, int]], strength: list[float],
            heading: str | None, budget: int, neighbours: int,
            length: Callable[[str], int]) -> str:
    """The best-matching ``spans`` of ``text`` with their neighbours, in order, within budget."""
    order = sorted(range(len(spans)), key=lambda i: (-strength[i], i))
    if strength[order[0]] <= 0:
        order = list(range(len(spans)))
    size = _sizer(text, spans, length)
    chosen: set[int] = set()
    for i in order:
        if strength[i] <= 0 and chosen:
            break
        wanted = {j for j in range(i - neighbours, i + neighbours + 1) if 0 <= j < len(spans)}
        for grown in (chosen | wanted, chosen | {i}):
            if size(grown) <= budget:
                chosen = grown
                break
        else:
            if not chosen:  # the best span alone is longer than the budget
                return _long_span(question, text, spans, i, heading, budget, length)
        if size(chosen) >= budget:
            break
    return _join(text, spans, sorted(chosen))


# where a long sentence may be cut: after a comma, colon or semicolon (Latin or Chinese), or
# before a list item; a Chinese README's list runs on for hundreds of tokens without a full stop
_CLAUSE_END = re.compile(r"(?<=[，、；：])\s*|(?<=[,;:])\s+|\s+(?=[-*•]\s)")


def _long_span(question: str, text: str, spans: list[tuple[int, int]], i: int,
               heading: str | None, budget: int, length: Callable[[str], int]) -> str:
    """Span ``i`` of ``text``, longer than ``budget``, shown as its best-matching clauses (a
    clause longer than the budget: its head), marked where text is left out around it."""
    sentence = _sentence(text, spans[i])
    clauses, start = [], 0
    for m in _CLAUSE_END.finditer(sentence):
        if m.start() > start:
            clauses.append((start, m.start()))
        start = max(start, m.end())
    if start < len(sentence):
        clauses.append((start, len(sentence)))
    ellipsis = length(" …")
    room = budget - ellipsis * (i > 0)
    if len(clauses) > 1:
        strength = [match_strength(question, sentence[a:b], heading) for a, b in clauses]
        body = _window(question, sentence, clauses, strength, heading,
                       room - ellipsis * (i < len(spans) - 1), 1, length)
    else:  # its head, always cut, so always followed by the ellipsis
        body = _head(sentence, room - ellipsis, length) + " …"
    if i > 0 and not body.startswith("…"):
        body = "… " + body
    if i < len(spans) - 1 and not body.endswith("…"):
        body += " …"
    return body


def _sizer(text: str, spans: list[tuple[int, int]],
           length: Callable[[str], int]) -> Callable[[set[int]], int]:
    """The length of a window of chosen sentences, from each sentence's length measured once
    (a tokenizer may be a server's: one call per sentence, not one per candidate window).
    Exact for characters; for tokens, a join may merge a token or two."""
    sentences = [length(_sentence(text, span)) for span in spans]
    space, gap, ellipsis = length(" "), length(GAP), length(" …")

    def size(chosen: set[int]) -> int:
        order = sorted(chosen)
        joins = sum(space if b == a + 1 else gap for a, b in zip(order, order[1:]))
        ends = (order[0] > 0) + (order[-1] < len(spans) - 1) if order else 0
        return sum(sentences[i] for i in order) + joins + ellipsis * ends

    return size


def _sentence(text: str, span: tuple[int, int]) -> str:
    return " ".join(text[span[0]:span[1]].split())


def _head(text: str, budget: int, length: Callable[[str], int]) -> str:
    """The longest start of ``text`` within ``budget`` (a bisection: ``length`` may be a
    tokenizer, whose count grows with the prefix)."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if length(text[:mid]) <= budget:
            low = mid
        else:
            high = mid - 1
    return text[:low]


def _join(text: str, spans: list[tuple[int, int]], chosen: list[int]) -> str:
    parts: list[str] = []
    previous = None
    for i in chosen:
        start, end = spans[i]
        if previous is not None and i != previous + 1:
            parts.append(GAP)
        elif previous is not None:  # as written: nothing between Chinese sentences or clauses
            parts.append(" " if text[spans[previous][1]:start] else "")
        parts.append(_sentence(text, (start, end)))
        previous = i
    body = "".join(parts)
    if chosen and chosen[0] > 0:
        body = "… " + body
    if chosen and chosen[-1] < len(spans) - 1:
        body += " …"
    return body
