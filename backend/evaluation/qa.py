"""Question/answer files against the live store: hit@k of an answer-bearing passage, answer accuracy."""

from __future__ import annotations

import json
from pathlib import Path

from backend.container import Container


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


def run_qa(c: Container, rows: list[dict], k: int = 5, generate: bool = False,
           progress=None) -> dict:
    """Per group (the row's ``lang``, or "all"): hit@1, hit@k and, with ``generate``, accuracy.

    A hit is a retrieved passage from one of ``documents`` (any, if none listed) containing one of
    ``answers``. Rows without answers expect nothing to be retrieved (and a refusal).
    """
    groups: dict[str, dict] = {}
    for n, row in enumerate(rows, start=1):
        g = groups.setdefault(row.get("lang", "all"), {"n": 0, "hit@1": 0, f"hit@{k}": 0})
        g["n"] += 1
        chunks = c.retriever.retrieve(row["question"], k).chunks
        answers, docs = row.get("answers", []), set(row.get("documents", []))
        if answers:
            hits = [i for i, s in enumerate(chunks)
                    if (not docs or s.chunk.filename in docs) and any(a in s.chunk.text for a in answers)]
            g["hit@1"] += bool(hits) and hits[0] == 0
            g[f"hit@{k}"] += bool(hits)
        else:
            g["hit@1"] += not chunks
            g[f"hit@{k}"] += not chunks
        if generate:
            a = c.answers.answer(row["question"], k)
            ok = (any(x in a.answer for x in answers) if answers else not a.citations)
            g["answer_accuracy"] = g.get("answer_accuracy", 0) + ok
        if progress:
            progress("qa", n, len(rows))
    for g in groups.values():
        for key in [key for key in g if key != "n"]:
            g[key] = round(g[key] / g["n"], 3)
    return {"k": k, "groups": groups}
