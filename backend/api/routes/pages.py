"""The whole page (or section) around a cited passage: its text with the span marked, and for
PDFs the page itself as an image with the span boxed, rendered in the parser sandbox."""

from fastapi import APIRouter, HTTPException, Query, Response

from backend.api.deps import ContainerDep, PrincipalDep
from backend.api.originals import original_bytes
from backend.api.schemas import PageView, json_example
from ingest.errors import ParseError
from ingest.page_image import render_page_png
from ingest.sandbox import SandboxLimits, run_isolated

router = APIRouter(tags=["documents"])


def _offset():
    return Query(None, ge=0, le=10_000_000, description="Span in the chunk's text, as a citation's.")


def _visible_section(chunk_id: int, principal, c):
    found = c.store.section_around(chunk_id)
    doc = c.store.get_document(found[0].document_id) if found else None
    if doc is None or not principal.can_see(doc.access or []):
        raise HTTPException(404, f"no passage {chunk_id}")  # missing and forbidden alike
    return found[0], found[1], doc


def _section_text(siblings) -> str:
    """The section rebuilt from its chunks at their offsets (overlaps agree; the gaps between
    them were whitespace: a line break)."""
    end = max(ch.char_end for ch in siblings)
    chars = ["\n"] * end
    for ch in siblings:
        chars[ch.char_start:ch.char_start + len(ch.text)] = ch.text
    return "".join(chars)


@router.get("/chunks/{chunk_id}/page", response_model=PageView)
def page_view(chunk_id: int, principal: PrincipalDep, c: ContainerDep,
              start: int | None = _offset(), end: int | None = _offset()) -> PageView:
    """The text of the cited passage's whole page (PDF) or section (Word, text), with the
    passage, or its ``start``–``end`` span, located in it; ``image``: a page image exists."""
    chunk, siblings, doc = _visible_section(chunk_id, principal, c)
    text = _section_text(siblings)
    a, b = (start, end) if start is not None and end is not None and start < end else (0, len(chunk.text))
    b = min(b, len(chunk.text))
    return PageView(document_id=doc.id, filename=doc.filename, page=chunk.page,
                    section=chunk.section, text=text,
                    span=[chunk.char_start + min(a, b), chunk.char_start + b],
                    image=doc.doc_type == "pdf" and chunk.page is not None)


@router.get("/chunks/{chunk_id}/page.png", response_class=Response, responses={
    200: {"content": {"image/png": {"example": "(PNG bytes)"}},
          "description": "The PDF page, the passage's span boxed in yellow"},
    **json_example({"detail": "no page image: travel_reimbursement_policy.docx is not a PDF"}, 404)})
def page_image(chunk_id: int, principal: PrincipalDep, c: ContainerDep,
               start: int | None = _offset(), end: int | None = _offset()) -> Response:
    """The cited passage's PDF page as a PNG, its span (or the whole passage) marked."""
    chunk, _, doc = _visible_section(chunk_id, principal, c)
    if doc.doc_type != "pdf" or chunk.page is None:
        raise HTTPException(404, f"no page image: {doc.filename} is not a PDF")
    data = original_bytes(c.files, doc)
    marked = chunk.text[start:end] if start is not None and end is not None and start < end else chunk.text
    try:
        png = run_isolated(render_page_png, (data, chunk.page, marked),
                           c.ingestor.sandbox or SandboxLimits(), f"render {doc.filename[:40]}")
    except ParseError as exc:
        raise HTTPException(422, f"the page cannot be shown: {exc}") from None
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=600"})
