"""Ruled tables on PDF pages kept as tables: pdfplumber finds them by their lines, and the page is
rewritten in reading order with each table as rows that carry their column names
(ingest/tables.py). The rewrite is kept only if it holds the same characters as the page's
checked text, so a misread table (a diagram taken for one, lost spaces) changes nothing.
"""

from __future__ import annotations

import io
import time

from backend.domain import CELL_SEPARATOR
from ingest.tables import row_lines
from ingest.text_quality import garbled_share, similarity

TABLE_CPU_SECONDS = 8.0  # pdfplumber is pure Python: ~0.15 s a page; a long file keeps its budget
SAME_TEXT = 0.9  # Dice of characters; the page's own extractors agree >= 0.82 on real files
X_TOLERANCE = 1.5  # pdfplumber's default 3 pt joins words set close together ("NewOrleans")


def restore_tables(data: bytes, pages) -> int:
    """Rewrite the pages flagged ``ruled`` whose tables pdfplumber reads well; how many were."""
    wanted = [p for p in pages if p.ruled and p.source in ("pypdf", "pdfium")]
    if not wanted:
        return 0
    import pdfplumber

    started, rewritten = time.process_time(), 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in wanted:
                if time.process_time() - started > TABLE_CPU_SECONDS:
                    break
                plumbed = pdf.pages[page.number - 1]
                try:
                    found = page_with_tables(plumbed)
                finally:
                    plumbed.close()
                if found is None:
                    continue
                text, plain = found
                if similarity(plain, page.text) >= SAME_TEXT \
                        and garbled_share(text) <= garbled_share(page.text) + 0.02:
                    page.text, page.source = text, "pdfplumber"
                    rewritten += 1
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - the checked text stands if the table finder fails
        pass
    return rewritten


def page_with_tables(page) -> tuple[str, str] | None:
    """(the page with its tables as labelled rows, the same with plain 'a | b' rows), or None
    if it has no table worth keeping."""
    tables = []
    for table in page.find_tables():
        rows = clean_rows(table.extract(x_tolerance=X_TOLERANCE))
        if rows is not None:
            tables.append((table.bbox, rows))
    if not tables:
        return None
    outside = page
    for bbox, _ in tables:
        outside = outside.outside_bbox(bbox)
    blocks = [(line["top"], line["text"]) for line in
              outside.extract_text_lines(return_chars=False, x_tolerance=X_TOLERANCE)]
    blocks += [(bbox[1], rows) for bbox, rows in tables]
    blocks.sort(key=lambda block: block[0])
    return _join(blocks, labelled=True), _join(blocks, labelled=False)


def clean_rows(rows: list[list[str | None]]) -> list[list[str]] | None:
    """A table's cells as text, or None if it is no real table (a diagram's boxes, one column).
    A row whose cells all hold the same number of lines (k > 1) is k rows ruled as one."""
    cells = [c for row in rows for c in row]
    if len(rows) < 2 or max(len(r) for r in rows) < 2 or sum(c is None for c in cells) * 3 > len(cells):
        return None
    out: list[list[str]] = []
    for row in rows:
        parts = [(c or "").split("\n") for c in row]
        heights = {len(p) for p, c in zip(parts, row) if c}
        if len(heights) == 1 and (k := heights.pop()) > 1 and all(len(p) in (1, k) for p in parts):
            out += [[p[i].strip() if len(p) == k else "" for p in parts] for i in range(k)]
        else:
            out.append([" ".join((c or "").split()) for c in row])
    return out if len(out) >= 2 and any(any(r) for r in out[1:]) else None


def _join(blocks, labelled: bool) -> str:
    parts: list[str] = []
    for _, block in blocks:
        if isinstance(block, str):
            parts.append(block)
        else:
            lines = (row_lines(block) if labelled
                     else [CELL_SEPARATOR.join(c for c in r if c) for r in block])
            parts.append("\n\n" + "\n\n".join(line for line in lines if line) + "\n\n")
    return "\n".join(parts).replace("\n\n\n", "\n\n").strip()
