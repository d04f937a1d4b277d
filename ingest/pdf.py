"""PDF text in reading order, checked before it is indexed.

Three well-kept extractors, each for what it does best:
- pypdf reads every page first (the document's structure, encryption, page limits);
- PDFium (pypdfium2, the engine of Chrome's viewer) reads each page too, fast, as a check:
  where the two disagree (one of them emitted glyph codes because a font has no Unicode
  map), the readable one wins; where pypdf splits a word PDFium writes whole ("Assuranc e"),
  the word is joined; PDFium also opens files whose structure pypdf cannot read;
- a page whose text stands in columns, which both return line by line across the columns,
  is read column by column from PDFium's character boxes (ingest/columns.py), and where
  that finds no gutter, through pdfminer.six's layout analysis;
- a page that is a picture without text (a scan) is rendered by PDFium and read by Tesseract
  (ingest/ocr.py), within the file's OCR budget;
- pdfplumber finds ruled tables and writes their rows with the column names
  (ingest/pdf_tables.py).
Running heads and feet (a title, "Page 5 of 48", a print date on every page) are dropped
(ingest/running_lines.py).
A page that no extractor reads as language is left out and reported, never indexed as garbage.
"""

from __future__ import annotations

import io
import re
import threading
import time
import unicodedata
from dataclasses import dataclass

from backend.domain import ParsedDocument, Section
from ingest.columns import column_text
from ingest.errors import ParseError
from ingest.pdf_tables import restore_tables
from ingest.running_lines import drop_running_lines
from ingest.ocr import OcrBudget, OcrSettings, read_image, render_scale, unavailable_reason, usable_languages
from ingest.text_quality import garbled_share, join_split_words, similarity

GARBLED = 0.3  # measured: readable pages of the shared real-world PDFs <= 0.02, glyph codes >= 0.6
DISAGREE = 0.5  # same: pages where pypdf and PDFium agree >= 0.82, glyph-code pages <= 0.22
COLUMNS_DOCUMENT = 0.5  # share of a document's pages in columns from which every page is cut
LAYOUT_CPU_SECONDS = 20.0  # pdfminer is pure Python: a long multi-column file keeps its budget
_PDFIUM = threading.Lock()  # PDFium is not thread-safe


@dataclass
class _Page:
    number: int
    text: str
    source: str = "pypdf"
    columns: bool = False
    image_only: bool = False  # a picture with (almost) no text: a scan, OCR'd or reported
    ruled: bool = False  # draws lines: may hold a table (ingest/pdf_tables.py)


def parse_pdf(data: bytes, max_pages: int = 1000, ocr: OcrSettings | None = None) -> ParsedDocument:
    """The document's pages as sections; ``ocr=None`` reports scanned pages instead of reading them."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    if b"%PDF-" not in data[:1024]:
        raise ParseError("not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError("encrypted PDF: a password is required")
        _check_page_count(len(reader.pages), max_pages)
        pages = list(reader.pages)
    except (ParseError, MemoryError):
        raise
    except RecursionError as exc:
        raise ParseError("corrupt PDF: objects nested too deeply") from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken files
        if "cryptography" in str(exc) or "AES" in str(exc):
            raise ParseError("encrypted PDF: a password is required") from exc
        return _pdfium_only(data, max_pages, f"corrupt PDF: {exc}", ocr)

    extracted, failures = [], 0
    for number, page in enumerate(pages, start=1):
        try:
            extracted.append(_Page(number, page.extract_text() or ""))
        except MemoryError:
            raise
        except LimitReachedError:  # a decompression bomb: no second reader inflates it
            failures += 1
            extracted.append(_Page(number, "", source="refused"))
        except Exception:  # noqa: BLE001 - one bad page must not lose the others
            failures += 1
            extracted.append(_Page(number, ""))
    checked = _cross_check(data, extracted)
    notes = [_restore_reading_order(data, checked), _read_scans(data, checked, ocr)]
    restore_tables(data, checked)
    return _document(checked, len(pages), failures, [n for n in notes if n], ocr)


def _check_page_count(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise ParseError(f"PDF has {count} pages (limit {max_pages}, CITEQA_MAX_PDF_PAGES)")


def _pdfium_only(data: bytes, max_pages: int, pypdf_reason: str,
                 ocr: OcrSettings | None) -> ParsedDocument:
    """pypdf cannot read the file's structure; PDFium repairs more (missing xref tables)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise ParseError(pypdf_reason) from exc
        try:
            _check_page_count(len(doc), max_pages)
            pages = []
            for i in range(len(doc)):
                pdf_page = doc[i]
                pages.append(_Page(i + 1, _pdfium_text(pdf_page), "pdfium"))
                pages[-1].image_only = _image_only(pages[-1].text, pdf_page)
        finally:
            doc.close()
    notes = [f"read with PDFium: pypdf failed ({pypdf_reason})", _read_scans(data, pages, ocr)]
    return _document(pages, len(pages), 0, [n for n in notes if n], ocr)


def _pdfium_text(page) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range()
    finally:
        textpage.close()


def _cross_check(data: bytes, pages: list[_Page]) -> list[_Page]:
    """Compare each page with PDFium's reading; keep the readable one where they disagree."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return pages  # PDFium cannot open what pypdf did: pypdf's text stands alone
        try:
            opened = [p for p in pages if p.number <= len(doc) and p.source != "refused"]
            for page in opened:  # a page pypdf refused as a decompression bomb is not opened
                _with_page(doc, page, _check_page)
            if opened and sum(p.columns for p in opened) >= COLUMNS_DOCUMENT * len(opened):
                # a document set in columns: a page whose worksheet or table across them hid
                # its gutters from the test is cut too, if the cut finds them
                for page in (p for p in opened if not p.columns):
                    _with_page(doc, page, _cut_columns)
        finally:
            doc.close()
    return pages


def _with_page(doc, page: _Page, check) -> None:
    pdf_page = doc[page.number - 1]
    try:
        check(page, pdf_page)
    finally:
        pdf_page.close()


def _check_page(page: _Page, pdf_page) -> None:
    other = _pdfium_text(pdf_page)
    if not page.text.strip() and other.strip():
        page.text, page.source = other, "pdfium"
    elif other.strip():
        mine, theirs = garbled_share(page.text), garbled_share(other)
        # digits and punctuation agree even where the letters are glyph codes,
        # so a clearly more readable PDFium text wins whatever the overlap
        if theirs < mine - 0.05 or (similarity(page.text, other) < DISAGREE and theirs <= mine
                                    and len(other) >= 0.5 * len(page.text)):
            page.text, page.source = other, "pdfium"
        else:
            page.text = join_split_words(page.text, other)
    page.image_only = _image_only(page.text, pdf_page)
    page.columns = _has_columns(pdf_page)
    if page.columns:
        _cut_columns(page, pdf_page)
    page.ruled = not page.image_only and _draws_lines(pdf_page)


def _cut_columns(page: _Page, pdf_page) -> None:
    _reorder(page, column_text(pdf_page), "columns")


def _reorder(page: _Page, text: str | None, source: str) -> None:
    """``text`` (the page in another reading order) replaces the page's, if it reads as well
    and says the same: pdfminer shows unmapped glyphs as (cid:N), the checked text stays then."""
    if text and garbled_share(text) <= garbled_share(page.text) + 0.02 \
            and similarity(text, page.text) >= DISAGREE:
        page.text, page.source = text, source


def _image_only(text: str, pdf_page) -> bool:
    """A page with (almost) no text that shows a picture: a scan."""
    import pypdfium2.raw as pdfium_c

    return len(text.strip()) < 20 and any(
        True for _ in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))


def _draws_lines(pdf_page) -> bool:
    """The page draws the rules of a table: at least three long horizontal and three vertical
    lines (thin paths: a table's borders in any PDF writer), so a frame around a box of text
    (two and two) or an equation's fraction bars do not count."""
    import pypdfium2.raw as pdfium_c

    across = down = 0
    for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH],
                                    max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        across += height <= 3 and width >= 50
        down += width <= 3 and height >= 10
        if across >= 3 and down >= 3:
            return True
    return False


def _read_scans(data: bytes, pages: list[_Page], ocr: OcrSettings | None) -> str | None:
    """OCR the scanned pages, in order, while the file's budget lasts; a note on what was read."""
    scans = [p for p in pages if p.image_only]
    languages = usable_languages(ocr) if ocr is not None and scans else None
    if languages is None:
        return None
    import pypdfium2 as pdfium

    budget, read = OcrBudget(ocr), []
    with _PDFIUM:
        doc = pdfium.PdfDocument(data)
    try:
        for page in scans:
            if budget.left() <= 1:
                break
            with _PDFIUM:  # rendering holds the lock, Tesseract's minutes do not
                pdf_page = doc[page.number - 1]
                try:
                    scale = render_scale(*pdf_page.get_size(), ocr.dpi)
                    image = pdf_page.render(scale=scale, grayscale=True).to_pil()
                finally:
                    pdf_page.close()
            text = read_image(image, languages, budget.left())
            if len(text.strip()) >= 20:  # a stamp or a logo is not a page's text
                page.text, page.source, page.image_only = text, "ocr", False
                read.append(page.number)
    finally:
        with _PDFIUM:
            doc.close()
    return f"page(s) {_ranges(read)} read by OCR ({languages})" if read else None


def _has_columns(pdf_page) -> bool:
    """Text stands in columns if, across the page's width, the text boxes leave a quiet strip
    (a gutter, at least 6 pt wide, covered by at most a fifth of the busiest spot's boxes) in
    the middle half, with at least a quarter of the text on each side. Prose covers every x
    about evenly, so it has no such strip. Chosen on the shared real-world PDFs: it flags all
    pages of the two-column papers, 43 of the 50 pages of the three-column tax instructions,
    4 of 117 single-column lecture pages (equations) and none of dmca's or pdflatex's."""
    import numpy as np

    textpage = pdf_page.get_textpage()
    try:
        boxes = [textpage.get_rect(i) for i in range(textpage.count_rects())]
    finally:
        textpage.close()
    boxes = [b for b in boxes if b[2] - b[0] > 1]
    width = int(pdf_page.get_size()[0])
    if len(boxes) < 20 or width < 100:
        return False
    cover = np.zeros(width + 1)
    for left, _, right, _ in boxes:
        cover[max(0, int(left)):max(0, min(width, int(right))) + 1] += 1
    quiet, total, run = cover <= 0.2 * cover.max(), cover.sum(), 0
    for x in range(width // 4, 3 * width // 4):
        run = run + 1 if quiet[x] else 0
        if run >= 6 and min(cover[:x - run + 1].sum(), cover[x + 1:].sum()) >= 0.25 * total:
            return True
    return False


def _restore_reading_order(data: bytes, pages: list[_Page]) -> str | None:
    """Re-read pages with columns through pdfminer's layout analysis, within a CPU budget;
    a note naming the pages left in line order, if any."""
    wanted = [p for p in pages if p.columns and p.source == "pypdf"]  # no gutter found by words
    if not wanted:
        return None
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    by_index = {p.number - 1: p for p in wanted}
    started, done, stopped_by = time.process_time(), set(), "layout time budget"
    try:
        layouts = extract_pages(io.BytesIO(data), page_numbers=set(by_index), laparams=LAParams())
        for index, layout in zip(sorted(by_index), layouts):
            text = "\n\n".join(el.get_text().strip() for el in layout
                               if isinstance(el, LTTextContainer) and el.get_text().strip())
            _reorder(by_index[index], text, "pdfminer")
            done.add(index)
            if time.process_time() - started > LAYOUT_CPU_SECONDS:
                break
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - a layout failure keeps pypdf's text, not lose the page
        stopped_by = "layout analysis failed"
    left = sorted(i + 1 for i in by_index if i not in done)
    return f"columns kept in line order on pages {_ranges(left)} ({stopped_by})" if left else None


def _document(pages: list[_Page], count: int, failures: int,
              warnings: list[str] | None = None, ocr: OcrSettings | None = None) -> ParsedDocument:
    sections, warnings, garbled, images = [], list(warnings or []), [], []
    texts = drop_running_lines([_tidy_pdf(page.text) for page in pages])
    for page, text in zip(pages, texts):
        if text and garbled_share(text) >= GARBLED:
            garbled.append(page.number)
            continue
        if page.image_only:
            images.append(page.number)
        if text:
            sections.append(Section(text=text, page=page.number))
    if garbled:
        warnings.append(f"page(s) {_ranges(garbled)} left out: the text cannot be read "
                        "(fonts without a Unicode map)")
    if images:
        why = (unavailable_reason(ocr) if ocr is None or usable_languages(ocr) is None
               else "OCR found no text in them or ran out of time (CITEQA_OCR_SECONDS)")
        warnings.append(f"page(s) {_ranges(images)} are images without a text layer "
                        f"(scanned?): {why}")
    if not sections:
        if garbled:
            raise ParseError(f"no readable text in {count} page(s): fonts without a Unicode map")
        reason = ("unreadable pages" if failures else f"no text layer (scanned PDF?): {why}"
                  if images else "no text layer (scanned PDF?)")
        raise ParseError(f"no text extracted from {count} page(s): {reason}")
    return ParsedDocument(sections=sections, pages=count, warnings=tuple(warnings))


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(f"{start}-{n}" if n != start else str(n))
            start = None
    return ", ".join(out)


_LIGATURES = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}


def _tidy_pdf(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    # Latin ligatures (ﬁ, ﬂ) as letters: "ﬁnding" must match "finding"
    text = text.translate(_LIGATURES)
    # a word hyphenated at a line end is one word (BM25 and quotes need it whole)
    text = re.sub(r"(?<=[a-z])-\n+(?=[a-z])", "", text)
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
