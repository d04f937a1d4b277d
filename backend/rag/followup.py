"""Follow-up questions: a standalone question to search with, made from the conversation.

The default model (135M parameters) cannot rewrite a follow-up reliably, so this is done by
rule, in English and Chinese:

- "And for hotels?" / "What about Berlin?" / "那酒店呢？": the follow-up replaces part of the
  previous question, so the search runs on the previous question with the follow-up added
  ("What is our travel reimbursement limit for hotels?").
- "Who founded it?" / "When did he die?" / "它是什麼時候建的？": a pronoun stands for the subject
  of the conversation. Where the caller knows it (``topic``: the subjects of the documents that
  best answer the previous question, e.g. "Nikola Tesla" for Nikola_Tesla.txt) and the previous
  question names one, the pronoun is replaced by it ("When did Nikola Tesla die?",
  "台北101是什麼時候建的？"), so the model reads a question it can answer; otherwise the previous
  question's names (or key terms) are added to the follow-up.
- Anything else is a new question and is searched as it is; so is one asking about a single
  thing it names with "a"/"an" or as a name ("What is a sabbatical?", "What is SnowNLP?").

The result is returned to the asker as ``search_query``, so what was searched is visible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from dataclasses import dataclass
from typing import Literal

from backend.rag.text import ENGLISH_PRONOUN, STOPWORDS, analyzer, has_cjk, tokenize


# the subjects of the documents that best answer a question, best first
Topic = Callable[[str], Sequence[str]]
# a Chinese text's dictionary words with the words of their English glosses
Gloss = Callable[[str], Sequence[tuple[str, Sequence[str]]]]


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Rewrite:
    """``search``: the standalone question; ``focus``: what the follow-up itself adds ("for
    mileage"), which weighs more than the previous question's words when choosing the answer.
    ``continues``: the follow-up asks the previous question about ``focus`` instead ("And for
    hotels?", "那餐费呢？"), so the answer must be about it: a sentence on the previous
    question's subject ("住宿" after "那餐费呢？") answers the question already answered."""

    search: str
    focus: str = ""
    continues: bool = False


# a follow-up that continues the previous question with another subject
_CONTINUATION_EN = re.compile(
    r"^\s*(?:(?:and|but|also|so|ok(?:ay)?|then)\b[\s,]*)?"
    r"(?:(?:what|how)\s+about|and|also|same\s+(?:for|with)|what\s+if|how\s+is\s+it\s+for)\b[\s,]*",
    re.IGNORECASE)
_CONTINUATION_ZH = re.compile(r"^\s*(?:那麼|那么|那|還有|还有|另外|至於|至于|而)[，,\s]*")
_TRAILING_ZH = re.compile(r"(?:呢|嗎|吗)?\s*[？?。.!！]*\s*$")
# pronouns and demonstratives that point back at the previous question's subject (in English:
# text.ENGLISH_PRONOUN)
_PRONOUN_ZH = re.compile(r"它|他們|他们|她們|她们|他|她|這個|这个|這些|这些|該|该|其|此")
# a follow-up that is a question of its own after "and": "And how many did they win?"
# one term after "a"/"an", or a name, is a subject of its own: "What is a sabbatical?" after a
# question on annual leave is new ("What is the limit?" is about the previous one's)
_NEW_SUBJECT = re.compile(r"\b(?i:a|an)\s+[^\W\d_]|(?<=\s)[A-Z][\w.'-]*")
_ASKS = re.compile(r"(what|when|where|which|who|whom|whose|why|how|is|are|was|were|do|does|did|"
                   r"can|could|will|would|should|has|have|had)\b", re.IGNORECASE)
_NAME = re.compile(r"(?:[A-Z][\w.'-]*)(?:\s+(?:of|the|de|von|van|and|[A-Z][\w.'-]*))*"
                   r"(?<=\w)(?:\s+[A-Z0-9][\w.'-]*)*")
_QUESTION_WORDS = frozenset("what when where which who whom whose why how much many long".split())


def last_question(history: Sequence[Turn]) -> str | None:
    for turn in reversed(history):
        if turn.role == "user" and turn.content.strip():
            return turn.content.strip()
    return None


def standalone_question(question: str, history: Sequence[Turn],
                        topic: Topic | None = None) -> str:
    """What to search for: ``question`` made standalone with the previous user turn."""
    return rewrite(question, history, topic).search


def rewrite(question: str, history: Sequence[Turn],
            topic: Topic | None = None, gloss: Gloss | None = None) -> Rewrite:
    """``topic(previous_question)``: the subjects of the documents that best answer the
    previous question, best first; asked only when a pronoun needs it. The first one the
    previous question names is what the pronoun stands for. ``gloss`` (a Chinese-English
    dictionary) lets a Chinese question name an English document's subject (特斯拉 for
    Nikola_Tesla.txt)."""
    previous = last_question(history)
    question = question.strip()
    if previous is None:
        return Rewrite(question)
    if has_cjk(question):
        return _rewrite_zh(question, previous, topic, gloss)
    rest = _CONTINUATION_EN.sub("", question, count=1)
    if (rest != question and not _ASKS.match(rest) and _content_terms(rest)
            and len(_content_terms(rest)) <= 3):
        return Rewrite(_continued(previous, _without_end(rest)), _without_end(rest), continues=True)
    if _has_pronoun(rest) or (len(_content_terms(rest)) <= 1 and not _NEW_SUBJECT.search(rest)):
        rest = f"{rest[:1].upper()}{rest[1:]}"
        subject = (_named_subject(previous, topic, _names)
                   if topic is not None and _has_pronoun(rest) else None)
        if subject:
            resolved = _resolved(rest, _as_written(subject, previous))
            if resolved is not None:
                return Rewrite(resolved, rest)
        return Rewrite(f"{rest} ({_key_phrase(previous, rest)})", rest)
    return Rewrite(question)


def _named_subject(previous: str, topic: Topic,
                   names: Callable[[str, str], bool]) -> str | None:
    """The best-ranked subject of ``topic(previous)`` that ``previous`` names."""
    return next((x for x in topic(previous) if x and names(previous, x)), None)


def subject_of(filename: str) -> str:
    """What a document is about, from its name: "Nikola_Tesla.txt" -> "Nikola Tesla",
    "Sky_(United_Kingdom).txt" -> "Sky"."""
    stem = re.sub(r"\([^)]*\)", " ", PurePosixPath(filename).stem)
    return " ".join(re.split(r"[\s_]+", stem)).strip()


def _as_written(subject: str, previous: str) -> str:
    """The subject as the previous question wrote it ("steam engine" for "Steam engine")."""
    m = re.search(rf"\b{re.escape(subject)}", previous, re.IGNORECASE)
    return previous[m.start():m.end()] if m else subject


_PERSONAL = frozenset("he him his she her".split())
_POSSESSIVE = frozenset("its their his".split())
_DEMONSTRATIVE = frozenset("this that these those".split())


def _resolved(question: str, subject: str) -> str | None:
    """``question`` with its first pronoun replaced by ``subject``, or None when none can be:
    "he" after a name of the question's own ("When did Manning say he ...") is that name's,
    and a demonstrative ("this policy") qualifies a noun of the question."""
    for m in ENGLISH_PRONOUN.finditer(question):
        word = m.group(0)
        low = word.lower()
        if (word.isupper() and word != "I") or low in _DEMONSTRATIVE:
            continue
        if low in _PERSONAL and any(n.start() > 0 for n in _NAME.finditer(question[:m.start()])):
            continue
        after = question[m.end():]
        following = re.match(r"\s+([^\W\d_]+)", after)
        possessive = low in _POSSESSIVE or (
            low == "her" and following is not None and following.group(1).lower() not in STOPWORDS)
        replacement = f"{subject}'s" if possessive and not subject.endswith("s") else (
            f"{subject}'" if possessive else subject)
        resolved = f"{question[:m.start()]}{replacement}{after}"
        return f"{resolved[:1].upper()}{resolved[1:]}"
    return None


_STEM = analyzer(stem=True)


def _names(previous: str, subject: str) -> bool:
    """Whether the previous question is about ``subject``: it holds all of its words ("the
    immune system" for "Immune system"), or a name from it ("Tesla" for "Nikola Tesla"). A
    document's subject that the question only brushes ("employees" for "Employee handbook")
    is not what its pronoun stands for."""
    wanted = set(_stems(subject))
    if wanted and wanted <= set(_stems(previous)):
        return True
    names = {w for m in _NAME.finditer(previous) if m.start() > 0 for w in _stems(m.group(0))}
    return bool(wanted & names)


def _stems(text: str) -> list[str]:
    return [t for t in _STEM(text) if t not in STOPWORDS]


# a personal pronoun on its own, not inside a word (其他 "other", 吉他 "guitar", 他人 "others")
_PERSONAL_ZH = re.compile(r"(?<![其吉利])(?:它們|它们|他們|他们|她們|她们|它|他|她)(?![人处處乡鄉国國])")


def _rewrite_zh(question: str, previous: str, topic: Topic | None = None,
                gloss: Gloss | None = None) -> Rewrite:
    rest = _CONTINUATION_ZH.sub("", question, count=1)
    ends_with_ne = bool(re.search(r"呢\s*[？?]*\s*$", question))
    focus = _TRAILING_ZH.sub("", rest)
    if (rest != question or ends_with_ne) and len(focus) <= 12:
        asked_before = _without_end(previous)
        search = _head_replaced_zh(asked_before, focus) or f"{asked_before}（{focus}）"
        return Rewrite(search, focus, continues=True)
    if _PRONOUN_ZH.search(question):
        pronoun = _PERSONAL_ZH.search(question)
        written = _subject_written_zh(previous, topic, gloss) if topic is not None and pronoun else None
        if written:
            # "它是什麼時候建的？" after "台北101有多高？" -> "台北101是什麼時候建的？"
            return Rewrite(f"{question[:pronoun.start()]}{written}{question[pronoun.end():]}",
                           question)
        return Rewrite(f"{question}（{_without_end(previous)}）", question)
    return Rewrite(question)


def _subject_written_zh(previous: str, topic: Topic, gloss: Gloss | None) -> str | None:
    """The best-ranked subject of ``topic(previous)`` that the previous question names, as it
    writes it: verbatim, an English name in it, or a Chinese word of it whose gloss is the
    subject's words or its one word is one of them (特斯拉 "Tesla" for "Nikola Tesla",
    免疫系统 "immune system" for "Immune system")."""
    for subject in topic(previous):
        if not subject:
            continue
        if _names_zh(previous, subject):
            return subject if has_cjk(subject) else _as_written(subject, previous)
        wanted = set(_stems(subject))
        if gloss is None or has_cjk(subject) or not wanted:
            continue
        for word, english in gloss(previous):
            got = set(_stems(" ".join(english)))
            if wanted <= got or (len(english) == 1 and got & wanted):
                return word
    return None


def _names_zh(previous: str, subject: str) -> bool:
    """Whether a question that may mix Chinese and English names ``subject``: verbatim
    (Chinese has no spaces to split it by), or as ``_names`` finds an English one."""
    return subject.casefold() in previous.casefold() or (not has_cjk(subject)
                                                         and _names(previous, subject))


def _continued(previous: str, rest: str) -> str:
    """The previous question about ``rest`` instead: a name replaces the previous question's
    last name ("... live in Warsaw?" + "Berlin" -> "... live in Berlin?"), a phrase the
    previous question's phrase of the same kind (``_head_replaced``), else it is added."""
    name = re.sub(r"^the\s+", "", rest, flags=re.IGNORECASE)
    if _NAME.fullmatch(name):
        names = list(_NAME.finditer(previous))
        names = [m for m in names if m.start() > 0]  # the first word is capitalised anyway
        if names:
            last = names[-1]
            tail = _END.sub("", previous[last.end():])
            return f"{previous[:last.start()]}{name}{tail}?"
    return _head_replaced(previous, rest) or f"{_without_end(previous)} {rest}?"


_WORD_AT = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _head_replaced(previous: str, rest: str) -> str | None:
    """"What about sick leave?" after "How many days of paid annual leave do employees get?":
    a phrase of two words or more whose last word (its head) the previous question has is
    asked about in place of that word and the words that qualify it there ("paid annual", a
    list "medical, dental and public health"; not across another small word or a
    possessive): "How many days of sick leave do employees get?".
    Appended instead, the previous question's own phrase would decide search and quote."""
    phrase = re.sub(r"^(?:the|a|an)\s+", "", rest.strip(), flags=re.IGNORECASE)
    words = _WORD_AT.findall(phrase)
    head = _STEM(words[-1]) if len(words) >= 2 else []  # its stem; none for a small word
    if not head:
        return None
    found = list(_WORD_AT.finditer(previous))
    same = [k for k, m in enumerate(found) if k > 0 and _STEM(m.group(0)) == head]
    if not same:
        return None
    k = j = same[-1]
    while j > 1:
        before, gap = found[j - 1].group(0), previous[found[j - 1].end():found[j].start()]
        # a list of such words ("medical, dental and public health schools") goes as a whole
        if gap.strip() not in ("", ",") or not (_qualifies(before) or before.lower() in ("and", "or")):
            break
        j -= 1
    start, end = found[j].start(), found[k].end()
    return f"{previous[:start]}{phrase}{_END.sub('', previous[end:])}?"


def _qualifies(word: str) -> bool:
    low = word.lower()
    return (low not in STOPWORDS and low not in _QUESTION_WORDS
            and not re.search(r"['’]s$", low))


def _head_replaced_zh(previous: str, focus: str) -> str | None:
    """"那朗伍德校区呢？" after "哈佛大学的主校区有多大？": a Chinese phrase of three characters
    or more whose last two (its head) the previous question has replaces that word and the
    characters before it, up to as many as the phrase has and not across 的 or punctuation:
    "哈佛大学的朗伍德校区有多大". A single character is too often part of another word."""
    if len(focus) < 3 or not all(has_cjk(ch) for ch in focus):
        return None
    head = focus[-2:]
    at = previous.rfind(head)
    if at < 0:
        return None
    start = at
    while (start > 0 and at - start < len(focus) - len(head) and has_cjk(previous[start - 1])
           and previous[start - 1] not in "的之和与與及、"):
        start -= 1
    if previous[start:at + len(head)] == focus:
        return None
    return f"{previous[:start]}{focus}{previous[at + len(head):]}"


def _has_pronoun(text: str) -> bool:
    # "IT" (the department) is not "it"
    return any(not m.group(0).isupper() or m.group(0) == "I"
               for m in ENGLISH_PRONOUN.finditer(text))


def _content_terms(text: str) -> list[str]:
    return [t for t in tokenize(text) if t not in _QUESTION_WORDS]


def _key_phrase(previous: str, question: str) -> str:
    """The names in the previous question the follow-up does not repeat ("Polonia Warsaw" for
    "When did Polonia Warsaw win the championship?"): what a pronoun most often stands for. Its
    other words would pull the answer towards the previous question's fact. Without names, its
    content words not already in the follow-up, in their order."""
    own = set(tokenize(question))
    names = [m.group(0) for m in _NAME.finditer(previous)
             if m.start() > 0 and not set(tokenize(m.group(0))) <= own]
    if names:
        return " ".join(names)
    words = re.findall(r"[^\W_]+(?:[-'][^\W_]+)*", previous)
    kept = [w for w in words if w.lower() not in STOPWORDS and w.lower() not in _QUESTION_WORDS
            and w.lower() not in own]
    return " ".join(kept) or _without_end(previous)


_END = re.compile(r"[\s?？.。!！]+$")


def _without_end(text: str) -> str:
    return _END.sub("", text.strip())
