"""Thumbs up/down on answers, read by admins and exported as `citeqa eval --qa` test cases."""

from __future__ import annotations

import json

import httpx

from tests.conftest import citeqa, new_key

QUESTION = "How many days of paid annual leave do employees get?"


def test_a_rated_answer_is_stored_listed_and_exported_as_a_test_case(http, api_url,
                                                                      server_data_dir, tmp_path):
    r = http.post("/query", json={"question": QUESTION})
    assert r.status_code == 200
    body = r.json()
    answer_id = body["answer_id"]
    assert isinstance(answer_id, int) and body["citations"]
    comment = "It should say 25 days, and cite the handbook page."
    assert http.post(f"/answers/{answer_id}/feedback",
                     json={"rating": "down", "comment": comment}).status_code == 204

    # someone else cannot rate it (nor learn that it exists)
    citeqa(server_data_dir, "users", "add", "rater", "--password", "rater-pass-123")
    other = {"Authorization": f"Bearer {new_key(server_data_dir, 'rater')}"}
    r = httpx.post(f"{api_url}/answers/{answer_id}/feedback", headers=other, json={"rating": "up"})
    assert r.status_code == 404
    assert httpx.get(f"{api_url}/feedback", headers=other).status_code == 403
    for bad in ({"rating": "meh"}, {"rating": "up", "comment": "x" * 2001}, {}):
        assert http.post(f"/answers/{answer_id}/feedback", json=bad).status_code == 422

    [item] = [f for f in http.get("/feedback", params={"rating": "down"}).json()
              if f["answer_id"] == answer_id]
    assert item["rating"] == "down" and item["comment"] == comment
    assert item["question"] == QUESTION and item["answer"] == body["answer"]
    assert item["citations"][0]["filename"] == body["citations"][0]["filename"]
    assert item["model"] == body["model"] and item["timings_ms"]["total"] > 0
    assert item["user"] == "admin"

    export = http.get("/feedback/export")
    assert export.status_code == 200
    rows = [json.loads(line) for line in export.text.splitlines()]
    [row] = [x for x in rows if x["feedback"]["answer_id"] == answer_id]
    assert row["question"] == QUESTION and row["needs_review"] is True
    assert row["documents"] == sorted({c["filename"] for c in body["citations"]})
    assert row["feedback"]["comment"] == comment

    # the file is a QA file: unreviewed rows are skipped, reviewed ones are measured
    qa = tmp_path / "feedback.jsonl"
    qa.write_text(export.text, encoding="utf-8")
    out = citeqa(server_data_dir, "eval", "--qa", str(qa))
    assert "needs_review" in out
    row.pop("needs_review")
    row["answers"] = ["25"]
    qa.write_text(json.dumps(row) + "\n", encoding="utf-8")
    out = citeqa(server_data_dir, "eval", "--qa", str(qa), "--json", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["groups"]["feedback"]["n"] == 1 and report["skipped_needs_review"] == 0


def test_rating_again_replaces_the_rating(http):
    answer_id = http.post("/query", json={"question": QUESTION}).json()["answer_id"]
    assert http.post(f"/answers/{answer_id}/feedback", json={"rating": "down"}).status_code == 204
    assert http.post(f"/answers/{answer_id}/feedback", json={"rating": "up"}).status_code == 204
    ratings = [f["rating"] for f in http.get("/feedback").json() if f["answer_id"] == answer_id]
    assert ratings == ["up"]
    assert http.post("/answers/999999/feedback", json={"rating": "up"}).status_code == 404


def test_the_dashboard_counts_questions_refusals_and_gaps(http, api_url):
    before = http.get("/dashboard").json()
    gap = "What colour is the company sailing boat?"
    for _ in range(2):
        r = http.post("/query", json={"question": gap})
        assert r.status_code == 200 and r.json()["mode"] == "none"  # not covered
    answer_id = http.post("/query", json={"question": QUESTION}).json()["answer_id"]
    http.post(f"/answers/{answer_id}/feedback", json={"rating": "down"})
    after = http.get("/dashboard", params={"days": 7}).json()
    assert after["questions"] == before["questions"] + 3
    assert 0 < after["refused_share"] <= 1 and 0 < after["thumbs_down_share"] <= 1
    assert after["latency_ms"]["p50"] > 0 and after["latency_ms"]["p95"] >= after["latency_ms"]["p50"]
    assert sum(d["questions"] for d in after["per_day"]) == after["questions"]
    assert {"question": gap, "times": 2} in after["content_gaps"]
    assert after["collection"][-1]["documents"] >= 5 and after["collection"][-1]["chunks"] >= 20
    assert httpx.get(f"{api_url}/dashboard").status_code == 401
    assert http.get("/dashboard", params={"days": 0}).status_code == 422
