"""A PDF page as a PNG with a cited span marked, for the citation card's whole-page view.

Rendering an uploaded PDF exercises more of PDFium than reading its text (images, fonts,
shadings), so it runs in the parser sandbox (ingest/sandbox.py), never in the API process.
"""

from __future__ import annotations

import io
import re

from ingest.errors import ParseError
from ingest.ocr import render_scale

DPI = 108  # a page fits a citation card and its print stays legible
MAX_PIXELS = 12_000_000
MARK = (255, 221, 0, 110)  # translucent yellow, as the passage's highlight


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


def _boxes(page, marked: str) -> list[tuple[float, float, float, float]]:
    """Rectangles of the page's characters from the first to the last word of ``marked``, found
    by their first and last few words (the page breaks lines where the passage has spaces)."""
    textpage = page.get_textpage()
    try:
        words = re.findall(r"\S+", marked)
        start = _find(textpage, words[:6]) or _find(textpage, words[:3])
        if start is None:
            return []
        end = _find(textpage, words[-4:], after=start[0]) or start
        first, last = start[0], max(end[0] + end[1], start[0] + start[1])
        return [textpage.get_rect(i) for i in range(textpage.count_rects(first, last - first))]
    finally:
        textpage.close()


def _find(textpage, words: list[str], after: int = 0) -> tuple[int, int] | None:
    """(first character index, count) of ``words`` on the page at or after ``after``."""
    if not words:
        return None
    searcher = textpage.search(" ".join(words), index=after, match_case=False)
    try:
        found = searcher.get_next()
    finally:
        searcher.close()
    return tuple(found) if found else None
