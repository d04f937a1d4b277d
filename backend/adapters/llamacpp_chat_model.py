"""A GGUF chat model through llama-cpp-python."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path


class LlamaCppChatModel:
    def __init__(self, model_path: Path, context_window: int, threads: int, temperature: float) -> None:
        if not Path(model_path).is_file():
            raise FileNotFoundError(
                f"LLM file {model_path} not found: run scripts/install.sh, or set CITEQA_LLM_MODEL_PATH"
            )
        import llama_cpp
        from llama_cpp import Llama

        self._llm = Llama(model_path=str(model_path), n_ctx=context_window, n_threads=threads,
                          verbose=False)
        self._temperature = temperature
        self._lock = threading.Lock()  # one llama context serves one generation at a time
        self._cancel: threading.Event | None = None
        # llama.cpp asks between graph nodes whether to stop, so a cancelled question frees the
        # model within milliseconds even in the middle of evaluating a long prompt (seconds)
        self._abort = llama_cpp.ggml_abort_callback(self._should_abort)  # kept: C holds a pointer
        llama_cpp.llama_set_abort_callback(self._llm._ctx.ctx, self._abort, None)
        self.name = Path(model_path).name
        self.context_window = context_window

    def _should_abort(self, _data) -> bool:
        cancel = self._cancel
        return cancel is not None and cancel.is_set()

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(self, messages: list[dict[str, str]], max_tokens: int,
               cancel: threading.Event | None = None) -> Iterator[str]:
        cancel = cancel or threading.Event()
        with self._lock:
            if cancel.is_set():
                return
            self._cancel = cancel
            try:
                parts = self._llm.create_chat_completion(
                    messages=messages, max_tokens=max_tokens, temperature=self._temperature,
                    repeat_penalty=1.1, stream=True,
                )
                with contextlib.closing(parts):
                    for part in parts:
                        if cancel.is_set():
                            return
                        text = part["choices"][0]["delta"].get("content")
                        if text:
                            yield text
            except RuntimeError:
                if not cancel.is_set():  # llama_decode returns 2 when we aborted it: not an error
                    raise
            finally:
                self._cancel = None
