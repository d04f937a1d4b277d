"""A GGUF chat model through llama-cpp-python."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path


class LlamaCppChatModel:
    def __init__(self, model_path: Path, context_window: int, threads: int, temperature: float) -> None:
        if not Path(model_path).is_file():
            raise FileNotFoundError(
                f"LLM file {model_path} not found: run scripts/install.sh, or set CITEQA_LLM_MODEL_PATH"
            )
        from llama_cpp import Llama

        self._llm = Llama(model_path=str(model_path), n_ctx=context_window, n_threads=threads,
                          verbose=False)
        self._temperature = temperature
        self._lock = threading.Lock()  # one llama context serves one generation at a time
        self.name = Path(model_path).name
        self.context_window = context_window

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        with self._lock:
            for part in self._llm.create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=self._temperature,
                repeat_penalty=1.1, stream=True,
            ):
                text = part["choices"][0]["delta"].get("content")
                if text:
                    yield text
