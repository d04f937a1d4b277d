"""Shared fixtures: real models, a real ingested sample corpus, a real HTTP server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED_FILES = ROOT.parent / "shared" / "eval" / "files"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def sample_questions() -> list[dict]:
    with open(SAMPLES / "questions.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".docx", ".txt", ".md"))


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory) -> Path:
    """A data dir with the sample corpus ingested through the CLI, as a user would."""
    data_dir = tmp_path_factory.mktemp("data")
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir)}
    subprocess.run([sys.executable, "-m", "ingest", str(SAMPLES)], env=env, check=True,
                   cwd=ROOT, capture_output=True, timeout=600)
    return data_dir


@pytest.fixture(scope="session")
def container(sample_data_dir):
    """An in-process container over the ingested samples (real embedder, FAISS, BM25, GGUF)."""
    from backend.container import Container
    from backend.settings import Settings

    return Container(Settings(data_dir=sample_data_dir))


@pytest.fixture(scope="session")
def embedder():
    """The configured default embedder (ONNX Runtime, all-MiniLM-L6-v2 with 8-bit weights)."""
    from backend.container import Container
    from backend.settings import Settings

    return Container(Settings()).embedder


def start_server(data_dir: Path, **env_overrides) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir), **env_overrides}
    log = open(data_dir / f"server-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "backend.main:app", "--host", "127.0.0.1",
         "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(proc, f"{url}/health", data_dir / f"server-{port}.log", timeout=180)
    return proc, url


def wait_until_up(proc: subprocess.Popen, probe_url: str, log_path: Path, timeout: float) -> None:
    """Wait until ``probe_url`` answers 200; the process's log if it dies, kill it on timeout."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(log_path.read_text())
        try:
            if httpx.get(probe_url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{probe_url} did not come up in {timeout:g} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


ADMIN_PASSWORD = "admin-pass-123"


def citeqa(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    """Run the citeqa CLI as an operator would; returns stdout."""
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env, cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def new_key(data_dir: Path, user: str) -> str:
    return citeqa(data_dir, "keys", "add", user).strip().splitlines()[-1]


@pytest.fixture(scope="session")
def server_data_dir(tmp_path_factory, sample_data_dir) -> Path:
    data_dir = tmp_path_factory.mktemp("server")
    shutil.copytree(sample_data_dir, data_dir, dirs_exist_ok=True)
    citeqa(data_dir, "users", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD)
    return data_dir


@pytest.fixture(scope="session")
def admin_key(server_data_dir) -> str:
    return new_key(server_data_dir, "admin")


SERVER_ENV = {"CITEQA_MAX_UPLOAD_BYTES": str(1024 * 1024), "CITEQA_RATE_LIMIT": "100000/minute",
              "CITEQA_LLM_QUEUE": "64", "CITEQA_LLM_QUEUE_PER_USER": "64"}


@pytest.fixture(scope="session")
def api_url(server_data_dir):
    """A real uvicorn server on loopback over a copy of the ingested samples.

    The upload limit is lowered so the 413 path can be tested with a small body; rate limits
    and the answer queue (and one user's share of it) are raised so that load tests measure
    the server, not the limits
    (tests/api/test_limits.py checks those on a server of its own).
    """
    proc, url = start_server(server_data_dir, **SERVER_ENV)
    yield url
    stop(proc)


@pytest.fixture(scope="session")
def http(api_url, admin_key):
    """An admin's API client."""
    with httpx.Client(base_url=api_url, timeout=120,
                      headers={"Authorization": f"Bearer {admin_key}"}) as client:
        yield client
