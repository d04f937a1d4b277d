"""Time to first token of the chat model on XQuAD passages (public Wikipedia text).

Each question gets five passages as retrieval would give them: its own paragraph and four
other paragraphs of the same article (the gold one at a rotating rank), about 1,000 prompt
tokens as whole passages. Prints TTFT and total p50/p95, prompt tokens, and how often the
answer holds the gold answer (a quality check when comparing quantizations).

Run: .venv/bin/python scripts/bench_ttft.py [--model FILE ...] [--evidence-chars N] [-n 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from backend.domain import ChunkRecord  # noqa: E402
from backend.rag.prompt import build_messages  # noqa: E402
from backend.settings import Settings  # noqa: E402

XQUAD = ROOT.parent / "shared" / "eval" / "xquad_en" / "xquad.en.json"


def cases(n: int, path: Path = XQUAD):
    """(question, gold answers, five passages) for every k-th question, deterministic."""
    articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    flat = []
    for a in articles:
        paragraphs = [p["context"] for p in a["paragraphs"]]
        for pi, p in enumerate(a["paragraphs"]):
            for qa in p["qas"]:
                flat.append((a["title"], paragraphs, pi, qa))
    step = max(1, len(flat) // n)
    for k, (title, paragraphs, pi, qa) in enumerate(flat[::step][:n]):
        others = [p for j, p in enumerate(paragraphs) if j != pi][:4]
        passages = others[:]
        passages.insert(k % (len(others) + 1), paragraphs[pi])
        chunks = [ChunkRecord(i, i, f"{title}.txt", text, None, None, 0)
                  for i, text in enumerate(passages)]
        yield qa["question"], [x["text"] for x in qa["answers"]], chunks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, action="append", help="GGUF file(s); default: the setting")
    ap.add_argument("--evidence-tokens", type=int, action="append",
                    help="evidence window per passage in tokens (0: whole passages); default: the "
                         "setting")
    ap.add_argument("-n", type=int, default=40, help="questions")
    args = ap.parse_args()
    from backend.adapters.llamacpp_chat_model import LlamaCppChatModel

    s = Settings()
    for model_path in args.model or [s.llm_model_path]:
        model = LlamaCppChatModel(model_path, s.llm_context_window, s.threads, s.llm_temperature)
        for tokens in args.evidence_tokens or [s.evidence_tokens]:
            run(model, model_path, tokens, args.n, s)


def run(model, model_path: Path, evidence_tokens: int, n: int, s: Settings) -> None:
    ttft, total, prompt_tokens, correct = [], [], [], 0
    budget = model.context_window - s.llm_max_answer_tokens
    list(model.stream([{"role": "user", "content": "Hi"}], 1))  # load weights into the cache
    for question, answers, chunks in cases(n):
        messages, _ = build_messages(question, chunks, model.count_tokens, budget, evidence_tokens)
        prompt_tokens.append(sum(model.count_tokens(m["content"]) for m in messages))
        t = time.perf_counter()
        first, parts = None, []
        for piece in model.stream(messages, s.llm_max_answer_tokens):
            first = first or time.perf_counter()
            parts.append(piece)
        end = time.perf_counter()
        ttft.append(((first or end) - t) * 1000)
        total.append((end - t) * 1000)
        correct += any(a.lower() in "".join(parts).lower() for a in answers)
    q = lambda xs, p: round(statistics.quantiles(xs, n=20)[p]) if len(xs) > 1 else round(xs[0])  # noqa: E731
    print(f"{model_path.name:40} evidence_tokens={evidence_tokens:<5} prompt tokens mean "
          f"{statistics.mean(prompt_tokens):.0f} | TTFT p50 {statistics.median(ttft):.0f} ms "
          f"p95 {q(ttft, 18)} ms | total p50 {statistics.median(total):.0f} ms p95 {q(total, 18)} ms "
          f"| gold answer in answer {correct}/{n}", flush=True)


if __name__ == "__main__":
    main()
