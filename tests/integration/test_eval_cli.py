"""``citeqa eval`` end to end on small data: a generated BEIR folder and the sample QA file."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLES, PostgresCluster, pgvector_binaries

pytestmark = pytest.mark.slow

TOPICS = {
    "hotel": "The hotel limit is 180 euros per night for business trips.",
    "mileage": "Employees using their own car receive 0.30 euros per kilometre driven.",
    "leave": "Every employee receives 25 days of paid annual leave each calendar year.",
    "parental": "Parents receive sixteen weeks of paid parental leave after a birth.",
    "vpn": "Connect to the VPN with the Halden client and multi-factor authentication.",
    "canteen": "The canteen serves a free vegetarian lunch on weekdays at noon.",
}
QUERIES = {"q1": "hotel cost per night", "q2": "paid parental leave weeks",
           "q3": "how do I connect to the vpn", "q4": "free lunch in the canteen"}
QRELS = {"q1": "hotel", "q2": "parental", "q3": "vpn", "q4": "canteen"}


def write_beir(folder):
    (folder / "qrels").mkdir(parents=True)
    with open(folder / "corpus.jsonl", "w") as fh:
        for doc_id, text in TOPICS.items():
            fh.write(json.dumps({"_id": doc_id, "title": doc_id.title(), "text": text}) + "\n")
    with open(folder / "queries.jsonl", "w") as fh:
        for qid, text in QUERIES.items():
            fh.write(json.dumps({"_id": qid, "text": text}) + "\n")
    rows = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{d}\t1" for q, d in QRELS.items()]
    (folder / "qrels" / "test.tsv").write_text("\n".join(rows) + "\n")


def citeqa(args, tmp_path, **settings):
    env = {**os.environ, "CITEQA_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200", **settings}
    return subprocess.run([sys.executable, "-m", "backend.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_eval_beir_reports_every_mode_as_table_and_json(tmp_path):
    write_beir(tmp_path / "mini")
    out = tmp_path / "result.json"
    r = citeqa(["eval", "--beir", str(tmp_path / "mini"), "--json", str(out),
                "--cache", str(tmp_path / "cache")], tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    assert report["dataset"] == "mini" and report["split"] == "test"
    assert set(report["modes"]) == {"bm25", "dense", "hybrid", "hybrid+rerank"}
    for metrics in report["modes"].values():
        assert set(metrics) == {"ndcg@10", "recall@10", "recall@100", "mrr@10"}
        assert metrics["recall@10"] == 1.0  # six documents: every judged one is in the top 10
    assert report["modes"]["hybrid"]["mrr@10"] >= 0.75
    assert {"index", "bm25", "dense", "hybrid"} <= set(report["seconds"])
    assert "hybrid+rerank" in r.stdout and "ndcg@10" in r.stdout
    assert list((tmp_path / "cache").glob("embeddings-*.npz"))  # a second run skips encoding


def test_eval_beir_on_the_search_engine_ranks_alike_and_leaves_the_live_engine_alone(tmp_path):
    """With CITEQA_SEARCH_ENGINE=pgvector the corpus is indexed in a scratch database of the
    engine's server, dropped afterwards; the live engine's tables are not touched."""
    import sqlalchemy

    write_beir(tmp_path / "mini")
    cluster = PostgresCluster(pgvector_binaries())
    try:
        live = cluster.database_for(tmp_path / "live")
        engine = {"CITEQA_SEARCH_ENGINE": "pgvector", "CITEQA_SEARCH_URL": live}
        local, remote = tmp_path / "local.json", tmp_path / "engine.json"
        for out, settings in ((local, {}), (remote, engine)):
            r = citeqa(["eval", "--beir", str(tmp_path / "mini"), "--json", str(out),
                        "--cache", str(tmp_path / "cache"), "--modes", "bm25,dense,hybrid"],
                       tmp_path, **settings)
            assert r.returncode == 0, r.stderr
        want, got = json.loads(local.read_text()), json.loads(remote.read_text())
        for mode in ("bm25", "dense", "hybrid"):
            assert got["modes"][mode]["ndcg@10"] == pytest.approx(want["modes"][mode]["ndcg@10"],
                                                                   abs=1e-6)
        server = sqlalchemy.create_engine(cluster.url())
        with server.connect() as conn:
            names = {r[0] for r in conn.exec_driver_sql("SELECT datname FROM pg_database")}
        server.dispose()
        assert not [n for n in names if n.startswith("citeqa_eval_")]  # the scratch one is gone
        live_db = sqlalchemy.create_engine(live)
        with live_db.connect() as conn:  # nothing was written next to the live data
            assert not {r[0] for r in conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        live_db.dispose()
    finally:
        cluster.stop()


def test_eval_qa_measures_hit_at_k_on_the_live_store(tmp_path):
    ingest = subprocess.run([sys.executable, "-m", "ingest", str(SAMPLES)], cwd=ROOT,
                            env={**os.environ, "CITEQA_DATA_DIR": str(tmp_path / "data")},
                            capture_output=True, timeout=600)
    assert ingest.returncode == 0
    out = tmp_path / "qa.json"
    r = citeqa(["eval", "--qa", str(SAMPLES / "questions.jsonl"), "--json", str(out)], tmp_path)
    assert r.returncode == 0, r.stderr
    groups = json.loads(out.read_text())["groups"]
    assert groups["en"]["hit@5"] == 1.0 and groups["zh"]["hit@5"] == 1.0
    assert groups["off-topic"]["hit@5"] == 1.0  # nothing retrieved for off-topic questions


def test_eval_needs_exactly_one_source(tmp_path):
    assert citeqa(["eval"], tmp_path).returncode == 2


def test_eval_qa_generate_reports_trust_metrics(tmp_path):
    """Answerable, unanswerable and follow-up rows through the real models: the trust metrics."""
    ingest = subprocess.run([sys.executable, "-m", "ingest", str(SAMPLES)], cwd=ROOT,
                            env={**os.environ, "CITEQA_DATA_DIR": str(tmp_path / "data")},
                            capture_output=True, timeout=600)
    assert ingest.returncode == 0
    rows = [
        {"question": "What is our travel reimbursement limit?", "answers": ["2,500"], "group": "t"},
        {"question": "出差期间每天的餐费补贴是多少？", "answers": ["一百五十"], "group": "t"},
        {"question": "What is the capital of Mongolia?", "unanswerable": True, "group": "t"},
        {"question": "And for mileage?", "answers": ["0.30"], "group": "t",
         "history": ["What is our travel reimbursement limit?"]},
    ]
    qa = tmp_path / "trust.jsonl"
    qa.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "trust.json"
    r = citeqa(["eval", "--qa", str(qa), "--generate", "--json", str(out)], tmp_path)
    assert r.returncode == 0, r.stderr
    g = json.loads(out.read_text())["groups"]["t"]
    assert (g["n"], g["answerable"], g["unanswerable"]) == (4, 3, 1)
    for key in ("answer_accuracy", "citation_precision", "wrongful_refusals",
                "unanswerable_answered", "followup_accuracy"):
        assert 0.0 <= g[key] <= 1.0, key
    assert g["unanswerable_answered"] == 0.0  # nothing about Mongolia: refused
    assert g["answer_accuracy"] >= 2 / 3 and g["citation_precision"] > 0
    assert 0 < g["ttft_ms_p50"] <= g["total_ms_p50"]
    assert "answer_accuracy" in r.stdout and "ttft_ms_p50" in r.stdout
    # each question's outcome, to trace a figure to its questions
    questions = json.loads(out.read_text())["questions"]
    assert [q["question"] for q in questions] == [row["question"] for row in rows]
    mongolia, mileage = questions[2], questions[3]
    assert mongolia["refused"] and mongolia["cited"] == [] and "correct" not in mongolia
    assert mileage["search_query"] != mileage["question"]  # the follow-up, made standalone
    for q in (questions[0], questions[1], questions[3]):
        assert q["hit_rank"] is None or 1 <= q["hit_rank"] <= 5
        assert q["correct"] == ("2,500" in q["answer"] or "一百五十" in q["answer"]
                                or "0.30" in q["answer"])
        assert q["refused"] == (not q["cited"]) and q["ttft_ms"] > 0
    assert sum(q["correct"] for q in questions if "correct" in q) == round(g["answer_accuracy"] * 3)
