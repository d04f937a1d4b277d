"""A PDF page as a PNG with a cited span marked, for the citation card's whole-page view.

Rendering an uploaded PDF exercises more of PDFium than reading its text (images, fonts,
shadings), so it runs in the parser sandbox (ingest/sandbox.py), never in the API process.
"""

from __future__ import annotations

import io
import unicodedata

from ingest.columns import Box, page_words, reading_blocks
from ingest.errors import ParseError
from ingest.ocr import render_scale

DPI = 108  # a page fits a citation card and its print stays legible
MAX_PIXELS = 12_000_000
MARK = (255, 221, 0, 110)  # translucent yellow, as the passage's highlight
PROBE = 45  # letters at a passage's head and tail that find it when the whole is not found


def render_page_png(data: bytes, page_number: int, marked: str = "") -> bytes:
    """Page ``page_number`` (1-based) of the PDF as PNG bytes; where the page's text holds
    ``marked`` (whitespace and line breaks aside), it is boxed in yellow."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ParseError(f"the PDF cannot be opened: {exc}") from exc
    try:
        if not 1 <= page_number <= len(doc):
            raise ParseError(f"the PDF has no page {page_number}")
        page = doc[page_number - 1]
        width, height = page.get_size()
        scale = render_scale(width, height, DPI, MAX_PIXELS)
        image = page.render(scale=scale).to_pil().convert("RGBA")
        boxes = _boxes(page, marked) if marked.strip() else []
    finally:
        doc.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for left, bottom, right, top in boxes:  # PDF points, origin bottom-left
        draw.rectangle([left * scale, (height - top) * scale, right * scale,
                        (height - bottom) * scale], fill=MARK)
    out = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _boxes(page, marked: str) -> list[Box]:
    """One rectangle per line of the page's words that hold ``marked``, matched letters and
    digits only (the page breaks lines and hyphenates words where the passage does not). The
    words are taken in reading order, column by column where the page has columns: PDFium's
    own order runs across them line by line, so a passage in one column was not found, or its
    box took in the neighbouring column's lines."""
    words = page_words(page)
    order = [word for block in (reading_blocks(words) or [words]) for word in block]
    stream, owner = [], []
    for k, (word, _) in enumerate(order):
        kept = _letters(word)
        stream.append(kept)
        owner += [k] * len(kept)
    found = _located("".join(stream), _letters(marked))
    if found is None:
        return []
    first, last = found
    return _lines([box for _, box in order[owner[first]:owner[last - 1] + 1]])


def _letters(text: str) -> str:
    """``text``'s letters and digits, case and ligatures folded."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _located(stream: str, target: str) -> tuple[int, int] | None:
    """(start, end) of ``target`` in ``stream``: whole, else from where its head is to where its
    tail is after that (a character read differently in between)."""
    if not target:
        return None
    start = stream.find(target)
    if start >= 0:
        return start, start + len(target)
    for probe in (PROBE, PROBE // 3):
        start = stream.find(target[:probe])
        if start >= 0:
            tail = stream.find(target[-probe:], start)
            return start, (tail + len(target[-probe:]) if tail >= 0 else start + probe)
    return None


def _lines(boxes: list[Box]) -> list[Box]:
    """Boxes of consecutive words merged where the next stands on the same line, to its right."""
    lines: list[list[float]] = []
    for left, bottom, right, top in boxes:
        if lines and left >= lines[-1][0] and bottom <= (lines[-1][1] + lines[-1][3]) / 2 <= top:
            line = lines[-1]
            line[1], line[2], line[3] = min(line[1], bottom), max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    return [(a, b, c, d) for a, b, c, d in lines]
