"""Per-document permissions on a real server: a canary matrix over every principal and path.

Secret documents carry unique marker strings. For each principal (admin, members of each
group, a member of no group, each one's API key and session token, anonymous) and each path
that can reveal text, the marker must appear exactly where the principal is allowed to see it.
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.api.test_api import wait_job

pytestmark = pytest.mark.slow

SECRETS = {  # group -> (file name, marker, question about it)
    "hr": ("hr_quokka_stipend.txt", "CANARY-HR-7Q2",
           "How much is the quokka relocation stipend?"),
    "finance": ("finance_zeppelin_forecast.txt", "CANARY-FIN-3K8",
                "What is the zeppelin procurement forecast?"),
    "board": ("board_lighthouse_minutes.txt", "CANARY-BOARD-5Z1",
              "What did the board decide about the lighthouse acquisition?"),
}
TEXTS = {
    "hr": "The quokka relocation stipend is 4,200 euros per move, reference CANARY-HR-7Q2.",
    "finance": "The zeppelin procurement forecast for 2027 is 12 airships, reference CANARY-FIN-3K8.",
    "board": "The board decided to approve the lighthouse acquisition, reference CANARY-BOARD-5Z1.",
}
MEMBERS = {"alice": ["hr"], "bob": ["finance"], "carol": [], "dana": ["hr", "board"]}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def world(http, api_url):
    """Secret documents for three groups; members with tokens and keys; the admin's key."""
    for group, (name, _, _) in SECRETS.items():
        r = http.post("/documents", files=[("files", (name, TEXTS[group].encode()))],
                      data={"groups": group})
        assert r.status_code == 202 and r.json()["access"] == [group]
        assert wait_job(http, r.json()["job_id"])["files"][0]["status"] == "ingested"
    principals = {"admin/key": http.headers["Authorization"].removeprefix("Bearer ")}
    for name, groups in MEMBERS.items():
        r = http.post("/users", json={"name": name, "groups": groups, "password": f"{name}-pw-1234"})
        assert r.status_code == 201, r.text
        principals[f"{name}/key"] = http.post(f"/users/{name}/keys").json()["key"]
        login = httpx.post(f"{api_url}/auth/token",
                           data={"username": name, "password": f"{name}-pw-1234"})
        principals[f"{name}/token"] = login.json()["access_token"]
    docs = {d["filename"]: d["id"] for d in http.get("/documents").json()["documents"]}
    yield {"principals": principals, "docs": docs}
    for name in MEMBERS:
        http.delete(f"/users/{name}")
    for name, _, _ in SECRETS.values():
        if name in docs:
            http.delete(f"/documents/{docs[name]}")


def allowed(principal: str, group: str) -> bool:
    user = principal.split("/")[0]
    return user == "admin" or group in MEMBERS[user]


def reveal(api_url: str, token: str | None, group: str, path: str, docs: dict) -> str:
    """Everything the principal gets back on ``path`` when asking about ``group``'s secret."""
    name, _, question = SECRETS[group]
    headers = bearer(token) if token else {}
    with httpx.Client(base_url=api_url, headers=headers, timeout=120) as c:
        if path == "search":
            r = c.post("/search", json={"query": question, "top_k": 10})
        elif path == "search+rerank":
            r = c.post("/search", json={"query": question, "top_k": 10, "rerank": True})
        elif path == "query":
            r = c.post("/query", json={"question": question})
        elif path == "stream":
            r = c.post("/query/stream", json={"question": question})
        elif path == "openai":
            r = c.post("/v1/chat/completions",
                       json={"messages": [{"role": "user", "content": question}]})
        elif path == "documents":
            r = c.get("/documents")
        elif path == "file":
            r = c.get(f"/documents/{docs[name]}/file")
        elif path == "link":
            r = c.post(f"/documents/{docs[name]}/link")
            if r.status_code == 200:
                r = httpx.get(api_url + r.json()["url"])  # the link works without a header
        else:
            raise ValueError(path)
    assert r.status_code < 500, r.text
    return f"{r.status_code} {r.text}"


PATHS = ["search", "search+rerank", "query", "stream", "openai", "documents", "file", "link"]
CANARY_HEADS = {"search", "search+rerank", "query", "stream", "openai", "file", "link"}


def test_canary_matrix(world, api_url):
    """Every principal x every path x every secret: the marker shows up exactly where allowed."""
    wrong = []
    for principal, token in world["principals"].items():
        for group, (name, marker, _) in SECRETS.items():
            for path in PATHS:
                body = reveal(api_url, token, group, path, world["docs"])
                expected = marker if path in CANARY_HEADS else name
                if (expected in body) != allowed(principal, group):
                    wrong.append(f"{principal} {path} {group}: {body[:160]}")
    assert not wrong, "\n".join(wrong)


def test_anonymous_and_bad_credentials_get_401_everywhere(world, api_url):
    for token in (None, "not-a-token", "cq_000000000000_forged", world["principals"]["carol/token"] + "x"):
        for path in PATHS:
            body = reveal(api_url, token, "hr", path, world["docs"])
            assert body.startswith("401"), (token, path, body[:200])
            assert "CANARY" not in body


def test_a_forbidden_document_changes_nothing_a_member_sees(http, api_url, world):
    """Same ids, same scores, same order for carol before and after a secret that matches her
    query is added (BM25 statistics are computed within what she may see)."""
    carol = bearer(world["principals"]["carol/key"])
    query = {"query": "travel reimbursement limit for hotels", "top_k": 10}
    before = httpx.post(f"{api_url}/search", json=query, headers=carol).json()["results"]
    secret = b"Travel reimbursement limit for hotels and hotel travel limits: CANARY-HR-TRAVEL."
    r = http.post("/documents", files=[("files", ("hr_travel_secret.txt", secret))],
                  data={"groups": "hr"})
    wait_job(http, r.json()["job_id"])
    try:
        after = httpx.post(f"{api_url}/search", json=query, headers=carol).json()["results"]
        assert [(p["chunk_id"], p["score"]) for p in after] == \
            [(p["chunk_id"], p["score"]) for p in before]
        alice = bearer(world["principals"]["alice/key"])
        seen = httpx.post(f"{api_url}/search", json=query, headers=alice).text
        assert "CANARY-HR-TRAVEL" in seen  # the document is there, for those allowed
    finally:
        doc = next(d for d in http.get("/documents").json()["documents"]
                   if d["filename"] == "hr_travel_secret.txt")
        http.delete(f"/documents/{doc['id']}")


def test_revoking_membership_and_deleting_documents_apply_at_once(http, api_url, world):
    p, docs = world["principals"], world["docs"]
    marker = SECRETS["hr"][1]
    assert marker in reveal(api_url, p["alice/token"], "hr", "search", docs)
    assert http.patch("/users/alice", json={"groups": []}).status_code == 200
    try:
        for principal in ("alice/token", "alice/key"):  # issued before the change
            for path in PATHS:
                body = reveal(api_url, p[principal], "hr", path, docs)
                assert marker not in body and SECRETS["hr"][0] not in body, (principal, path)
    finally:
        http.patch("/users/alice", json={"groups": ["hr"]})

    key_id = next(k["id"] for k in http.get("/users/bob/keys").json())
    assert http.delete(f"/keys/{key_id}").status_code == 204
    assert reveal(api_url, p["bob/key"], "finance", "search", docs).startswith("401")
    assert SECRETS["finance"][1] in reveal(api_url, p["bob/token"], "finance", "search", docs)

    assert http.delete(f"/documents/{docs['board_lighthouse_minutes.txt']}").status_code == 204
    for principal in ("admin/key", "dana/token"):
        for path in PATHS:
            body = reveal(api_url, p[principal], "board", path, docs)
            assert SECRETS["board"][1] not in body, (principal, path)


def test_access_can_be_changed_later(http, api_url, world):
    p, docs = world["principals"], world["docs"]
    doc_id, marker = docs["finance_zeppelin_forecast.txt"], SECRETS["finance"][1]
    assert marker not in reveal(api_url, p["carol/token"], "finance", "search", docs)
    assert http.patch(f"/documents/{doc_id}", json={"groups": []}).json()["access"] == ["public"]
    try:
        assert marker in reveal(api_url, p["carol/token"], "finance", "search", docs)
    finally:
        assert http.patch(f"/documents/{doc_id}",
                          json={"groups": ["finance"]}).json()["access"] == ["finance"]
    assert marker not in reveal(api_url, p["carol/token"], "finance", "search", docs)


def test_admins_see_the_groups_in_use(http, world):
    groups = http.get("/groups").json()
    assert groups["hr"]["users"] == 2 and groups["hr"]["documents"] >= 1
    assert groups["finance"] == {"users": 1, "documents": 1}


def test_members_cannot_administer(world, api_url):
    member = bearer(world["principals"]["dana/key"])
    with httpx.Client(base_url=api_url, headers=member) as c:
        assert c.post("/documents", files=[("files", ("x.txt", b"hello"))]).status_code == 403
        assert c.delete("/documents/1").status_code == 403
        assert c.patch("/documents/1", json={"groups": []}).status_code == 403
        assert c.get("/users").status_code == 403
        assert c.get("/groups").status_code == 403
        assert c.post("/users", json={"name": "mallory", "role": "admin"}).status_code == 403
        assert c.get("/auth/me").json() == {"name": "dana", "role": "member",
                                            "groups": ["board", "hr"], "via": "key"}
        own = c.post("/auth/keys", params={"label": "laptop"})
        assert own.status_code == 201 and own.json()["user"] == "dana"
        again = httpx.get(f"{api_url}/auth/me", headers=bearer(own.json()["key"])).json()
        assert again["name"] == "dana" and again["role"] == "member"


def test_openai_stream_is_checked_and_scoped(world, api_url):
    r = httpx.post(f"{api_url}/v1/chat/completions", timeout=120,
                   headers=bearer(world["principals"]["bob/token"]),
                   json={"stream": True, "messages": [
                       {"role": "user", "content": SECRETS["finance"][2]}]})
    frames = [line.removeprefix("data: ") for line in r.text.splitlines() if line.startswith("data: ")]
    assert frames[-1] == "[DONE]"
    chunks = [json.loads(f) for f in frames[:-1]]
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert content and chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert any(c["filename"] == SECRETS["finance"][0] for c in chunks[-1]["citations"])


@pytest.mark.parametrize("principal", ["alice/key", "bob/token"])
def test_a_follow_up_names_only_documents_the_asker_may_see(world, api_url, principal):
    """A pronoun is replaced by the subject of the document answering the previous question
    (its file name): found only among the asker's documents, or a file name would leak."""
    history = [{"role": "user", "content": "How much is the HR quokka stipend?"},
               {"role": "assistant", "content": "I cannot say."}]
    with httpx.Client(base_url=api_url, headers=bearer(world["principals"][principal]),
                      timeout=120) as c:
        body = c.post("/query", json={"question": "When is it paid?", "history": history}).json()
    if allowed(principal, "hr"):
        assert body["search_query"] == "When is HR quokka stipend paid?", body  # hr_quokka_stipend.txt
    else:
        assert "hr quokka" not in body["search_query"].lower(), body
        assert "CANARY-HR" not in json.dumps(body)
