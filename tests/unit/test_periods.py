from backend.rag.citations import best_sentence, names_another_edition
from backend.rag.periods import period_pairs, periods


def test_a_quarter_or_half_is_one_period_however_it_is_written():
    assert periods("Revenue in Q3 and in the third quarter, the 3rd-quarter call") == {"q3"}
    assert periods("H2 2024 sales, the second half") == {"h2"}
    assert periods("2024 H1, H1 FY25, H1'24") == {"h1"}
    assert periods("the first half of the game, Q1") == {"h1", "q1"}
    assert periods("a fifth quarter, H3, Q5, quarterly") == set()


def test_h1_and_h2_are_halves_only_beside_a_year():
    """Alone, "H1" is as often a heading level: a sentence on H2 headings is no other edition
    of one on H1 headings, as a sentence on Q2 is of one on Q1."""
    assert periods("Use one H1 heading per page, then H2 headings.") == set()
    question = "How many H1 headings should a page have?"
    assert not names_another_edition(question, "A page has one title; H2 headings may repeat.")
    assert names_another_edition("What were sales in H1 2024?", "Sales in H2 2024 were 9 million.")


def test_the_question_s_writing_of_a_period_the_text_writes_otherwise():
    assert period_pairs("Revenue in Q1 2021?", "In the first quarter revenue rose") == ["Q1"]
    assert period_pairs("Revenue in the second quarter?", "Q2 revenue") == ["second quarter"]
    assert period_pairs("What was revenue in Q1?", "Q1 revenue") == []  # written alike
    assert period_pairs("What was revenue in Q1?", "the second quarter") == []


def test_another_quarter_is_another_edition():
    question = "What was Tesla's revenue in Q1 2021?"
    assert names_another_edition(question, "Tesla Q2 2021 revenue.")
    assert names_another_edition(question, "Revenue in the second quarter of 2021 was $12 billion.")
    assert not names_another_edition(question, "In the first quarter of 2021 it was $10.4 billion.")


def test_the_quarter_asked_for_is_quoted_however_the_source_writes_it():
    """RGB's "What was Tesla's revenue in Q1 2021?" quoted "Tesla Q2 2021 revenue.": the
    sentence on the first quarter shared no more of the question's words than it."""
    passage = ("Halden's revenue for Q2 2024 was 14.1 million euros. In the first quarter of "
               "2024, Halden's revenue was 12.6 million euros.")
    index, sentence, _ = best_sentence("What was Halden's revenue in Q1 2024?", [passage])
    assert "12.6" in sentence
