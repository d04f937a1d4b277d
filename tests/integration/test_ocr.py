"""Scanned PDFs and page images read by the real Tesseract, in the real parser sandbox, then found
by the real retriever. Pages are drawn here with real fonts and saved without a text layer."""

import difflib
import io
import re
import shutil
from pathlib import Path

import pytest

from backend.container import Container
from backend.settings import Settings
from ingest.ocr import OcrSettings, installed_languages
from ingest.parsers import ParseError, ParseLimits, parse_bytes
from ingest.sandbox import SandboxLimits, parse_isolated

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None or "chi_tra" not in installed_languages(),
    reason="Tesseract with chi_tra is not installed (scripts/install.sh installs Debian's "
           "tesseract-ocr, tesseract-ocr-chi-tra)")

LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
ENGLISH = ["Quarterly safety inspection report for the Rotterdam warehouse.",
           "The forklift charging bay failed its fire door check on 14 March.",
           "Replacement hinges were ordered from the supplier Brandwacht.",
           "The inspector requires a second visit before the end of April."]
# Traditional Chinese, as written in Taiwan
CHINESE = ["員工宿舍的冷氣機每年檢修一次。", "檢修費用由總務處支付，上限為新臺幣八千元。",
           "宿舍管理員負責安排檢修日期並通知住戶。"]


def page_image(lines: list[str], font_path: str, size: int = 34):
    """A white A4-ish page at 200 dpi with the lines drawn in black, as a scanner would give it."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, size)
    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((120, 160 + i * int(size * 1.8)), line, font=font, fill=0)
    return image


def image_bytes(image, fmt: str) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, resolution=200.0)
    return buf.getvalue()


def text_then_scan_pdf() -> bytes:
    """Page 1 has a text layer, page 2 is only a picture of a page (a scan)."""
    from pypdf import PdfReader, PdfWriter

    from tests.hostile import hello_pdf

    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(hello_pdf())).pages[0])
    writer.append(PdfReader(io.BytesIO(image_bytes(page_image(ENGLISH, LATIN_FONT), "PDF"))))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def character_accuracy(expected: str, got: str) -> float:
    a, b = re.sub(r"\s+", "", expected), re.sub(r"\s+", "", got)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(a)


def test_a_scanned_page_is_read_and_keeps_its_page_number():
    parsed = parse_bytes(text_then_scan_pdf(), "inspection.pdf")
    scanned = [s for s in parsed.sections if s.page == 2]
    assert parsed.pages == 2 and [s.page for s in parsed.sections] == [1, 2]
    assert character_accuracy(" ".join(ENGLISH), scanned[0].text) >= 0.95
    assert "Brandwacht" in scanned[0].text
    assert any("page(s) 2 read by OCR" in w for w in parsed.warnings)


def test_traditional_chinese_page_image_is_read():
    parsed = parse_bytes(image_bytes(page_image(CHINESE, CJK_FONT), "PNG"), "宿舍.png")
    assert [s.page for s in parsed.sections] == [1]
    assert character_accuracy("".join(CHINESE), parsed.sections[0].text) >= 0.9
    assert " " not in parsed.sections[0].text.split("\n")[0]  # no spaces between characters


def test_multi_page_tiff_is_one_page_per_frame():
    frames = [page_image(ENGLISH[:2], LATIN_FONT), page_image(ENGLISH[2:], LATIN_FONT)]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:])
    parsed = parse_bytes(buf.getvalue(), "fax.tiff")
    assert [s.page for s in parsed.sections] == [1, 2]
    assert "Brandwacht" in parsed.sections[1].text and "Brandwacht" not in parsed.sections[0].text


def test_ocr_runs_inside_the_sandbox_limits():
    limits = SandboxLimits(memory_mb=1024, cpu_seconds=60, timeout_seconds=120)
    parsed = parse_isolated(text_then_scan_pdf(), "inspection.pdf", limits)
    assert "Brandwacht" in parsed.sections[-1].text


def test_without_ocr_the_scan_is_reported_and_an_image_refused():
    off = ParseLimits(ocr=None)
    parsed = parse_bytes(text_then_scan_pdf(), "inspection.pdf", off)
    assert [s.page for s in parsed.sections] == [1]
    assert any("page(s) 2 are images without a text layer" in w and "OCR is off" in w
               for w in parsed.warnings)
    with pytest.raises(ParseError, match="OCR is off"):
        parse_bytes(image_bytes(page_image(ENGLISH, LATIN_FONT), "PNG"), "scan.png", off)


def test_an_exhausted_budget_reports_the_pages_left():
    no_time = ParseLimits(ocr=OcrSettings(seconds=0))
    parsed = parse_bytes(text_then_scan_pdf(), "inspection.pdf", no_time)
    assert [s.page for s in parsed.sections] == [1]
    assert any("ran out of time" in w for w in parsed.warnings)


@pytest.mark.slow
def test_scanned_pdf_and_photo_are_found_by_search(tmp_path: Path, embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "inspection.pdf").write_bytes(text_then_scan_pdf())
    (folder / "dormitory.png").write_bytes(image_bytes(page_image(CHINESE, CJK_FONT), "PNG"))
    c = Container(Settings(data_dir=tmp_path / "data"), embedder=embedder)
    report = c.ingestor.ingest_paths(sorted(folder.iterdir()))
    assert report.count("ingested") == 2, report.results
    hit = c.retriever.retrieve("Which supplier sells the replacement hinges?", 3).chunks[0]
    assert (hit.chunk.filename, hit.chunk.page) == ("inspection.pdf", 2)
    hit = c.retriever.retrieve("冷氣機檢修費用上限", 3).chunks[0]
    assert hit.chunk.filename == "dormitory.png" and "八千元" in hit.chunk.text
