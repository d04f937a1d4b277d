"""The whole page around a citation through the real server: the page's text with the span,
and the PDF page rendered (in the parser sandbox) with the span boxed; hidden from anyone who
may not see the document."""

from __future__ import annotations

import io

import httpx

from tests.api.test_api import wait_job
from tests.conftest import citeqa, new_key
from tests.hostile import hello_pdf


def yellow_pixels(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if r > 200 and g > 200 and b < 190)


def test_a_pdf_citation_opens_its_page_with_the_span_marked(http):
    body = http.post("/query", json={"question": "How many days of paid annual leave do employees get?"}).json()
    cite = next(c for c in body["citations"] if c["filename"] == "employee_handbook.pdf")
    start, end = cite["span"] or (0, len(cite["text"]))
    view = http.get(f"/chunks/{cite['chunk_id']}/page", params={"start": start, "end": end}).json()
    assert view["page"] == cite["page"] and view["image"] is True
    a, b = view["span"]
    assert view["text"][a:b] == cite["text"][start:end]
    assert len(view["text"]) >= len(cite["text"])  # the whole page, not just the passage

    r = http.get(f"/chunks/{cite['chunk_id']}/page.png", params={"start": start, "end": end})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    marked = yellow_pixels(r.content)
    assert marked > 500
    # another span is boxed elsewhere (fewer or more pixels, never the same picture)
    other = http.get(f"/chunks/{cite['chunk_id']}/page.png", params={"start": 0, "end": 5})
    assert other.status_code == 200 and other.content != r.content


def test_a_word_citation_has_its_section_but_no_page_image(http):
    body = http.post("/query", json={"question": "What is our travel reimbursement limit?"}).json()
    cite = next(c for c in body["citations"] if c["filename"].endswith(".docx"))
    view = http.get(f"/chunks/{cite['chunk_id']}/page").json()
    assert view["image"] is False and view["section"] == cite["section"]
    a, b = view["span"]
    assert view["text"][a:b] == cite["text"]
    r = http.get(f"/chunks/{cite['chunk_id']}/page.png")
    assert r.status_code == 404 and "not a PDF" in r.json()["detail"]


def test_a_page_of_a_hidden_document_is_not_shown(http, api_url, server_data_dir):
    secret = hello_pdf("Finance canary page: the merger code name is BLUEHERON.")
    job = wait_job(http, http.post("/documents", files=[("files", ("merger.pdf", secret))],
                                   data={"groups": "finance"}).json()["job_id"])
    assert job["status"] == "done", job
    hit = http.post("/search", json={"query": "merger code name BLUEHERON"}).json()
    chunk_id = next(p["chunk_id"] for p in hit["results"] if p["filename"] == "merger.pdf")
    assert http.get(f"/chunks/{chunk_id}/page.png").status_code == 200
    citeqa(server_data_dir, "users", "add", "outsider", "--password", "outsider-pass-123")
    outsider = httpx.Client(base_url=api_url, timeout=60, headers={
        "Authorization": f"Bearer {new_key(server_data_dir, 'outsider')}"})
    for path in (f"/chunks/{chunk_id}/page", f"/chunks/{chunk_id}/page.png"):
        r = outsider.get(path)
        assert r.status_code == 404 and "BLUEHERON" not in r.text
    assert outsider.get("/chunks/99999999/page").status_code == 404
    assert http.get(f"/chunks/{chunk_id}/page", params={"start": -1}).status_code == 422
    doc_id = next(p["document_id"] for p in hit["results"] if p["filename"] == "merger.pdf")
    assert http.delete(f"/documents/{doc_id}").status_code == 204  # the server is shared
