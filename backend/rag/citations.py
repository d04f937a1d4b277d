"""Citation markers: validate the model's [n], attribute unmarked sentences, renumber densely."""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from backend.rag.acronyms import spelled_pairs, unknown_acronyms
from backend.rag.answer_types import (MONTHS, PART_NAMES, UNIT_WORDS, asked_quantity,
                                      asked_subject, asked_thing, asks_frequency, counted_thing,
                                      counted_unit, counts, names_code, quote_kind, states)
from backend.rag.compounds import written_split
from backend.rag.ordinals import numbered_pairs
from backend.rag.periods import period_pairs, periods
from backend.rag.text import (ARTICLES, ENGLISH_PRONOUN, STOPWORDS, URL, Alternatives, analyzer,
                              announced_end, asks_in, camel_parts, captions_code,
                              code_block_at, has_cjk,
                              is_heading, is_heading_line, is_lead_in, is_question,
                              is_sentence_cased_heading, is_title_cased, is_title_line,
                              marker_length, mostly_cjk, numbers, points_back, referent, runs_in,
                              sentence_spans, subtitled_names, tokenize, without_fence_lines,
                              without_numbered_title)

_stemmed = analyzer(stem=True)


@lru_cache(maxsize=4096)
def terms(text: str) -> frozenset[str]:
    """Content terms, stemmed, so "costs" matches "cost" and "days" matches "day"."""
    return frozenset(_stemmed(text))


# A Chinese question's bigrams run across its words ("的里程", "是多少" give 的里, 是多): those
# holding a particle or a question word join two words, they name nothing a sentence could share
_JOINING = re.compile(r"[的了吗呢吧啊么是哪怎]")
# the words holding one of those characters that a question may well ask about ("本制度的目的")
_WORDS_WITH_JOINING = frozenset("目的 了解 酒吧 网吧 吧台 的士 吗啡".split())


_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def _name_parts(question: str) -> frozenset[str]:
    """The words of the question's CamelCase names ("SnowNLP" -> snow, nlp) that it does not
    also write on their own: search finds the name by them, but they are the name again."""
    names = {w for w in _LATIN_NAME.findall(question) if camel_parts(w)}
    if not names:
        return frozenset()
    rest = _LATIN_NAME.sub(lambda m: " " if m.group() in names else m.group(), question)
    parts = " ".join(" ".join(camel_parts(n)) for n in names)
    return terms(parts) - terms(rest)


# auxiliaries the search's stopword list lacks (changing it would change every index): "When
# did he die?" asks about dying, and a sentence in which someone "did receive" a prize shares
# nothing more with it than one that does not
_AUXILIARY_TERMS = terms("did done doing had having been being were would could should shall")
# modal verbs, likewise ("How long may visitors park?" asks about visitors parking, and "Each
# employee may park" shares only the parking); written in lower case, or opening the question
# ("May I ..."), since "May" is also a month ("born in May", "May 2012")
_MODAL_RE = re.compile(r"\b(?:may|might|must)\b|^(?:May|Might|Must)\b(?!\s*\d)")
_MONTH_MAY_RE = re.compile(r"(?<!^)\bMay\b|^May\b(?=\s*\d)")


def _modal_terms(question: str) -> frozenset[str]:
    """The terms of the question's modal verbs, without "may" where it also names the month."""
    modal = terms(" ".join(_MODAL_RE.findall(question)))
    return modal - terms("may") if _MONTH_MAY_RE.search(question) else modal


@lru_cache(maxsize=1024)
def asked_terms(question: str) -> frozenset[str]:
    """The question's ``terms`` that name something, each once: without the Chinese bigrams
    across a particle or question word ("公司的里程补贴是多少" keeps 公司, 里程, 补贴, 多少, 程补)
    and without the words of a CamelCase name beside the name (a sentence naming SnowNLP
    shares one term with "What does SnowNLP do?", not three), nor auxiliary or modal verbs
    ("did", "may")."""
    return (frozenset(t for t in terms(question)
                      if not (len(t) == 2 and has_cjk(t) and _JOINING.search(t))
                      or t in _WORDS_WITH_JOINING)
            - _name_parts(question) - _AUXILIARY_TERMS - _modal_terms(question))


def held_terms(wanted: frozenset[str], have: frozenset[str],
               translations: Alternatives | None = None) -> frozenset[str]:
    """The ``wanted`` terms that ``have`` holds, itself or as one of their ``translations``
    (a question term's terms in the other language: "marriag" -> {婚假})."""
    translations = translations or {}
    return frozenset(t for t in wanted
                     if t in have or any(a <= have for a in translations.get(t, ())))


# irregular verb forms the stemmer keeps apart from their verb: "won" is "win"
_IRREGULAR_FORMS = """won:win wrote:write written:write began:begin begun:begin gave:give
    given:give took:take taken:take led:lead held:hold built:build sold:sell bought:buy
    taught:teach made:make became:become ran:run chose:choose chosen:choose spoke:speak
    spoken:speak drew:draw drawn:draw grew:grow grown:grow knew:know known:know rose:rise
    risen:rise sang:sing sung:sing threw:throw thrown:throw fought:fight caught:catch
    brought:bring sent:send spent:spend lost:lose met:meet paid:pay said:say told:tell
    beaten:beat struck:strike stole:steal stolen:steal wore:wear worn:wear
    flew:fly flown:fly fell:fall fallen:fall sank:sink sunk:sink shot:shoot"""
# and the nouns of a measure written as its adjective: "at least 14 characters long" states a
# "minimum password length", "30 metres wide" a width
_MEASURE_NOUNS = "length:long width:wide depth:deep height:high breadth:broad strength:strong"


def _base_of(word: str) -> str:
    return next(iter(terms(word)), word)


_VERB_OF = {_base_of(form): _base_of(verb)
            for form, verb in (pair.split(":")
                               for pair in (_IRREGULAR_FORMS + " " + _MEASURE_NOUNS).split())}
_DERIVABLE = re.compile(r"[a-z]{5,}")


def _derived(term: str, other: str) -> bool:
    """Whether two stems are forms of one word the stemmer keeps apart: an irregular form and
    its verb ("won", "win"), or a stem and the same stem with a suffix ("direct", "director";
    "presid", "presidenti"), the shorter five letters at least and 60% of the longer, so that
    a compound is not its first part ("immun", "immunodefici")."""
    if _VERB_OF.get(term, term) == _VERB_OF.get(other, other):
        return True
    short, long = sorted((term, other), key=len)
    return (bool(_DERIVABLE.fullmatch(short)) and long.startswith(short)
            and len(short) >= 0.6 * len(long) and long.isalpha())


def _held_derived(wanted: frozenset[str], have: frozenset[str]) -> frozenset[str]:
    """The ``wanted`` terms ``have`` holds as another form of the word (``_derived``)."""
    return frozenset(t for t in wanted if t.isalpha() and any(_derived(t, h) for h in have))


def held_forms(wanted: frozenset[str], have: frozenset[str], own: frozenset[str],
               translations: Alternatives | None = None) -> frozenset[str]:
    """``held_terms``, and the terms a sentence's ``own`` words hold as another form of the
    word ("lost" for "lose"; a heading names a topic, no word form)."""
    held = held_terms(wanted, have, translations)
    return held | _held_derived(wanted - held, own)


def _written(question: str, text: str) -> frozenset[str]:
    """The ``terms`` of ``text``, and the question's terms for a phrase ``text`` writes as
    capitals or capitals it spells out ("NER" holds "named entity recognition"), and for a
    quarter or half it writes otherwise ("first quarter" holds "Q1"), or a numbered part
    ("Step: 1" holds "first step")."""
    held = terms(text) | written_split(question, text, terms)
    for asked, _ in spelled_pairs(question, text):
        held |= terms(asked)
    for asked in period_pairs(question, text) + numbered_pairs(question, text):
        held |= terms(asked)
    return held


_CAPITAL_WORD = re.compile(r"\b[A-Z][\w'’-]*")
_TITLE_WORD = r"[A-Z][a-z'’-]+\b"  # not "HTTP", "HanLP": code and acronyms keep their case
_NAME_RUN = re.compile(rf"(?<!^)(?<![.?!]\s)\b{_TITLE_WORD}(?:\s+{_TITLE_WORD})+")


# a word capitalised inside a question (not after a full stop): a name ("Ekstraklasa", "ABC's",
# "X.25", "San Diego-Carlsbad", "叶绿体DNA"); a possessive's "s" is not part of it, nor the
# lower-case end of a compound ("Chinese-like")
_LATIN = r"[A-Za-z0-9\u00c0-\u024f]"
# capitalised by convention, naming no subject: "Can I take leave in August?" asks about a leave
# policy that need not mention August, "Is it OK to…" about no "OK"
_NO_NAMES = MONTHS | frozenset("monday tuesday wednesday thursday friday saturday sunday mon tue "
                               "tues wed thu thur thurs fri sat sun ok okay am pm a.m p.m".split())
_NAMED_WORD = re.compile(rf"(?<!^)(?<![.?!]\s)(?<![A-Za-z0-9])"
                         rf"[A-Z]{_LATIN}*(?:[.-][A-Z0-9]{_LATIN}*)*")


@lru_cache(maxsize=1024)
def capitalised_terms(question: str) -> frozenset[str]:
    """The terms of the words a question capitalises after its first: the things it names
    ("Who won the Ekstraklasa Championship in 2000?" -> ekstraklasa, championship), Latin
    names in a Chinese question too. None in a question written in Title Case, whose capitals
    name nothing."""
    if is_title_cased(question):
        return frozenset()
    # lower-cased: "YouTube" is one name, held by "Youtube", not its CamelCase parts
    words = (m.group().lower() for m in _NAMED_WORD.finditer(question))
    named = terms(" ".join(w for w in words if w.rstrip(".s") not in _NO_NAMES))  # "Fridays"
    return frozenset(t for t in named if len(t) > 1)  # "U.S.": letters name nothing alone


def unnamed(question: str, texts: Sequence[str],
            translations: Alternatives | None = None) -> frozenset[str]:
    """The ``capitalised_terms`` of the question that none of ``texts`` holds: as written, as
    another form of the word ("German" holds "Germany"), spelled out ("NER") or translated."""
    named = capitalised_terms(question)
    if not named:
        return frozenset()
    have = _written(question, "\n".join(texts))
    held = held_terms(named, have, translations)
    return named - held - _held_derived(named - held, have)


@lru_cache(maxsize=1024)
def _name_terms(question: str) -> frozenset[str]:
    """The terms of the question's names of two or more capitalised words ("Best Actor",
    "World Cup"), not its first word's (capitalised anyway); none in a question written in
    Title Case ("What Is The Hotel Limit?"), whose capitals name nothing."""
    if is_title_cased(question):
        return frozenset()
    return terms(" ".join(_NAME_RUN.findall(question)))


def _names_as_written(question: str, text: str, held: frozenset[str]) -> frozenset[str]:
    """``held`` (terms of ``text``) without the words of a name the question writes in capitals
    ("Best Actor") that ``text`` writes in lower case ("won best picture"): there they are other
    words; nor the number of a numbered name ("Test 1", "Room 12") that ``text`` does not write
    after the name's word: "…at least: 1. 31 days…, but only 1/3 the number…" of the substantial
    presence test held "When is Test 1?" as much as the course schedule's "Test 1 | 1/26"."""
    for word, number in _NUMBERED_NAME.findall(question):
        if number in held and not re.search(rf"\b{word}\s*[:#.]?\s*{number}\b", text, re.IGNORECASE):
            held = held - {number}
    named = _name_terms(question)
    if not named & held:
        return held
    return held - (named - terms(" ".join(_CAPITAL_WORD.findall(text))))


# a capitalised word and the number after it, naming one of several: "Test 1", "Form 1040"
_NUMBERED_NAME = re.compile(r"\b([A-Z][a-z]+)\s*[:#]?\s*(\d+)\b(?![.,/]\d)")


def match_strength(question: str, sentence: str, heading: str | None = None,
                   focus: str = "", translations: Alternatives | None = None,
                   derived: bool = True) -> float:
    """How well a source sentence matches a question: the question terms it shares, those its
    section heading adds (a sentence under "Mileage" is about mileage), and one more when it
    states the kind of fact the question asks for (a figure for "how much", a date for "when",
    a name for "who", a place for "where"), or half a term when it holds the word naming what a
    which-question asks for ("Under which licence"). The ``focus`` of a follow-up ("for
    mileage") counts twice: it is what the asker wants now. With ``translations``, a term
    counts where the sentence holds it in the other language (an English question, a Chinese
    sentence), and, with ``derived``, where the sentence writes another form of its word
    ("wins" for "won", "directed" for "director")."""
    q = asked_terms(question)
    bare = URL.sub(" ", _MARKER_RE.sub("", sentence))
    own = _names_as_written(question, bare, _written(question, bare))
    titled = _written(question, heading or "")
    shared = held_terms(q, own, translations)
    if derived:  # in the sentence's own words: a heading names a topic, no word form
        shared |= _held_derived(q - shared, own)
    strength = len(shared) + len(held_terms(q - shared, titled, translations))
    if focus:
        strength += len(held_terms(terms(focus), own | titled, translations))
    kind = quote_kind(question)
    if strength and kind != "other" and states_asked(question, bare, own | titled, translations):
        strength += 1  # the kind of fact asked for, next to the terms
        if asked_quantity(question):  # and the word naming it: half a term, as for "which"
            strength += 0.5
    elif strength and kind == "other":
        # "Under which licence...": a sentence naming a licence states the kind of thing asked
        # for, and one writing an identifier a function or a class; half a term, so it decides
        # between sentences sharing as many terms
        asked = asked_thing(question)
        thing = terms(asked)
        if thing:
            named = 1.0 if names_code(asked, bare) else 0.0
            strength += 0.5 * max(named, len(held_terms(thing, own, translations)) / len(thing))
    return float(strength)

_MARKER_RE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def states_asked(question: str, sentence: str, have: frozenset[str],
                 translations: Alternatives | None = None) -> bool:
    """Whether ``sentence`` (whose terms, with its heading's, are ``have``) states the kind of
    fact ``question`` asks for; a question asking for a quantity by its noun ("What is the
    travel reimbursement limit…") wants a figure beside that noun, not any figure."""
    quantity = terms(asked_quantity(question))
    if quantity and not held_forms(quantity, have, terms(sentence), translations):
        return False
    unit = counted_unit(question)  # "within how many hours": a figure in hours, not "14-inch"
    if unit and not counts(unit, sentence):
        return False
    return states(quote_kind(question), sentence, question)


def sentence_strengths(question: str, text: str,
                       heading: str | None = None) -> tuple[list[tuple[int, int]], list[float]]:
    """The sentences of ``text`` as (start, end) offsets, and each one's ``match_strength``."""
    spans = sentence_spans(text)
    return spans, [match_strength(question, text[a:b], heading) for a, b in spans]


def best_span(question: str, text: str, heading: str | None = None) -> tuple[int, int] | None:
    """(start, end) of the sentence of ``text`` that matches the question best (the first of
    equals), a list item without its marker; None when none shares anything with it."""
    spans, strength = sentence_strengths(question, text, heading)
    if not spans or max(strength) <= 0:
        return None
    start, end = spans[max(range(len(spans)), key=lambda i: (strength[i], -i))]
    return start + marker_length(text[start:end]), end


def cited_numbers(answer: str) -> list[int]:
    """Numbers in [n] / [n, m] markers, in order of first appearance."""
    seen: list[int] = []
    for m in _MARKER_RE.finditer(answer):
        for part in m.group(1).split(","):
            n = int(part)
            if n not in seen:
                seen.append(n)
    return seen


def support(sentence: str, passage: str) -> float:
    """Share of the sentence's content terms that occur in the passage (0..1)."""
    own = set(tokenize(_MARKER_RE.sub("", sentence)))
    if not own:
        return 0.0
    return len(own & set(tokenize(passage))) / len(own)


def attribute(answer: str, passages: Sequence[str], threshold: float = 0.5) -> str:
    """Append [n] to each unmarked sentence that one passage clearly supports.

    Small models often answer correctly but forget the markers; a sentence whose content words
    mostly come from one passage is cited to that passage, the rest stays unmarked.
    """
    out, last = [], 0
    for start, end in sentence_spans(answer):
        sentence = answer[start:end]
        out.append(answer[last:end])
        last = end
        if _MARKER_RE.search(sentence) or not passages:
            continue
        best = max(range(len(passages)), key=lambda i: support(sentence, passages[i]))
        if support(sentence, passages[best]) >= threshold:
            out.append(f" [{best + 1}]")
    out.append(answer[last:])
    return "".join(out)


def renumber(answer: str, count: int) -> tuple[str, list[int]]:
    """Drop markers outside 1..count and renumber the rest 1, 2, ... by first appearance.

    Returns the rewritten answer and, for each new number, the old (1-based) passage number.
    """
    order = [n for n in cited_numbers(answer) if 1 <= n <= count]
    new_of = {old: new for new, old in enumerate(order, start=1)}

    def rewrite(m: re.Match) -> str:
        nums = [int(p) for p in m.group(1).split(",")]
        kept = [new_of[n] for n in nums if n in new_of]
        return "".join(f"[{n}]" for n in kept)

    text = _MARKER_RE.sub(rewrite, answer)
    return re.sub(r"[ \t]+([.,;:!?。，])", r"\1", text).strip(), order


# "Title V", "Part II", "Chapter IV": a Roman numeral numbering a part of a text is a figure
# (the default model wrote "Title II: The Vessel Hull Design Protection Act" from "Title V, the
# Vessel Hull…" beside "Title II, the Online…"); "I" alone stays the pronoun
_DESIGNATED = re.compile(rf"\b(?:{'|'.join(PART_NAMES)})\s+([IVXL]+)\b")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(numeral: str) -> int:
    """The number a Roman numeral (capitals I, V, X, L, C only) writes: "IV" is 4."""
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if v < after else v for v, after in zip(values, values[1:] + [0]))


def _numbers(text: str) -> set[str]:
    plain = _MARKER_RE.sub("", text)
    return numbers(plain) | {str(_roman(m)) for m in _DESIGNATED.findall(plain)}


# words small models use to talk about the task rather than the facts
_META_TERMS = frozenset("answer passage passages document documents text states mentions according "
                        "provided provides question".split())


# "The passage is about X", "The text discusses Y": small models describe the passage instead
# of answering; such a sentence states no fact even when its words come from the passage
_ABOUT_THE_TASK = re.compile(r"\s*(the|this|these|that)\s+(passages?|texts?|documents?|articles?)\s+"
                             r"(is|are|was|provides?|discusses|describes|mentions|talks|says|"
                             r"states|explains|concludes|focuses)\b", re.IGNORECASE)


def is_supported(sentence: str, passage: str, question: str, threshold: float = 0.6) -> bool:
    """A sentence is supported when what it adds to the question comes from the passage.

    Its content terms beyond the question's must mostly occur in the passage, and every number
    and acronym it states must occur there too: small models like to restate the question or
    invent figures and names.
    """
    plain = _MARKER_RE.sub("", sentence)
    new_terms = set(tokenize(plain)) - set(tokenize(question)) - _META_TERMS
    if not new_terms:
        return False
    passage_terms = set(tokenize(passage))
    if len(new_terms & passage_terms) / len(new_terms) < threshold:
        return False
    if unknown_acronyms(plain, f"{passage}\n{question}"):
        return False  # a name made up: the rest may be copied around it
    return _numbers(sentence) <= _numbers(passage)


def keep_supported(answer: str, passages: Sequence[str], question: str) -> str:
    """The answer's sentences that cite a passage which supports them; the rest is dropped, and
    so are questions (a small model goes on with the FAQ's next question, or asks one back).

    Of those, sentences that only brush the question are dropped too when others are about it
    (``_about_the_question``): small models pad answers with copied passage sentences that
    share a word with the question and answer nothing it asks ("Every laptop is encrypted with
    BitLocker." before "Lost or stolen laptops must be reported…" for "What happens if I lose my
    laptop?"). A sentence the model repeats (small models loop) is kept once, and so is one it
    repeats with a word changed (``_repeats``).
    """
    kept = []
    for line in answer.split("\n"):
        for start, end in sentence_spans(line):
            sentence = _without_label_tail(line[start:end])
            if not sentence or _ABOUT_THE_TASK.match(sentence) or is_question(sentence):
                continue
            cited = [n for n in cited_numbers(sentence) if 1 <= n <= len(passages)]
            if not _repeats(sentence, kept) and not _adds_nothing(sentence, kept) and any(
                    _each_clause_supported(sentence, passages[n - 1], question) for n in cited):
                kept.append(sentence)
    return " ".join(_about_the_question(kept, question))


# the ``match_strength`` of a sentence about the question: two of its terms, or one and the
# kind of fact it asks for; a sentence under it only brushes the question
ABOUT_THE_QUESTION = 2


def _about_the_question(sentences: list[str], question: str) -> list[str]:
    """The ``sentences`` about the question (``match_strength`` of at least
    ``ABOUT_THE_QUESTION``, or of as many terms as a shorter question has), if any are; else
    those sharing a term with it, if any do; else all. A sentence in another script than the
    question is judged by shared terms alone: it shares terms only where they are translated."""
    bar = min(ABOUT_THE_QUESTION, len(asked_terms(question)))
    script = mostly_cjk(question)

    def about(sentence: str) -> bool:
        plain = _MARKER_RE.sub("", sentence)
        if mostly_cjk(plain) != script:
            return shared_terms(question, plain) > 0
        return match_strength(question, plain) >= bar

    return ([s for s in sentences if about(s)]
            or [s for s in sentences if shared_terms(question, s)] or sentences)


# the tail of a passage's label, "[1] (policy.txt, IT Security Policy > 2. Laptops)", copied
_LABEL_TAIL = re.compile(r"\s*(?:[^()\[\]]*>\s*)?([^()\[\]>]+?)\s*[)\]]\s*(?:\[\d+\]\s*)*[.]?\s*")


def _without_label_tail(sentence: str) -> str:
    """``sentence`` without the end of a passage's label the model began it with ("Laptops)
    [1] Every laptop is…", "Laptops ] [1]…"): a heading and a closing bracket state nothing,
    and pass as supported (the heading is in the passage)."""
    m = _LABEL_TAIL.match(sentence)
    tail = m.group(1) if m else ""
    if is_heading(tail) or (is_sentence_cased_heading(tail) and not numbers(tail)):
        return sentence[m.end():]
    return sentence


_CLAUSE_END = re.compile(r"[;；]")


def _each_clause_supported(sentence: str, passage: str, question: str) -> bool:
    """``is_supported``, and so is each of its clauses adding two terms or more: a small model
    copies a source sentence and goes on after a semicolon with what no source says ("…from
    11:30 to 14:00 every day; it does not have any extra space for employees")."""
    if not is_supported(sentence, passage, question):
        return False
    asked = set(tokenize(question)) | _META_TERMS
    clauses = _CLAUSE_END.split(_MARKER_RE.sub("", sentence))
    if any(_figure_moved(c, passage) or _unit_swapped(c, passage) or _cut_short(c, passage)
           for c in clauses):
        return False
    return len(clauses) == 1 or all(
        is_supported(c, passage, question) for c in clauses if len(set(tokenize(c)) - asked) >= 2)


_VERB_HELPERS = frozenset(_stemmed("must may might could should would shall been being were"))


def _phrases(text: str) -> set[tuple[str, str]]:
    """Pairs of neighbouring words of ``text`` (stemmed, small and helping verbs left out), no
    figure in either: "probation period lasts two weeks" -> (probat, period), (period, last)."""
    words = [w for w in _stemmed(text) if w not in _VERB_HELPERS]
    figure = [bool(numbers(w)) or (i > 0 and words[i - 1] in _DESIGNATOR_STEMS
                                   and _ROMAN_WORD.fullmatch(w) is not None)
              for i, w in enumerate(words)]
    return {(a, b) for i, (a, b) in enumerate(zip(words, words[1:]))
            if not figure[i] and not figure[i + 1]}


_DESIGNATOR_STEMS = frozenset(_stemmed(" ".join(PART_NAMES)))
_ROMAN_WORD = re.compile(r"[ivxl]+")


def _figure_moved(clause: str, passage: str) -> bool:
    """A small model gives one sentence's subject another sentence's figure: "The probation
    period lasts two weeks" from "The probation period lasts six months. During probation the
    notice period is two weeks…". Each word and figure is in the passage, but the clause's
    phrases are only in passage clauses stating none of its figures, and those stating them
    share none of its phrases, each naming its own subject (not "afterwards it is one month")."""
    figures = _numbers(clause)
    wanted = _phrases(clause) if figures and not has_cjk(clause) else set()
    if not wanted:
        return False
    parts = [(c, bool(_numbers(c) & figures))
             for a, b in sentence_spans(passage) for c in _CLAUSE_END.split(passage[a:b])]
    holders = [(p, _phrases(p)) for p, stating in parts if stating]
    if not holders or any(ENGLISH_PRONOUN.search(p) or not own or own & wanted
                          for p, own in holders):
        return False
    return any(_phrases(p) & wanted for p, stating in parts if not stating)


_UNITS = frozenset(_stemmed(UNIT_WORDS))


def _quantities(text: str) -> set[tuple[str, str]]:
    """(figure, unit) for each figure followed by a unit word: "two weeks" -> ("2", "week")."""
    words = _stemmed(text)
    return {(value, unit) for word, unit in zip(words, words[1:]) if unit in _UNITS
            for value in numbers(word)}


def _unit_swapped(clause: str, passage: str) -> bool:
    """A figure the passage states with another unit, a unit it states with other figures:
    "The notice period after probation is two months" from "…two weeks; afterwards it is one
    month" (each figure and word is in the passage, "two months" is not)."""
    said = _quantities(clause) if not has_cjk(clause) else set()
    if not said:
        return False
    held = _quantities(passage)
    values, units = {v for v, _ in held}, {u for _, u in held}
    return any(v in values and u in units and (v, u) not in held for v, u in said)


_LABELLED = re.compile(r"\b([A-Za-z]+)[ \t]+(\d+)\b(?![.,]\d)")


def _cut_short(clause: str, passage: str) -> bool:
    """A figure after a label that the passage writes after that label only with more digits:
    "Test 1 in GL 26" from "Test 1 in GL 263" (26 is in the passage too, as the day of
    "1/26"): a small model cut the number short."""
    said = {(w.lower(), n) for w, n in _LABELLED.findall(clause)
            if w.lower() not in STOPWORDS}  # "the 5" is no label
    if not said:
        return False
    held = {(w.lower(), n) for w, n in _LABELLED.findall(passage)}
    return any((w, n) not in held and any(hw == w and hn.startswith(n) for hw, hn in held)
               for w, n in said)


def _adds_nothing(sentence: str, kept: Sequence[str]) -> bool:
    """``sentence`` holds no term and no figure that the sentences ``kept`` before it do not
    ("…at least 14 characters long. [2] Passwords [2]")."""
    if not kept:
        return False
    before = " ".join(kept)
    plain = _MARKER_RE.sub("", sentence)
    return terms(plain) <= terms(before) and numbers(plain) <= numbers(before)


def _repeats(sentence: str, kept: Sequence[str]) -> bool:
    """``sentence`` is one of ``kept`` again, perhaps with a word changed ("设置环境变量 X …" then
    "启动环境变量 X …"): nearly the same characters (difflib's ratio ≥ 0.9) and the same figures."""
    plain = _MARKER_RE.sub("", sentence).strip()
    for other in kept:
        earlier = _MARKER_RE.sub("", other).strip()
        if (_numbers(plain) == _numbers(earlier)
                and difflib.SequenceMatcher(None, plain, earlier, autojunk=False).ratio() >= 0.9):
            return True
    return False


def figures_disagree(answer: str, source_sentence: str) -> bool:
    """The source states figures and the answer states none of them."""
    wanted = _numbers(source_sentence)
    return bool(wanted) and not (_numbers(answer) & wanted)


_YEAR = re.compile(r"(?<![\d.,])(1[5-9]\d\d|20\d\d)(?![\d.,]\d)")
_ORDINAL = re.compile(r"(?<![\d.,])(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
# what picks one edition of a recurring thing, one kind each: a year ("the 2018 Nobel Prize"),
# an ordinal in digits ("the 92nd Academy Awards"), a quarter or half of a year ("Q1 revenue")
_EDITION_MARKS = (lambda text: frozenset(_YEAR.findall(text)),
                  lambda text: frozenset(_ORDINAL.findall(text)),
                  periods)


# a name and the number, capital or numeral that tells its editions apart: "Xenoblade
# Chronicles 2", "Pixel 6", "World War II" (a month's day is a date, no edition)
_NUMBERED_NAME = re.compile(r"\b([A-Za-z]{3,})\s+(\d{1,3}[a-z]?|[IVXLC]{1,5}|[A-Z])(?!\w|[.,]\d)")


def _numbered_names(text: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Name -> its edition marks in ``text``: (capitalised names inside it only, every name).
    A sentence's first word is capitalised anyway ("After 5 years"): it names nothing."""
    named: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}
    for m in _NUMBERED_NAME.finditer(text):
        name = m.group(1).lower()
        if name in MONTHS or name in STOPWORDS:
            continue
        mark = _edition_number(m.group(2))
        every.setdefault(name, set()).add(mark)
        if m.start() > 0 and m.group(1)[0].isupper():
            named.setdefault(name, set()).add(mark)
    return named, every


def _edition_number(mark: str) -> str:
    """A Roman numeral as the number it writes ("World War II" is "World War 2"), else as is."""
    if any(ch not in _ROMAN for ch in mark):
        return mark.lower()
    return str(_roman(mark))


# a year the question bounds the answer with: "prior to 2000" asks for another year
_BOUNDING_YEAR = re.compile(r"\b(?:before|prior to|after|since|until|till)\s+(?:the\s+)?"
                            rf"(?:year\s+)?{_YEAR.pattern}\b", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _asked_editions(question: str) -> tuple[tuple[frozenset[str], ...], dict[str, set[str]],
                                            tuple[tuple[str, tuple[str, ...]], ...]]:
    """The question's years, ordinals and periods (one set per kind), its numbered names and its
    subtitled names: asked once per question, not once per sentence weighed (cached: never
    changed by callers). A year bounding the answer ("When did Polonia win the championship
    prior to 2000?") names no edition: the answer states another year ("in 1946")."""
    unbounded = _BOUNDING_YEAR.sub(" ", question)
    return (tuple(marks(unbounded) for marks in _EDITION_MARKS),
            _numbered_names(question)[1], tuple(subtitled_names(question)))


def _another_subtitle(asked: Sequence[tuple[str, tuple[str, ...]]], sentence: str) -> bool:
    """The sentence names a series the question names with another subtitle ("The Legend of
    Zelda: Ocarina of Time" for "… Breath of the Wild"), and the asked subtitle nowhere."""
    lowered = " ".join(sentence.lower().split())
    written = subtitled_names(sentence)
    return any(named == series and stated[:len(subtitle)] != subtitle[:len(stated)]
               for series, subtitle in asked if " ".join(subtitle) not in lowered
               for named, stated in written)


def names_another_edition(question: str, sentence: str) -> bool:
    """The question names a year, an ordinal edition or a quarter, and the sentence names
    another one of that kind but not the question's: it is about another year's prize, another
    season, another quarter's revenue ("Q2" for "Q1", "second quarter" for "Q1"). So
    does a sentence naming what the question names with another number or letter only
    ("Xenoblade Chronicles X" for "Xenoblade Chronicles 2", "Pixel 5" for "Pixel 6"), or with
    another subtitle ("The Legend of Zelda: Ocarina of Time" for "… Breath of the Wild")."""
    sentence = _MARKER_RE.sub("", sentence).strip()
    asked_marks, asked_names, asked_titles = _asked_editions(question)
    for marks, asked in zip(_EDITION_MARKS, asked_marks):
        stated = marks(sentence) if asked else frozenset()
        if stated and not asked & stated:
            return True
    if asked_titles and _another_subtitle(asked_titles, sentence):
        return True
    if not asked_names:
        return False
    named, stated = _numbered_names(sentence)
    return any(name in named and not marks & stated[name] for name, marks in asked_names.items())


def shared_terms(question: str, text: str) -> int:
    """How many of the question's content terms the text contains (stemmed)."""
    return len(terms(question) & terms(_MARKER_RE.sub("", text)))


def _named_by(question: str, subject: frozenset[str], heading: str) -> frozenset[str]:
    """The terms of a ``heading`` that names the asked ``subject`` and no word the question does
    not ("Dual-Status Tax Year" for "What is a dual-status tax year?"): the sentences under it
    are about it, as much as one writing it ("A dual-status year is one in which…")."""
    if not heading:
        return frozenset()
    written = _written(question, heading)
    named = subject <= written and terms(heading) <= asked_terms(question)
    return written if named else frozenset()


_FIRST_WORD = re.compile(r"\s*(\S+)")


# a subject after one of these serves another ("Review for Final Exam", "the week after the
# board meeting"): the date the sentence states is that other thing's
_SERVING = frozenset("for before after until about toward towards following preceding".split())
_WORD_RE = re.compile(r"[^\W_]+")


def _serves_another(subject: frozenset[str], sentence: str) -> bool:
    """The first word of the question's compound ``subject`` that ``sentence`` writes follows
    "for", "before", "after"…: "Review for Final Exam" dates a review. (Asked what the subject
    is, "the rules for a dual-status tax year" do speak of it.)"""
    words = [w for w in _WORD_RE.findall(sentence.lower()) if w not in ARTICLES]
    first = next((k for k, w in enumerate(words) if terms(w) & subject), None)
    return first is not None and first > 0 and words[first - 1] in _SERVING


def _begun_before(passage: str, start: int, end: int, heading: str | None) -> bool:
    """The passage opens inside this sentence, its first words on the page before ("control
    measures does not take effect until two years from enactment", of "the prohibition on
    circumvention of access control measures"): quoted, it says of what it speaks no more. A
    line of code is no such sentence ("output = cn2an.an2cn(…)"), nor one opening with a name
    written in small letters: its document's ("numconv 最大支持转换到…" in numconv.md), or one
    with capitals or figures inside ("iPhone", "cn2an")."""
    if passage[:start].strip():
        return False
    first = _FIRST_WORD.match(passage, start, end)
    word = first.group(1).strip(".,;:") if first else ""
    return (word.isalpha() and word.islower()
            and word not in re.findall(r"\w+", (heading or "").lower())
            and code_block_at(passage, start, end) is None)


class _Candidate(NamedTuple):
    """A sentence ``best_sentence`` may quote."""

    score: float  # strength, tie-break, rank and the subject's and opening's adjustments
    passage: int
    sentence: str
    strength: float  # ``match_strength`` with its headings
    holds: int  # terms of a continuing follow-up's ``required`` it holds
    begun: bool  # ``_begun_before``


def best_sentence(question: str, passages: Sequence[str],
                  headings: Sequence[str | None] = (),
                  quotable=lambda sentence: True, focus: str = "",
                  translations: Alternatives | None = None,
                  required: str = "") -> tuple[int, str, float] | None:
    """The passage sentence that best matches the question: (passage index, sentence,
    ``match_strength``); only sentences ``quotable`` accepts are considered.

    A question in the passage is never the quote (it states nothing); the sentences after it,
    up to the next question, are read under it as under a heading: in a FAQ they are its answer
    ("When is the draft? Date: Thursday, July 29."). A Markdown heading line left in the text
    ("## Usage", "#Title" without the space) is read the same way.

    With ``required`` (what a continuing follow-up asks about), only the sentences holding most
    of its terms (with their heading) are considered, when one holds any."""
    need = terms(required) if required else frozenset()
    # a sentence writing all of a compound subject ("assembly point") is about it: half a term
    # (one word would only count its term twice: "Who is the CEO" quoted another firm's CEO)
    subject = (asked_terms(question) & terms(asked_subject(question))) - _KIND_WORDS
    if len(subject) < 2:
        subject = frozenset()
    kind = quote_kind(question)
    candidates: list[_Candidate] = []
    for i, passage in enumerate(passages):
        heading = headings[i] if i < len(headings) else None
        asked, before, last, title = "", "", 0, ""
        named: frozenset[str] = frozenset()  # what ``asked`` lends the subject, read once
        for start, end in sentence_spans(passage):
            sentence = " ".join(passage[start:end].split())
            a_question = asks_in(passage, start, end)
            if (a_question or is_heading_line(passage, start, end)
                    or is_title_line(passage, start, end)):
                asked, before = sentence.lstrip("# "), ""
                named = _named_by(question, subject, asked) if subject else frozenset()
                if not passage[:start].strip() and not a_question:
                    title = asked  # a document's title heads all of it, its sections too
                continue
            if _BLANK_LINE.search(passage[last:start]):
                before = ""  # a pronoun points back within its paragraph
            # "They expire every 180 days." is read under what it is about ("Passwords…")
            about = referent(sentence, before)
            before, last = sentence, end
            under = " ".join(h for h in (heading, title if title != asked else "", asked,
                                         about) if h)
            strength = match_strength(question, sentence, under, focus, translations)
            # of sentences matching as well with their headings, the one writing most of the
            # question's words itself wins: under "Teacher", "Public school teachers are
            # required to have a bachelor's degree" over "… a license to teach in public schools"
            itself = match_strength(question, sentence, None, focus, translations, derived=False)
            tie_break = 0.01 * itself
            score = strength + tie_break - 0.1 * i  # earlier ranks better
            if (subject and subject <= held_terms(subject, _written(question, sentence) | named,
                                                  translations)
                    and not (kind == "date" and _serves_another(subject, sentence))):
                score += 0.5
            if score > 0 and quotable(sentence) and not names_another_edition(question, sentence):
                holds = 0
                if need:  # a continuing follow-up only: stemming every candidate again costs
                    written = _written(question, sentence) | _written(question, under)
                    holds = len(held_terms(need, written, translations))
                begun = _begun_before(passage, start, end, heading)
                if begun:
                    score -= 1.0  # its subject is on the page before: a term it cannot show
                candidates.append(_Candidate(score, i, sentence, strength, holds, begun))
    most = max((c.holds for c in candidates), default=0)
    kept = [c for c in candidates if c.holds == most]
    if not kept:
        return None
    rarity = _rarity(question, [c.sentence for c in kept])
    best = max(round(c.score, 6) for c in kept)
    equals = [k for k, c in enumerate(kept) if round(c.score, 6) == best]
    thing = asked_thing(question)

    def typed(k: int) -> bool:
        sentence = kept[k].sentence
        return ((kind in _TOLD_APART
                 and states_asked(question, sentence, terms(sentence), translations))
                or (kind == "other" and names_code(thing, sentence)))

    counted = counted_thing(question)

    def fact(k: int) -> int:  # a figure before what is counted ("six quadrangles") is more
        return typed(k) + (typed(k) and bool(counted) and counts(counted, kept[k].sentence))

    # of equals, the one stating the date, figure or identifier asked for, then the one
    # holding the question's rarer words ("affluent" over "strongest" in an article where every
    # sentence says "Melbourne"), then the first, as when ranked one by one
    top = max(equals, key=lambda k: (fact(k), rarity[k], -k))
    if kind in _TOLD_APART and not typed(top) and not asks_frequency(question):
        # a date or figure asked for: a sentence stating one is the answer even if it shares a
        # term less than one on the same subject stating none ("This policy applies to all
        # travel by Halden Instruments employees" for the limit of Halden's employees' travel)
        # a term less at most, two at least, one of them a word (not only the question's numbers)
        words = frozenset(t for t in asked_terms(question) if not t.isdigit())

        def ranked(c: _Candidate) -> float:  # the strength as ranked, without the tie-break
            return c.strength - 0.1 * c.passage

        near = [k for k, c in enumerate(kept) if ranked(c) >= ranked(kept[top]) - 1
                and c.strength >= 3 and not c.begun and typed(k)
                and held_terms(words, terms(c.sentence), translations)]
        if near:
            top = max(near, key=lambda k: (round(kept[k].score, 6), rarity[k], -k))
    return kept[top].passage, kept[top].sentence, kept[top].strength


# words naming the kind of fact asked ("the premiere date"): the answer states one, not the word
_KIND_WORDS = terms("date year day month time name number amount place location")


# the kinds of fact a sentence is told to state reliably (and an identifier for a function or
# class asked for): any capitalised word passes for a name or a place ("In the UK the role of a
# PhT…" for "Who oversees a Pharmacy Technician?")
_TOLD_APART = ("date", "figure")


def _rarity(question: str, sentences: Sequence[str]) -> list[float]:
    """Per sentence, how rare among ``sentences`` the question's words it writes are: the sum
    of 1 / (sentences writing the word) over its words, as a share of the question's words."""
    asked = asked_terms(question)
    own = [asked & _names_as_written(question, sentence, terms(sentence)) for sentence in sentences]
    count = Counter(t for held in own for t in held)
    # fsum: a set's order changes with the process's hash seed, and a plain sum's last bit with
    # it, which made the pick between equal sentences differ from one run to the next
    return [math.fsum(1 / count[t] for t in held) / len(asked) if asked else 0.0 for held in own]


LEAD_IN_FOLLOW_CHARS = 400


def quote_in(passage: str, sentence: str,
             quotable=lambda sentence: True) -> tuple[str, tuple[int, int] | None]:
    """``sentence`` of ``passage`` as a quote shows it, and the (start, end) of what it quotes
    (None when ``sentence`` is not one of the passage's: then it is quoted as it is).

    Without the numbered section title or the list marker its span opens with ("3. Vacation
    and leave Every employee..." -> "Every employee...", "- 支持繁体分词" -> "支持繁体分词"),
    with the sentence it heads if it is a run-in head ("Penalty for late filing. If you do
    not file…", ``runs_in``), and, when it announces what follows ("Set this variable as
    below."), with what it announces (``announced_end``: the code block, the list, else the
    next paragraph; a caption line brings its code block, ``captions_code``), at most
    ``LEAD_IN_FOLLOW_CHARS`` of it and never a question or a sentence ``quotable`` refuses: the
    announcement alone states nothing.
    A sentence in a code block brings the block (``_code_window``): one line of code
    ("print(out)") says little. A sentence that points back ("该命令会…", "They expire…") brings
    what it points at (``_antecedent``)."""
    spans = sentence_spans(passage)
    for k, (start, end) in enumerate(spans):
        if " ".join(passage[start:end].split()) != sentence:
            continue
        titled = passage[start:end]
        start += len(titled) - len(without_numbered_title(titled))
        start += marker_length(passage[start:end])  # the item, not its list marker
        if k + 1 < len(spans) and runs_in(passage, start, end):
            end = spans[k + 1][1]  # a run-in head states nothing alone: the sentence it heads
        block, clipped = code_block_at(passage, start, end), False
        if block is not None:  # a line of code says little alone: the block it is part of
            a, b, clipped = _code_window(passage, block, start, end, LEAD_IN_FOLLOW_CHARS)
            start, end = min(start, a), max(end, b)
        elif k and (points_back(passage[start:end]) or referent(
                passage[start:end], passage[spans[k - 1][0]:spans[k - 1][1]])):
            start = _antecedent(passage, spans[k - 1], start, quotable)
        quote = " ".join(without_fence_lines(passage[start:end]).split()) or sentence
        if block is not None or not (is_lead_in(quote) or captions_code(passage, start, end)):
            return quote + ("…" if clipped else ""), (start, end)
        stop = announced_end(passage, end, LEAD_IN_FOLLOW_CHARS)
        for a, b in spans[k + 1:]:  # never a question or an instruction in a quote
            if a >= stop:
                break
            part = passage[a:b]
            if asks_in(passage, a, b) or not quotable(part):
                stop = a
                break
        clipped = stop > end + LEAD_IN_FOLLOW_CHARS
        stop = min(stop, end + LEAD_IN_FOLLOW_CHARS)
        follow = " ".join(without_fence_lines(passage[end:stop]).split())
        if clipped and follow:
            follow += "…"  # a long block: its head
        return " ".join(p for p in (quote, follow) if p), (start, max(end, stop))
    return sentence, None


def _antecedent(passage: str, before: tuple[int, int], start: int, quotable) -> int:
    """Where the quote of a sentence that points back (``points_back``) starts: at the sentence
    ``before`` it in the same paragraph, or at the code block directly above it when that is at
    most ``LEAD_IN_FOLLOW_CHARS`` long; else at the sentence itself."""
    a, b = before
    block = code_block_at(passage, a, b)
    if block is not None:
        near = not passage[block[1]:start].strip()
        return block[0] if near and block[1] - block[0] <= LEAD_IN_FOLLOW_CHARS else start
    sentence = " ".join(passage[a:b].split())
    if (_BLANK_LINE.search(passage[b:start]) or b - a > LEAD_IN_FOLLOW_CHARS
            or is_question(sentence) or is_heading_line(passage, a, b) or not quotable(sentence)):
        return start
    return a


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _code_window(passage: str, block: tuple[int, int], start: int, end: int,
                 limit: int) -> tuple[int, int, bool]:
    """The lines of a code ``block`` a quote of ``passage[start:end]`` shows: all of it, or
    about ``limit`` characters of whole lines around that sentence; and whether it was cut."""
    a, b = block
    if b - a <= limit:
        return a, b, False
    lo = max(a, passage.rfind("\n", 0, max(a, start - limit // 2)) + 1)
    hi = min(b, max(end, lo + limit))
    newline = passage.find("\n", hi)
    hi = b if newline == -1 or newline > b else newline
    return lo, hi, lo > a or hi < b


def supporting_span(passage: str, claim: str, question: str,
                    heading: str | None = None) -> tuple[int, int] | None:
    """(start, end) of the passage sentence that supports ``claim`` (the answer's sentences
    citing this passage): the one sharing most of the claim's terms and figures, ties going to
    the one that matches the question best. None when no sentence shares anything."""
    claim_terms = terms(_MARKER_RE.sub("", claim))
    claim_numbers = _numbers(claim)
    best, best_key = None, (0.0, 0.0)
    for start, end in sentence_spans(passage):
        sentence = passage[start:end]
        shared = len(claim_terms & terms(sentence)) + 2 * len(claim_numbers & _numbers(sentence))
        key = (float(shared), match_strength(question, sentence, heading))
        if key > best_key:
            best, best_key = (start, end), key
    return best


def cited_span(passage: str, claim: str, question: str,
               heading: str | None = None) -> tuple[int, int] | None:
    """The ``supporting_span`` a citation shows: a list item without its marker."""
    span = supporting_span(passage, claim, question, heading)
    return span and (span[0] + marker_length(passage[span[0]:span[1]]), span[1])


def claim_of(answer: str, n: int) -> str:
    """The answer's sentences that cite passage ``n`` (marker ``[n]``)."""
    return " ".join(answer[a:b] for a, b in sentence_spans(answer) if f"[{n}]" in answer[a:b])


def rests_on(answer: str, n: int, passage: str, sentence: str, question: str,
             heading: str | None = None) -> bool:
    """Whether the answer's sentences citing passage ``n`` state what ``sentence`` of that
    passage says: it is the passage sentence that supports them best, and their figures and
    months are its own ("December 27, 2017" from a passage saying "October 27, 2017" there
    and "December" elsewhere is not)."""
    claim = claim_of(answer, n)
    span = supporting_span(passage, claim, question, heading) if claim else None
    return (span is not None
            and " ".join(passage[span[0]:span[1]].split()) == " ".join(sentence.split())
            and _numbers(claim) <= _numbers(sentence) and _months(claim) <= _months(sentence))


_MONTH_RE = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?=\s|$|[,;)])",
                       re.IGNORECASE)


def _months(text: str) -> set[str]:
    """The months a text names, capitalised, by their first three letters ("Sept." -> "sep";
    "may" is a verb)."""
    return {m.group(1).lower() for m in _MONTH_RE.finditer(text)
            if m.group(0)[0].isupper() and m.group(0).rstrip(".").lower() in MONTHS}

