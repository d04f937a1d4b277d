"""A real server keeping uploads in an S3-compatible object store (CITEQA_FILES_URL; moto's S3
server on loopback): nothing is written to the data dir's uploads/, and every route that needs
the original file reads it from the store: ingestion, download, the page image, re-index and
delete."""

from __future__ import annotations

import boto3
import httpx
import pytest

from tests.api.test_api import wait_job
from tests.conftest import SAMPLES, citeqa, new_key, start_s3, start_server, stop

pytestmark = pytest.mark.slow

BUCKET = "citeqa-files"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("s3-data")
    s3, env = start_s3(tmp_path_factory.mktemp("s3"))
    citeqa(data_dir, "users", "add", "root", "--role", "admin", "--password", "root-pass-123")
    key = new_key(data_dir, "root")
    server, url = start_server(data_dir, CITEQA_FILES_URL=f"s3://{BUCKET}/uploads",
                               CITEQA_RATE_LIMIT="100000/minute", **env)
    bucket = boto3.resource("s3", endpoint_url=env["CITEQA_S3_ENDPOINT_URL"],
                            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                            region_name=env["AWS_DEFAULT_REGION"]).Bucket(BUCKET)
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=180) as http:
        yield http, bucket, data_dir, s3
    stop(server)
    stop(s3)


def _objects(bucket) -> set[str]:
    return {o.key for o in bucket.objects.all()}


def test_uploads_live_in_the_object_store_and_every_route_reads_them_there(deployment):
    http, bucket, data_dir, _ = deployment
    pdf = (SAMPLES / "employee_handbook.pdf").read_bytes()
    note = "# Bicycle policy\n\nBicycles are parked in rack B7. 自行車停在 B7 架。".encode()
    job = wait_job(http, http.post("/documents", files=[
        ("files", ("employee_handbook.pdf", pdf)), ("files", ("bikes ü.md", note))]).json()["job_id"])
    assert [f["status"] for f in job["files"]] == ["ingested", "ingested"], job
    ids = {f["filename"]: f["document_id"] for f in job["files"]}
    stored = _objects(bucket)
    assert len(stored) == 2 and all(k.startswith("uploads/") for k in stored)
    assert not any(p.is_file() for p in (data_dir / "uploads").rglob("*"))  # nothing on this disk

    # the original, as uploaded, with its name
    r = http.get(f"/documents/{ids['bikes ü.md']}/file")
    assert r.status_code == 200 and r.content == note
    assert r.headers["content-disposition"].startswith("attachment; filename*=utf-8''bikes%20%C3%BC.md")
    assert http.get(f"/documents/{ids['employee_handbook.pdf']}/file").content == pdf
    # a PDF citation's page image is rendered from the stored file
    hit = http.post("/search", json={"query": "How many days of annual leave?"}).json()["results"][0]
    assert hit["document_id"] == ids["employee_handbook.pdf"]
    png = http.get(f"/chunks/{hit['chunk_id']}/page.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")

    # re-index reads the stored file; the new document keeps it (no second copy, none lost)
    done = wait_job(http, http.post("/documents/reindex", json={"ids": [ids["bikes ü.md"]]}).json()["job_id"])
    assert done["files"][0]["status"] == "replaced", done
    new_id = done["files"][0]["document_id"]
    assert http.get(f"/documents/{new_id}/file").content == note and _objects(bucket) == stored

    # deleting a document deletes its object
    assert http.delete(f"/documents/{new_id}").status_code == 204
    assert len(_objects(bucket)) == 1


def test_an_object_lost_from_the_store_is_reported_not_crashed_on(deployment):
    http, bucket, _, _ = deployment
    job = wait_job(http, http.post("/documents", files=[
        ("files", ("canteen.md", b"# Canteen\n\nThe canteen opens at 11:30."))]).json()["job_id"])
    doc_id = job["files"][0]["document_id"]
    before = _objects(bucket)
    [lost] = [k for k in before if k.endswith("/canteen.md")]
    bucket.Object(lost).delete()
    assert http.get(f"/documents/{doc_id}/file").status_code == 410
    done = wait_job(http, http.post("/documents/reindex", json={"ids": [doc_id]}).json()["job_id"])
    assert done["files"][0]["status"] == "failed" and "no longer stored" in done["files"][0]["error"]
    assert http.post("/search", json={"query": "When does the canteen open?"}).json()["results"]
    assert http.delete(f"/documents/{doc_id}").status_code == 204
    assert _objects(bucket) == before - {lost}


def test_a_store_outage_answers_503_and_loses_no_document(deployment):
    """Last in this module: it stops the object store."""
    http, _, _, s3 = deployment
    job = wait_job(http, http.post("/documents", files=[
        ("files", ("parking.md", b"# Parking\n\nVisitors park on level -2."))]).json()["job_id"])
    doc_id = job["files"][0]["document_id"]
    stop(s3)
    assert http.get(f"/documents/{doc_id}/file").status_code == 503
    r = http.post("/documents/reindex", json={"ids": [doc_id]})  # not "no longer stored"
    assert r.status_code == 503 and "file store" in r.json()["detail"]
    assert doc_id in {d["id"] for d in http.get("/documents").json()["documents"]}
    hit = http.post("/search", json={"query": "Where do visitors park?"}).json()["results"][0]
    assert hit["document_id"] == doc_id  # answers do not need the store
    assert http.delete(f"/documents/{doc_id}").status_code == 204  # the object is left, logged
    assert doc_id not in {d["id"] for d in http.get("/documents").json()["documents"]}
