"""HTTP client for the citeqa API (the UI's only way to reach the backend)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from httpx_sse import connect_sse


def api_url() -> str:
    return os.environ.get("CITEQA_API_URL", "http://127.0.0.1:8000").rstrip("/")


class ApiError(Exception):
    """The API answered with an error; the message is the API's own detail."""


@dataclass
class StreamEvent:
    kind: str  # "token" or "final"
    data: dict


class SignedOut(ApiError):
    """The session token expired or was refused: sign in again."""


class RateLimited(ApiError):
    """The user's request budget is spent (429): the next request is allowed ``retry_after``
    seconds from now."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def poll_interval(polls: int) -> float:
    """Seconds before the next look at a running upload job, after ``polls`` looks: quick at
    first (a few files end in seconds), then every 2 s, so following a long job (OCR of a
    scanned book) costs 30 requests a minute, not the user's whole rate limit (120 by default),
    which their questions share."""
    return 0.5 if polls < 10 else 2.0


def login(username: str, password: str, base_url: str | None = None) -> "ApiClient":
    """A client acting as the user; ApiError with the API's reason on a wrong password."""
    base = base_url or api_url()
    response = httpx.post(f"{base}/auth/token", data={"username": username, "password": password},
                          timeout=30)
    if response.status_code == 401:
        raise ApiError("wrong user name or password")
    response.raise_for_status()
    token = response.json()
    client = ApiClient(base, token=token["access_token"])
    client.expires_at = time.time() + token["expires_in"]
    return client


class ApiClient:
    def __init__(self, base_url: str | None = None, timeout: float = 300.0,
                 token: str | None = None) -> None:
        self.base_url = base_url or api_url()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, headers=headers)
        self._links: dict[int, tuple[str, float]] = {}  # document id -> (link, renew after)
        self.expires_at: float | None = None  # a session token's end (epoch seconds)

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.status_code == 401:
            raise SignedOut("your session has ended: sign in again")
        if response.is_error:
            try:
                detail = response.json().get("detail")
            except ValueError:
                detail = response.text
            if response.status_code == 429:
                wait = response.headers.get("Retry-After", "")
                raise RateLimited(f"429: {detail}", float(wait) if wait.isdigit() else 5.0)
            raise ApiError(f"{response.status_code}: {detail}")
        return response

    def health(self) -> dict:
        return self._check(self._http.get("/health")).json()

    def me(self) -> dict:
        return self._check(self._http.get("/auth/me")).json()

    def ask_stream(self, question: str, top_k: int = 5, history: list[dict] | None = None,
                   conversation_id: int | None = None) -> Iterator[StreamEvent]:
        """The answer's events; ``history`` (earlier {role, content} turns) makes follow-ups
        work; the answer is saved in ``conversation_id``, if given."""
        body = {"question": question, "top_k": top_k, "history": history or [],
                "conversation_id": conversation_id}
        with connect_sse(self._http, "POST", "/query/stream", json=body) as source:
            self._check_stream(source.response)
            for sse in source.iter_sse():
                if sse.event == "token":
                    yield StreamEvent("token", json.loads(sse.data))
                elif sse.event == "citations":
                    yield StreamEvent("final", json.loads(sse.data))

    def _check_stream(self, response: httpx.Response) -> None:
        if response.is_error:
            response.read()
            self._check(response)

    def feedback(self, answer_id: int, rating: str, comment: str = "") -> None:
        """Thumbs ``rating`` ("up" or "down") and an optional comment on an answer given to us."""
        self._check(self._http.post(f"/answers/{answer_id}/feedback",
                                    json={"rating": rating, "comment": comment or None}))

    # the whole page around a citation -------------------------------------------------------
    def page_view(self, chunk_id: int, span: list[int] | None) -> dict:
        params = {"start": span[0], "end": span[1]} if span else {}
        return self._check(self._http.get(f"/chunks/{chunk_id}/page", params=params)).json()

    def page_image(self, chunk_id: int, span: list[int] | None) -> bytes:
        params = {"start": span[0], "end": span[1]} if span else {}
        return self._check(self._http.get(f"/chunks/{chunk_id}/page.png", params=params)).content

    # saved conversations ------------------------------------------------------------------
    def conversations(self) -> list[dict]:
        return self._check(self._http.get("/conversations")).json()

    def conversation(self, conversation_id: int) -> dict:
        return self._check(self._http.get(f"/conversations/{conversation_id}")).json()

    def new_conversation(self) -> dict:
        return self._check(self._http.post("/conversations", json={})).json()

    def delete_conversation(self, conversation_id: int) -> None:
        self._check(self._http.delete(f"/conversations/{conversation_id}"))

    # accounts (admins) ----------------------------------------------------------------------
    def users(self) -> list[dict]:
        return self._check(self._http.get("/users")).json()

    def add_user(self, name: str, role: str, groups: list[str], password: str | None) -> dict:
        return self._check(self._http.post("/users", json={
            "name": name, "role": role, "groups": groups, "password": password or None})).json()

    def update_user(self, name: str, **changes) -> dict:
        return self._check(self._http.patch(f"/users/{quote(name, safe='')}", json=changes)).json()

    def delete_user(self, name: str) -> None:
        self._check(self._http.delete(f"/users/{quote(name, safe='')}"))

    def keys(self, name: str) -> list[dict]:
        return self._check(self._http.get(f"/users/{quote(name, safe='')}/keys")).json()

    def add_key(self, name: str, label: str = "") -> dict:
        return self._check(self._http.post(f"/users/{quote(name, safe='')}/keys",
                                           params={"label": label})).json()

    def revoke_key(self, key_id: int) -> None:
        self._check(self._http.delete(f"/keys/{key_id}"))

    def groups(self) -> dict[str, dict[str, int]]:
        return self._check(self._http.get("/groups")).json()

    def dashboard(self, days: int = 30) -> dict:
        return self._check(self._http.get("/dashboard", params={"days": days})).json()

    def feedback_list(self, rating: str | None = None) -> list[dict]:
        params = {"rating": rating} if rating else {}
        return self._check(self._http.get("/feedback", params=params)).json()

    def feedback_export(self) -> str:
        return self._check(self._http.get("/feedback/export")).text

    def search(self, query: str, top_k: int = 5) -> list[dict]:
        return self._check(self._http.post("/search", json={"query": query, "top_k": top_k})).json()["results"]

    def documents(self) -> list[dict]:
        return self._check(self._http.get("/documents")).json()["documents"]

    def upload(self, files: list[tuple[str, bytes]], groups: str = "") -> dict:
        parts = [("files", (name, data)) for name, data in files]
        return self._check(self._http.post("/documents", files=parts,
                                           data={"groups": groups})).json()

    def set_groups(self, document_id: int, groups: list[str]) -> dict:
        return self._check(self._http.patch(f"/documents/{document_id}",
                                            json={"groups": groups})).json()

    def reindex(self, document_ids: list[int]) -> dict:
        return self._check(self._http.post("/documents/reindex", json={"ids": document_ids})).json()

    def job(self, job_id: str) -> dict:
        return self._check(self._http.get(f"/jobs/{job_id}")).json()

    def delete(self, document_id: int) -> None:
        self._check(self._http.delete(f"/documents/{document_id}"))

    def file_url(self, document_id: int) -> str:
        """A short-lived link the user's browser can open without our header (the API may be
        reachable under another name: CITEQA_PUBLIC_API_URL). Reused while more than half of
        its lifetime is left, so redrawing the chat history does not ask the API again."""
        url, renew_at = self._links.get(document_id, ("", 0.0))
        if time.monotonic() < renew_at:
            return url
        link = self._check(self._http.post(f"/documents/{document_id}/link")).json()
        public = os.environ.get("CITEQA_PUBLIC_API_URL", self.base_url).rstrip("/")
        url = f"{public}{link['url']}"
        self._links[document_id] = (url, time.monotonic() + link["expires_in"] / 2)
        return url

    def download(self, document_id: int) -> bytes:
        return self._check(self._http.get(f"/documents/{document_id}/file")).content
