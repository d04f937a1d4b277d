"""Ingest throughput with 1 and 2 `citeqa worker` processes on the shared search engine.

Run: .venv/bin/python scripts/bench_workers.py \\
         --url postgresql+psycopg://postgres@127.0.0.1:5432/postgres [--docs 240] [--workers 1 2]

A real API server that only queues uploads (CITEQA_INGEST_IN_SERVER=false), PostgreSQL with
pgvector as database and search engine (a fresh database per run on the --url server), SciFact
abstracts uploaded as TXT files in jobs of 10; then N workers run the queue until it is empty
(CITEQA_THREADS = cores / N each, so both runs use the whole machine). Prints chunks per second.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.bench_server import signed_in_server  # noqa: E402


def run(url: str, docs: list[tuple[str, str]], workers: int) -> None:
    from backend.adapters.pgvector_search import scratch_database

    with scratch_database(url, "citeqa_workers") as database, tempfile.TemporaryDirectory() as tmp:
        settings = {"CITEQA_DATABASE_URL": database, "CITEQA_SEARCH_ENGINE": "pgvector",
                    "CITEQA_INGEST_IN_SERVER": "false"}
        with signed_in_server(Path(tmp), role="admin", settings=settings) as (http, _):
            jobs = []
            for start in range(0, len(docs), 10):
                files = [("files", (f"{doc_id}.txt", text.encode(), "text/plain"))
                         for doc_id, text in docs[start:start + 10]]
                r = http.post("/documents", files=files)
                r.raise_for_status()
                jobs.append(r.json()["job_id"])
            env = {**os.environ, "CITEQA_DATA_DIR": tmp, **settings,
                   "CITEQA_THREADS": str(max(1, (os.cpu_count() or 2) // workers))}
            t = time.perf_counter()
            procs = [subprocess.Popen([sys.executable, "-m", "backend.cli", "worker",
                                       "--until-empty", "--poll", "0.2"], env=env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for _ in range(workers)]
            for p in procs:
                p.wait()
            seconds = time.perf_counter() - t
            statuses = [http.get(f"/jobs/{j}").json()["status"] for j in jobs]
            chunks = sum(d["chunks"] for d in http.get("/documents").json()["documents"])
            print(f"{workers} worker(s): {len(docs)} documents, {chunks} chunks in {seconds:.1f} s "
                  f"= {chunks / seconds:.1f} chunks/s (jobs: {statuses.count('done')}/{len(jobs)} "
                  f"done; worker start-up included)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", required=True, help="a PostgreSQL server with pgvector")
    ap.add_argument("--docs", type=int, default=240)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--scifact", type=Path, default=ROOT.parent / "shared" / "eval" / "scifact")
    args = ap.parse_args()
    docs = []
    with open(args.scifact / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            docs.append((row["_id"], f"{row['title']}\n\n{row['text']}"))
            if len(docs) == args.docs:
                break
    for n in args.workers:
        run(args.url, docs, n)


if __name__ == "__main__":
    main()
