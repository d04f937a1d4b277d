import pytest

from backend.domain import Section
from ingest.chunking import chunk_sections


def words(text: str) -> int:
    """A fake tokenizer: one token per whitespace word, one per CJK character."""
    return len(text.split()) + sum("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_chunks_respect_the_token_limit_and_offsets():
    text = " ".join(f"Sentence {i} has exactly six words." for i in range(50))
    chunks = chunk_sections([Section(text, page=4)], words, max_tokens=30, overlap_tokens=6)
    assert len(chunks) > 5
    for c in chunks:
        assert c.token_count <= 30
        assert text[c.char_start:c.char_end] == c.text
        assert c.page == 4


def test_consecutive_chunks_overlap():
    text = " ".join(f"Sentence {i} has exactly six words." for i in range(20))
    a, b = chunk_sections([Section(text)], words, max_tokens=30, overlap_tokens=12)[:2]
    assert b.char_start < a.char_end  # the second starts inside the first


def test_chunks_never_cross_sections():
    sections = [Section("Page one text. " * 3, page=1), Section("Page two text. " * 3, page=2)]
    chunks = chunk_sections(sections, words, max_tokens=100, overlap_tokens=10)
    assert [(c.page, c.text.count("one"), c.text.count("two")) for c in chunks] == [(1, 3, 0), (2, 0, 3)]


def test_chinese_sentences_split_on_chinese_punctuation():
    text = "第一句话很短。" * 30
    chunks = chunk_sections([Section(text, heading="规定")], words, max_tokens=20, overlap_tokens=0)
    assert all(c.text.endswith("。") and c.token_count <= 20 for c in chunks)
    assert all(c.section == "规定" for c in chunks)


def test_a_sentence_longer_than_the_limit_is_cut():
    text = "word " * 100 + "end."
    chunks = chunk_sections([Section(text)], words, max_tokens=16, overlap_tokens=0)
    assert all(c.token_count <= 16 for c in chunks)
    assert "".join(c.text.replace(" ", "") for c in chunks) == text.replace(" ", "")


def test_unspaced_text_longer_than_the_limit_is_cut():
    text = "中" * 100
    chunks = chunk_sections([Section(text)], words, max_tokens=16, overlap_tokens=0)
    assert all(c.token_count <= 16 for c in chunks) and sum(len(c.text) for c in chunks) == 100


def test_overlap_must_be_smaller_than_size():
    with pytest.raises(ValueError):
        chunk_sections([Section("x")], words, max_tokens=10, overlap_tokens=10)


def test_unspaced_text_is_not_cut_inside_a_link():
    link = "[Release-v1.2.0](https://github.com/shibing624/text2vec/releases/tag/1.2.0)"
    text = ("发布了中文匹配模型" * 4 + link) * 12
    chunks = chunk_sections([Section(text)], words, max_tokens=200, overlap_tokens=0)
    assert len(chunks) > 1 and "".join(c.text for c in chunks) == text
    for c in chunks:  # every chunk starts and ends between Chinese characters or around a link
        assert c.text[0] in "发[" and c.text[-1] in "型)" and c.token_count <= 200
    long_run = "x" * 300  # longer than any piece may be: cut anyway
    assert "".join(c.text for c in chunk_sections([Section("中" * 50 + long_run)], words, 200, 0)
                   ) == "中" * 50 + long_run


def test_a_heading_inside_the_window_opens_the_next_chunk_with_nothing_carried_over():
    """Page 4 of the tax instructions, in its column: a note on due dates, then "Where To File"
    and the address. Packed together, the passage matched neither question well and the
    address was not retrieved for "Where do I file Form 1040NR?"."""
    note = "Note. If the regular due date for filing falls on a weekend, file by the next day. " * 3
    text = (note.strip() + "\n\nWhere To File\n\nIndividuals. File Form 1040NR with the "
            "Department of the Treasury, Austin, TX 73301-0215 U.S.A. Estates and trusts. File "
            "Form 1040NR with the Department of the Treasury, Cincinnati, OH 45999-0048 U.S.A.")
    chunks = chunk_sections([Section(text, page=4)], words, max_tokens=80, overlap_tokens=20)
    assert chunks[0].text.startswith("Note.") and "Where To File" not in chunks[0].text
    assert chunks[1].text.startswith("Where To File\n\nIndividuals. File Form 1040NR")


def test_a_heading_after_a_lead_in_stays_with_it():
    """synonyms.md: "Secondly, set environment variable … as below." then "* For Shell Users"
    (a title-shaped line) and the code block. Cut at the heading, the lead-in lost what it
    announces and the first mixed set an answer."""
    intro = "First, get a license key from the website and keep it somewhere safe. " * 3
    text = (intro.strip() + "\n\nSecondly, set environment variable in your terminal or shell "
            "scripts as below.\n\n* For Shell Users\n\ne.g. Shell, CMD Scripts on Linux.\n\n"
            "```bash\nexport SYNONYMS_DL_LICENSE=YOUR_LICENSE\n```")
    chunks = chunk_sections([Section(text)], words, max_tokens=80, overlap_tokens=20)
    announcing = [c.text for c in chunks if "as below" in c.text]
    assert announcing and all("SYNONYMS_DL_LICENSE" in c for c in announcing), chunks
