"""Simplified or Traditional: which script a Chinese question is written in.

``hanzidentifier`` judges characters one by one, and many characters belong to both scripts
(么 is also a Traditional character, 里 and 后 too), so a question like 本制度的目的是什么 is
"both". Its words are not: CC-CEDICT writes 什么 as 什麼 in Traditional. Words spelled one way
in one script only settle such a question.
"""

from __future__ import annotations

from functools import cache

import hanzidentifier

from backend.rag.bilingual import cedict_entries, cedict_path

SIMPLIFIED, TRADITIONAL = "zh-Hans", "zh-Hant"
_LONGEST_WORD = 4


@cache
def _one_script_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words written so only in Simplified, only in Traditional), from CC-CEDICT (0.3 s)."""
    path = cedict_path()
    simplified: set[str] = set()
    traditional: set[str] = set()
    for trad, simp, _ in cedict_entries(path) if path is not None else ():
        if len(simp) >= 2:  # single characters are what is ambiguous
            traditional.add(trad)
            simplified.add(simp)
    return frozenset(simplified - traditional), frozenset(traditional - simplified)


def load() -> None:
    """Read the one-script word lists now (the app does this in the background at start, so
    the first question whose characters both scripts share does not wait for them)."""
    _one_script_words()


def chinese_script(text: str) -> str:
    """``zh-Hans`` or ``zh-Hant`` as ``text`` writes its Chinese; Traditional where neither its
    characters nor its words tell (Traditional readers read it, Simplified readers too)."""
    kind = hanzidentifier.identify(text)
    if kind == hanzidentifier.SIMPLIFIED:
        return SIMPLIFIED
    if kind != hanzidentifier.BOTH:
        return TRADITIONAL
    simplified_only, traditional_only = _one_script_words()
    words = [text[i:i + n] for n in range(2, _LONGEST_WORD + 1) for i in range(len(text) - n + 1)]
    simplified = sum(w in simplified_only for w in words)
    traditional = sum(w in traditional_only for w in words)
    return SIMPLIFIED if simplified > traditional else TRADITIONAL
