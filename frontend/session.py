"""Staying signed in across reloads and links.

The browser keeps only an opaque random id in a cookie (``SameSite=Strict``, ``Secure`` over
HTTPS, expiring with the session); this UI process maps it to the API session, so the API token
never reaches the page's scripts. Streamlit cannot send a Set-Cookie header, so the cookie is
written by a script in a zero-height component (same origin), and read back by Streamlit from
the request that opens each page (``st.context.cookies``). The mapping ends with the API token
(``CITEQA_TOKEN_MINUTES``), at sign-out, or when the UI restarts.
"""

from __future__ import annotations

import json
import secrets
import threading
import time

import streamlit as st
import streamlit.components.v1 as components

COOKIE = "citeqa_session"


class Sessions:
    """Session id -> (API client, who), each until its API token expires."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, tuple[object, dict, float]] = {}

    def open(self, api, me: dict) -> tuple[str, int]:
        """A new id for this signed-in session, and its lifetime in seconds."""
        until = getattr(api, "expires_at", None) or time.time() + 3600
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._expire()
            self._by_id[sid] = (api, me, until)
        return sid, max(0, int(until - time.time()))

    def get(self, sid: str | None):
        """(API client, who) of a live session id, else None."""
        if not sid:
            return None
        with self._lock:
            self._expire()
            found = self._by_id.get(sid)
        return None if found is None else found[:2]

    def close(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)

    def _expire(self) -> None:
        now = time.time()
        for sid in [s for s, (_, _, until) in self._by_id.items() if until <= now]:
            del self._by_id[sid]


@st.cache_resource
def sessions() -> Sessions:
    """One registry per UI process (Streamlit's way to share an object between sessions)."""
    return Sessions()


def write_cookie(value: str, max_age: int, name: str = COOKIE) -> None:
    """Set (or, with max_age 0, delete) a cookie in the browser: the session's by default."""
    attributes = f"; Max-Age={max_age}; Path=/; SameSite=Strict"
    components.html(
        "<script>document.cookie = " + json.dumps(f"{name}={value}{attributes}")
        + " + (location.protocol === 'https:' ? '; Secure' : '');</script>", height=0)
