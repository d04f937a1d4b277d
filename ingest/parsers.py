"""File parsers: PDF (pypdf, checked by PDFium, columns by pdfminer, scans by Tesseract:
ingest/pdf.py), Word (python-docx), text/Markdown (charset-normalizer), page images (Pillow and
Tesseract: ingest/ocr.py).

Each returns the document as sections (PDF pages, Word/Markdown heading sections) or raises
ParseError with a message a user can act on.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from backend.domain import ParsedDocument, Section
from backend.rag.text import is_title_line
from ingest.errors import ParseError
from ingest.ocr import OcrBudget, OcrSettings, read_image, unavailable_reason, usable_languages
from ingest.pdf import parse_pdf
from ingest.tables import markdown_table_at, markdown_table_lines, row_lines

__all__ = ["ParseError", "ParseLimits", "parse_bytes", "parse_pdf", "doc_type_of"]

SUPPORTED_TYPES = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".md": "txt", ".markdown": "txt",
                   ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image",
                   ".tiff": "image"}
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
MAX_IMAGE_PIXELS = 80_000_000  # an A3 page at 600 dpi is 70M; Pillow warns from 89M


@dataclass(frozen=True)
class ParseLimits:
    """What one file may cost. The sandbox adds memory, CPU and wall-clock limits."""

    max_pdf_pages: int = 1000
    max_zip_entries: int = 2000
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: int = 100
    ocr: OcrSettings | None = OcrSettings()  # None: scanned pages are reported, not read


def check_content(data: bytes, filename: str) -> None:
    """Refuse a file whose bytes are not what its extension says (cheap: reads the head)."""
    doc_type = doc_type_of(filename)
    head = data[:8192]
    if not data.strip():
        raise ParseError("empty file")
    if doc_type == "pdf" and b"%PDF-" not in data[:1024]:
        raise ParseError("not a PDF file (no %PDF header)")
    if doc_type == "docx" and not head.startswith(b"PK\x03\x04"):
        raise ParseError("not a Word .docx file (not a zip container)")
    if doc_type == "image" and not head.startswith(_IMAGE_MAGIC):
        raise ParseError("not a PNG, JPEG or TIFF image")
    if doc_type == "txt" and b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError("binary file, not text")


def check_zip(data: bytes, limits: ParseLimits) -> None:
    """Decompression-bomb checks on a zip container, from its directory, before inflating."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ParseError(f"corrupt zip container: {exc}") from exc
    if len(entries) > limits.max_zip_entries:
        raise ParseError(f"zip container has {len(entries)} entries (limit {limits.max_zip_entries})")
    total = sum(e.file_size for e in entries)
    if total > limits.max_unzipped_bytes:
        raise ParseError(f"unpacks to {total // 2**20} MiB (limit {limits.max_unzipped_bytes // 2**20} MiB)"
                         " - decompression bomb?")
    for e in entries:
        if e.file_size > 1_000_000 and e.file_size > limits.max_zip_ratio * max(1, e.compress_size):
            raise ParseError(f"{e.filename} compresses {e.file_size // max(1, e.compress_size)}:1 "
                             f"(limit {limits.max_zip_ratio}:1) - decompression bomb?")


def doc_type_of(filename: str) -> str:
    ext = Path(filename).suffix.lower()
    if ext not in SUPPORTED_TYPES:
        allowed = ", ".join(sorted(SUPPORTED_TYPES))
        raise ParseError(f"unsupported file type '{ext or '(none)'}' (supported: {allowed})")
    return SUPPORTED_TYPES[ext]


def parse_bytes(data: bytes, filename: str, limits: ParseLimits = ParseLimits()) -> ParsedDocument:
    doc_type = doc_type_of(filename)
    check_content(data, filename)
    if doc_type == "pdf":
        parsed = parse_pdf(data, limits.max_pdf_pages, limits.ocr)
    elif doc_type == "image":
        parsed = parse_image(data, limits.ocr, limits.max_pdf_pages)
    elif doc_type == "docx":
        check_zip(data, limits)
        parsed = parse_docx(data)
    else:
        parsed = parse_text(data)
    if not any(s.text.strip() for s in parsed.sections):
        raise ParseError("no text could be extracted")
    return parsed


# Images of pages -------------------------------------------------------------------------------
def parse_image(data: bytes, ocr: OcrSettings | None, max_pages: int = 1000) -> ParsedDocument:
    """A photographed or scanned page (a multi-page TIFF: one page per frame), read by OCR."""
    import warnings

    from PIL import Image, ImageSequence

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ParseError(f"image larger than {MAX_IMAGE_PIXELS // 10**6} megapixels "
                         "- decompression bomb?") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ParseError(f"corrupt image: {exc}") from exc
    languages = usable_languages(ocr) if ocr is not None else None
    if languages is None:
        raise ParseError(f"an image has no text layer and {unavailable_reason(ocr)}")
    frames = getattr(image, "n_frames", 1)
    if frames > max_pages:
        raise ParseError(f"image has {frames} pages (limit {max_pages}, CITEQA_MAX_PDF_PAGES)")
    budget, sections, unread = OcrBudget(ocr), [], []
    for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
        if frame.width * frame.height > MAX_IMAGE_PIXELS:
            raise ParseError(f"page {number} is larger than {MAX_IMAGE_PIXELS // 10**6} megapixels")
        text = read_image(frame, languages, budget.left())
        if text:
            sections.append(Section(text=text, page=number))
        else:
            unread.append(number)
    if not sections:
        raise ParseError("OCR found no text in the image")
    notes = [f"read by OCR ({languages})"]
    if unread:
        notes.append(f"OCR found no text on page(s) {', '.join(map(str, unread))} "
                     "or ran out of time (CITEQA_OCR_SECONDS)")
    return ParsedDocument(sections=sections, pages=frames, warnings=tuple(notes))


# DOCX ------------------------------------------------------------------------------------------
def parse_docx(data: bytes) -> ParsedDocument:
    import docx
    from docx.table import Table

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ParseError("not a Word .docx file (not a zip container)")
    try:
        if _has_doctype(data):  # Word never writes a DTD; one in a .docx is an entity trick
            raise ParseError("Word document with a DTD (XML entity declarations are not allowed)")
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except (ParseError, MemoryError):
        raise
    except zlib.error as exc:
        if "Error -4" in str(exc):  # Z_MEM_ERROR: zlib could not allocate, memory ran out
            raise MemoryError(str(exc)) from exc
        raise ParseError(f"corrupt Word document: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - python-docx raises KeyError, lxml errors, ...
        if isinstance(exc, KeyError) and "There is no item named" in str(exc):
            raise ParseError("corrupt Word document: a part it refers to is missing from the file "
                             f"({str(exc).split('named', 1)[1].split()[0]})") from exc
        if "relationships/officeDocument" in str(exc):
            raise ParseError("unsupported Word format (Strict Open XML): save it again as a "
                             "standard .docx") from exc
        raise ParseError(f"corrupt Word document: {type(exc).__name__}: {exc}") from exc

    # blank lines between paragraphs and table rows: each is a unit of its own for chunking
    builder = _SectionBuilder(joiner="\n\n")
    for block in blocks:
        if isinstance(block, Table):
            builder.lines.extend(_table_rows(block))
            continue
        text = block.text.strip()
        level = _heading_level(block)
        if level and text:
            builder.heading(level, text)
        elif text:
            builder.lines.append(text)
    return ParsedDocument(sections=builder.finish(), pages=None)


def _has_doctype(data: bytes) -> bool:
    """True if any XML part declares a DTD (or entities) anywhere in it: every part is read
    through defusedxml, which refuses them (a byte scan of the head missed one after a long
    comment, or in UTF-16). Parts that are merely malformed are left to python-docx."""
    from xml.etree.ElementTree import ParseError as XmlError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(info) as part:
                try:
                    for _, element in iterparse(part, forbid_dtd=True, forbid_entities=True,
                                                forbid_external=True):
                        element.clear()  # keep memory flat on a large document.xml
                except DefusedXmlException:
                    return True
                except XmlError:
                    continue
    return False


class _SectionBuilder:
    """Collects lines under a stack of headings; each heading starts a new section."""

    def __init__(self, joiner: str) -> None:
        self.joiner = joiner
        self.sections: list[Section] = []
        self.path: list[tuple[int, str]] = []  # (level, title) from the top heading down
        self.lines: list[str] = []

    def heading(self, level: int, title: str) -> None:
        self._flush()
        self.path = [(lvl, t) for lvl, t in self.path if lvl < level] + [(level, title)]

    def finish(self) -> list[Section]:
        self._flush()
        return self.sections

    def _flush(self) -> None:
        text = _tidy(self.joiner.join(self.lines))
        if text:
            heading = " > ".join(t for _, t in self.path) or None
            self.sections.append(Section(text=text, heading=heading))
        self.lines = []


def _heading_level(paragraph) -> int | None:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name == "Title":
        return 1
    m = re.match(r"Heading\s*(\d)", name)
    return int(m.group(1)) if m else None


def _table_rows(table, depth: int = 0) -> list[str]:
    """One line per row (ingest/tables.py: under a header row each value carries its column's
    name, "Expense: Hotel | Limit: 180 euros per night"; Word's "repeat as header row" mark
    makes the first row one). A table inside a cell (layout tables: forms,
    procedures) follows its row as lines of its own, however deep (python-docx's cell.text
    reads only the cell's own paragraphs)."""
    from docx.table import Table

    if depth > 50:  # Word itself nests far less; a deeper file is built to exhaust the stack
        raise ParseError("Word tables nested more than 50 deep")
    grid: list[tuple[list[str], list[str]]] = []  # (cell texts, lines of nested tables) per row
    for row in table.rows:
        cells: list[str] = []
        nested: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                continue
            seen.add(id(cell._tc))
            words = []
            for block in cell.iter_inner_content():
                if isinstance(block, Table):
                    nested.extend(_table_rows(block, depth + 1))
                else:
                    words.extend(block.text.split())
            cells.append(" ".join(words))
        grid.append((cells, nested))
    if not grid:
        return []
    marked = table.rows[0]._tr.trPr is not None and table.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    lines = []
    for line, (_, nested) in zip(row_lines([cells for cells, _ in grid], marked), grid):
        lines.extend([line] if line else [])
        lines.extend(nested)
    return lines


# TXT / Markdown --------------------------------------------------------------------------------
def decode_text(data: bytes) -> str:
    """Decode bytes of unknown encoding: BOMs, UTF-8, then charset-normalizer's best guess."""
    from charset_normalizer import from_bytes

    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [str(m) for m in from_bytes(data)]
    if not candidates:
        raise ParseError("binary or undecodable text file")
    # charset-normalizer can rank a half-width-katakana reading of short Big5 text first;
    # prefer the candidate whose characters look most like real text (stable: ties keep its order)
    return max(candidates, key=_plausibility)


_PLAUSIBLE = re.compile(
    "[\t\n\r\x20-\x7e\u00a0-\u024f\u2000-\u206f\u3000-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uff01-\uff5e]"
)


def _plausibility(text: str) -> float:
    """Share of characters from scripts and punctuation that real documents are made of."""
    return len(_PLAUSIBLE.findall(text)) / max(1, len(text))


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def parse_text(data: bytes) -> ParsedDocument:
    """Text and Markdown: ``#`` headings start sections, except inside fenced code, where a
    ``# comment`` line is code (a README's Python examples would otherwise be cut line by line);
    pipe tables are written row by row as Word tables are (``markdown_table_lines``).

    A file without ``#`` headings is cut at its plain headings instead (``_plain_heading``): a
    policy's title and its "Your first day" above a paragraph head their section, so every
    chunk of a long guide still says what it is about, as a Word heading section does."""
    text = decode_text(data)
    if "\x00" in text:
        raise ParseError("binary file, not text")
    builder = _SectionBuilder(joiner="\n")
    fence: str | None = None
    lines = text.splitlines()
    plain = not _has_markdown_headings(lines)
    above = False  # any text above this line: the first plain heading is the document's title
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _fence_after(fence, line)
        table = markdown_table_at(lines, i) if fence is None else 0
        if table:
            # as a Word table's rows: each value under its column's name, each row a paragraph
            # of its own, so a chunk never cuts a row and a row read alone says what 344MB is
            for row in markdown_table_lines(lines[i:i + table]):
                builder.lines.extend(["", row, ""])
            i += table
            continue
        m = _MD_HEADING.match(line) if fence is None else None
        if m:
            builder.heading(len(m.group(1)), m.group(2))
        elif plain and fence is None and _plain_heading(lines, i):
            builder.heading(2 if above else 1, line.strip())
        else:
            builder.lines.append(line)
        above = above or bool(line.strip())
        i += 1
    sections = builder.finish()
    if not sections and text.strip():  # headings only: keep them as the text
        sections = [Section(text=_tidy(text), heading=None)]
    return ParsedDocument(sections=sections, pages=None)


def _fence_after(fence: str | None, line: str) -> str | None:
    """The open code fence after ``line`` (``fence``: the one open before it, None outside)."""
    opened = _MD_FENCE.match(line)
    if opened and fence is None:
        return opened.group(1)
    if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
        return None
    return fence


def _has_markdown_headings(lines: list[str]) -> bool:
    fence: str | None = None
    for line in lines:
        fence = _fence_after(fence, line)
        if fence is None and _MD_HEADING.match(line):
            return True
    return False


def _plain_heading(lines: list[str], i: int) -> bool:
    """``lines[i]`` is a heading of plain text (``text.is_title_line``: title-shaped, a
    paragraph of its own or directly above its paragraph). Read from the lines around it only,
    so a long file costs one look per line."""
    if i > 0 and lines[i - 1].strip() or len(lines[i]) > 120:
        return False
    window = "\n".join(["", *lines[i:i + 5]])
    return is_title_line(window, 1, 1 + len(lines[i]))


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
