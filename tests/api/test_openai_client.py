"""/v1/chat/completions through the official ``openai`` Python client, against the real server."""

from __future__ import annotations

from openai import OpenAI

QUESTION = "How many days of paid annual leave do employees get?"


def client(api_url: str, key: str) -> OpenAI:
    return OpenAI(base_url=f"{api_url}/v1", api_key=key, max_retries=0, timeout=120)


def test_the_openai_client_gets_a_cited_answer(api_url, admin_key):
    reply = client(api_url, admin_key).chat.completions.create(
        model="citeqa", messages=[{"role": "user", "content": QUESTION}])
    message = reply.choices[0].message
    assert message.role == "assistant" and "25" in message.content
    assert reply.choices[0].finish_reason == "stop"
    extra = reply.model_extra  # citeqa's documented extra fields
    assert extra["citations"][0]["filename"] == "employee_handbook.pdf"
    assert extra["citations"][0]["span"] and extra["search_query"] == QUESTION
    assert isinstance(extra["answer_id"], int)
    assert "Sources:" in message.content and "employee_handbook.pdf" in message.content


def test_the_openai_client_streams_and_gets_citations_in_the_last_chunk(api_url, admin_key):
    chunks = list(client(api_url, admin_key).chat.completions.create(
        model="citeqa", stream=True, messages=[{"role": "user", "content": QUESTION}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "25" in text and chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"][0]["filename"] == "employee_handbook.pdf"


def test_the_openai_client_sees_401_for_a_wrong_key(api_url):
    import openai
    import pytest

    with pytest.raises(openai.AuthenticationError):
        client(api_url, "cq_wrong").chat.completions.create(
            model="citeqa", messages=[{"role": "user", "content": QUESTION}])
