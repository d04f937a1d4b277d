"""100 concurrent mixed requests (search, query, upload) against the real server on loopback:
zero 5xx, and nothing lost."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.api.test_api import wait_job

pytestmark = pytest.mark.slow

SEARCHES = ["travel reimbursement limit", "annual leave days", "VPN password reset",
            "mileage allowance", "出差 餐费 补贴", "hotel per night"]
QUESTIONS = ["What is our travel reimbursement limit?", "How much is the mileage allowance?",
             "What is the capital of Mongolia?"]


async def one(c: httpx.AsyncClient, i: int) -> tuple[str, httpx.Response]:
    kind = ("upload" if i % 10 == 0 else "query" if i % 10 in (1, 5) else "search")
    if kind == "upload":
        text = f"Concurrency memo {i}: locker {i} belongs to team kestrel-{i}."
        r = await c.post("/documents", files=[("files", (f"concurrent_{i:03d}.txt", text.encode()))])
    elif kind == "query":
        r = await c.post("/query", json={"question": QUESTIONS[i % len(QUESTIONS)]})
    else:
        r = await c.post("/search", json={"query": SEARCHES[i % len(SEARCHES)]})
    return kind, r


def test_100_concurrent_mixed_requests(api_url, admin_key, http):
    async def run():
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(base_url=api_url, timeout=600, limits=limits,
                                     headers={"Authorization": f"Bearer {admin_key}"}) as c:
            return await asyncio.gather(*(one(c, i) for i in range(100)))

    results = asyncio.run(run())
    codes = [r.status_code for _, r in results]
    assert all(code < 500 for code in codes), codes
    assert all(code in (200, 202) for code in codes), codes
    for kind, r in results:
        if kind == "search":
            assert r.json()["results"]
        elif kind == "query":
            assert r.json()["answer"]
    uploads = [r.json()["job_id"] for kind, r in results if kind == "upload"]
    assert len(uploads) == 10
    for job_id in uploads:  # nothing lost: every upload is ingested and findable
        assert wait_job(http, job_id, timeout=300)["files"][0]["status"] == "ingested"
    docs = {d["filename"]: d["id"] for d in http.get("/documents").json()["documents"]}
    for i in range(0, 100, 10):
        assert f"concurrent_{i:03d}.txt" in docs
        hit = http.post("/search", json={"query": f"locker {i} team kestrel-{i}"}).json()["results"]
        assert hit[0]["filename"] == f"concurrent_{i:03d}.txt"
    for i in range(0, 100, 10):
        http.delete(f"/documents/{docs[f'concurrent_{i:03d}.txt']}")
