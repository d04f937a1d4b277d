"""What-is questions: where the documents define the term asked about, that definition answers.

Asked "What is a dual-status tax year?", the default model wrote "a dual-status tax year is a
tax on income earned by a resident who was a nonresident…" from the passage's own words, so the
claim check passed it, though the passage defines it otherwise: "A dual-status year is one in
which you change status between nonresident and resident alien." A definition is what a small
model gets wrong while sounding right, and the document's own is the answer an employee can
trust: it is quoted as written.

- The term asked about: "What is/are (a, an, the) X?", "What is meant by X?", "What does X
  mean / stand for?", "Define X", "Who is/are (a, an) X?" (not "Who is the CEO?": a name is
  asked for); "什么是X？", "X是什么（意思）？", "X指的是什么？". X is a name or a short noun
  phrase: no preposition or question word ("What is the deadline for filing?" asks for a fact,
  not what a deadline is), no pronoun.
- A sentence defines X when it opens with it and a copula follows ("X is / are / means /
  refers to …", "X是 / 指 / 即…"): its opening phrase names X (all its terms are X's, at
  least two in three of X's, or X in parentheses: "The Digital Millennium Copyright Act
  (DMCA) is …"), after a short phrase maybe ("For these purposes, an exempt individual is…").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from backend.rag.citations import terms
from backend.rag.text import ARTICLES, has_cjk, marker_length, sentence_spans

_ASKED_EN = (
    re.compile(r"^\s*what\s+(?:is|are)\s+(?:meant\s+by\s+)?(?P<x>.+?)\s*\?*\s*$", re.I),
    re.compile(r"^\s*what\s+does\s+(?P<x>.+?)\s+(?:mean|stand\s+for)\s*\?*\s*$", re.I),
    re.compile(r"^\s*define\s+(?P<x>.+?)\s*[.?]*\s*$", re.I),
    # "Who is an exempt individual?" asks what makes one; "Who is the CEO?" asks for a name
    re.compile(r"^\s*who\s+(?:is|are)\s+(?!the\b)(?P<x>.+?)\s*\?*\s*$", re.I),
)
_ASKED_ZH = (
    re.compile(r"^\s*什么是(?P<x>.+?)\s*[？?]*\s*$"),
    re.compile(r"^\s*(?P<x>.+?)(?:是|指的是)什么(?:意思)?\s*[？?]*\s*$"),
)
# a phrase with one of these asks about a fact of X, not what X is
_NOT_A_TERM = frozenset("""of for in on at to by with from about into after before during between
    when where who whom whose which why how what many much it this that these those they he she
    its their his her your our my you we i there here""".split())
# 的 too: "X的另一个名称是什么？" asks for a fact of X
_NOT_A_TERM_ZH = re.compile(r"[它他她这這那哪谁誰怎几幾多的]")
_QUOTES = "“”「」『』《》\"'"
MAX_TERM_WORDS = 5
MAX_TERM_CHARS_ZH = 12

# the copula after a defined term, and what must follow it: at least three words, not a
# passive ("is divided into five titles", "is given to") nor a negation
_PASSIVE = (r"(?!(?:not|also|\w+ed|given|known|shown|made|held|paid|set|built|written|done|"
            r"seen|taken|sent|kept|found|put|read|run|left|lost|sold|told|won|brought)\b)")
_COPULA_EN = re.compile(rf"\s+(?:(?:is|are)\s+{_PASSIVE}|(?:means|refers\s+to|stands\s+for)\s+)"
                        r"(?=\S+\s+\S+\s+\S)", re.I)
_COPULA_ZH = re.compile(r"\s*(?:[（(][^）)]{1,40}[）)])?\s*(?:是指|是|指|即)(?=.{4})")
_EMPHASIS = re.compile(r"\*{1,3}|`")  # Markdown's bold and code marks around the term
_PARENTHESES = re.compile(r"[(（]([^)）]{1,40})[)）]")
MAX_SUBJECT_WORDS = 12
# a short phrase before the subject: "For these purposes, an exempt individual is generally…"
_LEADING_PHRASE = re.compile(r"^(?:[^\W\d_][\w'’-]*\s+){0,3}[^\W\d_][\w'’-]*,\s+")


def asked_term(question: str) -> str | None:
    """The term ``question`` asks to be defined, or None when it asks something else."""
    text = question.strip()
    if has_cjk(text):
        for pattern in _ASKED_ZH:
            m = pattern.match(text)
            if m:
                x = m.group("x").strip().strip(_QUOTES)
                ok = 0 < len(x) <= MAX_TERM_CHARS_ZH and not _NOT_A_TERM_ZH.search(x)
                return x if ok else None
        return None
    for pattern in _ASKED_EN:
        m = pattern.match(text)
        if m:
            words = m.group("x").strip(_QUOTES).split()
            while words and words[0].lower() in ARTICLES:
                words = words[1:]
            if (not words or len(words) > MAX_TERM_WORDS
                    or any(w.lower().strip(",;:") in _NOT_A_TERM or "'" in w or "’" in w
                           for w in words)):
                return None
            return " ".join(words)
    return None


def defines(sentence: str, term: str) -> bool:
    """Whether ``sentence`` opens by defining ``term`` (see the module's rule)."""
    text = _EMPHASIS.sub("", sentence[marker_length(sentence):]).strip()
    if text.casefold().startswith(term.casefold()) and _COPULA_ZH.match(text[len(term):]):
        return True  # "分词是…", "SnowNLP是一个…"
    if has_cjk(term):
        return False
    m = _COPULA_EN.search(text)
    if m is None:
        return False
    subject = _LEADING_PHRASE.sub("", text[:m.start()])
    words = subject.split()
    if not words or len(words) > MAX_SUBJECT_WORDS:
        return False
    if any(p.strip().casefold() == term.casefold() for p in _PARENTHESES.findall(subject)):
        return True
    said, wanted = terms(subject), terms(term)
    return bool(said) and said <= wanted and len(said) >= math.ceil(2 * len(wanted) / 3)


def definition_in(question: str, texts: Sequence[str],
                  quotable: Callable[[str], bool] = lambda s: True) -> tuple[int, str] | None:
    """(passage index, sentence) of the first sentence, in the passages' order, that defines
    the term ``question`` asks about; None when it asks no such thing or none does. The
    sentence is written as ``best_sentence`` writes its own (white space collapsed)."""
    term = asked_term(question)
    if term is None:
        return None
    for index, text in enumerate(texts):
        for start, end in sentence_spans(text):
            sentence = " ".join(text[start:end].split())
            if quotable(sentence) and defines(sentence, term):
                return index, sentence
    return None
