"""Text from pictures of pages (scanned PDFs, photographed or faxed pages) through Tesseract.

Tesseract (Debian's ``tesseract-ocr`` with ``-chi-sim``/``-chi-tra``) runs as its own process
through pytesseract, inside the parser sandbox, each page with the time left of the file's OCR
budget. Without the program the caller reports the pages as unread instead of failing.
"""

from __future__ import annotations

import functools
import re
import shutil
import time
from dataclasses import dataclass

# measured on the shared dmca.pdf pages rendered at 200 and 300 dpi: the same character
# accuracy (0.98), 300 dpi 15% slower; small print in scans is what 200 dpi may lose
DPI = 200
MAX_PIXELS = 40_000_000  # a huge page is rendered smaller, never as a giant bitmap
_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef]"


@dataclass(frozen=True)
class OcrSettings:
    """``languages``: Tesseract's names joined by '+'; those not installed are skipped.
    ``seconds``: what one file may spend on OCR; pages beyond it are reported, not read."""

    languages: str = "eng+chi_sim+chi_tra"
    seconds: float = 300.0
    dpi: int = DPI


@functools.cache
def installed_languages() -> frozenset[str]:
    """Tesseract's installed languages; empty without the program."""
    if shutil.which("tesseract") is None:
        return frozenset()
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except Exception:  # noqa: BLE001 - a broken install is reported as missing
        return frozenset()


def usable_languages(settings: OcrSettings) -> str | None:
    """The wanted languages that are installed, as Tesseract's '+' list; None if none are."""
    have = installed_languages()
    usable = [lang for lang in settings.languages.split("+") if lang in have]
    return "+".join(usable) or None


def unavailable_reason(settings: OcrSettings | None) -> str:
    if settings is None:
        return "OCR is off (CITEQA_OCR)"
    if not installed_languages():
        return "OCR is not available (install Debian's tesseract-ocr)"
    return f"OCR has none of the languages {settings.languages} installed"


class OcrBudget:
    """The file's OCR deadline, shared by its pages."""

    def __init__(self, settings: OcrSettings):
        self.settings = settings
        self.deadline = time.monotonic() + settings.seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()


def read_image(image, languages: str, timeout: float) -> str:
    """The text of one page image; '' when Tesseract finds none or runs out of time."""
    import pytesseract

    if timeout <= 1:
        return ""
    image = _bounded(image.convert("L"))
    try:
        text = pytesseract.image_to_string(image, lang=languages, timeout=timeout)
    except RuntimeError:  # pytesseract's timeout: the page stays unread, the file goes on
        return ""
    return tidy_ocr(text)


def tidy_ocr(text: str) -> str:
    """Tesseract separates Chinese characters by spaces at times; Chinese has none."""
    text = re.sub(rf"(?<={_CJK})[ \t]+(?={_CJK})", "", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def render_scale(width_pt: float, height_pt: float, dpi: int = DPI,
                 max_pixels: int = MAX_PIXELS) -> float:
    """PDFium's scale for ``dpi``, reduced so the bitmap stays within ``max_pixels``."""
    scale = dpi / 72
    pixels = width_pt * height_pt * scale * scale
    if pixels > max_pixels:
        scale *= (max_pixels / pixels) ** 0.5
    return scale


def _bounded(image):
    pixels = image.width * image.height
    if pixels <= MAX_PIXELS:
        return image
    factor = (MAX_PIXELS / pixels) ** 0.5
    return image.resize((max(1, int(image.width * factor)), max(1, int(image.height * factor))))
