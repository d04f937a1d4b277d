"""The admins' dashboard figures, from the answer log and the documents."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date, datetime


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def _normalised(question: str) -> str:
    return re.sub(r"[\W_]+", " ", question.lower()).strip()


def _percentile(ordered: list[float], p: int) -> float | None:
    """Nearest rank: a value that occurred, and p95 never below p50."""
    if not ordered:
        return None
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 1)


def dashboard(answers, documents: list[tuple[datetime, int]], since: date) -> dict:
    """``answers``: answer-log rows since ``since``; ``documents``: (added at, chunks) of every
    document. Questions per day (with refused and thumbs-down counts), the shares of refused
    answers and of thumbs down, latency p50/p95, documents and chunks by the day they were
    added, and the questions most often refused: the content gaps to write."""
    per_day: dict[str, Counter] = {}
    latencies, gaps, asked_as = [], Counter(), {}
    for a in answers:
        day = per_day.setdefault(_day(a.created_at), Counter())
        day["questions"] += 1
        day["refused"] += bool(a.refused)
        day["thumbs_down"] += a.rating is not None and a.rating < 0
        if a.timings.get("total"):
            latencies.append(a.timings["total"])
        if a.refused:
            key = _normalised(a.search_query or a.question)
            gaps[key] += 1
            asked_as.setdefault(key, a.search_query or a.question)
    total = sum(d["questions"] for d in per_day.values())
    latencies.sort()
    growth, documents_so_far, chunks_so_far = [], 0, 0
    for added, chunks in sorted(documents):
        documents_so_far += 1
        chunks_so_far += chunks
        if growth and growth[-1]["day"] == _day(added):
            growth[-1].update(documents=documents_so_far, chunks=chunks_so_far)
        else:
            growth.append({"day": _day(added), "documents": documents_so_far, "chunks": chunks_so_far})
    return {
        "since": since.isoformat(),
        "questions": total,
        "refused_share": round(sum(d["refused"] for d in per_day.values()) / total, 3) if total else 0.0,
        "thumbs_down_share": round(sum(d["thumbs_down"] for d in per_day.values()) / total, 3)
        if total else 0.0,
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
        "per_day": [{"day": day, **{k: c[k] for k in ("questions", "refused", "thumbs_down")}}
                    for day, c in sorted(per_day.items())],
        "collection": growth,
        "content_gaps": [{"question": asked_as[key], "times": n} for key, n in gaps.most_common(10)],
    }
