"""Upload jobs in the database, run by `citeqa worker` processes instead of the API server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
from filelock import FileLock

from backend.storage import create_store
from tests.conftest import ROOT, PostgresCluster, citeqa, database_env, new_key, start_server, stop

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield create_store(f"sqlite:///{tmp_path / 'app.db'}")
        return
    cluster = PostgresCluster()  # skips where PostgreSQL is not installed
    try:
        yield create_store(cluster.database_for(tmp_path))
    finally:
        cluster.stop()


def test_each_queued_job_is_claimed_by_exactly_one_of_many_workers(store):
    ids = [f"job{i:02d}" for i in range(12)]
    for job_id in ids:
        store.create_job(job_id, [])
    claimed: list[str] = []
    barrier = threading.Barrier(4)

    def claim_all():
        barrier.wait()
        while (job := store.claim_job(stale_after_seconds=3600)) is not None:
            claimed.append(job)

    threads = [threading.Thread(target=claim_all) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == ids  # every job once, none twice
    assert store.claim_job(stale_after_seconds=3600) is None  # all running, heartbeats fresh


def test_a_job_whose_worker_stopped_beating_is_claimed_again(store):
    store.create_job("lost", [])
    assert store.claim_job(stale_after_seconds=3600) == "lost"
    time.sleep(0.05)
    assert store.claim_job(stale_after_seconds=3600) is None
    assert store.claim_job(stale_after_seconds=0.01) == "lost"  # its worker died
    store.touch_job("lost")
    store.update_job("lost", "done")
    assert store.claim_job(stale_after_seconds=0) is None  # finished jobs stay finished


def test_upload_on_one_replica_killed_at_once_is_ingested_by_a_worker_and_found_on_another(tmp_path):
    """Two API replicas that only queue jobs; replica A dies right after accepting an upload;
    a worker ingests it; replica B finds it."""
    citeqa(tmp_path, "users", "add", "ann", "--role", "admin", "--password", "ann-pass-123")
    key = new_key(tmp_path, "ann")
    env = {"CITEQA_INGEST_IN_SERVER": "false"}
    a, url_a = start_server(tmp_path, **env)
    b, url_b = start_server(tmp_path, **env)
    headers = {"Authorization": f"Bearer {key}"}
    try:
        doc = ("# Fire safety\n\nThe yearly fire drill at the Oslo site takes place on the "
               "first Tuesday of May at 10:00.\n").encode()
        r = httpx.post(f"{url_a}/documents", headers=headers,
                       files=[("files", ("fire_drill.md", doc, "text/markdown"))], timeout=60)
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        a.send_signal(signal.SIGKILL)
        a.wait(timeout=20)
        time.sleep(1.5)
        assert httpx.get(f"{url_b}/jobs/{job_id}", headers=headers).json()["status"] == "queued"

        env_worker = {**os.environ, "CITEQA_DATA_DIR": str(tmp_path), **database_env(tmp_path)}
        # while another process (a `citeqa ingest`) writes the index files, the worker waits
        # without claiming: its save would drop the other's documents
        other_writer = FileLock(tmp_path / "ingest.lock")
        with other_writer:
            worker = subprocess.Popen([sys.executable, "-m", "backend.cli", "worker", "--until-empty"],
                                      env=env_worker, cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
            for _ in range(25):  # it starts in a few seconds and a job this small takes one
                time.sleep(1)
                assert worker.poll() is None
                assert httpx.get(f"{url_b}/jobs/{job_id}", headers=headers).json()["status"] == "queued"
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert "jobs run: 1" in err
        job = httpx.get(f"{url_b}/jobs/{job_id}", headers=headers).json()
        assert job["status"] == "done" and job["files"][0]["status"] == "ingested"
        hits = httpx.post(f"{url_b}/search", headers=headers,
                          json={"query": "When is the fire drill?"}).json()["results"]
        assert hits and hits[0]["filename"] == "fire_drill.md"
    finally:
        if a.poll() is None:
            stop(a)
        stop(b)
