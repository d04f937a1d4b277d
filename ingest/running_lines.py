"""Running heads and feet of a PDF: the lines a publisher prints at the top or bottom of every
page ("Page 5 of 48 Instructions for Form 1040NR", "7:48 - 6-DEC-2007", "The Digital
Millennium Copyright Act of 1998", a page number). Left in, they join the sentences next to them
in quotes, their words match every query, and their dates answer every "when" question.
"""

from __future__ import annotations

import re
from collections import Counter

EDGE_LINES = 4  # the furthest measured: i1040nr.pdf's proof note is the third line of a page
MIN_PAGES = 3
MIN_SHARE = 0.4  # of the pages with text; books alternate heads, so about half carry each
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")
_ENUMERATOR = re.compile(r"\d+[.)]")
_GLUED_FOLIO = re.compile(r"\s*-(\d+)-(?=[^\W\d_])")  # "-19-Instructions for Form 1040NR"


def _key(line: str) -> str:
    """A line as it repeats from page to page: its numbers (page, date, time) may change."""
    return _DIGITS.sub("#", " ".join(line.split())).casefold()


def _edges(lines: list[str]) -> list[int]:
    """Indexes of the first and the last ``EDGE_LINES`` lines with text."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def _page_number(line: str, number: int, edge: bool) -> bool:
    """A line of no words that writes the page's number: a folio, at the page's edge ("2") or,
    marked as one ("-5-"), anywhere (pages read in columns put the foot between them). Another
    lone figure may be a table's cell."""
    line = line.strip()
    return (not _LETTER.search(line) and _DIGITS.findall(line) == [str(number)]
            and (edge or line != str(number)))


def _letterless(words: list[str]) -> int:
    """How many of ``words``, from the first, hold no letter (a folio's "-", "5", "-")."""
    return next((k for k, word in enumerate(words) if _LETTER.search(word)), len(words))


def _unglued(line: str, number: int) -> list[str]:
    """The words of ``line``, a folio run into its first word ("-19-Instructions") apart."""
    glued = _GLUED_FOLIO.match(line)
    if glued and int(glued.group(1)) == number:
        line = f"{line[:glued.end()]} {line[glued.end():]}"
    return line.split()


def _trim(line: str, running: set[str], longest: int, number: int) -> str:
    """An edge line without the running lines and the folio an extractor ran into it, at its
    start or its end ("Page 19 of 48 Instructions for Form 1040NR 7:48 - 6-DEC-2007"), a folio
    even run into its first word ("-19-Instructions for Form 1040NR"). A head or tail of more
    words than the ``longest`` running line, and not all letterless (as a folio is), can be
    neither: a page read as one long line costs no more than its edges."""
    words = whole = _unglued(line, number)
    trimmed = True
    while words and trimmed:
        trimmed = False
        most = max(longest, _letterless(words), _letterless(words[::-1]))
        for n in range(min(len(words), most), 0, -1):
            head, tail = " ".join(words[:n]), " ".join(words[-n:])
            # "2." before words numbers the section that opens page 2, it is no folio
            enumerates = n < len(words) and _ENUMERATOR.fullmatch(head) is not None
            if _key(head) in running or (_page_number(head, number, edge=True)
                                         and not enumerates):
                words, trimmed = words[n:], True
            elif _key(tail) in running or _page_number(tail, number, edge=True):
                words, trimmed = words[:-n], True
            if trimmed:
                break
    return " ".join(words) if len(words) < len(whole) else line


def drop_running_lines(pages: list[str]) -> list[str]:
    """``pages`` (the text of each page, in order) without their running heads and feet: lines
    at a page's edge that recur, numbers aside, at the edge of at least ``MIN_SHARE`` of the
    pages (``MIN_PAGES`` at least), and folios. Such a line goes wherever it stands on a page
    (reordered columns put a page's foot between them), and from an edge line it ran into. The
    first page with text keeps its lines: there a repeated line is the document's title ("THE
    DIGITAL MILLENNIUM COPYRIGHT ACT OF 1998")."""
    filled = sum(1 for page in pages if page.strip())
    if filled < MIN_PAGES:
        return pages
    split = [page.split("\n") for page in pages]
    keys = [[_key(line) for line in lines] for lines in split]
    counts = Counter(key for lines, page_keys in zip(split, keys)
                     for key in {page_keys[i] for i in _edges(lines)})
    # a line twice on one page is the text's own (a refrain, a blind text), not the page's
    twice = {key for lines, page_keys in zip(split, keys)
             for key, n in Counter(k for line, k in zip(lines, page_keys) if line.strip()).items()
             if n > 1}
    running = {key for key, n in counts.items()
               if n >= max(MIN_PAGES, MIN_SHARE * filled) and _LETTER.search(key)} - twice
    longest = max((len(key.split()) for key in running), default=0)
    title_page = next(n for n, page in enumerate(pages, start=1) if page.strip())
    out = []
    for number, (lines, page_keys) in enumerate(zip(split, keys), start=1):
        if number == title_page:
            out.append(pages[number - 1])
            continue
        edges = set(_edges(lines))
        kept = [_trim(line, running, longest, number) if i in edges else line
                for i, (line, key) in enumerate(zip(lines, page_keys))
                if not (line.strip() and key in running
                        or _page_number(line, number, i in edges))]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
        out.append(text if text else pages[number - 1])  # a page of its heads only is kept whole
    return out
