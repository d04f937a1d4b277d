"""``citeqa eval`` end to end on small data: a generated BEIR folder and the sample QA file."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLES

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


def citeqa(args, tmp_path):
    env = {**os.environ, "CITEQA_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
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
