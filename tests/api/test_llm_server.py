"""The LLM over HTTP: citeqa's API using llama-cpp-python's own OpenAI-compatible server
(the real server process, serving the default GGUF on loopback) instead of a model in-process."""

import json
import subprocess
import sys

import httpx
import pytest

from backend.settings import Settings
from tests.conftest import ROOT, free_port, new_key, start_server, stop, wait_until_up

pytestmark = pytest.mark.slow


def start_llm_server(log_path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    model = Settings().llm_model_path
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"],
        cwd=ROOT, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    wait_until_up(proc, f"{url}/models", log_path, timeout=120)
    return proc, url


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory):
    proc, url = start_llm_server(tmp_path_factory.mktemp("llm") / "llm.log")
    yield proc, url
    stop(proc)


@pytest.fixture(scope="module")
def remote(llm_server, server_data_dir):
    _, llm_url = llm_server
    proc, url = start_server(server_data_dir, CITEQA_LLM_URL=llm_url, CITEQA_LLM_TIMEOUT_SECONDS="30")
    key = new_key(server_data_dir, "admin")
    with httpx.Client(base_url=url, timeout=120, headers={"Authorization": f"Bearer {key}"}) as c:
        yield c
    stop(proc)


def test_answers_come_from_the_llm_server_with_citations(remote, llm_server):
    served = httpx.get(f"{llm_server[1]}/models").json()["data"][0]["id"]
    assert remote.get("/health").json()["model"] == served
    body = remote.post("/query", json={"question": "What is the hotel limit per night?"}).json()
    assert body["answer"] and body["model"] == served and body["mode"] in ("generated", "extractive")
    assert body["citations"] and body["citations"][0]["filename"] == "travel_reimbursement_policy.docx"


def test_streamed_answers_arrive_token_by_token_from_the_llm_server(remote):
    tokens, done = [], None
    with remote.stream("POST", "/query/stream",
                       json={"question": "How many days of paid annual leave do employees get?"}) as r:
        assert r.status_code == 200
        event = None
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "token":
                tokens.append(json.loads(line[5:])["text"])
            elif line.startswith("data:") and event == "citations":
                done = json.loads(line[5:])
    assert len(tokens) > 1 and done is not None
    assert any(c["filename"] == "employee_handbook.pdf" for c in done["citations"])


def test_a_failed_llm_server_is_a_clear_503_and_the_api_stays_up(remote, llm_server):
    proc, _ = llm_server
    stop(proc)
    r = remote.post("/query", json={"question": "What is the hotel limit per night?"})
    assert r.status_code == 503 and "language model is unavailable" in r.json()["detail"]
    assert r.headers["retry-after"]
    with remote.stream("POST", "/query/stream", json={"question": "What is the hotel limit?"}) as r:
        body = r.read().decode()
    assert "event: error" in body and "language model is unavailable" in body
    assert remote.get("/health").status_code == 200
    assert remote.post("/search", json={"query": "hotel limit"}).json()["results"]
