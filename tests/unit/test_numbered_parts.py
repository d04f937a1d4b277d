"""Numbers that name rather than count: a numbered step or test, a section or form number
(no year), a day written in figures."""

from backend.rag.answer_types import asked_subject, states
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


def test_a_day_is_a_date_and_a_numbered_section_or_form_is_no_year():
    """"When did the DMCA provisions take effect?" quoted "…relate to section 1201(a)…" for its
    "year" 1201; a course schedule gives days as "1/26" and "Tuesday"."""
    question = "When did the DMCA provisions take effect?"
    assert not states("date", "Others relate to section 1201(a), the provision on access.",
                      question)
    assert not states("date", "If the tax is $1,000 or more, see Form 1040-ES(NR).", question)
    for day in ("Test 1 is held on 1/26 in room GL 263.", "Labs meet every Tuesday.",
                "The report is due on 2025-12-31.", "It took effect in 1998."):
        assert states("date", day, question), day
    # a day counted by ordinals (i1040nr.pdf, "When To File") is a date too; a year naming a
    # form's edition is none
    assert states("date", "File Form 1040NR by the 15th day of the 4th month after your tax "
                          "year ends.", "When is Form 1040-NR due?")
    assert not states("date", "You need not pay estimated tax if your 2008 Form 1040NR will "
                              "show a tax balance due of less than $1,000.", "When is it due?")


def test_a_numbered_name_is_what_a_question_is_about():
    """"When is Test 1?": the schedule row writing "Test 1" is about it, a tax form's list item
    "1. 31 days during 2007" under "substantial presence test" is not."""
    assert asked_subject("When is Test 1?") == "Test 1"
    assert asked_subject("Where is the assembly point for the drill?") == "assembly point"
    rows = ["1. 31 days during 2007, and 2. 183 days during the period 2007,",
            "Week 4 | Week Starting: 1/26 | Day: Tuesday | Topics: Test 1 in GL 263"]
    headings = ["Substantial presence test", "Spring 2026"]
    assert best_sentence("When is Test 1?", rows, headings)[0] == 1
