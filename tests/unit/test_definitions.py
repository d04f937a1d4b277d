"""What-is questions are answered with the documents' own definition (backend/rag/definitions.py)."""

import pytest

from backend.domain import ChunkRecord, ScoredChunk
from backend.rag.definitions import asked_term, defines, definition_in

# page 5 of the IRS's instructions for Form 1040NR (../shared/eval/files/i1040nr.pdf), as pypdf
# reads it
DUAL_STATUS = ("Dual-Status Tax Year\nA dual-status year is one in which you\nchange status "
               "between nonresident\nand resident alien. Different U.S.\nincome tax rules apply "
               "to each status.\n\nMost dual-status years are the years\n\nof arrival or departure.")


@pytest.mark.parametrize("question, term", [
    ("What is a dual-status tax year?", "dual-status tax year"),
    ("What are vessel hulls?", "vessel hulls"),
    ("What does DMCA stand for?", "DMCA"),
    ("What is meant by vesting?", "vesting"),
    ("Define vesting.", "vesting"),
    ('What is "Wade-Giles"?', "Wade-Giles"),
    ("SnowNLP是什么？", "SnowNLP"),
    ("什么是分词？", "分词"),
    ("“大元通制”是什么意思？", "大元通制"),
    ("Who is an exempt individual?", "exempt individual"),
    ("Who are exempt individuals?", "exempt individuals"),
    # a fact about something, not what it is
    ("What is the deadline for filing?", None),
    ("What is the name of the river?", None),
    ("What is its capital?", None),
    ("What is Tesla's nationality?", None),
    ("叶绿体DNA的同义词是什么？", None),
    ("它是什么？", None),
    ("When is the final exam?", None),
    ("Who is the CEO of Northwind?", None),
    ("Who is the treasurer?", None),
])
def test_the_term_asked_about(question, term):
    assert asked_term(question) == term


@pytest.mark.parametrize("sentence, term, expected", [
    # most of the term's words, none other ("tax" left out)
    ("A dual-status year is one in which you change status.", "dual-status tax year", True),
    ("The Digital Millennium Copyright Act (DMCA) is a United States copyright law.", "DMCA", True),
    ("DMCA means the Digital Millennium Copyright Act here.", "DMCA", True),
    # after a short phrase (i1040nr p2)
    ("For these purposes, an exempt individual is generally an individual who is a:",
     "exempt individual", True),
    ("SnowNLP是一个python写的类库，可以方便的处理中文文本内容", "SnowNLP", True),
    ("**SnowNLP** 是一个python写的类库", "SnowNLP", True),
    ("分词是指将连续的字序列按照一定的规范重新组合成词序列的过程。", "分词", True),
    # a passive, a negation, too little said, another subject, only part of the term
    ("The DMCA is divided into five titles:", "DMCA", False),
    ("Vesting is not immediate for new staff members.", "vesting", False),
    ("The annual leave is 25 days.", "annual leave", False),
    ("Leave is granted by managers in writing.", "annual leave", False),
    ("Your tax year is the calendar year unless you choose otherwise.", "dual-status tax year", False),
    ("分词工具很多。", "分词", False),
])
def test_a_sentence_defines_the_term_it_opens_with(sentence, term, expected):
    assert defines(sentence, term) is expected


def test_the_first_defining_sentence_in_passage_order():
    texts = ["Dual-status taxpayers cannot take the standard deduction.", DUAL_STATUS]
    assert definition_in("What is a dual-status tax year?", texts) == (
        1, "A dual-status year is one in which you change status between nonresident and "
           "resident alien.")
    assert definition_in("When is a dual-status return due?", texts) is None
    assert definition_in("What is a dual-status tax year?", texts,
                         quotable=lambda s: "change status" not in s) is None


def test_the_definition_replaces_the_models_paraphrase_built_from_its_words():
    """The default GGUF's answer, from the passage's own words, passes the claim check; the
    passage's definition is quoted instead, with its span."""
    from backend.rag.answer import AnswerService

    passage = ScoredChunk(ChunkRecord(1, 1, "i1040nr.pdf", DUAL_STATUS, 5, None, 0), 1.0)
    raw = ("A dual-status tax year is a tax on income earned by a resident who was a "
           "nonresident for one or more years. [1]")
    answer, citations, mode = AnswerService._cite("What is a dual-status tax year?", raw, [passage])
    assert answer == ('"A dual-status year is one in which you change status between nonresident '
                      'and resident alien." [1]')
    assert mode == "definition" and len(citations) == 1
    start, end = citations[0].span
    assert DUAL_STATUS[start:end].startswith("A dual-status year is one")
    # asked for another fact, the model's answer stands as the claim check judges it
    other = AnswerService._cite("What tax rules apply to a dual-status tax year?",
                                "Different U.S. income tax rules apply to each status. [1]",
                                [passage])
    assert other[2] == "generated"
