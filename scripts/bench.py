"""Benchmark on the sample corpus: ingest time, /query latency over HTTP, retrieval and answers.

Run: .venv/bin/python scripts/bench.py [--passes 3] [--json out.json]
Starts its own server on a fresh temporary data dir; nothing else needs to be running.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.bench_server import signed_in_server  # noqa: E402
from tests.conftest import sample_questions  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--passes", type=int, default=3, help="times each question is asked")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="citeqa-bench-"))
    env = {**os.environ, "CITEQA_DATA_DIR": str(data_dir)}
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "ingest", str(ROOT / "data" / "samples")],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    ingest_wall = time.perf_counter() - t0
    ingest_line = next(line for line in out.stderr.splitlines() if line.startswith("files:"))
    ingest_seconds = float(ingest_line.rsplit("seconds:", 1)[1])
    with signed_in_server(data_dir) as (http, startup):
        report = run_questions(http, args.passes)
    report.update(ingest_seconds=ingest_seconds, ingest_wall_seconds=round(ingest_wall, 1),
                  server_startup_seconds=round(startup, 1))
    print_report(report, ingest_line)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))


def run_questions(http, passes: int) -> dict:
    groups: dict[str, dict] = {}
    query_ms, search_ms = [], []
    for q in sample_questions():
        g = groups.setdefault(q["lang"], {"n": 0, "hit@1": 0, "hit@3": 0, "answer_ok": 0,
                                          "modes": {}})
        g["n"] += 1
        t = time.perf_counter()
        results = http.post("/search", json={"query": q["question"], "top_k": 3}).json()["results"]
        search_ms.append((time.perf_counter() - t) * 1000)
        hits = [r for r in results if r["filename"] in q["documents"]
                and any(a in r["text"] for a in q["answers"])]
        g["hit@1"] += bool(hits) and results[0] in hits
        g["hit@3"] += bool(hits) or (not q["documents"] and not results)
        for _ in range(passes):
            t = time.perf_counter()
            body = http.post("/query", json={"question": q["question"]}).json()
            query_ms.append((time.perf_counter() - t) * 1000)
        cited = {c["filename"] for c in body["citations"]}
        if q["documents"]:
            ok = any(a in body["answer"] for a in q["answers"]) and bool(cited & set(q["documents"]))
        else:
            ok = not body["citations"] and "do not cover" in body["answer"]
        g["answer_ok"] += ok
        g["modes"][body["mode"]] = g["modes"].get(body["mode"], 0) + 1
    return {
        "groups": groups,
        "query_ms": {"p50": round(statistics.median(query_ms)),
                     "p95": round(statistics.quantiles(query_ms, n=20)[18]),
                     "n": len(query_ms)},
        "search_ms": {"p50": round(statistics.median(search_ms), 1)},
    }


def print_report(r: dict, ingest_line: str) -> None:
    print(f"ingest (data/samples): {ingest_line}")
    print(f"  wall time incl. model load: {r['ingest_wall_seconds']} s; "
          f"server startup: {r['server_startup_seconds']} s")
    print(f"/query latency over HTTP: p50 {r['query_ms']['p50']} ms, p95 {r['query_ms']['p95']} ms "
          f"({r['query_ms']['n']} requests); /search p50 {r['search_ms']['p50']} ms")
    print(f"{'group':10} {'n':>3} {'hit@1':>6} {'hit@3':>6} {'answer ok':>10}  modes")
    for name, g in r["groups"].items():
        print(f"{name:10} {g['n']:>3} {g['hit@1']:>6} {g['hit@3']:>6} {g['answer_ok']:>10}  {g['modes']}")


if __name__ == "__main__":
    main()
