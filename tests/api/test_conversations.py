"""Saved conversations through the real server: kept per user, followed up server-side,
reopened with their citations, deleted; nobody else can read, extend or delete them."""

from __future__ import annotations

import json

import httpx

from tests.conftest import citeqa, new_key

FIRST = "What is our travel reimbursement limit?"


def test_a_conversation_is_saved_followed_up_reopened_and_deleted(http, api_url, server_data_dir):
    conv = http.post("/conversations", json={}).json()
    assert conv["title"] == "" and conv["turns"] == 0
    first = http.post("/query", json={"question": FIRST, "conversation_id": conv["id"]}).json()
    assert first["citations"]
    # the follow-up sends no history: the server reads the saved conversation
    follow = http.post("/query", json={"question": "And for hotels?",
                                       "conversation_id": conv["id"]}).json()
    assert "hotel" in follow["search_query"].lower() and "reimbursement" in follow["search_query"].lower()

    listed = [c for c in http.get("/conversations").json() if c["id"] == conv["id"]]
    assert listed and listed[0]["title"] == FIRST and listed[0]["turns"] == 2
    assert http.get("/conversations").json()[0]["id"] == conv["id"]  # last used first

    saved = http.get(f"/conversations/{conv['id']}").json()
    assert [t["question"] for t in saved["history"]] == [FIRST, "And for hotels?"]
    assert [t["answer_id"] for t in saved["history"]] == [first["answer_id"], follow["answer_id"]]
    assert saved["history"][0]["citations"] == [
        {**c, "score": 0.0} for c in first["citations"]]

    # streamed answers are saved too
    with http.stream("POST", "/query/stream", json={"question": "And for meals?",
                                                    "conversation_id": conv["id"]}) as r:
        body = "".join(r.iter_text())
    final = json.loads(body.split("event: citations\ndata: ")[1].split("\n")[0])
    saved = http.get(f"/conversations/{conv['id']}").json()
    assert saved["history"][-1]["answer_id"] == final["answer_id"] and saved["turns"] == 3

    assert http.delete(f"/conversations/{conv['id']}").status_code == 204
    assert http.get(f"/conversations/{conv['id']}").status_code == 404
    assert all(c["id"] != conv["id"] for c in http.get("/conversations").json())
    # its answers left the log with it: they can no longer be rated
    assert http.post(f"/answers/{first['answer_id']}/feedback",
                     json={"rating": "up"}).status_code == 404


def test_another_users_conversation_cannot_be_read_used_or_deleted(http, api_url, server_data_dir):
    conv = http.post("/conversations", json={"title": "Private: salary questions"}).json()
    http.post("/query", json={"question": FIRST, "conversation_id": conv["id"]})
    citeqa(server_data_dir, "users", "add", "snoop", "--password", "snoop-pass-123")
    other = httpx.Client(base_url=api_url, timeout=300,
                         headers={"Authorization": f"Bearer {new_key(server_data_dir, 'snoop')}"})
    assert other.get(f"/conversations/{conv['id']}").status_code == 404
    assert other.delete(f"/conversations/{conv['id']}").status_code == 404
    r = other.post("/query", json={"question": "And for hotels?", "conversation_id": conv["id"]})
    assert r.status_code == 404  # neither its history read nor an answer filed under it
    r = other.post("/query/stream", json={"question": "And?", "conversation_id": conv["id"]})
    assert r.status_code == 404
    assert all(c["id"] != conv["id"] for c in other.get("/conversations").json())
    assert http.get(f"/conversations/{conv['id']}").json()["turns"] == 1
    assert http.get("/conversations/999999").status_code == 404
    for bad in ({"title": "x" * 201}, {"title": 5}):
        assert http.post("/conversations", json=bad).status_code == 422
    assert http.post("/query", json={"question": FIRST, "conversation_id": "abc"}).status_code == 422


def test_a_user_keeps_a_bounded_number_of_conversations(api_url, server_data_dir):
    citeqa(server_data_dir, "users", "add", "hoarder", "--password", "hoarder-pass-123")
    hoarder = httpx.Client(base_url=api_url, timeout=60,
                           headers={"Authorization": f"Bearer {new_key(server_data_dir, 'hoarder')}"})
    ids = [hoarder.post("/conversations", json={"title": f"c{i}"}).json()["id"] for i in range(205)]
    kept = [c["id"] for c in hoarder.get("/conversations").json()]
    assert len(kept) == 200 and kept == ids[::-1][:200]
