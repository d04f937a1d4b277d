from backend.domain import ChunkRecord
from backend.rag.prompt import SYSTEM_PROMPT, build_messages


def chunk(i: int, words: int, page=None, section=None) -> ChunkRecord:
    return ChunkRecord(id=i, document_id=1, filename="doc.pdf", text="word " * words,
                       page=page, section=section, ordinal=i)


def count(text: str) -> int:
    return len(text.split())


def test_passages_are_numbered_labelled_and_fenced():
    messages, used = build_messages("Q?", [chunk(1, 5, page=3), chunk(2, 5, section="Travel")],
                                    count, 1000)
    user = messages[1]["content"]
    assert messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert "[1] (doc.pdf, page 3)" in user and "[2] (doc.pdf, Travel)" in user
    assert user.index("<<<") < user.index("[1]") < user.index(">>>") < user.index("Question: Q?")
    assert [c.id for c in used] == [1, 2]


def test_packing_stays_within_budget_and_skips_what_does_not_fit():
    chunks = [chunk(1, 50), chunk(2, 500), chunk(3, 50)]
    messages, used = build_messages("Q?", chunks, count, budget_tokens=250)
    assert [c.id for c in used] == [1, 3]
    assert sum(count(m["content"]) for m in messages) <= 250
