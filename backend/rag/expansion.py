"""The other forms of a question's words, in one place: their translation into the other language
(a Chinese-English dictionary, when configured), their other spelling (British or American) and
a compound name written the other way (hyphenated or joined).

Keyword search looks for every form; a sentence holding one form of a term holds the term, for
the answerability decision and for the quote.
"""

from __future__ import annotations

from typing import Protocol

from backend.rag.compounds import compound_alternatives, with_other_forms
from backend.rag.spelling import spelling_alternatives, with_other_spellings
from backend.rag.text import Alternatives, TermSet


class QueryTranslator(Protocol):
    def expand(self, query: str) -> str:
        """The query with its words translated into the other language appended."""

    def alternatives(self, query: str, term_set: TermSet) -> Alternatives:
        """Each query term -> the term sets of its translations."""

    def english_pairs(self, text: str) -> list[tuple[str, list[str]]]:
        """(Chinese word, the words of its English gloss) for the text's Chinese words."""


class QueryExpansion:
    """``translator``: None when query translation is off; spellings and compound names are
    always expanded."""

    def __init__(self, translator: QueryTranslator | None = None) -> None:
        self.translator = translator

    @property
    def translates(self) -> bool:
        return self.translator is not None

    def keyword_query(self, query: str) -> str:
        """What keyword search looks for: the query, its translations, its other spellings, its
        compound names written the other way."""
        translated = self.translator.expand(query) if self.translator is not None else query
        return with_other_forms(with_other_spellings(translated))

    def alternatives(self, question: str, term_set: TermSet) -> Alternatives:
        """Each question term -> the term sets that stand for it in a sentence: its translations
        (an English question about a Chinese passage) and its other spelling ("License" for
        "licence") or form ("WADEGILES" for "Wade-Giles")."""
        out: dict[str, list[frozenset[str]]] = {}
        sources = [spelling_alternatives(question, term_set),
                   compound_alternatives(question, term_set)]
        if self.translator is not None:
            sources.insert(0, self.translator.alternatives(question, term_set))
        for source in sources:
            for term, forms in source.items():
                out[term] = [*out.get(term, []), *forms]
        return out
