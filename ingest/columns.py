"""A PDF page set in columns, read column by column from PDFium's character boxes.

pypdf and PDFium return such a page line by line across the columns; pdfminer.six's layout
analysis (the reader before this one) joins lines across a narrow gutter into one text box
and orders some boxes wrongly: on the three-column tax instructions (i1040nr.pdf, gutters
about 11 pt wide) "What is the substantial presence test?" was answered with a fragment of
interleaved lines. Here the page is cut the classic way (an X-Y cut): the gutters are the
vertical strips that words leave free; a line whose words run across a gutter (a running head,
a heading or table over the whole width) spans the page, and the page is read top to bottom
as such spanning bands and, between them, each column left to right. Words keep PDFium's
order inside a column; a line break is where a word starts below the middle of the one
before, a paragraph break where the gap is most of a line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pypdfium2.raw as pdfium_c

Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF points)
MIN_GUTTER = 6  # points: narrower is a wide word space, not a gutter
QUIET = 0.2  # a gutter's x is covered by at most this share of the busiest x's words
SIDE_SHARE = 0.1  # each side of a gutter holds at least this share of the words' width


def column_text(pdf_page) -> str | None:
    """The page's text column by column, or None when it has no gutter (or no text)."""
    textpage = pdf_page.get_textpage()
    try:
        count = textpage.count_chars()
        # one character per index (get_text_range leaves some out, so its indexes drift)
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
        # the font's box, not the glyph's: a dash or a comma sits as high as its line
        boxes = [textpage.get_charbox(i, loose=True) for i in range(count)]
    finally:
        textpage.close()
    words = _words(text, boxes)
    gutters = _gutters([box for _, box in words], int(pdf_page.get_size()[0]))
    if not gutters:
        return None
    spanning = _spanning_bands([box for _, box in words], gutters)
    regions: dict[tuple, tuple[list[str], Box]] = {}
    for word, box in words:
        key = _region(box, gutters, spanning)
        if key not in regions:
            regions[key] = ([word], box)
            continue
        parts, before = regions[key]
        parts += [_separator(before, box), word]
        regions[key] = (parts, box)
    texts = ("".join(regions[key][0]).strip() for key in sorted(regions))
    return "\n\n".join(t for t in texts if t) or None


# PDFium's mark for a hyphen that breaks a word at a line's end (the line break is implied)
LINE_END_HYPHEN = "\x02"


def _words(text: str, boxes: Sequence[Box]) -> list[tuple[str, Box]]:
    """Runs of visible characters with the box around them, in PDFium's order; a word broken
    at a line's end keeps its hyphen ("in-", then "tervention" on the next line), which the
    text's tidying joins."""
    words: list[tuple[str, Box]] = []
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


def _gutters(boxes: Sequence[Box], width: int) -> list[float]:
    """The middles of the vertical strips at least MIN_GUTTER wide, away from the page's
    edges, that words hardly cover, with text on both sides."""
    if width < 100 or len(boxes) < 20:
        return []
    cover = np.zeros(width + 2)
    for left, _, right, _ in boxes:
        cover[max(0, int(left)):max(0, min(width, int(right))) + 1] += 1
    quiet, total = cover <= QUIET * cover.max(), cover.sum()
    middles, run = [], 0
    for x in range(width // 8, 7 * width // 8 + 1):
        if quiet[x]:
            run += 1
            continue
        if run >= MIN_GUTTER and min(cover[:x - run].sum(), cover[x:].sum()) >= SIDE_SHARE * total:
            middles.append(x - (run + 1) / 2)
        run = 0
    return middles


def _spanning_bands(boxes: Sequence[Box], gutters: Sequence[float]) -> list[tuple[float, float]]:
    """(bottom, top) of the lines that run across a gutter, and of the page's first and last
    line where a gap sets it apart (a running head or foot, whose parts may stand on either
    side of a gutter: "Page 14 of 48 Instructions …   7:48 - 6-DEC-2007"), overlapping ones
    merged."""
    crossing = [(b, t) for l, b, r, t in boxes if any(l < g < r for g in gutters)]
    crossing += _edge_lines(boxes)
    bands: list[list[float]] = []
    for bottom, top in sorted(crossing):
        if bands and bottom <= bands[-1][1] + 1:
            bands[-1][1] = max(bands[-1][1], top)
        else:
            bands.append([bottom, top])
    return [(b, t) for b, t in bands]


def _edge_lines(boxes: Sequence[Box]) -> list[tuple[float, float]]:
    """(bottom, top) of the page's top and bottom line, each where the next line is at least a
    line's height away."""
    edges = []
    for top_first in (True, False):
        order = sorted(boxes, key=lambda b: -b[3] if top_first else b[1])
        first = order[0]
        line = [b for b in order if first[1] <= (b[1] + b[3]) / 2 <= first[3]]
        low, high = min(b[1] for b in line), max(b[3] for b in line)
        rest = [b for b in order if not low <= (b[1] + b[3]) / 2 <= high]
        if not rest:
            continue
        gap = (low - max(b[3] for b in rest)) if top_first else (min(b[1] for b in rest) - high)
        if gap >= high - low:
            edges.append((low, high))
    return edges


def _region(box: Box, gutters: Sequence[float], spanning: Sequence[tuple[float, float]]) -> tuple:
    """A sort key: bands top to bottom; in a band between spanning lines, columns left to right."""
    left, bottom, right, top = box
    middle = (bottom + top) / 2
    for low, high in spanning:
        if low <= middle <= high:
            return (-high, 0, 0)
    above = min((low for low, _ in spanning if low > middle), default=float("inf"))
    return (-above, 1, sum((left + right) / 2 > g for g in gutters))


def _separator(before: Box, box: Box) -> str:
    """A space on the same line, a line break below it, a blank line after a gap."""
    _, low, _, high = before
    line = max(high - low, box[3] - box[1], 1.0)
    if box[3] >= (low + high) / 2:
        return " "
    return "\n\n" if low - box[3] > 0.8 * line else "\n"
