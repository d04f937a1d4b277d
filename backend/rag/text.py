"""Language-aware text helpers shared by BM25, chunking and citation checks."""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence

from backend.domain import CELL_SEPARATOR

# CJK ideographs, kana and hangul: scripts written without spaces between words.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_CJK_RE = re.compile(rf"[{_CJK}]")
_HAS_UPPER_INSIDE = re.compile(r"[a-z][A-Z]")


def _accent_folding() -> dict[int, str]:
    """Latin letters with diacritics -> their base letters ("ü" -> "u"), and the combining marks
    themselves -> nothing. Latin only: kana's voicing marks and hangul are letters of their own."""
    table: dict[int, str] = {mark: "" for mark in range(0x300, 0x370)}
    for code in range(0xC0, 0x250):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code))
                       if not unicodedata.combining(c))
        if base and base != chr(code) and base.isascii():
            table[code] = base
    # letters NFKD leaves whole, as they are commonly typed without their stroke or ligature
    table.update({ord(k): v for k, v in
                  {"ß": "ss", "ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i"}.items()})
    return table


# "Temüjin" is found by "Temujin", "São Paulo" by "Sao Paulo": users, and dictionaries, type
# names without their accents
_FOLD = _accent_folding()

# a text -> its terms as the caller counts them (stemmed words, CJK bigrams)
TermSet = Callable[[str], frozenset[str]]
# each question term -> the term sets of its other forms (translations, the other spelling): a
# sentence holding all terms of one form holds the question term
Alternatives = Mapping[str, Sequence[frozenset[str]]]


def with_forms_appended(query: str, forms: Sequence[tuple[str, str]]) -> str:
    """The query with the other form of each (word, other form) pair appended."""
    extra = [other for _, other in forms]
    return f"{query} {' '.join(extra)}" if extra else query


def forms_as_alternatives(forms: Sequence[tuple[str, str]], term_set: TermSet) -> Alternatives:
    """Each term of a word written one way -> the terms of its other form: a sentence holding
    all terms of that form holds the term."""
    out: dict[str, list[frozenset[str]]] = {}
    for word, other in forms:
        alternative = term_set(other)
        if not alternative:
            continue
        for term in term_set(word) - alternative:
            out.setdefault(term, []).append(alternative)
    return out

STOPWORDS = frozenset(
    """a an and are as at be by can do does for from has have how i in is it its me my of on
    or our the their there this to us was we what when where which who why will with you your""".split()
)


# no word piece of the models in use is anywhere near this long; the margin is generous
CHARS_PER_TOKEN_BOUND = 16


def clip_for_model(text: str, max_tokens: int) -> str:
    """The head of ``text`` that can still hold ``max_tokens`` word pieces: a model truncates
    its input anyway, but its tokenizer would first split the whole text (seconds for MBs)."""
    return text[: max_tokens * CHARS_PER_TOKEN_BOUND]


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


# what a sentence or a follow-up points back with: "afterwards it is one month", "And his?"
ENGLISH_PRONOUN = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|he|him|his|she|her)\b", re.IGNORECASE)


# identifiers in code and settings: snake_case, dotted.names, key=value (spaces around = too)
_IDENTIFIER_RE = re.compile(
    r"(?<![\w.])[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*(?:\s*=\s*[\w.\-\"']+)?", re.IGNORECASE)
_CAMEL_PART_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def camel_parts(word: str) -> list[str]:
    """The words of a CamelCase name, which search indexes beside the name: "TextBlob" -> Text,
    Blob; "SnowNLP" -> Snow, NLP. None for any other word (mRNA, NASA, chunk_size, seg.train)."""
    if word[1:] == word[1:].lower() or word == word.upper() or "_" in word or "." in word:
        return []
    parts = _CAMEL_PART_RE.findall(word)
    return parts if len(parts) > 1 and min(map(len, parts)) > 1 else []  # TextBlob, not mRNA


def identifier_terms(text: str) -> list[str]:
    """Whole identifiers as single terms (``chunk_size``, ``cn2an.transform``, ``r=16``,
    ``chunk_size=512``) and the words of CamelCase ones (``TextBlob`` -> text, blob), so code is
    found by the name it is written with as well as by its words."""
    terms: list[str] = []
    for m in _IDENTIFIER_RE.finditer(text):
        token = re.sub(r"\s*=\s*", "=", m.group()).strip("\"'").lower()
        name = token.split("=", 1)[0]
        if "=" in token:
            terms.append(token.replace('"', "").replace("'", ""))
        if "_" in name.strip("_") or ("." in name and max(map(len, name.split("."))) > 1):
            terms.append(name)  # not "e.g" or "u.s"
        terms.extend(p.lower() for p in camel_parts(m.group().split("=", 1)[0].strip()))
    return terms


_LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")


def mostly_cjk(text: str) -> bool:
    """Written mainly in Chinese/Japanese/Korean: more CJK characters than 1.5 per Latin word
    (a Chinese word is about 1.5 characters), so code or names in a Chinese text do not count."""
    return len(_CJK_RE.findall(text)) > 1.5 * len(_LATIN_WORD_RE.findall(text))


def tokenize(text: str) -> list[str]:
    """BM25 terms: lower-cased words without stopwords; CJK runs as overlapping character bigrams;
    identifiers also whole (see ``identifier_terms``).

    rank-bm25 does no splitting of its own, so an unspaced Chinese sentence would otherwise be a
    single term. Bigrams are the standard dictionary-free choice for Chinese retrieval.
    """
    terms: list[str] = identifier_terms(text) if ("_" in text or "=" in text or "." in text
                                                  or _HAS_UPPER_INSIDE.search(text)) else []
    for run in _TOKEN_RE.findall(text.lower().translate(_FOLD)):
        if _CJK_RE.match(run):
            terms.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        elif run not in STOPWORDS:
            terms.append(run)
    return terms


_MARKER = r"\s*\[\d+(?:\s*,\s*\d+)*\]"
_MARKERS = rf"(?:{_MARKER})*"  # citation markers stay with their sentence
_ZH_STOP_TAIL = rf"[\"'」』）”]*{_MARKERS}"  # closing quotes and markers after a Chinese stop
# A Chinese semicolon joins two clauses of one sentence, as ";" does in English ("代码采用 MIT
# 协议；转换表为 GPLv2+ 协议。" answers a question on either); at a line's end it closes a list item.
_SENTENCE_END = re.compile(
    rf"([.!?][\"')\]]*{_MARKERS})(?:\s+|$)|([。！？]{_ZH_STOP_TAIL})\s*"
    rf"|(；{_ZH_STOP_TAIL})(?=[ \t]*(?:\n|$))\s*|\n\s*\n"
)


# a period that ends an initial or a title, not a sentence: "Niels B. Christiansen",
# "Dr. Smith", "No. 1", "e.g. this"
_ABBREVIATED = re.compile(r"(?:^|[\s(\[\"'])(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Mt|No|Nos|vs|"
                          r"e\.g|i\.e|cf|approx|Fig|Figs|Eq|Vol|pp|Pub|Pubs|Cat)\.$")
# a dotted abbreviation ("U.S.", "U.K.") ends a sentence only before a capital: "a U.S. resident"
_DOTTED_ABBREVIATION = re.compile(r"(?:^|[\s(\[\"'])(?:[A-Z]\.){2,}$")
_GOES_ON = re.compile(r"\s*[a-z0-9]")


# the number of a numbered heading or list item at the start of a line: "1.", "2.3", "4.1.2."
# (a bare "15" is not one: "founded on\n15 March 2020" is a sentence wrapped before a date)
_DOTTED = r"\d{1,2}(?:\.\d{1,2})+\.?"  # "2.1", "4.1.2.": a heading's number, not a list item's
_ENUMERATOR = rf"[ \t]*(?:{_DOTTED}|\d{{1,2}}\.)"
_ENUMERATED_LINE = re.compile(rf"\n(?={_ENUMERATOR}[ \t]+[A-Z])")
_ENUMERATOR_ONLY = re.compile(_ENUMERATOR)
# a bulleted line ("- 支持繁体分词", "* Sick leave: 10 days", "• Parking"): an item of a list,
# whose items state one thing each and rarely end with a full stop
_BULLET = r"[ \t]*[-*+•▪◦‣][ \t]+"
_BULLETED_LINE = re.compile(rf"\n(?={_BULLET}\S)")
_LEADING_BULLET = re.compile(_BULLET)
_LEADING_ENUMERATOR = re.compile(rf"^{_ENUMERATOR}[ \t]+")
_LEADING_DOTTED = re.compile(rf"{_DOTTED}[ \t]")
# the words Title Case leaves in lower case
_SMALL_WORDS = frozenset("a an and as at but by for from in into nor of on onto or over per the to vs "
                         "via with".split())


# small words a title does not end with, unlike "Sign In" or "Check Out": "File Form 1040NR
# with" is a sentence's first line
_NOT_LAST = _SMALL_WORDS - frozenset("in on over".split())
_TITLE_WORD = re.compile(r"[^\W\d_][\w'’&-]*")


def _title_words(line: str) -> list[str]:
    """The words of ``line`` if it is shaped like a title (Latin script, no closing punctuation,
    no "label: value", no table row, no article, conjunction or preposition last), else none."""
    if not line or has_cjk(line) or line[-1] in ".!?;," or ":" in line or is_table_row(line):
        return []
    words = _TITLE_WORD.findall(line)
    return [] if words and words[-1].lower() in _NOT_LAST else words


def is_heading(line: str) -> bool:
    """A title on a line of its own ("Employee Handbook", "1. Welcome to Halden Instruments",
    "Super Bowl LV"): a few Latin words, each capitalised but for small words, no closing
    punctuation, no "label: value" and no table row. It names a topic; it states no fact."""
    line = line.strip()
    numbered = _LEADING_DOTTED.match(line)  # "2.1 Working hours"
    words = _title_words(_LEADING_ENUMERATOR.sub("", line))
    if not words or len(words) > 10:
        return False
    return bool(numbered and len(words) <= 8) or _title_cased(words)


def is_table_row(line: str) -> bool:
    """A table row as ingest writes it, cells joined by " | ", one cell a figure ("Final Exam |
    20%"): title-cased like a heading, but it states a value."""
    return CELL_SEPARATOR in line and any(c.isdigit() for c in line)


def _title_cased(words: list[str]) -> bool:
    """Each word capitalised but for small words ("Super Bowl of the Year")."""
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)


def is_title_cased(text: str) -> bool:
    """Every Latin word of ``text`` capitalised but for small words ("What Is The Hotel Limit
    per Night?"): its capitals are the style of the whole, they name nothing."""
    return _title_cased(_TITLE_WORD.findall(text))


_SUBTITLE_COLON = re.compile(r"(?<=\w):[ \t]+")
ARTICLES = frozenset(("a", "an", "the"))


def subtitled_names(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each "Series: Subtitle" name ``text`` writes, lower-cased, as (series, subtitle words),
    both without a leading article: "The Legend of Zelda: Breath of the Wild released" gives
    ("legend of zelda", ("breath", "of", "the", "wild")). Both sides are runs of
    capitalised words (small words between) touching the colon; "Release date: 3 March" and
    "Note: The limit is…" name none."""
    found = []
    for m in _SUBTITLE_COLON.finditer(text):
        series = _title_run(text[:m.start()].split()[::-1])[::-1]
        subtitle = _title_run(text[m.end():].split())
        if subtitle and subtitle[0].lower() in ARTICLES:
            subtitle = subtitle[1:]
        if series and subtitle and subtitle[0][0].isupper():
            found.append((" ".join(series).lower(), tuple(w.lower() for w in subtitle)))
    return found


def _title_run(words: list[str]) -> list[str]:
    """The leading words that are capitalised or small, up to one ending in punctuation
    (included, bare), without small words at the run's far end."""
    run: list[str] = []
    for word in words:
        bare = word.strip("\"'“”‘’()[],.;:!?")
        if not bare or not _title_cased([bare]):
            break
        run.append(bare)
        if bare != word.strip("\"'“”‘’"):  # "Wild," "Time)": the name ends here
            break
    while run and run[-1].lower() in _SMALL_WORDS - ARTICLES:
        run.pop()
    while run and run[-1].lower() in ARTICLES and len(run) > 1:
        run.pop()
    return run


_HEADLINE_END = re.compile(r"\s*(?:\.{3}|…|\.)$")


def is_headline(sentence: str) -> bool:
    """A title that ends as a sentence does ("Abdulrazak Gurnah Is Awarded the Nobel Prize in
    Literature.", "The Last of Us Part II – Release Date Reveal Trailer."): web pages and search
    snippets join their headlines with full stops. Three words at least, each capitalised but
    for small words (a numbered step, "2.1 Submit the form.", is no headline); it names a
    story, it is not the story."""
    line = sentence.strip()
    bare = _HEADLINE_END.sub("", line)
    words = _title_words(bare)
    return bare != line and 3 <= len(words) <= 10 and _title_cased(words)


# a link, or one the chunk's end cut off ("- [The Best Tool of Chinese Number to")
_MD_LINK = re.compile(r"!?\[[^\]]*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|!?\[[^\]]*(?:\]\([^)]*)?$")
# a link's address, up to what closes it in prose or Markdown ("(https://…)", "<https://…>")
URL = re.compile(r"\b(?:https?|ftp)://[^\s<>)\]`'\"]+")
_LIST_NUMBER = re.compile(r"(?:^|\s)\d+[.)](?=\s)")


def is_link_list(sentence: str) -> bool:
    """A line of links and nothing else ("- [cn2an 核心代码解析](https://…) - [如何发布自己的包到
    pypi](https://…)"): a README's navigation names pages, it states nothing. Two links at
    least: one link alone may be what a "where is…" question asks for."""
    return _only_links(sentence) >= 2


_DOT_LEADER = re.compile(r"\.{5,}|(?:\.[ \t]){4,}\.")  # "......", ". . . . ."; not "... ..."


def is_index_entry(sentence: str) -> bool:
    """A line of a table of contents or an index ("8 Mileage rates, standard ......"): the dots
    lead to a page number, which answers no "how much"."""
    return bool(_DOT_LEADER.search(sentence))


def _only_links(text: str) -> int:
    """How many links ``text`` holds when it holds nothing else (list markers aside), else 0."""
    unlinked = _MD_LINK.sub(" ", text)
    links = len(_MD_LINK.findall(text)) + len(URL.findall(unlinked))
    rest = _LIST_NUMBER.sub(" ", URL.sub(" ", unlinked))
    return 0 if re.search(r"\w", rest) else links


# markers and closing quotes or brackets in any order: 'the question "What is …?" [1]'
_QUESTION_END = re.compile(rf"[?？](?:{_MARKER}|[\s\"'”’»」』)）])*$")


def is_question(sentence: str) -> bool:
    """A sentence that asks ("How do I reset my password?", "为什么没有声母？"): it states
    nothing, and in a FAQ the sentences after it are its answer."""
    return bool(_QUESTION_END.search(sentence))


def asks_in(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a question outside code: ``sent = "what happending?"`` in a code
    block ends with a question mark but asks nothing, and the code after it is no answer."""
    return is_question(" ".join(text[start:end].split())) and code_block_at(text, start, end) is None


_LEAD_IN_END = re.compile(r"(?:[:：]|\b(?:as follows|below|the following)\s*[.:]?|如下\s*[。:：]?)\s*$",
                          re.IGNORECASE)
# "File Form 1040NR if any of the following four conditions applies to you.": the conditions
# follow ("the following year" is a time, no announcement)
_LEAD_IN_CHOICE = re.compile(r"\b(?:any|all|each|one|either|none|both) of the following\b",
                             re.IGNORECASE)


# "... example: [examples/demo.py](https://...)": a sentence ending in a label that names the
# example that follows
_LEAD_IN_LABEL = re.compile(r"(?:^|\s)(?:examples?|demo|usage|示例|例子|样例|用法|代码示例)\s*[:：]\s*"
                            r"(?:\[[^\]]*\]\([^)\s]*\)|\S+)?\s*$", re.IGNORECASE)


def is_lead_in(sentence: str) -> bool:
    """A sentence that announces what follows it ("Set the variable as below.", "The limits
    are:", "步骤如下：", "example: demo.py"): what it announces, the next lines, holds the fact."""
    return bool(_LEAD_IN_END.search(sentence) or _LEAD_IN_LABEL.search(sentence)
                or _LEAD_IN_CHOICE.search(sentence))


_HEADING_LINE = re.compile(r"#{1,6}(?!#)\s*\S")
_STATEMENT_END = re.compile(r"[.。!！?？;；…]\W*$")


def _whole_line(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is exactly one line."""
    return ((start == 0 or text[start - 1] == "\n") and "\n" not in text[start:end]
            and text[end:].lstrip(" \t")[:1] in ("\n", ""))


def is_heading_line(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a Markdown heading line outside code ("## Usage", or "#SnowNLP:
    Simplified Chinese Text Processing" without the space): a title states nothing, the
    sentences under it are read under it."""
    return (_whole_line(text, start, end) and bool(_HEADING_LINE.match(text, start))
            and code_block_at(text, start, end) is None)


def is_title_line(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a title-shaped line (``is_heading``) standing as a paragraph of its
    own, outside code: a plain-text file's "Harbour Film Awards 2025" above its first paragraph
    heads what follows as a Markdown ``#`` line does, standing alone or directly above its
    paragraph ("2. Laptops" over "Every laptop is…"). So does a heading in sentence case ("Your
    first day", "Onboarding guide for new employees") after a blank line."""
    if not (_whole_line(text, start, end) and _opens_paragraph(text, start)):
        return False
    line = text[start:end]
    shaped = ((is_heading(line) and bool(_OPENS_BLANK.match(text, end)))
              or ((is_heading(line) or is_sentence_cased_heading(line))
                  and bool(_HEADS_TEXT.match(text, end))))
    return shaped and code_block_at(text, start, end) is None


def is_sentence_cased_heading(line: str) -> bool:
    """A heading in sentence case ("Your first day"): a title's shape (Latin, no closing
    punctuation, no "label: value"), eight words at most, a capital first and no small word
    last (a line a PDF wrapped ends "…at the")."""
    line = line.strip()
    words = _title_words(line)
    return (0 < len(words) <= 8 and line[0].isupper()
            and words[-1].lower() not in _SMALL_WORDS)


def _opens_paragraph(text: str, start: int) -> bool:
    above = text[:start].rstrip(" \t")
    return not above.strip() or bool(_ENDS_BLANK.search(above))


# below a heading: a blank line and more text, or its paragraph's first line, opening as one
_HEADS_TEXT = re.compile(r"[ \t]*\n(?:[ \t]*\n\s*\S|[ \t]*[A-Z0-9])")


_ENDS_BLANK = re.compile(r"\n[ \t]*\n$")
_OPENS_BLANK = re.compile(r"[ \t]*\n[ \t]*\n")


def captions_code(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a line of its own, without a full stop, directly above a code
    block ("两个句子的相似度比较" over ``synonyms.compare(...)``): a caption, whose code holds the fact."""
    if not _whole_line(text, start, end) or _STATEMENT_END.search(text[start:end]):
        return False
    following = next(_blocks(text, end), None)
    return following is not None and following[2] == "code" and not text[end:following[0]].strip()


# "该命令会获取…", "This command downloads…": a sentence about what the one before it names
_POINTS_BACK = re.compile(
    r"(?:该|此|上述|以上|上面的?)(?:命令|指令|代码|方法|函数|接口|示例|例子|工具|参数|选项|配置)"
    r"|(?:this|that|these|those|the above|such)\s+(?:commands?|code|functions?|methods?|calls?"
    r"|examples?|snippets?|options?|settings?|lines?)\b", re.IGNORECASE)


# "They expire every 180 days.", "Its population is…": a sentence whose subject is a pronoun
# is about what the sentence before it names first ("Passwords must be at least…")
_PRONOUN_OPENING = re.compile(r"^(?:They|It|He|She|Its|Their|His|Her)\b")
# "It has been claimed that…", "It is likely…": an "it" pointing at nothing
_EMPTY_IT = re.compile(r"^It\s+(?:is|was|has\s+been|had\s+been|would\s+be|seems|appears)\s+"
                       r"(?:\w+ly\s+)?(?:said|claimed|believed|thought|known|estimated|reported|"
                       r"argued|suggested|assumed|likely|unlikely|possible|clear|important|"
                       r"necessary|true|worth)\b")
_FINITE = (r"(?:is|are|was|were|must|can|could|will|would|should|shall|may|might|has|have|had|"
           r"do|does|did)\b")
# the words ahead of the first auxiliary verb, six at most: "Passwords" in "Passwords must be…"
_NAMING_PART = re.compile(rf"^((?:(?!{_FINITE})[\w'’-]+[ \t,]+){{1,6}}?){_FINITE}")


def referent(sentence: str, before: str) -> str:
    """What a sentence opening with a pronoun ("They expire every 180 days.") is about: the
    words ``before`` it (the previous sentence) writes ahead of its verb ("Passwords must be…"
    -> "Passwords"), or "" for any other sentence or when the verb is not found early."""
    if not _PRONOUN_OPENING.match(sentence.strip()) or _EMPTY_IT.match(sentence.strip()):
        return ""
    m = _NAMING_PART.match(before.strip())
    return m.group(1).strip(" ,") if m else ""


def points_back(sentence: str) -> bool:
    """A sentence that opens by pointing at what precedes it ("该命令会…", "This command…"):
    alone it does not say what "it" is."""
    return bool(_POINTS_BACK.match(sentence))


_FENCE = re.compile(r"[ \t]*(```|~~~)")
_CODE_LINE = re.compile(r"(?:    |\t|[ \t]*>>> )")
_LIST_ITEM = re.compile(r"[ \t]*(?:(?:[-*+•]|\d{1,2}[.)]|[a-z][.)])\s|\d{1,2}、|[（(]\d{1,2}[）)])")


def _blocks(text: str, pos: int) -> Iterator[tuple[int, int, str]]:
    """The blocks of ``text`` from ``pos``: (start, end, kind), kind "code" (a fenced block,
    or indented or ``>>>`` lines), "item" (a list item's paragraph) or "text"."""
    lines: list[tuple[int, str]] = []  # (offset, line)
    for line in text[pos:].split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1

    def end_of(j: int) -> int:
        return lines[j][0] + len(lines[j][1])

    i = 0
    while i < len(lines):
        start, line = lines[i]
        if not line.strip():
            i += 1
            continue
        j = i
        if fence := _FENCE.match(line):  # to its closing fence
            j += 1
            while j < len(lines) - 1 and not lines[j][1].strip().startswith(fence.group(1)):
                j += 1
            kind = "code"
        elif _CODE_LINE.match(line):
            if line.lstrip().startswith(">>>"):  # a doctest: its output lines, to a blank line
                while j + 1 < len(lines) and lines[j + 1][1].strip():
                    j += 1
            else:  # indented lines, blank ones between them
                while j + 1 < len(lines) and (_CODE_LINE.match(lines[j + 1][1])
                                              or not lines[j + 1][1].strip()):
                    j += 1
                while not lines[j][1].strip():
                    j -= 1
            kind = "code"
        else:  # a paragraph, to a blank line or a fence
            while j + 1 < len(lines) and lines[j + 1][1].strip() and not _FENCE.match(lines[j + 1][1]):
                j += 1
            kind = "item" if _LIST_ITEM.match(line) else "text"
        yield start, end_of(j), kind
        i = j + 1


_FENCE_ONLY = re.compile(r"^[ \t]*(?:```|~~~)([\w+.-]*)[ \t]*$", re.M)


def code_block_at(text: str, start: int, end: int) -> tuple[int, int] | None:
    """(start, end) of the first code block (fenced, indented or ``>>>`` lines) that
    ``text[start:end]`` overlaps, None if it overlaps none. A passage cut inside a fenced
    block holds that block's tail: its first fence is a bare one that closes (an odd count,
    or the next fence names a language, so it opens)."""
    pos = 0
    fences = list(_FENCE_ONLY.finditer(text))
    if fences and not fences[0].group(1) and (len(fences) % 2 or fences[1].group(1)):
        if start < fences[0].end():
            return 0, fences[0].end()
        pos = fences[0].end() + 1
    for a, b, kind in _blocks(text, pos):
        if a >= end:
            break
        if kind == "code" and start < b:
            return a, b
    return None


_FENCE_LINE = re.compile(r"[ \t]*(?:(?:```|~~~)[\w+.-]*|\.\. (?:code-block|code|sourcecode)::.*)[ \t]*")


def without_fence_lines(text: str) -> str:
    """``text`` without the lines that only open or close a code block (```bash, ```,
    ``.. code-block:: python``): flattened into a quote, they are noise around the code."""
    return "\n".join(line for line in text.split("\n") if not _FENCE_LINE.fullmatch(line))


def announced_end(text: str, pos: int, reach: int) -> int:
    """Where what a lead-in ending at ``pos`` announces ends: the first code block that starts
    within ``reach`` characters (what a technical "as below" announces most often, perhaps
    after a label or a line of context), else the list that follows, else the next paragraph."""
    blocks = list(_blocks(text, pos))
    if not blocks:
        return pos
    for start, end, kind in blocks:
        if start - pos > reach:
            break
        if kind == "code":
            return end
    if blocks[0][2] == "item":
        end = blocks[0][1]
        for start, block_end, kind in blocks[1:]:
            if kind != "item":
                break
            end = block_end
        return end
    return blocks[0][1]


_NUMBERED_TITLE = re.compile(rf"{_ENUMERATOR}[ \t]+([^\n]+)\n\s*(?=[A-Z])")


_LEADING_QUOTE_MARK = re.compile(r"[ \t]*>[ \t]+")  # Markdown's block quote: "> 最大支持到…"


def marker_length(text: str) -> int:
    """The length of the list or block-quote marker ``text`` opens with ("- ", "• ", "> "), 0
    without one."""
    m = _LEADING_BULLET.match(text) or _LEADING_QUOTE_MARK.match(text)
    return m.end() if m and m.end() < len(text.rstrip()) else 0


def without_numbered_title(text: str) -> str:
    """``text`` without a first line that numbers a section ("3. Vacation and leave" before
    "Every employee receives..."): a few words after "3." with no closing punctuation and no
    "label: value", then a line that opens a sentence. ``sentence_spans`` keeps such a line
    with the sentence after it (its words are that sentence's topic, and cutting every short
    numbered line would cut wrapped list items); a quote leaves it out."""
    m = _NUMBERED_TITLE.match(text)
    if m is None:
        return text
    words = _title_words(m.group(1).strip())
    if not words or len(words) > 8:
        return text
    return text[m.end():]


def _line_breaks(text: str, start: int, end: int) -> list[int]:
    """Where a line break inside ``text[start:end]`` ends a sentence although no full stop does
    (PDF text wraps sentences at line ends, so most breaks do not): after a heading line, and
    before a numbered or a bulleted line (but between two lines of links only: a README's
    navigation stays one line of links, see ``is_link_list``). A heading opens its sentence
    span: a line of capitalised words inside a sentence ("Rotterdam and", in a narrow column)
    is no heading, nor the rest of a line after a sentence's end ("Estates and trusts. File
    Form")."""
    cuts = []
    line_start = start
    before = start
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    first_whole = before == 0 or text[before - 1] == "\n"  # the sentence opens its line
    for m in re.finditer(r"\n", text[start:end]):
        at = start + m.start()
        opens = (line_start == start and first_whole) or (cuts and cuts[-1] == line_start - 1)
        if ((opens and is_heading(text[line_start:at])) or _ENUMERATED_LINE.match(text, at)
                or _opens_list_item(text, line_start, at)
                or (_opens_paragraph(text, line_start)
                    and is_sentence_cased_heading(text[line_start:at])
                    and _HEADS_TEXT.match(text, at))):
            cuts.append(at)
        line_start = at + 1
    return cuts


def _opens_list_item(text: str, line_start: int, at: int) -> bool:
    """Whether the line after the break at ``at`` opens a list item, the line before it
    (from ``line_start``) and that one not both being links only."""
    if not _BULLETED_LINE.match(text, at):
        return False
    return not (_only_links(text[line_start:at]) and _only_links(_line_at(text, at + 1)))


def _line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _numbers_a_line(text: str, start: int, end: int) -> bool:
    """Whether ``text[..end]`` is only the number opening a line ("1.", "2.3."), from ``start``
    on."""
    line_start = max(start, text.rfind("\n", start, end) + 1)  # not before start: O(sentence)
    return ((line_start == 0 or text[line_start - 1] == "\n")
            and _ENUMERATOR_ONLY.fullmatch(text, line_start, end) is not None)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of sentences: Latin and Chinese sentence ends and blank lines split,
    not the period of an initial or a title followed by more of the sentence, nor the number of
    a numbered line ("1. Welcome"); a heading line is a sentence of its own."""
    spans: list[tuple[int, int]] = []
    start = 0

    def add(a: int, b: int) -> None:
        for cut in [*_line_breaks(text, a, b), b]:
            if text[a:cut].strip():
                spans.append(_strip_span(text, a, cut))
            a = cut

    for m in _SENTENCE_END.finditer(text):
        end = m.start() + len(m.group(1) or m.group(2) or m.group(3) or "")
        if (m.group(1) == "." and m.end() < len(text)
                and (_ABBREVIATED.search(text[max(start, end - 8):end])
                     or (_DOTTED_ABBREVIATION.search(text[max(start, end - 12):end])
                         and _GOES_ON.match(text, end))
                     or _numbers_a_line(text, start, end))):
            continue
        add(start, end)
        start = m.end()
    add(start, len(text))
    return spans


_RUN_IN_HEAD = re.compile(r"[A-Z][\w'’-]*(?:[ \t]+[\w'’-]+){0,4}")  # five words at most
_SAME_LINE = re.compile(r"[ \t]+\S")
# a pronoun, an auxiliary or a negation makes the words a sentence ("It is. The…", "Do not.")
_NOT_A_HEAD = frozenset("""i you he she it we they this that there is are was were be been
    has have had do does did will can may must should would could not no""".split())


def runs_in(text: str, start: int, end: int) -> bool:
    """Whether the sentence ``text[start:end]`` is a run-in head: a paragraph's first words,
    set off by a full stop, the text going on on the same line ("Penalty for late filing. If
    you do not file…"). Five words at most, none a pronoun, an auxiliary or a negation; a
    short sentence of a noun and a verb ("Alpha bravo stay.") passes too, which is why only
    a quote reads the next sentence with it, the splitter does not."""
    a, _ = _strip_span(text, start, end)
    return (text[end - 1:end] == "." and bool(_RUN_IN_HEAD.fullmatch(text, a, end - 1))
            and bool(_SAME_LINE.match(text, end))
            and _opens_paragraph(text, a)
            and not {w.lower() for w in text[a:end - 1].split()} & _NOT_A_HEAD)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


_EN_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_EN_NUMBER_RE = re.compile(r"\b(" + "|".join(_EN_NUMBERS) + r")\b", re.IGNORECASE)


# cn2an warns (rather than raises) on a numeral run it cannot read, once per sentence: an eval or
# a busy server's log filled with "不符合格式的数据"; such a run keeps its digits, which is right
warnings.filterwarnings("ignore", category=UserWarning, module=r"cn2an\.")


def numbers(text: str) -> set[str]:
    """The figures a text states, Chinese numerals included (一百五十 -> 150), English number
    words up to twenty too ("three days" states 3), without separators."""
    found = {_EN_NUMBERS[w.lower()] for w in _EN_NUMBER_RE.findall(text)}
    if has_cjk(text):
        import cn2an

        try:
            text = cn2an.transform(text, "cn2an")
        except Exception:  # noqa: BLE001 - cn2an rejects some odd numeral runs; keep the digits
            pass
    return found | {n.replace(",", "") for n in _NUMBER_RE.findall(text)}


def analyzer_name(stem: bool) -> str:
    """What an index records beside the terms it stores: terms made by another analyser (or an
    earlier version of this one) must be made again."""
    return ("snowball-english" if stem else "plain") + " accents-folded"


def analyzer(stem: bool):
    """The BM25 term function: ``tokenize``, optionally with English Snowball stemming."""
    if not stem:
        return tokenize
    import Stemmer

    stemmer = Stemmer.Stemmer("english")

    def analyze(text: str) -> list[str]:
        return stemmer.stemWords(tokenize(text))  # CJK bigrams pass through unchanged

    return analyze
