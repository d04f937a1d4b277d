"""Calibrate the evidence gate's cosine thresholds for the configured dense model(s).

The gate (``CITEQA_MIN_RELEVANCE`` with a matching term, ``CITEQA_DENSE_ONLY_RELEVANCE``
without) was set for MiniLM's cosine. Fused with multilingual-e5, whose cosines crowd into
0.7-0.9, the same numbers admit far more. This script picks the fused thresholds that admit
off-topic passages exactly as often as MiniLM's thresholds did, on public data:
- off-topic pairs: each XQuAD English question against the paragraphs of the other 47
  articles, and (with --mixed DIR from scripts/make_mixed_set.py) against the Chinese README
  passages, which it is unrelated to;
- on-topic pairs, reported: each XQuAD question with its own paragraph, and each English
  question of the mixed set with the passage that answers it.
With --mixed it also sets the bars for an English question and a Chinese passage on the
multilingual model's cosine alone (the same off-topic rates, XQuAD questions against the
README passages); with --zh, those for Chinese questions (the rate of MiniLM's whole rule);
with --sentences, the bar of a passage's closest sentence (``Retriever.close_sentences``), for
MiniLM alone and for the configured dense model(s).

Run: .venv/bin/python scripts/calibrate_gate.py [--mixed data/eval-mixed] [--sentences]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from backend.container import Container  # noqa: E402
from backend.ports import embed_queries  # noqa: E402
from backend.rag.retrieve import Retriever, most_shared  # noqa: E402
from backend.settings import Settings  # noqa: E402

XQUAD = ROOT.parent / "shared" / "eval" / "xquad_en" / "xquad.en.json"


def windows(text: str, size: int = 400) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size) if text[i : i + size].strip()]


def xquad() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """XQuAD's English paragraphs, each one's article, the questions, each one's paragraph."""
    paragraphs, article, questions, owner = [], [], [], []
    for a, doc in enumerate(json.loads(XQUAD.read_text())["data"]):
        for p in doc["paragraphs"]:
            for qa in p["qas"]:
                questions.append(qa["question"])
                owner.append(len(paragraphs))
            paragraphs.append(p["context"])
            article.append(a)
    return paragraphs, np.array(article), questions, np.array(owner)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mixed", type=Path, help="folder written by scripts/make_mixed_set.py")
    parser.add_argument("--zh", type=Path, help="Chinese questions about XQuAD articles "
                        "(scripts/xquad_zh_questions.jsonl): calibrates the bar for Chinese "
                        "questions, against the paragraphs of the other articles")
    parser.add_argument("--sentences", action="store_true",
                        help="only the bar of a passage's closest sentence")
    args = parser.parse_args()
    c = Container(Settings())
    fused, minilm = c.embedder, c.token_embedder
    if args.sentences:
        sentence_bars(c)
        return

    paragraphs, article, questions, owner = xquad()
    cross_passages, cross_pos = [], []
    if args.mixed:
        for doc in sorted((args.mixed / "docs").iterdir()):
            cross_passages += windows(doc.read_text(encoding="utf-8"))
        rows = [json.loads(line) for line in open(args.mixed / "mixed.jsonl", encoding="utf-8")]
        cross_pos = [r for r in rows if r["group"] == "mixed-en"]

    def cosines(model):
        q = embed_queries(model, questions)
        p = model.embed(paragraphs)
        sims = q @ p.T
        own = sims[np.arange(len(questions)), owner]
        off = sims[article[owner][:, None] != article[None, :]]
        if cross_passages:
            off = np.concatenate([off, (q @ model.embed(cross_passages).T).ravel()])
        cross = []
        for r in cross_pos:
            hits = [t for t in cross_passages if any(a in t for a in r["answers"])]
            if hits:
                cross.append(float((model.embed(hits) @ embed_queries(model, [r["question"]])[0]).max()))
        return own, off, np.array(cross)

    base_own, base_off, base_cross = cosines(minilm)
    own, off, cross = cosines(fused)
    print(f"dense model: {fused.name}; off-topic pairs: {len(off):,}; on-topic: {len(own):,}; "
          f"cross-language on-topic: {len(cross)}")
    print("| setting | MiniLM threshold | off-topic admitted | fused threshold | on-topic admitted "
          "(MiniLM → fused) | cross-language on-topic admitted (MiniLM → fused) |")
    print("|---|---|---|---|---|---|")
    for name, t in (("min_relevance", 0.30), ("dense_only_relevance", 0.50)):  # MiniLM's
        rate = float((base_off >= t).mean())
        fused_t = float(np.quantile(off, 1 - rate)) if rate > 0 else float(off.max())
        cross_txt = (f"{(base_cross >= t).mean():.2f} → {(cross >= fused_t).mean():.2f}"
                     if len(cross) else "-")
        print(f"| {name} | {t:.2f} | {rate:.4f} | **{fused_t:.3f}** | "
              f"{(base_own >= t).mean():.2f} → {(own >= fused_t).mean():.2f} | {cross_txt} |")

    if cross_passages:
        english_about_chinese(c, fused, questions, cross_passages, cross_pos,
                              float((base_off >= 0.30).mean()), float((base_off >= 0.50).mean()))
    if args.zh:
        chinese_questions(c, args.zh, args.mixed, english_rule_rate(minilm, questions, owner,
                                                                    paragraphs, article),
                          float((base_off >= 0.50).mean()))


def english_about_chinese(c, fused, questions, passages, positives, low_rate: float,
                          high_rate: float) -> None:
    """An English question against a Chinese passage is judged by the second model's cosine
    alone (``Retriever.cross_language_cosines``): its bars admit the XQuAD questions' pairs
    with the READMEs (off-topic) as rarely as MiniLM's bars admit off-topic English pairs;
    reported, how often they admit the mixed set's English questions' answering passages."""
    from backend.ports import cross_language_query

    vectors = fused.embed(passages)
    q = np.stack([cross_language_query(fused, v) for v in embed_queries(fused, questions)])
    off = (q @ vectors.T).ravel()
    own = []
    for r in positives:
        hits = [i for i, t in enumerate(passages) if any(a in t for a in r["answers"])]
        if hits:
            v = cross_language_query(fused, embed_queries(fused, [r["question"]])[0])
            own.append(float((vectors[hits] @ v).max()))
    own = np.array(own)
    low = float(np.quantile(off, 1 - low_rate))
    high = float(np.quantile(off, 1 - high_rate)) if high_rate > 0 else float(off.max())
    print(f"\nEnglish questions, Chinese passages, second model's cosine: off-topic pairs "
          f"{len(off):,} admitted {(off >= low).mean():.4f} / {(off >= high).mean():.4f}; "
          f"answering pairs {len(own)} admitted {(own >= low).mean():.2f} / "
          f"{(own >= high).mean():.2f} at the bars **{low:.3f}** / **{high:.3f}**")


def english_rule_rate(minilm, questions, owner, paragraphs, article) -> float:
    """How often the gate, as it judges English questions (MiniLM's 0.30 with a shared term,
    0.50 without), admits an off-topic pair: the rate the Chinese questions' rule must not
    exceed. A sample of 400 questions (about 94,000 pairs) against the other articles."""
    from backend.rag.citations import terms

    pick = np.random.default_rng(0).choice(len(questions), min(400, len(questions)), replace=False)
    vectors = minilm.embed(paragraphs)
    held = [terms(p) for p in paragraphs]
    admitted = total = 0
    for i in pick:
        sims = vectors @ embed_queries(minilm, [questions[i]])[0]
        asked = terms(questions[i])
        for j in np.where(article != article[owner[i]])[0]:
            # the gate's own rule at MiniLM's bars
            admitted += Retriever._is_evidence(float(sims[j]), bool(asked & held[j]), (0.30, 0.50))
            total += 1
    rate = admitted / total
    print(f"\nMiniLM's rule on off-topic English pairs ({total:,}): admits {rate:.4f}")
    return rate


def chinese_questions(c, path: Path, mixed: Path | None, rule_rate: float, high_rate: float):
    """The bars for a Chinese question, whose dense score is the second model's cosine alone
    (``FusedEmbedder.embed_queries``): set on off-topic pairs only (each question against the
    paragraphs of the other XQuAD articles; the mixed set's Chinese questions, about Python
    packages, against every paragraph). Its rule is the English questions' one: the lower bar
    needs a shared term, which an English paragraph holds as a translation of one of the
    question's words (``Retriever.term_free``). The upper bar admits off-topic pairs as rarely
    as MiniLM's 0.50; the lower is the least at which the rule admits them no more often than
    MiniLM's rule admits off-topic English pairs."""
    from backend.rag.citations import held_terms, terms

    fused, expansion = c.embedder, c.retriever.expansion
    doc = json.loads(XQUAD.read_text())["data"]
    paragraphs = [(d["title"], p["context"]) for d in doc for p in d["paragraphs"]]
    vectors = fused.embed([text for _, text in paragraphs])
    titles = np.array([t for t, _ in paragraphs])
    held = [terms(text) for _, text in paragraphs]
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    questions = [(r["question"], Path(r["documents"][0]).stem) for r in rows]
    if mixed:
        zh = [json.loads(line) for line in open(mixed / "mixed.jsonl", encoding="utf-8")]
        questions += [(r["question"], None) for r in zh if r["group"] == "mixed-zh"]
    off, matched = [], []
    for (question, own), v in zip(questions, embed_queries(fused, [q for q, _ in questions])):
        keep = titles != own
        alternatives = expansion.alternatives(question, terms)
        asked = terms(question)
        off.append((vectors @ v)[keep])
        matched.append(np.array([bool(held_terms(asked, h, alternatives))
                                 for h, k in zip(held, keep) if k]))
    off, matched = np.concatenate(off), np.concatenate(matched)
    high = float(np.quantile(off, 1 - high_rate)) if high_rate > 0 else float(off.max())
    low = next(float(b) for b in np.arange(0.700, high, 0.001)
               if ((off >= high) | ((off >= b) & matched)).mean() <= rule_rate)
    rate = ((off >= high) | ((off >= low) & matched)).mean()
    print(f"\nChinese questions: off-topic pairs {len(off):,} ({matched.mean():.2f} hold a "
          f"translated term); min_relevance **{low:.3f}** (with such a term), "
          f"dense_only_relevance **{high:.3f}**: admitting {rate:.4f} of them")


def sentence_bars(c) -> None:
    """The bar of ``Retriever.close_sentences``, per dense model: the least (in steps of 0.005)
    at which a passage sharing a term with the question and whose sentence sharing most of its
    terms has that cosine is admitted, beside the passage bars, without admitting off-topic
    pairs more often than the passage bars alone (each of 400 XQuAD questions against the
    other articles' paragraphs, about 94,000 pairs); reported, the share of the questions'
    own paragraphs admitted before and after."""
    from backend.rag.citations import terms
    from backend.rag.text import sentence_spans

    paragraphs, article, questions, owner = xquad()
    sentences = [[p[a:b] for a, b in sentence_spans(p)] for p in paragraphs]
    asked = [terms(q) for q in questions]
    held = [terms(p) for p in paragraphs]
    said = [[terms(s) for s in sents] for sents in sentences]
    first = np.cumsum([0] + [len(s) for s in sentences])
    pick = np.random.default_rng(0).choice(len(questions), 400, replace=False)
    models = [("MiniLM", c.token_embedder, (0.30, 0.50))]
    if c.embedder is not c.token_embedder:
        models.append((c.embedder.name, c.embedder, c.settings.relevance_thresholds()))
    for name, model, bars in models:
        q = embed_queries(model, questions)
        p = model.embed(paragraphs)
        s = model.embed([x for sents in sentences for x in sents])

        def pair(i: int, j: int) -> tuple[float, bool, float]:
            matched = bool(asked[i] & held[j])
            best = most_shared(asked[i], said[j])
            close = float(s[first[j] + best] @ q[i]) if matched and best is not None else 0.0
            return float(p[j] @ q[i]), matched, close

        own = [pair(i, owner[i]) for i in range(len(questions))]
        off = [pair(i, j) for i in pick for j in np.where(article != article[owner[i]])[0]]

        def admitted(pairs, bar: float | None) -> float:  # the gate's own rule, then the sentence
            return float(np.mean([Retriever._is_evidence(c, m, bars)
                                  or (bar is not None and m and x >= bar) for c, m, x in pairs]))

        base = admitted(off, None)
        bar = next(float(b) for b in np.arange(0.40, 0.95, 0.005) if admitted(off, b) <= base)
        print(f"{name} (passage bars {bars[0]} / {bars[1]}): sentence bar **{bar:.3f}**; "
              f"off-topic pairs ({len(off):,}) admitted {base:.5f} -> {admitted(off, bar):.5f}; "
              f"own paragraphs ({len(own)}) {admitted(own, None):.4f} -> {admitted(own, bar):.4f}")


if __name__ == "__main__":
    main()
