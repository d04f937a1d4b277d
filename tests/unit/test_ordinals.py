from backend.rag.citations import best_sentence
from backend.rag.ordinals import numbered_pairs

QUESTION = "What is the first step when laying down tubulars?"


def test_an_ordinal_is_held_by_its_noun_and_number():
    assert numbered_pairs(QUESTION, "Step: 1 | Work Activity: Check size.") == ["first step"]
    assert numbered_pairs("Which is the third phase?", "In Phase #3 it moves.") == ["third phase"]
    for other in ("Step 10 | Pull the joint.", "See step 1.5.", "Continue with steps 1-9.",
                  "Steps 1 to 3 are done by the crew.", "The first step is easy."):
        assert numbered_pairs(QUESTION, other) == []


def test_the_first_step_of_a_procedure_table_is_its_step_1_row():
    """A real drilling procedure (240-DOP-1013A Lay Down Tubulars.docx): the quote was the
    sentence introducing the procedure, which writes "laying down tubulars" itself."""
    rows = ["Step: 1 | Work Activity: Check elevator and slip size and condition.",
            "Lay down Tubulars DOP-1013 RSOP has been developed to control the method for laying "
            "down tubulars not requiring special consideration.",
            "Step: 3 | Work Activity: Position the iron roughneck, break and spin out the joint."]
    headings = ["240-DOP-1013A Lay Down Tubulars"] * 3
    assert best_sentence(QUESTION, rows, headings)[0] == 0
