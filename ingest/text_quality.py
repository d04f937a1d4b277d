"""Is extracted text language, or glyph codes? Used to choose between PDF extractors, and to
mend one extractor's words by another's.

A PDF font without a Unicode map makes an extractor emit whatever its glyph numbers happen to
be as code points: words that jump between unrelated scripts (Greek, Thai, Sinhala in one
word), control and private-use characters, ``(cid:42)`` placeholders. Real text in any one
language keeps a word inside one script (Latin letters may mix with one other script, as in
Chinese text with English names).
"""

from __future__ import annotations

import collections
import re
import unicodedata

# scripts that share words in real text count as one family
_FAMILY = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "BOPOMOFO": "CJK",
           "IDEOGRAPHIC": "CJK", "HALFWIDTH": "CJK", "FULLWIDTH": "LATIN", "MATHEMATICAL": "LATIN",
           "MODIFIER": "LATIN", "VERTICAL": "CJK", "MASU": "CJK"}
_CID = re.compile(r"\(cid:\d+\)")


def _family(ch: str) -> str:
    first = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0].split("-", 1)[0]  # KATAKANA-HIRAGANA
    return _FAMILY.get(first, first)


def _bad_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return ch == "\ufffd" or cat in ("Co", "Cs", "Cn") or (cat == "Cc" and ch not in "\t\n\r")


def word_is_garbled(word: str) -> bool:
    if _CID.search(word) or any(_bad_char(c) for c in word):
        return True
    families = {_family(c) for c in word if c.isalpha()}
    return len(families - {"LATIN"}) >= 2


def garbled_share(text: str) -> float:
    """Share of the text's letters (and bad characters) that sit in garbled words."""
    bad = total = 0
    for word in _CID.sub(" (cid:0) ", text).split():
        weight = sum(1 for c in word if c.isalpha() or _bad_char(c)) or (1 if _CID.search(word) else 0)
        total += weight
        if weight and word_is_garbled(word):
            bad += weight
    return bad / total if total else 0.0


def similarity(a: str, b: str) -> float:
    """Dice overlap of the two texts' non-space characters (order-free: extractors differ in
    reading order and spacing, not in which characters a page holds, unless one is wrong)."""
    ca = collections.Counter(c for c in a if not c.isspace())
    cb = collections.Counter(c for c in b if not c.isspace())
    size = sum(ca.values()) + sum(cb.values())
    return 2 * sum((ca & cb).values()) / size if size else 1.0


_LETTERS = re.compile(r"[^\W\d_]+")
SPLIT_WORDS_SEEN = 3


def join_split_words(text: str, other: str) -> str:
    """``text`` with the words it splits in two that ``other`` (another extractor's reading of
    the same page) writes whole: pypdf reads a justified line's last letter, placed apart, as a
    word of its own ("Assuranc e", "provide s", "an y"), PDFium does not. A pair is joined only
    when ``other`` writes the joined word and lacks one of the halves as a word ("an y": "y"):
    two words both extractors write ("in to" beside "into" elsewhere) stay apart. Only a page
    with ``SPLIT_WORDS_SEEN`` such pairs or more is mended: the split comes from how a page is
    set, and repeats (about ten a page in the shared dmca.pdf); a lone pair is as likely a
    space the other extractor missed ("ratherrare" in an OCR text layer)."""
    theirs = set(_LETTERS.findall(other))
    words = list(_LETTERS.finditer(text))
    gaps = [first.end() for first, second in zip(words, words[1:])
            if text[first.end():second.start()] == " "
            and first.group(0) + second.group(0) in theirs
            and (first.group(0) not in theirs or second.group(0) not in theirs)]
    if len(gaps) < SPLIT_WORDS_SEEN:
        return text
    out, last = [], 0
    for gap in gaps:
        out.append(text[last:gap])
        last = gap + 1  # the space left out
    return "".join(out) + text[last:]
