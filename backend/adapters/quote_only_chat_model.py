"""No language model: every answer is the quote of the source sentence that best matches the
question (``CITEQA_ANSWER_MODE=quote``).

The answer pipeline already replaces a model answer that its passages do not support, or that
rests on another sentence than the best-matching one, by that sentence quoted; with the default
135M model the model's own text was the final answer for 11 of the public sets' 524 questions
(README, *Answer speed*). Saying nothing makes every answer such a quote (or a refusal): no
model file, no model memory, and the answer as soon as retrieval is done.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator


class QuoteOnlyChatModel:
    name = "none (quoted sources)"
    # every retrieved passage is read for the quote: no prompt has to fit a context window
    context_window = 1 << 30

    def count_tokens(self, text: str) -> int:
        return len(text) // 4 + 1

    def stream(self, messages: list[dict[str, str]], max_tokens: int,
               cancel: threading.Event | None = None) -> Iterator[str]:
        return iter(())
