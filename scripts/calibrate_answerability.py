"""Fit the answerability decision on public data and choose its operating point.

Input: a QA file with answerable and unanswerable rows (scripts/make_trust_sets.py) whose
documents are ingested in CITEQA_DATA_DIR. Each row is retrieved with the real pipeline;
its features (backend/rag/answerability.py) and label (answerable or not) are collected.
Rows are split in half by a hash of the question: a logistic model is fitted on one half,
the threshold is the highest one whose wrongful refusals on that half stay within
--max-wrongful in every group of answerable questions (plain, follow-up, RGB), and both
halves' figures are reported (the held-out half is the honest one).

Run: CITEQA_DATA_DIR=/tmp/trust .venv/bin/python scripts/calibrate_answerability.py \
        data/eval-trust/trust.jsonl [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from backend.container import Container  # noqa: E402
from backend.evaluation.qa import answerable, history_of, load_qa  # noqa: E402
from backend.rag.answerability import FEATURES, MODEL_FILE, features  # noqa: E402
from backend.rag.citations import terms  # noqa: E402
from backend.rag.followup import rewrite  # noqa: E402
from backend.settings import Settings  # noqa: E402


def collect(rows: list[dict], top_k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    c = Container(Settings())
    xs, ys, retrieved, groups = [], [], [], []
    for row in rows:
        asked = rewrite(row["question"], history_of(row))
        chunks = c.retriever.retrieve(asked.search, top_k).chunks
        alternatives = c.lexicon.alternatives(asked.search, terms) if c.lexicon else {}
        xs.append(features(asked.search, chunks, asked.focus, alternatives))
        ys.append(1.0 if answerable(row) else 0.0)
        retrieved.append(bool(chunks))
        groups.append(row.get("group", "all"))
    return np.array(xs), np.array(ys), np.array(retrieved), groups


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01) -> tuple[np.ndarray, float]:
    def loss(theta):
        z = x @ theta[:-1] + theta[-1]
        p = 1 / (1 + np.exp(-z))
        eps = 1e-9
        return -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + l2 * np.sum(theta[:-1] ** 2)

    theta = minimize(loss, np.zeros(x.shape[1] + 1), method="L-BFGS-B").x
    return theta[:-1], float(theta[-1])


def rates(p: np.ndarray, y: np.ndarray, retrieved: np.ndarray, threshold: float) -> dict:
    answers = retrieved & (p >= threshold)
    pos, neg = y == 1, y == 0
    return {"wrongful_refusals": round(float(np.mean(~answers[pos])), 3) if pos.any() else None,
            "unanswerable_answered": round(float(np.mean(answers[neg])), 3) if neg.any() else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("qa", type=Path)
    ap.add_argument("--max-wrongful", type=float, default=0.10)
    ap.add_argument("--top-k", type=int, default=5)
    ap.add_argument("--write", action="store_true", help=f"write {MODEL_FILE.name}")
    args = ap.parse_args()
    rows = load_qa(args.qa)
    x, y, retrieved, groups = collect(rows, args.top_k)
    train = np.array([int(hashlib.sha256(r["question"].encode()).hexdigest(), 16) % 2 == 0
                      for r in rows])
    weights, bias = fit(x[train], y[train])
    p = 1 / (1 + np.exp(-(x @ weights + bias)))
    curve = []
    answerable_groups = sorted({g for g, label in zip(groups, y) if label == 1})
    for t in np.round(np.arange(0.3, 0.8, 0.025), 3):
        worst = max(rates(p[m], y[m], retrieved[m], t)["wrongful_refusals"]
                    for m in (train & np.array([x == g for x in groups]) for g in answerable_groups)
                    if m.any())
        curve.append({"threshold": float(t), "train": rates(p[train], y[train], retrieved[train], t),
                      "held_out": rates(p[~train], y[~train], retrieved[~train], t),
                      "worst_group_wrongful": worst})
    # every kind of answerable question must keep its refusals low, not only their average:
    # follow-ups are a minority of the rows and would otherwise pay for the rest
    ok = [c for c in curve if c["worst_group_wrongful"] <= args.max_wrongful]
    chosen = max(ok, key=lambda c: c["threshold"]) if ok else curve[0]
    per_group = {}
    for g in sorted(set(groups)):
        mask = ~train & np.array([x == g for x in groups])
        per_group[g] = rates(p[mask], y[mask], retrieved[mask], chosen["threshold"])
    print(f"features {FEATURES}\nweights {np.round(weights, 3).tolist()} bias {bias:.3f}")
    print(f"{'threshold':>9}  train: wrongful refusals / unanswerable answered (worst group)   held-out: same")
    for c in curve:
        mark = "  <- chosen" if c is chosen else ""
        print(f"{c['threshold']:>9}  {c['train']['wrongful_refusals']:>6} / "
              f"{c['train']['unanswerable_answered']:<6} ({c['worst_group_wrongful']:<5})                 "
              f"{c['held_out']['wrongful_refusals']:>6} / {c['held_out']['unanswerable_answered']}{mark}")
    print(f"held-out, per group at {chosen['threshold']}: {per_group}")
    if args.write:
        MODEL_FILE.write_text(json.dumps({
            "features": list(FEATURES), "weights": [round(float(w), 4) for w in weights],
            "bias": round(bias, 4), "threshold": chosen["threshold"],
            "fitted_on": f"{args.qa.name}: {int(train.sum())} rows (hash split), "
                         f"max wrongful refusals {args.max_wrongful} in each answerable group",
            "held_out": chosen["held_out"], "held_out_per_group": per_group,
        }, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}")


if __name__ == "__main__":
    main()
