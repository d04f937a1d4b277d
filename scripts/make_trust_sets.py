"""Build trust evaluation sets from public data (../shared/eval), reproducibly.

Writes into OUT (default data/eval-trust, not tracked):
- docs/xquad/<Article>.txt: the 48 XQuAD English Wikipedia articles, with the sentences that
  hold the answers of the *near-miss* questions withheld (the rest of the article kept);
- docs/rgb/rgb-<id>.txt: RGB English: for even ids the passages with the answer, for odd ids
  only the passages without it (RGB's negative rejection);
- trust.jsonl: groups xquad-answerable, xquad-near-miss (unanswerable: the fact was withheld),
  xquad-followup (the question with the article's subject replaced by a pronoun, after another
  question of the same article), rgb-answerable and rgb-negative (unanswerable);
- unseen.jsonl: the articles' other questions, which the trust set does not ask (groups
  xquad-unseen and xquad-unseen-near-miss, over the same documents): the trust set's
  questions have been looked at in the sessions that built the answer rules, these have not.

Nothing here is written by hand but the pronoun of three person articles.

Run: .venv/bin/python scripts/make_trust_sets.py [--out DIR] [--per-article N]
then:  CITEQA_DATA_DIR=/tmp/trust .venv/bin/python -m ingest OUT/docs
       CITEQA_DATA_DIR=/tmp/trust .venv/bin/citeqa eval --qa OUT/trust.jsonl --generate
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from backend.rag.text import sentence_spans  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
PEOPLE = {"Nikola_Tesla": ["Nikola Tesla", "Tesla"], "Martin_Luther": ["Martin Luther", "Luther"],
          "Genghis_Khan": ["Genghis Khan"]}


def subject_names(title: str) -> list[str]:
    if title in PEOPLE:
        return PEOPLE[title]
    name = re.sub(r",_.*$|_\(.*\)$", "", title).replace("_", " ")
    return [name]


PLURAL = {"Normans"}
_SUBJECT_SLOT = re.compile(r"\b(did|does|do|was|is|were|are|had|has|have|when|where|why|how|who|"
                           r"what|which|that|and)\s*$", re.IGNORECASE)


def pronoun_question(question: str, title: str) -> str | None:
    """The question with the article's subject replaced by a pronoun; None if it is not named
    (or only inside a longer name or a quotation)."""
    person, plural = title in PEOPLE, title in PLURAL
    for name in subject_names(title):
        pattern = re.compile(rf"\b(the\s+)?{re.escape(name)}\b('s|’s|')?", re.IGNORECASE)
        m = pattern.search(question)
        if not m:
            continue
        before, after = question[:m.start()], question[m.end():]
        if re.search(r"[A-Z][\w-]*\s*$", before) or re.match(r"\s*[A-Z]", after) \
                or before.count('"') % 2:
            return None  # part of a longer name ("Polonia Warsaw") or quoted
        subject = bool(_SUBJECT_SLOT.search(before)) or not before.strip()
        if m.group(2):
            word = "his" if person else ("their" if plural else "its")
        elif person:
            word = "he" if subject else "him"
        else:
            word = ("they" if subject else "them") if plural else "it"
        return before + word + after
    return None


def names_subject(question: str, title: str) -> bool:
    return any(re.search(rf"\b{re.escape(n)}", question, re.IGNORECASE) for n in subject_names(title))


def xquad(out: Path, per_article: int) -> tuple[list[dict], list[dict]]:
    """The trust set's XQuAD rows, and the unseen rows: the same articles' other questions."""
    data = json.loads((SHARED / "xquad_en" / "xquad.en.json").read_text(encoding="utf-8"))["data"]
    rows: list[dict] = []
    unseen: list[dict] = []
    (out / "docs" / "xquad").mkdir(parents=True, exist_ok=True)
    for article in data:
        title = article["title"]
        paragraphs, questions = [], []
        for p in article["paragraphs"]:
            spans = sentence_spans(p["context"])
            paragraphs.append((p["context"], spans))
            for qa in p["qas"]:
                start = qa["answers"][0]["answer_start"]
                sentence = next((i for i, (s, e) in enumerate(spans) if s <= start < e), None)
                if sentence is not None:
                    questions.append((len(paragraphs) - 1, sentence, qa))
        # every third question is a near-miss: the sentence holding its answer is withheld
        near = [q for i, q in enumerate(questions) if i % 3 == 2]
        keep = [q for i, q in enumerate(questions) if i % 3 != 2]
        kept_sentences = {(p, s) for p, s, _ in keep}
        withheld = {(p, s) for p, s, _ in near if (p, s) not in kept_sentences}
        text = "\n\n".join(
            " ".join(ctx[s:e] for i, (s, e) in enumerate(spans) if (pi, i) not in withheld)
            for pi, (ctx, spans) in enumerate(paragraphs))
        (out / "docs" / "xquad" / f"{title}.txt").write_text(text, encoding="utf-8")
        doc = f"{title}.txt"
        answerable = [qa for p, s, qa in keep]
        unanswerable = [qa for p, s, qa in near if (p, s) in withheld
                        and not any(a["text"].lower() in text.lower() for a in qa["answers"])]
        for qa in answerable[:per_article]:
            rows.append({"question": qa["question"], "answers": _answers(qa), "documents": [doc],
                         "group": "xquad-answerable"})
        for qa in unanswerable[:per_article]:
            rows.append({"question": qa["question"], "answers": _answers(qa), "unanswerable": True,
                         "group": "xquad-near-miss"})
        for qa in answerable[per_article:]:
            unseen.append({"question": qa["question"], "answers": _answers(qa), "documents": [doc],
                           "group": "xquad-unseen"})
        for qa in unanswerable[per_article:]:
            unseen.append({"question": qa["question"], "answers": _answers(qa),
                           "unanswerable": True, "group": "xquad-unseen-near-miss"})
        followups = [(qa, pronoun_question(qa["question"], title)) for qa in answerable]
        followups = [(qa, f) for qa, f in followups if f]
        for qa, follow in followups[:per_article]:
            # the first turn names the subject the pronoun stands for
            first = next((x for x in answerable if x is not qa
                          and names_subject(x["question"], title)), None)
            if first is not None:
                rows.append({"question": follow, "answers": _answers(qa), "documents": [doc],
                             "history": [first["question"]], "group": "xquad-followup",
                             "original": qa["question"]})
    return rows, unseen


def _answers(qa: dict) -> list[str]:
    return sorted({a["text"] for a in qa["answers"]})


def rgb(out: Path) -> list[dict]:
    rows = []
    (out / "docs" / "rgb").mkdir(parents=True, exist_ok=True)
    with open(SHARED / "rgb_en_fact" / "en_fact.json", encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh if line.strip()]
    for item in items:
        answers = item["answer"] if isinstance(item["answer"], list) else [item["answer"]]
        answers = [a for x in answers for a in (x if isinstance(x, list) else [x])]
        has_answer = item["id"] % 2 == 0
        passages = item["positive"] if has_answer else item["negative"]
        if not has_answer and any(a.lower() in " ".join(passages).lower() for a in answers):
            continue  # a "negative" passage that states the answer after all
        doc = f"rgb-{item['id']}.txt"
        (out / "docs" / "rgb" / doc).write_text("\n\n".join(passages), encoding="utf-8")
        row = {"question": item["query"], "answers": answers,
               "group": "rgb-answerable" if has_answer else "rgb-negative"}
        if has_answer:
            row["documents"] = [doc]
        else:
            row["unanswerable"] = True
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "eval-trust")
    ap.add_argument("--per-article", type=int, default=2, help="questions per article and group")
    args = ap.parse_args()
    rows, unseen = xquad(args.out, args.per_article)
    for name, written in (("trust.jsonl", rows + rgb(args.out)), ("unseen.jsonl", unseen)):
        with open(args.out / name, "w", encoding="utf-8") as fh:
            for row in written:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        counts: dict[str, int] = {}
        for row in written:
            counts[row["group"]] = counts.get(row["group"], 0) + 1
        print(f"{args.out / name}: {counts}")


if __name__ == "__main__":
    main()
