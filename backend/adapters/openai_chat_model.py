"""A chat model behind an OpenAI-compatible HTTP server (llama.cpp's server, vLLM, ...).

The model runs on its own machine (a GPU server shared by every API replica); this adapter
streams its answer over Server-Sent Events, counts tokens with the server's own tokenizer
(so prompt packing matches what the server sees), retries what failed before an answer
started, and closes the stream when the asker has gone, which tells the server to stop.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Iterator

import httpx
from httpx_sse import connect_sse

from backend.ports import ModelUnavailable

log = logging.getLogger(__name__)


class ChatServerError(ModelUnavailable):
    """The LLM server failed or answered with an error."""


class OpenAICompatChatModel:
    def __init__(self, base_url: str, model: str, api_key: str | None, context_window: int,
                 temperature: float, timeout_seconds: float, retries: int) -> None:
        self._base = base_url.rstrip("/").removesuffix("/v1")
        self._model = model
        self._temperature = temperature
        self._retries = retries
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # connect retries at the transport; a read timeout bounds a stalled stream
        self._client = httpx.Client(
            headers=headers, transport=httpx.HTTPTransport(retries=retries),
            timeout=httpx.Timeout(timeout_seconds, connect=min(10.0, timeout_seconds)))
        self.context_window = context_window
        self.name = model or self._served_model()
        self._tokenize_route: str | None = None

    def _served_model(self) -> str:
        try:
            r = self._client.get(f"{self._base}/v1/models")
            r.raise_for_status()
            return r.json()["data"][0]["id"]
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
            raise ChatServerError(f"LLM server at {self._base} did not list its model: {exc}") from exc

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one model object per process; prompts repeat pieces
    def count_tokens(self, text: str) -> int:
        if not text:
            return 0
        for route, body, read in self._tokenizers(text):
            if self._tokenize_route not in (None, route):
                continue  # the route that answered first, or none once none did
            try:
                r = self._client.post(f"{self._base}{route}", json=body)
                if r.status_code == 200:
                    self._tokenize_route = route
                    return read(r.json())
            except (httpx.HTTPError, KeyError, ValueError):
                pass
        # no tokenize route: ~3 bytes a token errs on the side of a shorter prompt
        self._tokenize_route = "estimate"
        return len(text.encode("utf-8")) // 3 + 1

    def _tokenizers(self, text: str):
        # llama-cpp-python's server, then vLLM's and llama.cpp's own server
        yield ("/extras/tokenize", {"input": text, "model": self._model or None},
               lambda body: len(body["tokens"]))
        yield ("/tokenize", {"model": self._model, "prompt": text, "content": text,
                             "add_special_tokens": False},
               lambda body: body.get("count", len(body["tokens"])))

    def stream(self, messages: list[dict[str, str]], max_tokens: int,
               cancel: threading.Event | None = None) -> Iterator[str]:
        cancel = cancel or threading.Event()
        body = {"messages": messages, "max_tokens": max_tokens, "temperature": self._temperature,
                "stream": True}
        if self._model:
            body["model"] = self._model
        for attempt in range(self._retries + 1):
            started = False
            try:
                with connect_sse(self._client, "POST", f"{self._base}/v1/chat/completions",
                                 json=body) as source:
                    if source.response.status_code != 200:
                        source.response.read()
                        raise ChatServerError(f"LLM server answered {source.response.status_code}: "
                                              f"{source.response.text[:200]}")
                    for event in source.iter_sse():
                        if cancel.is_set():
                            return  # leaving the block closes the connection: the server stops
                        if event.data.strip() == "[DONE]":
                            return
                        text = _delta(event.data)
                        if text:
                            started = True
                            yield text
                return
            except (httpx.TransportError, ChatServerError) as exc:
                # an answer already shown cannot be restarted; before that, try again
                if started or cancel.is_set() or attempt == self._retries:
                    raise ChatServerError(f"LLM server at {self._base}: {exc}") from exc
                log.warning("LLM server call failed (%s), retrying", exc)
                time.sleep(0.5 * (attempt + 1))


def _delta(data: str) -> str | None:
    try:
        choice = json.loads(data)["choices"][0]
    except (ValueError, KeyError, IndexError):
        return None
    return (choice.get("delta") or {}).get("content")
