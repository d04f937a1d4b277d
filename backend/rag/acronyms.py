"""A phrase and the capitals that stand for it: a question asking about "named entity
recognition" is answered by a sentence about "NER", and one asking about "NFL" by a sentence
naming the "National Football League"."""

from __future__ import annotations

import re
from functools import lru_cache

from backend.rag.text import STOPWORDS

# capitals standing alone (a plural "s" allowed: "APIs"); in "SnowNLP" or "CnSTD" they are part
# of a name. Letters only: a Chinese character may follow directly ("NER使用msra标签集").
_ACRONYM = re.compile(r"(?<![A-Za-z])([A-Z]{2,6})(?=s?(?![A-Za-z]))")
# a phrase: words not split by punctuation
_CLAUSE = re.compile(r"[A-Za-z]+(?:[ \t\-]+[A-Za-z]+)*")
_WORD = re.compile(r"[A-Za-z]+")
# a question's phrase is matched with capitals of three letters at least: two ("PM", "IT", "OK")
# stand for too much ("per month"); its own two capitals ("HR") are looked for spelled out
MIN_FOR_PHRASE = 3
# small words an acronym may spell or skip: "part of speech" is POS, "research and development"
# R&D or RD
_JOINERS = frozenset("of and for to".split())
MAX_WORDS = 6


def _phrases(text: str) -> dict[str, str]:
    """Each acronym the text's phrases could stand for (upper case) -> the phrase: runs of two
    to ``MAX_WORDS`` words that start and end with a content word and hold only content words
    and joiners, by the initials of all their words and of their content words."""
    out: dict[str, str] = {}
    for clause in _CLAUSE.findall(text):
        words = _WORD.findall(clause)
        for i, first in enumerate(words):
            if first.lower() in STOPWORDS:
                continue
            for j in range(i + 1, min(i + MAX_WORDS, len(words))):
                word = words[j].lower()
                if word in STOPWORDS and word not in _JOINERS:
                    break
                if word in _JOINERS:
                    continue
                run = words[i:j + 1]
                phrase = " ".join(run)
                out.setdefault("".join(w[0] for w in run).upper(), phrase)
                content = [w for w in run if w.lower() not in _JOINERS]
                out.setdefault("".join(w[0] for w in content).upper(), phrase)
    return out


@lru_cache(maxsize=1024)
def _question_phrases(question: str) -> dict[str, str]:
    return _phrases(question)


def acronyms(text: str) -> frozenset[str]:
    """The capitals of ``text`` that could stand for a phrase ("NER", "APIs" -> API)."""
    return frozenset(_ACRONYM.findall(text))


def spelled_pairs(question: str, text: str) -> list[tuple[str, str]]:
    """(what the question writes, what ``text`` writes for it) for each phrase of the question
    that ``text`` writes as capitals, and each of the question's capitals that ``text`` spells
    out: ("named entity recognition", "NER"), ("NFL", "National Football League")."""
    pairs = []
    written = acronyms(text)
    for acronym, phrase in _question_phrases(question).items():
        if acronym in written and len(acronym) >= MIN_FOR_PHRASE:
            pairs.append((phrase, acronym))
    asked = acronyms(question)
    if asked:
        spelled = _phrases(text)
        pairs.extend((a, spelled[a]) for a in sorted(asked) if a in spelled)
    return pairs


def unknown_acronyms(text: str, source: str) -> frozenset[str]:
    """The capitals of ``text`` that ``source`` neither writes nor spells out: a small model
    invents them ("The Digital Copyright Protection Act (DDCPA)")."""
    written = acronyms(text)  # most sentences write none: the source is not read then
    unknown = written - acronyms(source) if written else written
    return unknown - _phrases(source).keys() if unknown else unknown
