"""Question/answer files against the live store: retrieval hits and, with ``generate``, trust.

A row: ``{"question", "answers": [...], "documents": [...], "lang" or "group",
"unanswerable": bool, "history": ["earlier question", ...] or [{role, content}, ...]}``.
A row without answers (or marked unanswerable) expects a refusal.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from backend.container import Container
from backend.rag.answer import Final
from backend.rag.followup import Turn


def load_qa(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                row = json.loads(line)
                if "question" not in row:
                    raise ValueError(f"{path}:{n}: no 'question'")
                rows.append(row)
    return rows


def history_of(row: dict) -> list[Turn]:
    turns = []
    for t in row.get("history", []):
        turns.append(Turn("user", t) if isinstance(t, str) else Turn(t["role"], t["content"]))
    return turns


def answerable(row: dict) -> bool:
    return bool(row.get("answers")) and not row.get("unanswerable", False)


def holds(text: str, answers: list[str]) -> bool:
    low = text.lower()
    return any(a.lower() in low for a in answers)


def run_qa(c: Container, rows: list[dict], k: int = 5, generate: bool = False,
           progress=None) -> dict:
    """Per group (the row's ``group``, else ``lang``, else "all"):

    - hit@1, hit@k: a retrieved passage from ``documents`` (any, if none listed) holds an answer
      (unanswerable rows: nothing retrieved);
    - with ``generate``, through the answer pipeline: answer accuracy (an expected answer in the
      answer, answerable rows), citation precision (cited passages holding an expected answer),
      wrongful refusals (answerable rows refused), unanswerable answered (rows without the fact
      that got a cited answer), follow-up accuracy (rows with ``history``), time to first token
      and total time (p50/p95, ms).

    ``questions`` lists each row's outcome (what was searched, the rank of the first passage
    holding an answer, and with ``generate`` the answer, its mode and sources, right or not), so
    a failing figure can be traced to the questions behind it.
    """
    groups: dict[str, dict] = {}
    outcomes: list[dict] = []
    skipped = [row for row in rows if row.get("needs_review")]  # exported feedback not yet filled in
    rows = [row for row in rows if not row.get("needs_review")]
    for n, row in enumerate(rows, start=1):
        name = row.get("group") or row.get("lang") or "all"
        g = groups.setdefault(name, {"n": 0, "answerable": 0, "unanswerable": 0, "hit@1": 0,
                                     f"hit@{k}": 0, "_ttft": [], "_total": [], "_cited": 0,
                                     "_cited_ok": 0, "_followups": 0})
        g["n"] += 1
        history = history_of(row)
        search = c.answers.rewrite(row["question"], history).search
        chunks = c.retriever.retrieve(search, k).chunks
        answers, docs = row.get("answers", []), set(row.get("documents", []))
        outcome = {"group": name, "question": row["question"], "search_query": search,
                   "retrieved": [s.chunk.filename for s in chunks]}
        if answerable(row):
            g["answerable"] += 1
            hits = [i for i, s in enumerate(chunks)
                    if (not docs or s.chunk.filename in docs) and holds(s.chunk.text, answers)]
            g["hit@1"] += bool(hits) and hits[0] == 0
            g[f"hit@{k}"] += bool(hits)
            outcome["hit_rank"] = hits[0] + 1 if hits else None
        else:
            g["unanswerable"] += 1
            g["hit@1"] += not chunks
            g[f"hit@{k}"] += not chunks
        if generate:
            outcome.update(_generate(c, row, history, k, g))
        outcomes.append(outcome)
        if progress:
            progress("qa", n, len(rows))
    return {"k": k, "groups": {name: _summary(g, k, generate) for name, g in groups.items()},
            "skipped_needs_review": len(skipped), "questions": outcomes}


def _generate(c: Container, row: dict, history: list[Turn], k: int, g: dict) -> dict:
    """Answer ``row`` through the pipeline, count it into ``g``; its outcome."""
    answers = row.get("answers", [])
    t0, first, final = time.perf_counter(), None, None
    for event in c.answers.stream(row["question"], k, history=history):
        first = first or time.perf_counter()
        if isinstance(event, Final):
            final = event.answer
    end = time.perf_counter()
    ttft = ((first or end) - t0) * 1000
    g["_ttft"].append(ttft)
    g["_total"].append((end - t0) * 1000)
    refused = not final.citations
    outcome = {"answer": final.answer, "mode": final.mode, "refused": refused,
               "cited": [{"filename": x.chunk.filename, "page": x.chunk.page,
                          "holds_answer": holds(x.chunk.text, answers)} for x in final.citations],
               "ttft_ms": round(ttft)}
    if answerable(row):
        correct = holds(final.answer, answers)
        outcome["correct"] = correct
        g["answer_accuracy"] = g.get("answer_accuracy", 0) + correct
        g["wrongful_refusals"] = g.get("wrongful_refusals", 0) + refused
        g["_cited"] += len(final.citations)
        g["_cited_ok"] += sum(holds(x.chunk.text, answers) for x in final.citations)
        if history:
            g["_followups"] += 1
            g["followup_accuracy"] = g.get("followup_accuracy", 0) + correct
    else:
        g["unanswerable_answered"] = g.get("unanswerable_answered", 0) + (not refused)
    return outcome


def _summary(g: dict, k: int, generate: bool) -> dict:
    out = {"n": g["n"], "answerable": g["answerable"], "unanswerable": g["unanswerable"]}
    out["hit@1"] = round(g["hit@1"] / g["n"], 3)
    out[f"hit@{k}"] = round(g[f"hit@{k}"] / g["n"], 3)
    if not generate:
        return out
    for key, base in (("answer_accuracy", g["answerable"]), ("wrongful_refusals", g["answerable"]),
                      ("unanswerable_answered", g["unanswerable"]),
                      ("followup_accuracy", g["_followups"])):
        if base:
            out[key] = round(g.get(key, 0) / base, 3)
    if g["_cited"]:
        out["citation_precision"] = round(g["_cited_ok"] / g["_cited"], 3)
    for key in ("ttft", "total"):
        xs = g[f"_{key}"]
        out[f"{key}_ms_p50"] = round(statistics.median(xs))
        out[f"{key}_ms_p95"] = round(statistics.quantiles(xs, n=20)[18]) if len(xs) > 1 else round(xs[0])
    return out
