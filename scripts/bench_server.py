"""A real citeqa server for the benchmark scripts: its own user and API key, no rate limit."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def signed_in_server(data_dir: Path, role: str = "member",
                     settings: dict[str, str] | None = None) -> Iterator[tuple[httpx.Client, float]]:
    """Start uvicorn on ``data_dir`` as a user would (``settings``: CITEQA_ variables of its
    own); yields a client carrying an API key of a new ``role`` user, and the seconds the
    server took to answer /health."""
    from tests.conftest import free_port

    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir), "CITEQA_RATE_LIMIT": "100000/minute",
           **(settings or {})}
    cli = [sys.executable, "-m", "backend.cli"]
    user = f"bench-{secrets.token_hex(4)}"  # a data dir may be benchmarked more than once
    subprocess.run([*cli, "users", "add", user, "--role", role, "--password", ""], env=env,
                   cwd=ROOT, check=True, capture_output=True)
    key = subprocess.run([*cli, "keys", "add", user], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()[-1]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "backend.main:app", "--port",
                               str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            t0 = time.perf_counter()
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the server exited with code {server.returncode}")
                try:
                    http.get("/health").raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            http.server_pid = server.pid  # for the server's memory (scripts/bench_search.py)
            yield http, time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait()
