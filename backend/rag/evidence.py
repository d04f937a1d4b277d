"""Evidence windows: the sentences of a passage that bear on the question, with their neighbours.

Prompt evaluation dominates the time to the first token on a CPU (about 190 tokens/s for the
default model on 2 cores), so the model gets only what can hold the answer: the sentences that
share terms with the question (in any language: CJK text matches by character bigrams) and one
sentence either side, in document order. The whole chunk stays the citation's passage.
"""

from __future__ import annotations

from backend.rag.citations import sentence_strengths

GAP = " … "


def evidence_window(question: str, text: str, heading: str | None = None,
                    max_chars: int = 600, neighbours: int = 1) -> str:
    """The parts of ``text`` worth showing the model for ``question``, at most ``max_chars``
    (more only when the best sentence alone is longer). A passage that matches no term at all
    keeps its head: retrieval found it for a reason the terms do not show (synonyms)."""
    if len(text) <= max_chars:
        return text
    spans, strength = sentence_strengths(question, text, heading)
    if not spans:
        return text[:max_chars]
    order = sorted(range(len(spans)), key=lambda i: (-strength[i], i))
    if strength[order[0]] <= 0:
        order = list(range(len(spans)))
    chosen: set[int] = set()
    for i in order:
        if strength[i] <= 0 and chosen:
            break
        wanted = {j for j in range(i - neighbours, i + neighbours + 1) if 0 <= j < len(spans)}
        for grown in (chosen | wanted, chosen | {i}):
            if _length(text, spans, grown) <= max_chars:
                chosen = grown
                break
        else:
            if not chosen:  # the best sentence alone is longer than the budget: keep it whole
                chosen = {i}
        if _length(text, spans, chosen) >= max_chars:
            break
    return _join(text, spans, sorted(chosen))


def _length(text: str, spans: list[tuple[int, int]], chosen: set[int]) -> int:
    return len(_join(text, spans, sorted(chosen)))


def _join(text: str, spans: list[tuple[int, int]], chosen: list[int]) -> str:
    parts: list[str] = []
    previous = None
    for i in chosen:
        start, end = spans[i]
        if previous is not None and i != previous + 1:
            parts.append(GAP)
        elif previous is not None:
            parts.append(" ")
        parts.append(" ".join(text[start:end].split()))
        previous = i
    body = "".join(parts)
    if chosen and chosen[0] > 0:
        body = "… " + body
    if chosen and chosen[-1] < len(spans) - 1:
        body += " …"
    return body
