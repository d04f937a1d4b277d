"""Defences against prompt injection through documents.

A document is data. Sentences in it that address the assistant (override its instructions,
change its role, dictate its output) are removed before the model sees the passage and before
citations are checked, so the model cannot be steered by them and an answer repeating them
has no support. Links and images in an answer must appear in the cited sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from backend.rag.text import sentence_spans

_INSTRUCTION = re.compile(
    r"""
    \b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}
        \b(instructions?|prompts?|rules|guidelines|directions|context|system)\b
    | \b(system|developer)\s+(prompt|message|instructions?)\b
    | \byou\s+(are|must|should|will)\s+now\b
    | \b(from\s+now\s+on|new\s+instructions?)\b
    | \b(as\s+an?\s+)?(ai|assistant|language\s+model|chatbot|llm)\b[^.!?\n]{0,30}
        \b(must|should|shall|always)\b[^.!?\n]{0,30}\b(print|output|say|reply|respond|answer|include|write)\b
    | \b(print|output|reply\s+with|respond\s+with|answer\s+with|say)\b[^.!?\n]{0,30}
        \b(canary|token|secret|password|verbatim|exactly)\b
    | <\|?(im_start|im_end|system|assistant|user)\|?>
    | ^\s*(system|assistant)\s*:
    | 忽略(之前|以上|前面|先前)?的?(所有)?(指示|指令|說明|说明|提示)
    """,
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)

_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)|<?\b((?:https?|ftp|file|data|javascript):[^\s<>)\]]+)>?",
                   re.IGNORECASE)


def looks_like_instruction(sentence: str) -> bool:
    return bool(_INSTRUCTION.search(sentence))


def without_instructions(text: str) -> str:
    """``text`` minus its sentences that address the assistant."""
    spans = sentence_spans(text)
    if not any(looks_like_instruction(text[a:b]) for a, b in spans):
        return text
    kept, last = [], 0
    for a, b in spans:
        if looks_like_instruction(text[a:b]):
            kept.append(text[last:a])
            last = b
    kept.append(text[last:])
    return re.sub(r"[ \t]{2,}", " ", "".join(kept)).strip()


def strip_foreign_links(answer: str, sources: Sequence[str]) -> str:
    """Remove links and images whose target does not appear in any source; keep link text."""
    joined = "\n".join(sources)

    def check(match: re.Match) -> str:
        target = match.group(2) or match.group(3) or ""
        if target and target in joined:
            return match.group(0)
        is_markdown = match.group(2) is not None
        return (match.group(1) or "") if is_markdown and not match.group(0).startswith("!") else ""

    return re.sub(r"[ \t]{2,}", " ", _LINK.sub(check, answer)).strip()
