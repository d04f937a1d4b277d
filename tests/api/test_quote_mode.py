"""CITEQA_ANSWER_MODE=quote through a real server: no language model is loaded, every answer is
the best-matching source sentence quoted with its citation and span, and refusals are as
without it (the sample corpus ingested with the real embedding model)."""

import json

import httpx
import pytest

from tests.conftest import new_key, start_server, stop


@pytest.fixture(scope="module")
def quoting(server_data_dir):
    proc, url = start_server(server_data_dir, CITEQA_ANSWER_MODE="quote",
                             # a model file that is not there: quote mode never opens it
                             CITEQA_LLM_MODEL_PATH=str(server_data_dir / "no-such-model.gguf"))
    key = new_key(server_data_dir, "admin")
    with httpx.Client(base_url=url, timeout=120, headers={"Authorization": f"Bearer {key}"}) as c:
        yield c
    stop(proc)


def _quoted(body: dict) -> str:
    """The answer's quote without its marker; the span of its citation must be that text."""
    assert body["mode"] == "extractive" and body["grounded"], body
    answer = body["answer"]
    assert answer.startswith('"') and answer.endswith('" [1]'), answer
    citation = body["citations"][0]
    start, end = citation["span"]
    assert " ".join(citation["text"][start:end].split()) == " ".join(answer[1:-5].split())
    return answer


@pytest.mark.parametrize("question,filename,expected", [
    ("How many days of paid annual leave do employees get?", "employee_handbook.pdf", "25"),
    ("How much is the mileage allowance?", "travel_reimbursement_policy.docx", "0.30"),
    ("出差期间每天的餐费补贴是多少？", "domestic_travel_zh_hans.txt", "一百五十"),
    # the scope sentence names the company (two words more); the limit is what is asked
    ("What is the travel reimbursement limit for Halden Instruments employees?",
     "travel_reimbursement_policy.docx", "2,500 euros"),
])
def test_every_answer_is_the_source_sentence_quoted(quoting, question, filename, expected):
    health = quoting.get("/health").json()
    assert health["model"] == "none (quoted sources)" and health["answer_mode"] == "quote"
    body = quoting.post("/query", json={"question": question}).json()
    assert expected in _quoted(body)
    assert body["citations"][0]["filename"] == filename


def test_quote_mode_refuses_and_streams_as_the_model_mode_does(quoting):
    body = quoting.post("/query", json={"question": "What is the capital of Mongolia?"}).json()
    assert body["answer"] == "The documents do not cover this question."
    assert body["citations"] == [] and body["mode"] == "none"
    with quoting.stream("POST", "/query/stream",
                        json={"question": "What is the hotel limit per night?"}) as r:
        assert r.status_code == 200
        frames = [line for line in r.iter_lines() if line.startswith("data:")]
    final = next(json.loads(f[5:]) for f in frames if '"citations"' in f)
    assert "180" in _quoted(final)
    assert final["citations"][0]["filename"] == "travel_reimbursement_policy.docx"


def test_quote_mode_follows_the_conversation_on_the_openai_endpoint(quoting):
    history = [{"role": "user", "content": "What is the hotel limit per night?"},
               {"role": "assistant", "content": "The hotel limit is 180 euros per night. [1]"}]
    body = quoting.post("/v1/chat/completions", json={"messages": [
        *history, {"role": "user", "content": "And for mileage?"}]}).json()
    assert "mileage" in body["search_query"].lower()
    assert any(c["filename"] == "travel_reimbursement_policy.docx" for c in body["citations"])
    assert "0.30" in body["choices"][0]["message"]["content"]
