"""The XQuAD English questions with a modal verb (may, might, must) that the trust set does not
hold, as a QA file over the trust set's ingested articles (questions whose answer the article
as ingested still holds). Measures the quote's handling of modal verbs on questions nobody
here wrote; the trust set's own modal questions are added with --with-trust.

Run after scripts/make_trust_sets.py (and its ingest into /tmp/trust):
  .venv/bin/python scripts/make_modal_set.py [--trust DIR] [--with-trust] > /tmp/modal.jsonl
  CITEQA_DATA_DIR=/tmp/trust .venv/bin/citeqa eval --qa /tmp/modal.jsonl --generate
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
XQUAD = ROOT.parent / "shared" / "eval" / "xquad_en" / "xquad.en.json"
MODAL = re.compile(r"\b(may|might|must)\b")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trust", type=Path, default=ROOT / "data" / "eval-trust")
    parser.add_argument("--with-trust", action="store_true",
                        help="also the trust set's own questions with a modal verb")
    args = parser.parse_args()
    trust = [json.loads(line) for line in (args.trust / "trust.jsonl").open(encoding="utf-8")]
    asked = {row["question"] for row in trust}
    for article in json.loads(XQUAD.read_text(encoding="utf-8"))["data"]:
        title = article["title"]
        text = (args.trust / "docs" / "xquad" / f"{title}.txt").read_text(encoding="utf-8")
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answers = [a["text"] for a in qa["answers"]]
                if (MODAL.search(qa["question"]) and qa["question"] not in asked
                        and any(a in text for a in answers)):
                    print(json.dumps({"question": qa["question"], "answers": answers,
                                      "documents": [f"{title}.txt"], "group": "xquad-modal"},
                                     ensure_ascii=False))
    if args.with_trust:
        for row in trust:
            if MODAL.search(row["question"]):
                print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
