"""A PDF page set in columns, read column by column from PDFium's character boxes.

pypdf and PDFium return such a page line by line across the columns; pdfminer.six's layout
analysis (the reader before this one) joins lines across a narrow gutter into one text box
and orders some boxes wrongly: on the three-column tax instructions (i1040nr.pdf, gutters
about 11 pt wide) "What is the substantial presence test?" was answered with a fragment of
interleaved lines. Here the page is cut the classic way, recursively (an X-Y cut): the
gutters are the vertical strips that words leave (almost) free. A gutter no word crosses cuts
the block into a left and a right part, read in that order; where every gutter is crossed
(a table or a worksheet over two columns, a heading over all), the lines that cross one are
read whole and the block is cut into the bands above, between and below them. Each part is
cut again, until none has a gutter. The page's first and last line, where a gap sets them
apart, are read whole first and last (a running head's parts stand on either side of a
gutter). Words keep PDFium's order inside a column; a line break is where a word starts below
the middle of the one before, a paragraph break where the space between two lines is a quarter
line wider than the page's usual one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pypdfium2.raw as pdfium_c

Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF points)
Band = tuple[float, float]  # bottom, top
Word = tuple[str, Box]
MIN_GUTTER = 6  # points: narrower is a wide word space, not a gutter
QUIET = 0.4  # a gutter's x is covered by at most this share of the busiest x's words (0.3 missed
# i1040nr p16's, whose worksheet runs across it; 0.4 and 0.5 read every typed passage whole)
EMPTY = 0.1  # ... and at most this share where no column's line reaches into it
FLUSH = 0.25  # the next column's edge is covered by at least this share of the busiest x's words
SIDE_SHARE = 0.1  # each side of a gutter holds at least this share of the words' width
# a paragraph's gap exceeds the page's usual space between lines by this many line heights
# (usual: 0.14 of a line in i1040nr, 0.18 in naacl06, 0.35 in multicolumn; paragraphs 0.4-1)
PARAGRAPH_GAP = 0.25
EDGE_LINES = 3  # at most this many lines set apart at the page's head or foot
# PDFium's mark for a hyphen that breaks a word at a line's end (the line break is implied)
LINE_END_HYPHEN = "\x02"
SMALL_FIGURE = 0.8  # a fraction's figures are at most this high against the whole number's
# a figure, maybe a line break, a slash, a figure: "1" "/2" (small: a fraction)
_FRACTION = re.compile(r"(?<!\d[/\u2044])(\d)[\r\n ]*([/\u2044])(\d)(?![\d/\u2044])")
_VULGAR = {("1", "2"): "½", ("1", "4"): "¼", ("3", "4"): "¾", ("1", "3"): "⅓", ("2", "3"): "⅔",
           ("1", "8"): "⅛", ("3", "8"): "⅜", ("5", "8"): "⅝", ("7", "8"): "⅞"}


def column_text(pdf_page) -> str | None:
    """The page's text column by column, or None when it has no gutter (or no text)."""
    blocks = reading_blocks(page_words(pdf_page))
    if blocks is None:
        return None
    gaps = [gap for block in blocks for gap in _line_gaps(block)]
    paragraph = (float(np.median(gaps)) if gaps else 0.0) + PARAGRAPH_GAP
    texts = (_joined(block, paragraph) for block in blocks if block)
    return "\n\n".join(t for t in texts if t) or None


def page_words(pdf_page) -> list[Word]:
    """The page's words with their boxes, in PDFium's order."""
    textpage = pdf_page.get_textpage()
    try:
        count = textpage.count_chars()
        # one character per index (get_text_range leaves some out, so its indexes drift)
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
        # the font's box, not the glyph's: a dash or a comma sits as high as its line
        boxes = [textpage.get_charbox(i, loose=True) for i in range(count)]
    finally:
        textpage.close()
    return _words(*_built_up_fractions(text, boxes))


def _built_up_fractions(text: str, boxes: list[Box]) -> tuple[str, list[Box]]:
    """``text`` with each fraction set from small figures (a raised small "1", maybe a line
    break, "/", a small "2") written as one word, its character where Unicode has one ("48½",
    "1⁄6"): read as printed, "48" "1" "/2" was "481 /2 cents a mile", a figure the page does
    not state."""
    out_text: list[str] = []
    out_boxes: list[Box] = []
    done = 0
    for m in _FRACTION.finditer(text):
        numerator, denominator = m.start(1), m.start(3)
        before = next((k for k in range(numerator - 1, -1, -1) if boxes[k][3] > boxes[k][1]
                       and not text[k].isspace()), None)
        if before is None or not all(
                boxes[k][3] - boxes[k][1] < SMALL_FIGURE * (boxes[before][3] - boxes[before][1])
                for k in (numerator, denominator)):
            continue
        glyph = _fraction(m.group(1), m.group(3))
        out_text += [text[done:numerator], glyph]
        box = (boxes[numerator][0], min(boxes[k][1] for k in range(numerator, m.end())),
               boxes[m.end() - 1][2], max(boxes[k][3] for k in range(numerator, m.end())))
        out_boxes += [*boxes[done:numerator], *[box] * len(glyph)]
        done = m.end()
    if not done:
        return text, boxes
    return "".join(out_text) + text[done:], [*out_boxes, *boxes[done:]]


def reading_blocks(words: list[Word]) -> list[list[Word]] | None:
    """``words`` in blocks in reading order (head lines, the columns cut recursively, foot
    lines), or None when they stand in no columns."""
    if not _gutters([box for _, box in words]):
        return None
    top, bottom = _edge_lines([box for _, box in words])
    head = [[w for w in words if _in_band(w[1], [band])] for band in top]
    foot = [[w for w in words if _in_band(w[1], [band])] for band in reversed(bottom)]
    body = [w for w in words if not _in_band(w[1], top + bottom)]
    return [_fractions_joined(block) for block in [*head, *_blocks(body), *foot]]


def _fraction(numerator: str, denominator: str) -> str:
    """A fraction as one word: its character where Unicode has one ("½"), else "1⁄6"."""
    return _VULGAR.get((numerator, denominator), f"{numerator}\u2044{denominator}")


def _fractions_joined(words: list[Word]) -> list[Word]:
    """A fraction whose small figures PDFium put apart (numerator at one place of its order,
    slash and denominator at another: i1040nr p31's "usually 1 /2 of 1%") joined once the words
    are in reading order ("usually ½ of 1%")."""
    out: list[Word] = []
    for word, box in words:
        if (len(out) > 1 and re.fullmatch(r"[/\u2044]\d", word)
                and re.fullmatch(r"\d", out[-1][0])):
            (numerator, top), (_, before) = out[-1], out[-2]
            # a small figure, the slash touching it (the slash's font box is as high as a line)
            if top[3] - top[1] < SMALL_FIGURE * (before[3] - before[1]) and box[0] - top[2] < 1:
                glyph = _fraction(numerator, word[-1])
                out[-1] = (glyph, (top[0], min(top[1], box[1]), box[2], max(top[3], box[3])))
                continue
        out.append((word, box))
    return out


def _blocks(words: list[Word]) -> list[list[Word]]:
    """``words`` cut into blocks in reading order (see the module's docstring)."""
    gutters = _gutters([box for _, box in words])
    if not gutters:
        return [words]
    clean = [g for g in gutters if not any(_crosses(box, g) for _, box in words)]
    if clean:  # left to right
        parts: list[list[Word]] = [[] for _ in range(len(clean) + 1)]
        for word in words:
            middle = (word[1][0] + word[1][2]) / 2
            parts[sum(middle > g for g in clean)].append(word)
        return [block for part in parts if part for block in _blocks(part)]
    bands = _merged([(b[1], b[3]) for _, b in words if any(_crosses(b, g) for g in gutters)])
    out: list[list[Word]] = []
    above = float("inf")
    for low, high in sorted(bands, key=lambda band: -band[1]):  # top to bottom
        between = [w for w in words if high < _middle(w[1]) < above]
        out += _blocks(between) if between else []
        out.append([w for w in words if low <= _middle(w[1]) <= high])
        above = low
    rest = [w for w in words if _middle(w[1]) < above]
    return out + (_blocks(rest) if rest else [])


def _joined(words: list[Word], paragraph: float) -> str:
    """The words as lines and paragraphs (a gap of at least ``paragraph`` line heights)."""
    parts: list[str] = []
    before = None
    for word, box in words:
        if before is not None:
            parts.append(_separator(before, box, paragraph))
        parts.append(word)
        before = box
    return "".join(parts).strip()


def _line_gaps(words: list[Word]) -> list[float]:
    """The space between each line and the next, in line heights."""
    return [_gap(a, b) for (_, a), (_, b) in zip(words, words[1:]) if b[3] < _middle(a)]


def _gap(before: Box, box: Box) -> float:
    return (before[1] - box[3]) / max(before[3] - before[1], box[3] - box[1], 1.0)


def _middle(box: Box) -> float:
    return (box[1] + box[3]) / 2


def _crosses(box: Box, gutter: float) -> bool:
    return box[0] < gutter < box[2]


def _in_band(box: Box, bands: Sequence[Band]) -> bool:
    return any(low <= _middle(box) <= high for low, high in bands)


def _merged(bands: list[Band]) -> list[Band]:
    """Overlapping (bottom, top) bands as one."""
    out: list[list[float]] = []
    for bottom, top in sorted(bands):
        if out and bottom <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], top)
        else:
            out.append([bottom, top])
    return [(b, t) for b, t in out]


def _words(text: str, boxes: Sequence[Box]) -> list[Word]:
    """Runs of visible characters with the box around them, in PDFium's order; a word broken
    at a line's end keeps its hyphen ("in-", then "tervention" on the next line), which the
    text's tidying joins."""
    words: list[Word] = []
    start = None
    for i in range(len(text) + 1):
        hyphen = i < len(text) and text[i] == LINE_END_HYPHEN and start is not None
        visible = (i < len(text) and text[i].isprintable() and not text[i].isspace()
                   and boxes[i][2] > boxes[i][0])
        if visible and start is None:
            start = i
        elif (hyphen or not visible) and start is not None:
            run = boxes[start:i]
            words.append((text[start:i] + ("-" if hyphen else ""),
                          (min(b[0] for b in run), min(b[1] for b in run),
                           max(b[2] for b in run), max(b[3] for b in run))))
            start = None
    return words


def _gutters(boxes: Sequence[Box]) -> list[float]:
    """Where to cut the vertical strips at least MIN_GUTTER wide, away from the block's edges,
    that words hardly cover, with text on both sides."""
    if len(boxes) < 20:
        return []
    left = int(min(b[0] for b in boxes))
    width = int(max(b[2] for b in boxes)) - left
    if width < 100:
        return []
    cover = np.zeros(width + 2)
    for a, _, b, _ in boxes:
        cover[max(0, int(a) - left):max(0, min(width, int(b) - left)) + 1] += 1
    quiet, total = cover <= QUIET * cover.max(), cover.sum()
    cuts, run = [], 0
    for x in range(width // 8, 7 * width // 8 + 1):
        if quiet[x]:
            run += 1
            continue
        strip = cover[x - run:x]
        if (run >= MIN_GUTTER and _flush(cover[x:x + MIN_GUTTER].max(), strip, cover.max())
                and min(cover[:x - run].sum(), cover[x:].sum()) >= SIDE_SHARE * total):
            cuts.append(left + x - run + _cut(strip, cover.max()))
        run = 0
    return cuts


def _flush(edge: float, strip: np.ndarray, busiest: float) -> bool:
    """Whether the next column starts flush after a quiet strip: its left edge is covered by
    twice as many words as the strip on average, and by FLUSH of the busiest x's. A strip among
    a ragged column's line ends is followed by more line ends (i1040nr p7: 23 words, then 27)."""
    return edge >= max(2 * strip.mean(), FLUSH * busiest)


def _cut(strip: np.ndarray, busiest: float) -> float:
    """Where to cut a quiet strip (offsets into it): in the middle of its nearly empty part,
    the gutter itself; where it has none, just before the next column, whose lines start
    flush while the ragged line ends of the one before reach into the strip (i1040nr p16: a
    strip of 17 pt, but the columns 2 pt apart where the longest lines end)."""
    empty = np.flatnonzero(strip <= EMPTY * busiest)
    if empty.size:
        return (empty[0] + empty[-1]) / 2
    return len(strip) - 1.0


def _edge_lines(boxes: Sequence[Box]) -> tuple[list[Band], list[Band]]:
    """(bottom, top) of the lines at the page's head and at its foot (up to EDGE_LINES each)
    that a gap of at least a line's height sets apart from the next line."""
    edges: tuple[list[Band], list[Band]] = ([], [])
    for top_first, found in ((True, edges[0]), (False, edges[1])):
        order = sorted(boxes, key=lambda b: -b[3] if top_first else b[1])
        while order and len(found) < EDGE_LINES:
            first = order[0]
            line = [b for b in order if first[1] <= _middle(b) <= first[3]]
            low, high = min(b[1] for b in line), max(b[3] for b in line)
            rest = [b for b in order if not low <= _middle(b) <= high]
            if not rest:
                break
            gap = (low - max(b[3] for b in rest)) if top_first else (min(b[1] for b in rest) - high)
            if gap < high - low:
                break
            found.append((low, high))
            order = rest
    return edges


def _separator(before: Box, box: Box, paragraph: float) -> str:
    """A space on the same line, a line break below it, a blank line after a paragraph's gap."""
    if box[3] >= _middle(before):
        return " "
    return "\n\n" if _gap(before, box) >= paragraph else "\n"
