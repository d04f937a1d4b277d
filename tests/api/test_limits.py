"""Limits on a real server of their own: rate limits (429), the answer queue (503 with
Retry-After), upload file count, query length, content checks."""

from __future__ import annotations

import shutil
import threading

import httpx
import pytest

from tests.api.test_api import wait_job
from tests.conftest import citeqa, copy_data_dir, new_key, start_server, stop

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def strict(server_data_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("strict")
    copy_data_dir(server_data_dir, data_dir,
                  ignore=shutil.ignore_patterns("server-*.log", "uploads"))
    keys = {}
    for name in ("rate", "other", "queue", "upload", "work", "ui"):  # limits count per user: one user each
        citeqa(data_dir, "users", "add", f"{name}-user", "--role", "admin", "--password", "long-pass-123")
        keys[name] = new_key(data_dir, f"{name}-user")
    proc, url = start_server(data_dir, CITEQA_RATE_LIMIT="10/minute", CITEQA_LLM_QUEUE="0",
                             CITEQA_MAX_UPLOAD_FILES="3", CITEQA_MAX_QUESTION_CHARS="200",
                             CITEQA_MAX_JOB_CHUNKS="4")
    yield url, keys
    stop(proc)


def client(url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120)


def test_rate_limit_per_user_gives_429_and_spares_other_users(strict):
    url, keys = strict
    with client(url, keys["rate"]) as c:
        codes = [c.get("/auth/me").status_code for _ in range(12)]
        assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]
        refused = c.get("/auth/me")
        assert refused.status_code == 429 and "Retry-After" in refused.headers
    with client(url, keys["other"]) as c:
        assert c.get("/auth/me").status_code == 200
    assert httpx.get(f"{url}/health").status_code == 200  # health is never limited


def test_full_answer_queue_gives_503_with_retry_after(strict):
    url, keys = strict
    results: list[httpx.Response] = []

    def ask(question: str) -> None:
        with client(url, keys["queue"]) as c:
            results.append(c.post("/query", json={"question": question}))

    questions = ["What is our travel reimbursement limit?",
                 "How many days of paid annual leave do employees get?",
                 "How much is the mileage allowance?"]
    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert 200 in codes and 503 in codes, codes
    busy = next(r for r in results if r.status_code == 503)
    assert busy.headers["Retry-After"].isdigit() and "try again" in busy.json()["detail"]
    with client(url, keys["other"]) as c:  # nothing is stuck: the queue drains
        assert c.post("/query", json={"question": questions[0]}).status_code == 200


def test_upload_limits_and_content_checks(strict):
    url, keys = strict
    with client(url, keys["upload"]) as c:
        four = [("files", (f"f{i}.txt", b"some text")) for i in range(4)]
        r = c.post("/documents", files=four)
        assert r.status_code == 413 and "limit is 3" in r.json()["detail"]
        r = c.post("/query", json={"question": "x" * 201})
        assert r.status_code == 422 and "limit is 200" in r.json()["detail"]
        r = c.post("/search", json={"query": "x" * 201})  # review item 8: /search had no limit
        assert r.status_code == 422 and "limit is 200" in r.json()["detail"]
        r = c.post("/documents", files=[("files", ("report.pdf", b"MZ\x90\x00 not a pdf")),
                                        ("files", ("notes.docx", b"%PDF-1.4 not a docx"))])
        assert r.status_code == 202
        job = wait_job(c, r.json()["job_id"])
        errors = {f["filename"]: f["error"] for f in job["files"]}
        assert "not a PDF" in errors["report.pdf"] and "not a zip" in errors["notes.docx"]


def test_one_upload_adds_a_bounded_amount_of_work(strict):
    """Review item 10: work after parsing was unbounded; an upload may add CITEQA_MAX_JOB_CHUNKS
    (4 here), and a file beyond it fails with the reason while the others go in."""
    url, keys = strict
    sections = "".join(f"# Topic {i}\n\nTopic {i} is covered here.\n\n" for i in range(3))
    with client(url, keys["work"]) as c:
        r = c.post("/documents", files=[("files", ("three.md", sections.encode())),
                                        ("files", ("two.md", sections[:60].encode() + b"\n\n# B\n\nMore."))])
        assert r.status_code == 202
        job = wait_job(c, r.json()["job_id"])
    files = {f["filename"]: f for f in job["files"]}
    assert files["three.md"]["status"] == "ingested" and files["three.md"]["chunks"] == 3
    assert files["two.md"]["status"] == "failed" and "CITEQA_MAX_JOB_CHUNKS" in files["two.md"]["error"]


def test_the_ui_client_reports_a_spent_budget_with_its_wait(strict):
    """The UI followed an upload job every 0.5 s: 120 looks a minute, the whole default budget,
    so a long job (OCR) ended in "429" and the user's questions failed with it. The client now
    tells a spent budget apart, with the server's Retry-After, and the upload view waits it out
    and looks less often (``poll_interval``)."""
    from frontend.api_client import ApiClient, RateLimited, poll_interval

    url, keys = strict
    api = ApiClient(url, token=keys["ui"])
    for _ in range(10):
        api.me()
    with pytest.raises(RateLimited) as refused:
        api.job("0" * 32)
    assert 0 < refused.value.retry_after <= 61 and "429" in str(refused.value)
    ten_minutes, polls, looks = 0.0, 0, 0
    while ten_minutes < 600:
        polls += 1
        ten_minutes += poll_interval(polls)
        looks += 1
    assert looks <= 320  # 30 a minute after the first seconds, not 120
