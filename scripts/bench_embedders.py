"""Speed and agreement of the ways to run the embedding model (CITEQA_EMBEDDER).

Run: .venv/bin/python scripts/bench_embedders.py [--docs 512]
Encodes the first N SciFact abstracts (256 word pieces at most) and one claim, per runtime.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from backend.container import Container  # noqa: E402
from backend.settings import Settings  # noqa: E402

CORPUS = ROOT.parent / "shared" / "eval" / "scifact" / "corpus.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=512)
    args = ap.parse_args()
    docs = []
    with open(CORPUS, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            docs.append(f"{d['title']} {d['text']}")
            if len(docs) == args.docs:
                break
    query = "Vitamin D deficiency is associated with multiple sclerosis."
    reference = None
    print(f"{len(docs)} SciFact abstracts, 2 threads")
    for runtime in ("sentence-transformers", "onnx", "onnx-int8"):
        with tempfile.TemporaryDirectory() as tmp:  # "onnx" may export into models_dir
            models = Settings().models_dir if runtime == "onnx-int8" else Path(tmp)
            e = Container(Settings(embedder=runtime, models_dir=models, threads=2)).embedder
            e.embed(docs[:32])  # warm up
            t = time.perf_counter()
            vectors = e.embed(docs)
            rate = len(docs) / (time.perf_counter() - t)
            times = []
            for _ in range(50):
                t = time.perf_counter()
                e.embed([query])
                times.append((time.perf_counter() - t) * 1000)
        reference = vectors if reference is None else reference
        cos = (vectors * reference).sum(axis=1)
        print(f"{runtime:22} {rate:6.1f} abstracts/s   query p50 {statistics.median(times):5.1f} ms"
              f"   cosine to torch mean {cos.mean():.4f} min {np.min(cos):.4f}")


if __name__ == "__main__":
    main()
