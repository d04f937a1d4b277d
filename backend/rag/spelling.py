"""The other spelling of a word, British or American ("licence" / "license", "tumour" /
"tumor"), so a question finds and matches a document written the other way.

The pairs are breame's (Apache-2.0, about 1,700 each way, pure Python, nothing downloaded).
"""

from __future__ import annotations

import re
from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS, BRITISH_ENGLISH_SPELLINGS

from backend.rag.text import Alternatives, TermSet, forms_as_alternatives, with_forms_appended

_WORD = re.compile(r"[a-z]+")


def other_spellings(text: str) -> list[tuple[str, str]]:
    """(word, its other spelling) for each word of ``text`` that has one, once each."""
    out: list[tuple[str, str]] = []
    for word in _WORD.findall(text.lower()):
        other = BRITISH_ENGLISH_SPELLINGS.get(word) or AMERICAN_ENGLISH_SPELLINGS.get(word)
        if other and other != word and (word, other) not in out:
            out.append((word, other))
    return out


def american(word: str) -> str:
    """A lower-case ``word`` in American spelling ("colour" -> "color"; else the word itself)."""
    return BRITISH_ENGLISH_SPELLINGS.get(word, word)


def with_other_spellings(query: str) -> str:
    """The query with the other spelling of its words appended (unchanged if none has one)."""
    return with_forms_appended(query, other_spellings(query))


def spelling_alternatives(question: str, term_set: TermSet) -> Alternatives:
    """Each question term with another spelling -> that spelling's terms: a sentence holding
    "License" holds the question's "licence"."""
    return forms_as_alternatives(other_spellings(question), term_set)
