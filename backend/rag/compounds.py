"""A compound name written the other way: hyphenated or joined ("Wade-Giles" / ``WADEGILES``,
"1040-NR" / "1040NR"), so a question finds and matches a document that writes it the other way.

Search splits words at hyphens and keeps letters and digits written together as one term:
"Form 1040-NR" searches 1040 and nr, which the instructions' "1040NR" (one term) holds neither
of. The joined form of a hyphenated name is unambiguous; a joined name is split only where
figures meet letters (1040NR -> 1040 NR), the one place the split is known without a dictionary.
"""

from __future__ import annotations

import re

from backend.rag.text import Alternatives, TermSet, forms_as_alternatives, with_forms_appended

_HYPHENATED = re.compile(r"(?<![\w-])[^\W_]+(?:-[^\W_]+)+(?![\w-])")
# two or more figures then two or more letters, or the reverse, and nothing else ("1040NR",
# "ISO9001"); "cn2an", "mp3" or "H2O" are names, not two words, and "20th", "92nd" ordinals
_FIGURES_LETTERS = re.compile(
    r"(?<![\w-])(?:(\d{2,})(?!(?:st|nd|rd|th)(?![\w-]))([A-Za-z]{2,})|([A-Za-z]{2,})(\d{2,}))"
    r"(?![\w-])")


def other_forms(text: str) -> list[tuple[str, str]]:
    """(name as written, the same name written the other way) for each compound name of
    ``text``, once each: "Wade-Giles" -> "wadegiles", "1040NR" -> "1040 NR"."""
    out: list[tuple[str, str]] = []
    for m in _HYPHENATED.finditer(text):
        if any(ch.isalpha() for ch in m.group()):  # "2007-2008" is a range, not a name
            out.append((m.group(), m.group().replace("-", "").lower()))
    for m in _FIGURES_LETTERS.finditer(text):
        out.append((m.group(), " ".join(g for g in m.groups() if g)))
    return list(dict.fromkeys(out))


def with_other_forms(query: str) -> str:
    """The query with its compound names written the other way appended."""
    return with_forms_appended(query, other_forms(query))


def compound_alternatives(question: str, term_set: TermSet) -> Alternatives:
    """Each term of a compound name -> the terms of the name written the other way: a sentence
    holding ``Style.WADEGILES`` holds the question's "Wade" and "Giles". A name joined from
    figures and letters is held where they stand side by side (``written_split``), not by a
    sentence holding both anywhere ("Form 1040-ES (NR)" is no "Form 1040NR")."""
    joined = {m.group() for m in _FIGURES_LETTERS.finditer(question)}
    return forms_as_alternatives([f for f in other_forms(question) if f[0] not in joined], term_set)


def written_split(question: str, text: str, term_set: TermSet) -> frozenset[str]:
    """The terms of the question's names joined from figures and letters ("1040NR") that
    ``text`` writes apart, side by side ("1040-NR", "1040 NR")."""
    held: set[str] = set()
    for m in _FIGURES_LETTERS.finditer(question):
        first, second = [g for g in m.groups() if g]
        if re.search(rf"(?<![\w-]){re.escape(first)}[\s\-–]?{re.escape(second)}(?![\w-])", text,
                     re.IGNORECASE):
            held |= term_set(m.group())
    return frozenset(held)
