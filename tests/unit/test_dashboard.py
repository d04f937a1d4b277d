"""The dashboard's figures from answer-log rows (pure logic; the API test uses the real log)."""

from datetime import date, datetime, timezone
from types import SimpleNamespace

from backend.rag.dashboard import dashboard


def row(day: int, question: str, refused=False, rating=None, total=1000.0):
    return SimpleNamespace(created_at=datetime(2026, 11, day, 9, tzinfo=timezone.utc),
                           question=question, search_query=question, refused=refused,
                           rating=rating, timings={"total": total})


def test_questions_refusals_feedback_latency_gaps_and_growth():
    answers = [row(1, "Hotel limit?", total=800), row(1, "Parking price?", refused=True, total=200),
               row(2, "parking  price", refused=True, total=300), row(2, "Leave days?", rating=-1),
               row(2, "Gym hours?", refused=True, rating=1, total=100)]
    documents = [(datetime(2026, 10, 30, tzinfo=timezone.utc), 5),
                 (datetime(2026, 11, 2, 8, tzinfo=timezone.utc), 3),
                 (datetime(2026, 11, 2, 9, tzinfo=timezone.utc), 2)]
    d = dashboard(answers, documents, date(2026, 11, 1))
    assert d["questions"] == 5 and d["refused_share"] == 0.6 and d["thumbs_down_share"] == 0.2
    assert d["latency_ms"] == {"p50": 300.0, "p95": 1000.0}  # nearest rank of 5
    assert d["per_day"] == [{"day": "2026-11-01", "questions": 2, "refused": 1, "thumbs_down": 0},
                            {"day": "2026-11-02", "questions": 3, "refused": 2, "thumbs_down": 1}]
    # the same question in other words and case counts once, most frequent first
    assert d["content_gaps"] == [{"question": "Parking price?", "times": 2},
                                 {"question": "Gym hours?", "times": 1}]
    assert d["collection"] == [{"day": "2026-10-30", "documents": 1, "chunks": 5},
                               {"day": "2026-11-02", "documents": 3, "chunks": 10}]


def test_p95_is_never_below_p50():
    d = dashboard([row(1, "a", total=6200), row(1, "b", total=1600)], [], date(2026, 11, 1))
    assert d["latency_ms"] == {"p50": 1600.0, "p95": 6200.0}


def test_an_empty_period():
    d = dashboard([], [], date(2026, 11, 1))
    assert d["questions"] == 0 and d["refused_share"] == 0.0
    assert d["latency_ms"] == {"p50": None, "p95": None} and d["content_gaps"] == []
