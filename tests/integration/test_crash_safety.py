"""kill -9 in the middle of ingestion: a restart finds the store and both indexes consistent,
and nothing that was committed is lost. Real processes, real files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.api.test_api import wait_job
from tests.conftest import ROOT, new_key, start_server, stop

pytestmark = pytest.mark.slow


def make_files(folder, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"memo_{i:03d}.txt").write_text(
            f"Memo {i}: the storage room {i} key is kept by caretaker number {i * 7}. " * 20,
            encoding="utf-8")


def check_consistent(data_dir) -> set[str]:
    """Open the data dir as a restarted process would; returns the documents' names."""
    import faiss

    from backend.container import Container
    from backend.settings import Settings

    index = data_dir / "index"
    if (index / "vectors.faiss").exists():  # files on disk are whole (atomic writes)
        faiss.read_index(str(index / "vectors.faiss"))
        json.loads((index / "bm25.json").read_text(encoding="utf-8"))
    c = Container(Settings(data_dir=data_dir))
    kb = c.knowledge_base  # reconciles with the database
    chunk_ids = c.store.chunk_ids()
    assert kb.vectors.ids() == chunk_ids and kb.keywords.ids() == chunk_ids
    docs = c.store.list_documents()
    assert all(n > 0 for _, n in docs), "a document without its chunks is visible"
    names = [d.filename for d, _ in docs]
    assert len(names) == len(set(names))
    return set(names)


def test_kill_9_during_cli_ingest_then_restart(tmp_path, sample_data_dir):
    data_dir = tmp_path / "data"
    shutil.copytree(sample_data_dir, data_dir)
    make_files(tmp_path / "memos", 120)
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir)}
    seen = set()
    for delay in (6.0, 8.0, 10.0):  # model loading takes ~5 s; then files go in one by one
        proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "ingest",
                                 str(tmp_path / "memos")], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        names = check_consistent(data_dir)
        assert seen <= names  # what was committed before stays
        seen = names
    assert any(n.startswith("memo_") for n in seen), "the kill came before any file went in"
    done = subprocess.run([sys.executable, "-m", "backend.cli", "ingest", str(tmp_path / "memos")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    names = check_consistent(data_dir)
    assert {f"memo_{i:03d}.txt" for i in range(120)} <= names


def test_kill_9_of_the_server_during_an_upload_job_resumes_it(tmp_path, server_data_dir):
    data_dir = tmp_path / "server"
    shutil.copytree(server_data_dir, data_dir, ignore=shutil.ignore_patterns("server-*.log"))
    key = new_key(data_dir, "admin")
    make_files(tmp_path / "memos", 20)
    proc, url = start_server(data_dir)
    auth = {"Authorization": f"Bearer {key}"}
    files = [("files", (p.name, p.read_bytes())) for p in sorted((tmp_path / "memos").iterdir())]
    job_id = httpx.post(f"{url}/documents", files=files, headers=auth, timeout=60).json()["job_id"]
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    check_consistent(data_dir)
    proc, url = start_server(data_dir)
    try:
        with httpx.Client(base_url=url, headers=auth, timeout=60) as c:
            job = wait_job(c, job_id, timeout=300)
            assert job["status"] == "done"
            assert all(f["status"] in ("ingested", "unchanged") for f in job["files"]), job
            listed = {d["filename"] for d in c.get("/documents").json()["documents"]}
            assert {p.name for p in (tmp_path / "memos").iterdir()} <= listed
            hit = c.post("/search", json={"query": "storage room 13 key caretaker"}).json()
            assert hit["results"][0]["filename"] == "memo_013.txt"
    finally:
        stop(proc)
    check_consistent(data_dir)
