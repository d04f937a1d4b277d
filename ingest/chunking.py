"""Structure- and token-aware chunking.

Chunks never span two sections (a PDF page or a Word heading section), so every chunk has exactly
one page/section and its offsets point into that section's text. Packing is by the embedding
model's own word-piece count so no chunk is silently truncated at embedding time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

from backend.domain import ChunkDraft, Section
from backend.rag.text import is_lead_in, is_title_line, sentence_spans

CountTokens = Callable[[str], int]
_PIECE_RE = re.compile(r"\S+\s*")  # words with their trailing space; CJK runs are split further
# inside an unspaced run, a run of visible ASCII (a link, an identifier, a number) is not cut
_ASCII_RUN_RE = re.compile(r"[!-~]+")


def chunk_sections(
    sections: Sequence[Section], count_tokens: CountTokens, max_tokens: int, overlap_tokens: int
) -> list[ChunkDraft]:
    if overlap_tokens >= max_tokens:
        raise ValueError("overlap must be smaller than the chunk size")
    drafts: list[ChunkDraft] = []
    for section in sections:
        units = _units(section.text, count_tokens, max_tokens)
        paragraphs = _paragraph_starts(section.text, units)
        # a heading right after a lead-in ("…set the variable as below.", then "* For Shell
        # Users" and the code) belongs to what the lead-in announces: no cut between them
        headings = {k for k in paragraphs if is_title_line(section.text, *units[k][:2])
                    and not (k and is_lead_in(section.text[units[k - 1][0]:units[k - 1][1]]))}
        for start, end in _pack(units, max_tokens, overlap_tokens, paragraphs, headings):
            text = section.text[start:end]
            drafts.append(
                ChunkDraft(
                    text=text, page=section.page, section=section.heading, ordinal=len(drafts),
                    char_start=start, char_end=end, token_count=count_tokens(text),
                )
            )
    return drafts


def _units(text: str, count_tokens: CountTokens, max_tokens: int) -> list[tuple[int, int, int]]:
    """Sentences as (start, end, tokens); a sentence over the limit is cut into word runs."""
    units = []
    for start, end in sentence_spans(text):
        n = count_tokens(text[start:end])
        if n <= max_tokens:
            units.append((start, end, n))
        else:
            units.extend(_split_long(text, start, end, count_tokens, max_tokens))
    return units


def _split_long(text, start, end, count_tokens, max_tokens) -> list[tuple[int, int, int]]:
    pieces: list[tuple[int, int]] = []
    for m in _PIECE_RE.finditer(text, start, end):
        a, b = m.start(), m.end()
        if count_tokens(text[a:b]) <= max_tokens // 4:
            pieces.append((a, b))
        else:  # an unspaced run (Chinese, a URL, a table row): split it by characters
            pieces.extend(_unspaced_pieces(text, a, b, max(1, max_tokens // 4)))
    out: list[tuple[int, int, int]] = []
    cur_start, cur_end = pieces[0]
    for a, b in pieces[1:]:
        if count_tokens(text[cur_start:b]) > max_tokens:
            out.append((cur_start, cur_end, count_tokens(text[cur_start:cur_end])))
            cur_start = a
        cur_end = b
    out.append((cur_start, cur_end, count_tokens(text[cur_start:cur_end])))
    return [(a, b - (len(text[a:b]) - len(text[a:b].rstrip())), n) for a, b, n in out]


def _unspaced_pieces(text: str, start: int, end: int, step: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of about ``step`` characters, cut between Chinese
    characters or around a run of ASCII rather than inside it: a chunk that starts in the middle
    of a link ("624/text2vec/releases/tag/1.2.0)") makes a quote of its tail. A run is kept
    whole up to twice ``step`` (at most one word piece per character, so it still fits a chunk);
    a longer one is cut where it must be."""
    runs = [(m.start(), m.end()) for m in _ASCII_RUN_RE.finditer(text, start, end)]
    run_starts = [x for x, _ in runs]
    pieces, a = [], start
    while a < end:
        b = min(a + step, end)
        k = bisect_left(run_starts, b) - 1  # the last run starting before b: the one b may be in
        if k >= 0 and b < runs[k][1]:
            x, y = runs[k]
            if x > a:
                b = x
            elif y - a <= 2 * step:
                b = y
        pieces.append((a, b))
        a = b
    return pieces


def _paragraph_starts(text: str, units: list[tuple[int, int, int]]) -> set[int]:
    """Indices of the units that open a paragraph (a blank line before them): a table row, a
    list item, a paragraph of prose."""
    return {k for k in range(1, len(units)) if "\n\n" in text[units[k - 1][1]:units[k][0]]}


def _pack(units: list[tuple[int, int, int]], max_tokens: int, overlap: int,
          paragraph_starts: set[int] = frozenset(),
          heading_starts: set[int] = frozenset()) -> list[tuple[int, int]]:
    """Greedy packing of whole units; each new chunk starts with up to ``overlap`` tokens of the
    last. A chunk that would end inside a paragraph ends at the paragraph's start instead, if it
    stays at least half full: a table row or a step of a procedure is not cut in two. A heading
    inside the chunk ("Where To File" on a page of tax instructions) ends it already once it is
    a quarter full, and the next opens with the heading, nothing carried over: a passage that
    mixes a due date with where to file matches neither question well."""
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        total, j = 0, i
        while j < len(units) and total + units[j][2] <= max_tokens:
            total += units[j][2]
            j += 1
        heading = next((b for b in range(i + 1, j) if b in heading_starts
                        and sum(u[2] for u in units[i:b]) >= max_tokens // 4), None)
        if heading is not None:
            j = heading
        elif j < len(units) and j not in paragraph_starts:
            kept = total
            for b in range(j - 1, i, -1):
                kept -= units[b][2]
                if kept < max_tokens // 2:
                    break
                if b in paragraph_starts:
                    j = b
                    break
        chunks.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        if j in heading_starts:
            i = j
            continue
        back, carried = j, 0  # step back over trailing units that fit in the overlap budget
        while back - 1 > i and carried + units[back - 1][2] <= overlap:
            back -= 1
            carried += units[back][2]
        i = back
    return chunks
