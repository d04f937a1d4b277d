"""Re-index through the real server: documents are read again from their own files with
today's parsers, keeping their groups; a missing file fails without touching the document."""

from __future__ import annotations

import os

from tests.api.test_api import wait_job
from tests.conftest import query_db

POLICY = b"# Bicycle policy\n\nBicycles are parked in the basement rack B7 for free."


def test_reindex_reads_documents_again_and_keeps_their_groups(http):
    job = wait_job(http, http.post("/documents", files=[("files", ("bikes.md", POLICY))],
                                   data={"groups": "facilities"}).json()["job_id"])
    doc_id = job["files"][0]["document_id"]
    r = http.post("/documents/reindex", json={"ids": [doc_id]})
    assert r.status_code == 202 and r.json()["files"] == ["bikes.md"]
    done = wait_job(http, r.json()["job_id"])
    [f] = done["files"]
    assert f["status"] == "replaced" and f["chunks"] >= 1, f  # read again although unchanged
    docs = {d["filename"]: d for d in http.get("/documents").json()["documents"]}
    assert docs["bikes.md"]["access"] == ["facilities"] and docs["bikes.md"]["status"] == "ready"
    new_id = docs["bikes.md"]["id"]
    hit = http.post("/search", json={"query": "bicycle rack B7"}).json()["results"][0]
    assert hit["document_id"] == new_id
    # its file was kept: it can be re-indexed again and downloaded
    assert http.get(f"/documents/{new_id}/file").content == POLICY
    again = wait_job(http, http.post("/documents/reindex", json={"ids": [new_id]}).json()["job_id"])
    assert again["files"][0]["status"] == "replaced"
    http.delete(f"/documents/{again['files'][0]['document_id']}")


def test_reindex_of_a_lost_file_fails_and_keeps_the_document(http, server_data_dir):
    job = wait_job(http, http.post("/documents", files=[("files", ("lost.md", b"# Lost\n\nThe "
                                                                   b"canteen opens at 11:30."))]).json()["job_id"])
    doc_id = job["files"][0]["document_id"]
    [doc] = [d for d in http.get("/documents").json()["documents"] if d["id"] == doc_id]
    [(stored,)] = query_db(server_data_dir, f"SELECT source_path FROM documents WHERE id = {doc_id}")
    os.remove(stored)
    r = http.post("/documents/reindex", json={"ids": [doc_id]})
    done = wait_job(http, r.json()["job_id"])
    assert done["files"][0]["status"] == "failed" and "no longer stored" in done["files"][0]["error"]
    assert any(d["id"] == doc_id and d["chunks"] == doc["chunks"]
               for d in http.get("/documents").json()["documents"])
    assert http.post("/documents/reindex", json={"ids": [987654]}).status_code == 404
    assert http.post("/documents/reindex", json={"ids": []}).status_code == 422
    # the server is shared: leave no document without its file for the tests that follow
    assert http.delete(f"/documents/{doc_id}").status_code == 204
