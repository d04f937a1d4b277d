"""The quarter or half of a year a figure is for, however it is written: a question about "Q1
2021" is answered by a sentence on "the first quarter" of 2021, and not by one on Q2.

"H1"/"H2" name a half only beside a year ("H1 2024", "2024 H2", "H1 FY25"): alone they are as
often a heading level, so a sentence on "H2 headings" is no other edition of one on H1 ones."""

from __future__ import annotations

import re

from backend.rag.ordinals import ORDINALS

_ORDINALS = {**ORDINALS, "1st": "1", "2nd": "2", "3rd": "3", "4th": "4"}
_YEAR_AFTER = r"(?=[\s-]*(?:FY\s*)?['’]?(?:\d{4}|\d{2})\b)"
_YEAR_BEFORE = r"(?<=\d{4}[\s-])"
_PERIOD = re.compile(rf"\b(?:(Q)([1-4])|(?:{_YEAR_BEFORE}(H)([12])|(H)([12]){_YEAR_AFTER})|"
                     r"(first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+(quarter|half))\b",
                     re.IGNORECASE)


def _name(m: re.Match) -> str:
    for letter in (1, 3, 5):
        if m.group(letter):
            return m.group(letter).lower() + m.group(letter + 1)
    return m.group(8)[0].lower() + _ORDINALS[m.group(7).lower()]


def periods(text: str) -> frozenset[str]:
    """The quarters and halves ``text`` names, as "q1" .. "q4", "h1", "h2" ("Q3", "third
    quarter", "3rd-quarter", "H1 2024"; a fifth quarter is no period)."""
    return frozenset(name for name in map(_name, _PERIOD.finditer(text))
                     if name[0] == "q" or name[1] in "12")


def period_pairs(question: str, text: str) -> list[str]:
    """How the question writes each period ``text`` names otherwise ("Q1" where ``text`` says
    "first quarter", or the reverse)."""
    asked = list(_PERIOD.finditer(question))
    if not asked:  # most questions: no sentence read (called per sentence weighed)
        return []
    stated = periods(text)
    lowered = text.lower()
    return [m.group(0) for m in asked if _name(m) in stated and m.group(0).lower() not in lowered]
