"""GET /metrics (Prometheus) and the request id, on the real server."""

from __future__ import annotations

import re

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import citeqa, new_key


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_count_requests_stages_and_the_collection(http):
    before = _samples(http.get("/metrics").text)
    assert http.post("/search", json={"query": "hotel limit per night"}).status_code == 200
    r = http.post("/query", json={"question": "How many days of paid annual leave do employees get?"})
    assert r.status_code == 200 and r.json()["citations"]
    assert http.get("/documents/999999").status_code in (404, 405)
    response = http.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    after = _samples(response.text)

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("citeqa_http_requests_total", method="POST", route="/search", status="200") == 1
    assert grew("citeqa_http_requests_total", method="POST", route="/query", status="200") == 1
    assert grew("citeqa_http_request_seconds_count", method="POST", route="/query") == 1
    # routes are labelled by their template, never by an id (bounded label sets)
    assert not any("999999" in str(labels) for _, labels in after)
    for stage in ("retrieve", "rerank", "generate", "total"):
        assert grew("citeqa_stage_seconds_count", stage=stage) >= 1
    assert after[("citeqa_documents", ())] >= 5 and after[("citeqa_chunks", ())] >= 20
    assert ("citeqa_answer_queue_depth", ()) in after


def test_metrics_are_for_admins_only(api_url, server_data_dir):
    assert httpx.get(f"{api_url}/metrics").status_code == 401
    citeqa(server_data_dir, "users", "add", "metrics-reader", "--password", "reader-pass-123")
    member = new_key(server_data_dir, "metrics-reader")
    r = httpx.get(f"{api_url}/metrics", headers={"Authorization": f"Bearer {member}"})
    assert r.status_code == 403


def test_every_response_carries_a_request_id(http, api_url):
    ids = {http.get("/health").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    # a caller's own id is kept (to follow one request across services) when it is safe...
    assert http.get("/health", headers={"X-Request-ID": "lb-7f3a.2"}).headers["x-request-id"] == "lb-7f3a.2"
    # ...and replaced when it could forge log lines
    forged = http.get("/health", headers={"X-Request-ID": "x\" level=admin"}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)
    # refused requests too (the guard answers before any route)
    assert httpx.get(f"{api_url}/documents").headers["x-request-id"]


def test_json_logs_carry_the_request_id(server_data_dir):
    import json

    from tests.conftest import start_server, stop

    proc, url = start_server(server_data_dir, CITEQA_LOG_FORMAT="json")
    try:
        assert httpx.get(f"{url}/health", headers={"X-Request-ID": "trace-42"}).status_code == 200
    finally:
        stop(proc)
    log_file = server_data_dir / f"server-{url.rsplit(':', 1)[1]}.log"
    records = [json.loads(line) for line in log_file.read_text().splitlines()
               if line.startswith("{")]
    access = [r for r in records if r.get("request_id") == "trace-42"]
    assert access and access[0]["logger"] == "uvicorn.access" and "/health" in access[0]["message"]
    assert {"time", "level", "logger", "request_id", "message"} <= set(access[0])
    assert any(r["logger"] == "citeqa" and "ready" in r["message"] for r in records)


def test_the_dictionaries_are_read_at_start_not_by_the_first_question(api_url, server_data_dir):
    """The word lists that tell a question's Chinese script (0.3 s of CC-CEDICT) were read by
    the first question that needed them, on its request; the app reads them at start, in the
    background with the translation lexicon, and says so in its log."""
    import time

    log_file = server_data_dir / f"server-{api_url.rsplit(':', 1)[1]}.log"
    deadline = time.time() + 60
    while "dictionaries read in" not in log_file.read_text() and time.time() < deadline:
        time.sleep(0.5)
    assert "dictionaries read in" in log_file.read_text()
