"""What the parsers make of real-world files: a per-file report and extraction accuracy.

For every file in a directory (default: ../shared/eval/files): ingested or refused and why,
pages with readable text, what was left out (the parse warnings). Then, for passages typed
from the rendered pages (tests/data/extraction_reference.json), character accuracy of the
pipeline's text against pypdf alone: the share of the passage's characters found in order
in the page's text (interleaved columns and glyph codes score low).

Run: .venv/bin/python scripts/extraction_report.py [DIR]
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ingest.parsers import ParseError, parse_bytes  # noqa: E402
from ingest.text_quality import garbled_share  # noqa: E402

REFERENCE = ROOT / "tests" / "data" / "extraction_reference.json"


def accuracy(reference: str, text: str) -> float:
    """Characters of the reference found in order (runs of 3 or more), divided by the larger
    of the reference and the stretch of page text they were found in: a passage cut up by
    another column's lines is found, but spread over a longer stretch, and scores lower."""
    # compatibility forms folded: a typed "1/3" is the page's "⅓", a typed "fi" its "ﬁ"
    ref, got = ("".join(unicodedata.normalize("NFKC", t).replace("\u2044", "/").split())
                for t in (reference, text))
    blocks = [b for b in difflib.SequenceMatcher(None, ref, got, autojunk=False).get_matching_blocks()
              if b.size >= 3]
    if not blocks:
        return 0.0
    matched = sum(b.size for b in blocks)
    stretch = blocks[-1].b + blocks[-1].size - blocks[0].b
    return matched / max(len(ref), stretch)


def pypdf_page(path: Path, page: int) -> str:
    from pypdf import PdfReader

    return PdfReader(path).pages[page - 1].extract_text() or ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path, nargs="?", default=ROOT.parent / "shared" / "eval" / "files")
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # pypdf's per-object complaints are not the report
    files = sorted(p for p in args.dir.iterdir() if p.suffix.lower() in (".pdf", ".docx", ".txt", ".md"))
    parsed, readable_pages, all_pages = {}, 0, 0
    print(f"{'file':46} {'result':8} {'text pages':>10}  reason / notes")
    for path in files:
        try:
            doc = parse_bytes(path.read_bytes(), path.name)
        except ParseError as exc:
            print(f"{path.name[:46]:46} {'refused':8} {'':>10}  {exc}")
            continue
        parsed[path.name] = doc
        assert all(garbled_share(s.text) < 0.3 for s in doc.sections), path.name
        pages = ""
        if doc.pages:
            readable = len({s.page for s in doc.sections})
            readable_pages, all_pages = readable_pages + readable, all_pages + doc.pages
            pages = f"{readable}/{doc.pages}"
        print(f"{path.name[:46]:46} {'ingested':8} {pages:>10}  {'; '.join(doc.warnings)}")
    print(f"\n{len(parsed)} of {len(files)} files ingested; PDF pages with text (none garbled): "
          f"{readable_pages} of {all_pages} ({readable_pages / max(1, all_pages):.0%})")

    print(f"\n{'passage':40} {'pypdf alone':>12} {'citeqa':>8}")
    for item in json.loads(REFERENCE.read_text(encoding="utf-8"))["passages"]:
        name, page = item["file"], item["page"]
        if name not in parsed:
            continue
        ours = " ".join(s.text for s in parsed[name].sections if s.page == page)
        before = pypdf_page(args.dir / name, page)
        label = f"{name} p{page} col {item['column']}"
        print(f"{label[:40]:40} {accuracy(item['text'], before):12.2f} {accuracy(item['text'], ours):8.2f}")


if __name__ == "__main__":
    main()
