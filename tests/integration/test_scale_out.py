"""The scale-out proof: two API replicas, one ingestion worker, PostgreSQL with pgvector (the
database and the shared search engine), Redis, an S3-compatible object store for the uploaded
files (moto's S3 server) and an LLM server (llama-cpp-python's own), all real processes on
loopback. Each process has a data dir of its own, as on separate hosts: nothing is shared
through a disk, no index or upload is written to one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.api.test_llm_server import start_llm_server
from tests.conftest import (ROOT, PostgresCluster, citeqa, new_key, pgvector_binaries, start_redis,
                            start_s3, start_server, stop)

pytestmark = pytest.mark.slow

CANARIES = {"hr": "HR-CANARY-7731", "eng": "ENG-CANARY-4410"}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("operator")  # where the CLI runs
    own_dirs = {name: tmp_path_factory.mktemp(f"host-{name}") for name in ("a", "b", "worker")}
    cluster = PostgresCluster(pgvector_binaries())
    s3, s3_env = start_s3(tmp_path_factory.mktemp("s3"))
    redis, redis_url = start_redis(tmp_path_factory.mktemp("redis"))
    llm, llm_url = start_llm_server(tmp_path_factory.mktemp("llm") / "llm.log")
    env = {"CITEQA_DATABASE_URL": cluster.database_for(data_dir),
           "CITEQA_LIMITS_STORAGE_URL": redis_url, "CITEQA_LLM_URL": llm_url,
           "CITEQA_LLM_TIMEOUT_SECONDS": "60", "CITEQA_INGEST_IN_SERVER": "false",
           "CITEQA_RATE_LIMIT": "300/minute", "CITEQA_SEARCH_ENGINE": "pgvector",
           "CITEQA_FILES_URL": "s3://citeqa-scale/uploads", **s3_env,
           "CITEQA_AUTH_SECRET": "scale-out-test-signing-key-0123456789abcdef"}
    db = {"CITEQA_DATABASE_URL": env["CITEQA_DATABASE_URL"]}
    keys = {}
    citeqa(data_dir, "users", "add", "root", "--role", "admin", "--password", "root-pass-123", env=db)
    keys["admin"] = new_key(data_dir, "root", env=db)
    for group in CANARIES:
        citeqa(data_dir, "users", "add", f"{group}-member", "--role", "member", "--groups", group,
               "--password", "member-pass-123", env=db)
        keys[group] = new_key(data_dir, f"{group}-member", env=db)
    citeqa(data_dir, "users", "add", "flood", "--role", "member", "--password", "flood-pass-123", env=db)
    keys["flood"] = new_key(data_dir, "flood", env=db)
    a, url_a = start_server(own_dirs["a"], **env)
    b, url_b = start_server(own_dirs["b"], **env)
    worker_log = open(own_dirs["worker"] / "worker.log", "wb")
    worker = subprocess.Popen([sys.executable, "-m", "backend.cli", "worker", "--poll", "0.2"],
                              env={**os.environ, "CITEQA_DATA_DIR": str(own_dirs["worker"]), **env},
                              cwd=ROOT, stdout=worker_log, stderr=subprocess.STDOUT)
    yield {"a": a, "url_a": url_a, "url_b": url_b, "keys": keys, "worker": worker,
           "data_dirs": [data_dir, *own_dirs.values()]}
    for proc in (worker, b, a, llm):
        if proc.poll() is None:
            stop(proc)
    redis.terminate()
    stop(s3)
    cluster.stop()


def _client(url: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=180)


def _wait_job(client: httpx.Client, job_id: str, timeout: float = 180) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(1)  # well inside the rate limit, however slow the machine
    raise AssertionError(f"job {job_id} not done in {timeout} s")


def test_upload_on_a_is_ingested_by_the_worker_and_answered_on_b_with_permissions(deployment):
    d, keys = deployment, deployment["keys"]
    with _client(d["url_a"], keys["admin"]) as admin_a, _client(d["url_b"], keys["admin"]) as admin_b:
        jobs = []
        for group, canary in CANARIES.items():
            text = (f"# {group.upper()} on-call rota\n\nThe {group} on-call phone number is "
                    f"{canary}. Call it for urgent {group} incidents outside office hours.\n")
            r = admin_a.post("/documents", data={"groups": group},
                             files=[("files", (f"{group}_rota.md", text.encode(), "text/markdown"))])
            assert r.status_code == 202, r.text
            jobs.append(r.json()["job_id"])
        for job_id in jobs:  # replica B reports the jobs the worker ran
            assert _wait_job(admin_b, job_id)["files"][0]["status"] == "ingested"

    for group, canary in CANARIES.items():
        other = next(g for g in CANARIES if g != group)
        with _client(d["url_b"], keys[group]) as member:
            t = time.perf_counter()
            r = member.post("/query", json={"question": f"What is the {group} on-call phone number?"})
            assert r.status_code == 200, r.text
            body = r.json()
            assert {c["filename"] for c in body["citations"]} == {f"{group}_rota.md"}
            assert time.perf_counter() - t < 60
            everything = member.post("/search", json={"query": f"{other} on-call phone number "
                                                               f"{CANARIES[other]}"}).json()
            assert CANARIES[other] not in str(everything) and CANARIES[other] not in str(body)
    # every process searched and wrote the engine and kept files in the object store: no
    # index file and no upload on any host's disk
    for data_dir in d["data_dirs"]:
        assert not list((data_dir / "index").glob("*.faiss"))
        assert not list((data_dir / "index").glob("bm25*"))
        assert not [p for p in (data_dir / "uploads").rglob("*") if p.is_file()]


def test_the_rate_limit_is_one_for_both_replicas(deployment):
    d = deployment
    codes = []
    with httpx.Client(headers={"Authorization": f"Bearer {d['keys']['flood']}"}) as flood:
        for i in range(302):
            codes.append(flood.get(f"{d['url_a'] if i % 2 else d['url_b']}/auth/me").status_code)
    assert codes[:300] == [200] * 300 and codes[300:] == [429, 429]


def test_killing_replica_a_right_after_an_upload_loses_nothing(deployment):
    d = deployment
    with _client(d["url_a"], d["keys"]["admin"]) as admin_a:
        r = admin_a.post("/documents", data={"groups": "hr"}, files=[(
            "files", ("hr_parking.md", b"# Parking\n\nHR visitors park in bay P7 behind the "
                                       b"north gate.\n", "text/markdown"))])
        assert r.status_code == 202
    d["a"].send_signal(signal.SIGKILL)
    d["a"].wait(timeout=20)
    with _client(d["url_b"], d["keys"]["admin"]) as admin_b:
        assert _wait_job(admin_b, r.json()["job_id"])["status"] == "done"
    with _client(d["url_b"], d["keys"]["hr"]) as member:
        hits = member.post("/search", json={"query": "Where do HR visitors park?"}).json()["results"]
        assert hits and hits[0]["filename"] == "hr_parking.md"
