"""An ordinal and the number it is written as: "the first step" of a procedure is the row
"Step: 1" of its table, "the third phase" is "Phase 3"."""

from __future__ import annotations

import re

from backend.rag.text import STOPWORDS

# each ordinal word and its number, as a string ("first" -> "1"; periods.py reads them too)
ORDINALS = {word: str(n) for n, word in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(), start=1)}
_ASKED = re.compile(rf"\b({'|'.join(ORDINALS)})\s+([A-Za-z]+)\b", re.IGNORECASE)


def numbered_pairs(question: str, text: str) -> list[str]:
    """The question's ordinal phrases ("first step") that ``text`` writes as the noun and its
    number ("Step: 1", "step 1", "Step #1"; not "Step 10", "step 1.5" nor "steps 1-9")."""
    out = []
    for m in _ASKED.finditer(question):
        if m.group(2).lower() in STOPWORDS:  # "first to pass": no noun numbered
            continue
        number, noun = ORDINALS[m.group(1).lower()], re.escape(m.group(2))
        if re.search(rf"\b{noun}\s*[:#.]?\s*{number}\b(?![.,]\d|\s*(?:-|–|to)\s*\d)", text,
                     re.IGNORECASE):
            out.append(m.group(0))
    return out
